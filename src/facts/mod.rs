//! Facts: what every report needs, derived once from the dataset and the crosswalk.
//!
//! Per enrollment: the person (UnduplicatedID), project and type, household, entry, exit,
//! move-in, the 3.917 answers and chronic status; per person: birth date, sex, race and
//! ethnicity, veteran status resolved across their client records; per project: the
//! organization and the bed inventory. Reports are pure functions of these facts and their
//! parameters: they never read the ingest tables.
//!
//! Row-by-row logic (household rules, chronic status, the PIT night) works on the typed
//! vectors here; group-by aggregations go through the polars frames of [`frame`].

pub mod build;
pub mod chronic;
pub mod detail;
pub mod frame;
pub mod household;
pub mod person;
pub mod scope;
#[cfg(test)]
mod tests;

use chrono::Datelike;

use crate::dedup::Person;
use crate::hmis::codes::{ProjectType, SituationGroup};
use crate::ingest::table::date_from_days;

pub use build::{FactOptions, build};
pub use chronic::ChStatus;
pub use household::{AgeClass, HouseholdType};
pub use person::{PersonFacts, RaceEthnicity, age_on};

/// A date as days from 0001-01-01 (the ingest tables' representation).
pub type Day = i32;

/// Year * 12 + month of a day (None for an invalid day).
pub fn month_index(d: Day) -> Option<i32> {
    date_from_days(d).map(|d| d.year() * 12 + d.month0() as i32)
}

#[derive(Debug, Clone)]
pub struct Organization {
    pub export: u32,
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub export: u32,
    pub id: String,
    pub name: String,
    pub organization: u32,
    pub project_type: Option<ProjectType>,
    /// ContinuumProject = 1.
    pub continuum: bool,
}

/// One Inventory.csv record in scope.
#[derive(Debug, Clone, Copy)]
pub struct Inventory {
    pub project: u32,
    /// 1 without children, 3 with adult and child, 4 only children.
    pub household_type: i32,
    pub units: u32,
    pub beds: u32,
    pub start: Option<Day>,
    pub end: Option<Day>,
}

impl Inventory {
    /// In force on a night: started on or before it and not ended before it (an end date
    /// on the night itself still counts, as in the HIC).
    pub fn in_force(&self, night: Day) -> bool {
        self.start.is_some_and(|s| s <= night) && self.end.is_none_or(|e| e >= night)
    }
}

/// A Disabilities.csv record of the kinds the PIT's additional populations use.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    pub date: Day,
    /// 1.3 DisabilityType (8 HIV/AIDS, 9 mental health, 10 substance use).
    pub kind: i32,
    pub response: i32,
    pub indefinite: i32,
}

/// An IncomeBenefits.csv record: monthly cash income and whether the person had non-cash
/// benefits and health insurance.
#[derive(Debug, Clone, Copy)]
pub struct IncomeRecord {
    pub date: Day,
    /// 5.03 DataCollectionStage (1 start, 2 update, 3 exit, 5 annual assessment).
    pub stage: i32,
    /// 4.02 IncomeFromAnySource (1 yes, 0 no, 8/9 DK/PNTA, 99 or NULL_INT not collected).
    pub any_income: i32,
    /// EarnedAmount (0 when empty).
    pub earned: f64,
    /// Sum of every cash source's amount (0 when none).
    pub total: f64,
    /// 4.03 BenefitsFromAnySource.
    pub benefits: i32,
    /// 4.04 InsuranceFromAnySource.
    pub insurance: i32,
}

impl IncomeRecord {
    /// Non-employment cash income: total minus earned, never negative.
    pub fn other(&self) -> f64 {
        (self.total - self.earned).max(0.0)
    }
}

/// A Funder.csv record of a project in scope (2.06).
#[derive(Debug, Clone, Copy)]
pub struct FunderRecord {
    pub project: u32,
    /// 2.06.1 Funder code (2 CoC PSH, 3 CoC RRH, 4 CoC SSO, 5 CoC TH, ...).
    pub funder: i32,
    pub start: Option<Day>,
    pub end: Option<Day>,
}

impl FunderRecord {
    /// In force at some point of an inclusive period.
    pub fn active_in(&self, start: Day, end: Day) -> bool {
        self.start.is_some_and(|s| s <= end) && self.end.is_none_or(|e| e >= start)
    }
}

/// A HealthAndDV.csv record's domestic-violence answers.
#[derive(Debug, Clone, Copy)]
pub struct DvRecord {
    pub date: Day,
    pub survivor: i32,
    pub currently_fleeing: i32,
}

#[derive(Debug, Clone)]
pub struct Enrollment {
    pub person: Person,
    /// Index of the export in the dataset and row in its Enrollment table (for the
    /// detail facts of [`detail`], which read further columns of the same record).
    pub export: u32,
    pub row: u32,
    pub project: u32,
    pub household: u32,
    pub relationship: i32,
    pub entry: Day,
    pub exit: Option<Day>,
    pub move_in: Option<Day>,
    pub destination: i32,
    /// Chronic-homelessness inputs (3.08, 3.917, entry-stage disabilities).
    pub ch: chronic::ChInputs,
    /// Status at project start after the household rule (chronic.md §5).
    pub ch_at_start: ChStatus,
    /// Range into [`Facts::service_days`].
    pub services: (u32, u32),
    /// Range into [`Facts::conditions`].
    pub conditions: (u32, u32),
    /// Range into [`Facts::dv`].
    pub dv: (u32, u32),
    /// Range into [`Facts::incomes`].
    pub incomes: (u32, u32),
    /// Range into [`Facts::bed_nights`].
    pub bed_nights: (u32, u32),
}

#[derive(Debug, Clone, Default)]
pub struct Household {
    pub export: u32,
    /// Enrollments of the household (indexes into [`Facts::enrollments`]), ascending.
    pub members: Vec<u32>,
}

/// Counts that explain what the facts left out.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FactCounts {
    pub enrollments: u64,
    /// Enrollments whose client record is not in the crosswalk (e.g. rejected).
    pub enrollments_without_client: u64,
    /// Enrollments whose project is missing.
    pub enrollments_without_project: u64,
    /// Enrollments left out by `--coc`.
    pub enrollments_other_coc: u64,
}

/// Everything reports read.
#[derive(Debug, Default)]
pub struct Facts {
    pub organizations: Vec<Organization>,
    pub projects: Vec<Project>,
    pub inventory: Vec<Inventory>,
    /// Sorted by (person, entry, export, EnrollmentID).
    pub enrollments: Vec<Enrollment>,
    pub households: Vec<Household>,
    /// One per person of the crosswalk (index = `Person`).
    pub persons: Vec<PersonFacts>,
    /// Start of each person's enrollments in `enrollments` (persons + 1 entries).
    pub person_enrollments: Vec<u32>,
    /// Bed nights (ES night-by-night) and outreach contacts, grouped by enrollment, sorted.
    pub service_days: Vec<Day>,
    pub conditions: Vec<Condition>,
    pub dv: Vec<DvRecord>,
    /// IncomeBenefits records grouped by enrollment, by (date, stage).
    pub incomes: Vec<IncomeRecord>,
    /// Bed nights only (Services RecordType 200), grouped by enrollment, sorted: unlike
    /// [`Facts::service_days`], no outreach contacts.
    pub bed_nights: Vec<Day>,
    /// Funder.csv records of the projects in scope, by project.
    pub funders: Vec<FunderRecord>,
    /// The earliest Export.ExportStartDate of the inputs (else the earliest entry date):
    /// how far back the data reaches, for measures with a lookback.
    pub data_start: Option<Day>,
    pub counts: FactCounts,
}

impl Facts {
    pub fn project_type(&self, e: &Enrollment) -> Option<ProjectType> {
        self.projects[e.project as usize].project_type
    }

    pub fn services(&self, e: &Enrollment) -> &[Day] {
        &self.service_days[e.services.0 as usize..e.services.1 as usize]
    }

    pub fn conditions(&self, e: &Enrollment) -> &[Condition] {
        &self.conditions[e.conditions.0 as usize..e.conditions.1 as usize]
    }

    pub fn dv_records(&self, e: &Enrollment) -> &[DvRecord] {
        &self.dv[e.dv.0 as usize..e.dv.1 as usize]
    }

    pub fn incomes(&self, e: &Enrollment) -> &[IncomeRecord] {
        &self.incomes[e.incomes.0 as usize..e.incomes.1 as usize]
    }

    /// Bed nights (RecordType 200) of an enrollment, sorted.
    pub fn bed_nights(&self, e: &Enrollment) -> &[Day] {
        &self.bed_nights[e.bed_nights.0 as usize..e.bed_nights.1 as usize]
    }

    /// The enrollments of a person.
    pub fn enrollments_of(&self, p: Person) -> std::ops::Range<usize> {
        let a = self.person_enrollments[p as usize] as usize;
        let b = self.person_enrollments[p as usize + 1] as usize;
        a..b
    }

    /// Client records (across agencies) of a person.
    pub fn records_of(&self, p: Person) -> u32 {
        self.persons[p as usize].records
    }

    /// Each organization's name for report rows: the name, followed by its OrganizationID
    /// when another organization (of another agency) has the same name.
    pub fn organization_labels(&self) -> Vec<String> {
        let mut count: std::collections::HashMap<&str, usize> = Default::default();
        for o in &self.organizations {
            *count.entry(o.name.as_str()).or_default() += 1;
        }
        self.organizations
            .iter()
            .map(|o| {
                if count[o.name.as_str()] > 1 {
                    format!("{} ({})", o.name, o.id)
                } else {
                    o.name.clone()
                }
            })
            .collect()
    }

    pub fn person(&self, e: &Enrollment) -> &PersonFacts {
        &self.persons[e.person as usize]
    }

    pub fn age_on(&self, e: &Enrollment, on: Day) -> Option<u32> {
        age_on(self.person(e).dob, on)
    }

    fn has_service_on(&self, e: &Enrollment, night: Day) -> bool {
        self.services(e).binary_search(&night).is_ok()
    }

    fn has_service_between(&self, e: &Enrollment, start: Day, end: Day) -> bool {
        let s = self.services(e);
        let i = s.partition_point(|&d| d < start);
        i < s.len() && s[i] <= end
    }

    /// In the project on a night: `entry <= night < exit`; for ES night-by-night also a bed
    /// night on that date.
    pub fn stayed_on(&self, e: &Enrollment, night: Day) -> bool {
        let open = e.entry <= night && e.exit.is_none_or(|x| x > night);
        match self.project_type(e) {
            Some(ProjectType::EsNbn) => open && self.has_service_on(e, night),
            _ => open,
        }
    }

    /// Housed by a permanent housing project on a night: moved in on or before it and not
    /// exited (`move_in <= night < exit`).
    pub fn housed_on(&self, e: &Enrollment, night: Day) -> bool {
        self.project_type(e)
            .is_some_and(|t| t.is_permanent_housing())
            && e.move_in.is_some_and(|m| m <= night && m >= e.entry)
            && e.exit.is_none_or(|x| x > night)
    }

    /// Served in an inclusive period: the stay overlaps it (`entry <= end` and exit null
    /// or `>= start`); for ES night-by-night a bed night in the period (HUD's active-client
    /// rule for night-by-night shelters).
    pub fn served_in(&self, e: &Enrollment, start: Day, end: Day) -> bool {
        let overlap = e.entry <= end && e.exit.is_none_or(|x| x >= start);
        match self.project_type(e) {
            Some(ProjectType::EsNbn) => overlap && self.has_service_between(e, start, end),
            _ => overlap,
        }
    }

    /// A leaver of an inclusive period: exited within it.
    pub fn left_in(&self, e: &Enrollment, start: Day, end: Day) -> bool {
        e.exit.is_some_and(|x| x >= start && x <= end)
    }

    /// The group of the enrollment's exit destination (None while open or when the code is
    /// not on HUD's list).
    pub fn destination_group(&self, e: &Enrollment) -> Option<SituationGroup> {
        e.exit.and(SituationGroup::of(e.destination))
    }

    /// Household type on a date from the ages of the members `include` accepts (members
    /// whose age is unknown make it `Unknown`).
    pub fn household_type_on(
        &self,
        household: u32,
        on: Day,
        include: impl Fn(&Enrollment) -> bool,
    ) -> HouseholdType {
        household::household_type(
            self.households[household as usize]
                .members
                .iter()
                .map(|&i| &self.enrollments[i as usize])
                .filter(|e| include(e))
                .map(|e| AgeClass::of(self.person(e).dob, on)),
        )
    }

    /// Chronic status of an enrollment on a date (the point-in-time variant).
    pub fn ch_at(&self, e: &Enrollment, date: Day) -> ChStatus {
        chronic::at_date(
            &e.ch,
            chronic::AtDate {
                date,
                services: self.services(e),
            },
        )
    }
}
