//! Dedup: find the records of one person across and within agencies and give every client
//! record an UnduplicatedID (the [`Crosswalk`]).
//!
//! normalize (records, placeholders -> missing) -> block (keys, pairs compared in parallel)
//! -> compare (levels, Fellegi-Sunter score) -> cluster (union-find with guards) -> IDs
//! (content-derived, kept from `--previous`) -> evaluation against `--truth`.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod crosswalk;
pub mod evaluate;
pub mod household;
pub mod inputs;
pub mod normalize;
pub mod rules;
pub mod train;

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet};
use rayon::prelude::*;
use std::time::Instant;

use serde::Serialize;

use crate::ingest::Dataset;
pub use cluster::{Clustering, Link, LinkKind, ReviewPair};
pub use crosswalk::{Crosswalk, Person};
pub use inputs::{InputError, Override};
pub use normalize::Record;
pub use rules::{Rules, RulesError};

use compare::{Comparer, NameWeights};
use inputs::Resolver;

/// What the matcher is given besides the data.
#[derive(Debug, Default)]
pub struct Options {
    pub overrides: Vec<Override>,
    /// Last run's crosswalk rows: (ExportID, PersonalID, UnduplicatedID).
    pub previous: Option<Vec<(String, String, String)>>,
    /// Ground truth rows: (ExportID, PersonalID, PersonKey).
    pub truth: Option<Vec<(String, String, String)>>,
    /// Re-estimate m and u from the data (EM) before matching.
    pub train: bool,
}

/// Everything a dedup run produced.
pub struct Dedup {
    pub records: Vec<Record>,
    pub clustering: Clustering,
    pub crosswalk: Crosswalk,
    /// The person of each record, in `crosswalk`.
    pub persons: Vec<Person>,
    pub summary: Summary,
    /// The rules used (fitted ones after `--train`).
    pub rules: Rules,
}

impl Dedup {
    /// The UnduplicatedID of record `i`.
    pub fn id(&self, i: usize) -> &str {
        self.crosswalk.id(self.persons[i])
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct PreviousIds {
    /// Persons that kept an UnduplicatedID from the previous crosswalk.
    pub kept: usize,
    /// Persons given a new UnduplicatedID.
    pub new: usize,
    /// Known persons now found to be one: the ID kept and the IDs merged into it.
    pub merges: Vec<Merge>,
    /// A known person now found to be several: the ID and the new IDs split from it.
    pub splits: Vec<Split>,
    /// Previous rows whose record is not in this run.
    pub rows_not_found: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Merge {
    pub kept: String,
    pub merged: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Split {
    pub kept: String,
    pub split_off: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Summary {
    pub source_client_records: usize,
    pub unduplicated_persons: usize,
    pub exports: usize,
    pub source_systems: usize,
    pub links: LinkCounts,
    /// Persons by the number of client records they hold.
    pub clusters_by_size: BTreeMap<usize, usize>,
    pub pairs_compared: u64,
    /// Pairs compared per blocking key (a pair sharing several keys counts once, under the
    /// first).
    pub pairs_compared_by_key: BTreeMap<String, u64>,
    pub blocks_compared: usize,
    pub blocks_skipped_oversized: usize,
    pub review_pairs: usize,
    /// Pairs scored again with the household bonus (members of households that already share
    /// a linked person).
    pub household_pairs: usize,
    pub guard_refusals: u64,
    pub twins_kept_apart: u64,
    /// Per ExportID: client records that another record of the same export duplicates.
    pub duplicates_within_export: BTreeMap<String, usize>,
    pub overrides_applied: usize,
    pub overrides_unresolved: usize,
    pub previous: Option<PreviousIds>,
    pub training: Option<train::Training>,
    pub truth: Option<evaluate::Quality>,
    pub rules: RulesSummary,
    /// Wall time per phase in milliseconds: the only part of this file that changes from run
    /// to run on the same input.
    pub timings_ms: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct LinkCounts {
    pub total: usize,
    pub same_personal_id: usize,
    pub scored: usize,
    pub overrides: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct RulesSummary {
    pub origin: String,
    /// The thresholds as applied (after the shift for the number of records).
    pub accept: f64,
    pub review: f64,
    pub threshold_shift: f64,
    pub max_block: usize,
    pub trained: bool,
}

/// The PersonalID of a record (kept in the record: no lookup).
pub fn personal_id<'a>(_dataset: &Dataset, r: &'a Record) -> &'a str {
    &r.pid
}

/// Sets each record's exact-name weights: log2(m / u) with u the name's share of records
/// (never below `min_u`), or the level's own weight when term frequencies are off.
fn set_name_weights(records: &mut [Record], rules: &Rules) {
    let w = &rules.weights;
    let lv = &rules.levels;
    let tf = &rules.file.term_frequency;
    if !tf.enabled {
        let same = NameWeights {
            first: w[rules::FIRST][0],
            last: w[rules::LAST][0],
        };
        records.par_iter_mut().for_each(|r| r.weights = same);
        return;
    }
    // How often each first and last name occurs (first and last names counted at once).
    let all: &[Record] = records;
    let count = |name: fn(&Record) -> &str| {
        let mut m: HashMap<&str, u32> = HashMap::new();
        for r in all {
            *m.entry(name(r)).or_default() += 1;
        }
        m
    };
    let (first, last) = rayon::join(|| count(|r| &r.first), || count(|r| &r.last));
    let n = records.len().max(1) as f64;
    let weight = |m: f64, count: u32| ((m / (count as f64 / n).max(tf.min_u)).log2()) as f32;
    let weights: Vec<NameWeights> = all
        .par_iter()
        .map(|r| NameWeights {
            first: weight(lv[rules::FIRST][0].m, first[r.first.as_str()]),
            last: weight(lv[rules::LAST][0].m, last[r.last.as_str()]),
        })
        .collect();
    drop((first, last));
    records
        .par_iter_mut()
        .zip(weights)
        .for_each(|(r, w)| r.weights = w);
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn ms(t: Instant) -> u64 {
    t.elapsed().as_millis() as u64
}

/// Runs the matcher over every client record of the dataset.
pub fn deduplicate(dataset: &Dataset, rules: &Rules, options: &Options) -> Dedup {
    let mut rules = rules.clone();
    let mut summary = Summary::default();
    let mut t = Instant::now();
    let mut records = normalize::records(dataset, &rules);
    summary.timings_ms.insert("normalize".into(), ms(t));
    let shift = rules.file.thresholds.shift(records.len());
    let given = rules.file.thresholds.clone();
    rules.file.thresholds.accept += shift;
    rules.file.thresholds.review += shift;

    if options.train {
        t = Instant::now();
        set_name_weights(&mut records, &rules);
        let comparer = Comparer::new(&rules);
        let samples = 2_000_000u64;
        let u = train::estimate_u(&records, &comparer, samples);
        let c = block::candidates(
            &records,
            &comparer,
            rules.file.blocking.max_block,
            rules.file.blocking.max_name_block,
            f32::INFINITY,
            true,
        );
        let patterns = c.patterns.unwrap_or_default();
        let (levels, iterations, share) = train::fit_m(
            &patterns,
            &rules.levels,
            &u,
            rules.file.thresholds.accept,
            20,
        );
        rules.set_levels(levels);
        summary.training = Some(train::Training {
            random_pairs: samples,
            blocked_pairs: c.compared,
            iterations,
            match_share: share,
        });
        summary.timings_ms.insert("train".into(), ms(t));
    }

    t = Instant::now();
    set_name_weights(&mut records, &rules);
    let comparer = Comparer::new(&rules);
    let cands = block::candidates(
        &records,
        &comparer,
        rules.file.blocking.max_block,
        rules.file.blocking.max_name_block,
        rules.file.thresholds.review as f32,
        false,
    );
    summary.timings_ms.insert("block_and_compare".into(), ms(t));

    t = Instant::now();
    fn pid(r: &Record) -> &str {
        &r.pid
    }
    let export_id = |r: &Record| dataset.exports[r.export as usize].export_id.as_str();
    let mut overrides = Vec::new();
    if !options.overrides.is_empty() {
        let resolver = Resolver::new(
            records
                .iter()
                .enumerate()
                .map(|(i, r)| (export_id(r), pid(r), i as u32, r.group)),
        );
        for o in &options.overrides {
            match (resolver.find(&o.a.0, &o.a.1), resolver.find(&o.b.0, &o.b.1)) {
                (Some(a), Some(b)) if a != b => overrides.push((a, b, o.is_match)),
                (Some(_), Some(_)) => {}
                _ => summary.overrides_unresolved += 1,
            }
        }
    }
    summary.overrides_applied = overrides.len();
    let mut pairs = cands.pairs;
    let mut boosted: HashSet<(u32, u32)> = HashSet::default();
    let mut clustering = cluster::cluster(&records, &pairs, &overrides, &comparer);
    summary.timings_ms.insert("cluster".into(), ms(t));

    let hh = &rules.file.household;
    if hh.bonus > 0.0 {
        t = Instant::now();
        let households = household::households(dataset, &records);
        // New links can connect more households: a second round catches most of them.
        let mut boosted_total = 0;
        let mut pass = household::Pass::new(
            &records,
            &households,
            &comparer,
            hh.bonus as f32,
            hh.max_size,
            rules.file.thresholds.review as f32,
        );
        for _ in 0..2 {
            let extra = pass.round(&clustering.cluster);
            let new: Vec<block::Scored> = extra
                .into_iter()
                .filter(|p| p.cmp.score >= rules.file.thresholds.review as f32)
                .filter(|p| !boosted.contains(&(p.a, p.b)))
                .collect();
            if new.is_empty() {
                break;
            }
            boosted_total += new.len();
            for p in &new {
                boosted.insert((p.a, p.b));
            }
            // Household pairs replace the same pairs scored without the bonus.
            pairs.retain(|p| !boosted.contains(&(p.a, p.b)) || p.cmp.household);
            pairs.extend(new);
            pairs.par_sort_unstable_by_key(|p| (p.a, p.b));
            let before = clustering.links.len();
            clustering = cluster::cluster(&records, &pairs, &overrides, &comparer);
            if clustering.links.len() == before {
                break;
            }
        }
        summary.household_pairs = boosted_total;
        summary.timings_ms.insert("household".into(), ms(t));
    }

    t = Instant::now();
    let (names, group, previous) = assign_ids(
        dataset,
        &records,
        &clustering.cluster,
        options.previous.as_deref(),
    );
    summary.previous = previous;
    let rows: Vec<(u32, &str, u32)> = records
        .iter()
        .zip(&group)
        .map(|(r, &g)| (r.export, pid(r), g))
        .collect();
    let (crosswalk, persons) = Crosswalk::from_groups(dataset.exports.len(), names, &rows);
    drop((rows, group));
    summary.timings_ms.insert("assign_ids".into(), ms(t));

    summary.source_client_records = records.len();
    summary.unduplicated_persons = crosswalk.persons();
    summary.exports = dataset.exports.len();
    summary.source_systems = records
        .iter()
        .map(|r| r.source)
        .max()
        .map_or(0, |m| m as usize + 1);
    for l in &clustering.links {
        summary.links.total += 1;
        match l.kind {
            LinkKind::Hard => summary.links.same_personal_id += 1,
            LinkKind::Override => summary.links.overrides += 1,
            LinkKind::Score(_) => summary.links.scored += 1,
        }
    }
    // Records by (cluster, export): a cluster's size is its run, and the records beyond
    // the first of each (cluster, export) duplicate another record of their export.
    let mut by_cluster: Vec<(u32, u32)> = clustering
        .cluster
        .iter()
        .zip(&records)
        .map(|(&c, r)| (c, r.export))
        .collect();
    by_cluster.par_sort_unstable();
    let mut within = vec![0usize; dataset.exports.len()];
    for run in by_cluster.chunk_by(|a, b| a.0 == b.0) {
        *summary.clusters_by_size.entry(run.len()).or_default() += 1;
        for same in run.chunk_by(|a, b| a.1 == b.1) {
            if let Some(n) = within.get_mut(same[0].1 as usize) {
                *n += same.len() - 1;
            }
        }
    }
    drop(by_cluster);
    for (ex, n) in dataset.exports.iter().zip(within) {
        *summary
            .duplicates_within_export
            .entry(ex.export_id.clone())
            .or_default() += n;
    }
    summary.pairs_compared = cands.compared;
    summary.pairs_compared_by_key = cands
        .compared_by_key
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    summary.blocks_compared = cands.blocks;
    summary.blocks_skipped_oversized = cands.oversized_blocks;
    summary.review_pairs = clustering.review.len();
    summary.guard_refusals = clustering.guard_refusals;
    summary.twins_kept_apart = clustering.twins_kept_apart;
    if let Some(truth) = &options.truth {
        summary.truth = Some(evaluate::quality(
            truth,
            records
                .iter()
                .enumerate()
                .map(|(i, r)| (export_id(r), pid(r), clustering.cluster[i])),
        ));
    }
    summary.rules = RulesSummary {
        origin: rules.origin.clone(),
        accept: round2(rules.file.thresholds.accept),
        review: round2(rules.file.thresholds.review),
        threshold_shift: round2(shift),
        max_block: rules.file.blocking.max_block,
        trained: options.train,
    };
    // The rules handed back (and written by --train) carry the thresholds as given.
    rules.file.thresholds = given;
    Dedup {
        records,
        clustering,
        crosswalk,
        persons,
        summary,
        rules,
    }
}

/// UnduplicatedIDs: one per cluster (a group), derived from its content or kept from the
/// previous crosswalk for known persons, and each record's group.
fn assign_ids(
    dataset: &Dataset,
    records: &[Record],
    cluster: &[u32],
    previous: Option<&[(String, String, String)]>,
) -> (Vec<String>, Vec<u32>, Option<PreviousIds>) {
    let n = records.len();
    // Records grouped by cluster, clusters in ascending order (a cluster is named by its
    // smallest record index, so `group_of[c]` indexes `groups` by that name).
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.par_sort_unstable_by_key(|&i| (cluster[i as usize], i));
    let mut groups: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
    let mut group_of = vec![u32::MAX; n];
    let mut start = 0;
    for run in order.chunk_by(|&a, &b| cluster[a as usize] == cluster[b as usize]) {
        let c = cluster[run[0] as usize];
        group_of[c as usize] = groups.len() as u32;
        groups.push((c, start..start + run.len()));
        start += run.len();
    }
    let fresh: Vec<String> = groups
        .par_iter()
        .map(|(_, range)| {
            let keys: Vec<(&str, &str)> = order[range.clone()]
                .iter()
                .map(|&i| {
                    let r = &records[i as usize];
                    (
                        dataset.exports[r.export as usize].source_id.as_str(),
                        personal_id(dataset, r),
                    )
                })
                .collect();
            crosswalk::person_id(&keys)
        })
        .collect();
    let group = |i: usize| group_of[cluster[i] as usize] as usize;
    let record_group: Vec<u32> = (0..n).into_par_iter().map(|i| group(i) as u32).collect();
    let Some(prev) = previous else {
        return (fresh, record_group, None);
    };

    let mut report = PreviousIds::default();
    let keys = records.iter().enumerate().map(|(i, r)| {
        (
            dataset.exports[r.export as usize].export_id.as_str(),
            personal_id(dataset, r),
            i as u32,
            r.group,
        )
    });
    // Rows of exports not in this run are found by PersonalID alone; when every previous row
    // names a current export, that index is not needed.
    let current: HashSet<&str> = dataset
        .exports
        .iter()
        .map(|e| e.export_id.as_str())
        .collect();
    let resolver = if prev
        .par_iter()
        .all(|(e, _, _)| current.contains(e.as_str()))
    {
        Resolver::exact_only(keys)
    } else {
        Resolver::new(keys)
    };
    // Previous ID claimed by each group, with how many of its records carry it.
    let found: Vec<Option<(u32, &str)>> = prev
        .par_iter()
        .map(|(e, p, id)| {
            resolver
                .find(e, p)
                .map(|i| (group(i as usize) as u32, id.as_str()))
        })
        .collect();
    drop(resolver);
    report.rows_not_found = found.iter().filter(|f| f.is_none()).count();
    let mut claimed: Vec<(u32, &str)> = found.into_iter().flatten().collect();
    claimed.par_sort_unstable();
    // (group, ID, records carrying it), sorted by group then ID; and each group's run of it.
    let mut counted: Vec<(u32, &str, usize)> = Vec::with_capacity(claimed.len());
    for (g, id) in claimed {
        match counted.last_mut() {
            Some((lg, li, k)) if *lg == g && *li == id => *k += 1,
            _ => counted.push((g, id, 1)),
        }
    }
    type Claims<'c, 'p> = &'c [(u32, &'p str, usize)];
    let claims: Vec<(u32, Claims)> = counted
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| (run[0].0, run))
        .collect();
    // Split: an ID claimed by several clusters stays with the one holding most of its
    // records (ties: the smallest cluster).
    let mut owner: HashMap<&str, (usize, u32)> = HashMap::with_capacity(counted.len());
    for (g, ids) in &claims {
        let c = groups[*g as usize].0;
        for &(_, id, k) in ids.iter() {
            let e = owner.entry(id).or_insert((k, c));
            if k > e.0 || (k == e.0 && c < e.1) {
                *e = (k, c);
            }
        }
    }
    // Each group's ID: kept (borrowed from the previous rows), else its fresh one.
    let mut id_of: Vec<Option<&str>> = vec![None; groups.len()];
    let mut split_off: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (g, ids) in &claims {
        let c = groups[*g as usize].0;
        // The IDs this cluster owns; more than one = a merge.
        let mut owned: Vec<(&str, usize)> = ids
            .iter()
            .filter(|(_, id, _)| owner[id].1 == c)
            .map(|&(_, id, k)| (id, k))
            .collect();
        for (_, id, _) in ids.iter().filter(|(_, id, _)| owner[id].1 != c) {
            split_off.entry(id).or_default().push(*g);
        }
        owned.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        if let Some(&(kept, _)) = owned.first() {
            id_of[*g as usize] = Some(kept);
            report.kept += 1;
            if owned.len() > 1 {
                report.merges.push(Merge {
                    kept: kept.to_string(),
                    merged: owned[1..].iter().map(|x| x.0.to_string()).collect(),
                });
            }
        }
    }
    let taken: HashSet<&str> = id_of.iter().flatten().copied().collect();
    let mut named: Vec<std::borrow::Cow<str>> = Vec::with_capacity(groups.len());
    for (g, slot) in id_of.into_iter().enumerate() {
        named.push(match slot {
            Some(kept) => std::borrow::Cow::Borrowed(kept),
            None => {
                report.new += 1;
                let base = fresh[g].as_str();
                // A new ID may not reuse one that still names another known person.
                if taken.contains(base) {
                    let mut k = 1;
                    while taken.contains(format!("{base}-{k}").as_str()) {
                        k += 1;
                    }
                    std::borrow::Cow::Owned(format!("{base}-{k}"))
                } else {
                    std::borrow::Cow::Borrowed(base)
                }
            }
        });
    }
    for (id, gs) in split_off {
        report.splits.push(Split {
            kept: id.to_string(),
            split_off: gs.iter().map(|&g| named[g as usize].to_string()).collect(),
        });
    }
    let names = named.into_iter().map(|c| c.into_owned()).collect();
    (names, record_group, Some(report))
}
