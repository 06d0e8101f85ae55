//! The crate's one error type, [`EmbedError`].

use std::path::PathBuf;

/// Why an embedding model could not be opened. Embedding itself cannot
/// fail once a model is open: every text has a vector.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbedError {
    /// The file could not be read.
    #[error("cannot read the embedding model {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than any model this crate runs; it is refused
    /// before it is read.
    #[error("the embedding model {} is {bytes} bytes, over the {limit}-byte limit", path.display())]
    TooLarge { path: PathBuf, bytes: u64, limit: u64 },
    /// The file is not a well-formed E5S1 model: truncated, a wrong magic,
    /// a size or offset out of range, a missing or misshapen tensor.
    #[error("the embedding model {} is corrupt: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
}
