//! Polars views of the facts, for reports whose tables are group-by aggregations. The facts
//! are converted once here; reports query the frames and never go back to the vectors.

use polars::prelude::*;

use super::{Enrollment, Facts};

/// One row per enrollment that `keep` accepts:
/// `enrollment` (index into `Facts::enrollments`), `person` (UnduplicatedID index),
/// `household`, `project`, `organization`, `project_type` (HUD code, -1 unknown),
/// `entry` (days), `exit` (days, null when open).
pub fn enrollments(facts: &Facts, keep: impl Fn(&Enrollment) -> bool) -> PolarsResult<DataFrame> {
    let mut idx = Vec::new();
    let mut person = Vec::new();
    let mut household = Vec::new();
    let mut project = Vec::new();
    let mut organization = Vec::new();
    let mut ptype = Vec::new();
    let mut entry = Vec::new();
    let mut exit = Vec::new();
    for (i, e) in facts.enrollments.iter().enumerate() {
        if !keep(e) {
            continue;
        }
        let p = &facts.projects[e.project as usize];
        idx.push(i as u32);
        person.push(e.person);
        household.push(e.household);
        project.push(e.project);
        organization.push(p.organization);
        ptype.push(p.project_type.map_or(-1, |t| t.code()));
        entry.push(e.entry);
        exit.push(e.exit);
    }
    DataFrame::new_infer_height(vec![
        Column::new("enrollment".into(), idx),
        Column::new("person".into(), person),
        Column::new("household".into(), household),
        Column::new("project".into(), project),
        Column::new("organization".into(), organization),
        Column::new("project_type".into(), ptype),
        Column::new("entry".into(), entry),
        Column::new("exit".into(), exit),
    ])
}

/// Reads a u32 column of a query result (counts, keys).
pub fn u32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<u32>> {
    let s = df.column(name)?.cast(&DataType::UInt32)?;
    Ok(s.u32()?.iter().map(|v| v.unwrap_or(0)).collect())
}

/// Reads an i32 column of a query result.
pub fn i32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<i32>> {
    let s = df.column(name)?.cast(&DataType::Int32)?;
    Ok(s.i32()?.iter().map(|v| v.unwrap_or(-1)).collect())
}
