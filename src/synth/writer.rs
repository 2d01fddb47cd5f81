//! Row building and CSV formatting driven by the schema: one reusable row per file, values
//! set by column name, written in spec order (strings quoted, numbers and dates bare, null
//! empty), the way HUD's own sample export is formatted.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use crate::hmis::{ColType, FileSpec, Schema};

/// Column lookup for one file.
pub struct Layout {
    pub spec: &'static FileSpec,
    index: HashMap<&'static str, usize>,
    quoted: Vec<bool>,
}

/// Layouts of all 24 FY2026 files, in spec order.
pub fn layouts() -> &'static [Layout] {
    static L: OnceLock<Vec<Layout>> = OnceLock::new();
    L.get_or_init(|| {
        Schema::fy2026()
            .files
            .iter()
            .map(|spec| Layout {
                spec,
                index: spec
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.name.as_str(), i))
                    .collect(),
                quoted: spec.columns.iter().map(|c| c.ty == ColType::Str).collect(),
            })
            .collect()
    })
}

/// Position of a file in `layouts()`.
pub fn file_no(name: &str) -> usize {
    layouts()
        .iter()
        .position(|l| l.spec.name == name)
        .unwrap_or_else(|| panic!("unknown HMIS file {name}"))
}

/// The header line of a file (bare names, like HUD's sample).
pub fn header_line(layout: &Layout) -> String {
    let mut s = layout.spec.header().join(",");
    s.push('\n');
    s
}

/// One reusable row.
pub struct Row {
    layout: &'static Layout,
    vals: Vec<String>,
}

impl Row {
    pub fn new(layout: &'static Layout) -> Row {
        Row {
            layout,
            vals: vec![String::new(); layout.spec.columns.len()],
        }
    }

    fn slot(&mut self, col: &str) -> &mut String {
        let i = *self
            .layout
            .index
            .get(col)
            .unwrap_or_else(|| panic!("{} has no column {col}", self.layout.spec.name));
        let s = &mut self.vals[i];
        s.clear();
        s
    }

    pub fn s(&mut self, col: &str, v: impl AsRef<str>) -> &mut Self {
        self.slot(col).push_str(v.as_ref());
        self
    }

    pub fn i(&mut self, col: &str, v: i64) -> &mut Self {
        let _ = write!(self.slot(col), "{v}");
        self
    }

    pub fn oi(&mut self, col: &str, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.i(col, v),
            None => {
                self.slot(col);
                self
            }
        }
    }

    pub fn d(&mut self, col: &str, d: NaiveDate) -> &mut Self {
        push_date(self.slot(col), d);
        self
    }

    pub fn od(&mut self, col: &str, d: Option<NaiveDate>) -> &mut Self {
        let s = self.slot(col);
        if let Some(d) = d {
            push_date(s, d);
        }
        self
    }

    /// Datetime at a given second of the day.
    pub fn t(&mut self, col: &str, d: NaiveDate, secs: u32) -> &mut Self {
        let s = self.slot(col);
        push_date(s, d);
        let _ = write!(
            s,
            " {:02}:{:02}:{:02}",
            secs / 3600 % 24,
            secs / 60 % 60,
            secs % 60
        );
        self
    }

    pub fn money(&mut self, col: &str, cents: i64) -> &mut Self {
        let _ = write!(self.slot(col), "{}.{:02}", cents / 100, cents % 100);
        self
    }

    /// Append the row as one CSV line and reset all values to null.
    pub fn emit(&mut self, out: &mut Vec<u8>) {
        for (i, v) in self.vals.iter_mut().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if !v.is_empty() {
                if self.layout.quoted[i] {
                    out.push(b'"');
                    for &b in v.as_bytes() {
                        if b == b'"' {
                            out.push(b'"');
                        }
                        out.push(b);
                    }
                    out.push(b'"');
                } else {
                    out.extend_from_slice(v.as_bytes());
                }
                v.clear();
            }
        }
        out.push(b'\n');
    }
}

pub fn push_date(s: &mut String, d: NaiveDate) {
    let _ = write!(s, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}
