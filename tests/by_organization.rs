//! `hmis run --by-organization` on the bundled sample: one folder per organization, holding
//! reports on that organization's own projects and clients only, whose figures agree with
//! the system reports where they must.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use common::*;

/// (ExportID, OrganizationID) -> the organization's project names and IDs, from the raw
/// Project.csv and Export.csv files of the sample.
fn projects_by_organization() -> BTreeMap<(String, String), Vec<(String, String)>> {
    let mut out: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for a in 1..=4 {
        let dir = fixture(&format!("sample/agency-0{a}"));
        let export = read_csv(&dir.join("Export.csv"))[0]["ExportID"].clone();
        for r in read_csv(&dir.join("Project.csv")) {
            out.entry((export.clone(), r["OrganizationID"].clone()))
                .or_default()
                .push((r["ProjectID"].clone(), r["ProjectName"].clone()));
        }
    }
    out
}

/// Rows of a report CSV under their label (column A); labels can repeat (two agencies'
/// organizations may share a name).
fn all_rows(path: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (k, v) in rows_list(path) {
        out.entry(k).or_default().push(v);
    }
    out
}

/// Rows of a report CSV keyed by their label (column A), for labels that do not repeat.
fn rows(path: &Path) -> BTreeMap<String, Vec<String>> {
    rows_list(path).into_iter().collect()
}

fn rows_list(path: &Path) -> Vec<(String, Vec<String>)> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .skip(1)
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[0].to_string(),
                rec.iter().skip(1).map(str::to_string).collect(),
            )
        })
        .collect()
}

fn total_persons(pit: &Path) -> Vec<u64> {
    rows(&pit.join("all_households.csv"))["Total Number of Persons"]
        .iter()
        .map(|v| v.parse().unwrap())
        .collect()
}

#[test]
fn one_folder_per_organization_with_only_its_own_data() {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(bin())
        .args(["run"])
        .arg(fixture("sample"))
        .arg("--out")
        .arg(out.path())
        .args(["--by-organization", "-q"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let sys = out.path();
    let orgs = projects_by_organization();

    // The index lists every organization with projects, and its folder exists.
    let index = read_csv(&sys.join("organizations/index.csv"));
    assert_eq!(index.len(), orgs.len());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sys.join("summary.json")).unwrap()).unwrap();
    assert!(
        summary["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "organizations/index.csv")
    );
    let (start, end) = (
        summary["period"]["start"].as_str().unwrap().to_string(),
        summary["period"]["end"].as_str().unwrap().to_string(),
    );

    let sys_projects = all_rows(&sys.join("overview/by_project.csv"));
    let sys_scorecard = all_rows(&sys.join("effectiveness/by_organization.csv"));
    let sys_pit = total_persons(&sys.join("pit"));
    let mut pit_sum = vec![0u64; sys_pit.len()];
    let mut persons_sum = 0;
    let mut checked_apr = 0;
    for entry in &index {
        let dir = sys.join("organizations").join(&entry["folder"]);
        let key = (entry["ExportID"].clone(), entry["OrganizationID"].clone());
        let mine = &orgs[&key];
        let my_names: BTreeSet<&str> = mine.iter().map(|p| p.1.as_str()).collect();
        for f in [
            "summary.json",
            "index.html",
            "overview.xlsx",
            "pit.xlsx",
            "effectiveness.xlsx",
            "service-use.xlsx",
            "apr.xlsx",
            "apr-sage.zip",
        ] {
            assert!(dir.join(f).is_file(), "{}: no {f}", dir.display());
        }
        // The system's measures are not the organization's.
        assert!(!dir.join("spm.xlsx").exists() && !dir.join("crosswalk.csv").exists());

        // Overview: the organization's projects only, each with the system's figures (a
        // project's persons and beds depend on nothing outside it).
        let by_project = rows(&dir.join("overview/by_project.csv"));
        assert!(!by_project.is_empty());
        for (label, values) in &by_project {
            assert!(
                my_names.contains(label.as_str()),
                "{label} in {}",
                dir.display()
            );
            assert!(sys_projects[label].contains(values), "{label}");
        }
        let served = rows(&dir.join("overview/served.csv"));
        persons_sum += served
            .iter()
            .find(|(k, _)| k.starts_with("Unduplicated persons"))
            .map_or(0, |(_, v)| v[0].parse::<u64>().unwrap());

        // The scorecard rows of its projects are the system's rows (returns searched at
        // every agency), and the total is the organization's subtotal.
        let card = rows(&dir.join("effectiveness/by_organization.csv"));
        let org_name = &entry["OrganizationName"];
        // The system's label: the name, with the OrganizationID when another agency's
        // organization has the same name.
        let with_id = format!("{org_name} ({})", entry["OrganizationID"]);
        let subtotal = card
            .keys()
            .find_map(|l| l.strip_prefix("Subtotal: "))
            .unwrap()
            .to_string();
        assert!(subtotal == *org_name || subtotal == with_id, "{subtotal}");
        for (label, values) in &card {
            if label.starts_with("Subtotal: ") {
                assert!(sys_scorecard[label].contains(values), "{label}");
                assert_eq!(sys_scorecard[label].len(), 1, "{label} is not unique");
            } else if label == "Organization total" {
                assert!(sys_scorecard[&format!("Subtotal: {subtotal}")].contains(values));
            } else {
                let project = label.split(" — ").nth(1).unwrap();
                assert!(my_names.contains(project), "{label}");
                assert!(sys_scorecard[label].contains(values), "{label}");
            }
        }

        // No other organization's project is named anywhere in its CSV or HTML files.
        let others: Vec<&str> = orgs
            .iter()
            .filter(|(k, _)| **k != key)
            .flat_map(|(_, ps)| ps.iter().map(|p| p.1.as_str()))
            .filter(|n| !my_names.iter().any(|m| m.contains(n)))
            .collect();
        for file in walk(&dir) {
            if file.extension().is_some_and(|e| e == "csv" || e == "html") {
                let text = std::fs::read_to_string(&file).unwrap();
                for n in &others {
                    assert!(!text.contains(n), "{} names {n}", file.display());
                }
            }
        }

        // PIT: a person sheltered by two organizations that night counts in each.
        for (s, v) in pit_sum.iter_mut().zip(total_persons(&dir.join("pit"))) {
            *s += v;
        }

        // The organization's APR is the APR of its projects run on the whole system.
        if checked_apr < 3 {
            checked_apr += 1;
            let apr = tempfile::tempdir().unwrap();
            let mut cmd = Command::new(bin());
            cmd.args(["report", "apr"])
                .arg(fixture("sample"))
                .args(["--start", &start, "--end", &end, "-q", "--out"])
                .arg(apr.path());
            for (id, _) in mine {
                cmd.args(["--project", id]);
            }
            let o = cmd.output().unwrap();
            assert_eq!(code(&o), 0, "{}", stderr(&o));
            let mut n = 0;
            for f in walk(&apr.path().join("apr")) {
                let name = f.file_name().unwrap();
                let a = std::fs::read(&f).unwrap();
                let b = std::fs::read(dir.join("apr").join(name)).unwrap();
                assert!(
                    a == b,
                    "{}: apr/{} differs from the APR of its projects",
                    dir.display(),
                    name.to_string_lossy()
                );
                n += 1;
            }
            assert!(n > 50, "{n} APR tables");
        }
    }
    for (s, t) in pit_sum.iter().zip(&sys_pit) {
        assert!(
            s >= t,
            "organizations' PIT {pit_sum:?} < system {sys_pit:?}"
        );
    }
    // Persons served by two organizations count in each organization's folder.
    let sys_served = rows(&sys.join("overview/served.csv"));
    let sys_persons: u64 = sys_served
        .iter()
        .find(|(k, _)| k.starts_with("Unduplicated persons"))
        .map(|(_, v)| v[0].parse().unwrap())
        .unwrap();
    assert!(persons_sum >= sys_persons, "{persons_sum} < {sys_persons}");
}

fn walk(d: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}
