//! `hmis report dq` as a user runs it, checked against the other commands on the same input:
//! its Q6 tables against `hmis report apr` (all projects, and each organization's projects),
//! its validation counts against `hmis validate`'s validation.csv, its within-agency
//! duplicates against `hmis dedup`'s links.csv; the ranking against its own error rates;
//! `hmis run` writing it (suppressed when asked, chosen by the config's `reports`); the same
//! bytes whatever the input order and thread count.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::*;

type Rows = Vec<BTreeMap<String, String>>;

/// The period and table set every comparison here uses.
const PERIOD: [&str; 6] = [
    "--start",
    "2024-10-01",
    "--end",
    "2025-09-30",
    "--spec",
    "fy2026",
];

/// `hmis report <report> <inputs> --out DIR <PERIOD> <extra>`; asserts exit 0.
fn report(report: &str, inputs: &[PathBuf], extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<OsString> = vec!["report".into(), report.into()];
    args.extend(inputs.iter().map(|p| p.clone().into_os_string()));
    args.push("--out".into());
    args.push(out.path().as_os_str().to_owned());
    args.extend(PERIOD.iter().map(OsString::from));
    args.extend(extra.iter().map(OsString::from));
    let o = hmis(&args);
    assert_eq!(code(&o), 0, "hmis {args:?}: {}", stderr(&o));
    out
}

/// A CSV as (header, records) keeping column order (labels repeat in the long tables).
fn grid(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn n(s: &str) -> u64 {
    s.parse().unwrap_or_else(|_| panic!("{s:?} is not a count"))
}

/// The rows of a long DQ table (`dq/q6x.csv`) for one organization (label in column A),
/// without the organization column: the same layout as the APR's `Q6x.csv`.
fn part(rows: &[Vec<String>], label: &str) -> Vec<Vec<String>> {
    rows.iter()
        .filter(|r| r[0] == label)
        .map(|r| r[1..].to_vec())
        .collect()
}

fn sample() -> PathBuf {
    fixture("sample")
}

#[test]
fn all_organizations_equal_the_apr_and_each_organization_its_own_apr() {
    let dq = report("dq", &[sample()], &[]);
    let apr = report("apr", &[sample()], &[]);
    // Every Q6 table of the All group is the all-projects APR's, cell for cell.
    for q in ["Q6a", "Q6b", "Q6c", "Q6d", "Q6e", "Q6f"] {
        let (dh, drows) = grid(&dq.path().join(format!("dq/{}.csv", q.to_lowercase())));
        let (ah, arows) = grid(&apr.path().join(format!("apr/{q}.csv")));
        assert_eq!(dh[1..], ah[..], "{q} columns");
        let all = part(&drows, "All organizations");
        assert!(!all.is_empty(), "{q}: no All rows");
        assert_eq!(all, arows, "{q}: All organizations differs from the APR");
    }

    // Each organization's Q6a is the APR of that organization's projects.
    let (_, q6a) = grid(&dq.path().join("dq/q6a.csv"));
    let ranking = read_csv(&dq.path().join("dq/ranking.csv"));
    let orgs: Vec<&BTreeMap<String, String>> = ranking
        .iter()
        .filter(|r| r["Organization"] != "All organizations")
        .collect();
    assert!(orgs.len() >= 10, "{} organizations", orgs.len());
    // ProjectIDs of each organization, from the raw Project.csv files.
    let mut projects: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for a in 1..=4 {
        for p in read_csv(&sample().join(format!("agency-0{a}/Project.csv"))) {
            projects
                .entry((p["ExportID"].clone(), p["OrganizationID"].clone()))
                .or_default()
                .push(p["ProjectID"].clone());
        }
    }
    // The best, the worst and every fourth in between (each is a full APR run).
    let picks: Vec<usize> = (0..orgs.len())
        .filter(|&i| i % 4 == 0 || i == orgs.len() - 1)
        .collect();
    for &i in &picks {
        let label = &orgs[i]["Organization"];
        let org_id = label
            .rsplit_once('(')
            .and_then(|(_, x)| x.strip_suffix(')'))
            .unwrap();
        let ids = &projects[&(orgs[i]["ExportID"].clone(), org_id.to_string())];
        let mut extra: Vec<&str> = Vec::new();
        for id in ids {
            extra.extend(["--project", id]);
        }
        let own = report("apr", &[sample()], &extra);
        let (_, arows) = grid(&own.path().join("apr/Q6a.csv"));
        assert_eq!(
            part(&q6a, label),
            arows,
            "{label}: Q6a differs from its APR"
        );
        // Persons served: the APR's Q5a total.
        let q5 = read_csv(&own.path().join("apr/Q5a.csv"));
        assert_eq!(
            orgs[i]["Persons served"], q5[0]["Count of Clients"],
            "{label}"
        );
    }

    // The organizations' Q6a counts add up to at least the all-projects count: each
    // organization counts everyone it served, a person served by two counts in both.
    let all = part(&q6a, "All organizations");
    for (k, row) in all.iter().enumerate() {
        for c in 1..5 {
            if row[c].is_empty() {
                continue;
            }
            let sum: u64 = orgs
                .iter()
                .map(|o| n(&part(&q6a, &o["Organization"])[k][c]))
                .sum();
            assert!(
                sum >= n(&row[c]),
                "Q6a {} column {c}: {sum} < {}",
                row[0],
                row[c]
            );
        }
    }
    let persons: u64 = orgs.iter().map(|o| n(&o["Persons served"])).sum();
    let all_persons = n(&ranking.last().unwrap()["Persons served"]);
    assert!(persons >= all_persons && all_persons > 0);
    // And the report says how many: summary.json's dq.persons is the APR's.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dq.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(s["dq"]["persons"].as_u64(), Some(all_persons));
    assert_eq!(s["reports"]["dq"]["xlsx"], "dq.xlsx");
}

/// Error rate = error cells / required cells; rows ordered by it (ties: more persons
/// first, then by name); equal rates share a rank; error cells are the sum of the Q6a-Q6c
/// Totals of the long tables.
fn check_ranking(dir: &Path, corner: &str, all_label: &str) {
    let ranking = read_csv(&dir.join("dq/ranking.csv"));
    let (last, rows) = ranking.split_last().unwrap();
    assert_eq!(last[corner], all_label);
    assert!(!rows.is_empty());
    let long: Vec<(String, Vec<Vec<String>>)> = ["q6a", "q6b", "q6c"]
        .iter()
        .map(|q| (q.to_string(), grid(&dir.join(format!("dq/{q}.csv"))).1))
        .collect();
    let frac = |r: &BTreeMap<String, String>| (n(&r["Error cells"]), n(&r["Required cells"]));
    for (i, r) in ranking.iter().enumerate() {
        let (e, d) = frac(r);
        assert!(e <= d, "{r:?}");
        let rate: f64 = r["Error rate"].parse().unwrap();
        let want = if d == 0 { 0.0 } else { e as f64 / d as f64 };
        assert!((rate - want).abs() < 1e-4, "{r:?}");
        assert_eq!(
            e,
            n(&r["PII errors (Q6a)"])
                + n(&r["Universal data element errors (Q6b)"])
                + n(&r["Income and housing errors (Q6c)"]),
            "{r:?}"
        );
        // The long tables' Total column (Q6a's Overall Score is not an element).
        let label = &r[corner];
        let mut totals = 0;
        for (q, g) in &long {
            for row in g.iter().filter(|x| &x[0] == label) {
                if row[1] != "Overall Score" {
                    totals += n(&row[5]);
                } else {
                    assert_eq!(q, "q6a");
                    assert_eq!(row[5], r["Clients with any PII error (Q6a)"]);
                }
            }
        }
        assert_eq!(totals, e, "{label}: long tables");
        if i == 0 {
            assert_eq!(r["Rank"], "1");
        }
        if i > 0 && i < rows.len() {
            let p = &ranking[i - 1];
            let (pe, pd) = frac(p);
            // a/b vs c/d exactly.
            let (lhs, rhs) = (pe as u128 * d.max(1) as u128, e as u128 * pd.max(1) as u128);
            assert!(
                lhs <= rhs,
                "{} ranked above {} with a higher rate",
                p[corner],
                label
            );
            let (pr, rk) = (n(&p["Rank"]), n(&r["Rank"]));
            if lhs == rhs {
                assert_eq!(pr, rk, "equal rates share a rank: {label}");
                assert!(n(&p["Persons served"]) >= n(&r["Persons served"]));
            } else {
                assert_eq!(rk, i as u64 + 1, "{label}: rank is the position");
            }
        }
    }
    assert_eq!(last["Rank"], "");
}

#[test]
fn ranking_follows_the_error_rate_by_organization_and_by_project() {
    let org = report("dq", &[sample()], &[]);
    check_ranking(org.path(), "Organization", "All organizations");
    let proj = report("dq", &[sample()], &["--by", "project"]);
    check_ranking(proj.path(), "Project", "All projects");
    // The same projects together: the same All figures either way.
    let a = read_csv(&org.path().join("dq/ranking.csv"));
    let b = read_csv(&proj.path().join("dq/ranking.csv"));
    for k in [
        "Persons served",
        "Error cells",
        "Required cells",
        "Error rate",
    ] {
        assert_eq!(a.last().unwrap()[k], b.last().unwrap()[k], "{k}");
    }
    // Every project is in an organization; a project row names its organization.
    assert!(b.len() > a.len());
    assert!(
        b[..b.len() - 1]
            .iter()
            .all(|r| !r["Organization"].is_empty())
    );
    // --project narrows the report like the APR's.
    let one = &b[0]["Project"];
    let id = one
        .rsplit_once('(')
        .and_then(|(_, x)| x.strip_suffix(')'))
        .unwrap();
    let narrow = report("dq", &[sample()], &["--by", "project", "--project", id]);
    let c = read_csv(&narrow.path().join("dq/ranking.csv"));
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(&c[0]["Project"], one);
    assert_eq!(c[0]["Error cells"], b[0]["Error cells"]);
    // The xlsx holds the chart of error rates.
    let f = std::fs::File::open(org.path().join("dq.xlsx")).unwrap();
    let z = zip::ZipArchive::new(f).unwrap();
    assert!(
        z.file_names()
            .any(|n| n.is_ok_and(|n| n.starts_with("xl/charts/chart"))),
        "dq.xlsx: native chart"
    );
}

/// (export, rule, severity) -> findings, from a validation.csv.
fn by_rule(rows: &Rows) -> BTreeMap<(String, String, String), u64> {
    let mut m = BTreeMap::new();
    for r in rows {
        *m.entry((
            r["export_id"].clone(),
            r["rule"].clone(),
            r["severity"].clone(),
        ))
        .or_insert(0) += 1;
    }
    m
}

#[test]
fn validation_counts_equal_validation_csv() {
    for f in ["edge/defects", "edge/messy", "sample"] {
        let input = fixture(f);
        let (o, v) = validate(&[&input], &[]);
        assert_eq!(code(&o), 0, "{f}: {}", stderr(&o));
        let want = by_rule(&read_csv(&v.path().join("validation.csv")));
        let dq = report("dq", &[input], &[]);
        let rows = read_csv(&dq.path().join("dq/validation.csv"));
        let mut got = BTreeMap::new();
        let mut totals = BTreeMap::new();
        for r in &rows {
            if r["ExportID"] == "All exports" {
                totals.insert(r["Severity"].clone(), n(&r["Findings"]));
                continue;
            }
            let k = (
                r["ExportID"].clone(),
                r["Rule"].clone(),
                r["Severity"].clone(),
            );
            assert!(
                got.insert(k, n(&r["Findings"])).is_none(),
                "{f}: {r:?} twice"
            );
        }
        assert_eq!(got, want, "{f}");
        for s in ["error", "warning"] {
            let sum: u64 = want.iter().filter(|(k, _)| k.2 == s).map(|(_, v)| v).sum();
            assert_eq!(totals[s], sum, "{f}: {s}");
        }
        if f == "edge/defects" {
            assert!(want.len() >= 5, "the defects fixture has findings");
        }
    }
}

#[test]
fn within_agency_duplicates_equal_links_csv() {
    let out = tempfile::tempdir().unwrap();
    let o = hmis([
        "dedup".as_ref(),
        sample().as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
        "--quiet".as_ref(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut links: BTreeMap<String, u64> = BTreeMap::new();
    let mut ends: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for l in read_csv(&out.path().join("links.csv")) {
        if l["ExportID_a"] != l["ExportID_b"] {
            continue;
        }
        let e = l["ExportID_a"].clone();
        *links.entry(e.clone()).or_insert(0) += 1;
        let s = ends.entry(e).or_default();
        s.insert(l["PersonalID_a"].clone());
        s.insert(l["PersonalID_b"].clone());
    }
    let mut records: BTreeMap<String, u64> = BTreeMap::new();
    for r in read_csv(&out.path().join("crosswalk.csv")) {
        *records.entry(r["ExportID"].clone()).or_insert(0) += 1;
    }
    assert!(links.values().sum::<u64>() > 0, "the sample has such links");
    // The same with persons identified by PersonalID: the matcher runs for this table.
    for extra in [&[][..], &["--identity", "personal-id"][..]] {
        let dq = report("dq", &[sample()], extra);
        let rows = read_csv(&dq.path().join("dq/duplicates.csv"));
        let (total, rows) = rows.split_last().unwrap();
        assert_eq!(total["ExportID"], "All exports");
        assert_eq!(rows.len(), records.len());
        for r in rows {
            let e = &r["ExportID"];
            assert_eq!(n(&r["Client records"]), records[e], "{e}");
            assert_eq!(
                n(&r["Suspected duplicate links"]),
                links.get(e).copied().unwrap_or(0),
                "{e}"
            );
            assert_eq!(
                n(&r["Records in suspected duplicates"]),
                ends.get(e).map_or(0, |s| s.len() as u64),
                "{e}"
            );
        }
        assert_eq!(
            n(&total["Suspected duplicate links"]),
            links.values().sum::<u64>()
        );
    }
}

#[test]
fn same_bytes_whatever_input_order_and_threads() {
    let forward: Vec<PathBuf> = (1..=4)
        .map(|i| sample().join(format!("agency-0{i}")))
        .collect();
    let backward: Vec<PathBuf> = forward.iter().rev().cloned().collect();
    let a = report("dq", &forward, &[]);
    let out = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(bin());
    cmd.arg("report").arg("dq").args(&backward);
    cmd.arg("--out").arg(out.path()).args(PERIOD);
    cmd.env("RAYON_NUM_THREADS", "1")
        .env("POLARS_MAX_THREADS", "1");
    let o = cmd.output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(a.path().join("dq"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(names.len() >= 9, "{names:?}");
    for f in names {
        let x = std::fs::read(a.path().join("dq").join(&f)).unwrap();
        let y = std::fs::read(out.path().join("dq").join(&f)).unwrap();
        assert!(x == y, "dq/{f} differs between runs");
    }
}

#[test]
fn run_writes_it_suppressed_and_a_config_can_choose_it() {
    let input = fixture("edge/defects");
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("r");
    let o = hmis([
        "run".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        dir.as_os_str(),
        "--period".as_ref(),
        "2024-10-01..2025-09-30".as_ref(),
        "--suppress-below".as_ref(),
        "11".as_ref(),
        "--quiet".as_ref(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(dir.join("dq.xlsx").exists());
    let rows = read_csv(&dir.join("dq/ranking.csv"));
    // Three persons: every count from 1 to 10 is hidden; the rank is not a count.
    for r in &rows {
        for (k, v) in r {
            if k == "Rank" || k == "Organization" || k == "ExportID" {
                continue;
            }
            if let Ok(x) = v.parse::<u64>() {
                assert!(x == 0 || x >= 11, "{k}={v} in {r:?}");
            }
        }
    }
    assert!(rows.iter().any(|r| r["Persons served"] == "*"));

    // reports = ["dq"]: the DQ report alone.
    let cfg = out.path().join("hmis.toml");
    std::fs::write(&cfg, "reports = [\"dq\"]\nquiet = true\n").unwrap();
    let only = out.path().join("only");
    let o = hmis([
        "run".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        only.as_os_str(),
        "--config".as_ref(),
        cfg.as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(only.join("summary.json")).unwrap()).unwrap();
    let names: Vec<&String> = s["reports"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["dq"]);
    assert!(!only.join("apr.xlsx").exists());
}
