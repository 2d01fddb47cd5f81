//! A compact columnar table: one typed column per file column, nulls as sentinels.
//!
//! A CoC-sized community holds tens of millions of rows; a `String` per cell would not fit
//! the memory budget, so text is dictionary-encoded (one arena of distinct values per column,
//! a 1-, 2- or 4-byte code per row), numbers and dates are stored as narrow as their values
//! allow (most HMIS codes fit a byte, dates from 1900 to 2079 two bytes), widening a column
//! only when a value needs it, and money as a dictionary of amounts. Reports read cells
//! through the typed getters, which index like slices (`col[i]`, `get`, `iter`) and give the
//! same values whatever the storage.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::hmis::ColType;

pub const NULL_INT: i32 = i32::MIN;
pub const NULL_DATE: i32 = i32::MIN;
pub const NULL_DATETIME: i64 = i64::MIN;

/// Row codes of a text column, as narrow as the number of distinct values allows. A column
/// whose every row holds a new value (a primary key) needs no codes at all: row `i` holds
/// value `i`.
#[derive(Debug, Clone)]
enum Codes {
    Identity(usize),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Codes {
    fn len(&self) -> usize {
        match self {
            Codes::Identity(n) => *n,
            Codes::U8(v) => v.len(),
            Codes::U16(v) => v.len(),
            Codes::U32(v) => v.len(),
        }
    }

    fn get(&self, i: usize) -> u32 {
        match self {
            Codes::Identity(n) => {
                assert!(i < *n, "row {i} out of {n}");
                i as u32
            }
            Codes::U8(v) => v[i] as u32,
            Codes::U16(v) => v[i] as u32,
            Codes::U32(v) => v[i],
        }
    }

    /// Appends a code; `cap` is the expected final number of rows (for a first allocation).
    #[inline]
    fn push(&mut self, code: u32, cap: usize) {
        match self {
            Codes::Identity(n) if code as usize == *n => *n += 1,
            Codes::U8(v) if code <= u8::MAX as u32 => v.push(code as u8),
            Codes::U16(v) if code <= u16::MAX as u32 => v.push(code as u16),
            Codes::U32(v) => v.push(code),
            _ => self.widen_and_push(code, cap),
        }
    }

    #[cold]
    fn widen_and_push(&mut self, code: u32, cap: usize) {
        self.widen(code, cap);
        self.push(code, cap);
    }

    /// Re-stores the codes in a width that holds `code` (and every code so far).
    fn widen(&mut self, code: u32, cap: usize) {
        let n = self.len();
        let max = (0..n).map(|i| self.get(i)).max().unwrap_or(0).max(code);
        let cap = cap.max(n + 1);
        *self = if max <= u8::MAX as u32 {
            let mut v = Vec::with_capacity(cap);
            v.extend((0..n).map(|i| self.get(i) as u8));
            Codes::U8(v)
        } else if max <= u16::MAX as u32 {
            let mut v = Vec::with_capacity(cap);
            v.extend((0..n).map(|i| self.get(i) as u16));
            Codes::U16(v)
        } else {
            let mut v = Vec::with_capacity(cap);
            v.extend((0..n).map(|i| self.get(i)));
            Codes::U32(v)
        };
    }

    fn truncate(&mut self, len: usize) {
        match self {
            Codes::Identity(n) => *n = (*n).min(len),
            Codes::U8(v) => v.truncate(len),
            Codes::U16(v) => v.truncate(len),
            Codes::U32(v) => v.truncate(len),
        }
    }

    fn shrink(&mut self) {
        match self {
            Codes::Identity(_) => {}
            Codes::U8(v) => v.shrink_to_fit(),
            Codes::U16(v) => v.shrink_to_fit(),
            Codes::U32(v) => v.shrink_to_fit(),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Codes::Identity(_) => 0,
            Codes::U8(v) => v.capacity(),
            Codes::U16(v) => v.capacity() * 2,
            Codes::U32(v) => v.capacity() * 4,
        }
    }
}

/// Text cells of one column, dictionary-encoded: each row holds a code (1, 2 or 4 bytes, or
/// none for a column of distinct values) into one arena of distinct values. HMIS text
/// columns repeat heavily (ExportID, UserID, the EnrollmentID and PersonalID of child
/// records), so this keeps a CoC-sized community in a few bytes per cell. An empty string is
/// null (HMIS CSV has no other null).
#[derive(Debug, Clone)]
pub struct StrColumn {
    codes: Codes,
    text: String,
    /// End of each distinct value in `text` (value `c` is `ends[c-1]..ends[c]`).
    ends: Vec<u32>,
    /// Build-time index: hash of a value -> its code; dropped by `shrink`.
    index: HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>,
    /// Values whose hash collided with another value's (astronomically rare).
    collisions: HashMap<String, u32>,
    /// Expected number of rows (for the first allocation of the codes).
    cap: usize,
    /// The code of the last value pushed and where it lies in `text` (a value often
    /// repeats on the next rows).
    last: Option<(u32, u32, u32)>,
    /// The code of the empty value, once pushed.
    empty: Option<u32>,
    /// A key column: every push appends a new value, without the index; repeated values
    /// are found afterwards by [`StrColumn::repeated_rows`].
    unindexed: bool,
}

impl Default for StrColumn {
    fn default() -> StrColumn {
        StrColumn {
            codes: Codes::Identity(0),
            text: String::new(),
            ends: Vec::new(),
            index: HashMap::default(),
            collisions: HashMap::new(),
            cap: 0,
            last: None,
            empty: None,
            unindexed: false,
        }
    }
}

/// A point a column can be rolled back to (see [`StrColumn::rollback`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct StrMark {
    len: usize,
    distinct: usize,
}

/// A fast, fixed hash for short ID strings, eight bytes at a time.
fn hash(s: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, w: u64| (h.rotate_left(26) ^ w).wrapping_mul(K);
    let mut h = s.len() as u64;
    let mut words = s.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = mix(h, u64::from_le_bytes(b));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(b));
    }
    (h ^ (h >> 29)).wrapping_mul(K) ^ (h >> 32)
}

/// The hashes that occur more than once (sorted), found by sorting them (`hashes` is
/// reordered).
fn repeated_hashes(hashes: &mut [u64]) -> Vec<u64> {
    hashes.sort_unstable();
    let mut out: Vec<u64> = hashes
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    out.dedup();
    out
}

/// String equality inlined for short IDs (eight bytes at a time, no call to `memcmp`).
#[inline]
fn same(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        let mut u = [0u8; 8];
        let mut v = [0u8; 8];
        u.copy_from_slice(p);
        v.copy_from_slice(q);
        if u != v {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

/// A fast hasher for string-keyed maps whose order never shows (the checks across files).
#[derive(Default)]
pub struct StrHasher(u64);

impl Hasher for StrHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.write_u64(hash(bytes));
    }
    fn write_u8(&mut self, b: u8) {
        self.write_u64(b as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(26) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
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
        self.text.get(a..b).unwrap_or("")
    }

    /// The code of a value already in the column, if any (only while the build-time index
    /// is kept, i.e. before `shrink`).
    pub fn lookup(&self, s: &str) -> Option<u32> {
        self.find(hash(s.as_bytes()), s)
    }

    fn find(&self, h: u64, s: &str) -> Option<u32> {
        match self.index.get(&h) {
            Some(&c) if same(self.value(c), s) => Some(c),
            Some(_) => self.collisions.get(s).copied(),
            None => None,
        }
    }

    /// The number of distinct values stored.
    pub fn distinct(&self) -> usize {
        self.ends.len()
    }

    /// A column for a key: from now on every value pushed is stored as a new value (codes
    /// are row numbers, no index is kept), and [`StrColumn::repeated_rows`] finds the
    /// values that repeat once the column is filled. Cheaper than the index for a column
    /// whose values are (nearly) all distinct.
    pub fn set_unindexed(&mut self) {
        self.unindexed = true;
        self.index = HashMap::default();
    }

    /// Appends a value; returns its code and whether it was new to the column (always
    /// true for an unindexed column).
    #[inline]
    pub fn push_code(&mut self, s: &str) -> (u32, bool) {
        if self.unindexed {
            let c = self.add(s);
            self.codes.push(c, self.cap);
            return (c, true);
        }
        if s.is_empty() {
            if let Some(c) = self.empty {
                self.codes.push(c, self.cap);
                return (c, false);
            }
        } else if let Some((c, a, b)) = self.last
            && let Some(last) = self.text.as_bytes().get(a as usize..b as usize)
            && same_bytes(last, s.as_bytes())
        {
            self.codes.push(c, self.cap);
            return (c, false);
        }
        let h = hash(s.as_bytes());
        // One probe of the index, whether the value is new or not.
        let (code, new) = match self.index.entry(h) {
            Entry::Vacant(e) => {
                e.insert(self.ends.len() as u32);
                (self.add(s), true)
            }
            Entry::Occupied(e) => {
                let c = *e.get();
                if same(self.value(c), s) {
                    (c, false)
                } else if let Some(&c) = self.collisions.get(s) {
                    (c, false)
                } else {
                    let c = self.add(s);
                    self.collisions.insert(s.to_string(), c);
                    (c, true)
                }
            }
        };
        self.codes.push(code, self.cap);
        if s.is_empty() {
            self.empty = Some(code);
        } else {
            let c = code as usize;
            let a = if c == 0 { 0 } else { self.ends[c - 1] };
            self.last = Some((code, a, self.ends[c]));
        }
        (code, new)
    }

    pub fn push(&mut self, s: &str) {
        self.push_code(s);
    }

    fn add(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        (self.ends.len() - 1) as u32
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, i: usize) -> &str {
        self.value(self.codes.get(i))
    }
    /// The code of row `i` (values are numbered in order of first appearance).
    pub fn code(&self, i: usize) -> u32 {
        self.codes.get(i)
    }
    /// The value of a code.
    pub fn value_of(&self, code: u32) -> &str {
        self.value(code)
    }
    pub fn truncate(&mut self, n: usize) {
        self.codes.truncate(n);
    }

    /// The current state, to roll back to if the row being added is rejected.
    pub fn mark(&self) -> StrMark {
        StrMark {
            len: self.len(),
            distinct: self.distinct(),
        }
    }

    /// Drops the rows and the distinct values added since `m` (only while the build-time
    /// index is kept), so the column is as if they had never been pushed.
    pub fn rollback(&mut self, m: StrMark) {
        self.codes.truncate(m.len);
        if self.last.is_some_and(|(c, _, _)| c as usize >= m.distinct) {
            self.last = None;
        }
        if self.empty.is_some_and(|c| c as usize >= m.distinct) {
            self.empty = None;
        }
        if self.unindexed {
            self.ends.truncate(m.distinct);
            let end = self.ends.last().map_or(0, |e| *e as usize);
            self.text.truncate(end);
            return;
        }
        while self.ends.len() > m.distinct {
            let c = (self.ends.len() - 1) as u32;
            let s = self.value(c).to_string();
            if self.collisions.get(&s) == Some(&c) {
                self.collisions.remove(&s);
            } else {
                self.index.remove(&hash(s.as_bytes()));
            }
            self.ends.pop();
            let end = self.ends.last().map_or(0, |e| *e as usize);
            self.text.truncate(end);
        }
    }

    fn reserve(&mut self, rows: usize) {
        self.cap = rows;
        let n = self.len();
        let extra = rows.saturating_sub(n);
        match &mut self.codes {
            Codes::Identity(_) => {}
            Codes::U8(v) => v.reserve_exact(extra),
            Codes::U16(v) => v.reserve_exact(extra),
            Codes::U32(v) => v.reserve_exact(extra),
        }
        // The distinct values, and the index to them, are expected to keep coming as they
        // did over the first rows rather than grow by doubling: one a row for a key column
        // (its codes are the rows), one every dozen rows for the EnrollmentID of disability
        // records.
        let distinct = self.distinct();
        if n > 0 && distinct > 0 {
            let more = (distinct as u64 * extra as u64 / n as u64) as usize;
            self.text
                .reserve_exact(more * self.text.len().div_ceil(distinct));
            self.ends.reserve_exact(more);
            if !self.unindexed {
                self.index.reserve(more);
            }
        }
    }

    /// The rows whose value appeared on an earlier row, each with the first row that
    /// holds its value, in row order. Sorts a hash of every value rather than keeping an
    /// index while the column is filled.
    pub fn repeated_rows(&self) -> Vec<(usize, usize)> {
        let n = self.len();
        let mut hashes: Vec<u64> = (0..n).map(|i| hash(self.get(i).as_bytes())).collect();
        let repeated = repeated_hashes(&mut hashes);
        drop(hashes);
        if repeated.is_empty() {
            return Vec::new();
        }
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut out = Vec::new();
        for i in 0..n {
            let v = self.get(i);
            if repeated.binary_search(&hash(v.as_bytes())).is_ok() {
                match first.entry(v) {
                    Entry::Occupied(e) => out.push((i, *e.get())),
                    Entry::Vacant(e) => {
                        e.insert(i);
                    }
                }
            }
        }
        out
    }

    fn filter(&self, keep: &[bool]) -> StrColumn {
        if let Codes::Identity(n) = self.codes {
            // Distinct values: keep only the kept rows' values, so codes stay row numbers.
            let mut c = StrColumn::default();
            let kept = keep.iter().take(n).filter(|k| **k).count();
            c.ends.reserve_exact(kept);
            for (i, _) in keep.iter().take(n).enumerate().filter(|(_, k)| **k) {
                c.add(self.value(i as u32));
            }
            c.codes = Codes::Identity(c.ends.len());
            c.text.shrink_to_fit();
            return c;
        }
        let mut codes = Codes::Identity(0);
        let n = keep.iter().filter(|k| **k).count();
        for (i, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
            codes.push(self.codes.get(i), n);
        }
        StrColumn {
            codes,
            text: self.text.clone(),
            ends: self.ends.clone(),
            ..StrColumn::default()
        }
    }

    fn shrink(&mut self) {
        self.codes.shrink();
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.index = HashMap::default();
        self.collisions = HashMap::new();
    }

    fn heap_bytes(&self) -> usize {
        self.codes.heap_bytes() + self.text.capacity() + self.ends.capacity() * 4
    }
}

/// Days from CE of 1900-01-01: dates from then to 2079 are stored in 16 bits.
const DATE_BASE: i32 = 693_596;

/// `table[code]` for the narrow codes of a whole-number column: 0 is null, `k` is `k - 1`.
static INT_VALUES: [i32; 65536] = narrow_values(NULL_INT, 0);
/// The same for a date column: 0 is null, `k` is the day `DATE_BASE + k - 1`.
static DATE_VALUES: [i32; 65536] = narrow_values(NULL_DATE, DATE_BASE);

const fn narrow_values(null: i32, base: i32) -> [i32; 65536] {
    let mut t = [0i32; 65536];
    t[0] = null;
    let mut k = 1;
    while k < 65536 {
        t[k] = base + k as i32 - 1;
        k += 1;
    }
    t
}

#[derive(Debug, Clone)]
enum Narrow {
    U8(Vec<u8>),
    U16(Vec<u16>),
    I32(Vec<i32>),
}

/// A column of whole numbers or of dates (days from CE), in 1 or 2 bytes per cell while
/// the values allow it (small codes, dates from 1900 to 2079), else 4. Read it by index
/// (`col[i]`), `get`, or `iter`, as a slice of `i32` with `NULL_INT` / `NULL_DATE` for null.
#[derive(Clone)]
pub struct I32Column {
    data: Narrow,
    /// The value of code 1 (0 for whole numbers, `DATE_BASE` for dates).
    base: i32,
    null: i32,
    values: &'static [i32; 65536],
    cap: usize,
}

/// A column of whole numbers; `NULL_INT` is null.
pub type IntColumn = I32Column;
/// A column of dates (days from CE); `NULL_DATE` is null.
pub type DateColumn = I32Column;

impl I32Column {
    fn ints() -> I32Column {
        I32Column {
            data: Narrow::U8(Vec::new()),
            base: 0,
            null: NULL_INT,
            values: &INT_VALUES,
            cap: 0,
        }
    }

    fn dates() -> I32Column {
        I32Column {
            data: Narrow::U16(Vec::new()),
            base: DATE_BASE,
            null: NULL_DATE,
            values: &DATE_VALUES,
            cap: 0,
        }
    }

    /// The narrow code of a value, if it has one (0 = null).
    fn code(&self, v: i32) -> Option<u32> {
        if v == self.null {
            Some(0)
        } else {
            let k = v as i64 - self.base as i64 + 1;
            (1..65536).contains(&k).then_some(k as u32)
        }
    }

    pub fn len(&self) -> usize {
        match &self.data {
            Narrow::U8(v) => v.len(),
            Narrow::U16(v) => v.len(),
            Narrow::I32(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> i32 {
        self[i]
    }

    /// Calls `f(row, value)` for every row in order, the storage looked at once rather
    /// than per row (for loops over whole columns).
    pub fn for_each(&self, mut f: impl FnMut(usize, i32)) {
        match &self.data {
            Narrow::U8(v) => v
                .iter()
                .enumerate()
                .for_each(|(i, &c)| f(i, self.values[c as usize])),
            Narrow::U16(v) => v
                .iter()
                .enumerate()
                .for_each(|(i, &c)| f(i, self.values[c as usize])),
            Narrow::I32(v) => v.iter().enumerate().for_each(|(i, &x)| f(i, x)),
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &i32> + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    #[inline]
    pub fn push(&mut self, v: i32) {
        let code = self.code(v);
        match (&mut self.data, code) {
            (Narrow::U8(d), Some(k)) if k <= u8::MAX as u32 => d.push(k as u8),
            (Narrow::U16(d), Some(k)) => d.push(k as u16),
            (Narrow::I32(d), _) => d.push(v),
            _ => self.widen_and_push(v),
        }
    }

    #[cold]
    fn widen_and_push(&mut self, v: i32) {
        self.widen(v);
        self.push(v);
    }

    fn widen(&mut self, v: i32) {
        let cap = self.cap.max(self.len() + 1);
        let old: Vec<i32> = self.iter().copied().collect();
        let fits = |x: i32| self.code(x).is_some();
        self.data = if matches!(self.data, Narrow::U8(_)) && fits(v) {
            let mut d = Vec::with_capacity(cap);
            d.extend(old.iter().map(|x| self.code(*x).unwrap_or(0) as u16));
            Narrow::U16(d)
        } else {
            let mut d = Vec::with_capacity(cap);
            d.extend(old);
            Narrow::I32(d)
        };
    }

    pub fn truncate(&mut self, n: usize) {
        match &mut self.data {
            Narrow::U8(v) => v.truncate(n),
            Narrow::U16(v) => v.truncate(n),
            Narrow::I32(v) => v.truncate(n),
        }
    }

    fn reserve(&mut self, rows: usize) {
        self.cap = rows;
        let extra = rows.saturating_sub(self.len());
        match &mut self.data {
            Narrow::U8(v) => v.reserve_exact(extra),
            Narrow::U16(v) => v.reserve_exact(extra),
            Narrow::I32(v) => v.reserve_exact(extra),
        }
    }

    fn filter(&self, keep: &[bool]) -> I32Column {
        fn pick<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(x, _)| *x)
                .collect()
        }
        I32Column {
            data: match &self.data {
                Narrow::U8(v) => Narrow::U8(pick(v, keep)),
                Narrow::U16(v) => Narrow::U16(pick(v, keep)),
                Narrow::I32(v) => Narrow::I32(pick(v, keep)),
            },
            cap: 0,
            ..*self
        }
    }

    fn shrink(&mut self) {
        match &mut self.data {
            Narrow::U8(v) => v.shrink_to_fit(),
            Narrow::U16(v) => v.shrink_to_fit(),
            Narrow::I32(v) => v.shrink_to_fit(),
        }
    }

    fn heap_bytes(&self) -> usize {
        match &self.data {
            Narrow::U8(v) => v.capacity(),
            Narrow::U16(v) => v.capacity() * 2,
            Narrow::I32(v) => v.capacity() * 4,
        }
    }
}

impl std::ops::Index<usize> for I32Column {
    type Output = i32;
    fn index(&self, i: usize) -> &i32 {
        match &self.data {
            Narrow::U8(v) => &self.values[v[i] as usize],
            Narrow::U16(v) => &self.values[v[i] as usize],
            Narrow::I32(v) => &v[i],
        }
    }
}

impl std::fmt::Debug for I32Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq<[i32]> for I32Column {
    fn eq(&self, other: &[i32]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl<const N: usize> PartialEq<[i32; N]> for I32Column {
    fn eq(&self, other: &[i32; N]) -> bool {
        *self == other[..]
    }
}

/// A column of datetimes (seconds from 1970-01-01 00:00:00; `NULL_DATETIME` is null): one
/// value while every row holds the same one (a DateDeleted column of kept rows), else 8
/// bytes per cell. Read it by index (`col[i]`), `get` or `iter`.
#[derive(Debug, Clone)]
pub struct DateTimeColumn {
    data: Wide,
    cap: usize,
}

#[derive(Debug, Clone)]
enum Wide {
    Same(i64, usize),
    I64(Vec<i64>),
    /// Values checked as they are read but not kept (see [`DateTimeColumn::unstored`]).
    Unstored(usize),
}

impl DateTimeColumn {
    /// A column whose values are counted but not kept: every row reads as null. For a
    /// record-keeping timestamp that the parser checks and that is dropped as soon as its
    /// file is read (DateCreated of 23 M disability records is 180 MB written for nothing).
    pub fn unstored() -> DateTimeColumn {
        DateTimeColumn {
            data: Wide::Unstored(0),
            cap: 0,
        }
    }

    pub fn len(&self) -> usize {
        match &self.data {
            Wide::Same(_, n) | Wide::Unstored(n) => *n,
            Wide::I64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> i64 {
        self[i]
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &i64> + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    pub fn push(&mut self, v: i64) {
        match &mut self.data {
            Wide::Same(x, n) if *x == v || *n == 0 => {
                *x = v;
                *n += 1;
            }
            Wide::Same(x, n) => {
                let mut d = Vec::with_capacity(self.cap.max(*n + 1));
                d.resize(*n, *x);
                d.push(v);
                self.data = Wide::I64(d);
            }
            Wide::I64(d) => d.push(v),
            Wide::Unstored(n) => *n += 1,
        }
    }

    /// Expects about `rows` rows in all: sizes the vector once, whether it already holds
    /// distinct values or will on the first different one.
    fn reserve(&mut self, rows: usize) {
        self.cap = rows;
        if let Wide::I64(v) = &mut self.data {
            v.reserve_exact(rows.saturating_sub(v.len()));
        }
    }

    pub fn truncate(&mut self, len: usize) {
        match &mut self.data {
            Wide::Same(_, n) | Wide::Unstored(n) => *n = (*n).min(len),
            Wide::I64(v) => v.truncate(len),
        }
    }

    fn filter(&self, keep: &[bool]) -> DateTimeColumn {
        if let Wide::Unstored(_) = self.data {
            return DateTimeColumn {
                data: Wide::Unstored(keep.iter().filter(|k| **k).count()),
                cap: 0,
            };
        }
        let mut c = DateTimeColumn {
            data: Wide::Same(NULL_DATETIME, 0),
            cap: keep.iter().filter(|k| **k).count(),
        };
        for (i, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
            c.push(self[i]);
        }
        c.cap = 0;
        c
    }

    fn shrink(&mut self) {
        if let Wide::I64(v) = &mut self.data {
            v.shrink_to_fit();
        }
    }

    fn heap_bytes(&self) -> usize {
        match &self.data {
            Wide::Same(..) | Wide::Unstored(_) => 0,
            Wide::I64(v) => v.capacity() * 8,
        }
    }
}

impl std::ops::Index<usize> for DateTimeColumn {
    type Output = i64;
    fn index(&self, i: usize) -> &i64 {
        match &self.data {
            Wide::Same(x, n) => {
                assert!(i < *n, "row {i} out of {n}");
                x
            }
            Wide::I64(v) => &v[i],
            Wide::Unstored(n) => {
                assert!(i < *n, "row {i} out of {n}");
                &NULL_DATETIME
            }
        }
    }
}

/// A column of money amounts (NaN is null), dictionary-encoded in 1 or 2 bytes per cell
/// while it holds at most 65,535 distinct amounts, else 8. Read it by index, `get` or
/// `iter`.
#[derive(Debug, Clone)]
pub struct MoneyColumn {
    data: Money,
    /// Build-time index: bits of an amount -> its code; dropped by `shrink`.
    index: HashMap<u64, u16, BuildHasherDefault<StrHasher>>,
    cap: usize,
}

#[derive(Debug, Clone)]
enum Money {
    /// Codes into `dict` (code 0 is null).
    U8(Vec<u8>, Vec<f64>),
    U16(Vec<u16>, Vec<f64>),
    F64(Vec<f64>),
}

impl MoneyColumn {
    /// Calls `f(row, value)` for every row in order (see [`I32Column::for_each`]).
    pub fn for_each(&self, mut f: impl FnMut(usize, f64)) {
        match &self.data {
            Money::U8(v, d) => v.iter().enumerate().for_each(|(i, &c)| f(i, d[c as usize])),
            Money::U16(v, d) => v.iter().enumerate().for_each(|(i, &c)| f(i, d[c as usize])),
            Money::F64(v) => v.iter().enumerate().for_each(|(i, &x)| f(i, x)),
        }
    }

    pub fn len(&self) -> usize {
        match &self.data {
            Money::U8(v, _) => v.len(),
            Money::U16(v, _) => v.len(),
            Money::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> f64 {
        self[i]
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &f64> + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    pub fn push(&mut self, v: f64) {
        let code = if v.is_nan() {
            Some(0)
        } else {
            match &mut self.data {
                Money::F64(_) => None,
                Money::U8(_, dict) | Money::U16(_, dict) => match self.index.get(&v.to_bits()) {
                    Some(&k) => Some(k as u32),
                    None if dict.len() <= u16::MAX as usize => {
                        dict.push(v);
                        let k = (dict.len() - 1) as u16;
                        self.index.insert(v.to_bits(), k);
                        Some(k as u32)
                    }
                    None => None,
                },
            }
        };
        match (&mut self.data, code) {
            (Money::U8(d, _), Some(k)) if k <= u8::MAX as u32 => d.push(k as u8),
            (Money::U16(d, _), Some(k)) => d.push(k as u16),
            (Money::F64(d), _) => d.push(v),
            _ => {
                let cap = self.cap.max(self.len() + 1);
                let data = std::mem::replace(&mut self.data, Money::F64(Vec::new()));
                self.data = match (data, code) {
                    (Money::U8(d, dict), Some(_)) => {
                        let mut w = Vec::with_capacity(cap);
                        w.extend(d.iter().map(|k| *k as u16));
                        Money::U16(w, dict)
                    }
                    (Money::U8(d, dict), None) => {
                        let mut w = Vec::with_capacity(cap);
                        w.extend(d.iter().map(|k| dict[*k as usize]));
                        Money::F64(w)
                    }
                    (Money::U16(d, dict), _) => {
                        let mut w = Vec::with_capacity(cap);
                        w.extend(d.iter().map(|k| dict[*k as usize]));
                        Money::F64(w)
                    }
                    (f, _) => f,
                };
                if matches!(self.data, Money::F64(_)) {
                    self.index = HashMap::default();
                }
                match (&mut self.data, code) {
                    (Money::U16(d, _), Some(k)) => d.push(k as u16),
                    (Money::F64(d), _) => d.push(v),
                    _ => unreachable!("money column widened"),
                }
            }
        }
    }

    pub fn truncate(&mut self, n: usize) {
        match &mut self.data {
            Money::U8(v, _) => v.truncate(n),
            Money::U16(v, _) => v.truncate(n),
            Money::F64(v) => v.truncate(n),
        }
    }

    fn reserve(&mut self, rows: usize) {
        self.cap = rows;
        let extra = rows.saturating_sub(self.len());
        match &mut self.data {
            Money::U8(v, _) => v.reserve_exact(extra),
            Money::U16(v, _) => v.reserve_exact(extra),
            Money::F64(v) => v.reserve_exact(extra),
        }
    }

    fn filter(&self, keep: &[bool]) -> MoneyColumn {
        fn pick<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(x, _)| *x)
                .collect()
        }
        MoneyColumn {
            data: match &self.data {
                Money::U8(v, d) => Money::U8(pick(v, keep), d.clone()),
                Money::U16(v, d) => Money::U16(pick(v, keep), d.clone()),
                Money::F64(v) => Money::F64(pick(v, keep)),
            },
            index: HashMap::default(),
            cap: 0,
        }
    }

    fn shrink(&mut self) {
        match &mut self.data {
            Money::U8(v, d) => {
                v.shrink_to_fit();
                d.shrink_to_fit();
            }
            Money::U16(v, d) => {
                v.shrink_to_fit();
                d.shrink_to_fit();
            }
            Money::F64(v) => v.shrink_to_fit(),
        }
        self.index = HashMap::default();
    }

    fn heap_bytes(&self) -> usize {
        match &self.data {
            Money::U8(v, d) => v.capacity() + d.capacity() * 8,
            Money::U16(v, d) => v.capacity() * 2 + d.capacity() * 8,
            Money::F64(v) => v.capacity() * 8,
        }
    }
}

impl Default for MoneyColumn {
    fn default() -> MoneyColumn {
        MoneyColumn {
            data: Money::U8(Vec::new(), vec![f64::NAN]),
            index: HashMap::default(),
            cap: 0,
        }
    }
}

impl std::ops::Index<usize> for MoneyColumn {
    type Output = f64;
    fn index(&self, i: usize) -> &f64 {
        match &self.data {
            Money::U8(v, d) => &d[v[i] as usize],
            Money::U16(v, d) => &d[v[i] as usize],
            Money::F64(v) => &v[i],
        }
    }
}

#[derive(Debug, Clone)]
pub enum Column {
    Str(StrColumn),
    /// Whole numbers; `NULL_INT` is null.
    Int(IntColumn),
    /// Days from 0001-01-01 (`NaiveDate::num_days_from_ce`); `NULL_DATE` is null.
    Date(DateColumn),
    /// Seconds from 1970-01-01 00:00:00; `NULL_DATETIME` is null.
    DateTime(DateTimeColumn),
    /// Money; NaN is null.
    Money(MoneyColumn),
}

impl Column {
    pub fn new(ty: ColType) -> Column {
        match ty {
            ColType::Str => Column::Str(StrColumn::default()),
            ColType::Int => Column::Int(I32Column::ints()),
            ColType::Date => Column::Date(I32Column::dates()),
            ColType::DateTime => Column::DateTime(DateTimeColumn {
                data: Wide::Same(NULL_DATETIME, 0),
                cap: 0,
            }),
            ColType::Money => Column::Money(MoneyColumn::default()),
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

    /// Pushes a null.
    #[inline]
    pub fn push_null(&mut self) {
        match self {
            Column::Str(c) => c.push(""),
            Column::Int(c) => c.push(NULL_INT),
            Column::Date(c) => c.push(NULL_DATE),
            Column::DateTime(c) => c.push(NULL_DATETIME),
            Column::Money(c) => c.push(f64::NAN),
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

    /// Expects about `rows` rows: the first allocation of each vector is of that size.
    pub fn reserve(&mut self, rows: usize) {
        match self {
            Column::Str(c) => c.reserve(rows),
            Column::Int(v) | Column::Date(v) => v.reserve(rows),
            Column::DateTime(v) => v.reserve(rows),
            Column::Money(v) => v.reserve(rows),
        }
    }

    fn filter(&self, keep: &[bool]) -> Column {
        match self {
            Column::Str(c) => Column::Str(c.filter(keep)),
            Column::Int(v) => Column::Int(v.filter(keep)),
            Column::Date(v) => Column::Date(v.filter(keep)),
            Column::DateTime(v) => Column::DateTime(v.filter(keep)),
            Column::Money(v) => Column::Money(v.filter(keep)),
        }
    }

    fn shrink(&mut self) {
        match self {
            Column::Str(c) => c.shrink(),
            Column::Int(v) | Column::Date(v) => v.shrink(),
            Column::DateTime(v) => v.shrink(),
            Column::Money(v) => v.shrink(),
        }
    }

    /// Bytes held on the heap (capacity, not length).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Column::Str(c) => c.heap_bytes(),
            Column::Int(v) | Column::Date(v) => v.heap_bytes(),
            Column::DateTime(v) => v.heap_bytes(),
            Column::Money(v) => v.heap_bytes(),
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

    pub fn int_col(&self, name: &str) -> Option<&IntColumn> {
        match self.column(name) {
            Some(Column::Int(v)) => Some(v),
            _ => None,
        }
    }

    pub fn date_col(&self, name: &str) -> Option<&DateColumn> {
        match self.column(name) {
            Some(Column::Date(v)) => Some(v),
            _ => None,
        }
    }

    pub fn datetime_col(&self, name: &str) -> Option<&DateTimeColumn> {
        match self.column(name) {
            Some(Column::DateTime(v)) => Some(v),
            _ => None,
        }
    }

    pub fn money_col(&self, name: &str) -> Option<&MoneyColumn> {
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

    /// Expects about `rows` rows (see [`Column::reserve`]).
    pub fn reserve(&mut self, rows: usize) {
        for c in &mut self.columns {
            c.reserve(rows);
        }
        self.lines
            .reserve_exact(rows.saturating_sub(self.lines.len()));
    }

    /// Bytes held on the heap by the columns and line numbers.
    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(Column::heap_bytes).sum::<usize>() + self.lines.capacity() * 4
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
            Column::DateTime(v) => Value::DateTime(v.get(row)).to_string(),
            Column::Money(v) if !v[row].is_nan() => format!("{:.2}", v[row]),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unstored_datetime_column_counts_rows_and_reads_null() {
        let mut c = DateTimeColumn::unstored();
        for v in [5, 6, 7, 8] {
            c.push(v);
        }
        assert_eq!(c.len(), 4);
        assert_eq!(c.heap_bytes(), 0);
        assert!(c.iter().all(|v| *v == NULL_DATETIME));
        let kept = c.filter(&[true, false, true, true]);
        assert_eq!(kept.len(), 3);
        c.truncate(2);
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn reserving_a_datetime_column_that_already_varies_sizes_it_once() {
        let mut c = DateTimeColumn {
            data: Wide::Same(NULL_DATETIME, 0),
            cap: 0,
        };
        c.push(1);
        c.push(2);
        let mut col = Column::DateTime(c);
        col.reserve(1000);
        let Column::DateTime(c) = &col else {
            unreachable!()
        };
        assert!(c.heap_bytes() >= 1000 * 8);
        assert_eq!((c[0], c[1]), (1, 2));
    }

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

    #[test]
    fn narrow_columns_widen_without_changing_values() {
        // Whole numbers: 1 byte, then 2, then 4.
        let mut c = I32Column::ints();
        let vals = [0, NULL_INT, 254, 255, 65534, 65535, i32::MAX, 7];
        for v in vals {
            c.push(v);
        }
        assert_eq!(c, vals);
        c.truncate(3);
        assert_eq!(c, [0, NULL_INT, 254]);
        // Dates: 2 bytes from 1900 to 2079, else 4.
        let mut d = I32Column::dates();
        let day = |y, m, dd| days_from_date(NaiveDate::from_ymd_opt(y, m, dd).unwrap());
        assert_eq!(day(1900, 1, 1), DATE_BASE);
        let vals = [
            day(2025, 1, 31),
            NULL_DATE,
            day(1900, 1, 1),
            day(1899, 12, 31),
            0,
        ];
        for v in vals {
            d.push(v);
        }
        assert_eq!(d, vals);
        assert_eq!(
            d.filter(&[false, true, false, true, true]),
            [NULL_DATE, day(1899, 12, 31), 0]
        );
        // Datetimes: one value, then 8 bytes.
        let mut t = Column::new(ColType::DateTime);
        let vals = [
            NULL_DATETIME,
            NULL_DATETIME,
            1_700_000_000,
            0,
            -1,
            NULL_DATETIME,
        ];
        for v in vals {
            t.push(&Value::DateTime(v));
        }
        let Column::DateTime(t) = t else { panic!() };
        assert_eq!(t.iter().copied().collect::<Vec<_>>(), vals);
        // Money: a dictionary of amounts, then plain values past 65,535 of them.
        let mut m = MoneyColumn::default();
        let amount = |i: usize| (i % 70_000) as f64 / 100.0;
        for i in 0..140_000 {
            m.push(if i % 3 == 0 { f64::NAN } else { amount(i) });
        }
        for i in 0..140_000 {
            let v = m.get(i);
            assert!(if i % 3 == 0 {
                v.is_nan()
            } else {
                v == amount(i)
            });
        }
    }

    #[test]
    fn text_codes_and_rollback() {
        let mut c = StrColumn::default();
        for i in 0..300 {
            c.push(&format!("id{i}"));
        }
        assert!(matches!(c.codes, Codes::Identity(300)));
        let m = c.mark();
        c.push("new");
        c.push("id5");
        c.rollback(m);
        assert_eq!((c.len(), c.distinct()), (300, 300));
        assert_eq!(c.lookup("new"), None);
        c.push("id5");
        assert!(matches!(c.codes, Codes::U16(_)));
        for i in 0..70_000 {
            c.push(&format!("x{i}"));
        }
        assert!(matches!(c.codes, Codes::U32(_)));
        assert_eq!((c.get(299), c.get(300), c.get(301)), ("id299", "id5", "x0"));
        assert_eq!(c.get(c.len() - 1), "x69999");
        let keep: Vec<bool> = (0..c.len()).map(|i| i % 2 == 1).collect();
        let f = c.filter(&keep);
        assert_eq!((f.len(), f.get(0), f.get(150)), (35_150, "id1", "x0"));
    }

    #[test]
    fn key_columns_find_repeats_afterwards() {
        let mut c = StrColumn::default();
        c.set_unindexed();
        for v in ["a", "b", "a", "c", "", "b", "a", ""] {
            c.push(v);
        }
        let m = c.mark();
        c.push("zz");
        c.rollback(m);
        assert!(matches!(c.codes, Codes::Identity(8)));
        assert_eq!(c.distinct(), 8);
        assert_eq!(c.repeated_rows(), [(2, 0), (5, 1), (6, 0), (7, 4)]);
        let f = c.filter(&[true, true, false, true, true, false, false, false]);
        assert!(matches!(f.codes, Codes::Identity(4)));
        assert_eq!(
            (f.get(0), f.get(1), f.get(2), f.get(3)),
            ("a", "b", "c", "")
        );
        assert!(f.repeated_rows().is_empty());
        assert!(StrColumn::default().repeated_rows().is_empty());
    }
}
