//! Sheltered PIT count on hand-made edge cases (`fixtures/pit`, described person by person
//! in `fixtures/pit/README.md`). Every expected number below is worked out by hand from the
//! fixture; the reasoning is written next to it.
//!
//! The night is 2025-01-29. Two agency exports of one HMIS (same SourceID "PITHMIS", so a
//! PersonalID is one person in both): agency A runs an ES entry-exit (PA-ES), an ES
//! night-by-night (PA-NBN), a TH (PA-TH), a PSH (PA-PSH) and a safe haven (PA-SH); agency B
//! an ES entry-exit (PB-ES) and a TH (PB-TH).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

/// Runs `hmis report pit` on the fixture for the night of 2025-01-29.
fn pit(extra: &[&str]) -> tempfile::TempDir {
    pit_on("2025-01-29", extra)
}

/// Runs `hmis report pit` on the fixture and returns the output folder.
fn pit_on(night: &str, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<std::ffi::OsString> = vec![
        "report".into(),
        "pit".into(),
        fixture("pit").into_os_string(),
        "--out".into(),
        out.path().as_os_str().to_owned(),
        "--pit-date".into(),
        night.into(),
    ];
    args.extend(extra.iter().map(|s| s.into()));
    let o = hmis(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    out
}

/// A PIT table as row label -> column label -> count.
fn table(dir: &Path, name: &str) -> BTreeMap<String, BTreeMap<String, u64>> {
    let path = dir.join("pit").join(format!("{name}.csv"));
    let mut r = csv::Reader::from_path(&path).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let cells = h
                .iter()
                .zip(rec.iter())
                .skip(1)
                .map(|(c, v)| (c.to_string(), v.parse::<u64>().unwrap()))
                .collect();
            (rec[0].to_string(), cells)
        })
        .collect()
}

/// [Emergency, Transitional, Safe Haven, Total] of a row (Safe Haven absent: 0).
fn row(t: &BTreeMap<String, BTreeMap<String, u64>>, label: &str) -> [u64; 4] {
    let r = t
        .get(label)
        .unwrap_or_else(|| panic!("no row {label:?} in {:?}", t.keys()));
    let g = |c: &str| r.get(c).copied().unwrap_or(0);
    [
        g("Emergency"),
        g("Transitional"),
        g("Safe Haven"),
        g("Total"),
    ]
}

const HH: &str = "Total Number of Households";
const PERSONS: &str = "Total Number of Persons";

#[test]
fn who_is_counted_on_the_night() {
    let out = pit(&[]);
    let all = table(out.path(), "all_households");
    // Counted (16): Emergency P01 P03 P05 P06 P07 P12 P13 P16 P17 P19 (10); Transitional
    // P08 P09 P10 P11 (4); Safe Haven P14 P18 (2). Not counted: P02 (exits on the night),
    // P04 (night-by-night without a bed night that night), P15 (housed in PSH that night).
    //
    // - P01, in two shelters the same night (agency A's TH since 01-10 and agency B's ES
    //   since 01-20), is one person (same PersonalID in one HMIS) counted once, in
    //   Emergency: ES comes before TH.
    // - P18, in agency A's safe haven and agency B's TH the same night: Safe Haven (SH
    //   comes before TH).
    // - P02 entered 01-02 and exited 01-29: an exit on the PIT date means the person did
    //   not stay that night. P03 exits 01-30: counted. P19 enters on 01-29: counted.
    // - P04 (night-by-night) has bed nights 01-27, 01-28 and 01-30 but none on 01-29: not
    //   counted though the enrollment is open. P05 has a bed night on 01-29: counted.
    // - P15 has an open ES enrollment but moved into PSH on 01-15: housed, not homeless.
    assert_eq!(row(&all, PERSONS), [10, 4, 2, 16]);
    // Households: ES P01, P03, P05, family HF1 (P06+P07), veteran couple HV1 (P12+P13),
    // P16, P17, P19 = 8; TH youth families HY1 (P08+P09) and HY2 (P10+P11) = 2; SH P14, P18.
    assert_eq!(row(&all, HH), [8, 2, 2, 12]);

    // summary.json carries the same headline numbers.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(s["pit"]["date"], "2025-01-29");
    assert_eq!(s["pit"]["persons"]["total"], 16);
    assert_eq!(s["pit"]["persons"]["emergency"], 10);
    assert_eq!(s["pit"]["persons"]["transitional"], 4);
    assert_eq!(s["pit"]["persons"]["safe_haven"], 2);
    assert_eq!(s["pit"]["households"]["total"], 12);
    // 21 client records (13 at agency A, 8 at B); P01 and P18 have one at each agency,
    // so 19 persons.
    assert_eq!(s["source_client_records"], 21);
    assert_eq!(s["unduplicated_persons"], 19);
}

#[test]
fn ages_on_the_night_and_household_types() {
    let out = pit(&[]);
    let all = table(out.path(), "all_households");
    // Under 18: P07 (6, ES), P09 (1, TH), P10 (16, TH), P11 (4 months, TH).
    assert_eq!(row(&all, "Number of Persons (under age 18)"), [1, 3, 0, 4]);
    // 18-24: P16 (20, ES), P08 (19, TH).
    assert_eq!(row(&all, "Number of Persons (18 - 24)"), [1, 1, 0, 2]);
    // 45-54: P05 (50, ES), P14 (45, SH), P18 (52, SH).
    assert_eq!(row(&all, "Number of Persons (45 - 54)"), [1, 0, 2, 3]);
    // P06 has no birth date (DOBDataQuality 99): the age row HDX lacks says so.
    assert_eq!(
        row(
            &all,
            "Number of Persons (age not recorded: resolve before HDX entry)"
        ),
        [1, 0, 0, 1]
    );

    // A family with an adult whose age is unknown: P06 (head, no birth date) with P07
    // (6, the head's child). The head is presumed an adult, so HF1 is a household with at
    // least one adult and one child, not "unknown". With it: HY1 (P08, 19, with her child
    // P09) in TH.
    let ac = table(out.path(), "with_children");
    assert_eq!(row(&ac, HH), [1, 1, 0, 2]);
    assert_eq!(row(&ac, PERSONS), [2, 2, 0, 4]);
    assert!(
        !ac.values().next().unwrap().contains_key("Safe Haven"),
        "households with children have no Safe Haven column"
    );

    // Only children: HY2, a 16-year-old mother (P10) with her baby (P11).
    let co = table(out.path(), "only_children");
    assert_eq!(row(&co, HH), [0, 1, 0, 1]);
    assert_eq!(row(&co, PERSONS), [0, 2, 0, 2]);

    // Without children: P01 P03 P05 P16 P17 P19 and the couple HV1 in ES (7 households,
    // 8 persons); P14 and P18 in SH.
    let ao = table(out.path(), "without_children");
    assert_eq!(row(&ao, HH), [7, 0, 2, 9]);
    assert_eq!(row(&ao, PERSONS), [8, 0, 2, 10]);
    // Every person is in exactly one household type.
    assert_eq!(
        row(&ac, PERSONS)[3] + row(&co, PERSONS)[3] + row(&ao, PERSONS)[3],
        row(&table(out.path(), "all_households"), PERSONS)[3]
    );
}

#[test]
fn youth_parents_and_unaccompanied_youth() {
    let out = pit(&[]);
    // Parenting youth: HY1 (mother 19, child 1) and HY2 (mother 16, child 0), both in TH.
    let py = table(out.path(), "parenting_youth");
    assert_eq!(row(&py, HH), [0, 2, 0, 2]);
    assert_eq!(row(&py, PERSONS), [0, 4, 0, 4]);
    assert_eq!(
        row(&py, "Number of parenting youth (youth parents only)"),
        [0, 2, 0, 2]
    );
    assert_eq!(
        row(&py, "Total Children in Parenting Youth Households"),
        [0, 2, 0, 2]
    );
    assert_eq!(
        row(&py, "Number of parenting youth (under age 18)"),
        [0, 1, 0, 1]
    );
    assert_eq!(
        row(
            &py,
            "Children in households with parenting youth under age 18 (children under age 18 with parents under 18)"
        ),
        [0, 1, 0, 1]
    );
    assert_eq!(
        row(&py, "Number of parenting youth (age 18 to 24)"),
        [0, 1, 0, 1]
    );
    // Demographic rows count the parents only: both mothers are female.
    assert_eq!(row(&py, "Female"), [0, 2, 0, 2]);
    assert_eq!(row(&py, "Male"), [0, 0, 0, 0]);

    // Unaccompanied youth: P16 (20, alone, ES). The youth mothers are parenting, not
    // unaccompanied; P06's family is not a youth household (the head's age is unknown).
    let uy = table(out.path(), "unaccompanied_youth");
    assert_eq!(row(&uy, HH), [1, 0, 0, 1]);
    assert_eq!(row(&uy, "Number of Persons (18 - 24)"), [1, 0, 0, 1]);
}

#[test]
fn veteran_in_a_household_of_two() {
    let out = pit(&[]);
    // HV1: P12 (60, veteran, head) and his partner P13 (58, not a veteran) in ES: one
    // veteran household of two persons with one veteran; sex and race rows count the
    // veteran only (P12 is male).
    let v = table(out.path(), "veteran_without_children");
    assert_eq!(row(&v, HH), [1, 0, 0, 1]);
    assert_eq!(row(&v, PERSONS), [2, 0, 0, 2]);
    assert_eq!(row(&v, "Total Number of Veterans"), [1, 0, 0, 1]);
    assert_eq!(row(&v, "Male"), [1, 0, 0, 1]);
    assert_eq!(row(&v, "Female"), [0, 0, 0, 0]);
    let vc = table(out.path(), "veteran_with_children");
    assert_eq!(row(&vc, HH), [0, 0, 0, 0]);
}

#[test]
fn chronic_homelessness_on_the_night() {
    let out = pit(&[]);
    let all = table(out.path(), "all_households");
    // P14 (safe haven, disabled) has been on the street / in the safe haven since
    // 2023-06-01: 274 days at entry on 2024-03-01 (not chronic at project start), 608 days
    // on the PIT night (chronic at the night: the point-in-time variant counts the stay).
    // P06 (head of HF1, disabled) has been homeless since 2023-01-01: chronic, and the
    // household rule makes her child P07 a chronically homeless person too.
    assert_eq!(
        row(&all, "Chronically Homeless: Total number of households"),
        [1, 0, 1, 2]
    );
    assert_eq!(
        row(&all, "Chronically Homeless: Total number of persons"),
        [2, 0, 1, 3]
    );
    let ac = table(out.path(), "with_children");
    assert_eq!(
        row(&ac, "Chronically Homeless: Total number of persons"),
        [2, 0, 0, 2]
    );
}

#[test]
fn additional_populations_use_the_latest_record_on_or_before_the_night() {
    let out = pit(&[]);
    let a = table(out.path(), "additional_populations");
    // P03: mental health disorder = yes at entry (01-15): SMI. Her substance use record is
    // dated 02-05, after the night: not counted.
    assert_eq!(
        row(&a, "Adults with a Serious Mental Illness"),
        [1, 0, 0, 1]
    );
    assert_eq!(
        row(&a, "Adults with a Substance Use Disorder"),
        [0, 0, 0, 0]
    );
    // P12: HIV/AIDS = yes.
    assert_eq!(row(&a, "Adults with HIV/AIDS"), [1, 0, 0, 1]);
    // P05: survivor of domestic violence, currently fleeing.
    assert_eq!(
        row(&a, "Adult Survivors of Domestic Violence (optional)"),
        [1, 0, 0, 1]
    );
}

#[test]
fn race_and_ethnicity_rows() {
    let out = pit(&[]);
    let all = table(out.path(), "all_households");
    // P03 is Black and Hispanic; P19 has no race (RaceNone 99); the other 14 are White.
    assert_eq!(
        row(
            &all,
            "Black, African American, or African & Hispanic/Latina/e/o"
        ),
        [1, 0, 0, 1]
    );
    assert_eq!(
        row(
            &all,
            "Race and ethnicity not recorded (resolve before HDX entry)"
        ),
        [1, 0, 0, 1]
    );
    assert_eq!(row(&all, "White (only)"), [8, 4, 2, 14]);
    // Female and counted: P06, P13, P17 (ES); P08, P10 (TH); P14, P18 (SH).
    assert_eq!(row(&all, "Female"), [3, 2, 2, 7]);
}

#[test]
fn coc_option_keeps_only_that_coc() {
    // P17's enrollment is in CoC XX-501 (PB-ES serves both CoCs): with --coc XX-500 she
    // is left out; everyone else is in XX-500.
    let out = pit(&["--coc", "XX-500"]);
    let all = table(out.path(), "all_households");
    assert_eq!(row(&all, PERSONS), [9, 4, 2, 15]);
    let out = pit(&["--coc", "XX-501"]);
    assert_eq!(
        row(&table(out.path(), "all_households"), PERSONS),
        [1, 0, 0, 1]
    );
}

#[test]
fn other_nights() {
    // 2025-01-28: P19 has not entered yet and P05 has no bed night that night (his are
    // 01-05 and 01-29): out. P04 has a bed night on 01-28 and P02 is still in (she exits
    // 01-29): in. 16 - 2 + 2 = 16, all in Emergency but P04's and P02's swap.
    let out = pit_on("2025-01-28", &[]);
    let all = table(out.path(), "all_households");
    assert_eq!(row(&all, PERSONS), [10, 4, 2, 16]);
    // 2025-01-30: P03 exits that day (out); P04 has a bed night (in); P05 has none (out);
    // P19 is in. 16 - P03 - P05 + P04 = 15.
    let out = pit_on("2025-01-30", &[]);
    assert_eq!(
        row(&table(out.path(), "all_households"), PERSONS),
        [9, 4, 2, 15]
    );
}
