//! The crate's one error type, [`SolarError`], and its [`Result`].

use std::path::PathBuf;

/// Everything that can go wrong while loading or running a model.
///
/// Variants carry the file they concern; the underlying candle, tokenizers
/// or IO error is kept as the `source`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SolarError {
    /// A model, tokenizer or config file could not be read.
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is missing; `hint` says how to get it.
    #[error("model file {path} is missing ({hint})")]
    Missing { path: PathBuf, hint: String },
    /// The weights or their metadata are not a Llama-family model we can run.
    #[error("unsupported model {path}: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    /// A file parsed but its contents are inconsistent or malformed.
    #[error("invalid model {path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
    /// A tensor computation failed.
    #[error("tensor computation failed")]
    Candle(#[from] candle_core::Error),
    /// The tokenizer could not be built or failed on a string.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// A `config.json` could not be parsed.
    #[error("cannot parse {path}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// The chat template failed to compile or render.
    #[error("chat template")]
    Template(#[from] minijinja::Error),
    /// The prompt plus the requested new tokens do not fit the context.
    #[error(
        "prompt of {prompt} tokens plus {max_tokens} new tokens exceeds the context of {context} tokens"
    )]
    ContextOverflow { prompt: usize, max_tokens: usize, context: usize },
    /// The prompt was empty after tokenisation.
    #[error("empty prompt")]
    EmptyPrompt,
    /// An option (sampling parameter, template name, layer count) is out of range.
    #[error("invalid argument: {0}")]
    Argument(String),
    /// A Depth Up-Scaling request does not fit the base checkpoint.
    #[error("depth up-scaling: {0}")]
    Dus(String),
}

/// The crate's result type.
pub type Result<T, E = SolarError> = std::result::Result<T, E>;

impl SolarError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }

    pub(crate) fn invalid(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self::Invalid { path: path.into(), reason: reason.into() }
    }

    pub(crate) fn unsupported(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self::Unsupported { path: path.into(), reason: reason.into() }
    }
}
