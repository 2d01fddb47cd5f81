//! Dedup: find the records of one person across and within agencies and give every client
//! record an UnduplicatedID (the [`Crosswalk`]).

pub mod crosswalk;

pub use crosswalk::{Crosswalk, Person};
