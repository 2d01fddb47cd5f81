//! Who counts where: the SPM's project-type groups, "open during the period", the
//! household's move-in date, "literally homeless at entry" and the start of homelessness.

use crate::facts::{Day, Enrollment, Facts, age_on};
use crate::hmis::codes::{ProjectType, relationship};

/// The project-type groups of the SPM (and of the scorecard's returns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpmType {
    So,
    Es,
    Th,
    Sh,
    Ph,
}

impl SpmType {
    pub const ALL: [SpmType; 5] = [
        SpmType::So,
        SpmType::Es,
        SpmType::Th,
        SpmType::Sh,
        SpmType::Ph,
    ];

    pub fn of(t: ProjectType) -> Option<SpmType> {
        Some(match t {
            ProjectType::So => SpmType::So,
            ProjectType::EsEntryExit | ProjectType::EsNbn => SpmType::Es,
            ProjectType::Th => SpmType::Th,
            ProjectType::Sh => SpmType::Sh,
            t if t.is_permanent_housing() => SpmType::Ph,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            SpmType::So => "SO",
            SpmType::Es => "ES",
            SpmType::Th => "TH",
            SpmType::Sh => "SH",
            SpmType::Ph => "PH",
        }
    }
}

/// The enrollment's project type when the project is a continuum project (the SPM's
/// scope); None otherwise.
pub fn continuum_type(facts: &Facts, e: &Enrollment) -> Option<ProjectType> {
    let p = &facts.projects[e.project as usize];
    if p.continuum { p.project_type } else { None }
}

/// PSH and other permanent housing without RRH (3, 9, 10).
pub fn is_psh_or_oph(t: ProjectType) -> bool {
    matches!(
        t,
        ProjectType::Psh | ProjectType::PhHousingOnly | ProjectType::PhHousingWithServices
    )
}

/// Open during an inclusive period: `entry <= end` and the exit is after `start` (the exit
/// day itself is not an active day).
pub fn open_during(e: &Enrollment, start: Day, end: Day) -> bool {
    e.entry <= end && e.exit.is_none_or(|x| x > start)
}

/// Still enrolled at the end of a period: not exited on or before it.
pub fn open_at_end(e: &Enrollment, end: Day) -> bool {
    e.entry <= end && e.exit.is_none_or(|x| x > end)
}

/// Exited within an inclusive period.
pub fn exited_in(e: &Enrollment, start: Day, end: Day) -> Option<Day> {
    e.exit.filter(|&x| x >= start && x <= end)
}

/// Active in an inclusive period (SPM "Method 5"): ES night-by-night with a bed night in the
/// period on or after entry and before exit; any other enrollment open during the period.
pub fn active_in(facts: &Facts, e: &Enrollment, start: Day, end: Day) -> bool {
    match facts.project_type(e) {
        Some(ProjectType::EsNbn) => facts
            .bed_nights(e)
            .iter()
            .any(|&d| d >= start && d <= end && d >= e.entry && e.exit.is_none_or(|x| d < x)),
        _ => open_during(e, start, end),
    }
}

/// The head of household's enrollment in the enrollment's household (the earliest entry of
/// the members marked as head), if any.
pub fn head_of(facts: &Facts, idx: usize) -> Option<usize> {
    let e = &facts.enrollments[idx];
    let members = &facts.households.get(e.household as usize)?.members;
    members
        .iter()
        .map(|&i| i as usize)
        .filter(|&i| facts.enrollments[i].relationship == relationship::SELF_HOH)
        .min_by_key(|&i| (facts.enrollments[i].entry, i))
}

/// The housing move-in date that applies to an enrollment: the head of household's own
/// (when on or after the head's entry); other members take it unless they exited on or
/// before it (then their own), or entered after it (then their own entry date). Only
/// permanent housing projects have one. A move-in after the exit is ignored.
pub fn move_in(facts: &Facts, idx: usize) -> Option<Day> {
    let e = &facts.enrollments[idx];
    if !facts
        .project_type(e)
        .is_some_and(|t| t.is_permanent_housing())
    {
        return None;
    }
    let own = e.move_in.filter(|&m| m >= e.entry);
    let valid = |m: Day, en: &Enrollment| en.exit.is_none_or(|x| m <= x);
    let result = match head_of(facts, idx) {
        Some(h) if h != idx => {
            let he = &facts.enrollments[h];
            match he.move_in.filter(|&m| m >= he.entry) {
                Some(m) if e.exit.is_some_and(|x| x <= m) => own,
                Some(m) if e.entry > m => Some(e.entry),
                Some(m) => Some(m),
                None => own,
            }
        }
        _ => own,
    };
    result.filter(|&m| valid(m, e))
}

/// Literally homeless at project start: ES, SO or SH; or TH/PH with a homeless prior living
/// situation, or an institutional, temporary or permanent one of less than 90 days / 7 nights
/// entered from the street, a shelter or a safe haven (3.917 2A/2B and 2C).
pub fn literally_homeless_at_entry(facts: &Facts, e: &Enrollment) -> bool {
    let Some(t) = facts.project_type(e) else {
        return false;
    };
    if t.is_literally_homeless_project() {
        return true;
    }
    let ls = e.ch.living_situation;
    if matches!(ls, 101 | 116 | 118) {
        return true;
    }
    (200..500).contains(&ls) && e.ch.los_under_threshold == 1 && e.ch.previous_street_essh == 1
}

/// The approximate start of the homeless episode (3.917 DateToStreetESSH), never before
/// the person's birth; a child (17 or younger) who entered with the head of household on
/// the same day and has no own date takes the head's.
pub fn homeless_start(facts: &Facts, idx: usize) -> Option<Day> {
    let e = &facts.enrollments[idx];
    let dob = facts.person(e).dob;
    let own = e.ch.date_to_street;
    let date = match own {
        Some(d) => Some(d),
        None => {
            let child = age_on(dob, e.entry).is_some_and(|a| a <= 17);
            match head_of(facts, idx) {
                Some(h) if child && h != idx && facts.enrollments[h].entry == e.entry => {
                    facts.enrollments[h].ch.date_to_street
                }
                _ => None,
            }
        }
    };
    date.map(|d| dob.map_or(d, |b| d.max(b)))
}

/// Age on the later of the period start and the entry date (SPM's rule).
pub fn spm_age(facts: &Facts, e: &Enrollment, start: Day) -> Option<u32> {
    age_on(facts.person(e).dob, start.max(e.entry))
}
