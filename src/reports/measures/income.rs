//! Income at two points of a stay and whether it increased (SPM Measure 4; the scorecard's
//! income columns use the same comparison).
//!
//! Stayers compare their latest annual assessment (dated within 30 days of an anniversary
//! of entry, on or before the period end) with the annual assessment before it, else with
//! the income at entry. Leavers compare the income at exit with the income at entry.

use crate::facts::{Day, Enrollment, Facts, IncomeRecord};
use crate::ingest::table::{date_from_days, days_from_date};

pub const STAGE_ENTRY: i32 = 1;
pub const STAGE_EXIT: i32 = 3;
pub const STAGE_ANNUAL: i32 = 5;

/// The two records compared.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    pub previous: IncomeRecord,
    pub current: IncomeRecord,
}

/// What increased between the two records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Increase {
    pub earned: bool,
    pub other: bool,
    pub total: bool,
}

impl Comparison {
    pub fn increase(&self) -> Increase {
        Increase {
            earned: self.current.earned > self.previous.earned,
            other: self.current.other() > self.previous.other(),
            total: self.current.total > self.previous.total,
        }
    }
}

/// The anniversary of `entry` k years later (29 February falls on 28 February).
fn anniversary(entry: Day, k: i32) -> Option<Day> {
    use chrono::Datelike;
    let d = date_from_days(entry)?;
    let y = d.year() + k;
    let a = d
        .with_year(y)
        .or_else(|| chrono::NaiveDate::from_ymd_opt(y, d.month(), 28))?;
    Some(days_from_date(a))
}

/// An annual assessment counts when dated within 30 days of an anniversary of entry.
pub fn in_annual_window(entry: Day, date: Day) -> bool {
    if date <= entry {
        return false;
    }
    let years = ((date - entry) / 365).max(1);
    (years - 1..=years + 1)
        .filter(|&k| k >= 1)
        .any(|k| anniversary(entry, k).is_some_and(|a| (date - a).abs() <= 30))
}

fn entry_record(records: &[IncomeRecord]) -> Option<IncomeRecord> {
    records.iter().find(|r| r.stage == STAGE_ENTRY).copied()
}

/// A stayer's comparison at `end`: the latest in-window annual assessment on or before
/// `end` against the one before it, else against entry. None when no such assessment or
/// no earlier record exists.
pub fn stayer(facts: &Facts, e: &Enrollment, end: Day) -> Option<Comparison> {
    let records = facts.incomes(e);
    let annual: Vec<&IncomeRecord> = records
        .iter()
        .filter(|r| r.stage == STAGE_ANNUAL && r.date <= end && in_annual_window(e.entry, r.date))
        .collect();
    let (&current, before) = annual.split_last()?;
    let previous = before
        .iter()
        .rev()
        .find(|r| r.date < current.date)
        .map(|r| **r)
        .or_else(|| entry_record(records))?;
    Some(Comparison {
        previous,
        current: *current,
    })
}

/// A leaver's comparison: income at exit against income at entry.
pub fn leaver(facts: &Facts, e: &Enrollment) -> Option<Comparison> {
    let records = facts.incomes(e);
    let current = records
        .iter()
        .rev()
        .find(|r| r.stage == STAGE_EXIT)
        .copied()?;
    let previous = entry_record(records)?;
    Some(Comparison { previous, current })
}

/// The record that describes the person now: at exit for a leaver, else the latest.
pub fn latest(facts: &Facts, e: &Enrollment) -> Option<IncomeRecord> {
    let records = facts.incomes(e);
    if e.exit.is_some()
        && let Some(r) = records.iter().rev().find(|r| r.stage == STAGE_EXIT)
    {
        return Some(*r);
    }
    records.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, dd: u32) -> Day {
        days_from_date(NaiveDate::from_ymd_opt(y, m, dd).unwrap())
    }

    #[test]
    fn annual_window() {
        let entry = d(2022, 3, 15);
        assert!(in_annual_window(entry, d(2023, 3, 15)));
        assert!(in_annual_window(entry, d(2023, 2, 13)), "30 days before");
        assert!(!in_annual_window(entry, d(2023, 2, 12)), "31 days before");
        assert!(
            in_annual_window(entry, d(2024, 4, 14)),
            "second anniversary + 30"
        );
        assert!(!in_annual_window(entry, d(2023, 9, 1)));
        assert!(
            !in_annual_window(entry, d(2022, 4, 1)),
            "before the first anniversary"
        );
        let leap = d(2024, 2, 29);
        assert!(in_annual_window(leap, d(2025, 2, 28)));
    }
}
