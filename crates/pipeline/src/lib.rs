//! The conversion façade: one [`Engine`] owns the models and turns a document
//! (a path or bytes) into a [`Document`] in reading order.
//!
//! This crate is the API boundary for the CLI and the HTTP server. Page by
//! page it decides whether text comes from the PDF's own text layer or from
//! OCR, turns scanned pages upright, finds layout regions, recognises table
//! structure, crops figures, and hands everything to `parasol-assemble`. It
//! degrades instead of failing: a page that cannot be rendered or read
//! becomes an empty page plus a [`Diagnostic`].
//!
//! ```no_run
//! use parasol_pipeline::{Engine, EngineConfig, Options};
//! let engine = Engine::new(EngineConfig::from_models_dir("models/files"))?;
//! let out = engine.convert_path("report.pdf".as_ref(), &Options::default(), &mut |_| {})?;
//! println!("{}", out.document.to_html());
//! # Ok::<(), parasol_pipeline::PipelineError>(())
//! ```

pub mod models;
mod page;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use parasol_doc::{Document, TextOrigin};
use parasol_source::{OpenOptions, Source};
use parasol_vision::layout::{LayoutDetector, LayoutModelKind};
use parasol_vision::table::TableStructure;
use parasol_vision::{OcrEngine, OcrModels};

pub use models::{ModelStore, FETCH_COMMAND};
pub use parasol_source::{Kind, Limit, Limits, SourceError};

/// Where each page's text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OcrMode {
    /// The PDF text layer where it exists and is trustworthy, OCR elsewhere.
    #[default]
    Auto,
    /// OCR every page, ignoring any text layer.
    Force,
}

/// Which OCR models read scanned pages and image regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OcrModel {
    /// PP-OCRv6 small detector; every line read by the tiny recogniser
    /// first and again by the small one when the tiny one is unsure. As
    /// accurate as `Small` on the OCR suite (CER 0.315) and about twice as
    /// fast on dense pages.
    #[default]
    Cascade,
    /// PP-OCRv6 small detector and recogniser, exactly as RapidOCR 3.10
    /// runs them by default.
    Small,
    /// PP-OCRv6 tiny detector and recogniser: the fastest, and the least
    /// accurate (CER 0.331), with a 6,904-character dictionary instead of
    /// 18,708.
    Tiny,
}

/// Which layout model finds regions (headings, tables, figures, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LayoutModel {
    /// No layout model: paragraphs from line geometry only.
    None,
    /// PicoDet trained on CDLA (Apache-2.0).
    #[default]
    PicoDet,
    /// YOLOv8n trained on DocLayNet; AGPL-3.0 weights, fetched only on opt-in.
    Yolo,
}

impl LayoutModel {
    fn kind(self) -> Option<LayoutModelKind> {
        match self {
            LayoutModel::None => None,
            LayoutModel::PicoDet => Some(LayoutModelKind::PicoDetCdla),
            LayoutModel::Yolo => Some(LayoutModelKind::YoloDocLayNet),
        }
    }
}

/// Per-conversion options.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub ocr: OcrMode,
    pub ocr_model: OcrModel,
    pub layout: LayoutModel,
    /// Recognise table structure (rows, columns, spans) in table regions.
    pub tables: bool,
    /// Turn scanned pages upright (0/90/180/270) before reading them, judged
    /// from the detected text lines' shapes and the line classifier's votes.
    pub orientation: bool,
    /// Crop figures and charts and keep their images (PNG) in the output.
    pub figure_images: bool,
    /// Leave page headers and footers out of the document.
    pub drop_headers_footers: bool,
    /// Read each page as one table (inputs that are crops of a table, such
    /// as PubTabNet's images) instead of running the layout model.
    pub page_is_table: bool,
    /// Render resolution for PDF pages.
    pub dpi: f32,
    pub password: Option<String>,
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            ocr: OcrMode::Auto,
            ocr_model: OcrModel::default(),
            layout: LayoutModel::default(),
            tables: true,
            orientation: true,
            figure_images: true,
            drop_headers_footers: false,
            page_is_table: false,
            dpi: 150.0,
            password: None,
            limits: Limits::default(),
        }
    }
}

/// How an engine is set up.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub models: ModelStore,
    /// Threads for each ONNX Runtime session.
    pub threads: usize,
}

impl EngineConfig {
    pub fn from_models_dir(dir: impl Into<PathBuf>) -> EngineConfig {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        EngineConfig { models: ModelStore::new(dir), threads }
    }
}

/// Why a document could not be converted at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    #[error("missing model file {path}; run `{command}` to fetch it")]
    ModelMissing { path: PathBuf, command: &'static str },
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("cannot start a model")]
    Vision(#[from] parasol_vision::VisionError),
}

/// Something worth knowing about a conversion that still succeeded.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// 1-based page number, when it concerns one page.
    pub page: Option<usize>,
    pub message: String,
}

/// Progress of one conversion, reported page by page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub page: usize,
    pub pages: usize,
}

/// The result of a conversion.
#[derive(Debug, Clone)]
pub struct Converted {
    pub kind: Kind,
    pub document: Document,
    /// Where each page's text came from (`None`: the page had no text).
    pub text_origin: Vec<Option<TextOrigin>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Owns the models, each loaded on first use; share it by reference.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    /// One engine per [`OcrModel`], loaded on first use.
    ocr: [OnceLock<OcrEngine>; 3],
    table: OnceLock<TableStructure>,
    picodet: OnceLock<Box<dyn LayoutDetector>>,
    yolo: OnceLock<Box<dyn LayoutDetector>>,
}

/// `cell.get_or_try_init(init)`, which std does not have yet: a racing
/// second initialiser's value is dropped.
fn get_or_load<T>(
    cell: &OnceLock<T>,
    init: impl FnOnce() -> Result<T, PipelineError>,
) -> Result<&T, PipelineError> {
    if let Some(v) = cell.get() {
        return Ok(v);
    }
    let v = init()?;
    Ok(cell.get_or_init(|| v))
}

impl Engine {
    /// Binds the native libraries (PDFium now, ONNX Runtime on first model use).
    pub fn new(config: EngineConfig) -> Result<Engine, PipelineError> {
        let pdfium = config.models.require(models::files::PDFIUM)?;
        parasol_source::init_pdfium(&pdfium)?;
        Ok(Engine {
            config,
            ocr: Default::default(),
            table: OnceLock::new(),
            picodet: OnceLock::new(),
            yolo: OnceLock::new(),
        })
    }

    fn runtime(&self) -> Result<(), PipelineError> {
        parasol_vision::init_runtime(&self.config.models.require(models::files::ONNXRUNTIME)?)?;
        Ok(())
    }

    fn ocr(&self, model: OcrModel) -> Result<&OcrEngine, PipelineError> {
        get_or_load(&self.ocr[model as usize], || {
            self.runtime()?;
            let store = &self.config.models;
            let models = match model {
                OcrModel::Cascade => OcrModels::cascade_in_dir(store.dir()),
                OcrModel::Small => OcrModels::in_dir(store.dir()),
                OcrModel::Tiny => OcrModels::tiny_in_dir(store.dir()),
            };
            for path in models.files() {
                store.require(&path.file_name().unwrap_or_default().to_string_lossy())?;
            }
            Ok(OcrEngine::new(&models, self.config.threads)?)
        })
    }

    fn table(&self) -> Result<&TableStructure, PipelineError> {
        get_or_load(&self.table, || {
            self.runtime()?;
            let path = self.config.models.require(models::files::TABLE)?;
            Ok(TableStructure::new(&path, self.config.threads)?)
        })
    }

    fn layout(&self, model: LayoutModel) -> Result<Option<&dyn LayoutDetector>, PipelineError> {
        let Some(kind) = model.kind() else { return Ok(None) };
        let cell = match kind {
            LayoutModelKind::PicoDetCdla => &self.picodet,
            LayoutModelKind::YoloDocLayNet => &self.yolo,
        };
        let detector = get_or_load(cell, || {
            self.runtime()?;
            let path = self.config.models.require(kind.file_name())?;
            Ok(kind.load(&path, self.config.threads)?)
        })?;
        Ok(Some(detector.as_ref()))
    }

    /// Loads every model `options` needs now rather than on first use.
    pub fn warm_up(&self, options: &Options) -> Result<(), PipelineError> {
        self.ocr(options.ocr_model)?;
        self.layout(options.layout)?;
        if options.tables && options.layout != LayoutModel::None {
            self.table()?;
        }
        Ok(())
    }

    pub fn convert_path(
        &self,
        path: &Path,
        options: &Options,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Converted, PipelineError> {
        let source = Source::open_path(path, &open_options(options))?;
        self.convert_source(&source, options, on_progress)
    }

    pub fn convert_bytes(
        &self,
        bytes: Vec<u8>,
        options: &Options,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Converted, PipelineError> {
        let source = Source::open_bytes(bytes, &open_options(options))?;
        self.convert_source(&source, options, on_progress)
    }

    fn convert_source(
        &self,
        source: &Source,
        options: &Options,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Converted, PipelineError> {
        let pages = source.page_count();
        let mut texts = Vec::with_capacity(pages);
        let mut origins = Vec::with_capacity(pages);
        let mut diagnostics = Vec::new();
        for index in 0..pages {
            let number = index + 1;
            let t0 = Instant::now();
            let page = source.page(index);
            tracing::debug!(page = number, render_ms = t0.elapsed().as_millis() as u64, "page source");
            let (text, origin) = match page {
                Ok(page) => self.read_page(page, options, &mut diagnostics)?,
                Err(e) => {
                    tracing::warn!(page = number, error = %e, "page skipped");
                    diagnostics.push(Diagnostic { page: Some(number), message: e.to_string() });
                    (page::empty(number, options.dpi), None)
                }
            };
            texts.push(text);
            origins.push(origin);
            on_progress(Progress { page: number, pages });
        }
        let t0 = Instant::now();
        let mut document = parasol_assemble::assemble(&texts);
        tracing::debug!(assemble_ms = t0.elapsed().as_millis() as u64, "assembly");
        if options.drop_headers_footers {
            parasol_assemble::drop_headers_footers(&mut document);
        }
        Ok(Converted { kind: source.kind(), document, text_origin: origins, diagnostics })
    }
}

fn open_options(o: &Options) -> OpenOptions {
    OpenOptions { dpi: o.dpi, password: o.password.clone(), limits: o.limits }
}
