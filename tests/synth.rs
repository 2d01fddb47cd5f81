//! `hmis synth` run as a user would: valid exports, same seed same bytes, and the committed
//! sample is exactly what the documented command writes.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn committed_sample_is_what_synth_writes() {
    let out = tempfile::tempdir().unwrap();
    let o = hmis([
        "synth",
        "--out",
        out.path().to_str().unwrap(),
        "--persons",
        "3000",
        "--agencies",
        "4",
        "--seed",
        "2026",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let made = files(out.path());
    let committed = files(&fixture("sample"));
    assert_eq!(made.len(), committed.len());
    for ((a, x), (b, y)) in made.iter().zip(&committed) {
        assert_eq!(a, b);
        assert!(x == y, "{a} differs from the committed fixture");
    }
}

#[test]
fn synthetic_community_validates_cleanly_and_truth_covers_every_client() {
    let (o, out) = validate(&[&fixture("sample")], &["--strict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(read_csv(&out.path().join("validation.csv")).is_empty());
    let counts = reconciled(out.path());
    let exports: std::collections::BTreeSet<&str> =
        counts.iter().map(|c| c["export_id"].as_str()).collect();
    assert_eq!(exports.len(), 4);
    let used = |file: &str| -> u64 {
        counts
            .iter()
            .filter(|c| c["file"] == file)
            .map(|c| c["rows_used"].parse::<u64>().unwrap())
            .sum()
    };
    let clients = used("Client.csv");
    let truth = read_csv(&fixture("sample/truth.csv"));
    assert_eq!(truth.len() as u64, clients);
    let persons: std::collections::BTreeSet<&str> =
        truth.iter().map(|t| t["PersonKey"].as_str()).collect();
    assert_eq!(persons.len(), 3000);
    // Organizations and projects of a small community.
    assert_eq!((used("Organization.csv"), used("Project.csv")), (19, 48));
}

#[test]
fn synth_rejects_bad_options_with_usage_code() {
    let out = tempfile::tempdir().unwrap();
    let o = hmis([
        "synth",
        "--out",
        out.path().to_str().unwrap(),
        "--agencies",
        "0",
    ]);
    assert_eq!(code(&o), 2);
    let o = hmis([
        "synth",
        "--out",
        out.path().to_str().unwrap(),
        "--start",
        "2025-01-01",
        "--end",
        "2024-01-01",
    ]);
    assert_eq!(code(&o), 2);
    let o = hmis([
        "synth",
        "--out",
        out.path().to_str().unwrap(),
        "--start",
        "yesterday",
    ]);
    assert_eq!(code(&o), 2);
}
