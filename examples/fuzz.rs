//! A mutation fuzzer for the export reader that runs on stable Rust (cargo-fuzz needs
//! nightly; see fuzz/README.md). It mutates a valid export's files and a zip of it, loads
//! each variant and stops at the first panic, saving the input.
//!
//!     cargo run --release --example fuzz -- [SECONDS] [SEED]

use std::io::Write;
use std::panic;
use std::time::{Duration, Instant};

use hmis::ingest::fuzzing::{FILES, load_with_file, load_zip, seed_export};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPECIAL: &[&[u8]] = &[
    b"\"",
    b",",
    b"\n",
    b"\r\n",
    b"\r",
    b"\0",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\"\"",
    b"-1",
    b"99999999999999999999",
    b"1900-01-01",
    b"2200-13-45",
    b"NaN",
    b"$1,200.00",
    b"\xc3",
    b"\xe2\x82",
    b"..",
    b"/",
    b"PK\x03\x04",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = b.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                let s = SPECIAL[rng.below(SPECIAL.len())];
                b.splice(i..i, s.iter().copied());
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below(64).min(len - i);
                b.drain(i..i + n);
            }
            3 => b.truncate(rng.below(len + 1)),
            4 if len > 0 => {
                // Duplicate a chunk (rows, fields).
                let i = rng.below(len);
                let n = rng.below(512).min(len - i);
                let chunk: Vec<u8> = b[i..i + n].to_vec();
                let at = rng.below(b.len() + 1);
                b.splice(at..at, chunk);
            }
            5 if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next() as u8;
            }
            6 => {
                // A long run of one byte.
                let i = rng.below(len + 1);
                let c = [b'A', b',', b'"', b'\n', b'9'][rng.below(5)];
                b.splice(i..i, std::iter::repeat_n(c, 1 + rng.below(100_000)));
            }
            _ => {}
        }
    }
    b
}

fn seed_zip() -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in seed_export() {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let files = seed_export();
    let zip = seed_zip();
    let start = Instant::now();
    let (mut csv_runs, mut zip_runs) = (0u64, 0u64);
    panic::set_hook(Box::new(|_| {}));
    while start.elapsed() < Duration::from_secs(seconds) {
        let as_zip = rng.below(4) == 0;
        let (input, run): (Vec<u8>, fn(&[u8])) = if as_zip {
            zip_runs += 1;
            (mutate(&mut rng, &zip), load_zip)
        } else {
            csv_runs += 1;
            let pick = rng.below(FILES.len());
            let original = files.iter().find(|f| f.0 == FILES[pick]).unwrap().1;
            let mut data = vec![pick as u8];
            data.extend(mutate(&mut rng, original));
            (data, load_with_file)
        };
        if panic::catch_unwind(|| run(&input)).is_err() {
            let _ = panic::take_hook();
            let path = format!("fuzz-crash-{seed}-{}.bin", csv_runs + zip_runs);
            std::fs::write(&path, &input).unwrap();
            eprintln!(
                "PANIC after {} inputs ({}): input saved to {path}; reproduce with the fuzz target {}",
                csv_runs + zip_runs,
                if as_zip { "zip" } else { "csv file" },
                if as_zip { "zip_export" } else { "csv_file" }
            );
            // Show the panic message.
            run(&input);
            std::process::exit(1);
        }
    }
    println!(
        "fuzz: {seconds} s, seed {seed}: {csv_runs} mutated CSV files and {zip_runs} mutated zips loaded, no panic"
    );
}
