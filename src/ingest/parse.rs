//! Reading one CSV file of one export into a [`Table`], checking every cell against the
//! specification on the way (required, type, length, code list, primary key, ExportID).
//!
//! Checks that need other files (foreign keys, households, bed nights) run afterwards in
//! `validate`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;

use crate::hmis::lists::CodeList;
use crate::hmis::upgrade::{self, Plan};
use crate::hmis::{ColType, FileSpec, Key, Lists, Version};

use super::csvread::Records;
use super::findings::{Finding, rule};
use super::table::{Column, DateTimeColumn, NULL_DATE, NULL_DATETIME, NULL_INT, StrMark, Table};
use super::values::{self, Deviation};

/// What the parser needs to know about the export a file belongs to.
#[derive(Debug, Clone)]
pub struct FileContext<'a> {
    pub export_id: &'a str,
    pub version: Version,
    pub spec: &'a FileSpec,
    /// Export.HashStatus: 2 and 4 mean names and SSN are hashed (longer values allowed).
    pub hash_status: i32,
    /// Days (from CE) of the export date: birth dates after it are in the future.
    pub reference_day: i32,
    /// The columns (by file and column name) dropped as soon as the file is read: those of
    /// them that hold datetimes (the record-keeping timestamps) are checked, not kept (see
    /// [`DateTimeColumn::unstored`]).
    pub unstored: Option<fn(&str, &str) -> bool>,
}

#[derive(Debug)]
pub struct ParsedFile {
    pub table: Table,
    pub findings: Vec<Finding>,
    pub read: u64,
    pub rejected: u64,
    pub deleted: u64,
    /// The header as found (for version detection and messages).
    pub header: Vec<String>,
}

/// Columns whose value a row cannot do without: a row missing one (or with one unreadable)
/// is rejected. Keys are added to these from the schema. `*` = any file.
const CRITICAL: &[(&str, &str)] = &[
    ("Enrollment", "EntryDate"),
    ("Enrollment", "HouseholdID"),
    ("Exit", "ExitDate"),
    ("Services", "DateProvided"),
    ("Services", "RecordType"),
    ("Disabilities", "DisabilityType"),
    ("*", "InformationDate"),
    ("*", "DataCollectionStage"),
    ("Assessment", "AssessmentDate"),
    ("Event", "EventDate"),
    ("Inventory", "InventoryStartDate"),
    ("ProjectCoC", "CoCCode"),
];

/// How one target column is checked.
struct Rule<'a> {
    name: &'a str,
    ty: ColType,
    max_len: Option<usize>,
    required: bool,
    critical: bool,
    pii: bool,
    primary: bool,
    lists: Vec<&'static CodeList>,
    /// For LivingSituation / CurrentLivingSituation / Destination: the element (3.917, 4.12,
    /// 3.12) the code must be valid for.
    element: Option<&'static str>,
    absent: bool,
}

fn decode_cp1252(b: &[u8]) -> String {
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(b);
    s.into_owned()
}

fn field<'a>(b: &'a [u8], non_utf8: &mut u64) -> Cow<'a, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            *non_utf8 += 1;
            Cow::Owned(decode_cp1252(b))
        }
    }
}

/// The codes of some lists as a bit set (`None` when a code is outside 0..65536).
fn code_set(lists: &[&CodeList]) -> Option<Vec<u64>> {
    let mut bits = Vec::new();
    for l in lists {
        for &c in l.codes.keys() {
            let c = usize::try_from(c).ok().filter(|c| *c < 65536)?;
            if bits.len() <= c / 64 {
                bits.resize(c / 64 + 1, 0u64);
            }
            bits[c / 64] |= 1 << (c % 64);
        }
    }
    Some(bits)
}

fn in_set(bits: &[u64], x: i32) -> bool {
    usize::try_from(x)
        .ok()
        .and_then(|x| bits.get(x / 64).map(|b| b & (1 << (x % 64)) != 0))
        .unwrap_or(false)
}

struct Deviations {
    seen: BTreeMap<(usize, Deviation), (u64, u64, String)>,
}

impl Deviations {
    fn add(&mut self, col: usize, d: Deviation, line: u64, value: &str, pii: bool) {
        let e = self.seen.entry((col, d)).or_insert_with(|| {
            (
                0,
                line,
                if pii {
                    String::new()
                } else {
                    value.to_string()
                },
            )
        });
        e.0 += 1;
    }
}

/// Reads and checks one file. Never panics on input: anything unreadable becomes a finding.
pub fn parse_file(ctx: &FileContext, reader: &mut dyn Read) -> ParsedFile {
    parse_file_with(ctx, reader, true, None)
}

/// A read buffer for a file of `size` bytes: the whole file when small, else 4 MiB.
fn buffer_for(size: Option<u64>) -> usize {
    const MAX: u64 = 4 << 20;
    size.map_or(MAX, |s| s.saturating_add(1).clamp(4096, MAX)) as usize
}

/// Rows read before the columns are sized for the whole file.
const RESERVE_AFTER: u64 = 2000;

/// As [`parse_file`]; `check_export_id` = false for Export.csv itself, whose rows define
/// the ExportID. `size`, the file's length in bytes when known, lets the columns be
/// allocated once at about their final size.
pub fn parse_file_with(
    ctx: &FileContext,
    reader: &mut dyn Read,
    check_export_id: bool,
    size: Option<u64>,
) -> ParsedFile {
    let spec = ctx.spec;
    let file = spec.file_name();
    let mut findings = Vec::new();
    // Fields are trimmed of ASCII whitespace here. '\n' alone ends a record so that line
    // numbers stay right for CRLF files; the '\r' left at the end of the last field is
    // removed by the trim.
    let mut rdr = Records::with_capacity(reader, buffer_for(size));
    let mut non_utf8 = 0u64;
    let mut first_non_utf8_line = 0u64;

    // Header.
    let header: Vec<String> = match rdr.next_record() {
        Ok(Some(rec)) => rec
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let s = field(b.trim_ascii(), &mut non_utf8).into_owned();
                let s = if i == 0 {
                    s.trim_start_matches('\u{feff}').to_string()
                } else {
                    s
                };
                s.trim().trim_matches('"').to_string()
            })
            .collect(),
        Ok(None) => {
            findings.push(Finding::warning(
                &file,
                1,
                "",
                "",
                rule::FILE_UNREADABLE,
                "the file is empty (no header row); read as a table with no rows",
            ));
            Vec::new()
        }
        Err(e) => {
            findings.push(Finding::error(
                &file,
                1,
                "",
                "",
                rule::FILE_UNREADABLE,
                format!("cannot read the header row: {e}"),
            ));
            Vec::new()
        }
    };
    if non_utf8 > 0 {
        first_non_utf8_line = 1;
    }

    let plan: Plan = upgrade::plan(ctx.version, spec, &header);
    let lists = Lists::get();
    let spec_len = spec.columns.len();
    let rules: Vec<Rule> = plan
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (col, is_spec) = if i < spec_len {
                (Some(&spec.columns[i]), true)
            } else {
                (None, false)
            };
            let key_critical = col.is_some_and(|c| match &c.key {
                Key::Primary => true,
                Key::Foreign { file, .. } => file != "User" && file != "Export" && c.required,
                Key::None => false,
            });
            let critical = is_spec
                && (key_critical
                    || CRITICAL.iter().any(|(f, c)| {
                        (*f == "*" || *f == spec.name) && c.eq_ignore_ascii_case(name)
                    }));
            let element = match (spec.name.as_str(), name.as_str()) {
                ("Enrollment", "LivingSituation") => Some("3.917"),
                ("CurrentLivingSituation", "CurrentLivingSituation") => Some("4.12"),
                ("Exit", "Destination") => Some("3.12"),
                _ => None,
            };
            Rule {
                name: name.as_str(),
                ty: plan.types[i],
                max_len: col.and_then(|c| c.max_len),
                required: col.is_some_and(|c| c.required),
                critical,
                pii: col.is_some_and(|c| c.is_pii(&spec.name)),
                primary: col.is_some_and(|c| c.key == Key::Primary),
                lists: col
                    .map(|c| c.lists.iter().filter_map(|l| lists.list(l)).collect())
                    .unwrap_or_default(),
                element,
                absent: plan.absent_by_design[i],
            }
        })
        .collect();

    // Header findings.
    let mut unusable = false;
    if !header.is_empty() {
        for (_, name) in &plan.unknown {
            findings.push(Finding::warning(
                &file,
                1,
                name,
                "",
                rule::HEADER_EXTRA_COLUMN,
                "column not in the HMIS CSV specification: ignored",
            ));
        }
        for (_, name) in &plan.duplicates {
            findings.push(Finding::warning(
                &file,
                1,
                name,
                "",
                rule::HEADER_DUPLICATE_COLUMN,
                "column appears twice in the header: the first one is used",
            ));
        }
        for (i, r) in rules.iter().enumerate().take(spec_len) {
            if plan.sources[i].is_none() && !r.absent {
                if r.critical {
                    unusable = true;
                    findings.push(Finding::error(&file, 1, r.name, "", rule::HEADER_MISSING_COLUMN, "required key column missing from the header: every row of this file is rejected"));
                } else {
                    findings.push(Finding::warning(
                        &file,
                        1,
                        r.name,
                        "",
                        rule::HEADER_MISSING_COLUMN,
                        "column missing from the header: read as empty in every row",
                    ));
                }
            }
        }
    }
    let deleted_pos = spec.position("DateDeleted").and_then(|i| plan.sources[i]);
    let is_ssn = spec.name == "Client";
    let export_pos = spec.position("ExportID").filter(|_| check_export_id);
    let hashed = ctx.hash_status == 2 || ctx.hash_status == 4;
    // Dependent code lists.
    let record_type_pos = (spec.name == "Services")
        .then(|| spec.position("RecordType"))
        .flatten();
    let type_provided_pos = (spec.name == "Services")
        .then(|| spec.position("TypeProvided"))
        .flatten();
    let disability_type_pos = (spec.name == "Disabilities")
        .then(|| spec.position("DisabilityType"))
        .flatten();
    let disability_response_pos = (spec.name == "Disabilities")
        .then(|| spec.position("DisabilityResponse"))
        .flatten();

    let mut table = Table::new(&spec.name, plan.names.clone(), &plan.types);
    if let Some(unstored) = ctx.unstored {
        for (c, name) in table.columns.iter_mut().zip(&plan.names) {
            if matches!(c, Column::DateTime(_)) && unstored(&spec.name, name) {
                *c = Column::DateTime(DateTimeColumn::unstored());
            }
        }
    }
    let pk_pos = rules.iter().position(|r| r.primary);
    // The primary key's values are stored as they come; repeats are found after the file
    // is read (cheaper than looking every key up while reading).
    if let Some(p) = pk_pos
        && let Column::Str(c) = &mut table.columns[p]
    {
        c.set_unindexed();
    }
    let mut deviations = Deviations {
        seen: BTreeMap::new(),
    };
    let (mut read, mut rejected, mut deleted) = (0u64, 0u64, 0u64);
    // Each column's code lists as a bit set, when they fit one.
    let code_sets: Vec<Option<Vec<u64>>> = rules.iter().map(|r| code_set(&r.lists)).collect();
    // DisabilityResponse: list 4.10.2 for substance use (DisabilityType 10), the others else.
    let (response_substance, response_other): (Vec<&CodeList>, Vec<&CodeList>) =
        disability_response_pos
            .map(|p| rules[p].lists.iter().partition(|l| l.id == "4.10.2"))
            .unwrap_or_default();
    // Where each text column stood before the current row (to undo a rejected row).
    let mut marks: Vec<StrMark> = vec![StrMark::default(); rules.len()];
    let mut reserved = false;
    let mut day_cache = vec![values::DayCache::default(); rules.len()];

    if !header.is_empty() {
        loop {
            let rec = match rdr.next_record() {
                Ok(Some(rec)) => rec,
                Ok(None) => break,
                Err(e) => {
                    findings.push(Finding::error(
                        &file,
                        0,
                        "",
                        "",
                        rule::FILE_UNREADABLE,
                        format!("the rest of the file cannot be read: {e}"),
                    ));
                    break;
                }
            };
            read += 1;
            let line = rec.line;
            if rec.len() != header.len() {
                rejected += 1;
                findings.push(Finding::error(
                    &file,
                    line,
                    "",
                    "",
                    rule::ROW_FIELD_COUNT,
                    format!(
                        "row has {} fields, the header has {}",
                        rec.len(),
                        header.len()
                    ),
                ));
                continue;
            }
            if deleted_pos.is_some_and(|p| !rec.get(p).trim_ascii().is_empty()) {
                deleted += 1;
                continue;
            }
            if unusable {
                rejected += 1;
                continue;
            }
            // Once the first rows show how long a row is, size the columns for the whole
            // file (rather than doubling them as they fill).
            if !reserved && read >= RESERVE_AFTER {
                reserved = true;
                let done = rec.byte;
                if let Some(size) = size
                    && done > 0
                {
                    let rows = read as f64 * size as f64 / done as f64;
                    let rows = (rows * 1.02) as usize + 64;
                    table.reserve(rows.min(size as usize / 2));
                }
            }
            let before = non_utf8;
            let rec_ref = &rec;
            // A record of ASCII bytes only (nearly always): each field is text as it stands.
            // Otherwise the whole record at once when it is valid UTF-8.
            let ascii = rec_ref.data().is_ascii();
            let whole = if ascii {
                None
            } else {
                std::str::from_utf8(rec_ref.data()).ok()
            };
            // Older versions: the row's target values, rewritten by the upgrade plan.
            let raw: Option<Vec<Cow<str>>> = if plan.transforms.is_empty() {
                None
            } else {
                let mut raw: Vec<Cow<str>> = Vec::with_capacity(rules.len());
                for src in &plan.sources {
                    raw.push(match src {
                        Some(p) => field(rec_ref.get(*p).trim_ascii(), &mut non_utf8),
                        None => Cow::Borrowed(""),
                    });
                }
                let src = |p: usize| std::str::from_utf8(rec_ref.get(p).trim_ascii()).unwrap_or("");
                plan.apply(&mut raw, &src);
                Some(raw)
            };

            let n = table.lines.len();
            let mut row_error = false;
            let mut export_mismatch: Option<String> = None;
            for (i, r) in rules.iter().enumerate() {
                let cell: Cow<str> = match (&raw, plan.sources[i]) {
                    (Some(raw), _) => Cow::Borrowed(&raw[i]),
                    (None, None) => Cow::Borrowed(""),
                    (None, Some(p)) if ascii => {
                        let b = rec_ref.get(p).trim_ascii();
                        // SAFETY: ASCII bytes are valid UTF-8.
                        Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(b) })
                    }
                    (None, Some(p)) => {
                        match whole.and_then(|w| rec_ref.range(p).and_then(|g| w.get(g))) {
                            Some(s) => Cow::Borrowed(s.trim_ascii()),
                            None => field(rec_ref.get(p).trim_ascii(), &mut non_utf8),
                        }
                    }
                };
                let v: &str = &cell;
                let shown = if r.pii { "" } else { v };
                if v.is_empty() {
                    if r.required && !r.absent && plan.sources[i].is_some() {
                        if r.critical {
                            row_error = true;
                            findings.push(Finding::error(
                                &file,
                                line,
                                r.name,
                                "",
                                rule::REQUIRED,
                                "required value missing: row rejected",
                            ));
                        } else {
                            findings.push(Finding::warning(
                                &file,
                                line,
                                r.name,
                                "",
                                rule::REQUIRED,
                                "required value missing",
                            ));
                        }
                    }
                    let col = &mut table.columns[i];
                    if let Column::Str(c) = col {
                        marks[i] = c.mark();
                    }
                    col.push_null();
                    continue;
                }
                // The value a dependent code list hangs on (earlier in the same row).
                let depends_on = if Some(i) == type_provided_pos {
                    record_type_pos
                } else if Some(i) == disability_response_pos {
                    disability_type_pos
                } else {
                    None
                };
                let dependency = depends_on
                    .filter(|p| *p < i)
                    .and_then(|p| match &table.columns[p] {
                        Column::Int(c) if c.len() > n => Some(c[n]),
                        _ => None,
                    })
                    .filter(|x| *x != NULL_INT);
                let mut unreadable = false;
                match &mut table.columns[i] {
                    Column::Str(c) => {
                        if let Some(max) = r.max_len
                            && v.len() > max
                        {
                            let hashed_pii = hashed && r.pii;
                            let n = v.chars().count();
                            if n > max && !(hashed_pii && n <= 68) {
                                findings.push(Finding::warning(
                                    &file,
                                    line,
                                    r.name,
                                    shown,
                                    rule::MAX_LENGTH,
                                    format!("{n} characters, the specification allows {max}"),
                                ));
                            }
                        }
                        if is_ssn && r.name == "SSN" && !hashed {
                            let ok = v.len() == 9
                                && v.bytes()
                                    .all(|b| b.is_ascii_digit() || b == b'x' || b == b'X');
                            if !ok {
                                findings.push(Finding::warning(
                                    &file,
                                    line,
                                    r.name,
                                    "",
                                    rule::SSN_FORMAT,
                                    "SSN is not 9 characters of digits and X",
                                ));
                            }
                        }
                        if Some(i) == export_pos && v != ctx.export_id {
                            export_mismatch = Some(v.to_string());
                        }
                        marks[i] = c.mark();
                        c.push(v);
                    }
                    Column::Int(c) => match values::parse_int(v) {
                        Ok((x, dev)) => {
                            if let Some(d) = dev {
                                deviations.add(i, d, line, v, r.pii);
                            }
                            let one;
                            let lists: &[&CodeList] = if Some(i) == type_provided_pos {
                                match dependency {
                                    Some(rt) => {
                                        one = lists
                                            .type_provided_list(rt)
                                            .and_then(|l| lists.list(l));
                                        one.as_slice()
                                    }
                                    None => &r.lists,
                                }
                            } else if Some(i) == disability_response_pos {
                                if dependency == Some(10) {
                                    &response_substance
                                } else {
                                    &response_other
                                }
                            } else {
                                &r.lists
                            };
                            let listed = match &code_sets[i] {
                                Some(bits) if std::ptr::eq(lists, r.lists.as_slice()) => {
                                    in_set(bits, x)
                                }
                                _ => lists.iter().any(|l| l.contains(x)),
                            };
                            if !lists.is_empty() && !listed {
                                let ids: Vec<&str> = lists.iter().map(|l| l.id.as_str()).collect();
                                findings.push(Finding::warning(
                                    &file,
                                    line,
                                    r.name,
                                    shown,
                                    rule::CODE_LIST,
                                    format!("{x} is not a code of list {}", ids.join(" / ")),
                                ));
                            } else if let Some(el) = r.element
                                && let Some(code) = lists.first().and_then(|l| l.codes.get(&x))
                                && !code.valid_for.is_empty()
                                && !code.valid_for.iter().any(|e| e == el)
                            {
                                findings.push(Finding::warning(
                                    &file,
                                    line,
                                    r.name,
                                    shown,
                                    rule::CODE_LIST,
                                    format!(
                                        "{x} is a code of list 3.12.1 but not valid for element {el}"
                                    ),
                                ));
                            }
                            c.push(x);
                        }
                        Err(values::Unreadable) => {
                            unreadable = true;
                            c.push(NULL_INT);
                        }
                    },
                    Column::Date(c) => match day_cache[i].date(v) {
                        Ok((x, dev)) => {
                            if let Some(d) = dev {
                                deviations.add(i, d, line, v, r.pii);
                            }
                            if r.pii && x > ctx.reference_day {
                                findings.push(Finding::warning(
                                    &file,
                                    line,
                                    r.name,
                                    "",
                                    rule::DOB_FUTURE,
                                    "birth date after the export date",
                                ));
                            }
                            c.push(x);
                        }
                        Err(values::Unreadable) => {
                            unreadable = true;
                            c.push(NULL_DATE);
                        }
                    },
                    Column::DateTime(c) => match day_cache[i].datetime(v) {
                        Ok((x, dev)) => {
                            if let Some(d) = dev {
                                deviations.add(i, d, line, v, r.pii);
                            }
                            c.push(x);
                        }
                        Err(values::Unreadable) => {
                            unreadable = true;
                            c.push(NULL_DATETIME);
                        }
                    },
                    Column::Money(c) => match values::parse_money(v) {
                        Ok((x, dev)) => {
                            if let Some(d) = dev {
                                deviations.add(i, d, line, v, r.pii);
                            }
                            c.push(x);
                        }
                        Err(values::Unreadable) => {
                            unreadable = true;
                            c.push(f64::NAN);
                        }
                    },
                }
                if unreadable {
                    let what = match r.ty {
                        ColType::Int => "a whole number",
                        ColType::Date => "a date (YYYY-MM-DD)",
                        ColType::DateTime => "a date and time (YYYY-MM-DD HH:MM:SS)",
                        ColType::Money => "an amount of money",
                        ColType::Str => "text",
                    };
                    if r.critical {
                        row_error = true;
                        findings.push(Finding::error(
                            &file,
                            line,
                            r.name,
                            shown,
                            rule::TYPE,
                            format!("not {what}: row rejected"),
                        ));
                    } else {
                        findings.push(Finding::warning(
                            &file,
                            line,
                            r.name,
                            shown,
                            rule::TYPE,
                            format!("not {what}: read as empty"),
                        ));
                    }
                }
            }
            if non_utf8 > before && first_non_utf8_line == 0 {
                first_non_utf8_line = line;
            }
            if let Some(s) = export_mismatch {
                row_error = true;
                findings.push(Finding::error(
                    &file,
                    line,
                    "ExportID",
                    &s,
                    rule::EXPORT_ID_MISMATCH,
                    format!(
                        "ExportID differs from the export's ({}): row rejected",
                        ctx.export_id
                    ),
                ));
            }
            if row_error {
                rejected += 1;
                for (c, m) in table.columns.iter_mut().zip(&marks) {
                    match c {
                        Column::Str(c) => c.rollback(*m),
                        c => c.truncate(n),
                    }
                }
                continue;
            }
            table.lines.push(line as u32);
        }
    }

    // Rows repeating an earlier row's primary key are rejected.
    if let Some(p) = pk_pos
        && let Column::Str(pk) = &table.columns[p]
    {
        let repeats = pk.repeated_rows();
        if !repeats.is_empty() {
            let mut keep = vec![true; table.len()];
            for &(r, first) in &repeats {
                keep[r] = false;
                findings.push(Finding::error(
                    &file,
                    table.lines[r] as u64,
                    rules[p].name,
                    pk.get(r),
                    rule::PK_DUPLICATE,
                    format!(
                        "duplicate {} (first at line {}): row rejected",
                        rules[p].name, table.lines[first]
                    ),
                ));
            }
            rejected += repeats.len() as u64;
            table.retain(&keep);
            // In line order, as if found while reading.
            findings.sort_by_key(|f| f.line);
        }
    }

    for ((col, dev), (count, line, example)) in deviations.seen {
        findings.push(Finding::warning(
            &file,
            line,
            rules[col].name,
            &example,
            rule::FORMAT,
            format!(
                "{} in {count} value(s) of this column (first at this line); read leniently",
                dev.describe()
            ),
        ));
    }
    if non_utf8 > 0 {
        findings.push(Finding::warning(
            &file,
            first_non_utf8_line,
            "",
            "",
            rule::ENCODING,
            format!(
                "the file is not valid UTF-8: {non_utf8} value(s) decoded as Windows-1252 (Latin-1)"
            ),
        ));
    }
    table.shrink();
    for f in &mut findings {
        f.export_id = ctx.export_id.to_string();
    }
    ParsedFile {
        table,
        findings,
        read,
        rejected,
        deleted,
        header,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hmis::Schema;

    fn parse(file: &str, csv: &[u8]) -> ParsedFile {
        let ctx = FileContext {
            export_id: "E1",
            version: Version::Fy2026,
            spec: Schema::fy2026().file(file).unwrap(),
            hash_status: 1,
            reference_day: i32::MAX,
            unstored: None,
        };
        parse_file_with(&ctx, &mut &csv[..], true, Some(csv.len() as u64))
    }

    #[test]
    fn unstored_timestamps_are_checked_but_not_kept() {
        let csv = "UserID,UserFirstName,UserLastName,UserPhone,UserExtension,UserEmail,\
                   DateCreated,DateUpdated,DateDeleted,ExportID\n\
                   U1,Ann,,,,,2025-01-01 10:00:00,soon,,E1\n\
                   U2,Bo,,,,,2025-01-02 10:00:00,2025-01-03 10:00:00,,E1\n";
        let spec = Schema::fy2026().file("User").unwrap();
        let with = |unstored: Option<fn(&str, &str) -> bool>| {
            let ctx = FileContext {
                export_id: "E1",
                version: Version::Fy2026,
                spec,
                hash_status: 1,
                reference_day: i32::MAX,
                unstored,
            };
            parse_file_with(&ctx, &mut csv.as_bytes(), true, Some(csv.len() as u64))
        };
        let kept = with(None);
        let unstored = with(Some(|_, name| name == "DateUpdated"));
        // The same findings and rows either way; only the values are gone.
        let rules = |p: &ParsedFile| -> Vec<(&str, u64, String)> {
            p.findings
                .iter()
                .map(|f| (f.rule, f.line, f.column.clone()))
                .collect()
        };
        assert_eq!(rules(&kept), rules(&unstored));
        assert!(
            rules(&kept)
                .iter()
                .any(|(r, _, c)| *r == rule::TYPE && c == "DateUpdated")
        );
        assert_eq!(
            (kept.read, kept.table.len()),
            (unstored.read, unstored.table.len())
        );
        let updated = |p: &ParsedFile| match p.table.column("DateUpdated") {
            Some(Column::DateTime(c)) => c.iter().copied().collect::<Vec<i64>>(),
            _ => Vec::new(),
        };
        assert_ne!(updated(&kept)[1], NULL_DATETIME);
        assert_eq!(updated(&unstored), vec![NULL_DATETIME; 2]);
    }

    #[test]
    fn a_rejected_row_leaves_no_trace() {
        let csv = "UserID,UserFirstName,UserLastName,UserPhone,UserExtension,UserEmail,\
                   DateCreated,DateUpdated,DateDeleted,ExportID\n\
                   U1,Ann,,,,,2025-01-01 10:00:00,2025-01-01 10:00:00,,OTHER\n\
                   U1,Bo,,,,,2025-01-01 10:00:00,2025-01-01 10:00:00,,E1\n\
                   U1,Cy,,,,,2025-01-01 10:00:00,2025-01-01 10:00:00,,E1\n\
                   U2 , Dee ,,,,,2025-01-01 10:00:00,bad,,E1\r\n";
        let p = parse("User", csv.as_bytes());
        let rules: Vec<(&str, u64)> = p.findings.iter().map(|f| (f.rule, f.line)).collect();
        assert_eq!(
            rules,
            [
                (rule::EXPORT_ID_MISMATCH, 2),
                (rule::PK_DUPLICATE, 4),
                (rule::TYPE, 5)
            ]
        );
        assert!(p.findings[1].message.contains("first at line 3"));
        assert_eq!((p.read, p.rejected, p.table.len()), (4, 2, 2));
        let names = p.table.str_col("UserFirstName").unwrap();
        assert_eq!((names.get(0), names.get(1)), ("Bo", "Dee"));
        assert_eq!(p.table.str_col("UserID").unwrap().get(1), "U2");
        assert_eq!(p.table.lines, vec![3, 5]);
    }

    #[test]
    fn a_character_split_between_fields_is_not_utf8() {
        // "é" is C3 A9: split over two fields, each is invalid alone.
        let mut csv = b"UserID,UserFirstName,UserLastName,UserPhone,UserExtension,UserEmail,\
                        DateCreated,DateUpdated,DateDeleted,ExportID\n"
            .to_vec();
        csv.extend_from_slice(b"U1,x\xc3,\xa9y,,,,2025-01-01 10:00:00,2025-01-01 10:00:00,,E1\n");
        csv.extend_from_slice(b"U2,Zo\xc3\xab,,,,,2025-01-01 10:00:00,2025-01-01 10:00:00,,E1\n");
        let p = parse("User", &csv);
        let first = p.table.str_col("UserFirstName").unwrap();
        let last = p.table.str_col("UserLastName").unwrap();
        assert_eq!((first.get(0), last.get(0)), ("xÃ", "©y"));
        assert_eq!(first.get(1), "Zoë");
        let enc: Vec<&Finding> = p
            .findings
            .iter()
            .filter(|f| f.rule == rule::ENCODING)
            .collect();
        assert_eq!(enc.len(), 1);
        assert!(enc[0].message.contains("2 value(s)"), "{}", enc[0].message);
        assert_eq!(enc[0].line, 2);
    }
}
