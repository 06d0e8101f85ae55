//! Shared helpers for the integration tests: where the models are, and
//! loud failures when they are not.

#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use parasol_models::{ModelFile, ModelStore};

/// `PARASOL_MODELS`, or the workspace's `models/files`.
pub fn models_dir() -> PathBuf {
    std::env::var_os("PARASOL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"))
}

/// The path of a model file, panicking with the fetch command when absent.
#[track_caller]
pub fn require_model(file: ModelFile) -> PathBuf {
    match ModelStore::new(models_dir()).require(file) {
        Ok(path) => path,
        Err(missing) => panic!("{missing} (or set PARASOL_MODELS)"),
    }
}

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

pub fn read_json(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(data(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn ids(v: &serde_json::Value) -> Vec<u32> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect()
}
