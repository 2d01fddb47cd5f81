//! `hmis report caper` as a user runs it, on the bundled sample (its ESG-funded projects)
//! and on HUD's FY2026 LSA sample export (`../shared/data/lsa-sample-fy2026`, skipped with a
//! message when absent):
//! - the Sage zip holds exactly the CAPER table set of reports-spec/apr.md §11 for the spec
//!   in effect, byte for byte the CSVs of `DIR/caper/`;
//! - the totals reconcile across tables (Q5a persons and leavers, Q7a, Q11, Q12, Q26b, Q23c,
//!   and the CAPER-only Q10d, Q22a2, Q22d, Q24a);
//! - every table the CAPER shares with the APR is byte-identical to the APR's CSV for the
//!   same options and projects (one code and one universe for both).

mod common;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::*;

/// The ESG CAPER table set, FY2024 (reports-spec/apr.md §11), written out here rather than
/// taken from the program.
const CAPER_FY2024: &[&str] = &[
    "Q4a", "Q5a", "Q6a", "Q6b", "Q6c", "Q6d", "Q6e", "Q6f", "Q7a", "Q7b", "Q8a", "Q8b", "Q9a",
    "Q9b", "Q10a", "Q10d", "Q11", "Q12", "Q13a1", "Q13b1", "Q13c1", "Q14a", "Q14b", "Q15", "Q16",
    "Q17", "Q19b", "Q20a", "Q21", "Q22a2", "Q22c", "Q22d", "Q22e", "Q22f", "Q22g", "Q23c", "Q23d",
    "Q23e", "Q24a", "Q24d", "Q25a", "Q26b",
];

/// FY2026: the FY2024 set without the gender tables (Q10a, Q10d) and Q24d, with Q24e (Sex).
fn caper_fy2026() -> Vec<&'static str> {
    let mut v: Vec<&str> = CAPER_FY2024
        .iter()
        .copied()
        .filter(|t| !["Q10a", "Q10d", "Q24d"].contains(t))
        .collect();
    v.push("Q24e");
    v
}

/// Tables only the CAPER has (the APR has Q22a1/Q22b and no Q24a; Q10d is by age ranges).
const CAPER_ONLY: &[&str] = &["Q10d", "Q22a2", "Q22d", "Q24a"];

/// The numbers of the row labelled `row` (None when the table or row is absent).
fn row(dir: &Path, table: &str, label: &str) -> Option<Vec<u64>> {
    let g = grid(&dir.join(format!("{table}.csv")));
    let r = g.into_iter().skip(1).find(|r| r[0] == label)?;
    Some(
        r[1..]
            .iter()
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{table} {label}: {v:?}"))
            })
            .collect(),
    )
}

/// Sum of one column over every data row but the last (the total row).
fn column_sum_without_total(dir: &Path, table: &str, col: usize) -> u64 {
    let g = grid(&dir.join(format!("{table}.csv")));
    g[1..g.len() - 1]
        .iter()
        .map(|r| r[col].parse::<u64>().unwrap_or(0))
        .sum()
}

/// Runs `hmis report <which>` with the same arguments for both reports.
fn report(which: &str, inputs: &[PathBuf], args: &[String]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut a: Vec<OsString> = vec!["report".into(), which.into()];
    a.extend(inputs.iter().map(|p| p.clone().into_os_string()));
    a.extend(args.iter().map(OsString::from));
    a.extend([
        "-q".into(),
        "--out".into(),
        out.path().as_os_str().to_owned(),
    ]);
    let o = hmis(&a);
    assert_eq!(code(&o), 0, "{which}: {}", stderr(&o));
    out
}

/// The zip's entries, checked byte for byte against `DIR/caper/`.
fn zip_tables(out: &Path) -> Vec<String> {
    let mut z =
        zip::ZipArchive::new(std::fs::File::open(out.join("caper-sage.zip")).unwrap()).unwrap();
    let mut names = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
        assert_eq!(
            bytes,
            std::fs::read(out.join("caper").join(&name)).unwrap(),
            "{name}: the zip and caper/ differ"
        );
        names.push(name.trim_end_matches(".csv").to_string());
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(out.join("caper"))
        .unwrap()
        .map(|f| {
            f.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".csv")
                .to_string()
        })
        .collect();
    assert_eq!(
        names.iter().cloned().collect::<BTreeSet<_>>(),
        on_disk,
        "caper/ and the zip hold different tables"
    );
    names
}

/// Everything the CAPER's numbers must satisfy; returns (persons, leavers).
fn reconciles(dir: &Path, fy24: bool) -> (u64, u64) {
    let q5a = |l: &str| row(dir, "Q5a", l).unwrap_or_else(|| panic!("Q5a {l}"))[1];
    let persons = q5a("Total number of persons served");
    let leavers = q5a("Number of leavers");
    let stayers = q5a("Number of stayers");
    assert_eq!(
        persons,
        leavers + stayers,
        "Q5a persons = leavers + stayers"
    );
    let q7a = row(dir, "Q7a", "Total").unwrap();
    assert_eq!(q7a[0], persons, "Q7a total = Q5a persons");
    assert_eq!(
        q7a[0],
        q7a[1..].iter().sum::<u64>(),
        "Q7a total = sum of household types"
    );
    for t in ["Q11", "Q12", "Q26b"] {
        assert_eq!(row(dir, t, "Total").unwrap()[0], persons, "{t} total");
    }
    // Q11 total = sum of its age rows.
    assert_eq!(column_sum_without_total(dir, "Q11", 1), persons, "Q11 rows");
    assert_eq!(row(dir, "Q23c", "TOTAL").unwrap()[0], leavers, "Q23c total");
    // Q22a2: every person in one length band, split into leavers and stayers.
    let q22a2 = row(dir, "Q22a2", "Total").unwrap();
    assert_eq!(q22a2, vec![persons, leavers, stayers], "Q22a2 total");
    for c in 1..=3 {
        assert_eq!(
            column_sum_without_total(dir, "Q22a2", c),
            q22a2[c - 1],
            "Q22a2 column {c}: bands add up to the total"
        );
    }
    // Q22d: the same bands by household type; its total row is Q7a's.
    assert_eq!(
        row(dir, "Q22d", "Total").unwrap(),
        q7a,
        "Q22d total = Q7a total by household type"
    );
    // Q24a: homelessness prevention leavers, each in one row.
    let q24a = row(dir, "Q24a", "Total").unwrap();
    assert!(q24a[0] <= leavers, "Q24a: {} > {leavers} leavers", q24a[0]);
    assert_eq!(
        column_sum_without_total(dir, "Q24a", 1),
        q24a[0],
        "Q24a rows"
    );
    assert_eq!(q24a[0], q24a[1..].iter().sum::<u64>(), "Q24a columns");
    if fy24 {
        // Q10d: every person in one gender row and one age column.
        let q10d = row(dir, "Q10d", "Total").unwrap();
        assert_eq!(q10d[0], persons, "Q10d total");
        assert_eq!(q10d[0], q10d[1..].iter().sum::<u64>(), "Q10d age columns");
        let q10a = row(dir, "Q10a", "Total").unwrap();
        assert_eq!(q10a[0], persons, "Q10a total");
        let q24d = row(dir, "Q24d", "Total").unwrap();
        assert_eq!(
            column_sum_without_total(dir, "Q24d", 1),
            q24d[0],
            "Q24d rows (20 languages at most)"
        );
        let heads = row(dir, "Q8a", "Total Households").unwrap()[0];
        assert!(q24d[0] <= heads, "Q24d counts heads of household");
    }
    (persons, leavers)
}

/// The CAPER's shared tables are the APR's, byte for byte; CAPER-only tables are not in
/// the APR. Returns how many tables were compared.
fn shared_with_apr(caper: &Path, apr: &Path, tables: &[String]) -> usize {
    let mut n = 0;
    for t in tables {
        let a = apr.join(format!("{t}.csv"));
        if CAPER_ONLY.contains(&t.as_str()) {
            assert!(!a.exists(), "{t} is CAPER-only but the APR has it");
            continue;
        }
        assert!(a.exists(), "{t}: in the CAPER but not in the APR");
        assert!(
            std::fs::read(caper.join(format!("{t}.csv"))).unwrap() == std::fs::read(&a).unwrap(),
            "{t}: the CAPER's CSV differs from the APR's"
        );
        n += 1;
    }
    n
}

fn check(inputs: &[PathBuf], args: &[String], fy24: bool) -> (u64, u64) {
    let caper = report("caper", inputs, args);
    let apr = report("apr", inputs, args);
    let tables = zip_tables(caper.path());
    let expected: Vec<&str> = if fy24 {
        CAPER_FY2024.to_vec()
    } else {
        caper_fy2026()
    };
    let got: BTreeSet<&str> = tables.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        got,
        expected.iter().copied().collect::<BTreeSet<_>>(),
        "the CAPER's tables"
    );
    assert_eq!(tables.len(), expected.len(), "no table twice");
    let caper_dir = caper.path().join("caper");
    let counts = reconciles(&caper_dir, fy24);
    let n = shared_with_apr(&caper_dir, &apr.path().join("apr"), &tables);
    assert_eq!(
        n,
        expected.len() - CAPER_ONLY.iter().filter(|t| got.contains(*t)).count()
    );
    // The CAPER and the APR count the same people.
    assert_eq!(
        row(
            &apr.path().join("apr"),
            "Q5a",
            "Total number of persons served"
        )
        .unwrap()[1],
        counts.0
    );
    counts
}

/// ProjectIDs of the sample's ESG-funded projects (Funder 8 ES, 9 HP, 10 RRH, 11 SO).
fn esg_projects() -> Vec<String> {
    let mut ids = BTreeSet::new();
    for a in 1..=4 {
        for r in read_csv(&fixture(&format!("sample/agency-0{a}/Funder.csv"))) {
            if ["8", "9", "10", "11"].contains(&r["Funder"].as_str()) {
                ids.insert(r["ProjectID"].clone());
            }
        }
    }
    ids.into_iter().collect()
}

fn project_args(ids: &[String]) -> Vec<String> {
    ids.iter()
        .flat_map(|id| ["--project".to_string(), id.clone()])
        .collect()
}

#[test]
fn sample_esg_projects_fy2024() {
    let ids = esg_projects();
    assert!(ids.len() >= 20, "{ids:?}");
    // The sample's default period ends 2025-09-30: FY2024.
    let (persons, leavers) = check(&[fixture("sample")], &project_args(&ids), true);
    assert!(
        persons > 100 && leavers > 10,
        "{persons} persons, {leavers} leavers"
    );
}

#[test]
fn sample_esg_projects_fy2026() {
    let mut args = project_args(&esg_projects());
    args.extend(["--spec".into(), "fy2026".into()]);
    let (persons, _) = check(&[fixture("sample")], &args, false);
    assert!(persons > 100);
}

/// Homelessness prevention only: every leaver is in Q24a.
#[test]
fn sample_prevention_leavers_are_all_in_q24a() {
    let args: Vec<String> = ["--project-type", "12"].map(String::from).to_vec();
    let caper = report("caper", &[fixture("sample")], &args);
    let dir = caper.path().join("caper");
    let (_, leavers) = reconciles(&dir, true);
    assert!(leavers > 0, "the sample's HP projects have leavers");
    assert_eq!(row(&dir, "Q24a", "Total").unwrap()[0], leavers);
}

#[test]
fn lsa_sample_esg_project_types() {
    let Some(root) = shared("lsa-sample-fy2026") else {
        return;
    };
    let mut args: Vec<String> = Vec::new();
    for t in ["0", "1", "4", "12", "13"] {
        args.extend(["--project-type".to_string(), t.to_string()]);
    }
    args.extend(SAMPLE_FY2025_LITERAL.map(String::from));
    let (persons, _) = check(&[root.join("Sample HMIS Data.zip")], &args, true);
    assert!(persons > 100, "{persons}");
}
