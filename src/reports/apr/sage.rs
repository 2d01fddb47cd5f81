//! The Sage "CSV-APR" / "CSV-CAPER" upload: every table's CSV (the same bytes as
//! `DIR/<report>/Q*.csv`) in one zip, written atomically. Entries are in table order with a
//! fixed timestamp, so the zip is byte-identical between runs.

use std::io::Write;
use std::path::Path;

use crate::output::{OutputError, write_atomic};
use crate::reports::{Report, Table};

/// One table as Sage's CSV: header row (corner label, then column labels), one line per
/// row with its label in column A, values from B2, empty cells for grey cells.
pub fn table_csv(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![t.corner.clone()];
    header.extend(t.columns.iter().cloned());
    w.write_record(&header)?;
    for r in &t.rows {
        let mut rec = vec![r.label.clone()];
        rec.extend(r.cells.iter().map(|c| c.text()));
        w.write_record(&rec)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Writes `path` (e.g. `DIR/apr-sage.zip`) holding `Q*.csv` for every table of the report.
pub fn write_zip(path: &Path, report: &Report) -> Result<(), OutputError> {
    write_atomic(path, |f| {
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for t in &report.tables {
            let bytes = table_csv(t).map_err(std::io::Error::other)?;
            z.start_file(format!("{}.csv", t.id), opts)
                .map_err(std::io::Error::other)?;
            z.write_all(&bytes)?;
        }
        z.finish().map_err(std::io::Error::other)?;
        Ok(())
    })
}
