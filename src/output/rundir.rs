//! A run's output folder, replaced as a whole: everything is written into a hidden sibling
//! (`.DIR.tmp-PID`) and swapped into place by renames only when the run succeeded, the
//! previous results kept as `DIR.prev`. A lock (`.DIR.lock`, holding the PID) stops two runs on
//! one folder; the lock and staging folder of a killed run are found (their process is gone)
//! and cleaned up by the next run.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum RunDirError {
    #[error(
        "{target}: another hmis run (process {pid}) is writing this folder; if none is running, delete {lock}"
    )]
    Locked {
        target: PathBuf,
        pid: u32,
        lock: PathBuf,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RunDirError + '_ {
    move |source| RunDirError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Is a process with this PID running? (Linux: /proc; elsewhere assumed so.)
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_root = Path::new("/proc");
    if proc_root.is_dir() {
        proc_root.join(pid.to_string()).exists()
    } else {
        true
    }
}

#[derive(Debug)]
pub struct RunDir {
    target: PathBuf,
    staging: PathBuf,
    lock: PathBuf,
    committed: bool,
    /// Set when a stale lock (of a process no longer running) was removed.
    pub stale_lock: Option<u32>,
    /// Leftover staging folders of killed runs that were removed.
    pub cleaned: Vec<PathBuf>,
}

impl RunDir {
    /// Locks `target` and creates an empty staging folder beside it.
    pub fn begin(target: &Path) -> Result<RunDir, RunDirError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "out".into());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        fs::create_dir_all(&parent).map_err(io(&parent))?;
        let lock = parent.join(format!(".{name}.lock"));
        let mut stale_lock = None;
        for _ in 0..2 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock)
            {
                Ok(mut f) => {
                    writeln!(f, "{}", std::process::id()).map_err(io(&lock))?;
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = fs::read_to_string(&lock).unwrap_or_default();
                    let pid: u32 = text.trim().parse().unwrap_or(0);
                    if pid != 0 && alive(pid) {
                        return Err(RunDirError::Locked {
                            target: target.to_path_buf(),
                            pid,
                            lock,
                        });
                    }
                    stale_lock = Some(pid);
                    fs::remove_file(&lock).map_err(io(&lock))?;
                }
                Err(e) => return Err(io(&lock)(e)),
            }
        }
        if !lock.exists() {
            // Lost a race twice: someone else holds it now.
            return Err(RunDirError::Locked {
                target: target.to_path_buf(),
                pid: 0,
                lock,
            });
        }
        // Leftovers of killed runs.
        let prefix = format!(".{name}.tmp-");
        let mut cleaned = Vec::new();
        if let Ok(entries) = fs::read_dir(&parent) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().to_string();
                if let Some(pid) = n.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok())
                    && (pid == std::process::id() || !alive(pid))
                {
                    let _ = fs::remove_dir_all(e.path());
                    cleaned.push(e.path());
                }
            }
        }
        let staging = parent.join(format!("{prefix}{}", std::process::id()));
        let run = RunDir {
            target: target.to_path_buf(),
            staging: staging.clone(),
            lock,
            committed: false,
            stale_lock,
            cleaned,
        };
        fs::create_dir_all(&staging).map_err(io(&staging))?;
        staged().push(staging);
        Ok(run)
    }

    /// Where this run writes.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Swaps the staging folder into place: `DIR` becomes `DIR.prev` (replacing an older one),
    /// the staging folder becomes `DIR`.
    /// Everything written into the staging folder reaches the disk first (one `syncfs` on
    /// Linux rather than one sync per file), and the renames after.
    pub fn commit(mut self) -> Result<(), RunDirError> {
        sync_tree(&self.staging).map_err(io(&self.staging))?;
        let prev = PathBuf::from(format!("{}.prev", self.target.display()));
        if self.target.exists() {
            if prev.exists() {
                fs::remove_dir_all(&prev).map_err(io(&prev))?;
            }
            fs::rename(&self.target, &prev).map_err(io(&self.target))?;
        }
        fs::rename(&self.staging, &self.target).map_err(io(&self.target))?;
        self.committed = true;
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent).map_err(io(parent))?;
        }
        Ok(())
    }
}

/// Staging folders of the runs open in this process: files written inside them are synced
/// by [`RunDir::commit`], not one by one.
fn staged() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    static STAGED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    STAGED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Is `path` inside an open run's staging folder?
pub fn is_staged(path: &Path) -> bool {
    staged().iter().any(|s| path.starts_with(s))
}

#[cfg(target_os = "linux")]
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    unsafe extern "C" {
        fn syncfs(fd: i32) -> i32;
    }
    let f = fs::File::open(dir)?;
    // SAFETY: syncfs only flushes the file system holding the open descriptor.
    if unsafe { syncfs(f.as_raw_fd()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            sync_tree(&e.path())?;
        } else {
            fs::File::open(e.path())?.sync_all()?;
        }
    }
    Ok(())
}

/// Makes a folder's renames durable (a no-op where folders cannot be opened as files).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    match fs::File::open(dir) {
        Ok(f) => f.sync_all().or(Ok(())),
        Err(_) => Ok(()),
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        staged().retain(|s| s != &self.staging);
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
        let _ = fs::remove_file(&self.lock);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_swaps_and_keeps_previous() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("reports");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.txt"), "last month").unwrap();

        let run = RunDir::begin(&target).unwrap();
        fs::write(run.path().join("new.txt"), "this month").unwrap();
        // While it runs, the old results are untouched and a second run is refused.
        assert!(target.join("old.txt").exists());
        assert!(matches!(
            RunDir::begin(&target),
            Err(RunDirError::Locked { .. })
        ));
        run.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("new.txt")).unwrap(),
            "this month"
        );
        assert!(!target.join("old.txt").exists());
        assert!(tmp.path().join("reports.prev/old.txt").exists());
        // Nothing left behind but the two folders.
        let mut names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["reports", "reports.prev"]);
    }

    #[test]
    fn failed_run_leaves_previous_and_stale_lock_is_cleared() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("good.csv"), "x").unwrap();
        {
            let run = RunDir::begin(&target).unwrap();
            fs::write(run.path().join("half.csv"), "partial").unwrap();
            // dropped without commit: a failed run
        }
        assert!(target.join("good.csv").exists());
        assert!(!target.join("half.csv").exists());
        // A killed run: its lock and staging folder remain, with a PID no longer running.
        let dead = 4_000_000_000u32;
        fs::write(tmp.path().join(".out.lock"), format!("{dead}\n")).unwrap();
        fs::create_dir_all(tmp.path().join(format!(".out.tmp-{dead}"))).unwrap();
        let run = RunDir::begin(&target).unwrap();
        assert_eq!(run.stale_lock, Some(dead));
        assert_eq!(run.cleaned.len(), 1);
        assert!(!tmp.path().join(format!(".out.tmp-{dead}")).exists());
    }
}
