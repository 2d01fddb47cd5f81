//! Validation findings: one row of `validation.csv` each.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row was rejected (or, at file level, the file or export is unusable).
    Error,
    /// The row was kept; the value may have been read leniently or set to null.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Stable rule names: documented in `reports/README.md` and used in `validation.csv`.
pub mod rule {
    pub const EXPORT_UNUSABLE: &str = "export.unusable";
    pub const EXPORT_VERSION: &str = "export.version";
    pub const EXPORT_EXTRA_ROW: &str = "export.extra_row";
    pub const EXPORT_ID_MISMATCH: &str = "export.id_mismatch";
    pub const FILE_MISSING: &str = "file.missing";
    pub const FILE_UNKNOWN: &str = "file.unknown";
    pub const FILE_UNREADABLE: &str = "file.unreadable";
    pub const ENCODING: &str = "encoding.windows_1252";
    pub const ENCODING_UTF16: &str = "encoding.utf16";
    pub const HEADER_MISSING_COLUMN: &str = "header.missing_column";
    pub const HEADER_EXTRA_COLUMN: &str = "header.extra_column";
    pub const HEADER_DUPLICATE_COLUMN: &str = "header.duplicate_column";
    pub const ROW_FIELD_COUNT: &str = "row.field_count";
    pub const REQUIRED: &str = "required";
    pub const TYPE: &str = "type";
    pub const FORMAT: &str = "format";
    pub const MAX_LENGTH: &str = "max_length";
    pub const CODE_LIST: &str = "code_list";
    pub const SSN_FORMAT: &str = "ssn.format";
    pub const PK_DUPLICATE: &str = "pk.duplicate";
    pub const FK_MISSING: &str = "fk.missing";
    pub const FK_PERSON_MISMATCH: &str = "fk.person_mismatch";
    pub const EXIT_BEFORE_ENTRY: &str = "exit.before_entry";
    pub const EXIT_DUPLICATE: &str = "exit.duplicate";
    pub const HOH_COUNT: &str = "household.hoh_count";
    pub const DOB_AFTER_ENTRY: &str = "dob.after_entry";
    pub const DOB_FUTURE: &str = "dob.future";
    pub const BED_NIGHT_OUTSIDE: &str = "bed_night.outside_enrollment";
    pub const BED_NIGHT_PROJECT_TYPE: &str = "bed_night.project_type";
    pub const ENROLLMENT_OVERLAP: &str = "enrollment.overlap";
    pub const ENROLLMENT_COC: &str = "enrollment.coc";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub export_id: String,
    pub file: String,
    /// Line in the file (1 = header); 0 for findings about a whole export or file.
    pub line: u64,
    pub column: String,
    /// The offending value; empty for identity columns (names, SSN, birth date), whose
    /// values never leave the program.
    pub value: String,
    pub rule: &'static str,
    pub message: String,
}

impl Finding {
    pub fn new(
        severity: Severity,
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            export_id: String::new(),
            file: file.to_string(),
            line,
            column: column.to_string(),
            value: value.chars().take(200).collect(),
            rule,
            message: message.into(),
        }
    }

    pub fn error(
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        rule: &'static str,
        msg: impl Into<String>,
    ) -> Finding {
        Finding::new(Severity::Error, file, line, column, value, rule, msg)
    }

    pub fn warning(
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        rule: &'static str,
        msg: impl Into<String>,
    ) -> Finding {
        Finding::new(Severity::Warning, file, line, column, value, rule, msg)
    }

    /// Sort key giving the same order whatever the thread count.
    pub fn sort_key(&self) -> (&str, &str, u64, &str, &str, &str) {
        (
            &self.export_id,
            &self.file,
            self.line,
            &self.column,
            self.rule,
            &self.message,
        )
    }
}
