//! `parasol convert`: batch conversion with a progress bar and a summary.
//!
//! What is converted and where its outputs go is planned first
//! ([`inputs`]); each file's outputs are then written together or not at
//! all ([`outputs`]). A file that fails is reported and the batch goes on;
//! Ctrl-C cancels the file being converted, leaves no partial output and
//! ends the batch (a second Ctrl-C ends the process at once).

mod inputs;
mod outputs;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use parasol_pipeline::{
    CancelToken, Engine, EngineConfig, Figures, Lang, LayoutChoice, Limits, OcrMode, OcrModel, Options,
    OutputFormat, PipelineError, DEFAULT_DPI,
};

use crate::{choice, shown};
use inputs::Job;
use outputs::{OutDir, OutputSet};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to convert; directories are walked recursively.
    #[arg(required = true, value_name = "FILE|DIR")]
    inputs: Vec<PathBuf>,
    /// Output directory; one output per input, mirroring relative paths.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Output formats, comma-separated: Upstage-style HTML, Markdown, plain
    /// text, Upstage Document Parse's JSON.
    #[arg(long, value_parser = choice::<OutputFormat>(OutputFormat::NAMES), value_delimiter = ',', default_value = "html")]
    format: Vec<OutputFormat>,
    /// Where text comes from: `auto`, the text layer where trustworthy and
    /// OCR elsewhere; `force`, OCR every page.
    #[arg(long, value_parser = choice::<OcrMode>(OcrMode::NAMES), default_value_t = OcrMode::default())]
    ocr: OcrMode,
    /// OCR models for scanned pages and image regions: `cascade` (tiny
    /// recogniser, small again where it is unsure), `small` (RapidOCR's
    /// defaults), `tiny` (fastest, least accurate).
    #[arg(long, value_parser = choice::<OcrModel>(OcrModel::NAMES), default_value_t = OcrModel::default())]
    ocr_model: OcrModel,
    /// Language of scanned text: `auto` (per page: the text layer's
    /// script, else lines PP-OCRv6 seems to misread are read again by the
    /// Korean recogniser), `en`, `ja`, `zh` (PP-OCRv6), `ko` (every line by
    /// Tesseract kor+eng; needs Debian's libtesseract5).
    #[arg(long, value_parser = choice::<Lang>(Lang::NAMES), default_value_t = Lang::default())]
    lang: Lang,
    /// Layout model. `yolo` (DocLayNet classes) is the more accurate one
    /// (PubLayNet mAP@0.5 0.81 vs 0.64) but its weights are AGPL-3.0, so they
    /// are only fetched on request: `python3 scripts/fetch_models.py --group agpl`.
    /// `auto` uses `yolo` when those weights are installed, else `picodet`.
    #[arg(long, value_parser = choice::<LayoutChoice>(LayoutChoice::NAMES), default_value_t = LayoutChoice::default())]
    layout: LayoutChoice,
    /// Skip table structure recognition (tables become plain text).
    #[arg(long)]
    no_tables: bool,
    /// Keep display equations as their text instead of reading them as LaTeX.
    #[arg(long)]
    no_formulas: bool,
    /// Do not turn scanned pages upright or straighten tilted ones.
    #[arg(long)]
    no_orientation: bool,
    /// Figure images: embedded as base64 PNG, written as PNG files beside
    /// the outputs (`NAME_files/`), or left out.
    #[arg(long, value_parser = choice::<Figures>(Figures::NAMES), default_value_t = Figures::default())]
    figures: Figures,
    /// Leave page headers and footers out.
    #[arg(long)]
    drop_headers_footers: bool,
    /// Password for encrypted PDFs.
    #[arg(long)]
    password: Option<String>,
    /// Render resolution for PDF pages.
    #[arg(long, default_value_t = DEFAULT_DPI)]
    dpi: f32,
    /// Largest input file, in MiB.
    #[arg(long, default_value_t = Limits::default().max_file_bytes >> 20)]
    max_file_mib: u64,
    /// Most pages per document.
    #[arg(long, default_value_t = Limits::default().max_pages)]
    max_pages: usize,
    /// Most megapixels per page image (larger PDF pages render at lower DPI).
    #[arg(long, default_value_t = Limits::default().max_page_pixels / 1_000_000)]
    max_megapixels: u64,
    /// Threads per model session (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// Stages each figure's PNG as `STEM_files/pPAGE-eID.png` and points the
/// element at the file instead of embedding it.
fn stage_figures(
    doc: &mut parasol_doc::Document,
    set: &mut OutputSet<'_>,
    stem: &Path,
) -> anyhow::Result<()> {
    let mut dir_name = stem.file_name().unwrap_or_default().to_os_string();
    dir_name.push("_files");
    let rel_dir = PathBuf::from(&dir_name);
    let dir = stem.parent().unwrap_or(Path::new("")).join(&dir_name);
    for e in &mut doc.elements {
        let Some(img) = e.image.as_mut() else { continue };
        let Some(png) = img.png.take() else { continue };
        let name = format!("p{}-e{}.png", e.page, e.id);
        set.add(&dir.join(&name), &png)
            .with_context(|| format!("cannot write {}", shown(&dir.join(&name))))?;
        img.file = Some(rel_dir.join(name).to_string_lossy().into_owned());
    }
    Ok(())
}

/// Ctrl-C: the first sets the returned flag (the conversion under way is
/// cancelled), a second one ends the process with status 130.
fn interrupt_flag() -> anyhow::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register_conditional_shutdown(signal_hook::consts::SIGINT, 130, Arc::clone(&flag))
        .context("cannot install the Ctrl-C handler")?;
    signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&flag))
        .context("cannot install the Ctrl-C handler")?;
    Ok(flag)
}

pub fn run(args: Args, models: &Path) -> anyhow::Result<ExitCode> {
    let out = OutDir::open(&args.out)
        .with_context(|| format!("cannot write to the output directory {}", shown(&args.out)))?;
    let plan = inputs::plan(&args.inputs, out.root());
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    for failure in &plan.failures {
        eprintln!("failed: {failure}");
    }
    let jobs = plan.jobs;
    if jobs.is_empty() && plan.failures.is_empty() {
        bail!("no convertible files found in the given inputs");
    }
    let mut config = EngineConfig::from_models_dir(models);
    if let Some(t) = args.threads {
        config.threads = t.max(1);
    }
    let engine = Engine::new(config).context("cannot start the conversion engine")?;
    tracing::info!(layout = ?engine.resolve_layout(args.layout), "layout model");
    let interrupted = interrupt_flag()?;
    let options = Options {
        ocr: args.ocr,
        ocr_model: args.ocr_model,
        lang: args.lang,
        layout: args.layout,
        tables: !args.no_tables,
        formulas: !args.no_formulas,
        orientation: !args.no_orientation,
        figures: args.figures,
        drop_headers_footers: args.drop_headers_footers,
        dpi: args.dpi,
        password: args.password.clone(),
        limits: Limits {
            max_file_bytes: args.max_file_mib.saturating_mul(1 << 20),
            max_pages: args.max_pages,
            max_page_pixels: args.max_megapixels.saturating_mul(1_000_000),
            ..Limits::default()
        },
        cancel: CancelToken::from(Arc::clone(&interrupted)),
        ..Options::default()
    };
    options.validate()?;
    let mut formats = args.format.clone();
    formats.sort_by_key(|f| f.ext());
    formats.dedup();

    let bar = ProgressBar::new(jobs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} files {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let start = Instant::now();
    let (mut ok, mut failed, mut pages) = (0usize, plan.failures.len(), 0usize);
    for job in &jobs {
        if interrupted.load(Ordering::Relaxed) {
            break;
        }
        bar.set_message(shown(&job.input));
        match convert_one(&engine, &options, &formats, args.figures, &out, job, &bar) {
            Ok((n, diagnostics)) => {
                ok += 1;
                pages += n;
                for d in diagnostics {
                    let at = d.page.map(|p| format!(" page {p}")).unwrap_or_default();
                    bar.suspend(|| eprintln!("warning: {}{at}: {}", shown(&job.input), d.message));
                }
            }
            Err(e) => {
                match e.downcast_ref::<PipelineError>() {
                    // Every other file would fail the same way: a setup error.
                    Some(PipelineError::ModelMissing(_)) => {
                        bar.finish_and_clear();
                        return Err(e);
                    }
                    Some(PipelineError::Cancelled) => break,
                    _ => {}
                }
                failed += 1;
                bar.suspend(|| eprintln!("failed: {}: {e:#}", shown(&job.input)));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    let total = jobs.len() + plan.failures.len();
    println!(
        "{total} files ({ok} converted, {failed} failed), {pages} pages, {secs:.2} s, {:.2} pages/s",
        pages as f64 / secs.max(1e-9)
    );
    if interrupted.load(Ordering::Relaxed) {
        eprintln!("interrupted: {} file(s) not converted", total - ok - failed);
        return Ok(ExitCode::from(130));
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Converts one file and puts its outputs in place together; returns its
/// page count and diagnostics.
fn convert_one(
    engine: &Engine,
    options: &Options,
    formats: &[OutputFormat],
    figures: Figures,
    out: &OutDir,
    job: &Job,
    bar: &ProgressBar,
) -> anyhow::Result<(usize, Vec<parasol_pipeline::Diagnostic>)> {
    let mut on_progress = |p: parasol_pipeline::Progress| {
        bar.set_message(format!("{} (page {}/{})", shown(&job.input), p.page, p.pages));
    };
    let mut c = engine.convert_path(&job.input, options, &mut on_progress)?;
    let mut set = out.set();
    if figures == Figures::Files {
        stage_figures(&mut c.document, &mut set, &job.out_stem)?;
    }
    for f in formats {
        let body = f.render(&c.document, parasol_pipeline::PRODUCER);
        let mut name = job.out_stem.clone().into_os_string();
        name.push(".");
        name.push(f.ext());
        let rel = PathBuf::from(name);
        set.add(&rel, body.as_bytes())
            .with_context(|| format!("cannot write {}", shown(&out.root().join(&rel))))?;
    }
    // Interrupted while writing: nothing of this file is put in place.
    if options.cancel.is_cancelled() {
        return Err(PipelineError::Cancelled.into());
    }
    set.commit()?;
    Ok((c.document.pages.len(), c.diagnostics))
}
