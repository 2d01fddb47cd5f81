//! Households: who is an adult or a child on a date, and the household type HUD reports
//! by (with at least one adult and one child, without children, with only children).

use crate::hmis::codes::relationship;

use super::Day;
use super::person::age_on;

/// A member's age class on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeClass {
    Adult,
    Child,
    Unknown,
}

impl AgeClass {
    pub fn of(dob: Option<Day>, on: Day) -> AgeClass {
        match age_on(dob, on) {
            Some(a) if a >= 18 => AgeClass::Adult,
            Some(_) => AgeClass::Child,
            None => AgeClass::Unknown,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HouseholdType {
    AdultChild,
    AdultsOnly,
    ChildrenOnly,
    Unknown,
}

impl HouseholdType {
    pub fn label(self) -> &'static str {
        match self {
            HouseholdType::AdultChild => "Households with at least one adult and one child",
            HouseholdType::AdultsOnly => "Households without children",
            HouseholdType::ChildrenOnly => "Households with only children",
            HouseholdType::Unknown => "Unknown household type",
        }
    }
}

/// The household type from the members' age classes: HUD's rule, with unknown ages left
/// unknown (see [`resolve_unknown_ages`] for the PIT, which cannot report "unknown").
pub fn household_type(classes: impl IntoIterator<Item = AgeClass>) -> HouseholdType {
    let (mut adult, mut child, mut unknown) = (false, false, false);
    for c in classes {
        match c {
            AgeClass::Adult => adult = true,
            AgeClass::Child => child = true,
            AgeClass::Unknown => unknown = true,
        }
    }
    match (adult, child, unknown) {
        (true, true, _) => HouseholdType::AdultChild,
        (true, false, false) => HouseholdType::AdultsOnly,
        (false, true, false) => HouseholdType::ChildrenOnly,
        _ => HouseholdType::Unknown,
    }
}

/// Resolves members whose age is unknown, for reports that have no "unknown" column (HDX's
/// PIT forms): the head of household and a spouse or partner are presumed adults, and so is
/// anyone else unless they are the head of household's child, who is presumed a child when
/// the household has a (known or presumed) adult, and an adult otherwise. Returns the
/// resolved classes in the order given.
///
/// Rationale: HMIS records a child's birth date from the parent, so unknown ages are mostly
/// adults'; a person recorded as the head's child in a household with an adult is most
/// likely a minor. HUD asks CoCs to resolve or extrapolate missing ages before HDX entry;
/// the PIT tables note how many ages were presumed.
pub fn resolve_unknown_ages(members: &[(AgeClass, i32)]) -> Vec<AgeClass> {
    let adult_present = members.iter().any(|(c, r)| {
        *c == AgeClass::Adult || (*c == AgeClass::Unknown && *r != relationship::CHILD)
    });
    members
        .iter()
        .map(|&(c, r)| match c {
            AgeClass::Unknown if r == relationship::CHILD && adult_present => AgeClass::Child,
            AgeClass::Unknown => AgeClass::Adult,
            known => known,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use AgeClass::*;

    #[test]
    fn types_from_ages() {
        assert_eq!(household_type([Adult, Child]), HouseholdType::AdultChild);
        assert_eq!(household_type([Adult, Adult]), HouseholdType::AdultsOnly);
        assert_eq!(household_type([Child]), HouseholdType::ChildrenOnly);
        assert_eq!(household_type([Adult, Unknown]), HouseholdType::Unknown);
        assert_eq!(
            household_type([Adult, Child, Unknown]),
            HouseholdType::AdultChild
        );
    }

    #[test]
    fn unknown_ages_resolved() {
        // A mother whose birth date is unknown with her 6-year-old: a family.
        let r = resolve_unknown_ages(&[(Unknown, 1), (Child, 2)]);
        assert_eq!(household_type(r), HouseholdType::AdultChild);
        // An adult with a "child" of unknown age: presumed a minor.
        let r = resolve_unknown_ages(&[(Adult, 1), (Unknown, 2)]);
        assert_eq!(r, vec![Adult, Child]);
        // Alone, unknown age: presumed adult.
        assert_eq!(resolve_unknown_ages(&[(Unknown, 1)]), vec![Adult]);
        // Two children and an unknown "child of HoH" with no adult: adult (someone heads it).
        let r = resolve_unknown_ages(&[(Child, 1), (Unknown, 2)]);
        assert_eq!(r, vec![Child, Adult]);
    }
}
