//! Detail facts: the further per-enrollment data HUD's APR, CAPER and data quality tables
//! read (client-record data quality, income and benefits, all disability records, health
//! and DV, contacts, record-entry dates). Built once from the ingest tables for the
//! enrollments of [`Facts`], in the same order; reports read these, never the tables.
//!
//! Nothing here holds names, SSNs or birth dates: only their data-quality codes and
//! whether the value is present and plausible.

use rayon::prelude::*;

use crate::ingest::table::{NULL_DATETIME, NULL_INT, days_from_date};
use crate::ingest::{Dataset, Export, Table};

use super::build::{FxMap, enrollment_of, grouped};
use super::{Day, Facts};

/// Income sources of 4.02, in HUD's order (bit i of [`IncomeRecord::sources`]).
pub const INCOME_SOURCES: [&str; 15] = [
    "Earned",
    "Unemployment",
    "SSI",
    "SSDI",
    "VADisabilityService",
    "VADisabilityNonService",
    "PrivateDisability",
    "WorkersComp",
    "TANF",
    "GA",
    "SocSecRetirement",
    "Pension",
    "ChildSupport",
    "Alimony",
    "OtherIncomeSource",
];
/// Amount columns matching [`INCOME_SOURCES`].
pub use crate::hmis::CASH_INCOME_AMOUNTS as INCOME_AMOUNTS;
/// Non-cash benefits of 4.03 (bit i of [`IncomeRecord::benefits`]).
pub const BENEFITS: [&str; 6] = [
    "SNAP",
    "WIC",
    "TANFChildCare",
    "TANFTransportation",
    "OtherTANF",
    "OtherBenefitsSource",
];
/// Health insurance of 4.04 (bit i of [`IncomeRecord::insurance`]).
pub const INSURANCE: [&str; 10] = [
    "Medicaid",
    "Medicare",
    "SCHIP",
    "VHAServices",
    "EmployerProvided",
    "COBRA",
    "PrivatePay",
    "StateHealthIns",
    "IndianHealthServices",
    "OtherInsurance",
];
/// Gender columns (legacy FY2022/FY2024, kept by the upgrade), bit i of
/// [`ClientRecord::gender`]: 0 Woman, 1 Man, 2 CulturallySpecific, 3 DifferentIdentity,
/// 4 NonBinary, 5 Transgender, 6 Questioning (HUD's 2024 codes).
pub const GENDER_COLUMNS: [&str; 7] = [
    "Woman",
    "Man",
    "CulturallySpecific",
    "DifferentIdentity",
    "NonBinary",
    "Transgender",
    "Questioning",
];

/// One IncomeBenefits.csv record (4.02-4.04).
#[derive(Debug, Clone, Copy)]
pub struct IncomeRecord {
    pub date: Day,
    pub stage: i32,
    pub income_any: i32,
    /// Bit i = INCOME_SOURCES[i] is 1.
    pub sources: u16,
    /// Sum of the source amounts that are present and positive (0 when none).
    pub total: f64,
    /// EarnedAmount when Earned = 1 (0 otherwise).
    pub earned: f64,
    /// TotalMonthlyIncome as recorded (NaN when null).
    pub total_reported: f64,
    pub benefits_any: i32,
    pub benefits: u8,
    pub insurance_any: i32,
    pub insurance: u16,
}

/// One Disabilities.csv record.
#[derive(Debug, Clone, Copy)]
pub struct DisabilityRecord {
    pub date: Day,
    pub stage: i32,
    pub kind: i32,
    pub response: i32,
    pub indefinite: i32,
}

/// One HealthAndDV.csv record's domestic-violence answers.
#[derive(Debug, Clone, Copy)]
pub struct HealthRecord {
    pub date: Day,
    pub stage: i32,
    pub survivor: i32,
    pub when_occurred: i32,
    pub currently_fleeing: i32,
}

/// One CurrentLivingSituation.csv record (a contact in street outreach).
#[derive(Debug, Clone, Copy)]
pub struct Contact {
    pub date: Day,
    pub situation: i32,
}

/// One Services.csv record of RecordType 300 (C2 Moving On assistance provided).
#[derive(Debug, Clone, Copy)]
pub struct MovingOnRecord {
    pub date: Day,
    /// TypeProvided (list C2.2: 1-5).
    pub kind: i32,
}

/// One YouthEducationStatus.csv record (C3).
#[derive(Debug, Clone, Copy)]
pub struct EducationRecord {
    pub date: Day,
    pub stage: i32,
    /// CurrentSchoolAttend (C3.2).
    pub attend: i32,
    /// MostRecentEdStatus (C3.A).
    pub most_recent: i32,
    /// CurrentEdStatus (C3.B).
    pub current: i32,
}

/// An SSN's shape: present and plausible, absent, or not a possible SSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SsnShape {
    #[default]
    Missing,
    Valid,
    Invalid,
}

/// Data-quality view of the enrollment's own client record (not the resolved person).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientRecord {
    pub name_dq: i32,
    /// First or last name blank.
    pub name_blank: bool,
    pub ssn: SsnShape,
    pub ssn_dq: i32,
    pub dob: Option<Day>,
    pub dob_dq: i32,
    pub created: Option<Day>,
    /// Race bits as [`super::person::RACE_COLUMNS`] and RaceNone of this record.
    pub race: u8,
    pub race_none: i32,
    pub gender: u8,
    pub gender_none: i32,
    pub veteran: i32,
}

/// The further data of one enrollment.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnrollmentDetail {
    pub client: ClientRecord,
    pub created: Option<Day>,
    /// EnrollmentCoC as written ("" when null).
    pub coc: CocCode,
    pub length_of_stay: i32,
    pub date_of_engagement: Option<Day>,
    pub exit_created: Option<Day>,
    pub destination_subsidy: i32,
    pub housing_assessment: i32,
    pub subsidy_information: i32,
    /// FY2024 (and FY2022 RHY) Enrollment.SexualOrientation (R3.1); null from FY2026 on.
    pub sexual_orientation: i32,
    /// FY2024 Enrollment.TranslationNeeded (C4) and PreferredLanguage (C4.A); null from
    /// FY2026 on.
    pub translation_needed: i32,
    pub preferred_language: i32,
    /// PreferredLanguageDifferent is filled in (the text itself is not kept).
    pub language_different: bool,
    /// The store holding this enrollment's records (see [`Details`]), and their ranges in it.
    pub store: u32,
    pub incomes: (u32, u32),
    pub disabilities: (u32, u32),
    pub health: (u32, u32),
    pub contacts: (u32, u32),
    pub moving_on: (u32, u32),
    pub education: (u32, u32),
}

/// EnrollmentCoC: null, a valid HUD CoC code (two letters, dash, three digits), or other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CocCode {
    #[default]
    Null,
    Valid,
    Invalid,
}

/// Project descriptor data the APR's Q4a lists.
#[derive(Debug, Clone, Default)]
pub struct ProjectDetail {
    pub rrh_subtype: i32,
    pub residential_affiliation: i32,
    /// ProjectCoC codes and geocodes, sorted and comma-joined.
    pub coc: String,
    pub geocode: String,
    /// Organization.VictimServiceProvider.
    pub victim_service_provider: i32,
    /// Export.SoftwareName.
    pub software: String,
}

/// Detail facts, aligned with [`Facts::enrollments`] (and `projects` with
/// [`Facts::projects`]).
#[derive(Debug, Default)]
pub struct Details {
    pub projects: Vec<ProjectDetail>,
    pub enrollments: Vec<EnrollmentDetail>,
    // The records, in stores (one per export as built, one after `restrict`): an
    // enrollment's are a range of its store's (`EnrollmentDetail::store`); read them through
    // the methods below.
    incomes: Vec<Vec<IncomeRecord>>,
    disabilities: Vec<Vec<DisabilityRecord>>,
    health: Vec<Vec<HealthRecord>>,
    contacts: Vec<Vec<Contact>>,
    moving_on: Vec<Vec<MovingOnRecord>>,
    education: Vec<Vec<EducationRecord>>,
}

/// Records `range` of store `store` (none when there is no such store).
fn stored<T>(stores: &[Vec<T>], store: u32, (a, b): (u32, u32)) -> &[T] {
    stores
        .get(store as usize)
        .and_then(|s| s.get(a as usize..b as usize))
        .unwrap_or(&[])
}

impl Details {
    /// The details of restricted facts ([`super::scope::restrict_with_enrollments`]):
    /// `enrollments` are the kept enrollments' indexes here, in their new order, and
    /// `keep[project]` the kept projects.
    pub fn restrict(&self, enrollments: &[u32], keep: &[bool]) -> Details {
        use super::scope::copy;
        // Every record vector of Details, named here so that adding one without copying it
        // below does not compile.
        let Details {
            projects: _,
            enrollments: _,
            incomes: _,
            disabilities: _,
            health: _,
            contacts: _,
            moving_on: _,
            education: _,
        } = self;
        let mut d = Details {
            projects: self
                .projects
                .iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(p, _)| p.clone())
                .collect(),
            incomes: vec![Vec::new()],
            disabilities: vec![Vec::new()],
            health: vec![Vec::new()],
            contacts: vec![Vec::new()],
            moving_on: vec![Vec::new()],
            education: vec![Vec::new()],
            ..Default::default()
        };
        d.enrollments.reserve(enrollments.len());
        for &i in enrollments {
            let i = i as usize;
            let mut e = self.enrollments[i];
            e.store = 0;
            e.incomes = copy(&mut d.incomes[0], self.incomes(i));
            e.disabilities = copy(&mut d.disabilities[0], self.disabilities(i));
            e.health = copy(&mut d.health[0], self.health(i));
            e.contacts = copy(&mut d.contacts[0], self.contacts(i));
            e.moving_on = copy(&mut d.moving_on[0], self.moving_on(i));
            e.education = copy(&mut d.education[0], self.education(i));
            d.enrollments.push(e);
        }
        d
    }

    pub fn incomes(&self, e: usize) -> &[IncomeRecord] {
        let d = &self.enrollments[e];
        stored(&self.incomes, d.store, d.incomes)
    }
    pub fn disabilities(&self, e: usize) -> &[DisabilityRecord] {
        let d = &self.enrollments[e];
        stored(&self.disabilities, d.store, d.disabilities)
    }
    pub fn health(&self, e: usize) -> &[HealthRecord] {
        let d = &self.enrollments[e];
        stored(&self.health, d.store, d.health)
    }
    pub fn contacts(&self, e: usize) -> &[Contact] {
        let d = &self.enrollments[e];
        stored(&self.contacts, d.store, d.contacts)
    }
    /// Moving On assistance (Services RecordType 300), by date.
    pub fn moving_on(&self, e: usize) -> &[MovingOnRecord] {
        let d = &self.enrollments[e];
        stored(&self.moving_on, d.store, d.moving_on)
    }
    /// Youth education status records, by date.
    pub fn education(&self, e: usize) -> &[EducationRecord] {
        let d = &self.enrollments[e];
        stored(&self.education, d.store, d.education)
    }
}

fn int(t: &Table, c: &str, i: usize) -> i32 {
    t.int_col(c).map_or(NULL_INT, |c| c.get(i))
}
fn text<'a>(t: &'a Table, c: &str, i: usize) -> &'a str {
    t.str_col(c).map_or("", |c| c.get(i))
}

/// Column accessors looked up once by name, for loops over every row (an absent column
/// reads as null, as in `int` and `text` above).
fn int_of<'a>(t: &'a Table, c: &str) -> impl Fn(usize) -> i32 + 'a {
    let col = t.int_col(c);
    move |i| col.map_or(NULL_INT, |c| c.get(i))
}
fn date_of<'a>(t: &'a Table, c: &str) -> impl Fn(usize) -> Option<Day> + 'a {
    let col = t.date_col(c);
    move |i| {
        col.map(|c| c.get(i))
            .filter(|&d| d != crate::ingest::table::NULL_DATE)
    }
}
fn created_of<'a>(t: &'a Table, c: &str) -> impl Fn(usize) -> Option<Day> + 'a {
    let col = t.datetime_col(c);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).map(days_from_date);
    move |i| {
        let v = col.map_or(NULL_DATETIME, |c| c.get(i));
        if v == NULL_DATETIME {
            return None;
        }
        i32::try_from(v.div_euclid(86_400))
            .ok()
            .and_then(|d| d.checked_add(epoch?))
    }
}
fn money_of<'a>(t: &'a Table, c: &str) -> impl Fn(usize) -> f64 + 'a {
    let col = t.money_col(c);
    move |i| col.map_or(f64::NAN, |c| c[i])
}
fn text_of<'a>(t: &'a Table, c: &str) -> impl Fn(usize) -> &'a str + 'a {
    let col = t.str_col(c);
    move |i| col.map_or("", |c| c.get(i))
}

/// HUD's CoC code shape: `XX-999`.
pub fn valid_coc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6
        && b[0].is_ascii_alphabetic()
        && b[1].is_ascii_alphabetic()
        && b[2] == b'-'
        && b[3..].iter().all(u8::is_ascii_digit)
}

/// SSA rules for a possible SSN: nine digits, area not 000, 666 or 9xx, group not 00,
/// serial not 0000, and not one repeated digit (placeholders such as 111111111).
pub fn ssn_shape(s: &str) -> SsnShape {
    let s = s.trim();
    if s.is_empty() {
        return SsnShape::Missing;
    }
    let b = s.as_bytes();
    if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
        return SsnShape::Invalid;
    }
    let area = &s[0..3];
    if area == "000" || area == "666" || b[0] == b'9' || &s[3..5] == "00" || &s[5..] == "0000" {
        return SsnShape::Invalid;
    }
    if b.iter().all(|&c| c == b[0]) || s == "123456789" {
        return SsnShape::Invalid;
    }
    SsnShape::Valid
}

fn projects(exports: &[Export], facts: &Facts) -> Vec<ProjectDetail> {
    facts
        .projects
        .iter()
        .map(|pr| {
            let Some(ex) = exports.get(pr.export as usize) else {
                return ProjectDetail::default();
            };
            let t = ex.table("Project");
            let row = (0..t.len()).find(|&i| text(t, "ProjectID", i) == pr.id);
            let org_id = row.map_or("", |i| text(t, "OrganizationID", i));
            let o = ex.table("Organization");
            let vsp = (0..o.len())
                .find(|&i| text(o, "OrganizationID", i) == org_id)
                .map_or(NULL_INT, |i| int(o, "VictimServiceProvider", i));
            let pc = ex.table("ProjectCoC");
            let mut cocs = Vec::new();
            let mut geos = Vec::new();
            for i in 0..pc.len() {
                if text(pc, "ProjectID", i) == pr.id {
                    cocs.push(text(pc, "CoCCode", i).to_string());
                    geos.push(text(pc, "Geocode", i).to_string());
                }
            }
            cocs.sort();
            cocs.dedup();
            geos.sort();
            geos.dedup();
            ProjectDetail {
                rrh_subtype: row.map_or(NULL_INT, |i| int(t, "RRHSubType", i)),
                residential_affiliation: row
                    .map_or(NULL_INT, |i| int(t, "ResidentialAffiliation", i)),
                coc: cocs.join(","),
                geocode: geos.join(","),
                victim_service_provider: vsp,
                software: ex.software_name.clone(),
            }
        })
        .collect()
}

struct Part {
    /// (global enrollment, detail) for enrollments of this export.
    rows: Vec<(u32, EnrollmentDetail)>,
    incomes: Vec<(u32, IncomeRecord)>,
    disabilities: Vec<(u32, DisabilityRecord)>,
    health: Vec<(u32, HealthRecord)>,
    contacts: Vec<(u32, Contact)>,
    moving_on: Vec<(u32, MovingOnRecord)>,
    education: Vec<(u32, EducationRecord)>,
}

/// Builds the detail facts for the enrollments of `facts`. Deterministic whatever the
/// thread count: records are grouped by enrollment and sorted by their content.
pub fn build(dataset: &Dataset, facts: &Facts) -> Details {
    build_from(Keep(dataset), facts, None)
}

/// As [`build`], for the end of a run where nothing reads the loaded tables after the
/// details: each export's tables are released (all but the `keep` columns, see
/// [`Export::release_tables`]) as soon as its details are read, so the whole dataset never
/// sits in memory beside the whole details.
pub fn build_releasing(dataset: &mut Dataset, facts: &Facts, keep: &[(&str, &str)]) -> Details {
    build_from(Release { dataset, keep }, facts, None)
}

/// As [`build_releasing`], reading the details of the enrollments `only` lists (indexes
/// into `Facts::enrollments`) and of no other: the others' are left empty. For a report
/// that reads no other enrollment's details (the APR and CAPER read those of the
/// enrollments they report on, [`crate::reports::apr::chosen`]).
pub fn build_releasing_only(
    dataset: &mut Dataset,
    facts: &Facts,
    keep: &[(&str, &str)],
    only: &[usize],
) -> Details {
    build_from(Release { dataset, keep }, facts, Some(only))
}

/// Where the details read the exports from, and what happens to them once read.
trait Source {
    fn exports(&self) -> &[Export];
    /// The exports in `range` have been read.
    fn done(&mut self, _range: std::ops::Range<usize>) {}
}

struct Keep<'a>(&'a Dataset);

impl Source for Keep<'_> {
    fn exports(&self) -> &[Export] {
        &self.0.exports
    }
}

struct Release<'a> {
    dataset: &'a mut Dataset,
    keep: &'a [(&'a str, &'a str)],
}

impl Source for Release<'_> {
    fn exports(&self) -> &[Export] {
        &self.dataset.exports
    }
    fn done(&mut self, range: std::ops::Range<usize>) {
        for ex in &mut self.dataset.exports[range] {
            ex.release_tables(self.keep);
        }
        // Freed column memory goes back to the system now: without this the run's peak
        // is about 0.9 GB higher at 1M persons (benches/README.md).
        crate::mem::trim();
    }
}

fn build_from(mut src: impl Source, facts: &Facts, only: Option<&[usize]>) -> Details {
    let mut by_export: Vec<Vec<(u32, u32)>> = vec![Vec::new(); src.exports().len()];
    let mut add = |g: usize| {
        if let Some(e) = facts.enrollments.get(g)
            && let Some(v) = by_export.get_mut(e.export as usize)
        {
            v.push((e.row, g as u32));
        }
    };
    match only {
        Some(only) => only.iter().for_each(|&g| add(g)),
        None => (0..facts.enrollments.len()).for_each(add),
    }
    let n = facts.enrollments.len();
    let mut d = Details {
        // Filled on every thread: at 1M persons this is some 300 MB of fresh pages.
        enrollments: (0..n)
            .into_par_iter()
            .map(|_| EnrollmentDetail::default())
            .collect(),
        projects: projects(src.exports(), facts),
        ..Default::default()
    };
    let mut incomes = Vec::new();
    let mut disabilities = Vec::new();
    let mut health = Vec::new();
    let mut contacts = Vec::new();
    let mut moving_on = Vec::new();
    let mut education = Vec::new();
    // A few exports at a time (as many as there are threads), each merged and dropped
    // before the next but one: the exports' parts never all sit in memory beside the result.
    // The merge of one batch (one thread's work) runs beside the reading of the next.
    let n_exports = src.exports().len();
    let step = rayon::current_num_threads().max(1);
    let ranges: Vec<std::ops::Range<usize>> = (0..n_exports)
        .step_by(step)
        .map(|first| first..(first + step).min(n_exports))
        .collect();
    let read = |range: &std::ops::Range<usize>, exports: &[Export]| -> Vec<Part> {
        exports[range.clone()]
            .par_iter()
            .zip(by_export[range.clone()].par_iter())
            .with_max_len(1)
            .map(|(ex, rows)| part(ex, rows))
            .collect()
    };
    let mut pending: Option<(std::ops::Range<usize>, Vec<Part>)> = None;
    for k in 0..=ranges.len() {
        let exports = src.exports();
        let mut merge = |parts: Vec<Part>| {
            for p in parts {
                for (g, r) in p.rows {
                    d.enrollments[g as usize] = r;
                }
                incomes.push(p.incomes);
                disabilities.push(p.disabilities);
                health.push(p.health);
                contacts.push(p.contacts);
                moving_on.push(p.moving_on);
                education.push(p.education);
            }
        };
        let next = ranges.get(k);
        let (_, parts) = rayon::join(
            || {
                if let Some((_, parts)) = pending.take() {
                    merge(parts);
                }
            },
            || next.map(|r| read(r, exports)),
        );
        // The batch merged above is no longer read.
        if k > 0 {
            src.done(ranges[k - 1].clone());
        }
        pending = next.cloned().zip(parts);
    }
    let ranks = &Ranks::of(facts, n_exports);
    let mut incomes_out = None;
    let mut disabilities_out = None;
    let mut health_out = None;
    let mut contacts_out = None;
    let mut moving_on_out = None;
    let mut education_out = None;
    // The six kinds of records are grouped at the same time.
    rayon::scope(|s| {
        s.spawn(|_| {
            incomes_out = Some(group_by_enrollment(ranks, incomes, |a, b| {
                (a.date, a.stage, a.income_any, a.sources)
                    .cmp(&(b.date, b.stage, b.income_any, b.sources))
                    .then(a.total.total_cmp(&b.total))
                    .then(a.earned.total_cmp(&b.earned))
                    .then(
                        (a.benefits_any, a.benefits, a.insurance_any, a.insurance).cmp(&(
                            b.benefits_any,
                            b.benefits,
                            b.insurance_any,
                            b.insurance,
                        )),
                    )
            }))
        });
        s.spawn(|_| {
            disabilities_out = Some(group_by_enrollment(
                ranks,
                disabilities,
                by_key(|r: &DisabilityRecord| (r.date, r.stage, r.kind, r.response, r.indefinite)),
            ))
        });
        s.spawn(|_| {
            health_out = Some(group_by_enrollment(
                ranks,
                health,
                by_key(|r: &HealthRecord| {
                    (
                        r.date,
                        r.stage,
                        r.survivor,
                        r.when_occurred,
                        r.currently_fleeing,
                    )
                }),
            ))
        });
        s.spawn(|_| {
            contacts_out = Some(group_by_enrollment(
                ranks,
                contacts,
                by_key(|r: &Contact| (r.date, r.situation)),
            ))
        });
        s.spawn(|_| {
            moving_on_out = Some(group_by_enrollment(
                ranks,
                moving_on,
                by_key(|r: &MovingOnRecord| (r.date, r.kind)),
            ))
        });
        s.spawn(|_| {
            education_out = Some(group_by_enrollment(
                ranks,
                education,
                by_key(|r: &EducationRecord| (r.date, r.stage, r.attend, r.most_recent, r.current)),
            ))
        });
    });
    let incomes = incomes_out.expect("grouped in the scope");
    let disabilities = disabilities_out.expect("grouped in the scope");
    let health = health_out.expect("grouped in the scope");
    let contacts = contacts_out.expect("grouped in the scope");
    let moving_on = moving_on_out.expect("grouped in the scope");
    let education = education_out.expect("grouped in the scope");
    // Enrollment g's records: those of its rank in its export's store.
    fn range<T>(kind: &[(Vec<u32>, Vec<T>)], x: usize, r: usize) -> (u32, u32) {
        (kind[x].0[r], kind[x].0[r + 1])
    }
    fn records<T>(kind: Vec<(Vec<u32>, Vec<T>)>) -> Vec<Vec<T>> {
        kind.into_iter().map(|k| k.1).collect()
    }
    d.enrollments
        .par_iter_mut()
        .zip(&facts.enrollments)
        .enumerate()
        .for_each(|(g, (e, en))| {
            let (x, r) = (en.export as usize, ranks.rank[g] as usize);
            e.store = x as u32;
            e.incomes = range(&incomes, x, r);
            e.disabilities = range(&disabilities, x, r);
            e.health = range(&health, x, r);
            e.contacts = range(&contacts, x, r);
            e.moving_on = range(&moving_on, x, r);
            e.education = range(&education, x, r);
        });
    d.incomes = records(incomes);
    d.disabilities = records(disabilities);
    d.health = records(health);
    d.contacts = records(contacts);
    d.moving_on = records(moving_on);
    d.education = records(education);
    d
}

/// The order of records by a key of theirs.
fn by_key<T, K: Ord>(key: impl Fn(&T) -> K) -> impl Fn(&T, &T) -> std::cmp::Ordering {
    move |a, b| key(a).cmp(&key(b))
}

/// Each enrollment's place among its export's enrollments (in enrollment order), and the
/// number of enrollments of each export.
struct Ranks {
    rank: Vec<u32>,
    sizes: Vec<u32>,
}

impl Ranks {
    fn of(facts: &Facts, exports: usize) -> Ranks {
        let mut sizes = vec![0u32; exports];
        let rank = facts
            .enrollments
            .iter()
            .map(|e| {
                let k = &mut sizes[e.export as usize];
                *k += 1;
                *k - 1
            })
            .collect();
        Ranks { rank, sizes }
    }
}

/// Records of one kind, given per export as (global enrollment, record), grouped by
/// enrollment within each export: per export, the start of each of its enrollments' records
/// (by [`Ranks`], one more entry than it has enrollments) and the records, each
/// enrollment's sorted by `cmp` (stably: records `cmp` finds equal stay in file order). An
/// enrollment's records all come from one export, so the exports are grouped on their own,
/// in parallel, and stay apart (no copy into one vector for the whole system).
fn group_by_enrollment<T: Copy + Send + Sync>(
    ranks: &Ranks,
    runs: Vec<Vec<(u32, T)>>,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync,
) -> Vec<(Vec<u32>, Vec<T>)> {
    runs.into_par_iter()
        .with_max_len(1)
        .enumerate()
        .map(|(e, r)| {
            // By the enrollment's rank in its export (records of one enrollment stay in file
            // order, then sorted by `cmp`).
            let size = ranks.sizes.get(e).copied().unwrap_or(0) as usize;
            let records = || r.iter().map(|&(g, v)| (ranks.rank[g as usize] as usize, v));
            grouped(size, records, &cmp)
        })
        .collect()
}

fn part(ex: &Export, rows: &[(u32, u32)]) -> Part {
    let mut p = Part {
        rows: Vec::with_capacity(rows.len()),
        incomes: Vec::new(),
        disabilities: Vec::new(),
        health: Vec::new(),
        contacts: Vec::new(),
        moving_on: Vec::new(),
        education: Vec::new(),
    };
    if rows.is_empty() {
        return p;
    }
    let t = ex.table("Enrollment");
    let c = ex.table("Client");
    let c_date_created = created_of(c, "DateCreated");
    let c_dob = date_of(c, "DOB");
    let c_dob_dq = int_of(c, "DOBDataQuality");
    let c_first_name = text_of(c, "FirstName");
    let c_gender_none = int_of(c, "GenderNone");
    let c_last_name = text_of(c, "LastName");
    let c_name_data_quality = int_of(c, "NameDataQuality");
    let c_race_none = int_of(c, "RaceNone");
    let c_ssn = text_of(c, "SSN");
    let c_ssn_dq = int_of(c, "SSNDataQuality");
    let c_veteran_status = int_of(c, "VeteranStatus");
    let t_date_created = created_of(t, "DateCreated");
    let t_date_of_engagement = date_of(t, "DateOfEngagement");
    let t_enrollment_coc = text_of(t, "EnrollmentCoC");
    let t_enrollment_id = text_of(t, "EnrollmentID");
    let t_length_of_stay = int_of(t, "LengthOfStay");
    let t_personal_id = text_of(t, "PersonalID");
    let t_preferred_language = int_of(t, "PreferredLanguage");
    let t_preferred_language_different = text_of(t, "PreferredLanguageDifferent");
    let t_sexual_orientation = int_of(t, "SexualOrientation");
    let t_translation_needed = int_of(t, "TranslationNeeded");
    let race_of: Vec<_> = super::person::RACE_COLUMNS
        .iter()
        .map(|col| int_of(c, col))
        .collect();
    let gender_of: Vec<_> = GENDER_COLUMNS.iter().map(|col| int_of(c, col)).collect();
    let mut clients: FxMap<&str, u32> = FxMap::default();
    if let Some(pids) = c.str_col("PersonalID") {
        for i in 0..c.len() {
            clients.entry(pids.get(i)).or_insert(i as u32);
        }
    }
    let mut by_id: FxMap<&str, u32> = FxMap::default();
    // In the table's row order: the Enrollment and Client columns are read one row after
    // the next rather than all over memory (the enrollments come in person order).
    let mut rows = rows.to_vec();
    rows.sort_unstable();
    for &(row, g) in &rows {
        let i = row as usize;
        if i >= t.len() {
            continue;
        }
        by_id.insert(t_enrollment_id(i), g);
        let mut d = EnrollmentDetail {
            created: t_date_created(i),
            coc: match t_enrollment_coc(i) {
                "" => CocCode::Null,
                s if valid_coc(s) => CocCode::Valid,
                _ => CocCode::Invalid,
            },
            length_of_stay: t_length_of_stay(i),
            date_of_engagement: t_date_of_engagement(i),
            destination_subsidy: NULL_INT,
            housing_assessment: NULL_INT,
            subsidy_information: NULL_INT,
            sexual_orientation: t_sexual_orientation(i),
            translation_needed: t_translation_needed(i),
            preferred_language: t_preferred_language(i),
            language_different: !t_preferred_language_different(i).trim().is_empty(),
            ..Default::default()
        };
        if let Some(&ci) = clients.get(t_personal_id(i)) {
            let ci = ci as usize;
            let first = c_first_name(ci).trim().is_empty();
            let last = c_last_name(ci).trim().is_empty();
            let race = race_of.iter().enumerate().fold(0u8, |acc, (b, col)| {
                if col(ci) == 1 { acc | (1 << b) } else { acc }
            });
            let gender = gender_of.iter().enumerate().fold(0u8, |acc, (b, col)| {
                if col(ci) == 1 { acc | (1 << b) } else { acc }
            });
            d.client = ClientRecord {
                name_dq: c_name_data_quality(ci),
                name_blank: first || last,
                ssn: ssn_shape(c_ssn(ci)),
                ssn_dq: c_ssn_dq(ci),
                dob: c_dob(ci),
                dob_dq: c_dob_dq(ci),
                created: c_date_created(ci),
                race,
                race_none: c_race_none(ci),
                gender,
                gender_none: c_gender_none(ci),
                veteran: c_veteran_status(ci),
            };
        } else {
            d.client.name_dq = NULL_INT;
            d.client.ssn_dq = NULL_INT;
            d.client.dob_dq = NULL_INT;
            d.client.race_none = NULL_INT;
            d.client.gender_none = NULL_INT;
            d.client.veteran = NULL_INT;
        }
        p.rows.push((g, d));
    }
    let mut slot: FxMap<u32, usize> = FxMap::default();
    for (k, (g, _)) in p.rows.iter().enumerate() {
        slot.insert(*g, k);
    }

    let t = ex.table("Exit");
    let t_date_created = created_of(t, "DateCreated");
    let t_destination_subsidy_type = int_of(t, "DestinationSubsidyType");
    let t_enrollment = enrollment_of(t, &by_id);
    let t_housing_assessment = int_of(t, "HousingAssessment");
    let t_subsidy_information = int_of(t, "SubsidyInformation");
    for i in 0..t.len() {
        if let Some(g) = t_enrollment(i)
            && let Some(&k) = slot.get(&g)
        {
            let d = &mut p.rows[k].1;
            d.exit_created = t_date_created(i);
            d.destination_subsidy = t_destination_subsidy_type(i);
            d.housing_assessment = t_housing_assessment(i);
            d.subsidy_information = t_subsidy_information(i);
        }
    }

    let t = ex.table("IncomeBenefits");
    let t_benefits_from_any_source = int_of(t, "BenefitsFromAnySource");
    let t_data_collection_stage = int_of(t, "DataCollectionStage");
    let t_enrollment = enrollment_of(t, &by_id);
    let t_income_from_any_source = int_of(t, "IncomeFromAnySource");
    let t_information_date = date_of(t, "InformationDate");
    let t_insurance_from_any_source = int_of(t, "InsuranceFromAnySource");
    let t_total_monthly_income = money_of(t, "TotalMonthlyIncome");
    let src: Vec<_> = INCOME_SOURCES.iter().map(|c| t.int_col(c)).collect();
    let amt: Vec<_> = INCOME_AMOUNTS.iter().map(|c| t.money_col(c)).collect();
    let ben: Vec<_> = BENEFITS.iter().map(|c| t.int_col(c)).collect();
    let ins: Vec<_> = INSURANCE.iter().map(|c| t.int_col(c)).collect();
    // The bit sets and sums column by column (each column read in order, once), then the
    // records row by row. Each row's amounts are added in the same order as before.
    let n = t.len();
    let mut total = vec![0.0f64; n];
    for c in amt.iter().flatten() {
        c.for_each(|i, a| {
            if a.is_finite() && a > 0.0 {
                total[i] += a;
            }
        });
    }
    let mask = |cols: &[Option<&crate::ingest::table::IntColumn>]| {
        let mut bits = vec![0u16; n];
        for (b, c) in cols.iter().enumerate() {
            if let Some(c) = c {
                c.for_each(|i, v| {
                    if v == 1 {
                        bits[i] |= 1 << b;
                    }
                });
            }
        }
        bits
    };
    let (sources, benefits, insurance) = (mask(&src), mask(&ben), mask(&ins));
    p.incomes.reserve(n);
    for i in 0..n {
        let Some(g) = t_enrollment(i) else {
            continue;
        };
        let Some(d) = t_information_date(i) else {
            continue;
        };
        let earned = match amt[0].map(|c| c[i]) {
            Some(a) if sources[i] & 1 != 0 && a.is_finite() && a > 0.0 => a,
            _ => 0.0,
        };
        p.incomes.push((
            g,
            IncomeRecord {
                date: d,
                stage: t_data_collection_stage(i),
                income_any: t_income_from_any_source(i),
                sources: sources[i],
                total: (total[i] * 100.0).round() / 100.0,
                earned,
                total_reported: t_total_monthly_income(i),
                benefits_any: t_benefits_from_any_source(i),
                benefits: benefits[i] as u8,
                insurance_any: t_insurance_from_any_source(i),
                insurance: insurance[i],
            },
        ));
    }

    let t = ex.table("Disabilities");
    let t_data_collection_stage = int_of(t, "DataCollectionStage");
    let t_disability_response = int_of(t, "DisabilityResponse");
    let t_disability_type = int_of(t, "DisabilityType");
    let t_enrollment = enrollment_of(t, &by_id);
    let t_indefinite_and_impairs = int_of(t, "IndefiniteAndImpairs");
    let t_information_date = date_of(t, "InformationDate");
    p.disabilities.reserve(t.len());
    for i in 0..t.len() {
        if let Some(g) = t_enrollment(i)
            && let Some(d) = t_information_date(i)
        {
            p.disabilities.push((
                g,
                DisabilityRecord {
                    date: d,
                    stage: t_data_collection_stage(i),
                    kind: t_disability_type(i),
                    response: t_disability_response(i),
                    indefinite: t_indefinite_and_impairs(i),
                },
            ));
        }
    }

    let t = ex.table("HealthAndDV");
    let t_currently_fleeing = int_of(t, "CurrentlyFleeing");
    let t_data_collection_stage = int_of(t, "DataCollectionStage");
    let t_domestic_violence_survivor = int_of(t, "DomesticViolenceSurvivor");
    let t_enrollment = enrollment_of(t, &by_id);
    let t_information_date = date_of(t, "InformationDate");
    let t_when_occurred = int_of(t, "WhenOccurred");
    for i in 0..t.len() {
        if let Some(g) = t_enrollment(i)
            && let Some(d) = t_information_date(i)
        {
            p.health.push((
                g,
                HealthRecord {
                    date: d,
                    stage: t_data_collection_stage(i),
                    survivor: t_domestic_violence_survivor(i),
                    when_occurred: t_when_occurred(i),
                    currently_fleeing: t_currently_fleeing(i),
                },
            ));
        }
    }

    let t = ex.table("CurrentLivingSituation");
    let t_current_living_situation = int_of(t, "CurrentLivingSituation");
    let t_enrollment = enrollment_of(t, &by_id);
    let t_information_date = date_of(t, "InformationDate");
    for i in 0..t.len() {
        if let Some(g) = t_enrollment(i)
            && let Some(d) = t_information_date(i)
        {
            p.contacts.push((
                g,
                Contact {
                    date: d,
                    situation: t_current_living_situation(i),
                },
            ));
        }
    }

    let t = ex.table("Services");
    let t_date_provided = date_of(t, "DateProvided");
    let t_enrollment = enrollment_of(t, &by_id);
    let t_record_type = int_of(t, "RecordType");
    let t_type_provided = int_of(t, "TypeProvided");
    for i in 0..t.len() {
        if t_record_type(i) != crate::hmis::codes::record_type::MOVING_ON {
            continue;
        }
        if let Some(g) = t_enrollment(i)
            && let Some(d) = t_date_provided(i)
        {
            p.moving_on.push((
                g,
                MovingOnRecord {
                    date: d,
                    kind: t_type_provided(i),
                },
            ));
        }
    }

    let t = ex.table("YouthEducationStatus");
    let t_current_ed_status = int_of(t, "CurrentEdStatus");
    let t_current_school_attend = int_of(t, "CurrentSchoolAttend");
    let t_data_collection_stage = int_of(t, "DataCollectionStage");
    let t_enrollment = enrollment_of(t, &by_id);
    let t_information_date = date_of(t, "InformationDate");
    let t_most_recent_ed_status = int_of(t, "MostRecentEdStatus");
    for i in 0..t.len() {
        if let Some(g) = t_enrollment(i)
            && let Some(d) = t_information_date(i)
        {
            p.education.push((
                g,
                EducationRecord {
                    date: d,
                    stage: t_data_collection_stage(i),
                    attend: t_current_school_attend(i),
                    most_recent: t_most_recent_ed_status(i),
                    current: t_current_ed_status(i),
                },
            ));
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_shapes() {
        assert_eq!(ssn_shape(""), SsnShape::Missing);
        assert_eq!(ssn_shape("123-45-6789"), SsnShape::Invalid);
        assert_eq!(ssn_shape("000000000"), SsnShape::Invalid);
        assert_eq!(ssn_shape("123456789"), SsnShape::Invalid);
        assert_eq!(ssn_shape("666123456"), SsnShape::Invalid);
        assert_eq!(ssn_shape("912345678"), SsnShape::Invalid);
        assert_eq!(ssn_shape("212001234"), SsnShape::Invalid);
        assert_eq!(ssn_shape("212345678"), SsnShape::Valid);
    }

    #[test]
    fn coc_codes() {
        assert!(valid_coc("XX-500"));
        assert!(!valid_coc("XX500"));
        assert!(!valid_coc("X1-500"));
    }
}
