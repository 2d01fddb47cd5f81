//! `hmis run`: the monthly job. Settings from the command line over a config file; then
//! validate (validation.csv, ingest.csv), identify persons, build the facts once, run every
//! report, write xlsx, CSV, summary.json and index.html into a staging folder that replaces
//! the output folder only when everything succeeded.

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;

use crate::cli::{ReportName, ReportOptions, RunArgs};
use crate::config::{Config, PeriodSpec};
use crate::dedup::{self, Rules, inputs};
use crate::log::{Format, Log};
use crate::output::ingest_files;
use crate::output::rundir::{RunDir, RunDirError};
use crate::reports::suppress;

use super::pipeline::{self, Phases};
use super::{CommandError, Exit};

/// The reports a run writes by default: these, then the data quality report (per
/// organization), then the APR of all projects together and of each project (with their
/// Sage zips).
pub const DEFAULT_REPORTS: [ReportName; 7] = [
    ReportName::Overview,
    ReportName::Pit,
    ReportName::Spm,
    ReportName::Effectiveness,
    ReportName::ServiceUse,
    ReportName::Dq,
    ReportName::Apr,
];

/// Every report `run_reports` can run (all but the APR, CAPER and DQ), in the order written.
pub const ALL_REPORTS: [ReportName; 5] = [
    ReportName::Overview,
    ReportName::Pit,
    ReportName::Spm,
    ReportName::Effectiveness,
    ReportName::ServiceUse,
];

/// Everything a run needs, command line over config file over defaults.
#[derive(Debug)]
pub struct Settings {
    pub exports: Vec<PathBuf>,
    /// Output folder, `{period}` not yet filled in.
    pub out: String,
    pub period: Option<PeriodSpec>,
    pub options: ReportOptions,
    pub rules: Option<PathBuf>,
    pub overrides: Option<PathBuf>,
    pub previous: Option<PathBuf>,
    pub suppress_below: Option<u32>,
    pub no_pii_files: bool,
    /// One folder of reports per organization as well.
    pub by_organization: bool,
    pub log_format: Format,
    pub config: Option<PathBuf>,
    /// Reports to run (default: all).
    pub reports: Vec<ReportName>,
    /// Which of xlsx, csv, html to write (summary.json always).
    pub formats: Formats,
}

#[derive(Debug, Clone, Copy)]
pub struct Formats {
    pub xlsx: bool,
    pub csv: bool,
    pub html: bool,
}

fn usage(msg: impl std::fmt::Display) -> CommandError {
    CommandError::new(Exit::Usage, msg)
}

impl Settings {
    pub fn resolve(args: &RunArgs) -> Result<Settings, CommandError> {
        let config_path = args.config.clone().or_else(|| {
            std::env::var_os("HMIS_CONFIG")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        let config = match &config_path {
            Some(p) => Config::load(p).map_err(usage)?,
            None => Config::default(),
        };
        let exports = if args.exports.is_empty() {
            config.inputs.clone()
        } else {
            args.exports.clone()
        };
        if exports.is_empty() {
            return Err(usage(
                "no exports given: name them on the command line or as `inputs` in the config file",
            ));
        }
        let out = match (&args.out, &config.out) {
            (Some(o), _) => o.to_string_lossy().to_string(),
            (None, Some(o)) => o.clone(),
            (None, None) => "reports".to_string(),
        };
        let mut options = args.options.clone();
        let period = match (&args.period, options.start.is_some()) {
            (Some(p), _) => Some(PeriodSpec::parse(p).ok_or_else(|| {
                usage(format!(
                    "--period {p}: expected last-month, last-quarter, last-fiscal-year or YYYY-MM-DD..YYYY-MM-DD"
                ))
            })?),
            (None, true) => None,
            (None, false) => config.period,
        };
        if options.pit_date.is_none() {
            options.pit_date = config.pit_date;
        }
        if options.coc.is_none() {
            options.coc = config.coc.clone();
        }
        options.quiet = options.quiet || config.quiet.unwrap_or(false);
        let log_format = match args.log_format.as_deref().or(config.log_format.as_deref()) {
            Some(f) => Format::parse(f).ok_or_else(|| usage(format!("log format `{f}`")))?,
            None => Format::Text,
        };
        let suppress_below = args.suppress_below.or(config.suppress_below);
        if let Some(n) = suppress_below
            && n < 2
        {
            return Err(usage("--suppress-below: use 2 or more"));
        }
        let reports = match &config.reports {
            None => DEFAULT_REPORTS.to_vec(),
            Some(names) => {
                let mut v = Vec::new();
                for n in names {
                    let r = <ReportName as clap::ValueEnum>::from_str(n, true).map_err(|_| {
                        usage(format!(
                            "{}: reports: unknown report `{n}`",
                            config.path.display()
                        ))
                    })?;
                    if !v.contains(&r) {
                        v.push(r);
                    }
                }
                v
            }
        };
        let formats = match &config.formats {
            None => Formats {
                xlsx: true,
                csv: true,
                html: true,
            },
            Some(f) => Formats {
                xlsx: f.iter().any(|x| x == "xlsx"),
                csv: f.iter().any(|x| x == "csv"),
                html: f.iter().any(|x| x == "html"),
            },
        };
        if options.identity.is_none() {
            options.identity = match config.identity.as_deref() {
                Some("personal-id") => Some(crate::cli::Identity::PersonalId),
                Some(_) => Some(crate::cli::Identity::Unduplicated),
                None => None,
            };
        }
        Ok(Settings {
            reports,
            formats,
            exports,
            out,
            period,
            options,
            rules: args.matching.rules.clone().or(config.rules.clone()),
            overrides: args.matching.overrides.clone().or(config.overrides.clone()),
            previous: args.matching.previous.clone().or(config.previous.clone()),
            suppress_below,
            no_pii_files: args.no_pii_files || config.no_pii_files.unwrap_or(false),
            by_organization: args.by_organization || config.by_organization.unwrap_or(false),
            log_format,
            config: config_path,
        })
    }

    /// The options with the period resolved against today (a named period), if any.
    fn report_options(&self, today: NaiveDate) -> ReportOptions {
        let mut o = self.options.clone();
        if let Some(spec) = self.period {
            let p = spec.resolve(today);
            o.start = Some(p.start);
            o.end = Some(p.end);
        }
        o
    }
}

/// The text `{period}` stands for: the named period's label, or the dates.
fn period_label(
    spec: Option<PeriodSpec>,
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
) -> String {
    match spec {
        Some(s) => s.resolve(today).label(),
        None => {
            let month_start = start.format("%Y-%m").to_string();
            let is_month = start.format("%d").to_string() == "01"
                && end
                    .succ_opt()
                    .is_some_and(|d| d.format("%d").to_string() == "01")
                && end.format("%Y-%m").to_string() == month_start;
            if is_month {
                month_start
            } else {
                format!("{start}_{end}")
            }
        }
    }
}

fn rundir_error(e: RunDirError) -> CommandError {
    match e {
        RunDirError::Locked { .. } => CommandError::new(Exit::Usage, e),
        RunDirError::Io { .. } => CommandError::new(Exit::Failure, e),
    }
}

pub fn run(args: &RunArgs) -> Result<Exit, CommandError> {
    let t0 = Instant::now();
    let settings = Settings::resolve(args)?;
    let mut log = Log::new(settings.log_format, settings.options.quiet);
    let today = chrono::Local::now().date_naive();
    let opts = settings.report_options(today);

    // Option files first: a typo there should not cost a full load.
    let rules = match &settings.rules {
        Some(p) => Rules::from_file(p)?,
        None => Rules::builtin(),
    };
    let mut dedup_options = dedup::Options::default();
    if let Some(p) = &settings.overrides {
        dedup_options.overrides = inputs::read_overrides(p)?;
    }

    let mut phases = Phases::start();
    log.phase("reading and validating exports");
    // The files matching does not read (those hanging off an enrollment) are read while it
    // runs (`ingest::load_staged`).
    let (mut ingest, later) =
        crate::ingest::load_staged(&settings.exports, &crate::ingest::LoadOptions::all())?;
    phases.mark("ingest");
    let params = pipeline::params(&opts, &ingest.dataset, today)?;
    let label = period_label(settings.period, params.start, params.end, today);
    let out_path = PathBuf::from(settings.out.replace("{period}", &label));

    if !ingest.unusable.is_empty() {
        // Every finding of the usable exports too.
        let files = later.read();
        ingest.finish(files);
        log.done();
        for (origin, reason) in &ingest.unusable {
            log.error(&format!("export rejected: {origin}: {reason}"));
        }
        // The last good reports stay as they are; the findings go beside them.
        let failed = PathBuf::from(format!("{}.failed", out_path.display()));
        ingest_files::write_validation(&failed.join("validation.csv"), &ingest.findings)?;
        ingest_files::write_counts(&failed.join("ingest.csv"), &ingest.counts)?;
        log.error(&format!(
            "no reports written; {} is unchanged; details in {}",
            out_path.display(),
            failed.join("validation.csv").display()
        ));
        return Ok(Exit::Rejected);
    }

    let staging = RunDir::begin(&out_path).map_err(rundir_error)?;
    if let Some(pid) = staging.stale_lock {
        log.warn(&format!(
            "removed the lock of an earlier run (process {pid}) that is no longer running"
        ));
    }
    for p in &staging.cleaned {
        log.warn(&format!(
            "removed the leftovers of an interrupted run: {}",
            p.display()
        ));
    }
    let out = staging.path().to_path_buf();

    // Known persons keep their IDs: the given previous crosswalk, or this folder's own.
    let previous = settings
        .previous
        .clone()
        .or_else(|| Some(out_path.join("crosswalk.csv")).filter(|p| p.is_file()));
    if let Some(p) = &previous {
        dedup_options.previous = Some(inputs::read_keyed(p, "UnduplicatedID")?);
    }

    pipeline::warn_params(&params, &ingest.dataset, &log);
    // Validation of the files read so far is done: the columns only it needed go before
    // matching and the facts.
    ingest.dataset.keep_for_reports();
    crate::mem::trim();

    log.phase("finding each person's records (dedup)");
    let how = settings.options.identity.unwrap_or_default();
    let mut identity = pipeline::identify_while_reading(&mut ingest, &later, |dataset| match how {
        crate::cli::Identity::PersonalId => pipeline::identify_by_personal_id(dataset),
        crate::cli::Identity::Unduplicated => {
            pipeline::identify_with(dataset, &rules, &dedup_options)
        }
    });
    ingest_files::write_validation(&out.join("validation.csv"), &ingest.findings)?;
    ingest_files::write_counts(&out.join("ingest.csv"), &ingest.counts)?;
    if !ingest.findings.is_empty() {
        log.info(&format!(
            "{} error(s), {} warning(s) in the exports: see validation.csv",
            ingest.errors(),
            ingest.warnings()
        ));
    }
    let dedup_files =
        pipeline::write_dedup_files_with(&out, &ingest.dataset, &identity, !settings.no_pii_files)?;
    // The DQ report's duplicates now, while the client records are loaded.
    let duplicates = settings
        .reports
        .contains(&ReportName::Dq)
        .then(|| pipeline::agency_duplicates(&ingest.dataset, Some(&identity)));
    identity.keep_crosswalk_only();
    crate::mem::trim();
    phases.mark("dedup + child files");
    log.phase("building facts");
    let facts = pipeline::facts(&ingest, &identity, &params, &log);
    crate::mem::trim();
    phases.mark("facts");
    log.phase("running reports");
    let standard: Vec<ReportName> = settings
        .reports
        .iter()
        .filter(|r| !matches!(r, ReportName::Apr | ReportName::Caper | ReportName::Dq))
        .copied()
        .collect();
    pipeline::note_lookbacks(&standard, &facts, &params, &log);
    let mut reports = pipeline::run_reports(&standard, &facts, &params)?;
    phases.mark("reports");
    let mut aprs = Vec::new();
    let wants_apr = settings.reports.contains(&ReportName::Apr);
    let wants_dq = settings.reports.contains(&ReportName::Dq);
    // From here on everything reads the facts: the loaded tables are released (as the APR
    // details read them, export by export), but for the enrollments' PersonalIDs the
    // organizations' folders count client records by.
    let keep = [("Enrollment", "PersonalID")];
    let details = if wants_apr || wants_dq {
        Some(crate::facts::detail::build_releasing(
            &mut ingest.dataset,
            &facts,
            &keep,
        ))
    } else {
        ingest.dataset.release_tables(&keep);
        None
    };
    crate::mem::trim();
    phases.mark("details");
    if let (true, Some(details)) = (wants_dq, &details) {
        let all: Vec<u32> = (0..facts.projects.len() as u32).collect();
        reports.push(pipeline::dq_report(
            &ingest,
            &facts,
            details,
            &params,
            None,
            all,
            crate::cli::DqBy::Organization,
            duplicates,
        ));
    }
    phases.mark("dq");
    if let (true, Some(details)) = (wants_apr, &details) {
        aprs = pipeline::apr_all_and_each(&facts, details, &params);
    }
    // Suppression covers every report table, the DQ's and the APR's (and its Sage zip)
    // included.
    let mut hidden = match settings.suppress_below {
        Some(n) => suppress::apply(&mut reports, n as u64) + suppress::apply(&mut aprs, n as u64),
        None => 0,
    };
    let zips = pipeline::write_sage_zips(&out, &aprs)?;
    reports.extend(aprs);
    phases.mark("apr");
    let mut run = pipeline::run_info(&ingest, &identity, &params);
    run.timing = Some(phases.line());
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
    if settings.by_organization {
        log.phase("writing the organizations' folders");
        let w = super::organizations::write(
            &out,
            &ingest,
            &facts,
            details.as_ref(),
            &params,
            &run,
            &settings.reports,
            settings.suppress_below,
            settings.formats,
        )?;
        hidden += w.hidden;
        other.extend(w.files);
        phases.mark("organizations");
    }
    log.phase("writing files");
    pipeline::write_outputs_as(&out, &reports, &run, &other, settings.formats)?;
    staging.commit().map_err(rundir_error)?;
    phases.mark("output");
    log.done();

    let rows: u64 = ingest.counts.iter().map(|c| c.rows_read).sum();
    let secs = t0.elapsed().as_secs_f64();
    log.info(&format!("phases: {}", phases.line()));
    let mut msg = format!(
        "run ok: {} export(s), {rows} rows, {} client records -> {} persons; period {} to {}, PIT {}; {} report(s); {} error(s), {} warning(s) in the data; {secs:.1}s; {}",
        run.inputs.len(),
        run.source_client_records,
        run.unduplicated_persons,
        params.start,
        params.end,
        params.pit_date,
        reports.len(),
        ingest.errors(),
        ingest.warnings(),
        out_path.display()
    );
    if hidden > 0 {
        msg.push_str(&format!(
            "; {hidden} small cell(s) suppressed below {}",
            settings.suppress_below.unwrap_or(0)
        ));
    }
    log.summary(
        &msg,
        &[
            ("exports", run.inputs.len().to_string()),
            ("rows", rows.to_string()),
            ("client_records", run.source_client_records.to_string()),
            ("persons", run.unduplicated_persons.to_string()),
            ("reports", reports.len().to_string()),
            ("errors", ingest.errors().to_string()),
            ("warnings", ingest.warnings().to_string()),
            ("seconds", format!("{secs:.3}")),
            (
                "out",
                serde_json::to_string(&out_path.display().to_string()).unwrap_or_default(),
            ),
        ],
    );
    crate::mem::leave_to_exit((ingest, identity, facts, details, reports));
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn period_labels() {
        let today = d("2026-11-25");
        assert_eq!(
            period_label(
                Some(PeriodSpec::LastMonth),
                d("2026-10-01"),
                d("2026-10-31"),
                today
            ),
            "2026-10"
        );
        assert_eq!(
            period_label(None, d("2025-09-01"), d("2025-09-30"), today),
            "2025-09"
        );
        assert_eq!(
            period_label(None, d("2025-09-01"), d("2025-10-15"), today),
            "2025-09-01_2025-10-15"
        );
        assert_eq!(
            period_label(
                Some(PeriodSpec::LastFiscalYear),
                d("2025-10-01"),
                d("2026-09-30"),
                today
            ),
            "FY2026"
        );
    }
}
