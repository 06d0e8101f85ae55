//! Outputs of peer systems, written by `scripts/peers/run.sh` and read here so
//! `parasol-eval` can print them beside Parasol's.
//!
//! Each peer writes `<dir>/<peer>.json`:
//!
//! ```json
//! { "peer": "tesseract", "version": "5.3.0", "command": "tesseract IMAGE - -l eng",
//!   "files": { "ocr/tesseract-test/phototest.tif": { "text": "…", "seconds": 0.41, "pages": 1 } } }
//! ```
//!
//! Keys are corpus-relative paths; a file the peer could not read has
//! `"error"` instead of `"text"`. Seconds are wall time per file measured by
//! the script, including model loading only where the peer reloads per file
//! (Tesseract and pdftotext are separate processes per file; RapidOCR loads
//! once and is warmed up on one image first, like Parasol's engine).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::{read_json, EvalError};

/// The command that produces every peer output.
pub const COMMAND: &str = "scripts/peers/run.sh";

/// The peers, in the order their columns appear.
pub const OCR_PEERS: &[&str] = &["rapidocr", "tesseract"];
pub const TEXT_LAYER_PEERS: &[&str] = &["pdftotext"];

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PeerRun {
    pub peer: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub command: String,
    pub files: BTreeMap<String, PeerFile>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PeerFile {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    pub seconds: f64,
    #[serde(default = "one")]
    pub pages: usize,
}

fn one() -> usize {
    1
}

/// A peer's outputs, or `None` when it has not been run.
pub fn load(dir: &Path, peer: &str) -> Result<Option<PeerRun>, EvalError> {
    let path = dir.join(format!("{peer}.json"));
    if !path.is_file() {
        return Ok(None);
    }
    read_json(&path).map(Some)
}

/// Loads the named peers; missing ones produce a note naming the command.
pub fn load_all(
    dir: &Path,
    peers: &[&str],
    notes: &mut Vec<String>,
) -> Result<Vec<(String, Option<PeerRun>)>, EvalError> {
    let mut out = Vec::new();
    for p in peers {
        let run = load(dir, p)?;
        match &run {
            None => {
                notes.push(format!("peer {p} not run: {COMMAND} (outputs expected in {})", dir.display()))
            }
            Some(r) => notes.push(format!("peer {p} {}: `{}`", r.version, r.command)),
        }
        out.push((p.to_string(), run));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_peer_file() {
        let dir = std::env::temp_dir().join(format!("parasol-eval-peers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("tesseract.json"),
            r#"{"peer":"tesseract","version":"5.3.0","command":"tesseract","files":{"a.png":{"text":"hi","seconds":0.5},"b.pdf":{"error":"boom","seconds":0.1,"pages":2}}}"#,
        )
        .unwrap();
        let mut notes = Vec::new();
        let runs = load_all(&dir, &["tesseract", "rapidocr"], &mut notes).unwrap();
        let t = runs[0].1.as_ref().unwrap();
        assert_eq!(t.files["a.png"].text.as_deref(), Some("hi"));
        assert_eq!(t.files["a.png"].pages, 1);
        assert_eq!(t.files["b.pdf"].error.as_deref(), Some("boom"));
        assert!(runs[1].1.is_none());
        assert!(notes[1].starts_with("peer rapidocr not run: scripts/peers/run.sh"), "{notes:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
