//! Helpers shared by the integration tests: run the real binary, read its CSV outputs, find
//! the shared reference data.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hmis"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// `../shared/data/<rel>`, or None (and a message) when the shared folder is absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = root().join("..").join("shared").join("data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

pub fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(bin()).args(args).output().expect("run hmis")
}

pub fn hmis<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(bin()).args(args).output().expect("run hmis")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Rows of a CSV file as maps from header to value.
pub fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .zip(rec.iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect()
}

/// Runs `hmis validate` on `inputs` into a fresh folder; returns (output, folder).
pub fn validate(inputs: &[&Path], extra: &[&str]) -> (Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<std::ffi::OsString> = vec!["validate".into()];
    args.extend(inputs.iter().map(|p| p.as_os_str().to_owned()));
    args.push("--out".into());
    args.push(out.path().as_os_str().to_owned());
    args.extend(extra.iter().map(|s| s.into()));
    let o = hmis(&args);
    (o, out)
}

/// Asserts rows read = used + rejected + deleted on every line of ingest.csv and returns
/// the lines.
pub fn reconciled(dir: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let rows = read_csv(&dir.join("ingest.csv"));
    for r in &rows {
        let n = |k: &str| r[k].parse::<u64>().unwrap();
        assert_eq!(
            n("rows_read"),
            n("rows_used") + n("rows_rejected") + n("rows_deleted"),
            "{r:?}"
        );
    }
    rows
}

pub fn count_for<'a>(
    rows: &'a [std::collections::BTreeMap<String, String>],
    file: &str,
) -> &'a std::collections::BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["file"] == file)
        .unwrap_or_else(|| panic!("no ingest.csv line for {file}"))
}

/// A CSV file as rows of cells, header row included, rows of any length (a Sage grid).
pub fn grid(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|x| x.unwrap().iter().map(|s| s.to_string()).collect())
        .collect()
}

/// The names at the top of an output folder that start with `apr`, sorted.
pub fn apr_entries(dir: &Path) -> Vec<String> {
    let mut top: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("apr"))
        .collect();
    top.sort();
    top
}

/// HUD's FY2026 sample over the report year FY2025 in HUD's literal universe: the options
/// the APR and CAPER tests run it with.
pub const SAMPLE_FY2025_LITERAL: [&str; 6] = [
    "--start",
    "2024-10-01",
    "--end",
    "2025-09-30",
    "--identity",
    "personal-id",
];

/// Every cell of a loaded table as text, with its line numbers.
pub fn cells(t: &hmis::ingest::Table) -> Vec<(u32, Vec<String>)> {
    (0..t.len())
        .map(|r| {
            let row = (0..t.columns.len()).map(|c| t.cell_text(r, c)).collect();
            (t.lines[r], row)
        })
        .collect()
}
