//! `hmis report overview|pit`: one report, with summary.json and the dashboard for it.

use crate::cli::ReportArgs;

use super::pipeline::{self, Phases};
use super::{CommandError, Exit};

pub fn run(args: &ReportArgs) -> Result<Exit, CommandError> {
    let opts = &args.options;
    let mut phases = Phases::start();
    let ingest = pipeline::load(&args.exports)?;
    phases.mark("ingest");
    for (origin, reason) in &ingest.unusable {
        eprintln!("hmis: export rejected: {origin}: {reason}");
    }
    if !ingest.unusable.is_empty() {
        eprintln!(
            "hmis: no report written: fix or remove the rejected export(s) (hmis validate tells why)"
        );
        return Ok(Exit::Rejected);
    }
    let params = pipeline::params(opts, &ingest.dataset, chrono::Local::now().date_naive())?;
    let log = crate::log::Log::new(crate::log::Format::Text, opts.quiet);
    pipeline::warn_params(&params, &ingest.dataset, &log);
    let identity = pipeline::identify(&ingest.dataset);
    phases.mark("dedup");
    let facts = pipeline::facts(&ingest, &identity, &params);
    phases.mark("facts");
    pipeline::note_lookbacks(&[args.report], &facts, &params, &log);
    let reports = pipeline::run_reports(&[args.report], &facts, &params)?;
    phases.mark("reports");
    let mut run = pipeline::run_info(&ingest, &identity, &params);
    run.timing = Some(phases.line());
    pipeline::write_outputs(&args.out, &reports, &run, &[])?;
    phases.mark("output");
    if !opts.quiet {
        eprintln!(
            "hmis report {}: period {} to {}, PIT {}; written to {}; phases: {}",
            reports[0].name,
            params.start,
            params.end,
            params.pit_date,
            args.out.display(),
            phases.line()
        );
    }
    Ok(Exit::Ok)
}
