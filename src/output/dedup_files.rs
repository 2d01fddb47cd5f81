//! The files of a dedup run: `crosswalk.csv` and `links.csv` (IDs, no personal data),
//! `review.csv` (personal data, owner-only) and `summary.json`.

use std::io::Write;
use std::path::Path;

use crate::dedup::compare::evidence;
use crate::dedup::{Dedup, LinkKind, personal_id};
use crate::ingest::Dataset;

use super::{OutputError, write_atomic, write_atomic_private};

/// `ExportID,PersonalID,UnduplicatedID` for every client record, sorted by ExportID then
/// PersonalID.
pub fn write_crosswalk(path: &Path, dataset: &Dataset, d: &Dedup) -> Result<(), OutputError> {
    let mut rows: Vec<(&str, &str, &str)> = d
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                dataset.exports[r.export as usize].export_id.as_str(),
                personal_id(dataset, r),
                d.id(i),
            )
        })
        .collect();
    rows.sort_unstable();
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["ExportID", "PersonalID", "UnduplicatedID"])?;
        for r in rows {
            c.write_record([r.0, r.1, r.2])?;
        }
        c.flush()
    })
}

fn refs<'a>(dataset: &'a Dataset, d: &'a Dedup, a: u32, b: u32) -> [&'a str; 4] {
    let (ra, rb) = (&d.records[a as usize], &d.records[b as usize]);
    [
        dataset.exports[ra.export as usize].export_id.as_str(),
        personal_id(dataset, ra),
        dataset.exports[rb.export as usize].export_id.as_str(),
        personal_id(dataset, rb),
    ]
}

/// Every accepted link: `ExportID_a,PersonalID_a,ExportID_b,PersonalID_b,score,evidence`.
/// Records sharing a PersonalID in one source system are linked in a chain (evidence
/// `same_personal_id`); administrator overrides say `override=match`.
pub fn write_links(path: &Path, dataset: &Dataset, d: &Dedup) -> Result<(), OutputError> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "ExportID_a",
            "PersonalID_a",
            "ExportID_b",
            "PersonalID_b",
            "score",
            "evidence",
        ])?;
        for l in &d.clustering.links {
            let [ea, pa, eb, pb] = refs(dataset, d, l.a, l.b);
            let (score, ev) = match &l.kind {
                LinkKind::Hard => (String::new(), "same_personal_id".to_string()),
                LinkKind::Override => (String::new(), "override=match".to_string()),
                LinkKind::Score(cmp) => (format!("{:.2}", cmp.score), evidence(cmp)),
            };
            c.write_record([ea, pa, eb, pb, &score, &ev])?;
        }
        c.flush()
    })
}

pub const REVIEW_BANNER: &str = "# CONTAINS PERSONAL DATA (names, SSNs, birth dates): keep private, share only with staff \
allowed to see client identities, delete when done. Fill `decision` with match or no-match \
and pass this file to `hmis dedup --overrides`.";

const SIDE_BY_SIDE: &[&str] = &[
    "FirstName",
    "MiddleName",
    "LastName",
    "NameSuffix",
    "NameDataQuality",
    "SSN",
    "SSNDataQuality",
    "DOB",
    "DOBDataQuality",
    "Sex",
    "VeteranStatus",
];

/// Pairs for a person to decide, the fields side by side. Owner-only; its first line says
/// it holds personal data.
pub fn write_review(path: &Path, dataset: &Dataset, d: &Dedup) -> Result<(), OutputError> {
    write_atomic_private(path, |w| {
        writeln!(w, "{REVIEW_BANNER}")?;
        let mut c = csv::Writer::from_writer(w);
        let mut header: Vec<String> = [
            "ExportID_a",
            "PersonalID_a",
            "ExportID_b",
            "PersonalID_b",
            "decision",
            "reason",
            "score",
            "evidence",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for f in SIDE_BY_SIDE {
            header.push(format!("{f}_a"));
            header.push(format!("{f}_b"));
        }
        c.write_record(&header)?;
        for p in &d.clustering.review {
            let [ea, pa, eb, pb] = refs(dataset, d, p.a, p.b);
            let mut row: Vec<String> = vec![
                ea.into(),
                pa.into(),
                eb.into(),
                pb.into(),
                String::new(),
                p.reason.as_str().into(),
                format!("{:.2}", p.cmp.score),
                evidence(&p.cmp),
            ];
            let (ra, rb) = (&d.records[p.a as usize], &d.records[p.b as usize]);
            let ta = dataset.exports[ra.export as usize].table("Client");
            let tb = dataset.exports[rb.export as usize].table("Client");
            for f in SIDE_BY_SIDE {
                for (t, r) in [(ta, ra), (tb, rb)] {
                    row.push(
                        t.col(f)
                            .map(|c| t.cell_text(r.row as usize, c))
                            .unwrap_or_default(),
                    );
                }
            }
            c.write_record(&row)?;
        }
        c.flush()
    })
}

pub fn write_summary(path: &Path, d: &Dedup) -> Result<(), OutputError> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, &d.summary)?;
        writeln!(w)
    })
}
