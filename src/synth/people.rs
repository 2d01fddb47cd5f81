//! Households, their service timelines and every client-level record, generated one
//! household unit at a time from its own random stream (so units can be made in parallel
//! and the output stays byte-identical).

use chrono::{Datelike, Duration, NaiveDate};

use super::community::*;
use super::names::{Pools, title_case};
use super::rng::{Rng, scramble};
use super::writer::{Row, file_no, layouts};

const PID_SALT: u64 = 0x9E11_50A1;
const ID_SALT: u64 = 0x1D5A_17ED;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HhKind {
    Single,
    Family,
    Youth,
    ChildOnly,
}

/// The composition of one unit, drawn from its own stream so the person count of a unit is
/// known before the unit is generated.
#[derive(Clone, Debug)]
pub struct Shape {
    pub kind: HhKind,
    pub adults: u32,
    pub children: u32,
    pub twin_kids: bool,
    pub twin_adult: bool,
}

impl Shape {
    pub fn draw(seed: u64, unit: u64) -> Shape {
        let mut r = Rng::new(seed, &[unit, 0]);
        let kind = match r.weighted(&[62, 22, 13, 3]) {
            0 => HhKind::Single,
            1 => HhKind::Family,
            2 => HhKind::Youth,
            _ => HhKind::ChildOnly,
        };
        let (adults, children) = match kind {
            HhKind::Single => (1, 0),
            HhKind::Youth => (1, if r.chance(0.2) { 1 } else { 0 }),
            HhKind::Family => (
                if r.chance(0.35) { 2 } else { 1 },
                1 + r.weighted(&[35, 35, 18, 8, 4]) as u32,
            ),
            HhKind::ChildOnly => (0, 1 + r.weighted(&[85, 15]) as u32),
        };
        let twin_kids = children >= 2 && r.chance(0.04);
        let twin_adult = kind == HhKind::Single && r.chance(0.012);
        Shape {
            kind,
            adults,
            children,
            twin_kids,
            twin_adult,
        }
    }

    pub fn persons(&self) -> u64 {
        (self.adults + self.children + self.twin_adult as u32) as u64
    }

    /// Shrink to at most `cap` persons (used for the last unit of a run).
    pub fn truncate(&mut self, cap: u64) {
        while self.persons() > cap {
            if self.twin_adult {
                self.twin_adult = false;
            } else if self.children > 1 || (self.children == 1 && self.adults > 0) {
                self.children -= 1;
            } else if self.adults > 1 {
                self.adults -= 1;
            } else {
                break;
            }
        }
        if self.children < 2 {
            self.twin_kids = false;
        }
    }
}

/// One true person.
#[derive(Clone)]
struct Person {
    key: String,
    num: u64,
    first: String,
    middle: Option<&'static str>,
    last: String,
    suffix: Option<&'static str>,
    female: bool,
    sex: i64,
    dob: NaiveDate,
    ssn: [u8; 9],
    race: [i64; 7],
    race_none: Option<i64>,
    vet: bool,
    rel: i64,
    disab: [i64; 6],
    impairs: [bool; 6],
    chronic: bool,
    dv: i64,
    income: Income,
    /// Client records per agency: (agency, variant, PersonalID).
    records: Vec<(usize, u64, String)>,
}

#[derive(Clone, Copy, Default)]
struct Income {
    earned: i64,
    unemployment: i64,
    ssi: i64,
    ssdi: i64,
    va: i64,
    tanf: i64,
    ga: i64,
    socsec: i64,
    child_support: i64,
    other: i64,
    snap: bool,
    wic: bool,
    medicaid: bool,
    medicare: bool,
    schip: bool,
    vha: bool,
    employer: bool,
    state: bool,
}

struct Stay {
    agency: usize,
    kind: usize,
    entry: NaiveDate,
    exit: Option<NaiveDate>,
    dest: i64,
    dest_sub: Option<i64>,
    move_in: Option<NaiveDate>,
    living: i64,
}

/// File numbers resolved once.
struct F {
    client: usize,
    enrollment: usize,
    exit: usize,
    ib: usize,
    hdv: usize,
    ee: usize,
    dis: usize,
    svc: usize,
    cls: usize,
    asmt: usize,
    aq: usize,
    ar: usize,
    event: usize,
    yes: usize,
}

/// Output of one batch of units: one byte buffer per agency and file, plus truth rows.
pub struct Ctx<'a> {
    com: &'a Community,
    rows: Vec<Row>,
    f: F,
    pub out: Vec<Vec<Vec<u8>>>,
    pub counts: Vec<Vec<u64>>,
    pub truth: Vec<u8>,
    pub client_records: u64,
    unit: u64,
    counters: Vec<u64>,
}

impl<'a> Ctx<'a> {
    pub fn new(com: &'a Community) -> Ctx<'a> {
        let n = com.agencies.len();
        let nf = layouts().len();
        Ctx {
            com,
            rows: layouts().iter().map(Row::new).collect(),
            f: F {
                client: file_no("Client"),
                enrollment: file_no("Enrollment"),
                exit: file_no("Exit"),
                ib: file_no("IncomeBenefits"),
                hdv: file_no("HealthAndDV"),
                ee: file_no("EmploymentEducation"),
                dis: file_no("Disabilities"),
                svc: file_no("Services"),
                cls: file_no("CurrentLivingSituation"),
                asmt: file_no("Assessment"),
                aq: file_no("AssessmentQuestions"),
                ar: file_no("AssessmentResults"),
                event: file_no("Event"),
                yes: file_no("YouthEducationStatus"),
            },
            out: vec![vec![Vec::new(); nf]; n],
            counts: vec![vec![0; nf]; n],
            truth: Vec::new(),
            client_records: 0,
            unit: 0,
            counters: vec![0; n],
        }
    }

    pub fn row_by_name(&mut self, file: &str) -> &mut Row {
        let i = file_no(file);
        &mut self.rows[i]
    }

    pub fn emit_by_name(&mut self, agency: usize, file: &str) {
        let i = file_no(file);
        self.emit(agency, i);
    }

    fn emit(&mut self, agency: usize, file: usize) {
        self.rows[file].emit(&mut self.out[agency][file]);
        self.counts[agency][file] += 1;
    }

    /// A fresh record id, unique per agency export.
    fn id(&mut self, agency: usize) -> String {
        let c = self.counters[agency];
        self.counters[agency] += 1;
        let a = &self.com.agencies[agency];
        format!(
            "{:016X}",
            scramble(a.key ^ ID_SALT, (self.unit << 24) | (c & 0xFF_FFFF))
        )
    }

    /// Set the audit columns and emit.
    fn finish(&mut self, agency: usize, file: usize, created: NaiveDate, rng: &mut Rng) {
        let a = &self.com.agencies[agency];
        let cap = self.com.export_date - Duration::days(1);
        let created = created.min(cap);
        let updated = (created + Duration::days(rng.exp_days(20.0, 0, 400))).min(cap);
        let user = &a.users[rng.below(a.users.len() as u64) as usize];
        let secs = 8 * 3600 + rng.below(9 * 3600) as u32;
        self.rows[file]
            .t("DateCreated", created, secs)
            .t("DateUpdated", updated, secs + 60)
            .s("UserID", user)
            .s("ExportID", &a.export_id);
        self.emit(agency, file);
    }

    /// Generate one unit (one household, or two when an adult twin comes along).
    pub fn unit(&mut self, unit: u64, shape: &Shape) {
        self.unit = unit;
        for c in &mut self.counters {
            *c = 0;
        }
        let mut rng = Rng::new(self.com.seed, &[unit, 1]);
        let com = self.com;
        // First entry: half in the reporting period, half in the three years before.
        let (lo, hi) = if rng.chance(0.5) {
            (com.start, com.end)
        } else {
            (com.hist_start, com.start - Duration::days(1))
        };
        let first_entry = lo + Duration::days(rng.range(0, (hi - lo).num_days()));
        let mut members = make_members(&mut rng, unit, shape, first_entry);
        let twin = if shape.twin_adult {
            let hoh = &members[0];
            let p = Pools::get();
            let pool = if hoh.female { &p.female } else { &p.male };
            let initial = hoh.first.chars().next().unwrap_or('a').to_ascii_lowercase();
            let similar: Vec<&&str> = pool
                .iter()
                .filter(|n| n.starts_with(initial) && title_case(n) != hoh.first)
                .collect();
            let mut t = hoh.clone();
            t.num = unit * 16 + 15;
            t.key = person_key(t.num);
            t.first = match similar.is_empty() {
                true => title_case(rng.pick(pool.as_slice())),
                false => title_case(rng.pick(&similar)),
            };
            let mut serial = (t.ssn[5] - b'0') as u32 * 1000
                + (t.ssn[6] - b'0') as u32 * 100
                + (t.ssn[7] - b'0') as u32 * 10
                + (t.ssn[8] - b'0') as u32;
            serial = if serial >= 9999 {
                serial - 1
            } else {
                serial + 1
            };
            let s = format!("{serial:04}");
            t.ssn[5..].copy_from_slice(s.as_bytes());
            t.middle = None;
            t.records.clear();
            Some(t)
        } else {
            None
        };
        let home = rng.below(com.agencies.len() as u64) as usize;
        self.household(&mut rng, &mut members, shape.kind, first_entry, home);
        if let Some(t) = twin {
            let mut tw = vec![t];
            let mut r2 = Rng::new(self.com.seed, &[unit, 2]);
            let lo = com.hist_start;
            let e = lo + Duration::days(r2.range(0, (com.end - lo).num_days()));
            let home = r2.below(com.agencies.len() as u64) as usize;
            self.household(&mut r2, &mut tw, HhKind::Single, e, home);
        }
    }

    fn household(
        &mut self,
        rng: &mut Rng,
        members: &mut [Person],
        kind: HhKind,
        first_entry: NaiveDate,
        home: usize,
    ) {
        let stays = timeline(rng, self.com, kind, members[0].chronic, first_entry, home);
        let mut seen_at: Vec<usize> = Vec::new();
        for stay in &stays {
            let again = seen_at.contains(&stay.agency);
            seen_at.push(stay.agency);
            let hh_id = self.id(stay.agency);
            for m in members.iter_mut() {
                // Which client record at this agency: the current one, sometimes a new one.
                let cur = m.records.iter().rposition(|r| r.0 == stay.agency);
                let pid = match cur {
                    Some(i) if !(again && rng.chance(0.06)) => m.records[i].2.clone(),
                    _ => {
                        let variant = m.records.iter().filter(|r| r.0 == stay.agency).count();
                        self.client(rng, m, stay.agency, variant as u64, stay.entry)
                    }
                };
                self.enrollment(rng, m, &pid, &hh_id, stay, kind);
            }
        }
    }

    fn client(
        &mut self,
        rng: &mut Rng,
        m: &mut Person,
        agency: usize,
        variant: u64,
        seen: NaiveDate,
    ) -> String {
        let a = &self.com.agencies[agency];
        let pid = format!(
            "{:016X}",
            scramble(a.key ^ PID_SALT, (m.num << 4) | (variant & 15))
        );
        m.records.push((agency, variant, pid.clone()));
        self.client_records += 1;
        let truth = format!("\"{}\",\"{}\",\"{}\"\n", a.export_id, pid, m.key);
        self.truth.extend_from_slice(truth.as_bytes());

        let p = Pools::get();
        let noisy = variant > 0 || rng.chance(0.85);
        let mut first = m.first.clone();
        let mut last = m.last.clone();
        let mut middle = m.middle.map(title_case);
        let mut suffix = m.suffix;
        let mut name_dq = 1;
        if noisy {
            if rng.chance(0.10) {
                let nicks = p.nicknames_of(&first.to_lowercase());
                if !nicks.is_empty() {
                    first = title_case(rng.pick(nicks).1);
                }
            }
            if rng.chance(0.05) {
                first = typo(rng, &first);
            }
            if rng.chance(0.05) {
                last = typo(rng, &last);
            }
            if m.female && m.rel != 2 && rng.chance(0.06) {
                let other = title_case(p.last[rng.skewed(p.last.len())]);
                last = if rng.chance(0.5) {
                    format!("{last}-{other}")
                } else {
                    other
                };
            }
            if rng.chance(0.02) {
                std::mem::swap(&mut first, &mut last);
            }
            if rng.chance(0.5) {
                middle = None;
            } else if rng.chance(0.3) {
                middle = middle.map(|s| s.chars().take(1).collect());
            }
            if rng.chance(0.4) {
                suffix = None;
            }
        }
        let mut first_o = Some(first);
        let mut last_o = Some(last);
        if noisy && rng.chance(0.02) {
            name_dq = *rng.pick(&[8, 9, 99]);
            match rng.below(3) {
                0 => {
                    first_o = None;
                    last_o = None;
                }
                1 => {
                    first_o = Some("ANONYMOUS".into());
                    last_o = Some("ANONYMOUS".into());
                }
                _ => {
                    first_o = Some("UNKNOWN".into());
                    last_o = Some("UNKNOWN".into());
                }
            }
            middle = None;
            suffix = None;
        } else if noisy && rng.chance(0.02) {
            name_dq = 2;
            first_o = first_o.map(|f| f.chars().take(1).collect());
        }

        let ssn_full = String::from_utf8_lossy(&m.ssn).into_owned();
        let (ssn, ssn_dq): (Option<String>, i64) = if !noisy {
            (Some(ssn_full), 1)
        } else {
            match rng.weighted(&[72, 8, 10, 3, 3, 4]) {
                0 => (Some(ssn_full), 1),
                1 => (Some(format!("XXXXX{}", &ssn_full[5..])), 2),
                2 => (None, *rng.pick(&[8, 9, 99])),
                3 => (
                    Some(rng.pick(&["000000000", "123456789"]).to_string()),
                    *rng.pick(&[1, 8, 9, 99]),
                ),
                4 => (Some(ssn_typo(rng, &m.ssn)), 1),
                _ => (Some(format!("{}XXXX", &ssn_full[..5])), 2),
            }
        };
        let (dob, dob_dq): (Option<NaiveDate>, i64) = if !noisy {
            (Some(m.dob), 1)
        } else {
            match rng.weighted(&[86, 4, 4, 3, 3]) {
                1 => {
                    let swapped = NaiveDate::from_ymd_opt(m.dob.year(), m.dob.day(), m.dob.month());
                    (swapped.filter(|d| *d < seen).or(Some(m.dob)), 1)
                }
                2 => {
                    let dy = if rng.chance(0.5) { 1 } else { -1 };
                    let d = m
                        .dob
                        .with_year(m.dob.year() + dy)
                        .unwrap_or(m.dob)
                        .min(seen - Duration::days(1));
                    (Some(d), 1)
                }
                3 => (NaiveDate::from_ymd_opt(1900, 1, 1), *rng.pick(&[2, 8, 99])),
                4 => (None, *rng.pick(&[8, 9, 99])),
                _ => (Some(m.dob), 1),
            }
        };
        let age = age_at(m.dob, seen);
        let f = self.f.client;
        let r = &mut self.rows[f];
        r.s("PersonalID", &pid);
        if let Some(v) = &first_o {
            r.s("FirstName", v);
        }
        if let Some(v) = &middle {
            r.s("MiddleName", v);
        }
        if let Some(v) = &last_o {
            r.s("LastName", v);
        }
        if let Some(v) = suffix {
            r.s("NameSuffix", v);
        }
        r.i("NameDataQuality", name_dq)
            .i("SSNDataQuality", ssn_dq)
            .od("DOB", dob)
            .i("DOBDataQuality", dob_dq);
        if let Some(s) = &ssn {
            r.s("SSN", s);
        }
        let sex = if noisy && rng.chance(0.01) { 99 } else { m.sex };
        r.i("Sex", sex);
        for (c, v) in crate::hmis::RACE_COLUMNS.iter().zip(m.race) {
            r.i(c, v);
        }
        r.oi("RaceNone", m.race_none);
        let vet_status = if age < 18 {
            99
        } else if m.vet {
            if noisy && rng.chance(0.03) { 99 } else { 1 }
        } else if noisy && rng.chance(0.03) {
            *rng.pick(&[8, 9, 99])
        } else {
            0
        };
        r.i("VeteranStatus", vet_status);
        if vet_status == 1 {
            let birth = m.dob.year() as i64;
            let entered = (birth + 18 + rng.range(0, 6)).max(1920);
            let separated = (entered + rng.range(2, 20)).min(seen.year() as i64);
            let served = |from: i64, to: i64| i64::from(entered <= to && separated >= from);
            r.i("YearEnteredService", entered)
                .i("YearSeparated", separated)
                .i("WorldWarII", served(1941, 1945))
                .i("KoreanWar", served(1950, 1953))
                .i("VietnamWar", served(1964, 1973))
                .i("DesertStorm", served(1990, 1991))
                .i("AfghanistanOEF", served(2001, 2014) * rng.below(2) as i64)
                .i("IraqOIF", served(2003, 2010) * rng.below(2) as i64)
                .i("IraqOND", served(2010, 2011) * rng.below(2) as i64)
                .i("OtherTheater", 0)
                .i("MilitaryBranch", *rng.pick(&[1, 1, 1, 2, 3, 4, 6]))
                .i("DischargeStatus", *rng.pick(&[1, 1, 1, 1, 2, 6, 7, 99]));
        }
        self.finish(agency, f, seen, rng);
        pid
    }

    fn enrollment(
        &mut self,
        rng: &mut Rng,
        m: &Person,
        pid: &str,
        hh_id: &str,
        stay: &Stay,
        kind: HhKind,
    ) {
        let com = self.com;
        let ag = stay.agency;
        let proj = &com.agencies[ag].projects[stay.kind];
        let ptype = proj.ptype;
        let age = age_at(m.dob, stay.entry);
        let adult_or_hoh = age >= 18 || m.rel == 1;
        let end = com.end;
        let last_day = stay.exit.unwrap_or(end).min(end);
        let enr_id = self.id(ag);
        let f = self.f.enrollment;
        let r = &mut self.rows[f];
        r.s("EnrollmentID", &enr_id)
            .s("PersonalID", pid)
            .s("ProjectID", &proj.id)
            .d("EntryDate", stay.entry)
            .s("HouseholdID", hh_id)
            .i("RelationshipToHoH", m.rel)
            .s("EnrollmentCoC", COC);
        if adult_or_hoh {
            let living = stay.living;
            r.i("LivingSituation", living);
            if living == 435 {
                r.i("RentalSubsidyType", subsidy(rng));
            }
            let group = living / 100;
            let (los, under) = match group {
                1 => (
                    if m.chronic {
                        5
                    } else {
                        rng.pick_w(&[
                            (10, 10),
                            (11, 15),
                            (2, 20),
                            (3, 25),
                            (4, 15),
                            (5, 10),
                            (8, 2),
                            (99, 3),
                        ])
                    },
                    None,
                ),
                2 => {
                    let los = rng.pick_w(&[(2, 20), (3, 35), (4, 30), (5, 15)]);
                    (los, Some(i64::from(matches!(los, 2 | 3))))
                }
                _ => {
                    let los = rng.pick_w(&[(10, 10), (11, 15), (2, 25), (3, 25), (4, 15), (5, 10)]);
                    (los, Some(i64::from(matches!(los, 10 | 11))))
                }
            };
            r.i("LengthOfStay", los).oi("LOSUnderThreshold", under);
            let street = match under {
                None => true,
                Some(1) => {
                    let prev = i64::from(rng.chance(0.6) || m.chronic);
                    r.i("PreviousStreetESSH", prev);
                    prev == 1
                }
                _ => false,
            };
            if street {
                let dur = if m.chronic {
                    rng.range(400, 1500)
                } else {
                    rng.exp_days(70.0, 0, 1000)
                };
                let months = (dur / 30 + 1).min(13);
                r.d("DateToStreetESSH", stay.entry - Duration::days(dur))
                    .i(
                        "TimesHomelessPastThreeYears",
                        if m.chronic {
                            4
                        } else {
                            1 + rng.weighted(&[60, 25, 10, 5]) as i64
                        },
                    )
                    .i("MonthsHomelessPastThreeYears", 100 + months);
            }
        }
        let disabling = i64::from(
            m.impairs
                .iter()
                .zip(m.disab)
                .any(|(i, d)| *i && (1..=3).contains(&d)),
        );
        r.i("DisablingCondition", disabling);
        if matches!(ptype, 4 | 1) && m.rel == 1 && rng.chance(0.6) {
            let d = stay.entry + Duration::days(rng.range(0, 30));
            if d <= last_day {
                r.d("DateOfEngagement", d);
            }
        }
        if let Some(mi) = stay.move_in {
            r.d("MoveInDate", mi);
        }
        self.finish(ag, f, stay.entry, rng);

        // Child records.
        let entry = stay.entry;
        self.income(rng, m, pid, &enr_id, ag, entry, 1, age, false);
        self.disabilities(rng, m, pid, &enr_id, ag, entry, 1);
        if adult_or_hoh {
            self.health(rng, m, pid, &enr_id, ag, entry, 1, age, kind);
            if kind == HhKind::Youth || rng.chance(0.25) {
                self.employment(rng, m, pid, &enr_id, ag, entry, 1);
            }
        }
        let youth_ed = (kind == HhKind::Youth && m.rel == 1 && age <= 24) || (5..18).contains(&age);
        if youth_ed {
            self.youth_ed(rng, pid, &enr_id, ag, entry, 1, age);
        }
        // Annual assessments for long stays.
        if adult_or_hoh {
            let mut k = 1;
            loop {
                let d = entry
                    .with_year(entry.year() + k)
                    .unwrap_or(entry + Duration::days(365 * k as i64));
                if d >= last_day || d > end {
                    break;
                }
                self.income(rng, m, pid, &enr_id, ag, d, 5, age, false);
                k += 1;
            }
        }
        // Bed nights.
        if ptype == 1 {
            let stop = match stay.exit {
                Some(x) => (x - Duration::days(1)).min(end),
                None => end,
            };
            let mut d = entry;
            while d <= stop {
                let id = self.id(ag);
                let f = self.f.svc;
                self.rows[f]
                    .s("ServicesID", &id)
                    .s("EnrollmentID", &enr_id)
                    .s("PersonalID", pid)
                    .d("DateProvided", d)
                    .i("RecordType", 200)
                    .i("TypeProvided", 200);
                self.finish(ag, f, d, rng);
                d += Duration::days(1);
            }
        }
        // Contacts for outreach and coordinated entry.
        if matches!(ptype, 4 | 14) && adult_or_hoh {
            let mut d = entry;
            let mut n = 0;
            while d <= last_day && n < 12 {
                let id = self.id(ag);
                let f = self.f.cls;
                let cls = if ptype == 4 {
                    rng.pick_w(&[(116, 70), (101, 10), (118, 4), (314, 6), (335, 5), (336, 5)])
                } else {
                    rng.pick_w(&[
                        (116, 30),
                        (101, 35),
                        (335, 10),
                        (336, 10),
                        (314, 8),
                        (206, 4),
                        (410, 3),
                    ])
                };
                let r = &mut self.rows[f];
                r.s("CurrentLivingSitID", &id)
                    .s("EnrollmentID", &enr_id)
                    .s("PersonalID", pid)
                    .d("InformationDate", d)
                    .i("CurrentLivingSituation", cls);
                if ptype == 14 {
                    r.s(
                        "VerifiedBy",
                        rng.pick(&["Outreach worker", "Shelter staff", "Self-report"]),
                    );
                }
                self.finish(ag, f, d, rng);
                n += 1;
                d += Duration::days(rng.range(7, 45));
            }
        }
        if ptype == 14 && m.rel == 1 {
            self.ce_records(rng, pid, &enr_id, ag, entry, last_day);
        }
        // Exit.
        if let Some(x) = stay.exit {
            let id = self.id(ag);
            let f = self.f.exit;
            let r = &mut self.rows[f];
            r.s("ExitID", &id)
                .s("EnrollmentID", &enr_id)
                .s("PersonalID", pid)
                .d("ExitDate", x)
                .i("Destination", stay.dest)
                .oi("DestinationSubsidyType", stay.dest_sub);
            if stay.dest == 17 {
                r.s(
                    "OtherDestination",
                    rng.pick(&[
                        "Staying with church members",
                        "Moved out of state",
                        "Camping with relatives",
                    ]),
                );
            }
            self.finish(ag, f, x, rng);
            self.income(rng, m, pid, &enr_id, ag, x, 3, age, true);
            self.disabilities(rng, m, pid, &enr_id, ag, x, 3);
            if adult_or_hoh {
                self.health(rng, m, pid, &enr_id, ag, x, 3, age, kind);
                if kind == HhKind::Youth || rng.chance(0.25) {
                    self.employment(rng, m, pid, &enr_id, ag, x, 3);
                }
            }
            if youth_ed {
                self.youth_ed(rng, pid, &enr_id, ag, x, 3, age);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn income(
        &mut self,
        rng: &mut Rng,
        m: &Person,
        pid: &str,
        enr: &str,
        ag: usize,
        date: NaiveDate,
        stage: i64,
        age: i64,
        at_exit: bool,
    ) {
        let id = self.id(ag);
        let f = self.f.ib;
        let mut inc = m.income;
        if at_exit && age >= 18 {
            if inc.earned == 0 && rng.chance(0.25) {
                inc.earned = rng.range(600, 2400) * 100;
            } else if inc.earned > 0 && rng.chance(0.08) {
                inc.earned = 0;
            }
            if inc.ssi == 0 && inc.ssdi == 0 && m.disab.contains(&1) && rng.chance(0.1) {
                inc.ssi = 94300;
            }
        }
        let r = &mut self.rows[f];
        r.s("IncomeBenefitsID", &id)
            .s("EnrollmentID", enr)
            .s("PersonalID", pid)
            .d("InformationDate", date);
        if age >= 18 {
            let amounts = [
                ("Earned", "EarnedAmount", inc.earned),
                ("Unemployment", "UnemploymentAmount", inc.unemployment),
                ("SSI", "SSIAmount", inc.ssi),
                ("SSDI", "SSDIAmount", inc.ssdi),
                ("VADisabilityService", "VADisabilityServiceAmount", inc.va),
                ("VADisabilityNonService", "VADisabilityNonServiceAmount", 0),
                ("PrivateDisability", "PrivateDisabilityAmount", 0),
                ("WorkersComp", "WorkersCompAmount", 0),
                ("TANF", "TANFAmount", inc.tanf),
                ("GA", "GAAmount", inc.ga),
                ("SocSecRetirement", "SocSecRetirementAmount", inc.socsec),
                ("Pension", "PensionAmount", 0),
                ("ChildSupport", "ChildSupportAmount", inc.child_support),
                ("Alimony", "AlimonyAmount", 0),
                ("OtherIncomeSource", "OtherIncomeAmount", inc.other),
            ];
            let total: i64 = amounts.iter().map(|a| a.2).sum();
            if rng.chance(0.02) {
                r.i("IncomeFromAnySource", *rng.pick(&[8, 9, 99]));
            } else if total > 0 {
                r.i("IncomeFromAnySource", 1)
                    .money("TotalMonthlyIncome", total);
                for (flag, amt, v) in amounts {
                    r.i(flag, i64::from(v > 0));
                    if v > 0 {
                        r.money(amt, v);
                    }
                }
                if inc.other > 0 {
                    r.s("OtherIncomeSourceIdentify", "Odd jobs");
                }
            } else {
                r.i("IncomeFromAnySource", 0);
            }
        } else {
            r.i("IncomeFromAnySource", 0);
        }
        let benefits = [
            ("SNAP", inc.snap),
            ("WIC", inc.wic),
            ("TANFChildCare", false),
            ("TANFTransportation", false),
            ("OtherTANF", false),
            ("OtherBenefitsSource", false),
        ];
        if benefits.iter().any(|b| b.1) {
            r.i("BenefitsFromAnySource", 1);
            for (c, v) in benefits {
                r.i(c, i64::from(v));
            }
        } else {
            r.i(
                "BenefitsFromAnySource",
                if rng.chance(0.03) { 99 } else { 0 },
            );
        }
        let ins = [
            ("Medicaid", inc.medicaid),
            ("Medicare", inc.medicare),
            ("SCHIP", inc.schip),
            ("VHAServices", inc.vha),
            ("EmployerProvided", inc.employer),
            ("COBRA", false),
            ("PrivatePay", false),
            ("StateHealthIns", inc.state),
            ("IndianHealthServices", false),
            ("OtherInsurance", false),
        ];
        if ins.iter().any(|b| b.1) {
            r.i("InsuranceFromAnySource", 1);
            for (c, v) in ins {
                r.i(c, i64::from(v));
            }
        } else {
            r.i(
                "InsuranceFromAnySource",
                if rng.chance(0.05) { 99 } else { 0 },
            );
        }
        r.i("DataCollectionStage", stage);
        self.finish(ag, f, date, rng);
    }

    #[allow(clippy::too_many_arguments)]
    fn disabilities(
        &mut self,
        rng: &mut Rng,
        m: &Person,
        pid: &str,
        enr: &str,
        ag: usize,
        date: NaiveDate,
        stage: i64,
    ) {
        for (i, dtype) in (5..=10).enumerate() {
            let id = self.id(ag);
            let f = self.f.dis;
            let resp = m.disab[i];
            let r = &mut self.rows[f];
            r.s("DisabilitiesID", &id)
                .s("EnrollmentID", enr)
                .s("PersonalID", pid)
                .d("InformationDate", date)
                .i("DisabilityType", dtype)
                .i("DisabilityResponse", resp);
            if (1..=3).contains(&resp) {
                r.i("IndefiniteAndImpairs", i64::from(m.impairs[i]));
            }
            r.i("DataCollectionStage", stage);
            self.finish(ag, f, date, rng);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn health(
        &mut self,
        rng: &mut Rng,
        m: &Person,
        pid: &str,
        enr: &str,
        ag: usize,
        date: NaiveDate,
        stage: i64,
        age: i64,
        kind: HhKind,
    ) {
        let id = self.id(ag);
        let f = self.f.hdv;
        let r = &mut self.rows[f];
        r.s("HealthAndDVID", &id)
            .s("EnrollmentID", enr)
            .s("PersonalID", pid)
            .d("InformationDate", date)
            .i("DomesticViolenceSurvivor", m.dv);
        if m.dv == 1 {
            r.i(
                "WhenOccurred",
                rng.pick_w(&[(1, 25), (2, 20), (3, 20), (4, 30), (8, 3), (99, 2)]),
            )
            .i("CurrentlyFleeing", i64::from(rng.chance(0.3)));
        }
        if kind == HhKind::Youth || kind == HhKind::ChildOnly {
            for c in [
                "GeneralHealthStatus",
                "DentalHealthStatus",
                "MentalHealthStatus",
            ] {
                r.i(
                    c,
                    rng.pick_w(&[(1, 15), (2, 25), (3, 30), (4, 20), (5, 7), (99, 3)]),
                );
            }
        }
        if m.female && (15..=45).contains(&age) {
            if rng.chance(0.07) {
                r.i("PregnancyStatus", 1)
                    .d("DueDate", date + Duration::days(rng.range(30, 240)));
            } else {
                r.i("PregnancyStatus", 0);
            }
        }
        r.i("DataCollectionStage", stage);
        self.finish(ag, f, date, rng);
    }

    #[allow(clippy::too_many_arguments)]
    fn employment(
        &mut self,
        rng: &mut Rng,
        m: &Person,
        pid: &str,
        enr: &str,
        ag: usize,
        date: NaiveDate,
        stage: i64,
    ) {
        let id = self.id(ag);
        let f = self.f.ee;
        let employed = m.income.earned > 0;
        let r = &mut self.rows[f];
        r.s("EmploymentEducationID", &id)
            .s("EnrollmentID", enr)
            .s("PersonalID", pid)
            .d("InformationDate", date)
            .i(
                "LastGradeCompleted",
                rng.pick_w(&[
                    (3, 5),
                    (4, 25),
                    (5, 30),
                    (7, 12),
                    (10, 15),
                    (11, 4),
                    (12, 3),
                    (14, 3),
                    (99, 3),
                ]),
            )
            .i(
                "SchoolStatus",
                rng.pick_w(&[(3, 45), (4, 12), (5, 25), (1, 8), (2, 4), (99, 6)]),
            )
            .i("Employed", i64::from(employed));
        if employed {
            r.i("EmploymentType", rng.pick_w(&[(1, 40), (2, 45), (3, 15)]));
        } else {
            r.i(
                "NotEmployedReason",
                rng.pick_w(&[(1, 55), (2, 30), (3, 15)]),
            );
        }
        r.i("DataCollectionStage", stage);
        self.finish(ag, f, date, rng);
    }

    #[allow(clippy::too_many_arguments)]
    fn youth_ed(
        &mut self,
        rng: &mut Rng,
        pid: &str,
        enr: &str,
        ag: usize,
        date: NaiveDate,
        stage: i64,
        age: i64,
    ) {
        let id = self.id(ag);
        let f = self.f.yes;
        let r = &mut self.rows[f];
        r.s("YouthEducationStatusID", &id)
            .s("EnrollmentID", enr)
            .s("PersonalID", pid)
            .d("InformationDate", date);
        let attend = if age < 18 {
            rng.pick_w(&[(1, 20), (2, 70), (0, 7), (99, 3)])
        } else {
            rng.pick_w(&[(0, 65), (1, 10), (2, 20), (99, 5)])
        };
        r.i("CurrentSchoolAttend", attend);
        match attend {
            0 => {
                r.i(
                    "MostRecentEdStatus",
                    rng.pick_w(&[(0, 45), (1, 15), (2, 30), (6, 5), (99, 5)]),
                );
            }
            1 | 2 => {
                r.i(
                    "CurrentEdStatus",
                    if age < 18 {
                        0
                    } else {
                        rng.pick_w(&[(0, 30), (1, 35), (2, 15), (4, 20)])
                    },
                );
            }
            _ => {}
        }
        r.i("DataCollectionStage", stage);
        self.finish(ag, f, date, rng);
    }

    fn ce_records(
        &mut self,
        rng: &mut Rng,
        pid: &str,
        enr: &str,
        ag: usize,
        entry: NaiveDate,
        last_day: NaiveDate,
    ) {
        let span = (last_day - entry).num_days().max(0);
        let adate = entry + Duration::days(rng.range(0, span.min(14)));
        let aid = self.id(ag);
        let f = self.f.asmt;
        let score = rng.range(0, 17);
        self.rows[f]
            .s("AssessmentID", &aid)
            .s("EnrollmentID", enr)
            .s("PersonalID", pid)
            .d("AssessmentDate", adate)
            .s(
                "AssessmentLocation",
                rng.pick(&[
                    "Central Access Point",
                    "Downtown Drop-In Center",
                    "Mobile Outreach",
                ]),
            )
            .i("AssessmentType", rng.pick_w(&[(1, 20), (2, 10), (3, 70)]))
            .i("AssessmentLevel", rng.pick_w(&[(1, 40), (2, 60)]))
            .i("PrioritizationStatus", if score >= 8 { 1 } else { 2 });
        self.finish(ag, f, adate, rng);
        const QS: [(&str, &str, &[&str]); 3] = [
            (
                "Housing History",
                "Where did you sleep last night?",
                &["Street", "Shelter", "Car", "Friend or family"],
            ),
            (
                "Housing History",
                "How long since you last had stable housing?",
                &[
                    "Less than 1 month",
                    "1-6 months",
                    "6-12 months",
                    "Over 1 year",
                ],
            ),
            (
                "Wellness",
                "Have you used the emergency room in the past six months?",
                &["Yes", "No", "Refused"],
            ),
        ];
        for (i, (group, q, answers)) in QS.iter().enumerate() {
            let id = self.id(ag);
            let f = self.f.aq;
            self.rows[f]
                .s("AssessmentQuestionID", &id)
                .s("AssessmentID", &aid)
                .s("EnrollmentID", enr)
                .s("PersonalID", pid)
                .s("AssessmentQuestionGroup", group)
                .i("AssessmentQuestionOrder", i as i64 + 1)
                .s("AssessmentQuestion", q)
                .s("AssessmentAnswer", rng.pick(answers));
            self.finish(ag, f, adate, rng);
        }
        let id = self.id(ag);
        let f = self.f.ar;
        self.rows[f]
            .s("AssessmentResultID", &id)
            .s("AssessmentID", &aid)
            .s("EnrollmentID", enr)
            .s("PersonalID", pid)
            .s("AssessmentResultType", "Vulnerability Score")
            .s("AssessmentResult", score.to_string());
        self.finish(ag, f, adate, rng);
        // Events: problem solving, then sometimes a referral with its result.
        let id = self.id(ag);
        let f = self.f.event;
        let ev_date = adate;
        self.rows[f]
            .s("EventID", &id)
            .s("EnrollmentID", enr)
            .s("PersonalID", pid)
            .d("EventDate", ev_date)
            .i("Event", 2)
            .i("ProbSolDivRRResult", i64::from(rng.chance(0.2)));
        self.finish(ag, f, ev_date, rng);
        if rng.chance(0.7) {
            let id = self.id(ag);
            let d = ev_date
                + Duration::days(rng.range(0, (last_day - ev_date).num_days().clamp(0, 30)));
            let r = &mut self.rows[f];
            r.s("EventID", &id)
                .s("EnrollmentID", enr)
                .s("PersonalID", pid)
                .d("EventDate", d)
                .i(
                    "Event",
                    rng.pick_w(&[(10, 35), (11, 10), (13, 30), (14, 20), (1, 5)]),
                );
            let rd = d + Duration::days(rng.range(1, 45));
            if rd < self.com.export_date {
                r.i("ReferralResult", rng.pick_w(&[(1, 60), (2, 25), (3, 15)]))
                    .d("ResultDate", rd);
            }
            self.finish(ag, f, d, rng);
        }
    }
}

fn person_key(num: u64) -> String {
    format!("P{:08}-{:02}", num >> 4, num & 15)
}

fn age_at(dob: NaiveDate, d: NaiveDate) -> i64 {
    d.years_since(dob).map(|y| y as i64).unwrap_or(0)
}

fn subsidy(rng: &mut Rng) -> i64 {
    rng.pick_w(&[
        (419, 8),
        (420, 10),
        (428, 2),
        (431, 30),
        (433, 15),
        (434, 10),
        (436, 3),
        (437, 3),
        (438, 2),
        (439, 12),
        (440, 5),
    ])
}

/// A realistic keyboard/reading slip: substitution, transposition, dropped or doubled letter.
fn typo(rng: &mut Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_string();
    }
    let i = 1 + rng.below(c.len() as u64 - 1) as usize;
    match rng.below(4) {
        0 => {
            const NEAR: &str = "qwertyuiopasdfghjklzxcvbnm";
            let cur = c[i].to_ascii_lowercase();
            let pos = NEAR.find(cur).unwrap_or(0);
            let alt = NEAR.as_bytes()[(pos + if rng.chance(0.5) { 1 } else { 25 }) % 26] as char;
            c[i] = alt;
        }
        1 if i + 1 < c.len() => c.swap(i, i + 1),
        1 => c.swap(i - 1, i),
        2 => {
            c.remove(i);
        }
        _ => c.insert(i, c[i]),
    }
    c.into_iter().collect()
}

fn ssn_typo(rng: &mut Rng, ssn: &[u8; 9]) -> String {
    let mut s = *ssn;
    let i = rng.below(8) as usize;
    if rng.chance(0.5) && s[i] != s[i + 1] {
        s.swap(i, i + 1);
    } else {
        s[i] = b'0' + ((s[i] - b'0' + 1 + rng.below(8) as u8) % 10);
    }
    String::from_utf8_lossy(&s).into_owned()
}

fn new_ssn(rng: &mut Rng) -> [u8; 9] {
    let area = loop {
        let a = rng.range(1, 899);
        if a != 666 {
            break a;
        }
    };
    let s = format!(
        "{:03}{:02}{:04}",
        area,
        rng.range(1, 99),
        rng.range(1, 9999)
    );
    let mut out = [0u8; 9];
    out.copy_from_slice(s.as_bytes());
    out
}

const COMMON: [(&str, &str, bool); 8] = [
    ("maria", "garcia", true),
    ("james", "smith", false),
    ("michael", "johnson", false),
    ("jose", "hernandez", false),
    ("mary", "williams", true),
    ("robert", "jones", false),
    ("jennifer", "brown", true),
    ("david", "rodriguez", false),
];

fn make_person(rng: &mut Rng, num: u64, age: i64, on: NaiveDate, last: &str, rel: i64) -> Person {
    let p = Pools::get();
    let female = rng.chance(if age >= 18 { 0.45 } else { 0.5 });
    let pool = if female { &p.female } else { &p.male };
    let mut first = title_case(pool[rng.skewed(pool.len())]);
    let mut last = title_case(last);
    if age >= 18 && rng.chance(0.02) {
        let c = COMMON.iter().filter(|c| c.2 == female).collect::<Vec<_>>();
        let c = rng.pick(&c);
        first = title_case(c.0);
        last = title_case(c.1);
    }
    let middle = if rng.chance(0.6) {
        let mp = if female { &p.female } else { &p.male };
        Some(mp[rng.below(mp.len() as u64) as usize])
    } else {
        None
    };
    let suffix = if !female && rng.chance(0.04) {
        Some(*rng.pick(&["JR", "SR", "II", "III"]))
    } else {
        None
    };
    let dob = on - Duration::days(age * 365 + age / 4 + rng.range(0, 364));
    let sex = if rng.chance(0.005) {
        *rng.pick(&[8, 9, 99])
    } else {
        i64::from(!female)
    };
    // Race and ethnicity.
    let mut race = [0i64; 7];
    let mut race_none = None;
    match rng.weighted(&[37, 33, 14, 3, 2, 1, 1, 6, 3]) {
        0 => race[2] = 1,
        1 => race[6] = 1,
        2 => {
            race[3] = 1;
            if rng.chance(0.4) {
                race[6] = 1;
            }
        }
        3 => race[0] = 1,
        4 => race[1] = 1,
        5 => race[5] = 1,
        6 => race[4] = 1,
        7 => {
            race[2] = 1;
            race[6] = 1;
        }
        _ => race_none = Some(*rng.pick(&[8, 9, 99])),
    }
    let vet = age >= 25 && rng.chance(if female { 0.015 } else { 0.12 });
    let chronic = age >= 25 && rel == 1 && rng.chance(0.14);
    // Disabilities: responses per type 5..10 and whether indefinite and impairing.
    let probs: [f64; 6] = if age >= 18 {
        [0.14, 0.04, 0.17, 0.012, 0.30, 0.22]
    } else {
        [0.03, 0.06, 0.06, 0.002, 0.07, 0.01]
    };
    let mut disab = [0i64; 6];
    let mut impairs = [false; 6];
    for i in 0..6 {
        if rng.chance(probs[i]) {
            disab[i] = if i == 5 { *rng.pick(&[1, 2, 3]) } else { 1 };
            impairs[i] = rng.chance(0.7);
        } else if rng.chance(0.01) {
            disab[i] = *rng.pick(&[8, 9, 99]);
        }
    }
    if chronic && !impairs.iter().any(|x| *x) {
        let i = *rng.pick(&[0usize, 4, 5]);
        disab[i] = if i == 5 { 3 } else { 1 };
        impairs[i] = true;
    }
    let dv = if age < 18 {
        0
    } else if rng.chance(0.02) {
        *rng.pick(&[8, 9, 99])
    } else {
        i64::from(rng.chance(if female { 0.3 } else { 0.07 }))
    };
    let mut inc = Income::default();
    if age >= 18 {
        if rng.chance(0.28) {
            inc.earned = rng.range(300, 2600) * 100;
        }
        if disab.contains(&1) && rng.chance(0.3) {
            if rng.chance(0.5) {
                inc.ssi = 94300;
            } else {
                inc.ssdi = rng.range(700, 1700) * 100;
            }
        }
        if rng.chance(0.03) {
            inc.unemployment = rng.range(250, 600) * 100;
        }
        if age >= 62 && rng.chance(0.6) {
            inc.socsec = rng.range(800, 1900) * 100;
        }
        if vet && rng.chance(0.3) {
            inc.va = rng.range(170, 3700) * 100;
        }
        if rng.chance(0.04) {
            inc.ga = rng.range(150, 300) * 100;
        }
        if rng.chance(0.02) {
            inc.other = rng.range(50, 400) * 100;
        }
        inc.snap = rng.chance(0.5);
        inc.medicare = age >= 65 || inc.ssdi > 0;
        inc.vha = vet && rng.chance(0.6);
        inc.employer = inc.earned > 0 && rng.chance(0.15);
        inc.medicaid = rng.chance(0.55);
        inc.state = rng.chance(0.04);
    } else {
        inc.medicaid = rng.chance(0.65);
        inc.schip = !inc.medicaid && rng.chance(0.4);
        inc.wic = age < 5 && rng.chance(0.4);
    }
    Person {
        key: person_key(num),
        num,
        first,
        middle,
        last,
        suffix,
        female,
        sex,
        dob,
        ssn: new_ssn(rng),
        race,
        race_none,
        vet,
        rel,
        disab,
        impairs,
        chronic,
        dv,
        income: inc,
        records: Vec::new(),
    }
}

fn make_members(rng: &mut Rng, unit: u64, shape: &Shape, on: NaiveDate) -> Vec<Person> {
    let p = Pools::get();
    let last = p.last[rng.skewed(p.last.len())];
    let mut v: Vec<Person> = Vec::new();
    let hoh_age = match shape.kind {
        HhKind::Single => 25 + rng.range(0, 20) + rng.range(0, 25),
        HhKind::Youth => rng.range(18, 24),
        HhKind::Family => rng.range(19, 30) + rng.range(0, 15),
        HhKind::ChildOnly => rng.range(13, 17),
    };
    let mut num = unit * 16;
    if shape.adults > 0 {
        v.push(make_person(rng, num, hoh_age, on, last, 1));
        num += 1;
        if shape.adults > 1 {
            let age = (hoh_age + rng.range(-6, 6)).max(18);
            let mut s = make_person(rng, num, age, on, last, 3);
            if v[0].female == s.female && rng.chance(0.8) {
                s.female = !v[0].female;
                s.sex = i64::from(!s.female);
                let pool = if s.female { &p.female } else { &p.male };
                s.first = title_case(pool[rng.skewed(pool.len())]);
                s.suffix = None;
            }
            if rng.chance(0.3) {
                s.last = title_case(p.last[rng.skewed(p.last.len())]);
            }
            v.push(s);
            num += 1;
        }
    }
    let max_child_age = if shape.adults == 0 {
        17
    } else {
        (hoh_age - 16).clamp(0, 17)
    };
    let mut twin_done = false;
    for c in 0..shape.children {
        let rel = if shape.adults == 0 && c == 0 { 1 } else { 2 };
        let age = if rel == 1 {
            hoh_age
        } else {
            rng.range(0, max_child_age)
        };
        let mut kid = make_person(rng, num, age, on, last, rel);
        kid.dob = kid.dob.min(on - Duration::days(30));
        if shape.twin_kids
            && !twin_done
            && c >= 1
            && v.last().is_some_and(|x| x.rel == 2 || rel == 2)
            && let Some(prev) = v.last().filter(|x| x.rel != 1 || shape.adults == 0)
        {
            kid.dob = prev.dob;
            kid.last = prev.last.clone();
            let pool = if kid.female { &p.female } else { &p.male };
            let init = prev
                .first
                .chars()
                .next()
                .unwrap_or('a')
                .to_ascii_lowercase();
            let similar: Vec<&&str> = pool
                .iter()
                .filter(|n| n.starts_with(init) && title_case(n) != prev.first)
                .collect();
            if !similar.is_empty() {
                kid.first = title_case(rng.pick(&similar));
            }
            twin_done = true;
        }
        v.push(kid);
        num += 1;
    }
    v
}

/// Per-kind length of stay: (mean days, min, max).
const LOS: [(f64, i64, i64); KINDS] = [
    (40.0, 1, 400),
    (60.0, 1, 400),
    (8.0, 1, 60),
    (200.0, 30, 730),
    (250.0, 30, 1000),
    (900.0, 60, 3000),
    (200.0, 30, 730),
    (120.0, 14, 540),
    (120.0, 1, 730),
    (90.0, 14, 365),
    (45.0, 1, 365),
    (90.0, 1, 365),
];

/// Destination group weights (permanent, temporary, homeless, institutional, other).
const DEST_GROUPS: [[u32; 5]; KINDS] = [
    [30, 25, 20, 7, 18],
    [35, 25, 15, 5, 20],
    [20, 25, 30, 7, 18],
    [55, 20, 8, 5, 12],
    [35, 15, 20, 10, 20],
    [60, 10, 5, 10, 15],
    [75, 10, 5, 3, 7],
    [70, 10, 8, 3, 9],
    [12, 20, 45, 6, 17],
    [85, 6, 2, 2, 5],
    [30, 20, 30, 5, 15],
    [40, 20, 15, 5, 20],
];

fn destination(rng: &mut Rng, kind: usize) -> (i64, Option<i64>) {
    let dest = match rng.weighted(&DEST_GROUPS[kind]) {
        0 => rng.pick_w(&[
            (410, 30),
            (411, 10),
            (421, 8),
            (435, 35),
            (422, 8),
            (423, 7),
            (426, 2),
        ]),
        1 => rng.pick_w(&[
            (302, 10),
            (312, 30),
            (313, 25),
            (314, 10),
            (327, 1),
            (329, 5),
            (332, 3),
        ]),
        2 => rng.pick_w(&[(101, 45), (116, 45), (118, 10)]),
        3 => rng.pick_w(&[
            (204, 15),
            (205, 25),
            (206, 20),
            (207, 30),
            (215, 5),
            (225, 5),
        ]),
        _ => rng.pick_w(&[(8, 10), (9, 5), (99, 35), (30, 40), (17, 5), (24, 5)]),
    };
    let sub = (dest == 435).then(|| {
        if kind == RRH || kind == RRHSO {
            if rng.chance(0.7) { 431 } else { subsidy(rng) }
        } else if kind == PSH {
            if rng.chance(0.6) { 439 } else { subsidy(rng) }
        } else {
            subsidy(rng)
        }
    });
    (dest, sub)
}

fn living_for(rng: &mut Rng, kind: usize, prev: Option<(usize, i64)>) -> i64 {
    if let Some((pk, gap)) = prev
        && gap <= 14
    {
        match pk {
            ES | ESF | NBN => return 101,
            SO => return 116,
            SH => return 118,
            TH => return 302,
            _ => {}
        }
    }
    match kind {
        SO | SH => rng.pick_w(&[(116, 80), (101, 12), (118, 8)]),
        HP => rng.pick_w(&[
            (410, 35),
            (411, 15),
            (421, 10),
            (435, 15),
            (335, 10),
            (336, 10),
            (314, 5),
        ]),
        _ => rng.pick_w(&[
            (116, 30),
            (101, 15),
            (302, 3),
            (314, 8),
            (335, 10),
            (336, 12),
            (206, 3),
            (207, 5),
            (205, 3),
            (410, 3),
            (411, 3),
            (8, 1),
            (99, 4),
        ]),
    }
}

fn pathway(rng: &mut Rng, kind: HhKind, chronic: bool) -> Vec<usize> {
    let opts: &[(&[usize], u32)] = match kind {
        _ if chronic => &[
            (&[SO, SH, PSH], 40),
            (&[SO, ES, PSH], 30),
            (&[ES, ES, PSH], 20),
            (&[NBN, NBN, CE, PSH], 10),
        ],
        HhKind::Single => &[
            (&[ES], 28),
            (&[NBN], 8),
            (&[NBN, NBN], 4),
            (&[CE, ES, RRH], 12),
            (&[SO, ES], 8),
            (&[ES, TH], 6),
            (&[HP], 8),
            (&[SSO], 5),
            (&[CE, ES, PSH], 4),
            (&[ES, RRHSO], 4),
            (&[SO], 8),
            (&[SO, SH], 3),
            (&[CE], 2),
        ],
        HhKind::Family => &[
            (&[CE, ESF, RRH], 30),
            (&[ESF], 25),
            (&[HP], 15),
            (&[ESF, TH], 10),
            (&[CE, ESF, PSH], 8),
            (&[RRH], 7),
            (&[SSO], 5),
        ],
        HhKind::Youth => &[
            (&[ES], 25),
            (&[CE, ES, RRH], 15),
            (&[TH], 20),
            (&[SO, ES], 10),
            (&[HP], 10),
            (&[NBN], 10),
            (&[SSO], 10),
        ],
        HhKind::ChildOnly => &[(&[ESF], 60), (&[ESF, TH], 20), (&[SO], 20)],
    };
    let w: Vec<u32> = opts.iter().map(|o| o.1).collect();
    opts[rng.weighted(&w)].0.to_vec()
}

fn timeline(
    rng: &mut Rng,
    com: &Community,
    kind: HhKind,
    chronic: bool,
    first_entry: NaiveDate,
    home: usize,
) -> Vec<Stay> {
    let mut stays: Vec<Stay> = Vec::new();
    let mut entry = first_entry;
    let mut prev: Option<(usize, i64)> = None;
    let n_ag = com.agencies.len() as u64;
    'outer: loop {
        let path = pathway(rng, kind, chronic);
        for (si, &k) in path.iter().enumerate() {
            if entry > com.end || stays.len() >= 10 {
                break 'outer;
            }
            let agency = if rng.chance(0.65) {
                home
            } else {
                rng.below(n_ag) as usize
            };
            let (mean, lo, hi) = LOS[k];
            let los = rng.exp_days(mean, lo, hi);
            let exit = entry + Duration::days(los);
            let last = si + 1 == path.len();
            let (dest, dest_sub) = if last {
                destination(rng, k)
            } else {
                (
                    rng.pick_w(&[(101, 40), (116, 40), (118, 5), (99, 15)]),
                    None,
                )
            };
            let move_in = if k == PSH || k == RRH || k == RRHSO {
                let d = entry + Duration::days(rng.range(if k == PSH { 0 } else { 10 }, 120));
                let housed = matches!(dest / 100, 4) || !last || rng.chance(0.3);
                (d <= exit && d <= com.end && housed).then_some(d)
            } else {
                None
            };
            let living = living_for(rng, k, prev);
            let open = exit > com.end;
            stays.push(Stay {
                agency,
                kind: k,
                entry,
                exit: (!open).then_some(exit),
                dest,
                dest_sub,
                move_in,
                living,
            });
            if open || dest == 24 {
                break 'outer;
            }
            let gap = if last { 0 } else { rng.range(0, 14) };
            prev = Some((k, gap));
            entry = exit + Duration::days(gap.max(1));
        }
        // After the pathway: return to homelessness, or stop.
        let Some(last) = stays.last() else { break };
        let group = last.dest / 100;
        let (p, gap_lo, gap_hi) = match group {
            4 => (0.18, 30, 900),
            2 => (0.3, 30, 365),
            _ => (0.45, 1, 180),
        };
        if !rng.chance(p) {
            break;
        }
        let gap = rng.range(gap_lo, gap_hi);
        prev = Some((last.kind, gap));
        entry = last.exit.unwrap_or(com.end) + Duration::days(gap);
    }
    stays
}
