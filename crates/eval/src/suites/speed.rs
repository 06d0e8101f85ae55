//! `speed`: pages per second and peak memory of `parasol convert` as a child
//! process (one process per set, models loaded once, all cores), for
//! born-digital PDFs (text layer) and scanned pages (`--ocr force`).

use std::path::PathBuf;
use std::time::Duration;

use crate::corpus;
use crate::process::{self, mib};
use crate::report::{Cell, Report, Table};
use crate::suites::Context;
use crate::EvalError;

/// Time allowed for one set.
const LIMIT: Duration = Duration::from_secs(900);

/// The page count from `parasol convert`'s summary line
/// (`N files (… converted, … failed), P pages, …`).
fn pages_from_summary(stdout: &str) -> Option<usize> {
    let line = stdout.lines().rev().find(|l| l.contains(" pages, "))?;
    let before = &line[..line.find(" pages, ")?];
    before.rsplit(' ').next()?.parse().ok()
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let c = &ctx.paths.corpus;
    let born_digital = corpus::files_with(&c.join("docling/pdf/sources"), &["pdf"])?;
    let mut scanned: Vec<PathBuf> = corpus::files_with(&c.join("ocr/tesseract-test"), &["tif", "png"])?;
    scanned.extend(corpus::files_with(&c.join("docling/ocr/sources"), &["pdf", "png", "jpg"])?);
    let sets: [(&str, Vec<PathBuf>, bool); 2] = [
        ("born-digital (docling/pdf/sources)", born_digital, false),
        ("scanned (tesseract-test, docling/ocr)", scanned, true),
    ];

    let mut report = Report::new("speed");
    let mut table = Table::new(
        "one `parasol convert` process per set (wall time includes start-up and model loading)",
        &["set", "files", "pages", "seconds", "pages/s", "s/page", "peak MiB", "exit"],
    );
    for (name, files, ocr) in sets {
        (ctx.progress)(name);
        let out_dir = ctx.paths.scratch.join("speed-out");
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "convert".as_ref(),
            "--out".as_ref(),
            out_dir.as_os_str(),
            "--format".as_ref(),
            "html".as_ref(),
        ];
        if ocr {
            args.extend([std::ffi::OsStr::new("--ocr"), std::ffi::OsStr::new("force")]);
        }
        args.extend(files.iter().map(|f| f.as_os_str()));
        let envs = [("PARASOL_MODELS", ctx.paths.models.as_os_str())];
        let run = process::run(&ctx.paths.binary, &args, &envs, LIMIT, &ctx.paths.scratch.join("speed"))?;
        let secs = run.elapsed.as_secs_f64();
        let pages = pages_from_summary(&run.stdout);
        if run.timed_out() || run.signal().is_some() || !matches!(run.code(), Some(0) | Some(1)) {
            report.failures.push(format!(
                "{name}: parasol convert ended with {:?}: {}",
                run.status,
                run.stderr.trim()
            ));
        }
        table.push(vec![
            Cell::text(name),
            Cell::num(files.len() as f64, 0),
            Cell::opt(pages.map(|p| p as f64), 0),
            Cell::num(secs, 2),
            Cell::opt(pages.map(|p| p as f64 / secs.max(1e-9)), 2),
            Cell::opt(pages.filter(|p| *p > 0).map(|p| secs / p as f64), 3),
            Cell::opt(run.peak_rss.map(mib), 0),
            Cell::text(run.code().map_or("—".into(), |c| c.to_string())),
        ]);
    }
    report.tables.push(table);
    report.notes.push("peak MiB: VmHWM of the child, sampled every 10 ms".into());
    report
        .notes
        .push("per-file seconds/page beside the peers are in the `ocr` and `docling-pdf` suites".into());
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_page_count() {
        let out = "13 files (13 converted, 0 failed), 38 pages, 4.21 s, 9.03 pages/s\n";
        assert_eq!(pages_from_summary(out), Some(38));
        assert_eq!(pages_from_summary("nothing"), None);
    }
}
