//! hmis: a batch engine for HUD HMIS CSV exports.
//!
//! Data flows one way: `ingest` (read, decode, parse, validate) -> `dedup` -> `facts` ->
//! `reports` -> `output`, with a thin command-line layer on top (`cli`, `main.rs`).

pub mod hmis;
pub mod synth;
