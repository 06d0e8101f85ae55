//! `parasol eval`: runs an evaluation suite over the shared corpus and prints
//! per-file tables and a summary, with peer systems in adjacent columns.
//!
//! Exit codes: 0 when every suite ran without failures (a suite reported
//! "not available" is not a failure), 1 when a suite recorded a failure (a
//! crash, a timeout, a file Parasol could not convert), 2 for setup errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use parasol_eval::report::{self, Machine};
use parasol_eval::{Context, Paths, PipelineConverter, Suite};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SuiteArg {
    /// Text NID and reading order on Docling's born-digital PDFs (with pdftotext).
    DoclingPdf,
    /// TEDS/TEDS-S on PubTabNet tables.
    Tables,
    /// Layout mAP@0.5 on PubLayNet pages.
    Layout,
    /// CER/WER on scanned pages (with RapidOCR and Tesseract).
    Ocr,
    /// Every hostile PDF: a result or a typed error, within 30 s.
    Hostile,
    /// Pages per second and peak memory.
    Speed,
    /// Every suite in turn.
    All,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Suite to run.
    #[arg(value_enum)]
    suite: SuiteArg,
    /// Also write the reports (with the machine) as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write the reports as Markdown (for docs/BENCHMARKS.md).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// The evaluation corpus [default: ../shared/corpus beside the repository].
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Peer outputs written by scripts/peers/run.sh [default: target/peers].
    #[arg(long, value_name = "DIR")]
    peers: Option<PathBuf>,
    /// Only the quick OCR subset (phototest, eurotext, Docling's scan), as CI runs.
    #[arg(long)]
    quick: bool,
    /// Threads per model session (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Layout model, as for `parasol convert`.
    #[arg(long, value_enum, default_value = "auto")]
    layout: crate::convert::Layout,
    /// OCR models, as for `parasol convert`.
    #[arg(long, value_enum, default_value = "cascade")]
    ocr_model: crate::convert::OcrModelArg,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(path: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(args: Args, models: &Path) -> anyhow::Result<ExitCode> {
    let suites: Vec<Suite> = match args.suite {
        SuiteArg::DoclingPdf => vec![Suite::DoclingPdf],
        SuiteArg::Tables => vec![Suite::Tables],
        SuiteArg::Layout => vec![Suite::Layout],
        SuiteArg::Ocr => vec![Suite::Ocr],
        SuiteArg::Hostile => vec![Suite::Hostile],
        SuiteArg::Speed => vec![Suite::Speed],
        SuiteArg::All => Suite::ALL.to_vec(),
    };
    let paths = Paths {
        corpus: args.corpus.clone().unwrap_or_else(|| repo().join("../shared/corpus")),
        peers: args.peers.clone().unwrap_or_else(|| repo().join("target/peers")),
        scratch: repo().join("target/eval-tmp"),
        binary: std::env::current_exe().context("cannot locate the parasol binary for child processes")?,
        models: std::path::absolute(models).unwrap_or_else(|_| models.to_owned()),
    };
    let layout = args.layout.resolve(&parasol_pipeline::ModelStore::new(models));
    let converter = PipelineConverter::new(models, args.threads, Some(layout))
        .context("cannot start the conversion engine")?
        .with_ocr_model(args.ocr_model.into());
    eprintln!("layout model: {layout:?}");
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let progress = |msg: &str| bar.set_message(msg.to_owned());
    let ctx = Context { paths, converter: &converter, quick: args.quick, progress: &progress };

    let machine = Machine::detect();
    let command = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let mut reports = Vec::new();
    for suite in suites {
        bar.set_message(format!("{} …", suite.name()));
        let r = parasol_eval::suites::run(suite, &ctx).with_context(|| format!("suite {}", suite.name()))?;
        bar.suspend(|| println!("{}", r.to_text()));
        reports.push(r);
    }
    bar.finish_and_clear();
    println!("machine: {machine}");

    if let Some(path) = &args.json {
        let body = report::to_json(&format!("parasol {command}"), &machine, &reports)
            .context("cannot serialise the reports")?;
        write(path, &body)?;
    }
    if let Some(path) = &args.markdown {
        write(path, &report::to_markdown(&format!("parasol {command}"), &machine, &reports))?;
    }
    let failures: usize = reports.iter().map(|r| r.failures.len()).sum();
    if failures > 0 {
        eprintln!("{failures} failure(s); see FAILURE lines above");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
