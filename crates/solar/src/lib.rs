//! The Solar Mini engine: Llama/Solar-architecture language models, fully
//! local on CPU.
//!
//! It loads Llama-family weights (Llama, Mistral, SOLAR, SmolLM2, and Qwen2
//! with its Q/K/V biases and NEOX RoPE, as configuration of the same
//! decoder) from GGUF (quantized; evaluated with
//! llama.cpp's arithmetic and this crate's kernels, so greedy output equals
//! llama.cpp's) or safetensors (dense, on candle), builds the tokenizer from
//! GGUF metadata, `tokenizer.json` or `tokenizer.model`, renders chat
//! templates (Solar, ChatML, the model's own Jinja), and generates with a KV
//! cache, sampling, stop sequences, streaming and cancellation. [`dus`] builds deeper models by Depth Up-Scaling, as
//! SOLAR-10.7B was built from Mistral-7B.
//!
//! The main type is [`Generator`]. It takes the path of a GGUF file or a
//! safetensors checkpoint directory; which model is the default is the
//! caller's choice (the `parasol-models` registry names the files). Errors
//! are one [`SolarError`].
//!
//! ```no_run
//! use parasol_solar::{GenerateOptions, Generator, Message};
//! # fn main() -> parasol_solar::Result<()> {
//! let path = std::path::Path::new("models/files/model.gguf");
//! let mut generator = Generator::load(path)?;
//! let prompt = generator.chat_prompt(&[Message::user("What is the capital of France?")])?;
//! let generation = generator.generate(&prompt, &GenerateOptions::default(), |piece| print!("{piece}"))?;
//! eprintln!("{:.1} tok/s", generation.decode_tokens_per_second());
//! # Ok(())
//! # }
//! ```
//!
//! Modules: [`generate`] (the generator, streaming, stop sequences),
//! [`model`] (the Llama forward pass), [`tokenizer`] and [`sentencepiece`]
//! (GGUF vocabularies, `tokenizer.json`, SentencePiece `tokenizer.model`),
//! [`chat`] (templates), [`sampling`], [`checkpoint`] (streaming safetensors
//! reader and writer), [`dus`] (Depth Up-Scaling) and [`config`]. The GGUF
//! path (`ggml`) has its own matrix kernels, private: `kernels` (what every
//! format shares), `quant` (Q4_1, Q8_0), `kquant` (Q4_K, Q6_K) and `matmul`
//! (the matrices and their parallel product, the only module that knows
//! every format). One of them is public, [`Q40Matrix`]: Q4_0 weights and
//! their product, for the embedder (`parasol-embed`).

pub mod chat;
pub mod checkpoint;
pub mod config;
pub mod dus;
pub mod error;
pub mod generate;
mod ggml;
mod kernels;
mod kquant;
mod matmul;
pub mod model;
mod quant;
pub mod sampling;
pub mod sentencepiece;
pub mod tokenizer;

pub use chat::{ChatTemplate, Message, Role};
pub use config::{LlamaConfig, RopeStyle};
pub use error::{Result, SolarError};
pub use generate::{CancelToken, FinishReason, GenerateOptions, Generation, Generator, TokenStream};
pub use matmul::Q40Matrix;
pub use model::Llama;
pub use sampling::{Sampler, SamplingParams};
pub use tokenizer::{TextStream, Tokenizer};
