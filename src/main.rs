//! Thin entry point: parse arguments, run a command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

// The system allocator: since the parser stopped allocating per row, mimalloc is no faster
// and keeps more memory resident (3.6 against 3.0 GB for the 1M-person community;
// benches/README.md).
use hmis::cli::{Cli, Command};
use hmis::commands::{self, Exit};

fn main() -> ExitCode {
    // Two malloc arenas instead of one per thread: a lower peak, no slower (src/mem.rs).
    hmis::mem::limit_arenas(2);
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { Exit::Usage as u8 } else { 0 });
        }
    };
    let result = match &cli.command {
        Command::Run(a) => commands::run::run(a),
        Command::Report(a) => commands::report::run(a),
        Command::Validate(a) => commands::validate::run(a),
        Command::Dedup(a) => commands::dedup::run(a),
        Command::Synth(a) => commands::synth::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("hmis: {}", e.message);
            ExitCode::from(e.exit as u8)
        }
    }
}
