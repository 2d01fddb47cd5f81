//! Household context: when two households (at two agencies, or two enrollments) already share
//! a linked person, their other members are far likelier to be the same people than two
//! records met by chance. A second pass compares the members of such household pairs and
//! adds `[household] bonus` to pairs whose fields do not contradict it (no disagreeing SSN,
//! birth date or first name, not twins); the clusters are then rebuilt.

use foldhash::{HashMap, HashMapExt};

use rayon::prelude::*;

use crate::ingest::Dataset;

use super::block::Scored;
use super::compare::{Comparer, lv};
use super::normalize::Record;
use super::rules::{DOB, FIRST, MISSING, SSN};

/// Households as lists of record indices (each at most once), from Enrollment.HouseholdID.
pub fn households(dataset: &Dataset, records: &[Record]) -> Vec<Vec<u32>> {
    let mut of_export: Vec<Vec<u32>> = vec![Vec::new(); dataset.exports.len()];
    for (i, r) in records.iter().enumerate() {
        of_export[r.export as usize].push(i as u32);
    }
    // Each export on its own thread; exports in order, each one's households sorted.
    let per_export: Vec<Vec<Vec<u32>>> = of_export
        .into_par_iter()
        .with_max_len(1)
        .enumerate()
        .map(|(e, recs)| {
            let mut by_pid: HashMap<&str, u32> = HashMap::with_capacity(recs.len());
            for i in recs {
                by_pid.insert(super::personal_id(dataset, &records[i as usize]), i);
            }
            let en = dataset.exports[e].table("Enrollment");
            let (Some(pid), Some(hh)) = (en.str_col("PersonalID"), en.str_col("HouseholdID"))
            else {
                return Vec::new();
            };
            // (HouseholdID, record) for every enrollment of a known client, then runs of one
            // HouseholdID. HouseholdIDs by their code in the column (one per distinct
            // value): the lists are put in their own order below, whatever the IDs' order.
            let mut members: Vec<(u32, u32)> = (0..en.len())
                .filter_map(|k| by_pid.get(pid.get(k)).map(|&r| (hh.code(k), r)))
                .collect();
            members.sort_unstable();
            members.dedup();
            let mut list: Vec<Vec<u32>> = members
                .chunk_by(|a, b| a.0 == b.0)
                .filter(|g| g.len() > 1)
                .map(|g| g.iter().map(|m| m.1).collect())
                .collect();
            list.sort_unstable();
            list
        })
        .collect();
    per_export.into_iter().flatten().collect()
}

/// The household pass: rounds of pairs across linked households, scored with the bonus.
/// Households larger than `max_size` are ignored (shelters that give one HouseholdID to
/// unrelated people). A later round compares only the household pairs new to it, and the
/// record pairs earlier rounds found in one cluster (the only ones whose outcome the
/// rebuilt clusters can change): the other pairs score as they did.
pub struct Pass<'a> {
    records: &'a [Record],
    households: Vec<&'a Vec<u32>>,
    comparer: &'a Comparer<'a>,
    bonus: f32,
    keep: f32,
    /// Household pairs already compared (sorted).
    compared: Vec<(u32, u32)>,
    /// Record pairs of compared household pairs found in one cluster, each with its
    /// household pair (sorted).
    together: Vec<((u32, u32), (u32, u32))>,
}

impl<'a> Pass<'a> {
    /// Pairs will be kept when they score at least `keep` with the `bonus`.
    pub fn new(
        records: &'a [Record],
        households: &'a [Vec<u32>],
        comparer: &'a Comparer<'a>,
        bonus: f32,
        max_size: usize,
        keep: f32,
    ) -> Pass<'a> {
        Pass {
            records,
            households: households.iter().filter(|h| h.len() <= max_size).collect(),
            comparer,
            bonus,
            keep,
            compared: Vec::new(),
            together: Vec::new(),
        }
    }

    /// One round over the clusters as they are now: pairs across linked households, for
    /// records not yet together, with the bonus applied.
    pub fn round(&mut self, cluster: &[u32]) -> Vec<Scored> {
        let households = &self.households;
        // (cluster, household) for each cluster a household holds, sorted: each cluster's
        // run lists its households, any two of which are a linked pair.
        let mut holds: Vec<(u32, u32)> = households
            .par_iter()
            .enumerate()
            .flat_map_iter(|(h, members)| {
                let mut cs: Vec<u32> = members.iter().map(|&r| cluster[r as usize]).collect();
                cs.sort_unstable();
                cs.dedup();
                cs.into_iter().map(move |c| (c, h as u32))
            })
            .collect();
        holds.par_sort_unstable();
        let mut hpairs: Vec<(u32, u32)> = Vec::new();
        for run in holds.chunk_by(|a, b| a.0 == b.0) {
            for (i, &(_, h1)) in run.iter().enumerate() {
                hpairs.extend(run[i + 1..].iter().map(|&(_, h2)| (h1, h2)));
            }
        }
        drop(holds);
        hpairs.par_sort_unstable();
        hpairs.dedup();
        // Record pairs earlier rounds found together, in household pairs still linked:
        // scored now if the clusters have parted them, else kept for the next round.
        let earlier = std::mem::take(&mut self.together);
        let (apart, mut together): (Vec<_>, Vec<_>) = earlier
            .into_par_iter()
            .filter(|(h, _)| hpairs.binary_search(h).is_ok())
            .partition(|&(_, (a, b))| cluster[a as usize] != cluster[b as usize]);
        hpairs.retain(|p| self.compared.binary_search(p).is_err());
        type Found = (Vec<Scored>, Vec<((u32, u32), (u32, u32))>);
        let found: Vec<Found> = hpairs
            .par_iter()
            .with_max_len(64)
            .map(|&(h1, h2)| {
                let (mut v, mut together) = (Vec::new(), Vec::new());
                for &a in households[h1 as usize] {
                    for &b in households[h2 as usize] {
                        if a == b {
                            continue;
                        }
                        if cluster[a as usize] == cluster[b as usize] {
                            together.push(((h1, h2), (a.min(b), a.max(b))));
                            continue;
                        }
                        v.extend(self.score(a, b));
                    }
                }
                (v, together)
            })
            .collect();
        let mut out: Vec<Scored> = apart
            .par_iter()
            .filter_map(|&(_, (a, b))| self.score(a, b))
            .collect();
        for (v, t) in found {
            out.extend(v);
            together.extend(t);
        }
        together.par_sort_unstable();
        together.dedup();
        self.together = together;
        self.compared.extend(hpairs);
        self.compared.par_sort_unstable();
        out.par_sort_unstable_by_key(|p| (p.a, p.b));
        out.dedup_by_key(|p| (p.a, p.b));
        out
    }

    /// The pair with the bonus, if it reaches `keep` and nothing contradicts it.
    fn score(&self, a: u32, b: u32) -> Option<Scored> {
        let (lo, hi) = (a.min(b), a.max(b));
        let (ra, rb) = (&self.records[lo as usize], &self.records[hi as usize]);
        if ra.group == rb.group {
            return None;
        }
        // Pairs that cannot reach `keep` even with the bonus are not scored.
        let mut c = self.comparer.compare_above(ra, rb, self.bonus, self.keep)?;
        let l = c.levels;
        let contradicts = c.twin
            || l[SSN] == lv::SSN_DISAGREE
            || matches!(l[DOB], lv::DOB_DISAGREE | lv::DOB_PARTIAL)
            || l[FIRST] == lv::FIRST_DISAGREE
            || (l[FIRST] == MISSING && l[DOB] != lv::EXACT);
        if contradicts {
            return None;
        }
        c.score += self.bonus;
        c.household = true;
        Some(Scored {
            a: lo,
            b: hi,
            cmp: c,
        })
    }
}
