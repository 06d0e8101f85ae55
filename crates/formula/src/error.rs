//! The crate's one error type, [`FormulaError`].

use std::path::PathBuf;

/// Why a recogniser could not be loaded, or an image could not be read as
/// a formula. A formula the model reads badly is not an error: it is a
/// string (and [`Recognition::truncated`](crate::Recognition::truncated)
/// says when the token cap cut it short).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormulaError {
    /// A model file could not be read.
    #[error("cannot read the formula model {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The weights are not pix2tex's: a tensor is missing, misnamed or of
    /// the wrong shape, or the file is not a PyTorch checkpoint.
    #[error("the formula model {} is not a pix2tex checkpoint", path.display())]
    Weights {
        path: PathBuf,
        #[source]
        source: candle_core::Error,
    },
    /// The tokenizer file could not be parsed.
    #[error("the formula tokenizer {} is invalid: {reason}", path.display())]
    Tokenizer { path: PathBuf, reason: String },
    /// The image is larger than [`Limits`](crate::Limits) allow; it is
    /// refused before any work.
    #[error("the formula image is {width}x{height} pixels, over the limit of {max_side} per side and {max_pixels} in all")]
    TooLarge { width: u32, height: u32, max_side: u32, max_pixels: u64 },
    /// The image has no ink: every pixel is the same grey, so there is no
    /// formula to crop (pix2tex itself fails on such an image).
    #[error("the formula image is blank")]
    Blank,
    /// The ink is so thin or so wide that fitting it into the model's
    /// 672x192 input leaves no row or column of it (pix2tex's resize fails
    /// the same way).
    #[error("the formula's ink ({width}x{height} pixels) cannot be fitted into the model's input")]
    Degenerate { width: u32, height: u32 },
    /// A tensor computation failed.
    #[error("tensor computation failed")]
    Candle(#[from] candle_core::Error),
}
