//! `parasol generate`: stream a completion from the built-in Solar Mini
//! engine (SmolLM2-135M-Instruct by default) to stdout, speeds to stderr.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::model_arg::ModelArg;
use anyhow::Context;
use parasol_solar::{ChatTemplate, GenerateOptions, Generator, Message, SamplingParams};

/// Generate text with a local Llama-family model.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The prompt (the user's message, or the raw text with `--template raw`).
    pub prompt: String,
    /// The model: `smollm2`, `qwen2.5-coder-1.5b` (alias `qwen`), a GGUF file
    /// or a safetensors checkpoint directory.
    #[arg(long, value_name = "NAME|PATH", default_value_t = ModelArg::default())]
    pub model: ModelArg,
    /// System message.
    #[arg(long)]
    pub system: Option<String>,
    /// Chat format: `model` (the model's own), `solar`, `chatml` or `raw` (no template).
    #[arg(long, default_value = "model")]
    pub template: String,
    /// Maximum new tokens.
    #[arg(long, default_value_t = 256)]
    pub max_tokens: usize,
    /// Sampling temperature; 0 is greedy.
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f32,
    /// Keep the k most likely tokens (0 = all).
    #[arg(long, default_value_t = 0)]
    pub top_k: usize,
    /// Nucleus sampling threshold.
    #[arg(long, default_value_t = 1.0)]
    pub top_p: f32,
    /// Repetition penalty (1 = none).
    #[arg(long, default_value_t = 1.0)]
    pub repeat_penalty: f32,
    /// Random seed for sampling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Stop when the text contains this (repeatable).
    #[arg(long)]
    pub stop: Vec<String>,
}

pub fn run(args: Args, models: &Path) -> anyhow::Result<ExitCode> {
    let path = args.model.resolve(models)?;
    let mut generator = Generator::load(&path).with_context(|| format!("loading {}", path.display()))?;
    if args.template != "model" {
        generator.template = ChatTemplate::from_name(&args.template)?;
    }
    let mut messages = Vec::new();
    if let Some(system) = &args.system {
        messages.push(Message::system(system.clone()));
    }
    messages.push(Message::user(args.prompt.clone()));
    let prompt = generator.chat_prompt(&messages)?;
    let options = GenerateOptions {
        max_tokens: args.max_tokens,
        sampling: SamplingParams {
            temperature: args.temperature,
            top_k: args.top_k,
            top_p: args.top_p,
            repeat_penalty: args.repeat_penalty,
            seed: args.seed,
            ..SamplingParams::greedy()
        },
        stop: args.stop.clone(),
        cancel: None,
    };
    let mut stdout = std::io::stdout().lock();
    let mut write_error = None;
    let generation = generator.generate(&prompt, &options, |piece| {
        if write_error.is_none() {
            if let Err(e) = stdout.write_all(piece.as_bytes()).and_then(|()| stdout.flush()) {
                write_error = Some(e);
            }
        }
    })?;
    if let Some(e) = write_error {
        return Err(e).context("writing to stdout");
    }
    writeln!(stdout).context("writing to stdout")?;
    eprintln!(
        "prefill: {} tokens, {:.1} tok/s | decode: {} tokens, {:.1} tok/s | stop: {:?}",
        generation.prompt_tokens,
        generation.prefill_tokens_per_second(),
        generation.decode_steps,
        generation.decode_tokens_per_second(),
        generation.finish,
    );
    Ok(ExitCode::SUCCESS)
}
