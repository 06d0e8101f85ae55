//! `parasol convert`: batch conversion with a progress bar and a summary.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use parasol_pipeline::{Engine, EngineConfig, LayoutModel, Limits, ModelStore, OcrMode, OcrModel, Options};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Ocr {
    /// Text layer where trustworthy, OCR elsewhere.
    Auto,
    /// OCR every page.
    Force,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
enum Format {
    /// Upstage-style HTML.
    Html,
    /// Markdown.
    Md,
    /// Plain text.
    Txt,
    /// Upstage Document Parse's JSON response.
    Json,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Md => "md",
            Format::Txt => "txt",
            Format::Json => "json",
        }
    }

    fn render(self, doc: &parasol_doc::Document) -> String {
        match self {
            Format::Html => doc.to_html(),
            Format::Md => doc.to_markdown(),
            Format::Txt => doc.to_text(),
            Format::Json => {
                let model = concat!("parasol-", env!("CARGO_PKG_VERSION"));
                format!("{:#}\n", doc.to_upstage(model))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// The better model that is installed: `yolo` if its weights were
    /// fetched (opt-in), else `picodet`.
    Auto,
    /// PicoDet trained on CDLA (Apache-2.0).
    Picodet,
    /// YOLOv8n trained on DocLayNet (AGPL-3.0 weights, opt-in fetch).
    Yolo,
    /// No layout model: paragraphs from line geometry only.
    None,
}

impl Layout {
    /// The pipeline's model for this choice, given what is installed.
    pub fn resolve(self, models: &ModelStore) -> LayoutModel {
        match self {
            Layout::Auto => models.best_layout(),
            Layout::Picodet => LayoutModel::PicoDet,
            Layout::Yolo => LayoutModel::Yolo,
            Layout::None => LayoutModel::None,
        }
    }
}

/// The OCR models for scanned pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OcrModelArg {
    /// Small detector; tiny recogniser first, small again where it is
    /// unsure: small's accuracy at about twice its speed.
    Cascade,
    /// PP-OCRv6 small detector and recogniser, as RapidOCR 3.10 runs them.
    Small,
    /// PP-OCRv6 tiny detector and recogniser: fastest, least accurate.
    Tiny,
}

impl From<OcrModelArg> for OcrModel {
    fn from(arg: OcrModelArg) -> OcrModel {
        match arg {
            OcrModelArg::Cascade => OcrModel::Cascade,
            OcrModelArg::Small => OcrModel::Small,
            OcrModelArg::Tiny => OcrModel::Tiny,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Figures {
    Embed,
    Files,
    None,
}

/// Extensions picked up when walking a directory. Files named on the
/// command line are always tried, and recognised by content.
const DIR_EXTENSIONS: &[&str] = &["pdf", "png", "jpg", "jpeg", "tif", "tiff", "webp"];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to convert; directories are walked recursively.
    #[arg(required = true, value_name = "FILE|DIR")]
    inputs: Vec<PathBuf>,
    /// Output directory; one output per input, mirroring relative paths.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Output formats, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "html")]
    format: Vec<Format>,
    /// Where text comes from.
    #[arg(long, value_enum, default_value = "auto")]
    ocr: Ocr,
    /// OCR models for scanned pages and image regions.
    #[arg(long, value_enum, default_value = "cascade")]
    ocr_model: OcrModelArg,
    /// Layout model. `yolo` (DocLayNet classes) is the more accurate one
    /// (PubLayNet mAP@0.5 0.81 vs 0.64) but its weights are AGPL-3.0, so they
    /// are only fetched on request: `python3 scripts/fetch_models.py --group agpl`.
    /// `auto` uses `yolo` when those weights are installed, else `picodet`.
    #[arg(long, value_enum, default_value = "auto")]
    layout: Layout,
    /// Skip table structure recognition (tables become plain text).
    #[arg(long)]
    no_tables: bool,
    /// Do not turn scanned pages upright.
    #[arg(long)]
    no_orientation: bool,
    /// Figure images: embedded as base64 PNG, written as PNG files beside
    /// the outputs (`NAME_files/`), or left out.
    #[arg(long, value_enum, default_value = "embed")]
    figures: Figures,
    /// Leave page headers and footers out.
    #[arg(long)]
    drop_headers_footers: bool,
    /// Password for encrypted PDFs.
    #[arg(long)]
    password: Option<String>,
    /// Render resolution for PDF pages.
    #[arg(long, default_value_t = 150.0)]
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

/// One input file and where its outputs go (without extension).
#[derive(Debug)]
struct Job {
    input: PathBuf,
    out_stem: PathBuf,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ty = e.file_type()?;
        if ty.is_dir() {
            walk(&path, out)?;
        } else if ty.is_file() {
            let ext = path.extension().and_then(|x| x.to_str()).map(str::to_ascii_lowercase);
            if ext.is_some_and(|x| DIR_EXTENSIONS.contains(&x.as_str())) {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// Plans outputs: `DIR/a/b.pdf` → `OUT/a/b`, a named file → `OUT/<stem>`.
/// Inputs whose stems collide keep their extension (`b.pdf`, `b.png`).
fn plan(inputs: &[PathBuf]) -> anyhow::Result<Vec<Job>> {
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut files = Vec::new();
            walk(input, &mut files).with_context(|| format!("cannot list {}", input.display()))?;
            for f in files {
                // Walked paths are always below `input`, so this holds no `..`.
                let rel = f.strip_prefix(input).unwrap_or(&f).to_path_buf();
                found.push((f, rel));
            }
        } else {
            let name = input.file_name().map(PathBuf::from);
            let Some(name) = name else { bail!("{} is not a file name", input.display()) };
            found.push((input.clone(), name));
        }
    }
    let mut stems: HashMap<PathBuf, usize> = HashMap::new();
    for (_, rel) in &found {
        *stems.entry(rel.with_extension("")).or_default() += 1;
    }
    Ok(found
        .into_iter()
        .map(|(input, rel)| {
            let stem = rel.with_extension("");
            let out_stem = if stems[&stem] > 1 { rel } else { stem };
            Job { input, out_stem }
        })
        .collect())
}

/// Writes atomically: a temporary file renamed into place, so a failure
/// never leaves a partial output.
fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = path
        .with_extension(format!("{}.partial", path.extension().and_then(|e| e.to_str()).unwrap_or("out")));
    let mut f = fs::File::create(&tmp)?;
    let r = f.write_all(contents.as_bytes()).and_then(|_| f.sync_all());
    drop(f);
    match r.and_then(|_| fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Writes each figure's PNG to `OUT/STEM_files/` and points the element at
/// the file instead of embedding it.
fn write_figures(doc: &mut parasol_doc::Document, out: &Path, stem: &Path) -> anyhow::Result<()> {
    let mut dir_name = stem.file_name().unwrap_or_default().to_os_string();
    dir_name.push("_files");
    let rel_dir = PathBuf::from(&dir_name);
    let dir = out.join(stem.parent().unwrap_or(Path::new(""))).join(&dir_name);
    for e in &mut doc.elements {
        let Some(img) = e.image.as_mut() else { continue };
        let Some(png) = img.png.take() else { continue };
        let name = format!("p{}-e{}.png", e.page, e.id);
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        fs::write(dir.join(&name), png)
            .with_context(|| format!("cannot write {}", dir.join(&name).display()))?;
        img.file = Some(rel_dir.join(name).to_string_lossy().into_owned());
    }
    Ok(())
}

pub fn run(args: Args, models: &Path) -> anyhow::Result<ExitCode> {
    let jobs = plan(&args.inputs)?;
    if jobs.is_empty() {
        bail!("no convertible files found in the given inputs");
    }
    let mut config = EngineConfig::from_models_dir(models);
    if let Some(t) = args.threads {
        config.threads = t.max(1);
    }
    let layout = args.layout.resolve(&config.models);
    tracing::info!(?layout, "layout model");
    let engine = Engine::new(config).context("cannot start the conversion engine")?;
    let options = Options {
        ocr: match args.ocr {
            Ocr::Auto => OcrMode::Auto,
            Ocr::Force => OcrMode::Force,
        },
        ocr_model: args.ocr_model.into(),
        layout,
        tables: !args.no_tables,
        orientation: !args.no_orientation,
        figure_images: args.figures != Figures::None,
        drop_headers_footers: args.drop_headers_footers,
        page_is_table: false,
        dpi: args.dpi,
        password: args.password.clone(),
        limits: Limits {
            max_file_bytes: args.max_file_mib.saturating_mul(1 << 20),
            max_pages: args.max_pages,
            max_page_pixels: args.max_megapixels.saturating_mul(1_000_000),
        },
    };
    let mut formats = args.format.clone();
    formats.sort_by_key(|f| f.ext());
    formats.dedup();

    let bar = ProgressBar::new(jobs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} files {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let start = Instant::now();
    let (mut ok, mut failed, mut pages) = (0usize, 0usize, 0usize);
    for job in &jobs {
        bar.set_message(job.input.display().to_string());
        let mut on_progress = |p: parasol_pipeline::Progress| {
            bar.set_message(format!("{} (page {}/{})", job.input.display(), p.page, p.pages));
        };
        let result = engine
            .convert_path(&job.input, &options, &mut on_progress)
            .map_err(anyhow::Error::from)
            .and_then(|mut c| {
                if args.figures == Figures::Files {
                    write_figures(&mut c.document, &args.out, &job.out_stem)?;
                }
                for f in &formats {
                    let body = f.render(&c.document);
                    let mut name = job.out_stem.clone().into_os_string();
                    name.push(".");
                    name.push(f.ext());
                    let path = args.out.join(name);
                    write_atomic(&path, &body).with_context(|| format!("cannot write {}", path.display()))?;
                }
                Ok(c)
            });
        match result {
            Ok(c) => {
                ok += 1;
                pages += c.document.pages.len();
                for d in &c.diagnostics {
                    let at = d.page.map(|p| format!(" page {p}")).unwrap_or_default();
                    bar.suspend(|| eprintln!("warning: {}{at}: {}", job.input.display(), d.message));
                }
            }
            Err(e) => {
                if let Some(parasol_pipeline::PipelineError::ModelMissing { .. }) =
                    e.downcast_ref::<parasol_pipeline::PipelineError>()
                {
                    // Every other file would fail the same way: a setup error.
                    bar.finish_and_clear();
                    return Err(e);
                }
                failed += 1;
                bar.suspend(|| eprintln!("failed: {}: {e:#}", job.input.display()));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} files ({ok} converted, {failed} failed), {pages} pages, {secs:.2} s, {:.2} pages/s",
        jobs.len(),
        pages as f64 / secs.max(1e-9)
    );
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_layout_is_yolo_only_when_its_weights_are_installed() {
        let dir = std::env::temp_dir().join(format!("parasol-layout-auto-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = ModelStore::new(&dir);
        assert_eq!(Layout::Auto.resolve(&store), LayoutModel::PicoDet);
        std::fs::write(dir.join("yolov8n-doclaynet.onnx"), b"").unwrap();
        assert_eq!(Layout::Auto.resolve(&store), LayoutModel::Yolo);
        assert_eq!(Layout::Picodet.resolve(&store), LayoutModel::PicoDet);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn colliding_stems_keep_their_extension() {
        let jobs =
            plan(&[PathBuf::from("a/report.pdf"), PathBuf::from("b/report.png"), PathBuf::from("c/x.jpg")])
                .unwrap_or_default();
        let outs: Vec<_> = jobs.iter().map(|j| j.out_stem.clone()).collect();
        assert_eq!(outs, [PathBuf::from("report.pdf"), PathBuf::from("report.png"), PathBuf::from("x")]);
    }
}
