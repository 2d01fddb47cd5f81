//! System Performance Measures, the project scorecard and service use on hand-made
//! histories (`fixtures/spm`, two agencies that are separate HMIS source systems, so a
//! person's records are linked only by the dedup matcher), with every expected number
//! worked out by hand below; and consistency checks on `hmis synth` data.
//!
//! Period 2024-10-01 to 2025-09-30; seven-year lookback to 2017-10-01; Measure 2 exit
//! window 2022-10-01 to 2023-09-30. People (all adults, all heads of household):
//! - R1: RRH (A) exit to 410 on 2023-03-01; PSH (A) entry 2023-03-14 = 13 days: not a return.
//! - R2: same RRH exit; PSH entry 2023-03-16 = 15 days: a return (0-180).
//! - R3: ES (A) exit to 435 on 2023-05-01; ES at agency B (another source system, linked by
//!   the matcher) on 2023-12-01 = 214 days: a return (181-365).
//! - R4: ES (A) 2018-01-01 to 2025-01-01, inside the lookback: 2,557 nights.
//! - R5: ES night-by-night (A) from 2025-03-01, bed nights 03-01..03-03 and 03-10..03-11 (5),
//!   homeless since 2025-02-20 (9 more nights for 1b).
//! - R6: PSH (A) from 2023-06-01, moved in 2023-06-10, still housed; income at entry SSI 500,
//!   annual 2024-06-01 SSI 500, annual 2025-06-03 SSI 500 + earned 800; an ES stay at agency
//!   B 2025-02-01 to 2025-02-05 while housed.
//! - R7: TH (A, CoC funded) 2024-11-01 to 2025-05-01 (181 nights) exit to 410; income at
//!   entry earned 1,000, at exit earned 900 + TANF 300.
//! - R8: SO (B) 2024-11-01 to 2025-02-01, exit to 314.
//! - R9: ES (B) 2023-06-01 to 2023-07-01 (exit to 116); ES (A) 2025-04-01 to 2025-04-20 (19
//!   nights), exit to 116.
//! - R10: homelessness prevention (A, type 12, not an SPM type) 2022-11-01 to 2023-02-01, exit
//!   to 410; ES at agency B 2023-05-12 to 2023-06-01 = 100 days after: a 6-month return for
//!   the prevention project on the scorecard (not in SPM 2, which has no HP row); HP again
//!   2025-01-01 to 2025-02-01 (exit to 410), so the project is on the scorecard.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

fn report(
    which: &str,
    inputs: &[&Path],
    extra: &[&str],
) -> (std::process::Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<std::ffi::OsString> = vec!["report".into(), which.into()];
    args.extend(inputs.iter().map(|p| p.as_os_str().to_owned()));
    args.extend(
        ["--start", "2024-10-01", "--end", "2025-09-30", "--out"]
            .iter()
            .map(|s| s.into()),
    );
    args.push(out.path().as_os_str().to_owned());
    args.extend(extra.iter().map(|s| s.into()));
    let o = hmis(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (o, out)
}

/// A table as row label -> cells (column B onwards, as text).
fn table(dir: &Path, report: &str, id: &str) -> BTreeMap<String, Vec<String>> {
    let path = dir.join(report).join(format!("{id}.csv"));
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[0].to_string(),
                rec.iter().skip(1).map(|s| s.to_string()).collect(),
            )
        })
        .collect()
}

fn cell<'a>(t: &'a BTreeMap<String, Vec<String>>, row: &str, col: usize) -> &'a str {
    let r = t
        .get(row)
        .unwrap_or_else(|| panic!("no row {row:?} in {:?}", t.keys()));
    &r[col]
}

#[test]
fn spm_on_hand_made_histories() {
    let (_, out) = report("spm", &[&fixture("spm")], &[]);
    let d = out.path();
    // Every table of the issue, one CSV each.
    for id in [
        "1a", "1b", "2", "3.2", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "5.1", "5.2", "7a.1",
        "7b.1", "7b.2",
    ] {
        assert!(d.join("spm").join(format!("{id}.csv")).exists(), "{id}");
    }
    assert!(d.join("spm.xlsx").exists());

    // 1a: columns C (persons), E (average), H (median) = cells 1, 3, 6 after column A.
    let t = table(d, "spm", "1a");
    // 1a.1: R4 2,557 (2018-01-01..2024-12-31: 7 x 365 + 2 leap days), R5 5 bed nights (gaps
    // not counted), R9 19 (its 2023 stay is outside the 365 nights before 2025-04-19). R6's
    // ES nights fall while housed in PSH: excluded, so R6 is not in the universe.
    let r = "Persons in ES-EE, ES-NbN, and SH";
    assert_eq!(cell(&t, r, 1), "3");
    assert_eq!(cell(&t, r, 3), "860.33"); // (2557 + 5 + 19) / 3
    assert_eq!(cell(&t, r, 6), "19.00");
    // 1a.2 adds R7's 181 TH nights (2024-11-01..2025-04-30).
    let r = "Persons in ES-EE, ES-NbN, SH, and TH";
    assert_eq!(cell(&t, r, 1), "4");
    assert_eq!(cell(&t, r, 3), "690.50"); // 2762 / 4
    assert_eq!(cell(&t, r, 6), "100.00"); // (19 + 181) / 2
    assert_eq!(cell(&t, r, 0), "", "previous year left to HDX");

    // 1b: R5 adds the 9 self-reported nights 2025-02-20..02-28 (to the first bed night).
    let t = table(d, "spm", "1b");
    let r = "Persons in ES-EE, ES-NbN, SH, and PH";
    assert_eq!(cell(&t, r, 1), "3");
    assert_eq!(cell(&t, r, 3), "863.33"); // (2557 + 14 + 19) / 3
    let r = "Persons in ES-EE, ES-NbN, SH, TH, and PH";
    assert_eq!(cell(&t, r, 3), "692.75"); // (2557 + 14 + 19 + 181) / 4
    assert_eq!(cell(&t, r, 6), "100.00");

    // 2: PH exits R1 (no return: PSH 13 days later) and R2 (return: 15 days); ES exit R3
    // returning 214 days later at another agency.
    let t = table(d, "spm", "2");
    assert_eq!(t["Exit was from PH"][..3], ["2", "1", "0.5000"]);
    assert_eq!(
        t["Exit was from ES"][..5],
        ["1", "0", "0.0000", "1", "1.0000"]
    );
    assert_eq!(t["Exit was from TH"][0], "0");
    let total = &t["TOTAL Returns to Homelessness"];
    assert_eq!(total[0], "3");
    assert_eq!(total[7], "2");
    assert_eq!(total[8], "0.6667");

    // 3.2: ES R4, R5, R6, R9; TH R7; universe 5.
    let t = table(d, "spm", "3.2");
    assert_eq!(
        cell(&t, "Universe: Unduplicated Total sheltered persons", 1),
        "5"
    );
    assert_eq!(cell(&t, "Emergency Shelter Total", 1), "4");
    assert_eq!(cell(&t, "Transitional Housing Total", 1), "1");
    assert_eq!(cell(&t, "Safe Haven Total", 1), "0");

    // 4: stayer R6 (annual 2025-06-03 within 30 days of the anniversary, against the
    // 2024-06-01 annual): earned up, other the same, total up. Leaver R7: earned down,
    // other up (0 -> 300), total up (1,000 -> 1,200).
    let row = |id: &str, k: usize| {
        let t = table(d, "spm", id);
        let mut rows: Vec<(String, Vec<String>)> = t.into_iter().collect();
        rows.sort_by_key(|(l, _)| {
            if l.starts_with("Universe") {
                0
            } else if l.starts_with("Number") {
                1
            } else {
                2
            }
        });
        rows[k].1[1].clone()
    };
    assert_eq!((row("4.1", 0), row("4.1", 1)), ("1".into(), "1".into()));
    assert_eq!(row("4.2", 1), "0");
    assert_eq!(row("4.3", 1), "1");
    assert_eq!((row("4.4", 0), row("4.4", 1)), ("1".into(), "0".into()));
    assert_eq!(row("4.5", 1), "1");
    assert_eq!(row("4.6", 1), "1");

    // 5.1: entries R5, R6 (ES at B), R7, R9; prior within 24 months: R6 (PSH open), R9
    // (ES exit 2023-07-01 >= 2023-04-02).
    let t = table(d, "spm", "5.1");
    let v: Vec<&str> = t.values().map(|c| c[1].as_str()).collect();
    let mut v = v.clone();
    v.sort();
    assert_eq!(v, ["2", "2", "4"]);

    // 7a.1: R8 to 314 (temporary): 1 of 1.
    let t = table(d, "spm", "7a.1");
    assert_eq!(
        cell(&t, "Universe: Persons who exit Street Outreach", 1),
        "1"
    );
    assert_eq!(cell(&t, "% Successful exits", 1), "1.0000");
    // 7b.1: R4 (410), R7 (410), R9 (116); R5 and R6 are still enrolled.
    let t = table(d, "spm", "7b.1");
    assert_eq!(cell(&t, "% Successful exits", 1), "0.6667");
    // 7b.2: R6 housed and staying.
    let t = table(d, "spm", "7b.2");
    assert_eq!(cell(&t, "% Successful exits/retention", 1), "1.0000");
}

#[test]
fn scorecard_and_service_use_on_hand_made_histories() {
    let (_, out) = report("effectiveness", &[&fixture("spm")], &[]);
    let d = out.path();
    assert!(d.join("effectiveness.xlsx").exists());
    let t = table(d, "effectiveness", "by_project_type");
    let col = |name: &str| {
        let mut r = csv::Reader::from_path(d.join("effectiveness/by_project_type.csv")).unwrap();
        r.headers().unwrap().iter().position(|h| h == name).unwrap() - 1
    };
    // RRH: R1 and R2 exited to 410 two years before; R2 returned within 6 months.
    let rrh = "Harbor Housing — Harbor Rapid Rehousing";
    assert_eq!(
        cell(
            &t,
            rrh,
            col("Exits to permanent housing 2 years before (returns cohort)")
        ),
        "2"
    );
    assert_eq!(cell(&t, rrh, col("% returned within 6 months")), "0.5000");
    // Shelter A: R3's return (at agency B) is 214 days after the exit: not within 6 months,
    // within 12.
    let es = "Harbor Housing — Harbor Shelter";
    assert_eq!(cell(&t, es, col("% returned within 6 months")), "0.0000");
    assert_eq!(cell(&t, es, col("% returned within 12 months")), "1.0000");
    // Shelter A in the period: R4 (to 410) and R9 (to 116) left: 1 of 2 to permanent housing.
    assert_eq!(cell(&t, es, col("Leavers")), "2");
    assert_eq!(
        cell(&t, es, col("% of leavers to permanent housing")),
        "0.5000"
    );
    assert_eq!(cell(&t, es, col("Exits to homelessness")), "1");
    // TH: R7 income at exit: earned down, total up.
    let th = "Harbor Housing — Harbor Transitional";
    assert_eq!(
        cell(&t, th, col("% adults with increased earned income")),
        "0.0000"
    );
    assert_eq!(
        cell(&t, th, col("% adults with increased total income")),
        "1.0000"
    );
    // PSH: R6 at the annual assessment: earned up.
    let psh = "Harbor Housing — Harbor Supportive Housing";
    assert_eq!(
        cell(&t, psh, col("% adults with increased earned income")),
        "1.0000"
    );
    // Returns for every project type: R10 left homelessness prevention for 410 on
    // 2023-02-01 and entered B's shelter (another agency) 100 days later.
    let hp = "Harbor Housing — Harbor Prevention";
    assert_eq!(
        cell(
            &t,
            hp,
            col("Exits to permanent housing 2 years before (returns cohort)")
        ),
        "1"
    );
    assert_eq!(cell(&t, hp, col("% returned within 6 months")), "1.0000");
    assert_eq!(cell(&t, hp, col("% returned within 24 months")), "1.0000");
    assert_eq!(cell(&t, hp, col("Leavers")), "1");
    // The system total's cohort adds R10 to SPM 2's three.
    assert_eq!(
        cell(
            &t,
            "System total",
            col("Exits to permanent housing 2 years before (returns cohort)")
        ),
        "4"
    );
    assert_eq!(
        cell(&t, "System total", col("% returned within 6 months")),
        "0.5000"
    );
    // SPM projects: the Measure 2 cohort of the whole system (3 persons, 2 returned).
    let spm = "SPM projects (continuum SO, ES, SH, TH, PH)";
    assert_eq!(
        cell(
            &t,
            spm,
            col("Exits to permanent housing 2 years before (returns cohort)")
        ),
        "3"
    );
    assert_eq!(cell(&t, spm, col("% returned within 24 months")), "0.6667");

    let (_, out) = report("service-use", &[&fixture("spm")], &[]);
    let d = out.path();
    // Served in the period: R4, R5, R6, R7, R8, R9, R10; R6 at two organizations.
    let t = table(d, "service-use", "organizations_used");
    assert_eq!(cell(&t, "1", 0), "6");
    assert_eq!(cell(&t, "2", 0), "1");
    // R6 slept in B's shelter on 4 nights (02-01..02-04) while housed by A's PSH.
    let t = table(d, "service-use", "same_night");
    assert_eq!(t["Bridgeway Outreach + Harbor Housing"], ["1", "4"]);
    // Shelter entries in the period: R5, R6, R9 one each.
    let t = table(d, "service-use", "frequent_users");
    assert_eq!(cell(&t, "1", 0), "3");
    assert_eq!(cell(&t, "3 or more (frequent users)", 0), "0");
    let (_, out) = report(
        "service-use",
        &[&fixture("spm")],
        &["--frequent-entries", "2"],
    );
    let t = table(out.path(), "service-use", "frequent_users");
    assert_eq!(cell(&t, "2 or more (frequent users)", 0), "0");
    assert_eq!(cell(&t, "1", 0), "3");
}

#[test]
fn short_history_is_reported_as_incomplete_not_a_failure() {
    // The exports start 2017-07-01: a period starting 2024-01-01 needs 2017-01-01.
    let out = tempfile::tempdir().unwrap();
    let o = hmis([
        "report".as_ref(),
        "spm".as_ref(),
        fixture("spm").as_os_str(),
        "--start".as_ref(),
        "2024-01-01".as_ref(),
        "--end".as_ref(),
        "2024-12-31".as_ref(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1a/1b (seven years: needs 2017-01-01, data starts 2017-07-01)"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("2, 5.1"), "two years are covered");
}

/// Every file of a folder (relative path -> bytes), CSV and JSON only.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "csv") {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn synth_consistency_determinism_and_privacy() {
    let data = tempfile::tempdir().unwrap();
    let o = hmis([
        "synth",
        "--out",
        data.path().to_str().unwrap(),
        "--persons",
        "1500",
        "--seed",
        "5",
        "--start",
        "2020-10-01",
        "--end",
        "2025-09-30",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut exports: Vec<std::path::PathBuf> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    exports.sort();
    let refs: Vec<&Path> = exports.iter().map(|p| p.as_path()).collect();

    let run = |inputs: &[&Path], threads: &str| {
        let out = tempfile::tempdir().unwrap();
        let mut args: Vec<std::ffi::OsString> = vec!["run".into()];
        args.extend(inputs.iter().map(|p| p.as_os_str().to_owned()));
        args.extend(
            [
                "--start",
                "2024-10-01",
                "--end",
                "2025-09-30",
                "-q",
                "--out",
            ]
            .iter()
            .map(|s| s.into()),
        );
        args.push(out.path().as_os_str().to_owned());
        let o = std::process::Command::new(bin())
            .args(&args)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        out
    };
    let a = run(&refs, "2");
    let d = a.path();
    for f in ["spm.xlsx", "effectiveness.xlsx", "service-use.xlsx"] {
        assert!(d.join(f).exists(), "{f}");
    }

    // SPM 2's cohort and returns equal the scorecard's SPM-projects row.
    let m2 = table(d, "spm", "2");
    let total = &m2["TOTAL Returns to Homelessness"];
    let exits: f64 = total[0].parse().unwrap();
    assert!(
        exits > 20.0,
        "synth has exits to permanent housing two years before"
    );
    let sc = table(d, "effectiveness", "by_project_type");
    let mut r = csv::Reader::from_path(d.join("effectiveness/by_project_type.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(|s| s.to_string()).collect();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap() - 1;
    let row = &sc["SPM projects (continuum SO, ES, SH, TH, PH)"];
    assert_eq!(
        row[col("Exits to permanent housing 2 years before (returns cohort)")],
        total[0]
    );
    let share = |s: &str| s.parse::<f64>().unwrap();
    let r6 = share(&row[col("% returned within 6 months")]) * exits;
    let r24 = share(&row[col("% returned within 24 months")]) * exits;
    assert_eq!(r6.round() as u64, total[1].parse::<u64>().unwrap());
    assert_eq!(r24.round() as u64, total[7].parse::<u64>().unwrap());
    // SPM 2 rows sum to the total.
    let rows: u64 = ["SO", "ES", "TH", "SH", "PH"]
        .iter()
        .map(|t| m2[&format!("Exit was from {t}")][0].parse::<u64>().unwrap())
        .sum();
    assert_eq!(rows, exits as u64);
    // 3.2: each row at most the universe, the universe at most the sum of rows.
    let m3 = table(d, "spm", "3.2");
    let n = |l: &str| m3[l][1].parse::<u64>().unwrap();
    let u = n("Universe: Unduplicated Total sheltered persons");
    let parts = [
        "Emergency Shelter Total",
        "Safe Haven Total",
        "Transitional Housing Total",
    ];
    assert!(parts.iter().all(|p| n(p) <= u));
    assert!(u <= parts.iter().map(|p| n(p)).sum::<u64>());
    // 1a.2's universe includes 1a.1's.
    let m1 = table(d, "spm", "1a");
    let p1: u64 = m1["Persons in ES-EE, ES-NbN, and SH"][1].parse().unwrap();
    let p2: u64 = m1["Persons in ES-EE, ES-NbN, SH, and TH"][1]
        .parse()
        .unwrap();
    assert!(p1 > 0 && p1 <= p2);

    // Byte-identical CSVs with one thread and the exports in reverse order.
    let rev: Vec<&Path> = refs.iter().rev().copied().collect();
    let b = run(&rev, "1");
    let (fa, fb) = (files(a.path()), files(b.path()));
    for name in fa.keys().filter(|k| {
        k.starts_with("spm") || k.starts_with("effectiveness") || k.starts_with("service-use")
    }) {
        assert!(fa[name] == fb[name], "{name} differs between runs");
    }

    // `hmis report spm|effectiveness` read only ingest::MEASURE_FILES: the same bytes as the
    // full load of `hmis run` (both reports in one process, comma-separated).
    let (_, out) = report("spm,effectiveness", &refs, &[]);
    let fr = files(out.path());
    for which in ["spm", "effectiveness"] {
        let mine: Vec<&String> = fr.keys().filter(|k| k.starts_with(which)).collect();
        assert!(mine.len() >= 5, "{which}: {mine:?}");
        for name in mine {
            assert!(
                fr[name] == fa[name],
                "{name}: the subset load differs from the full load"
            );
        }
    }

    // No names, SSNs, birth dates or PersonalIDs in these reports.
    let clients = std::fs::read_to_string(exports[0].join("Client.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(clients.as_bytes());
    let hh = rd.headers().unwrap().clone();
    let idx = |n: &str| hh.iter().position(|x| x == n).unwrap();
    let secrets: Vec<String> = rd
        .records()
        .take(200)
        .flat_map(|r| {
            let r = r.unwrap();
            vec![
                r[idx("LastName")].to_string(),
                r[idx("SSN")].to_string(),
                r[idx("DOB")].to_string(),
                format!(",{},", &r[idx("PersonalID")]),
            ]
        })
        .filter(|s| s.len() > 4)
        .collect();
    for (name, bytes) in fa.iter().filter(|(k, _)| {
        k.starts_with("spm") || k.starts_with("effectiveness") || k.starts_with("service-use")
    }) {
        let text = String::from_utf8_lossy(bytes);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{name} contains {s}");
        }
    }
}

/// The HDX 2.0 upload's variable names, in the order of reports-spec/spm.md §8 (columns A
/// to CP), written out here independently of the program.
fn hdx_names() -> Vec<String> {
    let mut v: Vec<String> = [
        "CocCode",
        "ReportDateTime",
        "ReportStartDate",
        "ReportEndDate",
        "SoftwareName",
        "SourceContactFirst",
        "SourceContactLast",
        "SourceContactEmail",
        "ESSHUniverse_1A",
        "ESSHAvgTime_1A",
        "ESSHMedianTime_1A",
        "ESSHTHUniverse_1A",
        "ESSHTHAvgTime_1A",
        "ESSHTHMedianTime_1A",
        "ESSHUniverse_1B",
        "ESSHAvgTime_1B",
        "ESSHMedianTime_1B",
        "ESSHTHUniverse_1B",
        "ESSHTHAvgTime_1B",
        "ESSHTHMedianTime_1B",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for t in ["SO", "ES", "TH", "SH", "PH"] {
        for s in [
            "ExitPH_2",
            "Return0to180_2",
            "Return181to365_2",
            "Return366to730_2",
        ] {
            v.push(format!("{t}{s}"));
        }
    }
    for s in [
        "TotalAnnual_3",
        "ESAnnual_3",
        "SHAnnual_3",
        "THAnnual_3",
        "AdultStayers_4",
        "IncreaseEarned4_1",
        "IncreaseOther4_2",
        "IncreaseTotal4_3",
        "AdultLeavers_4",
        "IncreaseEarned4_4",
        "IncreaseOther4_5",
        "IncreaseTotal4_6",
        "EnterESSHTH5_1",
        "ESSHTHWithPriorSvc5_1",
        "EnterESSHTHPH5_2",
        "ESSHTHPHWithPriorSvc5_2",
    ] {
        v.push(s.to_string());
    }
    for t in ["TH", "SH", "PH"] {
        for s in [
            "ExitPH_6",
            "Return0to180_6",
            "Return181to365_6",
            "Return366to730_6",
        ] {
            v.push(format!("{t}{s}"));
        }
    }
    for s in [
        "SHTHRRHCat3Leavers_6",
        "SHTHRRHCat3ExitPH_6",
        "PSHCat3Clients_6",
        "PSHCat3StayOrExitPH_6",
        "SOExit_7",
        "SOExitTempInst_7",
        "SOExitPH_7",
        "ESSHTHRRHExit_7",
        "ESSHTHRRHToPH_7",
        "PHClients_7",
        "PHClientsStayOrExitPH_7",
    ] {
        v.push(s.to_string());
    }
    for s in ["UndupHMIS", "LeaversHMIS", "DkRMHMIS"] {
        for g in ["ESSH", "TH", "PSHOPH", "RRH", "StOutreach"] {
            v.push(format!("{g}_{s}_DQ"));
        }
    }
    v
}

/// `DIR/spm-hdx.csv` as (names, values).
fn hdx(dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(dir.join("spm-hdx.csv"))
        .unwrap();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(|s| s.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 2, "two rows: names, values");
    (rows[0].clone(), rows[1].clone())
}

/// Checks every HDX value against the SPM tables' CSV cells (`table id`, row label, column
/// after column A; the 2-decimal and empty-as-0 rules applied).
fn check_hdx_against_tables(d: &Path) {
    let (names, values) = hdx(d);
    assert_eq!(names, hdx_names(), "94 variables in spm.md §8's order");
    assert_eq!(names.len(), 94);
    assert_eq!(values.len(), 94);
    let v = |name: &str| values[names.iter().position(|n| n == name).unwrap()].as_str();
    let rows = |id: &str| -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_path(d.join("spm").join(format!("{id}.csv"))).unwrap();
        r.records()
            .map(|x| x.unwrap().iter().skip(1).map(|s| s.to_string()).collect())
            .collect()
    };
    let zero = |s: &str, z: &str| {
        if s.is_empty() {
            z.to_string()
        } else {
            s.to_string()
        }
    };
    // Measure 1: C, E, H of rows 1 and 2.
    for (id, sfx) in [("1a", "_1A"), ("1b", "_1B")] {
        let t = rows(id);
        for (k, g) in ["ESSH", "ESSHTH"].iter().enumerate() {
            assert_eq!(v(&format!("{g}Universe{sfx}")), t[k][1], "{g}{sfx}");
            assert_eq!(v(&format!("{g}AvgTime{sfx}")), zero(&t[k][3], "0.00"));
            assert_eq!(v(&format!("{g}MedianTime{sfx}")), zero(&t[k][6], "0.00"));
        }
    }
    let m2 = table(d, "spm", "2");
    for ty in ["SO", "ES", "TH", "SH", "PH"] {
        let r = &m2[&format!("Exit was from {ty}")];
        assert_eq!(v(&format!("{ty}ExitPH_2")), r[0]);
        assert_eq!(v(&format!("{ty}Return0to180_2")), r[1]);
        assert_eq!(v(&format!("{ty}Return181to365_2")), r[3]);
        assert_eq!(v(&format!("{ty}Return366to730_2")), r[5]);
    }
    let t = table(d, "spm", "3.2");
    assert_eq!(
        v("TotalAnnual_3"),
        cell(&t, "Universe: Unduplicated Total sheltered persons", 1)
    );
    assert_eq!(v("ESAnnual_3"), cell(&t, "Emergency Shelter Total", 1));
    assert_eq!(v("SHAnnual_3"), cell(&t, "Safe Haven Total", 1));
    assert_eq!(v("THAnnual_3"), cell(&t, "Transitional Housing Total", 1));
    for (id, name) in [
        ("4.1", "IncreaseEarned4_1"),
        ("4.2", "IncreaseOther4_2"),
        ("4.3", "IncreaseTotal4_3"),
        ("4.4", "IncreaseEarned4_4"),
        ("4.5", "IncreaseOther4_5"),
        ("4.6", "IncreaseTotal4_6"),
    ] {
        let t = rows(id);
        assert_eq!(v(name), t[1][1], "{name}");
        let universe = if id < "4.4" {
            "AdultStayers_4"
        } else {
            "AdultLeavers_4"
        };
        assert_eq!(v(universe), t[0][1], "{universe} = {id} row 1");
    }
    for (id, enter, prior) in [
        ("5.1", "EnterESSHTH5_1", "ESSHTHWithPriorSvc5_1"),
        ("5.2", "EnterESSHTHPH5_2", "ESSHTHPHWithPriorSvc5_2"),
    ] {
        let t = rows(id);
        assert_eq!(v(enter), t[0][1]);
        assert_eq!(v(prior), t[1][1]);
    }
    for n in &names {
        if n.ends_with("_6") && !n.ends_with("4_6") {
            assert_eq!(v(n), "0", "Measure 6 is sent as 0");
        }
    }
    let t = rows("7a.1");
    assert_eq!(
        [v("SOExit_7"), v("SOExitTempInst_7"), v("SOExitPH_7")],
        [t[0][1].as_str(), t[1][1].as_str(), t[2][1].as_str()]
    );
    let t = rows("7b.1");
    assert_eq!(
        [v("ESSHTHRRHExit_7"), v("ESSHTHRRHToPH_7")],
        [t[0][1].as_str(), t[1][1].as_str()]
    );
    let t = rows("7b.2");
    assert_eq!(
        [v("PHClients_7"), v("PHClientsStayOrExitPH_7")],
        [t[0][1].as_str(), t[1][1].as_str()]
    );
    let t = rows("dq");
    for (k, g) in ["ESSH", "TH", "PSHOPH", "RRH", "StOutreach"]
        .iter()
        .enumerate()
    {
        assert_eq!(v(&format!("{g}_UndupHMIS_DQ")), t[k][0]);
        assert_eq!(v(&format!("{g}_LeaversHMIS_DQ")), t[k][1]);
        assert_eq!(v(&format!("{g}_DkRMHMIS_DQ")), t[k][2]);
    }
    // Integers for counts, 2 decimals for averages and medians, nothing empty after A-H.
    for (n, x) in names.iter().zip(&values).skip(8) {
        if n.contains("AvgTime") || n.contains("MedianTime") {
            assert!(
                x.split_once('.').is_some_and(|(_, f)| f.len() == 2),
                "{n} = {x}"
            );
        } else {
            assert!(x.parse::<u64>().is_ok(), "{n} = {x}");
        }
    }
}

#[test]
fn hdx_upload_equals_the_spm_tables() {
    let (_, out) = report("spm", &[&fixture("spm")], &["--coc", "XX-500"]);
    let d = out.path();
    check_hdx_against_tables(d);
    let (names, values) = hdx(d);
    let v = |name: &str| values[names.iter().position(|n| n == name).unwrap()].as_str();
    assert_eq!(
        values[..8],
        [
            "XX-500",
            "2025-09-30 00:00:00",
            "2024-10-01",
            "2025-09-30",
            "hmis",
            "",
            "",
            ""
        ]
    );
    // Hand-derived (see the histories at the top of this file).
    assert_eq!(
        [
            v("ESSHUniverse_1A"),
            v("ESSHAvgTime_1A"),
            v("ESSHMedianTime_1A")
        ],
        ["3", "860.33", "19.00"]
    );
    assert_eq!([v("PHExitPH_2"), v("PHReturn0to180_2")], ["2", "1"]);
    assert_eq!([v("ESExitPH_2"), v("ESReturn181to365_2")], ["1", "1"]);
    assert_eq!(v("SOExitPH_2"), "0", "empty rows are sent as 0");
    assert_eq!(v("TotalAnnual_3"), "5");
    // DQ, persons served: ES/SH R4, R5, R9 and R6 (B's shelter); TH R7; PSH R6; SO R8; no
    // RRH in the period (R1 and R2 left in 2023). Leavers: ES R4 (410), R6 (435), R9 (116);
    // TH R7; SO R8. Every destination is known.
    assert_eq!(
        ["ESSH", "TH", "PSHOPH", "RRH", "StOutreach"].map(|g| v(&format!("{g}_UndupHMIS_DQ"))),
        ["4", "1", "1", "0", "1"]
    );
    assert_eq!(
        ["ESSH", "TH", "PSHOPH", "RRH", "StOutreach"].map(|g| v(&format!("{g}_LeaversHMIS_DQ"))),
        ["3", "1", "0", "0", "1"]
    );
    assert_eq!(v("ESSH_DkRMHMIS_DQ"), "0");
    // Listed in summary.json with the report; no CocCode without --coc.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        s["reports"]["spm"]["files"],
        serde_json::json!(["spm-hdx.csv"])
    );
    assert!(
        s["files"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("spm-hdx.csv"))
    );
    let (_, out) = report("spm", &[&fixture("spm")], &[]);
    assert_eq!(hdx(out.path()).1[0], "");
}

#[test]
fn hdx_upload_on_the_sample() {
    let (_, out) = report("spm", &[&fixture("sample")], &[]);
    check_hdx_against_tables(out.path());
}
