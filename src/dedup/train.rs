//! `--train`: re-estimating the m and u probabilities from the data, as record-linkage tools
//! do. u (agreement by chance) is measured on random pairs of records; m (agreement among true
//! matches) and the share of matches among compared pairs are fitted by expectation
//! maximisation (hard EM, each field left out of its own assignment) over the comparison
//! vectors of the blocked pairs, with u held fixed.

use super::block::Patterns;
use super::compare::Comparer;
use super::normalize::Record;
use super::rules::{LEVELS, Level, MISSING};

/// What training found, for summary.json.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Training {
    pub random_pairs: u64,
    pub blocked_pairs: u64,
    pub iterations: usize,
    /// Share of blocked pairs the fitted weights score as matches.
    pub match_share: f64,
}

const FLOOR: f64 = 1e-7;

/// u per field and level from `samples` random record pairs (a fixed-seed generator, so the
/// result is repeatable).
pub fn estimate_u(records: &[Record], comparer: &Comparer, samples: u64) -> Vec<Vec<f64>> {
    let n = records.len() as u64;
    let mut counts: Vec<Vec<f64>> = LEVELS.iter().map(|l| vec![0.0; l.len()]).collect();
    if n < 2 {
        return counts;
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for _ in 0..samples {
        let a = (next() % n) as usize;
        let b = (next() % n) as usize;
        if a == b || records[a].group == records[b].group {
            continue;
        }
        let c = comparer.compare(&records[a], &records[b]);
        for (f, &l) in c.levels.iter().enumerate() {
            if l != MISSING {
                counts[f][l as usize] += 1.0;
            }
        }
    }
    counts
        .into_iter()
        .map(|row| {
            let total: f64 = row.iter().sum();
            row.iter()
                .map(|&c| {
                    if total == 0.0 {
                        FLOOR
                    } else {
                        // Half a count for levels never seen by chance.
                        (c.max(0.5) / total).clamp(FLOOR, 1.0 - FLOOR)
                    }
                })
                .collect()
        })
        .collect()
}

/// Fits m with u fixed, by hard (classification) EM with leave-one-field-out assignment:
/// for each field, the pairs that the *other* fields alone score at or above `accept` are
/// taken as matches, and the field's m is the distribution of its levels among them. Repeated
/// until stable. Plain soft EM over blocked pairs degenerates here (blocking makes
/// non-matches agree on the blocked fields, so it explains nearly every blocked pair as a
/// match: measured match share 0.996 on a synth community); leaving the field out avoids
/// that circularity. Returns the levels, iterations, and the share of pairs scored as
/// matches.
pub fn fit_m(
    patterns: &Patterns,
    start: &[Vec<Level>],
    u: &[Vec<f64>],
    accept: f64,
    max_iter: usize,
) -> (Vec<Vec<Level>>, usize, f64) {
    // A stable order, so the floating-point sums (and the fitted file) are repeatable.
    let mut pats: Vec<(&[u8; super::rules::FIELDS.len()], f64)> =
        patterns.iter().map(|(k, &v)| (k, v as f64)).collect();
    pats.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut m: Vec<Vec<f64>> = start
        .iter()
        .map(|r| r.iter().map(|l| l.m).collect())
        .collect();
    let mut iterations = 0;
    let mut share = 0.0;
    for it in 0..max_iter {
        iterations = it + 1;
        let w: Vec<Vec<f64>> = m
            .iter()
            .zip(u)
            .map(|(mr, ur)| mr.iter().zip(ur).map(|(m, u)| (m / u).log2()).collect())
            .collect();
        let mut counts: Vec<Vec<f64>> = m.iter().map(|r| vec![0.0; r.len()]).collect();
        let (mut matched, mut total) = (0.0, 0.0);
        for (p, n) in &pats {
            let score: f64 = p
                .iter()
                .enumerate()
                .filter(|(_, l)| **l != MISSING)
                .map(|(f, &l)| w[f][l as usize])
                .sum();
            total += n;
            if score >= accept {
                matched += n;
            }
            for (f, &l) in p.iter().enumerate() {
                if l != MISSING && score - w[f][l as usize] >= accept {
                    counts[f][l as usize] += n;
                }
            }
        }
        share = if total > 0.0 { matched / total } else { 0.0 };
        let mut change: f64 = 0.0;
        for f in 0..m.len() {
            let sum: f64 = counts[f].iter().sum();
            if sum < 100.0 {
                continue; // too few confident pairs: keep the given m
            }
            let k = counts[f].len() as f64;
            for l in 0..m[f].len() {
                let v = ((counts[f][l] + 0.5) / (sum + 0.5 * k)).clamp(FLOOR, 1.0 - FLOOR);
                change = change.max((v - m[f][l]).abs());
                m[f][l] = v;
            }
        }
        if change < 1e-4 {
            break;
        }
    }
    let levels = m
        .iter()
        .zip(u)
        .map(|(mr, ur)| mr.iter().zip(ur).map(|(&m, &u)| Level { m, u }).collect())
        .collect();
    (levels, iterations, share)
}
