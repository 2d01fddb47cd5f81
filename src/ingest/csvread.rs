//! Reading CSV records fast: a record that is one line of plain or simply quoted fields
//! (nearly every record of an HMIS export) is split in place, without copying; anything
//! else (doubled quotes, a line break inside quotes, a line longer than the buffer, a last
//! line without a line break) goes through `csv_core`, so every record reads as the `csv`
//! crate would read it with `,` as delimiter, `"` as quote (doubled inside quotes), and
//! `\n` alone ending a record: blank lines are skipped, a quote inside an unquoted field
//! is kept, text after a closing quote joins the field.
//!
//! One difference, invisible to callers that trim ASCII whitespace from every field (the
//! parser does): a quoted field that ends a CRLF line is given without the `\r` that
//! `csv_core` would leave after its closing quote.

use std::io::{self, Read};

/// The input buffer. A record is split in place when its whole line is in the buffer.
const BUFFER: usize = 4 << 20;

/// How the current record is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// Fields are ranges of `buf[line_start..line_end]`.
    InPlace,
    /// Fields are ranges of `out` (read by `csv_core`).
    Copied,
}

pub struct Records<'r> {
    rdr: &'r mut dyn Read,
    buf: Vec<u8>,
    /// Bytes `buf[start..end]` are read and not yet consumed.
    start: usize,
    end: usize,
    eof: bool,
    core: csv_core::Reader,
    /// Line (from 1) of the next byte to be consumed.
    line: u64,
    /// Bytes consumed before `buf[start]`.
    consumed: u64,
    // The current record.
    held: Held,
    line_start: usize,
    line_end: usize,
    out: Vec<u8>,
    out_len: usize,
    out_ends: Vec<usize>,
    /// Start and end of each field (in the line or in `out`).
    fields: Vec<(usize, usize)>,
    rec_line: u64,
    /// Whether the start of the input (and a byte order mark there) has been seen.
    started: bool,
    /// Size of `buf`.
    capacity: usize,
}

/// One record, borrowed from the reader until the next one is read.
pub struct Record<'a> {
    data: &'a [u8],
    fields: &'a [(usize, usize)],
    /// Line of the record (where the reader stood when it started: a record that follows
    /// blank lines is reported on the first of them, as by the `csv` crate).
    pub line: u64,
    /// Bytes consumed so far, this record included.
    pub byte: u64,
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The bytes of field `i` (empty when there is no such field).
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        match self.fields.get(i) {
            Some(&(a, b)) => self.data.get(a..b).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Where field `i` lies in [`Record::data`].
    #[inline]
    pub fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        self.fields.get(i).map(|&(a, b)| a..b)
    }

    /// The bytes the fields are ranges of. When they are valid UTF-8, so is every field
    /// that starts and ends on a character boundary.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
}

impl<'r> Records<'r> {
    pub fn new(rdr: &'r mut dyn Read) -> Records<'r> {
        Records::with_capacity(rdr, BUFFER)
    }

    /// With a buffer of `capacity` bytes, at least 16 (records whose line is longer are
    /// still read).
    pub fn with_capacity(rdr: &'r mut dyn Read, capacity: usize) -> Records<'r> {
        let mut core = csv_core::ReaderBuilder::new()
            .delimiter(b',')
            .quote(b'"')
            .double_quote(true)
            .terminator(csv_core::Terminator::Any(b'\n'))
            .build();
        // `csv_core` strips a byte order mark from the first input it is given; this reader
        // strips it from the start of the file itself, so `csv_core` is given a blank line
        // first (which it skips) and never strips one later.
        let _ = core.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        Records {
            rdr,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            core,
            line: 1,
            consumed: 0,
            held: Held::InPlace,
            line_start: 0,
            line_end: 0,
            out: Vec::new(),
            out_len: 0,
            out_ends: Vec::new(),
            fields: Vec::new(),
            rec_line: 1,
            started: false,
            capacity: capacity.max(16),
        }
    }

    /// Moves the unconsumed bytes to the front and reads more after them. Returns false
    /// at the end of the input (or when the buffer is full).
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.buf.is_empty() {
            self.buf = vec![0; self.capacity];
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            return Ok(false);
        }
        loop {
            match self.rdr.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.consumed += n as u64;
    }

    /// The next record, `None` at the end of the input.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        if !self.started {
            self.started = true;
            while self.end - self.start < 3 && self.fill()? {}
            if self.buf[self.start..self.end].starts_with(b"\xef\xbb\xbf") {
                self.consume(3);
            }
        }
        self.rec_line = self.line;
        loop {
            let avail = &self.buf[self.start..self.end];
            if avail.first() == Some(&b'\n') {
                // A blank line: skipped.
                self.consume(1);
                self.line += 1;
                continue;
            }
            match split_line(avail, &mut self.fields) {
                Split::Line(n) => {
                    self.held = Held::InPlace;
                    self.line_start = self.start;
                    self.line_end = self.start + n;
                    self.consume(n + 1);
                    self.line += 1;
                    return Ok(Some(self.record()));
                }
                Split::Other => return self.read_with_core(),
                Split::NeedMore => {
                    let before = self.end - self.start;
                    if !self.fill()? && self.end - self.start == before {
                        // The end of the input, or a line longer than the buffer.
                        return self.read_with_core();
                    }
                }
            }
        }
    }

    fn record(&self) -> Record<'_> {
        let data = match self.held {
            Held::InPlace => &self.buf[self.line_start..self.line_end],
            Held::Copied => &self.out[..self.out_len],
        };
        Record {
            data,
            fields: &self.fields,
            line: self.rec_line,
            byte: self.consumed,
        }
    }

    /// Reads one record with `csv_core`, from `buf[start..]` on, reading more as needed.
    fn read_with_core(&mut self) -> io::Result<Option<Record<'_>>> {
        use csv_core::ReadRecordResult::*;
        if self.out.is_empty() {
            self.out = vec![0; 4096];
            self.out_ends = vec![0; 64];
        }
        let (mut nout, mut nends) = (0, 0);
        loop {
            let input = &self.buf[self.start..self.end];
            let (res, nin, o, e) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.out_ends[nends..]);
            self.line += input[..nin].iter().filter(|b| **b == b'\n').count() as u64;
            self.consume(nin);
            nout += o;
            nends += e;
            match res {
                InputEmpty => {
                    if self.start == self.end {
                        self.start = 0;
                        self.end = 0;
                    }
                    // At the end of the input, `csv_core` is told so by an empty input.
                    self.fill()?;
                }
                OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                OutputEndsFull => {
                    let n = self.out_ends.len() * 2;
                    self.out_ends.resize(n, 0);
                }
                Record => {
                    self.fields.clear();
                    let mut a = 0;
                    for &b in &self.out_ends[..nends] {
                        self.fields.push((a, b));
                        a = b;
                    }
                    self.held = Held::Copied;
                    self.out_len = nout;
                    return Ok(Some(self.record()));
                }
                End => return Ok(None),
            }
        }
    }
}

/// What [`split_line`] found.
enum Split {
    /// A line of `n` bytes (then its `\n`), split.
    Line(usize),
    /// The line ends after the input: more is needed.
    NeedMore,
    /// Doubled quotes, text after a closing quote, a line break inside quotes:
    /// `csv_core` must read it.
    Other,
}

/// Splits the line at the start of `input` into fields when it holds only unquoted fields
/// and quoted fields without quotes or line breaks inside.
#[inline]
fn split_line(input: &[u8], fields: &mut Vec<(usize, usize)>) -> Split {
    fields.clear();
    let n = input.len();
    let mut pos = 0;
    loop {
        if pos >= n {
            return Split::NeedMore;
        }
        if input[pos] == b'"' {
            let Some(q) = find2(input, pos + 1, b'"', b'\n') else {
                return Split::NeedMore;
            };
            if input[q] == b'\n' {
                return Split::Other;
            }
            fields.push((pos + 1, q));
            match input.get(q + 1) {
                None => return Split::NeedMore,
                Some(b',') => pos = q + 2,
                Some(b'\n') => return Split::Line(q + 1),
                Some(b'\r') => match input.get(q + 2) {
                    None => return Split::NeedMore,
                    // The '\r' `csv_core` would add to the field is left out (see above).
                    Some(b'\n') => return Split::Line(q + 2),
                    Some(_) => return Split::Other,
                },
                Some(_) => return Split::Other,
            }
        } else {
            let Some(c) = find2(input, pos, b',', b'\n') else {
                return Split::NeedMore;
            };
            fields.push((pos, c));
            if input[c] == b'\n' {
                return Split::Line(c);
            }
            pos = c + 1;
        }
    }
}

/// The first position from `from` on of byte `a` or `b`, eight bytes at a time.
#[inline]
fn find2(s: &[u8], from: usize, a: u8, b: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let (ma, mb) = (LO * a as u64, LO * b as u64);
    let mut i = from;
    while let Some(w) = s.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        let v = u64::from_le_bytes(word);
        let (x, y) = (v ^ ma, v ^ mb);
        // The lowest flagged byte of each is exactly its first zero byte.
        let m = ((x.wrapping_sub(LO) & !x) | (y.wrapping_sub(LO) & !y)) & HI;
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..s.len()).find(|&j| s[j] == a || s[j] == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = Vec<(u64, u64, Vec<Vec<u8>>)>;

    /// Every record as read here (with a buffer of `capacity` bytes) and by the `csv`
    /// crate: line, bytes consumed, fields trimmed.
    fn both_with(input: &[u8], capacity: usize) -> (Read, Read) {
        let mut r = input;
        let mut records = Records::with_capacity(&mut r, capacity);
        let mut mine = Vec::new();
        while let Some(rec) = records.next_record().unwrap() {
            let f = rec.iter().map(|f| f.trim_ascii().to_vec()).collect();
            mine.push((rec.line, rec.byte, f));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(input);
        let mut rec = csv::ByteRecord::new();
        let mut theirs = Vec::new();
        while rdr.read_byte_record(&mut rec).unwrap() {
            let f = rec.iter().map(|f| f.trim_ascii().to_vec()).collect();
            theirs.push((rec.position().unwrap().line(), rdr.position().byte(), f));
        }
        (mine, theirs)
    }

    fn both(input: &[u8]) -> (Read, Read) {
        both_with(input, BUFFER)
    }

    #[test]
    fn random_inputs_read_as_the_csv_crate_reads_them() {
        let alphabet: &[&[u8]] = &[
            b"a",
            b"bc",
            b",",
            b",",
            b"\"",
            b"\"",
            b"\n",
            b"\r\n",
            b" ",
            b"\xc3",
            b"\xef\xbb\xbf",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for case in 0..800 {
            let len = next(60);
            let mut input = Vec::new();
            for _ in 0..len {
                input.extend_from_slice(alphabet[next(alphabet.len())]);
            }
            for capacity in [16, 17, 24, 64, 4096] {
                let (mine, theirs) = both_with(&input, capacity);
                assert_eq!(
                    mine,
                    theirs,
                    "case {case}, buffer {capacity}: {:?}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }

    #[test]
    fn records_read_as_the_csv_crate_reads_them() {
        let cases: &[&[u8]] = &[
            b"",
            b"\n\n",
            b"a,b,c\n1,2,3\n",
            b"a,b,c\n1,2,3",
            b"a,b,c\r\n\"1\",\"2\",\"3\"\r\n\"x\",,\"\"\r\n",
            b"a,b\n\n\n1,2\n\n",
            b"a,b\n\"x\"\"y\",2\n\"line\nbreak\",3\n4,5\n",
            b"a,b\nx\"y,\"z\"w\n\"q\" ,1\n,\n,,\n\"\n",
            b"a,b\n\"unterminated,1\n2,3\n",
            b"\xef\xbb\xbf\"a\",b\n\xc3,\xa9\n",
            b"a\r\n\r\n\"b\"\r",
            b"\"a\",\"b\"x\n\"\"\"\",\"\"\n",
        ];
        for c in cases {
            let (mine, theirs) = both(c);
            assert_eq!(mine, theirs, "{:?}", String::from_utf8_lossy(c));
        }
        // Lines longer than the buffer, and records across buffer refills.
        let mut big = b"id,text\n".to_vec();
        for i in 0..3000 {
            big.extend_from_slice(format!("{i},\"{}\"\n", "x".repeat(i % 7 * 900)).as_bytes());
        }
        big.extend_from_slice(b"long,\"");
        big.extend(std::iter::repeat_n(b'y', BUFFER + 10));
        big.extend_from_slice(b"\"\nlast,\"a\"\"b\"\n");
        let (mine, theirs) = both(&big);
        assert_eq!(mine.len(), theirs.len());
        assert!(mine == theirs);
    }
}
