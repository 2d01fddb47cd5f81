//! `hmis run` and `hmis report` as a user runs them: golden outputs on the bundled sample,
//! headline numbers recomputed here independently from the raw CSV files, determinism
//! (input order, thread count), privacy of every output, and exit codes.
//!
//! Golden files: `tests/golden/sample/` holds the CSVs and summary.json of
//! `hmis run fixtures/sample --out DIR` (default period: September 2025, PIT 2025-01-29).
//! After an intended change, regenerate them with `HMIS_UPDATE_GOLDEN=1 cargo test --test run`
//! and review the diff.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::*;

fn run_into(inputs: &[PathBuf], extra: &[&str], envs: &[(&str, &str)]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(bin());
    cmd.arg("run");
    cmd.args(inputs);
    cmd.arg("--out").arg(out.path()).args(extra);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    out
}

fn sample_run() -> tempfile::TempDir {
    run_into(&[fixture("sample")], &[], &[])
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn sample_outputs_match_the_golden_files() {
    let out = sample_run();
    let golden = root().join("tests/golden/sample");
    let produced: Vec<PathBuf> = files(out.path())
        .into_iter()
        .filter(|p| {
            let s = p.to_string_lossy();
            (s.starts_with("overview") || s.starts_with("pit")) && s.ends_with(".csv")
                || s == "summary.json"
        })
        .collect();
    assert!(produced.len() > 20, "{produced:?}");
    if std::env::var_os("HMIS_UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for p in &produced {
            let to = golden.join(p);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(out.path().join(p), to).unwrap();
        }
        eprintln!("golden files rewritten in {}", golden.display());
        return;
    }
    let expected = files(&golden);
    assert_eq!(produced, expected, "the set of report files changed");
    for p in &produced {
        let a = std::fs::read_to_string(out.path().join(p)).unwrap();
        let b = std::fs::read_to_string(golden.join(p)).unwrap();
        assert!(
            a == b,
            "{} differs from tests/golden/sample (HMIS_UPDATE_GOLDEN=1 to accept):\n--- golden\n{b}\n--- now\n{a}",
            p.display()
        );
    }
}

/// The raw CSV files of the sample, read here without the program's code; persons are the
/// UnduplicatedIDs of the run's crosswalk.csv (the matcher is tested on its own).
struct Raw {
    clients: usize,
    enrollments: Vec<RawEnrollment>,
}

struct RawEnrollment {
    person: String,
    project_type: i32,
    continuum: bool,
    entry: String,
    exit: Option<String>,
    move_in: Option<String>,
    bed_nights: BTreeSet<String>,
}

fn read_raw(dir: &Path, out: &Path) -> Raw {
    let crosswalk: HashMap<(String, String), String> = read_csv(&out.join("crosswalk.csv"))
        .into_iter()
        .map(|r| {
            (
                (r["ExportID"].clone(), r["PersonalID"].clone()),
                r["UnduplicatedID"].clone(),
            )
        })
        .collect();
    let mut raw = Raw {
        clients: 0,
        enrollments: Vec::new(),
    };
    let mut agencies: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    agencies.sort();
    for a in agencies {
        let export = read_csv(&a.join("Export.csv"))[0]["ExportID"].clone();
        raw.clients += read_csv(&a.join("Client.csv")).len();
        let projects: HashMap<String, (i32, bool)> = read_csv(&a.join("Project.csv"))
            .into_iter()
            .map(|r| {
                (
                    r["ProjectID"].clone(),
                    (
                        r["ProjectType"].parse().unwrap(),
                        r["ContinuumProject"] == "1",
                    ),
                )
            })
            .collect();
        let exits: HashMap<String, String> = read_csv(&a.join("Exit.csv"))
            .into_iter()
            .map(|r| (r["EnrollmentID"].clone(), r["ExitDate"].clone()))
            .collect();
        let mut beds: HashMap<String, BTreeSet<String>> = HashMap::new();
        for r in read_csv(&a.join("Services.csv")) {
            if r["RecordType"] == "200" {
                beds.entry(r["EnrollmentID"].clone())
                    .or_default()
                    .insert(r["DateProvided"].clone());
            }
        }
        for r in read_csv(&a.join("Enrollment.csv")) {
            let (t, c) = projects[&r["ProjectID"]];
            raw.enrollments.push(RawEnrollment {
                person: crosswalk[&(export.clone(), r["PersonalID"].clone())].clone(),
                project_type: t,
                continuum: c,
                entry: r["EntryDate"].clone(),
                exit: exits.get(&r["EnrollmentID"]).cloned(),
                move_in: Some(r["MoveInDate"].clone()).filter(|s| !s.is_empty()),
                bed_nights: beds.remove(&r["EnrollmentID"]).unwrap_or_default(),
            });
        }
    }
    raw
}

#[test]
fn pit_matches_an_independent_count() {
    // The PIT rules restated over the raw files (ISO dates compare as strings): in a
    // continuum ES/TH/SH project with entry <= night < exit (night-by-night: a bed night on
    // the night), not housed in permanent housing that night, each UnduplicatedID once,
    // ES before SH before TH.
    let out = sample_run();
    let s = summary(out.path());
    let night = s["pit"]["date"].as_str().unwrap().to_string();
    assert_eq!(
        night, "2025-01-29",
        "last Wednesday of January of the period's year"
    );
    let raw = read_raw(&fixture("sample"), out.path());
    let open = |e: &RawEnrollment, from: &str| {
        from <= night.as_str() && e.exit.as_deref().is_none_or(|x| x > night.as_str())
    };
    let housed: HashSet<&String> = raw
        .enrollments
        .iter()
        .filter(|e| matches!(e.project_type, 3 | 9 | 10 | 13))
        .filter(|e| {
            e.move_in
                .as_deref()
                .is_some_and(|m| m >= e.entry.as_str() && open(e, m))
        })
        .map(|e| &e.person)
        .collect();
    let mut best: BTreeMap<&String, u8> = BTreeMap::new();
    for e in &raw.enrollments {
        let rank = match e.project_type {
            0 => 0,
            1 if e.bed_nights.contains(&night) => 0,
            8 => 1,
            2 => 2,
            _ => continue,
        };
        if !e.continuum || !open(e, &e.entry) || housed.contains(&e.person) {
            continue;
        }
        let b = best.entry(&e.person).or_insert(rank);
        *b = (*b).min(rank);
    }
    let n = |r: u8| best.values().filter(|&&x| x == r).count() as u64;
    assert_eq!(s["pit"]["persons"]["emergency"], n(0));
    assert_eq!(s["pit"]["persons"]["safe_haven"], n(1));
    assert_eq!(s["pit"]["persons"]["transitional"], n(2));
    assert_eq!(s["pit"]["persons"]["total"], best.len() as u64);
    assert!(best.len() > 100, "the sample has a real PIT population");
    // The PIT tables agree with the headline.
    let all = read_csv(&out.path().join("pit/all_households.csv"));
    let persons = all
        .iter()
        .find(|r| r[""] == "Total Number of Persons")
        .unwrap();
    assert_eq!(persons["Total"], best.len().to_string());
}

#[test]
fn overview_matches_an_independent_count() {
    // Unduplicated persons served in September 2025: any enrollment overlapping the period
    // (night-by-night: a bed night in it), each UnduplicatedID once.
    let out = sample_run();
    let s = summary(out.path());
    assert_eq!(s["period"]["start"], "2025-09-01");
    assert_eq!(s["period"]["end"], "2025-09-30");
    let raw = read_raw(&fixture("sample"), out.path());
    let (a, b) = ("2025-09-01", "2025-09-30");
    let served: HashSet<&String> = raw
        .enrollments
        .iter()
        .filter(|e| e.entry.as_str() <= b && e.exit.as_deref().is_none_or(|x| x >= a))
        .filter(|e| {
            e.project_type != 1
                || e.bed_nights
                    .range(a.to_string()..=b.to_string())
                    .next()
                    .is_some()
        })
        .map(|e| &e.person)
        .collect();
    assert_eq!(s["overview"]["persons"], served.len() as u64);
    assert_eq!(s["source_client_records"], raw.clients as u64);
    // Tables agree: the total row of every person table is the unduplicated count.
    for t in [
        "age",
        "sex",
        "race_ethnicity",
        "chronic",
        "multiple_organizations",
    ] {
        let rows = read_csv(&out.path().join(format!("overview/{t}.csv")));
        let total = rows
            .iter()
            .find(|r| r.values().any(|v| v == "Total"))
            .unwrap();
        assert_eq!(total["Persons"], served.len().to_string(), "{t}");
        let sum: u64 = rows
            .iter()
            .filter(|r| !r.values().any(|v| v == "Total"))
            .map(|r| r["Persons"].parse::<u64>().unwrap())
            .sum();
        assert_eq!(sum, served.len() as u64, "{t}: rows sum to the total");
    }
}

/// The files that must be byte-identical between runs (xlsx carries a creation time,
/// dedup.json the matcher's timings).
fn comparable(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".xlsx") && p != Path::new("dedup.json"))
        .map(|p| {
            let b = std::fs::read(dir.join(&p)).unwrap();
            (p, b)
        })
        .collect()
}

#[test]
fn same_input_same_bytes_whatever_order_and_threads() {
    let s = fixture("sample");
    let forward: Vec<PathBuf> = (1..=4).map(|i| s.join(format!("agency-0{i}"))).collect();
    let backward: Vec<PathBuf> = forward.iter().rev().cloned().collect();
    let a = run_into(&forward, &["--by-organization"], &[]);
    let b = run_into(
        &backward,
        &["--by-organization"],
        &[("RAYON_NUM_THREADS", "1"), ("POLARS_MAX_THREADS", "1")],
    );
    let (fa, fb) = (comparable(a.path()), comparable(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (p, bytes) in &fa {
        assert!(bytes == &fb[p], "{} differs between runs", p.display());
    }
    assert!(fa.contains_key(Path::new("index.html")));
    assert!(fa.contains_key(Path::new("organizations/index.csv")));
}

#[test]
fn reports_hold_no_names_ssns_birth_dates_or_personal_ids() {
    // With the organizations' folders too: they must be as clean as the system's.
    let out = run_into(&[fixture("sample")], &["--by-organization"], &[]);
    assert!(out.path().join("organizations/index.csv").is_file());
    let s = summary(out.path());
    let params: HashSet<String> = [
        &s["period"]["start"],
        &s["period"]["end"],
        &s["pit"]["date"],
    ]
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect();
    let mut secrets: Vec<String> = Vec::new();
    for a in 1..=4 {
        for r in read_csv(&fixture(&format!("sample/agency-0{a}/Client.csv"))) {
            secrets.push(format!("{} {}", r["FirstName"], r["LastName"]));
            secrets.push(r["PersonalID"].clone());
            if r["SSN"].len() == 9 {
                secrets.push(r["SSN"].clone());
            }
            if !r["DOB"].is_empty() && !params.contains(&r["DOB"]) {
                secrets.push(r["DOB"].clone());
            }
        }
    }
    secrets.retain(|x| x.trim().len() >= 5);
    let mut texts: Vec<(String, String)> = Vec::new();
    for p in files(out.path()) {
        let name = p.to_string_lossy().to_string();
        // Operational files carry record IDs by design (validation.csv, ingest.csv,
        // crosswalk.csv, links.csv); review.csv is the documented PII file of dedup.
        if [
            "validation.csv",
            "ingest.csv",
            "crosswalk.csv",
            "links.csv",
            "review.csv",
        ]
        .contains(&name.as_str())
        {
            continue;
        }
        let path = out.path().join(&p);
        if name.ends_with(".xlsx") || name.ends_with(".zip") {
            let mut z = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
            for i in 0..z.len() {
                let mut f = z.by_index(i).unwrap();
                let mut s = String::new();
                std::io::Read::read_to_string(&mut f, &mut s).unwrap();
                let inner = f.name().map(|n| n.to_string()).unwrap_or_default();
                texts.push((format!("{name}!{inner}"), s));
            }
        } else {
            texts.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(texts.len() > 30);
    // Every file is split into words (letters, digits, '-' and '\''); each run of one
    // to four consecutive words, joined by a space, is looked up among the secrets. A
    // name, ID, SSN or birth date anywhere in a text (a cell, a label, an XML attribute)
    // is such a run, and the lookups keep the scan fast over the hundreds of files.
    let secret_set: HashSet<&str> = secrets.iter().map(|s| s.as_str()).collect();
    let longest = secrets
        .iter()
        .map(|s| s.split(' ').count())
        .max()
        .unwrap_or(1);
    for (name, text) in &texts {
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '\'')))
            .filter(|w| !w.is_empty())
            .collect();
        let mut run = String::new();
        for i in 0..words.len() {
            run.clear();
            for (k, w) in words[i..].iter().take(longest).enumerate() {
                if k > 0 {
                    run.push(' ');
                }
                run.push_str(w);
                assert!(
                    !secret_set.contains(run.as_str()),
                    "{name} contains {run:?}"
                );
            }
        }
    }
}

/// `hmis run` writes the APR of all projects at the top of DIR and each project's APR
/// (workbook, CSV folder, Sage zip) under DIR/apr-projects/; summary.json and the
/// dashboard point there, and the dashboard shows no headline cards for single projects.
#[test]
fn per_project_aprs_are_in_their_own_folder() {
    let out = sample_run();
    assert_eq!(
        apr_entries(out.path()),
        ["apr", "apr-projects", "apr-sage.zip", "apr.xlsx"]
    );
    let s = summary(out.path());
    let reports = s["reports"].as_object().unwrap();
    let each: Vec<&String> = reports
        .keys()
        .filter(|k| k.starts_with("apr-project-"))
        .collect();
    assert!(each.len() > 20, "{} per-project APRs", each.len());
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    for k in &each {
        let id = k.trim_start_matches("apr-project-");
        let r = &reports[k.as_str()];
        let xlsx = format!("apr-projects/{id}.xlsx");
        assert_eq!(r["xlsx"].as_str(), Some(xlsx.as_str()), "{k}");
        assert!(out.path().join(&xlsx).is_file(), "{xlsx}");
        for c in r["csv"].as_array().unwrap() {
            let c = c.as_str().unwrap();
            assert!(c.starts_with(&format!("apr-projects/{id}/Q")), "{c}");
            assert!(out.path().join(c).is_file(), "{c}");
        }
        let zip = format!("apr-projects/{id}-sage.zip");
        assert!(out.path().join(&zip).is_file(), "{zip}");
        assert!(
            s["files"].as_array().unwrap().iter().any(|f| f == &zip),
            "{zip}"
        );
        for link in [&xlsx, &zip] {
            assert!(
                html.contains(&format!("href=\"{link}\"")),
                "dashboard links {link}"
            );
        }
        // Headlines keep their keys (apr-project-<ID>.persons).
        assert!(s[k.as_str()]["persons"].is_u64(), "{k}.persons");
    }
    assert_eq!(reports["apr"]["xlsx"].as_str(), Some("apr.xlsx"));
    // One "APR: persons served" card, for the APR of all projects; none per project.
    assert_eq!(
        html.matches("class=\"l\">APR: persons served</div>")
            .count(),
        1,
        "one APR headline card (all projects), none per project"
    );
}

#[test]
fn xlsx_has_a_sheet_per_table_about_and_native_charts() {
    let out = sample_run();
    for (report, tables) in [("pit", 10), ("overview", 12)] {
        let path = out.path().join(format!("{report}.xlsx"));
        let mut z = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let names: Vec<String> = z
            .file_names()
            .map(|n| n.map(|n| n.to_string()).unwrap_or_default())
            .collect();
        let sheets = names
            .iter()
            .filter(|n| n.starts_with("xl/worksheets/sheet"))
            .count();
        assert_eq!(sheets, tables + 1, "{report}: About + one sheet per table");
        assert!(
            names.iter().any(|n| n.starts_with("xl/charts/chart")),
            "{report}: native charts"
        );
        let mut wb = String::new();
        std::io::Read::read_to_string(&mut z.by_name("xl/workbook.xml").unwrap(), &mut wb).unwrap();
        assert!(wb.contains("name=\"About\""));
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut z.by_name("xl/worksheets/sheet2.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        assert!(sheet.contains("<pane"), "{report}: frozen panes");
    }
}

#[test]
fn report_writes_one_report() {
    let out = tempfile::tempdir().unwrap();
    let o = hmis([
        "report".as_ref(),
        "overview".as_ref(),
        fixture("sample").as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
        "--start".as_ref(),
        "2024-10-01".as_ref(),
        "--end".as_ref(),
        "2025-09-30".as_ref(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = summary(out.path());
    assert_eq!(s["period"]["start"], "2024-10-01");
    assert!(s["reports"]["overview"]["xlsx"] == "overview.xlsx");
    assert!(s.get("pit").is_none(), "only the report asked for");
    assert!(out.path().join("overview/by_project_type.csv").exists());
    assert!(!out.path().join("pit.xlsx").exists());
    // A year serves more people than its last month.
    let month = summary(sample_run().path())["overview"]["persons"]
        .as_u64()
        .unwrap();
    assert!(s["overview"]["persons"].as_u64().unwrap() > month);
}

#[test]
fn exit_codes() {
    let out = tempfile::tempdir().unwrap();
    let o_path = out.path().as_os_str();
    // A path that does not exist: usage (2).
    let o = hmis([
        "run".as_ref(),
        "no/such/export".as_ref(),
        "--out".as_ref(),
        o_path,
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    // --start without --end, and --end before --start: usage (2).
    let s = fixture("sample");
    let o = hmis([
        "run".as_ref(),
        s.as_os_str(),
        "--out".as_ref(),
        o_path,
        "--start".as_ref(),
        "2025-01-01".as_ref(),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = hmis([
        "run".as_ref(),
        s.as_os_str(),
        "--out".as_ref(),
        o_path,
        "--start".as_ref(),
        "2025-02-01".as_ref(),
        "--end".as_ref(),
        "2025-01-01".as_ref(),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = hmis(["report".as_ref(), "nonesuch".as_ref(), s.as_os_str()]);
    assert_eq!(code(&o), 2, "unknown report: {}", stderr(&o));
    // An unusable export (no Client.csv): input rejected (3), validation written, no reports.
    let bad = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("edge/minimal/Export.csv"),
        bad.path().join("Export.csv"),
    )
    .unwrap();
    std::fs::copy(
        fixture("edge/minimal/Enrollment.csv"),
        bad.path().join("Enrollment.csv"),
    )
    .unwrap();
    let o = hmis([
        "run".as_ref(),
        bad.path().as_os_str(),
        "--out".as_ref(),
        o_path,
    ]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    // The output folder is left as it was; the findings go beside it, in DIR.failed.
    let failed = std::path::PathBuf::from(format!("{}.failed", out.path().display()));
    assert!(failed.join("validation.csv").exists(), "{}", stderr(&o));
    assert!(!out.path().join("summary.json").exists());
    // An output folder that cannot be created (a file is in the way): failure (1).
    let blocker = out.path().join("blocker");
    std::fs::write(&blocker, "x").unwrap();
    let o = hmis([
        "run".as_ref(),
        fixture("pit").as_os_str(),
        "--out".as_ref(),
        blocker.join("sub").as_os_str(),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

#[test]
fn edge_fixtures_run_without_failing() {
    // Messy and defective exports still produce reports (rows with errors are left out).
    for f in ["edge/minimal", "edge/messy", "edge/defects"] {
        let out = tempfile::tempdir().unwrap();
        let o = hmis([
            "run".as_ref(),
            fixture(f).as_os_str(),
            "--out".as_ref(),
            out.path().as_os_str(),
        ]);
        assert!(
            code(&o) == 0 || code(&o) == 3,
            "{f}: {} {}",
            code(&o),
            stderr(&o)
        );
        if code(&o) == 0 {
            assert!(out.path().join("summary.json").exists(), "{f}");
            assert!(out.path().join("index.html").exists(), "{f}");
        }
    }
}
