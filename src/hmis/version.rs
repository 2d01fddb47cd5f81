//! HMIS CSV versions and how an export's version is recognised.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// FY2022 (CSVVersion "FY2022", "2022 v1.x"): two-digit living situations, the
    /// Female/Male/... gender columns, an Ethnicity column and EnrollmentCoC.csv.
    Fy2022,
    /// FY2024 (CSVVersion "2024 v1.x").
    Fy2024,
    /// FY2026 (CSVVersion "2026 v1.0"), the model every export is mapped into.
    Fy2026,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::Fy2022 => "FY2022",
            Version::Fy2024 => "FY2024",
            Version::Fy2026 => "FY2026",
        })
    }
}

impl Version {
    /// The version a `CSVVersion` value names, if it names one we read.
    pub fn from_csv_version(s: &str) -> Option<Version> {
        let s = s.trim().to_ascii_uppercase();
        let s = s.strip_prefix("FY").unwrap_or(&s);
        if s.starts_with("2026") {
            Some(Version::Fy2026)
        } else if s.starts_with("2024") {
            Some(Version::Fy2024)
        } else if s.starts_with("2022") {
            Some(Version::Fy2022)
        } else {
            None
        }
    }

    /// The version the Client.csv and Enrollment.csv headers show: the column that each
    /// version alone has decides.
    pub fn from_headers(client: &[String], enrollment: &[String]) -> Option<Version> {
        let has = |cols: &[String], name: &str| cols.iter().any(|c| c.eq_ignore_ascii_case(name));
        if has(client, "Sex")
            || has(client, "HispanicLatinao")
            || has(enrollment, "MentalHealthConsultation")
        {
            Some(Version::Fy2026)
        } else if has(client, "Woman")
            || has(client, "HispanicLatinaeo")
            || has(enrollment, "EnrollmentCoC")
        {
            Some(Version::Fy2024)
        } else if has(client, "Female") || has(client, "Ethnicity") {
            Some(Version::Fy2022)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_version_strings() {
        assert_eq!(
            Version::from_csv_version("2026 v1.0"),
            Some(Version::Fy2026)
        );
        assert_eq!(
            Version::from_csv_version("2024 v1.3"),
            Some(Version::Fy2024)
        );
        assert_eq!(Version::from_csv_version("FY2022"), Some(Version::Fy2022));
        assert_eq!(Version::from_csv_version("FY2025 v1.0"), None);
        assert_eq!(Version::from_csv_version(""), None);
    }

    #[test]
    fn headers_decide() {
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Version::from_headers(&c(&["PersonalID", "sex"]), &[]),
            Some(Version::Fy2026)
        );
        assert_eq!(
            Version::from_headers(&c(&["PersonalID", "Woman"]), &[]),
            Some(Version::Fy2024)
        );
        assert_eq!(
            Version::from_headers(&c(&["PersonalID", "Female", "Ethnicity"]), &[]),
            Some(Version::Fy2022)
        );
    }
}
