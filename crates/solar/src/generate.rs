//! The [`Generator`]: a model, its tokenizer and chat template, and
//! generation with a KV cache, sampling, stop sequences, streaming and
//! cancellation.
//!
//! It takes the path of a model: which file is the default, and which
//! directory holds it, are the caller's choice (the `parasol-models`
//! registry names the files).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use candle_core::quantized::gguf_file;
use candle_core::DType;

use crate::chat::{ChatTemplate, Message};
use crate::config::gguf_string;
use crate::error::{Result, SolarError};
use crate::model::Llama;
use crate::sampling::{Sampler, SamplingParams};
use crate::tokenizer::{TextStream, Tokenizer};

/// Lets another thread stop a generation between two tokens.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What to generate and when to stop.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub max_tokens: usize,
    pub sampling: SamplingParams,
    /// Texts that end generation; the text returned stops before them.
    pub stop: Vec<String>,
    pub cancel: Option<CancelToken>,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self { max_tokens: 256, sampling: SamplingParams::greedy(), stop: Vec::new(), cancel: None }
    }
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishReason {
    /// The model produced an end-of-turn token.
    StopToken,
    /// The text reached one of the stop sequences.
    StopSequence,
    MaxTokens,
    Cancelled,
}

/// The outcome of a generation, with timings.
#[derive(Debug, Clone)]
pub struct Generation {
    pub text: String,
    /// Generated ids, including a final stop token if there was one.
    pub tokens: Vec<u32>,
    pub prompt_tokens: usize,
    pub finish: FinishReason,
    /// Time to run the prompt through the model (one pass).
    pub prefill: Duration,
    /// Time of the single-token passes after the prefill.
    pub decode: Duration,
    pub decode_steps: usize,
}

impl Generation {
    pub fn prefill_tokens_per_second(&self) -> f64 {
        self.prompt_tokens as f64 / self.prefill.as_secs_f64().max(1e-9)
    }

    pub fn decode_tokens_per_second(&self) -> f64 {
        self.decode_steps as f64 / self.decode.as_secs_f64().max(1e-9)
    }
}

/// A model ready to generate.
#[derive(Debug)]
pub struct Generator {
    pub model: Llama,
    pub tokenizer: Tokenizer,
    pub template: ChatTemplate,
    pub path: PathBuf,
    /// Tokens whose keys and values are in the model's cache.
    cached: Vec<u32>,
}

impl Generator {
    /// Loads a GGUF file or a safetensors checkpoint directory
    /// (`config.json`, `tokenizer.json`, `model.safetensors`) in f32.
    pub fn load(path: &Path) -> Result<Self> {
        if path.is_dir() {
            return Self::load_safetensors(path, DType::F32);
        }
        if !path.exists() {
            return Err(SolarError::Missing { path: path.to_owned(), hint: "check --model".into() });
        }
        let mut file = std::fs::File::open(path).map_err(|e| SolarError::io(path, e))?;
        let content = gguf_file::Content::read(&mut file)
            .map_err(|e| SolarError::invalid(path, format!("not a GGUF file: {e}")))?;
        let tokenizer = Tokenizer::from_gguf(&content, path)?;
        let model = Llama::from_gguf(&content, path)?;
        let template = match gguf_string(&content, "tokenizer.chat_template") {
            Some(t) => ChatTemplate::Jinja(t),
            None => guess_template(&tokenizer),
        };
        tracing::info!(path = %path.display(), layers = model.config.num_layers, "loaded GGUF model");
        Ok(Self { model, tokenizer, template, path: path.to_owned(), cached: Vec::new() })
    }

    /// Loads a Hugging Face checkpoint directory in `dtype`.
    pub fn load_safetensors(dir: &Path, dtype: DType) -> Result<Self> {
        let tokenizer = Tokenizer::from_file(&dir.join("tokenizer.json"))?;
        let model = Llama::from_safetensors(dir, dtype)?;
        let config = dir.join("tokenizer_config.json");
        let own = std::fs::read_to_string(&config)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("chat_template").and_then(|t| t.as_str()).map(str::to_owned));
        let template = own.map_or_else(|| guess_template(&tokenizer), ChatTemplate::Jinja);
        Ok(Self { model, tokenizer, template, path: dir.to_owned(), cached: Vec::new() })
    }

    /// The prompt text for a conversation, ready for the assistant's turn.
    pub fn chat_prompt(&self, messages: &[Message]) -> Result<String> {
        let bos = self.tokenizer.token_text(self.tokenizer.bos);
        let eos = self.tokenizer.token_text(self.tokenizer.eos);
        self.template.render(messages, true, &bos, &eos)
    }

    /// Tokenises a rendered prompt (special tokens parsed, BOS if wanted).
    pub fn encode_prompt(&self, prompt: &str) -> Result<Vec<u32>> {
        self.tokenizer.encode_prompt(prompt)
    }

    /// Generates from prompt text, calling `on_text` with each new piece.
    pub fn generate(
        &mut self,
        prompt: &str,
        options: &GenerateOptions,
        mut on_text: impl FnMut(&str),
    ) -> Result<Generation> {
        let ids = self.encode_prompt(prompt)?;
        let mut stream = self.stream(&ids, options)?;
        while let Some(piece) = stream.next_piece()? {
            if !piece.is_empty() {
                on_text(&piece);
            }
        }
        Ok(stream.into_generation())
    }

    /// The logits of the token after `prompt` (its ids), without generating:
    /// how likely each next token is, e.g. to ask the model a yes-or-no
    /// question. The cached prefix is reused, as in [`Generator::stream`].
    pub fn next_logits(&mut self, prompt: &[u32]) -> Result<Vec<f32>> {
        if prompt.is_empty() {
            return Err(SolarError::EmptyPrompt);
        }
        let context = self.model.config.context_length;
        if prompt.len() > context {
            return Err(SolarError::ContextOverflow { prompt: prompt.len(), max_tokens: 0, context });
        }
        self.reuse_prefix(prompt)?;
        let pending = &prompt[self.cached.len()..];
        let logits = self.model.forward(pending)?;
        self.cached.extend_from_slice(pending);
        Ok(logits.to_vec1::<f32>()?)
    }

    /// Keeps the cached keys and values of the longest common prefix of the
    /// cache and `prompt` (a chat that grows turn by turn), but never all of
    /// `prompt`: at least one token must run to give logits.
    fn reuse_prefix(&mut self, prompt: &[u32]) -> Result<()> {
        let common = self.cached.iter().zip(prompt).take_while(|(a, b)| a == b).count().min(prompt.len() - 1);
        self.model.truncate(common)?;
        self.cached.truncate(common);
        if self.model.position() != common {
            self.model.reset();
            self.cached.clear();
        }
        Ok(())
    }

    /// Starts generating from prompt ids; pull text with
    /// [`TokenStream::next_piece`] or iterate it.
    pub fn stream<'a>(&'a mut self, prompt: &[u32], options: &GenerateOptions) -> Result<TokenStream<'a>> {
        if prompt.is_empty() {
            return Err(SolarError::EmptyPrompt);
        }
        let context = self.model.config.context_length;
        if prompt.len() + options.max_tokens > context {
            return Err(SolarError::ContextOverflow {
                prompt: prompt.len(),
                max_tokens: options.max_tokens,
                context,
            });
        }
        let sampler = Sampler::new(options.sampling.clone())?;
        self.reuse_prefix(prompt)?;
        Ok(TokenStream {
            pending_prompt: prompt[self.cached.len()..].to_vec(),
            generator: self,
            sampler,
            options: options.clone(),
            stop: StopMatcher::new(options.stop.clone()),
            text: TextStream::default(),
            history: prompt.to_vec(),
            generated: Vec::new(),
            out: String::new(),
            prompt_tokens: prompt.len(),
            finish: None,
            prefill: Duration::ZERO,
            decode: Duration::ZERO,
            decode_steps: 0,
            next_logits: None,
        })
    }
}

/// The template a model without its own most likely expects.
fn guess_template(tokenizer: &Tokenizer) -> ChatTemplate {
    if tokenizer.token_to_id("<|im_start|>").is_some() {
        ChatTemplate::ChatMl
    } else {
        ChatTemplate::Solar
    }
}

/// A generation in progress. Each [`TokenStream::next_piece`] runs the model
/// for one token and returns the text that became final (possibly empty
/// while a UTF-8 character or a possible stop sequence is incomplete).
#[derive(Debug)]
pub struct TokenStream<'a> {
    generator: &'a mut Generator,
    sampler: Sampler,
    options: GenerateOptions,
    stop: StopMatcher,
    text: TextStream,
    pending_prompt: Vec<u32>,
    history: Vec<u32>,
    generated: Vec<u32>,
    out: String,
    prompt_tokens: usize,
    finish: Option<FinishReason>,
    prefill: Duration,
    decode: Duration,
    decode_steps: usize,
    next_logits: Option<Vec<f32>>,
}

impl TokenStream<'_> {
    /// The next piece of text, or `None` when generation has finished.
    pub fn next_piece(&mut self) -> Result<Option<String>> {
        if self.finish.is_some() {
            return Ok(None);
        }
        if self.options.cancel.as_ref().is_some_and(CancelToken::is_cancelled) {
            return Ok(self.end(FinishReason::Cancelled));
        }
        if self.generated.len() >= self.options.max_tokens {
            return Ok(self.end(FinishReason::MaxTokens));
        }
        let mut logits = match self.next_logits.take() {
            Some(l) => l,
            None => {
                let start = Instant::now();
                let prompt = std::mem::take(&mut self.pending_prompt);
                let logits = self.generator.model.forward(&prompt)?;
                self.generator.cached.extend_from_slice(&prompt);
                self.prefill = start.elapsed();
                logits.to_vec1::<f32>()?
            }
        };
        let id = self.sampler.sample(&mut logits, &self.history);
        self.history.push(id);
        self.generated.push(id);
        if self.generator.tokenizer.stop_ids.contains(&id) {
            return Ok(self.end(FinishReason::StopToken));
        }
        let piece = self.text.push(&self.generator.tokenizer, id)?.unwrap_or_default();
        let (emit, hit) = self.stop.push(&piece);
        self.out.push_str(&emit);
        if hit {
            self.finish = Some(FinishReason::StopSequence);
            return Ok(Some(emit));
        }
        // Run the new token now so that the next call has its logits; the
        // last token of a max-length generation needs no pass.
        if self.generated.len() < self.options.max_tokens {
            let start = Instant::now();
            let logits = self.generator.model.forward(&[id])?;
            self.generator.cached.push(id);
            self.next_logits = Some(logits.to_vec1::<f32>()?);
            self.decode += start.elapsed();
            self.decode_steps += 1;
        }
        Ok(Some(emit))
    }

    fn end(&mut self, reason: FinishReason) -> Option<String> {
        self.finish = Some(reason);
        let mut tail = String::new();
        if reason != FinishReason::StopSequence {
            if let Ok(Some(rest)) = self.text.finish(&self.generator.tokenizer) {
                tail.push_str(&self.stop.push(&rest).0);
            }
            tail.push_str(&self.stop.flush());
        }
        self.out.push_str(&tail);
        (!tail.is_empty()).then_some(tail)
    }

    /// Why generation ended, once it has.
    pub fn finish_reason(&self) -> Option<FinishReason> {
        self.finish
    }

    pub fn into_generation(self) -> Generation {
        Generation {
            text: self.out,
            tokens: self.generated,
            prompt_tokens: self.prompt_tokens,
            finish: self.finish.unwrap_or(FinishReason::MaxTokens),
            prefill: self.prefill,
            decode: self.decode,
            decode_steps: self.decode_steps,
        }
    }
}

impl Iterator for TokenStream<'_> {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_piece().transpose()
    }
}

/// Finds stop sequences in streamed text, holding back any tail that could
/// still grow into one.
#[derive(Debug, Default)]
pub struct StopMatcher {
    stops: Vec<String>,
    held: String,
}

impl StopMatcher {
    pub fn new(stops: Vec<String>) -> Self {
        Self { stops: stops.into_iter().filter(|s| !s.is_empty()).collect(), held: String::new() }
    }

    /// Adds text; returns what may be emitted and whether a stop was hit
    /// (in which case the text before the stop is returned and the rest dropped).
    pub fn push(&mut self, piece: &str) -> (String, bool) {
        self.held.push_str(piece);
        let first_hit = self.stops.iter().filter_map(|s| self.held.find(s.as_str())).min();
        if let Some(at) = first_hit {
            let emit = self.held[..at].to_owned();
            self.held.clear();
            return (emit, true);
        }
        // Keep the longest suffix that is a proper prefix of some stop.
        let keep = self
            .stops
            .iter()
            .flat_map(|s| (1..s.len()).filter(|&n| s.is_char_boundary(n)).map(move |n| &s[..n]))
            .filter(|p| self.held.ends_with(p))
            .map(str::len)
            .max()
            .unwrap_or(0);
        let cut = self.held.len() - keep;
        let emit = self.held[..cut].to_owned();
        self.held.drain(..cut);
        (emit, false)
    }

    /// The held-back text, at the end of generation.
    pub fn flush(&mut self) -> String {
        std::mem::take(&mut self.held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(stops: &[&str], pieces: &[&str], expect: &str, expect_hit: bool) {
        let mut m = StopMatcher::new(stops.iter().map(|s| s.to_string()).collect());
        let mut out = String::new();
        let mut hit = false;
        for p in pieces {
            let (e, h) = m.push(p);
            out.push_str(&e);
            if h {
                hit = true;
                break;
            }
        }
        if !hit {
            out.push_str(&m.flush());
        }
        assert_eq!((out.as_str(), hit), (expect, expect_hit));
    }

    #[test]
    fn stop_sequences() {
        check(&["\n\n"], &["Paris", ".", "\n", "\n", "The"], "Paris.", true);
        check(&["###"], &["a #", "# b"], "a ## b", false);
        check(&["###"], &["a #", "#", "# b"], "a ", true);
        check(&[], &["x", "y"], "xy", false);
        check(&["é!"], &["café", "!"], "caf", true);
    }

    #[test]
    fn cancel_token_is_shared() {
        let t = CancelToken::new();
        let u = t.clone();
        u.cancel();
        assert!(t.is_cancelled());
    }
}
