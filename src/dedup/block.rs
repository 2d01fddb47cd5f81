//! Blocking: records that share a blocking key are compared, pair by pair, in parallel. Keys
//! are chosen so that a true pair with any one field corrupted still shares one of them; a
//! pair sharing several keys is compared once, in the block of its smallest shared key.
//! Blocks larger than `max_block` are skipped (their pairs still meet in the other blocks).

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use super::compare::{Comparer, Comparison};
use super::crosswalk::Fnv;
use super::normalize::{Record, SsnKind, soundex};

/// A compared pair kept for clustering or review (score at or above the review threshold).
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    pub a: u32,
    pub b: u32,
    pub cmp: Comparison,
}

/// Comparison vectors and how often they occurred (the input of EM training).
pub type Patterns = HashMap<[u8; super::rules::FIELDS.len()], u64>;

#[derive(Debug, Default)]
pub struct Candidates {
    /// Pairs scoring at least `keep`, sorted by (a, b).
    pub pairs: Vec<Scored>,
    pub compared: u64,
    /// Blocks holding two or more records, compared.
    pub blocks: usize,
    /// Blocks skipped for exceeding `max_block`, and the record slots they held.
    pub oversized_blocks: usize,
    pub oversized_slots: u64,
    /// Pairs compared per blocking key (by name).
    pub compared_by_key: std::collections::BTreeMap<&'static str, u64>,
    /// Comparison vectors of every compared pair (only when asked, for training).
    pub patterns: Option<Patterns>,
}

/// Names of the blocking keys by tag (the tag is the top byte of a key, so a pair sharing
/// several keys is compared in the block of the lowest tag).
pub const KEY_NAMES: [&str; 13] = [
    "",
    "ssn",
    "ssn_last4+birth_year",
    "ssn_first5+birth_year",
    "dob+initials",
    "dob+last_soundex",
    "dob+first_name",
    "name_soundex+day_month",
    "first_name+last_name",
    "ssn_last4+initials",
    "ssn_first5+initials",
    "last_soundex+first_initial+day_month",
    "dob (a side without names)",
];

/// The tag of the birth-date key, whose blocks compare only pairs in which one record has no
/// name at all (anonymous records meet the others by birth date).
const DOB_ONLY: u8 = 12;

fn nameless(r: &Record) -> bool {
    r.first.is_empty() && r.last.is_empty()
}

fn key(tag: u8, parts: &[&[u8]]) -> u64 {
    let mut f = Fnv::default();
    for p in parts {
        f.write(p);
        f.write(&[0x1f]);
    }
    (f.0 >> 8) | ((tag as u64) << 56)
}

/// The blocking keys of a record (unsorted, may repeat).
pub fn keys(r: &Record, out: &mut Vec<u64>) {
    let has_names = !r.first.is_empty() && !r.last.is_empty();
    let year = r.dob.0.to_le_bytes();
    if r.ssn_kind == SsnKind::Full {
        out.push(key(1, &[&r.ssn]));
    }
    if r.ssn_kind != SsnKind::Missing && r.has_dob() {
        if r.ssn[5..].iter().all(u8::is_ascii_digit) {
            out.push(key(2, &[&r.ssn[5..], &year]));
        }
        if r.ssn[..5].iter().all(u8::is_ascii_digit) {
            out.push(key(3, &[&r.ssn[..5], &year]));
        }
    }
    // SSN digits with the name initials (in either order): meets records whose birth dates
    // are missing or disagree.
    if r.ssn_kind != SsnKind::Missing && has_names {
        let (a, b) = (r.first.as_bytes()[0], r.last.as_bytes()[0]);
        let initials = [a.min(b), a.max(b)];
        if r.ssn[5..].iter().all(u8::is_ascii_digit) {
            out.push(key(9, &[&r.ssn[5..], &initials]));
        }
        if r.ssn[..5].iter().all(u8::is_ascii_digit) {
            out.push(key(10, &[&r.ssn[..5], &initials]));
        }
    }
    let identities = |f: &mut dyn FnMut(&[u8])| {
        if r.first_groups.is_empty() {
            let mut n = vec![b'N'];
            n.extend_from_slice(r.first.as_bytes());
            f(&n);
        } else {
            for g in &r.first_groups {
                let mut n = vec![b'G'];
                n.extend_from_slice(&g.to_le_bytes());
                f(&n);
            }
        }
    };
    // Day and month in either order, so a swapped birth date meets the right one.
    let (lo, hi) = (r.dob.1.min(r.dob.2), r.dob.1.max(r.dob.2));
    if r.has_dob() && !r.dob_approx {
        let dob = [year[0], year[1], year[2], year[3], lo, hi];
        if has_names {
            let (a, b) = (r.first.as_bytes()[0], r.last.as_bytes()[0]);
            out.push(key(4, &[&dob, &[a.min(b), a.max(b)]]));
        }
        if !r.last.is_empty() {
            out.push(key(5, &[&dob, &soundex(&r.last)]));
        }
        if !r.first.is_empty() {
            identities(&mut |id| out.push(key(6, &[&dob, id])));
        }
        out.push(key(DOB_ONLY, &[&dob]));
    }
    if has_names {
        let (a, b) = (soundex(&r.first), soundex(&r.last));
        let (a, b) = (a.min(b), a.max(b));
        if r.has_dob() && !r.dob_approx {
            out.push(key(7, &[&a, &b, &[lo, hi]]));
            // Birth year off: last name sound, first initial, day and month.
            let last = soundex(&r.last);
            out.push(key(11, &[&last, &r.first.as_bytes()[..1], &[lo, hi]]));
        }
        identities(&mut |id| {
            out.push(key(8, &[id, r.last.as_bytes()]));
            for p in &r.last_parts {
                out.push(key(8, &[id, p.as_bytes()]));
            }
        });
    }
}

/// Whether two sorted key lists share a key.
fn share(a: &[u64], b: &[u64]) -> bool {
    let (Some(&a_last), Some(&b_last)) = (a.last(), b.last()) else {
        return false;
    };
    if a_last < b[0] || b_last < a[0] {
        return false;
    }
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

/// What the pair loop of one block reads of a member, gathered once per block rather than
/// once per pair from the (large, scattered) records.
#[derive(Clone, Copy)]
struct Member {
    record: u32,
    group: u32,
    nameless: bool,
    /// The member's eligible keys below the block's key (`eligible[below]`): a pair sharing
    /// one of them is compared in that key's block, not in this one.
    below: (u32, u32),
}

#[derive(Default)]
struct Acc {
    pairs: Vec<Scored>,
    /// The members of the block being compared (reused from block to block).
    members: Vec<Member>,
    compared: u64,
    by_tag: [u64; KEY_NAMES.len()],
    patterns: Option<Patterns>,
}

/// Compares every pair of records that share an eligible block, keeping pairs that score at
/// least `keep`.
pub fn candidates(
    records: &[Record],
    comparer: &Comparer,
    max_block: usize,
    max_name_block: usize,
    keep: f32,
    train: bool,
) -> Candidates {
    let mut kv: Vec<(u64, u32)> = records
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, r)| {
            let mut k = Vec::with_capacity(12);
            keys(r, &mut k);
            k.sort_unstable();
            k.dedup();
            k.into_iter().map(move |key| (key, i as u32))
        })
        .collect();
    kv.par_sort_unstable();

    let mut out = Candidates::default();
    let mut blocks: Vec<Range<usize>> = Vec::new();
    let mut s = 0;
    while s < kv.len() {
        let mut e = s + 1;
        while e < kv.len() && kv[e].0 == kv[s].0 {
            e += 1;
        }
        let n = e - s;
        let cap = if kv[s].0 >> 56 == 8 {
            max_name_block
        } else {
            max_block
        };
        if n > cap {
            out.oversized_blocks += 1;
            out.oversized_slots += n as u64;
        } else if n >= 2 {
            // Records of one hard-linked group only: nothing to compare.
            let g = records[kv[s].1 as usize].group;
            if kv[s..e].iter().any(|x| records[x.1 as usize].group != g) {
                blocks.push(s..e);
            }
        }
        s = e;
    }
    out.blocks = blocks.len();

    // Each record's eligible keys, sorted: the keys of the blocks compared.
    let mut eligible: Vec<(u32, u64)> = blocks
        .par_iter()
        .flat_map_iter(|b| kv[b.clone()].iter().map(|&(k, r)| (r, k)))
        .collect();
    eligible.par_sort_unstable();
    let mut starts = vec![0usize; records.len() + 1];
    for &(r, _) in &eligible {
        starts[r as usize + 1] += 1;
    }
    for i in 0..records.len() {
        starts[i + 1] += starts[i];
    }
    let eligible: Vec<u64> = eligible.into_iter().map(|(_, k)| k).collect();

    // Blocks differ widely in cost: small pieces keep every thread busy to the end.
    let acc = blocks
        .par_iter()
        .with_max_len(256)
        .fold(
            || Acc {
                patterns: train.then(HashMap::new),
                ..Acc::default()
            },
            |mut acc, b| {
                let members = &kv[b.clone()];
                let bkey = members[0].0;
                let dob_only = (bkey >> 56) as u8 == DOB_ONLY;
                if dob_only && !members.iter().any(|m| nameless(&records[m.1 as usize])) {
                    return acc;
                }
                let mut local = std::mem::take(&mut acc.members);
                local.clear();
                local.extend(members.iter().map(|&(_, ix)| {
                    let r = &records[ix as usize];
                    let (from, to) = (starts[ix as usize], starts[ix as usize + 1]);
                    let below = eligible[from..to].partition_point(|k| *k < bkey);
                    Member {
                        record: ix,
                        group: r.group,
                        nameless: nameless(r),
                        below: (from as u32, (from + below) as u32),
                    }
                }));
                let below = |m: &Member| &eligible[m.below.0 as usize..m.below.1 as usize];
                for (x, ma) in local.iter().enumerate() {
                    let ia = ma.record;
                    let ka = below(ma);
                    for mb in &local[x + 1..] {
                        let ib = mb.record;
                        if ma.group == mb.group || (dob_only && !ma.nameless && !mb.nameless) {
                            continue;
                        }
                        // Compared in the block of a smaller shared key.
                        if share(ka, below(mb)) {
                            continue;
                        }
                        let (lo, hi) = (ia.min(ib), ia.max(ib));
                        let (rl, rh) = (&records[lo as usize], &records[hi as usize]);
                        acc.compared += 1;
                        acc.by_tag[(bkey >> 56) as usize % KEY_NAMES.len()] += 1;
                        // Training needs every pair's levels; otherwise a pair that cannot
                        // reach `keep` is not scored in full.
                        let cmp = if train {
                            comparer.compare(rl, rh)
                        } else {
                            match comparer.compare_above(rl, rh, 0.0, keep) {
                                Some(c) => c,
                                None => continue,
                            }
                        };
                        if let Some(p) = acc.patterns.as_mut() {
                            *p.entry(cmp.levels).or_default() += 1;
                        }
                        if cmp.score >= keep {
                            acc.pairs.push(Scored { a: lo, b: hi, cmp });
                        }
                    }
                }
                acc.members = local;
                acc
            },
        )
        .reduce(Acc::default, |mut a, mut b| {
            a.compared += b.compared;
            for t in 0..KEY_NAMES.len() {
                a.by_tag[t] += b.by_tag[t];
            }
            a.pairs.append(&mut b.pairs);
            a.patterns = match (a.patterns.take(), b.patterns.take()) {
                (Some(mut x), Some(y)) => {
                    for (k, v) in y {
                        *x.entry(k).or_default() += v;
                    }
                    Some(x)
                }
                (x, y) => x.or(y),
            };
            a
        });
    out.compared = acc.compared;
    for (t, &n) in acc.by_tag.iter().enumerate() {
        if n > 0 {
            out.compared_by_key.insert(KEY_NAMES[t], n);
        }
    }
    out.pairs = acc.pairs;
    out.pairs.par_sort_unstable_by_key(|p| (p.a, p.b));
    out.patterns = acc.patterns;
    out
}
