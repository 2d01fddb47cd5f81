//! The operational files of ingest: `validation.csv` (every finding) and `ingest.csv` (the
//! row reconciliation), and the reconciliation table printed on stderr.

use std::io::Write;
use std::path::Path;

use crate::ingest::{FileCount, Finding};

use super::{OutputError, write_atomic};

pub fn write_validation(path: &Path, findings: &[Finding]) -> Result<(), OutputError> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "severity",
            "export_id",
            "file",
            "line",
            "column",
            "value",
            "rule",
            "message",
        ])?;
        for f in findings {
            c.write_record([
                f.severity.to_string().as_str(),
                &f.export_id,
                &f.file,
                &f.line.to_string(),
                &f.column,
                &f.value,
                f.rule,
                &f.message,
            ])?;
        }
        c.flush()
    })
}

pub fn write_counts(path: &Path, counts: &[FileCount]) -> Result<(), OutputError> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        for r in counts {
            c.serialize(r)?;
        }
        if counts.is_empty() {
            c.write_record([
                "export_id",
                "origin",
                "file",
                "rows_read",
                "rows_used",
                "rows_rejected",
                "rows_deleted",
            ])?;
        }
        c.flush()
    })
}

/// The reconciliation as an aligned text table (one line per export and file that has rows,
/// plus a total line per export).
pub fn counts_table(counts: &[FileCount], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<34} {:<26} {:>11} {:>11} {:>9} {:>9}",
        "export", "file", "read", "used", "rejected", "deleted"
    )?;
    let mut i = 0;
    while i < counts.len() {
        let id = &counts[i].export_id;
        let (mut r, mut u, mut j, mut d) = (0, 0, 0, 0);
        while i < counts.len() && &counts[i].export_id == id {
            let c = &counts[i];
            if c.rows_read > 0 {
                writeln!(
                    out,
                    "{:<34} {:<26} {:>11} {:>11} {:>9} {:>9}",
                    short(id),
                    c.file,
                    c.rows_read,
                    c.rows_used,
                    c.rows_rejected,
                    c.rows_deleted
                )?;
            }
            r += c.rows_read;
            u += c.rows_used;
            j += c.rows_rejected;
            d += c.rows_deleted;
            i += 1;
        }
        writeln!(
            out,
            "{:<34} {:<26} {:>11} {:>11} {:>9} {:>9}",
            short(id),
            "(all files)",
            r,
            u,
            j,
            d
        )?;
    }
    Ok(())
}

fn short(s: &str) -> String {
    if s.chars().count() > 34 {
        s.chars().take(33).collect::<String>() + "~"
    } else {
        s.to_string()
    }
}
