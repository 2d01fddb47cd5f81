//! The data quality report (`hmis report dq`, and `hmis run`): HUD's APR data-quality
//! tables Q6a-Q6f for each organization (or project), ranked by an overall error rate, with
//! the validation findings of each export by rule and the suspected duplicate client records
//! within each agency (export).
//!
//! Each organization's (or project's) Q6 tables are exactly what its own APR would show:
//! the APR universe ([`Universe::build`]) over its selected projects, so a person served by
//! two organizations is counted by each. The "All" row and group are the APR of every
//! selected project together (what `hmis report apr` with the same options shows).
//!
//! Error rate: the share of required data-element cells that are wrong. For every data
//! element of Q6a (5 elements), Q6b (5) and Q6c (4), HUD's table gives a Total (clients with
//! the element DK/prefers not to answer, missing, or with a data issue) and a denominator
//! (the clients the element is required for: everyone for the PII elements, adults for
//! veteran status, heads of household for Enrollment CoC, leavers for destination, ...).
//! Error rate = sum of the Totals / sum of the denominators (each denominator counted as at
//! least its Total). Ranking: lowest error rate first; ties by more persons served, then by
//! name.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::facts::Facts;
use crate::facts::detail::Details;

use super::apr::q06::{self, ElementRate};
use super::apr::{AprParams, Kind, ProjectIndex, Spec, Universe};
use super::{Cell, ChartKind, Headline, Report, Row, Table, chart};

/// What the rows of the report are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Organization,
    Project,
}

impl By {
    fn noun(self) -> &'static str {
        match self {
            By::Organization => "Organization",
            By::Project => "Project",
        }
    }
    fn plural(self) -> &'static str {
        match self {
            By::Organization => "organizations",
            By::Project => "projects",
        }
    }
}

/// Validation findings of one export for one rule and severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingCount {
    pub export_id: String,
    pub rule: String,
    pub severity: String,
    pub count: u64,
}

/// Suspected duplicate client records within one export: accepted dedup links whose two
/// records are both in the export.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgencyDuplicates {
    pub export_id: String,
    /// Client records of the export the matcher read.
    pub records: u64,
    /// Distinct records at either end of such a link.
    pub linked_records: u64,
    pub links: u64,
}

/// One export: its ID and source name (Export.SourceName), by the facts' export index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRef {
    pub export_id: String,
    pub source_name: String,
}

#[derive(Debug, Clone)]
pub struct DqParams {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Selected projects (indexes into `Facts::projects`).
    pub projects: Vec<u32>,
    pub spec: Spec,
    pub by: By,
    /// By the facts' export index.
    pub exports: Vec<ExportRef>,
    pub findings: Vec<FindingCount>,
    /// None: the matcher did not run (then the table says so).
    pub duplicates: Option<Vec<AgencyDuplicates>>,
    /// Which projects, in words (empty: all).
    pub scope: String,
}

/// One row of the ranking: a group of projects and its Q6 tables.
struct Group {
    label: String,
    export: String,
    organization: String,
    persons: u64,
    tables: Vec<Table>,
    rates: Vec<ElementRate>,
}

impl Group {
    fn errors(&self) -> u64 {
        self.rates.iter().map(|r| r.errors).sum()
    }
    fn required(&self) -> u64 {
        self.rates.iter().map(|r| r.denominator.max(r.errors)).sum()
    }
    fn errors_of(&self, table: &str) -> u64 {
        self.rates
            .iter()
            .filter(|r| r.table == table)
            .map(|r| r.errors)
            .sum()
    }
    fn rate(&self) -> f64 {
        let d = self.required();
        if d == 0 {
            0.0
        } else {
            self.errors() as f64 / d as f64
        }
    }
    /// Clients with at least one PII error (Q6a's Overall Score).
    fn any_pii(&self) -> u64 {
        self.tables
            .first()
            .and_then(|t| t.row("Overall Score"))
            .and_then(|r| r.cells.get(3))
            .and_then(Cell::count)
            .unwrap_or(0)
    }
}

fn build_group(
    facts: &Facts,
    details: &Details,
    p: &DqParams,
    projects: Vec<u32>,
    index: &ProjectIndex,
) -> (u64, Vec<Table>, Vec<ElementRate>) {
    let ap = AprParams {
        start: p.start,
        end: p.end,
        projects,
        spec: p.spec,
        kind: Kind::Apr,
        name: String::new(),
        scope: String::new(),
    };
    let u = Universe::build(facts, details, &ap, Some(index));
    let (tables, rates) = q06::tables_and_rates(&u, p.spec == Spec::Fy2024);
    (u.clients.len() as u64, tables, rates)
}

/// `a` has a lower error rate than `b` (exact, no floating point).
fn rate_cmp(a: &Group, b: &Group) -> std::cmp::Ordering {
    let (ea, da) = (a.errors() as u128, a.required().max(1) as u128);
    let (eb, db) = (b.errors() as u128, b.required().max(1) as u128);
    (ea * db).cmp(&(eb * da))
}

pub fn report(facts: &Facts, details: &Details, p: &DqParams) -> Report {
    let export_id = |e: u32| {
        p.exports
            .get(e as usize)
            .map_or(String::new(), |x| x.export_id.clone())
    };
    // Groups of the selected projects, keyed by organization or project index.
    let mut keyed: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &pr in &p.projects {
        let Some(project) = facts.projects.get(pr as usize) else {
            continue;
        };
        let key = match p.by {
            By::Organization => project.organization,
            By::Project => pr,
        };
        keyed.entry(key).or_default().push(pr);
    }
    // Each group reads only its projects' enrollments.
    let index = ProjectIndex::new(facts);
    let mut groups: Vec<Group> = Vec::new();
    let mut empty = 0usize;
    let mut pending = Vec::new();
    for (key, projects) in keyed {
        let (label, export, organization) = match p.by {
            By::Organization => {
                let o = &facts.organizations[key as usize];
                (
                    format!("{} ({})", o.name, o.id),
                    export_id(o.export),
                    String::new(),
                )
            }
            By::Project => {
                let pr = &facts.projects[key as usize];
                let o = facts.organizations.get(pr.organization as usize);
                (
                    format!("{} ({})", pr.name, pr.id),
                    export_id(pr.export),
                    o.map_or(String::new(), |o| o.name.clone()),
                )
            }
        };
        pending.push((label, export, organization, projects));
    }
    // The groups' universes are independent: built in parallel, kept in key order.
    let built: Vec<(u64, Vec<Table>, Vec<ElementRate>)> = pending
        .par_iter()
        .map(|(_, _, _, projects)| build_group(facts, details, p, projects.clone(), &index))
        .collect();
    for ((label, export, organization, _), (persons, tables, rates)) in
        pending.into_iter().zip(built)
    {
        if persons == 0 {
            empty += 1;
            continue;
        }
        groups.push(Group {
            label,
            export,
            organization,
            persons,
            tables,
            rates,
        });
    }
    // Labels unique: the same name and ID in two exports gets the ExportID.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for g in &groups {
        *seen.entry(g.label.clone()).or_default() += 1;
    }
    for g in groups.iter_mut() {
        if seen[&g.label] > 1 {
            g.label = format!("{} [{}]", g.label, g.export);
        }
    }
    groups.sort_by(|a, b| {
        rate_cmp(a, b)
            .then(b.persons.cmp(&a.persons))
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.export.cmp(&b.export))
    });
    let (persons, tables, rates) = build_group(facts, details, p, p.projects.clone(), &index);
    let all = Group {
        label: format!("All {}", p.by.plural()),
        export: String::new(),
        organization: String::new(),
        persons,
        tables,
        rates,
    };

    let mut tables = vec![ranking(&groups, &all, p.by)];
    // Q6a..Q6f, in q06's order.
    for k in 0..all.tables.len() {
        tables.extend(long_table(&groups, &all, k, p.by));
    }
    tables.push(validation(p));
    tables.push(duplicates(p));

    let rank = &tables[0];
    let rows: Vec<&str> = rank
        .rows
        .iter()
        .filter(|r| !r.total)
        .map(|r| r.label.as_str())
        .collect();
    let charts = vec![chart(
        rank,
        &format!("Error rate by {}", p.by.noun().to_lowercase()),
        ChartKind::Bar,
        &rows,
        &["Error rate"],
    )];
    let dup_links = p
        .duplicates
        .as_ref()
        .map(|d| d.iter().map(|x| x.links).sum::<u64>());
    let mut headlines = vec![
        Headline {
            key: "dq.error_rate".into(),
            label: "Data quality error rate (Q6a-Q6c)".into(),
            value: Cell::Percent(all.rate()),
        },
        Headline {
            key: "dq.persons".into(),
            label: "DQ: persons served".into(),
            value: Cell::Count(all.persons),
        },
        Headline {
            key: format!("dq.{}", p.by.plural()),
            label: format!("DQ: {} ranked", p.by.plural()),
            value: Cell::Count(groups.len() as u64),
        },
    ];
    if let Some(n) = dup_links {
        headlines.push(Headline {
            key: "dq.within_agency_duplicate_links".into(),
            label: "Suspected duplicate client links within an agency".into(),
            value: Cell::Count(n),
        });
    }
    let mut about = vec![
        (
            "Specification".into(),
            format!(
                "HUD {} APR Q6a-Q6f (data quality), per {}",
                p.spec.name(),
                p.by.noun().to_lowercase()
            ),
        ),
        ("Period".into(), format!("{} to {}", p.start, p.end)),
        (
            "Universe".into(),
            format!(
                "each {}'s own APR universe: persons active in its projects in the period, each once from their latest enrollment there (a person served by two {} counts in both); the All rows are the APR of every selected project together",
                p.by.noun().to_lowercase(),
                p.by.plural()
            ),
        ),
        (
            "Error rate".into(),
            "for the 14 data elements of Q6a (5), Q6b (5) and Q6c (4): clients with the element DK/prefers not to answer, missing, or with a data issue (each table's Total column), summed, divided by the sum of the clients the element is required for (HUD's denominators: everyone, adults, heads of household, leavers, ...; each at least its Total)".into(),
        ),
        (
            "Ranking".into(),
            format!(
                "lowest error rate first; ties by more persons served, then by name; {} with no one served are not listed ({empty})",
                p.by.plural()
            ),
        ),
        (
            "Validation".into(),
            "findings of hmis validate (validation.csv) per export, rule and severity".into(),
        ),
        (
            "Duplicates".into(),
            "accepted dedup links (links.csv) whose two client records are in the same export, and the records at their ends".into(),
        ),
    ];
    if !p.scope.is_empty() {
        about.push(("Projects".into(), p.scope.clone()));
    }
    Report {
        name: "dq".into(),
        path: None,
        title: format!("Data quality by {}", p.by.noun().to_lowercase()),
        about,
        headlines,
        tables,
        charts,
    }
}

fn ranking(groups: &[Group], all: &Group, by: By) -> Table {
    let mut columns = vec!["Rank", "ExportID"];
    if by == By::Project {
        columns.push("Organization");
    }
    columns.extend([
        "Persons served",
        "PII errors (Q6a)",
        "Clients with any PII error (Q6a)",
        "Universal data element errors (Q6b)",
        "Income and housing errors (Q6c)",
        "Error cells",
        "Required cells",
        "Error rate",
    ]);
    let mut t = Table::new(
        "ranking",
        &format!(
            "Data quality ranking by {} (lowest error rate first)",
            by.noun().to_lowercase()
        ),
        by.noun(),
        &columns,
    );
    let cells = |g: &Group, rank: Cell| {
        let mut v = vec![rank, Cell::Text(g.export.clone())];
        if by == By::Project {
            v.push(Cell::Text(g.organization.clone()));
        }
        v.extend([
            Cell::Count(g.persons),
            Cell::Count(g.errors_of("Q6a")),
            Cell::Count(g.any_pii()),
            Cell::Count(g.errors_of("Q6b")),
            Cell::Count(g.errors_of("Q6c")),
            Cell::Count(g.errors()),
            Cell::Count(g.required()),
            Cell::Percent(g.rate()),
        ]);
        v
    };
    let mut rank = 0usize;
    for (i, g) in groups.iter().enumerate() {
        if i == 0 || rate_cmp(&groups[i - 1], g) != std::cmp::Ordering::Equal {
            rank = i + 1;
        }
        // The rank is a position, not a count of persons: text, so suppression leaves it.
        t.rows
            .push(Row::new(&g.label, cells(g, Cell::Text(rank.to_string()))));
    }
    t.rows.push(Row::total(&all.label, cells(all, Cell::Empty)));
    t.notes.push(
        "Error rate = error cells / required cells over the data elements of Q6a, Q6b and Q6c (see About). Equal rates share a rank.".into(),
    );
    t
}

/// Q6x of every group in one long table: the group, then HUD's row label, then its cells.
fn long_table(groups: &[Group], all: &Group, k: usize, by: By) -> Option<Table> {
    let shape = all.tables.get(k)?;
    let mut columns = vec![shape.corner.as_str()];
    columns.extend(shape.columns.iter().map(|c| c.as_str()));
    let mut t = Table::new(
        &shape.id.to_lowercase(),
        &format!(
            "{} {} by {}",
            shape.id,
            shape.title,
            by.noun().to_lowercase()
        ),
        by.noun(),
        &columns,
    );
    for g in groups.iter().chain(std::iter::once(all)) {
        let Some(q) = g.tables.get(k) else { continue };
        for r in &q.rows {
            let mut cells = vec![Cell::Text(r.label.clone())];
            cells.extend(r.cells.iter().cloned());
            let row = Row {
                label: g.label.clone(),
                cells,
                total: std::ptr::eq(g, all) || r.total,
            };
            t.rows.push(row);
        }
    }
    t.notes.push(format!(
        "HUD's APR {} for each {} (its own APR universe), in ranking order, then for all together.",
        shape.id,
        by.noun().to_lowercase()
    ));
    Some(t)
}

fn source_of<'a>(p: &'a DqParams, export_id: &str) -> &'a str {
    p.exports
        .iter()
        .find(|e| e.export_id == export_id)
        .map_or("", |e| e.source_name.as_str())
}

fn validation(p: &DqParams) -> Table {
    let mut t = Table::new(
        "validation",
        "Validation findings by export, rule and severity",
        "ExportID",
        &["Source", "Rule", "Severity", "Findings"],
    );
    let mut v = p.findings.clone();
    v.sort_by(|a, b| {
        (&a.export_id, &a.severity, &a.rule).cmp(&(&b.export_id, &b.severity, &b.rule))
    });
    for f in &v {
        t.rows.push(Row::new(
            &f.export_id,
            vec![
                Cell::Text(source_of(p, &f.export_id).to_string()),
                Cell::Text(f.rule.clone()),
                Cell::Text(f.severity.clone()),
                Cell::Count(f.count),
            ],
        ));
    }
    let sum = |s: &str| {
        v.iter()
            .filter(|f| f.severity == s)
            .map(|f| f.count)
            .sum::<u64>()
    };
    for s in ["error", "warning"] {
        t.rows.push(Row::total(
            "All exports",
            vec![
                Cell::Empty,
                Cell::Empty,
                Cell::Text(s.to_string()),
                Cell::Count(sum(s)),
            ],
        ));
    }
    t.notes.push(
        "Errors are rows that were rejected (or files and exports that could not be used); warnings are values read leniently or set to null. Every finding is in validation.csv.".into(),
    );
    t
}

fn duplicates(p: &DqParams) -> Table {
    let mut t = Table::new(
        "duplicates",
        "Suspected duplicate client records within each agency (export)",
        "ExportID",
        &[
            "Source",
            "Client records",
            "Records in suspected duplicates",
            "Suspected duplicate links",
            "Share of records",
        ],
    );
    let Some(d) = &p.duplicates else {
        t.notes
            .push("Not computed: the record matcher did not run.".into());
        return t;
    };
    let mut d = d.clone();
    d.sort_by(|a, b| a.export_id.cmp(&b.export_id));
    let share = |n: u64, of: u64| Cell::Percent(if of == 0 { 0.0 } else { n as f64 / of as f64 });
    let mut total = AgencyDuplicates::default();
    for x in &d {
        t.rows.push(Row::new(
            &x.export_id,
            vec![
                Cell::Text(source_of(p, &x.export_id).to_string()),
                Cell::Count(x.records),
                Cell::Count(x.linked_records),
                Cell::Count(x.links),
                share(x.linked_records, x.records),
            ],
        ));
        total.records += x.records;
        total.linked_records += x.linked_records;
        total.links += x.links;
    }
    t.rows.push(Row::total(
        "All exports",
        vec![
            Cell::Empty,
            Cell::Count(total.records),
            Cell::Count(total.linked_records),
            Cell::Count(total.links),
            share(total.linked_records, total.records),
        ],
    ));
    t.notes.push(
        "Accepted links of hmis dedup (links.csv) whose two records are both in the export: one agency holding two records of one person. The records at either end of such a link are counted once each.".into(),
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(label: &str, persons: u64, errors: u64, required: u64) -> Group {
        Group {
            label: label.into(),
            export: "E".into(),
            organization: String::new(),
            persons,
            tables: Vec::new(),
            rates: vec![ElementRate {
                table: "Q6a",
                element: "x".into(),
                errors,
                denominator: required,
            }],
        }
    }

    #[test]
    fn equal_rates_share_a_rank_and_the_rate_is_errors_over_required() {
        // 1/10 and 2/20 are equal exactly (no floating point in the comparison).
        let mut g = vec![
            group("c", 5, 3, 10),
            group("b", 20, 2, 20),
            group("a", 10, 1, 10),
            group("d", 1, 0, 0),
        ];
        g.sort_by(|a, b| {
            rate_cmp(a, b)
                .then(b.persons.cmp(&a.persons))
                .then_with(|| a.label.cmp(&b.label))
        });
        let all = group("All organizations", 36, 6, 40);
        let t = ranking(&g, &all, By::Organization);
        let labels: Vec<&str> = t.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["d", "b", "a", "c", "All organizations"]);
        let ranks: Vec<String> = t.rows.iter().map(|r| r.cells[0].text()).collect();
        assert_eq!(ranks, ["1", "2", "2", "4", ""]);
        assert_eq!(t.cell("c", "Error rate"), Some(&Cell::Percent(0.3)));
        assert_eq!(t.cell("d", "Error rate"), Some(&Cell::Percent(0.0)));
        // A denominator smaller than its errors counts as the errors (rate at most 100%).
        assert_eq!(group("x", 1, 3, 2).required(), 3);
    }
}
