//! `ingest::load_with`: loading only some files of each export (what `hmis dedup` needs).

mod common;

use std::collections::BTreeSet;

use common::*;
use hmis::ingest::{self, DEDUP_FILES, Ingest, LoadOptions};

fn findings(i: &Ingest) -> BTreeSet<(String, String, u64, String, String)> {
    i.findings
        .iter()
        .map(|f| {
            (
                f.export_id.clone(),
                f.file.clone(),
                f.line,
                f.rule.to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

#[test]
fn a_subset_load_gives_the_same_clients_and_enrollments() {
    let paths = [fixture("sample")];
    let full = ingest::load(&paths).unwrap();
    let part = ingest::load_with(&paths, &LoadOptions::only(DEDUP_FILES)).unwrap();
    assert!(full.unusable.is_empty() && part.unusable.is_empty());
    assert_eq!(full.dataset.exports.len(), part.dataset.exports.len());
    assert!(!part.dataset.exports.is_empty());
    for (a, b) in full.dataset.exports.iter().zip(&part.dataset.exports) {
        assert_eq!(a.export_id, b.export_id);
        assert_eq!((a.version, &a.source_id), (b.version, &b.source_id));
        for file in ["Export", "Client", "Enrollment", "Exit", "Project"] {
            let (ta, tb) = (a.table(file), b.table(file));
            assert!(!ta.is_empty(), "{} {file}", a.export_id);
            assert_eq!(ta.names, tb.names);
            assert_eq!(cells(ta), cells(tb), "{} {file}", a.export_id);
            assert!(b.is_loaded(file));
        }
        let (ca, cb) = (a.table("Client"), b.table("Client"));
        let (pa, pb) = (
            ca.str_col("PersonalID").unwrap(),
            cb.str_col("PersonalID").unwrap(),
        );
        assert_eq!(
            (pa.get(0), pa.get(ca.len() - 1)),
            (pb.get(0), pb.get(cb.len() - 1))
        );
        let entry = |e: &ingest::Export| -> Vec<i32> {
            let d = e.table("Enrollment").date_col("EntryDate").unwrap();
            d.iter().copied().collect()
        };
        assert_eq!(entry(a), entry(b));
        // The other files are not read.
        for file in ["Inventory", "Services", "User", "Organization"] {
            assert!(!a.table(file).is_empty() || file == "User");
            assert!(b.table(file).is_empty() && !b.is_loaded(file), "{file}");
            assert!(a.is_loaded(file));
        }
    }
    // Counts for the loaded files only, and the same as the full load's.
    let files: BTreeSet<&str> = part.counts.iter().map(|c| c.file.as_str()).collect();
    assert_eq!(
        files,
        BTreeSet::from([
            "Client.csv",
            "Enrollment.csv",
            "Exit.csv",
            "Export.csv",
            "Project.csv"
        ])
    );
    for c in &part.counts {
        assert!(full.counts.contains(c), "{c:?}");
    }
    // No finding about the files left out, none the full load does not have.
    for f in &part.findings {
        assert!(
            ["Export.csv", "Client.csv", "Enrollment.csv", ""].contains(&f.file.as_str()),
            "{f:?}"
        );
        assert!(
            f.rule != "file.missing" && f.rule != "file.unknown",
            "{f:?}"
        );
    }
    assert!(findings(&part).is_subset(&findings(&full)));
}

#[test]
fn checks_between_loaded_files_still_run() {
    let paths = [fixture("edge/defects")];
    let full = ingest::load(&paths).unwrap();
    // Clients and enrollments without Project.csv.
    let part = ingest::load_with(
        &paths,
        &LoadOptions::only(&["Export", "Client", "Enrollment", "Exit"]),
    )
    .unwrap();
    let rules_at = |i: &Ingest, file: &str| -> BTreeSet<(u64, String)> {
        i.findings
            .iter()
            .filter(|f| f.file == file)
            .map(|f| (f.line, f.rule.to_string()))
            .collect()
    };
    let (a, b) = (
        rules_at(&full, "Enrollment.csv"),
        rules_at(&part, "Enrollment.csv"),
    );
    // Enrollment -> Client, birth date after entry, heads of household: still checked.
    for want in [
        (6, "fk.missing"),
        (8, "dob.after_entry"),
        (10, "household.hoh_count"),
    ] {
        let want = (want.0, want.1.to_string());
        assert!(a.contains(&want) && b.contains(&want), "{want:?}");
    }
    // Enrollment -> Project (line 7) and overlapping stays (which need the project type)
    // are not: Project.csv was not read.
    assert!(a.contains(&(7, "fk.missing".to_string())));
    assert!(!b.contains(&(7, "fk.missing".to_string())));
    assert!(b.iter().all(|(_, r)| r != "enrollment.overlap"));
    assert!(
        part.findings
            .iter()
            .all(|f| !f.message.contains("Project.csv has no usable row")),
        "no enrollment is rejected for want of a project"
    );
    // So the one enrollment the full load rejected for its project is kept.
    let (ea, eb) = (
        &full.dataset.exports[0].table("Enrollment"),
        &part.dataset.exports[0].table("Enrollment"),
    );
    assert_eq!(eb.len(), ea.len() + 1);
    assert!(eb.lines.contains(&7) && !ea.lines.contains(&7));
    assert_eq!(
        cells(full.dataset.exports[0].table("Client")),
        cells(part.dataset.exports[0].table("Client"))
    );
}

#[test]
fn subset_loads_keep_the_unusable_rules_and_refuse_unknown_names() {
    // An export without Enrollment.csv is unusable whatever is asked for.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("edge/minimal")).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name().unwrap() != "Enrollment.csv" {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let only_clients = LoadOptions::only(&["Client"]);
    let part = ingest::load_with(&[dir.path().to_path_buf()], &only_clients).unwrap();
    assert_eq!(part.unusable.len(), 1, "{:?}", part.unusable);
    assert!(part.unusable[0].1.contains("Enrollment.csv is missing"));

    assert!(ingest::load_with(&[fixture("sample")], &LoadOptions::only(&["Clients"])).is_err());

    // FY2022 exports: EnrollmentCoC.csv is read only when named.
    if let Some(dir) = shared("datalab-v1/exports") {
        let full = ingest::load(std::slice::from_ref(&dir)).unwrap();
        let part = ingest::load_with(&[dir], &LoadOptions::only(DEDUP_FILES)).unwrap();
        assert_eq!(full.dataset.exports.len(), part.dataset.exports.len());
        for (a, b) in full.dataset.exports.iter().zip(&part.dataset.exports) {
            assert_eq!(cells(a.table("Client")), cells(b.table("Client")));
            assert_eq!(a.table("Enrollment").len(), b.table("Enrollment").len());
        }
        assert!(part.counts.iter().all(|c| c.file != "EnrollmentCoC.csv"));
    }
}
