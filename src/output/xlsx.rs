//! `DIR/<report>.xlsx`: an "About" sheet (parameters, inputs, program, dedup figures,
//! definitions), then one sheet per table with HUD's labels: title, bold header, frozen
//! panes, widths that fit, number formats for counts and percentages, notes under the
//! table, and native Excel charts beside the tables they draw.

use std::path::Path;

use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};

use crate::reports::{Cell, ChartKind, Report, Table};

use super::{OutputError, RunInfo, write_atomic};

fn xerr(path: &Path, e: XlsxError) -> OutputError {
    OutputError::new(path, std::io::Error::other(e.to_string()))
}

/// Sheet names: at most 31 characters, unique, none of `[]:*?/\`.
fn sheet_name(id: &str, used: &mut Vec<String>) -> String {
    let clean: String = id
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let mut name = clean.clone();
    let mut k = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        let suffix = format!("~{k}");
        name = format!("{}{suffix}", &clean[..clean.len().min(31 - suffix.len())]);
        k += 1;
    }
    used.push(name.clone());
    name
}

pub fn write_report(path: &Path, report: &Report, run: &RunInfo) -> Result<(), OutputError> {
    let bytes = build(report, run).map_err(|e| xerr(path, e))?;
    write_atomic(path, |w| std::io::Write::write_all(w, &bytes))
}

fn build(report: &Report, run: &RunInfo) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let mut props = DocProperties::new()
        .set_title(&report.title)
        .set_author(&run.program);
    if let Some(t) = run.started {
        use chrono::{Datelike, Timelike};
        let dt = ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)
            .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64));
        if let Ok(dt) = dt {
            props = props.set_creation_datetime(&dt);
        }
    }
    wb.set_properties(&props);
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    let wrap = Format::new().set_text_wrap();

    // About.
    let ws = wb.add_worksheet();
    ws.set_name("About")?;
    ws.write_string_with_format(0, 0, &report.title, &title)?;
    let mut r = 2u32;
    let mut pairs: Vec<(String, String)> = run.about();
    pairs.extend(report.about.iter().cloned());
    for (k, v) in &pairs {
        ws.write_string_with_format(r, 0, k, &bold)?;
        ws.write_string_with_format(r, 1, v, &wrap)?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "Input exports", &bold)?;
    r += 1;
    for (c, h) in ["ExportID", "Source", "Origin", "Rows used", "Rows rejected"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    r += 1;
    let count = Format::new().set_num_format("#,##0");
    for i in &run.inputs {
        ws.write_string(r, 0, &i.export_id)?;
        ws.write_string(r, 1, &i.source_name)?;
        ws.write_string(r, 2, &i.origin)?;
        ws.write_number_with_format(r, 3, i.rows_used as f64, &count)?;
        ws.write_number_with_format(r, 4, i.rows_rejected as f64, &count)?;
        r += 1;
    }
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 90)?;
    ws.set_column_width(2, 30)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(4, 14)?;

    let mut used = vec!["About".to_string()];
    let mut names = Vec::new();
    for t in &report.tables {
        let name = sheet_name(&t.id, &mut used);
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        write_table(ws, t)?;
        for c in report.charts.iter().filter(|c| c.table == t.id) {
            let k = report
                .charts
                .iter()
                .filter(|x| x.table == t.id)
                .position(|x| x == c)
                .unwrap_or(0);
            if let Some(chart) = native_chart(c, t, &name) {
                ws.insert_chart(2 + 18 * k as u32, t.columns.len() as u16 + 2, &chart)?;
            }
        }
        names.push(name);
    }
    wb.save_to_buffer()
}

/// First data row of a table sheet (row 0 title, row 1 header).
const DATA_ROW: u32 = 2;

fn write_table(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(13);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let label = Format::new();
    let label_total = Format::new().set_bold();
    let count = Format::new().set_num_format("#,##0");
    let count_total = Format::new().set_num_format("#,##0").set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let percent_total = Format::new().set_num_format("0.0%").set_bold();
    ws.write_string_with_format(0, 0, &t.title, &title)?;
    ws.write_string_with_format(1, 0, &t.corner, &header)?;
    let mut widths: Vec<usize> = vec![t.corner.chars().count()];
    for (c, h) in t.columns.iter().enumerate() {
        ws.write_string_with_format(1, c as u16 + 1, h, &header)?;
        widths.push(
            h.split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0)
                .max(h.chars().count().min(14)),
        );
    }
    for (i, row) in t.rows.iter().enumerate() {
        let r = DATA_ROW + i as u32;
        ws.write_string_with_format(
            r,
            0,
            &row.label,
            if row.total { &label_total } else { &label },
        )?;
        widths[0] = widths[0].max(row.label.chars().count());
        for (c, cell) in row.cells.iter().enumerate() {
            let col = c as u16 + 1;
            let shown = cell.display().chars().count();
            if let Some(w) = widths.get_mut(c + 1) {
                *w = (*w).max(shown);
            }
            match cell {
                Cell::Empty => {}
                Cell::Count(n) => {
                    ws.write_number_with_format(
                        r,
                        col,
                        *n as f64,
                        if row.total { &count_total } else { &count },
                    )?;
                }
                Cell::Percent(p) => {
                    ws.write_number_with_format(
                        r,
                        col,
                        *p,
                        if row.total { &percent_total } else { &percent },
                    )?;
                }
                Cell::Number(x, d) => {
                    let f = Format::new().set_num_format(if *d == 0 {
                        "#,##0".to_string()
                    } else {
                        format!("#,##0.{}", "0".repeat(*d as usize))
                    });
                    let f = if row.total { f.set_bold() } else { f };
                    ws.write_number_with_format(r, col, *x, &f)?;
                }
                Cell::Text(s) => {
                    ws.write_string(r, col, s)?;
                }
            }
        }
    }
    for (r, n) in (DATA_ROW + t.rows.len() as u32 + 1..).zip(&t.notes) {
        ws.write_string(r, 0, n)?;
    }
    for (c, w) in widths.iter().enumerate() {
        let cap = if c == 0 { 70 } else { 40 };
        ws.set_column_width(c as u16, ((*w).clamp(8, cap) + 2) as f64)?;
    }
    ws.set_freeze_panes(DATA_ROW, 1)?;
    Ok(())
}

fn native_chart(c: &crate::reports::Chart, t: &Table, sheet: &str) -> Option<Chart> {
    let first = *c.rows.iter().min()? as u32 + DATA_ROW;
    let last = *c.rows.iter().max()? as u32 + DATA_ROW;
    let ty = match c.kind {
        ChartKind::Bar => ChartType::Bar,
        ChartKind::Column => ChartType::Column,
        ChartKind::StackedColumn => ChartType::ColumnStacked,
        ChartKind::Pie => ChartType::Pie,
    };
    let mut chart = Chart::new(ty);
    chart.title().set_name(&c.title);
    for &s in &c.series {
        let col = s as u16 + 1;
        chart
            .add_series()
            .set_name((sheet, 1, col))
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, col, last, col));
    }
    if c.series.len() == 1 && c.kind != ChartKind::Pie {
        chart.legend().set_hidden();
    }
    let _ = t;
    chart.set_width(640).set_height(340);
    Some(chart)
}
