//! Per-person facts: one value per UnduplicatedID for the demographics every report shares,
//! resolved across the person's client records (several agencies may hold one person).

use chrono::Datelike;

use crate::ingest::table::date_from_days;

use super::Day;

pub use crate::hmis::RACE_COLUMNS;
const HISPANIC_BIT: u8 = 1 << 3;

/// A person's resolved demographics.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonFacts {
    pub dob: Option<Day>,
    /// 4.21 Sex code, or NULL_INT.
    pub sex: i32,
    /// Bit i set = RACE_COLUMNS[i] is 1.
    pub race: u8,
    /// RaceNone (8/9/99) when no race column is set, else NULL_INT.
    pub race_none: i32,
    /// 3.07 VeteranStatus code, or NULL_INT.
    pub veteran: i32,
    /// Client records (across agencies) the person holds.
    pub records: u32,
}

/// Whole years of age on a date (None when the birth date is unknown or after the date).
pub fn age_on(dob: Option<Day>, on: Day) -> Option<u32> {
    let b = date_from_days(dob?)?;
    let d = date_from_days(on)?;
    if b > d {
        return None;
    }
    let mut years = d.year() - b.year();
    if (d.month(), d.day()) < (b.month(), b.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// Race and ethnicity in HUD's combined categories (APR Q12 / PIT rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RaceEthnicity {
    AmIndOnly,
    AmIndHispanic,
    AsianOnly,
    AsianHispanic,
    BlackOnly,
    BlackHispanic,
    HispanicOnly,
    MenaOnly,
    MenaHispanic,
    NhpiOnly,
    NhpiHispanic,
    WhiteOnly,
    WhiteHispanic,
    MultiHispanic,
    MultiOther,
    DkPnta,
    NotCollected,
}

impl RaceEthnicity {
    pub const ALL: [RaceEthnicity; 17] = [
        RaceEthnicity::AmIndOnly,
        RaceEthnicity::AmIndHispanic,
        RaceEthnicity::AsianOnly,
        RaceEthnicity::AsianHispanic,
        RaceEthnicity::BlackOnly,
        RaceEthnicity::BlackHispanic,
        RaceEthnicity::HispanicOnly,
        RaceEthnicity::MenaOnly,
        RaceEthnicity::MenaHispanic,
        RaceEthnicity::NhpiOnly,
        RaceEthnicity::NhpiHispanic,
        RaceEthnicity::WhiteOnly,
        RaceEthnicity::WhiteHispanic,
        RaceEthnicity::MultiHispanic,
        RaceEthnicity::MultiOther,
        RaceEthnicity::DkPnta,
        RaceEthnicity::NotCollected,
    ];

    pub fn of(p: &PersonFacts) -> RaceEthnicity {
        use RaceEthnicity::*;
        let hispanic = p.race & HISPANIC_BIT != 0;
        let races = p.race & !HISPANIC_BIT;
        match races.count_ones() {
            0 if hispanic => HispanicOnly,
            0 => match p.race_none {
                8 | 9 => DkPnta,
                _ => NotCollected,
            },
            1 => {
                let (only, with_h) = match races.trailing_zeros() {
                    0 => (AmIndOnly, AmIndHispanic),
                    1 => (AsianOnly, AsianHispanic),
                    2 => (BlackOnly, BlackHispanic),
                    4 => (MenaOnly, MenaHispanic),
                    5 => (NhpiOnly, NhpiHispanic),
                    _ => (WhiteOnly, WhiteHispanic),
                };
                if hispanic { with_h } else { only }
            }
            _ if hispanic => MultiHispanic,
            _ => MultiOther,
        }
    }

    /// HUD's row label (PIT / HDX wording).
    pub fn label(self) -> &'static str {
        use RaceEthnicity::*;
        match self {
            AmIndOnly => "American Indian, Alaska Native, or Indigenous (only)",
            AmIndHispanic => "American Indian, Alaska Native, or Indigenous & Hispanic/Latina/e/o",
            AsianOnly => "Asian or Asian American (only)",
            AsianHispanic => "Asian or Asian American & Hispanic/Latina/e/o",
            BlackOnly => "Black, African American, or African (only)",
            BlackHispanic => "Black, African American, or African & Hispanic/Latina/e/o",
            HispanicOnly => "Hispanic/Latina/e/o (only)",
            MenaOnly => "Middle Eastern or North African (only)",
            MenaHispanic => "Middle Eastern or North African & Hispanic/Latina/e/o",
            NhpiOnly => "Native Hawaiian or Pacific Islander (only)",
            NhpiHispanic => "Native Hawaiian or Pacific Islander & Hispanic/Latina/e/o",
            WhiteOnly => "White (only)",
            WhiteHispanic => "White & Hispanic/Latina/e/o",
            MultiHispanic => "Multi-Racial & Hispanic/Latina/e/o",
            MultiOther => "Multi-Racial (all other)",
            DkPnta => "Client Doesn't Know/Prefers Not to Answer",
            NotCollected => "Data Not Collected",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::table::{NULL_INT, days_from_date};
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, dd: u32) -> Day {
        days_from_date(NaiveDate::from_ymd_opt(y, m, dd).unwrap())
    }

    #[test]
    fn ages_count_whole_years() {
        let dob = Some(d(2007, 1, 29));
        assert_eq!(age_on(dob, d(2025, 1, 28)), Some(17));
        assert_eq!(
            age_on(dob, d(2025, 1, 29)),
            Some(18),
            "birthday on the night"
        );
        assert_eq!(age_on(Some(d(2000, 2, 29)), d(2025, 2, 28)), Some(24));
        assert_eq!(age_on(dob, d(2006, 1, 1)), None, "born after the date");
        assert_eq!(age_on(None, d(2025, 1, 1)), None);
    }

    #[test]
    fn race_categories() {
        let p = |race: u8, none: i32| PersonFacts {
            race,
            race_none: none,
            ..Default::default()
        };
        use RaceEthnicity::*;
        assert_eq!(RaceEthnicity::of(&p(1 << 6, NULL_INT)), WhiteOnly);
        assert_eq!(
            RaceEthnicity::of(&p((1 << 6) | HISPANIC_BIT, NULL_INT)),
            WhiteHispanic
        );
        assert_eq!(RaceEthnicity::of(&p(HISPANIC_BIT, NULL_INT)), HispanicOnly);
        assert_eq!(RaceEthnicity::of(&p(0b101, NULL_INT)), MultiOther);
        assert_eq!(RaceEthnicity::of(&p(0b1101, NULL_INT)), MultiHispanic);
        assert_eq!(RaceEthnicity::of(&p(0, 9)), DkPnta);
        assert_eq!(RaceEthnicity::of(&p(0, NULL_INT)), NotCollected);
    }
}
