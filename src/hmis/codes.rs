//! HMIS codes that report logic branches on, as named values (the labels come from
//! [`super::Lists`]). Report code says `ProjectType::EsNbn`, never `1`.

use super::Lists;

/// 2.02.6 ProjectType.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProjectType {
    EsEntryExit,
    EsNbn,
    Th,
    Psh,
    So,
    ServicesOnly,
    Other,
    Sh,
    PhHousingOnly,
    PhHousingWithServices,
    DayShelter,
    Prevention,
    Rrh,
    Ce,
}

impl ProjectType {
    pub const ALL: [ProjectType; 14] = [
        ProjectType::EsEntryExit,
        ProjectType::EsNbn,
        ProjectType::Th,
        ProjectType::Psh,
        ProjectType::So,
        ProjectType::ServicesOnly,
        ProjectType::Other,
        ProjectType::Sh,
        ProjectType::PhHousingOnly,
        ProjectType::PhHousingWithServices,
        ProjectType::DayShelter,
        ProjectType::Prevention,
        ProjectType::Rrh,
        ProjectType::Ce,
    ];

    pub fn from_code(c: i32) -> Option<ProjectType> {
        use ProjectType::*;
        Some(match c {
            0 => EsEntryExit,
            1 => EsNbn,
            2 => Th,
            3 => Psh,
            4 => So,
            6 => ServicesOnly,
            7 => Other,
            8 => Sh,
            9 => PhHousingOnly,
            10 => PhHousingWithServices,
            11 => DayShelter,
            12 => Prevention,
            13 => Rrh,
            14 => Ce,
            _ => return None,
        })
    }

    pub fn code(self) -> i32 {
        use ProjectType::*;
        match self {
            EsEntryExit => 0,
            EsNbn => 1,
            Th => 2,
            Psh => 3,
            So => 4,
            ServicesOnly => 6,
            Other => 7,
            Sh => 8,
            PhHousingOnly => 9,
            PhHousingWithServices => 10,
            DayShelter => 11,
            Prevention => 12,
            Rrh => 13,
            Ce => 14,
        }
    }

    /// HUD's label (list 2.02.6).
    pub fn label(self) -> &'static str {
        Lists::get()
            .label("2.02.6", self.code())
            .unwrap_or("Unknown")
    }

    pub fn is_emergency_shelter(self) -> bool {
        matches!(self, ProjectType::EsEntryExit | ProjectType::EsNbn)
    }

    /// Projects where a stay is counted by bed nights or contacts rather than entry to exit
    /// (ES night-by-night, street outreach).
    pub fn is_service_based(self) -> bool {
        matches!(self, ProjectType::EsNbn | ProjectType::So)
    }

    /// ES, SO and SH: the chronic-homelessness flowchart skips the prior living situation.
    pub fn is_literally_homeless_project(self) -> bool {
        matches!(
            self,
            ProjectType::EsEntryExit | ProjectType::EsNbn | ProjectType::So | ProjectType::Sh
        )
    }

    /// Permanent housing: a stay is "housed" from the move-in date.
    pub fn is_permanent_housing(self) -> bool {
        matches!(
            self,
            ProjectType::Psh
                | ProjectType::PhHousingOnly
                | ProjectType::PhHousingWithServices
                | ProjectType::Rrh
        )
    }

    /// Projects that hold beds (HIC scope): ES, TH, SH and permanent housing.
    pub fn has_beds(self) -> bool {
        matches!(
            self,
            ProjectType::EsEntryExit | ProjectType::EsNbn | ProjectType::Th | ProjectType::Sh
        ) || self.is_permanent_housing()
    }
}

/// 3.15.1 RelationshipToHoH.
pub mod relationship {
    pub const SELF_HOH: i32 = 1;
    pub const CHILD: i32 = 2;
    pub const SPOUSE_PARTNER: i32 = 3;
}

/// 1.8 No/Yes/Reasons for missing data.
pub mod yes_no {
    pub const NO: i32 = 0;
    pub const YES: i32 = 1;
    pub const DOESNT_KNOW: i32 = 8;
    pub const PREFERS_NOT: i32 = 9;
    pub const NOT_COLLECTED: i32 = 99;
}

/// 1.3 DisabilityType.
pub mod disability {
    pub const PHYSICAL: i32 = 5;
    pub const DEVELOPMENTAL: i32 = 6;
    pub const CHRONIC_HEALTH: i32 = 7;
    pub const HIV_AIDS: i32 = 8;
    pub const MENTAL_HEALTH: i32 = 9;
    pub const SUBSTANCE_USE: i32 = 10;
}

/// 4.21 Sex (FY2026).
pub mod sex {
    pub const FEMALE: i32 = 0;
    pub const MALE: i32 = 1;
}

/// 5.03 DataCollectionStage.
pub mod stage {
    pub const PROJECT_START: i32 = 1;
}

/// 1.4 RecordType of Services.csv.
pub mod record_type {
    pub const BED_NIGHT: i32 = 200;
    /// C2 Moving On assistance provided (TypeProvided on list C2.2).
    pub const MOVING_ON: i32 = 300;
}

/// 3.917 prior living situations that matter to chronic homelessness (list 3.12.1).
pub mod living_situation {
    /// Emergency shelter, place not meant for habitation, safe haven.
    pub const HOMELESS: [i32; 3] = [101, 116, 118];
    /// Institutional situations (foster care, hospital, jail, ...).
    pub const INSTITUTIONAL: [i32; 6] = [204, 205, 206, 207, 215, 225];

    /// Temporary (3xx), permanent (4xx) and the reference code's "other" (8/9/99).
    pub fn is_temporary_permanent_or_other(c: i32) -> bool {
        (300..500).contains(&c) || matches!(c, 8 | 9 | 99)
    }
}

/// The groups of list 3.12.1 (living situations and destinations), as HUD's reports use
/// them: a destination's group decides "exit to permanent housing", "exit to homelessness".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SituationGroup {
    Homeless,
    Institutional,
    Temporary,
    Permanent,
    /// Other, deceased, no exit interview, doesn't know, prefers not, not collected.
    Other,
}

impl SituationGroup {
    /// The group of a 3.12.1 code (None for a code not on the list).
    pub fn of(code: i32) -> Option<SituationGroup> {
        let c = Lists::get().list("3.12.1")?.codes.get(&code)?;
        Some(match c.group.as_deref() {
            Some("homeless") => SituationGroup::Homeless,
            Some("institutional") => SituationGroup::Institutional,
            Some("temporary") => SituationGroup::Temporary,
            Some("permanent") => SituationGroup::Permanent,
            _ => SituationGroup::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_types_round_trip_with_hud_labels() {
        for t in ProjectType::ALL {
            assert_eq!(ProjectType::from_code(t.code()), Some(t));
            assert_ne!(t.label(), "Unknown", "{t:?}");
        }
        assert_eq!(ProjectType::from_code(5), None);
        assert_eq!(ProjectType::Rrh.label(), "PH - Rapid Re-Housing");
        assert!(ProjectType::EsNbn.is_service_based());
        assert!(ProjectType::Sh.is_literally_homeless_project());
        assert!(!ProjectType::Th.is_literally_homeless_project());
    }

    #[test]
    fn situation_groups_come_from_the_code_list() {
        assert_eq!(SituationGroup::of(116), Some(SituationGroup::Homeless));
        assert_eq!(SituationGroup::of(204), Some(SituationGroup::Institutional));
        assert_eq!(SituationGroup::of(312), Some(SituationGroup::Temporary));
        assert_eq!(SituationGroup::of(435), Some(SituationGroup::Permanent));
        assert_eq!(SituationGroup::of(24), Some(SituationGroup::Other));
        assert_eq!(SituationGroup::of(7), None);
        for c in living_situation::HOMELESS {
            assert_eq!(SituationGroup::of(c), Some(SituationGroup::Homeless));
        }
        for c in living_situation::INSTITUTIONAL {
            assert_eq!(SituationGroup::of(c), Some(SituationGroup::Institutional));
        }
    }
}
