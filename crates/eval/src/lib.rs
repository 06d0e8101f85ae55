//! Parsing-quality metrics and evaluation suites over the shared corpus.
//!
//! The metrics are the public ones, implemented here and cross-checked
//! against their reference implementations (see `tests/`):
//!
//! | metric | module | definition |
//! |---|---|---|
//! | NID | [`text::nid`] | DP-Bench: `1 − indel(ref, pred) / (|ref| + |pred|)` on whitespace-normalised text, tables and figures removed by the caller |
//! | CER, WER | [`text::cer`], [`text::wer`] | Levenshtein over characters / words of whitespace-normalised text, over the reference length |
//! | word-bag F1 | [`text::word_bag_f1`] | order-free word agreement, for forms and receipts |
//! | TEDS, TEDS-S | [`teds::teds`], [`teds::teds_s`] | PubTabNet's tree-edit-distance similarity (Zhang–Shasha) |
//! | reading order | [`order::reading_order`] | normalised edit distance between matched element sequences |
//! | mAP@0.5 | [`detection_ap::average_precision`] | COCO-style AP per class, 101-point interpolation |
//!
//! **Normalisation** is deliberately minimal and the same for every system:
//! runs of whitespace (including line breaks) become one space and the ends
//! are trimmed. Case, punctuation, diacritics and typographic quotes count.
//! For NID, text inside tables, figures and charts is left out on both sides
//! (DP-Bench's definition); captions, headers and footers stay in.
//!
//! The [`suites`] run Parasol (in process through [`Converter`], or as a child
//! process for crash isolation and peak memory) over the corpus, read peer
//! outputs written by `scripts/peers/run.sh`, and return [`report::Report`]s
//! that the `parasol-eval` command prints.
//!
//! ```
//! use parasol_eval::{teds, text};
//! assert_eq!(text::nid("a  b\nc", "a b c"), 1.0);
//! assert_eq!(text::cer("kitten", "sitting").errors, 3);
//! let t = "<html><body><table><tr><td>1</td></tr></table></body></html>";
//! assert_eq!(teds::teds(t, t).score, 1.0);
//! ```

pub mod corpus;
pub mod detection_ap;
pub mod engine;
pub mod html;
pub mod order;
pub mod peers;
pub mod process;
pub mod report;
pub mod suites;
pub mod teds;
pub mod text;
pub mod tree_edit;

use std::path::PathBuf;

pub use engine::PipelineConverter;
pub use suites::{Availability, Capabilities, Context, Conversion, Converter, Paths, Region, Request, Suite};

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    #[error("the evaluation corpus is missing: expected {0}")]
    CorpusMissing(PathBuf),
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot parse {path}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("malformed ground truth in {path}: {reason}")]
    Truth { path: PathBuf, reason: String },
    #[error("cannot run {program}")]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub(crate) fn read_to_string(path: &std::path::Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io { path: path.to_owned(), source })
}

pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Result<T, EvalError> {
    let s = read_to_string(path)?;
    serde_json::from_str(&s).map_err(|source| EvalError::Json { path: path.to_owned(), source })
}
