//! Where model files and native libraries live, and clear errors when one is missing.

use std::path::{Path, PathBuf};

use crate::PipelineError;

/// The command that fills the model directory; quoted in every missing-file error.
pub const FETCH_COMMAND: &str = "python3 scripts/fetch_models.py";

/// File names inside the model directory (see `models/manifest.toml`).
pub mod files {
    pub const ONNXRUNTIME: &str = "libonnxruntime.so.1.31.1";
    pub const PDFIUM: &str = "libpdfium.so";
    pub const TABLE: &str = "slanet-plus.onnx";
}

/// A directory of model files, as filled by [`FETCH_COMMAND`].
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
}

impl ModelStore {
    pub fn new(dir: impl Into<PathBuf>) -> ModelStore {
        ModelStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The better layout model that is installed: YOLOv8n DocLayNet
    /// (PubLayNet mAP@0.5 0.806 against PicoDet's 0.641, see
    /// `docs/layout-notes.md`) when its opt-in AGPL-3.0 weights were fetched,
    /// PicoDet CDLA otherwise.
    pub fn best_layout(&self) -> crate::LayoutModel {
        let yolo = parasol_vision::layout::LayoutModelKind::YoloDocLayNet.file_name();
        if self.dir.join(yolo).is_file() {
            crate::LayoutModel::Yolo
        } else {
            crate::LayoutModel::PicoDet
        }
    }

    /// The path of `file`, or an error naming it and the command that fetches it.
    pub fn require(&self, file: &str) -> Result<PathBuf, PipelineError> {
        let path = self.dir.join(file);
        if path.is_file() {
            Ok(path)
        } else {
            // The AGPL-3.0 weights are only ever fetched on explicit request.
            let command = if file == parasol_vision::layout::LayoutModelKind::YoloDocLayNet.file_name() {
                "python3 scripts/fetch_models.py --group agpl"
            } else {
                FETCH_COMMAND
            };
            Err(PipelineError::ModelMissing { path, command })
        }
    }
}
