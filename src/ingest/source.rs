//! Where exports come from: a folder of CSV files, a `.zip` holding them (at its root or in
//! one folder), or a drop folder whose subfolders and zips are exports.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use super::IngestError;

/// The files an export must have to be usable.
pub const REQUIRED_FILES: &[&str] = &["Export", "Client", "Enrollment"];

#[derive(Debug, Clone)]
enum Kind {
    Dir(PathBuf),
    /// A zip and the folder inside it that holds the CSV files ("" = root).
    Zip(PathBuf, String),
}

/// One export's files, by lower-case base name (`client` -> `Client.csv` as found).
#[derive(Debug, Clone)]
pub struct ExportSource {
    kind: Kind,
    /// What the user would recognise: the folder, or `archive.zip` / `archive.zip!/folder`.
    pub origin: String,
    /// Lower-case base name -> entry name as found on disk / in the zip.
    pub files: BTreeMap<String, String>,
    /// Entries that start with a UTF-16 byte-order mark: converted to UTF-8 when read.
    pub utf16: std::collections::BTreeSet<String>,
}

/// Zip entries larger than this, or expanding more than `MAX_RATIO` times while larger than
/// `RATIO_FLOOR`, are refused as zip bombs. Real HMIS CSV compresses 5-30 times.
pub const MAX_ENTRY_BYTES: u64 = 32 << 30;
pub const MAX_RATIO: u64 = 200;
pub const RATIO_FLOOR: u64 = 64 << 20;

fn has_utf16_bom(r: &mut dyn Read) -> bool {
    let mut b = [0u8; 2];
    matches!(r.read_exact(&mut b), Ok(()) if b == [0xFF, 0xFE] || b == [0xFE, 0xFF])
}

/// The whole of a UTF-16 file as UTF-8 (the byte-order mark decides the byte order).
fn utf16_to_utf8(r: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes)?;
    let (text, _, _) = encoding_rs::UTF_16LE.decode(&bytes);
    Ok(text.into_owned().into_bytes())
}

impl ExportSource {
    /// The name a file was found under (e.g. `client.csv` as written by the vendor).
    pub fn entry(&self, base: &str) -> Option<&str> {
        self.files
            .get(&base.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The length in bytes (uncompressed) of the named file, when it can be found.
    pub fn size(&self, entry: &str) -> Option<u64> {
        match &self.kind {
            Kind::Dir(dir) => std::fs::metadata(dir.join(entry)).ok().map(|m| m.len()),
            Kind::Zip(zip, folder) => {
                let mut archive =
                    zip::ZipArchive::new(BufReader::new(File::open(zip).ok()?)).ok()?;
                let f = archive.by_name(&zip_entry(folder, entry)).ok()?;
                Some(f.size())
            }
        }
    }

    /// Calls `f` with a reader over the named file.
    pub fn read_with<T>(&self, entry: &str, f: impl FnOnce(&mut dyn Read) -> T) -> io::Result<T> {
        self.read_sized_with(entry, |r, _| f(r))
    }

    /// Calls `f` with a reader over the named file and its length in bytes (uncompressed).
    pub fn read_sized_with<T>(
        &self,
        entry: &str,
        f: impl FnOnce(&mut dyn Read, Option<u64>) -> T,
    ) -> io::Result<T> {
        match &self.kind {
            Kind::Dir(dir) => {
                let file = File::open(dir.join(entry))?;
                let size = file.metadata().ok().map(|m| m.len());
                let mut r = BufReader::with_capacity(1 << 20, file);
                if self.utf16.contains(entry) {
                    let bytes = utf16_to_utf8(&mut r)?;
                    let n = bytes.len() as u64;
                    return Ok(f(&mut io::Cursor::new(bytes), Some(n)));
                }
                Ok(f(&mut r, size))
            }
            Kind::Zip(zip, folder) => {
                let mut archive = zip::ZipArchive::new(BufReader::new(File::open(zip)?))
                    .map_err(io::Error::other)?;
                let file = archive
                    .by_name(&zip_entry(folder, entry))
                    .map_err(io::Error::other)?;
                let size = file.size();
                // Never read more than the entry declares (checked against the bomb limits
                // when the zip was opened), whatever its data really holds.
                let mut r = BufReader::with_capacity(1 << 20, file.take(size));
                if self.utf16.contains(entry) {
                    let bytes = utf16_to_utf8(&mut r)?;
                    let n = bytes.len() as u64;
                    return Ok(f(&mut io::Cursor::new(bytes), Some(n)));
                }
                Ok(f(&mut r, Some(size)))
            }
        }
    }
}

/// The name in the archive of an export's file (`entry`) in `folder` ("" for the top).
fn zip_entry(folder: &str, entry: &str) -> String {
    if folder.is_empty() {
        entry.to_string()
    } else {
        format!("{folder}/{entry}")
    }
}

fn csv_base(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    lower.strip_suffix(".csv").map(str::to_string)
}

fn is_zip(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn dir_csv_files(dir: &Path) -> Result<BTreeMap<String, String>, IngestError> {
    let mut files = BTreeMap::new();
    let rd = std::fs::read_dir(dir).map_err(|e| IngestError::io(dir, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| IngestError::io(dir, e))?;
        if !entry.path().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(base) = csv_base(&name) {
            files.insert(base, name);
        }
    }
    Ok(files)
}

fn dir_utf16(dir: &Path, files: &BTreeMap<String, String>) -> std::collections::BTreeSet<String> {
    files
        .values()
        .filter(|name| {
            File::open(dir.join(name))
                .map(|mut f| has_utf16_bom(&mut f))
                .unwrap_or(false)
        })
        .cloned()
        .collect()
}

fn looks_like_export(files: &BTreeMap<String, String>) -> bool {
    REQUIRED_FILES
        .iter()
        .any(|f| files.contains_key(&f.to_ascii_lowercase()))
}

fn zip_sources(path: &Path) -> Result<Vec<ExportSource>, IngestError> {
    let file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    let refuse = |reason: String| IngestError::Unusable {
        origin: path.display().to_string(),
        reason,
    };
    let mut archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| refuse(format!("not a readable zip archive: {e}")))?;
    // Refuse the whole archive on an entry that could escape a folder when extracted, or
    // that looks like a zip bomb: nothing of it is read.
    let mut utf16_entries = std::collections::BTreeSet::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| refuse(format!("not a readable zip archive: {e}")))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let climbs = name.split(['/', '\\']).any(|part| part == "..");
        if entry.enclosed_name().is_none() || climbs || name.starts_with('/') {
            return Err(refuse(format!(
                "entry `{name}` has an unsafe path (it would land outside the folder it is extracted to): the zip is refused"
            )));
        }
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        if size > MAX_ENTRY_BYTES || (size > RATIO_FLOOR && size / packed > MAX_RATIO) {
            return Err(refuse(format!(
                "entry `{name}` would expand to {size} bytes from {packed} ({}x): refused as a zip bomb",
                size / packed
            )));
        }
        if csv_base(&name).is_some() && has_utf16_bom(&mut entry) {
            let file = name.rsplit_once('/').map_or(name.as_str(), |(_, f)| f);
            utf16_entries.insert(file.to_string());
        }
    }
    // Group CSV entries by their folder; skip macOS metadata folders.
    let mut folders: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for name in archive.file_names().filter_map(|n| n.ok()) {
        let name: &str = &name;
        if name.starts_with("__MACOSX/") || name.ends_with('/') {
            continue;
        }
        let (folder, file) = match name.rsplit_once('/') {
            Some((d, f)) => (d.to_string(), f.to_string()),
            None => (String::new(), name.to_string()),
        };
        if let Some(base) = csv_base(&file) {
            folders
                .entry(folder)
                .or_default()
                .insert(base, file.to_string());
        }
    }
    let exports: Vec<ExportSource> = folders
        .into_iter()
        .filter(|(_, files)| looks_like_export(files))
        .map(|(folder, files)| ExportSource {
            origin: if folder.is_empty() {
                path.display().to_string()
            } else {
                format!("{}!/{folder}", path.display())
            },
            kind: Kind::Zip(path.to_path_buf(), folder),
            utf16: files
                .values()
                .filter(|f| utf16_entries.contains(*f))
                .cloned()
                .collect(),
            files,
        })
        .collect();
    if exports.is_empty() {
        return Err(IngestError::Unusable {
            origin: path.display().to_string(),
            reason:
                "the zip holds no HMIS CSV export (no Export.csv, Client.csv or Enrollment.csv)"
                    .into(),
        });
    }
    Ok(exports)
}

/// What a command-line argument names: the exports found, and the ones that cannot be read
/// at all (origin, reason).
#[derive(Debug, Default)]
pub struct Discovery {
    pub sources: Vec<ExportSource>,
    pub unusable: Vec<(String, String)>,
}

/// Finds the exports a command-line argument names. Only a path that does not exist is an
/// error here; unreadable zips are reported in `unusable` so the other exports still load.
pub fn discover(path: &Path) -> Result<Discovery, IngestError> {
    let mut d = Discovery::default();
    match discover_inner(path, &mut d.unusable) {
        Ok(s) => d.sources = s,
        Err(IngestError::Unusable { origin, reason }) => d.unusable.push((origin, reason)),
        Err(e) => return Err(e),
    }
    Ok(d)
}

fn discover_inner(
    path: &Path,
    unusable: &mut Vec<(String, String)>,
) -> Result<Vec<ExportSource>, IngestError> {
    if !path.exists() {
        return Err(IngestError::NotFound(path.to_path_buf()));
    }
    if path.is_file() {
        if is_zip(path) {
            return zip_sources(path);
        }
        return Err(IngestError::Unusable {
            origin: path.display().to_string(),
            reason:
                "not a folder or a .zip: give the folder (or zip) that holds the export's CSV files"
                    .into(),
        });
    }
    let files = dir_csv_files(path)?;
    if looks_like_export(&files) {
        return Ok(vec![ExportSource {
            kind: Kind::Dir(path.to_path_buf()),
            origin: path.display().to_string(),
            utf16: dir_utf16(path, &files),
            files,
        }]);
    }
    // A drop folder: every subfolder and zip is an export.
    let mut children: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| IngestError::io(path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() || is_zip(p))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    children.sort();
    if children.is_empty() {
        return Err(IngestError::Unusable {
            origin: path.display().to_string(),
            reason: "no HMIS CSV export here: no Export.csv, Client.csv or Enrollment.csv, and no subfolders or zips"
                .into(),
        });
    }
    let mut out = Vec::new();
    for child in children {
        if is_zip(&child) {
            match zip_sources(&child) {
                Ok(s) => out.extend(s),
                Err(IngestError::Unusable { origin, reason }) => unusable.push((origin, reason)),
                Err(e) => return Err(e),
            }
        } else {
            let files = dir_csv_files(&child)?;
            out.push(ExportSource {
                utf16: dir_utf16(&child, &files),
                files,
                kind: Kind::Dir(child.clone()),
                origin: child.display().to_string(),
            });
        }
    }
    Ok(out)
}
