//! A corpus of hostile inputs, each with the behaviour a user should get: a clear message,
//! the documented exit code (0 = read with findings, 3 = export refused), never a panic, and
//! nothing written outside the output folder.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A copy of fixtures/edge/minimal with one file replaced or changed.
fn case(root: &Path, name: &str, edit: impl FnOnce(&Path)) -> PathBuf {
    let dir = root.join(name);
    copy_dir(&fixture("edge/minimal"), &dir);
    edit(&dir);
    dir
}

struct Outcome {
    code: i32,
    stderr: String,
    validation: String,
}

/// Runs validate with a working directory of its own and checks that nothing appeared
/// outside the output folder.
fn run_case(root: &Path, input: &Path) -> Outcome {
    let work = root.join(format!(
        "work-{}",
        input.file_name().unwrap().to_string_lossy()
    ));
    fs::create_dir_all(&work).unwrap();
    let out = work.join("out");
    let o = std::process::Command::new(bin())
        .current_dir(&work)
        .arg("validate")
        .arg(input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = stderr(&o);
    assert!(
        !stderr.contains("panicked"),
        "{}: panic\n{stderr}",
        input.display()
    );
    let entries: Vec<String> = fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        entries.iter().all(|e| e == "out"),
        "{}: wrote outside the output folder: {entries:?}",
        input.display()
    );
    Outcome {
        code: code(&o),
        stderr,
        validation: fs::read_to_string(out.join("validation.csv")).unwrap_or_default(),
    }
}

fn edit(dir: &Path, file: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(file);
    let text = fs::read_to_string(&p).unwrap();
    fs::write(&p, f(text)).unwrap();
}

#[test]
fn hostile_files_in_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    type Check = (&'static str, i32, &'static str);
    let mut cases: Vec<(PathBuf, Check)> = Vec::new();

    cases.push((
        case(root, "truncated", |d| {
            edit(d, "Enrollment.csv", |t| t[..t.len() * 2 / 3].to_string())
        }),
        ("truncated Enrollment.csv", 0, "row.field_count"),
    ));
    cases.push((
        case(root, "header_only", |d| {
            edit(d, "Client.csv", |t| {
                t.lines().next().unwrap().to_string() + "\n"
            })
        }),
        ("Client.csv with only a header", 0, "fk.missing"),
    ));
    cases.push((
        case(root, "no_header", |d| {
            edit(d, "Client.csv", |t| {
                t.lines().skip(1).collect::<Vec<_>>().join("\n")
            })
        }),
        ("Client.csv without a header", 3, "PersonalID"),
    ));
    cases.push((
        case(root, "semicolons", |d| {
            edit(d, "Client.csv", |t| t.replace(',', ";"))
        }),
        ("Client.csv delimited by semicolons", 3, "PersonalID"),
    ));
    cases.push((
        case(root, "binary", |d| {
            fs::write(
                d.join("Services.csv"),
                (0..20000u32)
                    .map(|i| (i * 7919 % 251) as u8)
                    .collect::<Vec<u8>>(),
            )
            .unwrap()
        }),
        ("binary garbage in Services.csv", 0, "Services.csv"),
    ));
    cases.push((
        case(root, "huge_field", |d| {
            edit(d, "Client.csv", |t| {
                let big = "A".repeat(10 << 20);
                t.replacen(",Ana,", &format!(",\"{big}\","), 1)
            })
        }),
        ("a 10 MB field", 0, "max_length"),
    ));
    cases.push((
        case(root, "invalid_utf8", |d| {
            let p = d.join("Client.csv");
            let mut b = fs::read(&p).unwrap();
            b.extend_from_slice(b"C9,\xff\xfe\xfd,,Bad,,1,,99,,99,,0,0,0,0,0,0,1,,,0,,,,,,,,,,,,,2025-01-15 10:00:00,2025-01-15 10:00:00,U1,,EDGE01\n");
            fs::write(&p, b).unwrap();
        }),
        ("invalid UTF-8", 0, "encoding"),
    ));
    cases.push((
        case(root, "utf16", |d| {
            let p = d.join("Client.csv");
            let text = fs::read_to_string(&p).unwrap();
            let mut b = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                b.extend_from_slice(&u.to_le_bytes());
            }
            fs::write(&p, b).unwrap();
        }),
        ("UTF-16 with BOM", 0, "encoding.utf16"),
    ));
    cases.push((
        case(root, "duplicate_keys", |d| {
            edit(d, "Enrollment.csv", |t| {
                let second = t.lines().nth(1).unwrap().to_string();
                format!("{t}{second}\n")
            })
        }),
        ("duplicate EnrollmentID", 0, "pk.duplicate"),
    ));
    cases.push((
        case(root, "orphans", |d| {
            edit(d, "Exit.csv", |t| {
                let second = t
                    .lines()
                    .nth(1)
                    .unwrap()
                    .replacen("E1", "NO-SUCH-ENROLLMENT", 1);
                format!(
                    "{t}{}\n",
                    second.replacen(&second[..second.find(',').unwrap()], "XORPHAN", 1)
                )
            })
        }),
        ("an Exit whose enrollment does not exist", 0, "fk.missing"),
    ));
    cases.push((
        case(root, "far_dates", |d| {
            edit(d, "Client.csv", |t| {
                t.replacen("1985-03-04", "1800-03-04", 1)
                    .replacen("1990-12-01", "2200-12-01", 1)
            })
        }),
        ("birth dates in 1800 and 2200", 0, "DOB"),
    ));
    cases.push((
        case(root, "bad_incomes", |d| {
            edit(d, "IncomeBenefits.csv", |t| {
                t.replacen(",812.50,1,812.50,", ",-812.50,1,lots,", 1)
            })
        }),
        ("negative and non-numeric incomes", 0, "IncomeBenefits.csv"),
    ));
    cases.push((
        case(root, "export_disagrees", |d| {
            edit(d, "Export.csv", |t| {
                t.replace("EDGE01", "OTHER99")
                    .replace("2026 v1.0", "2022 v1.3")
            })
        }),
        ("Export.csv disagreeing with its files", 0, "export"),
    ));

    let mut failures = Vec::new();
    for (dir, (what, want_code, needle)) in cases {
        let o = run_case(root, &dir);
        let said = format!("{}\n{}", o.stderr, o.validation);
        if o.code != want_code || !said.contains(needle) {
            failures.push(format!(
                "{what}: exit code {} (want {want_code}), `{needle}` {}\n{}",
                o.code,
                if said.contains(needle) {
                    "found"
                } else {
                    "missing"
                },
                said.chars().take(1500).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n-----\n"));
}

fn zip_of(path: &Path, entries: &[(&str, Vec<u8>)]) {
    let mut z = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

fn minimal_entries(prefix: &str) -> Vec<(String, Vec<u8>)> {
    fs::read_dir(fixture("edge/minimal"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                format!("{prefix}{}", e.file_name().to_string_lossy()),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn hostile_zips_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();

    // Path traversal: entry names that climb out of the archive.
    let trav = root.join("traversal.zip");
    let mut entries = minimal_entries("");
    entries.push(("../../etc/x".into(), b"owned".to_vec()));
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    zip_of(&trav, &refs);
    let o = run_case(root, &trav);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stderr.contains("unsafe"), "{}", o.stderr);
    assert!(!root.join("etc").exists() && !Path::new("/etc/x").exists());

    // A zip bomb: a small archive claiming gigabytes (highly compressible Services.csv).
    let bomb = root.join("bomb.zip");
    {
        let mut z = zip::ZipWriter::new(fs::File::create(&bomb).unwrap());
        for (name, bytes) in minimal_entries("") {
            if name == "Services.csv" {
                continue;
            }
            z.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(&bytes).unwrap();
        }
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        z.start_file("Services.csv", opts).unwrap();
        let chunk = vec![b','; 1 << 20];
        for _ in 0..100 {
            z.write_all(&chunk).unwrap(); // 100 MB of commas, 100 KB compressed
        }
        z.finish().unwrap();
    }
    assert!(fs::metadata(&bomb).unwrap().len() < 2 << 20);
    let o = run_case(root, &bomb);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stderr.contains("zip bomb"), "{}", o.stderr);
}
