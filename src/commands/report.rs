//! `hmis report overview|pit|spm|effectiveness|service-use|apr|caper|dq`: one report (or
//! several of the first five, comma-separated), with summary.json and the dashboard for it.

use crate::cli::{ReportArgs, ReportName};

use super::pipeline::{self, Phases};
use super::{CommandError, Exit};

pub fn run(args: &ReportArgs) -> Result<Exit, CommandError> {
    let opts = &args.options;
    let which = &args.report;
    let single = which
        .iter()
        .copied()
        .find(|r| matches!(r, ReportName::Apr | ReportName::Caper | ReportName::Dq));
    if let Some(a) = single
        && which.len() > 1
    {
        return Err(CommandError::new(
            Exit::Usage,
            format!("{a:?} runs on its own: name no other report with it").to_lowercase(),
        ));
    }
    let mut phases = Phases::start();
    // The SPM and the scorecard, and the APR and CAPER, read only some files: the others are
    // not opened (their validation findings and row counts are then not in summary.json).
    let measures_only = which
        .iter()
        .all(|r| matches!(r, ReportName::Spm | ReportName::Effectiveness));
    let apr_only = matches!(single, Some(ReportName::Apr | ReportName::Caper));
    let subset = if measures_only {
        Some(crate::ingest::MEASURE_FILES.to_vec())
    } else if apr_only {
        Some(crate::ingest::apr_files())
    } else {
        None
    };
    let options = match subset {
        Some(files) => crate::ingest::LoadOptions::only(&files),
        None => crate::ingest::LoadOptions::all(),
    };
    // The files matching does not read (those hanging off an enrollment) are read while it
    // runs.
    let (mut ingest, later) = crate::ingest::load_staged(&args.exports, &options)?;
    // Validation of these files is done: the columns only it needed go before matching.
    ingest.dataset.keep_for_reports();
    crate::mem::trim();
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
    let how = opts.identity.unwrap_or(crate::cli::Identity::Unduplicated);
    let mut identity = pipeline::identify_while_reading(&mut ingest, &later, |dataset| {
        pipeline::identify_as(dataset, how)
    });
    // The DQ report's duplicates now, while the client records are loaded.
    let duplicates = (single == Some(ReportName::Dq))
        .then(|| pipeline::agency_duplicates(&ingest.dataset, Some(&identity)));
    identity.keep_crosswalk_only();
    crate::mem::trim();
    phases.mark("dedup + child files");
    let facts = pipeline::facts(&ingest, &identity, &params, &log);
    crate::mem::trim();
    phases.mark("facts");
    let mut other = Vec::new();
    let reports = match single {
        Some(ReportName::Dq) => {
            // The details are the tables' last reader: each export is released once read.
            let details = crate::facts::detail::build_releasing(&mut ingest.dataset, &facts, &[]);
            let projects = pipeline::select_projects(&facts, &args.projects, &args.project_types)?;
            vec![pipeline::dq_report(
                &ingest, &facts, &details, &params, args.spec, projects, args.by, duplicates,
            )]
        }
        Some(report) => {
            let projects = pipeline::select_projects(&facts, &args.projects, &args.project_types)?;
            // The details are the tables' last reader: each export is released once read.
            // Only the reported enrollments' are read (a third of all at 1M persons).
            let only =
                crate::reports::apr::chosen(&facts, params.start, params.end, &projects, None);
            let details =
                crate::facts::detail::build_releasing_only(&mut ingest.dataset, &facts, &[], &only);
            drop(only);
            let (kind, name) = if report == ReportName::Apr {
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
                None,
            )];
            other = pipeline::write_sage_zips(&args.out, &r)?;
            crate::mem::leave_to_exit(details);
            r
        }
        None => {
            pipeline::note_lookbacks(which, &facts, &params, &log);
            pipeline::run_reports(which, &facts, &params)?
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
            reports
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(","),
            params.start,
            params.end,
            params.pit_date,
            args.out.display(),
            phases.line()
        );
    }
    crate::mem::leave_to_exit((ingest, identity, facts, reports));
    Ok(Exit::Ok)
}
