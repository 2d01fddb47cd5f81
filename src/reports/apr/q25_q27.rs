//! Q25 veterans, Q26 chronically homeless persons, Q27 youth.

use crate::facts::detail::EducationRecord;
use crate::facts::{ChStatus, HouseholdType};
use crate::reports::{Cell, Row, Table};

use super::q10_q15::{At, CONDITION_ROWS, conditions, gender_table, living_table, records_at};
use super::q16_q21::{q17, q18, q19b};
use super::q22_q24::{destination_table, q22a1, q22b, q22c, q22e, subsidy_table};
use super::{Client, DK, DNC, HH_COLUMNS, Kind, Universe, counts, is_dk, pt};

const VET_COLUMNS: [&str; 4] = [
    "Total",
    "Without Children",
    "With Children and Adults",
    "Unknown Household Type",
];

fn vet_col(c: &Client) -> Option<usize> {
    match c.hh_type {
        HouseholdType::AdultsOnly => Some(1),
        HouseholdType::AdultChild => Some(2),
        HouseholdType::Unknown => Some(3),
        HouseholdType::ChildrenOnly => None,
    }
}

/// Veteran row: 0 CH veteran, 1 non-CH veteran, 2 not a veteran, 3 DK/PNTA, 4 DNC.
fn vet_row(c: &Client) -> usize {
    match c.veteran {
        1 if c.ch == ChStatus::Yes => 0,
        1 => 1,
        0 => 2,
        v if is_dk(v) => 3,
        _ => 4,
    }
}

const VET_ROWS: [&str; 6] = [
    "Chronically Homeless Veteran",
    "Non-Chronically Homeless Veteran",
    "Not a Veteran",
    DK,
    DNC,
    "Total",
];

fn age_table(
    id: &str,
    title: &str,
    clients: &[&Client],
    columns: &[&str],
    col: &dyn Fn(&Client) -> Option<usize>,
    with_children: bool,
) -> Table {
    let mut bands: Vec<(&str, u32, u32)> = Vec::new();
    if with_children {
        bands.push(("0 - 17", 0, 17));
    }
    bands.extend([
        ("18-24", 18, 24),
        ("25-34", 25, 34),
        ("35-44", 35, 44),
        ("45-54", 45, 54),
        ("55-64", 55, 64),
        ("65+", 65, 200),
    ]);
    let w = columns.len();
    let mut m = vec![vec![0u64; w]; bands.len() + 3];
    for c in clients {
        let row = match c.age {
            Some(a) => bands.iter().position(|b| a >= b.1 && a <= b.2),
            None if is_dk(c.dob_dq) => Some(bands.len()),
            None => Some(bands.len() + 1),
        };
        for r in row.into_iter().chain([bands.len() + 2]) {
            m[r][0] += 1;
            if let Some(k) = col(c) {
                m[r][k] += 1;
            }
        }
    }
    let mut t = Table::new(id, title, "", columns);
    let mut labels: Vec<&str> = bands.iter().map(|b| b.0).collect();
    labels.extend([DK, DNC, "Total"]);
    for (i, l) in labels.iter().enumerate() {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    t
}

fn q25(u: &Universe, fy24: bool) -> Vec<Table> {
    let adults: Vec<&Client> = u.clients.iter().filter(|c| c.adult()).collect();
    let mut out = Vec::new();
    let mut a = Table::new("Q25a", "Number of Veterans", "", &VET_COLUMNS);
    let mut m = [[0u64; 4]; 6];
    for c in &adults {
        for r in [vet_row(c), 5] {
            m[r][0] += 1;
            if let Some(k) = vet_col(c) {
                m[r][k] += 1;
            }
        }
    }
    for (i, l) in VET_ROWS.iter().enumerate() {
        a.rows.push(Row::new(*l, counts(&m[i])));
    }
    out.push(a);

    let mut b = Table::new("Q25b", "Number of Veteran Households", "", &VET_COLUMNS);
    let mut m = [[0u64; 4]; 6];
    for c in u.clients.iter().filter(|c| c.hoh) {
        let Some(k) = vet_col(c) else { continue };
        let members: Vec<&Client> = u.households[c.household]
            .members
            .iter()
            .map(|&i| &u.clients[i])
            .filter(|m| m.adult())
            .collect();
        if members.is_empty() {
            continue;
        }
        let row = if members
            .iter()
            .any(|m| m.veteran == 1 && m.ch == ChStatus::Yes)
        {
            0
        } else if members.iter().any(|m| m.veteran == 1) {
            1
        } else if !members.is_empty() && members.iter().all(|m| m.veteran == 0) {
            2
        } else if members.iter().any(|m| is_dk(m.veteran)) {
            3
        } else {
            4
        };
        for r in [row, 5] {
            m[r][0] += 1;
            m[r][k] += 1;
        }
    }
    for (i, l) in VET_ROWS.iter().enumerate() {
        b.rows.push(Row::new(*l, counts(&m[i])));
    }
    out.push(b);

    let vets: Vec<&Client> = adults.iter().copied().filter(|c| c.veteran == 1).collect();
    if fy24 {
        out.push(gender_table(
            u,
            "Q25c",
            "Gender - Veterans",
            &vets,
            &VET_COLUMNS,
            &vet_col,
        ));
    }
    out.push(age_table(
        "Q25d",
        "Age - Veterans",
        &vets,
        &VET_COLUMNS,
        &vet_col,
        false,
    ));
    let vet_leavers: Vec<&Client> = vets.iter().copied().filter(|c| c.leaver).collect();
    out.push(destination_table(
        u,
        "Q25i",
        "Exit Destination - Veterans",
        &vet_leavers,
        &HH_COLUMNS,
        &|c| Some(c.hh_col()),
    ));
    out.push(subsidy_table(
        u,
        "Q25j",
        "Exit Destination \u{2013} Subsidy Type of Persons Exiting to Rental by Client With An Ongoing Subsidy - Veterans",
        &vet_leavers,
        &VET_COLUMNS,
        &vet_col,
    ));
    out
}

const CH_ROWS: [&str; 5] = [
    "Chronically Homeless",
    "Not Chronically Homeless",
    DK,
    DNC,
    "Total",
];

fn ch_row(s: ChStatus) -> usize {
    match s {
        ChStatus::Yes => 0,
        ChStatus::No => 1,
        ChStatus::DkPnta => 2,
        ChStatus::Missing => 3,
    }
}

fn q26(u: &Universe, fy24: bool) -> Vec<Table> {
    let mut out = Vec::new();
    let mut a = Table::new(
        "Q26a",
        "Chronic Homeless Status - Number of Households w/at least one or more CH person",
        "",
        &HH_COLUMNS,
    );
    let mut m = [[0u64; 5]; 5];
    for c in u.clients.iter().filter(|c| c.hoh) {
        let row = u.households[c.household]
            .members
            .iter()
            .map(|&i| ch_row(u.clients[i].ch))
            .min()
            .unwrap_or(3);
        for r in [row, 4] {
            m[r][0] += 1;
            m[r][c.hh_col()] += 1;
        }
    }
    for (i, l) in CH_ROWS.iter().enumerate() {
        a.rows.push(Row::new(*l, counts(&m[i])));
    }
    out.push(a);
    let mut b = Table::new(
        "Q26b",
        "Number of Chronically Homeless Persons by Household",
        "",
        &HH_COLUMNS,
    );
    let mut m = [[0u64; 5]; 5];
    for c in &u.clients {
        for r in [ch_row(c.ch), 4] {
            m[r][0] += 1;
            m[r][c.hh_col()] += 1;
        }
    }
    for (i, l) in CH_ROWS.iter().enumerate() {
        b.rows.push(Row::new(*l, counts(&m[i])));
    }
    out.push(b);
    let ch: Vec<&Client> = u.clients.iter().filter(|c| c.ch == ChStatus::Yes).collect();
    let hh = |c: &Client| Some(c.hh_col());
    if fy24 {
        out.push(gender_table(
            u,
            "Q26c",
            "Gender of Chronically Homeless Persons",
            &ch,
            &HH_COLUMNS,
            &hh,
        ));
    }
    out.push(age_table(
        "Q26d",
        "Age of Chronically Homeless Persons",
        &ch,
        &HH_COLUMNS,
        &hh,
        true,
    ));
    let mut e = Table::new(
        "Q26e",
        "Physical and Mental Health Conditions - Chronically Homeless Persons",
        "",
        &[
            "Conditions At Start",
            "Conditions at Latest Assessment for Stayers",
            "Conditions at Exit for Leavers",
        ],
    );
    let mut m = [[0u64; 3]; 8];
    for c in &ch {
        let mut at = vec![(0, At::Start)];
        at.push(if c.leaver {
            (2, At::Exit)
        } else {
            (1, At::Latest)
        });
        for (k, when) in at {
            for (i, yes) in conditions(&records_at(u, c, when)).iter().enumerate() {
                if *yes {
                    m[i][k] += 1;
                }
            }
        }
    }
    for (i, l) in CONDITION_ROWS.iter().enumerate() {
        e.rows.push(Row::new(*l, counts(&m[i])));
    }
    out.push(e);
    out
}

fn q27(u: &Universe, fy24: bool) -> Vec<Table> {
    let youth: Vec<&Client> = u.clients.iter().filter(|c| c.youth).collect();
    let hh = |c: &Client| Some(c.hh_col());
    let mut out = Vec::new();
    let age_in = |c: &Client, lo: u32, hi: u32| c.age.is_some_and(|a| a >= lo && a <= hi);
    let mut a = Table::new("Q27a", "Age of Youth", "", &HH_COLUMNS);
    let mut m = [[0u64; 5]; 5];
    for c in &youth {
        let row = if age_in(c, 12, 17) {
            0
        } else if age_in(c, 18, 24) {
            1
        } else if is_dk(c.dob_dq) {
            2
        } else {
            3
        };
        for r in [row, 4] {
            m[r][0] += 1;
            m[r][c.hh_col()] += 1;
        }
    }
    for (i, l) in ["12-17", "18-24", DK, DNC, "Total"].iter().enumerate() {
        a.rows.push(Row::new(*l, counts(&m[i])));
    }
    out.push(a);

    let mut b = Table::new(
        "Q27b",
        "Parenting Youth",
        "",
        &[
            "Total parenting youth",
            "Total children of parenting youth",
            "Total persons",
            "Total Households",
        ],
    );
    for (label, lo, hi) in [
        ("Parent youth < 18", 12, 17),
        ("Parent youth 18 to 24", 18, 24),
    ] {
        let (mut parents, mut children, mut households) = (0u64, 0u64, 0u64);
        for c in u
            .clients
            .iter()
            .filter(|c| c.hoh && c.parenting_youth && age_in(c, lo, hi))
        {
            households += 1;
            for &i in &u.households[c.household].members {
                let mbr = &u.clients[i];
                if mbr.parenting_youth {
                    parents += 1;
                } else if mbr.relationship == 2 {
                    children += 1;
                }
            }
        }
        b.rows.push(Row::new(
            label,
            counts(&[parents, children, parents + children, households]),
        ));
    }
    out.push(b);
    if fy24 {
        out.push(gender_table(
            u,
            "Q27c",
            "Gender - Youth",
            &youth,
            &HH_COLUMNS,
            &hh,
        ));
    }
    let youth_hoh: Vec<&Client> = youth.iter().copied().filter(|c| c.hoh).collect();
    out.push(living_table(
        u,
        "Q27d",
        "Living Situation - Youth",
        &youth_hoh,
    ));
    out.push(q22a1("Q27e", "Length of Participation - Youth", &youth));
    let leavers: Vec<&Client> = youth.iter().copied().filter(|c| c.leaver).collect();
    out.push(destination_table(
        u,
        "Q27f1",
        "Exit Destination - Youth",
        &leavers,
        &HH_COLUMNS,
        &hh,
    ));
    out.push(subsidy_table(
        u,
        "Q27f2",
        "Exit Destination \u{2013} Subsidy Type of Persons Exiting to Rental by Client With An Ongoing Subsidy - Youth",
        &leavers,
        &HH_COLUMNS,
        &hh,
    ));
    let income_youth: Vec<&Client> = youth
        .iter()
        .copied()
        .filter(|c| age_in(c, 18, 24) || c.hoh)
        .collect();
    let mut g = q17(
        "Q27g",
        "Cash Income - Sources - Youth",
        &income_youth,
        "Youth",
    );
    g.columns = super::q16_q21::STAGE_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .collect();
    out.push(g);
    out.push(q18(
        "Q27h",
        "Client Cash Income Category - Earned/Other Income Category - by Start and Annual Assessment/Exit Status - Youth",
        &income_youth,
        "Youth",
    ));
    out.push(q19b(
        u,
        "Q27i",
        "Disabling Conditions and Income for Youth at Exit",
        &income_youth,
        "Youth",
        true,
    ));
    out.push(q22b(
        "Q27j",
        "Average and Median Length of Participation in Days - Youth",
        &youth,
    ));
    out.push(q22c(
        u,
        "Q27k",
        "Length of Time between Project Start Date and Housing Move-in Date - Youth",
        &youth,
    ));
    out.push(q22e(
        u,
        "Q27l",
        "Length of Time Prior to Housing - based on 3.917 Date Homelessness Started - Youth",
        &youth,
    ));
    out.push(q27m(u, &youth));
    out
}

/// Q27m rows; None = a section header (its cells are blank).
const EDUCATION_ROWS: [Option<&str>; 25] = [
    Some("Not currently enrolled in any school or education course"),
    Some("Currently enrolled but not attending regularly"),
    Some("Currently enrolled and attending regularly"),
    Some(DK),
    Some(DNC),
    None,
    Some("K12: Graduated from high school"),
    Some("K12: Obtained GED"),
    Some("K12: Dropped out"),
    Some("K12: Suspended"),
    Some("K12: Expelled"),
    Some("Higher education: Pursuing a credential but not currently attending"),
    Some("Higher education: Dropped out"),
    Some("Higher education: Obtained a credential/degree"),
    Some(DK),
    Some(DNC),
    None,
    Some("Pursuing a high school diploma or GED"),
    Some("Pursuing Associate Degree"),
    Some("Pursuing Bachelor Degree"),
    Some("Pursuing Graduate Degree"),
    Some("Pursuing other post-secondary credential"),
    Some(DK),
    Some(DNC),
    Some("Total"),
];
const NOT_ENROLLED_HEADER: &str = "For those not enrolled \u{2013} most recent education status";
const ENROLLED_HEADER: &str = "For those currently enrolled \u{2013} current status";

/// The rows of Q27m one education record (None: no record) counts in.
fn education_rows(r: Option<&EducationRecord>) -> Vec<usize> {
    let Some(r) = r else { return vec![4, 24] };
    let mut rows = vec![match r.attend {
        0 => 0,
        1 => 1,
        2 => 2,
        8 | 9 => 3,
        _ => 4,
    }];
    match r.attend {
        0 => rows.push(match r.most_recent {
            k @ 0..=7 => 6 + k as usize,
            8 | 9 => 14,
            _ => 15,
        }),
        1 | 2 => rows.push(match r.current {
            k @ 0..=4 => 17 + k as usize,
            8 | 9 => 22,
            _ => 23,
        }),
        _ => {}
    }
    rows.push(24);
    rows
}

/// Q27m: youth heads of household who left TH, PSH, SO, SSO or RRH, by their education
/// status (C3) at project start (DataCollectionStage 1) and at exit (stage 3).
fn q27m(u: &Universe, youth: &[&Client]) -> Table {
    let mut t = Table::new(
        "Q27m",
        "Education Status - Youth",
        "",
        &["At Project Start", "At Project Exit"],
    );
    let mut m = [[0u64; 2]; 25];
    for c in youth.iter().filter(|c| {
        c.hoh && c.leaver && matches!(c.ptype, pt::TH | pt::PSH | pt::SO | pt::SSO | pt::RRH)
    }) {
        let recs = u.details.education(c.e);
        // The stage's record dated on the start (exit) date, else its latest one.
        let at = |stage: i32, on: Option<crate::facts::Day>| {
            let of_stage = recs.iter().filter(move |r| r.stage == stage);
            on.and_then(|o| of_stage.clone().rfind(|r| r.date == o))
                .or_else(|| of_stage.clone().next_back())
        };
        for (k, rec) in [(0, at(1, Some(c.entry))), (1, at(3, c.exit))] {
            for r in education_rows(rec) {
                m[r][k] += 1;
            }
        }
    }
    for (i, label) in EDUCATION_ROWS.iter().enumerate() {
        let row = match label {
            None if i == 5 => Row::new(NOT_ENROLLED_HEADER, vec![Cell::Empty; 2]),
            None => Row::new(ENROLLED_HEADER, vec![Cell::Empty; 2]),
            Some("Total") => Row::total("Total", counts(&m[i])),
            Some(l) => Row::new(*l, counts(&m[i])),
        };
        t.rows.push(row);
    }
    t
}

pub fn tables(u: &Universe, fy24: bool, kind: Kind) -> Vec<Table> {
    let mut out = q25(u, fy24);
    out.extend(q26(u, fy24));
    if kind == Kind::Apr {
        out.extend(q27(u, fy24));
    }
    out
}
