//! 3.12 Destination codes in HUD's groups (FY2024+ list), and the lists the SPM uses.

/// HUD's destination groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DestinationGroup {
    /// 1xx: emergency shelter, place not meant for habitation, safe haven.
    Homeless,
    /// 2xx: foster care, hospital, jail, treatment, long-term care.
    Institutional,
    /// 3xx: transitional housing, staying with family or friends temporarily, hotel, ...
    Temporary,
    /// 4xx: rental or owned housing, with or without a subsidy; permanent tenure with
    /// family or friends.
    Permanent,
    /// Deceased (24), other (17), no exit interview (30), worker unable (37), DK/PNTA (8, 9),
    /// not collected (99) and empty.
    Other,
}

impl DestinationGroup {
    pub fn of(code: i32) -> DestinationGroup {
        match code {
            101 | 116 | 118 => DestinationGroup::Homeless,
            204..=207 | 215 | 225 => DestinationGroup::Institutional,
            302 | 312..=314 | 327 | 329 | 332 | 335 | 336 => DestinationGroup::Temporary,
            c if is_permanent(c) => DestinationGroup::Permanent,
            _ => DestinationGroup::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DestinationGroup::Homeless => "Homeless situations",
            DestinationGroup::Institutional => "Institutional situations",
            DestinationGroup::Temporary => "Temporary housing situations",
            DestinationGroup::Permanent => "Permanent housing situations",
            DestinationGroup::Other => "Other situations",
        }
    }
}

/// Permanent housing destinations (the 4xx block): 410, 411, 421, 422, 423, 426, 435.
pub fn is_permanent(code: i32) -> bool {
    matches!(code, 410 | 411 | 421 | 422 | 423 | 426 | 435)
}

/// Exits to homelessness: 101, 116, 118.
pub fn is_homeless(code: i32) -> bool {
    DestinationGroup::of(code) == DestinationGroup::Homeless
}

/// SPM 7a.1 leaves out street outreach exits to a hospital (206), a host home / non-crisis
/// residential program for youth (329) and deceased (24).
pub const SPM_7A_EXCLUDED: [i32; 3] = [206, 329, 24];
/// SPM 7a.1 row 3: temporary and some institutional destinations.
pub const SPM_7A_TEMPORARY: [i32; 12] =
    [101, 118, 215, 204, 205, 225, 314, 312, 313, 302, 327, 332];
/// SPM 7b.1 / 7b.2 leave out a hospital (206), foster care (215), long-term care (225) and
/// deceased (24).
pub const SPM_7B_EXCLUDED: [i32; 4] = [206, 215, 225, 24];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups() {
        assert_eq!(DestinationGroup::of(435), DestinationGroup::Permanent);
        assert_eq!(DestinationGroup::of(116), DestinationGroup::Homeless);
        assert_eq!(DestinationGroup::of(207), DestinationGroup::Institutional);
        assert_eq!(DestinationGroup::of(336), DestinationGroup::Temporary);
        assert_eq!(DestinationGroup::of(99), DestinationGroup::Other);
        assert_eq!(DestinationGroup::of(i32::MIN), DestinationGroup::Other);
        assert!(!is_permanent(430), "430 is not a 2024 destination");
        assert!(is_homeless(118));
    }
}
