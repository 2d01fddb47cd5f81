//! Q16-Q21: cash income, income change, disabling conditions and income, non-cash
//! benefits, health insurance. The income helpers are shared with the veteran, chronic and
//! youth tables (Q25-Q27).

use crate::facts::HouseholdType;
use crate::facts::detail::IncomeRecord;
use crate::reports::{Cell, Row, Table};

use super::{Client, DK, DNC, Kind, Universe, counts, grey, is_dk, money, ratio};

pub const STAGE_COLUMNS: [&str; 3] = [
    "Income at Start",
    "Income at Latest Annual Assessment for Stayers",
    "Income at Exit for Leavers",
];

pub const SOURCE_ROWS: [&str; 15] = [
    "Earned Income",
    "Unemployment Insurance",
    "Supplemental Security Income (SSI)",
    "Social Security Disability Insurance (SSDI)",
    "VA Service - Connected Disability Compensation",
    "VA Non-Service Connected Disability Pension",
    "Private Disability Insurance",
    "Worker's Compensation",
    "Temporary Assistance for Needy Families (TANF)",
    "General Assistance (GA)",
    "Retirement Income from Social Security",
    "Pension or retirement income from a former job",
    "Child Support",
    "Alimony and other spousal support",
    "Other Source",
];

/// Where an adult stands at one of the three points.
#[derive(Clone, Copy)]
pub enum Point<'a> {
    Record(Option<&'a IncomeRecord>),
    NotYetRequired,
    WithoutRequired,
}

/// The three points of a client: start (everyone), annual (stayers), exit (leavers).
pub fn points(c: &Client) -> [Option<Point<'_>>; 3] {
    let annual = if c.leaver {
        None
    } else if !c.annual_required {
        Some(Point::NotYetRequired)
    } else if c.income_annual.is_none() {
        Some(Point::WithoutRequired)
    } else {
        Some(Point::Record(c.income_annual.as_ref()))
    };
    let exit = c.leaver.then_some(Point::Record(c.income_exit.as_ref()));
    [Some(Point::Record(c.income_start.as_ref())), annual, exit]
}

fn known(r: Option<&IncomeRecord>) -> bool {
    r.is_some_and(|r| matches!(r.income_any, 0 | 1))
}

/// Income information at start and at the later point (Q17/Q18 last row).
pub fn info_both(c: &Client) -> [bool; 2] {
    let start = known(c.income_start.as_ref());
    [
        start && c.stayer() && c.annual_required && known(c.income_annual.as_ref()),
        start && c.leaver && known(c.income_exit.as_ref()),
    ]
}

/// Q16's row of an income record: 0 none, 1-7 bands, 8 DK/PNTA, 9 not collected.
pub fn bracket(r: Option<&IncomeRecord>) -> usize {
    let Some(r) = r else { return 9 };
    if r.total > 0.0 {
        let t = r.total;
        return if t <= 150.0 {
            1
        } else if t <= 250.0 {
            2
        } else if t <= 500.0 {
            3
        } else if t <= 1000.0 {
            4
        } else if t <= 1500.0 {
            5
        } else if t <= 2000.0 {
            6
        } else {
            7
        };
    }
    match r.income_any {
        0 | 1 => 0,
        8 | 9 => 8,
        _ => 9,
    }
}

pub fn q16(id: &str, title: &str, adults: &[&Client]) -> Table {
    let mut t = Table::new(id, title, "", &STAGE_COLUMNS);
    let mut m = [[0u64; 3]; 13];
    for c in adults {
        for (k, p) in points(c).iter().enumerate() {
            let Some(p) = p else { continue };
            let row = match p {
                Point::Record(r) => bracket(*r),
                Point::NotYetRequired => 10,
                Point::WithoutRequired => 11,
            };
            m[row][k] += 1;
            m[12][k] += 1;
        }
    }
    let labels = [
        "No Income",
        "$1 - $150",
        "$151 - $250",
        "$251 - $500",
        "$501 - $1,000",
        "$1,001 - $1,500",
        "$1,501 - $2,000",
        "$2,001+",
        DK,
        DNC,
        "Number of adult stayers not yet required to have an annual assessment",
        "Number of adult stayers without required annual assessment",
        "Total Adults",
    ];
    for (i, l) in labels.iter().enumerate() {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    for (r, k) in [(10, 0), (11, 0), (10, 2), (11, 2)] {
        grey(&mut t, r, k);
    }
    t
}

pub fn q17(id: &str, title: &str, adults: &[&Client], who: &str) -> Table {
    let mut t = Table::new(id, title, "", &STAGE_COLUMNS);
    let mut m = [[0u64; 3]; 16];
    for c in adults {
        for (k, p) in points(c).iter().enumerate() {
            if let Some(Point::Record(Some(r))) = p {
                for (b, row) in m.iter_mut().take(15).enumerate() {
                    if r.sources & (1 << b) != 0 {
                        row[k] += 1;
                    }
                }
            }
        }
        let both = info_both(c);
        m[15][1] += both[0] as u64;
        m[15][2] += both[1] as u64;
    }
    for (i, l) in SOURCE_ROWS.iter().enumerate() {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    t.rows.push(Row::new(
        format!("{who} with Income Information at Start and Annual Assessment/Exit"),
        counts(&m[15]),
    ));
    grey(&mut t, 15, 0);
    t
}

/// Q18's category of a record: 0 only earned, 1 only other, 2 both, 3 none, 4 DK/PNTA,
/// 5 missing.
pub fn category(r: Option<&IncomeRecord>) -> usize {
    let Some(r) = r else { return 5 };
    let earned = r.earned > 0.0;
    let other = r.total - r.earned > 0.005;
    match (earned, other) {
        (true, false) => 0,
        (false, true) => 1,
        (true, true) => 2,
        _ => match r.income_any {
            0 | 1 => 3,
            8 | 9 => 4,
            _ => 5,
        },
    }
}

pub fn q18(id: &str, title: &str, adults: &[&Client], who: &str) -> Table {
    let cols = [
        format!("Number of {who} at Start"),
        format!("Number of {who} at Annual Assessment (Stayers)"),
        format!("Number of {who} at Exit (Leavers)"),
    ];
    let mut t = Table::new(id, title, "", &[]);
    t.columns = cols.to_vec();
    let mut m = [[0u64; 3]; 11];
    for c in adults {
        for (k, p) in points(c).iter().enumerate() {
            let Some(p) = p else { continue };
            let row = match p {
                Point::Record(r) => category(*r),
                Point::NotYetRequired => 6,
                Point::WithoutRequired => 7,
            };
            m[row][k] += 1;
            m[8][k] += 1;
            if row <= 2 {
                m[9][k] += 1;
            }
        }
        let both = info_both(c);
        m[10][1] += both[0] as u64;
        m[10][2] += both[1] as u64;
    }
    let labels = [
        format!("{who} with Only Earned Income (i.e., Employment Income)"),
        format!("{who} with Only Other Income"),
        format!("{who} with Both Earned and Other Income"),
        format!("{who} with No Income"),
        format!("{who} with Client Doesn\u{2019}t Know/Prefers Not to Answer"),
        format!("{who} with Missing Income Information"),
        format!(
            "Number of {} stayers not yet required to have an annual assessment",
            who.to_lowercase()
        ),
        format!(
            "Number of {} stayers without required annual assessment",
            who.to_lowercase()
        ),
        format!("Total {who}"),
        "1 or more source of income".to_string(),
        format!("{who} with Income Information at Start and Annual Assessment/Exit"),
    ];
    for (i, l) in labels.iter().enumerate() {
        t.rows.push(Row::new(l.clone(), counts(&m[i])));
    }
    for (r, k) in [(6, 0), (7, 0), (10, 0), (6, 2), (7, 2)] {
        grey(&mut t, r, k);
    }
    t
}

/// Q19a1 (stayers, annual assessment) or Q19a2 (leavers, exit).
pub fn q19a(u: &Universe, id: &str, adults: &[&Client], stayers: bool) -> Table {
    let (when, title) = if stayers {
        (
            "Annual Assessment",
            "Client Cash Income Change - Income Source - by Start and Latest Status",
        )
    } else {
        (
            "Exit",
            "Client Cash Income Change - Income Source - by Start and Exit",
        )
    };
    let cols = [
        format!("Had Income Category at Start and Did Not Have It at {when}"),
        format!("Retained Income Category But Had Less $ at {when} Than at Start"),
        format!("Retained Income Category and Same $ at {when} as at Start"),
        format!("Retained Income Category and Increased $ at {when}"),
        format!(
            "Did Not Have the Income Category at Start and Gained the Income Category at {when}"
        ),
        format!("Did Not Have the Income Category at Start or at {when}"),
        "Total Adults (including those with No Income)".to_string(),
        format!(
            "Performance Measure: Adults who Gained or Increased Income from Start to {when}, Average Gain"
        ),
        "Performance measure: Percent of persons who accomplished this measure".to_string(),
    ];
    let mut t = Table::new(id, title, "", &[]);
    t.columns = cols.to_vec();
    let pairs: Vec<(&IncomeRecord, &IncomeRecord)> = adults
        .iter()
        .filter_map(|c| {
            let s = c.income_start.as_ref().filter(|r| known(Some(r)))?;
            let later = if stayers {
                if !(c.stayer() && c.annual_required && u.hoh_los(c) >= 365) {
                    return None;
                }
                c.income_annual.as_ref()
            } else {
                if !c.leaver {
                    return None;
                }
                c.income_exit.as_ref()
            };
            let l = later.filter(|r| known(Some(r)))?;
            Some((s, l))
        })
        .collect();
    type Measure = (&'static str, &'static str, fn(&IncomeRecord) -> f64);
    let measures: [Measure; 3] = [
        (
            "Number of Adults with Earned Income (i.e., Employment Income)",
            "Average Change in Earned Income",
            |r| r.earned,
        ),
        (
            "Number of Adults with Other Income",
            "Average Change in Other Income",
            |r| (r.total - r.earned).max(0.0),
        ),
        (
            "Number of Adults with Any Income (i.e., Total Income)",
            "Average Change in Overall Income",
            |r| r.total,
        ),
    ];
    for (mi, (count_label, avg_label, f)) in measures.iter().enumerate() {
        let mut n = [0u64; 6];
        let mut sum = [0f64; 6];
        for (s, l) in &pairs {
            let (a, b) = (f(s), f(l));
            let col = if a > 0.0 && b <= 0.0 {
                0
            } else if a > 0.0 && b < a - 0.005 {
                1
            } else if a > 0.0 && (b - a).abs() <= 0.005 {
                2
            } else if a > 0.0 {
                3
            } else if b > 0.0 {
                4
            } else {
                5
            };
            n[col] += 1;
            sum[col] += b - a;
        }
        let total = pairs.len() as u64;
        let gained = n[3] + n[4];
        let gain_sum = sum[3] + sum[4];
        let mut cells: Vec<Cell> = n.iter().map(|&x| Cell::Count(x)).collect();
        cells.push(Cell::Count(total));
        cells.push(Cell::Count(gained));
        cells.push(ratio(gained, total));
        t.rows.push(Row::new(*count_label, cells));
        let mean = |s: f64, k: u64| if k == 0 { 0.0 } else { s / k as f64 };
        let mut cells: Vec<Cell> = (0..5).map(|i| money(mean(sum[i], n[i]))).collect();
        cells.push(Cell::Empty);
        cells.push(if mi == 2 {
            money(mean(sum.iter().sum(), total))
        } else {
            Cell::Empty
        });
        cells.push(money(mean(gain_sum, gained)));
        cells.push(Cell::Empty);
        t.rows.push(Row::new(*avg_label, cells));
    }
    t
}

/// Q19b / Q27i: disabling conditions and income at exit, by household type blocks.
pub fn q19b(
    u: &Universe,
    id: &str,
    title: &str,
    adults: &[&Client],
    who: &str,
    with_co: bool,
) -> Table {
    let blocks: Vec<(&str, HouseholdType)> = if with_co {
        vec![
            ("AO", HouseholdType::AdultsOnly),
            ("AC", HouseholdType::AdultChild),
            ("CO", HouseholdType::ChildrenOnly),
            ("UK", HouseholdType::Unknown),
        ]
    } else {
        vec![
            ("AO", HouseholdType::AdultsOnly),
            ("AC", HouseholdType::AdultChild),
            ("UK", HouseholdType::Unknown),
        ]
    };
    let mut cols = Vec::new();
    for (b, _) in &blocks {
        cols.push(format!("{b}: {who} with Disabling Condition"));
        cols.push(format!("{b}: {who} without Disabling Condition"));
        cols.push(format!("{b}: Total {who}"));
        cols.push(format!("{b}: % with Disabling Condition by Source"));
    }
    let mut t = Table::new(id, title, "", &[]);
    t.columns = cols;
    let universe: Vec<(&Client, &IncomeRecord, bool)> = adults
        .iter()
        .filter(|c| c.leaver)
        .filter_map(|c| {
            let dc = u.enrollment(c).ch.disabling_condition;
            let r = c.income_exit.as_ref().filter(|r| known(Some(r)))?;
            matches!(dc, 0 | 1).then_some((*c, r, dc == 1))
        })
        .collect();
    let mut labels: Vec<String> = SOURCE_ROWS.iter().map(|s| s.to_string()).collect();
    labels.push("No Sources".into());
    labels.push(format!("Unduplicated Total {who}"));
    for (ri, l) in labels.iter().enumerate() {
        let mut cells = Vec::new();
        for (_, ht) in &blocks {
            let (mut with, mut without) = (0u64, 0u64);
            for (c, r, dis) in &universe {
                if c.hh_type != *ht {
                    continue;
                }
                let hit = match ri {
                    0..=14 => r.sources & (1 << ri) != 0,
                    15 => r.sources == 0,
                    _ => true,
                };
                if hit {
                    if *dis { with += 1 } else { without += 1 }
                }
            }
            cells.push(Cell::Count(with));
            cells.push(Cell::Count(without));
            cells.push(Cell::Count(with + without));
            cells.push(if ri == 16 {
                Cell::Empty
            } else {
                ratio(with, with + without)
            });
        }
        t.rows.push(Row::new(l.clone(), cells));
    }
    t
}

const BENEFIT_ROWS: [&str; 6] = [
    "Supplemental Nutrition Assistance Program (SNAP) (Previously known as Food Stamps)",
    "Special Supplemental Nutrition Program for Women, Infants, and Children (WIC)",
    "TANF Child Care Services",
    "TANF Transportation Services",
    "Other TANF-Funded Services",
    "Other Source",
];

fn q20(u: &Universe, adults: &[&Client]) -> [Table; 2] {
    let cols = [
        "Benefit at Start",
        "Benefit at Latest Annual Assessment for Stayers",
        "Benefit at Exit for Leavers",
    ];
    let mut a = Table::new("Q20a", "Type of Non-Cash Benefit Sources", "", &cols);
    let mut b = Table::new("Q20b", "Number of Non-Cash Benefit Sources", "", &cols);
    let mut ma = [[0u64; 3]; 6];
    let mut mb = [[0u64; 3]; 5];
    for c in adults {
        let hoh_exit = u.hoh_of(c).and_then(|h| h.exit);
        let exit_ok = c.leaver && (c.hoh || (c.exit.is_some() && c.exit == hoh_exit));
        let pts: [Option<Option<&IncomeRecord>>; 3] = [
            Some(c.income_start.as_ref()),
            c.stayer().then(|| {
                c.annual_required
                    .then_some(c.income_annual.as_ref())
                    .flatten()
            }),
            exit_ok.then_some(c.income_exit.as_ref()),
        ];
        for (k, p) in pts.iter().enumerate() {
            let Some(r) = p else { continue };
            let row = match r {
                Some(r) if r.benefits != 0 => 1,
                Some(r) if matches!(r.benefits_any, 0 | 1) => 0,
                Some(r) if is_dk(r.benefits_any) => 2,
                _ => 3,
            };
            mb[row][k] += 1;
            mb[4][k] += 1;
            if let Some(r) = r {
                for (bit, m) in ma.iter_mut().enumerate() {
                    if r.benefits & (1 << bit) != 0 {
                        m[k] += 1;
                    }
                }
            }
        }
    }
    for (i, l) in BENEFIT_ROWS.iter().enumerate() {
        a.rows.push(Row::new(*l, counts(&ma[i])));
    }
    for (i, l) in [
        "No Sources",
        "1 + Source(s)",
        DK,
        "Data Not Collected/Not stayed long enough for Annual Assessment",
        "Total",
    ]
    .iter()
    .enumerate()
    {
        b.rows.push(Row::new(*l, counts(&mb[i])));
    }
    [a, b]
}

fn q21(clients: &[Client]) -> Table {
    let mut t = Table::new(
        "Q21",
        "Health Insurance",
        "",
        &[
            "At Start",
            "At Annual Assessment for Stayers",
            "At Exit for Leavers",
        ],
    );
    let mut m = [[0u64; 3]; 16];
    for c in clients {
        let pts: [Option<Option<&IncomeRecord>>; 3] = [
            Some(c.income_start.as_ref()),
            if c.stayer() && !c.annual_required {
                m[13][1] += 1;
                None
            } else if c.stayer() {
                Some(c.income_annual.as_ref())
            } else {
                None
            },
            c.leaver.then_some(c.income_exit.as_ref()),
        ];
        for (k, p) in pts.iter().enumerate() {
            let Some(r) = p else { continue };
            match r {
                Some(r) if r.insurance != 0 => {
                    for (bit, row) in m.iter_mut().take(10).enumerate() {
                        if r.insurance & (1 << bit) != 0 {
                            row[k] += 1;
                        }
                    }
                    let n = r.insurance.count_ones();
                    m[if n == 1 { 14 } else { 15 }][k] += 1;
                }
                Some(r) if r.insurance_any == 0 => m[10][k] += 1,
                Some(r) if is_dk(r.insurance_any) => m[11][k] += 1,
                _ => m[12][k] += 1,
            }
        }
    }
    let labels = [
        "MEDICAID",
        "MEDICARE",
        "State Children's Health Insurance Program",
        "Veteran\u{2019}s Health Administration (VHA)",
        "Employer - Provided Health Insurances",
        "Health Insurance obtained through COBRA",
        "Private Pay Health Insurance",
        "State Health Insurance for Adults",
        "Indian Health Services Program",
        "Other",
        "No Health Insurance",
        DK,
        DNC,
        "Number of Stayers not yet Required To Have an Annual Assessment",
        "1 Source of Health Insurance",
        "More than 1 Source of Health Insurance",
    ];
    for (i, l) in labels.iter().enumerate() {
        t.rows.push(Row::new(*l, counts(&m[i])));
    }
    grey(&mut t, 13, 0);
    grey(&mut t, 13, 2);
    t
}

pub fn tables(u: &Universe, kind: Kind) -> Vec<Table> {
    let adults: Vec<&Client> = u.clients.iter().filter(|c| c.adult()).collect();
    let mut out = vec![
        q16("Q16", "Cash Income - Ranges", &adults),
        q17("Q17", "Cash Income - Sources", &adults, "Adults"),
    ];
    if kind == Kind::Apr {
        out.push(q18(
            "Q18",
            "Client Cash Income Category - Earned/Other Income Category - by Start and Annual Assessment/Exit Status",
            &adults,
            "Adults",
        ));
        out.push(q19a(u, "Q19a1", &adults, true));
        out.push(q19a(u, "Q19a2", &adults, false));
    }
    out.push(q19b(
        u,
        "Q19b",
        "Disabling Conditions and Income for Adults at Exit",
        &adults,
        "Adults",
        false,
    ));
    let [a, b] = q20(u, &adults);
    out.push(a);
    out.push(b);
    out.push(q21(&u.clients));
    out
}
