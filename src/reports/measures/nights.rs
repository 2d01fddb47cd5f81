//! The homeless-night timeline of a person and the current episode (SPM Measure 1).
//!
//! Nights are kept as sorted, disjoint, half-open intervals `[first, after_last)` of day
//! numbers, so seven years of shelter history is a handful of intervals, not thousands of
//! dates.

use crate::facts::{Day, Facts};
use crate::hmis::codes::ProjectType;

use super::stays::{self, continuum_type};

/// A set of nights.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nights(pub Vec<(Day, Day)>);

impl Nights {
    /// From intervals in any order, overlapping or adjacent (empty ones dropped).
    pub fn from_intervals(mut v: Vec<(Day, Day)>) -> Nights {
        v.retain(|(a, b)| a < b);
        v.sort_unstable();
        let mut out: Vec<(Day, Day)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        Nights(out)
    }

    /// The nights of `self` that are not in `other`.
    pub fn minus(&self, other: &Nights) -> Nights {
        let mut out = Vec::new();
        let mut j = 0;
        for &(a, b) in &self.0 {
            let mut cur = a;
            while j < other.0.len() && other.0[j].1 <= cur {
                j += 1;
            }
            let mut k = j;
            while cur < b {
                match other.0.get(k) {
                    Some(&(oa, ob)) if oa < b => {
                        if oa > cur {
                            out.push((cur, oa));
                        }
                        cur = cur.max(ob);
                        k += 1;
                    }
                    _ => {
                        out.push((cur, b));
                        cur = b;
                    }
                }
            }
        }
        Nights(out)
    }

    /// Only the nights in `[from, to]` (inclusive).
    pub fn clip(&self, from: Day, to: Day) -> Nights {
        Nights(
            self.0
                .iter()
                .filter_map(|&(a, b)| {
                    let (a, b) = (a.max(from), b.min(to.saturating_add(1)));
                    (a < b).then_some((a, b))
                })
                .collect(),
        )
    }

    pub fn count(&self) -> u32 {
        self.0.iter().map(|(a, b)| (b - a) as u32).sum()
    }

    pub fn last(&self) -> Option<Day> {
        self.0.last().map(|&(_, b)| b - 1)
    }

    pub fn contains(&self, night: Day) -> bool {
        let i = self.0.partition_point(|&(_, b)| b <= night);
        self.0.get(i).is_some_and(|&(a, _)| a <= night)
    }

    /// The current episode (SPM 1.3): the 365 nights ending on the latest night, extended
    /// backwards through the run of consecutive nights that reaches into them.
    pub fn current_episode(&self) -> Nights {
        let Some(end) = self.last() else {
            return Nights::default();
        };
        let first_in_window = end - 364;
        let from = self
            .0
            .iter()
            .find(|&&(a, b)| a <= first_in_window && first_in_window < b)
            .map_or(first_in_window, |&(a, _)| a);
        self.clip(from, end)
    }
}

/// Which of Measure 1's four rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Transitional housing nights count as homeless (1a.2, 1b.2); else they are excluded.
    pub include_th: bool,
    /// 1b: adds permanent housing time before move-in for persons literally homeless at
    /// entry, and the self-reported start of homelessness (3.917).
    pub self_reported: bool,
}

impl Row {
    pub const ALL: [Row; 4] = [
        Row {
            include_th: false,
            self_reported: false,
        },
        Row {
            include_th: true,
            self_reported: false,
        },
        Row {
            include_th: false,
            self_reported: true,
        },
        Row {
            include_th: true,
            self_reported: true,
        },
    ];
}

/// The SPM period and lookback.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: Day,
    pub end: Day,
    /// Report start minus seven years.
    pub lookback: Day,
}

/// The number of nights of a person's current homeless episode for a Measure 1 row, or
/// None when the person is not in the row's universe.
pub fn days_homeless(facts: &Facts, person: u32, row: Row, w: Window) -> Option<u32> {
    let mut candidates: Vec<(Day, Day)> = Vec::new();
    let mut excluded: Vec<(Day, Day)> = Vec::new();
    let mut in_universe = false;
    let after_end = w.end + 1;
    for idx in facts.enrollments_of(person) {
        let e = &facts.enrollments[idx];
        let Some(t) = continuum_type(facts, e) else {
            continue;
        };
        if e.entry > w.end || e.exit.is_some_and(|x| x < w.lookback) {
            continue;
        }
        let stop = e.exit.unwrap_or(after_end).min(after_end);
        let is_ph = t.is_permanent_housing();
        let move_in = if is_ph {
            stays::move_in(facts, idx)
        } else {
            None
        };
        if let Some(m) = move_in {
            excluded.push((m, stop));
        }
        let relevant = match t {
            ProjectType::EsEntryExit | ProjectType::EsNbn | ProjectType::Sh => true,
            ProjectType::Th => row.include_th,
            _ if is_ph => row.self_reported && stays::literally_homeless_at_entry(facts, e),
            _ => false,
        };
        if t == ProjectType::Th && !row.include_th {
            excluded.push((e.entry, stop));
        }
        if !relevant {
            continue;
        }
        let mut first_bed_in_range = None;
        match t {
            ProjectType::EsNbn => {
                for &d in facts.bed_nights(e) {
                    if d >= e.entry && d < stop {
                        candidates.push((d, d + 1));
                        if d >= w.start && first_bed_in_range.is_none() {
                            first_bed_in_range = Some(d);
                        }
                    }
                }
                if first_bed_in_range.is_some() {
                    in_universe = true;
                }
            }
            _ if is_ph => {
                let until = move_in.unwrap_or(stop).min(stop);
                candidates.push((e.entry, until));
                let dated_in = |d: Day| d >= w.start && d <= w.end;
                let moved_or_left = move_in.or(e.exit);
                if dated_in(e.entry) || moved_or_left.is_some_and(dated_in) {
                    in_universe = true;
                }
            }
            _ => {
                candidates.push((e.entry, stop));
                if stays::open_during(e, w.start, w.end) {
                    in_universe = true;
                }
            }
        }
        if row.self_reported
            && e.entry >= w.lookback
            && let Some(hs) = stays::homeless_start(facts, idx)
        {
            let to = if t == ProjectType::EsNbn {
                first_bed_in_range.unwrap_or(e.entry)
            } else {
                e.entry
            };
            if hs < to {
                candidates.push((hs, to));
            }
        }
    }
    if !in_universe {
        return None;
    }
    let nights = Nights::from_intervals(candidates)
        .minus(&Nights::from_intervals(excluded))
        .clip(w.lookback, w.end);
    let episode = nights.current_episode();
    match episode.last() {
        Some(last) if last >= w.start => Some(episode.count()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: &[(Day, Day)]) -> Nights {
        Nights::from_intervals(v.to_vec())
    }

    #[test]
    fn union_and_difference() {
        assert_eq!(
            n(&[(5, 8), (1, 3), (3, 4), (7, 10)]).0,
            vec![(1, 4), (5, 10)]
        );
        let a = n(&[(0, 10), (20, 30)]);
        let b = n(&[(2, 4), (8, 22), (25, 26)]);
        assert_eq!(a.minus(&b).0, vec![(0, 2), (4, 8), (22, 25), (26, 30)]);
        assert_eq!(a.minus(&b).count(), 2 + 4 + 3 + 4);
        assert_eq!(a.minus(&n(&[])).0, a.0);
        assert!(a.contains(9) && !a.contains(10) && a.contains(20));
    }

    #[test]
    fn episode_keeps_the_last_year_and_the_run_reaching_into_it() {
        // Nights 0..1000 then a gap, then 1100..1200: the window is 836..1199 (365 nights);
        // the run 0..1000 reaches into it, so it is kept whole: 1000 + 100 nights.
        let a = n(&[(0, 1000), (1100, 1200)]);
        assert_eq!(a.current_episode().count(), 1100);
        // A run ending just before the window is dropped.
        let b = n(&[(0, 835), (1100, 1200)]);
        assert_eq!(b.current_episode().count(), 100);
        // A run ending on the window's first night is kept.
        let c = n(&[(0, 836), (1100, 1200)]);
        assert_eq!(c.current_episode().count(), 836 + 100);
    }
}
