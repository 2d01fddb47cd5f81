//! Times `ingest::load_with` alone (no output files): the whole export or a subset of its
//! files. Run it under GNU time for CPU and peak memory:
//!
//!     cargo build --release --example load
//!     /usr/bin/time -f "%e s %U u %S s %M KB" $CARGO_TARGET_DIR/release/examples/load \
//!         [--files Client,Enrollment] EXPORT...
//!
//! `--dedup` reads what `hmis dedup` needs (`ingest::DEDUP_FILES`).

use std::path::PathBuf;
use std::time::Instant;

use hmis::ingest::{self, DEDUP_FILES, LoadOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut options = LoadOptions::all();
    let mut paths = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dedup" => options = LoadOptions::only(DEDUP_FILES),
            "--files" => {
                let list = args.next().unwrap_or_default();
                // The names live for the whole run.
                let names: Vec<&'static str> = list
                    .split(',')
                    .map(|s| &*Box::leak(s.trim().to_string().into_boxed_str()))
                    .collect();
                options = LoadOptions::only(&names);
            }
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let t = Instant::now();
    let ingest = match ingest::load_with(&paths, &options) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let rows: u64 = ingest.counts.iter().map(|c| c.rows_read).sum();
    let used: u64 = ingest.counts.iter().map(|c| c.rows_used).sum();
    println!(
        "{} export(s), {} file(s), {rows} rows read, {used} used, {} error(s), {} warning(s) in {:.2} s",
        ingest.dataset.exports.len(),
        ingest.counts.len(),
        ingest.errors(),
        ingest.warnings(),
        t.elapsed().as_secs_f64()
    );
}
