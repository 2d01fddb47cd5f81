//! Thin entry point: parse arguments, run a command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

// Parsing allocates and frees many small buffers on every thread; mimalloc does that far
// faster than the system allocator (measured in benches/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use hmis::cli::{Cli, Command};
use hmis::commands::{self, Exit};

fn main() -> ExitCode {
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
