//! `DIR/index.html`: one self-contained page (inline CSS and SVG, no scripts, nothing
//! fetched from elsewhere) with the headline numbers, every report chart and links to every
//! file. Deterministic: the same run gives the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::reports::{Cell, Chart, ChartKind, Table};

use super::json::Written;
use super::{OutputError, RunInfo, write_atomic};

const PALETTE: [&str; 14] = [
    "#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#718096",
    "#90cdf4", "#fbd38d", "#9ae6b4", "#e53e3e", "#4a5568", "#f6ad55",
];

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// A cell's value in a chart: percentages in percent (0-100), text (a suppressed cell) 0.
fn value(c: &Cell) -> f64 {
    match c {
        Cell::Count(n) => *n as f64,
        Cell::Percent(p) => *p * 100.0,
        Cell::Number(x, _) => *x,
        _ => 0.0,
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Cell::Count(x as u64).display()
    } else {
        format!("{x:.1}")
    }
}

/// Data of a chart: (category labels, series names, values[series][category]).
fn data(c: &Chart, t: &Table) -> (Vec<String>, Vec<String>, Vec<Vec<f64>>) {
    let cats = c.rows.iter().map(|&r| t.rows[r].label.clone()).collect();
    let names = c.series.iter().map(|&s| t.columns[s].clone()).collect();
    let vals = c
        .series
        .iter()
        .map(|&s| {
            c.rows
                .iter()
                .map(|&r| t.rows[r].cells.get(s).map_or(0.0, value))
                .collect()
        })
        .collect();
    (cats, names, vals)
}

/// Horizontal bars, stacked when there are several series.
fn svg_bars(cats: &[String], names: &[String], vals: &[Vec<f64>]) -> String {
    let label_w = 300.0;
    let bar_w = 250.0;
    let row_h = 24.0;
    let legend_h = if names.len() > 1 { 24.0 } else { 0.0 };
    let h = legend_h + row_h * cats.len() as f64 + 8.0;
    let totals: Vec<f64> = (0..cats.len())
        .map(|k| vals.iter().map(|s| s[k]).sum())
        .collect();
    let max = totals.iter().cloned().fold(0.0, f64::max).max(1.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">"#,
        w = label_w + bar_w + 70.0
    );
    if names.len() > 1 {
        let mut x = label_w;
        for (i, n) in names.iter().enumerate() {
            let _ = write!(
                s,
                r#"<rect x="{x}" y="6" width="12" height="12" fill="{}"/><text x="{}" y="16" class="lg">{}</text>"#,
                PALETTE[i % PALETTE.len()],
                x + 16.0,
                esc(n)
            );
            x += 28.0 + 7.0 * n.chars().count() as f64;
        }
    }
    for (k, cat) in cats.iter().enumerate() {
        let y = legend_h + row_h * k as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="cat"><title>{}</title>{}</text>"#,
            label_w - 8.0,
            y + 16.0,
            esc(cat),
            esc(&short(cat, 46))
        );
        let mut x = label_w;
        for (i, series) in vals.iter().enumerate() {
            let w = series[k] / max * bar_w;
            if w > 0.0 {
                let _ = write!(
                    s,
                    r#"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"><title>{}: {}</title></rect>"#,
                    y + 3.0,
                    row_h - 6.0,
                    PALETTE[i % PALETTE.len()],
                    esc(&names[i]),
                    fmt_num(series[k])
                );
            }
            x += w;
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" class="val">{}</text>"#,
            x + 6.0,
            y + 16.0,
            fmt_num(totals[k])
        );
    }
    s.push_str("</svg>");
    s
}

/// A pie with a legend (one series).
fn svg_pie(cats: &[String], vals: &[f64]) -> String {
    let total: f64 = vals.iter().sum();
    let (cx, cy, r) = (110.0, 110.0, 100.0);
    let h = (20.0 * cats.len() as f64 + 10.0).max(230.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="560" height="{h}" viewBox="0 0 560 {h}" role="img">"#
    );
    if total <= 0.0 {
        let _ = write!(
            s,
            r##"<circle cx="{cx}" cy="{cy}" r="{r}" fill="#e2e8f0"/><text x="{cx}" y="{cy}" text-anchor="middle" class="cat">no data</text>"##
        );
    }
    let mut a0 = -std::f64::consts::FRAC_PI_2;
    for (i, v) in vals.iter().enumerate() {
        if *v <= 0.0 || total <= 0.0 {
            continue;
        }
        let color = PALETTE[i % PALETTE.len()];
        let frac = v / total;
        if frac >= 0.9999 {
            let _ = write!(s, r#"<circle cx="{cx}" cy="{cy}" r="{r}" fill="{color}"/>"#);
            continue;
        }
        let a1 = a0 + frac * std::f64::consts::TAU;
        let (x0, y0) = (cx + r * a0.cos(), cy + r * a0.sin());
        let (x1, y1) = (cx + r * a1.cos(), cy + r * a1.sin());
        let large = if frac > 0.5 { 1 } else { 0 };
        let _ = write!(
            s,
            r#"<path d="M{cx},{cy} L{x0:.2},{y0:.2} A{r},{r} 0 {large} 1 {x1:.2},{y1:.2} Z" fill="{color}"><title>{}: {}</title></path>"#,
            esc(&cats[i]),
            fmt_num(*v)
        );
        a0 = a1;
    }
    for (i, c) in cats.iter().enumerate() {
        let y = 12.0 + 20.0 * i as f64;
        let _ = write!(
            s,
            r#"<rect x="235" y="{y}" width="12" height="12" fill="{}"/><text x="253" y="{}" class="lg"><title>{}</title>{} ({})</text>"#,
            PALETTE[i % PALETTE.len()],
            y + 10.0,
            esc(c),
            esc(&short(c, 44)),
            fmt_num(vals[i])
        );
    }
    s.push_str("</svg>");
    s
}

fn svg_chart(c: &Chart, t: &Table) -> String {
    let (cats, names, vals) = data(c, t);
    match c.kind {
        ChartKind::Pie => svg_pie(&cats, vals.first().map_or(&[][..], |v| v.as_slice())),
        _ => svg_bars(&cats, &names, &vals),
    }
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;background:#f7fafc;color:#1a202c}
header{background:#1a365d;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85;font-size:14px}
main{padding:20px 28px;max-width:1240px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:170px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.card .n{font-size:26px;font-weight:700;color:#1a365d}
.card .l{font-size:13px;color:#4a5568}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:14px}
figure{background:#fff;margin:0;border-radius:8px;padding:12px 14px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
figcaption{font-weight:600;margin-bottom:6px}
svg text{font-size:12px;fill:#2d3748}
svg .val{fill:#1a202c;font-weight:600}
h2{font-size:18px;margin:22px 0 10px}
ul.files{columns:2;font-size:14px;background:#fff;border-radius:8px;padding:12px 28px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
ul.files li{margin:2px 0}
ul.projects{font-size:13px;background:#fff;border-radius:8px;padding:12px 28px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
ul.projects li{margin:4px 0}
a{color:#2b6cb0}
footer{font-size:12px;color:#718096;padding:10px 28px 24px}
";

fn rel(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A report filed in a subfolder of the output folder (the APR of each project, under
/// `apr-projects/`): listed in a section of its own, without headline cards.
fn in_subfolder(w: &Written) -> bool {
    w.report.stem().contains('/')
}

pub fn render(run: &RunInfo, written: &[Written], other_files: &[(PathBuf, String)]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>HMIS reports {} to {}</title><style>{}</style></head><body>",
        run.start, run.end, CSS
    );
    let _ = write!(
        h,
        "<header><h1>Homeless system reports</h1><p>Period {} to {} &middot; PIT night {} &middot; CoC {} &middot; {} export(s) &middot; {}</p></header><main>",
        run.start,
        run.end,
        run.pit_date,
        esc(run.coc.as_deref().unwrap_or("all")),
        run.inputs.len(),
        esc(&run.program)
    );
    h.push_str("<section class=\"cards\">");
    let card = |h: &mut String, n: &str, l: &str| {
        let _ = write!(
            h,
            "<div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">{}</div></div>",
            esc(n),
            esc(l)
        );
    };
    for w in written.iter().filter(|w| !in_subfolder(w)) {
        for hl in &w.report.headlines {
            if matches!(hl.value, Cell::Text(_)) {
                continue;
            }
            card(&mut h, &hl.value.display(), &hl.label);
        }
    }
    card(
        &mut h,
        &Cell::Count(run.unduplicated_persons).display(),
        "Unduplicated persons in all data",
    );
    card(
        &mut h,
        &Cell::Count(run.source_client_records).display(),
        "Client records from all agencies",
    );
    h.push_str("</section>");
    for w in written.iter().filter(|w| !in_subfolder(w)) {
        let _ = write!(
            h,
            "<h2>{}</h2><section class=\"grid\">",
            esc(&w.report.title)
        );
        for c in &w.report.charts {
            let Some(t) = w.report.table(&c.table) else {
                continue;
            };
            let _ = write!(
                h,
                "<figure><figcaption>{}</figcaption>{}</figure>",
                esc(&c.title),
                svg_chart(c, t)
            );
        }
        h.push_str("</section>");
    }
    // Files of reports in subfolders (and their Sage zips) are listed with those reports.
    let sub: Vec<&Written> = written.iter().filter(|w| in_subfolder(w)).collect();
    let sub_dirs: std::collections::BTreeSet<String> = sub
        .iter()
        .filter_map(|w| {
            w.report
                .stem()
                .rsplit_once('/')
                .map(|(d, _)| format!("{d}/"))
        })
        .collect();
    let in_sub_dir = |p: &Path| {
        let r = rel(p);
        sub_dirs.iter().any(|d| r.starts_with(d.as_str()))
    };
    h.push_str("<h2>Files</h2><ul class=\"files\">");
    for (p, what) in other_files.iter().filter(|(p, _)| !in_sub_dir(p)) {
        let r = rel(p);
        let _ = write!(
            h,
            "<li><a href=\"{}\">{}</a> &mdash; {}</li>",
            esc(&r),
            esc(&r),
            esc(what)
        );
    }
    for w in written.iter().filter(|w| !in_subfolder(w)) {
        let r = rel(&w.xlsx);
        if !w.xlsx.as_os_str().is_empty() {
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a> &mdash; {} (Excel, all tables and charts)</li>",
                esc(&r),
                esc(&r),
                esc(&w.report.title)
            );
        }
        for (p, t) in w.csv.iter().zip(&w.report.tables) {
            let r = rel(p);
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a> &mdash; {}</li>",
                esc(&r),
                esc(&r),
                esc(&t.title)
            );
        }
        for p in &w.uploads {
            let r = rel(p);
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a> &mdash; {} (HDX 2.0 upload CSV)</li>",
                esc(&r),
                esc(&r),
                esc(&w.report.title)
            );
        }
    }
    h.push_str("</ul>");
    if !sub.is_empty() {
        let dirs: Vec<&str> = sub_dirs.iter().map(|d| d.as_str()).collect();
        let _ = write!(
            h,
            "<h2>Reports of each project ({})</h2><ul class=\"projects\">",
            esc(&dirs.join(", "))
        );
        for w in &sub {
            let _ = write!(h, "<li>{}: ", esc(&w.report.title));
            let mut links = Vec::new();
            if !w.xlsx.as_os_str().is_empty() {
                links.push((rel(&w.xlsx), "Excel".to_string()));
            }
            let zip = format!("{}-sage.zip", w.report.stem());
            if other_files.iter().any(|(p, _)| rel(p) == zip) {
                links.push((zip, "Sage zip".to_string()));
            }
            for (p, t) in w.csv.iter().zip(&w.report.tables) {
                links.push((rel(p), t.id.clone()));
            }
            let html: Vec<String> = links
                .iter()
                .map(|(href, text)| format!("<a href=\"{}\">{}</a>", esc(href), esc(text)))
                .collect();
            h.push_str(&html.join(" "));
            h.push_str("</li>");
        }
        h.push_str("</ul>");
    }
    h.push_str("</main>");
    let _ = writeln!(
        h,
        "<footer>Every person count is of unduplicated persons ({}). Reports hold no names, SSNs, birth dates or PersonalIDs.</footer></body></html>",
        esc(&run.identity)
    );
    h
}

pub fn write_dashboard(path: &Path, page: &str) -> Result<(), OutputError> {
    write_atomic(path, |w| std::io::Write::write_all(w, page.as_bytes()))
}
