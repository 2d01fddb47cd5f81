//! Reports: pure functions of (facts, parameters) returning a [`Report`], i.e. tables of
//! data (title, column labels, row labels, cells, notes) and the charts drawn from them.
//! Writers in `output` turn any report into xlsx, CSV and HTML; they never compute.

pub mod apr;
pub mod dq;
pub mod effectiveness;
pub mod hdx;
pub mod measures;
pub mod overview;
pub mod pit;
pub mod service_use;
pub mod spm;
pub mod suppress;

use chrono::NaiveDate;
use serde::Serialize;

/// Parameters every report shares.
#[derive(Debug, Clone)]
pub struct Params {
    /// Inclusive report period.
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The PIT night.
    pub pit_date: NaiveDate,
    /// `--coc`, when given.
    pub coc: Option<String>,
    /// Emergency shelter entries in the period that make a frequent user.
    pub frequent_entries: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Count(u64),
    /// A share, 0..=1 (formatted as a percentage).
    Percent(f64),
    /// A decimal number shown with the given number of decimals.
    Number(f64, u8),
    Text(String),
}

impl Cell {
    /// The value as written to CSV.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Count(n) => n.to_string(),
            Cell::Percent(p) => format!("{:.4}", p),
            Cell::Number(x, d) => format!("{:.*}", *d as usize, x),
            Cell::Text(s) => s.clone(),
        }
    }

    /// The value as shown to a reader (percentages with a % sign).
    pub fn display(&self) -> String {
        match self {
            Cell::Percent(p) => format!("{:.1}%", p * 100.0),
            Cell::Count(n) => group_thousands(*n),
            other => other.text(),
        }
    }

    pub fn count(&self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(*n),
            _ => None,
        }
    }
}

fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub cells: Vec<Cell>,
    /// A total or subtotal row (shown bold).
    pub total: bool,
}

impl Row {
    pub fn new(label: impl Into<String>, cells: Vec<Cell>) -> Row {
        Row {
            label: label.into(),
            cells,
            total: false,
        }
    }
    pub fn total(label: impl Into<String>, cells: Vec<Cell>) -> Row {
        Row {
            label: label.into(),
            cells,
            total: true,
        }
    }
}

/// One table of a report: written as one sheet and one CSV (`<report>/<id>.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File-name stem, e.g. `with_children`.
    pub id: String,
    /// HUD's title, e.g. "Persons in Households with at least one Adult and one Child".
    pub title: String,
    /// Header of the row-label column (column A).
    pub corner: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(id: &str, title: &str, corner: &str, columns: &[&str]) -> Table {
        Table {
            id: id.to_string(),
            title: title.to_string(),
            corner: corner.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn row(&self, label: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.label == label)
    }

    pub fn col(&self, label: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == label)
    }

    /// The cell at a row label and column label.
    pub fn cell(&self, row: &str, col: &str) -> Option<&Cell> {
        self.row(row)?.cells.get(self.col(col)?)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ChartKind {
    Bar,
    Column,
    StackedColumn,
    Pie,
}

/// A chart of part of a table: categories are the chosen rows' labels, each series one
/// column. Both writers draw it from the same cells (xlsx as a native chart over the sheet).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub kind: ChartKind,
    /// The table's id.
    pub table: String,
    /// Row indexes (categories).
    pub rows: Vec<usize>,
    /// Column indexes (series).
    pub series: Vec<usize>,
}

/// A headline number for the dashboard and summary.json.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// Stable key in summary.json, dotted for nesting (e.g. `pit.persons.total`).
    pub key: String,
    pub label: String,
    pub value: Cell,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Name and key in summary.json (`overview`, `pit`, `apr-project-441`); also the file
    /// stem unless `path` says otherwise.
    pub name: String,
    /// The files' stem relative to the output folder when it is not `name`, e.g.
    /// `apr-projects/441` for `apr-projects/441.xlsx`, `apr-projects/441/Q*.csv`.
    pub path: Option<String>,
    pub title: String,
    /// Report-specific parameters and definitions for the About sheet.
    pub about: Vec<(String, String)>,
    pub headlines: Vec<Headline>,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
}

impl Report {
    /// Where the report's files go, relative to the output folder, without extension.
    pub fn stem(&self) -> &str {
        self.path.as_deref().unwrap_or(&self.name)
    }
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// A chart over a table's rows, by labels (rows or columns missing from the table are
/// skipped, so a chart never points at nothing).
pub fn chart(table: &Table, title: &str, kind: ChartKind, rows: &[&str], series: &[&str]) -> Chart {
    Chart {
        title: title.to_string(),
        kind,
        table: table.id.clone(),
        rows: rows
            .iter()
            .filter_map(|r| table.rows.iter().position(|x| x.label == *r))
            .collect(),
        series: series.iter().filter_map(|c| table.col(c)).collect(),
    }
}
