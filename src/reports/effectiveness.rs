//! Program effectiveness: one scorecard row per project, grouped and subtotalled by project
//! type and by organization, with the system total; each project ranked within its type
//! and compared with its type's median.
//!
//! Every figure counts persons by UnduplicatedID within the row's projects, so a subtotal
//! is not the sum of its projects: a person served by two shelters is one person of the
//! "Emergency Shelter" subtotal.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::facts::{Day, Facts};
use crate::hmis::codes::ProjectType;
use crate::ingest::table::days_from_date;

use super::measures::destinations::{is_homeless, is_permanent};
use super::measures::income;
use super::measures::occupancy::{Occupancy, occupancy};
use super::measures::returns;
use super::measures::stays::{self, SpmType, exited_in, open_at_end};
use super::measures::{mean, median};
use super::{Cell, ChartKind, Headline, Params, Report, Row, Table, chart};

/// The scorecard's columns.
pub const COLUMNS: [&str; 23] = [
    "Persons served",
    "Households served",
    "Leavers",
    "Exits to permanent housing",
    "% of leavers to permanent housing",
    "Exits to homelessness",
    "% of leavers to homelessness",
    "Average length of stay (days, leavers)",
    "Median length of stay (days, leavers)",
    "Average days from entry to move-in",
    "Exits to permanent housing 2 years before (returns cohort)",
    "% returned within 6 months",
    "% returned within 12 months",
    "% returned within 24 months",
    "Adults (stayers of a year or more and leavers)",
    "% adults with increased earned income",
    "% adults with increased non-employment cash income",
    "% adults with increased total income",
    "% adults with non-cash benefits",
    "% adults with health insurance",
    "Bed utilization",
    "Unit utilization",
    "Data quality score",
];

const C_PERM_PCT: usize = 4;
const C_HOMELESS_PCT: usize = 6;
const C_MEDIAN_LOS: usize = 8;
const C_MOVE_IN: usize = 9;
const C_RET24: usize = 13;
const C_TOTAL_INC: usize = 17;
const C_INSURANCE: usize = 19;
const C_BEDS: usize = 20;
const C_DQ: usize = 22;

/// Measures ranked within a project type, with the direction that is better.
const RANKED: [(usize, bool); 7] = [
    (C_PERM_PCT, true),
    (C_HOMELESS_PCT, false),
    (C_MOVE_IN, false),
    (C_RET24, false),
    (C_TOTAL_INC, true),
    (C_INSURANCE, true),
    (C_DQ, true),
];

/// Length-of-stay bands for the distribution table (days).
const LOS_BANDS: [(&str, i32, i32); 7] = [
    ("7 days or less", 0, 7),
    ("8 to 30 days", 8, 30),
    ("31 to 90 days", 31, 90),
    ("91 to 180 days", 91, 180),
    ("181 to 365 days", 181, 365),
    ("366 to 730 days", 366, 730),
    ("731 days or more", 731, i32::MAX),
];

struct Ctx<'a> {
    facts: &'a Facts,
    start: Day,
    end: Day,
    occ: Vec<Occupancy>,
}

/// The figures of one group of projects.
#[derive(Debug, Clone, Default)]
struct Figures {
    values: Vec<Cell>,
    /// Leavers' lengths of stay (for the distribution).
    los: Vec<u32>,
}

fn pct(n: usize, d: usize) -> Cell {
    if d == 0 {
        Cell::Empty
    } else {
        Cell::Percent(n as f64 / d as f64)
    }
}

fn num(x: Option<f64>, decimals: u8) -> Cell {
    x.map_or(Cell::Empty, |v| Cell::Number(v, decimals))
}

/// Data-quality elements of an enrollment: (complete, applicable).
fn dq(f: &Facts, i: usize, start: Day, end: Day) -> (u32, u32) {
    let e = &f.enrollments[i];
    let mut ok = 0;
    let mut n = 0;
    let mut check = |good: bool| {
        n += 1;
        if good {
            ok += 1;
        }
    };
    check(f.person(e).dob.is_some());
    check(matches!(e.ch.disabling_condition, 0 | 1));
    let adult_or_head = e.relationship == 1 || stays::spm_age(f, e, start).is_some_and(|a| a >= 18);
    if adult_or_head {
        let ls = e.ch.living_situation;
        check(ls > 0 && !matches!(ls, 8 | 9 | 99));
    }
    if exited_in(e, start, end).is_some() {
        let d = e.destination;
        check(d > 0 && !matches!(d, 8 | 9 | 30 | 99));
    }
    (ok, n)
}

/// The figures over the served enrollments of a set of projects.
fn figures(c: &Ctx, projects: &[u32], members: &[usize]) -> Figures {
    let f = c.facts;
    let (start, end) = (c.start, c.end);
    let in_group = |i: usize| members.binary_search(&i).is_ok();
    // Served enrollments of the group, in (person, entry) order.
    let served: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| f.served_in(&f.enrollments[i], start, end))
        .collect();
    let mut persons: Vec<u32> = served.iter().map(|&i| f.enrollments[i].person).collect();
    persons.dedup();
    let mut households: Vec<u32> = served.iter().map(|&i| f.enrollments[i].household).collect();
    households.sort_unstable();
    households.dedup();

    // Per person: their enrollments of the group served in the period.
    let mut leavers = 0;
    let (mut perm, mut homeless) = (0, 0);
    let mut los: Vec<u32> = Vec::new();
    let mut move_in_days: Vec<u32> = Vec::new();
    let (mut adults, mut earned, mut other, mut total) = (0, 0, 0, 0);
    let (mut adults_now, mut benefits, mut insurance) = (0, 0, 0);
    let (mut dq_ok, mut dq_n) = (0u64, 0u64);
    let mut k = 0;
    while k < served.len() {
        let p = f.enrollments[served[k]].person;
        let mut j = k;
        while j < served.len() && f.enrollments[served[j]].person == p {
            j += 1;
        }
        let mine = &served[k..j];
        k = j;
        for &i in mine {
            let (a, b) = dq(f, i, start, end);
            dq_ok += a as u64;
            dq_n += b as u64;
        }
        // Leaver: not enrolled in the group at the end, with an exit in the period (the
        // latest exit describes them).
        let still = mine.iter().any(|&i| open_at_end(&f.enrollments[i], end));
        let last_exit = mine
            .iter()
            .copied()
            .filter(|&i| exited_in(&f.enrollments[i], start, end).is_some())
            .max_by_key(|&i| (f.enrollments[i].exit, f.enrollments[i].entry, i));
        if !still && let Some(i) = last_exit {
            let e = &f.enrollments[i];
            leavers += 1;
            if is_permanent(e.destination) {
                perm += 1;
            }
            if is_homeless(e.destination) {
                homeless += 1;
            }
            if let Some(x) = e.exit {
                los.push((x - e.entry).max(0) as u32);
            }
        }
        // Days to move-in, for move-ins in the period.
        for &i in mine {
            if let Some(m) = stays::move_in(f, i)
                && m >= start
                && m <= end
            {
                move_in_days.push((m - f.enrollments[i].entry) as u32);
            }
        }
        // Income: adults staying a year or more (latest start) or leaving.
        let latest = *mine
            .iter()
            .max_by_key(|&&i| (f.enrollments[i].entry, i))
            .unwrap_or(&mine[0]);
        let le = &f.enrollments[latest];
        if stays::spm_age(f, le, start).is_some_and(|a| a >= 18) {
            adults_now += 1;
            if let Some(r) = income::latest(f, le) {
                if r.benefits == 1 {
                    benefits += 1;
                }
                if r.insurance == 1 {
                    insurance += 1;
                }
            }
            let cmp = if open_at_end(le, end) {
                (end - le.entry + 1 >= 365).then(|| income::stayer(f, le, end))
            } else if exited_in(le, start, end).is_some() {
                Some(income::leaver(f, le))
            } else {
                None
            };
            if let Some(cmp) = cmp {
                adults += 1;
                if let Some(inc) = cmp.map(|x| x.increase()) {
                    earned += usize::from(inc.earned);
                    other += usize::from(inc.other);
                    total += usize::from(inc.total);
                }
            }
        }
    }

    // Returns: each person's earliest exit to a permanent destination from the group's
    // projects (any project type) two years before the period, followed at every agency.
    let cohort_persons: Vec<u32> = {
        let mut v: Vec<u32> = members.iter().map(|&i| f.enrollments[i].person).collect();
        v.dedup();
        v
    };
    let (mut cohort, mut r6, mut r12, mut r24) = (0, 0, 0, 0);
    for p in cohort_persons {
        let Some(x) = returns::earliest_permanent_exit(
            f,
            p,
            start - 730,
            end - 730,
            returns::Exits::AnyProject,
            in_group,
        ) else {
            continue;
        };
        cohort += 1;
        if let Some(d) = returns::days_to_return(f, p, &x, end) {
            r6 += usize::from(d <= 180);
            r12 += usize::from(d <= 365);
            r24 += usize::from(d <= returns::HORIZON);
        }
    }

    let mut occ = Occupancy::default();
    for &p in projects {
        occ.add(&c.occ[p as usize]);
    }
    let mean_los = mean(&los);
    let mut los_sorted = los.clone();
    let median_los = median(&mut los_sorted);
    let values = vec![
        Cell::Count(persons.len() as u64),
        Cell::Count(households.len() as u64),
        Cell::Count(leavers as u64),
        Cell::Count(perm as u64),
        pct(perm, leavers),
        Cell::Count(homeless as u64),
        pct(homeless, leavers),
        num(mean_los, 1),
        num(median_los, 1),
        num(mean(&move_in_days), 1),
        Cell::Count(cohort as u64),
        pct(r6, cohort),
        pct(r12, cohort),
        pct(r24, cohort),
        Cell::Count(adults as u64),
        pct(earned, adults),
        pct(other, adults),
        pct(total, adults),
        pct(benefits, adults_now),
        pct(insurance, adults_now),
        occ.bed_utilization().map_or(Cell::Empty, Cell::Percent),
        occ.unit_utilization().map_or(Cell::Empty, Cell::Percent),
        if dq_n == 0 {
            Cell::Empty
        } else {
            Cell::Percent(dq_ok as f64 / dq_n as f64)
        },
    ];
    Figures { values, los }
}

fn value(c: &Cell) -> Option<f64> {
    match c {
        Cell::Count(n) => Some(*n as f64),
        Cell::Percent(p) => Some(*p),
        Cell::Number(x, _) => Some(*x),
        _ => None,
    }
}

fn type_label(t: Option<ProjectType>) -> String {
    t.map_or_else(
        || "Unknown project type".to_string(),
        |t| t.label().to_string(),
    )
}

/// The scorecard report.
pub fn report(facts: &Facts, params: &Params) -> Report {
    report_scoped(facts, params, None)
}

/// The scorecard of a subset of the projects (`scope[project]`, e.g. one organization's):
/// rows, subtotals, ranks and medians over those projects only, the total named
/// "Organization total"; the figures still come from the whole system's facts, so a
/// return to homelessness at another agency still counts as a return.
pub fn report_scoped(facts: &Facts, params: &Params, scope: Option<&[bool]>) -> Report {
    let in_scope = |p: u32| scope.is_none_or(|s| s.get(p as usize).copied().unwrap_or(false));
    let (total_label, whole) = if scope.is_some() {
        ("Organization total", "organization")
    } else {
        ("System total", "system")
    };
    let start = days_from_date(params.start);
    let end = days_from_date(params.end);
    let c = Ctx {
        facts,
        start,
        end,
        occ: occupancy(facts, start, end),
    };
    // Enrollments of each project (sorted indexes; enrollments are in person order).
    let mut by_project: Vec<Vec<usize>> = vec![Vec::new(); facts.projects.len()];
    for (i, e) in facts.enrollments.iter().enumerate() {
        by_project[e.project as usize].push(i);
    }
    // Projects on the scorecard: served someone in the period, or had beds in force.
    let shown: Vec<u32> = (0..facts.projects.len() as u32)
        .filter(|&p| in_scope(p))
        .filter(|&p| {
            by_project[p as usize]
                .iter()
                .any(|&i| facts.served_in(&facts.enrollments[i], start, end))
                || c.occ[p as usize].bed_nights > 0
        })
        .collect();
    let name = |p: u32| {
        let pr = &facts.projects[p as usize];
        let org = &facts.organizations[pr.organization as usize];
        format!("{} — {}", org.name, pr.name)
    };
    // Display order: type, organization name, project name, index.
    let mut order = shown.clone();
    order.sort_by_key(|&p| {
        let pr = &facts.projects[p as usize];
        (
            pr.project_type.map_or(99, |t| t.code()),
            facts.organizations[pr.organization as usize].name.clone(),
            pr.name.clone(),
            p,
        )
    });

    let merge = |ps: &[u32]| -> Vec<usize> {
        let mut v: Vec<usize> = ps
            .iter()
            .flat_map(|&p| by_project[p as usize].iter().copied())
            .collect();
        v.sort_unstable();
        v
    };
    // Groups: each project, each type, each organization, the SPM projects, the system.
    let mut groups: Vec<Vec<u32>> = order.iter().map(|&p| vec![p]).collect();
    let org_labels = facts.organization_labels();
    let mut types: BTreeMap<i32, Vec<u32>> = BTreeMap::new();
    let mut orgs: BTreeMap<(String, u32), Vec<u32>> = BTreeMap::new();
    for &p in &order {
        let pr = &facts.projects[p as usize];
        types
            .entry(pr.project_type.map_or(99, |t| t.code()))
            .or_default()
            .push(p);
        orgs.entry((
            org_labels[pr.organization as usize].clone(),
            pr.organization,
        ))
        .or_default()
        .push(p);
    }
    let type_keys: Vec<i32> = types.keys().copied().collect();
    let org_keys: Vec<(String, u32)> = orgs.keys().cloned().collect();
    groups.extend(types.values().cloned());
    groups.extend(orgs.values().cloned());
    // The totals cover every project, also those without service in the period (their
    // exits two years before still belong to the returns cohort).
    let all: Vec<u32> = (0..facts.projects.len() as u32)
        .filter(|&p| in_scope(p))
        .collect();
    let spm_projects: Vec<u32> = all
        .iter()
        .copied()
        .filter(|&p| {
            let pr = &facts.projects[p as usize];
            pr.continuum && pr.project_type.and_then(SpmType::of).is_some()
        })
        .collect();
    groups.push(spm_projects);
    groups.push(all);
    let figs: Vec<Figures> = groups
        .par_iter()
        .map(|ps| figures(&c, ps, &merge(ps)))
        .collect();
    let n_proj = order.len();
    let type_fig = |k: usize| &figs[n_proj + k];
    let org_fig = |k: usize| &figs[n_proj + type_keys.len() + k];
    let spm_fig = &figs[figs.len() - 2];
    let sys_fig = &figs[figs.len() - 1];
    let proj_pos = |p: u32| order.iter().position(|&q| q == p).unwrap_or(0);

    // Table 1: by project type.
    let mut by_type = Table::new(
        "by_project_type",
        "Project scorecard, grouped by project type",
        "Project type / organization — project",
        &COLUMNS,
    );
    for (k, code) in type_keys.iter().enumerate() {
        for &p in &types[code] {
            by_type
                .rows
                .push(Row::new(name(p), figs[proj_pos(p)].values.clone()));
        }
        let label = type_label(ProjectType::from_code(*code));
        by_type.rows.push(Row::total(
            format!("Subtotal: {label}"),
            type_fig(k).values.clone(),
        ));
    }
    by_type.rows.push(Row::total(
        "SPM projects (continuum SO, ES, SH, TH, PH)",
        spm_fig.values.clone(),
    ));
    by_type
        .rows
        .push(Row::total(total_label, sys_fig.values.clone()));
    by_type.notes.push("Persons are counted once per row by UnduplicatedID: a subtotal is not the sum of its projects. Leavers: persons who exited in the period and were not enrolled at its end (their latest exit). Returns: each person's earliest exit to a permanent destination from the row's projects (any project type) two years before the period, followed at every agency (SPM Measure 2 rules: a later SO, ES, SH, TH or PH entry).".into());

    // Table 2: by organization.
    let mut by_org = Table::new(
        "by_organization",
        "Project scorecard, grouped by organization",
        "Organization — project",
        &COLUMNS,
    );
    for (k, key) in org_keys.iter().enumerate() {
        for &p in &orgs[key] {
            by_org
                .rows
                .push(Row::new(name(p), figs[proj_pos(p)].values.clone()));
        }
        by_org.rows.push(Row::total(
            format!("Subtotal: {}", key.0),
            org_fig(k).values.clone(),
        ));
    }
    by_org
        .rows
        .push(Row::total(total_label, sys_fig.values.clone()));

    // Table 3: ranks within type; Table 4: against the type's median.
    let mut rank_cols: Vec<String> = vec!["Project type".to_string()];
    rank_cols.extend(RANKED.iter().map(|(c, _)| format!("Rank: {}", COLUMNS[*c])));
    let rank_cols: Vec<&str> = rank_cols.iter().map(|s| s.as_str()).collect();
    let mut ranks = Table::new(
        "ranks",
        "Rank of each project within its project type (1 = best; ties share a rank)",
        "Organization — project",
        &rank_cols,
    );
    let mut med_cols: Vec<String> = vec!["Project type".to_string()];
    for (col, _) in RANKED
        .iter()
        .chain([(C_MEDIAN_LOS, false), (C_BEDS, true)].iter())
    {
        med_cols.push(COLUMNS[*col].to_string());
        med_cols.push(format!("Type median: {}", COLUMNS[*col]));
        med_cols.push(format!("Difference: {}", COLUMNS[*col]));
    }
    let med_cols: Vec<&str> = med_cols.iter().map(|s| s.as_str()).collect();
    let mut vs = Table::new(
        "vs_type_median",
        "Each project against the median of the projects of its type",
        "Organization — project",
        &med_cols,
    );
    for code in &type_keys {
        let ps = &types[code];
        let label = type_label(ProjectType::from_code(*code));
        let vals = |col: usize| -> Vec<Option<f64>> {
            ps.iter()
                .map(|&p| value(&figs[proj_pos(p)].values[col]))
                .collect()
        };
        let mut rank_rows: Vec<Vec<Cell>> = vec![vec![Cell::Text(label.clone())]; ps.len()];
        for &(col, higher) in &RANKED {
            let v = vals(col);
            for (r, x) in v.iter().enumerate() {
                rank_rows[r].push(match x {
                    None => Cell::Empty,
                    Some(x) => {
                        let better = v
                            .iter()
                            .flatten()
                            .filter(|y| if higher { *y > x } else { *y < x })
                            .count();
                        Cell::Text(format!("{} of {}", better + 1, v.iter().flatten().count()))
                    }
                });
            }
        }
        let mut med_rows: Vec<Vec<Cell>> = vec![vec![Cell::Text(label.clone())]; ps.len()];
        for &(col, _) in RANKED
            .iter()
            .chain([(C_MEDIAN_LOS, false), (C_BEDS, true)].iter())
        {
            let v = vals(col);
            let mut known: Vec<f64> = v.iter().flatten().copied().collect();
            known.sort_by(f64::total_cmp);
            let med = if known.is_empty() {
                None
            } else if known.len() % 2 == 1 {
                Some(known[known.len() / 2])
            } else {
                Some((known[known.len() / 2 - 1] + known[known.len() / 2]) / 2.0)
            };
            let is_pct = !matches!(col, C_MEDIAN_LOS | C_MOVE_IN);
            // Rounded, so a difference is written as 0.1, not 0.10000000000000009.
            let cell = |x: f64| {
                if is_pct {
                    Cell::Percent((x * 1e6).round() / 1e6)
                } else {
                    Cell::Number((x * 1e3).round() / 1e3, 1)
                }
            };
            for (r, x) in v.iter().enumerate() {
                med_rows[r].push(x.map_or(Cell::Empty, cell));
                med_rows[r].push(med.map_or(Cell::Empty, cell));
                med_rows[r].push(match (x, med) {
                    (Some(x), Some(m)) => cell(x - m),
                    _ => Cell::Empty,
                });
            }
        }
        for (r, &p) in ps.iter().enumerate() {
            ranks.rows.push(Row::new(name(p), rank_rows[r].clone()));
            vs.rows.push(Row::new(name(p), med_rows[r].clone()));
        }
    }

    // Table 5: length of stay distribution by project type (leavers).
    let mut los_cols: Vec<&str> = LOS_BANDS.iter().map(|b| b.0).collect();
    los_cols.push("Leavers");
    let mut los = Table::new(
        "length_of_stay",
        "Length of stay of leavers by project type (days from entry to exit)",
        "Project type",
        &los_cols,
    );
    for (k, code) in type_keys.iter().enumerate() {
        let l = &type_fig(k).los;
        let mut cells: Vec<Cell> = LOS_BANDS
            .iter()
            .map(|&(_, a, b)| {
                Cell::Count(
                    l.iter()
                        .filter(|&&d| d as i32 >= a && d as i32 <= b)
                        .count() as u64,
                )
            })
            .collect();
        cells.push(Cell::Count(l.len() as u64));
        los.rows
            .push(Row::new(type_label(ProjectType::from_code(*code)), cells));
    }

    let mut charts = Vec::new();
    let project_rows: Vec<String> = by_type
        .rows
        .iter()
        .filter(|r| !r.total)
        .map(|r| r.label.clone())
        .collect();
    let project_rows: Vec<&str> = project_rows.iter().map(|s| s.as_str()).collect();
    charts.push(chart(
        &by_type,
        "Exits to permanent housing by project (% of leavers)",
        ChartKind::Bar,
        &project_rows,
        &[COLUMNS[C_PERM_PCT]],
    ));
    let sub_rows: Vec<String> = by_type
        .rows
        .iter()
        .filter(|r| r.label.starts_with("Subtotal: "))
        .map(|r| r.label.clone())
        .collect();
    let sub_rows: Vec<&str> = sub_rows.iter().map(|s| s.as_str()).collect();
    charts.push(chart(
        &by_type,
        "Returns to homelessness by project type",
        ChartKind::Column,
        &sub_rows,
        &[COLUMNS[11], COLUMNS[12], COLUMNS[C_RET24]],
    ));
    let los_rows: Vec<String> = los.rows.iter().map(|r| r.label.clone()).collect();
    let los_rows: Vec<&str> = los_rows.iter().map(|s| s.as_str()).collect();
    charts.push(chart(
        &los,
        "Length of stay distribution by project type",
        ChartKind::StackedColumn,
        &los_rows,
        &LOS_BANDS.iter().map(|b| b.0).collect::<Vec<_>>(),
    ));

    let sys = &sys_fig.values;
    let headlines = vec![
        Headline {
            key: "effectiveness.projects".into(),
            label: "Projects on the scorecard".into(),
            value: Cell::Count(n_proj as u64),
        },
        Headline {
            key: "effectiveness.exits_permanent".into(),
            label: format!("Leavers to permanent housing ({whole})"),
            value: sys[C_PERM_PCT].clone(),
        },
        Headline {
            key: "effectiveness.returns_24_months".into(),
            label: format!(
                "Returned to homelessness within 24 months of a permanent exit ({whole})"
            ),
            value: sys[C_RET24].clone(),
        },
    ];
    let about = vec![
        (
            "Rows".to_string(),
            "One row per project that served someone in the period or had beds in force; subtotals per project type and per organization; the SPM projects (continuum SO, ES, SH, TH, PH) and the system total.".to_string(),
        ),
        (
            "Ranks".to_string(),
            "Within the project type: 1 is best (higher is better for exits to permanent housing, income increase, insurance and data quality; lower for exits to homelessness, days to move-in and returns).".to_string(),
        ),
        (
            "Data quality score".to_string(),
            "Share of required answers that are complete (not missing, don't know, prefers not to answer or not collected) among: birth date, disabling condition, prior living situation (adults and heads of household), destination (leavers).".to_string(),
        ),
    ];
    Report {
        name: "effectiveness".into(),
        path: None,
        title: "Program effectiveness scorecard".into(),
        about,
        headlines,
        tables: vec![by_type, by_org, ranks, vs, los],
        charts,
    }
}
