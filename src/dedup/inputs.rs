//! Files an administrator feeds the matcher: overrides (decisions from the review file),
//! last month's crosswalk (`--previous`) and a ground truth (`--truth`). All are keyed by
//! (ExportID, PersonalID); since ExportIDs change every month, a key whose ExportID is not in
//! this run falls back to the PersonalID alone when exactly one current record has it.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {message}")]
    Invalid {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

/// Rows of a small CSV with named columns; lines starting with `#` are comments.
fn read_rows(path: &Path, wanted: &[&str]) -> Result<Vec<(u64, Vec<String>)>, InputError> {
    let bad = |line: u64, message: String| InputError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| InputError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut cols: Option<Vec<usize>> = None;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            bad(line, e.to_string())
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        match &cols {
            None => {
                let header: Vec<String> =
                    rec.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
                let mut idx = Vec::new();
                for w in wanted {
                    let Some(i) = header.iter().position(|h| h == &w.to_ascii_lowercase()) else {
                        return Err(bad(
                            line,
                            format!("missing column {w} (need {})", wanted.join(",")),
                        ));
                    };
                    idx.push(i);
                }
                cols = Some(idx);
            }
            Some(idx) => {
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                out.push((
                    line,
                    idx.iter()
                        .map(|&i| rec.get(i).unwrap_or("").trim().to_string())
                        .collect(),
                ));
            }
        }
    }
    if cols.is_none() {
        return Err(bad(
            1,
            format!("empty file (need columns {})", wanted.join(",")),
        ));
    }
    Ok(out)
}

/// An override: two records and the administrator's decision.
#[derive(Debug, Clone)]
pub struct Override {
    pub a: (String, String),
    pub b: (String, String),
    pub is_match: bool,
    pub line: u64,
}

/// Reads an overrides file (`ExportID_a,PersonalID_a,ExportID_b,PersonalID_b,decision`,
/// decision `match` or `no-match`; a review.csv with its decision column filled in works).
/// Rows with an empty decision are skipped.
pub fn read_overrides(path: &Path) -> Result<Vec<Override>, InputError> {
    let rows = read_rows(
        path,
        &[
            "ExportID_a",
            "PersonalID_a",
            "ExportID_b",
            "PersonalID_b",
            "decision",
        ],
    )?;
    let mut out = Vec::new();
    for (line, r) in rows {
        let d = r[4].to_ascii_lowercase().replace([' ', '_'], "-");
        let is_match = match d.as_str() {
            "" => continue,
            "match" | "same" | "yes" => true,
            "no-match" | "nomatch" | "different" | "no" => false,
            other => {
                return Err(InputError::Invalid {
                    path: path.to_path_buf(),
                    line,
                    message: format!("decision `{other}`: expected match or no-match"),
                });
            }
        };
        out.push(Override {
            a: (r[0].clone(), r[1].clone()),
            b: (r[2].clone(), r[3].clone()),
            is_match,
            line,
        });
    }
    Ok(out)
}

/// (ExportID, PersonalID) -> value rows of a crosswalk-like file.
pub fn read_keyed(path: &Path, value: &str) -> Result<Vec<(String, String, String)>, InputError> {
    Ok(read_rows(path, &["ExportID", "PersonalID", value])?
        .into_iter()
        .map(|(_, mut r)| {
            let v = std::mem::take(&mut r[2]);
            let p = std::mem::take(&mut r[1]);
            let e = std::mem::take(&mut r[0]);
            (e, p, v)
        })
        .collect())
}

/// Finds current records by (ExportID, PersonalID), falling back to a PersonalID that only
/// one current record carries.
pub struct Resolver<'a> {
    exact: HashMap<(&'a str, &'a str), u32>,
    by_pid: HashMap<&'a str, Option<u32>>,
    exports: HashSet<&'a str>,
}

impl<'a> Resolver<'a> {
    /// `keys`: (ExportID, PersonalID, record, group): a PersonalID-only match resolves to the
    /// group's first record, and is ambiguous only across groups.
    pub fn new(keys: impl Iterator<Item = (&'a str, &'a str, u32, u32)>) -> Resolver<'a> {
        Resolver::build(keys, true)
    }

    /// As [`Resolver::new`], for lookups that always name an export of `keys`: no
    /// PersonalID-only index.
    pub fn exact_only(keys: impl Iterator<Item = (&'a str, &'a str, u32, u32)>) -> Resolver<'a> {
        Resolver::build(keys, false)
    }

    fn build(
        keys: impl Iterator<Item = (&'a str, &'a str, u32, u32)>,
        with_pid: bool,
    ) -> Resolver<'a> {
        let mut exact = HashMap::new();
        let mut by_pid: HashMap<&str, Option<u32>> = HashMap::new();
        let mut exports = HashSet::new();
        for (e, p, i, g) in keys {
            exact.insert((e, p), i);
            exports.insert(e);
            if with_pid {
                by_pid
                    .entry(p)
                    .and_modify(|v| {
                        if *v != Some(g) {
                            *v = None
                        }
                    })
                    .or_insert(Some(g));
            }
        }
        Resolver {
            exact,
            by_pid,
            exports,
        }
    }

    pub fn find(&self, export_id: &str, personal_id: &str) -> Option<u32> {
        if let Some(&i) = self.exact.get(&(export_id, personal_id)) {
            return Some(i);
        }
        if self.exports.contains(export_id) {
            return None;
        }
        self.by_pid.get(personal_id).copied().flatten()
    }
}
