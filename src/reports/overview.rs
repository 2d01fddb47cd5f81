//! System overview: the picture a CoC puts in its annual report. Unduplicated persons and
//! households served in the period (system, by project type, organization and project),
//! new, returning and continuing persons, organizations and projects with data, beds and
//! units with average nightly utilization, people served by more than one organization,
//! and demographics counted once per person.
//!
//! The counts are group-by aggregations over the served-enrollment frame (polars); the
//! per-person classifications (age band, race and ethnicity, chronic status, new or
//! returning) are row logic over the facts.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::facts::household::{AgeClass, HouseholdType, household_type};
use crate::facts::{ChStatus, Day, Facts, RaceEthnicity, age_on, frame};
use crate::hmis::codes::{ProjectType, sex, yes_no};
use crate::ingest::table::days_from_date;

use super::measures::occupancy::{Occupancy, occupancy};
use super::{Cell, ChartKind, Headline, Params, Report, Row, Table, chart};

/// "Returning" looks back this many days before the period (as SPM measure 5 does).
pub const RETURN_LOOKBACK_DAYS: i32 = 730;

const AGE_BANDS: [(&str, u32, u32); 9] = [
    ("Under 5", 0, 4),
    ("5 - 12", 5, 12),
    ("13 - 17", 13, 17),
    ("18 - 24", 18, 24),
    ("25 - 34", 25, 34),
    ("35 - 44", 35, 44),
    ("45 - 54", 45, 54),
    ("55 - 64", 55, 64),
    ("65 and older", 65, u32::MAX),
];
const AGE_UNKNOWN: &str = "Age not recorded";

fn pct(n: u64, d: u64) -> Cell {
    if d == 0 {
        Cell::Empty
    } else {
        Cell::Percent(n as f64 / d as f64)
    }
}

/// A person-count table with a percentage column and a total row.
fn share_table(id: &str, title: &str, corner: &str, rows: &[(String, u64)], total: u64) -> Table {
    let mut t = Table::new(id, title, corner, &["Persons", "Percent"]);
    for (label, n) in rows {
        t.rows.push(Row::new(
            label.clone(),
            vec![Cell::Count(*n), pct(*n, total)],
        ));
    }
    t.rows.push(Row::total(
        "Total",
        vec![Cell::Count(total), pct(total, total)],
    ));
    t
}

/// Runs a group-by and sorts by the key (group order from polars is not deterministic).
fn group(df: &DataFrame, key: &str, aggs: &[Expr]) -> PolarsResult<DataFrame> {
    df.clone()
        .lazy()
        .group_by([col(key)])
        .agg(aggs)
        .sort([key], SortMultipleOptions::default())
        .collect()
}

#[derive(Debug, thiserror::Error)]
#[error("overview query failed: {0}")]
pub struct OverviewError(#[from] PolarsError);

/// The System overview report.
pub fn report(facts: &Facts, params: &Params) -> Result<Report, OverviewError> {
    let start = days_from_date(params.start);
    let end = days_from_date(params.end);
    let served = frame::enrollments(facts, |e| facts.served_in(e, start, end))?;
    let served_idx = frame::u32s(&served, "enrollment")?;
    let nights = (end - start + 1).max(1) as f64;

    // Per person: the first served enrollment (for age), served flags.
    let persons = facts.persons.len();
    let mut first_entry: Vec<Option<Day>> = vec![None; persons];
    let mut continuing = vec![false; persons];
    let mut ch = vec![None::<ChStatus>; persons];
    for &i in &served_idx {
        let e = &facts.enrollments[i as usize];
        let p = e.person as usize;
        first_entry[p] = Some(first_entry[p].map_or(e.entry, |f: Day| f.min(e.entry)));
        if e.entry < start {
            continuing[p] = true;
        }
        // Yes wins; otherwise the latest served enrollment's status (enrollments are in
        // entry order within a person).
        ch[p] = Some(match ch[p] {
            Some(ChStatus::Yes) => ChStatus::Yes,
            _ => e.ch_at_start,
        });
    }
    let served_persons: Vec<u32> = (0..persons as u32)
        .filter(|&p| first_entry[p as usize].is_some())
        .collect();
    let total = served_persons.len() as u64;

    // New, returning (an enrollment in the two years before the period), continuing.
    let (mut new, mut returning, mut cont) = (0u64, 0u64, 0u64);
    for &p in &served_persons {
        if continuing[p as usize] {
            cont += 1;
            continue;
        }
        let back = facts.enrollments_of(p).any(|i| {
            let e = &facts.enrollments[i];
            e.entry < start && e.exit.is_none_or(|x| x >= start - RETURN_LOOKBACK_DAYS)
        });
        if back {
            returning += 1;
        } else {
            new += 1;
        }
    }

    // Person-level categories.
    let mut age_band = Vec::with_capacity(served_persons.len());
    let mut sex_code = Vec::with_capacity(served_persons.len());
    let mut race = Vec::with_capacity(served_persons.len());
    let mut vet = Vec::with_capacity(served_persons.len());
    let mut chs = Vec::with_capacity(served_persons.len());
    for &p in &served_persons {
        let pf = &facts.persons[p as usize];
        let on = first_entry[p as usize].unwrap_or(start).max(start);
        let age = age_on(pf.dob, on);
        let band = age.map_or(AGE_BANDS.len() as u32, |a| {
            AGE_BANDS
                .iter()
                .position(|b| a >= b.1 && a <= b.2)
                .unwrap_or(0) as u32
        });
        age_band.push(band);
        sex_code.push(match pf.sex {
            sex::FEMALE => 0u32,
            sex::MALE => 1,
            8 | 9 => 2,
            _ => 3,
        });
        race.push(
            RaceEthnicity::ALL
                .iter()
                .position(|r| *r == RaceEthnicity::of(pf))
                .unwrap_or(0) as u32,
        );
        // Veteran status of adults only (4 = child or age unknown).
        vet.push(if age.is_some_and(|a| a >= 18) {
            match pf.veteran {
                yes_no::YES => 0u32,
                yes_no::NO => 1,
                8 | 9 => 2,
                _ => 3,
            }
        } else {
            4
        });
        chs.push(match ch[p as usize] {
            Some(ChStatus::Yes) => 0u32,
            Some(ChStatus::No) => 1,
            Some(ChStatus::DkPnta) => 2,
            _ => 3,
        });
    }
    let people = DataFrame::new_infer_height(vec![
        Column::new("person".into(), served_persons.clone()),
        Column::new("age_band".into(), age_band),
        Column::new("sex".into(), sex_code),
        Column::new("race".into(), race),
        Column::new("veteran".into(), vet),
        Column::new("chronic".into(), chs),
    ])?;
    let count_by = |key: &str| -> PolarsResult<BTreeMap<u32, u64>> {
        let g = group(&people, key, &[len().alias("n")])?;
        Ok(frame::u32s(&g, key)?
            .into_iter()
            .zip(frame::u32s(&g, "n")?)
            .map(|(k, n)| (k, n as u64))
            .collect())
    };
    let ages = count_by("age_band")?;
    let adults: u64 = ages
        .iter()
        .filter(|(k, _)| (3..AGE_BANDS.len() as u32).contains(k))
        .map(|(_, n)| n)
        .sum();
    let children: u64 = ages.iter().filter(|(k, _)| **k < 3).map(|(_, n)| n).sum();
    let age_unknown = ages.get(&(AGE_BANDS.len() as u32)).copied().unwrap_or(0);

    // Households served, by household type (ages of the members at their entry).
    let served_households = group(&served, "household", &[len().alias("n")])?;
    let hh_ids = frame::u32s(&served_households, "household")?;
    let mut hh_by_type: BTreeMap<HouseholdType, (u64, u64)> = BTreeMap::new();
    for &h in &hh_ids {
        let members = &facts.households[h as usize].members;
        let served_members: Vec<&crate::facts::Enrollment> = members
            .iter()
            .map(|&i| &facts.enrollments[i as usize])
            .filter(|e| facts.served_in(e, start, end))
            .collect();
        let t = household_type(
            served_members
                .iter()
                .map(|e| AgeClass::of(facts.person(e).dob, e.entry.max(start))),
        );
        let c = hh_by_type.entry(t).or_default();
        c.0 += 1;
        c.1 += served_members.len() as u64;
    }
    let households = hh_ids.len() as u64;

    let mut tables = Vec::new();

    // 1. Persons and households served.
    let mut t = Table::new(
        "served",
        "Persons and households served",
        "",
        &["Count", "Percent of persons"],
    );
    let row = |label: &str, n: u64| Row::new(label, vec![Cell::Count(n), pct(n, total)]);
    t.rows.push(Row::total(
        "Unduplicated persons served",
        vec![Cell::Count(total), pct(total, total)],
    ));
    t.rows.push(Row::new(
        "Households served",
        vec![Cell::Count(households), Cell::Empty],
    ));
    t.rows.push(row("Adults (18 and older)", adults));
    t.rows.push(row("Children (under 18)", children));
    t.rows.push(row("Age not recorded", age_unknown));
    t.rows.push(row(
        "New persons (no enrollment in the 2 years before the period)",
        new,
    ));
    t.rows.push(row(
        "Returning persons (an enrollment in the 2 years before the period)",
        returning,
    ));
    t.rows.push(row(
        "Continuing persons (enrolled before the period began)",
        cont,
    ));
    t.rows.push(Row::new(
        "Client records (all agencies) of the persons served",
        vec![
            Cell::Count(
                served_persons
                    .iter()
                    .map(|&p| facts.records_of(p) as u64)
                    .sum(),
            ),
            Cell::Empty,
        ],
    ));
    t.notes.push(format!(
        "Persons are counted once by UnduplicatedID whatever the number of agencies and projects that served them. Served = enrolled at some time between {} and {} (night-by-night shelters: a bed night in the period). Age at the later of the period start and the person's first entry in the period.",
        params.start, params.end
    ));
    tables.push(t);

    // 2. By project type.
    let by_type = group(
        &served,
        "project_type",
        &[
            col("person").n_unique().alias("persons"),
            col("household").n_unique().alias("households"),
            len().alias("enrollments"),
            col("organization").n_unique().alias("organizations"),
            col("project").n_unique().alias("projects"),
        ],
    )?;
    let occ = occupancy(facts, start, end);
    let mut t = Table::new(
        "by_project_type",
        "Persons served by project type",
        "Project type",
        &[
            "Persons",
            "Households",
            "Enrollments",
            "Organizations with data",
            "Projects with data",
            "Projects",
        ],
    );
    let keys = frame::i32s(&by_type, "project_type")?;
    let cols: Vec<Vec<u32>> = [
        "persons",
        "households",
        "enrollments",
        "organizations",
        "projects",
    ]
    .iter()
    .map(|c| frame::u32s(&by_type, c))
    .collect::<PolarsResult<_>>()?;
    let mut projects_by_type: BTreeMap<i32, u64> = BTreeMap::new();
    for p in &facts.projects {
        *projects_by_type
            .entry(p.project_type.map_or(-1, |t| t.code()))
            .or_default() += 1;
    }
    let type_label =
        |code: i32| ProjectType::from_code(code).map_or("Project type not recorded", |t| t.label());
    let mut type_order: Vec<i32> = projects_by_type.keys().copied().collect();
    type_order.sort_by_key(|&c| (c < 0, c));
    for code in &type_order {
        let k = keys.iter().position(|x| x == code);
        let v = |c: usize| k.map_or(0, |k| cols[c][k] as u64);
        t.rows.push(Row::new(
            type_label(*code),
            vec![
                Cell::Count(v(0)),
                Cell::Count(v(1)),
                Cell::Count(v(2)),
                Cell::Count(v(3)),
                Cell::Count(v(4)),
                Cell::Count(projects_by_type[code]),
            ],
        ));
    }
    let system = |c: &str| -> PolarsResult<u64> {
        Ok(served.column(c)?.as_materialized_series().n_unique()? as u64)
    };
    t.rows.push(Row::total(
        "Total (unduplicated)",
        vec![
            Cell::Count(total),
            Cell::Count(households),
            Cell::Count(served.height() as u64),
            Cell::Count(system("organization")?),
            Cell::Count(system("project")?),
            Cell::Count(facts.projects.len() as u64),
        ],
    ));
    t.notes.push(
        "A person served by several project types is counted in each, and once in the total."
            .to_string(),
    );
    tables.push(t);

    // 3. By organization.
    let by_org = group(
        &served,
        "organization",
        &[
            col("person").n_unique().alias("persons"),
            col("household").n_unique().alias("households"),
            col("project").n_unique().alias("projects"),
        ],
    )?;
    let mut t = Table::new(
        "by_organization",
        "Persons served by organization",
        "Organization",
        &["Persons", "Households", "Projects with data"],
    );
    let org_keys = frame::u32s(&by_org, "organization")?;
    let org_cols: Vec<Vec<u32>> = ["persons", "households", "projects"]
        .iter()
        .map(|c| frame::u32s(&by_org, c))
        .collect::<PolarsResult<_>>()?;
    let org_labels = facts.organization_labels();
    let mut org_rows: Vec<(String, Vec<Cell>)> = org_keys
        .iter()
        .enumerate()
        .map(|(k, &o)| {
            (
                org_labels[o as usize].clone(),
                org_cols.iter().map(|c| Cell::Count(c[k] as u64)).collect(),
            )
        })
        .collect();
    org_rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.len().cmp(&b.1.len())));
    for (label, cells) in org_rows {
        t.rows.push(Row::new(label, cells));
    }
    t.rows.push(Row::total(
        "Total (unduplicated)",
        vec![
            Cell::Count(total),
            Cell::Count(households),
            Cell::Count(system("project")?),
        ],
    ));
    tables.push(t);

    // 4. By project, with beds and utilization.
    let by_project = group(
        &served,
        "project",
        &[
            col("person").n_unique().alias("persons"),
            col("household").n_unique().alias("households"),
        ],
    )?;
    let pkeys = frame::u32s(&by_project, "project")?;
    let pp = frame::u32s(&by_project, "persons")?;
    let ph = frame::u32s(&by_project, "households")?;
    let mut t = Table::new(
        "by_project",
        "Persons served and bed utilization by project",
        "Project",
        &[
            "Organization",
            "Project type",
            "Persons",
            "Households",
            "Beds",
            "Units",
            "Average nightly persons",
            "Utilization",
        ],
    );
    let mut rows: Vec<(String, String, Row)> = Vec::new();
    for (i, p) in facts.projects.iter().enumerate() {
        let k = pkeys.iter().position(|&x| x as usize == i);
        let o = &occ[i];
        let org = facts.organizations[p.organization as usize].name.clone();
        let cells = vec![
            Cell::Text(org.clone()),
            Cell::Text(p.project_type.map_or("", |t| t.label()).to_string()),
            Cell::Count(k.map_or(0, |k| pp[k] as u64)),
            Cell::Count(k.map_or(0, |k| ph[k] as u64)),
            Cell::Count(o.beds),
            Cell::Count(o.units),
            Cell::Number(o.person_nights as f64 / nights, 1),
            if o.bed_nights > 0 {
                Cell::Percent(o.person_nights as f64 / o.bed_nights as f64)
            } else {
                Cell::Empty
            },
        ];
        rows.push((org, p.name.clone(), Row::new(p.name.clone(), cells)));
    }
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    t.rows = rows.into_iter().map(|r| r.2).collect();
    t.notes.push(format!(
        "Beds and units: Inventory records in force on {}. Average nightly persons: person-nights in a bed over the {} nights of the period (ES/TH/SH stays, night-by-night bed nights, permanent housing from move-in). Utilization: person-nights / bed-nights.",
        params.end, nights as u64
    ));
    tables.push(t);

    // 5. Beds, units and utilization by project type.
    let mut t = Table::new(
        "inventory",
        "Beds, units and average nightly utilization by project type",
        "Project type",
        &[
            "Beds",
            "Units",
            "Average nightly beds",
            "Average nightly persons",
            "Utilization",
        ],
    );
    let mut by_t: BTreeMap<i32, Occupancy> = BTreeMap::new();
    for (i, p) in facts.projects.iter().enumerate() {
        if !p.project_type.is_some_and(|t| t.has_beds()) {
            continue;
        }
        let o = by_t
            .entry(p.project_type.map_or(-1, |t| t.code()))
            .or_default();
        o.beds += occ[i].beds;
        o.units += occ[i].units;
        o.bed_nights += occ[i].bed_nights;
        o.person_nights += occ[i].person_nights;
    }
    let mut sum = Occupancy::default();
    let occ_row = |label: &str, o: &Occupancy, total: bool| {
        let cells = vec![
            Cell::Count(o.beds),
            Cell::Count(o.units),
            Cell::Number(o.bed_nights as f64 / nights, 1),
            Cell::Number(o.person_nights as f64 / nights, 1),
            if o.bed_nights > 0 {
                Cell::Percent(o.person_nights as f64 / o.bed_nights as f64)
            } else {
                Cell::Empty
            },
        ];
        if total {
            Row::total(label, cells)
        } else {
            Row::new(label, cells)
        }
    };
    for (code, o) in &by_t {
        t.rows.push(occ_row(type_label(*code), o, false));
        sum.beds += o.beds;
        sum.units += o.units;
        sum.bed_nights += o.bed_nights;
        sum.person_nights += o.person_nights;
    }
    t.rows.push(occ_row("Total", &sum, true));
    tables.push(t);

    // 6. Persons by number of organizations that served them.
    let per_person = group(
        &served,
        "person",
        &[col("organization").n_unique().alias("orgs")],
    )?;
    let mut by_n = [0u64; 4];
    for n in frame::u32s(&per_person, "orgs")? {
        by_n[(n.clamp(1, 4) - 1) as usize] += 1;
    }
    let rows: Vec<(String, u64)> = vec![
        ("Served by 1 organization".to_string(), by_n[0]),
        ("Served by 2 organizations".to_string(), by_n[1]),
        ("Served by 3 organizations".to_string(), by_n[2]),
        ("Served by 4 or more organizations".to_string(), by_n[3]),
    ];
    let mut t = share_table(
        "multiple_organizations",
        "Persons served by more than one organization",
        "Organizations",
        &rows,
        total,
    );
    t.notes.push("Counted through the UnduplicatedID: the same person at two agencies is one person served by two organizations.".to_string());
    tables.push(t);

    // 7. Households by type.
    let mut t = Table::new(
        "household_type",
        "Households served by household type",
        "Household type",
        &["Households", "Persons"],
    );
    for ht in [
        HouseholdType::AdultsOnly,
        HouseholdType::AdultChild,
        HouseholdType::ChildrenOnly,
        HouseholdType::Unknown,
    ] {
        let (h, p) = hh_by_type.get(&ht).copied().unwrap_or_default();
        t.rows
            .push(Row::new(ht.label(), vec![Cell::Count(h), Cell::Count(p)]));
    }
    t.rows.push(Row::total(
        "Total",
        vec![
            Cell::Count(households),
            Cell::Count(hh_by_type.values().map(|v| v.1).sum()),
        ],
    ));
    t.notes.push("Household type from the ages of the members served, at their entry (or the period start if later). Persons here count household memberships: a person in two households is counted in each.".to_string());
    tables.push(t);

    // 8. Demographics.
    let mut age_rows: Vec<(String, u64)> = AGE_BANDS
        .iter()
        .enumerate()
        .map(|(k, b)| (b.0.to_string(), ages.get(&(k as u32)).copied().unwrap_or(0)))
        .collect();
    age_rows.push((AGE_UNKNOWN.to_string(), age_unknown));
    tables.push(share_table(
        "age",
        "Persons served by age",
        "Age",
        &age_rows,
        total,
    ));

    let sexes = count_by("sex")?;
    let labels = [
        "Female",
        "Male",
        "Client Doesn't Know/Prefers Not to Answer",
        "Data Not Collected",
    ];
    let rows: Vec<(String, u64)> = labels
        .iter()
        .enumerate()
        .map(|(k, l)| (l.to_string(), sexes.get(&(k as u32)).copied().unwrap_or(0)))
        .collect();
    tables.push(share_table(
        "sex",
        "Persons served by sex",
        "Sex",
        &rows,
        total,
    ));

    let races = count_by("race")?;
    let rows: Vec<(String, u64)> = RaceEthnicity::ALL
        .iter()
        .enumerate()
        .map(|(k, r)| {
            (
                r.label().to_string(),
                races.get(&(k as u32)).copied().unwrap_or(0),
            )
        })
        .collect();
    tables.push(share_table(
        "race_ethnicity",
        "Persons served by race and ethnicity",
        "Race and ethnicity",
        &rows,
        total,
    ));

    let vets = count_by("veteran")?;
    let rows: Vec<(String, u64)> = [
        "Veteran",
        "Not a veteran",
        "Client Doesn't Know/Prefers Not to Answer",
        "Data Not Collected",
    ]
    .iter()
    .enumerate()
    .map(|(k, l)| (l.to_string(), vets.get(&(k as u32)).copied().unwrap_or(0)))
    .collect();
    let mut t = share_table(
        "veteran_status",
        "Adults served by veteran status",
        "Veteran status",
        &rows,
        adults,
    );
    t.columns[0] = "Adults".to_string();
    tables.push(t);

    let chronic = count_by("chronic")?;
    let rows: Vec<(String, u64)> = [
        ChStatus::Yes,
        ChStatus::No,
        ChStatus::DkPnta,
        ChStatus::Missing,
    ]
    .iter()
    .enumerate()
    .map(|(k, s)| {
        (
            s.label().to_string(),
            chronic.get(&(k as u32)).copied().unwrap_or(0),
        )
    })
    .collect();
    let mut t = share_table(
        "chronic",
        "Persons served by chronic homelessness at project start",
        "Chronic homelessness",
        &rows,
        total,
    );
    t.notes.push("Chronically homeless at the start of any enrollment served in the period (HUD's flowchart and household rule, chronic.md); otherwise the status of the latest such enrollment.".to_string());
    tables.push(t);

    let find = |id: &str| tables.iter().position(|t| t.id == id).unwrap_or(0);
    let bt = &tables[find("by_project_type")];
    let type_rows: Vec<&str> = bt
        .rows
        .iter()
        .filter(|r| !r.total)
        .map(|r| r.label.as_str())
        .collect();
    let charts = vec![
        chart(
            bt,
            "Persons served by project type",
            ChartKind::Bar,
            &type_rows,
            &["Persons"],
        ),
        chart(
            bt,
            "Projects with data by project type",
            ChartKind::Pie,
            &type_rows,
            &["Projects with data"],
        ),
        chart(
            &tables[find("household_type")],
            "Households served by household type",
            ChartKind::Column,
            &[
                HouseholdType::AdultsOnly.label(),
                HouseholdType::AdultChild.label(),
                HouseholdType::ChildrenOnly.label(),
            ],
            &["Households"],
        ),
        chart(
            &tables[find("age")],
            "Persons served by age",
            ChartKind::Column,
            &AGE_BANDS.iter().map(|b| b.0).collect::<Vec<_>>(),
            &["Persons"],
        ),
    ];

    let headlines = vec![
        Headline {
            key: "overview.persons".into(),
            label: "Unduplicated persons served".into(),
            value: Cell::Count(total),
        },
        Headline {
            key: "overview.households".into(),
            label: "Households served".into(),
            value: Cell::Count(households),
        },
        Headline {
            key: "overview.new_persons".into(),
            label: "New to the system".into(),
            value: Cell::Count(new),
        },
        Headline {
            key: "overview.organizations".into(),
            label: "Organizations with data".into(),
            value: Cell::Count(system("organization")?),
        },
        Headline {
            key: "overview.projects".into(),
            label: "Projects with data".into(),
            value: Cell::Count(system("project")?),
        },
    ];

    Ok(Report {
        name: "overview".into(),
        path: None,
        title: format!("System overview, {} to {}", params.start, params.end),
        about: vec![
            (
                "Period".to_string(),
                format!("{} to {} (inclusive)", params.start, params.end),
            ),
            (
                "Counting".to_string(),
                "Every person count is of UnduplicatedIDs (the dedup crosswalk), never of client records.".to_string(),
            ),
        ],
        headlines,
        tables,
        charts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_totals() {
        let t = share_table("x", "X", "", &[("a".into(), 1), ("b".into(), 3)], 4);
        assert_eq!(t.cell("a", "Percent"), Some(&Cell::Percent(0.25)));
        assert_eq!(t.cell("Total", "Persons"), Some(&Cell::Count(4)));
        let t = share_table("x", "X", "", &[], 0);
        assert_eq!(t.cell("Total", "Percent"), Some(&Cell::Empty));
    }
}
