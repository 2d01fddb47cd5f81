//! Checks across the files of one export: foreign keys (with cascade: a row whose parent was
//! rejected is rejected too), exits, households, birth dates, bed nights and overlapping
//! stays. Runs after every file is parsed; parents are checked before children, in the
//! specification's file order.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use crate::hmis::{Key, Schema};

use super::findings::{Finding, Severity, rule};
use super::table::{
    Column, DateColumn, IntColumn, NULL_DATE, NULL_INT, StrColumn, StrHasher, Table,
};
use super::{Export, FileCount};

/// Project types whose clients stay overnight (ES, TH, PSH, SH, PH, RRH).
const RESIDENTIAL: &[i32] = &[0, 1, 2, 3, 8, 9, 10, 13];
const NIGHT_BY_NIGHT: i32 = 1;
const BED_NIGHT: i32 = 200;

struct Checker<'a> {
    export_id: String,
    findings: &'a mut Vec<Finding>,
    counts: &'a mut Vec<FileCount>,
}

impl Checker<'_> {
    fn push(&mut self, mut f: Finding) {
        f.export_id = self.export_id.clone();
        self.findings.push(f);
    }

    /// Drops the rows not kept and counts them as rejected.
    fn apply(&mut self, table: &mut Table, keep: &[bool]) {
        let n = keep.iter().filter(|k| !**k).count() as u64;
        if n == 0 {
            return;
        }
        let name = format!("{}.csv", table.file);
        if let Some(c) = self.counts.iter_mut().find(|c| c.file == name) {
            c.rows_rejected += n;
        }
        table.retain(keep);
    }
}

fn idx(file: &str) -> usize {
    Schema::fy2026().file_index(file).expect("known file")
}

/// A fast hash for the string-keyed maps of the checks (their order never shows).
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<StrHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<StrHasher>>;

/// The values of a text column (borrowed).
fn key_set<'a>(t: &'a Table, col: &str) -> FastSet<&'a str> {
    match t.str_col(col) {
        Some(c) => (0..c.len()).map(|i| c.get(i)).collect(),
        None => FastSet::default(),
    }
}

fn keys(t: &Table, col: &str) -> HashSet<String> {
    match t.str_col(col) {
        Some(c) => (0..c.len()).map(|i| c.get(i).to_string()).collect(),
        None => HashSet::new(),
    }
}

/// The files whose records hang off an enrollment (checked after Exit).
pub(crate) const CHILD_FILES: [&str; 11] = [
    "IncomeBenefits",
    "HealthAndDV",
    "EmploymentEducation",
    "Disabilities",
    "Services",
    "CurrentLivingSituation",
    "Assessment",
    "AssessmentQuestions",
    "AssessmentResults",
    "Event",
    "YouthEducationStatus",
];

/// What child records need to know about their enrollment.
struct Enr<'a> {
    personal_id: &'a str,
    entry: i32,
    exit: Option<i32>,
    project_type: i32,
}

/// Runs every cross-file check on one export. `extra` holds the FY2022 files that later
/// versions folded into others (EnrollmentCoC.csv).
pub fn cross_check(
    export: &mut Export,
    extra: Vec<Table>,
    findings: &mut Vec<Finding>,
    counts: &mut Vec<FileCount>,
) {
    let mut ck = Checker {
        export_id: export.export_id.clone(),
        findings,
        counts,
    };
    let schema = Schema::fy2026();
    let users = Users::of(export);

    // Simple foreign keys, parents first (the schema lists files in that order).
    for (fi, spec) in schema.files.iter().enumerate() {
        if spec.name == "Export" {
            continue;
        }
        foreign_keys(export, fi, &users, &mut ck);
        if spec.name == "ProjectCoC" && export.is_loaded("ProjectCoC") {
            check_inventory(export, &mut ck);
        }
        if spec.name == "Enrollment" && export.is_loaded("Enrollment") {
            if !extra.is_empty() {
                fill_enrollment_coc(export, &extra, &mut ck);
            }
            check_enrollments(export, &mut ck);
        }
    }
}

/// The files whose records hang off an enrollment can be read after the others (see
/// [`super::load_staged`]): this runs on them, once read, the checks [`cross_check`] would
/// have run (against the export's enrollments, then their foreign keys), in the same order,
/// so the findings and rejected rows are the same.
pub fn check_later(export: &mut Export, findings: &mut Vec<Finding>, counts: &mut Vec<FileCount>) {
    let mut ck = Checker {
        export_id: export.export_id.clone(),
        findings,
        counts,
    };
    if export.is_loaded("Enrollment") {
        let i = idx("Enrollment");
        let enr = std::mem::replace(
            &mut export.tables[i],
            Table::new("Enrollment", Vec::new(), &[]),
        );
        if let Some(e) = EnrollmentKeys::of(&enr) {
            let n = enr.len();
            // The exit of each enrollment: the Exit rows left by the checks are one per
            // enrollment, each of an enrollment of this table.
            let mut exits: Vec<Option<i32>> = vec![None; n];
            if export.is_loaded("Exit") {
                let ex = &export.tables[idx("Exit")];
                if let (Some(xe), Some(xd)) = (ex.str_col("EnrollmentID"), ex.date_col("ExitDate"))
                {
                    let row_of: FastMap<&str, usize> = (0..n).map(|r| (e.eid.get(r), r)).collect();
                    for r in 0..ex.len() {
                        if let Some(&er) = row_of.get(xe.get(r)) {
                            exits[er] = Some(xd[r]);
                        }
                    }
                }
            }
            let type_of = project_types(export, e.prj);
            check_child_files(export, &e, &exits, &type_of, &mut ck);
        }
        export.tables[i] = enr;
    }
    let users = Users::of(export);
    for (fi, spec) in Schema::fy2026().files.iter().enumerate() {
        if CHILD_FILES.contains(&spec.name.as_str()) {
            foreign_keys(export, fi, &users, &mut ck);
        }
    }
}

/// User.csv's IDs, for the UserID checks.
struct Users {
    ids: HashSet<String>,
    any: bool,
}

impl Users {
    fn of(export: &Export) -> Users {
        Users {
            ids: keys(&export.tables[idx("User")], "UserID"),
            any: !export.tables[idx("User")].is_empty(),
        }
    }
}

/// The simple foreign keys of file `fi` (composite and person-consistency checks are
/// elsewhere): a row whose parent is missing is rejected; a missing user is a warning.
fn foreign_keys(export: &mut Export, fi: usize, users: &Users, ck: &mut Checker) {
    let spec = &Schema::fy2026().files[fi];
    for c in &spec.columns {
        let Key::Foreign {
            file: parent,
            column: pcol,
        } = &c.key
        else {
            continue;
        };
        // Export is checked while parsing; a parent left out of a subset load is not
        // checked against.
        if parent == "Export" || !export.is_loaded(parent) {
            continue;
        }
        // Composite and person-consistency checks are done below.
        if (spec.name == "Inventory" && c.name == "CoCCode")
            || (spec.name == "Enrollment" && c.name == "EnrollmentCoC")
            || (c.name == "PersonalID" && spec.name != "Enrollment")
        {
            continue;
        }
        let is_user = parent == "User";
        if is_user && !users.any {
            continue;
        }
        let table = &export.tables[fi];
        let Some(col) = table.str_col(&c.name) else {
            continue;
        };
        // Whether each distinct value of the column has a parent, checked once per value.
        let has_parent: Vec<bool> = {
            let parent_keys = (!is_user).then(|| key_set(&export.tables[idx(parent)], pcol));
            (0..col.distinct() as u32)
                .map(|code| {
                    let v = col.value_of(code);
                    v.is_empty()
                        || match &parent_keys {
                            Some(keys) => keys.contains(v),
                            None => users.ids.contains(v),
                        }
                })
                .collect()
        };
        let mut keep = vec![true; table.len()];
        let mut found = Vec::new();
        for (r, k) in keep.iter_mut().enumerate() {
            if has_parent[col.code(r) as usize] {
                continue;
            }
            let v = col.get(r);
            // A missing user is a warning (the row is still good); any other
            // missing parent rejects the row.
            let (severity, message) = if is_user {
                (Severity::Warning, format!("UserID {v} is not in User.csv"))
            } else {
                *k = false;
                (
                    Severity::Error,
                    format!("{parent}.csv has no usable row with {pcol} {v}: row rejected"),
                )
            };
            found.push(Finding::new(
                severity,
                &format!("{}.csv", spec.name),
                table.lines[r] as u64,
                &c.name,
                v,
                rule::FK_MISSING,
                message,
            ));
        }
        for f in found {
            ck.push(f);
        }
        ck.apply(&mut export.tables[fi], &keep);
    }
}

/// Inventory rows must match a ProjectCoC row by ProjectID and CoCCode.
fn check_inventory(export: &mut Export, ck: &mut Checker) {
    let pc = &export.tables[idx("ProjectCoC")];
    let (Some(p), Some(c)) = (pc.str_col("ProjectID"), pc.str_col("CoCCode")) else {
        return;
    };
    let pairs: HashSet<(String, String)> = (0..pc.len())
        .map(|i| (p.get(i).to_string(), c.get(i).to_string()))
        .collect();
    let projects: HashSet<String> = (0..pc.len()).map(|i| p.get(i).to_string()).collect();
    let inv = &mut export.tables[idx("Inventory")];
    let (Some(ip), Some(ic)) = (inv.str_col("ProjectID"), inv.str_col("CoCCode")) else {
        return;
    };
    let mut keep = vec![true; inv.len()];
    let mut found = Vec::new();
    for (r, k) in keep.iter_mut().enumerate() {
        let (pid, coc) = (ip.get(r), ic.get(r));
        let ok = if coc.is_empty() {
            projects.contains(pid)
        } else {
            pairs.contains(&(pid.to_string(), coc.to_string()))
        };
        if !ok {
            *k = false;
            found.push(Finding::error(
                "Inventory.csv",
                inv.lines[r] as u64,
                "CoCCode",
                coc,
                rule::FK_MISSING,
                format!(
                    "ProjectCoC.csv has no row for ProjectID {pid} and CoCCode {coc}: row rejected"
                ),
            ));
        }
    }
    for f in found {
        ck.push(f);
    }
    ck.apply(inv, &keep);
}

/// FY2022: Enrollment.EnrollmentCoC comes from EnrollmentCoC.csv (the project-entry record,
/// else the earliest one).
fn fill_enrollment_coc(export: &mut Export, extra: &[Table], ck: &mut Checker) {
    let Some(ec) = extra.iter().find(|t| t.file == "EnrollmentCoC") else {
        return;
    };
    let (Some(eid), Some(coc), Some(stage), Some(date)) = (
        ec.str_col("EnrollmentID"),
        ec.str_col("CoCCode"),
        ec.int_col("DataCollectionStage"),
        ec.date_col("InformationDate"),
    ) else {
        return;
    };
    let enr = &export.tables[idx("Enrollment")];
    let enr_ids = keys(enr, "EnrollmentID");
    // EnrollmentID -> (is not entry, date, line, CoC): the smallest wins.
    let mut best: HashMap<&str, (bool, i32, u32, &str)> = HashMap::new();
    let mut orphans = 0u64;
    for r in 0..ec.len() {
        let id = eid.get(r);
        if !enr_ids.contains(id) {
            orphans += 1;
            ck.push(Finding::error(
                "EnrollmentCoC.csv",
                ec.lines[r] as u64,
                "EnrollmentID",
                id,
                rule::FK_MISSING,
                format!("Enrollment.csv has no usable row with EnrollmentID {id}: row rejected"),
            ));
            continue;
        }
        let cand = (stage[r] != 1, date[r], ec.lines[r], coc.get(r));
        best.entry(id)
            .and_modify(|b| {
                if (cand.0, cand.1, cand.2) < (b.0, b.1, b.2) {
                    *b = cand;
                }
            })
            .or_insert(cand);
    }
    if orphans > 0
        && let Some(c) = ck.counts.iter_mut().find(|c| c.file == "EnrollmentCoC.csv")
    {
        c.rows_rejected += orphans;
    }
    let Some(ci) = enr.col("EnrollmentCoC") else {
        return;
    };
    let Some(ids) = enr.str_col("EnrollmentID") else {
        return;
    };
    let Column::Str(old) = &enr.columns[ci] else {
        return;
    };
    let mut new = StrColumn::default();
    for r in 0..enr.len() {
        let cur = old.get(r);
        if cur.is_empty() {
            new.push(best.get(ids.get(r)).map(|b| b.3).unwrap_or(""));
        } else {
            new.push(cur);
        }
    }
    export.tables[idx("Enrollment")].columns[ci] = Column::Str(new);
}

/// Checks on enrollments and everything that hangs off them.
fn check_enrollments(export: &mut Export, ck: &mut Checker) {
    // Lend the Enrollment table out so the other tables can be changed meanwhile.
    let i = idx("Enrollment");
    let enr = std::mem::replace(
        &mut export.tables[i],
        Table::new("Enrollment", Vec::new(), &[]),
    );
    check_enrollments_with(export, &enr, ck);
    export.tables[i] = enr;
}

/// The Enrollment columns the checks read.
struct EnrollmentKeys<'a> {
    eid: &'a StrColumn,
    pid: &'a StrColumn,
    prj: &'a StrColumn,
    hh: &'a StrColumn,
    rel: &'a IntColumn,
    entry: &'a DateColumn,
    coc: &'a StrColumn,
}

impl EnrollmentKeys<'_> {
    fn of(enr: &Table) -> Option<EnrollmentKeys<'_>> {
        Some(EnrollmentKeys {
            eid: enr.str_col("EnrollmentID")?,
            pid: enr.str_col("PersonalID")?,
            prj: enr.str_col("ProjectID")?,
            hh: enr.str_col("HouseholdID")?,
            rel: enr.int_col("RelationshipToHoH")?,
            entry: enr.date_col("EntryDate")?,
            coc: enr.str_col("EnrollmentCoC")?,
        })
    }
}

/// Each project's type, by the code of its ProjectID in the Enrollment column `prj`.
fn project_types(export: &Export, prj: &StrColumn) -> Vec<i32> {
    let proj = &export.tables[idx("Project")];
    let mut project_type: HashMap<String, i32> = HashMap::new();
    if let (Some(id), Some(pt)) = (proj.str_col("ProjectID"), proj.int_col("ProjectType")) {
        for r in 0..proj.len() {
            project_type.insert(id.get(r).to_string(), pt[r]);
        }
    }
    (0..prj.distinct() as u32)
        .map(|c| {
            project_type
                .get(prj.value_of(c))
                .copied()
                .unwrap_or(NULL_INT)
        })
        .collect()
}

fn check_enrollments_with(export: &mut Export, enr: &Table, ck: &mut Checker) {
    let Some(keys) = EnrollmentKeys::of(enr) else {
        return;
    };
    let EnrollmentKeys {
        eid,
        pid,
        prj,
        hh,
        rel,
        entry,
        coc,
    } = keys;
    let pc = &export.tables[idx("ProjectCoC")];
    let mut project_cocs: HashMap<String, Vec<String>> = HashMap::new();
    if let (Some(p), Some(c)) = (pc.str_col("ProjectID"), pc.str_col("CoCCode")) {
        for r in 0..pc.len() {
            project_cocs
                .entry(p.get(r).to_string())
                .or_default()
                .push(c.get(r).to_string());
        }
    }
    let n = enr.len();
    // Each enrolled client's birth date (by the code of its PersonalID in Enrollment).
    let dob: Vec<i32> = {
        let client = &export.tables[idx("Client")];
        let mut by_id: FastMap<&str, i32> = FastMap::default();
        if let (Some(id), Some(d)) = (client.str_col("PersonalID"), client.date_col("DOB")) {
            for r in 0..client.len() {
                if d[r] != NULL_DATE {
                    by_id.insert(id.get(r), d[r]);
                }
            }
        }
        (0..pid.distinct() as u32)
            .map(|c| by_id.get(pid.value_of(c)).copied().unwrap_or(NULL_DATE))
            .collect()
    };
    // Each project's type (by the code of its ProjectID in Enrollment).
    let type_of = project_types(export, prj);

    // EnrollmentCoC must be one of the project's CoC codes.
    let check_coc = export.is_loaded("ProjectCoC");
    let cocs_of: Vec<Option<&Vec<String>>> = (0..prj.distinct() as u32)
        .map(|c| project_cocs.get(prj.value_of(c)))
        .collect();
    for r in 0..n {
        let c = coc.get(r);
        if check_coc
            && !c.is_empty()
            && !cocs_of[prj.code(r) as usize].is_some_and(|v| v.iter().any(|x| x == c))
        {
            ck.push(Finding::warning(
                "Enrollment.csv",
                enr.lines[r] as u64,
                "EnrollmentCoC",
                c,
                rule::ENROLLMENT_COC,
                format!("project {} has no ProjectCoC row for {c}", prj.get(r)),
            ));
        }
        let d = dob[pid.code(r) as usize];
        if d != NULL_DATE && d > entry[r] {
            ck.push(Finding::warning(
                "Enrollment.csv",
                enr.lines[r] as u64,
                "EntryDate",
                "",
                rule::DOB_AFTER_ENTRY,
                format!(
                    "client {}'s birth date is after this entry date",
                    pid.get(r)
                ),
            ));
        }
    }

    // One head of household per household.
    // By the code of the HouseholdID: (first line, hoh count, members).
    let mut households: Vec<(u32, u32, usize)> = vec![(0, 0, 0); hh.distinct()];
    for r in 0..n {
        let e = &mut households[hh.code(r) as usize];
        if e.2 == 0 {
            e.0 = enr.lines[r];
        }
        e.2 += 1;
        if rel[r] == 1 {
            e.1 += 1;
        }
    }
    let mut hh_findings: Vec<Finding> = households
        .iter()
        .enumerate()
        .filter(|(_, (_, hoh, members))| *members > 0 && *hoh != 1)
        .map(|(code, (line, hoh, members))| {
            let id = hh.value_of(code as u32);
            Finding::warning("Enrollment.csv", *line as u64, "RelationshipToHoH", id, rule::HOH_COUNT, format!("household {id} has {hoh} heads of household among {members} enrollment(s); exactly one is expected"))
        })
        .collect();
    hh_findings.sort_by_key(|f| f.line);
    for f in hh_findings {
        ck.push(f);
    }

    // Exits.
    // Exit date of each enrollment, by row (EnrollmentID is the table's key).
    let mut exits: Vec<Option<i32>> = vec![None; n];
    if export.is_loaded("Exit") {
        let enr_index: FastMap<&str, usize> = (0..n).map(|r| (eid.get(r), r)).collect();
        let ex = &mut export.tables[idx("Exit")];
        if let (Some(xe), Some(xp), Some(xd)) = (
            ex.str_col("EnrollmentID"),
            ex.str_col("PersonalID"),
            ex.date_col("ExitDate"),
        ) {
            let mut keep = vec![true; ex.len()];
            let mut found = Vec::new();
            for (r, k) in keep.iter_mut().enumerate() {
                let line = ex.lines[r] as u64;
                let Some(&er) = enr_index.get(xe.get(r)) else {
                    *k = false;
                    found.push(Finding::error(
                        "Exit.csv",
                        line,
                        "EnrollmentID",
                        xe.get(r),
                        rule::FK_MISSING,
                        format!(
                            "Enrollment.csv has no usable row with EnrollmentID {}: row rejected",
                            xe.get(r)
                        ),
                    ));
                    continue;
                };
                if xp.get(r) != pid.get(er) {
                    *k = false;
                    found.push(Finding::error(
                        "Exit.csv",
                        line,
                        "PersonalID",
                        xp.get(r),
                        rule::FK_PERSON_MISMATCH,
                        format!(
                            "enrollment {} belongs to PersonalID {}: row rejected",
                            xe.get(r),
                            pid.get(er)
                        ),
                    ));
                    continue;
                }
                if xd[r] < entry[er] {
                    *k = false;
                    found.push(Finding::error("Exit.csv", line, "ExitDate", &super::table::Value::Date(xd[r]).to_string(), rule::EXIT_BEFORE_ENTRY, format!("exit date is before the entry date of enrollment {}: row rejected (the enrollment is read as open)", xe.get(r))));
                    continue;
                }
                if exits[er].is_some() {
                    *k = false;
                    found.push(Finding::error(
                        "Exit.csv",
                        line,
                        "EnrollmentID",
                        xe.get(r),
                        rule::EXIT_DUPLICATE,
                        format!("enrollment {} already has an exit: row rejected", xe.get(r)),
                    ));
                    continue;
                }
                exits[er] = Some(xd[r]);
            }
            for f in found {
                ck.push(f);
            }
            ck.apply(ex, &keep);
        }
    }

    // Overlapping stays of one person in one residential project.
    // (PersonalID, ProjectID) -> [(entry, exit, row)]
    // (PersonalID code, ProjectID code, entry, exit, row), sorted: each person's stays in
    // a project in order.
    let residential: Vec<bool> = type_of.iter().map(|t| RESIDENTIAL.contains(t)).collect();
    let mut stays: Vec<(u32, u32, i32, i32, usize)> = (0..n)
        .filter(|&r| residential[prj.code(r) as usize])
        .map(|r| {
            let exit = exits[r].unwrap_or(i32::MAX);
            (pid.code(r), prj.code(r), entry[r], exit, r)
        })
        .collect();
    stays.sort_unstable();
    let mut overlap = Vec::new();
    for w in stays.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.0, a.1) == (b.0, b.1) {
            let (p, project) = (pid.value_of(b.0), prj.value_of(b.1));
            let (a, b) = ((a.2, a.3, a.4), (b.2, b.3, b.4));
            if b.0 < a.1 {
                overlap.push(Finding::warning("Enrollment.csv", enr.lines[b.2] as u64, "EntryDate", "", rule::ENROLLMENT_OVERLAP, format!("client {p} is already enrolled in project {project} on this entry date (enrollment {})", eid.get(a.2))));
            }
        }
    }
    overlap.sort_by_key(|f| f.line);
    for f in overlap {
        ck.push(f);
    }

    // Records that hang off an enrollment.
    check_child_files(export, &keys, &exits, &type_of, ck);
}

/// Checks the records of every child file against their enrollment (`exits` and `type_of`
/// as in [`check_enrollments_with`]).
fn check_child_files(
    export: &mut Export,
    e: &EnrollmentKeys,
    exits: &[Option<i32>],
    type_of: &[i32],
    ck: &mut Checker,
) {
    let projects = export.is_loaded("Project");
    if !CHILD_FILES.iter().any(|f| export.is_loaded(f)) {
        return;
    }
    let info: FastMap<&str, Enr> = (0..e.eid.len())
        .map(|r| {
            (
                e.eid.get(r),
                Enr {
                    personal_id: e.pid.get(r),
                    entry: e.entry[r],
                    exit: exits[r],
                    project_type: type_of[e.prj.code(r) as usize],
                },
            )
        })
        .collect();
    for file in CHILD_FILES {
        check_children(export, file, &info, projects, ck);
    }
}

/// Checks the records of one file against their enrollment; `projects` = whether
/// Project.csv was loaded (for the project type of bed nights).
fn check_children(
    export: &mut Export,
    file: &str,
    info: &FastMap<&str, Enr>,
    projects: bool,
    ck: &mut Checker,
) {
    if !export.is_loaded(file) {
        return;
    }
    let name = format!("{file}.csv");
    let (keep, found) = {
        let assessments = (file.starts_with("Assessment")
            && file != "Assessment"
            && export.is_loaded("Assessment"))
        .then(|| key_set(&export.tables[idx("Assessment")], "AssessmentID"));
        let t = &export.tables[idx(file)];
        let (Some(e), Some(p)) = (t.str_col("EnrollmentID"), t.str_col("PersonalID")) else {
            return;
        };
        let services = file == "Services";
        let rt = t.int_col("RecordType");
        let dp = t.date_col("DateProvided");
        let aid = t.str_col("AssessmentID");
        // Lookups once per distinct value rather than once per row.
        let enrollment: Vec<Option<&Enr>> = (0..e.distinct() as u32)
            .map(|c| info.get(e.value_of(c)))
            .collect();
        let assessed: Option<Vec<bool>> = match (aid, &assessments) {
            (Some(a), Some(set)) => Some(
                (0..a.distinct() as u32)
                    .map(|c| set.contains(a.value_of(c)))
                    .collect(),
            ),
            _ => None,
        };
        let mut keep = vec![true; t.len()];
        let mut found = Vec::new();
        for (r, k) in keep.iter_mut().enumerate() {
            let line = t.lines[r] as u64;
            if let (Some(a), Some(ok)) = (aid, &assessed)
                && !ok[a.code(r) as usize]
            {
                *k = false;
                found.push(Finding::error(
                    &name,
                    line,
                    "AssessmentID",
                    a.get(r),
                    rule::FK_MISSING,
                    format!(
                        "Assessment.csv has no usable row with AssessmentID {}: row rejected",
                        a.get(r)
                    ),
                ));
                continue;
            }
            let Some(en) = enrollment[e.code(r) as usize] else {
                *k = false;
                found.push(Finding::error(
                    &name,
                    line,
                    "EnrollmentID",
                    e.get(r),
                    rule::FK_MISSING,
                    format!(
                        "Enrollment.csv has no usable row with EnrollmentID {}: row rejected",
                        e.get(r)
                    ),
                ));
                continue;
            };
            if en.personal_id != p.get(r) {
                *k = false;
                found.push(Finding::error(
                    &name,
                    line,
                    "PersonalID",
                    p.get(r),
                    rule::FK_PERSON_MISMATCH,
                    format!(
                        "enrollment {} belongs to PersonalID {}: row rejected",
                        e.get(r),
                        en.personal_id
                    ),
                ));
                continue;
            }
            if services
                && let (Some(rt), Some(dp)) = (rt, dp)
                && rt[r] == BED_NIGHT
            {
                if projects && en.project_type != NIGHT_BY_NIGHT {
                    found.push(Finding::warning(&name, line, "RecordType", "200", rule::BED_NIGHT_PROJECT_TYPE, "bed night recorded in a project that is not a night-by-night emergency shelter"));
                }
                let d = dp[r];
                if d < en.entry || en.exit.is_some_and(|x| d >= x) {
                    *k = false;
                    found.push(Finding::error(&name, line, "DateProvided", &super::table::Value::Date(d).to_string(), rule::BED_NIGHT_OUTSIDE, format!("bed night outside enrollment {} (nights run from entry to the day before exit): row rejected", e.get(r))));
                }
            }
        }
        (keep, found)
    };
    for f in found {
        ck.push(f);
    }
    ck.apply(&mut export.tables[idx(file)], &keep);
}
