//! Property tests of the matcher's invariants on generated communities:
//! - the order of the rows in the input files and the thread count do not change the
//!   persons found;
//! - adding an exact copy of a client record (a new PersonalID, same identifying fields)
//!   never increases the unduplicated count.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use hmis::dedup::{self, Options, Rules};
use hmis::synth::{SynthOptions, generate};
use proptest::prelude::*;

fn community(dir: &Path, persons: u64, seed: u64) -> PathBuf {
    let out = dir.join(format!("c{seed}"));
    generate(&SynthOptions {
        out: out.clone(),
        persons,
        agencies: 3,
        seed,
        ..SynthOptions::default()
    })
    .expect("synth");
    out
}

/// The persons found, as sets of (ExportID, PersonalID): independent of ID values.
fn partition(exports: &Path, threads: usize) -> (BTreeSet<BTreeSet<(String, String)>>, usize) {
    let ingest = hmis::ingest::load(&[exports.to_path_buf()]).expect("load");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let d = pool
        .install(|| dedup::deduplicate(&ingest.dataset, &Rules::builtin(), &Options::default()));
    let mut by_id: std::collections::BTreeMap<&str, BTreeSet<(String, String)>> =
        Default::default();
    for (i, r) in d.records.iter().enumerate() {
        by_id.entry(d.id(i)).or_default().insert((
            ingest.dataset.exports[r.export as usize].export_id.clone(),
            dedup::personal_id(&ingest.dataset, r).to_string(),
        ));
    }
    let persons = d.summary.unduplicated_persons;
    (by_id.into_values().collect(), persons)
}

/// Rewrites every Client.csv with its data rows in a shuffled order (a fixed-seed shuffle).
fn shuffle_clients(exports: &Path, seed: u64) {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for e in fs::read_dir(exports).unwrap() {
        let p = e.unwrap().path().join("Client.csv");
        if !p.exists() {
            continue;
        }
        let text = fs::read_to_string(&p).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        for i in (1..lines.len()).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            lines.swap(i, j);
        }
        fs::write(&p, format!("{header}\n{}\n", lines.join("\n"))).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn row_order_and_threads_do_not_change_persons(seed in 1u64..10_000, shuffle in any::<u64>()) {
        let tmp = tempfile::tempdir().unwrap();
        let c = community(tmp.path(), 150, seed);
        let (before, _) = partition(&c, 2);
        shuffle_clients(&c, shuffle);
        let (after, _) = partition(&c, 1);
        prop_assert!(before == after, "persons changed after shuffling rows / 1 thread");
    }

    #[test]
    fn an_exact_copy_never_adds_a_person(seed in 1u64..10_000, pick in any::<prop::sample::Index>()) {
        let tmp = tempfile::tempdir().unwrap();
        let c = community(tmp.path(), 150, seed);
        let (_, persons) = partition(&c, 2);
        // Copy one client record with a name and a birth date under a new PersonalID, in the
        // same export.
        let agency = fs::read_dir(&c).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).min().unwrap();
        let path = agency.join("Client.csv");
        let text = fs::read_to_string(&path).unwrap();
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let header = rdr.headers().unwrap().clone();
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        let rows: Vec<csv::StringRecord> = rdr
            .records()
            .map(|r| r.unwrap())
            .filter(|r| r[col("NameDataQuality")] == *"1" && r[col("DOBDataQuality")] == *"1" && !r[col("DOB")].starts_with("1900"))
            .collect();
        let original = pick.get(&rows);
        let mut copy: Vec<String> = original.iter().map(str::to_string).collect();
        copy[col("PersonalID")] = format!("COPY{}", &original[col("PersonalID")]);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&copy).unwrap();
        let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
        fs::write(&path, format!("{}{}", text, line)).unwrap();
        let (_, with_copy) = partition(&c, 2);
        prop_assert!(with_copy <= persons, "{persons} persons became {with_copy} after adding a copy");
    }
}
