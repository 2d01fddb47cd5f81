//! Mapping FY2022 and FY2024 exports into the FY2026 model (documented in
//! `docs/versions.md`).
//!
//! The mapping works on one file's header: it says, for every FY2026 column, which source
//! column feeds it, which source columns are renamed, which values are recoded, which legacy
//! columns are kept after the FY2026 ones because reports still need them (the FY2022 and
//! FY2024 gender columns), and which source columns are unknown to every version.

use std::borrow::Cow;

use super::schema::{ColType, FileSpec, Schema};
use super::version::Version;

/// Columns renamed between versions: (old name, FY2026 name).
const RENAMES: &[(&str, &str, &str)] = &[
    ("Client", "HispanicLatinaeo", "HispanicLatinao"),
    (
        "HealthAndDV",
        "DomesticViolenceVictim",
        "DomesticViolenceSurvivor",
    ),
    ("IncomeBenefits", "VAMedicalServices", "VHAServices"),
    ("IncomeBenefits", "NoVAMedReason", "NoVHAReason"),
];

/// Legacy columns kept after the FY2026 columns: (file, source name, kept name, type).
/// FY2022's Female/Male/NoSingleGender are kept under their FY2024 names.
const LEGACY_KEPT: &[(&str, &str, &str, ColType)] = &[
    ("Client", "Woman", "Woman", ColType::Int),
    ("Client", "Female", "Woman", ColType::Int),
    ("Client", "Man", "Man", ColType::Int),
    ("Client", "Male", "Man", ColType::Int),
    ("Client", "NonBinary", "NonBinary", ColType::Int),
    ("Client", "NoSingleGender", "NonBinary", ColType::Int),
    (
        "Client",
        "CulturallySpecific",
        "CulturallySpecific",
        ColType::Int,
    ),
    ("Client", "Transgender", "Transgender", ColType::Int),
    ("Client", "Questioning", "Questioning", ColType::Int),
    (
        "Client",
        "DifferentIdentity",
        "DifferentIdentity",
        ColType::Int,
    ),
    ("Client", "GenderNone", "GenderNone", ColType::Int),
    // FY2024 Enrollment elements FY2026 dropped; the FY2024 APR/CAPER still report them
    // (Q24c sexual orientation, Q24d translation assistance).
    (
        "Enrollment",
        "SexualOrientation",
        "SexualOrientation",
        ColType::Int,
    ),
    (
        "Enrollment",
        "TranslationNeeded",
        "TranslationNeeded",
        ColType::Int,
    ),
    (
        "Enrollment",
        "PreferredLanguage",
        "PreferredLanguage",
        ColType::Int,
    ),
    (
        "Enrollment",
        "PreferredLanguageDifferent",
        "PreferredLanguageDifferent",
        ColType::Str,
    ),
];

/// FY2022 columns that FY2024 dropped (no longer collected); read and set aside silently.
const FY2022_DROPPED: &[(&str, &str)] = &[
    ("Project", "TrackingMethod"),
    ("Project", "HMISParticipatingProject"),
    ("Client", "Ethnicity"),
    ("Enrollment", "WorstHousingSituation"),
    ("Enrollment", "LastPermanentStreet"),
    ("Enrollment", "LastPermanentCity"),
    ("Enrollment", "LastPermanentState"),
    ("Enrollment", "LastPermanentZIP"),
    ("Enrollment", "AddressDataQuality"),
    ("HealthAndDV", "LifeValue"),
    ("HealthAndDV", "SupportFromOthers"),
    ("HealthAndDV", "BounceBack"),
    ("HealthAndDV", "FeelingFrequency"),
    ("IncomeBenefits", "HIVAIDSAssistance"),
    ("IncomeBenefits", "NoHIVAIDSAssistanceReason"),
];

/// FY2024/FY2026 columns an FY2022 export cannot have (besides those FY2024 -> FY2026 added).
const FY2022_ABSENT: &[(&str, &str)] = &[
    ("Export", "ImplementationID"),
    ("Project", "RRHSubType"),
    ("Client", "MidEastNAfrican"),
    ("Client", "AdditionalRaceEthnicity"),
    ("Client", "HispanicLatinao"),
    ("Enrollment", "EnrollmentCoC"),
    ("Enrollment", "RentalSubsidyType"),
    ("Exit", "DestinationSubsidyType"),
    ("CurrentLivingSituation", "CLSSubsidyType"),
    ("Services", "FAStartDate"),
    ("Services", "FAEndDate"),
];

/// Files FY2024 added; an FY2022 export lacks them by design.
pub const FY2022_ABSENT_FILES: &[&str] = &["HMISParticipation", "CEParticipation"];

/// Files FY2022 had that FY2024 folded into other files.
pub const FY2022_EXTRA_FILES: &[&str] = &["EnrollmentCoC"];

/// A value rewrite applied to a row before it is typed and validated.
#[derive(Debug, Clone)]
pub enum Transform {
    /// FY2022 two-digit living situation / destination to the three-digit code, setting the
    /// subsidy type where the old code named a subsidy (`situation` and `subsidy` are target
    /// column positions).
    LivingSituation { situation: usize, subsidy: usize },
    /// FY2022 ProjectType 1 with TrackingMethod 3 is night-by-night (1); other ProjectType 1
    /// is entry/exit (0). `tracking` is a source position.
    ProjectTypeFromTracking {
        project_type: usize,
        tracking: usize,
    },
    /// FY2022 Ethnicity (1 = Hispanic/Latin(a)(o)(x)) becomes the HispanicLatinao race column;
    /// RaceNone is cleared when that makes a race selected.
    Ethnicity {
        ethnicity: usize,
        hispanic: usize,
        race_none: usize,
    },
}

/// How one source file's columns become FY2026 columns.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Target column names: the FY2026 columns in spec order, then kept legacy columns.
    pub names: Vec<String>,
    pub types: Vec<ColType>,
    /// Source position feeding each target column.
    pub sources: Vec<Option<usize>>,
    /// Target columns a file of this version cannot have (no "missing column" finding).
    pub absent_by_design: Vec<bool>,
    /// Source columns no version knows: (position, header text).
    pub unknown: Vec<(usize, String)>,
    /// Source header names that appear twice: (position, header text).
    pub duplicates: Vec<(usize, String)>,
    pub transforms: Vec<Transform>,
}

impl Plan {
    /// Applies the value rewrites to one row of target values (`row`), given the source
    /// record (`src`).
    pub fn apply<'a>(&self, row: &mut [Cow<'a, str>], src: &impl Fn(usize) -> &'a str) {
        for t in &self.transforms {
            match *t {
                Transform::LivingSituation { situation, subsidy } => {
                    if let Ok(old) = row[situation].trim().parse::<i32>()
                        && let Some((new, sub)) = living_situation_fy2022(old)
                    {
                        row[situation] = Cow::Owned(new.to_string());
                        if let Some(sub) = sub
                            && row[subsidy].is_empty()
                        {
                            row[subsidy] = Cow::Owned(sub.to_string());
                        }
                    }
                }
                Transform::ProjectTypeFromTracking {
                    project_type,
                    tracking,
                } => {
                    if row[project_type].trim() == "1" && src(tracking).trim() != "3" {
                        row[project_type] = Cow::Borrowed("0");
                    }
                }
                Transform::Ethnicity {
                    ethnicity,
                    hispanic,
                    race_none,
                } => {
                    let e = src(ethnicity).trim();
                    let v = if e == "1" { "1" } else { "0" };
                    row[hispanic] = Cow::Borrowed(v);
                    if v == "1" {
                        row[race_none] = Cow::Borrowed("");
                    }
                }
            }
        }
    }
}

/// FY2022 two-digit living situation / destination (list 3.12 / 3.917 of FY2022) to the
/// FY2024+ three-digit code and, for subsidised rentals, the rental subsidy type (3.12.A).
/// Codes that did not change (8, 9, 17, 24, 30, 37, 99) map to themselves; a code that is
/// already three-digit returns `None` (left as it is).
pub fn living_situation_fy2022(old: i32) -> Option<(i32, Option<i32>)> {
    Some(match old {
        1 => (101, None),
        2 => (302, None),
        3 => (435, Some(439)),
        4 => (204, None),
        5 => (205, None),
        6 => (206, None),
        7 => (207, None),
        8 | 9 | 17 | 24 | 30 | 37 | 99 => (old, None),
        10 => (410, None),
        11 => (411, None),
        12 => (312, None),
        13 => (313, None),
        14 => (314, None),
        15 => (215, None),
        16 => (116, None),
        18 => (118, None),
        19 => (435, Some(419)),
        20 => (435, Some(420)),
        21 => (421, None),
        22 => (422, None),
        23 => (423, None),
        25 => (225, None),
        26 => (426, None),
        27 => (327, None),
        28 => (435, Some(428)),
        29 => (329, None),
        31 => (435, Some(431)),
        32 => (332, None),
        33 => (435, Some(433)),
        34 => (435, Some(434)),
        35 => (335, None),
        36 => (336, None),
        _ => return None,
    })
}

/// Builds the plan for one file of an export of `version` whose header is `header`.
pub fn plan(version: Version, spec: &FileSpec, header: &[String]) -> Plan {
    let file = spec.name.as_str();
    let mut names: Vec<String> = spec.columns.iter().map(|c| c.name.clone()).collect();
    let mut types: Vec<ColType> = spec.columns.iter().map(|c| c.ty).collect();
    let mut sources: Vec<Option<usize>> = vec![None; names.len()];
    let mut unknown = Vec::new();
    let mut duplicates = Vec::new();
    let mut transforms = Vec::new();
    let older = version < Version::Fy2026;
    let fy2024 = Schema::fy2024().file(file);

    let mut tracking = None;
    let mut ethnicity = None;
    for (pos, raw) in header.iter().enumerate() {
        let h = raw.trim();
        let renamed = if older {
            RENAMES
                .iter()
                .find(|(f, old, _)| *f == file && old.eq_ignore_ascii_case(h))
                .map(|(_, _, new)| *new)
        } else {
            None
        };
        let target = renamed.unwrap_or(h);
        if let Some(i) = spec.position(target) {
            if sources[i].is_some() {
                duplicates.push((pos, raw.clone()));
            } else {
                sources[i] = Some(pos);
            }
            continue;
        }
        if older {
            if let Some((_, _, kept, ty)) = LEGACY_KEPT
                .iter()
                .find(|(f, src, _, _)| *f == file && src.eq_ignore_ascii_case(h))
            {
                match names.iter().position(|n| n == kept) {
                    Some(i) if sources[i].is_some() => duplicates.push((pos, raw.clone())),
                    Some(i) => sources[i] = Some(pos),
                    None => {
                        names.push(kept.to_string());
                        types.push(*ty);
                        sources.push(Some(pos));
                    }
                }
                continue;
            }
            if file == "Project" && h.eq_ignore_ascii_case("TrackingMethod") {
                tracking = Some(pos);
            }
            if file == "Client" && h.eq_ignore_ascii_case("Ethnicity") {
                ethnicity = Some(pos);
            }
            let in_fy2024 = fy2024.is_some_and(|f| f.position(h).is_some());
            let fy2022_only = version == Version::Fy2022
                && FY2022_DROPPED
                    .iter()
                    .any(|(f, c)| *f == file && c.eq_ignore_ascii_case(h));
            if in_fy2024 || fy2022_only {
                continue; // a column the newer format dropped: set aside silently
            }
        }
        unknown.push((pos, raw.clone()));
    }

    let absent_by_design = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if i >= spec.columns.len() || !older {
                return false;
            }
            let not_in_2024 = fy2024.is_none_or(|f| {
                f.position(n).is_none()
                    && !RENAMES.iter().any(|(ff, _, new)| *ff == file && new == n)
            });
            not_in_2024
                || (version == Version::Fy2022
                    && FY2022_ABSENT.iter().any(|(f, c)| *f == file && c == n))
        })
        .collect();

    if version == Version::Fy2022 {
        let pos = |n: &str| spec.position(n);
        let living = match file {
            "Enrollment" => Some(("LivingSituation", "RentalSubsidyType")),
            "Exit" => Some(("Destination", "DestinationSubsidyType")),
            "CurrentLivingSituation" => Some(("CurrentLivingSituation", "CLSSubsidyType")),
            _ => None,
        };
        if let Some((s, sub)) = living
            && let (Some(situation), Some(subsidy)) = (pos(s), pos(sub))
        {
            transforms.push(Transform::LivingSituation { situation, subsidy });
        }
        if let (Some(project_type), Some(tracking)) = (pos("ProjectType"), tracking) {
            transforms.push(Transform::ProjectTypeFromTracking {
                project_type,
                tracking,
            });
        }
        if let (Some(hispanic), Some(race_none), Some(ethnicity)) =
            (pos("HispanicLatinao"), pos("RaceNone"), ethnicity)
        {
            transforms.push(Transform::Ethnicity {
                ethnicity,
                hispanic,
                race_none,
            });
        }
    }

    Plan {
        names,
        types,
        sources,
        absent_by_design,
        unknown,
        duplicates,
        transforms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn fy2026_header_in_any_order_and_case() {
        let spec = Schema::fy2026().file("Exit").unwrap();
        let mut header: Vec<String> = spec
            .header()
            .iter()
            .rev()
            .map(|s| s.to_lowercase())
            .collect();
        header.push("VendorCustom".into());
        let p = plan(Version::Fy2026, spec, &header);
        assert_eq!(p.names.len(), spec.columns.len());
        assert_eq!(p.sources[0], Some(spec.columns.len() - 1));
        assert_eq!(
            p.unknown,
            vec![(spec.columns.len(), "VendorCustom".to_string())]
        );
        assert!(p.transforms.is_empty());
    }

    #[test]
    fn fy2024_client_renames_and_keeps_gender() {
        let spec = Schema::fy2026().file("Client").unwrap();
        let header: Vec<String> = Schema::fy2024()
            .file("Client")
            .unwrap()
            .header()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let p = plan(Version::Fy2024, spec, &header);
        let hisp = spec.position("HispanicLatinao").unwrap();
        assert_eq!(
            p.sources[hisp],
            header.iter().position(|c| c == "HispanicLatinaeo")
        );
        assert!(p.names.iter().any(|n| n == "Woman"));
        assert!(p.unknown.is_empty(), "{:?}", p.unknown);
        let sex = spec.position("Sex").unwrap();
        assert!(p.absent_by_design[sex]);
        assert!(!p.absent_by_design[0]);
    }

    #[test]
    fn fy2022_recodes() {
        assert_eq!(living_situation_fy2022(16), Some((116, None)));
        assert_eq!(living_situation_fy2022(3), Some((435, Some(439))));
        assert_eq!(living_situation_fy2022(99), Some((99, None)));
        assert_eq!(living_situation_fy2022(410), None);
        let spec = Schema::fy2026().file("Exit").unwrap();
        let header = h(&[
            "ExitID",
            "EnrollmentID",
            "PersonalID",
            "ExitDate",
            "Destination",
        ]);
        let p = plan(Version::Fy2022, spec, &header);
        let src = ["x", "e", "p", "2021-01-01", "19"];
        let mut row: Vec<Cow<str>> = p
            .sources
            .iter()
            .map(|s| Cow::Borrowed(s.map(|i| src[i]).unwrap_or("")))
            .collect();
        p.apply(&mut row, &|i| src[i]);
        assert_eq!(row[spec.position("Destination").unwrap()], "435");
        assert_eq!(row[spec.position("DestinationSubsidyType").unwrap()], "419");
    }

    #[test]
    fn fy2022_project_type_from_tracking_method() {
        let spec = Schema::fy2026().file("Project").unwrap();
        let header = h(&["ProjectID", "ProjectType", "TrackingMethod"]);
        let p = plan(Version::Fy2022, spec, &header);
        assert!(p.unknown.is_empty());
        for (tm, want) in [("3", "1"), ("0", "0")] {
            let src = ["p", "1", tm];
            let mut row: Vec<Cow<str>> = p
                .sources
                .iter()
                .map(|s| Cow::Borrowed(s.map(|i| src[i]).unwrap_or("")))
                .collect();
            p.apply(&mut row, &|i| src[i]);
            assert_eq!(row[spec.position("ProjectType").unwrap()], want);
        }
    }
}
