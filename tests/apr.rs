//! The APR against HUD's published Data Lab answers (`../shared/data/datalab-v1`, README
//! there): `hmis report apr` is run as a user would for the psh, rrh and th kits and every
//! cell of every table whose definition did not change between the kit's FY2021 spec and
//! FY2024 is compared, by position, with the kit's normalization rules. Tables whose
//! definition or layout changed are listed in `CHANGED` with the reason; the test fails if
//! the kit holds a table that is in neither list, so nothing hides.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

/// Tables compared cell by cell (same rows, columns and rules in FY2021 and FY2024).
const SAME: &[&str] = &[
    "Q5a", "Q6f", "Q7a", "Q7b", "Q8a", "Q8b", "Q9a", "Q9b", "Q13a1", "Q13a2", "Q13b1", "Q13b2",
    "Q13c1", "Q13c2", "Q14a", "Q16", "Q17", "Q18", "Q19a1", "Q19a2", "Q20a", "Q20b", "Q21", "Q22e",
    "Q25a", "Q25b", "Q26a", "Q26b", "Q26e", "Q27a", "Q27b", "Q27g", "Q27h",
];

/// Kit tables not compared, with the FY2021 -> FY2024 change that makes their cells differ.
const CHANGED: &[(&str, &str)] = &[
    (
        "Q4a",
        "columns changed: FY2024 adds RRH Subtype, CE Access Point, active clients/households; drops Method for Tracking ES",
    ),
    (
        "Q6a",
        "rows changed: race and ethnicity merged into one element (3.04), gender redefined",
    ),
    (
        "Q6b",
        "columns changed: DK/PNTA, missing and data issues split; Client Location became Enrollment CoC",
    ),
    (
        "Q6c",
        "columns changed: DK/PNTA, missing and data issues split",
    ),
    ("Q6d", "rows changed: CE and SSO/Day Shelter/HP rows added"),
    ("Q6e", "rows changed: '< 0 days' row added"),
    (
        "Q10a",
        "gender element redefined in the 2024 data standards (FY2024 Q10a has 32 rows)",
    ),
    (
        "Q10b",
        "removed in FY2024 (gender of children merged into Q10a)",
    ),
    (
        "Q10c",
        "removed in FY2024 (gender of unknown age merged into Q10a)",
    ),
    (
        "Q11",
        "age bands changed: 55-61 and 62+ became 55-64 and 65+",
    ),
    ("Q12a", "race and ethnicity merged into Q12 (33 rows)"),
    ("Q12b", "race and ethnicity merged into Q12 (33 rows)"),
    (
        "Q14b",
        "redefined: 'currently fleeing' became 'most recent experience' (WhenOccurred)",
    ),
    (
        "Q15",
        "living situation list re-coded and regrouped in the 2024 data standards",
    ),
    ("Q19b", "rows changed: 15 income sources instead of 11"),
    ("Q22a1", "rows changed: 'Data Not Collected' row dropped"),
    (
        "Q22b",
        "averages and medians written with 2 decimals (FY2021: whole days)",
    ),
    (
        "Q22c",
        "rows changed: 61-180 days split into 61-90 and 91-180",
    ),
    (
        "Q23c",
        "destination list re-coded and regrouped in the 2024 data standards",
    ),
    ("Q25c", "gender element redefined (Q10a rows)"),
    (
        "Q25d",
        "age bands changed: 55-61 and 62+ became 55-64 and 65+",
    ),
    ("Q25e", "removed in FY2024"),
    ("Q25f", "removed in FY2024"),
    ("Q25g", "removed in FY2024"),
    ("Q25h", "removed in FY2024"),
    ("Q25i", "destination list re-coded and regrouped"),
    ("Q26c", "gender element redefined (Q10a rows)"),
    (
        "Q26d",
        "age bands changed: 55-61 and 62+ became 55-64 and 65+",
    ),
    ("Q26f", "removed in FY2024"),
    ("Q26g", "removed in FY2024"),
    ("Q26h", "removed in FY2024"),
    ("Q27c", "gender element redefined (Q10a rows)"),
    ("Q27d", "living situation list re-coded and regrouped"),
    (
        "Q27e",
        "rows changed: 'Data Not Collected' row dropped (Q22a1 rows)",
    ),
    ("Q27f", "renamed Q27f1 and destination list re-coded"),
    ("Q27i", "rows changed: 15 income sources instead of 11"),
];

/// The kit's value normalization: trim, blank = 0, any all-zero number = 0, no leading $.
fn norm(v: &str) -> String {
    let v = v.trim().trim_start_matches('$');
    if v.is_empty() || v.parse::<f64>().is_ok_and(|x| x == 0.0) {
        "0".to_string()
    } else {
        v.to_string()
    }
}

fn cell_name(r: usize, c: usize) -> String {
    format!("{}{}", (b'A' + c as u8) as char, r + 1)
}

/// Compares one table; returns the differing cells.
fn compare(expected: &Path, got: &Path, table: &str) -> Vec<String> {
    let e = grid(&expected.join(format!("{table}.csv")));
    let g = grid(&got.join(format!("{table}.csv")));
    let mut diffs = Vec::new();
    // FY2021 Q5a had no header row and one value column; FY2024 adds the header and the
    // data-quality column B, so the kit's B{r} is our C{r+1}.
    let (row_off, col_map): (usize, fn(usize) -> usize) = if table == "Q5a" {
        (1, |c| c + 1)
    } else {
        (0, |c| c)
    };
    let first = if table == "Q5a" { 0 } else { 1 };
    for (r, row) in e.iter().enumerate().skip(first) {
        for (c, v) in row.iter().enumerate().skip(1) {
            let ours = g
                .get(r + row_off)
                .and_then(|x| x.get(col_map(c)))
                .map_or("<absent>".to_string(), |s| norm(s));
            if norm(v) != ours {
                diffs.push(format!(
                    "{table} {}: HUD {v:?}, ours {ours:?}",
                    cell_name(r, c)
                ));
            }
        }
    }
    diffs
}

fn run_kit(kit: &str, select: &[&str]) -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let root = shared("datalab-v1")?;
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<std::ffi::OsString> = vec!["report".into(), "apr".into()];
    let mut exports: Vec<_> = std::fs::read_dir(root.join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    exports.sort();
    args.extend(exports.into_iter().map(|p| p.into_os_string()));
    for a in [
        "--start",
        "2020-10-01",
        "--end",
        "2021-09-30",
        "--coc",
        "XX-500",
        "--identity",
        "personal-id",
        "-q",
        "--out",
    ] {
        args.push(a.into());
    }
    args.push(out.path().as_os_str().to_owned());
    args.extend(select.iter().map(|s| s.into()));
    let o = hmis(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    Some((out, root.join("expected-apr").join(kit)))
}

fn known_answers(kit: &str, select: &[&str]) {
    let Some((out, expected)) = run_kit(kit, select) else {
        return;
    };
    // Every kit table is either compared or listed as changed.
    let changed: BTreeMap<&str, &str> = CHANGED.iter().copied().collect();
    for f in std::fs::read_dir(&expected).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().to_string();
        let t = name.trim_end_matches(".csv");
        assert!(
            SAME.contains(&t) || changed.contains_key(t),
            "{kit}: kit table {t} is neither compared nor listed as changed"
        );
    }
    let got = out.path().join("apr");
    let mut diffs = Vec::new();
    let mut cells = 0;
    for t in SAME {
        cells += grid(&expected.join(format!("{t}.csv")))
            .iter()
            .map(|r| r.len().saturating_sub(1))
            .sum::<usize>();
        diffs.extend(compare(&expected, &got, t));
    }
    assert!(cells > 1000, "{kit}: only {cells} cells compared");
    assert!(
        diffs.is_empty(),
        "{kit}: {} cell(s) differ from HUD's answers:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn psh_matches_hud_answers() {
    known_answers("psh", &["--project-type", "3", "--project-type", "10"]);
}

#[test]
fn rrh_matches_hud_answers() {
    known_answers("rrh", &["--project", "808"]);
}

#[test]
fn th_matches_hud_answers() {
    known_answers("th", &["--project-type", "2"]);
}

/// The Sage zip holds exactly the CSVs of DIR/apr, byte for byte, and the report holds no
/// personal data (no PersonalIDs, birth dates or names of the kit's clients).
#[test]
fn sage_zip_is_the_csvs_and_holds_no_personal_data() {
    let Some((out, _)) = run_kit("psh", &["--project", "441"]) else {
        return;
    };
    let zip_path = out.path().join("apr-sage.zip");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut names = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
        let on_disk = std::fs::read(out.path().join("apr").join(&name)).unwrap();
        assert_eq!(bytes, on_disk, "{name} differs from the zip");
        names.push(name);
    }
    for t in ["Q4a", "Q24b", "Q24c", "Q24d", "Q27l", "Q27m"] {
        assert!(
            names.contains(&format!("{t}.csv")),
            "{t} missing: {names:?}"
        );
    }
    assert_eq!(names.len(), 72, "FY2024 APR tables: {names:?}");
    let root = shared("datalab-v1").unwrap();
    let clients = read_csv(&root.join("exports/psh/Client.csv"));
    let mut all = String::new();
    for n in &names {
        all.push_str(&std::fs::read_to_string(out.path().join("apr").join(n)).unwrap());
    }
    for c in clients {
        for k in ["FirstName", "LastName", "DOB"] {
            let v = &c[k];
            if v.len() > 3 {
                assert!(!all.contains(v.as_str()), "{k} {v} appears in the APR");
            }
        }
        assert!(
            !all.contains(&format!(",{},", c["PersonalID"])),
            "a PersonalID appears in the APR"
        );
    }
}

/// Thread count and input order do not change a byte of the CSVs or the zip.
#[test]
fn same_bytes_whatever_threads_or_order() {
    let Some(root) = shared("datalab-v1") else {
        return;
    };
    let mut exports: Vec<_> = std::fs::read_dir(root.join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    exports.sort();
    let run = |threads: &str, exports: &[std::path::PathBuf]| {
        let out = tempfile::tempdir().unwrap();
        let o = std::process::Command::new(bin())
            .env("RAYON_NUM_THREADS", threads)
            .args(["report", "apr"])
            .args(exports)
            .args([
                "--start",
                "2020-10-01",
                "--end",
                "2021-09-30",
                "-q",
                "--out",
            ])
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        out
    };
    let a = run("1", &exports);
    exports.reverse();
    let b = run("4", &exports);
    let za = std::fs::read(a.path().join("apr-sage.zip")).unwrap();
    let zb = std::fs::read(b.path().join("apr-sage.zip")).unwrap();
    assert_eq!(za, zb);
    for f in std::fs::read_dir(a.path().join("apr")).unwrap() {
        let f = f.unwrap();
        let other = std::fs::read(b.path().join("apr").join(f.file_name())).unwrap();
        assert_eq!(
            std::fs::read(f.path()).unwrap(),
            other,
            "{:?}",
            f.file_name()
        );
    }
}

/// A ProjectID that is not in the exports is a usage error (exit 2), and nothing is written.
#[test]
fn unknown_project_is_a_usage_error() {
    let Some(root) = shared("datalab-v1") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let o = hmis([
        "report".as_ref(),
        "apr".as_ref(),
        root.join("exports/psh").as_os_str(),
        "--project".as_ref(),
        "nope".as_ref(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(!out.path().join("apr-sage.zip").exists());
}

/// The last cell of a table's row with this label in column A (None when absent).
fn cell(dir: &Path, table: &str, row: &str, col: usize) -> Option<u64> {
    grid(&dir.join(format!("{table}.csv")))
        .into_iter()
        .find(|r| r.first().is_some_and(|l| l == row))
        .and_then(|r| r.get(col).and_then(|v| v.parse().ok()))
}

/// Q7a total = Q5a persons = Q11 total = Q12 total = Q26b total in one APR folder.
fn reconciles(dir: &Path) -> u64 {
    let persons = cell(dir, "Q5a", "Total number of persons served", 2).unwrap();
    for t in ["Q7a", "Q11", "Q12", "Q26b"] {
        assert_eq!(
            cell(dir, t, "Total", 1),
            Some(persons),
            "{}: {t} total differs from Q5a",
            dir.display()
        );
    }
    let leavers = cell(dir, "Q5a", "Number of leavers", 2).unwrap();
    assert_eq!(
        cell(dir, "Q23c", "TOTAL", 1),
        Some(leavers),
        "{}",
        dir.display()
    );
    persons
}

/// HUD's FY2026 sample export: `hmis run` writes the APR of all projects together and of
/// each project; every one of them reconciles across tables.
#[test]
fn lsa_sample_every_project_reconciles() {
    let Some(root) = shared("lsa-sample-fy2026") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    // The sample over FY2025 in HUD's literal universe, with `command` (run, report apr).
    let zip = root.join("Sample HMIS Data.zip");
    let sample = |command: &[&str], out: &Path| {
        let mut args: Vec<&std::ffi::OsStr> = command.iter().map(|c| c.as_ref()).collect();
        args.push(zip.as_os_str());
        for a in SAMPLE_FY2025_LITERAL.iter().chain(&["-q", "--out"]) {
            args.push(a.as_ref());
        }
        args.push(out.as_os_str());
        hmis(args)
    };
    let o = sample(&["run"], out.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = reconciles(&out.path().join("apr"));
    assert!(all > 1000, "{all} persons");
    let q4a = grid(&out.path().join("apr/Q4a.csv"));
    assert_eq!(q4a.len() - 1, 72, "one Q4a row per project");
    // Each project's APR is under DIR/apr-projects/, nothing of it at the top of DIR.
    let mut projects = 0;
    let mut sum = 0;
    let each = out.path().join("apr-projects");
    for f in std::fs::read_dir(&each).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            sum += reconciles(&p);
            projects += 1;
            assert!(each.join(format!("{name}-sage.zip")).exists());
            assert!(each.join(format!("{name}.xlsx")).exists());
        }
    }
    assert_eq!(projects, 72);
    assert_eq!(
        apr_entries(out.path()),
        ["apr", "apr-projects", "apr-sage.zip", "apr.xlsx"]
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let files: Vec<&str> = s["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for f in &files {
        assert!(
            out.path().join(f).is_file(),
            "summary.json lists {f}, which is not there"
        );
    }
    let per_project = files
        .iter()
        .filter(|f| f.starts_with("apr-projects/") && f.ends_with("-sage.zip"))
        .count();
    assert_eq!(per_project, 72);
    // A person served by two projects counts in each project's APR, once in all together.
    assert!(sum >= all);

    // `hmis report apr` reads only ingest::apr_files(): the same tables as `hmis run`'s.
    let alone = tempfile::tempdir().unwrap();
    let o = sample(&["report", "apr"], alone.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut compared = 0;
    for f in std::fs::read_dir(out.path().join("apr")).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_name().unwrap().to_owned();
        let mine = std::fs::read(alone.path().join("apr").join(&name)).unwrap();
        assert!(
            mine == std::fs::read(&p).unwrap(),
            "{name:?}: the subset load differs from the full load"
        );
        compared += 1;
    }
    assert!(compared > 50, "{compared} tables");
}

/// The same export in the FY2024 and FY2026 layouts gives the same APR on every table the
/// two specifications share (Q10a, Q24c, Q24d, Q25c, Q26c, Q27c are FY2024 only, Q24e
/// FY2026 only).
#[test]
fn fy2024_and_fy2026_copies_agree() {
    let Some(root) = shared("fy2024-to-fy2026") else {
        return;
    };
    let run = |v: &str| {
        let out = tempfile::tempdir().unwrap();
        let o = hmis([
            "report".as_ref(),
            "apr".as_ref(),
            root.join(v).as_os_str(),
            "--start".as_ref(),
            "2024-10-01".as_ref(),
            "--end".as_ref(),
            "2025-09-30".as_ref(),
            "--spec".as_ref(),
            v.as_ref(),
            "--identity".as_ref(),
            "personal-id".as_ref(),
            "-q".as_ref(),
            "--out".as_ref(),
            out.path().as_os_str(),
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        out
    };
    let (a, b) = (run("fy2024"), run("fy2026"));
    let mut shared_tables = 0;
    let mut differing = Vec::new();
    for f in std::fs::read_dir(a.path().join("apr")).unwrap() {
        let f = f.unwrap();
        let other = b.path().join("apr").join(f.file_name());
        // Q6a row 3.06 is Gender under FY2024 and Sex under FY2026 (which the FY2026 copy
        // leaves null, as HUD's converter cannot derive sex from gender): compared below
        // without that row and the overall score it feeds.
        if !other.exists() {
            continue;
        }
        if f.file_name() == "Q6a.csv" {
            let (ga, gb) = (grid(&f.path()), grid(&other));
            assert_eq!(ga[..5], gb[..5], "Q6a rows 3.01-3.04");
            shared_tables += 1;
            continue;
        }
        shared_tables += 1;
        if std::fs::read(f.path()).unwrap() != std::fs::read(&other).unwrap() {
            differing.push(f.file_name().to_string_lossy().to_string());
        }
    }
    assert!(shared_tables >= 60, "{shared_tables}");
    differing.sort();
    assert!(differing.is_empty(), "tables differ: {differing:?}");
}
