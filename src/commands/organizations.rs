//! `hmis run --by-organization`: besides the system's reports, one folder per organization,
//! `DIR/organizations/<ExportID>-<OrganizationID>/`, holding only reports on that
//! organization's own projects and clients, so each agency can be sent its own data the
//! way a shared HMIS limits access.
//!
//! The overview, PIT, service-use and APR of an organization are the same reports run on
//! the facts of its projects alone ([`facts::scope::restrict`]): another organization's
//! projects, clients and stays do not appear in them. The scorecard is the system's,
//! limited to the organization's rows ([`effectiveness::report_scoped`]), because a return
//! to homelessness at another agency is still a return. The System Performance Measures
//! are a CoC's measures and stay in the system folder only.

use std::path::{Path, PathBuf};

use crate::cli::ReportName;
use crate::facts::detail::Details;
use crate::facts::{self, Facts};
use crate::ingest::{Ingest, Severity};
use crate::output::{InputInfo, RunInfo};
use crate::reports::{self, Params, Report, effectiveness, suppress};

use super::pipeline;
use super::run::Formats;
use super::{CommandError, Exit};

/// The reports an organization's folder holds, of those the run writes.
pub const ORGANIZATION_REPORTS: [ReportName; 5] = [
    ReportName::Overview,
    ReportName::Pit,
    ReportName::Effectiveness,
    ReportName::ServiceUse,
    ReportName::Apr,
];

/// What the organization folders add to the run: the files to list in the system's
/// summary.json and dashboard, and the cells suppressed in them.
pub struct Written {
    pub files: Vec<(PathBuf, String)>,
    pub folders: usize,
    pub hidden: usize,
}

/// The folder name of an organization: `<ExportID>-<OrganizationID>`, file-name safe.
pub fn folder_name(export_id: &str, organization_id: &str) -> String {
    pipeline::safe(&format!("{export_id}-{organization_id}"))
}

#[allow(clippy::too_many_arguments)]
pub fn write(
    out: &Path,
    ingest: &Ingest,
    system: &Facts,
    details: Option<&Details>,
    params: &Params,
    run: &RunInfo,
    which: &[ReportName],
    suppress_below: Option<u32>,
    formats: Formats,
) -> Result<Written, CommandError> {
    let root = out.join("organizations");
    let mut index = csv::Writer::from_writer(Vec::new());
    let io = |e: &dyn std::fmt::Display| {
        CommandError::new(Exit::Failure, format!("{}: {e}", root.display()))
    };
    index
        .write_record([
            "folder",
            "ExportID",
            "OrganizationID",
            "OrganizationName",
            "projects",
        ])
        .map_err(|e| io(&e))?;
    // Organizations in a stable order: export, then OrganizationID.
    let mut orgs: Vec<u32> = (0..system.organizations.len() as u32).collect();
    let export_id = |o: u32| {
        let e = system.organizations[o as usize].export as usize;
        ingest
            .dataset
            .exports
            .get(e)
            .map_or("", |x| x.export_id.as_str())
    };
    orgs.sort_by(|&a, &b| {
        (export_id(a), &system.organizations[a as usize].id)
            .cmp(&(export_id(b), &system.organizations[b as usize].id))
    });
    let mut seen = std::collections::HashSet::new();
    let (mut folders, mut hidden) = (0, 0);
    for o in orgs {
        let keep: Vec<bool> = system
            .projects
            .iter()
            .map(|p| p.organization == o)
            .collect();
        let projects = keep.iter().filter(|&&k| k).count();
        if projects == 0 {
            continue;
        }
        let org = &system.organizations[o as usize];
        let mut name = folder_name(export_id(o), &org.id);
        if !seen.insert(name.clone()) {
            name = format!("{name}-{o}");
            seen.insert(name.clone());
        }
        let dir = root.join(&name);
        std::fs::create_dir_all(&dir).map_err(|e| io(&e))?;
        let (scoped, enrollments) = facts::scope::restrict_with_enrollments(system, &keep);
        let scoped_details = details.map(|d| d.restrict(&enrollments, &keep));
        let mut reps = organization_reports(
            system,
            &scoped,
            scoped_details.as_ref(),
            &keep,
            params,
            which,
        );
        if let Some(n) = suppress_below {
            hidden += suppress::apply(&mut reps, n as u64);
        }
        let mut other = Vec::new();
        if let Some(apr) = reps.iter().find(|r| r.name == "apr") {
            other.extend(pipeline::write_sage_zips(&dir, std::slice::from_ref(apr))?);
        }
        let info = organization_info(run, ingest, &scoped, org.export);
        pipeline::write_outputs_as(&dir, &reps, &info, &other, formats)?;
        index
            .write_record([
                name.as_str(),
                export_id(o),
                org.id.as_str(),
                org.name.as_str(),
                &projects.to_string(),
            ])
            .map_err(|e| io(&e))?;
        folders += 1;
    }
    let bytes = index.into_inner().map_err(|e| io(&e))?;
    std::fs::create_dir_all(&root).map_err(|e| io(&e))?;
    std::fs::write(root.join("index.csv"), bytes).map_err(|e| io(&e))?;
    Ok(Written {
        files: vec![(
            PathBuf::from("organizations/index.csv"),
            format!(
                "{folders} organization folder(s) under organizations/, each with reports on that organization's own projects and clients only"
            ),
        )],
        folders,
        hidden,
    })
}

/// The reports of one organization, in the run's order.
fn organization_reports(
    system: &Facts,
    scoped: &Facts,
    details: Option<&Details>,
    keep: &[bool],
    params: &Params,
    which: &[ReportName],
) -> Vec<Report> {
    let mut out = Vec::new();
    for r in which {
        if !ORGANIZATION_REPORTS.contains(r) {
            continue;
        }
        match r {
            ReportName::Overview => {
                if let Ok(rep) = reports::overview::report(scoped, params) {
                    out.push(rep);
                }
            }
            ReportName::Pit => out.push(reports::pit::report(scoped, params)),
            ReportName::Effectiveness => {
                out.push(effectiveness::report_scoped(system, params, Some(keep)))
            }
            ReportName::ServiceUse => out.push(reports::service_use::report(scoped, params)),
            ReportName::Apr => {
                let Some(details) = details else {
                    continue;
                };
                let all: Vec<u32> = (0..scoped.projects.len() as u32).collect();
                let title = scoped
                    .organizations
                    .first()
                    .map_or(String::new(), |o| format!(" - {}", o.name));
                out.push(pipeline::apr_report(
                    scoped,
                    details,
                    params,
                    reports::apr::Kind::Apr,
                    None,
                    all,
                    "apr".into(),
                    title,
                    None,
                ));
            }
            _ => {}
        }
    }
    out
}

/// The run's parameters for an organization's folder: its own export only, its own persons
/// and client records, no system-wide dedup figures.
fn organization_info(run: &RunInfo, ingest: &Ingest, scoped: &Facts, export: u32) -> RunInfo {
    let ex = ingest.dataset.exports.get(export as usize);
    let export_id = ex.map_or("", |e| e.export_id.as_str());
    let inputs: Vec<InputInfo> = run
        .inputs
        .iter()
        .filter(|i| i.export_id == export_id)
        .cloned()
        .collect();
    let (mut errors, mut warnings) = (0, 0);
    for f in ingest.findings.iter().filter(|f| f.export_id == export_id) {
        match f.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
    }
    // Client records behind the organization's enrollments: (export, PersonalID) pairs.
    // Every enrollment of an organization is in its own export's Enrollment table.
    let mut records: Vec<(u32, &str)> = Vec::new();
    if let Some(t) = ex.map(|x| x.table("Enrollment"))
        && let Some(pids) = t.str_col("PersonalID")
    {
        for e in scoped.enrollments.iter().filter(|e| e.export == export) {
            if (e.row as usize) < t.len() {
                records.push((e.export, pids.get(e.row as usize)));
            }
        }
    }
    records.sort_unstable();
    records.dedup();
    RunInfo {
        program: run.program.clone(),
        started: run.started,
        timing: None,
        start: run.start,
        end: run.end,
        pit_date: run.pit_date,
        coc: run.coc.clone(),
        inputs,
        errors,
        warnings,
        identity: run.identity.clone(),
        source_client_records: records.len() as u64,
        unduplicated_persons: scoped.persons.len() as u64,
        dedup: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_file_name_safe() {
        assert_eq!(folder_name("SYN01", "12"), "SYN01-12");
        assert_eq!(folder_name("A/B", "../x y"), "A_B-___x_y");
    }
}
