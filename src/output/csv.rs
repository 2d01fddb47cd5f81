//! `DIR/<report>/<table>.csv`: one CSV per report table in the layout HUD's Sage uses:
//! header in row 1 (the row-label column's header, then the column labels), one line per
//! row with its label in column A. Counts are plain integers, percentages fractions with
//! four decimals (0.2500), so a spreadsheet or a script reads them as numbers.

use std::path::{Path, PathBuf};

use crate::reports::{Report, Table};

use super::{OutputError, write_atomic};

/// Writes one CSV per table; returns the paths relative to `dir`.
pub fn write_report(dir: &Path, report: &Report) -> Result<Vec<PathBuf>, OutputError> {
    let mut written = Vec::new();
    for t in &report.tables {
        let rel = PathBuf::from(report.stem()).join(format!("{}.csv", t.id));
        write_table(&dir.join(&rel), t)?;
        written.push(rel);
    }
    Ok(written)
}

pub fn write_table(path: &Path, t: &Table) -> Result<(), OutputError> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut header = vec![t.corner.clone()];
        header.extend(t.columns.iter().cloned());
        c.write_record(&header)?;
        for r in &t.rows {
            let mut rec = vec![r.label.clone()];
            rec.extend(r.cells.iter().map(|x| x.text()));
            c.write_record(&rec)?;
        }
        c.flush()
    })
}

/// Writes a CSV of two rows: the variable names, then the values (the HDX upload).
pub fn write_rows(path: &Path, names: &[&str], values: &[String]) -> Result<(), OutputError> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(names)?;
        c.write_record(values)?;
        c.flush()
    })
}
