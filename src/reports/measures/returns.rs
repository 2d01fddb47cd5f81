//! Returns to homelessness after an exit (SPM Measure 2's rules), searched over every
//! agency's later enrollments of the same person (UnduplicatedID). SPM 2 draws its exits
//! from the SPM project types; the scorecard from any project ([`Exits`]).

use crate::facts::{Day, Facts};

use super::destinations::is_permanent;
use super::stays::{SpmType, continuum_type};

/// Returns are counted up to two years after the exit.
pub const HORIZON: i32 = 730;
/// A permanent housing entry within 14 days of an exit (or of another PH stay) is a move,
/// not a return.
pub const PH_GRACE: i32 = 14;

/// An exit to a permanent destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PermanentExit {
    /// Index into `Facts::enrollments`.
    pub enrollment: usize,
    pub exit: Day,
    /// The SPM project-type group of the exit's project: None for a project outside the
    /// SPM's scope (not a continuum project, or HP, services only, CE, day shelter, other),
    /// which only [`Exits::AnyProject`] lets through.
    pub from: Option<SpmType>,
}

/// Which exits a returns cohort draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exits {
    /// SPM Measure 2: continuum projects of an SPM type (SO, ES, TH, SH, PH).
    Spm,
    /// The scorecard: any project (every project type, continuum or not). The return is
    /// still SPM 2's: a later continuum SO, ES, SH, TH or PH entry at any agency.
    AnyProject,
}

/// The enrollment as a cohort exit: exited to a permanent destination within
/// `[from, to]`, from a project `scope` lets through.
pub fn permanent_exit(
    facts: &Facts,
    idx: usize,
    from: Day,
    to: Day,
    scope: Exits,
) -> Option<PermanentExit> {
    let e = &facts.enrollments[idx];
    let t = continuum_type(facts, e).and_then(SpmType::of);
    if scope == Exits::Spm && t.is_none() {
        return None;
    }
    let x = e.exit.filter(|&x| x >= from && x <= to)?;
    is_permanent(e.destination).then_some(PermanentExit {
        enrollment: idx,
        exit: x,
        from: t,
    })
}

/// The person's earliest exit to a permanent destination in `[from, to]` among the
/// enrollments `accept` lets through (ties: the earlier entry, then the enrollment order).
pub fn earliest_permanent_exit(
    facts: &Facts,
    person: u32,
    from: Day,
    to: Day,
    scope: Exits,
    accept: impl Fn(usize) -> bool,
) -> Option<PermanentExit> {
    facts
        .enrollments_of(person)
        .filter(|&i| accept(i))
        .filter_map(|i| permanent_exit(facts, i, from, to, scope))
        .min_by_key(|x| (x.exit, facts.enrollments[x.enrollment].entry, x.enrollment))
}

/// Days from the exit to the person's first return to homelessness, if it happens within
/// two years and on or before `until`: the first later enrollment (entry on or after the
/// exit date, in entry order) in a continuum SO, ES, SH or TH project, or in a permanent
/// housing project when it starts more than 14 days after the exit and not within 14 days
/// after (or during) another permanent housing stay of the person.
pub fn days_to_return(facts: &Facts, person: u32, exit: &PermanentExit, until: Day) -> Option<i32> {
    let range = facts.enrollments_of(person);
    let ph: Vec<usize> = range
        .clone()
        .filter(|&i| {
            let e = &facts.enrollments[i];
            continuum_type(facts, e).and_then(SpmType::of) == Some(SpmType::Ph)
        })
        .collect();
    for i in range {
        if i == exit.enrollment {
            continue;
        }
        let e = &facts.enrollments[i];
        if e.entry < exit.exit {
            continue;
        }
        let days = e.entry - exit.exit;
        if days > HORIZON || e.entry > until {
            // Enrollments are in entry order: nothing later can qualify.
            return None;
        }
        let Some(t) = continuum_type(facts, e).and_then(SpmType::of) else {
            continue;
        };
        if t != SpmType::Ph {
            return Some(days);
        }
        if days <= PH_GRACE {
            continue;
        }
        let within_other = ph.iter().any(|&j| {
            let o = &facts.enrollments[j];
            j != i && e.entry > o.entry && o.exit.is_none_or(|x| e.entry <= x + PH_GRACE)
        });
        if !within_other {
            return Some(days);
        }
    }
    None
}

/// Returns bucketed the SPM way: 0-180, 181-365, 366-730 days.
pub fn bucket(days: i32) -> Option<usize> {
    match days {
        0..=180 => Some(0),
        181..=365 => Some(1),
        366..=HORIZON => Some(2),
        _ => None,
    }
}
