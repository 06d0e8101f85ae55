//! A page-level ONNX model behind a mutex, returning every output.
//!
//! The OCR models need only their first output; PicoDet has eight (a score
//! and a box tensor per feature level), so the layout and orientation models
//! share this small loader instead. Session options match the Python
//! references (full graph optimisation; `threads` intra-op threads).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use ort::session::Session;
use ort::value::TensorRef;

use crate::{BoxError, OcrStage, VisionError};

/// Which stage a page model serves, for error messages.
///
/// `VisionError` names stages with [`OcrStage`], which has no layout or
/// page-orientation variant yet; until it does, layout errors are reported
/// as detection and orientation errors as classification (the model path is
/// in the log and in [`VisionError::ModelLoad`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum PageStage {
    Layout,
    Orientation,
}

impl PageStage {
    fn error_stage(self) -> OcrStage {
        match self {
            PageStage::Layout => OcrStage::Detection,
            PageStage::Orientation => OcrStage::Classification,
        }
    }
}

/// A model output copied out of ONNX Runtime: shape and row-major data.
#[derive(Debug)]
pub(crate) struct Output {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// A loaded model and where it came from.
#[derive(Debug)]
pub(crate) struct Net {
    path: PathBuf,
    stage: PageStage,
    session: Mutex<Session>,
}

impl Net {
    pub fn load(path: &Path, stage: PageStage, threads: usize) -> Result<Net, VisionError> {
        let session = crate::session::open_session(path, threads)?;
        tracing::debug!(path = %path.display(), ?stage, threads, "page model loaded");
        Ok(Net { path: path.to_path_buf(), stage, session: Mutex::new(session) })
    }

    /// A custom metadata value of the model.
    pub fn metadata(&self, key: &str) -> Result<Option<String>, VisionError> {
        let session = self.lock();
        let meta = session
            .metadata()
            .map_err(|e| VisionError::ModelLoad { path: self.path.clone(), source: Box::new(e) })?;
        Ok(meta.custom(key))
    }

    /// The error for a model whose file loads but does not fit the stage.
    pub fn unusable(&self, reason: impl Into<String>) -> VisionError {
        VisionError::ModelContents { path: self.path.clone(), reason: reason.into() }
    }

    /// The error for an output of an unexpected shape.
    pub fn bad_output(&self, shape: &[usize]) -> VisionError {
        VisionError::UnexpectedOutput { stage: self.stage.error_stage(), shape: shape.to_vec() }
    }

    /// Runs the model on one `f32` NCHW tensor and returns all outputs in
    /// the model's output order.
    pub fn run(&self, shape: [usize; 4], input: &[f32]) -> Result<Vec<Output>, VisionError> {
        let stage = self.stage.error_stage();
        let infer_err = |source: BoxError| VisionError::Inference { stage, source };
        let tensor = TensorRef::from_array_view((shape, input)).map_err(|e| infer_err(Box::new(e)))?;
        let mut session = self.lock();
        let outputs = session.run(ort::inputs![tensor]).map_err(|e| infer_err(Box::new(e)))?;
        let mut all = Vec::with_capacity(outputs.len());
        for value in outputs.values() {
            let (shape, data) = value.try_extract_tensor::<f32>().map_err(|e| infer_err(Box::new(e)))?;
            let shape = shape.iter().map(|&d| d.max(0) as usize).collect();
            all.push(Output { shape, data: data.to_vec() });
        }
        Ok(all)
    }

    fn lock(&self) -> MutexGuard<'_, Session> {
        // A panic while running leaves the session usable; ignore poisoning.
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
