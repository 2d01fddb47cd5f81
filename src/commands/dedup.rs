//! `hmis dedup`: load and validate exports, match client records, write the crosswalk,
//! links, review queue and summary.

use std::time::Instant;

use crate::cli::DedupArgs;
use crate::dedup::{self, Options, Rules, inputs};
use crate::ingest;
use crate::output::{dedup_files, ingest_files, write_atomic};

use super::{CommandError, Exit};

pub fn run(args: &DedupArgs) -> Result<Exit, CommandError> {
    let t0 = Instant::now();
    // Option files first: a typo there should not cost a full load.
    let rules = match &args.matching.rules {
        Some(p) => Rules::from_file(p)?,
        None => Rules::builtin(),
    };
    let mut options = Options {
        train: args.train,
        ..Options::default()
    };
    if let Some(p) = &args.matching.overrides {
        options.overrides = inputs::read_overrides(p)?;
    }
    if let Some(p) = &args.matching.previous {
        options.previous = Some(inputs::read_keyed(p, "UnduplicatedID")?);
    }
    if let Some(p) = &args.truth {
        options.truth = Some(inputs::read_keyed(p, "PersonKey")?);
    }

    let t_load = Instant::now();
    // Only what matching reads, ingest::DEDUP_FILES (validated as usual; checks against
    // files not loaded are skipped, so validation.csv covers these files only).
    let mut ingest = ingest::load_with(
        &args.exports,
        &ingest::LoadOptions::only(ingest::DEDUP_FILES),
    )?;
    let load_ms = t_load.elapsed().as_millis() as u64;
    ingest_files::write_validation(&args.out.join("validation.csv"), &ingest.findings)?;
    ingest_files::write_counts(&args.out.join("ingest.csv"), &ingest.counts)?;
    for (origin, reason) in &ingest.unusable {
        eprintln!("hmis: export rejected: {origin}: {reason}");
    }
    if !ingest.unusable.is_empty() {
        return Ok(Exit::Rejected);
    }

    // Of Enrollment and Exit, matching reads only the keys, households and dates: the other
    // columns go before it starts (Exit alone is most of a million-record run's growth).
    ingest.dataset.keep_for_matching();
    crate::mem::trim();
    let dataset = &ingest.dataset;
    let mut d = dedup::deduplicate(dataset, &rules, &options);
    d.summary
        .timings_ms
        .insert("load_and_validate".into(), load_ms);
    let out = &args.out;
    dedup_files::write_crosswalk(&out.join("crosswalk.csv"), dataset, &d)?;
    dedup_files::write_links(&out.join("links.csv"), dataset, &d)?;
    dedup_files::write_review(&out.join("review.csv"), dataset, &d)?;
    if args.train {
        let header = format!(
            "Fitted by `hmis dedup --train` on {} client records ({} blocked pairs): m by EM,\n\
             u from random pairs. Review before use; keep it with --rules.",
            d.summary.source_client_records,
            d.summary.training.as_ref().map_or(0, |t| t.blocked_pairs)
        );
        let text = d.rules.to_toml(&header);
        write_atomic(&out.join("match.fitted.toml"), |w| {
            std::io::Write::write_all(w, text.as_bytes())
        })?;
    }
    d.summary
        .timings_ms
        .insert("total".into(), t0.elapsed().as_millis() as u64);
    dedup_files::write_summary(&out.join("summary.json"), &d)?;

    if let Some(q) = &d.summary.truth {
        eprintln!(
            "hmis dedup: against the truth: precision {:.4}, recall {:.4}, F1 {:.4}; persons {} predicted vs {} true ({:+.2} %); {} records evaluated",
            q.precision,
            q.recall,
            q.f1,
            q.predicted_persons,
            q.true_persons,
            q.person_count_error * 100.0,
            q.records_evaluated
        );
    }
    if !args.quiet {
        let s = &d.summary;
        eprintln!(
            "hmis dedup: {} client records -> {} unduplicated persons; {} links ({} same PersonalID, {} scored, {} overrides); {} pairs compared; {} to review; {:.2}s; files in {}",
            s.source_client_records,
            s.unduplicated_persons,
            s.links.total,
            s.links.same_personal_id,
            s.links.scored,
            s.links.overrides,
            s.pairs_compared,
            s.review_pairs,
            t0.elapsed().as_secs_f64(),
            out.display()
        );
        if s.overrides_unresolved > 0 {
            eprintln!(
                "hmis dedup: warning: {} override(s) name records not in this run; ignored",
                s.overrides_unresolved
            );
        }
    }
    Ok(Exit::Ok)
}
