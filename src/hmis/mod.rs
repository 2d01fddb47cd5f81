//! The HMIS CSV format as knowledge: schema, code lists, versions and the mapping of older
//! versions into the FY2026 model.

pub mod codes;
pub mod lists;
pub mod schema;
pub mod upgrade;
pub mod version;

pub use lists::Lists;
pub use schema::{ColType, ColumnSpec, FileSpec, Key, Schema};
pub use version::Version;

/// The seven race and ethnicity columns of Client.csv (element 3.04), in file order.
pub const RACE_COLUMNS: [&str; 7] = [
    "AmIndAKNative",
    "Asian",
    "BlackAfAmerican",
    "HispanicLatinao",
    "MidEastNAfrican",
    "NativeHIPacific",
    "White",
];

/// The cash income amount columns of IncomeBenefits.csv (element 4.02), earned first.
pub const CASH_INCOME_AMOUNTS: [&str; 15] = [
    "EarnedAmount",
    "UnemploymentAmount",
    "SSIAmount",
    "SSDIAmount",
    "VADisabilityServiceAmount",
    "VADisabilityNonServiceAmount",
    "PrivateDisabilityAmount",
    "WorkersCompAmount",
    "TANFAmount",
    "GAAmount",
    "SocSecRetirementAmount",
    "PensionAmount",
    "ChildSupportAmount",
    "AlimonyAmount",
    "OtherIncomeAmount",
];
