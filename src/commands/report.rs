//! `hmis report overview|pit|spm|...|apr|caper|dq`: one report, with summary.json and the dashboard for it.

use crate::cli::{ReportArgs, ReportName};

use super::pipeline::{self, Phases};
use super::{CommandError, Exit};

pub fn run(args: &ReportArgs) -> Result<Exit, CommandError> {
    let opts = &args.options;
    let mut phases = Phases::start();
    let mut ingest = pipeline::load(&args.exports)?;
    // Validation is done: the columns only it needed go before matching and the facts.
    ingest.dataset.keep_for_reports();
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
    let mut identity = pipeline::identify_as(
        &ingest.dataset,
        opts.identity.unwrap_or(crate::cli::Identity::Unduplicated),
    );
    let duplicates = if args.report == ReportName::Dq {
        pipeline::within_agency_duplicates(&ingest.dataset, &identity)
    } else {
        None
    };
    identity.keep_crosswalk_only();
    phases.mark("dedup");
    let facts = pipeline::facts(&ingest, &identity, &params, &log);
    phases.mark("facts");
    let mut other = Vec::new();
    let reports = match args.report {
        ReportName::Apr | ReportName::Caper => {
            let details = crate::facts::detail::build(&ingest.dataset, &facts);
            let projects = pipeline::select_projects(&facts, &args.projects, &args.project_types)?;
            let (kind, name) = if args.report == ReportName::Apr {
                (crate::reports::apr::Kind::Apr, "apr")
            } else {
                (crate::reports::apr::Kind::Caper, "caper")
            };
            let r = vec![pipeline::apr_report(
                &facts,
                &details,
                &params,
                kind,
                args.spec,
                projects,
                name.to_string(),
                String::new(),
            )];
            other = pipeline::write_sage_zips(&args.out, &r)?;
            r
        }
        ReportName::Dq => {
            let details = crate::facts::detail::build(&ingest.dataset, &facts);
            let projects = pipeline::select_projects(&facts, &args.projects, &args.project_types)?;
            vec![pipeline::dq_report(
                &ingest, &facts, &details, &params, args.spec, projects, args.by, duplicates,
            )]
        }
        _ => {
            pipeline::note_lookbacks(&[args.report], &facts, &params, &log);
            pipeline::run_reports(&[args.report], &facts, &params)?
        }
    };
    phases.mark("reports");
    let mut run = pipeline::run_info(&ingest, &identity, &params);
    run.timing = Some(phases.line());
    pipeline::write_outputs(&args.out, &reports, &run, &other)?;
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
