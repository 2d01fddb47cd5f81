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
