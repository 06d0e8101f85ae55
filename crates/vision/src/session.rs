//! One ONNX model behind a mutex: loading with RapidOCR's session options,
//! running on an `f32` NCHW batch, reading metadata.
//!
//! `ort::Session::run` needs `&mut self`, so each model sits in a `Mutex`;
//! the engine is shared between threads and calls of the same stage queue.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;

use crate::{runtime, BoxError, OcrStage, VisionError};

/// A loaded model and where it came from.
#[derive(Debug)]
pub(crate) struct Model {
    path: PathBuf,
    stage: OcrStage,
    session: Mutex<Session>,
}

/// A model output copied out of ONNX Runtime: shape and row-major data.
#[derive(Debug)]
pub(crate) struct Output {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// Opens `path` with `threads` intra-op threads and full graph optimisation,
/// as RapidOCR's `OrtInferSession` does (its CPU arena is off, which does not
/// change results; the thread count does not either). Every model of the
/// crate is opened here.
pub(crate) fn open_session(path: &Path, threads: usize) -> Result<Session, VisionError> {
    let load_err = |source: BoxError| VisionError::ModelLoad { path: path.to_path_buf(), source };
    if !path.is_file() {
        return Err(load_err("file not found".into()));
    }
    let env = runtime()?;
    Session::builder(env)
        .map_err(|e| load_err(Box::new(e)))?
        .with_optimization_level(GraphOptimizationLevel::All)
        .map_err(|e| load_err(Box::new(ort::Error::<()>::from(e))))?
        .with_intra_threads(threads.max(1))
        .map_err(|e| load_err(Box::new(ort::Error::<()>::from(e))))?
        .with_inter_threads(1)
        .map_err(|e| load_err(Box::new(ort::Error::<()>::from(e))))?
        // Idle pool threads sleep instead of spinning: the pipeline runs
        // several models and pages at once, and spinning threads took
        // CPU from them (a loaded 2-core machine ran OCR 1.4x faster).
        .with_config_entry("session.intra_op.allow_spinning", "0")
        .map_err(|e| load_err(Box::new(ort::Error::<()>::from(e))))?
        .commit_from_file(path)
        .map_err(|e| load_err(Box::new(e)))
}

impl Model {
    /// Loads `path` with `threads` intra-op threads (see [`open_session`]).
    pub fn load(path: &Path, stage: OcrStage, threads: usize) -> Result<Model, VisionError> {
        let session = open_session(path, threads)?;
        Ok(Model { path: path.to_path_buf(), stage, session: Mutex::new(session) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A custom metadata value of the model, e.g. the recogniser's
    /// `character` dictionary.
    pub fn metadata(&self, key: &str) -> Result<Option<String>, VisionError> {
        let session = self.lock();
        let meta = session
            .metadata()
            .map_err(|e| VisionError::ModelLoad { path: self.path.clone(), source: Box::new(e) })?;
        Ok(meta.custom(key))
    }

    /// Runs the model on one `f32` tensor of `shape` and returns its first
    /// output.
    pub fn run(&self, shape: [usize; 4], input: &[f32]) -> Result<Output, VisionError> {
        self.run_with(shape, input, |shape, data| Output { shape: shape.to_vec(), data: data.to_vec() })
    }

    /// Runs the model on one `f32` tensor of `shape` and hands its first
    /// output (shape, row-major data) to `read` without copying it: the
    /// recogniser's output is tens of megabytes per batch.
    pub fn run_with<R>(
        &self,
        shape: [usize; 4],
        input: &[f32],
        read: impl FnOnce(&[usize], &[f32]) -> R,
    ) -> Result<R, VisionError> {
        let infer_err = |source: BoxError| VisionError::Inference { stage: self.stage, source };
        let tensor = TensorRef::from_array_view((shape, input)).map_err(|e| infer_err(Box::new(e)))?;
        let mut session = self.lock();
        let outputs = session.run(ort::inputs![tensor]).map_err(|e| infer_err(Box::new(e)))?;
        if outputs.len() == 0 {
            return Err(VisionError::UnexpectedOutput { stage: self.stage, shape: Vec::new() });
        }
        let (shape, data) = outputs[0].try_extract_tensor::<f32>().map_err(|e| infer_err(Box::new(e)))?;
        let shape: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
        Ok(read(&shape, data))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Session> {
        // A panic while running leaves the session usable; ignore poisoning.
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
