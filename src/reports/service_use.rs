//! Patterns of service use across the shared system: how many organizations and projects
//! each person used, the most common pathways between project types, people in two
//! residential projects on the same night (by pair of organizations), and frequent shelter
//! users. Counts only: no row names a person.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::facts::{Day, Facts};
use crate::hmis::codes::ProjectType;
use crate::ingest::table::days_from_date;

use super::measures::destinations::{DestinationGroup, is_permanent};
use super::measures::nights::Nights;
use super::measures::stays;
use super::{Cell, ChartKind, Headline, Params, Report, Row, Table, chart};

/// Pathways shown one per row; the rest are summed.
const TOP_PATHWAYS: usize = 25;

/// Short label of a project type for pathways.
fn short(t: Option<ProjectType>) -> &'static str {
    use ProjectType::*;
    match t {
        Some(EsEntryExit | EsNbn) => "ES",
        Some(So) => "SO",
        Some(Sh) => "SH",
        Some(Th) => "TH",
        Some(Rrh) => "RRH",
        Some(Psh) => "PSH",
        Some(PhHousingOnly | PhHousingWithServices) => "OPH",
        Some(Prevention) => "HP",
        Some(Ce) => "CE",
        Some(ServicesOnly) => "SSO",
        Some(DayShelter) => "Day shelter",
        Some(Other) | None => "Other",
    }
}

/// What one person contributes.
#[derive(Debug, Default)]
struct PersonUse {
    served: bool,
    organizations: usize,
    projects: usize,
    pathway: String,
    /// (organization a, organization b) pairs with overlapping residential nights, and the
    /// nights.
    overlaps: Vec<((u32, u32), u32)>,
    shelter_entries: u32,
}

/// The residential nights of an enrollment in the period: ES/SH/TH from entry to the night
/// before exit, ES night-by-night bed nights, permanent housing from move-in.
fn residential(f: &Facts, i: usize, start: Day, end: Day) -> Nights {
    let e = &f.enrollments[i];
    let stop = e.exit.unwrap_or(end + 1);
    let v = match f.project_type(e) {
        Some(ProjectType::EsNbn) => f
            .bed_nights(e)
            .iter()
            .filter(|&&d| d >= e.entry && d < stop)
            .map(|&d| (d, d + 1))
            .collect(),
        Some(ProjectType::EsEntryExit | ProjectType::Sh | ProjectType::Th) => vec![(e.entry, stop)],
        Some(t) if t.is_permanent_housing() => match stays::move_in(f, i) {
            Some(m) => vec![(m, stop)],
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    Nights::from_intervals(v).clip(start, end)
}

fn person(f: &Facts, p: u32, start: Day, end: Day) -> PersonUse {
    let mut u = PersonUse::default();
    let served: Vec<usize> = f
        .enrollments_of(p)
        .filter(|&i| f.served_in(&f.enrollments[i], start, end))
        .collect();
    if served.is_empty() {
        return u;
    }
    u.served = true;
    let mut orgs: Vec<u32> = served
        .iter()
        .map(|&i| f.projects[f.enrollments[i].project as usize].organization)
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    u.organizations = orgs.len();
    let mut projects: Vec<u32> = served.iter().map(|&i| f.enrollments[i].project).collect();
    projects.sort_unstable();
    projects.dedup();
    u.projects = projects.len();

    // Pathway: project types in entry order (repeats collapsed), then how it ended.
    let mut steps: Vec<&str> = Vec::new();
    for &i in &served {
        let s = short(f.project_type(&f.enrollments[i]));
        if steps.last() != Some(&s) {
            steps.push(s);
        }
    }
    let last = served
        .iter()
        .copied()
        .max_by_key(|&i| {
            (
                f.enrollments[i].exit.is_none(),
                f.enrollments[i].exit,
                f.enrollments[i].entry,
                i,
            )
        })
        .unwrap_or(served[0]);
    let le = &f.enrollments[last];
    let ending = match le.exit {
        Some(x) if x <= end => {
            if is_permanent(le.destination) {
                "exit to permanent housing"
            } else {
                match DestinationGroup::of(le.destination) {
                    DestinationGroup::Homeless => "exit to homelessness",
                    DestinationGroup::Temporary => "exit to temporary housing",
                    DestinationGroup::Institutional => "exit to an institution",
                    _ => "exit to other or unknown",
                }
            }
        }
        _ => "still enrolled",
    };
    u.pathway = format!("{} -> {}", steps.join(" -> "), ending);

    // Same-night residential stays in two projects.
    let res: Vec<(usize, Nights)> = served
        .iter()
        .map(|&i| (i, residential(f, i, start, end)))
        .filter(|(_, n)| n.count() > 0)
        .collect();
    let mut pairs: BTreeMap<(u32, u32), Nights> = BTreeMap::new();
    for a in 0..res.len() {
        for b in a + 1..res.len() {
            let (ia, ib) = (res[a].0, res[b].0);
            let (pa, pb) = (f.enrollments[ia].project, f.enrollments[ib].project);
            if pa == pb {
                continue;
            }
            let both = res[a].1.minus(&res[a].1.minus(&res[b].1));
            if both.count() == 0 {
                continue;
            }
            let oa = f.projects[pa as usize].organization;
            let ob = f.projects[pb as usize].organization;
            let key = (oa.min(ob), oa.max(ob));
            let entry = pairs.entry(key).or_default();
            let mut v = entry.0.clone();
            v.extend(both.0);
            *entry = Nights::from_intervals(v);
        }
    }
    u.overlaps = pairs.into_iter().map(|(k, n)| (k, n.count())).collect();

    u.shelter_entries = f
        .enrollments_of(p)
        .filter(|&i| {
            let e = &f.enrollments[i];
            e.entry >= start
                && e.entry <= end
                && f.projects[e.project as usize]
                    .project_type
                    .is_some_and(|t| t.is_emergency_shelter())
        })
        .count() as u32;
    u
}

fn pct(n: u64, d: u64) -> Cell {
    if d == 0 {
        Cell::Empty
    } else {
        Cell::Percent(n as f64 / d as f64)
    }
}

/// The service-use report. `frequent` is the number of shelter entries in the period that
/// makes a frequent user.
pub fn report(facts: &Facts, params: &Params) -> Report {
    let start = days_from_date(params.start);
    let end = days_from_date(params.end);
    let frequent = params.frequent_entries.max(2);
    let uses: Vec<PersonUse> = (0..facts.persons.len() as u32)
        .into_par_iter()
        .map(|p| person(facts, p, start, end))
        .collect();
    let served: Vec<&PersonUse> = uses.iter().filter(|u| u.served).collect();
    let total = served.len() as u64;

    // Organizations and projects used.
    let mut used = Table::new(
        "organizations_used",
        "Persons served by number of organizations and of projects used in the period",
        "Number used",
        &[
            "Persons by organizations",
            "Percent",
            "Persons by projects",
            "Percent",
        ],
    );
    for (label, lo, hi) in [
        ("1", 1, 1),
        ("2", 2, 2),
        ("3", 3, 3),
        ("4 or more", 4, usize::MAX),
    ] {
        let o = served
            .iter()
            .filter(|u| u.organizations >= lo && u.organizations <= hi)
            .count() as u64;
        let p = served
            .iter()
            .filter(|u| u.projects >= lo && u.projects <= hi)
            .count() as u64;
        used.rows.push(Row::new(
            label,
            vec![Cell::Count(o), pct(o, total), Cell::Count(p), pct(p, total)],
        ));
    }
    used.rows.push(Row::total(
        "Total persons served",
        vec![
            Cell::Count(total),
            pct(total, total),
            Cell::Count(total),
            pct(total, total),
        ],
    ));

    // Pathways.
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for u in &served {
        *counts.entry(u.pathway.as_str()).or_default() += 1;
    }
    let mut ranked: Vec<(&str, u64)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut paths = Table::new(
        "pathways",
        "Most common pathways between project types in the period (enrollments in entry order, then how the last one ended)",
        "Pathway",
        &["Persons", "Percent"],
    );
    for (label, n) in ranked.iter().take(TOP_PATHWAYS) {
        paths
            .rows
            .push(Row::new(*label, vec![Cell::Count(*n), pct(*n, total)]));
    }
    let rest: u64 = ranked.iter().skip(TOP_PATHWAYS).map(|x| x.1).sum();
    if rest > 0 {
        paths.rows.push(Row::new(
            format!("All other pathways ({})", ranked.len() - TOP_PATHWAYS),
            vec![Cell::Count(rest), pct(rest, total)],
        ));
    }
    paths.rows.push(Row::total(
        "Total persons served",
        vec![Cell::Count(total), pct(total, total)],
    ));

    // Same-night duplication by pair of organizations.
    let mut dup: BTreeMap<(u32, u32), (u64, u64)> = BTreeMap::new();
    let mut dup_persons = 0u64;
    for u in &served {
        if !u.overlaps.is_empty() {
            dup_persons += 1;
        }
        for &(k, n) in &u.overlaps {
            let d = dup.entry(k).or_default();
            d.0 += 1;
            d.1 += n as u64;
        }
    }
    let org_name = |o: u32| facts.organizations[o as usize].name.clone();
    let mut dup_rows: Vec<(String, String, u64, u64)> = dup
        .into_iter()
        .map(|((a, b), (p, n))| {
            let (x, y) = (org_name(a), org_name(b));
            let (x, y) = if x <= y { (x, y) } else { (y, x) };
            (x, y, p, n)
        })
        .collect();
    dup_rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    let mut dupt = Table::new(
        "same_night",
        "Persons enrolled in two residential projects on the same night, by pair of organizations",
        "Organizations",
        &["Persons", "Nights in both"],
    );
    for (a, b, p, n) in &dup_rows {
        let label = if a == b {
            format!("{a} (two of its own projects)")
        } else {
            format!("{a} + {b}")
        };
        dupt.rows
            .push(Row::new(label, vec![Cell::Count(*p), Cell::Count(*n)]));
    }
    dupt.rows.push(Row::total(
        "Persons with any same-night stays",
        vec![Cell::Count(dup_persons), Cell::Empty],
    ));
    dupt.notes.push("Residential nights: emergency shelter, safe haven and transitional housing from entry to the night before exit, night-by-night shelter bed nights, permanent housing from the move-in date.".into());

    // Frequent shelter users.
    let mut freq = Table::new(
        "frequent_users",
        &format!(
            "Persons by number of emergency shelter entries in the period (frequent users: {frequent} or more)"
        ),
        "Shelter entries",
        &["Persons", "Percent of persons with an entry"],
    );
    let with_entry = served.iter().filter(|u| u.shelter_entries > 0).count() as u64;
    for k in 1..frequent {
        let n = served.iter().filter(|u| u.shelter_entries == k).count() as u64;
        freq.rows.push(Row::new(
            k.to_string(),
            vec![Cell::Count(n), pct(n, with_entry)],
        ));
    }
    let many = served
        .iter()
        .filter(|u| u.shelter_entries >= frequent)
        .count() as u64;
    freq.rows.push(Row::total(
        format!("{frequent} or more (frequent users)"),
        vec![Cell::Count(many), pct(many, with_entry)],
    ));
    freq.rows.push(Row::total(
        "Persons with a shelter entry",
        vec![Cell::Count(with_entry), pct(with_entry, with_entry)],
    ));

    let mut charts = Vec::new();
    let top: Vec<String> = paths
        .rows
        .iter()
        .take(10)
        .filter(|r| !r.total)
        .map(|r| r.label.clone())
        .collect();
    let top: Vec<&str> = top.iter().map(|s| s.as_str()).collect();
    charts.push(chart(
        &paths,
        "Ten most common pathways",
        ChartKind::Bar,
        &top,
        &["Persons"],
    ));
    charts.push(chart(
        &used,
        "Persons by number of organizations used",
        ChartKind::Column,
        &["1", "2", "3", "4 or more"],
        &["Persons by organizations"],
    ));

    let multi = served.iter().filter(|u| u.organizations >= 2).count() as u64;
    let headlines = vec![
        Headline {
            key: "service_use.multiple_organizations".into(),
            label: "Persons served by two or more organizations".into(),
            value: Cell::Count(multi),
        },
        Headline {
            key: "service_use.same_night".into(),
            label: "Persons in two residential projects on the same night".into(),
            value: Cell::Count(dup_persons),
        },
        Headline {
            key: "service_use.frequent_users".into(),
            label: format!("Persons with {frequent} or more shelter entries"),
            value: Cell::Count(many),
        },
    ];
    Report {
        name: "service-use".into(),
        path: None,
        title: "Patterns of service use".into(),
        about: vec![(
            "Frequent users".to_string(),
            format!(
                "{frequent} or more emergency shelter entries (entry-exit or night-by-night enrollments starting in the period); change with --frequent-entries"
            ),
        )],
        headlines,
        tables: vec![used, paths, dupt, freq],
        charts,
    }
}
