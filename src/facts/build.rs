//! Building [`Facts`] from the ingest tables and the crosswalk: the one place that reads
//! HMIS CSV columns for reports.

use std::cmp::Ordering;
use std::collections::HashMap;

use rayon::prelude::*;

use crate::dedup::{Crosswalk, Person};
use crate::hmis::codes::{ProjectType, disability, record_type, relationship, stage, yes_no};
use crate::ingest::table::{
    DateColumn, IntColumn, MoneyColumn, NULL_DATE, NULL_DATETIME, NULL_INT,
};
use crate::ingest::{Dataset, Export, StrColumn, Table};

use super::chronic::{self, ChInputs, ChStatus};
use super::household::AgeClass;
use super::person::{PersonFacts, RACE_COLUMNS};
use super::{
    Condition, Day, DvRecord, Enrollment, Facts, FunderRecord, Household, IncomeRecord, Inventory,
    Organization, Project,
};

/// Which enrollments the facts keep.
#[derive(Debug, Clone, Default)]
pub struct FactOptions {
    /// Keep only enrollments whose household's EnrollmentCoC (the head of household's,
    /// where HMIS collects it) is this CoC code; inventory likewise by Inventory.CoCCode.
    pub coc: Option<String>,
}

/// FxHash (the rustc hasher): a fast, fixed hash for the ID strings the build looks up
/// tens of millions of times (EnrollmentID of every child record). Not DoS-resistant, which
/// batch input of one's own exports does not need.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);
impl std::hash::Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }
}
pub(crate) type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

/// Nullable column readers: an absent column reads as null.
struct Ints<'a>(Option<&'a IntColumn>);
impl Ints<'_> {
    fn get(&self, i: usize) -> i32 {
        self.0.map_or(NULL_INT, |c| c.get(i))
    }
}
struct Dates<'a>(Option<&'a DateColumn>);
impl Dates<'_> {
    fn get(&self, i: usize) -> Option<Day> {
        self.0.map(|c| c.get(i)).filter(|&d| d != NULL_DATE)
    }
}
struct Strs<'a>(Option<&'a StrColumn>);
impl<'a> Strs<'a> {
    fn get(&self, i: usize) -> &'a str {
        self.0.map_or("", |c| c.get(i))
    }
}
impl Strs<'_> {
    /// Row `i`'s entry of `of`, a value per distinct value of the column ([`per_code`]).
    fn at<T: Copy>(&self, of: &[Option<T>], i: usize) -> Option<T> {
        let k = self.0.map_or(0, |c| c.code(i) as usize);
        of.get(k).copied().flatten()
    }
}
/// `f` of each distinct value of a column, by code (of "" alone when the column is absent,
/// which reads as empty).
fn per_code<T>(col: &Strs, f: impl Fn(&str) -> Option<T>) -> Vec<Option<T>> {
    match col.0 {
        Some(c) => (0..c.distinct() as u32).map(|k| f(c.value_of(k))).collect(),
        None => vec![f("")],
    }
}
fn ints<'a>(t: &'a Table, c: &str) -> Ints<'a> {
    Ints(t.int_col(c))
}
fn dates<'a>(t: &'a Table, c: &str) -> Dates<'a> {
    Dates(t.date_col(c))
}
fn strs<'a>(t: &'a Table, c: &str) -> Strs<'a> {
    Strs(t.str_col(c))
}

/// The enrollment (by the caller's numbering, `by_id`: EnrollmentID -> number) of each row
/// of a child file, looked up once per distinct EnrollmentID (the column is
/// dictionary-coded) rather than once per row.
pub(super) fn enrollment_of<'a>(
    t: &'a Table,
    by_id: &FxMap<&str, u32>,
) -> impl Fn(usize) -> Option<u32> + 'a {
    let col = strs(t, "EnrollmentID");
    let of_code = per_code(&col, |id| by_id.get(id).copied());
    move |i| col.at(&of_code, i)
}

/// Builds the facts. Deterministic: the result does not depend on the order of exports or
/// rows, or on the number of threads.
pub fn build(dataset: &Dataset, cw: &Crosswalk, opts: &FactOptions) -> Facts {
    let mut facts = Facts::default();
    let project_index = projects(dataset, &mut facts);
    facts.inventory = inventory(dataset, &project_index, opts);
    facts.funders = funders(dataset, &project_index);
    facts.persons = persons(dataset, cw);

    let types: Vec<Option<ProjectType>> = facts.projects.iter().map(|p| p.project_type).collect();
    let parts: Vec<ExportPart> = dataset
        .exports
        .par_iter()
        .with_max_len(1)
        .enumerate()
        .map(|(e, ex)| export_part(e, ex, cw, (&project_index[e], &types), opts))
        .collect();

    // Global order of enrollments: (person, entry, ExportID, EnrollmentID).
    let mut order: Vec<(u32, u32)> = Vec::new();
    for (e, p) in parts.iter().enumerate() {
        facts.counts.enrollments += p.rows as u64;
        facts.counts.enrollments_without_client += p.without_client;
        facts.counts.enrollments_without_project += p.without_project;
        facts.counts.enrollments_other_coc += p.other_coc;
        order.extend((0..p.enrollments.len() as u32).map(|i| (e as u32, i)));
    }
    order.par_sort_unstable_by(|a, b| {
        let (ea, eb) = (&parts[a.0 as usize], &parts[b.0 as usize]);
        let (ra, rb) = (&ea.enrollments[a.1 as usize], &eb.enrollments[b.1 as usize]);
        (ra.person, ra.entry, a.0)
            .cmp(&(rb.person, rb.entry, b.0))
            .then_with(|| ea.id(ra.row).cmp(eb.id(rb.row)))
    });
    let mut global: Vec<Vec<u32>> = parts
        .iter()
        .map(|p| vec![u32::MAX; p.enrollments.len()])
        .collect();
    for (g, &(e, i)) in order.iter().enumerate() {
        global[e as usize][i as usize] = g as u32;
    }

    // Households: per export, local index + offset.
    let mut hh_offset = Vec::with_capacity(parts.len());
    let mut total_hh = 0u32;
    for p in &parts {
        hh_offset.push(total_hh);
        total_hh += p.households;
    }
    facts.households = (0..parts.len())
        .flat_map(|e| {
            (0..parts[e].households).map(move |_| Household {
                export: e as u32,
                members: Vec::new(),
            })
        })
        .collect();

    // Child records grouped by global enrollment, each enrollment's in a total order (every
    // field), so the order never depends on the input's; the five kinds at once.
    let n = order.len();
    let (g, pa) = (&global, &parts[..]);
    let ((services, conditions), ((dv, incomes), bed_nights)) = rayon::join(
        || {
            rayon::join(
                || group(n, pa, g, |p| &p.services, Ord::cmp, true),
                || {
                    group(
                        n,
                        pa,
                        g,
                        |p| &p.conditions,
                        |a, b| {
                            (a.date, a.kind, a.response, a.indefinite).cmp(&(
                                b.date,
                                b.kind,
                                b.response,
                                b.indefinite,
                            ))
                        },
                        false,
                    )
                },
            )
        },
        || {
            rayon::join(
                || {
                    rayon::join(
                        || {
                            group(
                                n,
                                pa,
                                g,
                                |p| &p.dv,
                                |a, b| {
                                    (a.date, a.survivor, a.currently_fleeing).cmp(&(
                                        b.date,
                                        b.survivor,
                                        b.currently_fleeing,
                                    ))
                                },
                                false,
                            )
                        },
                        || group(n, pa, g, |p| &p.incomes, income_order, false),
                    )
                },
                || group(n, pa, g, |p| &p.bed_nights, Ord::cmp, true),
            )
        },
    );
    let (inc_ranges, bed_ranges) = (incomes.0, bed_nights.0);
    facts.incomes = incomes.1;
    facts.bed_nights = bed_nights.1;
    let (svc_ranges, cond_ranges, dv_ranges) = (services.0, conditions.0, dv.0);
    facts.service_days = services.1;
    facts.conditions = conditions.1;
    facts.dv = dv.1;

    facts.enrollments = order
        .par_iter()
        .enumerate()
        .map(|(g, &(e, i))| {
            let r = &parts[e as usize].enrollments[i as usize];
            let household = hh_offset[e as usize] + r.household;
            Enrollment {
                person: r.person,
                export: e,
                row: r.row,
                project: r.project,
                household,
                relationship: r.relationship,
                entry: r.entry,
                exit: r.exit,
                move_in: r.move_in,
                destination: r.destination,
                ch: r.ch,
                ch_at_start: ChStatus::Missing,
                services: svc_ranges[g],
                conditions: cond_ranges[g],
                dv: dv_ranges[g],
                incomes: inc_ranges[g],
                bed_nights: bed_ranges[g],
            }
        })
        .collect();
    for (g, en) in facts.enrollments.iter().enumerate() {
        facts.households[en.household as usize]
            .members
            .push(g as u32);
    }

    // Person -> enrollments.
    let persons = facts.persons.len();
    let mut starts = vec![0u32; persons + 1];
    for en in &facts.enrollments {
        starts[en.person as usize + 1] += 1;
    }
    for p in 0..persons {
        starts[p + 1] += starts[p];
    }
    facts.person_enrollments = starts;

    household_ch_at_start(&mut facts);
    facts.data_start = dataset
        .exports
        .iter()
        .filter_map(|e| e.export_start)
        .map(crate::ingest::table::days_from_date)
        .min()
        .or_else(|| facts.enrollments.iter().map(|e| e.entry).min());
    facts
}

/// Income records in a total order (every field).
fn income_order(a: &IncomeRecord, b: &IncomeRecord) -> Ordering {
    let key = |x: &IncomeRecord| (x.date, x.stage, x.any_income, x.benefits, x.insurance);
    key(a)
        .cmp(&key(b))
        .then_with(|| a.earned.total_cmp(&b.earned))
        .then_with(|| a.total.total_cmp(&b.total))
}

/// Records of one kind from every export's part (numbered by the export's enrollments),
/// grouped by global enrollment (`global[e][i]`: the number of export e's enrollment i):
/// each enrollment's range and the records, each enrollment's sorted by `cmp` (a total
/// order), those equal to the one before dropped when `dedup`.
fn group<'p, T: Copy + Send + Sync + 'p>(
    n: usize,
    parts: &'p [ExportPart<'p>],
    global: &[Vec<u32>],
    of: impl Fn(&'p ExportPart<'p>) -> &'p [(u32, T)],
    cmp: impl Fn(&T, &T) -> Ordering,
    dedup: bool,
) -> (Vec<(u32, u32)>, Vec<T>) {
    let records = || {
        parts.iter().enumerate().flat_map(|(e, p)| {
            of(p)
                .iter()
                .map(move |&(i, r)| (global[e][i as usize] as usize, r))
        })
    };
    let (starts, mut out) = grouped(n, records, &cmp);
    if !dedup {
        return ((0..n).map(|g| (starts[g], starts[g + 1])).collect(), out);
    }
    let mut ranges = Vec::with_capacity(n);
    let mut kept = 0usize;
    for g in 0..n {
        let first = kept;
        for k in starts[g] as usize..starts[g + 1] as usize {
            if kept > first && cmp(&out[kept - 1], &out[k]) == Ordering::Equal {
                continue;
            }
            out[kept] = out[k];
            kept += 1;
        }
        ranges.push((first as u32, kept as u32));
    }
    out.truncate(kept);
    (ranges, out)
}

/// Records given as (group, record), groups numbered below `n`, grouped with a counting
/// sort: where each group starts (`n + 1` entries) and the records, each group's in the
/// order given then sorted by `cmp` (stably). `records` gives them anew for each pass.
pub(super) fn grouped<T: Copy, I: Iterator<Item = (usize, T)>>(
    n: usize,
    records: impl Fn() -> I,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> (Vec<u32>, Vec<T>) {
    let mut starts = vec![0u32; n + 1];
    for (g, _) in records() {
        starts[g + 1] += 1;
    }
    for g in 0..n {
        starts[g + 1] += starts[g];
    }
    let Some((_, fill)) = records().next() else {
        return (starts, Vec::new());
    };
    let mut out = vec![fill; starts[n] as usize];
    let mut next = starts.clone();
    for (g, r) in records() {
        out[next[g] as usize] = r;
        next[g] += 1;
    }
    for w in starts.windows(2) {
        out[w[0] as usize..w[1] as usize].sort_by(&cmp);
    }
    (starts, out)
}

/// Organizations and projects of every export; returns, per export, ProjectID -> project.
fn projects(dataset: &Dataset, facts: &mut Facts) -> Vec<HashMap<String, u32>> {
    let mut index = Vec::new();
    for (e, ex) in dataset.exports.iter().enumerate() {
        let t = ex.table("Organization");
        let (ids, names) = (strs(t, "OrganizationID"), strs(t, "OrganizationName"));
        let mut orgs: HashMap<String, u32> = HashMap::new();
        for i in 0..t.len() {
            orgs.entry(ids.get(i).to_string()).or_insert_with(|| {
                facts.organizations.push(Organization {
                    export: e as u32,
                    id: ids.get(i).to_string(),
                    name: names.get(i).to_string(),
                });
                (facts.organizations.len() - 1) as u32
            });
        }
        let t = ex.table("Project");
        let (ids, names, org) = (
            strs(t, "ProjectID"),
            strs(t, "ProjectName"),
            strs(t, "OrganizationID"),
        );
        let (ptype, cont) = (ints(t, "ProjectType"), ints(t, "ContinuumProject"));
        let mut projects = HashMap::new();
        for i in 0..t.len() {
            let o = match orgs.get(org.get(i)) {
                Some(&o) => o,
                None => {
                    // A project whose organization is missing (rejected upstream): keep the
                    // project under a placeholder so its clients still count.
                    facts.organizations.push(Organization {
                        export: e as u32,
                        id: org.get(i).to_string(),
                        name: format!("Organization {}", org.get(i)),
                    });
                    let o = (facts.organizations.len() - 1) as u32;
                    orgs.insert(org.get(i).to_string(), o);
                    o
                }
            };
            projects.entry(ids.get(i).to_string()).or_insert_with(|| {
                facts.projects.push(Project {
                    export: e as u32,
                    id: ids.get(i).to_string(),
                    name: names.get(i).to_string(),
                    organization: o,
                    project_type: ProjectType::from_code(ptype.get(i)),
                    continuum: cont.get(i) == yes_no::YES,
                });
                (facts.projects.len() - 1) as u32
            });
        }
        index.push(projects);
    }
    index
}

fn inventory(
    dataset: &Dataset,
    project_index: &[HashMap<String, u32>],
    opts: &FactOptions,
) -> Vec<Inventory> {
    let mut out = Vec::new();
    for (e, ex) in dataset.exports.iter().enumerate() {
        let t = ex.table("Inventory");
        let (pid, coc) = (strs(t, "ProjectID"), strs(t, "CoCCode"));
        let (hh, units, beds) = (
            ints(t, "HouseholdType"),
            ints(t, "UnitInventory"),
            ints(t, "BedInventory"),
        );
        let (start, end) = (dates(t, "InventoryStartDate"), dates(t, "InventoryEndDate"));
        for i in 0..t.len() {
            let Some(&project) = project_index[e].get(pid.get(i)) else {
                continue;
            };
            if opts.coc.as_deref().is_some_and(|c| c != coc.get(i)) {
                continue;
            }
            out.push(Inventory {
                project,
                household_type: hh.get(i),
                units: u32::try_from(units.get(i)).unwrap_or(0),
                beds: u32::try_from(beds.get(i)).unwrap_or(0),
                start: start.get(i),
                end: end.get(i),
            });
        }
    }
    out
}

/// Funder.csv records of the projects in scope, sorted by (project, funder, start, end).
fn funders(dataset: &Dataset, project_index: &[HashMap<String, u32>]) -> Vec<FunderRecord> {
    let mut out = Vec::new();
    for (e, ex) in dataset.exports.iter().enumerate() {
        let t = ex.table("Funder");
        let (pid, code) = (strs(t, "ProjectID"), ints(t, "Funder"));
        let (start, end) = (dates(t, "StartDate"), dates(t, "EndDate"));
        for i in 0..t.len() {
            let Some(&project) = project_index[e].get(pid.get(i)) else {
                continue;
            };
            out.push(FunderRecord {
                project,
                funder: code.get(i),
                start: start.get(i),
                end: end.get(i),
            });
        }
    }
    out.sort_unstable_by_key(|f| (f.project, f.funder, f.start, f.end));
    out
}

/// The demographics of each person, resolved across the person's client records: for each
/// element, the record with the most informative value (a full birth date over a partial
/// one, a known answer over "doesn't know", "doesn't know" over nothing), then the most
/// recently updated, then the smallest (ExportID, PersonalID).
fn persons(dataset: &Dataset, cw: &Crosswalk) -> Vec<PersonFacts> {
    /// A candidate value and what ranks it.
    #[derive(Clone, Copy)]
    struct Pick<T> {
        rank: u8,
        updated: i64,
        export: u32,
        row: u32,
        value: T,
    }
    let pids: Vec<Option<&StrColumn>> = dataset
        .exports
        .iter()
        .map(|ex| ex.table("Client").str_col("PersonalID"))
        .collect();
    let pid = |export: u32, row: u32| pids[export as usize].map_or("", |c| c.get(row as usize));
    fn keep<'a, T: Copy>(
        slot: &mut Option<Pick<T>>,
        c: Pick<T>,
        pid: &dyn Fn(u32, u32) -> &'a str,
    ) {
        let replace = match slot {
            None => true,
            Some(b) => match (c.rank, c.updated).cmp(&(b.rank, b.updated)) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => {
                    (c.export, pid(c.export, c.row)) < (b.export, pid(b.export, b.row))
                }
            },
        };
        if replace {
            *slot = Some(c);
        }
    }
    fn with<T>(pk: Pick<()>, value: T) -> Pick<T> {
        Pick {
            rank: pk.rank,
            updated: pk.updated,
            export: pk.export,
            row: pk.row,
            value,
        }
    }
    let n = cw.persons();
    let known_rank = |code: i32| match code {
        0 | 1 => 2,
        NULL_INT => 0,
        _ => 1,
    };
    // Each client row's person (the hash lookups), every export at once.
    let person_of: Vec<Vec<Option<Person>>> = dataset
        .exports
        .par_iter()
        .with_max_len(1)
        .enumerate()
        .map(|(e, ex)| {
            let t = ex.table("Client");
            match t.str_col("PersonalID") {
                Some(pids) => (0..t.len()).map(|i| cw.person(e, pids.get(i))).collect(),
                None => Vec::new(),
            }
        })
        .collect();
    // Every client row with its person, export by export: `row(export, row, person, pick)`,
    // where `pick(rank)` is the row's candidate.
    type Row<'r> = dyn FnMut(usize, usize, usize, &dyn Fn(u8) -> Pick<()>) + 'r;
    let each_row = |row: &mut Row| {
        for (e, ex) in dataset.exports.iter().enumerate() {
            let t = ex.table("Client");
            let updated = t.datetime_col("DateUpdated");
            for (i, p) in person_of[e].iter().enumerate() {
                let Some(p) = p else { continue };
                let up = updated.map_or(NULL_DATETIME, |u| u.get(i));
                let pick = |rank: u8| Pick {
                    rank,
                    updated: up,
                    export: e as u32,
                    row: i as u32,
                    value: (),
                };
                row(e, i, *p as usize, &pick);
            }
        }
    };
    // The elements picked in three passes over the rows, run at once.
    // Each export's Client columns a pass reads (looked up once).
    let columns = |f: &(dyn Fn(&Table) -> Vec<Ints> + Sync)| -> Vec<Vec<Ints>> {
        dataset
            .exports
            .iter()
            .map(|ex| f(ex.table("Client")))
            .collect()
    };
    let births = || {
        let mut dob: Vec<Option<Pick<Day>>> = vec![None; n];
        let mut records = vec![0u32; n];
        let d: Vec<Dates> = dataset
            .exports
            .iter()
            .map(|ex| dates(ex.table("Client"), "DOB"))
            .collect();
        let dq = columns(&|t| vec![ints(t, "DOBDataQuality")]);
        each_row(&mut |e, i, p, pick| {
            records[p] += 1;
            if let Some(b) = d[e].get(i) {
                let rank = match dq[e][0].get(i) {
                    1 => 3,
                    2 => 2,
                    _ => 1,
                };
                keep(&mut dob[p], with(pick(rank), b), &pid);
            }
        });
        (dob, records)
    };
    let sex_and_veteran = || {
        let mut sex: Vec<Option<Pick<i32>>> = vec![None; n];
        let mut vet: Vec<Option<Pick<i32>>> = vec![None; n];
        let c = columns(&|t| vec![ints(t, "Sex"), ints(t, "VeteranStatus")]);
        each_row(&mut |e, i, p, pick| {
            let code = c[e][0].get(i);
            keep(&mut sex[p], with(pick(known_rank(code)), code), &pid);
            let code = c[e][1].get(i);
            keep(&mut vet[p], with(pick(known_rank(code)), code), &pid);
        });
        (sex, vet)
    };
    let races = || {
        // (race bits, RaceNone)
        let mut race: Vec<Option<Pick<(u8, i32)>>> = vec![None; n];
        // RaceNone, then the race columns.
        let c = columns(&|t| {
            std::iter::once(ints(t, "RaceNone"))
                .chain(RACE_COLUMNS.iter().map(|c| ints(t, c)))
                .collect()
        });
        each_row(&mut |e, i, p, pick| {
            let bits = c[e][1..].iter().enumerate().fold(0u8, |acc, (b, col)| {
                if col.get(i) == yes_no::YES {
                    acc | (1 << b)
                } else {
                    acc
                }
            });
            let none = c[e][0].get(i);
            let rank = if bits != 0 {
                2
            } else if matches!(none, 8 | 9) {
                1
            } else {
                0
            };
            keep(&mut race[p], with(pick(rank), (bits, none)), &pid);
        });
        race
    };
    let ((dob, records), ((sex, vet), race)) =
        rayon::join(births, || rayon::join(sex_and_veteran, races));
    (0..n)
        .map(|p| {
            let (bits, none) = race[p].map_or((0, NULL_INT), |r| r.value);
            PersonFacts {
                dob: dob[p].map(|d| d.value),
                sex: sex[p].map_or(NULL_INT, |x| x.value),
                race: bits,
                race_none: if bits == 0 { none } else { NULL_INT },
                veteran: vet[p].map_or(NULL_INT, |x| x.value),
                records: records[p],
            }
        })
        .collect()
}

/// An enrollment as read from one export, before the global ordering.
struct RawEnrollment {
    row: u32,
    person: Person,
    project: u32,
    household: u32,
    relationship: i32,
    entry: Day,
    exit: Option<Day>,
    move_in: Option<Day>,
    destination: i32,
    ch: ChInputs,
}

struct ExportPart<'a> {
    enrollment_ids: Option<&'a StrColumn>,
    rows: usize,
    enrollments: Vec<RawEnrollment>,
    households: u32,
    services: Vec<(u32, Day)>,
    bed_nights: Vec<(u32, Day)>,
    incomes: Vec<(u32, IncomeRecord)>,
    conditions: Vec<(u32, Condition)>,
    dv: Vec<(u32, DvRecord)>,
    without_client: u64,
    without_project: u64,
    other_coc: u64,
}

impl ExportPart<'_> {
    fn id(&self, row: u32) -> &str {
        self.enrollment_ids.map_or("", |c| c.get(row as usize))
    }
}

fn export_part<'a>(
    e: usize,
    ex: &'a Export,
    cw: &Crosswalk,
    (projects, types): (&HashMap<String, u32>, &[Option<ProjectType>]),
    opts: &FactOptions,
) -> ExportPart<'a> {
    let t = ex.table("Enrollment");
    let ids = t.str_col("EnrollmentID");
    let (pid, proj, hid, coc) = (
        strs(t, "PersonalID"),
        strs(t, "ProjectID"),
        strs(t, "HouseholdID"),
        strs(t, "EnrollmentCoC"),
    );
    let rel = ints(t, "RelationshipToHoH");
    let (entry, move_in, to_street) = (
        dates(t, "EntryDate"),
        dates(t, "MoveInDate"),
        dates(t, "DateToStreetESSH"),
    );
    let (ls, los, prev, times, months, dc) = (
        ints(t, "LivingSituation"),
        ints(t, "LOSUnderThreshold"),
        ints(t, "PreviousStreetESSH"),
        ints(t, "TimesHomelessPastThreeYears"),
        ints(t, "MonthsHomelessPastThreeYears"),
        ints(t, "DisablingCondition"),
    );
    let mut part = ExportPart {
        enrollment_ids: ids,
        rows: t.len(),
        enrollments: Vec::with_capacity(t.len()),
        households: 0,
        services: Vec::new(),
        bed_nights: Vec::new(),
        incomes: Vec::new(),
        conditions: Vec::new(),
        dv: Vec::new(),
        without_client: 0,
        without_project: 0,
        other_coc: 0,
    };

    // The household's CoC is its head's EnrollmentCoC (HMIS collects it for the head only).
    // Households numbered in order of first appearance, found by the HouseholdID's code in
    // its column (one per distinct value) rather than by the ID.
    let mut households: Vec<u32> = vec![u32::MAX; hid.0.map_or(0, StrColumn::distinct)];
    let mut hh_coc: Vec<&str> = Vec::new();
    let mut row_hh = Vec::with_capacity(t.len());
    for i in 0..t.len() {
        // An empty HouseholdID (invalid) makes a household of its own.
        let key = hid.get(i);
        let h = if key.is_empty() {
            hh_coc.push("");
            (hh_coc.len() - 1) as u32
        } else {
            let slot = hid.0.and_then(|c| households.get_mut(c.code(i) as usize));
            match slot {
                Some(h) if *h != u32::MAX => *h,
                slot => {
                    hh_coc.push("");
                    let h = (hh_coc.len() - 1) as u32;
                    if let Some(s) = slot {
                        *s = h;
                    }
                    h
                }
            }
        };
        if rel.get(i) == relationship::SELF_HOH && hh_coc[h as usize].is_empty() {
            hh_coc[h as usize] = coc.get(i);
        }
        row_hh.push(h);
    }
    part.households = hh_coc.len() as u32;

    // Person and project looked up once per distinct PersonalID and ProjectID.
    let person_of = per_code(&pid, |p| cw.person(e, p));
    let project_of = per_code(&proj, |p| projects.get(p).copied());
    let mut local: FxMap<&str, u32> = FxMap::with_capacity_and_hasher(t.len(), Default::default());
    for i in 0..t.len() {
        let Some(person) = pid.at(&person_of, i) else {
            part.without_client += 1;
            continue;
        };
        let Some(project) = proj.at(&project_of, i) else {
            part.without_project += 1;
            continue;
        };
        let Some(entry_day) = entry.get(i) else {
            continue;
        };
        if let Some(want) = &opts.coc {
            let h = hh_coc[row_hh[i] as usize];
            let c = if h.is_empty() { coc.get(i) } else { h };
            if c != want {
                part.other_coc += 1;
                continue;
            }
        }
        if let Some(ids) = ids {
            local.insert(ids.get(i), part.enrollments.len() as u32);
        }
        part.enrollments.push(RawEnrollment {
            row: i as u32,
            person,
            project,
            household: row_hh[i],
            relationship: rel.get(i),
            entry: entry_day,
            exit: None,
            move_in: move_in.get(i),
            destination: NULL_INT,
            ch: ChInputs {
                project_type: types[project as usize],
                entry: entry_day,
                disabling_condition: dc.get(i),
                disabled_by_records: false,
                living_situation: ls.get(i),
                los_under_threshold: los.get(i),
                previous_street_essh: prev.get(i),
                date_to_street: to_street.get(i),
                times_homeless: times.get(i),
                months_homeless: months.get(i),
            },
        });
    }

    let t = ex.table("Exit");
    let (eid, xd, dest) = (
        enrollment_of(t, &local),
        dates(t, "ExitDate"),
        ints(t, "Destination"),
    );
    for i in 0..t.len() {
        if let Some(k) = eid(i) {
            let r = &mut part.enrollments[k as usize];
            r.exit = xd.get(i);
            r.destination = dest.get(i);
        }
    }

    let t = ex.table("Services");
    let (eid, dp, rt) = (
        enrollment_of(t, &local),
        dates(t, "DateProvided"),
        ints(t, "RecordType"),
    );
    for i in 0..t.len() {
        if rt.get(i) != record_type::BED_NIGHT {
            continue;
        }
        if let (Some(k), Some(d)) = (eid(i), dp.get(i)) {
            part.services.push((k, d));
            part.bed_nights.push((k, d));
        }
    }
    // Street outreach contacts (for the point-in-time chronic status of SO enrollments).
    let t = ex.table("CurrentLivingSituation");
    let (eid, dd) = (enrollment_of(t, &local), dates(t, "InformationDate"));
    for i in 0..t.len() {
        if let (Some(k), Some(d)) = (eid(i), dd.get(i)) {
            part.services.push((k, d));
        }
    }

    let t = ex.table("Disabilities");
    let (eid, dd) = (enrollment_of(t, &local), dates(t, "InformationDate"));
    let (ty, resp, ind, st) = (
        ints(t, "DisabilityType"),
        ints(t, "DisabilityResponse"),
        ints(t, "IndefiniteAndImpairs"),
        ints(t, "DataCollectionStage"),
    );
    for i in 0..t.len() {
        // Only two uses: a disabling record at entry, and every record of the kinds the
        // PIT's additional populations read. Test those before the ID lookup.
        let (kind, response, indefinite) = (ty.get(i), resp.get(i), ind.get(i));
        let disabling = st.get(i) == stage::PROJECT_START && disables(kind, response, indefinite);
        let condition = matches!(
            kind,
            disability::HIV_AIDS | disability::MENTAL_HEALTH | disability::SUBSTANCE_USE
        );
        if !disabling && !condition {
            continue;
        }
        let Some(k) = eid(i) else {
            continue;
        };
        if disabling {
            part.enrollments[k as usize].ch.disabled_by_records = true;
        }
        if condition && let Some(date) = dd.get(i) {
            part.conditions.push((
                k,
                Condition {
                    date,
                    kind,
                    response,
                    indefinite,
                },
            ));
        }
    }

    let t = ex.table("IncomeBenefits");
    let (eid, dd) = (enrollment_of(t, &local), dates(t, "InformationDate"));
    let (st, any, ben, ins) = (
        ints(t, "DataCollectionStage"),
        ints(t, "IncomeFromAnySource"),
        ints(t, "BenefitsFromAnySource"),
        ints(t, "InsuranceFromAnySource"),
    );
    let amounts: Vec<Option<&MoneyColumn>> = CASH_AMOUNTS.iter().map(|c| t.money_col(c)).collect();
    let amount = |c: usize, i: usize| {
        amounts[c]
            .map(|m| m.get(i))
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(0.0)
    };
    for i in 0..t.len() {
        if let (Some(k), Some(date)) = (eid(i), dd.get(i)) {
            let total = (0..CASH_AMOUNTS.len()).map(|c| amount(c, i)).sum();
            part.incomes.push((
                k,
                IncomeRecord {
                    date,
                    stage: st.get(i),
                    any_income: any.get(i),
                    earned: amount(0, i),
                    total,
                    benefits: ben.get(i),
                    insurance: ins.get(i),
                },
            ));
        }
    }

    let t = ex.table("HealthAndDV");
    let (eid, dd) = (enrollment_of(t, &local), dates(t, "InformationDate"));
    let (sv, cf) = (
        ints(t, "DomesticViolenceSurvivor"),
        ints(t, "CurrentlyFleeing"),
    );
    for i in 0..t.len() {
        if let (Some(k), Some(date)) = (eid(i), dd.get(i)) {
            part.dv.push((
                k,
                DvRecord {
                    date,
                    survivor: sv.get(i),
                    currently_fleeing: cf.get(i),
                },
            ));
        }
    }
    part
}

// The cash income amounts of 4.02, earned first.
use crate::hmis::CASH_INCOME_AMOUNTS as CASH_AMOUNTS;

/// A disability record that establishes a disabling condition (chronic.md step A).
fn disables(kind: i32, response: i32, indefinite: i32) -> bool {
    let yes = match kind {
        disability::SUBSTANCE_USE => matches!(response, 1..=3),
        _ => response == yes_no::YES,
    };
    match kind {
        disability::DEVELOPMENTAL | disability::HIV_AIDS => yes,
        disability::PHYSICAL
        | disability::CHRONIC_HEALTH
        | disability::MENTAL_HEALTH
        | disability::SUBSTANCE_USE => yes && indefinite == yes_no::YES,
        _ => false,
    }
}

/// Chronic status at project start with the household rule (chronic.md §5).
fn household_ch_at_start(facts: &mut Facts) {
    let status: Vec<ChStatus> = facts
        .enrollments
        .par_iter()
        .map(|e| chronic::at_start(&e.ch))
        .collect();
    // Each enrollment is in one household, so households are settled independently (in
    // parallel) from the enrollments' own statuses.
    let f = &*facts;
    let changes: Vec<(u32, ChStatus)> = f
        .households
        .par_iter()
        .flat_map_iter(|h| {
            let mut out = Vec::new();
            let m = &h.members;
            if m.is_empty() {
                return out;
            }
            let en = |i: u32| &f.enrollments[i as usize];
            let hoh = m
                .iter()
                .copied()
                .filter(|&i| en(i).relationship == relationship::SELF_HOH)
                .min_by_key(|&i| (en(i).entry, i));
            let start = hoh.map_or_else(
                || m.iter().map(|&i| en(i).entry).min().unwrap_or(0),
                |h| en(h).entry,
            );
            let any_yes = m
                .iter()
                .any(|&i| en(i).entry == start && status[i as usize] == ChStatus::Yes);
            if any_yes {
                out.extend(m.iter().map(|&i| (i, ChStatus::Yes)));
                return out;
            }
            let Some(hoh) = hoh else { return out };
            let hoh_status = status[hoh as usize];
            for &i in m {
                let e = en(i);
                let child =
                    AgeClass::of(f.persons[e.person as usize].dob, e.entry) == AgeClass::Child;
                let own = status[i as usize];
                if child
                    && (matches!(hoh_status, ChStatus::DkPnta | ChStatus::Missing)
                        || matches!(own, ChStatus::DkPnta | ChStatus::Missing))
                {
                    out.push((i, hoh_status));
                }
            }
            out
        })
        .collect();
    for (e, s) in facts.enrollments.iter_mut().zip(status) {
        e.ch_at_start = s;
    }
    for (i, s) in changes {
        facts.enrollments[i as usize].ch_at_start = s;
    }
}
