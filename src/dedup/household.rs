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

/// Pairs across linked households with the bonus applied, for records not yet together,
/// scoring at least `keep` with it.
/// Households larger than `max_size` are ignored (shelters that give one HouseholdID to
/// unrelated people).
pub fn bonus_pairs(
    records: &[Record],
    households: &[Vec<u32>],
    cluster: &[u32],
    comparer: &Comparer,
    bonus: f32,
    max_size: usize,
    keep: f32,
) -> Vec<Scored> {
    let households: Vec<&Vec<u32>> = households.iter().filter(|h| h.len() <= max_size).collect();
    // Households of each cluster.
    let mut of_cluster: HashMap<u32, Vec<u32>> = HashMap::new();
    for (h, members) in households.iter().enumerate() {
        let mut cs: Vec<u32> = members.iter().map(|&r| cluster[r as usize]).collect();
        cs.sort_unstable();
        cs.dedup();
        for c in cs {
            of_cluster.entry(c).or_default().push(h as u32);
        }
    }
    let mut hpairs: Vec<(u32, u32)> = of_cluster
        .values()
        .flat_map(|hs| {
            let mut v = Vec::new();
            for i in 0..hs.len() {
                for j in i + 1..hs.len() {
                    v.push((hs[i].min(hs[j]), hs[i].max(hs[j])));
                }
            }
            v
        })
        .collect();
    hpairs.sort_unstable();
    hpairs.dedup();
    let mut out: Vec<Scored> = hpairs
        .par_iter()
        .with_max_len(64)
        .flat_map_iter(|&(h1, h2)| {
            let mut v = Vec::new();
            for &a in households[h1 as usize] {
                for &b in households[h2 as usize] {
                    if a == b || cluster[a as usize] == cluster[b as usize] {
                        continue;
                    }
                    let (lo, hi) = (a.min(b), a.max(b));
                    let (ra, rb) = (&records[lo as usize], &records[hi as usize]);
                    if ra.group == rb.group {
                        continue;
                    }
                    // Pairs that cannot reach `keep` even with the bonus are not scored.
                    let Some(mut c) = comparer.compare_above(ra, rb, bonus, keep) else {
                        continue;
                    };
                    let l = c.levels;
                    let contradicts = c.twin
                        || l[SSN] == lv::SSN_DISAGREE
                        || matches!(l[DOB], lv::DOB_DISAGREE | lv::DOB_PARTIAL)
                        || l[FIRST] == lv::FIRST_DISAGREE
                        || (l[FIRST] == MISSING && l[DOB] != lv::EXACT);
                    if contradicts {
                        continue;
                    }
                    c.score += bonus;
                    c.household = true;
                    v.push(Scored {
                        a: lo,
                        b: hi,
                        cmp: c,
                    });
                }
            }
            v
        })
        .collect();
    out.sort_unstable_by_key(|p| (p.a, p.b));
    out.dedup_by_key(|p| (p.a, p.b));
    out
}
