//! The dashboard renders in headless Chromium: the page loads from the file system with no
//! network, every chart is an SVG element in the rendered DOM, and a screenshot is taken.
//! Runs only when Chromium is installed (Debian package `chromium`); otherwise it says so
//! and passes.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn chrome_cmd(exe: &PathBuf, profile: &std::path::Path) -> Command {
    let mut c = Command::new(exe);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,1750",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn dashboard_renders_in_headless_chromium() {
    let Some(exe) = chromium() else {
        eprintln!("skipped: chromium is not installed (apt-get install -y chromium)");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let o = hmis([
        "run".as_ref(),
        fixture("sample").as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
        "--quiet".as_ref(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let page = out.path().join("index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<script"), "no scripts");
    assert!(
        !html.contains("src=\"http"),
        "nothing fetched from elsewhere"
    );
    let url = format!("file://{}", page.display());

    // The DOM after Chromium has loaded and laid out the page.
    let profile = tempfile::tempdir().unwrap();
    let dom = chrome_cmd(&exe, profile.path())
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let figures = html.matches("<figure>").count();
    assert!(figures >= 6, "charts in the page: {figures}");
    assert_eq!(
        dom.matches("<svg").count(),
        figures,
        "every chart is rendered"
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let persons = s["overview"]["persons"].as_u64().unwrap();
    let shown = format!("{},{:03}", persons / 1000, persons % 1000);
    assert!(dom.contains(&shown), "headline {shown} shown");
    for f in s["files"].as_array().unwrap() {
        assert!(
            dom.contains(&format!("href=\"{}\"", f.as_str().unwrap())),
            "link to {f}"
        );
    }

    // A screenshot: a PNG of the full width.
    let png = out.path().join("dashboard.png");
    let o = chrome_cmd(&exe, profile.path())
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(png.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    assert_eq!(width, 1280);
    assert!(bytes.len() > 50_000, "a page with charts, not a blank one");
}
