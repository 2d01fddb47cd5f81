//! Q10 gender, Q11 age, Q12 race and ethnicity, Q13 health conditions, Q14 domestic
//! violence, Q15 prior living situation.

use crate::facts::detail::DisabilityRecord;
use crate::reports::{Cell, Row, Table};

use super::{Client, DK, DNC, HH_COLUMNS, Kind, Universe, counts, grey, hh_table, is_dk};

/// Gender bits in HUD's row order (Woman, Man, Culturally Specific, Transgender,
/// Non-Binary, Questioning, Different Identity) with their labels.
const GENDERS: [(u8, &str); 7] = [
    (0, "Woman"),
    (1, "Man"),
    (2, "Culturally Specific Identity"),
    (5, "Transgender"),
    (4, "Non-Binary"),
    (6, "Questioning"),
    (3, "Different Identity"),
];

/// Q10a rows: (label, predicate on the gender bits and GenderNone).
/// A gender row: label and a predicate on (gender bits, GenderNone).
pub type GenderRow = (String, Box<dyn Fn(u8, i32) -> bool>);

pub fn gender_rows() -> Vec<GenderRow> {
    let mut v: Vec<GenderRow> = Vec::new();
    for &(b, l) in &GENDERS {
        v.push((l.to_string(), Box::new(move |g, _| g == 1 << b)));
    }
    for i in 0..GENDERS.len() {
        for j in i + 1..GENDERS.len() {
            let (bi, li) = GENDERS[i];
            let (bj, lj) = GENDERS[j];
            v.push((
                format!("{li}/{lj}"),
                Box::new(move |g, _| g == (1 << bi) | (1 << bj)),
            ));
        }
    }
    v.push((
        "More than 2 Gender Identities Selected".into(),
        Box::new(|g, _| g.count_ones() > 2),
    ));
    v.push((DK.into(), Box::new(|g, n| g == 0 && is_dk(n))));
    v.push((DNC.into(), Box::new(|g, n| g == 0 && !is_dk(n))));
    v.push(("Total".into(), Box::new(|_, _| true)));
    v
}

/// A gender table (Q10a, Q25c, Q26c, Q27c) over some clients, with the given columns.
pub fn gender_table(
    u: &Universe,
    id: &str,
    title: &str,
    clients: &[&Client],
    columns: &[&str],
    col: &dyn Fn(&Client) -> Option<usize>,
) -> Table {
    let mut t = Table::new(id, title, "", columns);
    // Counts per distinct (gender bits, GenderNone), then each row sums the ones it takes.
    let mut by_answer: std::collections::BTreeMap<_, Vec<u64>> = Default::default();
    for c in clients {
        let r = &u.detail(c).client;
        let v = by_answer
            .entry((r.gender, r.gender_none))
            .or_insert_with(|| vec![0u64; columns.len()]);
        v[0] += 1;
        if let Some(k) = col(c) {
            v[k] += 1;
        }
    }
    for (label, pred) in gender_rows() {
        let mut v = vec![0u64; columns.len()];
        for (&(g, n), counts) in &by_answer {
            if pred(g, n) {
                for (x, y) in v.iter_mut().zip(counts) {
                    *x += y;
                }
            }
        }
        t.rows.push(Row::new(label, counts(&v)));
    }
    t
}

/// Race labels in bit order (facts::person::RACE_COLUMNS).
pub const RACES: [&str; 7] = [
    "American Indian, Alaska Native, or Indigenous",
    "Asian or Asian American",
    "Black, African American, or African",
    "Hispanic/Latina/e/o",
    "Middle Eastern or North African",
    "Native Hawaiian or Pacific Islander",
    "White",
];

/// Q12's row of a person: 0..=6 single, 7..=27 pairs, 28 multi with Hispanic, 29 multi
/// without, 30 DK/PNTA, 31 not collected.
pub fn race_row(bits: u8, none: i32) -> usize {
    match bits.count_ones() {
        0 => {
            if is_dk(none) {
                30
            } else {
                31
            }
        }
        1 => bits.trailing_zeros() as usize,
        2 => {
            let lo = bits.trailing_zeros() as usize;
            let hi = 7 - (bits.leading_zeros() as usize - 1) - 1;
            // Pairs are ordered by the lower race, then the higher.
            let mut k = 7;
            for j in 0..7 {
                for i in j + 1..7 {
                    if j == lo && i == hi {
                        return k;
                    }
                    k += 1;
                }
            }
            29
        }
        _ if bits & (1 << 3) != 0 => 28,
        _ => 29,
    }
}

pub fn race_labels() -> Vec<String> {
    let mut v: Vec<String> = RACES.iter().map(|s| s.to_string()).collect();
    for j in 0..7 {
        for i in j + 1..7 {
            v.push(format!("{} & {}", RACES[i], RACES[j]));
        }
    }
    v.push(
        "Multiracial \u{2013} more than 2 races/ethnicity, with one being Hispanic/Latina/e/o"
            .into(),
    );
    v.push("Multiracial \u{2013} more than 2 races, where no option is Hispanic/Latina/e/o".into());
    v.push(DK.into());
    v.push(DNC.into());
    v
}

/// The Q22f/Q23e race group of a person: 0..=6 single race only, 7 Hispanic with at least
/// one race, 8 multiracial without Hispanic, 9 unknown.
pub fn race_group(bits: u8) -> usize {
    match bits.count_ones() {
        0 => 9,
        1 => bits.trailing_zeros() as usize,
        _ if bits & (1 << 3) != 0 => 7,
        _ => 8,
    }
}

pub const RACE_GROUPS: [&str; 10] = [
    "American Indian, Alaska Native, or Indigenous",
    "Asian or Asian American",
    "Black, African American, or African",
    "Hispanic/Latina/e/o",
    "Middle Eastern or North African",
    "Native Hawaiian or Pacific Islander",
    "White",
    "At Least 1 Race and Hispanic/Latina/e/o",
    "Multi-racial (does not include Hispanic/Latina/e/o)",
    "Unknown (Doesn\u{2019}t Know, Prefers not to Answer, Data not Collected)",
];

/// Q13 columns: total, without children, adults / children in households with both, only
/// children, unknown (which also takes anyone of unknown age).
pub const Q13_COLUMNS: [&str; 6] = [
    "Total Persons",
    "Without Children",
    "Adults in HH with Children & Adults",
    "Children in HH with Children & Adults",
    "With Only Children",
    "Unknown Household Type",
];

pub fn q13_col(c: &Client) -> usize {
    use crate::facts::HouseholdType::*;
    if c.age.is_none() {
        return 5;
    }
    match c.hh_type {
        AdultsOnly => 1,
        AdultChild if c.adult() => 2,
        AdultChild => 3,
        ChildrenOnly => 4,
        Unknown => 5,
    }
}

/// The eight conditions of Q13x1 (in row order) present in a set of records.
pub fn conditions(records: &[&DisabilityRecord]) -> [bool; 8] {
    let mut v = [false; 8];
    for r in records {
        match (r.kind, r.response) {
            (9, 1) => v[0] = true,
            (10, 1) => v[1] = true,
            (10, 2) => v[2] = true,
            (10, 3) => v[3] = true,
            (7, 1) => v[4] = true,
            (8, 1) => v[5] = true,
            (6, 1) => v[6] = true,
            (5, 1) => v[7] = true,
            _ => {}
        }
    }
    v
}

pub const CONDITION_ROWS: [&str; 8] = [
    "Mental Health Disorder",
    "Alcohol Use Disorder",
    "Drug Use Disorder",
    "Both Alcohol and Drug Use Disorders",
    "Chronic Health Condition",
    "HIV/AIDS",
    "Developmental Disability",
    "Physical Disability",
];

/// Which disability records a point in time uses: start (stage 1), exit (stage 3) or
/// the latest on or before the report end (stayers); per type the latest record.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum At {
    Start,
    Exit,
    Latest,
}

pub fn records_at<'d>(u: &'d Universe, c: &Client, at: At) -> Vec<&'d DisabilityRecord> {
    // The last record of each kind (5 to 10) that fits `at`, in one pass over the records.
    let mut last: [Option<&DisabilityRecord>; 6] = [None; 6];
    for r in u.details.disabilities(c.e) {
        let fits = match at {
            At::Start => r.stage == 1,
            At::Exit => r.stage == 3,
            At::Latest => r.date <= u.end,
        };
        if fits && (5..=10).contains(&r.kind) {
            last[(r.kind - 5) as usize] = Some(r);
        }
    }
    last.into_iter().flatten().collect()
}

fn q13_pair(
    u: &Universe,
    n1: &str,
    n2: &str,
    title: &str,
    clients: &[&Client],
    at: At,
) -> [Table; 2] {
    let mut t1 = Table::new(
        n1,
        &format!("Physical and Mental Health Conditions {title}"),
        "",
        &Q13_COLUMNS,
    );
    let mut t2 = Table::new(
        n2,
        &format!("Number of Conditions {title}"),
        "",
        &Q13_COLUMNS,
    );
    let mut m1 = [[0u64; 6]; 8];
    let mut m2 = [[0u64; 6]; 8];
    for c in clients {
        let k = q13_col(c);
        let cond = conditions(&records_at(u, c, at));
        for (i, yes) in cond.iter().enumerate() {
            if *yes {
                m1[i][0] += 1;
                m1[i][k] += 1;
            }
        }
        let n = cond[0] as u32
            + cond[1] as u32
            + cond[2] as u32
            + 2 * cond[3] as u32
            + cond[4..].iter().map(|&b| b as u32).sum::<u32>();
        let dc = u.enrollment(c).ch.disabling_condition;
        let row = match n {
            0 => match dc {
                0 => 0,
                1 => 4,
                8 | 9 => 5,
                _ => 6,
            },
            1 => 1,
            2 => 2,
            _ => 3,
        };
        for r in [row, 7] {
            m2[r][0] += 1;
            m2[r][k] += 1;
        }
    }
    for (i, l) in CONDITION_ROWS.iter().enumerate() {
        t1.rows.push(Row::new(*l, counts(&m1[i])));
    }
    for (i, l) in [
        "None",
        "1 Condition",
        "2 Conditions",
        "3+ Conditions",
        "Condition Unknown",
        DK,
        DNC,
        "Total",
    ]
    .iter()
    .enumerate()
    {
        t2.rows.push(Row::new(*l, counts(&m2[i])));
    }
    [t1, t2]
}

/// The latest HealthAndDV record on or before the report end with a DV answer.
pub fn dv(u: &Universe, c: &Client) -> Option<crate::facts::detail::HealthRecord> {
    u.details
        .health(c.e)
        .iter()
        .rfind(|r| r.date <= u.end && r.survivor != crate::ingest::table::NULL_INT)
        .copied()
}

/// Prior living situation rows (Q15, Q27d): (label, code) with section headers (None).
pub const LIVING_ROWS: [(&str, Option<&[i32]>); 31] = [
    ("Homeless Situations", None),
    ("Place not meant for habitation", Some(&[116])),
    (
        "Emergency shelter, including hotel or motel paid for with emergency shelter voucher, Host Home shelter",
        Some(&[101]),
    ),
    ("Safe Haven", Some(&[118])),
    ("Subtotal", Some(&[116, 101, 118])),
    ("Institutional Settings", None),
    ("Foster care home or foster care group home", Some(&[215])),
    (
        "Hospital or other residential non-psychiatric medical facility",
        Some(&[206]),
    ),
    ("Jail, prison or juvenile detention facility", Some(&[207])),
    ("Long-term care facility or nursing home", Some(&[225])),
    (
        "Psychiatric hospital or other psychiatric facility",
        Some(&[204]),
    ),
    (
        "Substance abuse treatment facility or detox center",
        Some(&[205]),
    ),
    ("Subtotal", Some(&[215, 206, 207, 225, 204, 205])),
    ("Temporary Situation", None),
    (
        "Transitional housing for homeless persons (including homeless youth)",
        Some(&[302]),
    ),
    (
        "Residential project or halfway house with no homeless criteria",
        Some(&[329]),
    ),
    (
        "Hotel or motel paid for without emergency shelter voucher",
        Some(&[314]),
    ),
    ("Host Home (non-crisis)", Some(&[332])),
    (
        "Staying or living in a friend\u{2019}s room, apartment or house",
        Some(&[336]),
    ),
    (
        "Staying or living in a family member\u{2019}s room, apartment or house",
        Some(&[335]),
    ),
    ("Subtotal", Some(&[302, 329, 314, 332, 336, 335])),
    ("Permanent Situations", None),
    ("Rental by client, no ongoing housing subsidy", Some(&[410])),
    (
        "Rental by client, with ongoing housing subsidy",
        Some(&[435]),
    ),
    (
        "Owned by client, with ongoing housing subsidy",
        Some(&[421]),
    ),
    ("Owned by client, no ongoing housing subsidy", Some(&[411])),
    ("Subtotal", Some(&[410, 435, 421, 411])),
    (DK, Some(&[8, 9])),
    (DNC, Some(&[99, crate::ingest::table::NULL_INT])),
    (
        "Subtotal",
        Some(&[8, 9, 99, crate::ingest::table::NULL_INT]),
    ),
    ("Total", Some(&[])),
];

/// A living-situation table over some clients (Q15, Q27d).
pub fn living_table(u: &Universe, id: &str, title: &str, clients: &[&Client]) -> Table {
    let mut t = Table::new(id, title, "", &HH_COLUMNS);
    let known: Vec<i32> = LIVING_ROWS
        .iter()
        .filter(|r| r.0 != "Subtotal" && r.0 != "Total")
        .filter_map(|r| r.1)
        .flatten()
        .copied()
        .collect();
    // Clients per (living situation, household column), then each row sums the ones it takes.
    let mut by_answer: std::collections::BTreeMap<(i32, usize), u64> = Default::default();
    for c in clients {
        *by_answer
            .entry((u.enrollment(c).ch.living_situation, c.hh_col()))
            .or_default() += 1;
    }
    for (label, codes) in LIVING_ROWS {
        let Some(codes) = codes else {
            t.rows.push(Row::new(label, vec![Cell::Empty; 5]));
            continue;
        };
        let mut v = [0u64; 5];
        for (&(ls, col), &n) in &by_answer {
            let hit = if label == "Total" {
                true
            } else if label == DNC || (label == "Subtotal" && codes.contains(&99)) {
                // Not collected: 99, null or a code outside the list.
                codes.contains(&ls) || !known.contains(&ls)
            } else {
                codes.contains(&ls)
            };
            if hit {
                v[0] += n;
                v[col] += n;
            }
        }
        let row = if label == "Subtotal" || label == "Total" {
            Row::total(label, counts(&v))
        } else {
            Row::new(label, counts(&v))
        };
        t.rows.push(row);
    }
    t
}

pub fn tables(u: &Universe, fy24: bool, kind: Kind) -> Vec<Table> {
    let cl = &u.clients;
    let all: Vec<&Client> = cl.iter().collect();
    let mut out = Vec::new();
    if fy24 {
        out.push(gender_table(u, "Q10a", "Gender", &all, &HH_COLUMNS, &|c| {
            Some(c.hh_col())
        }));
        if kind == Kind::Caper {
            let cols = [
                "Total",
                "Under Age 18",
                "Age 18-24",
                "Age 25-64",
                "Age 65+",
                DK,
                DNC,
            ];
            out.push(gender_table(
                u,
                "Q10d",
                "Gender by Age Ranges",
                &all,
                &cols,
                &|c| {
                    Some(match c.age {
                        Some(0..=17) => 1,
                        Some(18..=24) => 2,
                        Some(25..=64) => 3,
                        Some(_) => 4,
                        None if is_dk(c.dob_dq) => 5,
                        None => 6,
                    })
                },
            ));
        }
    }
    let age_in = |lo: u32, hi: u32| move |c: &Client| c.age.is_some_and(|a| a >= lo && a <= hi);
    let dob_dk = |c: &Client| c.age.is_none() && is_dk(c.dob_dq);
    let mut q11 = hh_table(
        "Q11",
        "Age",
        "",
        cl,
        &[
            ("Under 5", &age_in(0, 4)),
            ("5-12", &age_in(5, 12)),
            ("13-17", &age_in(13, 17)),
            ("18-24", &age_in(18, 24)),
            ("25-34", &age_in(25, 34)),
            ("35-44", &age_in(35, 44)),
            ("45-54", &age_in(45, 54)),
            ("55-64", &age_in(55, 64)),
            ("65+", &age_in(65, 200)),
            (DK, &dob_dk),
            (DNC, &|c| c.age.is_none() && !dob_dk(c)),
            ("Total", &|_| true),
        ],
    );
    for r in 0..3 {
        grey(&mut q11, r, 1);
    }
    for r in 3..9 {
        grey(&mut q11, r, 3);
    }
    out.push(q11);

    let mut q12 = Table::new("Q12", "Race and Ethnicity", "", &HH_COLUMNS);
    let mut m = vec![[0u64; 5]; 32];
    for c in cl {
        let p = u.facts.person(u.enrollment(c));
        let r = race_row(p.race, p.race_none);
        m[r][0] += 1;
        m[r][c.hh_col()] += 1;
    }
    let total = super::hh_counts(cl.iter());
    for (i, l) in race_labels().into_iter().enumerate() {
        q12.rows.push(Row::new(l, counts(&m[i])));
    }
    q12.rows.push(Row::total("Total", counts(&total)));
    out.push(q12);

    let leavers: Vec<&Client> = cl.iter().filter(|c| c.leaver).collect();
    let stayers: Vec<&Client> = cl.iter().filter(|c| c.stayer()).collect();
    let [a1, a2] = q13_pair(u, "Q13a1", "Q13a2", "at Start", &all, At::Start);
    let [b1, b2] = q13_pair(u, "Q13b1", "Q13b2", "at Exit", &leavers, At::Exit);
    let [c1, c2] = q13_pair(u, "Q13c1", "Q13c2", "for Stayers", &stayers, At::Latest);
    out.extend([a1, a2, b1, b2, c1, c2]);

    let ah: Vec<&Client> = cl.iter().filter(|c| c.adult_or_hoh()).collect();
    let mut q14a = Table::new("Q14a", "Domestic Violence History", "", &HH_COLUMNS);
    let mut q14b = Table::new(
        "Q14b",
        "Most recent experience of domestic violence, sexual assault, dating violence, stalking, or human trafficking",
        "",
        &HH_COLUMNS,
    );
    let mut ma = [[0u64; 5]; 5];
    let mut mb = [[0u64; 5]; 7];
    for c in &ah {
        let r = dv(u, c);
        let s = r.map_or(crate::ingest::table::NULL_INT, |r| r.survivor);
        let row = match s {
            1 => 0,
            0 => 1,
            8 | 9 => 2,
            _ => 3,
        };
        for k in [row, 4] {
            ma[k][0] += 1;
            ma[k][c.hh_col()] += 1;
        }
        if s == 1 {
            let w = r.map_or(crate::ingest::table::NULL_INT, |r| r.when_occurred);
            let row = match w {
                1..=4 => (w - 1) as usize,
                8 | 9 => 4,
                _ => 5,
            };
            for k in [row, 6] {
                mb[k][0] += 1;
                mb[k][c.hh_col()] += 1;
            }
        }
    }
    for (i, l) in ["Yes", "No", DK, DNC, "Total"].iter().enumerate() {
        q14a.rows.push(Row::new(*l, counts(&ma[i])));
    }
    for (i, l) in [
        "Within the past three months",
        "Three to six months ago",
        "Six months to one year",
        "One year ago, or more",
        DK,
        DNC,
        "Total",
    ]
    .iter()
    .enumerate()
    {
        q14b.rows.push(Row::new(*l, counts(&mb[i])));
    }
    out.push(q14a);
    out.push(q14b);
    out.push(living_table(u, "Q15", "Living Situation", &ah));
    out
}
