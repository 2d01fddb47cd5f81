//! Q4a project identifiers, Q5a report validations, Q7 persons, Q8 households, Q9
//! street outreach contacts and engagements.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::ingest::table::{NULL_INT, date_from_days};
use crate::reports::{Cell, Row, Table};

use super::{
    AprParams, Client, DK, DNC, HH_COLUMNS, Universe, counts, day, grey, hh_counts, hh_table,
    is_dk, pt, ratio,
};

fn code(c: i32) -> Cell {
    if c == NULL_INT {
        Cell::Empty
    } else {
        Cell::Text(c.to_string())
    }
}

/// Q4a: one row per selected project.
pub fn q4a(u: &Universe, p: &AprParams) -> Table {
    let mut t = Table::new(
        "Q4a",
        "Project Identifiers in HMIS",
        "Organization Name",
        &[
            "Organization ID",
            "Project Name",
            "Project ID",
            "HMIS Project Type",
            "RRH Subtype",
            "Coordinated Entry Access Point",
            "Affiliated with a residential project",
            "Project IDs of affiliations",
            "CoC Number",
            "Geocode",
            "Victim Service Provider",
            "HMIS Software Name",
            "Report Start Date",
            "Report End Date",
            "Total Active Clients",
            "Total Active Households",
        ],
    );
    // Active clients and households per project, in one pass over the universe.
    let mut active: std::collections::HashMap<u32, (u64, u64)> = Default::default();
    for c in &u.clients {
        let e = active.entry(c.project).or_default();
        e.0 += 1;
        e.1 += c.hoh as u64;
    }
    for &pi in &p.projects {
        let pr = &u.facts.projects[pi as usize];
        let d = &u.details.projects[pi as usize];
        let org = &u.facts.organizations[pr.organization as usize];
        let ptype = pr.project_type.map_or(NULL_INT, |t| t.code());
        let affiliated = if ptype == pt::SSO || (ptype == pt::RRH && d.rrh_subtype == 1) {
            code(d.residential_affiliation)
        } else {
            Cell::Text("0".into())
        };
        let (n, h) = active.get(&pi).copied().unwrap_or_default();
        t.rows.push(Row::new(
            org.name.clone(),
            vec![
                Cell::Text(org.id.clone()),
                Cell::Text(pr.name.clone()),
                Cell::Text(pr.id.clone()),
                code(ptype),
                if ptype == pt::RRH {
                    code(d.rrh_subtype)
                } else {
                    Cell::Empty
                },
                Cell::Text("0".into()),
                affiliated,
                Cell::Empty,
                Cell::Text(d.coc.clone()),
                Cell::Text(d.geocode.clone()),
                Cell::Text(
                    if d.victim_service_provider == 1 {
                        "1"
                    } else {
                        "0"
                    }
                    .into(),
                ),
                Cell::Text(d.software.clone()),
                Cell::Text(p.start.to_string()),
                Cell::Text(p.end.to_string()),
                Cell::Count(n),
                Cell::Count(h),
            ],
        ));
    }
    t
}

/// Q5a: report validations (column B: the data-quality universe, without street outreach
/// clients who were not engaged; column C: everyone).
pub fn q5a(u: &Universe) -> Table {
    let mut t = Table::new(
        "Q5a",
        "Report Validations Table",
        "Category",
        &["Count of Clients for DQ", "Count of Clients"],
    );
    let long_stayer_hh = |c: &Client| u.hoh_of(c).is_some_and(|h| h.stayer() && h.los >= 365);
    let rows: [super::HhRow; 16] = [
        ("Total number of persons served", &|_| true),
        ("Number of adults (age 18 or over)", &|c| c.adult()),
        ("Number of children (under age 18)", &|c| c.child()),
        ("Number of persons with unknown age", &|c| c.age.is_none()),
        ("Number of leavers", &|c| c.leaver),
        ("Number of adult leavers", &|c| c.leaver && c.adult()),
        ("Number of adult and head of household leavers", &|c| {
            c.leaver && c.adult_or_hoh()
        }),
        ("Number of stayers", &|c| c.stayer()),
        ("Number of adult stayers", &|c| c.stayer() && c.adult()),
        ("Number of veterans", &|c| c.adult() && c.veteran == 1),
        ("Number of chronically homeless persons", &|c| {
            c.ch == crate::facts::ChStatus::Yes
        }),
        ("Number of youth under age 25", &|c| c.youth),
        (
            "Number of parenting youth under age 25 with children",
            &|c| c.parenting_youth,
        ),
        ("Number of adult heads of household", &|c| {
            c.adult() && c.hoh
        }),
        ("Number of child and unknown-age heads of household", &|c| {
            c.hoh && !c.adult()
        }),
        (
            "Heads of households and adult stayers in the project 365 days or more",
            &|c| c.stayer() && c.adult_or_hoh() && long_stayer_hh(c),
        ),
    ];
    for (label, pred) in rows {
        let all = u.clients.iter().filter(|c| pred(c));
        let dq = all.clone().filter(|c| c.engaged).count() as u64;
        t.rows
            .push(Row::new(label, counts(&[dq, all.count() as u64])));
    }
    t
}

/// The last Wednesday of a month.
fn last_wednesday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_next.pred_opt()?;
    let back =
        (last.weekday().num_days_from_monday() + 7 - Weekday::Wed.num_days_from_monday()) % 7;
    Some(last - Duration::days(back as i64))
}

/// The last Wednesdays of January, April, July and October, each the latest on or before
/// the report end (apr.md Q7b).
pub fn pit_dates(end: NaiveDate) -> Vec<(&'static str, NaiveDate)> {
    [("January", 1), ("April", 4), ("July", 7), ("October", 10)]
        .iter()
        .filter_map(|&(label, m)| {
            let d = last_wednesday(end.year(), m)?;
            let d = if d > end {
                last_wednesday(end.year() - 1, m)?
            } else {
                d
            };
            Some((label, d))
        })
        .collect()
}

/// Present on a quarterly PIT date (apr.md Q7b).
fn present(u: &Universe, c: &Client, night: i32) -> bool {
    let e = u.enrollment(c);
    if e.entry > night {
        return false;
    }
    let ok = if pt::move_in(c.ptype) {
        e.exit.is_none_or(|x| x > night) && c.move_in.is_some_and(|m| m <= night)
    } else if matches!(
        c.ptype,
        pt::ES_EE | pt::ES_NBN | pt::TH | pt::SH | pt::PH_HO | pt::PH_HS
    ) {
        e.exit.is_none_or(|x| x > night)
    } else {
        e.exit.is_none_or(|x| x >= night)
    };
    ok && (c.ptype != pt::ES_NBN || u.facts.services(e).binary_search(&night).is_ok())
}

/// Q7a, Q7b, Q8a, Q8b, Q9a, Q9b.
pub fn tables(u: &Universe) -> Vec<Table> {
    let cl = &u.clients;
    let dob_dk = |c: &Client| c.age.is_none() && is_dk(c.dob_dq);
    let moved_in = |c: &Client| {
        pt::move_in(c.ptype)
            && c.move_in
                .is_some_and(|m| m <= u.end && u.enrollment(c).exit.is_none_or(|x| x >= m))
    };
    let mut q7a = hh_table(
        "Q7a",
        "Number of Persons Served",
        "",
        cl,
        &[
            ("Adults", &|c| c.adult()),
            ("Children", &|c| c.child()),
            (DK, &dob_dk),
            (DNC, &|c| c.age.is_none() && !dob_dk(c)),
            ("Total", &|_| true),
            (
                "For PSH & RRH - the total persons served who moved into housing",
                &moved_in,
            ),
        ],
    );
    grey(&mut q7a, 1, 1);
    grey(&mut q7a, 0, 3);

    let end = date_from_days(u.end).unwrap_or(NaiveDate::MIN);
    let dates = pit_dates(end);
    let mut q7b = Table::new(
        "Q7b",
        "Point-in-Time Count of Persons on the Last Wednesday",
        "",
        &HH_COLUMNS,
    );
    let mut q8b = Table::new(
        "Q8b",
        "Point-in-Time Count of Households on the Last Wednesday",
        "",
        &HH_COLUMNS,
    );
    for (label, d) in &dates {
        let night = day(*d);
        let here = cl.iter().filter(|c| present(u, c, night));
        q7b.rows
            .push(Row::new(*label, counts(&hh_counts(here.clone()))));
        q8b.rows
            .push(Row::new(*label, counts(&hh_counts(here.filter(|c| c.hoh)))));
    }
    let q8a = hh_table(
        "Q8a",
        "Number of Households Served",
        "",
        cl,
        &[
            ("Total Households", &|c| c.hoh),
            (
                "For PSH & RRH - the total households served who moved into housing",
                &|c| c.hoh && moved_in(c),
            ),
        ],
    );
    let (q9a, q9b) = q9(u);
    vec![q7a, q7b, q8a, q8b, q9a, q9b]
}

/// Q9a/Q9b: street outreach contacts and engagements (apr.md Q9).
fn q9(u: &Universe) -> (Table, Table) {
    let cols = |first: &str| {
        vec![
            first.to_string(),
            "First contact \u{2013} NOT staying on the Streets, ES, or SH".to_string(),
            "First contact \u{2013} WAS staying on Streets, ES, or SH".to_string(),
            "First contact \u{2013} Worker unable to determine".to_string(),
        ]
    };
    // Per person: (contacts counted, first situation column 1..=3, engaged in range,
    // contacts up to engagement)
    let mut contacted: Vec<(usize, usize)> = Vec::new();
    let mut engaged: Vec<(usize, usize)> = Vec::new();
    for c in &u.clients {
        if !(c.ptype == pt::SO || c.ptype == pt::ES_NBN) || !c.adult_or_hoh() {
            continue;
        }
        let d = u.detail(c);
        let engagement = d.date_of_engagement;
        let last = [c.exit, engagement, Some(u.end)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(u.end);
        let mut list: Vec<(i32, i32)> = u
            .details
            .contacts(c.e)
            .iter()
            .filter(|k| k.date >= c.entry && k.date <= last)
            .map(|k| (k.date, k.situation))
            .collect();
        if let Some(g) = engagement
            && g >= c.entry
            && g <= u.end
            && !list.iter().any(|k| k.0 == g)
        {
            list.push((g, 37));
            list.sort_unstable();
        }
        let Some(&(_, first)) = list.first() else {
            continue;
        };
        let col = match first {
            116 | 101 | 118 => 2,
            37 | 8 | 9 | 99 => 3,
            _ => 1,
        };
        let engaged_in = engagement.is_some_and(|g| g >= u.start && g <= u.end);
        let contact_in = list.iter().any(|k| k.0 >= u.start && k.0 <= u.end);
        if engaged_in || contact_in {
            contacted.push((list.len(), col));
        }
        if engaged_in {
            engaged.push((list.len(), col));
        }
    }
    let band = |n: usize| match n {
        0 | 1 => 0,
        2..=5 => 1,
        6..=9 => 2,
        _ => 3,
    };
    let fill = |t: &mut Table, labels: [&str; 5], v: &[(usize, usize)]| {
        let mut m = [[0u64; 4]; 5];
        for &(n, col) in v {
            for r in [band(n), 4] {
                m[r][0] += 1;
                m[r][col] += 1;
            }
        }
        for (r, l) in labels.iter().enumerate() {
            t.rows.push(Row::new(*l, counts(&m[r])));
        }
        m[4]
    };
    let mut q9a = Table::new("Q9a", "Number of Persons Contacted", "", &[]);
    q9a.columns = cols("All Persons Contacted");
    q9a.corner = "Number of Persons Contacted".into();
    let ta = fill(
        &mut q9a,
        [
            "Once",
            "2-5 Times",
            "6-9 Times",
            "10+ Times",
            "Total Persons Contacted",
        ],
        &contacted,
    );
    let mut q9b = Table::new("Q9b", "Number of Persons Engaged", "", &[]);
    q9b.columns = cols("All Persons Contacted");
    q9b.corner = "Number of Persons Engaged".into();
    let tb = fill(
        &mut q9b,
        [
            "Once",
            "2-5 Contacts",
            "6-9 Contacts",
            "10+ Contacts",
            "Total Persons Engaged",
        ],
        &engaged,
    );
    q9b.rows.push(Row::new(
        "Rate of Engagement",
        (0..4).map(|i| ratio(tb[i], ta[i])).collect(),
    ));
    (q9a, q9b)
}
