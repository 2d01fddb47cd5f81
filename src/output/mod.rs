//! Writing results: files are written to a temporary name beside the target and renamed
//! into place, so a failed run never leaves a half-written file where a good one was. Each
//! file is synced to disk before its rename, except inside a run's staging folder
//! ([`rundir::RunDir`]), which is synced as a whole before it is swapped in.

pub mod csv;
pub mod dedup_files;
pub mod html;
pub mod ingest_files;
pub mod json;
pub mod rundir;
pub mod xlsx;

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct OutputError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl OutputError {
    pub fn new(path: &Path, source: io::Error) -> OutputError {
        OutputError {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Writes `path` atomically: `write` fills a temporary file in the same folder, which is
/// synced and renamed over `path` only if `write` succeeds.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), OutputError> {
    write_atomic_with(path, false, write)
}

/// Like [`write_atomic`], for files holding personal data: created readable and writable by
/// the owner only (mode 0600 on Unix), from the first byte.
pub fn write_atomic_private(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), OutputError> {
    write_atomic_with(path, true, write)
}

fn create(path: &Path, private: bool) -> io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    o.open(path)
}

fn write_atomic_with(
    path: &Path,
    private: bool,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), OutputError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| OutputError::new(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let _ = fs::remove_file(&tmp);
        let mut w = BufWriter::new(create(&tmp, private)?);
        write(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        if !rundir::is_staged(path) {
            f.sync_all()?;
        }
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(OutputError::new(path, e));
    }
    Ok(())
}

/// One input export as the About sheet and summary.json describe it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputInfo {
    pub export_id: String,
    pub source_id: String,
    pub source_name: String,
    /// Folder or zip it was read from (About sheet only: it depends on how the path was
    /// typed, so summary.json leaves it out).
    #[serde(skip)]
    pub origin: String,
    pub rows_used: u64,
    pub rows_rejected: u64,
}

/// What a run did, for the About sheet, summary.json and the dashboard.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// "hmis 0.1.0".
    pub program: String,
    /// When the run started (xlsx only: CSV and JSON stay byte-identical between runs).
    pub started: Option<chrono::NaiveDateTime>,
    /// Time taken so far, by phase (xlsx only, like `started`).
    pub timing: Option<String>,
    pub start: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub pit_date: chrono::NaiveDate,
    pub coc: Option<String>,
    pub inputs: Vec<InputInfo>,
    pub errors: u64,
    pub warnings: u64,
    /// How persons were identified (e.g. "one person per PersonalID within a source system").
    pub identity: String,
    pub source_client_records: u64,
    pub unduplicated_persons: u64,
    /// Further dedup figures (name, value), in order.
    pub dedup: Vec<(String, u64)>,
}

impl RunInfo {
    /// Name/value pairs for the About sheet.
    pub fn about(&self) -> Vec<(String, String)> {
        let mut v = vec![
            ("Program".to_string(), self.program.clone()),
            (
                "Run at".to_string(),
                self.started
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                    .unwrap_or_default(),
            ),
            (
                "Run time (to the reports)".to_string(),
                self.timing.clone().unwrap_or_default(),
            ),
            (
                "Report period".to_string(),
                format!("{} to {}", self.start, self.end),
            ),
            ("PIT night".to_string(), self.pit_date.to_string()),
            (
                "CoC".to_string(),
                self.coc.clone().unwrap_or_else(|| "all".to_string()),
            ),
            ("Persons identified by".to_string(), self.identity.clone()),
            (
                "Source client records".to_string(),
                self.source_client_records.to_string(),
            ),
            (
                "Unduplicated persons".to_string(),
                self.unduplicated_persons.to_string(),
            ),
        ];
        v.extend(self.dedup.iter().map(|(k, n)| (k.clone(), n.to_string())));
        v.push((
            "Validation".to_string(),
            format!(
                "{} error(s) (rows rejected), {} warning(s): see validation.csv",
                self.errors, self.warnings
            ),
        ));
        v
    }
}
