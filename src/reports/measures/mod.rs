//! Building blocks shared by the System Performance Measures, the project scorecard and the
//! patterns of service use: one implementation of each concept.
//!
//! - [`destinations`]: HUD's destination groups (permanent, temporary, institutional,
//!   homeless, other) and the SPM exclusion lists;
//! - [`stays`]: who counts where (SPM project types, open during a period, the household's
//!   move-in date, literally homeless at entry, start of homelessness);
//! - [`nights`]: the homeless-night timeline and the current episode (SPM Measure 1);
//! - [`returns`]: a return to homelessness after an exit (SPM Measure 2), across agencies;
//! - [`income`]: income at two points of a stay and whether it increased (SPM Measure 4).
//!
//! Everything works on [`crate::facts::Facts`], so persons are UnduplicatedIDs: a stay or
//! a return at another agency belongs to the same person.

pub mod destinations;
pub mod income;
pub mod nights;
pub mod occupancy;
pub mod returns;
pub mod stays;

/// Median of values (the mean of the two middle values when even); None when empty.
pub fn median(values: &mut [u32]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] as f64 + values[n / 2] as f64) / 2.0
    })
}

/// Mean of values; None when empty.
pub fn mean(values: &[u32]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_means() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median(&mut [4, 1, 3, 10]), Some(3.5));
        assert_eq!(mean(&[1, 2]), Some(1.5));
        assert_eq!(mean(&[]), None);
    }
}
