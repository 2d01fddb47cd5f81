//! Sheltered Point-in-Time count (reports-spec/pit.md): who stayed in an emergency shelter,
//! transitional housing or a safe haven on the PIT night, each person once, in HDX's tables.
//!
//! Written as plain Rust over the facts rather than as dataframe queries: the night's rules
//! are row logic (a bed night on the date, one enrollment per person by shelter priority,
//! household composition from the members present that night, the chronic-homelessness
//! household rule), and the population of one night is small.

use std::collections::BTreeMap;

use crate::facts::household::{AgeClass, HouseholdType, household_type, resolve_unknown_ages};
use crate::facts::{ChStatus, Day, Facts, RaceEthnicity, age_on};
use crate::hmis::codes::{ProjectType, disability, relationship, sex, yes_no};
use crate::ingest::table::days_from_date;

use super::{Cell, Chart, ChartKind, Headline, Params, Report, Row, Table, chart};

/// The PIT's shelter columns, in HDX order and in the priority that unduplicates persons
/// with several stays that night (ES > SH > TH).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shelter {
    Emergency,
    Transitional,
    SafeHaven,
}

impl Shelter {
    pub fn label(self) -> &'static str {
        match self {
            Shelter::Emergency => "Emergency",
            Shelter::Transitional => "Transitional",
            Shelter::SafeHaven => "Safe Haven",
        }
    }

    fn of(t: ProjectType) -> Option<Shelter> {
        match t {
            ProjectType::EsEntryExit | ProjectType::EsNbn => Some(Shelter::Emergency),
            ProjectType::Th => Some(Shelter::Transitional),
            ProjectType::Sh => Some(Shelter::SafeHaven),
            _ => None,
        }
    }

    /// Lower is preferred when a person stayed in several places that night.
    fn priority(self) -> u8 {
        match self {
            Shelter::Emergency => 0,
            Shelter::SafeHaven => 1,
            Shelter::Transitional => 2,
        }
    }
}

const ALL_COLUMNS: [Shelter; 3] = [
    Shelter::Emergency,
    Shelter::Transitional,
    Shelter::SafeHaven,
];
/// Tables of households with children have no Safe Haven column (safe havens serve adults).
const FAMILY_COLUMNS: [Shelter; 2] = [Shelter::Emergency, Shelter::Transitional];

/// One person counted on the night.
#[derive(Debug, Clone)]
pub struct PitPerson {
    /// The enrollment that placed the person (index into `Facts::enrollments`).
    pub enrollment: u32,
    pub shelter: Shelter,
    pub age: Option<u32>,
    /// Adult or child, unknown ages resolved (see `resolve_unknown_ages`).
    pub class: AgeClass,
    pub relationship: i32,
    pub sex: i32,
    pub race: RaceEthnicity,
    pub veteran: bool,
    /// Member of a chronically homeless household.
    pub ch: bool,
    pub smi: bool,
    pub sud: bool,
    pub hiv: bool,
    pub dv_fleeing: bool,
}

/// One household present on the night.
#[derive(Debug, Clone)]
pub struct PitHousehold {
    pub shelter: Shelter,
    pub members: Vec<usize>,
    pub household_type: HouseholdType,
    pub veteran: bool,
    pub youth: bool,
    pub ch: bool,
    /// Parenting youth household: the parents (HoH/partner aged 12-24) and children
    /// (RelationshipToHoH 2, under 18), with the oldest parent's age.
    pub parenting: Option<Parenting>,
}

#[derive(Debug, Clone)]
pub struct Parenting {
    pub parents: Vec<usize>,
    pub children: Vec<usize>,
    pub oldest_parent_age: u32,
}

/// The night's population, before tabulation.
#[derive(Debug, Clone, Default)]
pub struct Night {
    pub persons: Vec<PitPerson>,
    pub households: Vec<PitHousehold>,
    /// Persons left out because a permanent housing project housed them that night.
    pub housed_excluded: usize,
    /// Persons with more than one qualifying stay that night (counted once).
    pub multiple_stays: usize,
    /// Persons whose age on the night is not known (resolved for the tables).
    pub unknown_age: usize,
}

/// Who is in the count on the night, with household facts.
pub fn night(facts: &Facts, night: Day) -> Night {
    let mut out = Night::default();
    // 1. One qualifying stay per person.
    let mut chosen: Vec<(u32, Shelter)> = Vec::new();
    for p in 0..facts.persons.len() {
        let mut best: Option<(u32, Shelter)> = None;
        let mut stays = 0;
        let mut housed = false;
        for i in facts.enrollments_of(p as u32) {
            let e = &facts.enrollments[i];
            let proj = &facts.projects[e.project as usize];
            if facts.housed_on(e, night) {
                housed = true;
            }
            let Some(shelter) = proj.project_type.and_then(Shelter::of) else {
                continue;
            };
            if !proj.continuum || !facts.stayed_on(e, night) {
                continue;
            }
            stays += 1;
            // Priority ES > SH > TH; then the most recent entry; then the first in order.
            let better = match best {
                None => true,
                Some((b, bs)) => {
                    let be = &facts.enrollments[b as usize];
                    (shelter.priority(), std::cmp::Reverse(e.entry))
                        < (bs.priority(), std::cmp::Reverse(be.entry))
                }
            };
            if better {
                best = Some((i as u32, shelter));
            }
        }
        if let Some(b) = best {
            if housed {
                out.housed_excluded += 1;
                continue;
            }
            if stays > 1 {
                out.multiple_stays += 1;
            }
            chosen.push(b);
        }
    }

    // 2. Households present: the chosen stays grouped by household and shelter type.
    let mut groups: BTreeMap<(u32, Shelter), Vec<u32>> = BTreeMap::new();
    for &(i, s) in &chosen {
        groups
            .entry((facts.enrollments[i as usize].household, s))
            .or_default()
            .push(i);
    }
    for ((_, shelter), members) in groups {
        let en = |i: u32| &facts.enrollments[i as usize];
        let ages: Vec<Option<u32>> = members
            .iter()
            .map(|&i| age_on(facts.person(en(i)).dob, night))
            .collect();
        let classes: Vec<(AgeClass, i32)> = members
            .iter()
            .zip(&ages)
            .map(|(&i, a)| {
                let c = match a {
                    Some(a) if *a >= 18 => AgeClass::Adult,
                    Some(_) => AgeClass::Child,
                    None => AgeClass::Unknown,
                };
                (c, en(i).relationship)
            })
            .collect();
        out.unknown_age += ages.iter().filter(|a| a.is_none()).count();
        let resolved = resolve_unknown_ages(&classes);
        let htype = household_type(resolved.iter().copied());

        // Chronic: the head of household, or an adult who entered with the head, is
        // chronically homeless on the night (with no head present: any adult).
        let hoh = members
            .iter()
            .copied()
            .filter(|&i| en(i).relationship == relationship::SELF_HOH)
            .min_by_key(|&i| (en(i).entry, i));
        let ch = members.iter().zip(&resolved).any(|(&i, c)| {
            let qualifies = match hoh {
                Some(h) => i == h || (*c == AgeClass::Adult && en(i).entry == en(h).entry),
                None => *c == AgeClass::Adult,
            };
            qualifies && facts.ch_at(en(i), night) == ChStatus::Yes
        });

        let first = out.persons.len();
        for (k, &i) in members.iter().enumerate() {
            let e = en(i);
            let pf = facts.person(e);
            let latest = |kind: i32| {
                facts
                    .conditions(e)
                    .iter()
                    .rfind(|c| c.kind == kind && c.date <= night)
                    .map(|c| c.response)
            };
            let adult = resolved[k] == AgeClass::Adult;
            let dv = facts
                .dv_records(e)
                .iter()
                .rfind(|r| r.date <= night)
                .is_some_and(|r| r.survivor == yes_no::YES && r.currently_fleeing == yes_no::YES);
            out.persons.push(PitPerson {
                enrollment: i,
                shelter,
                age: ages[k],
                class: resolved[k],
                relationship: e.relationship,
                sex: pf.sex,
                race: RaceEthnicity::of(pf),
                veteran: adult && pf.veteran == yes_no::YES,
                ch,
                smi: adult && latest(disability::MENTAL_HEALTH) == Some(yes_no::YES),
                sud: adult && matches!(latest(disability::SUBSTANCE_USE), Some(1..=3)),
                hiv: adult && latest(disability::HIV_AIDS) == Some(yes_no::YES),
                dv_fleeing: adult && dv,
            });
        }
        let idx: Vec<usize> = (first..out.persons.len()).collect();
        let ps = &out.persons;
        let youth = idx.iter().all(|&m| ps[m].age.is_some_and(|a| a < 25));
        let parenting = if youth {
            let parents: Vec<usize> = idx
                .iter()
                .copied()
                .filter(|&m| {
                    matches!(
                        ps[m].relationship,
                        relationship::SELF_HOH | relationship::SPOUSE_PARTNER
                    ) && ps[m].age.is_some_and(|a| (12..=24).contains(&a))
                })
                .collect();
            let children: Vec<usize> = idx
                .iter()
                .copied()
                .filter(|&m| {
                    ps[m].relationship == relationship::CHILD && ps[m].age.is_some_and(|a| a < 18)
                })
                .collect();
            let oldest = parents.iter().filter_map(|&m| ps[m].age).max();
            match oldest {
                Some(oldest_parent_age) if !children.is_empty() => Some(Parenting {
                    parents,
                    children,
                    oldest_parent_age,
                }),
                _ => None,
            }
        } else {
            None
        };
        let veteran = idx.iter().any(|&m| ps[m].veteran);
        out.households.push(PitHousehold {
            shelter,
            members: idx,
            household_type: htype,
            veteran,
            youth,
            ch,
            parenting,
        });
    }
    out
}

/// Counts per shelter column plus a Total column.
fn by_shelter(cols: &[Shelter], items: impl IntoIterator<Item = Shelter>) -> Vec<Cell> {
    let mut n = vec![0u64; cols.len()];
    for s in items {
        if let Some(k) = cols.iter().position(|c| *c == s) {
            n[k] += 1;
        }
    }
    let total = n.iter().sum();
    n.into_iter()
        .map(Cell::Count)
        .chain(std::iter::once(Cell::Count(total)))
        .collect()
}

const AGE_ROWS: [(&str, u32, u32); 7] = [
    ("Number of Persons (under age 18)", 0, 17),
    ("Number of Persons (18 - 24)", 18, 24),
    ("Number of Persons (25 - 34)", 25, 34),
    ("Number of Persons (35 - 44)", 35, 44),
    ("Number of Persons (45 - 54)", 45, 54),
    ("Number of Persons (55 - 64)", 55, 64),
    ("Number of Persons (65 and older)", 65, u32::MAX),
];
const AGE_UNKNOWN: &str = "Number of Persons (age not recorded: resolve before HDX entry)";
const SEX_ROWS: [(&str, Option<i32>); 3] = [
    ("Female", Some(sex::FEMALE)),
    ("Male", Some(sex::MALE)),
    (
        "Sex not recorded (doesn't know, prefers not to answer, not collected)",
        None,
    ),
];
const PERSONS_AC: &str = "Persons in households with at least one adult and one child";
const PERSONS_AO: &str = "Persons in households without children";
const PERSONS_CO: &str = "Persons in households with only children";
const RACE_UNKNOWN: &str = "Race and ethnicity not recorded (resolve before HDX entry)";

/// Builds one HDX table from its households.
struct Builder<'a> {
    night: &'a Night,
    cols: &'a [Shelter],
    table: Table,
}

impl<'a> Builder<'a> {
    fn new(night: &'a Night, id: &str, title: &str, cols: &'a [Shelter]) -> Builder<'a> {
        let mut labels: Vec<&str> = cols.iter().map(|c| c.label()).collect();
        labels.push("Total");
        Builder {
            night,
            cols,
            table: Table::new(id, title, "", &labels),
        }
    }

    fn row(&mut self, label: &str, items: impl IntoIterator<Item = Shelter>) {
        let cells = by_shelter(self.cols, items);
        self.table.rows.push(Row::new(label, cells));
    }

    fn total(&mut self, label: &str, items: impl IntoIterator<Item = Shelter>) {
        let cells = by_shelter(self.cols, items);
        self.table.rows.push(Row::total(label, cells));
    }

    fn persons<'b>(&self, hh: &'b [&'b PitHousehold]) -> Vec<&'a PitPerson> {
        hh.iter()
            .flat_map(|h| h.members.iter().map(|&m| &self.night.persons[m]))
            .collect()
    }

    fn ages(&mut self, ps: &[&PitPerson], bands: &[(&str, u32, u32)]) {
        for &(label, lo, hi) in bands {
            let items: Vec<Shelter> = ps
                .iter()
                .filter(|p| p.age.is_some_and(|a| a >= lo && a <= hi))
                .map(|p| p.shelter)
                .collect();
            self.row(label, items);
        }
        let items: Vec<Shelter> = ps
            .iter()
            .filter(|p| p.age.is_none())
            .map(|p| p.shelter)
            .collect();
        self.row(AGE_UNKNOWN, items);
    }

    fn demographics(&mut self, ps: &[&PitPerson]) {
        for (label, code) in SEX_ROWS {
            let items: Vec<Shelter> = ps
                .iter()
                .filter(|p| match code {
                    Some(c) => p.sex == c,
                    None => p.sex != sex::FEMALE && p.sex != sex::MALE,
                })
                .map(|p| p.shelter)
                .collect();
            self.row(label, items);
        }
        for r in &RaceEthnicity::ALL[..15] {
            let items: Vec<Shelter> = ps
                .iter()
                .filter(|p| p.race == *r)
                .map(|p| p.shelter)
                .collect();
            self.row(r.label(), items);
        }
        let items: Vec<Shelter> = ps
            .iter()
            .filter(|p| matches!(p.race, RaceEthnicity::DkPnta | RaceEthnicity::NotCollected))
            .map(|p| p.shelter)
            .collect();
        self.row(RACE_UNKNOWN, items);
    }

    fn ch_households(&mut self, hh: &[&PitHousehold]) {
        let items: Vec<Shelter> = hh.iter().filter(|h| h.ch).map(|h| h.shelter).collect();
        self.row("Chronically Homeless: Total number of households", items);
    }

    fn ch_persons(&mut self, hh: &[&PitHousehold]) {
        let items: Vec<Shelter> = self
            .persons(hh)
            .iter()
            .filter(|p| p.ch)
            .map(|p| p.shelter)
            .collect();
        self.row("Chronically Homeless: Total number of persons", items);
    }

    fn counts(&mut self, hh: &[&PitHousehold]) {
        self.total(
            "Total Number of Households",
            hh.iter().map(|h| h.shelter).collect::<Vec<_>>(),
        );
        let ps = self.persons(hh);
        self.total(
            "Total Number of Persons",
            ps.iter().map(|p| p.shelter).collect::<Vec<_>>(),
        );
    }

    /// Notes households of this table left out because the table has no column for them.
    fn note_dropped(&mut self, hh: &[&PitHousehold]) {
        let dropped = hh
            .iter()
            .filter(|h| !self.cols.contains(&h.shelter))
            .count();
        if dropped > 0 {
            self.table.notes.push(format!(
                "{dropped} household(s) of this type stayed in a safe haven, which HDX's table has no column for; they are counted in the All Households table."
            ));
        }
    }
}

/// The Sheltered PIT report.
pub fn report(facts: &Facts, params: &Params) -> Report {
    let d = days_from_date(params.pit_date);
    let n = night(facts, d);
    let all: Vec<&PitHousehold> = n.households.iter().collect();
    let of_type = |t: HouseholdType| -> Vec<&PitHousehold> {
        n.households
            .iter()
            .filter(|h| h.household_type == t)
            .collect()
    };
    let ac = of_type(HouseholdType::AdultChild);
    let co = of_type(HouseholdType::ChildrenOnly);
    let ao = of_type(HouseholdType::AdultsOnly);
    let vet_ac: Vec<&PitHousehold> = ac.iter().copied().filter(|h| h.veteran).collect();
    let vet_ao: Vec<&PitHousehold> = ao.iter().copied().filter(|h| h.veteran).collect();
    let uy: Vec<&PitHousehold> = all
        .iter()
        .copied()
        .filter(|h| h.youth && h.parenting.is_none())
        .collect();
    let py: Vec<&PitHousehold> = all
        .iter()
        .copied()
        .filter(|h| h.parenting.is_some())
        .collect();

    let mut tables = Vec::new();

    // Summary: persons by household type and shelter.
    let mut b = Builder::new(
        &n,
        "summary",
        "Sheltered persons by household type",
        &ALL_COLUMNS,
    );
    for (label, hh) in [(PERSONS_AC, &ac), (PERSONS_AO, &ao), (PERSONS_CO, &co)] {
        let ps = b.persons(hh);
        b.row(label, ps.iter().map(|p| p.shelter).collect::<Vec<_>>());
    }
    b.total(
        "Total Number of Persons",
        n.persons.iter().map(|p| p.shelter).collect::<Vec<_>>(),
    );
    b.total(
        "Total Number of Households",
        n.households.iter().map(|h| h.shelter).collect::<Vec<_>>(),
    );
    tables.push(b.table);

    // All households.
    let mut b = Builder::new(&n, "all_households", "All Households", &ALL_COLUMNS);
    b.counts(&all);
    let ps = b.persons(&all);
    b.ages(&ps, &AGE_ROWS);
    b.demographics(&ps);
    b.ch_households(&all);
    b.ch_persons(&all);
    tables.push(b.table);

    // Households with at least one adult and one child.
    let mut b = Builder::new(
        &n,
        "with_children",
        "Persons in Households with at least one Adult and one Child",
        &FAMILY_COLUMNS,
    );
    b.counts(&ac);
    let ps = b.persons(&ac);
    b.ages(&ps, &AGE_ROWS);
    b.demographics(&ps);
    b.ch_households(&ac);
    b.ch_persons(&ac);
    b.note_dropped(&ac);
    tables.push(b.table);

    // Households with only children.
    let mut b = Builder::new(
        &n,
        "only_children",
        "Persons in households with only Children",
        &ALL_COLUMNS,
    );
    b.counts(&co);
    let ps = b.persons(&co);
    b.demographics(&ps);
    b.ch_persons(&co);
    tables.push(b.table);

    // Households without children.
    let mut b = Builder::new(
        &n,
        "without_children",
        "Persons in Households without Children",
        &ALL_COLUMNS,
    );
    b.counts(&ao);
    let ps = b.persons(&ao);
    b.ages(&ps, &AGE_ROWS[1..]);
    b.demographics(&ps);
    b.ch_persons(&ao);
    tables.push(b.table);

    // Veteran households.
    for (id, title, hh, cols, family) in [
        (
            "veteran_with_children",
            "Veteran Households with at least one Adult and one Child",
            &vet_ac,
            &FAMILY_COLUMNS[..],
            true,
        ),
        (
            "veteran_without_children",
            "Veteran Households without Children",
            &vet_ao,
            &ALL_COLUMNS[..],
            false,
        ),
    ] {
        let mut b = Builder::new(&n, id, title, cols);
        b.counts(hh);
        let vets: Vec<&PitPerson> = b.persons(hh).into_iter().filter(|p| p.veteran).collect();
        b.total(
            "Total Number of Veterans",
            vets.iter().map(|p| p.shelter).collect::<Vec<_>>(),
        );
        b.demographics(&vets);
        if family {
            b.ch_households(hh);
            b.note_dropped(hh);
        }
        b.ch_persons(hh);
        b.table
            .notes
            .push("Sex and race rows count veterans only.".to_string());
        tables.push(b.table);
    }

    // Unaccompanied youth.
    let mut b = Builder::new(
        &n,
        "unaccompanied_youth",
        "Unaccompanied Youth Households",
        &ALL_COLUMNS,
    );
    b.counts(&uy);
    let ps = b.persons(&uy);
    b.ages(&ps, &AGE_ROWS[..2]);
    b.demographics(&ps);
    b.ch_persons(&uy);
    tables.push(b.table);

    // Parenting youth.
    let mut b = Builder::new(
        &n,
        "parenting_youth",
        "Parenting Youth Households",
        &FAMILY_COLUMNS,
    );
    b.counts(&py);
    let parents: Vec<&PitPerson> = py
        .iter()
        .flat_map(|h| {
            h.parenting
                .iter()
                .flat_map(|p| p.parents.iter().map(|&m| &n.persons[m]))
        })
        .collect();
    let children_of = |pred: &dyn Fn(u32) -> bool| -> Vec<Shelter> {
        py.iter()
            .filter_map(|h| h.parenting.as_ref().map(|p| (h.shelter, p)))
            .filter(|(_, p)| pred(p.oldest_parent_age))
            .flat_map(|(s, p)| p.children.iter().map(move |_| s))
            .collect()
    };
    b.total(
        "Number of parenting youth (youth parents only)",
        parents.iter().map(|p| p.shelter).collect::<Vec<_>>(),
    );
    b.row(
        "Total Children in Parenting Youth Households",
        children_of(&|_| true),
    );
    b.row(
        "Number of parenting youth (under age 18)",
        parents
            .iter()
            .filter(|p| p.age.is_some_and(|a| a < 18))
            .map(|p| p.shelter)
            .collect::<Vec<_>>(),
    );
    b.row(
        "Children in households with parenting youth under age 18 (children under age 18 with parents under 18)",
        children_of(&|a| a < 18),
    );
    b.row(
        "Number of parenting youth (age 18 to 24)",
        parents
            .iter()
            .filter(|p| p.age.is_some_and(|a| (18..=24).contains(&a)))
            .map(|p| p.shelter)
            .collect::<Vec<_>>(),
    );
    b.row(
        "Children in households with parenting youth age 18 to 24 (children under age 18 with parents age 18 to 24)",
        children_of(&|a| (18..=24).contains(&a)),
    );
    b.demographics(&parents);
    b.ch_households(&py);
    b.ch_persons(&py);
    b.note_dropped(&py);
    b.table
        .notes
        .push("Sex and race rows count parents only.".to_string());
    tables.push(b.table);

    // Additional homeless populations (adults).
    let mut b = Builder::new(
        &n,
        "additional_populations",
        "Additional Homeless Populations",
        &ALL_COLUMNS,
    );
    let adults: Vec<&PitPerson> = n
        .persons
        .iter()
        .filter(|p| p.class == AgeClass::Adult)
        .collect();
    for (label, f) in [
        (
            "Adults with a Serious Mental Illness",
            (|p: &PitPerson| p.smi) as fn(&PitPerson) -> bool,
        ),
        ("Adults with a Substance Use Disorder", |p| p.sud),
        ("Adults with HIV/AIDS", |p| p.hiv),
        ("Adult Survivors of Domestic Violence (optional)", |p| {
            p.dv_fleeing
        }),
    ] {
        b.row(
            label,
            adults
                .iter()
                .filter(|p| f(p))
                .map(|p| p.shelter)
                .collect::<Vec<_>>(),
        );
    }
    tables.push(b.table);

    for t in &mut tables {
        if n.unknown_age > 0 && t.id != "additional_populations" {
            t.notes.push(format!(
                "{} person(s) have no usable birth date; for household types they are presumed adults unless recorded as the head of household's child in a household with an adult.",
                n.unknown_age
            ));
        }
    }

    let summary = &tables[0];
    let charts: Vec<Chart> = vec![
        chart(
            summary,
            "Sheltered persons by shelter type and household type",
            ChartKind::StackedColumn,
            &[PERSONS_AC, PERSONS_AO, PERSONS_CO],
            &["Emergency", "Transitional", "Safe Haven"],
        ),
        chart(
            &tables[1],
            "Sheltered persons by age",
            ChartKind::Bar,
            &AGE_ROWS.iter().map(|r| r.0).collect::<Vec<_>>(),
            &["Total"],
        ),
    ];

    let total = |s: Option<Shelter>| -> u64 {
        n.persons
            .iter()
            .filter(|p| s.is_none_or(|s| p.shelter == s))
            .count() as u64
    };
    let headlines = vec![
        Headline {
            key: "pit.date".into(),
            label: "PIT night".into(),
            value: Cell::Text(params.pit_date.to_string()),
        },
        Headline {
            key: "pit.persons.total".into(),
            label: "Sheltered persons on the PIT night".into(),
            value: Cell::Count(total(None)),
        },
        Headline {
            key: "pit.persons.emergency".into(),
            label: "in emergency shelter".into(),
            value: Cell::Count(total(Some(Shelter::Emergency))),
        },
        Headline {
            key: "pit.persons.transitional".into(),
            label: "in transitional housing".into(),
            value: Cell::Count(total(Some(Shelter::Transitional))),
        },
        Headline {
            key: "pit.persons.safe_haven".into(),
            label: "in safe havens".into(),
            value: Cell::Count(total(Some(Shelter::SafeHaven))),
        },
        Headline {
            key: "pit.households.total".into(),
            label: "Sheltered households".into(),
            value: Cell::Count(n.households.len() as u64),
        },
    ];

    let about = vec![
        (
            "Who is counted".to_string(),
            "Persons in continuum emergency shelter (entry-exit, or night-by-night with a bed night on the date), transitional housing or safe haven projects whose stay covers the night: EntryDate <= night and ExitDate empty or after the night (someone exiting on the PIT date did not stay that night). Persons housed by a permanent housing project that night (moved in, not exited) are not counted.".to_string(),
        ),
        (
            "Each person once".to_string(),
            format!(
                "Persons are counted by UnduplicatedID across all agencies; a person with several stays that night is counted once, in emergency shelter before safe haven before transitional housing ({} such person(s) this night; {} left out as housed).",
                n.multiple_stays, n.housed_excluded
            ),
        ),
        (
            "Ages and household types".to_string(),
            "Age on the PIT night. Household type from the ages of the household members present that night. A household (HouseholdID) is counted once, with its members present that night; a household whose head is not present that night (a data error validation reports) still counts as a household.".to_string(),
        ),
        (
            "Chronically homeless".to_string(),
            "Chronic homelessness on the PIT night (chronic.md, point-in-time variant): the household is chronically homeless when its head, or an adult who entered with the head, is; then every member counts.".to_string(),
        ),
        (
            "Sex rows".to_string(),
            "FY2026 HMIS data record Sex (Female, Male) instead of the gender identities of the 2024 HDX form, whose gender rows HUD removed from 2025; the tables give Sex rows.".to_string(),
        ),
        (
            "Unsheltered".to_string(),
            "Not reported: HUD's unsheltered count comes from the street count, not from HMIS.".to_string(),
        ),
        (
            "Veteran households".to_string(),
            "Households with at least one adult veteran (HUD's definition), not only veteran heads of household.".to_string(),
        ),
    ];

    Report {
        name: "pit".into(),
        path: None,
        title: format!("Sheltered Point-in-Time count, {}", params.pit_date),
        about,
        headlines,
        tables,
        charts,
    }
}
