//! Q22 length of participation and time to housing, Q23 exit destinations, Q24 (Q24b
//! Moving On assistance in PSH; FY2024 Q24c sexual orientation and Q24d translation
//! assistance; FY2026 Q24e Sex; CAPER Q24a homelessness prevention housing assessment).

use crate::ingest::table::NULL_INT;
use crate::reports::{Cell, Row, Table};

use super::q10_q15::{RACE_GROUPS, race_group};
use super::{Client, DK, DNC, HH_COLUMNS, Kind, Universe, avg, counts, median, pt};

pub const LOS_ROWS: [(&str, i64, i64); 10] = [
    ("30 days or less", 0, 30),
    ("31 to 60 days", 31, 60),
    ("61 to 90 days", 61, 90),
    ("91 to 180 days", 91, 180),
    ("181 to 365 days", 181, 365),
    ("366 to 730 days (1-2 Yrs)", 366, 730),
    ("731 to 1,095 days (2-3 Yrs)", 731, 1095),
    ("1,096 to 1,460 days (3-4 Yrs)", 1096, 1460),
    ("1,461 to 1,825 days (4-5 Yrs)", 1461, 1825),
    ("More than 1,825 days (> 5 Yrs)", 1826, i64::MAX),
];

const LOS_ROWS_CAPER: [(&str, i64, i64); 14] = [
    ("0 to 7 days", 0, 7),
    ("8 to 14 days", 8, 14),
    ("15 to 21 days", 15, 21),
    ("22 to 30 days", 22, 30),
    ("31 to 60 days", 31, 60),
    ("61 to 90 days", 61, 90),
    ("91 to 180 days", 91, 180),
    ("181 to 365 days", 181, 365),
    ("366 to 730 days (1-2 Yrs)", 366, 730),
    ("731 to 1,095 days (2-3 Yrs)", 731, 1095),
    ("1,096 to 1,460 days (3-4 Yrs)", 1096, 1460),
    ("1,461 to 1,825 days (4-5 Yrs)", 1461, 1825),
    ("More than 1,825 days (> 5 Yrs)", 1826, i64::MAX),
    ("Total", 0, i64::MAX),
];

/// Q22a1 / Q27e: length of participation, Total | Leavers | Stayers.
pub fn q22a1(id: &str, title: &str, clients: &[&Client]) -> Table {
    let mut t = Table::new(id, title, "", &["Total", "Leavers", "Stayers"]);
    for (l, lo, hi) in LOS_ROWS {
        let inb = clients.iter().filter(|c| c.los >= lo && c.los <= hi);
        let lv = inb.clone().filter(|c| c.leaver).count() as u64;
        let n = inb.count() as u64;
        t.rows.push(Row::new(l, counts(&[n, lv, n - lv])));
    }
    let lv = clients.iter().filter(|c| c.leaver).count() as u64;
    let n = clients.len() as u64;
    t.rows.push(Row::total("Total", counts(&[n, lv, n - lv])));
    t
}

/// Q22b / Q27j: average and median length of participation.
pub fn q22b(id: &str, title: &str, clients: &[&Client]) -> Table {
    let mut t = Table::new(id, title, "", &["Leavers", "Stayers"]);
    let mut lv: Vec<i64> = clients.iter().filter(|c| c.leaver).map(|c| c.los).collect();
    let mut st: Vec<i64> = clients
        .iter()
        .filter(|c| c.stayer())
        .map(|c| c.los)
        .collect();
    t.rows.push(Row::new(
        "Average Length",
        vec![Cell::Number(avg(&lv), 2), Cell::Number(avg(&st), 2)],
    ));
    t.rows.push(Row::new(
        "Median Length",
        vec![
            Cell::Number(median(&mut lv), 2),
            Cell::Number(median(&mut st), 2),
        ],
    ));
    t
}

/// Q22c measure: days from start to move-in, or None (exited without moving in); the
/// outer None = not in the universe.
fn to_move_in(u: &Universe, c: &Client) -> Option<Option<i64>> {
    if !pt::move_in(c.ptype) {
        return None;
    }
    let hoh_moved_in = u
        .hoh_of(c)
        .unwrap_or(c)
        .move_in
        .is_some_and(|m| m >= u.start && m <= u.end);
    match c.move_in {
        Some(m) if hoh_moved_in => Some(Some((m - c.entry) as i64)),
        None if c.leaver => Some(None),
        _ => None,
    }
}

/// Q22c / Q27k: time from start to move-in.
pub fn q22c(u: &Universe, id: &str, title: &str, clients: &[&Client]) -> Table {
    let rows: [(&str, i64, i64); 9] = [
        ("7 days or less", 0, 7),
        ("8 to 14 days", 8, 14),
        ("15 to 21 days", 15, 21),
        ("22 to 30 days", 22, 30),
        ("31 to 60 days", 31, 60),
        ("61 to 90 days", 61, 90),
        ("91 to 180 days", 91, 180),
        ("181 to 365 days", 181, 365),
        ("366 to 730 days (1-2 Yrs)", 366, 730),
    ];
    let mut t = Table::new(id, title, "", &HH_COLUMNS);
    let mut m = [[0u64; 5]; 9];
    let mut days: [Vec<i64>; 5] = Default::default();
    let (mut moved, mut exited, mut total) = ([0u64; 5], [0u64; 5], [0u64; 5]);
    for c in clients {
        let Some(x) = to_move_in(u, c) else { continue };
        let k = c.hh_col();
        for col in [0, k] {
            total[col] += 1;
            match x {
                Some(d) => {
                    moved[col] += 1;
                    if let Some(r) = rows.iter().position(|r| d >= r.1 && d <= r.2) {
                        m[r][col] += 1;
                        days[col].push(d);
                    }
                }
                None => exited[col] += 1,
            }
        }
    }
    for (i, r) in rows.iter().enumerate() {
        t.rows.push(Row::new(r.0, counts(&m[i])));
    }
    t.rows.push(Row::total(
        "Total (persons moved into housing)",
        counts(&moved),
    ));
    t.rows.push(Row::new(
        "Average length of time to housing",
        days.iter()
            .map(|d| {
                if d.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Number(avg(d), 2)
                }
            })
            .collect(),
    ));
    t.rows.push(Row::new(
        "Persons who were exited without move-in",
        counts(&exited),
    ));
    t.rows.push(Row::total("Total persons", counts(&total)));
    t
}

/// Q22e measure (apr.md): None = not in the universe; Some(Err(true)) not yet moved in;
/// Some(Err(false)) data not collected; Some(Ok(days)).
fn prior_to_housing(u: &Universe, c: &Client) -> Option<Result<i64, bool>> {
    if !matches!(
        c.ptype,
        pt::ES_EE | pt::ES_NBN | pt::TH | pt::PSH | pt::SH | pt::PH_HO | pt::RRH
    ) {
        return None;
    }
    let hoh = u.hoh_of(c);
    let own = u.enrollment(c).ch.date_to_street;
    // A child who entered with the head of household and has no date of their own takes
    // the head's (HUD's test kit answers keep a child's own date when there is one).
    let date = match hoh {
        Some(h) if own.is_none() && c.child() && c.entry == h.entry => {
            u.enrollment(h).ch.date_to_street
        }
        _ => own,
    };
    let housed = if pt::move_in(c.ptype) || c.ptype == pt::PH_HO {
        match c.move_in {
            Some(m) => m,
            None => return Some(Err(true)),
        }
    } else {
        c.entry
    };
    match date {
        Some(d) if d <= c.entry.min(housed) => Some(Ok((housed - d) as i64)),
        _ => Some(Err(false)),
    }
}

pub fn q22e(u: &Universe, id: &str, title: &str, clients: &[&Client]) -> Table {
    let rows: [(&str, i64, i64); 9] = [
        ("7 days or less", 0, 7),
        ("8 to 14 days", 8, 14),
        ("15 to 21 days", 15, 21),
        ("22 to 30 days", 22, 30),
        ("31 to 60 days", 31, 60),
        ("61 to 180 days", 61, 180),
        ("181 to 365 days", 181, 365),
        ("366 to 730 days (1-2 Yrs)", 366, 730),
        ("731 days or more", 731, i64::MAX),
    ];
    let mut t = Table::new(id, title, "", &HH_COLUMNS);
    let mut m = [[0u64; 5]; 13];
    for c in clients {
        let Some(x) = prior_to_housing(u, c) else {
            continue;
        };
        let row = match x {
            Ok(d) => rows.iter().position(|r| d >= r.1 && d <= r.2).unwrap_or(8),
            Err(true) => 10,
            Err(false) => 11,
        };
        let mut rs = vec![row, 12];
        if row <= 8 {
            rs.push(9);
        }
        for r in rs {
            m[r][0] += 1;
            m[r][c.hh_col()] += 1;
        }
    }
    let mut labels: Vec<&str> = rows.iter().map(|r| r.0).collect();
    labels.extend([
        "Total (persons moved into housing)",
        "Not yet moved into housing",
        "Data not collected",
        "Total persons",
    ]);
    for (i, l) in labels.iter().enumerate() {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    t
}

/// Q22f/Q22g: the Q22c (f) or Q22e (g) measure by race group.
fn by_race(u: &Universe, id: &str, title: &str, g: bool) -> Table {
    let mut t = Table::new(id, title, "", &RACE_GROUPS);
    let mut moved = [0u64; 10];
    let mut exited = [0u64; 10];
    let mut days: [Vec<i64>; 10] = Default::default();
    for c in &u.clients {
        let k = race_group(u.facts.person(u.enrollment(c)).race);
        if g {
            match prior_to_housing(u, c) {
                Some(Ok(d)) => {
                    moved[k] += 1;
                    days[k].push(d);
                }
                Some(Err(true)) => exited[k] += 1,
                _ => {}
            }
        } else {
            match to_move_in(u, c) {
                Some(Some(d)) => {
                    moved[k] += 1;
                    days[k].push(d);
                }
                Some(None) => exited[k] += 1,
                None => {}
            }
        }
    }
    t.rows
        .push(Row::new("Persons Moved into housing", counts(&moved)));
    t.rows.push(Row::new(
        "Persons who were exited without move-in",
        counts(&exited),
    ));
    t.rows.push(Row::new(
        "Average time to Move-In",
        days.iter().map(|d| Cell::Number(avg(d), 2)).collect(),
    ));
    t.rows.push(Row::new(
        "Median time to Move-In",
        days.iter_mut()
            .map(|d| Cell::Number(median(d), 2))
            .collect(),
    ));
    t
}

/// Destination rows (Q23c, Q25i, Q27f1): (label, codes); None = section header.
pub const DEST_ROWS: [(&str, Option<&[i32]>); 42] = [
    ("Homeless Situations", None),
    (
        "Place not meant for habitation (e.g., a vehicle, an abandoned building, bus/train/subway station/airport or anywhere outside)",
        Some(&[116]),
    ),
    (
        "Emergency shelter, including hotel or motel paid for with emergency shelter voucher, Host Home shelter",
        Some(&[101]),
    ),
    ("Safe Haven", Some(&[118])),
    ("Subtotal", Some(&[116, 101, 118])),
    ("Institutional Situations", None),
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
    ("Temporary Situations", None),
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
        "Staying or living with family, temporary tenure (e.g., room, apartment, or house)",
        Some(&[312]),
    ),
    (
        "Staying or living with friends, temporary tenure (e.g., room, apartment, or house)",
        Some(&[313]),
    ),
    (
        "Moved from one HOPWA funded project to HOPWA TH",
        Some(&[327]),
    ),
    ("Subtotal", Some(&[302, 329, 314, 332, 312, 313, 327])),
    ("Permanent Situations", None),
    (
        "Staying or living with family, permanent tenure",
        Some(&[422]),
    ),
    (
        "Staying or living with friends, permanent tenure",
        Some(&[423]),
    ),
    (
        "Moved from one HOPWA funded project to HOPWA PH",
        Some(&[426]),
    ),
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
    ("Subtotal", Some(&[422, 423, 426, 410, 435, 421, 411])),
    ("Other Situations", None),
    ("No Exit Interview completed", Some(&[30])),
    ("Other", Some(&[17])),
    ("Deceased", Some(&[24])),
    (DK, Some(&[8, 9])),
    (DNC, Some(&[99])),
    ("Subtotal", Some(&[30, 17, 24, 8, 9, 99])),
    ("TOTAL", Some(&[])),
    (
        "Total persons exiting to positive housing destinations",
        Some(&[]),
    ),
    (
        "Total persons whose destinations excluded them from the calculation",
        Some(&[]),
    ),
    (
        "Percentage of persons exiting to positive housing destinations",
        Some(&[]),
    ),
];

const PERMANENT: [i32; 7] = [426, 411, 421, 410, 435, 422, 423];

fn positive(ptype: i32, d: i32) -> bool {
    match ptype {
        pt::SO => {
            PERMANENT.contains(&d)
                || [101, 118, 215, 204, 205, 225, 314, 312, 313, 302, 327, 332].contains(&d)
        }
        pt::ES_EE | pt::ES_NBN | pt::TH => d == 332 || PERMANENT.contains(&d),
        _ => PERMANENT.contains(&d),
    }
}

fn excluded(ptype: i32, d: i32) -> bool {
    if ptype == pt::SO {
        [206, 329, 24].contains(&d)
    } else {
        [215, 206, 225, 24].contains(&d)
    }
}

/// A destination code as the tables read it (null and unlisted codes: not collected).
fn dest_code(d: i32) -> i32 {
    let listed = DEST_ROWS
        .iter()
        .filter_map(|r| r.1)
        .any(|codes| codes.contains(&d));
    if d == NULL_INT || !listed { 99 } else { d }
}

/// Q23c / Q25i / Q27f1 over some leavers; `columns` and `col` choose the layout.
pub fn destination_table(
    u: &Universe,
    id: &str,
    title: &str,
    leavers: &[&Client],
    columns: &[&str],
    col: &dyn Fn(&Client) -> Option<usize>,
) -> Table {
    let w = columns.len();
    let mut t = Table::new(id, title, "", columns);
    let mut pos = vec![0u64; w];
    let mut exc = vec![0u64; w];
    let mut tot = vec![0u64; w];
    let mut rows: Vec<Vec<u64>> = vec![vec![0; w]; DEST_ROWS.len()];
    for c in leavers {
        let d = dest_code(u.enrollment(c).destination);
        let cols: Vec<usize> = std::iter::once(0).chain(col(c)).collect();
        for k in cols {
            tot[k] += 1;
            if positive(c.ptype, d) {
                pos[k] += 1;
            }
            if excluded(c.ptype, d) {
                exc[k] += 1;
            }
            for (i, (_, codes)) in DEST_ROWS.iter().enumerate() {
                if codes.is_some_and(|cs| cs.contains(&d)) {
                    rows[i][k] += 1;
                }
            }
        }
    }
    for (i, (label, codes)) in DEST_ROWS.iter().enumerate() {
        let cells = match (codes, *label) {
            (None, _) => vec![Cell::Empty; w],
            (_, "TOTAL") => counts(&tot),
            (_, "Total persons exiting to positive housing destinations") => counts(&pos),
            (_, "Total persons whose destinations excluded them from the calculation") => {
                counts(&exc)
            }
            (_, "Percentage of persons exiting to positive housing destinations") => (0..w)
                .map(|k| super::ratio(pos[k], tot[k].saturating_sub(exc[k])))
                .collect(),
            _ => counts(&rows[i]),
        };
        t.rows.push(Row::new(*label, cells));
    }
    t
}

pub const SUBSIDY_ROWS: [(&str, i32); 11] = [
    ("GPD TIP housing subsidy", 428),
    ("VASH housing subsidy", 419),
    ("RRH or equivalent subsidy", 431),
    ("HCV voucher (tenant or project based) (not dedicated)", 433),
    ("Public housing unit", 434),
    ("Rental by client, with other ongoing housing subsidy", 420),
    ("Housing Stability Voucher", 436),
    ("Family Unification Program Voucher (FUP)", 437),
    ("Foster Youth to Independence Initiative (FYI)", 438),
    ("Permanent Supportive Housing", 439),
    (
        "Other permanent housing dedicated for formerly homeless persons",
        440,
    ),
];

/// Q23d / Q25j / Q27f2: subsidy type of leavers to rental with an ongoing subsidy.
pub fn subsidy_table(
    u: &Universe,
    id: &str,
    title: &str,
    leavers: &[&Client],
    columns: &[&str],
    col: &dyn Fn(&Client) -> Option<usize>,
) -> Table {
    let w = columns.len();
    let mut t = Table::new(id, title, "", columns);
    let mut m = vec![vec![0u64; w]; SUBSIDY_ROWS.len() + 1];
    for c in leavers {
        if u.enrollment(c).destination != 435 {
            continue;
        }
        let s = u.detail(c).destination_subsidy;
        let row = SUBSIDY_ROWS.iter().position(|r| r.1 == s);
        for k in std::iter::once(0).chain(col(c)) {
            if let Some(r) = row {
                m[r][k] += 1;
            }
            m[SUBSIDY_ROWS.len()][k] += 1;
        }
    }
    for (i, (l, _)) in SUBSIDY_ROWS.iter().enumerate() {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    t.rows
        .push(Row::total("Total", counts(&m[SUBSIDY_ROWS.len()])));
    t
}

fn q23e(u: &Universe, leavers: &[&Client]) -> Table {
    let mut cols = vec!["Total"];
    cols.extend(RACE_GROUPS);
    let mut t = Table::new(
        "Q23e",
        "Exit Destination Type by Race and Ethnicity",
        "",
        &cols,
    );
    let mut m = [[0u64; 11]; 6];
    for c in leavers {
        let d = u.enrollment(c).destination;
        let row = match d {
            100..=199 => 0,
            200..=299 => 1,
            300..=399 => 2,
            400..=499 => 3,
            _ => 4,
        };
        let k = 1 + race_group(u.facts.person(u.enrollment(c)).race);
        for r in [row, 5] {
            m[r][0] += 1;
            m[r][k] += 1;
        }
    }
    for (i, l) in [
        "Homeless Situations",
        "Institutional Situations",
        "Temporary Situations",
        "Permanent Situations",
        "Other Situations",
        "Total",
    ]
    .iter()
    .enumerate()
    {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    t
}

fn q24a(u: &Universe, leavers: &[&Client]) -> Table {
    let mut t = Table::new(
        "Q24a",
        "Homelessness Prevention Housing Assessment at Exit",
        "",
        &HH_COLUMNS,
    );
    let labels = [
        "Able to maintain the housing they had at project start--Without a subsidy",
        "Able to maintain the housing they had at project start--With the subsidy they had at project start",
        "Able to maintain the housing they had at project start--With an on-going subsidy acquired since project start",
        "Able to maintain the housing they had at project start--Only with financial assistance other than a subsidy",
        "Moved to new housing unit--With on-going subsidy",
        "Moved to new housing unit--Without an on-going subsidy",
        "Moved in with family/friends on a temporary basis",
        "Moved in with family/friends on a permanent basis",
        "Moved to a transitional or temporary housing facility or program",
        "Client became homeless - moving to a shelter or other place unfit for human habitation",
        "Jail/prison",
        "Deceased",
        DK,
        "Data not collected (no exit interview completed)",
        "Total",
    ];
    let mut m = [[0u64; 5]; 15];
    for c in leavers.iter().filter(|c| c.ptype == pt::HP) {
        let d = u.detail(c);
        let row = match (d.housing_assessment, d.subsidy_information) {
            (1, 1) => 0,
            (1, 2) => 1,
            (1, 3) => 2,
            (1, 4) => 3,
            (2, 11) => 4,
            (2, 12) => 5,
            (3, _) => 6,
            (4, _) => 7,
            (5, _) => 8,
            (6, _) => 9,
            (7, _) => 10,
            (10, _) => 11,
            (8 | 9, _) => 12,
            _ => 13,
        };
        for r in [row, 14] {
            m[r][0] += 1;
            m[r][c.hh_col()] += 1;
        }
    }
    for (i, l) in labels.iter().enumerate() {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    t
}

/// Q24b: heads of household in PSH by the type of their latest Moving On assistance
/// (Services RecordType 300) dated on or before the report end.
fn q24b(u: &Universe) -> Table {
    let mut t = Table::new(
        "Q24b",
        "Moving On Assistance Provided to Households in PSH",
        "",
        &HH_COLUMNS,
    );
    let labels = [
        "Subsidized housing application assistance",
        "Financial assistance for Moving On (e.g., security deposit, moving expenses)",
        "Non-financial assistance for Moving On (e.g., housing navigation, transition support)",
        "Housing referral/placement",
        "Other",
    ];
    let mut m = [[0u64; 5]; 5];
    for c in u.clients.iter().filter(|c| c.hoh && c.ptype == pt::PSH) {
        let latest = u.details.moving_on(c.e).iter().rfind(|r| r.date <= u.end);
        if let Some(r) = latest
            && (1..=5).contains(&r.kind)
        {
            let row = (r.kind - 1) as usize;
            m[row][0] += 1;
            m[row][c.hh_col()] += 1;
        }
    }
    for (i, l) in labels.iter().enumerate() {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    t
}

/// Q24c (FY2024): adults and heads of household in PSH by sexual orientation (R3).
fn q24c(u: &Universe) -> Table {
    let mut t = Table::new(
        "Q24c",
        "Sexual Orientation of Adults in PSH",
        "",
        &HH_COLUMNS,
    );
    let labels = [
        "Heterosexual",
        "Gay",
        "Lesbian",
        "Bisexual",
        "Questioning / unsure",
        "Other",
        DK,
        DNC,
        "Total",
    ];
    let mut m = [[0u64; 5]; 9];
    for c in u
        .clients
        .iter()
        .filter(|c| c.adult_or_hoh() && c.ptype == pt::PSH)
    {
        let row = match u.detail(c).sexual_orientation {
            k @ 1..=6 => (k - 1) as usize,
            8 | 9 => 6,
            _ => 7,
        };
        for r in [row, 8] {
            m[r][0] += 1;
            m[r][c.hh_col()] += 1;
        }
    }
    for (i, l) in labels.iter().enumerate() {
        let row = if i == 8 {
            Row::total(*l, counts(&m[i]))
        } else {
            Row::new(*l, counts(&m[i]))
        };
        t.rows.push(row);
    }
    t
}

/// Q24d (FY2024, CAPER): heads of household needing translation assistance
/// (TranslationNeeded = 1) who named a language, by PreferredLanguage: the 20 most
/// frequent codes (most persons first, then lower code), then those who wrote in a
/// different language instead of a code, then the total. Rows are labelled with the C4.A
/// code (the list's ~330 language names are not in this program's lists).
fn q24d(u: &Universe) -> Table {
    let mut t = Table::new(
        "Q24d",
        "Language of Persons Requiring Translation Assistance",
        "Language Response (Top 20 Languages Selected)",
        &["Total Persons Requiring Translation Assistance"],
    );
    let mut by_code: std::collections::BTreeMap<i32, u64> = Default::default();
    let (mut different, mut total) = (0u64, 0u64);
    for c in u.clients.iter().filter(|c| c.hoh) {
        let d = u.detail(c);
        if d.translation_needed != 1 {
            continue;
        }
        if d.preferred_language != NULL_INT {
            *by_code.entry(d.preferred_language).or_default() += 1;
        } else if d.language_different {
            different += 1;
        } else {
            continue;
        }
        total += 1;
    }
    let mut langs: Vec<(i32, u64)> = by_code.into_iter().collect();
    langs.sort_by_key(|&(code, n)| (std::cmp::Reverse(n), code));
    for (code, n) in langs.into_iter().take(20) {
        let label = match code {
            8 => "Client doesn\u{2019}t know".to_string(),
            9 => "Client prefers not to answer".to_string(),
            99 => "Data not collected".to_string(),
            c => format!("Language code {c}"),
        };
        t.rows.push(Row::new(label, vec![Cell::Count(n)]));
    }
    t.rows.push(Row::new(
        "Different Preferred Language",
        vec![Cell::Count(different)],
    ));
    t.rows.push(Row::total("Total", vec![Cell::Count(total)]));
    t
}

fn q24e(u: &Universe) -> Table {
    let mut t = Table::new("Q24e", "Sex", "", &HH_COLUMNS);
    let mut m = [[0u64; 5]; 5];
    for c in &u.clients {
        let s = u.facts.person(u.enrollment(c)).sex;
        let row = match s {
            0 => 0,
            1 => 1,
            8 | 9 => 2,
            _ => 3,
        };
        for r in [row, 4] {
            m[r][0] += 1;
            m[r][c.hh_col()] += 1;
        }
    }
    for (i, l) in ["Female", "Male", DK, "Data not collected", "Total"]
        .iter()
        .enumerate()
    {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    t
}

/// CAPER Q22d: length of participation by household type.
fn q22d(clients: &[&Client]) -> Table {
    let mut t = Table::new(
        "Q22d",
        "Length of Participation by Household Type",
        "",
        &HH_COLUMNS,
    );
    let mut m = [[0u64; 5]; 14];
    for c in clients {
        let r = LOS_ROWS_CAPER[..13]
            .iter()
            .position(|r| c.los >= r.1 && c.los <= r.2)
            .unwrap_or(12);
        for row in [r, 13] {
            m[row][0] += 1;
            m[row][c.hh_col()] += 1;
        }
    }
    for (i, r) in LOS_ROWS_CAPER.iter().enumerate() {
        t.rows.push(Row::new(r.0, counts(&m[i])));
    }
    t
}

fn q22a2(clients: &[&Client]) -> Table {
    let mut t = Table::new(
        "Q22a2",
        "Length of Participation - ESG Projects",
        "",
        &["Total", "Leavers", "Stayers"],
    );
    for (l, lo, hi) in LOS_ROWS_CAPER {
        let inb = clients.iter().filter(|c| c.los >= lo && c.los <= hi);
        let lv = inb.clone().filter(|c| c.leaver).count() as u64;
        let n = inb.count() as u64;
        t.rows.push(Row::new(l, counts(&[n, lv, n - lv])));
    }
    t
}

pub fn tables(u: &Universe, fy24: bool, kind: Kind) -> Vec<Table> {
    let all: Vec<&Client> = u.clients.iter().collect();
    let leavers: Vec<&Client> = u.clients.iter().filter(|c| c.leaver).collect();
    let hh = |c: &Client| Some(c.hh_col());
    let mut out = Vec::new();
    match kind {
        Kind::Apr => {
            out.push(q22a1(
                "Q22a1",
                "Length of Participation - CoC Projects",
                &all,
            ));
            out.push(q22b(
                "Q22b",
                "Average and Median Length of Participation in Days",
                &all,
            ));
        }
        Kind::Caper => {
            out.push(q22a2(&all));
            out.push(q22d(&all));
        }
    }
    out.push(q22c(
        u,
        "Q22c",
        "Length of Time between Project Start Date and Housing Move-in Date",
        &all,
    ));
    out.push(q22e(
        u,
        "Q22e",
        "Length of Time Prior to Housing - based on 3.917 Date Homelessness Started",
        &all,
    ));
    out.push(by_race(
        u,
        "Q22f",
        "Length of Time between Project Start Date and Housing Move-in Date by Race and Ethnicity",
        false,
    ));
    out.push(by_race(
        u,
        "Q22g",
        "Length of Time Prior to Housing by Race and Ethnicity - based on 3.917 Date Homelessness Started",
        true,
    ));
    out.push(destination_table(
        u,
        "Q23c",
        "Exit Destination",
        &leavers,
        &HH_COLUMNS,
        &hh,
    ));
    out.push(subsidy_table(
        u,
        "Q23d",
        "Exit Destination \u{2013} Subsidy Type of Persons Exiting to Rental by Client With An Ongoing Subsidy",
        &leavers,
        &HH_COLUMNS,
        &hh,
    ));
    out.push(q23e(u, &leavers));
    match kind {
        Kind::Caper => out.push(q24a(u, &leavers)),
        Kind::Apr => out.push(q24b(u)),
    }
    if fy24 {
        if kind == Kind::Apr {
            out.push(q24c(u));
        }
        out.push(q24d(u));
    } else {
        out.push(q24e(u));
    }
    out
}
