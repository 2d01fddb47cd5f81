//! Strict checks on a small generated community.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use super::*;
use crate::hmis::{ColType, Key, Lists, Schema};

fn opts(dir: &Path, seed: u64, persons: u64) -> SynthOptions {
    SynthOptions {
        out: dir.to_path_buf(),
        persons,
        agencies: 3,
        seed,
        ..SynthOptions::default()
    }
}

type Table = (Vec<String>, Vec<Vec<String>>);

fn read(path: &Path) -> Table {
    let mut r = csv::ReaderBuilder::new().from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn same_seed_same_bytes_and_different_seed_differs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let sa = generate(&opts(a.path(), 7, 300)).unwrap();
    let sb = generate(&opts(b.path(), 7, 300)).unwrap();
    generate(&opts(c.path(), 8, 300)).unwrap();
    assert_eq!(sa.persons, 300);
    assert_eq!(sa.rows_written, sb.rows_written);
    assert_eq!(all_bytes(a.path()), all_bytes(b.path()));
    assert_ne!(all_bytes(a.path()), all_bytes(c.path()));
}

#[test]
fn invalid_options_are_rejected() {
    let d = tempfile::tempdir().unwrap();
    let mut o = opts(d.path(), 1, 10);
    o.agencies = 0;
    assert!(matches!(generate(&o), Err(SynthError::InvalidOptions(_))));
    let mut o = opts(d.path(), 1, 10);
    o.end = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    assert!(matches!(generate(&o), Err(SynthError::InvalidOptions(_))));
}

/// The list a coded value must come from, given the row (for list-by-other-column cases).
fn list_for(file: &str, col: &str, lists: &[String], row: &HashMap<&str, &str>) -> Option<String> {
    match (file, col) {
        ("Disabilities", "DisabilityResponse") => Some(
            if row["DisabilityType"] == "10" {
                "4.10.2"
            } else {
                "1.8"
            }
            .to_string(),
        ),
        ("Services", "TypeProvided") => Lists::get()
            .type_provided_list(row["RecordType"].parse().unwrap())
            .map(str::to_string),
        _ if lists.len() == 1 => Some(lists[0].clone()),
        _ => None,
    }
}

#[test]
fn generated_community_passes_strict_checks() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(&opts(dir.path(), 3, 600)).unwrap();
    assert_eq!(summary.exports.len(), 3);
    let schema = Schema::fy2026();
    let lists = Lists::get();
    let truth = read(&dir.path().join("truth.csv"));
    assert_eq!(truth.0, vec!["ExportID", "PersonalID", "PersonKey"]);
    let truth_ids: HashSet<(String, String)> = truth
        .1
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert_eq!(truth_ids.len(), truth.1.len());
    assert_eq!(truth.1.len() as u64, summary.client_records);
    let persons: HashSet<&String> = truth.1.iter().map(|r| &r[2]).collect();
    assert_eq!(persons.len() as u64, summary.persons);
    let mut seen_codes: HashMap<String, HashSet<String>> = HashMap::new();
    let mut rows_total = 0u64;
    let mut clients_total = 0usize;

    for export in &summary.exports {
        let mut tables: HashMap<String, Table> = HashMap::new();
        for f in &schema.files {
            let t = read(&export.join(f.file_name()));
            assert_eq!(t.0, f.header(), "{} header", f.name);
            rows_total += t.1.len() as u64;
            tables.insert(f.name.clone(), t);
        }
        let export_rows = &tables["Export"].1;
        assert_eq!(export_rows.len(), 1);
        let export_id = export_rows[0][0].clone();
        let h = &tables["Export"].0;
        let col = |t: &Table, name: &str| t.0.iter().position(|c| c == name).unwrap();
        assert_eq!(
            export_rows[0][col(&tables["Export"], "CSVVersion")],
            "2026 v1.0"
        );
        let _ = h;
        // Column-level checks: required, lengths, types, lists, ExportID, PK uniqueness.
        for f in &schema.files {
            let t = &tables[&f.name];
            let mut pks = HashSet::new();
            for row in &t.1 {
                let named: HashMap<&str, &str> = f
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.name.as_str(), v.as_str()))
                    .collect();
                for (c, v) in f.columns.iter().zip(row) {
                    if c.required {
                        assert!(!v.is_empty(), "{}.{} required", f.name, c.name);
                    }
                    if v.is_empty() {
                        continue;
                    }
                    if c.name == "ExportID" {
                        assert_eq!(v, &export_id);
                    }
                    match c.ty {
                        ColType::Str => {
                            if let Some(m) = c.max_len {
                                assert!(
                                    v.chars().count() <= m,
                                    "{}.{} too long: {v}",
                                    f.name,
                                    c.name
                                );
                            }
                        }
                        ColType::Int => {
                            let n: i32 = v
                                .parse()
                                .unwrap_or_else(|_| panic!("{}.{} {v}", f.name, c.name));
                            if let Some(l) = list_for(&f.name, &c.name, &c.lists, &named) {
                                let list = lists.list(&l).unwrap_or_else(|| panic!("list {l}"));
                                assert!(list.contains(n), "{}.{}={n} not on {l}", f.name, c.name);
                                if l == "3.12.1" {
                                    let de = match c.name.as_str() {
                                        "LivingSituation" => "3.917",
                                        "CurrentLivingSituation" => "4.12",
                                        _ => "3.12",
                                    };
                                    assert!(
                                        list.codes[&n].valid_for.iter().any(|x| x == de),
                                        "{}.{}={n} not valid for {de}",
                                        f.name,
                                        c.name
                                    );
                                }
                                seen_codes
                                    .entry(format!("{}.{}", f.name, c.name))
                                    .or_default()
                                    .insert(v.clone());
                            }
                        }
                        ColType::Date => {
                            NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap();
                        }
                        ColType::DateTime => {
                            chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").unwrap();
                        }
                        ColType::Money => {
                            let (a, b) = v.split_once('.').unwrap();
                            assert!(a.parse::<i64>().is_ok() && b.len() == 2, "{v}");
                        }
                    }
                }
                if f.columns[0].key == Key::Primary {
                    assert!(
                        pks.insert(row[0].clone()),
                        "{} duplicate PK {}",
                        f.name,
                        row[0]
                    );
                }
            }
            // Foreign keys.
            for (ci, c) in f.columns.iter().enumerate() {
                if let Key::Foreign { file, column } = &c.key {
                    let parent = &tables[file.as_str()];
                    let pc = col(parent, column);
                    let set: HashSet<&String> = parent.1.iter().map(|r| &r[pc]).collect();
                    for row in &t.1 {
                        if !row[ci].is_empty() {
                            assert!(
                                set.contains(&row[ci]),
                                "{}.{} -> {file}.{column}: {}",
                                f.name,
                                c.name,
                                row[ci]
                            );
                        }
                    }
                }
            }
            if f.columns.iter().any(|c| c.name == "UserID") && f.name != "User" {
                let users: HashSet<&String> = tables["User"].1.iter().map(|r| &r[0]).collect();
                let ui = col(t, "UserID");
                for row in &t.1 {
                    assert!(users.contains(&row[ui]), "{} UserID {}", f.name, row[ui]);
                }
            }
        }
        // Truth covers every Client row.
        let clients = &tables["Client"];
        clients_total += clients.1.len();
        for r in &clients.1 {
            assert!(truth_ids.contains(&(export_id.clone(), r[0].clone())));
        }
        // Relationship checks.
        let enr = &tables["Enrollment"];
        let (ei, pi, pri, ed, hh, rel) = (
            col(enr, "EnrollmentID"),
            col(enr, "PersonalID"),
            col(enr, "ProjectID"),
            col(enr, "EntryDate"),
            col(enr, "HouseholdID"),
            col(enr, "RelationshipToHoH"),
        );
        let proj = &tables["Project"];
        let ptype: HashMap<&String, &String> = proj
            .1
            .iter()
            .map(|r| (&r[0], &r[col(proj, "ProjectType")]))
            .collect();
        let dob: HashMap<&String, &String> = clients
            .1
            .iter()
            .map(|r| (&r[0], &r[col(clients, "DOB")]))
            .collect();
        let mut hoh: HashMap<&String, u32> = HashMap::new();
        let mut by_enr: HashMap<&String, &Vec<String>> = HashMap::new();
        for r in &enr.1 {
            *hoh.entry(&r[hh]).or_default() += u32::from(r[rel] == "1");
            by_enr.insert(&r[ei], r);
            let d = dob[&r[pi]];
            if !d.is_empty() {
                assert!(d < &r[ed], "DOB {d} not before entry {}", r[ed]);
            }
        }
        assert!(hoh.values().all(|&n| n == 1), "one HoH per household");
        let ex = &tables["Exit"];
        let mut exits: HashMap<&String, &String> = HashMap::new();
        for r in &ex.1 {
            let e = by_enr[&r[col(ex, "EnrollmentID")]];
            assert_eq!(e[pi], r[col(ex, "PersonalID")]);
            assert!(r[col(ex, "ExitDate")] >= e[ed]);
            assert!(
                exits
                    .insert(&r[col(ex, "EnrollmentID")], &r[col(ex, "ExitDate")])
                    .is_none()
            );
            let dest = &r[col(ex, "Destination")];
            assert_eq!(
                dest == "435",
                !r[col(ex, "DestinationSubsidyType")].is_empty()
            );
        }
        // Child records carry the enrollment's PersonalID.
        for name in [
            "IncomeBenefits",
            "HealthAndDV",
            "Disabilities",
            "Services",
            "CurrentLivingSituation",
            "Assessment",
            "Event",
            "EmploymentEducation",
            "YouthEducationStatus",
        ] {
            let t = &tables[name];
            let (e, p) = (col(t, "EnrollmentID"), col(t, "PersonalID"));
            for r in &t.1 {
                assert_eq!(by_enr[&r[e]][pi], r[p], "{name} PersonalID");
            }
        }
        // Bed nights only for night-by-night shelters, within the stay.
        let sv = &tables["Services"];
        let export_end = &export_rows[0][col(&tables["Export"], "ExportEndDate")];
        for r in &sv.1 {
            let e = by_enr[&r[col(sv, "EnrollmentID")]];
            assert_eq!(ptype[&e[pri]], "1");
            let d = &r[col(sv, "DateProvided")];
            assert!(d >= &e[ed]);
            match exits.get(&e[ei]) {
                Some(x) => assert!(d < *x),
                None => assert!(d <= export_end),
            }
        }
        // No overlapping stays of one PersonalID in one project.
        let mut stays: HashMap<(&String, &String), Vec<(String, String)>> = HashMap::new();
        for r in &enr.1 {
            let x = exits
                .get(&r[ei])
                .map(|s| s.to_string())
                .unwrap_or("9999-12-31".into());
            stays
                .entry((&r[pi], &r[pri]))
                .or_default()
                .push((r[ed].clone(), x));
        }
        for v in stays.values_mut() {
            v.sort();
            for w in v.windows(2) {
                assert!(w[1].0 >= w[0].1, "overlap {w:?}");
            }
        }
        // A few "null unless" rules.
        let c = clients;
        for r in &c.1 {
            if r[col(c, "VeteranStatus")] != "1" {
                assert!(r[col(c, "YearEnteredService")].is_empty());
                assert!(r[col(c, "MilitaryBranch")].is_empty());
            }
            let none = &r[col(c, "RaceNone")];
            if !none.is_empty() {
                for rc in crate::hmis::RACE_COLUMNS {
                    assert_eq!(r[col(c, rc)], "0");
                }
            }
        }
        for r in &enr.1 {
            assert_eq!(
                r[col(enr, "LivingSituation")] == "435",
                !r[col(enr, "RentalSubsidyType")].is_empty()
            );
        }
        let inv = &tables["Inventory"];
        for r in &inv.1 {
            let t = ptype[&r[col(inv, "ProjectID")]];
            assert_eq!(t == "0" || t == "1", !r[col(inv, "ESBedType")].is_empty());
        }
        for r in &proj.1 {
            assert_eq!(
                r[col(proj, "ProjectType")] == "13",
                !r[col(proj, "RRHSubType")].is_empty()
            );
        }
    }
    assert_eq!(clients_total, truth.1.len());
    assert_eq!(rows_total, summary.rows_written);
    // The community really is varied.
    for (k, min) in [
        ("Exit.Destination", 15),
        ("Enrollment.LivingSituation", 8),
        ("Project.ProjectType", 10),
        ("Client.SSNDataQuality", 4),
        ("Client.NameDataQuality", 3),
    ] {
        assert!(seen_codes[k].len() >= min, "{k}: {:?}", seen_codes[k]);
    }
    // Several true persons appear under more than one record.
    let mut per_person: HashMap<&String, usize> = HashMap::new();
    for r in &truth.1 {
        *per_person.entry(&r[2]).or_default() += 1;
    }
    assert!(per_person.values().filter(|&&n| n > 1).count() > 20);
}
