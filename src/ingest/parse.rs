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

use super::findings::{Finding, rule};
use super::table::{Column, NULL_DATE, NULL_DATETIME, NULL_INT, Table};
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

/// A parsed cell, borrowing text from the record being read.
enum Cell<'a> {
    Null,
    Str(Cow<'a, str>),
    Int(i32),
    Date(i32),
    DateTime(i64),
    Money(f64),
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
    parse_file_with(ctx, reader, true)
}

/// As [`parse_file`]; `check_export_id` = false for Export.csv itself, whose rows define
/// the ExportID.
pub fn parse_file_with(
    ctx: &FileContext,
    reader: &mut dyn Read,
    check_export_id: bool,
) -> ParsedFile {
    let spec = ctx.spec;
    let file = spec.file_name();
    let mut findings = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        // '\n' alone ends a record so that line numbers stay right for CRLF files (the csv
        // crate's CRLF mode reports a record as starting on the previous line); the '\r'
        // left at the end of the last field is removed by the trim.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 20)
        .from_reader(reader);
    let mut rec = csv::ByteRecord::new();
    let mut non_utf8 = 0u64;
    let mut first_non_utf8_line = 0u64;

    // Header.
    let header: Vec<String> = match rdr.read_byte_record(&mut rec) {
        Ok(true) => rec
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let s = field(b, &mut non_utf8).into_owned();
                let s = if i == 0 {
                    s.trim_start_matches('\u{feff}').to_string()
                } else {
                    s
                };
                s.trim().trim_matches('"').to_string()
            })
            .collect(),
        Ok(false) => {
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
    let pk_pos = rules.iter().position(|r| r.primary);
    // Row of the first occurrence of each primary-key value (by its code in the column).
    let mut pk_first_row: Vec<u32> = Vec::new();
    let mut deviations = Deviations {
        seen: BTreeMap::new(),
    };
    let (mut read, mut rejected, mut deleted) = (0u64, 0u64, 0u64);

    if !header.is_empty() {
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    findings.push(Finding::error(
                        &file,
                        line,
                        "",
                        "",
                        rule::FILE_UNREADABLE,
                        format!("the rest of the file cannot be read: {e}"),
                    ));
                    break;
                }
            }
            read += 1;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
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
            if deleted_pos.is_some_and(|p| !rec[p].is_empty()) {
                deleted += 1;
                continue;
            }
            if unusable {
                rejected += 1;
                continue;
            }
            let before = non_utf8;
            let rec_ref = &rec;
            let mut raw: Vec<Cow<str>> = Vec::with_capacity(rules.len());
            for src in &plan.sources {
                raw.push(match src {
                    Some(p) => field(&rec_ref[*p], &mut non_utf8),
                    None => Cow::Borrowed(""),
                });
            }
            if non_utf8 > before && first_non_utf8_line == 0 {
                first_non_utf8_line = line;
            }
            if !plan.transforms.is_empty() {
                let src = |p: usize| std::str::from_utf8(&rec_ref[p]).unwrap_or("");
                plan.apply(&mut raw, &src);
            }

            let mut row_error = false;
            let mut cells: Vec<Cell> = Vec::with_capacity(rules.len());
            for (i, r) in rules.iter().enumerate() {
                let v: &str = &raw[i];
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
                    cells.push(Cell::Null);
                    continue;
                }
                let parsed: Result<(Cell, Option<Deviation>), values::Unreadable> = match r.ty {
                    ColType::Str => Ok((Cell::Str(raw[i].clone()), None)),
                    ColType::Int => values::parse_int(v).map(|(x, d)| (Cell::Int(x), d)),
                    ColType::Date => values::parse_date(v).map(|(x, d)| (Cell::Date(x), d)),
                    ColType::DateTime => {
                        values::parse_datetime(v).map(|(x, d)| (Cell::DateTime(x), d))
                    }
                    ColType::Money => values::parse_money(v).map(|(x, d)| (Cell::Money(x), d)),
                };
                let cell = match parsed {
                    Ok((cell, dev)) => {
                        if let Some(d) = dev {
                            deviations.add(i, d, line, v, r.pii);
                        }
                        cell
                    }
                    Err(values::Unreadable) => {
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
                        cells.push(Cell::Null);
                        continue;
                    }
                };
                match &cell {
                    Cell::Str(s) => {
                        if let Some(max) = r.max_len {
                            let hashed_pii = hashed && r.pii;
                            let n = s.chars().count();
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
                        if spec.name == "Client" && r.name == "SSN" && !hashed {
                            let ok = s.len() == 9
                                && s.bytes()
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
                    }
                    Cell::Int(x) => {
                        let lists: Vec<&CodeList> = if Some(i) == type_provided_pos {
                            match record_type_pos.map(|p| &cells[p]) {
                                Some(Cell::Int(rt)) => lists
                                    .type_provided_list(*rt)
                                    .and_then(|l| lists.list(l))
                                    .into_iter()
                                    .collect(),
                                _ => r.lists.clone(),
                            }
                        } else if Some(i) == disability_response_pos {
                            let substance = matches!(
                                disability_type_pos.map(|p| &cells[p]),
                                Some(Cell::Int(10))
                            );
                            r.lists
                                .iter()
                                .copied()
                                .filter(|l| (l.id == "4.10.2") == substance)
                                .collect()
                        } else {
                            r.lists.clone()
                        };
                        if !lists.is_empty() && !lists.iter().any(|l| l.contains(*x)) {
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
                            && let Some(code) = lists.first().and_then(|l| l.codes.get(x))
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
                    }
                    Cell::Date(d) if r.pii && *d > ctx.reference_day => {
                        findings.push(Finding::warning(
                            &file,
                            line,
                            r.name,
                            "",
                            rule::DOB_FUTURE,
                            "birth date after the export date",
                        ));
                    }
                    _ => {}
                }
                cells.push(cell);
            }
            if let Some(p) = export_pos
                && let Cell::Str(s) = &cells[p]
                && s != ctx.export_id
            {
                row_error = true;
                findings.push(Finding::error(
                    &file,
                    line,
                    "ExportID",
                    s,
                    rule::EXPORT_ID_MISMATCH,
                    format!(
                        "ExportID differs from the export's ({}): row rejected",
                        ctx.export_id
                    ),
                ));
            }
            if !row_error
                && let Some(p) = pk_pos
                && let Cell::Str(s) = &cells[p]
                && let Column::Str(pk) = &table.columns[p]
                && let Some(code) = pk.lookup(s)
            {
                row_error = true;
                let first = pk_first_row
                    .get(code as usize)
                    .map_or(0, |&r| table.lines[r as usize]);
                findings.push(Finding::error(
                    &file,
                    line,
                    rules[p].name,
                    s,
                    rule::PK_DUPLICATE,
                    format!(
                        "duplicate {} (first at line {first}): row rejected",
                        rules[p].name
                    ),
                ));
            }
            if row_error {
                rejected += 1;
                continue;
            }
            for (col, cell) in table.columns.iter_mut().zip(cells.drain(..)) {
                match (col, cell) {
                    (Column::Str(c), Cell::Str(s)) => c.push(&s),
                    (Column::Str(c), _) => c.push(""),
                    (Column::Int(c), Cell::Int(x)) => c.push(x),
                    (Column::Int(c), _) => c.push(NULL_INT),
                    (Column::Date(c), Cell::Date(x)) => c.push(x),
                    (Column::Date(c), _) => c.push(NULL_DATE),
                    (Column::DateTime(c), Cell::DateTime(x)) => c.push(x),
                    (Column::DateTime(c), _) => c.push(NULL_DATETIME),
                    (Column::Money(c), Cell::Money(x)) => c.push(x),
                    (Column::Money(c), _) => c.push(f64::NAN),
                }
            }
            if let Some(p) = pk_pos
                && let Column::Str(pk) = &table.columns[p]
                && pk.distinct() > pk_first_row.len()
            {
                pk_first_row.push(table.lines.len() as u32);
            }
            table.lines.push(line as u32);
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
