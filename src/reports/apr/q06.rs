//! Q6a-Q6f: data quality (apr.md §3). Counted over the data-quality universe: everyone
//! except street outreach clients who were not engaged.

use chrono::NaiveDate;

use crate::facts::detail::{CocCode, IncomeRecord, SsnShape};
use crate::reports::{Cell, Row, Table};

use super::{Client, Universe, day, is_dk, is_dnc, pt, ratio};

const DQ_COLUMNS: [&str; 5] = [
    "Client Doesn\u{2019}t Know/Prefers Not to Answer",
    "Information Missing",
    "Data Issues",
    "Total",
    "% of Error Rate",
];

/// Which of B (DK/PNTA), C (missing), D (issues) a client falls in for one element.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dq {
    Ok,
    Dk,
    Missing,
    Issue,
}

/// One row: counts of B, C, D, the distinct total and its rate over `denominator`.
fn dq_row(label: &str, v: impl Iterator<Item = Dq>, denominator: u64) -> (Row, u64) {
    let mut n = [0u64; 3];
    for d in v {
        match d {
            Dq::Dk => n[0] += 1,
            Dq::Missing => n[1] += 1,
            Dq::Issue => n[2] += 1,
            Dq::Ok => {}
        }
    }
    let total = n.iter().sum::<u64>();
    (
        Row::new(
            label,
            vec![
                Cell::Count(n[0]),
                Cell::Count(n[1]),
                Cell::Count(n[2]),
                Cell::Count(total),
                ratio(total, denominator),
            ],
        ),
        total,
    )
}

pub fn name(u: &Universe, c: &Client) -> Dq {
    let r = &u.detail(c).client;
    if is_dk(r.name_dq) {
        Dq::Dk
    } else if is_dnc(r.name_dq) || r.name_blank {
        Dq::Missing
    } else if r.name_dq == 2 {
        Dq::Issue
    } else {
        Dq::Ok
    }
}

pub fn ssn(u: &Universe, c: &Client) -> Dq {
    let r = &u.detail(c).client;
    if is_dk(r.ssn_dq) {
        Dq::Dk
    } else if is_dnc(r.ssn_dq) || r.ssn == SsnShape::Missing {
        Dq::Missing
    } else if r.ssn_dq == 2 || (r.ssn_dq == 1 && r.ssn == SsnShape::Invalid) {
        Dq::Issue
    } else {
        Dq::Ok
    }
}

pub fn dob(u: &Universe, c: &Client) -> Dq {
    let d = u.detail(c);
    let r = &d.client;
    let Some(b) = r.dob else {
        return if is_dk(r.dob_dq) { Dq::Dk } else { Dq::Missing };
    };
    let floor = day(NaiveDate::from_ymd_opt(1915, 1, 1).unwrap_or(NaiveDate::MIN));
    let implausible = b < floor
        || d.created.is_some_and(|x| b > x)
        || r.created.is_some_and(|x| b > x)
        || (c.hoh && b > c.entry);
    if r.dob_dq == 2 || implausible || is_dk(r.dob_dq) || r.dob_dq == 99 {
        Dq::Issue
    } else {
        Dq::Ok
    }
}

pub fn race(u: &Universe, c: &Client) -> Dq {
    let r = &u.detail(c).client;
    if is_dk(r.race_none) {
        Dq::Dk
    } else if r.race == 0 {
        Dq::Missing
    } else {
        Dq::Ok
    }
}

pub fn gender(u: &Universe, c: &Client, fy24: bool) -> Dq {
    if fy24 {
        let r = &u.detail(c).client;
        if is_dk(r.gender_none) {
            Dq::Dk
        } else if r.gender == 0 {
            Dq::Missing
        } else {
            Dq::Ok
        }
    } else {
        let s = u.facts.person(u.enrollment(c)).sex;
        if is_dk(s) {
            Dq::Dk
        } else if is_dnc(s) {
            Dq::Missing
        } else {
            Dq::Ok
        }
    }
}

/// Income record data quality at start or exit: `on` is the date the record must carry.
pub fn income_dq(rec: Option<&IncomeRecord>, on: Option<i32>) -> Dq {
    let Some(r) = rec.filter(|r| on.is_none_or(|d| r.date == d)) else {
        return Dq::Missing;
    };
    if is_dk(r.income_any) {
        Dq::Dk
    } else if is_dnc(r.income_any) {
        Dq::Missing
    } else if (r.income_any == 0 && r.sources != 0) || (r.income_any == 1 && r.sources == 0) {
        Dq::Issue
    } else {
        Dq::Ok
    }
}

/// One data element's row of Q6a-Q6c: the clients counted in its Total column (DK/PNTA,
/// missing or data issue) and HUD's denominator for its error rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementRate {
    pub table: &'static str,
    pub element: String,
    pub errors: u64,
    pub denominator: u64,
}

/// A [`dq_row`] that also records the element's errors and denominator.
fn counted(
    rates: &mut Vec<ElementRate>,
    table: &'static str,
    label: &str,
    v: impl Iterator<Item = Dq>,
    denominator: u64,
) -> (Row, u64) {
    let (row, total) = dq_row(label, v, denominator);
    rates.push(ElementRate {
        table,
        element: label.to_string(),
        errors: total,
        denominator,
    });
    (row, total)
}

pub fn tables(u: &Universe, fy24: bool) -> Vec<Table> {
    tables_and_rates(u, fy24).0
}

/// Q6a-Q6f, and the errors and denominator of every data element of Q6a, Q6b and Q6c.
pub fn tables_and_rates(u: &Universe, fy24: bool) -> (Vec<Table>, Vec<ElementRate>) {
    let mut rates = Vec::new();
    let dq: Vec<&Client> = u.clients.iter().filter(|c| c.engaged).collect();
    let n = dq.len() as u64;

    // Q6a.
    let mut q6a = Table::new(
        "Q6a",
        "Data Quality: Personally Identifiable Information",
        "Data Element",
        &DQ_COLUMNS,
    );
    type Check<'a> = (&'a str, &'a dyn Fn(&Client) -> Dq);
    let checks: [Check; 5] = [
        ("Name (3.01)", &|c| name(u, c)),
        ("Social Security Number (3.02)", &|c| ssn(u, c)),
        ("Date of Birth (3.03)", &|c| dob(u, c)),
        ("Race/Ethnicity (3.04)", &|c| race(u, c)),
        (if fy24 { "Gender (3.06)" } else { "Sex (3.06)" }, &|c| {
            gender(u, c, fy24)
        }),
    ];
    for (label, f) in &checks {
        q6a.rows
            .push(counted(&mut rates, "Q6a", label, dq.iter().map(|c| f(c)), n).0);
    }
    let any = dq
        .iter()
        .filter(|c| checks.iter().any(|(_, f)| f(c) != Dq::Ok))
        .count() as u64;
    q6a.rows.push(Row::total(
        "Overall Score",
        vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Count(any),
            ratio(any, n),
        ],
    ));

    // Q6b.
    let mut q6b = Table::new(
        "Q6b",
        "Data Quality: Universal Data Elements",
        "Data Element",
        &DQ_COLUMNS,
    );
    q6b.columns[4] = "% of Issue Rate".into();
    let known_age = dq.iter().filter(|c| c.age.is_some()).count() as u64;
    let vet = |c: &Client| {
        let v = u.detail(c).client.veteran;
        if c.adult() {
            if is_dk(v) {
                Dq::Dk
            } else if is_dnc(v) {
                Dq::Missing
            } else {
                Dq::Ok
            }
        } else if c.child() && v == 1 {
            Dq::Issue
        } else {
            Dq::Ok
        }
    };
    q6b.rows.push(
        counted(
            &mut rates,
            "Q6b",
            "Veteran Status (3.07)",
            dq.iter().map(|c| vet(c)),
            known_age,
        )
        .0,
    );
    let overlap = |c: &Client| {
        let e = u.enrollment(c);
        let earlier = u.facts.enrollments_of(e.person).any(|j| {
            let o = &u.facts.enrollments[j];
            j != c.e
                && o.project == e.project
                && o.entry < e.entry
                && o.exit.is_some_and(|x| e.entry < x)
        });
        if earlier { Dq::Issue } else { Dq::Ok }
    };
    q6b.rows.push(
        counted(
            &mut rates,
            "Q6b",
            "Project Start Date (3.10)",
            dq.iter().map(|c| overlap(c)),
            n,
        )
        .0,
    );
    let rel = |c: &Client| {
        let e = u.enrollment(c);
        if e.relationship == crate::ingest::table::NULL_INT {
            return Dq::Missing;
        }
        let heads = u.facts.households[e.household as usize]
            .members
            .iter()
            .filter(|&&m| u.facts.enrollments[m as usize].relationship == 1)
            .count();
        if !(1..=5).contains(&e.relationship) || heads != 1 {
            Dq::Issue
        } else {
            Dq::Ok
        }
    };
    q6b.rows.push(
        counted(
            &mut rates,
            "Q6b",
            "Relationship to Head of Household (3.15)",
            dq.iter().map(|c| rel(c)),
            n,
        )
        .0,
    );
    let hohs: Vec<&&Client> = dq.iter().filter(|c| c.hoh).collect();
    q6b.rows.push(
        counted(
            &mut rates,
            "Q6b",
            "Enrollment CoC (3.16)",
            hohs.iter().map(|c| match u.detail(c).coc {
                CocCode::Null => Dq::Missing,
                CocCode::Invalid => Dq::Issue,
                CocCode::Valid => Dq::Ok,
            }),
            hohs.len() as u64,
        )
        .0,
    );
    let disabling = |c: &Client| {
        let e = u.enrollment(c);
        let dc = e.ch.disabling_condition;
        if is_dk(dc) {
            Dq::Dk
        } else if is_dnc(dc) {
            Dq::Missing
        } else if dc == 0 && e.ch.disabled_by_records {
            Dq::Issue
        } else {
            Dq::Ok
        }
    };
    q6b.rows.push(
        counted(
            &mut rates,
            "Q6b",
            "Disabling Condition (3.08)",
            dq.iter().map(|c| disabling(c)),
            n,
        )
        .0,
    );

    // Q6c.
    let mut q6c = Table::new(
        "Q6c",
        "Data Quality: Income and Housing Data Quality",
        "Data Element",
        &DQ_COLUMNS,
    );
    q6c.columns[4] = "% of Issue Rate".into();
    let leavers: Vec<&&Client> = dq.iter().filter(|c| c.leaver).collect();
    q6c.rows.push(
        counted(
            &mut rates,
            "Q6c",
            "Destination (3.12)",
            leavers.iter().map(|c| {
                let d = u.enrollment(c).destination;
                if is_dk(d) {
                    Dq::Dk
                } else if d == 30 || is_dnc(d) {
                    Dq::Missing
                } else {
                    Dq::Ok
                }
            }),
            leavers.len() as u64,
        )
        .0,
    );
    let ah: Vec<&&Client> = dq.iter().filter(|c| c.adult_or_hoh()).collect();
    q6c.rows.push(
        counted(
            &mut rates,
            "Q6c",
            "Income and Sources (4.02) at Start",
            ah.iter()
                .map(|c| income_dq(c.income_start.as_ref(), Some(c.entry))),
            ah.len() as u64,
        )
        .0,
    );
    let annual: Vec<&&&Client> = ah
        .iter()
        .filter(|c| c.stayer() && c.annual_required)
        .collect();
    let long = ah
        .iter()
        .filter(|c| c.stayer() && u.hoh_los(c) >= 365)
        .count() as u64;
    q6c.rows.push(
        counted(
            &mut rates,
            "Q6c",
            "Income and Sources (4.02) at Annual Assessment",
            annual
                .iter()
                .map(|c| income_dq(c.income_annual.as_ref(), None)),
            long,
        )
        .0,
    );
    let ah_leavers: Vec<&&&Client> = ah.iter().filter(|c| c.leaver).collect();
    q6c.rows.push(
        counted(
            &mut rates,
            "Q6c",
            "Income and Sources (4.02) at Exit",
            ah_leavers
                .iter()
                .map(|c| income_dq(c.income_exit.as_ref(), c.exit)),
            ah_leavers.len() as u64,
        )
        .0,
    );

    (
        vec![q6a, q6b, q6c, q6d(u, &dq), q6e(u, &dq), q6f(u, &dq)],
        rates,
    )
}

fn q6d(u: &Universe, dq: &[&Client]) -> Table {
    let mut t = Table::new(
        "Q6d",
        "Data Quality: Chronic Homelessness",
        "Entering into project type",
        &[
            "Count of total records",
            "Missing time in institution (3.917.2)",
            "Missing time in housing (3.917.2)",
            "Approximate date this episode started (3.917.3) DK/PNTA/missing",
            "Number of times (3.917.4) DK/PNTA/missing",
            "Number of months (3.917.5) DK/PNTA/missing",
            "% of records unable to calculate",
        ],
    );
    let floor = day(NaiveDate::from_ymd_opt(2016, 10, 1).unwrap_or(NaiveDate::MIN));
    let groups: [(&str, &[i32]); 5] = [
        (
            "ES-EE, ES-NbN, SH, Street Outreach",
            &[pt::ES_EE, pt::ES_NBN, pt::SH, pt::SO],
        ),
        ("TH", &[pt::TH]),
        ("PH (all)", &[pt::PSH, pt::PH_HO, pt::PH_HS, pt::RRH]),
        ("CE", &[pt::CE]),
        ("SSO, Day Shelter, HP", &[pt::SSO, pt::DAY, pt::HP]),
    ];
    let bad = |x: i32| is_dk(x) || is_dnc(x);
    let (mut total_n, mut total_bad) = (0u64, 0u64);
    for (i, (label, types)) in groups.iter().enumerate() {
        let mut v = [0u64; 6];
        let mut problem = 0u64;
        for c in dq
            .iter()
            .filter(|c| c.adult_or_hoh() && c.entry >= floor && types.contains(&c.ptype))
        {
            let e = u.enrollment(c);
            let ch = &e.ch;
            let los = u.detail(c).length_of_stay;
            v[0] += 1;
            let mut flags = [false; 5];
            if i == 0 {
                flags[2] = ch.date_to_street.is_none();
                flags[3] = bad(ch.times_homeless);
                flags[4] = bad(ch.months_homeless);
            } else {
                let ls = ch.living_situation;
                let inst = (200..300).contains(&ls);
                let homeless = (100..200).contains(&ls);
                flags[0] = inst && bad(los);
                flags[1] = !inst && !homeless && bad(los);
                let applies = homeless
                    || (inst && matches!(los, 10 | 11 | 2 | 3) && ch.previous_street_essh == 1)
                    || (!inst && matches!(los, 10 | 11) && ch.previous_street_essh == 1);
                if applies {
                    flags[2] = ch.date_to_street.is_none();
                    flags[3] = bad(ch.times_homeless);
                    flags[4] = bad(ch.months_homeless);
                }
            }
            for (k, f) in flags.iter().enumerate() {
                if *f {
                    v[k + 1] += 1;
                }
            }
            if flags.iter().any(|f| *f) {
                problem += 1;
            }
        }
        total_n += v[0];
        total_bad += problem;
        let mut cells: Vec<Cell> = v.iter().map(|&n| Cell::Count(n)).collect();
        if i == 0 {
            cells[1] = Cell::Empty;
            cells[2] = Cell::Empty;
        }
        cells.push(ratio(problem, v[0]));
        t.rows.push(Row::new(*label, cells));
    }
    t.rows.push(Row::total(
        "Total",
        vec![
            Cell::Count(total_n),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            ratio(total_bad, total_n),
        ],
    ));
    t
}

fn q6e(u: &Universe, dq: &[&Client]) -> Table {
    let mut t = Table::new(
        "Q6e",
        "Data Quality: Timeliness",
        "Time for Record Entry",
        &[
            "Number of Project Start Records",
            "Number of Project Exit Records",
        ],
    );
    let band = |d: i32| match d {
        i32::MIN..=-1 => 0,
        0 => 1,
        1..=3 => 2,
        4..=6 => 3,
        7..=10 => 4,
        _ => 5,
    };
    let mut m = [[0u64; 2]; 6];
    for c in dq {
        let d = u.detail(c);
        if c.entry >= u.start
            && let Some(x) = d.created
        {
            m[band(x - c.entry)][0] += 1;
        }
        if c.leaver
            && let (Some(x), Some(exit)) = (d.exit_created, c.exit)
        {
            m[band(x - exit)][1] += 1;
        }
    }
    for (i, l) in [
        "< 0 days",
        "0 days",
        "1-3 days",
        "4-6 days",
        "7-10 days",
        "11+ days",
    ]
    .iter()
    .enumerate()
    {
        t.rows.push(Row::new(
            *l,
            vec![Cell::Count(m[i][0]), Cell::Count(m[i][1])],
        ));
    }
    t
}

fn q6f(u: &Universe, dq: &[&Client]) -> Table {
    let mut t = Table::new(
        "Q6f",
        "Data Quality: Inactive Records: Street Outreach and Emergency Shelter",
        "Data Element",
        &[
            "# of Records",
            "# of Inactive Records",
            "% of Inactive Records",
        ],
    );
    let cutoff = u.end - 90;
    let stayers: Vec<&&Client> = dq
        .iter()
        .filter(|c| c.stayer() && c.entry <= cutoff)
        .collect();
    let contact: Vec<&&&Client> = stayers
        .iter()
        .filter(|c| c.adult_or_hoh() && matches!(c.ptype, pt::SO | pt::ES_NBN))
        .collect();
    let inactive_contact = contact
        .iter()
        .filter(|c| {
            let last = u
                .details
                .contacts(c.e)
                .iter()
                .filter(|k| k.date <= u.end)
                .map(|k| k.date)
                .max()
                .unwrap_or(c.entry)
                .max(c.entry);
            last < cutoff
        })
        .count() as u64;
    let beds: Vec<&&&Client> = stayers.iter().filter(|c| c.ptype == pt::ES_NBN).collect();
    let inactive_beds = beds
        .iter()
        .filter(|c| {
            let s = u.facts.services(u.enrollment(c));
            let last = s.iter().filter(|&&d| d <= u.end).max();
            last.is_none_or(|&d| d < cutoff)
        })
        .count() as u64;
    for (label, n, k) in [
        (
            "Contact (Adults and Heads of Household in Street Outreach or ES - NBN)",
            contact.len() as u64,
            inactive_contact,
        ),
        (
            "Bed Night (All clients in ES - NBN)",
            beds.len() as u64,
            inactive_beds,
        ),
    ] {
        t.rows.push(Row::new(
            label,
            vec![Cell::Count(n), Cell::Count(k), ratio(k, n)],
        ));
    }
    t
}
