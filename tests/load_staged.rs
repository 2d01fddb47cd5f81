//! `ingest::load_staged`: reading the enrollment-child files after the others (while
//! matching runs) gives exactly what one load gives: tables, findings, row counts.

mod common;

use std::path::PathBuf;

use common::*;
use hmis::ingest::{self, Ingest, LoadOptions};

/// One load, then the columns reports do not read dropped (as the commands do).
fn one_load(paths: &[PathBuf], options: &LoadOptions) -> Ingest {
    let mut i = ingest::load_with(paths, options).unwrap();
    i.dataset.keep_for_reports();
    i
}

/// The staged load as `hmis report` runs it: the first stage, its columns dropped, the
/// child files read, added and checked, their columns dropped.
fn staged_load(paths: &[PathBuf], options: &LoadOptions) -> Ingest {
    let (mut i, later) = ingest::load_staged(paths, options).unwrap();
    i.dataset.keep_for_reports();
    let files = later.read();
    i.finish(files);
    i.dataset.keep_for_reports();
    i
}

fn assert_same(paths: &[PathBuf], options: &LoadOptions) {
    let (a, b) = (one_load(paths, options), staged_load(paths, options));
    let what = format!("{paths:?}");
    assert_eq!(a.unusable, b.unusable, "{what}");
    assert_eq!(a.counts, b.counts, "{what}");
    assert_eq!(a.findings, b.findings, "{what}");
    assert_eq!(a.dataset.exports.len(), b.dataset.exports.len(), "{what}");
    for (x, y) in a.dataset.exports.iter().zip(&b.dataset.exports) {
        assert_eq!(x.export_id, y.export_id);
        assert_eq!(x.tables.len(), y.tables.len());
        for (tx, ty) in x.tables.iter().zip(&y.tables) {
            assert_eq!(tx.names, ty.names, "{} {}", x.export_id, tx.file);
            assert_eq!(cells(tx), cells(ty), "{} {}", x.export_id, tx.file);
            assert_eq!(x.is_loaded(&tx.file), y.is_loaded(&tx.file), "{}", tx.file);
        }
    }
}

#[test]
fn staged_load_equals_one_load_on_the_fixtures() {
    for rel in ["sample", "edge/defects", "edge/messy", "edge/minimal"] {
        assert_same(&[fixture(rel)], &LoadOptions::all());
    }
    // Several exports at once, and the APR's subset of files.
    let all = [
        fixture("sample"),
        fixture("edge/defects"),
        fixture("edge/messy"),
    ];
    assert_same(&all, &LoadOptions::all());
    assert_same(&all, &LoadOptions::only(&ingest::apr_files()));
}

#[test]
fn staged_load_finds_the_child_file_defects() {
    // The defects fixture has rows in child files that must be rejected (unknown
    // enrollment, person mismatch): the staged load reports them too.
    let b = staged_load(&[fixture("edge/defects")], &LoadOptions::all());
    let child_rejected: u64 = b
        .counts
        .iter()
        .filter(|c| {
            [
                "Disabilities.csv",
                "IncomeBenefits.csv",
                "Services.csv",
                "HealthAndDV.csv",
            ]
            .contains(&c.file.as_str())
        })
        .map(|c| c.rows_rejected)
        .sum();
    assert!(child_rejected > 0, "{:?}", b.counts);
    for c in &b.counts {
        assert_eq!(
            c.rows_read,
            c.rows_used + c.rows_rejected + c.rows_deleted,
            "{c:?}"
        );
    }
}

#[test]
fn staged_load_equals_one_load_on_hud_exports() {
    for rel in [
        "datalab-v1/exports",
        "fy2024-to-fy2026",
        "lsa-sample-fy2026",
    ] {
        let Some(p) = shared(rel) else { continue };
        assert_same(&[p], &LoadOptions::all());
    }
}

/// Runs `hmis validate` and `hmis run` on `inputs` (the run into `dir`); asserts the run's
/// exit code and that its validation.csv and ingest.csv (in `dir`, or in `DIR.failed` for a
/// rejected run) are byte-identical to validate's.
fn run_matches_validate(inputs: &[&std::path::Path], dir: &std::path::Path, exit: i32) {
    let (_, checked) = validate(inputs, &[]);
    let mut args: Vec<std::ffi::OsString> = vec!["run".into()];
    args.extend(inputs.iter().map(|p| p.as_os_str().to_owned()));
    args.extend(["--out".into(), dir.as_os_str().to_owned()]);
    let o = hmis(&args);
    assert_eq!(code(&o), exit, "{}", stderr(&o));
    let written = if exit == 0 {
        dir.to_path_buf()
    } else {
        std::path::PathBuf::from(format!("{}.failed", dir.display()))
    };
    for f in ["validation.csv", "ingest.csv"] {
        let (a, b) = (
            std::fs::read(checked.path().join(f)).unwrap(),
            std::fs::read(written.join(f)).unwrap(),
        );
        assert!(a == b, "{f} differs between validate and run (exit {exit})");
    }
}

#[test]
fn run_writes_the_same_validation_as_validate() {
    // `hmis run` reads the child files beside matching and writes validation.csv and
    // ingest.csv afterwards; `hmis validate` loads in one go. Both files must be the same,
    // for a run that succeeds and for one rejected for an unusable export (DIR.failed/).
    let inputs = [fixture("edge/defects"), fixture("sample")];
    let paths: Vec<&std::path::Path> = inputs.iter().map(|p| p.as_path()).collect();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("reports");
    run_matches_validate(&paths, &dir, 0);
    // Child-file findings are there (the defects fixture has rejected Disabilities and
    // Services rows).
    let findings = read_csv(&dir.join("validation.csv"));
    assert!(
        findings.iter().any(|r| r
            .values()
            .any(|v| v == "Disabilities.csv" || v == "Services.csv")),
        "no child-file finding"
    );

    // The same exports with an unusable one (Export.csv and Enrollment.csv only).
    let bad = out.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    for f in ["Export.csv", "Enrollment.csv"] {
        std::fs::copy(fixture("edge/minimal").join(f), bad.join(f)).unwrap();
    }
    let mut with_bad = paths.clone();
    with_bad.push(&bad);
    run_matches_validate(&with_bad, &out.path().join("rejected"), 3);
}
