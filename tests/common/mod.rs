//! Helpers shared by the end-to-end tests of the `parasol` binary.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

pub mod browser;
pub mod postgres;
pub mod server;

pub use parasol_models::ModelFile;
use parasol_models::ModelStore;
#[allow(unused_imports)] // Not every test binary writes a PDF.
pub use parasol_testdata::text_pdf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared evaluation corpus, which must exist: tests never skip silently.
pub fn corpus() -> PathBuf {
    let dir = root().join("../shared/corpus");
    assert!(dir.is_dir(), "the evaluation corpus is missing: expected {}", dir.display());
    dir
}

/// Every PDF of the hostile corpus, sorted; there must be all of them.
pub fn hostile_pdfs() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "pdf") {
                out.push(p);
            }
        }
    }
    let mut all = Vec::new();
    walk(&corpus().join("hostile"), &mut all);
    assert!(all.len() > 80, "expected the whole hostile corpus, found {} files", all.len());
    all
}

/// The model directory (`PARASOL_MODELS`, else the repository's).
pub fn store() -> ModelStore {
    ModelStore::new(
        std::env::var_os("PARASOL_MODELS").map(PathBuf::from).unwrap_or_else(|| root().join("models/files")),
    )
}

/// A model file's path; a missing one fails the test with the command that
/// fetches it: tests never skip silently.
#[track_caller]
pub fn require_model(file: ModelFile) -> PathBuf {
    store().require(file).unwrap_or_else(|e| panic!("{e}"))
}

/// The model directory, which must hold the core models.
pub fn models() -> PathBuf {
    for f in [ModelFile::Pdfium, ModelFile::OnnxRuntime, ModelFile::OcrDetSmall] {
        require_model(f);
    }
    store().dir().to_owned()
}

pub struct Run {
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }
}

/// Runs `parasol ARGS`, killing it after `timeout` (then `status` is `None`).
pub fn parasol(args: &[&std::ffi::OsStr], timeout: Duration) -> Run {
    let out_dir = tempdir("run-logs");
    let (out_path, err_path) = (out_dir.join("stdout"), out_dir.join("stderr"));
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_parasol"))
        .args(args)
        .env("PARASOL_MODELS", models())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        status,
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        elapsed: start.elapsed(),
    };
    let _ = std::fs::remove_dir_all(&out_dir);
    run
}

/// A fresh, empty directory under the target directory.
pub fn tempdir(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = root().join("target/test-tmp").join(format!(
        "{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

pub fn path_os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}
