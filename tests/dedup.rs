//! `hmis dedup` as a user runs it: quality against the synthetic community's ground truth,
//! HUD's Data Lab exports (one HMIS, placeholder SSNs), determinism, overrides, previous
//! IDs, the review file's privacy, rules errors and training.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

fn dedup(out: &Path, extra: &[&str], exports: &[&Path]) -> std::process::Output {
    let mut args: Vec<std::ffi::OsString> = vec!["dedup".into()];
    for e in exports {
        args.push(e.as_os_str().into());
    }
    args.push("--out".into());
    args.push(out.as_os_str().into());
    for x in extra {
        args.push(x.into());
    }
    hmis(args)
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

fn crosswalk(dir: &Path) -> HashMap<(String, String), String> {
    read_csv(&dir.join("crosswalk.csv"))
        .into_iter()
        .map(|r| {
            (
                (r["ExportID"].clone(), r["PersonalID"].clone()),
                r["UnduplicatedID"].clone(),
            )
        })
        .collect()
}

#[test]
fn sample_community_quality_against_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let truth = fixture("sample/truth.csv");
    let o = dedup(
        tmp.path(),
        &["--truth", truth.to_str().unwrap()],
        &[&fixture("sample")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = summary(tmp.path());
    let q = &s["truth"];
    // Measured 0.9959 / 0.9819 / +0.67 %: these bounds catch a regression.
    assert!(q["precision"].as_f64().unwrap() >= 0.99, "{q}");
    assert!(q["recall"].as_f64().unwrap() >= 0.97, "{q}");
    assert!(
        q["person_count_error"].as_f64().unwrap().abs() <= 0.01,
        "{q}"
    );
    assert_eq!(s["source_client_records"], 4260);
    assert_eq!(q["records_evaluated"], 4260);
    assert!(stderr(&o).contains("precision"), "{}", stderr(&o));
    // Every client record is in the crosswalk, and the person count matches it.
    let cw = crosswalk(tmp.path());
    assert_eq!(cw.len(), 4260);
    let persons: BTreeSet<&String> = cw.values().collect();
    assert_eq!(
        persons.len() as u64,
        s["unduplicated_persons"].as_u64().unwrap()
    );
    // Twins in the sample (same last name and DOB, different first names) are kept apart.
    assert!(s["twins_kept_apart"].as_u64().unwrap() > 0, "{s}");
}

#[test]
fn datalab_exports_are_one_hmis_of_48_persons() {
    let Some(dl) = shared("datalab-v1/exports") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let o = dedup(tmp.path(), &[], &[&dl]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = summary(tmp.path());
    assert_eq!(s["unduplicated_persons"], 48, "{s}");
    assert_eq!(s["source_systems"], 1);
    // Same PersonalID in one source system links; placeholder SSNs (123456789, 000000000)
    // and everything else link no one.
    assert_eq!(s["links"]["scored"], 0, "{s}");
    assert!(s["links"]["same_personal_id"].as_u64().unwrap() > 0);
    for l in read_csv(&tmp.path().join("links.csv")) {
        assert_eq!(l["evidence"], "same_personal_id");
        assert_eq!(l["PersonalID_a"], l["PersonalID_b"]);
    }
}

/// Outputs that must not change with thread count or the order exports are named in
/// (summary.json without its timings).
fn stable_outputs(dir: &Path) -> Vec<String> {
    let mut s = summary(dir);
    s.as_object_mut().unwrap().remove("timings_ms");
    vec![
        fs::read_to_string(dir.join("crosswalk.csv")).unwrap(),
        fs::read_to_string(dir.join("links.csv")).unwrap(),
        fs::read_to_string(dir.join("review.csv")).unwrap(),
        s.to_string(),
    ]
}

#[test]
fn same_result_whatever_threads_and_input_order() {
    let tmp = tempfile::tempdir().unwrap();
    let agencies: Vec<std::path::PathBuf> = (1..=4)
        .map(|i| fixture(&format!("sample/agency-0{i}")))
        .collect();
    let forward: Vec<&Path> = agencies.iter().map(|p| p.as_path()).collect();
    let backward: Vec<&Path> = agencies.iter().rev().map(|p| p.as_path()).collect();
    let mut results = Vec::new();
    for (threads, order) in [("1", &forward), ("2", &backward), ("2", &forward)] {
        let out = tmp.path().join(format!("t{threads}-{}", results.len()));
        let mut args: Vec<std::ffi::OsString> = vec!["dedup".into()];
        args.extend(order.iter().map(|p| p.as_os_str().into()));
        args.push("--out".into());
        args.push(out.as_os_str().into());
        let o = Command::new(bin())
            .args(&args)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        results.push(stable_outputs(&out));
    }
    assert!(
        results[0] == results[1],
        "1 thread forward vs 2 threads backward differ"
    );
    assert!(results[0] == results[2], "1 thread vs 2 threads differ");
}

#[test]
fn review_file_is_private_and_reports_hold_no_names() {
    let tmp = tempfile::tempdir().unwrap();
    let o = dedup(tmp.path(), &[], &[&fixture("sample")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let review = tmp.path().join("review.csv");
    let text = fs::read_to_string(&review).unwrap();
    assert!(
        text.starts_with("# CONTAINS PERSONAL DATA"),
        "{}",
        &text[..80]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&review).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "review.csv mode {mode:o}");
    }
    // Names, SSNs and birth dates of the input appear in no other output, as whole fields.
    let mut pii: BTreeSet<String> = BTreeSet::new();
    for i in 1..=4 {
        for r in read_csv(&fixture(&format!("sample/agency-0{i}/Client.csv"))) {
            for c in ["FirstName", "LastName", "SSN", "DOB"] {
                let v = r[c].trim();
                if v.len() >= 4 && v != "ANONYMOUS" && v != "UNKNOWN" {
                    pii.insert(v.to_uppercase());
                }
            }
        }
    }
    for f in ["crosswalk.csv", "links.csv", "summary.json"] {
        let body = fs::read_to_string(tmp.path().join(f)).unwrap();
        for field in body.split(|c: char| ",;=\"\n:{}[] ".contains(c)) {
            assert!(!pii.contains(&field.to_uppercase()), "{f} holds `{field}`");
        }
    }
}

#[test]
fn overrides_win_over_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    let o = dedup(&first, &[], &[&fixture("sample")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let links = read_csv(&first.join("links.csv"));
    // A scored link whose two records form a person of exactly two records.
    let cw = crosswalk(&first);
    let mut size: HashMap<&String, usize> = HashMap::new();
    for id in cw.values() {
        *size.entry(id).or_default() += 1;
    }
    let key = |l: &BTreeMap<String, String>, s: &str| {
        (
            l[&format!("ExportID_{s}")].clone(),
            l[&format!("PersonalID_{s}")].clone(),
        )
    };
    let split = links
        .iter()
        .find(|l| size[&cw[&key(l, "a")]] == 2)
        .expect("a two-record person");
    // A review pair kept apart.
    let review_text = fs::read_to_string(first.join("review.csv")).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(review_text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let review: Vec<BTreeMap<String, String>> = rdr
        .records()
        .map(|r| {
            h.iter()
                .zip(r.unwrap().iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect();
    let join = review
        .iter()
        .find(|r| r["reason"] == "borderline")
        .expect("a borderline pair");
    assert_ne!(cw[&key(join, "a")], cw[&key(join, "b")]);

    let overrides = tmp.path().join("overrides.csv");
    fs::write(
        &overrides,
        format!(
            "ExportID_a,PersonalID_a,ExportID_b,PersonalID_b,decision\n{},{},{},{},no-match\n{},{},{},{},match\n",
            split["ExportID_a"], split["PersonalID_a"], split["ExportID_b"], split["PersonalID_b"],
            join["ExportID_a"], join["PersonalID_a"], join["ExportID_b"], join["PersonalID_b"],
        ),
    )
    .unwrap();
    let second = tmp.path().join("second");
    let o = dedup(
        &second,
        &["--overrides", overrides.to_str().unwrap()],
        &[&fixture("sample")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let cw2 = crosswalk(&second);
    assert_ne!(
        cw2[&key(split, "a")],
        cw2[&key(split, "b")],
        "no-match override ignored"
    );
    assert_eq!(
        cw2[&key(join, "a")],
        cw2[&key(join, "b")],
        "match override ignored"
    );
    let s = summary(&second);
    assert_eq!(s["overrides_applied"], 2);
    assert_eq!(s["links"]["overrides"], 1);

    // A bad decision is a usage error naming the line.
    fs::write(
        &overrides,
        "ExportID_a,PersonalID_a,ExportID_b,PersonalID_b,decision\nA,1,B,2,maybe\n",
    )
    .unwrap();
    let o = dedup(
        &tmp.path().join("third"),
        &["--overrides", overrides.to_str().unwrap()],
        &[&fixture("sample")],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("line 2") && stderr(&o).contains("maybe"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn previous_crosswalk_keeps_ids_and_reports_merges_and_splits() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    assert_eq!(code(&dedup(&first, &[], &[&fixture("sample")])), 0);
    let cw = crosswalk(&first);
    // Last month's IDs: every person renamed OLD-n; then one two-record person given two
    // IDs (now merged), and two persons given one ID (now split).
    let mut by_person: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (k, v) in &cw {
        by_person.entry(v.clone()).or_default().push(k.clone());
    }
    let mut old: BTreeMap<(String, String), String> = BTreeMap::new();
    for (n, (_, recs)) in by_person.iter().enumerate() {
        for r in recs {
            old.insert(r.clone(), format!("OLD-{n:05}"));
        }
    }
    let mut pairs = by_person.values().filter(|r| r.len() == 2);
    let merged = pairs.next().unwrap().clone();
    old.insert(merged[1].clone(), "OLD-MERGED-AWAY".into());
    let singles: Vec<&Vec<(String, String)>> = by_person
        .values()
        .filter(|r| r.len() == 1)
        .take(2)
        .collect();
    old.insert(singles[1][0].clone(), old[&singles[0][0]].clone());
    let prev = tmp.path().join("previous.csv");
    let mut text = String::from("ExportID,PersonalID,UnduplicatedID\n");
    for ((e, p), id) in &old {
        text.push_str(&format!("{e},{p},{id}\n"));
    }
    fs::write(&prev, text).unwrap();

    let second = tmp.path().join("second");
    let o = dedup(
        &second,
        &["--previous", prev.to_str().unwrap()],
        &[&fixture("sample")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let cw2 = crosswalk(&second);
    // Same persons, old IDs kept.
    let kept = cw2.values().filter(|v| v.starts_with("OLD-")).count();
    assert!(kept >= cw2.len() - 2, "{kept} of {}", cw2.len());
    assert_eq!(cw2[&merged[0]], old[&merged[0]]);
    assert_eq!(
        cw2[&merged[1]], old[&merged[0]],
        "merged record takes the kept ID"
    );
    let s = summary(&second);
    let p = &s["previous"];
    assert_eq!(p["merges"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["merges"][0]["merged"][0], "OLD-MERGED-AWAY");
    assert_eq!(p["splits"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["new"], 1, "the split-off person gets a new ID: {p}");
    assert_ne!(cw2[&singles[0][0]], cw2[&singles[1][0]]);
}

#[test]
fn rules_errors_name_the_problem_and_training_writes_usable_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("match.toml");
    let good = fs::read_to_string(root().join("rules/match.toml")).unwrap();
    fs::write(
        &rules,
        good.replace(
            "[fields.race]",
            "[fields.shoe_size]\nbig = { m = 0.5, u = 0.5 }\n\n[fields.race]",
        ),
    )
    .unwrap();
    // The placeholder and nickname files are read beside the rules file.
    for f in ["placeholders.toml", "nicknames.csv"] {
        fs::copy(root().join("rules").join(f), tmp.path().join(f)).unwrap();
    }
    let o = dedup(
        &tmp.path().join("x"),
        &["--rules", rules.to_str().unwrap()],
        &[&fixture("edge/minimal")],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("shoe_size"), "{}", stderr(&o));

    let out = tmp.path().join("trained");
    let o = dedup(&out, &["--train"], &[&fixture("sample")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let fitted = out.join("match.fitted.toml");
    assert!(summary(&out)["training"]["blocked_pairs"].as_u64().unwrap() > 0);
    let o = dedup(
        &tmp.path().join("again"),
        &[
            "--rules",
            fitted.to_str().unwrap(),
            "--truth",
            fixture("sample/truth.csv").to_str().unwrap(),
        ],
        &[&fixture("sample")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let q = &summary(&tmp.path().join("again"))["truth"];
    assert!(q["f1"].as_f64().unwrap() > 0.95, "{q}");
}
