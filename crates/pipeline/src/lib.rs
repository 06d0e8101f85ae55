//! The conversion façade: one [`Engine`] owns the models and turns a document
//! (a path or bytes) into a [`Document`] in reading order.
//!
//! This crate is the API boundary for the CLI and the HTTP server. It decides,
//! page by page, whether text comes from the PDF's own text layer or from OCR,
//! and degrades instead of failing: a page that cannot be rendered or read
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

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use parasol_assemble::PageText;
use parasol_doc::{Document, PageInfo, TextLine, TextOrigin};
use parasol_source::{OpenOptions, Source};
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

/// Per-conversion options.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub ocr: OcrMode,
    /// Render resolution for PDF pages.
    pub dpi: f32,
    pub password: Option<String>,
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Options {
        Options { ocr: OcrMode::Auto, dpi: 150.0, password: None, limits: Limits::default() }
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
    #[error("cannot start the OCR models")]
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

/// Owns the models; cheap to share by reference across conversions.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    ocr: OnceLock<OcrEngine>,
}

impl Engine {
    /// Binds the native libraries (PDFium, ONNX Runtime). OCR models load on first use.
    pub fn new(config: EngineConfig) -> Result<Engine, PipelineError> {
        let pdfium = config.models.require(models::files::PDFIUM)?;
        parasol_source::init_pdfium(&pdfium)?;
        Ok(Engine { config, ocr: OnceLock::new() })
    }

    fn ocr(&self) -> Result<&OcrEngine, PipelineError> {
        if let Some(e) = self.ocr.get() {
            return Ok(e);
        }
        let m = &self.config.models;
        parasol_vision::init_runtime(&m.require(models::files::ONNXRUNTIME)?)?;
        let models = OcrModels {
            det: m.require(models::files::OCR_DET)?,
            cls: m.require(models::files::OCR_CLS)?,
            rec: m.require(models::files::OCR_REC)?,
        };
        let engine = OcrEngine::new(&models, self.config.threads)?;
        Ok(self.ocr.get_or_init(|| engine))
    }

    /// Loads every model now rather than on first use.
    pub fn warm_up(&self) -> Result<(), PipelineError> {
        self.ocr().map(|_| ())
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
            let (text, origin) = match source.page(index) {
                Ok(page) => {
                    let info = PageInfo {
                        number,
                        width: page.image.width() as f32,
                        height: page.image.height() as f32,
                        dpi: page.dpi,
                    };
                    let trusted = page.native_text.as_ref().filter(|t| t.stats.is_trustworthy());
                    match (options.ocr, trusted) {
                        (OcrMode::Auto, Some(native)) => {
                            let words = native
                                .words
                                .iter()
                                .map(|w| TextLine::from_bbox(w.bbox, w.text.clone(), TextOrigin::TextLayer))
                                .collect();
                            let page = PageText { words, ..PageText::new(info, native.lines.clone()) };
                            (page, Some(TextOrigin::TextLayer))
                        }
                        _ => {
                            if let Some(t) = &page.native_text {
                                if t.stats.chars > 0 && options.ocr == OcrMode::Auto {
                                    diagnostics.push(Diagnostic {
                                        page: Some(number),
                                        message: format!(
                                            "text layer not trusted ({} chars, {} invisible, {} garbled); using OCR",
                                            t.stats.chars, t.stats.invisible, t.stats.garbled
                                        ),
                                    });
                                }
                            }
                            let lines = match self.ocr()?.recognize(&page.image) {
                                Ok(lines) => lines,
                                Err(e) => {
                                    tracing::warn!(page = number, error = %e, "OCR failed");
                                    diagnostics.push(Diagnostic {
                                        page: Some(number),
                                        message: format!("OCR failed: {e}"),
                                    });
                                    Vec::new()
                                }
                            };
                            let origin = (!lines.is_empty()).then_some(TextOrigin::Ocr);
                            (PageText::new(info, lines), origin)
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(page = number, error = %e, "page skipped");
                    diagnostics.push(Diagnostic { page: Some(number), message: e.to_string() });
                    let info = PageInfo { number, width: 0.0, height: 0.0, dpi: options.dpi };
                    (PageText::new(info, Vec::new()), None)
                }
            };
            texts.push(text);
            origins.push(origin);
            on_progress(Progress { page: number, pages });
        }
        Ok(Converted {
            kind: source.kind(),
            document: parasol_assemble::assemble(&texts),
            text_origin: origins,
            diagnostics,
        })
    }
}

fn open_options(o: &Options) -> OpenOptions {
    OpenOptions { dpi: o.dpi, password: o.password.clone(), limits: o.limits }
}
