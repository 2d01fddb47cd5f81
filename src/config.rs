//! The run configuration file (`hmis run --config hmis.toml`, or `HMIS_CONFIG`): what a cron
//! job needs to run unattended. Every key is documented in `hmis.example.toml`; an unknown key
//! is an error naming it. Command-line options override the file.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Months, NaiveDate};
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The file as written (every key optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub inputs: Option<Vec<String>>,
    pub out: Option<String>,
    pub coc: Option<String>,
    pub period: Option<String>,
    pub start: Option<toml::Value>,
    pub end: Option<toml::Value>,
    pub pit_date: Option<toml::Value>,
    pub reports: Option<Vec<String>>,
    pub formats: Option<Vec<String>>,
    pub rules: Option<String>,
    pub overrides: Option<String>,
    pub previous: Option<String>,
    pub identity: Option<String>,
    pub suppress_below: Option<u32>,
    pub by_organization: Option<bool>,
    pub no_pii_files: Option<bool>,
    pub log_format: Option<String>,
    pub quiet: Option<bool>,
}

/// A loaded configuration: paths resolved against the file's folder, dates parsed, the
/// period named.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: PathBuf,
    /// Input paths, wildcards in the last component expanded (sorted).
    pub inputs: Vec<PathBuf>,
    /// Output folder, `{period}` not yet filled in.
    pub out: Option<String>,
    pub coc: Option<String>,
    pub period: Option<PeriodSpec>,
    pub pit_date: Option<NaiveDate>,
    pub reports: Option<Vec<String>>,
    pub formats: Option<Vec<String>>,
    pub rules: Option<PathBuf>,
    pub overrides: Option<PathBuf>,
    pub previous: Option<PathBuf>,
    pub identity: Option<String>,
    pub suppress_below: Option<u32>,
    pub by_organization: Option<bool>,
    pub no_pii_files: Option<bool>,
    pub log_format: Option<String>,
    pub quiet: Option<bool>,
}

/// How the report period is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodSpec {
    LastMonth,
    LastQuarter,
    /// The federal fiscal year (October to September) that ended last.
    LastFiscalYear,
    Dates(NaiveDate, NaiveDate),
}

/// A resolved period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub spec: PeriodSpec,
}

impl PeriodSpec {
    pub fn parse(s: &str) -> Option<PeriodSpec> {
        match s.trim() {
            "last-month" => Some(PeriodSpec::LastMonth),
            "last-quarter" => Some(PeriodSpec::LastQuarter),
            "last-fiscal-year" => Some(PeriodSpec::LastFiscalYear),
            other => {
                let (a, b) = other.split_once("..")?;
                let a = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").ok()?;
                let b = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").ok()?;
                (a <= b).then_some(PeriodSpec::Dates(a, b))
            }
        }
    }

    /// The period relative to `today`.
    pub fn resolve(self, today: NaiveDate) -> Period {
        let first_of_month = today.with_day(1).expect("day 1 exists");
        let (start, end) = match self {
            PeriodSpec::LastMonth => {
                let end = first_of_month.pred_opt().expect("a day before");
                (end.with_day(1).expect("day 1"), end)
            }
            PeriodSpec::LastQuarter => {
                let q_start_month = (today.month0() / 3) * 3 + 1;
                let this_q =
                    NaiveDate::from_ymd_opt(today.year(), q_start_month, 1).expect("valid");
                let start = this_q - Months::new(3);
                (start, this_q.pred_opt().expect("a day before"))
            }
            PeriodSpec::LastFiscalYear => {
                // FY N runs from N-1-10-01 to N-09-30; the last one ended before today.
                let fy = if today.month() >= 10 {
                    today.year()
                } else {
                    today.year() - 1
                };
                (
                    NaiveDate::from_ymd_opt(fy - 1, 10, 1).expect("valid"),
                    NaiveDate::from_ymd_opt(fy, 9, 30).expect("valid"),
                )
            }
            PeriodSpec::Dates(a, b) => (a, b),
        };
        Period {
            start,
            end,
            spec: self,
        }
    }
}

impl Period {
    /// The text `{period}` stands for in an output path: `2026-10`, `2026-Q3`, `FY2026`, or
    /// `2025-10-01_2026-09-30`.
    pub fn label(&self) -> String {
        match self.spec {
            PeriodSpec::LastMonth => self.start.format("%Y-%m").to_string(),
            PeriodSpec::LastQuarter => {
                format!("{}-Q{}", self.start.year(), self.start.month0() / 3 + 1)
            }
            PeriodSpec::LastFiscalYear => format!("FY{}", self.end.year()),
            PeriodSpec::Dates(a, b) => format!("{}_{}", a, b),
        }
    }
}

/// The output folder with `{period}` filled in.
pub fn out_dir(template: &str, period: &Period) -> PathBuf {
    PathBuf::from(template.replace("{period}", &period.label()))
}

fn date_value(v: &toml::Value, key: &str) -> Result<NaiveDate, String> {
    let text = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return Err(format!("{key}: expected a date YYYY-MM-DD")),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{key}: `{text}` is not a date YYYY-MM-DD"))
}

/// `*` and `?` in the last path component, matched against the folder's entries.
pub fn expand(pattern: &Path) -> std::io::Result<Vec<PathBuf>> {
    let name = pattern
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if !name.contains(['*', '?']) {
        return Ok(vec![pattern.to_path_buf()]);
    }
    let dir = pattern
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let n = e.file_name().to_string_lossy().to_string();
        if !n.starts_with('.') && wildcard(&name, &n) {
            out.push(dir.join(n));
        }
    }
    out.sort();
    Ok(out)
}

fn wildcard(pat: &str, s: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pat.chars().collect(), s.chars().collect());
    // Classic two-pointer match with backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let bad = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let f: ConfigFile = toml::from_str(text).map_err(|e| bad(e.message().to_string()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let rel = |s: &str| -> PathBuf {
            let p = PathBuf::from(s);
            if p.is_absolute() { p } else { dir.join(p) }
        };
        let mut inputs = Vec::new();
        for i in f.inputs.iter().flatten() {
            let found = expand(&rel(i)).map_err(|e| bad(format!("inputs: {i}: {e}")))?;
            if found.is_empty() {
                return Err(bad(format!("inputs: `{i}` matches nothing")));
            }
            inputs.extend(found);
        }
        let mut period = match &f.period {
            Some(p) => Some(PeriodSpec::parse(p).ok_or_else(|| {
                bad(format!(
                    "period: `{p}`: expected last-month, last-quarter, last-fiscal-year or YYYY-MM-DD..YYYY-MM-DD"
                ))
            })?),
            None => None,
        };
        match (&f.start, &f.end) {
            (Some(s), Some(e)) => {
                if period.is_some() {
                    return Err(bad("give either period or start and end, not both".into()));
                }
                let (s, e) = (
                    date_value(s, "start").map_err(bad)?,
                    date_value(e, "end").map_err(bad)?,
                );
                if s > e {
                    return Err(bad("start is after end".into()));
                }
                period = Some(PeriodSpec::Dates(s, e));
            }
            (None, None) => {}
            _ => return Err(bad("start and end go together".into())),
        }
        let pit_date = f
            .pit_date
            .as_ref()
            .map(|v| date_value(v, "pit_date"))
            .transpose()
            .map_err(bad)?;
        let out = f.out.as_ref().map(|o| rel(o).to_string_lossy().to_string());
        if let Some(id) = &f.identity
            && id != "unduplicated"
            && id != "personal-id"
        {
            return Err(bad(format!(
                "identity: `{id}`: expected unduplicated or personal-id"
            )));
        }
        if let Some(l) = &f.log_format
            && l != "text"
            && l != "json"
        {
            return Err(bad(format!("log_format: `{l}`: expected text or json")));
        }
        if let Some(fmts) = &f.formats {
            for x in fmts {
                if !["xlsx", "csv", "html", "json"].contains(&x.as_str()) {
                    return Err(bad(format!(
                        "formats: `{x}`: expected xlsx, csv, html or json"
                    )));
                }
            }
        }
        if f.suppress_below == Some(1) || f.suppress_below == Some(0) {
            return Err(bad("suppress_below: use 2 or more (or leave it out)".into()));
        }
        Ok(Config {
            path: path.to_path_buf(),
            inputs,
            out,
            coc: f.coc,
            period,
            pit_date,
            reports: f.reports,
            formats: f.formats,
            rules: f.rules.as_deref().map(rel),
            overrides: f.overrides.as_deref().map(rel),
            previous: f.previous.as_deref().map(rel),
            identity: f.identity,
            suppress_below: f.suppress_below,
            by_organization: f.by_organization,
            no_pii_files: f.no_pii_files,
            log_format: f.log_format,
            quiet: f.quiet,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods() {
        let today = d("2026-11-25");
        let p = PeriodSpec::LastMonth.resolve(today);
        assert_eq!(
            (p.start, p.end, p.label().as_str()),
            (d("2026-10-01"), d("2026-10-31"), "2026-10")
        );
        let p = PeriodSpec::LastMonth.resolve(d("2026-01-05"));
        assert_eq!((p.start, p.end), (d("2025-12-01"), d("2025-12-31")));
        let p = PeriodSpec::LastQuarter.resolve(today);
        assert_eq!(
            (p.start, p.end, p.label().as_str()),
            (d("2026-07-01"), d("2026-09-30"), "2026-Q3")
        );
        let p = PeriodSpec::LastQuarter.resolve(d("2026-02-10"));
        assert_eq!((p.start, p.end), (d("2025-10-01"), d("2025-12-31")));
        let p = PeriodSpec::LastFiscalYear.resolve(today);
        assert_eq!(
            (p.start, p.end, p.label().as_str()),
            (d("2025-10-01"), d("2026-09-30"), "FY2026")
        );
        let p = PeriodSpec::LastFiscalYear.resolve(d("2026-09-30"));
        assert_eq!((p.start, p.end), (d("2024-10-01"), d("2025-09-30")));
        assert_eq!(
            PeriodSpec::parse("2025-01-01..2025-03-31"),
            Some(PeriodSpec::Dates(d("2025-01-01"), d("2025-03-31")))
        );
        assert_eq!(PeriodSpec::parse("2025-03-01..2025-01-01"), None);
        assert_eq!(
            out_dir("/r/{period}", &PeriodSpec::LastMonth.resolve(today)),
            PathBuf::from("/r/2026-10")
        );
    }

    #[test]
    fn the_example_file_parses() {
        let text = include_str!("../hmis.example.toml");
        // Its inputs name folders of a real installation: check everything else.
        let text = text.replace("inputs = [", "# inputs = [");
        let c = Config::parse(&text, Path::new("/etc/hmis/hmis.toml")).unwrap();
        assert_eq!(c.period, Some(PeriodSpec::LastMonth));
        assert_eq!(c.suppress_below, Some(11));
        assert_eq!(c.quiet, Some(true));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("*.zip", "agency-1.zip"));
        assert!(!wildcard("*.zip", "agency-1.zip.part"));
        assert!(wildcard("a?c*", "abcdef"));
        assert!(wildcard("*", "x"));
        assert!(!wildcard("a*b", "acd"));
    }

    #[test]
    fn unknown_key_is_named_and_values_are_checked() {
        let p = Path::new("/etc/hmis.toml");
        let e = Config::parse("out = \"r\"\nsupress_below = 11\n", p).unwrap_err();
        assert!(e.to_string().contains("supress_below"), "{e}");
        let c = Config::parse(
            "out = \"reports/{period}\"\nperiod = \"last-quarter\"\npit_date = 2026-01-28\nsuppress_below = 11\n",
            p,
        )
        .unwrap();
        assert_eq!(c.out.as_deref(), Some("/etc/reports/{period}"));
        assert_eq!(c.pit_date, Some(d("2026-01-28")));
        assert_eq!(c.period, Some(PeriodSpec::LastQuarter));
        let c = Config::parse("start = \"2025-10-01\"\nend = 2026-09-30\n", p).unwrap();
        assert_eq!(
            c.period,
            Some(PeriodSpec::Dates(d("2025-10-01"), d("2026-09-30")))
        );
        assert!(Config::parse("period = \"last-year\"\n", p).is_err());
        assert!(Config::parse("identity = \"ssn\"\n", p).is_err());
    }
}
