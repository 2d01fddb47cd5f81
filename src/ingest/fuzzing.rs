//! Entry points for fuzzing the reader (`fuzz/` with cargo-fuzz, and the stable mutation
//! runner `examples/fuzz.rs`): bytes in, a full load, nothing out. A panic is the bug.

use std::path::Path;

/// The files of the built-in minimal export the fuzzer can replace.
pub const FILES: &[&str] = &[
    "Export.csv",
    "Client.csv",
    "Enrollment.csv",
    "Exit.csv",
    "Services.csv",
    "IncomeBenefits.csv",
    "Project.csv",
    "Inventory.csv",
];

/// A valid minimal export (the repository's fixtures/edge/minimal) to mutate.
pub fn seed_export() -> Vec<(&'static str, &'static [u8])> {
    macro_rules! f {
        ($n:literal) => {
            (
                $n,
                include_bytes!(concat!("../../fixtures/edge/minimal/", $n)) as &[u8],
            )
        };
    }
    vec![
        f!("Export.csv"),
        f!("Client.csv"),
        f!("Enrollment.csv"),
        f!("Exit.csv"),
        f!("Services.csv"),
        f!("IncomeBenefits.csv"),
        f!("Project.csv"),
        f!("Inventory.csv"),
        f!("Organization.csv"),
        f!("ProjectCoC.csv"),
        f!("Funder.csv"),
        f!("User.csv"),
    ]
}

fn write_export(dir: &Path, replace: Option<(&str, &[u8])>) {
    for (name, bytes) in seed_export() {
        let b = match replace {
            Some((r, data)) if r == name => data,
            _ => bytes,
        };
        let _ = std::fs::write(dir.join(name), b);
    }
}

/// `data[0]` picks one of [`FILES`]; the rest replaces it.
pub fn load_with_file(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(tmp) = tempfile_dir() else { return };
    let name = FILES[pick as usize % FILES.len()];
    write_export(tmp.path(), Some((name, rest)));
    let _ = super::load(&[tmp.path().to_path_buf()]);
}

/// The bytes as `export.zip`.
pub fn load_zip(data: &[u8]) {
    let Ok(tmp) = tempfile_dir() else { return };
    let p = tmp.path().join("export.zip");
    if std::fs::write(&p, data).is_ok() {
        let _ = super::load(&[p]);
    }
}

/// A temporary folder removed on drop (no dependency outside dev-dependencies).
pub struct TempDir(std::path::PathBuf);
impl TempDir {
    pub fn path(&self) -> &Path {
        &self.0
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempfile_dir() -> std::io::Result<TempDir> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let p = std::env::temp_dir().join(format!(
        "hmis-fuzz-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&p)?;
    Ok(TempDir(p))
}
