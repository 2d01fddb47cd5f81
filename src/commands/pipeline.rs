//! The flow `run` and `report` share: load -> identify persons -> facts -> reports ->
//! files, with the time each phase took.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate, Weekday};

use crate::cli::{ReportName, ReportOptions};
use crate::dedup::{self, Crosswalk, Dedup, Rules};
use crate::facts::{self, FactOptions, Facts};
use crate::ingest::{self, Dataset, Ingest};
use crate::log::Log;
use crate::output::json::Written;
use crate::output::{self, InputInfo, RunInfo, dedup_files};
use crate::reports::{self, Params, Report};

use super::{CommandError, Exit};

/// How persons were identified across records: the crosswalk and the figures to report.
pub struct Identity {
    pub persons: Persons,
    /// Plain-words description for the About sheet and summary.json.
    pub method: String,
    /// Further figures (name, value) for summary.json `dedup.*` and the About sheet: counts
    /// only (no timings), so summary.json stays identical between runs.
    pub figures: Vec<(String, u64)>,
}

/// Where the crosswalk comes from.
pub enum Persons {
    /// The matcher's full result (its files are written from it).
    Matched(Box<Dedup>),
    /// A crosswalk alone (HUD's literal universe, or the matcher's once its files are
    /// written).
    Crosswalk(Crosswalk),
}

impl Identity {
    pub fn crosswalk(&self) -> &Crosswalk {
        match &self.persons {
            Persons::Matched(d) => &d.crosswalk,
            Persons::Crosswalk(c) => c,
        }
    }

    /// Keeps the crosswalk and frees the rest of the matcher's result (its normalized
    /// records and pairs), which reports do not need.
    pub fn keep_crosswalk_only(&mut self) {
        if let Persons::Matched(d) = &mut self.persons {
            let c = std::mem::take(&mut d.crosswalk);
            // Millions of small allocations: freed on every thread.
            let records = std::mem::take(&mut d.records);
            records.into_par_iter().for_each(drop);
            self.persons = Persons::Crosswalk(c);
        }
    }
}

/// Gives every client record a person: the matcher with the built-in rules. The one place
/// that chooses the dedup method.
pub fn identify(dataset: &Dataset) -> Identity {
    identify_with(dataset, &Rules::builtin(), &dedup::Options::default())
}

/// The matcher with the given rules, overrides and previous crosswalk.
pub fn identify_with(dataset: &Dataset, rules: &Rules, options: &dedup::Options) -> Identity {
    let d = dedup::deduplicate(dataset, rules, options);
    let s = &d.summary;
    let figures = vec![
        ("links".to_string(), s.links.total as u64),
        (
            "links_same_personal_id".to_string(),
            s.links.same_personal_id as u64,
        ),
        ("links_scored".to_string(), s.links.scored as u64),
        ("pairs_compared".to_string(), s.pairs_compared),
        ("review_pairs".to_string(), s.review_pairs as u64),
    ];
    Identity {
        method: format!(
            "record linkage across and within agencies (hmis dedup, {})",
            d.rules.origin
        ),
        persons: Persons::Matched(Box::new(d)),
        figures,
    }
}

/// Identifies persons (`identify`) while the files [`ingest::load_staged`] left for later
/// are read beside it, then adds and checks those files and drops the columns only their
/// checks read: after this the ingest is what one load and `keep_for_reports` give.
pub fn identify_while_reading(
    ingest: &mut Ingest,
    later: &ingest::Later,
    identify: impl FnOnce(&Dataset) -> Identity + Send,
) -> Identity {
    let (identity, files) = rayon::join(|| identify(&ingest.dataset), || later.read());
    ingest.finish(files);
    ingest.dataset.keep_for_reports();
    identity
}

/// Identifies persons as `--identity` asks: the matcher (default) or HUD's literal
/// PersonalID universe.
pub fn identify_as(dataset: &Dataset, how: crate::cli::Identity) -> Identity {
    match how {
        crate::cli::Identity::Unduplicated => identify(dataset),
        crate::cli::Identity::PersonalId => identify_by_personal_id(dataset),
    }
}

/// HUD's literal universe: one person per PersonalID within a source system.
pub fn identify_by_personal_id(dataset: &Dataset) -> Identity {
    Identity {
        persons: Persons::Crosswalk(Crosswalk::by_personal_id(dataset)),
        method: "one person per PersonalID within a source system (Export.SourceID)".into(),
        figures: Vec::new(),
    }
}

/// Writes the matcher's files (crosswalk.csv, links.csv, review.csv with PII, owner-only,
/// and dedup.json) and returns them with a description, for the dashboard's file list.
pub fn write_dedup_files(
    out: &Path,
    dataset: &Dataset,
    identity: &Identity,
) -> Result<Vec<(PathBuf, String)>, CommandError> {
    write_dedup_files_with(out, dataset, identity, true)
}

/// As [`write_dedup_files`]; `pii = false` leaves out review.csv (`--no-pii-files`).
pub fn write_dedup_files_with(
    out: &Path,
    dataset: &Dataset,
    identity: &Identity,
    pii: bool,
) -> Result<Vec<(PathBuf, String)>, CommandError> {
    let Persons::Matched(d) = &identity.persons else {
        return Ok(Vec::new());
    };
    // The three files are independent: written side by side.
    let ((crosswalk, links), review) = rayon::join(
        || {
            rayon::join(
                || dedup_files::write_crosswalk(&out.join("crosswalk.csv"), dataset, d),
                || dedup_files::write_links(&out.join("links.csv"), dataset, d),
            )
        },
        || {
            if pii {
                dedup_files::write_review(&out.join("review.csv"), dataset, d)
            } else {
                Ok(())
            }
        },
    );
    crosswalk?;
    links?;
    review?;
    dedup_files::write_summary(&out.join("dedup.json"), d)?;
    let mut files = vec![
        (
            PathBuf::from("crosswalk.csv"),
            "every client record's UnduplicatedID".to_string(),
        ),
        (
            PathBuf::from("links.csv"),
            "why records were linked".to_string(),
        ),
        (
            PathBuf::from("review.csv"),
            "pairs for an administrator to decide (holds names, SSNs, birth dates: owner-only)"
                .to_string(),
        ),
        (
            PathBuf::from("dedup.json"),
            "the matcher's figures and timings".to_string(),
        ),
    ];
    if !pii {
        files.retain(|f| f.0 != Path::new("review.csv"));
    }
    Ok(files)
}

/// Times of the phases, printed on stderr at the end (and read by benches/run.sh): wall
/// time, and the process's CPU time (user + system) where the OS reports it, which a busy
/// machine does not inflate.
#[derive(Default)]
pub struct Phases {
    started: Option<Instant>,
    last: Option<(Instant, Option<f64>)>,
    /// (phase, wall seconds, CPU seconds, peak resident memory in bytes so far)
    pub done: Vec<(&'static str, f64, Option<f64>, Option<u64>)>,
}

/// The process's peak resident memory so far (VmHWM in /proc/self/status, Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// CPU time (user + system) of this process so far, from /proc/self/stat (Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    // Linux reports clock ticks of 1/100 s (USER_HZ) on every architecture it supports.
    Some((utime + stime) / 100.0)
}

impl Phases {
    pub fn start() -> Phases {
        let now = Instant::now();
        Phases {
            started: Some(now),
            last: Some((now, cpu_seconds())),
            done: Vec::new(),
        }
    }
    pub fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        let cpu = cpu_seconds();
        if let Some((l, lc)) = self.last {
            let c = match (cpu, lc) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            };
            self.done
                .push((name, (now - l).as_secs_f64(), c, peak_rss()));
        }
        self.last = Some((now, cpu));
    }
    pub fn line(&self) -> String {
        let total = self.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        let parts: Vec<String> = self
            .done
            .iter()
            .map(|(n, s, c, m)| {
                let mut extra: Vec<String> = Vec::new();
                if let Some(c) = c {
                    extra.push(format!("cpu {c:.2}s"));
                }
                if let Some(m) = m {
                    extra.push(format!("peak {:.2} GB", *m as f64 / 1e9));
                }
                if extra.is_empty() {
                    format!("{n} {s:.2}s")
                } else {
                    format!("{n} {s:.2}s ({})", extra.join(", "))
                }
            })
            .collect();
        format!("{} = {total:.2}s", parts.join(", "))
    }
}

/// The last full calendar month before `today` that the exports cover: the month before
/// the earlier of today and the day after the latest ExportEndDate. A cron run on the
/// first of a month with fresh exports reports the month just ended; a run on older
/// exports reports their last full month instead of an empty one.
pub fn default_period(
    today: NaiveDate,
    latest_export_end: Option<NaiveDate>,
) -> (NaiveDate, NaiveDate) {
    let anchor = latest_export_end
        .and_then(|e| e.succ_opt())
        .map_or(today, |d| d.min(today));
    let first_of_anchor = anchor.with_day(1).unwrap_or(anchor);
    let start = first_of_anchor
        .checked_sub_months(Months::new(1))
        .unwrap_or(first_of_anchor);
    let end = first_of_anchor.pred_opt().unwrap_or(first_of_anchor);
    (start, end)
}

/// The last Wednesday of January of a year.
pub fn last_wednesday_of_january(year: i32) -> NaiveDate {
    let jan31 = NaiveDate::from_ymd_opt(year, 1, 31).unwrap_or(NaiveDate::MIN);
    let back =
        (jan31.weekday().num_days_from_monday() + 7 - Weekday::Wed.num_days_from_monday()) % 7;
    jan31 - chrono::Duration::days(back as i64)
}

/// The report parameters from the options and the data.
pub fn params(
    opts: &ReportOptions,
    dataset: &Dataset,
    today: NaiveDate,
) -> Result<Params, CommandError> {
    let (start, end) = match (opts.start, opts.end) {
        (Some(s), Some(e)) => (s, e),
        _ => default_period(
            today,
            dataset.exports.iter().filter_map(|e| e.export_end).max(),
        ),
    };
    if end < start {
        return Err(CommandError::new(Exit::Usage, "--end is before --start"));
    }
    let pit_date = opts
        .pit_date
        .unwrap_or_else(|| last_wednesday_of_january(end.year()));
    Ok(Params {
        start,
        end,
        pit_date,
        coc: opts.coc.clone(),
        frequent_entries: opts.frequent_entries,
    })
}

/// Loads exports, writes nothing; an unusable export is an input rejection (exit 3).
pub fn load(exports: &[PathBuf]) -> Result<Ingest, CommandError> {
    Ok(ingest::load(exports)?)
}

/// Builds the facts; a `--coc` that matches no enrollment is logged as a warning (the
/// reports are then empty).
pub fn facts(ingest: &Ingest, identity: &Identity, params: &Params, log: &Log) -> Facts {
    let f = facts::build(
        &ingest.dataset,
        identity.crosswalk(),
        &FactOptions {
            coc: params.coc.clone(),
        },
    );
    if let Some(coc) = &params.coc
        && f.enrollments.is_empty()
        && f.counts.enrollments_other_coc > 0
    {
        log.warn(&format!(
            "no enrollment is in CoC {coc} (EnrollmentCoC): the reports are empty"
        ));
    }
    f
}

/// A note when SPM is among the reports and the data is shorter than its lookbacks.
pub fn note_lookbacks(which: &[ReportName], facts: &Facts, params: &Params, log: &Log) {
    if !which.contains(&ReportName::Spm) {
        return;
    }
    let short = reports::spm::incomplete_lookbacks(facts, params);
    if !short.is_empty() {
        log.info(&format!(
            "note: the data does not reach back far enough for SPM measure(s) {}: reported as incomplete",
            short.join(", ")
        ));
    }
}

/// Runs the reports asked for, in the order given.
pub fn run_reports(
    which: &[ReportName],
    facts: &Facts,
    params: &Params,
) -> Result<Vec<Report>, CommandError> {
    let mut out = Vec::new();
    for r in which {
        out.push(match r {
            ReportName::Overview => reports::overview::report(facts, params)
                .map_err(|e| CommandError::new(Exit::Failure, e))?,
            ReportName::Pit => reports::pit::report(facts, params),
            ReportName::Spm => reports::spm::report(facts, params),
            ReportName::Effectiveness => reports::effectiveness::report(facts, params),
            ReportName::ServiceUse => reports::service_use::report(facts, params),
            ReportName::Apr | ReportName::Caper | ReportName::Dq => {
                return Err(CommandError::new(
                    Exit::Failure,
                    "APR, CAPER and DQ run through pipeline::apr_report and dq_report (program error)",
                ));
            }
        });
    }
    Ok(out)
}

pub fn run_info(ingest: &Ingest, identity: &Identity, params: &Params) -> RunInfo {
    let inputs = ingest
        .dataset
        .exports
        .iter()
        .map(|e| {
            let counts = ingest.counts.iter().filter(|c| c.export_id == e.export_id);
            let (used, rejected) =
                counts.fold((0, 0), |a, c| (a.0 + c.rows_used, a.1 + c.rows_rejected));
            InputInfo {
                export_id: e.export_id.clone(),
                source_id: e.source_id.clone(),
                source_name: e.source_name.clone(),
                origin: e.origin.clone(),
                rows_used: used,
                rows_rejected: rejected,
            }
        })
        .collect();
    RunInfo {
        program: format!("hmis {}", env!("CARGO_PKG_VERSION")),
        started: Some(chrono::Utc::now().naive_utc()),
        timing: None,
        start: params.start,
        end: params.end,
        pit_date: params.pit_date,
        coc: params.coc.clone(),
        inputs,
        errors: ingest.errors() as u64,
        warnings: ingest.warnings() as u64,
        identity: identity.method.clone(),
        source_client_records: identity.crosswalk().records() as u64,
        unduplicated_persons: identity.crosswalk().persons() as u64,
        dedup: identity.figures.clone(),
    }
}

/// Writes every report (xlsx + CSVs), then summary.json and index.html, which list them
/// and `other` (files written earlier in the run, with a description).
pub fn write_outputs(
    out: &Path,
    reports: &[Report],
    run: &RunInfo,
    other: &[(PathBuf, String)],
) -> Result<(), CommandError> {
    let all = super::run::Formats {
        xlsx: true,
        csv: true,
        html: true,
    };
    write_outputs_as(out, reports, run, other, all)
}

/// As [`write_outputs`], writing only the chosen formats (summary.json always).
pub fn write_outputs_as(
    out: &Path,
    reports: &[Report],
    run: &RunInfo,
    other: &[(PathBuf, String)],
    formats: super::run::Formats,
) -> Result<(), CommandError> {
    // Reports are written in parallel (each to its own files), collected in order.
    let written: Vec<Written> = reports
        .par_iter()
        .with_max_len(1)
        .map(|r| -> Result<Written, CommandError> {
            let xlsx = if formats.xlsx {
                let x = PathBuf::from(format!("{}.xlsx", r.stem()));
                output::xlsx::write_report(&out.join(&x), r, run)?;
                x
            } else {
                PathBuf::new()
            };
            let csv = if formats.csv {
                output::csv::write_report(out, r)?
            } else {
                Vec::new()
            };
            // The HDX upload of the SPM, from its (possibly suppressed) tables.
            let mut uploads = Vec::new();
            if r.name == "spm" {
                let rel = PathBuf::from("spm-hdx.csv");
                let values = reports::hdx::values(r, run.start, run.end, run.coc.as_deref());
                output::csv::write_rows(&out.join(&rel), &reports::hdx::COLUMNS, &values)?;
                uploads.push(rel);
            }
            Ok(Written {
                report: r,
                xlsx,
                csv,
                uploads,
            })
        })
        .collect::<Result<_, _>>()?;
    let mut other = other.to_vec();
    other.insert(
        0,
        (
            PathBuf::from("summary.json"),
            "headline numbers under stable keys".to_string(),
        ),
    );
    let files: Vec<PathBuf> = other.iter().map(|o| o.0.clone()).collect();
    let summary = output::json::summary(run, &written, &files);
    output::json::write_summary(&out.join("summary.json"), &summary)?;
    if formats.html {
        let page = output::html::render(run, &written, &other);
        output::html::write_dashboard(&out.join("index.html"), &page)?;
    }
    Ok(())
}

/// Warnings about parameters that are allowed but probably not meant.
pub fn warn_params(params: &Params, dataset: &Dataset, log: &Log) {
    let d = params.pit_date;
    if !(d.month() == 1 && d.day() >= 22) {
        log.info(&format!(
            "note: PIT night {d} is not in the last ten days of January (HUD's rule); counting that night anyway"
        ));
    }
    let latest = dataset.exports.iter().filter_map(|e| e.export_end).max();
    if let Some(l) = latest
        && params.start > l
    {
        log.warn(&format!(
            "the period starts {} after every export ends ({l}): expect empty reports",
            params.start
        ));
    }
}

/// Which projects an APR/CAPER covers: by ProjectID and/or project type; none given =
/// every project. Unknown IDs are a usage error.
pub fn select_projects(
    facts: &Facts,
    ids: &[String],
    types: &[i32],
) -> Result<Vec<u32>, CommandError> {
    for id in ids {
        if !facts.projects.iter().any(|p| &p.id == id) {
            return Err(CommandError::new(
                Exit::Usage,
                format!("--project {id}: no project with that ProjectID in the exports"),
            ));
        }
    }
    Ok(facts
        .projects
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            (ids.is_empty() && types.is_empty())
                || ids.contains(&p.id)
                || p.project_type.is_some_and(|t| types.contains(&t.code()))
        })
        .map(|(i, _)| i as u32)
        .collect())
}

/// A file-name-safe form of an ID: ASCII letters, digits, '-' and '_' kept, anything else '_'.
pub fn safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The folder of `DIR` holding the per-project APRs of `hmis run`.
pub const APR_PROJECTS: &str = "apr-projects";

/// The APR or CAPER for one set of projects (`name` = file stem); with `index`, reading
/// only the selected projects' enrollments.
#[allow(clippy::too_many_arguments)]
pub fn apr_report(
    facts: &Facts,
    details: &facts::detail::Details,
    params: &Params,
    kind: reports::apr::Kind,
    spec: Option<crate::cli::SpecArg>,
    projects: Vec<u32>,
    name: String,
    scope: String,
    index: Option<&reports::apr::ProjectIndex>,
) -> Report {
    use reports::apr::{AprParams, Spec};
    let spec = match spec {
        Some(crate::cli::SpecArg::Fy2024) => Spec::Fy2024,
        Some(crate::cli::SpecArg::Fy2026) => Spec::Fy2026,
        None => Spec::for_end(params.end),
    };
    reports::apr::report_indexed(
        facts,
        details,
        &AprParams {
            start: params.start,
            end: params.end,
            projects,
            spec,
            kind,
            name,
            scope,
        },
        index,
    )
}

/// The APR of every project together (`DIR/apr.xlsx`, `DIR/apr/`, `DIR/apr-sage.zip`),
/// then one per project (for `hmis run`), named `apr-project-<ProjectID>` in summary.json
/// and written under `DIR/apr-projects/`: `<ProjectID>.xlsx`, `<ProjectID>/Q*.csv`,
/// `<ProjectID>-sage.zip`.
pub fn apr_all_and_each(
    facts: &Facts,
    details: &facts::detail::Details,
    params: &Params,
) -> Vec<Report> {
    use reports::apr::Kind;
    let index = reports::apr::ProjectIndex::new(facts);
    // The APR of all projects runs beside the first per-project ones.
    let (all, mut each_reports) = rayon::join(
        || {
            let all: Vec<u32> = (0..facts.projects.len() as u32).collect();
            apr_report(
                facts,
                details,
                params,
                Kind::Apr,
                None,
                all,
                "apr".into(),
                " - all projects".into(),
                None,
            )
        },
        || apr_each(facts, details, params, &index),
    );
    let mut out = Vec::with_capacity(each_reports.len() + 1);
    out.push(all);
    out.append(&mut each_reports);
    out
}

/// The APR of each project, in project order, under `DIR/apr-projects/`.
fn apr_each(
    facts: &Facts,
    details: &facts::detail::Details,
    params: &Params,
    index: &reports::apr::ProjectIndex,
) -> Vec<Report> {
    use reports::apr::Kind;
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut each = Vec::with_capacity(facts.projects.len());
    for (i, p) in facts.projects.iter().enumerate() {
        let mut stem = safe(&p.id);
        if !seen.insert(stem.clone()) {
            stem = format!("{stem}-{i}");
            seen.insert(stem.clone());
        }
        each.push((i, stem, format!(" - {} ({})", p.name, p.id)));
    }
    // One project's APR reads only that project's enrollments; the projects run in
    // parallel and are collected in project order.
    out.par_extend(each.into_par_iter().map(|(i, stem, title)| {
        let mut r = apr_report(
            facts,
            details,
            params,
            Kind::Apr,
            None,
            vec![i as u32],
            format!("apr-project-{stem}"),
            title,
            Some(index),
        );
        reports::apr::set_path(&mut r, format!("{APR_PROJECTS}/{stem}"));
        r
    }));
    out
}

/// Suspected duplicate client records within each export, for the DQ report: from the
/// run's matcher when it ran, else (`--identity personal-id`) from the matcher run now
/// with the built-in rules.
pub fn agency_duplicates(
    dataset: &Dataset,
    identity: Option<&Identity>,
) -> Vec<reports::dq::AgencyDuplicates> {
    identity
        .and_then(|i| within_agency_duplicates(dataset, i))
        .unwrap_or_else(|| {
            let d = dedup::deduplicate(dataset, &Rules::builtin(), &dedup::Options::default());
            duplicates_of(dataset, &d)
        })
}

/// Suspected duplicate client records within each export: the matcher's accepted links
/// whose two records are in the same export (None when the matcher did not run).
fn within_agency_duplicates(
    dataset: &Dataset,
    identity: &Identity,
) -> Option<Vec<reports::dq::AgencyDuplicates>> {
    let Persons::Matched(d) = &identity.persons else {
        return None;
    };
    Some(duplicates_of(dataset, d))
}

fn duplicates_of(dataset: &Dataset, d: &Dedup) -> Vec<reports::dq::AgencyDuplicates> {
    let mut out: Vec<reports::dq::AgencyDuplicates> = dataset
        .exports
        .iter()
        .map(|e| reports::dq::AgencyDuplicates {
            export_id: e.export_id.clone(),
            ..Default::default()
        })
        .collect();
    for r in &d.records {
        if let Some(x) = out.get_mut(r.export as usize) {
            x.records += 1;
        }
    }
    let mut linked = std::collections::BTreeSet::new();
    for l in &d.clustering.links {
        let (ea, eb) = (
            d.records[l.a as usize].export,
            d.records[l.b as usize].export,
        );
        if ea != eb {
            continue;
        }
        if let Some(x) = out.get_mut(ea as usize) {
            x.links += 1;
        }
        linked.insert(l.a);
        linked.insert(l.b);
    }
    for r in linked {
        if let Some(x) = out.get_mut(d.records[r as usize].export as usize) {
            x.linked_records += 1;
        }
    }
    out
}

/// Validation findings counted per export, rule and severity.
pub fn finding_counts(ingest: &Ingest) -> Vec<reports::dq::FindingCount> {
    let mut m: std::collections::BTreeMap<(&str, &str, String), u64> = Default::default();
    for f in &ingest.findings {
        *m.entry((f.export_id.as_str(), f.rule, f.severity.to_string()))
            .or_default() += 1;
    }
    m.into_iter()
        .map(|((e, r, s), count)| reports::dq::FindingCount {
            export_id: e.to_string(),
            rule: r.to_string(),
            severity: s,
            count,
        })
        .collect()
}

/// The data quality report over the selected projects. `duplicates`: the within-agency
/// figures of the run's matcher; None runs the matcher with the built-in rules for them
/// (when persons were identified by PersonalID).
#[allow(clippy::too_many_arguments)]
pub fn dq_report(
    ingest: &Ingest,
    facts: &Facts,
    details: &facts::detail::Details,
    params: &Params,
    spec: Option<crate::cli::SpecArg>,
    projects: Vec<u32>,
    by: crate::cli::DqBy,
    duplicates: Option<Vec<reports::dq::AgencyDuplicates>>,
) -> Report {
    use reports::apr::Spec;
    use reports::dq::{By, DqParams, ExportRef};
    let spec = match spec {
        Some(crate::cli::SpecArg::Fy2024) => Spec::Fy2024,
        Some(crate::cli::SpecArg::Fy2026) => Spec::Fy2026,
        None => Spec::for_end(params.end),
    };
    let duplicates = duplicates.unwrap_or_else(|| agency_duplicates(&ingest.dataset, None));
    let scope = if projects.len() == facts.projects.len() {
        String::new()
    } else {
        projects
            .iter()
            .map(|&i| {
                let p = &facts.projects[i as usize];
                format!("{} ({})", p.name, p.id)
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    reports::dq::report(
        facts,
        details,
        &DqParams {
            start: params.start,
            end: params.end,
            projects,
            spec,
            by: match by {
                crate::cli::DqBy::Organization => By::Organization,
                crate::cli::DqBy::Project => By::Project,
            },
            exports: ingest
                .dataset
                .exports
                .iter()
                .map(|e| ExportRef {
                    export_id: e.export_id.clone(),
                    source_name: e.source_name.clone(),
                })
                .collect(),
            findings: finding_counts(ingest),
            duplicates: Some(duplicates),
            scope,
        },
    )
}

/// Writes `DIR/<stem>-sage.zip` for each APR/CAPER report; returns the files written.
pub fn write_sage_zips(
    out: &Path,
    reports: &[Report],
) -> Result<Vec<(PathBuf, String)>, CommandError> {
    reports
        .par_iter()
        .with_max_len(1)
        .map(|r| {
            let rel = PathBuf::from(format!("{}-sage.zip", r.stem()));
            reports::apr::sage::write_zip(&out.join(&rel), r)?;
            Ok((rel, format!("Sage CSV upload of {}", r.title)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn default_period_is_the_last_full_month_the_data_covers() {
        // Cron on the 1st with exports ending yesterday: the month just ended.
        assert_eq!(
            default_period(d("2026-11-01"), Some(d("2026-10-31"))),
            (d("2026-10-01"), d("2026-10-31"))
        );
        // Mid-month run, no export end dates: last full month before today.
        assert_eq!(
            default_period(d("2026-03-15"), None),
            (d("2026-02-01"), d("2026-02-28"))
        );
        // Old exports: their last full month.
        assert_eq!(
            default_period(d("2026-11-26"), Some(d("2025-09-30"))),
            (d("2025-09-01"), d("2025-09-30"))
        );
        assert_eq!(
            default_period(d("2026-11-26"), Some(d("2025-09-15"))),
            (d("2025-08-01"), d("2025-08-31"))
        );
        // January: December of the year before.
        assert_eq!(
            default_period(d("2026-01-05"), None),
            (d("2025-12-01"), d("2025-12-31"))
        );
    }

    #[test]
    fn last_wednesdays() {
        assert_eq!(last_wednesday_of_january(2025), d("2025-01-29"));
        assert_eq!(last_wednesday_of_january(2026), d("2026-01-28"));
        assert_eq!(last_wednesday_of_january(2020), d("2020-01-29"));
        assert_eq!(last_wednesday_of_january(2024), d("2024-01-31"));
    }
}
