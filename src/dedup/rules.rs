//! Matching rules: Fellegi-Sunter m/u values per field and agreement level, thresholds,
//! blocking bounds, placeholders and nicknames. Data an administrator may edit (`rules/`);
//! the copies in the repository are built in and used when no `--rules FILE` is given.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const DEFAULT_MATCH_TOML: &str = include_str!("../../rules/match.toml");
pub const DEFAULT_PLACEHOLDERS_TOML: &str = include_str!("../../rules/placeholders.toml");
pub const DEFAULT_NICKNAMES_CSV: &str = include_str!("../../rules/nicknames.csv");

/// The compared fields, in the order of a comparison vector.
pub const FIELDS: [&str; 8] = [
    "ssn", "dob", "first", "last", "sex", "race", "veteran", "timeline",
];
pub const SSN: usize = 0;
pub const DOB: usize = 1;
pub const FIRST: usize = 2;
pub const LAST: usize = 3;
pub const SEX: usize = 4;
pub const RACE: usize = 5;
pub const VETERAN: usize = 6;
pub const TIMELINE: usize = 7;

/// The agreement levels of each field, in order (index = level number). "missing" is not a
/// level: it adds no weight.
pub const LEVELS: [&[&str]; 8] = [
    &["exact", "typo", "partial", "disagree"],
    &[
        "exact",
        "transposed",
        "year_off",
        "partial",
        "approximate",
        "disagree",
    ],
    &[
        "exact", "nickname", "initial", "jw_high", "jw_mid", "disagree",
    ],
    &["exact", "part", "jw_high", "jw_mid", "disagree"],
    &["agree", "disagree"],
    &["agree", "disagree"],
    &["agree", "disagree"],
    &["adjacent", "overlap", "apart"],
];

/// Level number meaning "missing on one side": no weight.
pub const MISSING: u8 = u8::MAX;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub m: f64,
    pub u: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub accept: f64,
    pub review: f64,
    /// The number of client records the thresholds are set for; with more (fewer) records
    /// both thresholds rise (fall) by log2(records / reference_records). 0 = fixed.
    pub reference_records: u64,
}

impl Thresholds {
    /// The shift for a community of `records` client records.
    pub fn shift(&self, records: usize) -> f64 {
        if self.reference_records == 0 || records == 0 {
            0.0
        } else {
            (records as f64 / self.reference_records as f64).log2()
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blocking {
    pub max_block: usize,
    pub max_name_block: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Similarity {
    pub jw_high: f64,
    pub jw_mid: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermFrequency {
    pub enabled: bool,
    pub min_u: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    pub bonus: f64,
    pub max_size: usize,
}

/// When two records' enrollments (Enrollment.EntryDate, Exit.ExitDate) count as one person's
/// path (`adjacent`) or as two people (`overlap`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeline {
    /// An entry at most this many days after an exit of the other record is `adjacent`.
    pub gap_days: i32,
    /// Two exited stays sharing more than this many nights are `overlap`.
    pub overlap_days: i32,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            gap_days: 14,
            overlap_days: 2,
        }
    }
}

/// `match.toml` as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchFile {
    pub placeholders: Option<String>,
    pub nicknames: Option<String>,
    pub thresholds: Thresholds,
    pub blocking: Blocking,
    pub similarity: Similarity,
    pub term_frequency: TermFrequency,
    pub household: Household,
    #[serde(default)]
    pub timeline: Timeline,
    pub fields: BTreeMap<String, BTreeMap<String, Level>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceholderFile {
    names: Vec<String>,
    ssns: Vec<String>,
    dobs: Vec<String>,
    dob_equal_to_entry_date: bool,
}

/// Everything the matcher needs, checked and ready to use.
#[derive(Debug, Clone)]
pub struct Rules {
    pub file: MatchFile,
    /// m/u per field and level, indexed like [`LEVELS`].
    pub levels: Vec<Vec<Level>>,
    /// log2(m/u) per field and level.
    pub weights: Vec<Vec<f32>>,
    pub placeholder_names: Vec<String>,
    pub placeholder_ssns: Vec<[u8; 9]>,
    pub placeholder_dobs: Vec<NaiveDate>,
    pub dob_equal_to_entry_date: bool,
    /// Normalized name -> ids of the nickname groups it belongs to (sorted).
    pub nickname_groups: HashMap<String, Vec<u32>>,
    /// Nickname group id -> the names in it (sorted), to recognize a misspelt nickname.
    pub nickname_members: Vec<Vec<String>>,
    /// Where the rules came from (for summary.json).
    pub origin: String,
    /// The placeholder and nickname files read (None = built in), for writing fitted rules
    /// that still find them.
    pub placeholders_path: Option<PathBuf>,
    pub nicknames_path: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: {1}")]
    Invalid(String, String),
}

impl Rules {
    /// The built-in rules (the repository's `rules/` folder at build time).
    pub fn builtin() -> Rules {
        Rules::parse(
            DEFAULT_MATCH_TOML,
            "built-in rules/match.toml",
            |name| match name {
                "placeholders.toml" => Ok(DEFAULT_PLACEHOLDERS_TOML.to_string()),
                "nicknames.csv" => Ok(DEFAULT_NICKNAMES_CSV.to_string()),
                other => Err(RulesError::Invalid(
                    "built-in rules/match.toml".into(),
                    format!("no built-in file {other}"),
                )),
            },
        )
        .expect("the built-in rules are valid (checked by a test)")
    }

    /// Rules from a `match.toml` file; the placeholder and nickname files it names are read
    /// relative to its folder (the built-in ones when it names none).
    pub fn from_file(path: &Path) -> Result<Rules, RulesError> {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| RulesError::Io {
                path: p.to_path_buf(),
                source: e,
            })
        };
        let text = read(path)?;
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut rules = Rules::parse(&text, &path.display().to_string(), |name| {
            read(&dir.join(name))
        })?;
        let resolve = |name: &Option<String>| {
            name.as_ref().map(|n| {
                let p = dir.join(n);
                std::fs::canonicalize(&p).unwrap_or(p)
            })
        };
        rules.placeholders_path = resolve(&rules.file.placeholders);
        rules.nicknames_path = resolve(&rules.file.nicknames);
        Ok(rules)
    }

    fn parse(
        text: &str,
        origin: &str,
        read: impl Fn(&str) -> Result<String, RulesError>,
    ) -> Result<Rules, RulesError> {
        let bad = |msg: String| RulesError::Invalid(origin.to_string(), msg);
        let mut file: MatchFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        // Rules files written before the timeline field was added: its built-in values.
        if !file.fields.contains_key("timeline") && text != DEFAULT_MATCH_TOML {
            let builtin: MatchFile = toml::from_str(DEFAULT_MATCH_TOML)
                .map_err(|e| bad(format!("built-in rules: {e}")))?;
            if let Some(t) = builtin.fields.get("timeline") {
                file.fields.insert("timeline".into(), t.clone());
            }
        }
        let mut levels = Vec::new();
        for (f, field) in FIELDS.iter().enumerate() {
            let given = file
                .fields
                .get(*field)
                .ok_or_else(|| bad(format!("missing [fields.{field}]")))?;
            for name in given.keys() {
                if !LEVELS[f].contains(&name.as_str()) {
                    return Err(bad(format!(
                        "[fields.{field}]: unknown level `{name}` (levels: {})",
                        LEVELS[f].join(", ")
                    )));
                }
            }
            let mut row = Vec::new();
            for level in LEVELS[f] {
                let l = *given
                    .get(*level)
                    .ok_or_else(|| bad(format!("[fields.{field}]: missing level `{level}`")))?;
                if !(l.m > 0.0 && l.m < 1.0 && l.u > 0.0 && l.u < 1.0) {
                    return Err(bad(format!(
                        "[fields.{field}] {level}: m and u must be between 0 and 1 (exclusive)"
                    )));
                }
                row.push(l);
            }
            levels.push(row);
        }
        for name in file.fields.keys() {
            if !FIELDS.contains(&name.as_str()) {
                return Err(bad(format!(
                    "unknown field [fields.{name}] (fields: {})",
                    FIELDS.join(", ")
                )));
            }
        }
        let t = &file.thresholds;
        if t.review.is_nan() || t.accept.is_nan() || t.review > t.accept {
            return Err(bad("thresholds: review must not exceed accept".into()));
        }
        if file.blocking.max_block < 2 || file.blocking.max_name_block < 2 {
            return Err(bad(
                "blocking.max_block and max_name_block must be at least 2".into(),
            ));
        }
        let s = &file.similarity;
        if !(0.0 < s.jw_mid && s.jw_mid <= s.jw_high && s.jw_high < 1.0) {
            return Err(bad("similarity: need 0 < jw_mid <= jw_high < 1".into()));
        }
        if !(file.term_frequency.min_u > 0.0 && file.term_frequency.min_u < 1.0) {
            return Err(bad("term_frequency.min_u must be between 0 and 1".into()));
        }
        let ph_name = file
            .placeholders
            .as_deref()
            .unwrap_or("built-in placeholders.toml");
        let ph_text = match &file.placeholders {
            Some(name) => read(name)?,
            None => DEFAULT_PLACEHOLDERS_TOML.to_string(),
        };
        let ph: PlaceholderFile = toml::from_str(&ph_text)
            .map_err(|e| RulesError::Invalid(ph_name.to_string(), e.to_string()))?;
        let mut placeholder_ssns = Vec::new();
        for s in &ph.ssns {
            let b = s.as_bytes();
            if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
                return Err(RulesError::Invalid(
                    ph_name.to_string(),
                    format!("ssns: `{s}` is not 9 digits"),
                ));
            }
            placeholder_ssns.push(b.try_into().expect("9 bytes"));
        }
        let mut placeholder_dobs = Vec::new();
        for d in &ph.dobs {
            placeholder_dobs.push(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                RulesError::Invalid(
                    ph_name.to_string(),
                    format!("dobs: `{d}` is not YYYY-MM-DD"),
                )
            })?);
        }
        let nick_name = file
            .nicknames
            .as_deref()
            .unwrap_or("built-in nicknames.csv");
        let nick_text = match &file.nicknames {
            Some(name) => read(name)?,
            None => DEFAULT_NICKNAMES_CSV.to_string(),
        };
        let nickname_groups = nickname_groups(&nick_text, nick_name)?;
        let mut nickname_members: Vec<Vec<String>> = Vec::new();
        for (name, gs) in &nickname_groups {
            for &g in gs {
                if nickname_members.len() <= g as usize {
                    nickname_members.resize(g as usize + 1, Vec::new());
                }
                nickname_members[g as usize].push(name.clone());
            }
        }
        for m in &mut nickname_members {
            m.sort_unstable();
        }
        let weights = levels
            .iter()
            .map(|r| r.iter().map(|l| (l.m / l.u).log2() as f32).collect())
            .collect();
        Ok(Rules {
            placeholder_names: ph.names.iter().map(|n| super::normalize::fold(n)).collect(),
            placeholder_ssns,
            placeholder_dobs,
            dob_equal_to_entry_date: ph.dob_equal_to_entry_date,
            nickname_groups,
            nickname_members,
            levels,
            weights,
            file,
            origin: origin.to_string(),
            placeholders_path: None,
            nicknames_path: None,
        })
    }

    /// Replaces the m/u values (after EM) and recomputes the weights.
    pub fn set_levels(&mut self, levels: Vec<Vec<Level>>) {
        for (f, row) in levels.iter().enumerate() {
            let given = self.file.fields.entry(FIELDS[f].to_string()).or_default();
            for (l, level) in row.iter().enumerate() {
                given.insert(LEVELS[f][l].to_string(), *level);
            }
        }
        self.weights = levels
            .iter()
            .map(|r| r.iter().map(|l| (l.m / l.u).log2() as f32).collect())
            .collect();
        self.levels = levels;
    }

    /// The rules as a `match.toml` text (used by `--train` to write the fitted file).
    pub fn to_toml(&self, header: &str) -> String {
        let f = &self.file;
        let mut s = String::new();
        for line in header.lines() {
            s.push_str(&format!("# {line}\n"));
        }
        s.push('\n');
        // The files actually read, as full paths (none = the built-in ones).
        if let Some(p) = &self.placeholders_path {
            s.push_str(&format!("placeholders = {:?}\n", p.display().to_string()));
        }
        if let Some(p) = &self.nicknames_path {
            s.push_str(&format!("nicknames = {:?}\n", p.display().to_string()));
        }
        s.push_str(&format!(
            "\n[thresholds]\naccept = {:?}\nreview = {:?}\nreference_records = {}\n\n[blocking]\nmax_block = {}\nmax_name_block = {}\n\n\
             [similarity]\njw_high = {:?}\njw_mid = {:?}\n\n[term_frequency]\nenabled = {}\nmin_u = {:?}\n\n[household]\nbonus = {:?}\nmax_size = {}\n\n[timeline]\ngap_days = {}\noverlap_days = {}\n",
            f.thresholds.accept,
            f.thresholds.review,
            f.thresholds.reference_records,
            f.blocking.max_block,
            f.blocking.max_name_block,
            f.similarity.jw_high,
            f.similarity.jw_mid,
            f.term_frequency.enabled,
            f.term_frequency.min_u,
            f.household.bonus,
            f.household.max_size,
            f.timeline.gap_days,
            f.timeline.overlap_days
        ));
        for (fi, field) in FIELDS.iter().enumerate() {
            s.push_str(&format!("\n[fields.{field}]\n"));
            for (li, level) in LEVELS[fi].iter().enumerate() {
                let l = self.levels[fi][li];
                s.push_str(&format!(
                    "{level} = {{ m = {}, u = {} }}\n",
                    round_sig(l.m),
                    round_sig(l.u)
                ));
            }
        }
        s
    }
}

/// Six significant digits, written so TOML reads it back as a float.
fn round_sig(x: f64) -> String {
    let s = format!("{:.5e}", x);
    let v: f64 = s.parse().unwrap_or(x);
    let out = format!("{v:?}");
    if out.contains('.') || out.contains('e') {
        out
    } else {
        format!("{out}.0")
    }
}

/// Reads `name,nickname` pairs: each formal name and its nicknames form one group; a name may
/// belong to several groups (AL: Albert, Alfred, Alan, ...).
fn nickname_groups(text: &str, origin: &str) -> Result<HashMap<String, Vec<u32>>, RulesError> {
    let mut groups: BTreeMap<String, u32> = BTreeMap::new();
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || (i == 0 && line.starts_with("name,")) {
            continue;
        }
        let Some((a, b)) = line.split_once(',') else {
            return Err(RulesError::Invalid(
                origin.to_string(),
                format!("line {}: expected `name,nickname`", i + 1),
            ));
        };
        let (a, b) = (super::normalize::fold(a), super::normalize::fold(b));
        if a.is_empty() || b.is_empty() {
            continue;
        }
        let n = groups.len() as u32;
        let g = *groups.entry(a.clone()).or_insert(n);
        pairs.push((a, g));
        pairs.push((b, g));
    }
    let mut out: HashMap<String, Vec<u32>> = HashMap::new();
    for (name, g) in pairs {
        out.entry(name).or_default().push(g);
    }
    for v in out.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    Ok(out)
}
