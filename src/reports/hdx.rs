//! The HDX 2.0 SPM upload (reports-spec/spm.md §8): one CSV of two rows, HDX's variable
//! names and the current-year values, read from the SPM report's tables (so the upload
//! always equals `spm/*.csv`), written as `DIR/spm-hdx.csv` beside `spm.xlsx`.
//!
//! Counts are integers, averages and medians have 2 decimals, empty values are sent as 0.
//! Measure 6 (Category 3 CoCs only) is sent as 0, as spm.md says. `ReportDateTime` is the
//! report end date at 00:00:00, not the wall clock, so the same inputs give the same bytes.
//! The source contact fields are left empty: the file holds no personal data.

use chrono::NaiveDate;

use super::{Cell, Report};

/// HDX's variables in upload order: spreadsheet columns A to CP.
pub const COLUMNS: [&str; 94] = [
    "CocCode",
    "ReportDateTime",
    "ReportStartDate",
    "ReportEndDate",
    "SoftwareName",
    "SourceContactFirst",
    "SourceContactLast",
    "SourceContactEmail",
    // Measure 1.
    "ESSHUniverse_1A",
    "ESSHAvgTime_1A",
    "ESSHMedianTime_1A",
    "ESSHTHUniverse_1A",
    "ESSHTHAvgTime_1A",
    "ESSHTHMedianTime_1A",
    "ESSHUniverse_1B",
    "ESSHAvgTime_1B",
    "ESSHMedianTime_1B",
    "ESSHTHUniverse_1B",
    "ESSHTHAvgTime_1B",
    "ESSHTHMedianTime_1B",
    // Measure 2.
    "SOExitPH_2",
    "SOReturn0to180_2",
    "SOReturn181to365_2",
    "SOReturn366to730_2",
    "ESExitPH_2",
    "ESReturn0to180_2",
    "ESReturn181to365_2",
    "ESReturn366to730_2",
    "THExitPH_2",
    "THReturn0to180_2",
    "THReturn181to365_2",
    "THReturn366to730_2",
    "SHExitPH_2",
    "SHReturn0to180_2",
    "SHReturn181to365_2",
    "SHReturn366to730_2",
    "PHExitPH_2",
    "PHReturn0to180_2",
    "PHReturn181to365_2",
    "PHReturn366to730_2",
    // Measure 3.
    "TotalAnnual_3",
    "ESAnnual_3",
    "SHAnnual_3",
    "THAnnual_3",
    // Measure 4.
    "AdultStayers_4",
    "IncreaseEarned4_1",
    "IncreaseOther4_2",
    "IncreaseTotal4_3",
    "AdultLeavers_4",
    "IncreaseEarned4_4",
    "IncreaseOther4_5",
    "IncreaseTotal4_6",
    // Measure 5.
    "EnterESSHTH5_1",
    "ESSHTHWithPriorSvc5_1",
    "EnterESSHTHPH5_2",
    "ESSHTHPHWithPriorSvc5_2",
    // Measure 6 (Category 3 CoCs only).
    "THExitPH_6",
    "THReturn0to180_6",
    "THReturn181to365_6",
    "THReturn366to730_6",
    "SHExitPH_6",
    "SHReturn0to180_6",
    "SHReturn181to365_6",
    "SHReturn366to730_6",
    "PHExitPH_6",
    "PHReturn0to180_6",
    "PHReturn181to365_6",
    "PHReturn366to730_6",
    "SHTHRRHCat3Leavers_6",
    "SHTHRRHCat3ExitPH_6",
    "PSHCat3Clients_6",
    "PSHCat3StayOrExitPH_6",
    // Measure 7.
    "SOExit_7",
    "SOExitTempInst_7",
    "SOExitPH_7",
    "ESSHTHRRHExit_7",
    "ESSHTHRRHToPH_7",
    "PHClients_7",
    "PHClientsStayOrExitPH_7",
    // Data quality, per project type group.
    "ESSH_UndupHMIS_DQ",
    "TH_UndupHMIS_DQ",
    "PSHOPH_UndupHMIS_DQ",
    "RRH_UndupHMIS_DQ",
    "StOutreach_UndupHMIS_DQ",
    "ESSH_LeaversHMIS_DQ",
    "TH_LeaversHMIS_DQ",
    "PSHOPH_LeaversHMIS_DQ",
    "RRH_LeaversHMIS_DQ",
    "StOutreach_LeaversHMIS_DQ",
    "ESSH_DkRMHMIS_DQ",
    "TH_DkRMHMIS_DQ",
    "PSHOPH_DkRMHMIS_DQ",
    "RRH_DkRMHMIS_DQ",
    "StOutreach_DkRMHMIS_DQ",
];

/// Where a variable's value comes from: (table id, row index, column index after column A).
type Source = (&'static str, usize, usize);

/// The SPM table cell of each measure variable, in [`COLUMNS`] order from column I
/// (index 8); `None` = Measure 6, always 0.
fn sources() -> Vec<Option<Source>> {
    let mut v: Vec<Option<Source>> = Vec::new();
    // 1a / 1b: rows 1 and 2; columns B (persons), D (average), G (median).
    for t in ["1a", "1b"] {
        for row in 0..2 {
            for col in [1, 3, 6] {
                v.push(Some((t, row, col)));
            }
        }
    }
    // 2: rows SO, ES, TH, SH, PH; exits, 0-180, 181-365, 366-730.
    for row in 0..5 {
        for col in [0, 1, 3, 5] {
            v.push(Some(("2", row, col)));
        }
    }
    // 3.2: universe, ES, SH, TH (Current FY).
    for row in 0..4 {
        v.push(Some(("3.2", row, 1)));
    }
    // 4: stayers' universe, then the increases of 4.1-4.3; the same for leavers.
    for ts in [["4.1", "4.2", "4.3"], ["4.4", "4.5", "4.6"]] {
        v.push(Some((ts[0], 0, 1)));
        for t in ts {
            v.push(Some((t, 1, 1)));
        }
    }
    // 5.1 / 5.2: universe and with a prior enrollment.
    for t in ["5.1", "5.2"] {
        v.push(Some((t, 0, 1)));
        v.push(Some((t, 1, 1)));
    }
    // 6: not applicable.
    v.extend([None; 16]);
    // 7a.1 rows 1-3, 7b.1 rows 1-2, 7b.2 rows 1-2.
    for row in 0..3 {
        v.push(Some(("7a.1", row, 1)));
    }
    for t in ["7b.1", "7b.2"] {
        v.push(Some((t, 0, 1)));
        v.push(Some((t, 1, 1)));
    }
    // Data quality: persons served, leavers, destination unknown; each over the groups.
    for col in 0..3 {
        for row in 0..5 {
            v.push(Some(("dq", row, col)));
        }
    }
    v
}

/// A cell as HDX wants it: counts as integers, numbers with 2 decimals, empty as 0 (0.00
/// for averages and medians). A suppressed cell (`--suppress-below`) keeps its marker.
fn value(c: Option<&Cell>, decimals: bool) -> String {
    match c {
        Some(Cell::Count(n)) => n.to_string(),
        Some(Cell::Number(x, _)) => format!("{x:.2}"),
        Some(Cell::Percent(p)) => format!("{:.2}", p * 100.0),
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Empty) | None => {
            if decimals {
                "0.00".to_string()
            } else {
                "0".to_string()
            }
        }
    }
}

/// The upload's values row for an SPM report (in [`COLUMNS`] order).
pub fn values(spm: &Report, start: NaiveDate, end: NaiveDate, coc: Option<&str>) -> Vec<String> {
    let mut out = vec![
        coc.unwrap_or("").to_string(),
        format!("{} 00:00:00", end.format("%Y-%m-%d")),
        start.format("%Y-%m-%d").to_string(),
        end.format("%Y-%m-%d").to_string(),
        "hmis".to_string(),
        String::new(),
        String::new(),
        String::new(),
    ];
    for src in sources() {
        out.push(match src {
            None => "0".to_string(),
            Some((t, row, col)) => {
                // Averages and medians of Measure 1 (columns D and G).
                let decimals = t.starts_with('1') && col != 1;
                let cell = spm
                    .table(t)
                    .and_then(|t| t.rows.get(row))
                    .and_then(|r| r.cells.get(col));
                value(cell, decimals)
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_has_a_source() {
        assert_eq!(COLUMNS.len(), 94);
        assert_eq!(8 + sources().len(), COLUMNS.len());
        let mut names: Vec<&str> = COLUMNS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 94, "names are unique");
    }

    #[test]
    fn empty_values_are_zero() {
        assert_eq!(value(None, false), "0");
        assert_eq!(value(Some(&Cell::Empty), true), "0.00");
        assert_eq!(value(Some(&Cell::Number(860.333, 2)), true), "860.33");
        assert_eq!(value(Some(&Cell::Count(7)), false), "7");
    }
}
