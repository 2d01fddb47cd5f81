//! `hmis run`: the monthly job. Validate (validation.csv, ingest.csv), identify persons,
//! build the facts once, run every report, write xlsx, CSV, summary.json and index.html.

use std::path::PathBuf;

use crate::cli::{ReportName, RunArgs};
use crate::output::ingest_files;

use super::pipeline::{self, Phases};
use super::{CommandError, Exit};

/// Every report that exists, in the order they are written.
pub const ALL_REPORTS: [ReportName; 2] = [ReportName::Overview, ReportName::Pit];

pub fn run(args: &RunArgs) -> Result<Exit, CommandError> {
    let opts = &args.options;
    let mut phases = Phases::start();
    let ingest = pipeline::load(&args.exports)?;
    phases.mark("ingest");
    ingest_files::write_validation(&args.out.join("validation.csv"), &ingest.findings)?;
    ingest_files::write_counts(&args.out.join("ingest.csv"), &ingest.counts)?;
    for (origin, reason) in &ingest.unusable {
        eprintln!("hmis: export rejected: {origin}: {reason}");
    }
    if !ingest.unusable.is_empty() {
        eprintln!(
            "hmis: no reports written: fix or remove the rejected export(s) (details in {})",
            args.out.join("validation.csv").display()
        );
        return Ok(Exit::Rejected);
    }
    let params = pipeline::params(opts, &ingest.dataset, chrono::Local::now().date_naive())?;
    pipeline::warn_params(&params, &ingest.dataset, opts.quiet);

    let mut identity = pipeline::identify_as(&ingest.dataset, opts.identity);
    let dedup_files = pipeline::write_dedup_files(&args.out, &ingest.dataset, &identity)?;
    identity.keep_crosswalk_only();
    phases.mark("dedup");
    let facts = pipeline::facts(&ingest, &identity, &params);
    phases.mark("facts");
    let mut reports = pipeline::run_reports(&ALL_REPORTS, &facts, &params)?;
    let details = crate::facts::detail::build(&ingest.dataset, &facts);
    let aprs = pipeline::apr_all_and_each(&facts, &details, &params);
    drop(details);
    let zips = pipeline::write_sage_zips(&args.out, &aprs)?;
    reports.extend(aprs);
    phases.mark("reports");
    let run = pipeline::run_info(&ingest, &identity, &params);
    let mut other: Vec<(PathBuf, String)> = vec![
        (
            PathBuf::from("validation.csv"),
            "every validation finding".to_string(),
        ),
        (
            PathBuf::from("ingest.csv"),
            "rows read, used, rejected and deleted per export and file".to_string(),
        ),
    ];
    other.extend(dedup_files);
    other.extend(zips);
    pipeline::write_outputs(&args.out, &reports, &run, &other)?;
    phases.mark("output");
    if !opts.quiet {
        eprintln!(
            "hmis run: {} export(s), {} client records -> {} persons; period {} to {}, PIT {}; {} report(s) in {}",
            run.inputs.len(),
            run.source_client_records,
            run.unduplicated_persons,
            params.start,
            params.end,
            params.pit_date,
            reports.len(),
            args.out.display()
        );
        eprintln!("hmis run: phases: {}", phases.line());
    }
    Ok(Exit::Ok)
}
