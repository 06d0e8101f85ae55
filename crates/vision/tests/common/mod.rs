//! Helpers shared by the integration tests: paths, model files (named by the
//! `parasol-models` registry, failing loudly when one is missing), the OCR
//! engines (each loaded once per test binary) and edit distance.
//!
//! Models are read from `PARASOL_MODELS`, else from the workspace's
//! `models/files`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use parasol_models::{ModelFile, ModelStore};
use parasol_vision::{init_runtime, DraftModel, OcrEngine, OcrModels};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The model folder: `PARASOL_MODELS` or the workspace's `models/files`.
pub fn store() -> ModelStore {
    ModelStore::new(
        std::env::var_os("PARASOL_MODELS").map_or_else(|| root().join("models/files"), PathBuf::from),
    )
}

/// The path of `file`, or a loud failure naming it and the command that
/// fetches it.
pub fn model(file: ModelFile) -> PathBuf {
    store().require(file).unwrap_or_else(|missing| panic!("{missing}"))
}

/// Loads ONNX Runtime from the model folder (once; later calls are no-ops).
pub fn init() {
    init_runtime(&model(ModelFile::OnnxRuntime)).expect("onnx runtime loads");
}

/// RapidOCR 3.10's default models: PP-OCRv6 small detector and recogniser.
pub fn small_models() -> OcrModels {
    OcrModels {
        det: model(ModelFile::OcrDetSmall),
        cls: model(ModelFile::OcrLineClassifier),
        rec: model(ModelFile::OcrRecSmall),
        dict: None,
        draft: None,
    }
}

/// The PP-OCRv6 tiny detector and recogniser, with the same classifier.
pub fn tiny_models() -> OcrModels {
    OcrModels {
        det: model(ModelFile::OcrDetTiny),
        cls: model(ModelFile::OcrLineClassifier),
        rec: model(ModelFile::OcrRecTiny),
        dict: Some(model(ModelFile::OcrRecTinyDict)),
        draft: None,
    }
}

/// The small models with the small recogniser's int8 copy.
pub fn int8_models() -> OcrModels {
    OcrModels { rec: model(ModelFile::OcrRecSmallInt8), ..small_models() }
}

/// The cascade: the small detector, the tiny recogniser as a first pass and
/// the int8 small recogniser for the lines it is unsure of.
pub fn cascade_models() -> OcrModels {
    let tiny = tiny_models();
    OcrModels { draft: Some(DraftModel { rec: tiny.rec, dict: tiny.dict }), ..int8_models() }
}

/// The OCR engine with the small models and 2 threads, loaded once.
pub fn engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| load(small_models()))
}

/// The OCR engine with the PP-OCRv6 tiny detector and recogniser, loaded once.
pub fn tiny_engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| load(tiny_models()))
}

/// The small models with the int8 recogniser (the cascade's second pass),
/// loaded once.
pub fn int8_engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| load(int8_models()))
}

/// The cascade (small detector, tiny then int8 small recogniser), loaded
/// once.
pub fn cascade_engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| load(cascade_models()))
}

/// Read as RapidOCR reads, which the parity tests compare with.
fn load(models: OcrModels) -> OcrEngine {
    init();
    OcrEngine::new(&models, 2).expect("ocr models load").rapidocr_exact()
}

/// Levenshtein distance over characters.
pub fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
