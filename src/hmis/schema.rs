//! The HMIS CSV layout as data: every file, column, type, maximum length, required flag,
//! code list and key, read from HUD's machine-readable specification (the TSV files in
//! `src/hmis/spec/`, copied from the project's shared reference notes).
//!
//! Nothing in the program types a column list by hand: the reader, the validator and the
//! synthetic generator all walk these tables.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::version::Version;

const SCHEMA_FY2026: &str = include_str!("spec/schema.tsv");
const SCHEMA_FY2024: &str = include_str!("spec/schema_fy2024.tsv");
/// FY2022 files that later versions folded away (EnrollmentCoC.csv), transcribed from the
/// FY2022 headers; see docs/versions.md.
const SCHEMA_FY2022_EXTRA: &str = include_str!("spec/fy2022_extra.tsv");

/// Column data type, as HUD writes it in the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// S#: text of at most # characters.
    Str,
    /// I: non-negative whole number, limited to its list when it has one.
    Int,
    /// D: `YYYY-MM-DD`.
    Date,
    /// T: `YYYY-MM-DD hh:mm:ss`.
    DateTime,
    /// M: money, decimal with two places.
    Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    None,
    Primary,
    Foreign { file: String, column: String },
}

#[derive(Debug, Clone)]
pub struct ColumnSpec {
    pub name: String,
    pub ty: ColType,
    pub max_len: Option<usize>,
    pub required: bool,
    /// Code-list ids (several when the list depends on another column).
    pub lists: Vec<String>,
    pub key: Key,
}

impl ColumnSpec {
    /// Columns that hold a client's identity; their values never leave the program
    /// except in files documented as PII.
    pub fn is_pii(&self, file: &str) -> bool {
        file == "Client"
            && matches!(
                self.name.as_str(),
                "FirstName" | "MiddleName" | "LastName" | "NameSuffix" | "SSN" | "DOB"
            )
    }
}

#[derive(Debug, Clone)]
pub struct FileSpec {
    pub name: String,
    pub columns: Vec<ColumnSpec>,
    index: HashMap<String, usize>,
}

impl FileSpec {
    /// Position of a column, matched case-insensitively.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.index.get(&column.to_ascii_lowercase()).copied()
    }

    pub fn column(&self, column: &str) -> Option<&ColumnSpec> {
        self.position(column).map(|i| &self.columns[i])
    }

    /// The file name on disk, e.g. `Client.csv`.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// Header line in spec order.
    pub fn header(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

#[derive(Debug)]
pub struct Schema {
    pub version: Version,
    pub files: Vec<FileSpec>,
    index: HashMap<String, usize>,
}

impl Schema {
    /// The FY2026 layout, the model every export is mapped into.
    pub fn fy2026() -> &'static Schema {
        static S: OnceLock<Schema> = OnceLock::new();
        S.get_or_init(|| Schema::parse(Version::Fy2026, SCHEMA_FY2026))
    }

    /// The FY2024 layout, for reading older exports.
    pub fn fy2024() -> &'static Schema {
        static S: OnceLock<Schema> = OnceLock::new();
        S.get_or_init(|| Schema::parse(Version::Fy2024, SCHEMA_FY2024))
    }

    /// FY2022 files that no longer exist (EnrollmentCoC), read to fill FY2026 columns.
    pub fn fy2022_extra() -> &'static Schema {
        static S: OnceLock<Schema> = OnceLock::new();
        S.get_or_init(|| Schema::parse(Version::Fy2022, SCHEMA_FY2022_EXTRA))
    }

    /// The file spec for a name matched case-insensitively (`client`, `Client.csv`).
    pub fn file(&self, name: &str) -> Option<&FileSpec> {
        let base = name.strip_suffix(".csv").unwrap_or(name);
        let base = base.strip_suffix(".CSV").unwrap_or(base);
        self.index
            .get(&base.to_ascii_lowercase())
            .map(|&i| &self.files[i])
    }

    /// Position of a file in dependency order (parents before children).
    pub fn file_index(&self, name: &str) -> Option<usize> {
        self.index.get(&name.to_ascii_lowercase()).copied()
    }

    fn parse(version: Version, text: &str) -> Schema {
        let mut files: Vec<FileSpec> = Vec::new();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 8 {
                continue;
            }
            let ty = match f[3] {
                "S" => ColType::Str,
                "I" => ColType::Int,
                "D" => ColType::Date,
                "T" => ColType::DateTime,
                "M" | "M+" => ColType::Money,
                other => panic!("schema.tsv: unknown type {other:?} (embedded data is corrupt)"),
            };
            let key = if f[7] == "PK" {
                Key::Primary
            } else if let Some(rest) = f[7].strip_prefix("FK:") {
                let (file, column) = rest.split_once('.').unwrap_or((rest, ""));
                Key::Foreign {
                    file: file.to_string(),
                    column: column.to_string(),
                }
            } else {
                Key::None
            };
            let col = ColumnSpec {
                name: f[2].to_string(),
                ty,
                max_len: f[4].parse().ok(),
                required: f[5] == "Y",
                lists: f[6]
                    .split('|')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                key,
            };
            match files.last_mut() {
                Some(last) if last.name == f[0] => last.columns.push(col),
                _ => files.push(FileSpec {
                    name: f[0].to_string(),
                    columns: vec![col],
                    index: HashMap::new(),
                }),
            }
        }
        for file in &mut files {
            file.index = file
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.to_ascii_lowercase(), i))
                .collect();
        }
        let index = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.to_ascii_lowercase(), i))
            .collect();
        Schema {
            version,
            files,
            index,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fy2026_has_24_files_and_519_columns() {
        let s = Schema::fy2026();
        assert_eq!(s.files.len(), 24);
        let n: usize = s.files.iter().map(|f| f.columns.len()).sum();
        assert_eq!(n, 519);
        let client = s.file("client.csv").unwrap();
        assert_eq!(client.columns.len(), 38);
        assert_eq!(client.columns[0].key, Key::Primary);
        let sex = client.column("SEX").unwrap();
        assert_eq!(sex.lists, vec!["4.21".to_string()]);
    }

    #[test]
    fn fy2024_has_531_columns() {
        let s = Schema::fy2024();
        let n: usize = s.files.iter().map(|f| f.columns.len()).sum();
        assert_eq!(n, 531);
        assert!(
            s.file("Client")
                .unwrap()
                .column("HispanicLatinaeo")
                .is_some()
        );
    }

    #[test]
    fn foreign_keys_point_at_known_files() {
        let s = Schema::fy2026();
        for f in &s.files {
            for c in &f.columns {
                if let Key::Foreign { file, column } = &c.key {
                    let parent = s.file(file).expect("parent file");
                    assert!(parent.column(column).is_some(), "{}.{}", f.name, c.name);
                }
            }
        }
    }
}
