//! The one ONNX session type of the crate: ONNX Runtime's process-wide
//! environment ([`init_runtime`]) and [`Model`], a model file loaded with
//! RapidOCR's session options behind a mutex.
//!
//! Every stage opens its models here, so every model is loaded the same way
//! and every error names the [`Stage`] the model serves and its file. The
//! OCR models need only their first output ([`Model::run`],
//! [`Model::run_with`]); PicoDet has eight (a score and a box tensor per
//! feature level) and SLANet-plus two, which [`Model::run_all`] returns.
//!
//! `ort::Session::run` needs `&mut self`, so each model sits in a `Mutex`;
//! the stages are shared between threads and calls of the same model queue.
//! This is the only module that touches `ort`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;

use crate::{BoxError, Stage, VisionError};

/// The process-wide ONNX Runtime environment. `ort` allows one per process
/// and forgets it when the last handle drops, so it is kept here for good.
static RUNTIME: OnceLock<(PathBuf, ort::environment::Environment)> = OnceLock::new();

/// Loads ONNX Runtime from the shared library at `lib_path` and creates the
/// process-wide environment. Safe to call more than once: later calls are
/// no-ops (a different path is ignored with a warning).
pub fn init_runtime(lib_path: &Path) -> Result<(), VisionError> {
    static INIT: Mutex<()> = Mutex::new(());
    let _guard = INIT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((path, _)) = RUNTIME.get() {
        if path != lib_path {
            tracing::warn!(loaded = %path.display(), requested = %lib_path.display(), "onnx runtime already loaded");
        }
        return Ok(());
    }
    let runtime_err = |source: BoxError| VisionError::Runtime { path: lib_path.to_path_buf(), source };
    if !lib_path.is_file() {
        return Err(runtime_err("file not found".into()));
    }
    let env = ort::init_from(lib_path)
        .map_err(|e| runtime_err(Box::new(e)))?
        .with_name("parasol")
        .build()
        .map_err(|e| runtime_err(Box::new(e)))?;
    tracing::debug!(path = %lib_path.display(), "onnx runtime loaded");
    // Only this function sets RUNTIME, under the lock, so this cannot fail.
    let _ = RUNTIME.set((lib_path.to_path_buf(), env));
    Ok(())
}

fn runtime() -> Result<&'static ort::environment::Environment, VisionError> {
    RUNTIME.get().map(|(_, env)| env).ok_or(VisionError::RuntimeNotInitialised)
}

/// A loaded model, the stage it serves and where it came from.
#[derive(Debug)]
pub(crate) struct Model {
    path: PathBuf,
    stage: Stage,
    session: Mutex<Session>,
}

/// A model output copied out of ONNX Runtime: shape and row-major data.
#[derive(Debug)]
pub(crate) struct Output {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Model {
    /// Opens `path` for `stage` with `threads` intra-op threads and full
    /// graph optimisation, as RapidOCR's `OrtInferSession` does (its CPU
    /// arena is off, which does not change results; the thread count does
    /// not either). [`init_runtime`] must have been called.
    pub fn load(path: &Path, stage: Stage, threads: usize) -> Result<Model, VisionError> {
        let load_err = |source: BoxError| VisionError::ModelLoad { stage, path: path.to_path_buf(), source };
        if !path.is_file() {
            return Err(load_err("file not found".into()));
        }
        let env = runtime()?;
        let session = Session::builder(env)
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
            .map_err(|e| load_err(Box::new(e)))?;
        tracing::debug!(path = %path.display(), %stage, threads, "model loaded");
        Ok(Model { path: path.to_path_buf(), stage, session: Mutex::new(session) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// A custom metadata value of the model, e.g. the recogniser's
    /// `character` dictionary.
    pub fn metadata(&self, key: &str) -> Result<Option<String>, VisionError> {
        let session = self.lock();
        let meta = session.metadata().map_err(|e| VisionError::ModelLoad {
            stage: self.stage,
            path: self.path.clone(),
            source: Box::new(e),
        })?;
        Ok(meta.custom(key))
    }

    /// The error for a model whose file loads but does not fit the stage.
    pub fn unusable(&self, reason: impl Into<String>) -> VisionError {
        VisionError::ModelContents { stage: self.stage, path: self.path.clone(), reason: reason.into() }
    }

    /// The error for an output of an unexpected shape.
    pub fn bad_output(&self, shape: &[usize]) -> VisionError {
        VisionError::UnexpectedOutput { stage: self.stage, shape: shape.to_vec() }
    }

    /// Runs the model on one `f32` NCHW tensor of `shape` and returns its
    /// first output.
    pub fn run(&self, shape: [usize; 4], input: &[f32]) -> Result<Output, VisionError> {
        self.run_with(shape, input, |shape, data| Output { shape: shape.to_vec(), data: data.to_vec() })
    }

    /// Runs the model on one `f32` NCHW tensor of `shape` and hands its
    /// first output (shape, row-major data) to `read` without copying it:
    /// the recogniser's output is tens of megabytes per batch.
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
            return Err(self.bad_output(&[]));
        }
        let (shape, data) = outputs[0].try_extract_tensor::<f32>().map_err(|e| infer_err(Box::new(e)))?;
        let shape: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
        Ok(read(&shape, data))
    }

    /// Runs the model on one `f32` NCHW tensor of `shape` and returns every
    /// output, in the model's output order.
    pub fn run_all(&self, shape: [usize; 4], input: &[f32]) -> Result<Vec<Output>, VisionError> {
        let infer_err = |source: BoxError| VisionError::Inference { stage: self.stage, source };
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
