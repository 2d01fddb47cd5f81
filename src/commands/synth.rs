//! `hmis synth`: write a synthetic community of agency exports and its ground truth.

use std::time::Instant;

use crate::cli::SynthArgs;
use crate::synth::{self, SynthError, SynthOptions};

use super::{CommandError, Exit};

pub fn run(args: &SynthArgs) -> Result<Exit, CommandError> {
    if args.end < args.start {
        return Err(CommandError::new(Exit::Usage, "--end is before --start"));
    }
    let t0 = Instant::now();
    let summary = synth::generate(&SynthOptions {
        out: args.out.clone(),
        persons: args.persons,
        agencies: args.agencies,
        seed: args.seed,
        start: args.start,
        end: args.end,
    })
    .map_err(|e| match e {
        SynthError::InvalidOptions(m) => CommandError::new(Exit::Usage, m),
        other => CommandError::new(Exit::Failure, other),
    })?;
    eprintln!(
        "hmis synth: {} persons as {} client records in {} export(s), {} rows, in {:.1}s; truth in {}",
        summary.persons,
        summary.client_records,
        summary.exports.len(),
        summary.rows_written,
        t0.elapsed().as_secs_f64(),
        args.out.join("truth.csv").display()
    );
    Ok(Exit::Ok)
}
