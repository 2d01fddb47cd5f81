//! A realistic synthetic community: several agencies, each its own HMIS source system,
//! written as FY2026 HMIS CSV exports, with a `truth.csv` mapping every client record to
//! the true person behind it (for testing deduplication).
//!
//! Households are generated one unit at a time from their own random stream (a
//! hand-written xoshiro256**), in parallel batches that are written in unit order, so output
//! is byte-identical for the same options and memory stays bounded whatever the size.

mod community;
mod names;
mod people;
mod rng;
mod writer;

#[cfg(test)]
mod tests;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

pub use names::NICKNAMES_CSV;

use community::{Community, Sink};
use people::{Ctx, Shape};
use writer::{Row, header_line, layouts};

#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub out: PathBuf,
    pub persons: u64,
    pub agencies: u32,
    pub seed: u64,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            out: PathBuf::from("synth"),
            persons: 5000,
            agencies: 4,
            seed: 1,
            start: NaiveDate::from_ymd_opt(2024, 10, 1).expect("valid date"),
            end: NaiveDate::from_ymd_opt(2025, 9, 30).expect("valid date"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthSummary {
    pub exports: Vec<PathBuf>,
    pub persons: u64,
    pub client_records: u64,
    pub rows_written: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid synth options: {0}")]
    InvalidOptions(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SynthError + '_ {
    move |source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Units per parallel task and tasks per written batch.
const TASK_UNITS: u64 = 128;
const BATCH_TASKS: u64 = 32;

struct DescSink<'a> {
    ctx: Ctx<'a>,
}

impl Sink for DescSink<'_> {
    fn row(&mut self, file: &str) -> &mut Row {
        self.ctx.row_by_name(file)
    }
    fn emit(&mut self, agency: usize, file: &str) {
        self.ctx.emit_by_name(agency, file);
    }
}

struct Writers {
    files: Vec<Vec<(PathBuf, BufWriter<File>)>>,
    truth: (PathBuf, BufWriter<File>),
    rows: u64,
}

impl Writers {
    fn write(&mut self, ctx: &Ctx) -> Result<(), SynthError> {
        for (a, files) in ctx.out.iter().enumerate() {
            for (f, buf) in files.iter().enumerate() {
                if !buf.is_empty() {
                    let (p, w) = &mut self.files[a][f];
                    w.write_all(buf).map_err(io_err(p))?;
                }
                self.rows += ctx.counts[a][f];
            }
        }
        let (p, w) = &mut self.truth;
        w.write_all(&ctx.truth).map_err(io_err(p))
    }
}

/// Generate the community and write it under `opts.out`.
pub fn generate(opts: &SynthOptions) -> Result<SynthSummary, SynthError> {
    if opts.agencies == 0 || opts.agencies > 99 {
        return Err(SynthError::InvalidOptions(format!(
            "agencies must be 1..=99, got {}",
            opts.agencies
        )));
    }
    if opts.end < opts.start {
        return Err(SynthError::InvalidOptions(format!(
            "end {} is before start {}",
            opts.end, opts.start
        )));
    }
    if opts.persons == 0 {
        return Err(SynthError::InvalidOptions("persons must be > 0".into()));
    }
    let com = Community::new(opts.seed, opts.agencies, opts.start, opts.end);
    fs::create_dir_all(&opts.out).map_err(io_err(&opts.out))?;
    let mut exports = Vec::new();
    let mut files = Vec::new();
    for a in &com.agencies {
        let dir = opts.out.join(&a.dir);
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let mut fw = Vec::new();
        for l in layouts() {
            let p = dir.join(l.spec.file_name());
            let f = File::create(&p).map_err(io_err(&p))?;
            let mut w = BufWriter::with_capacity(1 << 16, f);
            w.write_all(header_line(l).as_bytes()).map_err(io_err(&p))?;
            fw.push((p, w));
        }
        files.push(fw);
        exports.push(dir);
    }
    let tp = opts.out.join("truth.csv");
    let mut tw = BufWriter::new(File::create(&tp).map_err(io_err(&tp))?);
    tw.write_all(b"ExportID,PersonalID,PersonKey\n")
        .map_err(io_err(&tp))?;
    let mut writers = Writers {
        files,
        truth: (tp, tw),
        rows: 0,
    };

    let mut desc = DescSink {
        ctx: Ctx::new(&com),
    };
    for ai in 0..com.agencies.len() {
        community::write_descriptors(&com, ai, &mut desc);
    }
    writers.write(&desc.ctx)?;
    drop(desc);

    let mut persons = 0u64;
    let mut client_records = 0u64;
    let mut next_unit = 0u64;
    while persons < opts.persons {
        // Decide this batch's units (and cap the last one) before generating in parallel.
        let mut shapes: Vec<(u64, Shape)> = Vec::new();
        while persons < opts.persons && (shapes.len() as u64) < TASK_UNITS * BATCH_TASKS {
            let mut s = Shape::draw(opts.seed, next_unit);
            s.truncate(opts.persons - persons);
            persons += s.persons();
            shapes.push((next_unit, s));
            next_unit += 1;
        }
        let results: Vec<Ctx> = shapes
            .par_chunks(TASK_UNITS as usize)
            .map(|chunk| {
                let mut ctx = Ctx::new(&com);
                for (u, s) in chunk {
                    ctx.unit(*u, s);
                }
                ctx
            })
            .collect();
        for ctx in &results {
            client_records += ctx.client_records;
            writers.write(ctx)?;
        }
    }
    for fw in &mut writers.files {
        for (p, w) in fw {
            w.flush().map_err(io_err(p))?;
        }
    }
    let (p, w) = &mut writers.truth;
    w.flush().map_err(io_err(p))?;
    Ok(SynthSummary {
        exports,
        persons,
        client_records,
        rows_written: writers.rows,
    })
}
