//! The community's fixed part: agencies (one export each), their organizations, projects,
//! users and project descriptor records (Funder, ProjectCoC, Inventory, participation).

use chrono::{Datelike, Duration, NaiveDate};

use super::rng::{Rng, scramble};
use super::writer::Row;

pub const COC: &str = "XX-500";

/// Project kinds every agency runs (index = position in `Agency::projects`).
pub const ES: usize = 0;
pub const ESF: usize = 1;
pub const NBN: usize = 2;
pub const TH: usize = 3;
pub const SH: usize = 4;
pub const PSH: usize = 5;
pub const RRH: usize = 6;
pub const RRHSO: usize = 7;
pub const SO: usize = 8;
pub const HP: usize = 9;
pub const CE: usize = 10;
pub const SSO: usize = 11;
pub const KINDS: usize = 12;

/// (ProjectType, RRHSubType, name stem, funder code, HousingType)
type KindInfo = (i64, Option<i64>, &'static str, i64, Option<i64>);
const KIND_INFO: [KindInfo; KINDS] = [
    (0, None, "Emergency Shelter", 8, Some(1)),
    (0, None, "Family Shelter", 8, Some(2)),
    (1, None, "Night Shelter", 8, Some(1)),
    (2, None, "Transitional Housing", 5, Some(2)),
    (8, None, "Safe Haven", 6, Some(1)),
    (3, None, "Permanent Supportive Housing", 2, Some(3)),
    (13, Some(2), "Rapid Rehousing", 3, Some(3)),
    (13, Some(1), "RRH Services", 10, None),
    (4, None, "Street Outreach", 11, None),
    (12, None, "Homelessness Prevention", 9, None),
    (14, None, "Coordinated Entry", 1, None),
    (6, None, "Support Services", 4, None),
];

const ORG_A: [&str; 12] = [
    "Harbor",
    "New Hope",
    "Cornerstone",
    "Lighthouse",
    "Open Door",
    "Riverside",
    "Bridgeway",
    "Safe Haven",
    "Unity",
    "Pathways",
    "Second Chance",
    "Good Shepherd",
];
const ORG_B: [&str; 8] = [
    "Community Services",
    "Housing Partners",
    "Family Center",
    "Outreach Network",
    "Ministries",
    "Housing Alliance",
    "Youth Services",
    "Mission",
];
const USER_FIRST: [&str; 10] = [
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Dana",
];
const USER_LAST: [&str; 10] = [
    "Reed", "Park", "Lowe", "Nash", "Ford", "Wade", "Cole", "Hart", "Lane", "Shaw",
];

pub struct Project {
    pub id: String,
    pub kind: usize,
    pub ptype: i64,
    pub rrh_sub: Option<i64>,
    pub org: usize,
}

pub struct Agency {
    /// 1-based agency number.
    pub no: u32,
    pub dir: String,
    pub export_id: String,
    pub key: u64,
    pub orgs: Vec<(String, String)>,
    pub projects: Vec<Project>,
    pub users: Vec<String>,
}

pub struct Community {
    pub agencies: Vec<Agency>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Earliest entry date generated (about three years before `start`).
    pub hist_start: NaiveDate,
    pub export_date: NaiveDate,
    pub seed: u64,
}

impl Community {
    pub fn new(seed: u64, agencies: u32, start: NaiveDate, end: NaiveDate) -> Community {
        let hist_start = start - Duration::days(3 * 365);
        let agencies = (1..=agencies)
            .map(|no| {
                let norgs = if no % 4 == 0 { 4 } else { 5 };
                let orgs = (0..norgs)
                    .map(|o| {
                        let i = (no as usize * 7 + o * 5) % ORG_A.len();
                        let j = (no as usize * 3 + o) % ORG_B.len();
                        (
                            format!("ORG{no:02}{o:02}"),
                            format!("{} {}", ORG_A[i], ORG_B[j]),
                        )
                    })
                    .collect::<Vec<_>>();
                let projects = (0..KINDS)
                    .map(|k| Project {
                        id: format!("A{no:02}P{:02}", k + 1),
                        kind: k,
                        ptype: KIND_INFO[k].0,
                        rrh_sub: KIND_INFO[k].1,
                        org: k % norgs,
                    })
                    .collect();
                let users = (1..=6).map(|u| format!("A{no:02}U{u:02}")).collect();
                Agency {
                    no,
                    dir: format!("agency-{no:02}"),
                    export_id: format!("SYN{no:02}{}", end.format("%Y%m%d")),
                    key: scramble(seed, 0xA6E0_0000 + no as u64),
                    orgs,
                    projects,
                    users,
                }
            })
            .collect();
        Community {
            agencies,
            start,
            end,
            hist_start,
            export_date: end + Duration::days(1),
            seed,
        }
    }
}

/// Row sink used while writing the descriptor files of one agency.
pub trait Sink {
    fn row(&mut self, file: &str) -> &mut Row;
    fn emit(&mut self, agency: usize, file: &str);
}

fn common(row: &mut Row, a: &Agency, created: NaiveDate, user: &str) {
    row.t("DateCreated", created, 9 * 3600 + 1234)
        .t("DateUpdated", created, 9 * 3600 + 1234)
        .s("UserID", user)
        .s("ExportID", &a.export_id);
}

/// Write Export, Organization, User, Project, Funder, ProjectCoC, Inventory, Affiliation,
/// HMISParticipation and CEParticipation for agency `ai`.
pub fn write_descriptors(com: &Community, ai: usize, sink: &mut dyn Sink) {
    let a = &com.agencies[ai];
    let mut rng = Rng::new(com.seed, &[0xDE5C, a.no as u64]);
    let op_start = com.hist_start - Duration::days(365 * (2 + (a.no as i64 % 5)));
    let admin = a.users[0].clone();

    let r = sink.row("Export");
    r.s("ExportID", &a.export_id)
        .i("SourceType", 2)
        .s("SourceID", format!("AGENCY{:02}", a.no))
        .s("SourceName", format!("{} HMIS", a.orgs[0].1))
        .s("SourceContactFirst", USER_FIRST[a.no as usize % 10])
        .s("SourceContactLast", USER_LAST[(a.no as usize / 10) % 10])
        .s(
            "SourceContactEmail",
            format!("hmis-admin@agency{:02}.example.org", a.no),
        )
        .t("ExportDate", com.export_date, 2 * 3600 + 15 * 60)
        .d("ExportStartDate", com.hist_start)
        .d("ExportEndDate", com.end)
        .s("SoftwareName", "hmis synth")
        .s("SoftwareVersion", env!("CARGO_PKG_VERSION"))
        .s("CSVVersion", "2026 v1.0")
        .i("ExportPeriodType", 3)
        .i("ExportDirective", 2)
        .i("HashStatus", 1)
        .s("ImplementationID", format!("SYNTH-AGENCY{:02}", a.no));
    sink.emit(ai, "Export");

    for (i, (id, name)) in a.orgs.iter().enumerate() {
        let r = sink.row("Organization");
        r.s("OrganizationID", id)
            .s("OrganizationName", name)
            .i("VictimServiceProvider", 0);
        common(r, a, op_start + Duration::days(i as i64), &admin);
        sink.emit(ai, "Organization");
    }

    for (i, u) in a.users.iter().enumerate() {
        let k = (a.no as usize * 3 + i) % 10;
        let r = sink.row("User");
        r.s("UserID", u)
            .s("UserFirstName", USER_FIRST[k])
            .s("UserLastName", USER_LAST[(k + i) % 10])
            .s(
                "UserEmail",
                format!(
                    "{}.{}@agency{:02}.example.org",
                    USER_FIRST[k].to_lowercase(),
                    USER_LAST[(k + i) % 10].to_lowercase(),
                    a.no
                ),
            )
            .t("DateCreated", op_start, 8 * 3600 + i as u32 * 60)
            .t("DateUpdated", op_start, 8 * 3600 + i as u32 * 60)
            .s("ExportID", &a.export_id);
        sink.emit(ai, "User");
    }

    let mut n_inv = 0;
    for p in &a.projects {
        let org_name = &a.orgs[p.org].1;
        let stem = KIND_INFO[p.kind].2;
        let r = sink.row("Project");
        r.s("ProjectID", &p.id)
            .s("OrganizationID", &a.orgs[p.org].0)
            .s("ProjectName", format!("{org_name} {stem}"))
            .d("OperatingStartDate", op_start)
            .i("ContinuumProject", 1)
            .i("ProjectType", p.ptype)
            .oi("HousingType", KIND_INFO[p.kind].4)
            .oi("RRHSubType", p.rrh_sub)
            .i("TargetPopulation", 4)
            .i("HOPWAMedAssistedLivingFac", 2);
        if p.ptype == 6 {
            r.i("ResidentialAffiliation", 1);
        } else if p.rrh_sub == Some(1) {
            r.i("ResidentialAffiliation", 0);
        }
        common(r, a, op_start, &admin);
        sink.emit(ai, "Project");

        let r = sink.row("Funder");
        r.s("FunderID", format!("{}F1", p.id))
            .s("ProjectID", &p.id)
            .i("Funder", KIND_INFO[p.kind].3)
            .s(
                "GrantID",
                format!("XX0{}L5X00{}", 100 + rng.below(900), a.no),
            )
            .d("StartDate", op_start);
        common(r, a, op_start, &admin);
        sink.emit(ai, "Funder");

        let r = sink.row("ProjectCoC");
        r.s("ProjectCoCID", format!("{}C1", p.id))
            .s("ProjectID", &p.id)
            .s("CoCCode", COC)
            .s("Geocode", "299999")
            .s(
                "Address1",
                format!("{} Main Street", 100 + a.no * 10 + p.kind as u32),
            )
            .s("City", "Springfield")
            .s("State", "MO")
            .s("ZIP", "65801")
            .i("GeographyType", 1);
        common(r, a, op_start, &admin);
        sink.emit(ai, "ProjectCoC");

        let r = sink.row("HMISParticipation");
        r.s("HMISParticipationID", format!("{}H1", p.id))
            .s("ProjectID", &p.id)
            .i("HMISParticipationType", 1)
            .d("HMISParticipationStatusStartDate", op_start);
        common(r, a, op_start, &admin);
        sink.emit(ai, "HMISParticipation");

        if matches!(p.ptype, 14 | 3 | 13 | 2 | 0 | 12) {
            let r = sink.row("CEParticipation");
            r.s("CEParticipationID", format!("{}E1", p.id))
                .s("ProjectID", &p.id);
            if p.ptype == 14 {
                r.i("AccessPoint", 1)
                    .i("PreventionAssessment", 1)
                    .i("CrisisAssessment", 1)
                    .i("HousingAssessment", 1)
                    .i("DirectServices", 0)
                    .i("ReceivesReferrals", 0);
            } else {
                r.i("AccessPoint", 0).i("ReceivesReferrals", 1);
            }
            r.d("CEParticipationStatusStartDate", op_start);
            common(r, a, op_start, &admin);
            sink.emit(ai, "CEParticipation");
        }

        if p.ptype == 6 {
            let r = sink.row("Affiliation");
            r.s("AffiliationID", format!("{}R1", p.id))
                .s("ProjectID", &p.id)
                .s("ResProjectID", &a.projects[PSH].id);
            common(r, a, op_start, &admin);
            sink.emit(ai, "Affiliation");
        }

        // Inventory for residential projects: (HouseholdType, units, beds per unit)
        let residential = matches!(p.ptype, 0 | 1 | 2 | 3 | 8) || p.rrh_sub == Some(2);
        if !residential {
            continue;
        }
        let scale = 1 + (a.no as i64 % 3);
        let hh_types: Vec<(i64, i64, i64)> = match p.kind {
            ESF => vec![(3, 10 * scale, 3), (4, 4, 1)],
            TH => vec![(1, 12 * scale, 1), (3, 6 * scale, 3)],
            PSH | RRH => vec![(1, 25 * scale, 1), (3, 10 * scale, 3)],
            NBN => vec![(1, 30 * scale, 1)],
            SH => vec![(1, 12, 1)],
            _ => vec![(1, 40 * scale, 1)],
        };
        for (ht, units, per) in hh_types {
            n_inv += 1;
            let beds = units * per;
            let r = sink.row("Inventory");
            r.s("InventoryID", format!("{}I{n_inv}", p.id))
                .s("ProjectID", &p.id)
                .s("CoCCode", COC)
                .i("HouseholdType", ht)
                .i("UnitInventory", units)
                .i("BedInventory", beds);
            let (mut ch, mut vet, mut youth) = (0, 0, 0);
            if p.kind == PSH && ht == 1 {
                ch = beds / 2;
                vet = beds / 5;
            }
            if ht == 4 {
                youth = beds;
            }
            r.i("CHVetBedInventory", 0)
                .i("YouthVetBedInventory", 0)
                .i("VetBedInventory", vet)
                .i("CHYouthBedInventory", 0)
                .i("YouthBedInventory", youth)
                .i("CHBedInventory", ch)
                .i("OtherBedInventory", beds - ch - vet - youth);
            if matches!(p.ptype, 0 | 1) {
                r.i("Availability", 1).i("ESBedType", 1);
            }
            let inv_start = op_start + Duration::days(op_start.ordinal0() as i64 % 30);
            r.d("InventoryStartDate", inv_start);
            common(r, a, inv_start, &admin);
            sink.emit(ai, "Inventory");
        }
    }
}
