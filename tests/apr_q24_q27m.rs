//! Known answers for the APR tables HUD's Data Lab kit has no answers for: Q24b (Moving On
//! assistance in PSH), Q24c (sexual orientation in PSH), Q24d (translation assistance) and
//! Q27m (youth education status). A small FY2024 export is written here (headers from the
//! FY2024 CSV specification in src/hmis/spec/schema_fy2024.tsv), `hmis report apr` is run on
//! it as a user would, and the cells are compared with answers worked out by hand from the
//! definitions in reports-spec/apr.md §8-9 (comments below say why each person lands where).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

type Rec = BTreeMap<&'static str, String>;

fn rec(pairs: &[(&'static str, &str)]) -> Rec {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

/// Writes `<file>.csv` with the FY2024 header; bookkeeping columns are filled in.
fn write(dir: &Path, file: &str, rows: &[Rec]) {
    let spec = std::fs::read_to_string(root().join("src/hmis/spec/schema_fy2024.tsv")).unwrap();
    let header: Vec<&str> = spec
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c[0] == file)
        .map(|c| c[2])
        .collect();
    assert!(!header.is_empty(), "{file}");
    let mut w = csv::Writer::from_path(dir.join(format!("{file}.csv"))).unwrap();
    w.write_record(&header).unwrap();
    for r in rows {
        let line: Vec<String> = header
            .iter()
            .map(|h| match (r.get(h), *h) {
                (Some(v), _) => v.clone(),
                (None, "DateCreated" | "DateUpdated") => "2024-01-01 00:00:00".into(),
                (None, "UserID") => "U1".into(),
                (None, "ExportID") => "E1".into(),
                _ => String::new(),
            })
            .collect();
        w.write_record(&line).unwrap();
    }
    w.flush().unwrap();
}

struct Person {
    id: &'static str,
    dob: &'static str,
    project: &'static str,
    household: &'static str,
    relationship: &'static str,
    entry: &'static str,
    exit: Option<&'static str>,
    orientation: &'static str,
    translation: &'static str,
    language: &'static str,
    language_different: &'static str,
}

fn export(dir: &Path) {
    write(
        dir,
        "Export",
        &[rec(&[
            ("ExportID", "E1"),
            ("SourceType", "1"),
            ("SourceName", "hand-made"),
            ("ExportDate", "2025-10-01 00:00:00"),
            ("ExportStartDate", "2023-10-01"),
            ("ExportEndDate", "2025-09-30"),
            ("SoftwareName", "test"),
            ("CSVVersion", "2024 v1.3"),
            ("ExportPeriodType", "3"),
            ("ExportDirective", "2"),
            ("HashStatus", "1"),
            ("ImplementationID", "T"),
        ])],
    );
    write(
        dir,
        "Organization",
        &[rec(&[
            ("OrganizationID", "O1"),
            ("OrganizationName", "Org"),
            ("VictimServiceProvider", "0"),
        ])],
    );
    let project = |id: &str, ty: &str| {
        rec(&[
            ("ProjectID", id),
            ("OrganizationID", "O1"),
            ("ProjectName", id),
            ("OperatingStartDate", "2020-01-01"),
            ("ContinuumProject", "1"),
            ("ProjectType", ty),
        ])
    };
    write(
        dir,
        "Project",
        &[project("PSH", "3"), project("TH", "2"), project("ES", "0")],
    );
    // PSH: H1 alone (stayer), H2 with her child C2 (stayers), H3 a youth alone (leaver).
    // TH: T1 a youth alone (leaver). ES: E1 a youth alone (leaver; not a Q27m project type).
    let people = [
        Person {
            id: "H1",
            dob: "1980-02-02",
            project: "PSH",
            household: "HH1",
            relationship: "1",
            entry: "2024-01-01",
            exit: None,
            orientation: "1",
            translation: "1",
            language: "367",
            language_different: "",
        },
        Person {
            id: "H2",
            dob: "1975-03-03",
            project: "PSH",
            household: "HH2",
            relationship: "1",
            entry: "2024-05-01",
            exit: None,
            orientation: "8",
            translation: "1",
            language: "367",
            language_different: "",
        },
        Person {
            id: "C2",
            dob: "2015-04-04",
            project: "PSH",
            household: "HH2",
            relationship: "2",
            entry: "2024-05-01",
            exit: None,
            orientation: "3",
            translation: "1",
            language: "100",
            language_different: "",
        },
        Person {
            id: "H3",
            dob: "2004-06-01",
            project: "PSH",
            household: "HH3",
            relationship: "1",
            entry: "2024-11-01",
            exit: Some("2025-06-30"),
            orientation: "",
            translation: "1",
            language: "",
            language_different: "Klingon",
        },
        Person {
            id: "T1",
            dob: "2006-01-01",
            project: "TH",
            household: "HH4",
            relationship: "1",
            entry: "2024-12-01",
            exit: Some("2025-03-01"),
            orientation: "2",
            translation: "1",
            language: "100",
            language_different: "",
        },
        Person {
            id: "E1",
            dob: "2005-07-07",
            project: "ES",
            household: "HH5",
            relationship: "1",
            entry: "2025-01-01",
            exit: Some("2025-02-01"),
            orientation: "4",
            translation: "0",
            language: "200",
            language_different: "",
        },
    ];
    let mut clients = Vec::new();
    let mut enrollments = Vec::new();
    let mut exits = Vec::new();
    for p in &people {
        clients.push(rec(&[
            ("PersonalID", p.id),
            ("NameDataQuality", "1"),
            ("SSNDataQuality", "99"),
            ("DOB", p.dob),
            ("DOBDataQuality", "1"),
            ("AmIndAKNative", "0"),
            ("Asian", "0"),
            ("BlackAfAmerican", "0"),
            ("HispanicLatinaeo", "0"),
            ("MidEastNAfrican", "0"),
            ("NativeHIPacific", "0"),
            ("White", "1"),
            ("Woman", "1"),
            ("Man", "0"),
            ("NonBinary", "0"),
            ("CulturallySpecific", "0"),
            ("Transgender", "0"),
            ("Questioning", "0"),
            ("DifferentIdentity", "0"),
            (
                "VeteranStatus",
                if p.relationship == "2" { "99" } else { "0" },
            ),
        ]));
        let eid = format!("EN-{}", p.id);
        enrollments.push(rec(&[
            ("EnrollmentID", &eid),
            ("PersonalID", p.id),
            ("ProjectID", p.project),
            ("EntryDate", p.entry),
            ("HouseholdID", p.household),
            ("RelationshipToHoH", p.relationship),
            ("EnrollmentCoC", "XX-500"),
            ("DisablingCondition", "0"),
            ("MoveInDate", if p.project == "PSH" { p.entry } else { "" }),
            ("SexualOrientation", p.orientation),
            ("TranslationNeeded", p.translation),
            ("PreferredLanguage", p.language),
            ("PreferredLanguageDifferent", p.language_different),
        ]));
        if let Some(x) = p.exit {
            exits.push(rec(&[
                ("ExitID", &format!("X-{}", p.id)),
                ("EnrollmentID", &eid),
                ("PersonalID", p.id),
                ("ExitDate", x),
                ("Destination", "410"),
            ]));
        }
    }
    write(dir, "Client", &clients);
    write(dir, "Enrollment", &enrollments);
    write(dir, "Exit", &exits);
    let service = |n: &str, who: &str, date: &str, ty: &str, record: &str| {
        rec(&[
            ("ServicesID", n),
            ("EnrollmentID", &format!("EN-{who}")),
            ("PersonalID", who),
            ("DateProvided", date),
            ("RecordType", record),
            ("TypeProvided", ty),
        ])
    };
    write(
        dir,
        "Services",
        &[
            // H1: application help, then financial assistance (the latest by the report
            // end), then a referral after the report end (not counted).
            service("S1", "H1", "2024-11-01", "1", "300"),
            service("S2", "H1", "2025-03-01", "2", "300"),
            service("S3", "H1", "2025-10-15", "4", "300"),
            // H2: other; C2's own record does not count (not the head of household).
            service("S4", "H2", "2025-02-01", "5", "300"),
            service("S5", "C2", "2025-02-01", "3", "300"),
            // H3: a PATH service (RecordType 141), not Moving On assistance.
            service("S6", "H3", "2025-01-01", "1", "141"),
        ],
    );
    let yes =
        |n: &str, who: &str, date: &str, stage: &str, attend: &str, recent: &str, cur: &str| {
            rec(&[
                ("YouthEducationStatusID", n),
                ("EnrollmentID", &format!("EN-{who}")),
                ("PersonalID", who),
                ("InformationDate", date),
                ("CurrentSchoolAttend", attend),
                ("MostRecentEdStatus", recent),
                ("CurrentEdStatus", cur),
                ("DataCollectionStage", stage),
            ])
        };
    write(
        dir,
        "YouthEducationStatus",
        &[
            // H3: not enrolled, dropped out of K12 at start; attending, pursuing a GED at exit.
            yes("Y1", "H3", "2024-11-01", "1", "0", "2", ""),
            yes("Y2", "H3", "2025-06-30", "3", "2", "", "0"),
            // T1: enrolled, not attending, current status unknown at start; nothing at exit.
            yes("Y3", "T1", "2024-12-01", "1", "1", "", "8"),
            // E1: ES is not a Q27m project type.
            yes("Y4", "E1", "2025-01-01", "1", "0", "0", ""),
        ],
    );
}

fn run(spec: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    export(data.path());
    let out = tempfile::tempdir().unwrap();
    let o = hmis([
        "report".as_ref(),
        "apr".as_ref(),
        data.path().as_os_str(),
        "--start".as_ref(),
        "2024-10-01".as_ref(),
        "--end".as_ref(),
        "2025-09-30".as_ref(),
        "--spec".as_ref(),
        spec.as_ref(),
        "--identity".as_ref(),
        "personal-id".as_ref(),
        "-q".as_ref(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (data, out)
}

fn table(out: &Path, t: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(out.join("apr").join(format!("{t}.csv")))
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(|s| s.to_string()).collect())
        .collect()
}

/// The table as "label: cells" lines, for readable failures.
fn lines(g: &[Vec<String>]) -> Vec<String> {
    g.iter().map(|r| r.join(",")).collect()
}

#[test]
fn q24b_q24c_q24d_q27m_known_answers() {
    let (_data, out) = run("fy2024");
    let out = out.path();
    // Everyone is in the report.
    assert_eq!(table(out, "Q5a")[1][2], "6");

    // Q24b: heads of household in PSH by their latest Moving On assistance on or before
    // the report end: H1 financial (without children), H2 other (with children and adults).
    assert_eq!(
        lines(&table(out, "Q24b")),
        [
            ",Total,Without Children,With Children and Adults,With Only Children,Unknown Household Type",
            "Subsidized housing application assistance,0,0,0,0,0",
            "\"Financial assistance for Moving On (e.g., security deposit, moving expenses)\",1,1,0,0,0",
            "\"Non-financial assistance for Moving On (e.g., housing navigation, transition support)\",0,0,0,0,0",
            "Housing referral/placement,0,0,0,0,0",
            "Other,1,0,1,0,0",
        ]
        .map(|s| s.replace('"', ""))
    );

    // Q24c: adults and heads of household in PSH (not the child C2, not T1 in TH):
    // H1 heterosexual, H2 DK/PNTA, H3 not collected.
    let dk = "Client Doesn\u{2019}t Know/Prefers Not to Answer";
    assert_eq!(
        lines(&table(out, "Q24c")),
        [
            ",Total,Without Children,With Children and Adults,With Only Children,Unknown Household Type".to_string(),
            "Heterosexual,1,1,0,0,0".into(),
            "Gay,0,0,0,0,0".into(),
            "Lesbian,0,0,0,0,0".into(),
            "Bisexual,0,0,0,0,0".into(),
            "Questioning / unsure,0,0,0,0,0".into(),
            "Other,0,0,0,0,0".into(),
            format!("{dk},1,0,1,0,0"),
            "Data Not Collected,1,1,0,0,0".into(),
            "Total,3,2,1,0,0".into(),
        ]
    );

    // Q24d: heads of household needing translation (any project): H1 and H2 language 367,
    // T1 language 100, H3 a language written in; C2 is not a head, E1 needs none.
    assert_eq!(
        lines(&table(out, "Q24d")),
        [
            "Language Response (Top 20 Languages Selected),Total Persons Requiring Translation Assistance",
            "Language code 367,2",
            "Language code 100,1",
            "Different Preferred Language,1",
            "Total,4",
        ]
    );

    // Q27m: youth heads of household who left TH/PSH/SO/SSO/RRH: H3 (PSH) and T1 (TH).
    let q27m = table(out, "Q27m");
    assert_eq!(q27m.len(), 26, "{:?}", lines(&q27m));
    assert_eq!(q27m[0], ["", "At Project Start", "At Project Exit"]);
    let expect: &[(usize, &str, &str, &str)] = &[
        (
            1,
            "Not currently enrolled in any school or education course",
            "1",
            "0",
        ),
        (
            2,
            "Currently enrolled but not attending regularly",
            "1",
            "0",
        ),
        (3, "Currently enrolled and attending regularly", "0", "1"),
        (4, dk, "0", "0"),
        (5, "Data Not Collected", "0", "1"),
        (
            6,
            "For those not enrolled \u{2013} most recent education status",
            "",
            "",
        ),
        (7, "K12: Graduated from high school", "0", "0"),
        (9, "K12: Dropped out", "1", "0"),
        (16, "Data Not Collected", "0", "0"),
        (
            17,
            "For those currently enrolled \u{2013} current status",
            "",
            "",
        ),
        (18, "Pursuing a high school diploma or GED", "0", "1"),
        (23, dk, "1", "0"),
        (24, "Data Not Collected", "0", "0"),
        (25, "Total", "2", "2"),
    ];
    for (i, label, start, exit) in expect {
        assert_eq!(
            q27m[*i],
            [*label, *start, *exit],
            "Q27m row {}: {:?}",
            i + 1,
            lines(&q27m)
        );
    }
    // Every other count is 0.
    let listed: Vec<usize> = expect.iter().map(|e| e.0).collect();
    for (i, r) in q27m.iter().enumerate().skip(1) {
        if !listed.contains(&i) {
            assert_eq!(r[1..], ["0", "0"], "Q27m row {}", i + 1);
        }
    }
}

/// Under FY2026 there is no Q24c or Q24d; Q24b and Q27m are the same as under FY2024.
#[test]
fn fy2026_has_q24b_and_q27m_but_not_q24c_q24d() {
    let (_d1, a) = run("fy2024");
    let (_d2, b) = run("fy2026");
    for t in ["Q24b", "Q27m"] {
        assert_eq!(table(a.path(), t), table(b.path(), t), "{t}");
    }
    for t in ["Q24c", "Q24d"] {
        assert!(!b.path().join(format!("apr/{t}.csv")).exists(), "{t}");
    }
    let n = std::fs::read_dir(b.path().join("apr")).unwrap().count();
    assert_eq!(n, 67, "FY2026 APR tables");
}
