//! Household context: when two households (at two agencies, or two enrollments) already share
//! a linked person, their other members are far likelier to be the same people than two
//! records met by chance. A second pass compares the members of such household pairs and
//! adds `[household] bonus` to pairs whose fields do not contradict it (no disagreeing SSN,
//! birth date or first name, not twins); the clusters are then rebuilt.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use crate::ingest::Dataset;

use super::block::Scored;
use super::compare::{Comparer, lv};
use super::normalize::Record;
use super::rules::{DOB, FIRST, MISSING, SSN};

/// Households as lists of record indices (each at most once), from Enrollment.HouseholdID.
pub fn households(dataset: &Dataset, records: &[Record]) -> Vec<Vec<u32>> {
    let mut by_export: Vec<HashMap<&str, u32>> = vec![HashMap::new(); dataset.exports.len()];
    for (i, r) in records.iter().enumerate() {
        let pid = super::personal_id(dataset, r);
        by_export[r.export as usize].insert(pid, i as u32);
    }
    let mut out = Vec::new();
    for (e, ex) in dataset.exports.iter().enumerate() {
        let en = ex.table("Enrollment");
        let (Some(pid), Some(hh)) = (en.str_col("PersonalID"), en.str_col("HouseholdID")) else {
            continue;
        };
        let mut groups: HashMap<&str, BTreeSet<u32>> = HashMap::new();
        for k in 0..en.len() {
            if let Some(&r) = by_export[e].get(pid.get(k)) {
                groups.entry(hh.get(k)).or_default().insert(r);
            }
        }
        let mut list: Vec<Vec<u32>> = groups
            .into_values()
            .filter(|g| g.len() > 1)
            .map(|g| g.into_iter().collect())
            .collect();
        list.sort_unstable();
        out.extend(list);
    }
    out
}

/// Pairs across linked households with the bonus applied, for records not yet together.
/// Households larger than `max_size` are ignored (shelters that give one HouseholdID to
/// unrelated people).
pub fn bonus_pairs(
    records: &[Record],
    households: &[Vec<u32>],
    cluster: &[u32],
    comparer: &Comparer,
    bonus: f32,
    max_size: usize,
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
                    let mut c = comparer.compare(lo as usize, hi as usize, ra, rb);
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
