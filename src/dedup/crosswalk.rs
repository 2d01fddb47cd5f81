//! The crosswalk: every (export, PersonalID) of a client to one person, the unit every report
//! counts. Built by the matcher ([`super::deduplicate`]) or, for HUD's literal universe, one
//! person per PersonalID within a source system ([`Crosswalk::by_personal_id`]).

use compact_str::CompactString;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use crate::ingest::Dataset;

/// Index of a person in a [`Crosswalk`] (0..persons()).
pub type Person = u32;

#[derive(Debug, Clone, Default)]
pub struct Crosswalk {
    /// Per export (index into `Dataset::exports`): PersonalID -> person.
    by_export: Vec<HashMap<CompactString, Person>>,
    /// UnduplicatedID of each person, sorted ascending (so person order is content-derived).
    ids: Vec<String>,
}

impl Crosswalk {
    /// Builds a crosswalk from groups of client records: `names[g]` is group `g`'s
    /// UnduplicatedID, and `records` gives each record's (export index, PersonalID, group).
    /// Persons are numbered in UnduplicatedID order, so the numbering does not depend on
    /// input order; groups bearing the same ID are one person. Also returns each record's
    /// person.
    pub fn from_groups(
        exports: usize,
        mut names: Vec<String>,
        records: &[(u32, &str, u32)],
    ) -> (Crosswalk, Vec<Person>) {
        // By the first eight bytes as a number (the same order as the bytes'), the whole
        // IDs only when those are equal: the sort then seldom reads the scattered strings.
        let prefix = |s: &str| {
            let mut b = [0u8; 8];
            let n = s.len().min(8);
            b[..n].copy_from_slice(&s.as_bytes()[..n]);
            u64::from_be_bytes(b)
        };
        let mut order: Vec<(u64, u32)> = names
            .par_iter()
            .enumerate()
            .map(|(g, s)| (prefix(s), g as u32))
            .collect();
        order.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| names[a.1 as usize].cmp(&names[b.1 as usize]))
        });
        let mut ids: Vec<String> = Vec::with_capacity(names.len());
        let mut person_of = vec![0 as Person; names.len()];
        for &(_, g) in &order {
            let name = std::mem::take(&mut names[g as usize]);
            if ids.last() != Some(&name) {
                ids.push(name);
            }
            person_of[g as usize] = (ids.len() - 1) as Person;
        }
        let persons: Vec<Person> = records
            .par_iter()
            .map(|&(_, _, g)| person_of[g as usize])
            .collect();
        // Each export's map is built on its own thread.
        let mut of_export: Vec<Vec<(&str, Person)>> = vec![Vec::new(); exports];
        for (&(e, pid, _), &p) in records.iter().zip(&persons) {
            of_export[e as usize].push((pid, p));
        }
        let by_export = of_export
            .into_par_iter()
            .map(|rows| {
                let mut m = HashMap::with_capacity(rows.len());
                for (pid, p) in rows {
                    m.insert(CompactString::new(pid), p);
                }
                m
            })
            .collect();
        (Crosswalk { by_export, ids }, persons)
    }

    /// HUD's literal universe: one person per PersonalID within a source system (exports
    /// sharing `Export.SourceID`). The UnduplicatedID is derived from SourceID and PersonalID.
    pub fn by_personal_id(dataset: &Dataset) -> Crosswalk {
        let mut rows = Vec::new();
        let mut names = Vec::new();
        for (e, ex) in dataset.exports.iter().enumerate() {
            if let Some(pids) = ex.table("Client").str_col("PersonalID") {
                for i in 0..pids.len() {
                    let pid = pids.get(i);
                    rows.push((e as u32, pid, names.len() as u32));
                    names.push(person_id(&[(&ex.source_id, pid)]));
                }
            }
        }
        Crosswalk::from_groups(dataset.exports.len(), names, &rows).0
    }

    /// The person a client record belongs to (None when the PersonalID is not a client of
    /// that export, e.g. an enrollment whose client row was rejected).
    pub fn person(&self, export: usize, personal_id: &str) -> Option<Person> {
        self.by_export.get(export)?.get(personal_id).copied()
    }

    /// The UnduplicatedID of a person.
    pub fn id(&self, person: Person) -> &str {
        &self.ids[person as usize]
    }

    /// Number of unduplicated persons.
    pub fn persons(&self) -> usize {
        self.ids.len()
    }

    /// Number of client records mapped.
    pub fn records(&self) -> usize {
        self.by_export.iter().map(HashMap::len).sum()
    }

    /// Every mapped record as (export index, PersonalID, person), sorted by export then
    /// PersonalID.
    pub fn rows(&self) -> Vec<(usize, &str, Person)> {
        let mut v: Vec<(usize, &str, Person)> = self
            .by_export
            .iter()
            .enumerate()
            .flat_map(|(e, m)| m.iter().map(move |(p, &u)| (e, p.as_str(), u)))
            .collect();
        v.sort_unstable();
        v
    }
}

/// A person's UnduplicatedID, derived from the smallest (SourceID, PersonalID) among the
/// records it holds: "U" and 16 hex digits of a stable 64-bit hash. Never a counter, so it
/// does not depend on input order.
pub fn person_id(members: &[(&str, &str)]) -> String {
    let (s, p) = members.iter().min().copied().unwrap_or(("", ""));
    let mut h = Fnv::default();
    h.write(s.as_bytes());
    h.write(&[0x1f]);
    h.write(p.as_bytes());
    format!("U{:016X}", h.0)
}

/// FNV-1a, 64-bit: stable across platforms and releases (unlike std's hashers).
pub struct Fnv(pub u64);
impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}
impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
