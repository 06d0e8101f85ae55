//! Shared by the integration tests: where PDFium and the corpus live.

#![allow(dead_code, clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::path::PathBuf;
use std::sync::Once;

use parasol_models::ModelFile;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Binds PDFium from `PARASOL_MODELS` (or the workspace's `models/files`);
/// fails loudly when it is missing.
pub fn pdfium() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let dir =
            std::env::var_os("PARASOL_MODELS").map_or_else(|| root().join("models/files"), PathBuf::from);
        let lib = ModelFile::Pdfium.in_dir(&dir);
        assert!(
            lib.is_file(),
            "{} is missing: run `python3 scripts/fetch_models.py` (or set PARASOL_MODELS)",
            lib.display()
        );
        parasol_source::init_pdfium(&lib).unwrap();
    });
}

/// The shared evaluation corpus, which must exist: tests never skip silently.
pub fn corpus() -> PathBuf {
    let dir = root().join("../shared/corpus");
    assert!(dir.is_dir(), "the evaluation corpus is missing: expected {}", dir.display());
    dir
}

/// Every `.pdf` under `dir`, sorted.
pub fn pdfs(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(pdfs(&p));
        } else if p.extension().is_some_and(|e| e == "pdf") {
            out.push(p);
        }
    }
    out
}
