//! `DIR/summary.json`: the headline numbers under stable keys, for cron jobs and
//! monitoring. Keys are sorted and the content depends only on the inputs and options
//! (no time stamps, no paths), so the same run gives the same bytes.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::reports::{Cell, Report};

use super::{OutputError, RunInfo, write_atomic};

/// A report and the files written for it (relative to the output folder).
pub struct Written<'a> {
    pub report: &'a Report,
    pub xlsx: PathBuf,
    pub csv: Vec<PathBuf>,
    /// Further files of the report (the HDX upload `spm-hdx.csv`).
    pub uploads: Vec<PathBuf>,
}

fn cell_value(c: &Cell) -> Value {
    match c {
        Cell::Empty => Value::Null,
        Cell::Count(n) => json!(n),
        Cell::Percent(p) => json!((p * 10000.0).round() / 10000.0),
        Cell::Number(x, d) => {
            let f = 10f64.powi(*d as i32);
            json!((x * f).round() / f)
        }
        Cell::Text(s) => json!(s),
    }
}

/// Sets `a.b.c` in nested objects.
fn set_path(root: &mut Map<String, Value>, key: &str, v: Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    let mut m = root;
    for p in parts {
        let entry = m
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        m = match entry {
            Value::Object(o) => o,
            _ => return,
        };
    }
    m.insert(last.to_string(), v);
}

fn rel(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The summary as a JSON value (see reports/README.md for every key).
pub fn summary(run: &RunInfo, written: &[Written], other_files: &[PathBuf]) -> Value {
    let mut root = Map::new();
    root.insert("program".into(), json!(run.program));
    set_path(&mut root, "period.start", json!(run.start.to_string()));
    set_path(&mut root, "period.end", json!(run.end.to_string()));
    root.insert("coc".into(), json!(run.coc));
    root.insert(
        "unduplicated_persons".into(),
        json!(run.unduplicated_persons),
    );
    root.insert(
        "source_client_records".into(),
        json!(run.source_client_records),
    );
    set_path(&mut root, "dedup.identity", json!(run.identity));
    for (k, n) in &run.dedup {
        set_path(&mut root, &format!("dedup.{k}"), json!(n));
    }
    set_path(&mut root, "validation.errors", json!(run.errors));
    set_path(&mut root, "validation.warnings", json!(run.warnings));
    root.insert("inputs".into(), json!(run.inputs));
    let mut files: Vec<String> = other_files.iter().map(|p| rel(p)).collect();
    for w in written {
        for h in &w.report.headlines {
            set_path(&mut root, &h.key, cell_value(&h.value));
        }
        // An empty xlsx path: the workbook was not written (formats without xlsx).
        let xlsx = (!w.xlsx.as_os_str().is_empty()).then(|| rel(&w.xlsx));
        let mut entry = json!({
            "title": w.report.title,
            "xlsx": xlsx,
            "csv": w.csv.iter().map(|p| rel(p)).collect::<Vec<_>>(),
        });
        if !w.uploads.is_empty() {
            entry["files"] = json!(w.uploads.iter().map(|p| rel(p)).collect::<Vec<_>>());
        }
        set_path(&mut root, &format!("reports.{}", w.report.name), entry);
        files.extend(xlsx);
        files.extend(w.csv.iter().map(|p| rel(p)));
        files.extend(w.uploads.iter().map(|p| rel(p)));
    }
    files.sort();
    root.insert("files".into(), json!(files));
    Value::Object(root)
}

pub fn write_summary(path: &Path, value: &Value) -> Result<(), OutputError> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(std::io::Error::other)?;
        std::io::Write::write_all(w, b"\n")
    })
}
