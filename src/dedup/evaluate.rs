//! Measuring the matcher against a ground truth (`--truth`): pairwise precision, recall and
//! F1 over the records both know, and true vs predicted person counts.

use std::collections::HashMap;

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quality {
    /// Records found in both the run and the truth file.
    pub records_evaluated: usize,
    /// Truth rows with no record in this run, and run records absent from the truth.
    pub truth_rows_not_found: usize,
    pub records_without_truth: usize,
    pub true_persons: usize,
    pub predicted_persons: usize,
    /// (predicted - true) / true.
    pub person_count_error: f64,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub correct_pairs: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// `truth`: (ExportID, PersonalID, PersonKey); `predicted`: (ExportID, PersonalID, cluster).
pub fn quality<'a>(
    truth: &[(String, String, String)],
    predicted: impl Iterator<Item = (&'a str, &'a str, u32)>,
) -> Quality {
    let mut key_ix: HashMap<&str, u32> = HashMap::new();
    let mut truth_of: HashMap<(&str, &str), u32> = HashMap::new();
    for (e, p, k) in truth {
        let n = key_ix.len() as u32;
        let k = *key_ix.entry(k.as_str()).or_insert(n);
        truth_of.insert((e.as_str(), p.as_str()), k);
    }
    let mut cells: HashMap<(u32, u32), u64> = HashMap::new();
    let mut pred: HashMap<u32, u64> = HashMap::new();
    let mut real: HashMap<u32, u64> = HashMap::new();
    let (mut evaluated, mut without) = (0usize, 0usize);
    for (e, p, c) in predicted {
        match truth_of.get(&(e, p)) {
            Some(&k) => {
                evaluated += 1;
                *cells.entry((c, k)).or_default() += 1;
                *pred.entry(c).or_default() += 1;
                *real.entry(k).or_default() += 1;
            }
            None => without += 1,
        }
    }
    let correct: u64 = cells.values().map(|&n| pairs(n)).sum();
    let predicted_pairs: u64 = pred.values().map(|&n| pairs(n)).sum();
    let true_pairs: u64 = real.values().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(correct, predicted_pairs);
    let recall = ratio(correct, true_pairs);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let round = |x: f64| (x * 1e6).round() / 1e6;
    Quality {
        records_evaluated: evaluated,
        truth_rows_not_found: truth.len().saturating_sub(evaluated),
        records_without_truth: without,
        true_persons: real.len(),
        predicted_persons: pred.len(),
        person_count_error: round(if real.is_empty() {
            0.0
        } else {
            (pred.len() as f64 - real.len() as f64) / real.len() as f64
        }),
        true_pairs,
        predicted_pairs,
        correct_pairs: correct,
        precision: round(precision),
        recall: round(recall),
        f1: round(f1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_counts() {
        let t = |e: &str, p: &str, k: &str| (e.to_string(), p.to_string(), k.to_string());
        // Truth: {a,b,c} one person, {d} another.
        let truth = vec![
            t("E", "a", "P1"),
            t("E", "b", "P1"),
            t("E", "c", "P1"),
            t("E", "d", "P2"),
        ];
        // Predicted: {a,b}, {c,d}.
        let pred = vec![("E", "a", 0), ("E", "b", 0), ("E", "c", 2), ("E", "d", 2)];
        let q = quality(&truth, pred.into_iter());
        assert_eq!(
            (q.true_pairs, q.predicted_pairs, q.correct_pairs),
            (3, 2, 1)
        );
        assert_eq!(q.precision, 0.5);
        assert_eq!(q.recall, 0.333333);
        assert_eq!((q.true_persons, q.predicted_persons), (2, 2));
    }
}
