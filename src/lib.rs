//! hmis: a batch engine for HUD HMIS CSV exports.
//!
//! Data flows one way: `ingest` (read, decode, parse, validate) -> `dedup` -> `facts` ->
//! `reports` -> `output`, with a thin command-line layer on top (`cli`, `commands`,
//! `main.rs`). `synth` writes synthetic communities for tests and benchmarks.

// Columnar code walks several parallel columns by row index.
#![allow(clippy::needless_range_loop)]

pub mod dedup;
pub mod facts;
pub mod hmis;
pub mod ingest;
pub mod log;
pub mod mem;
pub mod output;
pub mod reports;
pub mod synth;

pub mod cli;
pub mod commands;
pub mod config;
