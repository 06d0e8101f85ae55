//! `hostile`: every PDF under `hostile/` through `parasol convert` as a child
//! process. Each must give a result (exit 0) or a typed error (exit 1 with a
//! `failed: …` line) within 30 s; a panic, a signal, another exit code or a
//! timeout is a failure, and so is an encrypted file that does not open with
//! its password. The same rules as the end-to-end test `tests/hostile.rs`.

use std::path::PathBuf;
use std::time::Duration;

use crate::corpus;
use crate::process::{self, mib, ChildRun};
use crate::report::{Cell, Report, Table};
use crate::suites::Context;
use crate::EvalError;

/// Time allowed per file.
pub const LIMIT: Duration = Duration::from_secs(30);

/// Files converted at once (one ONNX thread each): the machine has two cores.
const WORKERS: usize = 2;

#[derive(Debug)]
struct Outcome {
    rel: String,
    password: bool,
    run: ChildRun,
}

/// The verdict on one run: (label, failure reason if any).
fn judge(o: &Outcome) -> (&'static str, Option<String>) {
    let last = o.run.stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    let why = |what: String| Some(format!("{}: {what}; stderr: {last}", o.rel));
    if o.run.timed_out() {
        return ("TIMEOUT", why(format!("killed after {} s", LIMIT.as_secs())));
    }
    if let Some(sig) = o.run.signal() {
        return ("SIGNAL", why(format!("killed by signal {sig}")));
    }
    match o.run.code() {
        Some(0) => ("ok", None),
        Some(1) if o.password && corpus::HOSTILE_UNOPENABLE.iter().any(|u| o.rel.ends_with(u)) => {
            if o.run.stderr.contains("the password does not open this PDF") {
                ("known", None)
            } else {
                ("error", why("behaviour changed; update corpus::HOSTILE_UNOPENABLE".into()))
            }
        }
        Some(1) if o.password => ("error", why("did not open with its password".into())),
        Some(1) if o.run.stderr.contains("failed: ") => ("error", None),
        Some(1) => ("error", why("failed without a reason".into())),
        code => ("CRASH", why(format!("exit code {code:?}"))),
    }
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let files = corpus::hostile_files(&ctx.paths.corpus)?;
    let mut report = Report::new("hostile");
    let jobs: Vec<(usize, PathBuf, Option<String>)> =
        files.into_iter().enumerate().map(|(i, (f, pw))| (i, f, pw)).collect();
    let chunk = jobs.len().div_ceil(WORKERS).max(1);
    // Only the paths cross threads: the in-process converter is not shared.
    let paths = &ctx.paths;
    let results: Vec<Result<Vec<(usize, Outcome)>, EvalError>> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .enumerate()
            .map(|(w, part)| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    for (i, file, password) in part {
                        let rel = corpus::relative(&paths.corpus, file);
                        let scratch = paths.scratch.join(format!("hostile-{w}"));
                        let out_dir = scratch.join("out");
                        let mut args: Vec<&std::ffi::OsStr> = vec![
                            "convert".as_ref(),
                            file.as_os_str(),
                            "--out".as_ref(),
                            out_dir.as_os_str(),
                            "--threads".as_ref(),
                            "1".as_ref(),
                        ];
                        if let Some(p) = password {
                            args.push("--password".as_ref());
                            args.push(p.as_ref());
                        }
                        let envs = [("PARASOL_MODELS", paths.models.as_os_str())];
                        let run = process::run(&paths.binary, &args, &envs, LIMIT, &scratch)?;
                        out.push((*i, Outcome { rel, password: password.is_some(), run }));
                    }
                    Ok(out)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Ok(Vec::new()))).collect()
    });
    let mut outcomes = Vec::new();
    for r in results {
        outcomes.extend(r?);
    }
    outcomes.sort_by_key(|(i, _)| *i);

    let mut table = Table::new(
        format!("per file (limit {} s, {WORKERS} at a time, --threads 1)", LIMIT.as_secs()),
        &["file", "outcome", "seconds", "peak MiB", "message"],
    );
    let (mut ok, mut errors, mut bad) = (0usize, 0usize, 0usize);
    let (mut max_secs, mut max_rss) = (0f64, 0u64);
    for (_, o) in &outcomes {
        let (label, failure) = judge(o);
        match (label, &failure) {
            ("ok", None) => ok += 1,
            ("error", None) => errors += 1,
            _ => bad += 1,
        }
        let secs = o.run.elapsed.as_secs_f64();
        max_secs = max_secs.max(secs);
        max_rss = max_rss.max(o.run.peak_rss.unwrap_or(0));
        let message = if o.run.code() == Some(0) {
            String::new()
        } else {
            let last = o.run.stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            // `failed: PATH: reason` → the reason; the path is in the first column.
            let reason = last.split_once(".pdf: ").map_or(last, |(_, r)| r);
            reason.chars().take(90).collect()
        };
        table.push(vec![
            Cell::text(o.rel.trim_start_matches("hostile/")),
            Cell::text(if failure.is_some() && label == "error" { "FAILED" } else { label }),
            Cell::num(secs, 2),
            Cell::opt(o.run.peak_rss.map(mib), 0),
            Cell::text(message),
        ]);
        if let Some(f) = failure {
            report.failures.push(f);
        }
    }
    let mut summary =
        Table::new("summary", &["files", "result", "typed error", "failures", "max seconds", "max peak MiB"]);
    summary.push(vec![
        Cell::num(outcomes.len() as f64, 0),
        Cell::num(ok as f64, 0),
        Cell::num(errors as f64, 0),
        Cell::num(bad as f64, 0),
        Cell::num(max_secs, 2),
        Cell::num(mib(max_rss), 0),
    ]);
    report.tables.push(table);
    report.tables.push(summary);
    report.notes.push("peak MiB: VmHWM of the child, sampled every 10 ms".into());
    Ok(report)
}
