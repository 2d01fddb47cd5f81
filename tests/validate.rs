//! `hmis validate` run as a user would, on hand-made edge cases and HUD's reference data.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::*;

#[test]
fn minimal_export_is_clean() {
    let (o, out) = validate(&[&fixture("edge/minimal")], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let findings = read_csv(&out.path().join("validation.csv"));
    assert!(findings.is_empty(), "{findings:?}");
    let counts = reconciled(out.path());
    assert_eq!(counts.len(), 24);
    assert_eq!(count_for(&counts, "Client.csv")["rows_used"], "3");
    assert_eq!(count_for(&counts, "Disabilities.csv")["rows_used"], "12");
    assert!(
        stderr(&o).contains("(all files)"),
        "reconciliation table on stderr"
    );
}

#[test]
fn every_defect_is_found_and_every_row_accounted_for() {
    let (o, out) = validate(&[&fixture("edge/defects")], &[]);
    assert_eq!(
        code(&o),
        0,
        "errors reject rows but the run succeeds: {}",
        stderr(&o)
    );
    let findings = read_csv(&out.path().join("validation.csv"));
    let got: BTreeSet<(String, String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["severity"].clone(),
                f["file"].clone(),
                f["line"].clone(),
                f["rule"].clone(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String, String)> = [
        ("error", "Client.csv", "5", "pk.duplicate"),
        ("warning", "Client.csv", "6", "max_length"),
        ("warning", "Client.csv", "7", "type"),
        ("error", "Client.csv", "10", "row.field_count"),
        ("error", "Client.csv", "11", "export.id_mismatch"),
        ("error", "Client.csv", "12", "required"),
        ("error", "Enrollment.csv", "6", "fk.missing"),
        ("error", "Enrollment.csv", "7", "fk.missing"),
        ("warning", "Enrollment.csv", "8", "dob.after_entry"),
        ("error", "Enrollment.csv", "9", "required"),
        ("warning", "Enrollment.csv", "10", "household.hoh_count"),
        ("warning", "Enrollment.csv", "11", "enrollment.overlap"),
        ("warning", "Enrollment.csv", "12", "enrollment.overlap"),
        ("warning", "Enrollment.csv", "13", "format"),
        ("error", "Exit.csv", "3", "fk.missing"),
        ("error", "Exit.csv", "4", "exit.duplicate"),
        ("error", "Exit.csv", "5", "exit.before_entry"),
        ("error", "Exit.csv", "6", "fk.person_mismatch"),
        ("error", "Exit.csv", "7", "fk.missing"),
        ("error", "Project.csv", "4", "fk.missing"),
        ("warning", "Project.csv", "5", "code_list"),
        ("error", "Services.csv", "6", "bed_night.outside_enrollment"),
        ("error", "Services.csv", "7", "fk.missing"),
        ("warning", "Services.csv", "8", "bed_night.project_type"),
    ]
    .iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    .collect();
    assert_eq!(got, want);

    let counts = reconciled(out.path());
    let n = |file: &str, k: &str| count_for(&counts, file)[k].parse::<u64>().unwrap();
    assert_eq!(
        (
            n("Client.csv", "rows_read"),
            n("Client.csv", "rows_rejected"),
            n("Client.csv", "rows_deleted")
        ),
        (11, 4, 1)
    );
    assert_eq!(
        (
            n("Organization.csv", "rows_used"),
            n("Organization.csv", "rows_deleted")
        ),
        (1, 1)
    );
    assert_eq!(
        (
            n("Project.csv", "rows_used"),
            n("Project.csv", "rows_rejected")
        ),
        (3, 1)
    );
    assert_eq!(
        (
            n("Enrollment.csv", "rows_used"),
            n("Enrollment.csv", "rows_rejected")
        ),
        (10, 3)
    );
    assert_eq!(
        (n("Exit.csv", "rows_used"), n("Exit.csv", "rows_rejected")),
        (1, 5)
    );
    assert_eq!(
        (
            n("Services.csv", "rows_used"),
            n("Services.csv", "rows_rejected")
        ),
        (5, 2)
    );

    // Identity values never reach validation.csv.
    let text = fs::read_to_string(out.path().join("validation.csv")).unwrap();
    for pii in [
        "Ana",
        "López",
        "123456789",
        "1985-03-04",
        "2025-13-45",
        "XXXXXXXXXX",
    ] {
        assert!(!text.contains(pii), "validation.csv holds {pii}");
    }

    let (o, _out) = validate(&[&fixture("edge/defects")], &["--strict"]);
    assert_eq!(code(&o), 3, "--strict rejects input with errors");
    assert!(stderr(&o).contains("--strict"));
}

#[test]
fn messy_but_valid_files_load_with_warnings_only() {
    let (o, out) = validate(&[&fixture("edge/messy")], &["--strict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let findings = read_csv(&out.path().join("validation.csv"));
    let rules: BTreeSet<&str> = findings.iter().map(|f| f["rule"].as_str()).collect();
    assert_eq!(
        rules,
        [
            "encoding.windows_1252",
            "file.missing",
            "file.unknown",
            "format",
            "header.extra_column"
        ]
        .into_iter()
        .collect()
    );
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
    let counts = reconciled(out.path());
    assert!(counts.iter().all(|c| c["rows_rejected"] == "0"));

    // What was read is right: Windows-1252 names, a quoted name with a comma, quotes and a
    // newline, a reordered lower-case header, a US date.
    let ingest = hmis::ingest::load(&[fixture("edge/messy")]).unwrap();
    let e = &ingest.dataset.exports[0];
    let client = e.table("Client");
    assert_eq!(client.str_col("FirstName").unwrap().get(0), "Zoë");
    assert_eq!(client.str_col("LastName").unwrap().get(1), "Muñoz");
    let org = e.table("Organization");
    assert_eq!(
        org.str_col("OrganizationName").unwrap().get(0),
        "Harbor \"Safe\" Shelter, Inc.\nNorth Campus"
    );
    let project = e.table("Project");
    assert_eq!(project.int_col("ProjectType").unwrap(), &[1, 13]);
    assert_eq!(project.str_col("ProjectName").unwrap().get(1), "Harbor RRH");
    let enr = e.table("Enrollment");
    assert_eq!(
        enr.cell_text(0, enr.col("EntryDate").unwrap()),
        "2025-01-05"
    );
    assert_eq!(
        enr.cell_text(1, enr.col("DateCreated").unwrap()),
        "2025-01-15 10:00:00"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn unusable_exports_exit_3_and_the_rest_still_load() {
    let drop = tempfile::tempdir().unwrap();
    copy_dir(&fixture("edge/minimal"), &drop.path().join("agency-a"));
    copy_dir(&fixture("edge/minimal"), &drop.path().join("agency-b"));
    fs::remove_file(drop.path().join("agency-b/Client.csv")).unwrap();
    let (o, out) = validate(&[drop.path()], &[]);
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("Client.csv is missing"),
        "{}",
        stderr(&o)
    );
    let counts = reconciled(out.path());
    assert!(count_for(&counts, "Enrollment.csv")["rows_used"] == "4");
    let findings = read_csv(&out.path().join("validation.csv"));
    assert!(findings.iter().any(|f| f["rule"] == "export.unusable"));

    // An empty folder, a file that is not an export, a missing Export.csv.
    let empty = tempfile::tempdir().unwrap();
    let (o, _) = validate(&[empty.path()], &[]);
    assert_eq!(code(&o), 3);
    let (o, _) = validate(&[&fixture("edge/minimal/Client.csv")], &[]);
    assert_eq!(code(&o), 3);
    let no_export = tempfile::tempdir().unwrap();
    copy_dir(&fixture("edge/minimal"), no_export.path());
    fs::remove_file(no_export.path().join("Export.csv")).unwrap();
    let (o, _) = validate(&[no_export.path()], &[]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("Export.csv is missing"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&hmis(["validate"])), 2);
    assert_eq!(code(&hmis(["frobnicate"])), 2);
    let o = hmis(["validate", "/no/such/folder"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("/no/such/folder"));
    let o = hmis(["--help"]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Exit codes"));
}

#[test]
fn zip_exports_load_like_folders() {
    let dir = tempfile::tempdir().unwrap();
    let zpath = dir.path().join("agency.zip");
    let mut z = zip::ZipWriter::new(fs::File::create(&zpath).unwrap());
    for e in fs::read_dir(fixture("edge/minimal")).unwrap() {
        let e = e.unwrap();
        let name = format!("Agency Export/{}", e.file_name().to_string_lossy());
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, &fs::read(e.path()).unwrap()).unwrap();
    }
    z.finish().unwrap();
    let (o, out) = validate(&[&zpath], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let counts = reconciled(out.path());
    assert_eq!(count_for(&counts, "Client.csv")["rows_used"], "3");
    assert!(counts[0]["origin"].ends_with("agency.zip!/Agency Export"));
}

#[test]
fn output_does_not_depend_on_argument_order() {
    let a = fixture("edge/minimal");
    let b = fixture("edge/defects");
    let (o1, out1) = validate(&[&a, &b], &[]);
    let (o2, out2) = validate(&[&b, &a], &[]);
    // Both exports carry ExportID EDGE01: one is rejected as a copy (exit 3), the same one
    // whichever order they are named in.
    assert_eq!(code(&o1), 3);
    assert_eq!(code(&o2), 3);
    for f in ["validation.csv", "ingest.csv"] {
        assert_eq!(
            fs::read(out1.path().join(f)).unwrap(),
            fs::read(out2.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn hud_lsa_sample_zip() {
    let Some(zip) = shared("lsa-sample-fy2026/Sample HMIS Data.zip") else {
        return;
    };
    let (o, out) = validate(&[&zip], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let counts = reconciled(out.path());
    let n = |file: &str, k: &str| count_for(&counts, file)[k].parse::<u64>().unwrap();
    assert_eq!(n("Client.csv", "rows_used"), 10_606);
    assert_eq!(n("Enrollment.csv", "rows_used"), 16_494);
    assert_eq!(n("Disabilities.csv", "rows_used"), 180_692);
    // 21 Export rows: the 20 stale ones are rejected, the one the data uses is kept.
    assert_eq!(
        (
            n("Export.csv", "rows_read"),
            n("Export.csv", "rows_rejected")
        ),
        (21, 20)
    );
    let findings = read_csv(&out.path().join("validation.csv"));
    let errors: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(errors, ["export.extra_row"].into_iter().collect());
    // 4 exits to destinations that are subsidy types, not destinations (419, 434, 440).
    let obsolete: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "code_list" && f["column"] == "Destination")
        .map(|f| f["value"].as_str())
        .collect();
    assert_eq!(obsolete, ["419", "434", "434", "440"]);
}

#[test]
fn datalab_fy2022_exports_map_into_fy2026() {
    let Some(dir) = shared("datalab-v1/exports") else {
        return;
    };
    let (o, out) = validate(&[&dir], &["--strict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let counts = reconciled(out.path());
    assert!(counts.iter().all(|c| c["rows_rejected"] == "0"));
    let exports: BTreeSet<&str> = counts.iter().map(|c| c["export_id"].as_str()).collect();
    assert_eq!(exports.len(), 10);

    let ingest = hmis::ingest::load(std::slice::from_ref(&dir)).unwrap();
    let by_origin = |name: &str| {
        ingest
            .dataset
            .exports
            .iter()
            .find(|e| e.origin.ends_with(name))
            .unwrap()
    };
    assert!(
        ingest
            .dataset
            .exports
            .iter()
            .all(|e| e.version == hmis::hmis::Version::Fy2022)
    );
    // ES night-by-night stays type 1; ES entry/exit becomes type 0.
    assert_eq!(
        by_origin("es_nbn")
            .table("Project")
            .int_col("ProjectType")
            .unwrap(),
        &[1]
    );
    assert_eq!(
        by_origin("es_with_ce")
            .table("Project")
            .int_col("ProjectType")
            .unwrap(),
        &[0]
    );
    // Two-digit destinations became three-digit ones, subsidies split out.
    let psh = by_origin("psh");
    let exit = psh.table("Exit");
    let dest = exit.int_col("Destination").unwrap();
    let sub = exit.int_col("DestinationSubsidyType").unwrap();
    let lists = hmis::hmis::Lists::get().list("3.12.1").unwrap();
    assert!(dest.iter().all(|d| lists.contains(*d)), "{dest:?}");
    let i = dest.iter().position(|d| *d == 435).unwrap();
    assert!(sub[i] > 400);
    // EnrollmentCoC came from EnrollmentCoC.csv.
    let enr = psh.table("Enrollment");
    let coc = enr.str_col("EnrollmentCoC").unwrap();
    assert!((0..enr.len()).any(|r| coc.get(r) == "XX-500"));
    // Gender kept from the FY2022 columns.
    assert!(psh.table("Client").int_col("Woman").is_some());
}

#[test]
fn fy2024_and_fy2026_copies_give_the_same_dataset() {
    let (Some(a), Some(b)) = (
        shared("fy2024-to-fy2026/fy2024"),
        shared("fy2024-to-fy2026/fy2026"),
    ) else {
        return;
    };
    let old = hmis::ingest::load(&[a]).unwrap();
    let new = hmis::ingest::load(&[b]).unwrap();
    let (eo, en) = (&old.dataset.exports[0], &new.dataset.exports[0]);
    assert_eq!(eo.version, hmis::hmis::Version::Fy2024);
    assert_eq!(en.version, hmis::hmis::Version::Fy2026);
    let schema = hmis::hmis::Schema::fy2026();
    let mut cells = 0;
    for spec in &schema.files {
        let (to, tn) = (eo.table(&spec.name), en.table(&spec.name));
        assert_eq!(to.len(), tn.len(), "{}", spec.name);
        for (ci, col) in spec.columns.iter().enumerate() {
            if spec.name == "Export" && col.name == "CSVVersion" {
                continue;
            }
            for r in 0..to.len() {
                assert_eq!(
                    to.cell_text(r, ci),
                    tn.cell_text(r, ci),
                    "{}.{} row {r}",
                    spec.name,
                    col.name
                );
                cells += 1;
            }
        }
    }
    assert!(cells > 100_000);
    // FY2024 gender survives as legacy columns.
    assert!(eo.table("Client").int_col("Woman").is_some());
    // The FY2026 copy has Green River's two custom files: reported, not read.
    let unknown = new
        .findings
        .iter()
        .filter(|f| f.rule == "file.unknown")
        .count();
    assert_eq!(unknown, 2);
}
