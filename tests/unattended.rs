//! `hmis run` as a cron job runs it: a config file (with CLI overrides, unknown keys named,
//! {period} in the output path), the output folder replaced only on success (DIR.prev kept, a
//! rejected run leaves it untouched), the lock and a killed run's leftovers, JSON logs, quiet
//! mode, small-cell suppression and --no-pii-files.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

const PERIOD: &str = "2025-09-01..2025-09-30";

#[test]
fn config_file_with_overrides_and_period_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    fs::create_dir_all(&drop).unwrap();
    for i in 1..=4 {
        let to = drop.join(format!("agency-0{i}"));
        fs::create_dir_all(&to).unwrap();
        for e in fs::read_dir(fixture(&format!("sample/agency-0{i}"))).unwrap() {
            let e = e.unwrap();
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    let cfg = tmp.path().join("hmis.toml");
    fs::write(
        &cfg,
        format!(
            "inputs = [\"drop/agency-*\"]\nout = \"out/{{period}}\"\nperiod = \"{PERIOD}\"\npit_date = 2025-01-29\nsuppress_below = 11\nno_pii_files = true\nquiet = true\n"
        ),
    )
    .unwrap();
    let o = run_in(tmp.path(), &["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "quiet: {}", stderr(&o));
    let out = tmp.path().join("out/2025-09-01_2025-09-30");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["period"]["start"], "2025-09-01", "{summary}");
    assert_eq!(summary["pit"]["date"], "2025-01-29");
    assert!(!out.join("review.csv").exists(), "no_pii_files");
    assert!(out.join("crosswalk.csv").exists());
    // Suppression: no count from 1 to 10 in any report table.
    for report in ["overview", "pit"] {
        for e in fs::read_dir(out.join(report)).unwrap() {
            let p = e.unwrap().path();
            for row in read_csv(&p) {
                for (col, v) in row.iter().skip(1) {
                    if let Ok(n) = v.parse::<u64>() {
                        assert!(n == 0 || n >= 11, "{}: {col} = {n}", p.display());
                    }
                }
            }
        }
    }
    // The command line wins over the file; HMIS_CONFIG names the file too.
    let o = Command::new(bin())
        .current_dir(tmp.path())
        .env("HMIS_CONFIG", &cfg)
        .args(["run", "--out", "cli-out", "--suppress-below", "2"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(tmp.path().join("cli-out/summary.json").exists());

    // Only some reports and formats.
    fs::write(
        &cfg,
        format!("inputs = [\"drop\"]\nout = \"only\"\nperiod = \"{PERIOD}\"\nreports = [\"pit\"]\nformats = [\"csv\"]\n"),
    )
    .unwrap();
    let o = run_in(tmp.path(), &["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let only = tmp.path().join("only");
    assert!(only.join("pit/all_households.csv").exists());
    assert!(!only.join("overview").exists() && !only.join("pit.xlsx").exists());
    assert!(!only.join("index.html").exists() && only.join("summary.json").exists());
    // Per-organization folders and the identity from the config; the command line's
    // --identity wins over the file's.
    fs::write(
        &cfg,
        format!("inputs = [\"drop\"]\nout = \"orgs\"\nperiod = \"{PERIOD}\"\nreports = [\"overview\"]\nby_organization = true\nidentity = \"personal-id\"\n"),
    )
    .unwrap();
    let o = run_in(tmp.path(), &["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let orgs = tmp.path().join("orgs");
    assert!(orgs.join("organizations/index.csv").is_file());
    let by_pid = fs::read_to_string(orgs.join("summary.json")).unwrap();
    assert!(by_pid.contains("PersonalID"), "{by_pid}");
    let o = run_in(
        tmp.path(),
        &[
            "run",
            "--config",
            cfg.to_str().unwrap(),
            "--identity",
            "unduplicated",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let undup = fs::read_to_string(orgs.join("summary.json")).unwrap();
    assert!(undup.contains("record linkage"), "{undup}");
    fs::write(&cfg, "inputs = [\"drop\"]\nidentity = \"ssn\"\n").unwrap();
    let o = run_in(tmp.path(), &["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("identity"), "{}", stderr(&o));

    // An unknown key is a usage error naming it.
    fs::write(&cfg, "inputs = [\"drop\"]\nsupress_below = 11\n").unwrap();
    let o = run_in(tmp.path(), &["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("supress_below"), "{}", stderr(&o));
    // Inputs that match nothing, too.
    fs::write(&cfg, "inputs = [\"nowhere/*.zip\"]\n").unwrap();
    let o = run_in(tmp.path(), &["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn output_folder_is_replaced_only_on_success() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("reports");
    let sample = fixture("sample");
    let args = |o: &Path| {
        vec![
            "run".to_string(),
            sample.display().to_string(),
            "--out".into(),
            o.display().to_string(),
            "--period".into(),
            PERIOD.into(),
        ]
    };
    let o = Command::new(bin()).args(args(&out)).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let first = fs::read_to_string(out.join("summary.json")).unwrap();
    fs::write(out.join("marker.txt"), "from the first run").unwrap();

    // A second run: the first run's folder becomes reports.prev.
    let o = Command::new(bin()).args(args(&out)).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(tmp.path().join("reports.prev/marker.txt").exists());
    assert!(!out.join("marker.txt").exists());
    assert_eq!(
        fs::read_to_string(out.join("summary.json")).unwrap(),
        first,
        "same input, same bytes"
    );

    // A rejected export: the folder is untouched, findings in reports.failed.
    let bad = tmp.path().join("bad");
    fs::create_dir_all(&bad).unwrap();
    fs::copy(fixture("edge/minimal/Export.csv"), bad.join("Export.csv")).unwrap();
    fs::copy(
        fixture("edge/minimal/Enrollment.csv"),
        bad.join("Enrollment.csv"),
    )
    .unwrap();
    let before = fs::read_to_string(out.join("summary.json")).unwrap();
    let o = Command::new(bin())
        .args(["run", bad.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(out.join("summary.json")).unwrap(),
        before
    );
    assert!(tmp.path().join("reports.failed/validation.csv").exists());

    // Another run holds the lock (this test's own process is alive): refused, exit 2.
    let lock = tmp.path().join(".reports.lock");
    fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let o = Command::new(bin()).args(args(&out)).output().unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("another hmis run"), "{}", stderr(&o));
    // A killed run: its lock names a process that is gone, its staging folder remains.
    let dead = 4_000_000_000u32;
    fs::write(&lock, format!("{dead}\n")).unwrap();
    let leftover = tmp.path().join(format!(".reports.tmp-{dead}"));
    fs::create_dir_all(&leftover).unwrap();
    fs::write(leftover.join("half.csv"), "partial").unwrap();
    let o = Command::new(bin()).args(args(&out)).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("no longer running"), "{}", stderr(&o));
    assert!(!leftover.exists() && !lock.exists());
    let mut names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["bad", "reports", "reports.failed", "reports.prev"]);
}

#[test]
fn json_logs_and_one_line_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let o = hmis([
        "run",
        fixture("sample").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--period",
        PERIOD,
        "--log-format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let last = lines.last().expect("a summary line");
    assert_eq!(last["level"], "info");
    assert!(last["persons"].as_u64().unwrap() > 2900, "{last}");
    // One workbook per report: at the top of the folder, and each project's APR under
    // apr-projects/.
    let xlsx = |d: &std::path::Path| {
        fs::read_dir(d)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "xlsx")
            })
            .count()
    };
    assert_eq!(
        last["reports"].as_u64().unwrap() as usize,
        xlsx(&out) + xlsx(&out.join("apr-projects"))
    );
    // Text mode: the last line is the one-line summary.
    let o = hmis([
        "run",
        fixture("sample").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--period",
        PERIOD,
    ]);
    assert!(
        stderr(&o)
            .lines()
            .last()
            .unwrap()
            .starts_with("hmis: run ok:"),
        "{}",
        stderr(&o)
    );
}
