//! Chronic homelessness from HMIS fields (reports-spec/chronic.md): the status of one
//! enrollment at project start (§3) and at a point in time such as the PIT night (§4).

use crate::hmis::codes::{ProjectType, living_situation, yes_no};
use crate::ingest::table::NULL_INT;

use super::{Day, month_index};

/// The four outcomes of HUD's flowchart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChStatus {
    Yes,
    No,
    /// Client doesn't know / prefers not to answer.
    DkPnta,
    /// Data not collected.
    Missing,
}

impl ChStatus {
    /// The label HUD's four-category tables use.
    pub fn label(self) -> &'static str {
        match self {
            ChStatus::Yes => "Chronically Homeless",
            ChStatus::No => "Not Chronically Homeless",
            ChStatus::DkPnta => "Client Doesn't Know/Prefers Not to Answer",
            ChStatus::Missing => "Data Not Collected",
        }
    }
}

/// What the flowchart reads from one enrollment (3.08, 3.917, 4.05-4.10 at entry).
#[derive(Debug, Clone, Copy)]
pub struct ChInputs {
    pub project_type: Option<ProjectType>,
    pub entry: Day,
    pub disabling_condition: i32,
    /// An entry-stage disability record that is positive and, where HUD requires it,
    /// expected to be of long duration and to impair (chronic.md step A).
    pub disabled_by_records: bool,
    pub living_situation: i32,
    pub los_under_threshold: i32,
    pub previous_street_essh: i32,
    pub date_to_street: Option<Day>,
    pub times_homeless: i32,
    pub months_homeless: i32,
}

/// The time spent in the project up to a reference date, for the point-in-time variant.
#[derive(Debug, Clone, Copy)]
pub struct AtDate<'a> {
    pub date: Day,
    /// Sorted service dates (bed nights for ES night-by-night, contacts for street
    /// outreach) of the enrollment.
    pub services: &'a [Day],
}

/// CH status at project start (chronic.md §3).
pub fn at_start(inp: &ChInputs) -> ChStatus {
    status(inp, None)
}

/// CH status on a date after entry (chronic.md §4): for ES, SO and SH enrollments the time
/// in the project up to the date counts; for other projects this is the at-start status.
pub fn at_date(inp: &ChInputs, at: AtDate) -> ChStatus {
    status(inp, Some(at))
}

fn status(inp: &ChInputs, at: Option<AtDate>) -> ChStatus {
    // Step A: disability.
    let disabled = inp.disabling_condition == yes_no::YES || inp.disabled_by_records;
    if !disabled {
        return match inp.disabling_condition {
            yes_no::NO => ChStatus::No,
            yes_no::DOESNT_KNOW | yes_no::PREFERS_NOT => ChStatus::DkPnta,
            _ => ChStatus::Missing,
        };
    }
    // Step B: ES, SO and SH go straight to the time test (with the time in the project).
    if inp
        .project_type
        .is_some_and(|t| t.is_literally_homeless_project())
    {
        return time_test(inp, at);
    }
    // Steps C-E: the prior living situation (at-start data only).
    let ls = inp.living_situation;
    if ls == NULL_INT {
        return ChStatus::Missing;
    }
    if living_situation::HOMELESS.contains(&ls) {
        return time_test(inp, None);
    }
    if living_situation::INSTITUTIONAL.contains(&ls)
        || living_situation::is_temporary_permanent_or_other(ls)
    {
        // LOSUnderThreshold (< 90 days in an institution, < 7 nights elsewhere), then
        // PreviousStreetESSH. 99 is treated as missing (stricter than the reference code,
        // as chronic.md suggests).
        match inp.los_under_threshold {
            yes_no::NO => return ChStatus::No,
            yes_no::YES => {}
            _ => return ChStatus::Missing,
        }
        return match inp.previous_street_essh {
            yes_no::NO => ChStatus::No,
            yes_no::YES => time_test(inp, None),
            _ => ChStatus::Missing,
        };
    }
    ChStatus::No
}

fn time_test(inp: &ChInputs, at: Option<AtDate>) -> ChStatus {
    let start = inp.date_to_street.unwrap_or(inp.entry).min(inp.entry);
    let before_entry = inp.entry - start;
    let service_based = inp.project_type.is_some_and(|t| t.is_service_based());
    // 1. 365 days on the street / in ES / SH, counting the stay in the project to the date.
    let days = match at {
        None => before_entry,
        Some(a) if service_based => before_entry + services_between(a.services, inp.entry, a.date),
        Some(a) => a.date.max(inp.entry) - start,
    };
    if days >= 365 {
        return ChStatus::Yes;
    }
    // 2. Four or more occasions in three years.
    match inp.times_homeless {
        4 => {}
        1..=3 => return ChStatus::No,
        yes_no::DOESNT_KNOW | yes_no::PREFERS_NOT => return ChStatus::DkPnta,
        _ => return ChStatus::Missing,
    }
    // 3. Totalling twelve months or more.
    match inp.months_homeless {
        112 | 113 => ChStatus::Yes,
        101..=111 => {
            let months = match at {
                None => 0,
                Some(a) if service_based => months_with_service(a.services, inp.entry, a.date),
                Some(a) => whole_months_in_project(inp.entry, a.date),
            };
            if inp.months_homeless - 100 + months >= 12 {
                ChStatus::Yes
            } else {
                ChStatus::No
            }
        }
        yes_no::DOESNT_KNOW | yes_no::PREFERS_NOT => ChStatus::DkPnta,
        _ => ChStatus::Missing,
    }
}

/// Service dates d with from <= d <= to.
fn services_between(services: &[Day], from: Day, to: Day) -> i32 {
    let a = services.partition_point(|&d| d < from);
    let b = services.partition_point(|&d| d <= to);
    b.saturating_sub(a) as i32
}

/// Distinct calendar months holding a service date between entry and the date.
fn months_with_service(services: &[Day], from: Day, to: Day) -> i32 {
    let a = services.partition_point(|&d| d < from);
    let b = services.partition_point(|&d| d <= to);
    let mut n = 0;
    let mut last = None;
    for &d in &services[a..b.max(a)] {
        let m = month_index(d);
        if last != Some(m) {
            n += 1;
            last = Some(m);
        }
    }
    n
}

/// Months in the project from entry to the date: calendar months after the entry month,
/// plus the entry month itself only when entry was on the 1st.
fn whole_months_in_project(entry: Day, date: Day) -> i32 {
    if date < entry {
        return 0;
    }
    let (Some(me), Some(md)) = (month_index(entry), month_index(date)) else {
        return 0;
    };
    let first = crate::ingest::table::date_from_days(entry).map(|d| chrono::Datelike::day(&d));
    md - me + i32::from(first == Some(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::table::days_from_date;
    use chrono::NaiveDate;

    fn day(s: &str) -> Day {
        days_from_date(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    fn es(entry: &str) -> ChInputs {
        ChInputs {
            project_type: Some(ProjectType::EsEntryExit),
            entry: day(entry),
            disabling_condition: 1,
            disabled_by_records: false,
            living_situation: 116,
            los_under_threshold: NULL_INT,
            previous_street_essh: NULL_INT,
            date_to_street: None,
            times_homeless: 2,
            months_homeless: 103,
        }
    }

    #[test]
    fn disability_decides_first() {
        let mut i = es("2024-06-01");
        i.disabling_condition = 0;
        assert_eq!(at_start(&i), ChStatus::No);
        i.disabling_condition = 9;
        assert_eq!(at_start(&i), ChStatus::DkPnta);
        i.disabling_condition = NULL_INT;
        assert_eq!(at_start(&i), ChStatus::Missing);
        // A qualifying entry-stage disability record makes up for DisablingCondition 0.
        i.disabled_by_records = true;
        assert_ne!(at_start(&i), ChStatus::Missing);
    }

    #[test]
    fn a_year_on_the_street_before_entry_is_chronic() {
        let mut i = es("2024-06-01");
        i.date_to_street = Some(day("2023-06-03"));
        assert_eq!(at_start(&i), ChStatus::No, "364 days (2024 is a leap year)");
        i.date_to_street = Some(day("2023-06-02"));
        assert_eq!(at_start(&i), ChStatus::Yes, "365 days");
        // A date after entry counts from entry.
        i.date_to_street = Some(day("2024-07-01"));
        assert_eq!(at_start(&i), ChStatus::No);
    }

    #[test]
    fn time_in_shelter_counts_at_a_point_in_time() {
        // Entered ES on 2024-02-01 from 30 days on the street; on 2025-01-29 the person has
        // 30 + 363 days: chronic at the PIT night though not at entry.
        let mut i = es("2024-02-01");
        i.date_to_street = Some(day("2024-01-02"));
        assert_eq!(at_start(&i), ChStatus::No);
        let at = AtDate {
            date: day("2025-01-29"),
            services: &[],
        };
        assert_eq!(at_date(&i, at), ChStatus::Yes);
        // Transitional housing: the at-start status, whatever the date.
        i.project_type = Some(ProjectType::Th);
        assert_eq!(at_date(&i, at), ChStatus::No);
    }

    #[test]
    fn night_by_night_counts_bed_nights_not_calendar_days() {
        let mut i = es("2024-01-01");
        i.project_type = Some(ProjectType::EsNbn);
        // Bed nights on the 10th and 15th of January..September 2024: 18 nights in 9
        // calendar months.
        let nights: Vec<Day> = (1..=9)
            .flat_map(|m| [10, 15].map(|d| day(&format!("2024-{m:02}-{d:02}"))))
            .collect();
        let at = AtDate {
            date: day("2025-01-29"),
            services: &nights,
        };
        // 18 bed nights over a year are not 365 days; times = 2 -> No.
        assert_eq!(at_date(&i, at), ChStatus::No);
        // Four times: 3 months before entry + 9 months with a bed night = 12 -> Yes.
        i.times_homeless = 4;
        assert_eq!(at_date(&i, at), ChStatus::Yes);
        assert_eq!(at_start(&i), ChStatus::No, "3 months at entry");
        // On 2024-08-31 only 8 months had a bed night: 11 -> No.
        let earlier = AtDate {
            date: day("2024-08-31"),
            services: &nights,
        };
        assert_eq!(at_date(&i, earlier), ChStatus::No);
    }

    #[test]
    fn institution_and_other_paths() {
        let mut i = es("2024-06-01");
        i.project_type = Some(ProjectType::Th);
        i.living_situation = 215;
        assert_eq!(at_start(&i), ChStatus::Missing, "LOSUnderThreshold null");
        i.los_under_threshold = 1;
        i.previous_street_essh = 0;
        assert_eq!(at_start(&i), ChStatus::No);
        i.previous_street_essh = 1;
        i.times_homeless = 4;
        i.months_homeless = 113;
        assert_eq!(at_start(&i), ChStatus::Yes);
        i.months_homeless = 8;
        assert_eq!(at_start(&i), ChStatus::DkPnta);
        i.living_situation = 435;
        i.los_under_threshold = 99;
        assert_eq!(at_start(&i), ChStatus::Missing, "99 is not a yes");
    }

    #[test]
    fn months_in_project() {
        assert_eq!(
            whole_months_in_project(day("2024-01-15"), day("2024-03-03")),
            2
        );
        assert_eq!(
            whole_months_in_project(day("2024-01-01"), day("2024-01-29")),
            1
        );
        assert_eq!(
            whole_months_in_project(day("2024-01-20"), day("2024-01-29")),
            0
        );
    }
}
