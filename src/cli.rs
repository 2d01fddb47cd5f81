//! Command-line definitions and help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub const AFTER_HELP: &str = "\
EXPORT is a folder or a .zip holding one HUD HMIS CSV export (FY2026, FY2024 or FY2022), or a
drop folder whose subfolders and zips are exports. Several exports load together.

Exit codes: 0 ok (warnings allowed), 1 runtime failure, 2 usage error,
3 input rejected (an unusable export, or any error under --strict).";

#[derive(Debug, Parser)]
#[command(
    name = "hmis",
    version,
    about = "Batch engine for HUD HMIS CSV exports: validate, deduplicate and report.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The monthly job: validate, deduplicate and write every report (xlsx, CSV,
    /// summary.json and an HTML dashboard) into DIR.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// Write one report, or several comma-separated (their xlsx and CSVs, summary.json and the
    /// dashboard), into DIR.
    #[command(after_help = AFTER_HELP)]
    Report(ReportArgs),
    /// Read and validate exports: writes validation.csv (every finding) and ingest.csv
    /// (rows read = used + rejected + deleted, per export and file).
    #[command(after_help = AFTER_HELP)]
    Validate(ValidateArgs),
    /// Find each person's records across and within agencies: writes crosswalk.csv,
    /// links.csv, review.csv (personal data, owner-only) and summary.json.
    #[command(after_help = DEDUP_HELP)]
    Dedup(DedupArgs),
    /// Write a synthetic community of agency exports (FY2026) with a ground-truth file.
    Synth(SynthArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Exports to read (folders, zips, or drop folders of them).
    #[arg(required = true, value_name = "EXPORT")]
    pub exports: Vec<PathBuf>,
    /// Folder for validation.csv and ingest.csv.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Treat any error (a rejected row) as a rejected input: exit code 3.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub const DEDUP_HELP: &str = "\
Records of one source system (exports with the same Export.SourceID) that share a PersonalID
are one person. All other pairs are found by fuzzy matching on names, SSN, birth date, sex,
race and veteran status with the rules in rules/match.toml (built in; pass an edited copy with
--rules). review.csv holds names, SSNs and birth dates side by side: it is created owner-only.
Fill its decision column (match / no-match) and pass it back with --overrides.

Exit codes: 0 ok, 1 runtime failure, 2 usage error (including a bad rules, overrides,
previous or truth file), 3 input rejected (an unusable export).";

/// The files that steer matching, shared by `dedup` and `run`.
#[derive(Debug, Args, Clone)]
pub struct MatchFiles {
    /// Matching rules (a match.toml; the placeholder and nickname files it names are read
    /// beside it). Default: the built-in rules/.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Administrator decisions: CSV with ExportID_a,PersonalID_a,ExportID_b,PersonalID_b,
    /// decision (match or no-match); a filled-in review.csv works.
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,
    /// Last run's crosswalk.csv: known persons keep their UnduplicatedID. For `run`, the
    /// default is the output folder's own crosswalk.csv from its previous run, if any.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DedupArgs {
    /// Exports to read (folders, zips, or drop folders of them).
    #[arg(required = true, value_name = "EXPORT")]
    pub exports: Vec<PathBuf>,
    /// Folder for crosswalk.csv, links.csv, review.csv, summary.json (and validation.csv and
    /// ingest.csv for Export, Client and Enrollment: the files dedup reads).
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    #[command(flatten)]
    pub matching: MatchFiles,
    /// Ground truth (ExportID,PersonalID,PersonKey, as `hmis synth` writes in truth.csv):
    /// prints pairwise precision, recall and F1.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Re-estimate the m and u probabilities from this data (EM) and write the fitted rules
    /// to DIR/match.fitted.toml; this run uses them.
    #[arg(long)]
    pub train: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Folder to write the agency exports and truth.csv into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of distinct people in the community.
    #[arg(long, default_value_t = 5000)]
    pub persons: u64,
    /// Number of agencies (one export each, each its own source system).
    #[arg(long, default_value_t = 4)]
    pub agencies: u32,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// First day of the period the community is described over (YYYY-MM-DD).
    #[arg(long, default_value = "2024-10-01")]
    pub start: chrono::NaiveDate,
    /// Last day of the period (YYYY-MM-DD).
    #[arg(long, default_value = "2025-09-30")]
    pub end: chrono::NaiveDate,
}

/// Options every report shares.
#[derive(Debug, Args, Clone)]
pub struct ReportOptions {
    /// First day of the report period (YYYY-MM-DD). With --end; default: the last full
    /// calendar month before today that the exports cover.
    #[arg(long, value_name = "DATE", requires = "end")]
    pub start: Option<chrono::NaiveDate>,
    /// Last day of the report period, inclusive (YYYY-MM-DD). With --start.
    #[arg(long, value_name = "DATE", requires = "start")]
    pub end: Option<chrono::NaiveDate>,
    /// The Point-in-Time night (YYYY-MM-DD). Default: the last Wednesday of January of the
    /// period's year. HUD allows any night in the last ten days of January; any date is
    /// accepted.
    #[arg(long, value_name = "DATE")]
    pub pit_date: Option<chrono::NaiveDate>,
    /// Keep only enrollments of this CoC (EnrollmentCoC of the head of household, e.g.
    /// XX-500) and inventory of this CoC. Default: all.
    #[arg(long, value_name = "CODE")]
    pub coc: Option<String>,
    /// Emergency shelter entries in the period that make a frequent user (service-use
    /// report).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub frequent_entries: u32,
    /// How persons are counted: `unduplicated` (default) counts each person once across
    /// agencies (the dedup's UnduplicatedIDs); `personal-id` is HUD's literal universe, one
    /// person per PersonalID within a source system, as HUD's test kits and a Sage
    /// submission from one HMIS assume. Default: unduplicated (for `run`, the config's
    /// `identity` key when given).
    #[arg(long, value_enum)]
    pub identity: Option<Identity>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub const RUN_HELP: &str = "\
The output folder is replaced as a whole: everything is written into a hidden sibling
(.DIR.tmp-PID) and swapped into place only when the run succeeded; the previous results stay
in DIR.prev. A lock (.DIR.lock) stops two runs on one folder; the leftovers of a killed run are
cleaned up by the next. If an export is rejected, DIR is left as it was and validation.csv and
ingest.csv go to DIR.failed/.

Options can come from a TOML file (--config FILE, or the HMIS_CONFIG environment variable);
options on the command line win. See hmis.example.toml for every key.

Exit codes: 0 ok (warnings allowed), 1 runtime failure, 2 usage error (including a bad config,
rules or overrides file, or a locked output folder), 3 input rejected (an unusable export).";
/// How persons are identified across client records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Identity {
    /// One person per UnduplicatedID (record linkage across and within agencies).
    #[default]
    Unduplicated,
    /// One person per PersonalID within a source system (Export.SourceID).
    PersonalId,
}

/// HUD APR/CAPER table set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SpecArg {
    Fy2024,
    Fy2026,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Exports to read (folders, zips, or drop folders of them). Default: the config's inputs.
    #[arg(value_name = "EXPORT")]
    pub exports: Vec<PathBuf>,
    /// Folder for every output (validation, reports, summary.json, index.html); `{period}`
    /// is replaced by the period (e.g. reports/{period} -> reports/2026-10). Default: reports.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A TOML configuration file (see hmis.example.toml); also the HMIS_CONFIG variable.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The report period: last-month, last-quarter, last-fiscal-year (October-September), or
    /// YYYY-MM-DD..YYYY-MM-DD. Default: the last full month the exports cover.
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["start", "end"])]
    pub period: Option<String>,
    #[command(flatten)]
    pub matching: MatchFiles,
    /// Hide counts from 1 to N-1 in every report table (with complementary cells so totals
    /// cannot reveal them). 11 is common.
    #[arg(long, value_name = "N")]
    pub suppress_below: Option<u32>,
    /// Do not write the files that hold personal data (review.csv).
    #[arg(long)]
    pub no_pii_files: bool,
    /// Also write one folder per organization, DIR/organizations/<ExportID>-<OrganizationID>/,
    /// holding only reports on that organization's own projects and clients (overview, PIT,
    /// effectiveness, service use, APR), to send each agency its own data. System-level
    /// counts stay in DIR.
    #[arg(long)]
    pub by_organization: bool,
    /// Log lines as JSON objects (one per line) for log collectors.
    #[arg(long, value_name = "FORMAT", value_parser = ["text", "json"])]
    pub log_format: Option<String>,
    #[command(flatten)]
    pub options: ReportOptions,
}

/// The reports `hmis report` can run on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportName {
    /// System overview: unduplicated persons and households served, by project type,
    /// organization and project, beds and utilization, demographics.
    Overview,
    /// Sheltered Point-in-Time count in HDX's tables.
    Pit,
    /// HUD System Performance Measures 1a/1b, 2, 3.2, 4.1-4.6, 5.1, 5.2, 7a.1, 7b.1, 7b.2
    /// (seven years of history for Measure 1; shorter data is reported as incomplete).
    Spm,
    /// Project scorecard: exits, returns, length of stay, income, utilization and data
    /// quality per project, by project type and organization, ranked within type.
    Effectiveness,
    /// Patterns of service use: organizations and projects per person, pathways, same-night
    /// stays in two residential projects, frequent shelter users.
    ServiceUse,
    /// HUD CoC Annual Performance Report: apr.xlsx, apr/Q*.csv and the Sage upload
    /// apr-sage.zip.
    Apr,
    /// HUD ESG CAPER: caper.xlsx, caper/Q*.csv and caper-sage.zip.
    Caper,
    /// Data quality: APR Q6a-Q6f per organization (or project, --by project) ranked by
    /// error rate, validation findings by export and rule, suspected duplicate client
    /// records within each agency; dq.xlsx and dq/*.csv.
    Dq,
}

/// Rows of the data quality report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DqBy {
    Organization,
    Project,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report; several, comma-separated (e.g. `spm,effectiveness`), run in one
    /// process over one load (APR and CAPER only on their own).
    #[arg(value_enum, value_delimiter = ',', num_args = 1, action = clap::ArgAction::Set, required = true)]
    pub report: Vec<ReportName>,
    /// Exports to read (folders, zips, or drop folders of them).
    #[arg(required = true, value_name = "EXPORT")]
    pub exports: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// APR/CAPER/DQ: a project to report on (ProjectID; repeatable). With neither --project
    /// nor --project-type, every project is reported together.
    #[arg(long = "project", value_name = "ID")]
    pub projects: Vec<String>,
    /// APR/CAPER/DQ: every project of this HUD project type (repeatable).
    #[arg(long = "project-type", value_name = "N")]
    pub project_types: Vec<i32>,
    /// APR/CAPER/DQ table set. Default: fy2026 when the report ends on or after 2025-10-01,
    /// else fy2024.
    #[arg(long, value_enum)]
    pub spec: Option<SpecArg>,
    /// DQ: one row per organization (default) or per project.
    #[arg(long, value_enum, default_value_t = DqBy::Organization)]
    pub by: DqBy,
    #[command(flatten)]
    pub options: ReportOptions,
}
