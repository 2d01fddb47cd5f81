//! A compact columnar table: one typed vector per column, nulls as sentinels.
//!
//! A CoC-sized community holds tens of millions of rows; a `String` per cell would not fit
//! the memory budget, so text lives in one byte arena per column and numbers and dates in
//! plain vectors. Reports read cells through the typed getters.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::hmis::ColType;

pub const NULL_INT: i32 = i32::MIN;
pub const NULL_DATE: i32 = i32::MIN;
pub const NULL_DATETIME: i64 = i64::MIN;

/// Text cells of one column, dictionary-encoded: each row holds a 4-byte code into one
/// arena of distinct values. HMIS text columns repeat heavily (ExportID, UserID, the
/// EnrollmentID and PersonalID of child records), so this keeps a CoC-sized community in a
/// few bytes per cell. An empty string is null (HMIS CSV has no other null).
#[derive(Debug, Clone, Default)]
pub struct StrColumn {
    codes: Vec<u32>,
    bytes: Vec<u8>,
    /// End of each distinct value in `bytes` (value `c` is `ends[c-1]..ends[c]`).
    ends: Vec<u32>,
    /// Build-time index: hash of a value -> its code; dropped by `shrink`.
    index: HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>,
    /// Values whose hash collided with another value's (astronomically rare).
    collisions: HashMap<String, u32>,
}

/// FNV-1a: a fast, fixed hash for short ID strings.
fn fnv1a(s: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The index keys are already hashes.
#[derive(Default)]
struct IdentityHasher(u64);
impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | *b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl StrColumn {
    fn value(&self, code: u32) -> &str {
        let c = code as usize;
        let a = if c == 0 { 0 } else { self.ends[c - 1] as usize };
        let b = self.ends[c] as usize;
        // Only `push(&str)` writes the arena, so every slice is valid UTF-8.
        std::str::from_utf8(&self.bytes[a..b]).unwrap_or("")
    }

    /// The code of a value already in the column, if any (only while the build-time index
    /// is kept, i.e. before `shrink`).
    pub fn lookup(&self, s: &str) -> Option<u32> {
        match self.index.get(&fnv1a(s.as_bytes())) {
            Some(&c) if self.value(c) == s => Some(c),
            Some(_) => self.collisions.get(s).copied(),
            None => None,
        }
    }

    /// The number of distinct values stored.
    pub fn distinct(&self) -> usize {
        self.ends.len()
    }

    pub fn push(&mut self, s: &str) {
        let h = fnv1a(s.as_bytes());
        let code = match self.index.get(&h) {
            Some(&c) if self.value(c) == s => c,
            Some(_) => match self.collisions.get(s) {
                Some(&c) => c,
                None => {
                    let c = self.add(s);
                    self.collisions.insert(s.to_string(), c);
                    c
                }
            },
            None => {
                let c = self.add(s);
                self.index.insert(h, c);
                c
            }
        };
        self.codes.push(code);
    }

    fn add(&mut self, s: &str) -> u32 {
        self.bytes.extend_from_slice(s.as_bytes());
        self.ends.push(self.bytes.len() as u32);
        (self.ends.len() - 1) as u32
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
    pub fn get(&self, i: usize) -> &str {
        self.value(self.codes[i])
    }
    pub fn truncate(&mut self, n: usize) {
        self.codes.truncate(n);
    }
    fn filter(&self, keep: &[bool]) -> StrColumn {
        StrColumn {
            codes: self
                .codes
                .iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(c, _)| *c)
                .collect(),
            bytes: self.bytes.clone(),
            ends: self.ends.clone(),
            index: HashMap::default(),
            collisions: HashMap::new(),
        }
    }
    fn shrink(&mut self) {
        self.codes.shrink_to_fit();
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.index = HashMap::default();
        self.collisions = HashMap::new();
    }
}

#[derive(Debug, Clone)]
pub enum Column {
    Str(StrColumn),
    /// Whole numbers; `NULL_INT` is null.
    Int(Vec<i32>),
    /// Days from 0001-01-01 (`NaiveDate::num_days_from_ce`); `NULL_DATE` is null.
    Date(Vec<i32>),
    /// Seconds from 1970-01-01 00:00:00; `NULL_DATETIME` is null.
    DateTime(Vec<i64>),
    /// Money; NaN is null.
    Money(Vec<f64>),
}

impl Column {
    pub fn new(ty: ColType) -> Column {
        match ty {
            ColType::Str => Column::Str(StrColumn::default()),
            ColType::Int => Column::Int(Vec::new()),
            ColType::Date => Column::Date(Vec::new()),
            ColType::DateTime => Column::DateTime(Vec::new()),
            ColType::Money => Column::Money(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Str(c) => c.len(),
            Column::Int(v) | Column::Date(v) => v.len(),
            Column::DateTime(v) => v.len(),
            Column::Money(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, v: &Value) {
        match (self, v) {
            (Column::Str(c), Value::Str(s)) => c.push(s),
            (Column::Str(c), Value::Null) => c.push(""),
            (Column::Int(c), Value::Int(x)) => c.push(*x),
            (Column::Int(c), _) => c.push(NULL_INT),
            (Column::Date(c), Value::Date(x)) => c.push(*x),
            (Column::Date(c), _) => c.push(NULL_DATE),
            (Column::DateTime(c), Value::DateTime(x)) => c.push(*x),
            (Column::DateTime(c), _) => c.push(NULL_DATETIME),
            (Column::Money(c), Value::Money(x)) => c.push(*x),
            (Column::Money(c), _) => c.push(f64::NAN),
            (Column::Str(c), other) => c.push(&other.to_string()),
        }
    }

    pub fn truncate(&mut self, n: usize) {
        match self {
            Column::Str(c) => c.truncate(n),
            Column::Int(v) | Column::Date(v) => v.truncate(n),
            Column::DateTime(v) => v.truncate(n),
            Column::Money(v) => v.truncate(n),
        }
    }

    fn filter(&self, keep: &[bool]) -> Column {
        fn pick<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(x, _)| *x)
                .collect()
        }
        match self {
            Column::Str(c) => Column::Str(c.filter(keep)),
            Column::Int(v) => Column::Int(pick(v, keep)),
            Column::Date(v) => Column::Date(pick(v, keep)),
            Column::DateTime(v) => Column::DateTime(pick(v, keep)),
            Column::Money(v) => Column::Money(pick(v, keep)),
        }
    }

    fn shrink(&mut self) {
        match self {
            Column::Str(c) => c.shrink(),
            Column::Int(v) | Column::Date(v) => v.shrink_to_fit(),
            Column::DateTime(v) => v.shrink_to_fit(),
            Column::Money(v) => v.shrink_to_fit(),
        }
    }
}

/// One parsed cell, before it is pushed into a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Int(i32),
    Date(i32),
    DateTime(i64),
    Money(f64),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Str(s) => f.write_str(s),
            Value::Int(x) => write!(f, "{x}"),
            Value::Date(d) => match date_from_days(*d) {
                Some(d) => write!(f, "{}", d.format("%Y-%m-%d")),
                None => Ok(()),
            },
            Value::DateTime(t) => match datetime_from_secs(*t) {
                Some(t) => write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S")),
                None => Ok(()),
            },
            Value::Money(m) => write!(f, "{m:.2}"),
        }
    }
}

pub fn days_from_date(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

pub fn date_from_days(d: i32) -> Option<NaiveDate> {
    if d == NULL_DATE {
        None
    } else {
        NaiveDate::from_num_days_from_ce_opt(d)
    }
}

pub fn secs_from_datetime(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

pub fn datetime_from_secs(t: i64) -> Option<NaiveDateTime> {
    if t == NULL_DATETIME {
        None
    } else {
        chrono::DateTime::from_timestamp(t, 0).map(|t| t.naive_utc())
    }
}

/// One file of one export, as columns named by the FY2026 specification (plus any legacy
/// columns kept from an older version, after them).
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    pub names: Vec<String>,
    pub columns: Vec<Column>,
    /// Line number in the source file of each row (for findings raised after parsing).
    pub lines: Vec<u32>,
}

impl Table {
    pub fn new(file: &str, names: Vec<String>, types: &[ColType]) -> Table {
        Table {
            file: file.to_string(),
            names,
            columns: types.iter().map(|t| Column::new(*t)).collect(),
            lines: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Index of a column by name (case-insensitive).
    pub fn col(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.col(name).map(|i| &self.columns[i])
    }

    /// A text column; an empty slice view when the column is absent or not text.
    pub fn str_col(&self, name: &str) -> Option<&StrColumn> {
        match self.column(name) {
            Some(Column::Str(c)) => Some(c),
            _ => None,
        }
    }

    pub fn int_col(&self, name: &str) -> Option<&[i32]> {
        match self.column(name) {
            Some(Column::Int(v)) => Some(v),
            _ => None,
        }
    }

    pub fn date_col(&self, name: &str) -> Option<&[i32]> {
        match self.column(name) {
            Some(Column::Date(v)) => Some(v),
            _ => None,
        }
    }

    pub fn datetime_col(&self, name: &str) -> Option<&[i64]> {
        match self.column(name) {
            Some(Column::DateTime(v)) => Some(v),
            _ => None,
        }
    }

    pub fn money_col(&self, name: &str) -> Option<&[f64]> {
        match self.column(name) {
            Some(Column::Money(v)) => Some(v),
            _ => None,
        }
    }

    /// Keeps the rows whose flag is true.
    pub fn retain(&mut self, keep: &[bool]) {
        if keep.iter().all(|k| *k) {
            return;
        }
        self.columns = self.columns.iter().map(|c| c.filter(keep)).collect();
        self.lines = self
            .lines
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(l, _)| *l)
            .collect();
    }

    pub fn shrink(&mut self) {
        for c in &mut self.columns {
            c.shrink();
        }
        self.lines.shrink_to_fit();
    }

    /// The cell as text, as it would be written to a CSV file.
    pub fn cell_text(&self, row: usize, col: usize) -> String {
        match &self.columns[col] {
            Column::Str(c) => c.get(row).to_string(),
            Column::Int(v) if v[row] != NULL_INT => v[row].to_string(),
            Column::Date(v) => Value::Date(v[row]).to_string(),
            Column::DateTime(v) => Value::DateTime(v[row]).to_string(),
            Column::Money(v) if !v[row].is_nan() => format!("{:.2}", v[row]),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_store_and_filter() {
        let mut t = Table::new(
            "X",
            vec!["A".into(), "B".into(), "C".into()],
            &[ColType::Str, ColType::Int, ColType::Date],
        );
        let d = days_from_date(NaiveDate::from_ymd_opt(2025, 1, 31).unwrap());
        for (i, s) in ["x", "", "zz"].iter().enumerate() {
            t.columns[0].push(&Value::Str(s.to_string()));
            t.columns[1].push(&if i == 1 {
                Value::Null
            } else {
                Value::Int(i as i32)
            });
            t.columns[2].push(&Value::Date(d + i as i32));
            t.lines.push(i as u32 + 2);
        }
        assert_eq!(t.cell_text(1, 1), "");
        assert_eq!(t.cell_text(2, 2), "2025-02-02");
        t.retain(&[true, false, true]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.str_col("a").unwrap().get(1), "zz");
        assert_eq!(t.int_col("B").unwrap(), &[0, 2]);
        assert_eq!(t.lines, vec![2, 4]);
    }
}
