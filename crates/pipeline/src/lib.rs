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

mod figures;
mod options;
mod page;
mod pictures;
mod stages;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use parasol_doc::{Document, TextOrigin};
use parasol_models::ModelFile;
use parasol_source::{OpenOptions, Source};
use parasol_vision::layout::LayoutDetector;
use parasol_vision::table::TableStructure;
use parasol_vision::{DraftModel, HangulReader, OcrEngine, OcrModels};

pub use options::{
    CancelToken, Figures, InvalidOption, Lang, LayoutChoice, OcrMode, OcrModel, Options, OutputFormat,
    UnknownChoice, DEFAULT_DPI, DPI_RANGE,
};
pub use parasol_models::{MissingModel, ModelStore};
pub use parasol_source::{Kind, Limit, Limits, SourceError};
pub use parasol_vision::layout::LayoutModelKind;
pub use stages::{StageTime, Stages};

/// The name outputs give as their producer (the `model` of Upstage's JSON).
pub const PRODUCER: &str = concat!("parasol-", env!("CARGO_PKG_VERSION"));

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
    #[error(transparent)]
    ModelMissing(#[from] MissingModel),
    #[error(transparent)]
    InvalidOption(#[from] InvalidOption),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("cannot start a model")]
    Vision(#[from] parasol_vision::VisionError),
    #[error("cannot start the formula recogniser")]
    Formula(#[from] parasol_formula::FormulaError),
    /// The caller's [`CancelToken`] was cancelled; nothing was produced.
    #[error("the conversion was cancelled")]
    Cancelled,
}

/// What a [`Diagnostic`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A page could not be rendered or read; it is empty in the output.
    PageUnreadable,
    /// A text layer was found but not trusted (invisible or garbled text); OCR read the page.
    TextLayerUntrusted,
    /// A scanned page was turned upright before it was read, or
    /// straightened after (a tilt of a few degrees).
    PageTurned,
    /// OCR of a page failed; the page has no text.
    OcrFailed,
    /// OCR of a region the text layer leaves empty failed.
    RegionOcrFailed,
    /// The layout model failed on a page; its text is read without regions.
    LayoutFailed,
    /// Table structure recognition failed on a table; it is read as text.
    TableFailed,
    /// An equation could not be read as LaTeX; it keeps its text.
    FormulaFailed,
    /// Something of the input was lost while decoding it (a truncated image,
    /// the frames of an animation after the first).
    InputWarning,
}

/// Something worth knowing about a conversion that still succeeded.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// 1-based page number, when it concerns one page.
    pub page: Option<usize>,
    pub kind: DiagnosticKind,
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
    /// Where the time went and which stages ran.
    pub stages: Stages,
    /// One PNG per converted page, in order, when
    /// [`Options::page_images`] asked for them (empty bytes for a page that
    /// could not be read); empty otherwise.
    pub page_images: Vec<Vec<u8>>,
}

/// Owns the models, each loaded on first use; share it by reference.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    /// What [`LayoutChoice::Auto`] means with the models installed when
    /// the engine started.
    auto_layout: LayoutModelKind,
    /// One engine per [`OcrModel`], loaded on first use.
    ocr: [OnceLock<OcrEngine>; 3],
    /// Tesseract `kor+eng` for Korean lines ([`Lang`]).
    hangul: OnceLock<HangulReader>,
    table: OnceLock<TableStructure>,
    formula: OnceLock<parasol_formula::Recogniser>,
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

/// The better layout model that is installed: YOLOv8n DocLayNet (PubLayNet
/// mAP@0.5 0.806 against PicoDet's 0.641, see `docs/layout-notes.md`) when
/// its opt-in AGPL-3.0 weights were fetched, PicoDet CDLA otherwise.
fn best_layout(store: &ModelStore) -> LayoutModelKind {
    if store.has(ModelFile::LayoutYolo) {
        LayoutModelKind::YoloDocLayNet
    } else {
        LayoutModelKind::PicoDetCdla
    }
}

/// The model file of a layout model.
fn layout_file(kind: LayoutModelKind) -> ModelFile {
    match kind {
        LayoutModelKind::PicoDetCdla => ModelFile::LayoutPicoDet,
        LayoutModelKind::YoloDocLayNet => ModelFile::LayoutYolo,
    }
}

/// The files an OCR choice reads, each required in `store`.
fn ocr_models(store: &ModelStore, model: OcrModel) -> Result<OcrModels, MissingModel> {
    let cls = store.require(ModelFile::OcrLineClassifier)?;
    Ok(match model {
        OcrModel::Small => OcrModels {
            det: store.require(ModelFile::OcrDetSmall)?,
            cls,
            rec: store.require(ModelFile::OcrRecSmall)?,
            dict: None,
            draft: None,
        },
        OcrModel::Tiny => OcrModels {
            det: store.require(ModelFile::OcrDetTiny)?,
            cls,
            rec: store.require(ModelFile::OcrRecTiny)?,
            dict: Some(store.require(ModelFile::OcrRecTinyDict)?),
            draft: None,
        },
        OcrModel::Cascade => OcrModels {
            det: store.require(ModelFile::OcrDetSmall)?,
            cls,
            rec: store.require(ModelFile::OcrRecSmallInt8)?,
            dict: None,
            draft: Some(DraftModel {
                rec: store.require(ModelFile::OcrRecTiny)?,
                dict: Some(store.require(ModelFile::OcrRecTinyDict)?),
            }),
        },
    })
}

impl Engine {
    /// Binds the native libraries (PDFium now, ONNX Runtime on first model use).
    pub fn new(config: EngineConfig) -> Result<Engine, PipelineError> {
        let pdfium = config.models.require(ModelFile::Pdfium)?;
        parasol_source::init_pdfium(&pdfium)?;
        let auto_layout = best_layout(&config.models);
        Ok(Engine {
            config,
            auto_layout,
            ocr: Default::default(),
            hangul: OnceLock::new(),
            table: OnceLock::new(),
            formula: OnceLock::new(),
            picodet: OnceLock::new(),
            yolo: OnceLock::new(),
        })
    }

    /// The layout model `choice` runs (`None`: no layout model).
    pub fn resolve_layout(&self, choice: LayoutChoice) -> Option<LayoutModelKind> {
        match choice {
            LayoutChoice::Auto => Some(self.auto_layout),
            LayoutChoice::PicoDet => Some(LayoutModelKind::PicoDetCdla),
            LayoutChoice::Yolo => Some(LayoutModelKind::YoloDocLayNet),
            LayoutChoice::None => None,
        }
    }

    fn runtime(&self) -> Result<(), PipelineError> {
        parasol_vision::init_runtime(&self.config.models.require(ModelFile::OnnxRuntime)?)?;
        Ok(())
    }

    fn ocr(&self, model: OcrModel) -> Result<&OcrEngine, PipelineError> {
        get_or_load(&self.ocr[model as usize], || {
            self.runtime()?;
            let models = ocr_models(&self.config.models, model)?;
            Ok(OcrEngine::new(&models, self.config.threads)?)
        })
    }

    /// The Korean line recogniser: libtesseract (Debian `libtesseract5`)
    /// with the `kor` and `eng` traineddata of the model directory.
    fn hangul(&self) -> Result<&HangulReader, PipelineError> {
        get_or_load(&self.hangul, || {
            let kor = self.config.models.require(ModelFile::TesseractKor)?;
            self.config.models.require(ModelFile::TesseractEng)?;
            let datapath = kor.parent().unwrap_or(self.config.models.dir());
            Ok(HangulReader::new(datapath, self.config.threads)?)
        })
    }

    fn table(&self) -> Result<&TableStructure, PipelineError> {
        get_or_load(&self.table, || {
            self.runtime()?;
            let path = self.config.models.require(ModelFile::TableStructure)?;
            Ok(TableStructure::new(&path, self.config.threads)?)
        })
    }

    fn formula(&self) -> Result<&parasol_formula::Recogniser, PipelineError> {
        get_or_load(&self.formula, || {
            let weights = self.config.models.require(ModelFile::FormulaWeights)?;
            let tokenizer = self.config.models.require(ModelFile::FormulaTokenizer)?;
            Ok(parasol_formula::Recogniser::load(weights, tokenizer)?)
        })
    }

    fn layout(&self, choice: LayoutChoice) -> Result<Option<&dyn LayoutDetector>, PipelineError> {
        let Some(kind) = self.resolve_layout(choice) else { return Ok(None) };
        let cell = match kind {
            LayoutModelKind::PicoDetCdla => &self.picodet,
            LayoutModelKind::YoloDocLayNet => &self.yolo,
        };
        let detector = get_or_load(cell, || {
            self.runtime()?;
            let path = self.config.models.require(layout_file(kind))?;
            Ok(kind.load(&path, self.config.threads)?)
        })?;
        Ok(Some(detector.as_ref()))
    }

    /// Loads every model `options` needs now rather than on first use.
    pub fn warm_up(&self, options: &Options) -> Result<(), PipelineError> {
        self.ocr(options.ocr_model)?;
        self.layout(options.layout)?;
        if options.tables && self.resolve_layout(options.layout).is_some() {
            self.table()?;
        }
        Ok(())
    }

    /// Converts the file at `path`; `on_progress` hears of every page done.
    pub fn convert_path(
        &self,
        path: &Path,
        options: &Options,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Converted, PipelineError> {
        let opened = self.open_path(path, options)?;
        self.convert_pages(&opened, 0..opened.page_count(), options, on_progress)
    }

    /// Converts a document held in memory; `on_progress` hears of every page done.
    pub fn convert_bytes(
        &self,
        bytes: Vec<u8>,
        options: &Options,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Converted, PipelineError> {
        options.validate()?;
        let opened = Opened { source: Source::open_bytes(bytes, &open_options(options))? };
        self.convert_pages(&opened, 0..opened.page_count(), options, on_progress)
    }

    /// Opens the file at `path` (type, password, limits, page count) without
    /// reading any page: a caller that converts a long document in parts
    /// ([`Engine::convert_pages`]) opens it once.
    pub fn open_path(&self, path: &Path, options: &Options) -> Result<Opened, PipelineError> {
        options.validate()?;
        Ok(Opened { source: Source::open_path(path, &open_options(options))? })
    }

    /// Converts the pages `pages` (0-based indices, clamped to the document)
    /// of an opened document. Pages keep their numbers and elements are
    /// numbered from 0 within the part, so converting consecutive parts and
    /// renumbering gives what one conversion of the whole gives (assembly is
    /// page by page). Input warnings about the document as a whole go with
    /// the part that starts at the first page.
    pub fn convert_pages(
        &self,
        opened: &Opened,
        pages: Range<usize>,
        options: &Options,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Converted, PipelineError> {
        let source = &opened.source;
        let total = source.page_count();
        let pages = pages.start.min(total)..pages.end.min(total);
        let mut texts = Vec::with_capacity(pages.len());
        let mut origins = Vec::with_capacity(pages.len());
        let mut diagnostics = Vec::new();
        let mut page_images = Vec::new();
        let mut stages = Stages::default();
        let concerns_part = |page: Option<usize>| match page {
            Some(n) => pages.contains(&(n - 1)),
            None => pages.start == 0,
        };
        for w in source.warnings().iter().filter(|w| concerns_part(w.page)) {
            tracing::warn!(page = ?w.page, "{}", w.message);
            diagnostics.push(Diagnostic {
                page: w.page,
                kind: DiagnosticKind::InputWarning,
                message: w.message.clone(),
            });
        }
        for index in pages.clone() {
            check_cancel(options)?;
            let number = index + 1;
            let t0 = Instant::now();
            let page = source.page(index);
            tracing::debug!(page = number, render_ms = t0.elapsed().as_millis() as u64, "page source");
            let (text, origin) = match page {
                Ok(page) => {
                    stages.render.add(t0.elapsed().saturating_sub(page.text_layer_time));
                    if page.native_text.is_some() {
                        stages.text_layer.add(page.text_layer_time);
                    }
                    let (text, origin, image) =
                        self.read_page(page, options, &mut diagnostics, &mut stages)?;
                    if let Some(max_side) = options.page_images {
                        page_images.push(parasol_source::preview_png(&image, max_side));
                    }
                    (text, origin)
                }
                Err(e) => {
                    tracing::warn!(page = number, error = %e, "page skipped");
                    diagnostics.push(Diagnostic {
                        page: Some(number),
                        kind: DiagnosticKind::PageUnreadable,
                        message: e.to_string(),
                    });
                    if options.page_images.is_some() {
                        // No preview, but the list stays one per page.
                        page_images.push(Vec::new());
                    }
                    (page::empty(number, options.dpi), None)
                }
            };
            texts.push(text);
            origins.push(origin);
            on_progress(Progress { page: number, pages: total });
        }
        check_cancel(options)?;
        let t0 = Instant::now();
        let mut document = parasol_assemble::assemble(&texts);
        stages.assemble.add(t0.elapsed());
        tracing::debug!(assemble_ms = t0.elapsed().as_millis() as u64, "assembly");
        if options.drop_headers_footers {
            parasol_assemble::drop_headers_footers(&mut document);
        }
        Ok(Converted {
            kind: source.kind(),
            document,
            text_origin: origins,
            diagnostics,
            stages,
            page_images,
        })
    }
}

/// A document opened for conversion: its type, password and limits are
/// checked, no page is read yet.
#[derive(Debug)]
pub struct Opened {
    source: Source,
}

impl Opened {
    pub fn kind(&self) -> Kind {
        self.source.kind()
    }

    pub fn page_count(&self) -> usize {
        self.source.page_count()
    }
}

/// [`PipelineError::Cancelled`] once the caller has cancelled.
pub(crate) fn check_cancel(options: &Options) -> Result<(), PipelineError> {
    if options.cancel.is_cancelled() {
        Err(PipelineError::Cancelled)
    } else {
        Ok(())
    }
}

fn open_options(o: &Options) -> OpenOptions {
    OpenOptions { dpi: o.dpi, password: o.password.clone(), limits: o.limits }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_layout_is_yolo_only_when_its_weights_are_installed() {
        let dir = std::env::temp_dir().join(format!("parasol-layout-auto-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = ModelStore::new(&dir);
        assert_eq!(best_layout(&store), LayoutModelKind::PicoDetCdla);
        std::fs::write(store.path(ModelFile::LayoutYolo), b"").unwrap();
        assert_eq!(best_layout(&store), LayoutModelKind::YoloDocLayNet);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn each_ocr_choice_requires_its_own_files() {
        let store = ModelStore::new("/nonexistent");
        let err = ocr_models(&store, OcrModel::Cascade).unwrap_err();
        assert_eq!(err.file, ModelFile::OcrLineClassifier);
        let dir = std::env::temp_dir().join(format!("parasol-ocr-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = ModelStore::new(&dir);
        for f in [
            ModelFile::OcrLineClassifier,
            ModelFile::OcrDetSmall,
            ModelFile::OcrRecTiny,
            ModelFile::OcrRecTinyDict,
        ] {
            std::fs::write(store.path(f), b"").unwrap();
        }
        // The cascade reads the int8 recogniser, never the float one.
        assert_eq!(ocr_models(&store, OcrModel::Cascade).unwrap_err().file, ModelFile::OcrRecSmallInt8);
        assert_eq!(ocr_models(&store, OcrModel::Small).unwrap_err().file, ModelFile::OcrRecSmall);
        assert_eq!(ocr_models(&store, OcrModel::Tiny).unwrap_err().file, ModelFile::OcrDetTiny);
        std::fs::write(store.path(ModelFile::OcrRecSmallInt8), b"").unwrap();
        let cascade = ocr_models(&store, OcrModel::Cascade).unwrap();
        assert_eq!(cascade.draft.map(|d| d.rec), Some(store.path(ModelFile::OcrRecTiny)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
