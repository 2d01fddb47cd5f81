#!/usr/bin/env python3
"""Peer benchmark: deduplicate a community written by `hmis synth` with Splink (DuckDB backend)
and score the result against the community's truth.csv, the same way `hmis dedup --truth` does
(pairwise precision / recall / F1 over all record pairs that share a cluster, and the number of
persons found).

    python benches/peers/splink_dedup.py /tmp/peers/c65k --out /tmp/peers/splink-out

Phases timed (wall clock, seconds):
  load     read every agency's Client.csv with DuckDB, clean it, register it with Splink
  train    prior from deterministic rules, u by random sampling, m by EM (two sessions)
  predict  blocking and scoring of the candidate pairs (kept from --floor upward)
  cluster  connected components at the F1-best threshold (Splink's own clustering)
Evaluation against the truth (threshold sweep, the 0.95 baseline) is reported but not counted in
the total; peak memory is the process's maximum resident set size (DuckDB runs in-process).

Written for Splink 5 (where inputs are registered with the database API first and the linker's
methods live under linker.training / .inference / .clustering). See README.md beside this file.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

import duckdb
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

# Values a careful user would not let count as evidence. Names are compared after folding to
# upper-case A-Z only, so "John Doe" is JOHNDOE.
PLACEHOLDER_NAMES = [
    "ANONYMOUS", "ANON", "UNKNOWN", "UNK", "REFUSED", "DECLINED", "NONE", "NONAME", "NA",
    "NOTPROVIDED", "DOE", "JOHNDOE", "JANEDOE", "CLIENT", "TEST", "BABY", "BABYBOY", "BABYGIRL",
    "INFANT", "NEWBORN", "UNBORN", "X", "XX", "XXX", "FNU", "LNU", "NFN", "NLN", "DNC", "DK",
]
# Filler SSNs seen in HMIS data; structurally impossible ones (area 000/666/9xx, group 00,
# serial 0000, one repeated digit) are rejected by rule below.
PLACEHOLDER_SSNS = [
    "123456789", "012345678", "987654321", "078051120", "219099999", "123121234", "121212121",
    "101010101",
]
PLACEHOLDER_DOBS = ["1900-01-01", "1901-01-01", "1899-12-31", "1800-01-01"]
MISSING_CODES = "(8, 9, 99)"  # client doesn't know, prefers not to answer, not collected


def sql_list(values: list[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def fold(col: str) -> str:
    """SQL: a name folded to A-Z (accents stripped, everything else dropped), NULL if empty."""
    return f"nullif(regexp_replace(upper(strip_accents(coalesce({col}, ''))), '[^A-Z]', '', 'g'), '')"


def load_sql(root: Path) -> str:
    clients = (root / "*" / "Client.csv").as_posix()
    f, l = fold("FirstName"), fold("LastName")
    names_ok = f"coalesce(try_cast(NameDataQuality as integer), 99) not in {MISSING_CODES}"
    ssq = "try_cast(SSNDataQuality as integer)"
    s = "upper(trim(SSN))"
    dq = "try_cast(DOBDataQuality as integer)"
    # Known digits of the SSN: the first five and the last four, each NULL unless all digits
    # and possible (area not 000/666/9xx, group not 00, serial not 0000).
    first5 = (
        f"case when {ssq} in (1, 2) and length({s}) = 9 and regexp_full_match(substr({s}, 1, 5), '[0-9]{{5}}')"
        f" and substr({s}, 1, 3) not in ('000', '666') and substr({s}, 1, 1) <> '9'"
        f" and substr({s}, 4, 2) <> '00' then substr({s}, 1, 5) end"
    )
    last4 = (
        f"case when {ssq} in (1, 2) and length({s}) = 9 and regexp_full_match(substr({s}, 6, 4), '[0-9]{{4}}')"
        f" and substr({s}, 6, 4) <> '0000' then substr({s}, 6, 4) end"
    )
    return f"""
    create or replace table clients as
    with raw as (
        select * from read_csv('{clients}', all_varchar = true, header = true, union_by_name = true)
    ),
    cleaned as (
        select
            ExportID || '|' || PersonalID as unique_id,
            case when {names_ok} and {f} not in {sql_list(PLACEHOLDER_NAMES)} then {f} end as first_name,
            case when {names_ok} and {l} not in {sql_list(PLACEHOLDER_NAMES)} then {l} end as surname,
            case when {ssq} = 1 and regexp_full_match({s}, '[0-9]{{9}}')
                      and {s} not in {sql_list(PLACEHOLDER_SSNS)}
                      and not regexp_full_match({s}, '(0+|1+|2+|3+|4+|5+|6+|7+|8+|9+)')
                 then {s} end as ssn9,
            {ssq} as ssn_quality,
            {first5} as ssn_first5_raw,
            {last4} as ssn_last4_raw,
            try_cast(DOB as date) as dob_raw,
            {dq} as dob_quality,
            case when Sex in ('0', '1') then Sex end as sex
        from raw
    )
    , checked as (
        select *, (ssn9 is not null and ssn_first5_raw is not null and ssn_last4_raw is not null)
                  as full_ok
        from cleaned
    )
    select
        unique_id, first_name, surname,
        -- SSNDataQuality 1: all nine digits possible, or no SSN at all; SSNDataQuality 2
        -- (partial, e.g. XXXXX1234): whichever of the first five / last four are known
        case when full_ok then ssn9 end as ssn,
        case when ssn_quality = 2 or full_ok then ssn_first5_raw end as ssn_first5,
        case when ssn_quality = 2 or full_ok then ssn_last4_raw end as ssn_last4,
        -- full DOB only when reported as full; approximate DOBs keep their year
        case when dob_quality = 1 and dob_raw not in {sql_list(PLACEHOLDER_DOBS)}
             then strftime(dob_raw, '%Y-%m-%d') end as dob,
        case when dob_quality = 1 and dob_raw not in {sql_list(PLACEHOLDER_DOBS)}
             then dob_raw end as dob_date,
        case when dob_quality in (1, 2) and dob_raw not in {sql_list(PLACEHOLDER_DOBS)}
             then year(dob_raw) end as birth_year,
        sex,
        -- helper keys for blocking
        case when first_name is not null and surname is not null
             then least(first_name[1], surname[1]) || greatest(first_name[1], surname[1]) end as initials,
        case when dob_quality = 1 and dob_raw not in {sql_list(PLACEHOLDER_DOBS)}
             then year(dob_raw) || '-' || least(month(dob_raw), day(dob_raw)) || '-'
                  || greatest(month(dob_raw), day(dob_raw)) end as dob_any_order,
        case when dob_quality = 1 and dob_raw not in {sql_list(PLACEHOLDER_DOBS)}
             then least(month(dob_raw), day(dob_raw)) || '-' || greatest(month(dob_raw), day(dob_raw))
             end as day_month,
        case when first_name is not null and surname is not null
             then first_name || ' ' || surname end as full_name
    from checked
    """


def ssn_comparison():
    both_first5 = "(ssn_first5_l is not null and ssn_first5_r is not null)"
    both_last4 = "(ssn_last4_l is not null and ssn_last4_r is not null)"
    return cl.CustomComparison(
        output_column_name="ssn",
        comparison_description="full SSN exact / one edit; partial SSNs on their known digits",
        comparison_levels=[
            cll.CustomLevel(f"not ({both_first5} or {both_last4})", "no SSN digits in common view")
            .configure(is_null_level=True),
            cll.CustomLevel("ssn_l = ssn_r", "full SSN equal"),
            cll.CustomLevel("damerau_levenshtein(ssn_l, ssn_r) <= 1", "full SSN one edit apart"),
            cll.CustomLevel(
                f"({both_first5} and ssn_first5_l = ssn_first5_r and not {both_last4})"
                f" or ({both_last4} and ssn_last4_l = ssn_last4_r and not {both_first5})",
                "partial SSN: known digits agree",
            ),
            cll.CustomLevel(
                "ssn_first5_l = ssn_first5_r or ssn_last4_l = ssn_last4_r",
                "full SSNs share first five or last four",
            ),
            cll.ElseLevel(),
        ],
    )


def dob_comparison():
    # dob is the ISO text (for the exact and one-edit levels), dob_date the same date typed
    # (so the other levels need no parsing per pair).
    dl, dr = "dob_date_l", "dob_date_r"
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="DOB exact / day-month swapped / one edit / within a year",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                f"year({dl}) = year({dr}) and month({dl}) = day({dr}) and day({dl}) = month({dr})",
                "day and month transposed",
            ),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.CustomLevel(f"abs({dl} - {dr}) <= 366", "within a year"),
            cll.ElseLevel(),
        ],
    )


def name_comparisons(style: str) -> list:
    if style == "joint":
        # One comparison over both names: catches first/last swapped, term frequencies on the
        # full name.
        return [
            cl.ForenameSurnameComparison(
                "first_name", "surname", forename_surname_concat_col_name="full_name"
            )
        ]
    # Each name on its own (Jaro-Winkler 0.92 / 0.88 / 0.7, term frequencies on exact matches).
    return [cl.NameComparison("first_name"), cl.NameComparison("surname")]


def settings(names: str = "joint") -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            *name_comparisons(names),
            dob_comparison(),
            ssn_comparison(),
            cl.ExactMatch("sex"),
        ],
        # Candidate pairs, in the spirit of hmis's blocking keys: a true pair with one field
        # corrupted still shares at least one of these.
        blocking_rules_to_generate_predictions=[
            block_on("ssn"),
            block_on("ssn_last4", "birth_year"),
            block_on("ssn_first5", "birth_year"),
            block_on("ssn_last4", "initials"),
            block_on("ssn_first5", "initials"),
            block_on("dob_any_order", "initials"),
            block_on("dob", "first_name"),
            block_on("dob", "surname"),
            block_on("first_name", "surname", "birth_year"),
            "l.first_name = r.surname and l.surname = r.first_name",
            block_on("surname", "substr(first_name, 1, 1)", "day_month"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def pair_count(n):
    return n * (n - 1) // 2


def evaluate(con: duckdb.DuckDBPyConnection, clusters_table: str) -> dict:
    """Pairwise precision / recall / F1 and person counts of a (unique_id, cluster_id) table."""
    row = con.sql(f"""
        with j as (
            select c.cluster_id, t.PersonKey
            from {clusters_table} c join truth t on c.unique_id = t.unique_id
        ),
        p as (select count(*) n from j group by cluster_id),
        t as (select count(*) n from j group by PersonKey),
        b as (select count(*) n from j group by cluster_id, PersonKey)
        select (select sum(n * (n - 1) // 2) from p), (select sum(n * (n - 1) // 2) from t),
               (select sum(n * (n - 1) // 2) from b), (select count(*) from p),
               (select count(*) from t), (select count(*) from j),
               (select count(*) from {clusters_table})
    """).fetchall()[0]
    pred, true, correct, pred_persons, true_persons, evaluated, clustered = (int(x) for x in row)
    precision = correct / pred if pred else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records_evaluated": evaluated,
        "records_clustered": clustered,
        "true_persons": true_persons,
        "predicted_persons": pred_persons,
        "person_count_error": round((pred_persons - true_persons) / true_persons, 6),
        "true_pairs": true,
        "predicted_pairs": pred,
        "correct_pairs": correct,
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
    }


def sweep(con: duckdb.DuckDBPyConnection, predictions: str) -> dict:
    """F1 of connected components at every distinct match probability, in one pass: edges are
    added from the most to the least probable, and each union updates the predicted and correct
    pair counts (correct = pairs of records with the same PersonKey across the two components).
    Returns the best threshold (midway between the last probability kept and the next one)."""
    ids = con.sql("select unique_id, PersonKey from truth").fetchall()
    index = {u: i for i, (u, _) in enumerate(ids)}
    keys = {}
    key_of = [keys.setdefault(k, len(keys)) for _, k in ids]
    true_pairs = sum(pair_count(n) for n in _counts(key_of).values())
    parent = list(range(len(ids)))
    members = [{key_of[i]: 1} for i in range(len(ids))]
    size = [1] * len(ids)

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges = con.sql(
        f"select unique_id_l, unique_id_r, match_probability from {predictions} "
        "order by match_probability desc"
    ).fetchall()
    pred = correct = 0
    best = {"f1": -1.0}
    i = 0
    while i < len(edges):
        p = edges[i][2]
        while i < len(edges) and edges[i][2] == p:
            a, b = find(index[edges[i][0]]), find(index[edges[i][1]])
            i += 1
            if a == b:
                continue
            if size[a] < size[b]:
                a, b = b, a
            pred += size[a] * size[b]
            ma, mb = members[a], members[b]
            for k, n in mb.items():
                if k in ma:
                    correct += n * ma[k]
                    ma[k] += n
                else:
                    ma[k] = n
            members[b] = None
            parent[b] = a
            size[a] += size[b]
        precision = correct / pred if pred else 1.0
        recall = correct / true_pairs
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best["f1"]:
            nxt = edges[i][2] if i < len(edges) else 0.0
            best = {"f1": f1, "precision": precision, "recall": recall,
                    "lowest_probability_kept": p, "next_probability": nxt,
                    "threshold": (p + nxt) / 2}
    return best


def _counts(xs):
    out = {}
    for x in xs:
        out[x] = out.get(x, 0) + 1
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("community", type=Path, help="folder written by `hmis synth` (agency folders + truth.csv)")
    ap.add_argument("--out", type=Path, required=True, help="folder for results.json and clusters.csv")
    ap.add_argument("--truth", type=Path, help="truth file (default COMMUNITY/truth.csv)")
    ap.add_argument("--u-max-pairs", type=float, default=1e7, help="pairs sampled to estimate u (default 1e7)")
    ap.add_argument("--floor", type=float, default=0.01,
                    help="predictions below this match probability are dropped (default 0.01)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--names", choices=["joint", "separate"], default="joint",
                    help="names as one forename-surname comparison (default) or two comparisons")
    ap.add_argument("--verbose", action="store_true", help="Splink's own progress messages")
    args = ap.parse_args()
    truth_path = args.truth or args.community / "truth.csv"
    args.out.mkdir(parents=True, exist_ok=True)
    log_level = logging.INFO if args.verbose else logging.WARNING

    timings = {}
    t_all = time.perf_counter()

    # --- load: read and clean the Client files, register with Splink.
    t = time.perf_counter()
    db_api = DuckDBAPI()
    con = db_api.duckdb_con
    con.sql(load_sql(args.community))
    records = con.sql("select count(*) from clients").fetchall()[0][0]
    clients = db_api.register("clients", dataset_display_name="clients")
    linker = Linker(clients, settings(args.names), log_level=log_level)
    timings["load"] = time.perf_counter() - t

    # --- train: prior, u by random sampling, m by EM.
    t = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("ssn", "dob"), block_on("first_name", "surname", "dob")], recall=0.7
    )
    timings["train_prior"] = time.perf_counter() - t
    t_u = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs, seed=args.seed)
    timings["train_u"] = time.perf_counter() - t_u
    t_em = time.perf_counter()
    # Each session fixes what it blocks on and estimates m for the rest.
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    timings["train_em"] = time.perf_counter() - t_em
    timings["train"] = time.perf_counter() - t

    # --- predict.
    t = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=args.floor)
    pairs_kept = con.sql(f"select count(*) from {predictions.physical_name}").fetchall()[0][0]
    timings["predict"] = time.perf_counter() - t

    # --- evaluation set-up (not timed as a Splink phase): the truth, and the threshold sweep.
    t = time.perf_counter()
    con.sql(
        "create or replace table truth as select ExportID || '|' || PersonalID as unique_id, PersonKey "
        f"from read_csv('{truth_path.as_posix()}', all_varchar = true)"
    )
    best = sweep(con, predictions.physical_name)
    sweep_s = time.perf_counter() - t

    # --- cluster at the F1-best threshold (timed), then at 0.95 (the untuned baseline).
    t = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=best["threshold"]
    )
    con.sql(f"create or replace table clusters_best as select unique_id, cluster_id from {clusters.physical_name}")
    timings["cluster"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_all - sweep_s
    peak_after_pipeline = peak_rss_mb()

    t = time.perf_counter()
    clusters95 = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    )
    con.sql(f"create or replace table clusters_95 as select unique_id, cluster_id from {clusters95.physical_name}")
    cluster95_s = time.perf_counter() - t

    at_best = evaluate(con, "clusters_best")
    at_95 = evaluate(con, "clusters_95")
    con.sql(f"copy clusters_best to '{(args.out / 'clusters.csv').as_posix()}' (header)")

    model = linker.misc.save_model_to_json(str(args.out / "model.json"), overwrite=True)
    result = {
        "tool": "splink",
        "splink_version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "python": sys.version.split()[0],
        "community": str(args.community),
        "records": records,
        "pairs_kept": pairs_kept,
        "predict_floor": args.floor,
        "u_max_pairs": args.u_max_pairs,
        "names": args.names,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "sweep_s": round(sweep_s, 3),
        "cluster_at_095_s": round(cluster95_s, 3),
        "peak_rss_mb_pipeline": round(peak_after_pipeline),
        "peak_rss_mb": round(peak_rss_mb()),
        "best_threshold": {
            "threshold": best["threshold"],
            "lowest_probability_kept": best["lowest_probability_kept"],
            "next_probability": best["next_probability"],
            "sweep_f1": round(best["f1"], 6),
        },
        "at_best_threshold": at_best,
        "at_0_95": at_95,
        "probability_two_random_records_match": model["probability_two_random_records_match"]
        if isinstance(model, dict) else None,
    }
    (args.out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    tm = result["timings_s"]
    print(f"splink {splink.__version__}: {records} records, {pairs_kept} pairs kept (p >= {args.floor}); "
          f"load {tm['load']:.1f} s, train {tm['train']:.1f} s (prior {tm['train_prior']:.1f}, "
          f"u {tm['train_u']:.1f}, EM {tm['train_em']:.1f}), predict {tm['predict']:.1f} s, "
          f"cluster {tm['cluster']:.1f} s, total {tm['total']:.1f} s; peak RSS {result['peak_rss_mb']} MB")
    for name, q, thr in (("F1-best", at_best, best["threshold"]), ("0.95", at_95, 0.95)):
        print(f"  at {name} threshold {thr:.6g}: precision {q['precision']:.4f} recall {q['recall']:.4f} "
              f"F1 {q['f1']:.4f}; persons {q['predicted_persons']} vs true {q['true_persons']} "
              f"({q['person_count_error'] * 100:+.2f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
