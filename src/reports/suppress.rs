//! Small-cell suppression (`--suppress-below N`): counts from 1 to N-1 are replaced by a
//! marker in every report table, and in each row and column holding exactly one hidden count
//! a second count is hidden too (the smallest other non-zero count, which may be the total),
//! repeated until no row or column has a lone hidden count, so a hidden value cannot be
//! worked out from a total by subtraction. Percentages in a row with a hidden count are
//! hidden with it. Zeros are never hidden (they identify no one). Headline numbers from 1 to
//! N-1 are hidden as well.

use super::{Cell, Headline, Report, Table};

pub const MARKER: &str = "*";

/// Applies suppression to every table and headline of the reports; returns the number of
/// cells hidden.
pub fn apply(reports: &mut [Report], below: u64) -> usize {
    let mut hidden = 0;
    for r in reports.iter_mut() {
        for t in &mut r.tables {
            let n = table(t, below);
            if n > 0 {
                t.notes.push(format!(
                    "Small-cell suppression: counts from 1 to {} are shown as {MARKER}, and so are some other counts (and percentages in the same row), so that they cannot be worked out from totals.",
                    below - 1
                ));
            }
            hidden += n;
        }
        for h in &mut r.headlines {
            hidden += headline(h, below);
        }
    }
    hidden
}

fn headline(h: &mut Headline, below: u64) -> usize {
    match h.value {
        Cell::Count(n) if n >= 1 && n < below => {
            h.value = Cell::Text(MARKER.into());
            1
        }
        _ => 0,
    }
}

/// Suppresses one table in place; returns the number of cells hidden.
pub fn table(t: &mut Table, below: u64) -> usize {
    let rows = t.rows.len();
    let cols = t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let count = |t: &Table, r: usize, c: usize| t.rows[r].cells.get(c).and_then(Cell::count);
    let mut hide = vec![vec![false; cols]; rows];
    for r in 0..rows {
        for c in 0..cols {
            if let Some(n) = count(t, r, c)
                && n >= 1
                && n < below
            {
                hide[r][c] = true;
            }
        }
    }
    // Complementary suppression, row and column lines alternately, until stable.
    loop {
        let mut changed = false;
        let lines: Vec<Vec<(usize, usize)>> = (0..rows)
            .map(|r| (0..cols).map(|c| (r, c)).collect())
            .chain((0..cols).map(|c| (0..rows).map(|r| (r, c)).collect()))
            .collect();
        for line in lines {
            let lone = line.iter().filter(|&&(r, c)| hide[r][c]).count() == 1;
            if !lone {
                continue;
            }
            // The smallest other non-zero count in the line (first on ties).
            let pick = line
                .iter()
                .filter(|&&(r, c)| !hide[r][c])
                .filter_map(|&(r, c)| count(t, r, c).filter(|n| *n > 0).map(|n| (n, r, c)))
                .min_by_key(|x| x.0);
            if let Some((_, r, c)) = pick {
                hide[r][c] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut hidden = 0;
    for r in 0..rows {
        let any = hide[r].iter().any(|h| *h);
        for c in 0..t.rows[r].cells.len() {
            let cell = &mut t.rows[r].cells[c];
            if hide[r][c] || (any && matches!(cell, Cell::Percent(_))) {
                *cell = Cell::Text(MARKER.into());
                hidden += 1;
            }
        }
    }
    hidden
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::Row;

    fn t(rows: &[(&str, &[u64])]) -> Table {
        let mut t = Table::new("t", "T", "", &["A", "B", "Total"]);
        for (label, v) in rows {
            t.rows.push(Row::new(
                *label,
                v.iter().map(|n| Cell::Count(*n)).collect(),
            ));
        }
        t
    }

    fn shown(t: &Table) -> Vec<Vec<String>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(Cell::text).collect())
            .collect()
    }

    #[test]
    fn lone_small_cells_get_a_partner_in_row_and_column() {
        // A=3 is small; its row and column each need a second hidden cell, and so on.
        let mut x = t(&[
            ("r1", &[3, 40, 43]),
            ("r2", &[20, 30, 50]),
            ("Total", &[23, 70, 93]),
        ]);
        let n = table(&mut x, 11);
        let s = shown(&x);
        assert_eq!(s[0][0], "*");
        // No row or column has exactly one hidden cell.
        for r in 0..3 {
            assert_ne!(
                s[r].iter().filter(|c| *c == "*").count(),
                1,
                "row {r}: {s:?}"
            );
        }
        for c in 0..3 {
            assert_ne!(
                (0..3).filter(|&r| s[r][c] == "*").count(),
                1,
                "column {c}: {s:?}"
            );
        }
        assert!(n >= 4, "{s:?}");
        // Zeros stay, large tables with nothing small are untouched.
        let mut y = t(&[("r1", &[0, 40, 40]), ("r2", &[20, 30, 50])]);
        assert_eq!(table(&mut y, 11), 0);
        assert_eq!(shown(&y)[0][0], "0");
    }

    #[test]
    fn percentages_in_a_hidden_row_go_too() {
        let mut x = Table::new("p", "P", "", &["n", "share", "other"]);
        x.rows.push(Row::new(
            "a",
            vec![Cell::Count(2), Cell::Percent(0.02), Cell::Count(98)],
        ));
        x.rows.push(Row::new(
            "b",
            vec![Cell::Count(50), Cell::Percent(0.5), Cell::Count(50)],
        ));
        x.rows.push(Row::new(
            "c",
            vec![Cell::Count(0), Cell::Percent(0.0), Cell::Count(100)],
        ));
        table(&mut x, 11);
        // Row a holds the small count; row b the complementary cells; row c nothing.
        assert_eq!(x.rows[0].cells[1].text(), "*");
        assert_eq!(x.rows[1].cells[1].text(), "*");
        assert_eq!(x.rows[2].cells[1].text(), "0.0000");
        assert_eq!(x.rows[2].cells[2].text(), "100");
    }
}
