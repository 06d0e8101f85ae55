//! The Solar Mini engine: Llama/Solar-architecture language models, fully
//! local on CPU.
//!
//! It loads Llama-family weights from GGUF (quantized; evaluated with
//! llama.cpp's arithmetic and this crate's kernels, so greedy output equals
//! llama.cpp's) or safetensors (dense, on candle), builds the tokenizer from GGUF metadata or `tokenizer.json`,
//! renders chat templates (Solar, ChatML, the model's own Jinja), and
//! generates with a KV cache, sampling, stop sequences, streaming and
//! cancellation. [`dus`] builds deeper models by Depth Up-Scaling, as
//! SOLAR-10.7B was built from Mistral-7B.
//!
//! The main type is [`Engine`]:
//!
//! ```no_run
//! use parasol_solar::{default_model_path, Engine, GenerateOptions, Message};
//! # fn main() -> parasol_solar::Result<()> {
//! let path = default_model_path(std::path::Path::new("models/files"))?;
//! let mut engine = Engine::load(&path)?;
//! let prompt = engine.chat_prompt(&[Message::user("What is the capital of France?")])?;
//! let generation = engine.generate(&prompt, &GenerateOptions::default(), |piece| print!("{piece}"))?;
//! eprintln!("{:.1} tok/s", generation.decode_tokens_per_second());
//! # Ok(())
//! # }
//! ```

pub mod chat;
pub mod config;
pub mod dus;
pub mod error;
pub mod generate;
mod ggml;
mod kquant;
pub mod model;
mod quant;
pub mod sampling;
pub mod spm;
pub mod st;
pub mod tokenizer;

pub use chat::{ChatTemplate, Message, Role};
pub use config::LlamaConfig;
pub use error::{Error, Result};
pub use generate::{
    default_model_path, CancelToken, Engine, FinishReason, GenerateOptions, Generation, TokenStream,
    DEFAULT_MODEL,
};
pub use model::{Llama, RopeStyle};
pub use sampling::{Sampler, SamplingParams};
pub use tokenizer::{TextStream, Tokenizer};
