//! Facts built from the hand-made PIT fixture (fixtures/pit, described in its README).

use std::path::PathBuf;

use chrono::NaiveDate;

use super::*;
use crate::dedup::Crosswalk;
use crate::hmis::codes::SituationGroup;
use crate::ingest::table::days_from_date;

fn day(s: &str) -> Day {
    days_from_date(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn load(coc: Option<&str>) -> (crate::ingest::Ingest, Crosswalk, Facts) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pit");
    let ingest = crate::ingest::load(&[dir]).unwrap();
    let cw = Crosswalk::by_personal_id(&ingest.dataset);
    let facts = build(
        &ingest.dataset,
        &cw,
        &FactOptions {
            coc: coc.map(str::to_string),
        },
    );
    (ingest, cw, facts)
}

/// The enrollments of the person holding PersonalID `pid` (same in both exports).
fn of<'a>(facts: &'a Facts, cw: &Crosswalk, pid: &str) -> Vec<&'a Enrollment> {
    let p = cw.person(0, pid).or_else(|| cw.person(1, pid)).unwrap();
    facts
        .enrollments_of(p)
        .map(|i| &facts.enrollments[i])
        .collect()
}

#[test]
fn one_person_across_exports_with_enrollments_in_entry_order() {
    let (_, cw, facts) = load(None);
    // 14 enrollments at agency A, 8 at agency B.
    assert_eq!(facts.counts.enrollments, 22);
    assert_eq!(facts.enrollments.len(), 22);
    assert_eq!(facts.persons.len(), 19);
    // P01: TH at agency A (01-10) then ES at agency B (01-20): one person, two stays.
    let p01 = of(&facts, &cw, "P01");
    assert_eq!(p01.len(), 2);
    assert!(p01[0].entry < p01[1].entry);
    assert_eq!(facts.records_of(p01[0].person), 2);
}

#[test]
fn exits_destinations_and_households() {
    let (_, cw, facts) = load(None);
    let p02 = of(&facts, &cw, "P02")[0];
    assert_eq!(p02.exit, Some(day("2025-01-29")));
    assert!(facts.left_in(p02, day("2025-01-01"), day("2025-01-31")));
    assert!(!facts.left_in(p02, day("2025-02-01"), day("2025-02-28")));
    assert_eq!(facts.destination_group(p02), Some(SituationGroup::Homeless));
    assert_eq!(facts.destination_group(of(&facts, &cw, "P19")[0]), None);
    // HF1: a head with no birth date and a 6-year-old: unknown until resolved (the PIT
    // resolves it); HY1: a 19-year-old and her baby.
    let hf1 = of(&facts, &cw, "P06")[0].household;
    assert_eq!(facts.households[hf1 as usize].members.len(), 2);
    assert_eq!(
        facts.household_type_on(hf1, day("2025-01-29"), |_| true),
        HouseholdType::Unknown
    );
    let hy1 = of(&facts, &cw, "P08")[0].household;
    assert_eq!(
        facts.household_type_on(hy1, day("2025-01-29"), |_| true),
        HouseholdType::AdultChild
    );
}

#[test]
fn chronic_at_start_and_on_the_night() {
    let (_, cw, facts) = load(None);
    // P14: 274 days homeless at entry, 608 on the PIT night.
    let p14 = of(&facts, &cw, "P14")[0];
    assert_eq!(p14.ch_at_start, ChStatus::No);
    assert_eq!(facts.ch_at(p14, day("2025-01-29")), ChStatus::Yes);
    // P06 is chronic at start (since 2023-01-01); her child P07 takes it (household rule).
    assert_eq!(of(&facts, &cw, "P06")[0].ch_at_start, ChStatus::Yes);
    assert_eq!(of(&facts, &cw, "P07")[0].ch_at_start, ChStatus::Yes);
    // Everyone else answered DisablingCondition 0.
    assert_eq!(of(&facts, &cw, "P03")[0].ch_at_start, ChStatus::No);
}

#[test]
fn nights_bed_nights_and_housing() {
    let (_, cw, facts) = load(None);
    let night = day("2025-01-29");
    let p04 = of(&facts, &cw, "P04")[0];
    assert_eq!(facts.services(p04).len(), 3);
    assert!(!facts.stayed_on(p04, night), "no bed night on the night");
    assert!(facts.stayed_on(p04, day("2025-01-28")));
    assert!(facts.served_in(p04, day("2025-01-01"), day("2025-01-31")));
    assert!(
        !facts.served_in(p04, day("2025-01-01"), day("2025-01-26")),
        "no bed night yet"
    );
    let p15 = of(&facts, &cw, "P15");
    assert!(p15.iter().any(|e| facts.housed_on(e, night)));
    assert!(
        !p15.iter().any(|e| facts.housed_on(e, day("2025-01-14"))),
        "before move-in"
    );
    // P03's conditions: mental health at entry, substance use after the night.
    let p03 = of(&facts, &cw, "P03")[0];
    let kinds: Vec<(i32, Day)> = facts
        .conditions(p03)
        .iter()
        .map(|c| (c.kind, c.date))
        .collect();
    assert_eq!(kinds, vec![(9, day("2025-01-15")), (10, day("2025-02-05"))]);
}

#[test]
fn coc_keeps_the_heads_coc() {
    let (_, _, facts) = load(Some("XX-500"));
    assert_eq!(facts.counts.enrollments_other_coc, 1, "P17 is in XX-501");
    assert_eq!(facts.enrollments.len(), 21);
    // Members take the head's EnrollmentCoC (HMIS collects it for heads only): the
    // children of HF1, HY1, HY2 and the partner in HV1 are kept.
    let (_, _, facts) = load(Some("XX-501"));
    assert_eq!(facts.enrollments.len(), 1);
    assert_eq!(facts.inventory.len(), 0, "no inventory in XX-501");
}
