//! Comparing two records field by field into graded agreement levels, and scoring them as a
//! sum of Fellegi-Sunter log-likelihood weights.

use super::normalize::OPEN;
use super::normalize::{Record, SsnKind};
use super::rules::{
    DOB, FIELDS, FIRST, LAST, LEVELS, MISSING, RACE, Rules, SEX, SSN, TIMELINE, VETERAN,
};

/// Level numbers, as in [`LEVELS`].
pub(super) mod lv {
    pub const EXACT: u8 = 0;
    pub const SSN_TYPO: u8 = 1;
    pub const SSN_PARTIAL: u8 = 2;
    pub const SSN_DISAGREE: u8 = 3;
    pub const DOB_TRANSPOSED: u8 = 1;
    pub const DOB_YEAR_OFF: u8 = 2;
    pub const DOB_PARTIAL: u8 = 3;
    pub const DOB_APPROX: u8 = 4;
    pub const DOB_DISAGREE: u8 = 5;
    pub const FIRST_NICKNAME: u8 = 1;
    pub const FIRST_INITIAL: u8 = 2;
    pub const FIRST_JW_HIGH: u8 = 3;
    pub const FIRST_JW_MID: u8 = 4;
    pub const FIRST_DISAGREE: u8 = 5;
    pub const LAST_PART: u8 = 1;
    pub const LAST_JW_HIGH: u8 = 2;
    pub const LAST_JW_MID: u8 = 3;
    pub const LAST_DISAGREE: u8 = 4;
    pub const AGREE: u8 = 0;
    pub const DISAGREE: u8 = 1;
    pub const ADJACENT: u8 = 0;
    pub const OVERLAP: u8 = 1;
    pub const APART: u8 = 2;
}

/// The comparison of two records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Agreement level per field ([`MISSING`] when either side lacks it).
    pub levels: [u8; FIELDS.len()],
    pub score: f32,
    /// Jaro-Winkler similarity of first and last names (for the evidence text).
    pub jw: [f32; 2],
    /// First and last names agreed crosswise (recorded swapped on one side).
    pub swapped: bool,
    /// Looks like twins or siblings (same family name, close birth dates, first names not
    /// clearly the same, SSNs not equal): never linked by score, only by review.
    pub twin: bool,
    /// The records' households hold another person already linked across them (the
    /// household bonus is included in `score`).
    pub household: bool,
}

/// Jaro-Winkler similarity of two folded names. Folding leaves only ASCII letters and
/// spaces ([`super::normalize::fold`]), so comparing bytes gives the same value as comparing
/// characters, without decoding UTF-8 on every step of strsim's inner loop.
fn jaro_winkler(x: &str, y: &str) -> f64 {
    if x.is_ascii() && y.is_ascii() {
        strsim::generic_jaro_winkler(&Bytes(x.as_bytes()), &Bytes(y.as_bytes()))
    } else {
        strsim::jaro_winkler(x, y)
    }
}

/// A name's bytes, as strsim's generic functions take them.
struct Bytes<'a>(&'a [u8]);

impl<'b> IntoIterator for &Bytes<'b> {
    type Item = u8;
    type IntoIter = std::iter::Copied<std::slice::Iter<'b, u8>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().copied()
    }
}

/// Weights of exact first/last name agreement for one record's names (term frequency).
#[derive(Debug, Clone, Copy, Default)]
pub struct NameWeights {
    pub first: f32,
    pub last: f32,
}

pub struct Comparer<'a> {
    pub rules: &'a Rules,
    /// The largest level weight of the first and of the last name (for the score bound).
    best_level: [f32; 2],
}

/// The fields other than the names, compared: their levels (names left [`MISSING`]) and the
/// sum of their weights. Shared by [`Comparer::score_bound`] and [`Comparer::compare`], so a
/// pair that passes the bound is not compared twice.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    levels: [u8; FIELDS.len()],
    score: f32,
}

impl<'a> Comparer<'a> {
    /// A comparer under these rules. Each record's exact-name weights are in the record
    /// ([`Record::weights`]).
    pub fn new(rules: &'a Rules) -> Comparer<'a> {
        let best = |f: usize| {
            rules.weights[f]
                .iter()
                .copied()
                .fold(f32::NEG_INFINITY, f32::max)
        };
        Comparer {
            rules,
            best_level: [best(FIRST), best(LAST)],
        }
    }

    /// The levels and summed weights of every field but the names.
    pub fn fields(&self, a: &Record, b: &Record) -> Fields {
        let w = &self.rules.weights;
        let mut levels = [MISSING; FIELDS.len()];
        levels[SSN] = ssn_level(a, b);
        levels[DOB] = dob_level(a, b);
        levels[SEX] = known_pair(a.sex, b.sex);
        levels[VETERAN] = known_pair(a.veteran, b.veteran);
        levels[RACE] = if a.race == 0 || b.race == 0 {
            MISSING
        } else if a.race & b.race != 0 {
            lv::AGREE
        } else {
            lv::DISAGREE
        };
        levels[TIMELINE] = timeline_level(a, b, &self.rules.file.timeline);
        let mut score = 0.0;
        for f in [SSN, DOB, SEX, RACE, VETERAN, TIMELINE] {
            if levels[f] != MISSING {
                score += w[f][levels[f] as usize];
            }
        }
        Fields { levels, score }
    }

    /// An upper bound of `compare(..).score`: the exact score of the fields other than the
    /// names, plus the most the names could add (the best level or exact weight of each, in
    /// either order). Lets blocking skip the name similarities for pairs that cannot reach
    /// the review threshold whatever their names say.
    pub fn score_bound(&self, a: &Record, b: &Record) -> f32 {
        self.bound_of(&self.fields(a, b), a, b)
    }

    fn bound_of(&self, fields: &Fields, a: &Record, b: &Record) -> f32 {
        let (ta, tb) = (a.weights, b.weights);
        let [first, last] = self
            .best_level
            .map(|level| move |exact: f32| exact.max(0.0).max(level));
        let straight = first(ta.first.min(tb.first)) + last(ta.last.min(tb.last));
        let crossed = first(ta.first.min(tb.last)) + last(ta.last.min(tb.first));
        // A margin for the order of float additions.
        fields.score + straight.max(crossed) + 0.01
    }

    /// The comparison of a pair whose score can reach `keep` (by [`Comparer::score_bound`]
    /// plus `bonus`), `None` for the others, whose names are then not compared.
    pub fn compare_above(
        &self,
        a: &Record,
        b: &Record,
        bonus: f32,
        keep: f32,
    ) -> Option<Comparison> {
        let fields = self.fields(a, b);
        if self.bound_of(&fields, a, b) + bonus < keep {
            return None;
        }
        Some(self.compare_fields(fields, a, b))
    }

    pub fn compare(&self, a: &Record, b: &Record) -> Comparison {
        self.compare_fields(self.fields(a, b), a, b)
    }

    fn compare_fields(&self, fields: Fields, a: &Record, b: &Record) -> Comparison {
        let w = &self.rules.weights;
        let sim = &self.rules.file.similarity;
        let mut levels = fields.levels;

        let (ta, tb) = (a.weights, b.weights);
        // Names, straight and crosswise.
        let nick = &self.rules.nickname_members;
        let (f_lv, f_jw) = first_level(
            &a.first,
            &a.first_groups,
            &b.first,
            &b.first_groups,
            nick,
            sim.jw_high,
            sim.jw_mid,
        );
        let (l_lv, l_jw) = last_level(
            &a.last,
            &b.last,
            &a.last_parts,
            &b.last_parts,
            sim.jw_high,
            sim.jw_mid,
        );
        let name_w = |lv: u8, f: usize, exact: f32| -> f32 {
            match lv {
                MISSING => 0.0,
                lv::EXACT => exact,
                l => w[f][l as usize],
            }
        };
        let straight =
            name_w(f_lv, FIRST, ta.first.min(tb.first)) + name_w(l_lv, LAST, ta.last.min(tb.last));
        let mut names = (f_lv, l_lv, f_jw, l_jw, straight, false);
        let all_names =
            !(a.first.is_empty() || a.last.is_empty() || b.first.is_empty() || b.last.is_empty());
        let both_exact = f_lv == lv::EXACT && l_lv == lv::EXACT;
        if all_names && !both_exact {
            // First and last name recorded the other way round on one side: each compared
            // with the same levels as in place (nicknames, initials, parts, typos).
            let groups = |n: &str| self.rules.nickname_groups.get(n).map_or(&[][..], |g| g);
            let cross = |x: &Record, y: &Record| {
                let (xf, xf_jw) = first_level(
                    &x.first,
                    &x.first_groups,
                    &y.last,
                    groups(&y.last),
                    nick,
                    sim.jw_high,
                    sim.jw_mid,
                );
                let (xl, xl_jw) = last_level(
                    &x.last,
                    &y.first,
                    &x.last_parts,
                    &[],
                    sim.jw_high,
                    sim.jw_mid,
                );
                (xf, xl, xf_jw, xl_jw)
            };
            // a's first against b's last and a's last against b's first.
            let (xf, xl, xf_jw, xl_jw) = cross(a, b);
            let crossed =
                name_w(xf, FIRST, ta.first.min(tb.last)) + name_w(xl, LAST, ta.last.min(tb.first));
            // Only a clear crosswise agreement counts (neither name merely similar).
            let clear_f = !matches!(xf, lv::FIRST_JW_MID | lv::FIRST_DISAGREE | MISSING);
            let clear_l = !matches!(xl, lv::LAST_JW_MID | lv::LAST_DISAGREE | MISSING);
            if crossed > straight + 1.0 && clear_f && clear_l {
                names = (xf, xl, xf_jw, xl_jw, crossed, true);
            }
        }
        levels[FIRST] = names.0;
        levels[LAST] = names.1;

        // The names first, then the other fields in the order they were always added.
        let mut score = names.4;
        for f in [SSN, DOB, SEX, RACE, VETERAN, TIMELINE] {
            if levels[f] != MISSING {
                score += w[f][levels[f] as usize];
            }
        }
        // Twins and siblings: same family name and birth date (or one close to it), different
        // first names (or only an initial, with an SSN that disagrees), SSNs not equal. Twins
        // often have consecutive SSNs: a pair whose full SSNs are one or two apart with close
        // birth dates is taken for twins unless the first names are the same (a typo that
        // happens to make the SSN consecutive is rare), also when a name is missing.
        let close_dob = matches!(
            levels[DOB],
            lv::EXACT | lv::DOB_TRANSPOSED | lv::DOB_YEAR_OFF
        );
        let family = !matches!(levels[LAST], lv::LAST_DISAGREE | MISSING);
        let other_first = levels[FIRST] == lv::FIRST_DISAGREE
            || (levels[FIRST] == lv::FIRST_INITIAL && levels[SSN] == lv::SSN_DISAGREE);
        let consecutive = consecutive_ssn(a, b)
            && levels[FIRST] != lv::EXACT
            && levels[LAST] != lv::LAST_DISAGREE;
        let twin = !names.5
            && levels[SSN] != lv::EXACT
            && close_dob
            && (family && other_first || consecutive);
        Comparison {
            levels,
            score,
            jw: [names.2, names.3],
            swapped: names.5,
            twin,
            household: false,
        }
    }
}

/// How two records' stays relate: `overlap` when two exited overnight stays share more than
/// `overlap_days` nights (one person is rarely in two projects at once), `adjacent` when one
/// record's entry follows the other's exit within `gap_days` (moving on from one project to
/// the next), `apart` otherwise; missing when either record has no enrollment.
fn timeline_level(a: &Record, b: &Record, t: &super::rules::Timeline) -> u8 {
    if a.stays.is_empty() || b.stays.is_empty() {
        return MISSING;
    }
    let mut adjacent = false;
    for &(ea, xa, oa) in a.stays.iter() {
        for &(eb, xb, ob) in b.stays.iter() {
            if oa && ob && xa != OPEN && xb != OPEN && xa.min(xb) - ea.max(eb) > t.overlap_days {
                return lv::OVERLAP;
            }
            let after =
                |exit: i32, entry: i32| exit != OPEN && (0..=t.gap_days).contains(&(entry - exit));
            adjacent |= after(xa, eb) || after(xb, ea);
        }
    }
    if adjacent { lv::ADJACENT } else { lv::APART }
}

fn known_pair(a: i8, b: i8) -> u8 {
    if a < 0 || b < 0 {
        MISSING
    } else if a == b {
        lv::AGREE
    } else {
        lv::DISAGREE
    }
}

fn ssn_level(a: &Record, b: &Record) -> u8 {
    use SsnKind::*;
    match (a.ssn_kind, b.ssn_kind) {
        (Missing, _) | (_, Missing) => MISSING,
        (Full, Full) => {
            if a.ssn == b.ssn {
                lv::EXACT
            } else if one_edit(&a.ssn, &b.ssn) {
                lv::SSN_TYPO
            } else {
                lv::SSN_DISAGREE
            }
        }
        _ => {
            let mut both = 0;
            let mut differ = 0;
            for i in 0..9 {
                if a.ssn[i] != b'?' && b.ssn[i] != b'?' {
                    both += 1;
                    differ += (a.ssn[i] != b.ssn[i]) as u32;
                }
            }
            if both < 4 {
                MISSING
            } else if differ == 0 {
                lv::SSN_PARTIAL
            } else {
                lv::SSN_DISAGREE
            }
        }
    }
}

/// Two full SSNs one or two apart as numbers (as the SSA often gives twins).
fn consecutive_ssn(a: &Record, b: &Record) -> bool {
    if a.ssn_kind != SsnKind::Full || b.ssn_kind != SsnKind::Full {
        return false;
    }
    let num = |s: &[u8; 9]| s.iter().fold(0i64, |n, d| n * 10 + (d - b'0') as i64);
    matches!((num(&a.ssn) - num(&b.ssn)).abs(), 1 | 2)
}

/// One digit changed, or two adjacent digits swapped.
pub(super) fn one_edit(a: &[u8; 9], b: &[u8; 9]) -> bool {
    // The first and last positions that differ (no allocation: this runs on most compared
    // pairs with full SSNs).
    let Some(i) = (0..9).find(|&i| a[i] != b[i]) else {
        return false;
    };
    let j = (0..9).rev().find(|&j| a[j] != b[j]).unwrap_or(i);
    if i == j {
        return true;
    }
    j == i + 1 && a[i] == b[j] && a[j] == b[i]
}

fn dob_level(a: &Record, b: &Record) -> u8 {
    if !a.has_dob() || !b.has_dob() {
        return MISSING;
    }
    let (ya, ma, da) = a.dob;
    let (yb, mb, db) = b.dob;
    if a.dob_approx || b.dob_approx {
        return if ya == yb {
            lv::DOB_APPROX
        } else {
            lv::DOB_DISAGREE
        };
    }
    if a.dob == b.dob {
        lv::EXACT
    } else if ya == yb && ma == db && da == mb {
        lv::DOB_TRANSPOSED
    } else if ma == mb && da == db && (ya - yb).abs() <= 2 {
        lv::DOB_YEAR_OFF
    } else if (ya == yb) as u8 + (ma == mb) as u8 + (da == db) as u8 >= 2 {
        lv::DOB_PARTIAL
    } else {
        lv::DOB_DISAGREE
    }
}

/// First names: exact, in one nickname group, an initial, a misspelt nickname or name (one
/// edit: a letter changed, dropped, doubled or two swapped), or Jaro-Winkler similarity.
fn first_level(
    x: &str,
    gx: &[u32],
    y: &str,
    gy: &[u32],
    nick: &[Vec<String>],
    high: f64,
    mid: f64,
) -> (u8, f32) {
    if x.is_empty() || y.is_empty() {
        return (MISSING, 0.0);
    }
    if x == y {
        return (lv::EXACT, 1.0);
    }
    if shares(gx, gy) {
        return (lv::FIRST_NICKNAME, jaro_winkler(x, y) as f32);
    }
    if (x.len() == 1 || y.len() == 1) && x.as_bytes()[0] == y.as_bytes()[0] {
        return (lv::FIRST_INITIAL, 0.0);
    }
    let j = jaro_winkler(x, y);
    if x.len() >= 3 && y.len() >= 3 {
        // A nickname of the other's name, misspelt (RSCH for RACH, RACHEL).
        let near = |n: &str, groups: &[u32]| {
            groups.iter().any(|&g| {
                nick.get(g as usize)
                    .is_some_and(|m| m.iter().any(|o| one_name_edit(n, o)))
            })
        };
        if near(x, gy) || near(y, gx) {
            return (lv::FIRST_NICKNAME, j as f32);
        }
        if j < high && one_name_edit(x, y) {
            return (lv::FIRST_JW_HIGH, j as f32);
        }
    }
    let lvl = if j >= high {
        lv::FIRST_JW_HIGH
    } else if j >= mid {
        lv::FIRST_JW_MID
    } else {
        lv::FIRST_DISAGREE
    };
    (lvl, j as f32)
}

/// Two names of at least three letters one typing slip apart: a letter changed, added or
/// dropped, or two adjacent letters swapped (no allocation: this runs on most compared pairs).
fn one_name_edit(x: &str, y: &str) -> bool {
    let (a, b) = (x.as_bytes(), y.as_bytes());
    if a.len() < 3 || b.len() < 3 || a.len().abs_diff(b.len()) > 1 || a == b {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(c, d)| c == d).count();
    if a.len() == b.len() {
        let (ra, rb) = (&a[p + 1..], &b[p + 1..]);
        // One letter changed, or swapped with the next.
        ra == rb
            || (p + 1 < a.len() && a[p] == b[p + 1] && a[p + 1] == b[p] && a[p + 2..] == b[p + 2..])
    } else {
        let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
        long[p + 1..] == short[p..]
    }
}

fn last_level(x: &str, y: &str, px: &[String], py: &[String], high: f64, mid: f64) -> (u8, f32) {
    if x.is_empty() || y.is_empty() {
        return (MISSING, 0.0);
    }
    if x == y {
        return (lv::EXACT, 1.0);
    }
    if px.iter().any(|p| p == y) || py.iter().any(|p| p == x) || px.iter().any(|p| py.contains(p)) {
        return (lv::LAST_PART, jaro_winkler(x, y) as f32);
    }
    let j = jaro_winkler(x, y);
    let lvl = if j >= high {
        lv::LAST_JW_HIGH
    } else if j >= mid {
        lv::LAST_JW_MID
    } else {
        lv::LAST_DISAGREE
    };
    (lvl, j as f32)
}

fn shares(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}

/// The evidence text of a comparison: the level per field, no values, e.g.
/// `ssn=exact;dob=transposed;first=nickname;last=jw0.94;sex=agree;race=missing;veteran=agree`.
pub fn evidence(c: &Comparison) -> String {
    let mut s = String::new();
    for (f, name) in super::rules::FIELDS.iter().enumerate() {
        if f > 0 {
            s.push(';');
        }
        s.push_str(name);
        s.push('=');
        let l = c.levels[f];
        if l == MISSING {
            s.push_str("missing");
            continue;
        }
        let level = LEVELS[f][l as usize];
        if level.starts_with("jw_") && (f == FIRST || f == LAST) {
            s.push_str(&format!("jw{:.2}", c.jw[f - FIRST]));
        } else {
            s.push_str(level);
        }
    }
    if c.swapped {
        s.push_str(";names=swapped");
    }
    if c.household {
        s.push_str(";household=linked");
    }
    if c.twin {
        s.push_str(";twin_guard");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::normalize::{first_name, last_name, ssn};

    fn rec(first: &str, last: &str, ssn_raw: &str, dob: (i32, u8, u8), rules: &Rules) -> Record {
        let (f, groups) = first_name(first, rules);
        let (l, parts) = last_name(last, rules);
        let (s, kind) = ssn(ssn_raw, if ssn_raw.contains('X') { 2 } else { 1 }, rules);
        Record {
            export: 0,
            row: 0,
            source: 0,
            group: 0,
            pid: "T".into(),
            first: f,
            first_groups: groups,
            last: l,
            last_parts: parts,
            ssn: s,
            ssn_kind: kind,
            dob,
            dob_approx: false,
            sex: 1,
            race: 0,
            veteran: -1,
            stays: Default::default(),
            weights: NameWeights {
                first: rules.weights[FIRST][0],
                last: rules.weights[LAST][0],
            },
        }
    }

    fn cmp(a: &Record, b: &Record, rules: &Rules) -> Comparison {
        Comparer::new(rules).compare(a, b)
    }

    #[test]
    fn graded_levels_and_evidence() {
        let r = Rules::builtin();
        let a = rec("Robert", "Garcia-Lopez", "234567890", (1980, 3, 4), &r);
        let b = rec("Bob", "Garcia", "234567809", (1980, 4, 3), &r);
        let c = cmp(&a, &b, &r);
        assert_eq!(
            evidence(&c),
            "ssn=typo;dob=transposed;first=nickname;last=part;sex=agree;race=missing;veteran=missing;timeline=missing"
        );
        assert!(c.score >= r.file.thresholds.accept as f32, "{}", c.score);
        // Swapped first and last names agree crosswise.
        let d = rec("Garcia", "Robert", "", (1980, 3, 4), &r);
        let e = rec("Robert", "Garcia", "", (1980, 3, 4), &r);
        let c = cmp(&d, &e, &r);
        assert!(c.swapped, "{}", evidence(&c));
        assert_eq!(c.levels[FIRST], lv::EXACT);
        // Partial SSN: only the digits given are compared.
        let f = rec("Ann", "Lee", "XXXXX7890", (0, 0, 0), &r);
        assert_eq!(cmp(&a, &f, &r).levels[SSN], lv::SSN_PARTIAL);
        let g = rec("Ann", "Lee", "XXXXX7891", (0, 0, 0), &r);
        assert_eq!(cmp(&a, &g, &r).levels[SSN], lv::SSN_DISAGREE);
        // Different valid SSNs and birth dates count strongly against.
        let h = rec("Robert", "Garcia-Lopez", "345678901", (1975, 8, 9), &r);
        assert!(cmp(&a, &h, &r).score < r.file.thresholds.review as f32);
    }

    const NAMES: [&str; 12] = [
        "Robert",
        "Bob",
        "Roberta",
        "Garcia",
        "Garcia-Lopez",
        "Lopez",
        "Ann",
        "Anne",
        "A",
        "",
        "Smith",
        "Smyth",
    ];
    const SSNS: [&str; 7] = [
        "234567890",
        "234567809",
        "234567891",
        "XXXXX7890",
        "345678901",
        "",
        "123456789",
    ];

    proptest::proptest! {
        /// Blocking skips pairs whose bound is below the review threshold: the bound must
        /// never be below the full score, whatever the fields and name frequencies.
        #[test]
        fn score_bound_is_an_upper_bound(
            mut names in proptest::collection::vec(0..NAMES.len(), 4),
            same_names in proptest::bool::ANY,
            ssns in proptest::collection::vec(0..SSNS.len(), 2),
            dobs in proptest::collection::vec((0i32..3, 1u8..4, 1u8..4), 2),
            other in proptest::collection::vec((-1i8..2, 0u8..4, -1i8..2, proptest::bool::ANY), 2),
            tf in proptest::collection::vec(-5.0f32..20.0, 4),
            stays in proptest::collection::vec(
                proptest::collection::vec(
                    (0i32..60, proptest::option::of(0i32..30), proptest::bool::ANY),
                    0..3,
                ),
                2,
            ),
        ) {
            let r = Rules::builtin();
            // Equal names make the names' bound tight: the other fields must be exact.
            if same_names {
                names[2] = names[0];
                names[3] = names[1];
            }
            let mk = |k: usize| {
                let (y, m, d) = dobs[k];
                let mut x = rec(
                    NAMES[names[2 * k]],
                    NAMES[names[2 * k + 1]],
                    SSNS[ssns[k]],
                    if y == 0 { (0, 0, 0) } else { (1979 + y, m, d) },
                    &r,
                );
                (x.sex, x.race, x.veteran, x.dob_approx) = other[k];
                let mut st: Vec<(i32, i32, bool)> = stays[k]
                    .iter()
                    .map(|&(entry, days, o)| (entry, days.map_or(OPEN, |d| entry + d), o))
                    .collect();
                st.sort_unstable();
                x.stays = st.into();
                x
            };
            let (mut a, mut b) = (mk(0), mk(1));
            a.weights = NameWeights { first: tf[0], last: tf[1] };
            b.weights = NameWeights { first: tf[2], last: tf[3] };
            let c = Comparer::new(&r);
            let full = c.compare(&a, &b);
            let bound = c.score_bound(&a, &b);
            proptest::prop_assert!(bound >= full.score, "bound {} < score {}", bound, full.score);
            // compare_above gives the same comparison, or none only below `keep`.
            for keep in [full.score - 1.0, full.score, full.score + 0.5, bound + 1.0] {
                match c.compare_above(&a, &b, 0.0, keep) {
                    Some(x) => proptest::prop_assert_eq!(x, full),
                    None => proptest::prop_assert!(full.score < keep),
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn byte_wise_jaro_winkler_is_strsims_on_folded_names(
            x in "[A-Z ]{0,12}",
            y in "[A-Z ]{0,12}",
        ) {
            proptest::prop_assert_eq!(jaro_winkler(&x, &y), strsim::jaro_winkler(&x, &y));
        }
    }

    #[test]
    fn one_edit_ssns() {
        let e = |a: &str, b: &str| {
            one_edit(
                a.as_bytes().try_into().unwrap(),
                b.as_bytes().try_into().unwrap(),
            )
        };
        assert!(e("123456789", "123456780"));
        assert!(e("123456789", "023456789"));
        assert!(e("123456789", "123546789"));
        assert!(!e("123456789", "123456789"));
        assert!(!e("123456789", "124356780"));
        assert!(!e("123456789", "923456781"));
        assert!(!e("123456789", "123450689"));
    }

    #[test]
    fn one_edit_names() {
        assert!(one_name_edit("MARIA", "MARIE"));
        assert!(one_name_edit("RACHEL", "RAHCEL"));
        assert!(one_name_edit("ANN", "ANNE"));
        assert!(one_name_edit("ANNE", "ANN"));
        assert!(one_name_edit("JAMES", "JAMSE"));
        assert!(!one_name_edit("JAMES", "JAMES"));
        assert!(!one_name_edit("JAMES", "JANET"));
        assert!(!one_name_edit("AL", "AI"));
        let r = Rules::builtin();
        // A misspelt nickname of the other's name (RACH -> RSCH).
        let a = rec("Rsch", "Johnson", "", (2017, 12, 28), &r);
        let b = rec("Rachel", "Johnson", "", (2017, 12, 28), &r);
        assert_eq!(cmp(&a, &b, &r).levels[FIRST], lv::FIRST_NICKNAME);
    }

    #[test]
    fn twins_are_flagged_not_scored_together() {
        let r = Rules::builtin();
        // Same last name and birth date, different first names, consecutive SSNs.
        let a = rec("Jacob", "Miller", "234567890", (2001, 5, 6), &r);
        let b = rec("Ethan", "Miller", "234567891", (2001, 5, 6), &r);
        assert!(cmp(&a, &b, &r).twin);
        // Without SSNs too.
        let a = rec("Jacob", "Miller", "", (2001, 5, 6), &r);
        let b = rec("Ethan", "Miller", "", (2001, 5, 6), &r);
        assert!(cmp(&a, &b, &r).twin);
        // The same person with a nickname is not a twin.
        let c = rec("Jake", "Miller", "", (2001, 5, 6), &r);
        let d = rec("Jacob", "Miller", "", (2001, 5, 6), &r);
        let x = cmp(&c, &d, &r);
        assert!(!x.twin, "{}", evidence(&x));
    }
}
