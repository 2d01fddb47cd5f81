//! HUD System Performance Measures (reports-spec/spm.md): Measures 1a/1b, 2, 3.2, 4.1-4.6,
//! 5.1, 5.2, 7a.1, 7b.1 and 7b.2 in HUD's table shells, current-year columns filled.
//!
//! Each person (UnduplicatedID) is worked out once, in parallel, from all of their
//! enrollments at every agency; the tables are then sums over persons in person order, so
//! the result does not depend on the number of threads or on input order.

use rayon::prelude::*;

use crate::facts::{Day, Facts};
use crate::hmis::codes::ProjectType;
use crate::ingest::table::{date_from_days, days_from_date};

use super::measures::destinations::{
    SPM_7A_EXCLUDED, SPM_7A_TEMPORARY, SPM_7B_EXCLUDED, is_permanent,
};
use super::measures::income::{self, Increase};
use super::measures::nights::{self, Window};
use super::measures::returns::{self, Exits, bucket};
use super::measures::stays::{
    self, SpmType, continuum_type, exited_in, is_psh_or_oph, open_at_end, open_during,
};
use super::measures::{mean, median};
use super::{Cell, ChartKind, Headline, Params, Report, Row, Table, chart};

/// Columns of the `dq` table.
pub const DQ_COLUMNS: [&str; 3] = [
    "Persons served",
    "Leavers",
    "Leavers with destination don't know, prefers not to answer or missing",
];

/// CoC Program funding sources (2.06.1) that put a project in Measure 4.
pub const COC_FUNDERS: [i32; 8] = [2, 3, 4, 5, 43, 44, 54, 55];

/// Everything the measures need to know about one person.
#[derive(Debug, Clone, Default)]
struct PersonResult {
    /// Measure 1 rows 1a.1, 1a.2, 1b.1, 1b.2: days homeless.
    m1: [Option<u32>; 4],
    /// Measure 2: the type of the exit and the days to return (if any).
    m2: Option<(SpmType, Option<i32>)>,
    /// Measure 3.2: any, ES, SH, TH.
    m3: [bool; 4],
    /// Measure 4: stayer (true) or leaver, and what increased (None: nothing to compare).
    m4: Option<(bool, Option<Increase>)>,
    /// Measure 5.1 / 5.2: in the universe, with a prior enrollment (true) or not.
    m5: [Option<bool>; 2],
    /// Measure 7a.1 destination; 7b.1 destination; 7b.2 stayer (None) or leaver destination.
    m7a: Option<i32>,
    m7b1: Option<i32>,
    m7b2: Option<Option<i32>>,
    /// Data quality per [`DQ_GROUPS`] group: served (Some), and if a leaver the destination
    /// of their latest exit.
    dq: [Option<Option<i32>>; 5],
}

/// The project-type groups of the HDX upload's data-quality columns (HUD runs its Data
/// Quality report per group): ES + SH, TH, PSH + OPH, RRH, SO, with their HDX prefixes.
pub const DQ_GROUPS: [(&str, &str); 5] = [
    ("ESSH", "ES and SH"),
    ("TH", "TH"),
    ("PSHOPH", "PSH and OPH"),
    ("RRH", "PH-RRH"),
    ("StOutreach", "SO"),
];

/// The [`DQ_GROUPS`] slot of a project type.
fn dq_group(t: ProjectType) -> Option<usize> {
    Some(match t {
        ProjectType::EsEntryExit | ProjectType::EsNbn | ProjectType::Sh => 0,
        ProjectType::Th => 1,
        t if is_psh_or_oph(t) => 2,
        ProjectType::Rrh => 3,
        ProjectType::So => 4,
        _ => return None,
    })
}

/// A destination the Data Quality report counts as don't know / prefers not to answer
/// (8, 9) or information missing (30 no exit interview, 99 not collected, empty or unknown
/// code).
fn destination_unknown(d: i32) -> bool {
    d <= 0 || matches!(d, 8 | 9 | 30 | 99)
}

/// The report period, lookbacks and project filters.
struct Ctx<'a> {
    facts: &'a Facts,
    start: Day,
    end: Day,
    lookback: Day,
    coc_funded: Vec<bool>,
}

fn person(c: &Ctx, p: u32) -> PersonResult {
    let f = c.facts;
    let w = Window {
        start: c.start,
        end: c.end,
        lookback: c.lookback,
    };
    let mut r = PersonResult::default();
    for (k, row) in nights::Row::ALL.iter().enumerate() {
        r.m1[k] = nights::days_homeless(f, p, *row, w);
    }

    // Measure 2.
    if let Some(x) =
        returns::earliest_permanent_exit(f, p, c.start - 730, c.end - 730, Exits::Spm, |_| true)
        && let Some(from) = x.from
    {
        r.m2 = Some((from, returns::days_to_return(f, p, &x, c.end)));
    }

    let range = f.enrollments_of(p);
    let typed = || {
        range
            .clone()
            .filter_map(|i| continuum_type(f, &f.enrollments[i]).map(|t| (i, t)))
    };

    // Measure 3.2.
    for (i, t) in typed() {
        let e = &f.enrollments[i];
        let slot = match t {
            ProjectType::EsEntryExit if open_during(e, c.start, c.end) => 1,
            ProjectType::EsNbn if bed_night_in(f, i, c.start, c.end) => 1,
            ProjectType::Sh if open_during(e, c.start, c.end) => 2,
            ProjectType::Th if open_during(e, c.start, c.end) => 3,
            _ => continue,
        };
        r.m3[0] = true;
        r.m3[slot] = true;
    }

    // Measure 4: adults in CoC-funded projects.
    let m4: Vec<usize> = typed()
        .filter(|&(i, _)| {
            let e = &f.enrollments[i];
            c.coc_funded[e.project as usize]
                && open_during(e, c.start, c.end)
                && stays::spm_age(f, e, c.start).is_some_and(|a| a >= 18)
        })
        .map(|(i, _)| i)
        .collect();
    let stayer = m4
        .iter()
        .copied()
        .filter(|&i| {
            let e = &f.enrollments[i];
            open_at_end(e, c.end) && c.end - e.entry + 1 >= 365
        })
        .max_by_key(|&i| (f.enrollments[i].entry, i));
    if let Some(i) = stayer {
        let cmp = income::stayer(f, &f.enrollments[i], c.end);
        r.m4 = Some((true, cmp.map(|x| x.increase())));
    } else if let Some(i) = m4
        .iter()
        .copied()
        .filter(|&i| exited_in(&f.enrollments[i], c.start, c.end).is_some())
        .max_by_key(|&i| (f.enrollments[i].entry, i))
    {
        let cmp = income::leaver(f, &f.enrollments[i]);
        r.m4 = Some((false, cmp.map(|x| x.increase())));
    }

    // Measure 5.
    for (k, with_ph) in [false, true].into_iter().enumerate() {
        let counts = |t: ProjectType| {
            matches!(
                t,
                ProjectType::EsEntryExit | ProjectType::EsNbn | ProjectType::Sh | ProjectType::Th
            ) || (with_ph && t.is_permanent_housing())
        };
        let first = typed()
            .filter(|&(i, t)| {
                let e = &f.enrollments[i];
                counts(t) && e.entry >= c.start && e.entry <= c.end
            })
            .map(|(i, _)| f.enrollments[i].entry)
            .min();
        if let Some(entry) = first {
            let prior = typed().any(|(i, t)| {
                let e = &f.enrollments[i];
                (matches!(
                    t,
                    ProjectType::EsEntryExit
                        | ProjectType::EsNbn
                        | ProjectType::Sh
                        | ProjectType::Th
                ) || t.is_permanent_housing())
                    && e.entry < entry
                    && e.exit.is_none_or(|x| x >= entry - 730)
            });
            r.m5[k] = Some(prior);
        }
    }

    // Measure 7a.1: street outreach leavers.
    let so: Vec<usize> = typed()
        .filter(|&(i, t)| t == ProjectType::So && open_during(&f.enrollments[i], c.start, c.end))
        .map(|(i, _)| i)
        .collect();
    if !so.is_empty() && !so.iter().any(|&i| open_at_end(&f.enrollments[i], c.end)) {
        let last = latest_exit(f, &so);
        let d = f.enrollments[last].destination;
        if !SPM_7A_EXCLUDED.contains(&d) {
            r.m7a = Some(d);
        }
    }

    // Measure 7b.1: ES, SH, TH and PH leavers.
    let b1: Vec<usize> = typed()
        .filter(|&(i, t)| {
            (matches!(
                t,
                ProjectType::EsEntryExit | ProjectType::EsNbn | ProjectType::Sh | ProjectType::Th
            ) || t.is_permanent_housing())
                && open_during(&f.enrollments[i], c.start, c.end)
        })
        .map(|(i, _)| i)
        .collect();
    if !b1.is_empty() && !b1.iter().any(|&i| open_at_end(&f.enrollments[i], c.end)) {
        let last = latest_exit(f, &b1);
        let e = &f.enrollments[last];
        let housed_psh =
            f.project_type(e).is_some_and(is_psh_or_oph) && stays::move_in(f, last).is_some();
        if !housed_psh && !SPM_7B_EXCLUDED.contains(&e.destination) {
            r.m7b1 = Some(e.destination);
        }
    }

    // Measure 7b.2: PSH and other PH (not RRH).
    let b2: Vec<usize> = typed()
        .filter(|&(i, t)| is_psh_or_oph(t) && open_during(&f.enrollments[i], c.start, c.end))
        .map(|(i, _)| i)
        .collect();
    let open: Vec<usize> = b2
        .iter()
        .copied()
        .filter(|&i| open_at_end(&f.enrollments[i], c.end))
        .collect();
    if let Some(&i) = open.iter().max_by_key(|&&i| (f.enrollments[i].entry, i)) {
        if stays::move_in(f, i).is_some_and(|m| m <= c.end) {
            r.m7b2 = Some(None);
        }
    } else if !b2.is_empty() {
        let last = latest_exit(f, &b2);
        let e = &f.enrollments[last];
        if stays::move_in(f, last).is_some() && !SPM_7B_EXCLUDED.contains(&e.destination) {
            r.m7b2 = Some(Some(e.destination));
        }
    }

    // Data quality for the HDX upload: served in the group's projects in the period; a
    // leaver when not enrolled in them at the end, by their latest exit in the period.
    for (g, slot) in r.dq.iter_mut().enumerate() {
        let mine: Vec<usize> = typed()
            .filter(|&(i, t)| {
                dq_group(t) == Some(g) && f.served_in(&f.enrollments[i], c.start, c.end)
            })
            .map(|(i, _)| i)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let still = mine.iter().any(|&i| open_at_end(&f.enrollments[i], c.end));
        let last = mine
            .iter()
            .copied()
            .filter(|&i| exited_in(&f.enrollments[i], c.start, c.end).is_some())
            .max_by_key(|&i| (f.enrollments[i].exit, f.enrollments[i].entry, i));
        *slot = Some(match last {
            Some(i) if !still => Some(f.enrollments[i].destination),
            _ => None,
        });
    }
    r
}

fn bed_night_in(f: &Facts, i: usize, start: Day, end: Day) -> bool {
    stays::active_in(f, &f.enrollments[i], start, end)
}

/// The enrollment with the most recent exit (ties: later entry, then order).
fn latest_exit(f: &Facts, idx: &[usize]) -> usize {
    idx.iter()
        .copied()
        .max_by_key(|&i| (f.enrollments[i].exit, f.enrollments[i].entry, i))
        .unwrap_or(0)
}

/// How far back a measure looks, and whether the data reaches that far.
pub struct Lookback {
    pub measure: &'static str,
    pub needs: Day,
}

fn fmt_day(d: Day) -> String {
    date_from_days(d).map_or_else(|| "?".to_string(), |d| d.to_string())
}

fn pct(n: u64, d: u64) -> Cell {
    if d == 0 {
        Cell::Empty
    } else {
        Cell::Percent(n as f64 / d as f64)
    }
}

fn opt_num(x: Option<f64>) -> Cell {
    x.map_or(Cell::Empty, |v| Cell::Number(v, 2))
}

const PFD: [&str; 3] = ["Previous FY", "Current FY", "Difference"];

/// A three-column table (previous / current / difference) with current values.
fn pcd(id: &str, title: &str, rows: &[(&str, Cell)]) -> Table {
    let mut t = Table::new(id, title, "", &PFD);
    for (label, v) in rows {
        t.rows
            .push(Row::new(*label, vec![Cell::Empty, v.clone(), Cell::Empty]));
    }
    t
}

/// The SPM report.
pub fn report(facts: &Facts, params: &Params) -> Report {
    let start = days_from_date(params.start);
    let end = days_from_date(params.end);
    let lookback = params
        .start
        .checked_sub_months(chrono::Months::new(84))
        .map_or(start - 7 * 365, days_from_date);
    let mut coc_funded = vec![false; facts.projects.len()];
    for fr in &facts.funders {
        if COC_FUNDERS.contains(&fr.funder) && fr.active_in(start, end) {
            coc_funded[fr.project as usize] = true;
        }
    }
    let c = Ctx {
        facts,
        start,
        end,
        lookback,
        coc_funded,
    };
    let results: Vec<PersonResult> = (0..facts.persons.len() as u32)
        .into_par_iter()
        .map(|p| person(&c, p))
        .collect();

    // Lookbacks the data does not cover.
    let data_start = facts.data_start;
    let lookbacks = [
        Lookback {
            measure: "1a",
            needs: lookback,
        },
        Lookback {
            measure: "1b",
            needs: lookback,
        },
        Lookback {
            measure: "2",
            needs: start - 730,
        },
        Lookback {
            measure: "5.1",
            needs: start - 730,
        },
        Lookback {
            measure: "5.2",
            needs: start - 730,
        },
    ];
    // Dates are left out of the report files on purpose: a computed date can equal a
    // client's birth date, and reports must never hold one (hmis prints them on stderr).
    let incomplete = |id: &str| -> Option<String> {
        let l = lookbacks.iter().find(|l| l.measure == id)?;
        let ds = data_start?;
        (ds > l.needs).then(|| {
            "Incomplete lookback: the data starts after the date this measure looks back to; earlier history is missing, so figures may be understated.".to_string()
        })
    };

    let mut tables = Vec::new();
    // Measure 1.
    let m1_cols = [
        "Previous FY Universe (Persons)",
        "Current FY Universe (Persons)",
        "Previous FY Average LOT Experiencing Homelessness",
        "Current FY Average LOT Experiencing Homelessness",
        "Difference",
        "Previous FY Median LOT Experiencing Homelessness",
        "Current FY Median LOT Experiencing Homelessness",
        "Difference",
    ];
    let m1_row = |k: usize| -> Vec<Cell> {
        let mut v: Vec<u32> = results.iter().filter_map(|r| r.m1[k]).collect();
        let n = v.len() as u64;
        let avg = mean(&v);
        let med = median(&mut v);
        vec![
            Cell::Empty,
            Cell::Count(n),
            Cell::Empty,
            opt_num(avg),
            Cell::Empty,
            Cell::Empty,
            opt_num(med),
            Cell::Empty,
        ]
    };
    let mut m1 = Vec::new();
    for (id, title, labels, base) in [
        (
            "1a",
            "Measure 1a: Length of Time Persons Experience Homelessness",
            [
                "Persons in ES-EE, ES-NbN, and SH",
                "Persons in ES-EE, ES-NbN, SH, and TH",
            ],
            0,
        ),
        (
            "1b",
            "Measure 1b: Length of Time Persons Experience Homelessness (including self-reported time before entry and PH time before move-in)",
            [
                "Persons in ES-EE, ES-NbN, SH, and PH",
                "Persons in ES-EE, ES-NbN, SH, TH, and PH",
            ],
            2,
        ),
    ] {
        let mut t = Table::new(id, title, "", &m1_cols);
        for (k, l) in labels.iter().enumerate() {
            let cells = m1_row(base + k);
            m1.push(cells.clone());
            t.rows.push(Row::new(*l, cells));
        }
        t.notes.push("Days homeless: the nights of each person's current homeless episode (the last 365 nights before their latest homeless night in the period, extended back through continuous homelessness), over seven years of history at every agency.".into());
        t.notes.extend(incomplete(id));
        tables.push(t);
    }

    // Measure 2.
    let mut t = Table::new(
        "2",
        "Measure 2a and 2b: The Extent to which Persons Who Exit Homelessness to Permanent Housing Destinations Return to Homelessness within 6, 12, and 24 months",
        "",
        &[
            "Total Number of Persons who Exited to a Permanent Housing Destination (2 Years Prior)",
            "Number Returning to Homelessness in Less than 6 Months (0 - 180 days)",
            "Percentage of Returns in Less than 6 Months (0 - 180 days)",
            "Number Returning to Homelessness from 6 to 12 Months (181 - 365 days)",
            "Percentage of Returns from 6 to 12 Months (181 - 365 days)",
            "Number Returning to Homelessness from 13 to 24 Months (366 - 730 days)",
            "Percentage of Returns from 13 to 24 Months (366 - 730 days)",
            "Number of Returns in 2 Years",
            "Percentage of Returns in 2 Years",
        ],
    );
    let mut totals = [0u64; 5];
    let m2_cells = |x: [u64; 5]| -> Vec<Cell> {
        vec![
            Cell::Count(x[0]),
            Cell::Count(x[1]),
            pct(x[1], x[0]),
            Cell::Count(x[2]),
            pct(x[2], x[0]),
            Cell::Count(x[3]),
            pct(x[3], x[0]),
            Cell::Count(x[4]),
            pct(x[4], x[0]),
        ]
    };
    for ty in SpmType::ALL {
        let mut x = [0u64; 5];
        for (t0, days) in results.iter().filter_map(|r| r.m2) {
            if t0 != ty {
                continue;
            }
            x[0] += 1;
            if let Some(b) = days.and_then(bucket) {
                x[1 + b] += 1;
                x[4] += 1;
            }
        }
        for k in 0..5 {
            totals[k] += x[k];
        }
        t.rows.push(Row::new(
            format!("Exit was from {}", ty.label()),
            m2_cells(x),
        ));
    }
    t.rows.push(Row::total(
        "TOTAL Returns to Homelessness",
        m2_cells(totals),
    ));
    t.notes.push("Exits to permanent housing destinations between two years before the period start and two years before its end (each person's earliest); returns searched at every agency up to the period end.".into());
    t.notes.extend(incomplete("2"));
    let m2_total = totals;
    tables.push(t);

    // Measure 3.2.
    let m3 = |k: usize| results.iter().filter(|r| r.m3[k]).count() as u64;
    tables.push(pcd(
        "3.2",
        "Measure 3.2: Change in annual counts of persons experiencing sheltered homelessness in HMIS",
        &[
            ("Universe: Unduplicated Total sheltered persons", Cell::Count(m3(0))),
            ("Emergency Shelter Total", Cell::Count(m3(1))),
            ("Safe Haven Total", Cell::Count(m3(2))),
            ("Transitional Housing Total", Cell::Count(m3(3))),
        ],
    ));

    // Measure 4.
    let m4 = |stayer: bool, what: fn(&Increase) -> bool| -> (u64, u64) {
        let mut n = 0;
        let mut inc = 0;
        for (s, i) in results.iter().filter_map(|r| r.m4) {
            if s != stayer {
                continue;
            }
            n += 1;
            if i.is_some_and(|i| what(&i)) {
                inc += 1;
            }
        }
        (n, inc)
    };
    let earned: fn(&Increase) -> bool = |i| i.earned;
    let other: fn(&Increase) -> bool = |i| i.other;
    let total: fn(&Increase) -> bool = |i| i.total;
    for (id, stayer, what, title, kind) in [
        (
            "4.1",
            true,
            earned,
            "Measure 4.1: Change in earned income for adult system stayers during the reporting period",
            "earned income",
        ),
        (
            "4.2",
            true,
            other,
            "Measure 4.2: Change in non-employment cash income for adult system stayers during the reporting period",
            "non-employment cash income",
        ),
        (
            "4.3",
            true,
            total,
            "Measure 4.3: Change in total income for adult system stayers during the reporting period",
            "total income",
        ),
        (
            "4.4",
            false,
            earned,
            "Measure 4.4: Change in earned income for adult system leavers",
            "earned income",
        ),
        (
            "4.5",
            false,
            other,
            "Measure 4.5: Change in non-cash employment income for adult system leavers",
            "non-employment cash income",
        ),
        (
            "4.6",
            false,
            total,
            "Measure 4.6: Change in total income for adult system leavers",
            "total income",
        ),
    ] {
        let (n, inc) = m4(stayer, what);
        let rows = if stayer {
            [
                "Universe: Number of adults (system stayers)".to_string(),
                format!("Number of adults with increased {kind}"),
                format!("Percentage of adults who increased {kind}"),
            ]
        } else {
            [
                "Universe: Number of adults who exited (system leavers)".to_string(),
                format!("Number of adults who exited with increased {kind}"),
                format!("Percentage of adults who increased {kind}"),
            ]
        };
        let mut t = pcd(
            id,
            title,
            &[
                (rows[0].as_str(), Cell::Count(n)),
                (rows[1].as_str(), Cell::Count(inc)),
                (rows[2].as_str(), pct(inc, n)),
            ],
        );
        t.notes.push("Adults in projects with a CoC Program funding source active during the period (Funder 2, 3, 4, 5, 43, 44, 54, 55). Stayers: enrolled at the period end for 365 days or more, latest annual assessment against the previous one or entry; leavers: income at exit against entry.".into());
        tables.push(t);
    }

    // Measure 5.
    for (k, id, title, universe, prior, first) in [
        (
            0,
            "5.1",
            "Measure 5.1: Change in the number of persons entering ES, SH, and TH projects with no prior enrollments in HMIS",
            "Universe: Person with entries into ES-EE, ES-NbN, SH, or TH during the reporting period.",
            "Of persons above, count those who were in ES-EE, ES-NbN, SH, TH, or any PH within 24 months prior to their start during the reporting year.",
            "Of persons above, count those who did not have entries in ES-EE, ES-NbN, SH, TH or PH in the previous 24 months. (i.e. number of persons experiencing homelessness for the first time)",
        ),
        (
            1,
            "5.2",
            "Measure 5.2: Change in the number of persons entering ES, SH, TH, and PH projects with no prior enrollments in HMIS",
            "Universe: Person with entries into ES-EE, ES-NbN, SH, TH or PH during the reporting period.",
            "Of persons above, count those who were in ES-EE, ES-NbN, SH, TH, or any PH within 24 months prior to their start during the reporting year.",
            "Of persons above, count those who did not have entries in ES-EE, ES-NbN, SH, TH or PH in the previous 24 months. (i.e. number of persons experiencing homelessness for the first time)",
        ),
    ] {
        let n = results.iter().filter(|r| r.m5[k].is_some()).count() as u64;
        let p = results.iter().filter(|r| r.m5[k] == Some(true)).count() as u64;
        let mut t = pcd(
            id,
            title,
            &[
                (universe, Cell::Count(n)),
                (prior, Cell::Count(p)),
                (first, Cell::Count(n - p)),
            ],
        );
        t.notes.extend(incomplete(id));
        tables.push(t);
    }

    // Measure 7.
    let so: Vec<i32> = results.iter().filter_map(|r| r.m7a).collect();
    let so_temp = so.iter().filter(|d| SPM_7A_TEMPORARY.contains(d)).count() as u64;
    let so_perm = so.iter().filter(|d| is_permanent(**d)).count() as u64;
    let so_n = so.len() as u64;
    tables.push(pcd(
        "7a.1",
        "Measure 7a.1: Change in exits to permanent housing destinations",
        &[
            (
                "Universe: Persons who exit Street Outreach",
                Cell::Count(so_n),
            ),
            (
                "Of persons above, those who exited to temporary & some institutional destinations",
                Cell::Count(so_temp),
            ),
            (
                "Of the persons above, those who exited to permanent housing destinations",
                Cell::Count(so_perm),
            ),
            ("% Successful exits", pct(so_temp + so_perm, so_n)),
        ],
    ));
    let b1: Vec<i32> = results.iter().filter_map(|r| r.m7b1).collect();
    let b1_perm = b1.iter().filter(|d| is_permanent(**d)).count() as u64;
    let b1_n = b1.len() as u64;
    tables.push(pcd(
        "7b.1",
        "Measure 7b.1: Change in exits to permanent housing destinations",
        &[
            (
                "Universe: Persons in ES-EE, ES-NbN, SH, TH, and PH-RRH who exited, plus persons in other PH projects who exited without moving into housing",
                Cell::Count(b1_n),
            ),
            (
                "Of the persons above, those who exited to permanent housing destinations",
                Cell::Count(b1_perm),
            ),
            ("% Successful exits", pct(b1_perm, b1_n)),
        ],
    ));
    let b2: Vec<Option<i32>> = results.iter().filter_map(|r| r.m7b2).collect();
    let b2_ok = b2.iter().filter(|d| d.is_none_or(is_permanent)).count() as u64;
    let b2_n = b2.len() as u64;
    tables.push(pcd(
        "7b.2",
        "Measure 7b.2: Change in exit to or retention of permanent housing",
        &[
            (
                "Universe: Persons in all PH projects except PH-RRH who exited after moving into housing, or who moved into housing and remained in the PH project",
                Cell::Count(b2_n),
            ),
            (
                "Of persons above, those who remained in applicable PH projects and those who exited to permanent housing destinations",
                Cell::Count(b2_ok),
            ),
            ("% Successful exits/retention", pct(b2_ok, b2_n)),
        ],
    ));

    // Data quality counts for the HDX upload (spm-hdx.csv).
    let mut t = Table::new(
        "dq",
        "Data quality figures for the HDX upload: persons served, leavers and leavers' destination don't know, prefers not to answer or missing, by project type group",
        "Project type group",
        &DQ_COLUMNS,
    );
    for (g, (_, label)) in DQ_GROUPS.iter().enumerate() {
        let (mut n, mut leavers, mut unknown) = (0u64, 0u64, 0u64);
        for d in results.iter().filter_map(|r| r.dq[g]) {
            n += 1;
            if let Some(dest) = d {
                leavers += 1;
                unknown += u64::from(destination_unknown(dest));
            }
        }
        t.rows.push(Row::new(
            *label,
            vec![Cell::Count(n), Cell::Count(leavers), Cell::Count(unknown)],
        ));
    }
    t.notes.push("Continuum projects of each group (ES and SH: ES entry-exit, ES night-by-night, SH; PSH and OPH: PSH, PH housing only, PH housing with services). Persons served: an enrollment overlapping the period (night-by-night shelters: a bed night in it). Leavers: persons served who were not enrolled in the group at the period end, by their latest exit in the period. Destination unknown: that exit's destination is don't know (8), prefers not to answer (9), no exit interview (30), not collected (99) or missing. Computed by hmis in place of running HUD's Data Quality report per group.".into());
    tables.push(t);

    let mut charts = Vec::new();
    if let Some(t) = tables.iter().find(|t| t.id == "2") {
        charts.push(chart(
            t,
            "Returns to homelessness within 2 years, by project type of the exit",
            ChartKind::Column,
            &[
                "Exit was from SO",
                "Exit was from ES",
                "Exit was from TH",
                "Exit was from SH",
                "Exit was from PH",
            ],
            &["Percentage of Returns in 2 Years"],
        ));
    }

    let mut about = vec![
        (
            "Measures".to_string(),
            "HUD System Performance Measures 1a, 1b, 2, 3.2, 4.1-4.6, 5.1, 5.2, 7a.1, 7b.1, 7b.2 (FY2024 programming specifications as documented in reports-spec/spm.md); only the current-year columns are filled (HDX fills the previous year and differences). The dq table holds the data quality figures of the HDX upload (spm-hdx.csv).".to_string(),
        ),
        (
            "Scope".to_string(),
            "Continuum projects (ContinuumProject = 1) of types ES, SH, TH, SO and permanent housing; persons are UnduplicatedIDs, so stays and returns at every agency count for the same person.".to_string(),
        ),
        (
            "Lookback".to_string(),
            "seven years before the period start (Measure 1); two years (Measures 2, 5)".to_string(),
        ),
    ];
    let mut short: Vec<&str> = lookbacks
        .iter()
        .filter(|l| data_start.is_some_and(|d| d > l.needs))
        .map(|l| l.measure)
        .collect();
    short.dedup();
    about.push((
        "Incomplete lookbacks".to_string(),
        if short.is_empty() {
            "none".to_string()
        } else {
            short.join(", ")
        },
    ));

    let m1a = &m1[0];
    let headlines = vec![
        Headline {
            key: "spm.m1a.persons".into(),
            label: "SPM 1a: persons in ES and SH".into(),
            value: m1a[1].clone(),
        },
        Headline {
            key: "spm.m1a.average_days".into(),
            label: "SPM 1a: average days homeless (ES, SH)".into(),
            value: m1a[3].clone(),
        },
        Headline {
            key: "spm.m2.exits".into(),
            label: "SPM 2: exits to permanent housing two years before".into(),
            value: Cell::Count(m2_total[0]),
        },
        Headline {
            key: "spm.m2.returns_2y".into(),
            label: "SPM 2: of those, returned to homelessness within 2 years".into(),
            value: pct(m2_total[4], m2_total[0]),
        },
        Headline {
            key: "spm.m7b1.permanent".into(),
            label: "SPM 7b.1: exits to permanent housing".into(),
            value: pct(b1_perm, b1_n),
        },
    ];
    Report {
        name: "spm".into(),
        path: None,
        title: "System Performance Measures".into(),
        about,
        headlines,
        tables,
        charts,
    }
}

/// Measures whose lookback the data does not cover, for a warning.
pub fn incomplete_lookbacks(facts: &Facts, params: &Params) -> Vec<String> {
    let start = days_from_date(params.start);
    let seven = params
        .start
        .checked_sub_months(chrono::Months::new(84))
        .map_or(start - 7 * 365, days_from_date);
    let Some(ds) = facts.data_start else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let when = |d: Day| fmt_day(d);
    if ds > seven {
        out.push(format!(
            "1a/1b (seven years: needs {}, data starts {})",
            when(seven),
            when(ds)
        ));
    }
    if ds > start - 730 {
        out.push(format!(
            "2, 5.1, 5.2 (two years: needs {}, data starts {})",
            when(start - 730),
            when(ds)
        ));
    }
    out
}
