//! `hmis validate`: load exports, write validation.csv and ingest.csv, print the
//! reconciliation.

use std::time::Instant;

use crate::cli::ValidateArgs;
use crate::ingest::{self, Severity};
use crate::output::ingest_files;

use super::{CommandError, Exit};

pub fn run(args: &ValidateArgs) -> Result<Exit, CommandError> {
    let t0 = Instant::now();
    let ingest = ingest::load(&args.exports)?;
    ingest_files::write_validation(&args.out.join("validation.csv"), &ingest.findings)?;
    ingest_files::write_counts(&args.out.join("ingest.csv"), &ingest.counts)?;

    let errors = ingest.errors();
    let warnings = ingest.warnings();
    let stderr = &mut std::io::stderr().lock();
    if !args.quiet {
        let _ = ingest_files::counts_table(&ingest.counts, stderr);
    }
    for (origin, reason) in &ingest.unusable {
        eprintln!("hmis: export rejected: {origin}: {reason}");
    }
    if !args.quiet {
        let mut by_rule: std::collections::BTreeMap<(Severity, &str), usize> = Default::default();
        for f in &ingest.findings {
            *by_rule.entry((f.severity, f.rule)).or_default() += 1;
        }
        for ((sev, rule), n) in by_rule {
            eprintln!("  {sev:<7} {rule:<30} {n}");
        }
        let rows: u64 = ingest.counts.iter().map(|c| c.rows_read).sum();
        eprintln!(
            "hmis validate: {} export(s), {} rows read, {} error(s), {} warning(s) in {:.2}s; findings in {}",
            ingest.dataset.exports.len(),
            rows,
            errors,
            warnings,
            t0.elapsed().as_secs_f64(),
            args.out.join("validation.csv").display()
        );
    }
    if !ingest.unusable.is_empty() {
        return Ok(Exit::Rejected);
    }
    if args.strict && errors > 0 {
        eprintln!("hmis: --strict: {errors} error(s) found: input rejected");
        return Ok(Exit::Rejected);
    }
    Ok(Exit::Ok)
}
