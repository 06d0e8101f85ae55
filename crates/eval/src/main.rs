//! `parasol-eval`: runs an evaluation suite over the shared corpus and prints
//! per-file tables and a summary, with peer systems in adjacent columns.
//!
//! Evaluation is a tool of ours, not part of the product: this binary links
//! the pipeline's library API, and the `parasol` binary does not link it.
//! The `hostile` and `speed` suites run the `parasol` binary as a child
//! process on purpose (a crash must not end the run; peak memory is the
//! child's), found by an explicit path: `--parasol`, else the `parasol`
//! beside this binary (`cargo build --release` builds both).
//!
//! ```text
//! cargo build --release && cargo run --release -p parasol-eval -- ocr
//! ```
//!
//! Exit codes: 0 when every suite ran without failures (a suite reported
//! "not available" is not a failure), 1 when a suite recorded a failure (a
//! crash, a timeout, a file Parasol could not convert), 2 for setup errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use parasol_eval::report::{self, Machine};
use parasol_eval::suites::qa::QaSet;
use parasol_eval::{Context, Paths, PipelineConverter, Suite};
use parasol_models::{ChatModel, ModelStore};
use parasol_pipeline::{LayoutChoice, OcrModel};

/// Measure parsing quality and speed on the evaluation corpus, beside peers.
#[derive(Debug, Parser)]
#[command(name = "parasol-eval", version, about)]
struct Args {
    /// Suite to run: docling-pdf (NID and reading order), tables (TEDS),
    /// layout (mAP), ocr (CER/WER), hostile (a result or a typed error within
    /// 30 s), speed (pages/s and peak memory), qa (questions answered with
    /// citations, beside a pdftotext + BM25 + llama.cpp baseline), cjk
    /// (Korean and Japanese scans of the development set, CER), varied (the
    /// mix of pages a user brings, by kind: text edit, reading order, TEDS
    /// on pages, false and missed tables, beside peers), or all.
    #[arg(value_parser = Suite::select)]
    suite: ::std::vec::Vec<Suite>,
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
    /// The Korean and Japanese development set of the cjk suite, made by
    /// scripts/cjk/make_devset.py [default: target/cjk].
    #[arg(long, value_name = "DIR")]
    cjk_dir: Option<PathBuf>,
    /// Only the quick OCR subset (phototest, eurotext, Docling's scan), as CI runs.
    #[arg(long)]
    quick: bool,
    /// Threads per model session (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Layout model, as for `parasol convert` (auto, picodet, yolo, none).
    #[arg(long, default_value_t = LayoutChoice::default())]
    layout: LayoutChoice,
    /// OCR models, as for `parasol convert` (cascade, small, tiny).
    #[arg(long, default_value_t = OcrModel::default())]
    ocr_model: OcrModel,
    /// Directory holding models and native libraries
    /// [env: PARASOL_MODELS; default: the repository's models/files].
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Chat models the qa suite answers with, comma-separated
    /// (smollm2, qwen2.5-coder-1.5b) [default: every one installed].
    #[arg(long, value_delimiter = ',', value_parser = chat_model)]
    chat_models: Vec<ChatModel>,
    /// The qa suite asks only every n-th question of its set (the 1st,
    /// the (n+1)-th, …): a fixed sample for slow models.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    qa_every: u64,
    /// With --qa-every, the first question asked (0-based): offsets 0, 1
    /// and 2 of `--qa-every 3` are three disjoint thirds of the set.
    #[arg(long, default_value_t = 0)]
    qa_offset: u64,
    /// The qa suite scores the answers its previous run left in
    /// target/eval-tmp/qa instead of asking again (e.g. once the baseline
    /// has finished).
    #[arg(long)]
    qa_rescore: bool,
    /// The qa suite's question set: `main` (the development set) or
    /// `heldout` (for measuring only; see crates/eval/data/qa/README.md).
    #[arg(long, value_enum, default_value_t = QaSet::default())]
    qa_set: QaSet,
    /// The qa suite measures retrieval only (hit@5), with no chat model.
    #[arg(long, conflicts_with = "chat_models")]
    retrieval_only: bool,
    /// The `parasol` binary that the hostile and speed suites run as a
    /// child process [default: the `parasol` beside this binary].
    #[arg(long, value_name = "FILE")]
    parasol: Option<PathBuf>,
}

fn chat_model(name: &str) -> Result<ChatModel, String> {
    ChatModel::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = ChatModel::ALL.iter().map(|m| m.name()).collect();
        format!("unknown chat model `{name}`; expected one of: {}", names.join(", "))
    })
}

/// The repository root (this crate is `crates/eval`).
fn repo() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    dir.canonicalize().unwrap_or(dir)
}

/// The `parasol` binary for child-process suites: `--parasol`, else the one
/// beside this binary; it must exist.
fn parasol_binary(flag: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let path = match flag {
        Some(p) => p,
        None => {
            let me = std::env::current_exe().context("cannot locate this binary")?;
            me.with_file_name("parasol")
        }
    };
    if !path.is_file() {
        bail!(
            "the hostile and speed suites run the parasol binary, and {} is not there: build it with \
             `cargo build --release` or name it with --parasol",
            path.display()
        );
    }
    Ok(path)
}

fn write(path: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARASOL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    let models = args
        .models
        .clone()
        .or_else(|| std::env::var_os("PARASOL_MODELS").map(PathBuf::from))
        .unwrap_or_else(|| repo().join("models/files"));
    let models = models.as_path();
    let suites = args.suite.clone();
    let paths = Paths {
        corpus: args.corpus.clone().unwrap_or_else(|| repo().join("../shared/corpus")),
        peers: args.peers.clone().unwrap_or_else(|| repo().join("target/peers")),
        scratch: repo().join("target/eval-tmp"),
        binary: if suites.iter().any(|s| matches!(s, Suite::Hostile | Suite::Speed)) {
            let binary = parasol_binary(args.parasol.clone())?;
            eprintln!("parasol binary for child processes: {}", binary.display());
            binary
        } else {
            PathBuf::new()
        },
        models: std::path::absolute(models).unwrap_or_else(|_| models.to_owned()),
        cjk: args.cjk_dir.clone().unwrap_or_else(|| repo().join("target/cjk")),
    };
    let converter = PipelineConverter::new(models, args.threads, args.layout)
        .context("cannot start the conversion engine")?
        .with_ocr_model(args.ocr_model);
    eprintln!("layout model: {:?}", converter.layout());
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let progress = |msg: &str| bar.set_message(msg.to_owned());
    let chat_models = if args.retrieval_only {
        Vec::new()
    } else if args.chat_models.is_empty() {
        let store = ModelStore::new(models);
        ChatModel::ALL.into_iter().filter(|m| store.has(m.file())).collect()
    } else {
        args.chat_models.clone()
    };
    let ctx = Context {
        paths,
        converter: &converter,
        quick: args.quick,
        progress: &progress,
        chat_models,
        qa_every: args.qa_every as usize,
        qa_offset: args.qa_offset as usize,
        qa_rescore: args.qa_rescore,
        qa_set: args.qa_set,
    };

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
        let body = report::to_json(&format!("parasol-eval {command}"), &machine, &reports)
            .context("cannot serialise the reports")?;
        write(path, &body)?;
    }
    if let Some(path) = &args.markdown {
        write(path, &report::to_markdown(&format!("parasol-eval {command}"), &machine, &reports))?;
    }
    let failures: usize = reports.iter().map(|r| r.failures.len()).sum();
    if failures > 0 {
        eprintln!("{failures} failure(s); see FAILURE lines above");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
