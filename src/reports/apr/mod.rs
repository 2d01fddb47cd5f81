//! HUD's CoC Annual Performance Report (APR) and ESG CAPER (reports-spec/apr.md).
//!
//! The universe is computed once ([`Universe::build`]): one [`Client`] per person active in
//! the selected projects, from their latest enrollment, with everything the tables ask
//! about (age, household type, stayer/leaver, move-in, length of stay, chronic status,
//! youth, income records at start, annual assessment and exit). Each question group is a
//! file of this module whose tables are queries over those clients.

pub mod q04_q09;
pub mod q06;
pub mod q10_q15;
pub mod q16_q21;
pub mod q22_q24;
pub mod q25_q27;
pub mod sage;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use crate::facts::detail::{Details, IncomeRecord};
use crate::facts::{AgeClass, ChStatus, Day, Facts, HouseholdType, age_on};
use crate::ingest::table::{NULL_INT, date_from_days, days_from_date};

use super::{Cell, Headline, Report, Row, Table};

/// Which HUD table set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spec {
    Fy2024,
    Fy2026,
}

impl Spec {
    /// FY2026 for reports ending on or after 2025-10-01, else FY2024.
    pub fn for_end(end: NaiveDate) -> Spec {
        if end >= NaiveDate::from_ymd_opt(2025, 10, 1).unwrap_or(NaiveDate::MAX) {
            Spec::Fy2026
        } else {
            Spec::Fy2024
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Spec::Fy2024 => "FY2024",
            Spec::Fy2026 => "FY2026",
        }
    }
}

/// APR or CAPER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Apr,
    Caper,
}

/// What an APR run is about.
#[derive(Debug, Clone)]
pub struct AprParams {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Selected projects (indexes into `Facts::projects`).
    pub projects: Vec<u32>,
    pub spec: Spec,
    pub kind: Kind,
    /// Report name (file stem), e.g. `apr` or `apr-441`.
    pub name: String,
    /// Title suffix (which projects).
    pub scope: String,
}

/// One person in the report, from their latest active enrollment.
#[derive(Debug, Clone)]
pub struct Client {
    /// Index into `Facts::enrollments` (and `Details::enrollments`).
    pub e: usize,
    pub project: u32,
    /// HUD project type code (-1 unknown).
    pub ptype: i32,
    pub entry: Day,
    pub exit: Option<Day>,
    pub age: Option<u32>,
    pub class: AgeClass,
    pub hoh: bool,
    pub relationship: i32,
    /// Index into [`Universe::households`].
    pub household: usize,
    pub hh_type: HouseholdType,
    pub leaver: bool,
    /// Resolved housing move-in date (PSH, RRH).
    pub move_in: Option<Day>,
    /// Length of stay in days (bed nights for ES night-by-night).
    pub los: i64,
    pub ch: ChStatus,
    pub youth: bool,
    pub parenting_youth: bool,
    pub veteran: i32,
    /// DOB data quality of the person's record (for DK/PNTA vs not collected).
    pub dob_dq: i32,
    /// Street outreach: engaged on or before the report end (everyone else: true).
    pub engaged: bool,
    /// Annual assessment: required, and the in-window record when present.
    pub annual_required: bool,
    pub income_start: Option<IncomeRecord>,
    pub income_annual: Option<IncomeRecord>,
    pub income_exit: Option<IncomeRecord>,
}

impl Client {
    pub fn stayer(&self) -> bool {
        !self.leaver
    }
    pub fn adult(&self) -> bool {
        self.class == AgeClass::Adult
    }
    pub fn child(&self) -> bool {
        self.class == AgeClass::Child
    }
    pub fn adult_or_hoh(&self) -> bool {
        self.adult() || self.hoh
    }
    /// Household-type column index among the five standard columns (1..=4).
    pub fn hh_col(&self) -> usize {
        hh_col(self.hh_type)
    }
}

pub fn hh_col(t: HouseholdType) -> usize {
    match t {
        HouseholdType::AdultsOnly => 1,
        HouseholdType::AdultChild => 2,
        HouseholdType::ChildrenOnly => 3,
        HouseholdType::Unknown => 4,
    }
}

/// A household of the report: its members (indexes into `clients`) and head.
#[derive(Debug, Clone, Default)]
pub struct Hh {
    pub members: Vec<usize>,
    pub hoh: Option<usize>,
}

/// The clients of a report, computed once.
pub struct Universe<'a> {
    pub facts: &'a Facts,
    pub details: &'a Details,
    pub start: Day,
    pub end: Day,
    pub clients: Vec<Client>,
    pub households: Vec<Hh>,
    pub projects: Vec<u32>,
}

pub fn day(d: NaiveDate) -> Day {
    days_from_date(d)
}

/// A date plus whole years (29 Feb becomes 28 Feb).
pub fn add_years(d: Day, years: i32) -> Day {
    date_from_days(d)
        .and_then(|x| {
            x.with_year(x.year() + years)
                .or_else(|| x.with_day(28).and_then(|y| y.with_year(x.year() + years)))
        })
        .map_or(d, days_from_date)
}

/// Project types (HUD codes).
pub mod pt {
    pub const ES_EE: i32 = 0;
    pub const ES_NBN: i32 = 1;
    pub const TH: i32 = 2;
    pub const PSH: i32 = 3;
    pub const SO: i32 = 4;
    pub const SSO: i32 = 6;
    pub const OTHER: i32 = 7;
    pub const SH: i32 = 8;
    pub const PH_HO: i32 = 9;
    pub const PH_HS: i32 = 10;
    pub const DAY: i32 = 11;
    pub const HP: i32 = 12;
    pub const RRH: i32 = 13;
    pub const CE: i32 = 14;
    /// Projects with a housing move-in date in the APR (PSH, RRH).
    pub fn move_in(t: i32) -> bool {
        matches!(t, PSH | RRH)
    }
}

/// The HMIS project type code of an enrollment's project (-1 when unknown).
fn ptype(facts: &Facts, e: &crate::facts::Enrollment) -> i32 {
    facts.projects[e.project as usize]
        .project_type
        .map_or(-1, |t| t.code())
}

/// The enrollments an APR of `projects` over `start..=end` reports on: each person's
/// latest enrollment active in the selected projects in the operating year (method 2 for
/// night-by-night shelters), in enrollment order. Only these enrollments' details are read.
pub fn chosen(
    facts: &Facts,
    start: NaiveDate,
    end: NaiveDate,
    projects: &[u32],
    index: Option<&ProjectIndex>,
) -> Vec<usize> {
    let (start, end) = (day(start), day(end));
    let mut selected = vec![false; facts.projects.len()];
    for &pr in projects {
        if let Some(s) = selected.get_mut(pr as usize) {
            *s = true;
        }
    }
    // Latest active enrollment per person: enrollments are sorted by (person, entry,
    // export, EnrollmentID), so the last active one of a person wins.
    let mut chosen: Vec<usize> = Vec::new();
    let mut last_person = u32::MAX;
    let candidates: Box<dyn Iterator<Item = usize>> = match index {
        Some(ix) => Box::new(ix.of(projects).into_iter()),
        None => Box::new(0..facts.enrollments.len()),
    };
    for i in candidates {
        let e = &facts.enrollments[i];
        if !selected[e.project as usize] {
            continue;
        }
        let open = e.entry <= end && e.exit.is_none_or(|x| x >= start);
        if !open {
            continue;
        }
        if ptype(facts, e) == pt::ES_NBN {
            let s = facts.services(e);
            let k = s.partition_point(|&d| d < start);
            let night = k < s.len() && s[k] <= end;
            let exit_in = e.exit.is_some_and(|x| x >= start && x <= end);
            if !night && !exit_in {
                continue;
            }
        }
        if e.person == last_person {
            if let Some(l) = chosen.last_mut() {
                *l = i;
            }
        } else {
            chosen.push(i);
            last_person = e.person;
        }
    }
    chosen
}

impl<'a> Universe<'a> {
    pub fn build(
        facts: &'a Facts,
        details: &'a Details,
        p: &AprParams,
        index: Option<&ProjectIndex>,
    ) -> Universe<'a> {
        let (start, end) = (day(p.start), day(p.end));
        let chosen = chosen(facts, p.start, p.end, &p.projects, index);
        // Households of the report: reported enrollments sharing a HouseholdID.
        // Numbered in order of first appearance; the facts' household number indexes them.
        let mut hh_index: Vec<usize> = vec![usize::MAX; facts.households.len()];
        let mut households: Vec<Hh> = Vec::new();
        let mut client_hh = Vec::with_capacity(chosen.len());
        for (ci, &i) in chosen.iter().enumerate() {
            let h = facts.enrollments[i].household as usize;
            if h >= hh_index.len() {
                hh_index.resize(h + 1, usize::MAX);
            }
            if hh_index[h] == usize::MAX {
                hh_index[h] = households.len();
                households.push(Hh::default());
            }
            let k = hh_index[h];
            households[k].members.push(ci);
            client_hh.push(k);
        }
        // Ages and classes first (the household type needs every member's).
        let ages: Vec<Option<u32>> = chosen
            .par_iter()
            .map(|&i| {
                let e = &facts.enrollments[i];
                age_on(facts.person(e).dob, e.entry.max(start))
            })
            .collect();
        let class = |a: Option<u32>| match a {
            Some(a) if a >= 18 => AgeClass::Adult,
            Some(_) => AgeClass::Child,
            None => AgeClass::Unknown,
        };
        for h in households.iter_mut() {
            h.hoh = h
                .members
                .iter()
                .copied()
                .filter(|&c| facts.enrollments[chosen[c]].relationship == 1)
                .min_by_key(|&c| (facts.enrollments[chosen[c]].entry, c));
        }
        let hh_types: Vec<HouseholdType> = households
            .iter()
            .map(|h| {
                crate::facts::household::household_type(h.members.iter().map(|&c| class(ages[c])))
            })
            .collect();

        // Each client on its own (in parallel, collected in order).
        let client = |ci: usize, i: usize| -> Client {
            let e = &facts.enrollments[i];
            let d = &details.enrollments[i];
            let h = &households[client_hh[ci]];
            let t = ptype(facts, e);
            let hoh_e = h.hoh.map(|c| &facts.enrollments[chosen[c]]);
            let leaver = e.exit.is_some_and(|x| x <= end);
            // Move-in (apr.md §1.8).
            let valid_move_in = |m: Option<Day>, en: &crate::facts::Enrollment| {
                m.filter(|&m| m >= en.entry && en.exit.is_none_or(|x| m <= x) && m <= end)
            };
            let move_in = if pt::move_in(t) {
                valid_move_in(e.move_in, e).or_else(|| {
                    let hm = hoh_e.and_then(|he| valid_move_in(he.move_in, he))?;
                    if e.entry <= hm && e.exit.is_none_or(|x| x >= hm) {
                        Some(hm)
                    } else if e.entry > hm && e.entry <= end {
                        Some(e.entry)
                    } else {
                        None
                    }
                })
            } else {
                None
            };
            let los = if t == pt::ES_NBN {
                let s = facts.services(e);
                let last = e.exit.map_or(end, |x| x.min(end + 1) - 1).min(end);
                s.iter().filter(|&&d| d >= e.entry && d <= last).count() as i64
            } else {
                (e.exit.map_or(end + 1, |x| x.min(end + 1)) - e.entry).max(0) as i64
            };
            let members = || h.members.iter().map(|&c| ages[c]);
            let youth_hh = members().all(|a| a.is_none_or(|a| a <= 24));
            let youth = ages[ci].is_some_and(|a| (12..=24).contains(&a)) && youth_hh;
            let has_child_of = h.members.iter().any(|&c| {
                facts.enrollments[chosen[c]].relationship == 2 && ages[c].is_some_and(|a| a <= 24)
            });
            let parenting_youth = youth
                && has_child_of
                && (e.relationship == 1
                    || (e.relationship == 3 && ages[ci].is_some_and(|a| a >= 18)));
            let engaged = t != pt::SO || d.date_of_engagement.is_some_and(|g| g <= end);
            // Income records.
            let incomes = details.incomes(i);
            let pick = |stage: i32, on: Option<Day>| -> Option<IncomeRecord> {
                let of_stage = incomes.iter().filter(|r| r.stage == stage);
                on.and_then(|o| of_stage.clone().rfind(|r| r.date == o))
                    .or_else(|| of_stage.clone().next_back())
                    .copied()
            };
            let income_start = pick(1, Some(e.entry));
            let income_exit = if leaver { pick(3, e.exit) } else { None };
            let hoh_entry = hoh_e.map_or(e.entry, |he| he.entry);
            let (annual_required, income_annual) = if leaver {
                (false, None)
            } else {
                annual(hoh_entry, e.entry, end, incomes)
            };
            Client {
                e: i,
                project: e.project,
                ptype: t,
                entry: e.entry,
                exit: e.exit,
                age: ages[ci],
                class: class(ages[ci]),
                hoh: e.relationship == 1,
                relationship: e.relationship,
                household: client_hh[ci],
                hh_type: hh_types[client_hh[ci]],
                leaver,
                move_in,
                los,
                ch: e.ch_at_start,
                youth,
                parenting_youth,
                veteran: facts.person(e).veteran,
                dob_dq: d.client.dob_dq,
                engaged,
                annual_required,
                income_start,
                income_annual,
                income_exit,
            }
        };
        let clients: Vec<Client> = chosen
            .par_iter()
            .enumerate()
            .map(|(ci, &i)| client(ci, i))
            .collect();
        Universe {
            facts,
            details,
            start,
            end,
            clients,
            households,
            projects: p.projects.clone(),
        }
    }

    pub fn enrollment(&self, c: &Client) -> &crate::facts::Enrollment {
        &self.facts.enrollments[c.e]
    }
    pub fn detail(&self, c: &Client) -> &crate::facts::detail::EnrollmentDetail {
        &self.details.enrollments[c.e]
    }
    pub fn hoh_of(&self, c: &Client) -> Option<&Client> {
        self.households[c.household].hoh.map(|h| &self.clients[h])
    }
    /// The head of household's length of stay (the client's own when there is no head).
    pub fn hoh_los(&self, c: &Client) -> i64 {
        self.hoh_of(c).map_or(c.los, |h| h.los)
    }
}

/// Annual assessment (apr.md §1.9): whether one is required, and the in-window record.
fn annual(
    hoh_entry: Day,
    entry: Day,
    end: Day,
    incomes: &[IncomeRecord],
) -> (bool, Option<IncomeRecord>) {
    let years = age_on(Some(hoh_entry), end).unwrap_or(0) as i32;
    if years == 0 {
        return (false, None);
    }
    let anniversary = add_years(hoh_entry, years);
    if entry > anniversary {
        return (false, None);
    }
    let rec = incomes
        .iter()
        .rfind(|r| r.stage == 5 && (r.date - anniversary).abs() <= 30 && r.date <= end)
        .copied();
    (true, rec)
}

/// Counts per standard household-type column: [Total, AO, AC, CO, UK].
/// A row of a table: its label and which clients it counts.
pub type HhRow<'a> = (&'a str, &'a dyn Fn(&Client) -> bool);

pub fn hh_counts<'c>(clients: impl Iterator<Item = &'c Client>) -> [u64; 5] {
    let mut v = [0u64; 5];
    for c in clients {
        v[0] += 1;
        v[c.hh_col()] += 1;
    }
    v
}

pub const HH_COLUMNS: [&str; 5] = [
    "Total",
    "Without Children",
    "With Children and Adults",
    "With Only Children",
    "Unknown Household Type",
];
pub const DK: &str = "Client Doesn\u{2019}t Know/Prefers Not to Answer";
pub const DNC: &str = "Data Not Collected";

pub fn counts(v: &[u64]) -> Vec<Cell> {
    v.iter().map(|&n| Cell::Count(n)).collect()
}

/// A table with the five household-type columns from (label, predicate) rows.
pub fn hh_table(id: &str, title: &str, corner: &str, clients: &[Client], rows: &[HhRow]) -> Table {
    let mut t = Table::new(id, title, corner, &HH_COLUMNS);
    for (label, pred) in rows {
        let v = hh_counts(clients.iter().filter(|c| pred(c)));
        t.rows.push(Row::new(*label, counts(&v)));
    }
    t
}

/// Ratio as a Sage percentage cell (0 when the denominator is 0).
pub fn ratio(n: u64, d: u64) -> Cell {
    Cell::Percent(if d == 0 { 0.0 } else { n as f64 / d as f64 })
}

pub fn money(x: f64) -> Cell {
    Cell::Number(x, 2)
}

pub fn avg(v: &[i64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<i64>() as f64 / v.len() as f64
    }
}

pub fn median(v: &mut [i64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

pub fn is_dk(code: i32) -> bool {
    matches!(code, 8 | 9)
}
pub fn is_dnc(code: i32) -> bool {
    code == 99 || code == NULL_INT
}

/// Sets a cell empty (a grey cell of HUD's shell).
pub fn grey(t: &mut Table, row: usize, col: usize) {
    if let Some(c) = t.rows.get_mut(row).and_then(|r| r.cells.get_mut(col)) {
        *c = Cell::Empty;
    }
}

/// The enrollments of each project (indexes into `Facts::enrollments`, ascending), so that
/// the APRs of many single projects each read their own enrollments instead of all of them.
pub struct ProjectIndex(Vec<Vec<u32>>);

impl ProjectIndex {
    pub fn new(facts: &Facts) -> ProjectIndex {
        let mut v: Vec<Vec<u32>> = vec![Vec::new(); facts.projects.len()];
        for (i, e) in facts.enrollments.iter().enumerate() {
            if let Some(l) = v.get_mut(e.project as usize) {
                l.push(i as u32);
            }
        }
        ProjectIndex(v)
    }

    /// The enrollments of the given projects, ascending (so still in person order).
    fn of(&self, projects: &[u32]) -> Vec<usize> {
        let mut out: Vec<usize> = projects
            .iter()
            .filter_map(|&p| self.0.get(p as usize))
            .flat_map(|l| l.iter().map(|&i| i as usize))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Builds the APR (or CAPER) for the selected projects.
pub fn report(facts: &Facts, details: &Details, p: &AprParams) -> Report {
    report_indexed(facts, details, p, None)
}

/// As [`report`], reading only the selected projects' enrollments from `index` when given.
pub fn report_indexed(
    facts: &Facts,
    details: &Details,
    p: &AprParams,
    index: Option<&ProjectIndex>,
) -> Report {
    let u = Universe::build(facts, details, p, index);
    let fy24 = p.spec == Spec::Fy2024;
    // The question groups are independent queries over the universe: computed in parallel,
    // kept in question order.
    type Group<'g> = Box<dyn Fn() -> Vec<Table> + Send + Sync + 'g>;
    let u = &u;
    let groups: Vec<Group> = vec![
        Box::new(|| vec![q04_q09::q4a(u, p), q04_q09::q5a(u)]),
        Box::new(|| q06::tables(u, fy24)),
        Box::new(|| q04_q09::tables(u)),
        Box::new(|| q10_q15::tables(u, fy24, p.kind)),
        Box::new(|| q16_q21::tables(u, p.kind)),
        Box::new(|| q22_q24::tables(u, fy24, p.kind)),
        Box::new(|| q25_q27::tables(u, fy24, p.kind)),
    ];
    let mut tables: Vec<Table> = groups
        .par_iter()
        .with_max_len(1)
        .map(|g| g())
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    if p.kind == Kind::Caper {
        let keep = caper_tables(fy24);
        tables.retain(|t| keep.contains(&t.id.as_str()));
    }
    let label = match p.kind {
        Kind::Apr => "CoC Annual Performance Report (APR)",
        Kind::Caper => "ESG CAPER",
    };
    // Each report's own key (apr, caper, apr-project-<id>), so per-project reports of a
    // run do not overwrite each other's headlines.
    let key = &p.name;
    let q5 = tables.iter().find(|t| t.id == "Q5a");
    let persons = q5
        .and_then(|t| t.rows.first())
        .and_then(|r| r.cells.get(1))
        .cloned()
        .unwrap_or(Cell::Count(0));
    let households = tables
        .iter()
        .find(|t| t.id == "Q8a")
        .and_then(|t| t.rows.first())
        .and_then(|r| r.cells.first())
        .cloned()
        .unwrap_or(Cell::Count(0));
    Report {
        name: p.name.clone(),
        path: None,
        title: format!("{label}{}", p.scope),
        about: vec![
            ("Specification".into(), format!("HUD {} {}", p.spec.name(), label)),
            ("Operating year".into(), format!("{} to {}", p.start, p.end)),
            (
                "Projects".into(),
                p.projects
                    .iter()
                    .map(|&i| {
                        let pr = &facts.projects[i as usize];
                        format!("{} ({})", pr.name, pr.id)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            (
                "Universe".into(),
                "persons active in the projects in the operating year, each reported once from their latest enrollment (apr.md §1)".into(),
            ),
            (
                "Sage upload".into(),
                sage_note(&p.name),
            ),
        ],
        headlines: vec![
            Headline {
                key: format!("{key}.persons"),
                label: format!("{}: persons served", kind_label(p.kind)),
                value: persons,
            },
            Headline {
                key: format!("{key}.households"),
                label: format!("{}: households served", kind_label(p.kind)),
                value: households,
            },
        ],
        tables,
        charts: Vec::new(),
    }
}

/// Writes the report's files under `path` (relative to the output folder, e.g.
/// `apr-projects/441`) instead of its name, and says so on its About sheet.
pub fn set_path(r: &mut Report, path: String) {
    for (k, v) in r.about.iter_mut() {
        if k == "Sage upload" {
            *v = sage_note(&path);
        }
    }
    r.path = Some(path);
}

fn sage_note(stem: &str) -> String {
    let file = stem.rsplit('/').next().unwrap_or(stem);
    format!("{file}/Q*.csv, zipped in {file}-sage.zip")
}

/// The ESG CAPER's tables (apr.md §11).
pub fn caper_tables(fy24: bool) -> Vec<&'static str> {
    let mut v = vec![
        "Q4a", "Q5a", "Q6a", "Q6b", "Q6c", "Q6d", "Q6e", "Q6f", "Q7a", "Q7b", "Q8a", "Q8b", "Q9a",
        "Q9b", "Q11", "Q12", "Q13a1", "Q13b1", "Q13c1", "Q14a", "Q14b", "Q15", "Q16", "Q17",
        "Q19b", "Q20a", "Q21", "Q22a2", "Q22c", "Q22d", "Q22e", "Q22f", "Q22g", "Q23c", "Q23d",
        "Q23e", "Q24a", "Q25a", "Q26b",
    ];
    if fy24 {
        v.extend(["Q10a", "Q10d", "Q24d"]);
    } else {
        v.push("Q24e");
    }
    v
}

/// "APR" or "CAPER", for labels.
fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Apr => "APR",
        Kind::Caper => "CAPER",
    }
}
