//! Fuzz-style robustness: truncated, binary and malformed files must give a clean exit code
//! (0 or 3) and a message, never a panic.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// A small deterministic generator (no dependency needed for test noise).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn assert_clean(o: &std::process::Output, what: &str) {
    let c = code(o);
    let err = stderr(o);
    assert!(c == 0 || c == 3, "{what}: exit code {c}\n{err}");
    assert!(!err.contains("panicked"), "{what}: panic\n{err}");
}

#[test]
fn damaged_files_never_panic() {
    let mut rng = Lcg(20261125);
    let base = fixture("edge/defects");
    let files: Vec<String> = fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    for case in 0..60 {
        let dir = tmp.path().join(format!("case{case}"));
        copy_dir(&base, &dir);
        // Damage one to three files.
        for _ in 0..=rng.below(3) {
            let name = &files[rng.below(files.len() as u64) as usize];
            let path = dir.join(name);
            let mut bytes = fs::read(&path).unwrap();
            match rng.below(6) {
                0 => bytes.truncate(rng.below(bytes.len() as u64 + 1) as usize),
                1 => {
                    bytes = (0..rng.below(4000)).map(|_| rng.next() as u8).collect();
                }
                2 => {
                    for _ in 0..20 {
                        if !bytes.is_empty() {
                            let i = rng.below(bytes.len() as u64) as usize;
                            bytes[i] = [b'"', b',', b'\n', b'\r', 0u8, 0xff][rng.below(6) as usize];
                        }
                    }
                }
                3 => bytes.clear(),
                4 => {
                    let cut = bytes.iter().position(|b| *b == b'\n').map_or(0, |p| p + 1);
                    bytes.truncate(cut); // header only
                }
                _ => bytes.extend_from_slice(b"\n\"unterminated,quote\n,,,,\n"),
            }
            fs::write(&path, bytes).unwrap();
        }
        let (o, out) = validate(&[&dir], &[]);
        assert_clean(&o, &format!("case {case}"));
        if code(&o) == 0 {
            reconciled(out.path());
        }
    }
}

#[test]
fn broken_zips_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rng = Lcg(7);
    // Random bytes named .zip, an empty .zip, a truncated real zip.
    let junk = tmp.path().join("junk.zip");
    fs::write(
        &junk,
        (0..5000).map(|_| rng.next() as u8).collect::<Vec<u8>>(),
    )
    .unwrap();
    let (o, _) = validate(&[&junk], &[]);
    assert_clean(&o, "junk zip");
    assert_eq!(code(&o), 3);
    let empty = tmp.path().join("empty.zip");
    fs::write(&empty, b"").unwrap();
    let (o, _) = validate(&[&empty], &[]);
    assert_eq!(code(&o), 3);

    let real = tmp.path().join("real.zip");
    let mut z = zip::ZipWriter::new(fs::File::create(&real).unwrap());
    for e in fs::read_dir(fixture("edge/minimal")).unwrap() {
        let e = e.unwrap();
        z.start_file(
            e.file_name().to_string_lossy(),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut z, &fs::read(e.path()).unwrap()).unwrap();
    }
    z.finish().unwrap();
    let bytes = fs::read(&real).unwrap();
    for cut in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 30] {
        let p = tmp.path().join(format!("cut{cut}.zip"));
        fs::write(&p, &bytes[..cut]).unwrap();
        let (o, _) = validate(&[&p], &[]);
        assert_clean(&o, &format!("zip cut at {cut}"));
    }
}
