//! The evaluation suites: each runs Parasol over one part of the corpus and
//! returns a [`Report`].
//!
//! Quality suites call a [`Converter`] in process (Parasol's engine in the
//! binary, a fake at this seam in unit tests) and time each conversion after
//! a warm-up; the `hostile` and `speed` suites run the `parasol` binary as a
//! child process, for crash isolation and peak memory. A suite whose feature
//! is missing returns [`Status::NotAvailable`](crate::report::Status) with
//! the reason, never a score.

mod cjk;
mod docling;
mod hostile;
mod layout;
mod ocr;
pub mod qa;
mod speed;
mod tables;
mod varied;

use std::path::{Path, PathBuf};
use std::time::Instant;

use parasol_doc::{BBox, Category, Document};

use crate::report::Report;
use crate::EvalError;

/// An error from the system under test; displayed, never inspected.
pub type ConvertError = Box<dyn std::error::Error + Send + Sync>;

/// What to ask of a conversion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub password: Option<String>,
    /// OCR every page even where a text layer exists.
    pub force_ocr: bool,
    /// The input is a crop of one table (PubTabNet): read each page as a table.
    pub page_is_table: bool,
    /// The language of scanned text (`cjk`).
    pub lang: parasol_pipeline::Lang,
}

/// A detected layout region in page pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    /// 1-based page number.
    pub page: usize,
    pub category: Category,
    pub bbox: BBox,
    pub score: f32,
}

/// Everything the suites score from one conversion.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversion {
    pub document: Document,
    /// Layout regions with confidences (layout mAP); empty without a layout model.
    pub regions: Vec<Region>,
    /// HTML of each table, in reading order (TEDS); empty without table recognition.
    pub tables: Vec<String>,
}

/// Whether the system under test has a feature a suite needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Available,
    NotAvailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    pub layout: Availability,
    pub tables: Availability,
    /// How the system's output feeds the layout suite (added to its notes).
    pub layout_note: Option<String>,
    /// How the system's output feeds the tables suite (added to its notes).
    pub tables_note: Option<String>,
}

/// The system under test, in process.
pub trait Converter {
    fn capabilities(&self) -> Capabilities;
    /// Loads models now, so the first timed conversion does not pay for it.
    fn warm_up(&self) -> Result<(), ConvertError>;
    fn convert(&self, path: &Path, request: &Request) -> Result<Conversion, ConvertError>;
}

/// Where a suite finds its inputs and puts its scratch files.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The shared corpus (`../shared/corpus`).
    pub corpus: PathBuf,
    /// Peer outputs written by `scripts/peers/run.sh`.
    pub peers: PathBuf,
    /// Scratch space for child-process outputs.
    pub scratch: PathBuf,
    /// The `parasol` binary, for child-process suites.
    pub binary: PathBuf,
    /// Model directory handed to child processes as `PARASOL_MODELS`.
    pub models: PathBuf,
    /// The Korean and Japanese development set (`scripts/cjk/make_devset.py`).
    pub cjk: PathBuf,
}

/// Everything a suite needs.
pub struct Context<'a> {
    pub paths: Paths,
    pub converter: &'a dyn Converter,
    /// Only the cheap subset (CI): the quick OCR files.
    pub quick: bool,
    /// Called with a short progress message (file being processed).
    pub progress: &'a dyn Fn(&str),
    /// The chat models the `qa` suite answers with (each one installed).
    pub chat_models: Vec<parasol_models::ChatModel>,
    /// The qa suite asks only every n-th question of its set (1: all).
    pub qa_every: usize,
    /// ... starting from this one (0-based): `--qa-every 3 --qa-offset 1`
    /// asks the 2nd, 5th, … questions, another third of the set.
    pub qa_offset: usize,
    /// The qa suite scores the outcomes a previous run left in the scratch
    /// directory instead of asking again.
    pub qa_rescore: bool,
    /// The question set the qa suite asks.
    pub qa_set: qa::QaSet,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("paths", &self.paths)
            .field("quick", &self.quick)
            .finish_non_exhaustive()
    }
}

/// The suites, in the order `all` runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    DoclingPdf,
    Tables,
    Layout,
    Ocr,
    Hostile,
    Speed,
    Qa,
    Cjk,
    Varied,
}

impl Suite {
    pub const ALL: [Suite; 9] = [
        Suite::DoclingPdf,
        Suite::Tables,
        Suite::Layout,
        Suite::Ocr,
        Suite::Hostile,
        Suite::Speed,
        Suite::Qa,
        Suite::Cjk,
        Suite::Varied,
    ];

    /// The suites a command-line name selects: one suite by its name, or
    /// every suite for `all`.
    pub fn select(name: &str) -> Result<Vec<Suite>, String> {
        if name == "all" {
            return Ok(Suite::ALL.to_vec());
        }
        Suite::ALL.into_iter().find(|s| s.name() == name).map(|s| vec![s]).ok_or_else(|| {
            let names: Vec<&str> = Suite::ALL.iter().map(|s| s.name()).collect();
            format!("unknown suite `{name}`; expected one of: {}, all", names.join(", "))
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Suite::DoclingPdf => "docling-pdf",
            Suite::Tables => "tables",
            Suite::Layout => "layout",
            Suite::Ocr => "ocr",
            Suite::Hostile => "hostile",
            Suite::Speed => "speed",
            Suite::Qa => "qa",
            Suite::Cjk => "cjk",
            Suite::Varied => "varied",
        }
    }
}

/// Runs one suite. `Err` is for a missing corpus or unreadable ground truth;
/// the system's own failures are in the report.
pub fn run(suite: Suite, ctx: &Context<'_>) -> Result<Report, EvalError> {
    if suite == Suite::Cjk {
        // Its own development set, not the shared corpus.
        return cjk::run(ctx);
    }
    crate::corpus::check(&ctx.paths.corpus)?;
    match suite {
        Suite::DoclingPdf => docling::run(ctx),
        Suite::Tables => tables::run(ctx),
        Suite::Layout => layout::run(ctx),
        Suite::Ocr => ocr::run(ctx),
        Suite::Hostile => hostile::run(ctx),
        Suite::Speed => speed::run(ctx),
        Suite::Qa => qa::run(ctx),
        Suite::Cjk => cjk::run(ctx),
        Suite::Varied => varied::run(ctx),
    }
}

/// One system's output for one file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Output {
    /// `None` when the conversion failed (then `error` says why).
    pub text: Option<String>,
    pub error: Option<String>,
    pub seconds: f64,
    pub pages: usize,
}

impl Output {
    pub fn seconds_per_page(&self) -> f64 {
        self.seconds / self.pages.max(1) as f64
    }
}

/// Converts and times one file; the text is the document's plain text.
pub(crate) fn convert_timed(
    ctx: &Context<'_>,
    file: &Path,
    request: &Request,
) -> (Output, Option<Conversion>) {
    (ctx.progress)(&crate::corpus::relative(&ctx.paths.corpus, file));
    let start = Instant::now();
    let result = ctx.converter.convert(file, request);
    let seconds = start.elapsed().as_secs_f64();
    match result {
        Ok(c) => {
            let out = Output {
                text: Some(c.document.to_text()),
                error: None,
                seconds,
                pages: c.document.pages.len(),
            };
            (out, Some(c))
        }
        Err(e) => {
            let out = Output { text: None, error: Some(e.to_string()), seconds, pages: 1 };
            (out, None)
        }
    }
}

/// A peer's output for a corpus-relative path, as an [`Output`].
pub(crate) fn peer_output(run: Option<&crate::peers::PeerRun>, rel: &str) -> Option<Output> {
    let f = run?.files.get(rel)?;
    Some(Output { text: f.text.clone(), error: f.error.clone(), seconds: f.seconds, pages: f.pages })
}

/// Mean of the values, `None` when there are none.
pub(crate) fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
pub(crate) mod fake {
    //! A converter at the suite seam, for testing that suites plug in.

    use super::*;

    pub struct Fake {
        pub capabilities: Capabilities,
        pub answer: Box<dyn Fn(&Path) -> Conversion>,
    }

    impl Converter for Fake {
        fn capabilities(&self) -> Capabilities {
            self.capabilities.clone()
        }
        fn warm_up(&self) -> Result<(), ConvertError> {
            Ok(())
        }
        fn convert(&self, path: &Path, _: &Request) -> Result<Conversion, ConvertError> {
            Ok((self.answer)(path))
        }
    }

    pub fn context<'a>(converter: &'a dyn Converter) -> Context<'a> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let corpus = root.join("../shared/corpus");
        assert!(corpus.is_dir(), "the evaluation corpus is missing: expected {}", corpus.display());
        Context {
            paths: Paths {
                corpus,
                peers: root.join("target/peers-none"),
                scratch: std::env::temp_dir().join("parasol-eval-fake"),
                binary: PathBuf::from("/nonexistent/parasol"),
                models: PathBuf::from("/nonexistent/models"),
                cjk: PathBuf::from("/nonexistent/cjk"),
            },
            converter,
            quick: false,
            progress: &|_| {},
            chat_models: Vec::new(),
            qa_every: 1,
            qa_offset: 0,
            qa_rescore: false,
            qa_set: qa::QaSet::Main,
        }
    }
}
