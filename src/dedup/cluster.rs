//! Clustering: hard links (same PersonalID in one source system) and administrator overrides
//! first, then accepted pairs from the highest score down, each joining two clusters only if
//! the guards allow it. Guards stop chaining: no cluster holds two different valid SSNs, two
//! records of one export that score apart, or a pair an administrator said are different
//! people.

use foldhash::{HashSet, HashSetExt};
use rayon::prelude::*;

use super::block::Scored;
use super::compare::{Comparer, Comparison, one_edit};
use super::normalize::{Record, SsnKind};

/// Why two records are in one cluster.
#[derive(Debug, Clone, Copy)]
pub enum LinkKind {
    /// Same PersonalID in one source system.
    Hard,
    /// An administrator's `match` override.
    Override,
    /// Scored at or above the accept threshold.
    Score(Comparison),
}

#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub a: u32,
    pub b: u32,
    pub kind: LinkKind,
}

/// Why a pair is in the review file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewReason {
    /// Score between the review and accept thresholds.
    Borderline,
    /// Scored like a match, but same last name and birth date with different first names.
    Twin,
    /// Scored like a match, but joining the two would put conflicting records in one person.
    Guard,
}

impl ReviewReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewReason::Borderline => "borderline",
            ReviewReason::Twin => "twin_guard",
            ReviewReason::Guard => "cluster_guard",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ReviewPair {
    pub a: u32,
    pub b: u32,
    pub cmp: Comparison,
    pub reason: ReviewReason,
}

#[derive(Debug, Default)]
pub struct Clustering {
    /// Per record: the smallest record index of its cluster.
    pub cluster: Vec<u32>,
    pub links: Vec<Link>,
    pub review: Vec<ReviewPair>,
    pub guard_refusals: u64,
    pub twins_kept_apart: u64,
}

/// Union-find over record indices. Each set's members form a circular list through `next`
/// (joining two sets splices their lists in O(1)), so no set owns an allocation.
struct Sets {
    parent: Vec<u32>,
    size: Vec<u32>,
    next: Vec<u32>,
}

impl Sets {
    fn new(n: usize) -> Sets {
        Sets {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
            next: (0..n as u32).collect(),
        }
    }
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let (big, small) = if self.size[a as usize] >= self.size[b as usize] {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        self.next.swap(big as usize, small as usize);
    }
    /// The members of the set whose root (or any member) is `x`.
    fn members(&self, x: u32) -> impl Iterator<Item = u32> + '_ {
        let mut cur = Some(x);
        std::iter::from_fn(move || {
            let c = cur?;
            let n = self.next[c as usize];
            cur = (n != x).then_some(n);
            Some(c)
        })
    }
}

/// SSNs that rule out one person: both full and valid, more than one typo apart.
fn conflicting_ssn(a: &Record, b: &Record) -> bool {
    a.ssn_kind == SsnKind::Full
        && b.ssn_kind == SsnKind::Full
        && a.ssn != b.ssn
        && !one_edit(&a.ssn, &b.ssn)
}

pub fn cluster(
    records: &[Record],
    pairs: &[Scored],
    overrides: &[(u32, u32, bool)],
    comparer: &Comparer,
) -> Clustering {
    let n = records.len();
    let accept = comparer.rules.file.thresholds.accept as f32;
    let review = comparer.rules.file.thresholds.review as f32;
    let mut sets = Sets::new(n);
    let mut out = Clustering::default();

    for i in 1..n {
        if records[i].group == records[i - 1].group {
            sets.union(i as u32 - 1, i as u32);
            out.links.push(Link {
                a: i as u32 - 1,
                b: i as u32,
                kind: LinkKind::Hard,
            });
        }
    }
    let mut decided: HashSet<(u32, u32)> = HashSet::new();
    let mut cannot: HashSet<(u32, u32)> = HashSet::new();
    let mut sorted_overrides = overrides.to_vec();
    sorted_overrides.sort_unstable_by_key(|&(a, b, m)| (a.min(b), a.max(b), m));
    for &(a, b, is_match) in &sorted_overrides {
        let key = (a.min(b), a.max(b));
        decided.insert(key);
        if is_match {
            sets.union(a, b);
            out.links.push(Link {
                a: key.0,
                b: key.1,
                kind: LinkKind::Override,
            });
        } else {
            cannot.insert(key);
        }
    }

    let undecided = |p: &Scored| decided.is_empty() || !decided.contains(&(p.a, p.b));
    let mut accepted: Vec<&Scored> = pairs
        .par_iter()
        .filter(|p| p.cmp.score >= accept && undecided(p))
        .collect();
    // Pairs are unique, so (score, a, b) orders them totally.
    accepted.par_sort_unstable_by(|x, y| {
        y.cmp
            .score
            .total_cmp(&x.cmp.score)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let mut refused: Vec<ReviewPair> = Vec::new();
    for p in accepted {
        if p.cmp.twin {
            out.twins_kept_apart += 1;
            refused.push(ReviewPair {
                a: p.a,
                b: p.b,
                cmp: p.cmp,
                reason: ReviewReason::Twin,
            });
            continue;
        }
        let (ra, rb) = (sets.find(p.a), sets.find(p.b));
        if ra != rb && !allowed(&sets, ra, rb, records, &cannot, comparer, review) {
            out.guard_refusals += 1;
            refused.push(ReviewPair {
                a: p.a,
                b: p.b,
                cmp: p.cmp,
                reason: ReviewReason::Guard,
            });
            continue;
        }
        sets.union(p.a, p.b);
        out.links.push(Link {
            a: p.a,
            b: p.b,
            kind: LinkKind::Score(p.cmp),
        });
    }

    // Canonical cluster id: the smallest record index.
    let mut cluster = vec![u32::MAX; n];
    for i in 0..n as u32 {
        let r = sets.find(i) as usize;
        if cluster[r] == u32::MAX {
            cluster[r] = i;
        }
    }
    out.cluster = (0..n as u32)
        .map(|i| cluster[sets.find(i) as usize])
        .collect();

    // Review: borderline pairs and refused ones, unless they ended up together anyway or an
    // administrator already decided.
    for p in pairs {
        if p.cmp.score < accept && undecided(p) {
            refused.push(ReviewPair {
                a: p.a,
                b: p.b,
                cmp: p.cmp,
                reason: ReviewReason::Borderline,
            });
        }
    }
    refused.retain(|r| out.cluster[r.a as usize] != out.cluster[r.b as usize]);
    refused.par_sort_by_key(|r| (r.a, r.b));
    out.review = refused;
    out.links.par_sort_by_key(|l| (l.a, l.b));
    out
}

/// May the clusters holding `a` and `b` become one person?
fn allowed(
    sets: &Sets,
    a: u32,
    b: u32,
    records: &[Record],
    cannot: &HashSet<(u32, u32)>,
    comparer: &Comparer,
    review: f32,
) -> bool {
    for x in sets.members(a) {
        for y in sets.members(b) {
            let (lo, hi) = (x.min(y), x.max(y));
            if !cannot.is_empty() && cannot.contains(&(lo, hi)) {
                return false;
            }
            let (rx, ry) = (&records[lo as usize], &records[hi as usize]);
            if conflicting_ssn(rx, ry) {
                return false;
            }
            if rx.export == ry.export && rx.group != ry.group {
                let c = comparer.compare(rx, ry);
                if c.score < review || c.twin {
                    return false;
                }
            }
        }
    }
    true
}
