//! Writing results: files are written to a temporary name beside the target and renamed
//! into place, so a failed run never leaves a half-written file where a good one was.

pub mod dedup_files;
pub mod ingest_files;
pub mod rundir;

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
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(OutputError::new(path, e));
    }
    Ok(())
}
