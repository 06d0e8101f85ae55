//! Tokenizers: built from GGUF metadata (GPT-2 byte BPE or Llama
//! SentencePiece) or read from a Hugging Face `tokenizer.json`.
//!
//! GGUF files carry the vocabulary, not a `tokenizer.json`, so the two GGUF
//! families are rebuilt as `tokenizers` pipelines that reproduce llama.cpp:
//! byte-level BPE with the pre-tokeniser named by `tokenizer.ggml.pre`, and
//! SentencePiece BPE as a score-ranked merge list with byte fallback (the
//! conversion transformers uses for Llama tokenizers).

use std::path::Path;

use candle_core::quantized::gguf_file;
use tokenizers::decoders::byte_fallback::ByteFallback;
use tokenizers::decoders::byte_level::ByteLevel;
use tokenizers::decoders::fuse::Fuse;
use tokenizers::decoders::sequence::Sequence as DecoderSequence;
use tokenizers::decoders::strip::Strip;
use tokenizers::models::bpe::{Vocab, BPE};
use tokenizers::normalizers::{Prepend, Replace, Sequence as NormalizerSequence};
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence as PreSequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{
    AddedToken, DecoderWrapper, NormalizerWrapper, PreTokenizerWrapper, SplitDelimiterBehavior,
};

use crate::config::{gguf_string, gguf_usize};
use crate::error::{Result, SolarError};

/// llama.cpp's token types (`tokenizer.ggml.token_type`).
const TYPE_CONTROL: i64 = 3;
const TYPE_USER_DEFINED: i64 = 4;
const TYPE_NORMAL: i64 = 1;

/// The Llama 3 pre-tokeniser regex (llama.cpp `llama-bpe`).
const LLAMA3_REGEX: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// llama.cpp's `LLAMA_VOCAB_PRE_TYPE_QWEN2` regex: Qwen2's `tokenizer.json`
/// regex with its case-insensitive contractions spelled out. Unlike Llama 3's
/// it takes digits one at a time.
const QWEN2_REGEX: &str = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// Token texts that end a turn in the chat formats we know.
const STOP_TEXTS: &[&str] = &["</s>", "<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end_of_text|>"];

/// A tokenizer plus the special ids generation needs.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
    /// Same vocabulary, but special-token texts in the input stay plain text.
    literal: tokenizers::Tokenizer,
    pub bos: Option<u32>,
    pub eos: Option<u32>,
    /// Whether prompts start with BOS (GGUF `tokenizer.ggml.add_bos_token`).
    pub add_bos: bool,
    /// Ids that end generation: EOS and the end-of-turn tokens present.
    pub stop_ids: Vec<u32>,
}

impl Tokenizer {
    /// Builds the tokenizer stored in a GGUF file's metadata.
    pub fn from_gguf(content: &gguf_file::Content, path: &Path) -> Result<Self> {
        let md = &content.metadata;
        let model = gguf_string(content, "tokenizer.ggml.model").unwrap_or_default();
        let tokens: Vec<String> = md
            .get("tokenizer.ggml.tokens")
            .and_then(|v| v.to_vec().ok())
            .ok_or_else(|| SolarError::invalid(path, "no tokenizer.ggml.tokens"))?
            .iter()
            .map(|v| v.to_string().cloned().unwrap_or_default())
            .collect();
        let types: Vec<i64> = match md.get("tokenizer.ggml.token_type").and_then(|v| v.to_vec().ok()) {
            Some(v) => v.iter().map(|t| gguf_usize(t).map_or(TYPE_NORMAL, |t| t as i64)).collect(),
            None => vec![TYPE_NORMAL; tokens.len()],
        };
        let id = |key: &str| md.get(key).and_then(gguf_usize).map(|v| v as u32);
        let bos = id("tokenizer.ggml.bos_token_id");
        let eos = id("tokenizer.ggml.eos_token_id");
        let flag = |key: &str| md.get(key).and_then(|v| v.to_bool().ok());
        let (inner, default_bos) = match model.as_str() {
            "gpt2" => {
                let merges: Vec<String> = md
                    .get("tokenizer.ggml.merges")
                    .and_then(|v| v.to_vec().ok())
                    .ok_or_else(|| SolarError::invalid(path, "no tokenizer.ggml.merges"))?
                    .iter()
                    .map(|v| v.to_string().cloned().unwrap_or_default())
                    .collect();
                let pre = gguf_string(content, "tokenizer.ggml.pre").unwrap_or_default();
                (byte_bpe(&tokens, &merges, &pre)?, false)
            }
            "llama" => {
                let scores: Vec<f32> = match md.get("tokenizer.ggml.scores").and_then(|v| v.to_vec().ok()) {
                    Some(v) => v.iter().map(|s| s.to_f32().unwrap_or(0.0)).collect(),
                    None => vec![0.0; tokens.len()],
                };
                let prefix = flag("tokenizer.ggml.add_space_prefix").unwrap_or(true);
                (sentencepiece_bpe(&tokens, &scores, &types, prefix)?, true)
            }
            other => return Err(SolarError::unsupported(path, format!("tokenizer model {other:?}"))),
        };
        let add_bos = flag("tokenizer.ggml.add_bos_token").unwrap_or(default_bos) && bos.is_some();
        let mut inner = inner;
        add_special_tokens(&mut inner, &tokens, &types)?;
        let mut stop_ids: Vec<u32> = eos.into_iter().collect();
        stop_ids.extend(id("tokenizer.ggml.eot_token_id"));
        Self::finish(inner, bos, eos, add_bos, stop_ids)
    }

    /// Builds a SentencePiece tokenizer from its pieces, scores and types
    /// (the contents of a `tokenizer.model` or of GGUF `llama` metadata).
    pub fn from_sentencepiece(pieces: &[String], scores: &[f32], types: &[i64]) -> Result<Self> {
        let mut inner = sentencepiece_bpe(pieces, scores, types, true)?;
        add_special_tokens(&mut inner, pieces, types)?;
        let bos = inner.token_to_id("<s>");
        let eos = inner.token_to_id("</s>");
        Self::finish(inner, bos, eos, bos.is_some(), eos.into_iter().collect())
    }

    /// Reads a Hugging Face `tokenizer.json`; BOS/EOS come from a sibling
    /// `tokenizer_config.json` when present.
    pub fn from_file(path: &Path) -> Result<Self> {
        let inner = tokenizers::Tokenizer::from_file(path)
            .map_err(|e| SolarError::Tokenizer(format!("{}: {e}", path.display())))?;
        let config = path.with_file_name("tokenizer_config.json");
        let config: serde_json::Value = match std::fs::read_to_string(&config) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|source| SolarError::Json { path: config.clone(), source })?,
            Err(_) => serde_json::Value::Null,
        };
        let named = |key: &str| -> Option<u32> {
            let v = config.get(key)?;
            let text = v.as_str().or_else(|| v.get("content").and_then(|c| c.as_str()))?;
            inner.token_to_id(text)
        };
        let bos = named("bos_token").or_else(|| inner.token_to_id("<s>"));
        let eos = named("eos_token").or_else(|| inner.token_to_id("</s>"));
        // Without an explicit flag, the post-processor says whether BOS is added.
        let add_bos = match config.get("add_bos_token").and_then(|v| v.as_bool()) {
            Some(flag) => flag,
            None => {
                let probe = inner.encode("a", true).map_err(|e| SolarError::Tokenizer(e.to_string()))?;
                bos.is_some() && probe.get_ids().first() == bos.as_ref()
            }
        };
        Self::finish(inner, bos, eos, add_bos, eos.into_iter().collect())
    }

    fn finish(
        inner: tokenizers::Tokenizer,
        bos: Option<u32>,
        eos: Option<u32>,
        add_bos: bool,
        mut stop_ids: Vec<u32>,
    ) -> Result<Self> {
        stop_ids.extend(STOP_TEXTS.iter().filter_map(|t| inner.token_to_id(t)));
        stop_ids.sort_unstable();
        stop_ids.dedup();
        let mut literal = inner.clone();
        literal.set_encode_special_tokens(true);
        Ok(Self { inner, literal, bos, eos, add_bos, stop_ids })
    }

    /// Token ids of `text`, without BOS. With `parse_special`, texts such as
    /// `<|im_start|>` become their special token (as llama.cpp's
    /// `parse_special`); without, they are tokenised as plain text.
    pub fn encode(&self, text: &str, parse_special: bool) -> Result<Vec<u32>> {
        let tok = if parse_special { &self.inner } else { &self.literal };
        let enc = tok.encode(text, false).map_err(|e| SolarError::Tokenizer(e.to_string()))?;
        Ok(enc.get_ids().to_vec())
    }

    /// Ids of a rendered chat prompt: special tokens parsed, BOS prepended if
    /// the model wants it and the template did not already write it.
    pub fn encode_prompt(&self, text: &str) -> Result<Vec<u32>> {
        let mut ids = self.encode(text, true)?;
        if let (true, Some(bos)) = (self.add_bos, self.bos) {
            if ids.first() != Some(&bos) {
                ids.insert(0, bos);
            }
        }
        Ok(ids)
    }

    /// Text of `ids`, special tokens skipped.
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        self.inner.decode(ids, true).map_err(|e| SolarError::Tokenizer(e.to_string()))
    }

    pub fn token_to_id(&self, text: &str) -> Option<u32> {
        self.inner.token_to_id(text)
    }

    pub fn id_to_token(&self, id: u32) -> Option<String> {
        self.inner.id_to_token(id)
    }

    /// The text of a token id as the chat template sees it (`bos_token`).
    pub(crate) fn token_text(&self, id: Option<u32>) -> String {
        id.and_then(|i| self.inner.id_to_token(i)).unwrap_or_default()
    }

    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }
}

fn tok_err(e: impl std::fmt::Display) -> SolarError {
    SolarError::Tokenizer(e.to_string())
}

/// Control and user-defined tokens are matched whole in the input text.
fn add_special_tokens(tok: &mut tokenizers::Tokenizer, tokens: &[String], types: &[i64]) -> Result<()> {
    let added: Vec<AddedToken> = tokens
        .iter()
        .zip(types)
        .filter(|(_, &t)| t == TYPE_CONTROL || t == TYPE_USER_DEFINED)
        .map(|(text, &t)| AddedToken::from(text.clone(), t == TYPE_CONTROL))
        .collect();
    tok.add_special_tokens(added).map_err(tok_err)?;
    Ok(())
}

/// GPT-2-style byte-level BPE with the pre-tokeniser llama.cpp uses for `pre`.
fn byte_bpe(tokens: &[String], merges: &[String], pre: &str) -> Result<tokenizers::Tokenizer> {
    let vocab: Vocab = tokens.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
    let merges: Vec<(String, String)> =
        merges.iter().filter_map(|m| m.split_once(' ').map(|(a, b)| (a.to_owned(), b.to_owned()))).collect();
    let bpe = BPE::builder().vocab_and_merges(vocab, merges).build().map_err(tok_err)?;
    let byte_level = ByteLevel::new(false, true, true);
    let pre_tok: PreTokenizerWrapper = match pre {
        "smollm" => PreSequence::new(vec![Digits::new(true).into(), byte_level.into()]).into(),
        "llama-bpe" | "llama3" => regex_then_bytes(LLAMA3_REGEX)?,
        "qwen2" => regex_then_bytes(QWEN2_REGEX)?,
        "gpt2" | "default" | "" => byte_level.into(),
        other => {
            tracing::warn!(pre = other, "unknown GGUF pre-tokenizer, using GPT-2's");
            byte_level.into()
        }
    };
    let mut tok = tokenizers::Tokenizer::new(bpe);
    tok.with_pre_tokenizer(Some(pre_tok));
    tok.with_decoder(Some(DecoderWrapper::ByteLevel(ByteLevel::default())));
    Ok(tok)
}

/// A regex split (matches kept as pieces, as llama.cpp's `unicode_regex_split`
/// keeps them) followed by GPT-2's byte-to-character mapping.
fn regex_then_bytes(regex: &str) -> Result<PreTokenizerWrapper> {
    let split = Split::new(SplitPattern::Regex(regex.into()), SplitDelimiterBehavior::Isolated, false)
        .map_err(tok_err)?;
    Ok(PreSequence::new(vec![split.into(), ByteLevel::new(false, true, false).into()]).into())
}

/// SentencePiece BPE as a `tokenizers` BPE: merges are every split of a
/// normal piece into two pieces, ranked by the merged piece's score, which
/// is the order in which SentencePiece applies them.
fn sentencepiece_bpe(
    pieces: &[String],
    scores: &[f32],
    types: &[i64],
    space_prefix: bool,
) -> Result<tokenizers::Tokenizer> {
    let vocab: Vocab = pieces.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
    let mut ranked: Vec<(f32, u32, u32, u32)> = Vec::new();
    for (id, piece) in pieces.iter().enumerate() {
        if types.get(id).copied().unwrap_or(TYPE_NORMAL) != TYPE_NORMAL {
            continue;
        }
        for (split, _) in piece.char_indices().skip(1) {
            let (l, r) = piece.split_at(split);
            if let (Some(&li), Some(&ri)) = (vocab.get(l), vocab.get(r)) {
                ranked.push((scores.get(id).copied().unwrap_or(0.0), id as u32, li, ri));
            }
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
    let merges: Vec<(String, String)> =
        ranked.iter().map(|&(_, _, l, r)| (pieces[l as usize].clone(), pieces[r as usize].clone())).collect();
    let unk = pieces.iter().zip(types).find(|(_, &t)| t == 2).map(|(p, _)| p.clone());
    let mut builder = BPE::builder().vocab_and_merges(vocab, merges).byte_fallback(true).fuse_unk(true);
    if let Some(unk) = unk {
        builder = builder.unk_token(unk);
    }
    let bpe = builder.build().map_err(tok_err)?;
    let mut tok = tokenizers::Tokenizer::new(bpe);
    let replace = Replace::new(" ", "\u{2581}").map_err(tok_err)?;
    let normalizer: NormalizerWrapper = if space_prefix {
        NormalizerSequence::new(vec![Prepend::new("\u{2581}".into()).into(), replace.into()]).into()
    } else {
        replace.into()
    };
    tok.with_normalizer(Some(normalizer)).map_err(tok_err)?;
    let mut decoders: Vec<DecoderWrapper> = vec![
        Replace::new("\u{2581}", " ").map_err(tok_err)?.into(),
        ByteFallback::new().into(),
        Fuse::new().into(),
    ];
    if space_prefix {
        decoders.push(Strip::new(' ', 1, 0).into());
    }
    tok.with_decoder(Some(DecoderSequence::new(decoders)));
    Ok(tok)
}

/// Turns a stream of token ids into text pieces, holding back bytes until
/// they form whole UTF-8 characters (a byte-BPE token can end mid-character).
#[derive(Debug, Default)]
pub struct TextStream {
    ids: Vec<u32>,
    emitted: usize,
}

impl TextStream {
    /// Adds a token and returns the text that is now complete, if any.
    pub fn push(&mut self, tokenizer: &Tokenizer, id: u32) -> Result<Option<String>> {
        self.ids.push(id);
        let text = tokenizer.decode(&self.ids)?;
        if text.ends_with('\u{fffd}') || text.len() <= self.emitted || !text.is_char_boundary(self.emitted) {
            return Ok(None);
        }
        let piece = text[self.emitted..].to_owned();
        self.emitted = text.len();
        Ok(Some(piece))
    }

    /// Whatever is left when the stream ends (possibly a lone replacement char).
    pub fn finish(&mut self, tokenizer: &Tokenizer) -> Result<Option<String>> {
        let text = tokenizer.decode(&self.ids)?;
        if text.len() > self.emitted && text.is_char_boundary(self.emitted) {
            let piece = text[self.emitted..].to_owned();
            self.emitted = text.len();
            return Ok(Some(piece));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A byte-level BPE over printable ASCII plus GPT-2's characters for
    /// space (`Ġ`) and newline (`Ċ`), with `merges`, split as `pre` says.
    #[track_caller]
    fn check(pre: &str, merges: &[&str], text: &str, expect: &[&str]) {
        let mut tokens: Vec<String> = (b'!'..=b'~').map(|b| char::from(b).to_string()).collect();
        tokens.extend(["Ġ".to_owned(), "Ċ".to_owned()]);
        tokens.extend(merges.iter().map(|m| m.replace(' ', "")));
        let merges: Vec<String> = merges.iter().map(|m| (*m).to_owned()).collect();
        let tok = byte_bpe(&tokens, &merges, pre).unwrap();
        let enc = tok.encode(text, false).unwrap();
        assert_eq!(enc.get_tokens(), expect, "{pre}: {text:?}");
        assert_eq!(tok.decode(enc.get_ids(), false).unwrap(), text);
    }

    #[test]
    fn qwen2_takes_digits_one_at_a_time() {
        check("qwen2", &["1 2", "12 3"], "123", &["1", "2", "3"]);
        check("llama-bpe", &["1 2", "12 3"], "123", &["123"]);
    }

    #[test]
    fn qwen2_glues_newlines_to_punctuation() {
        let merges = [") :", "): Ċ"];
        check("qwen2", &merges, "f):\nx", &["f", "):Ċ", "x"]);
        check("gpt2", &merges, "f):\nx", &["f", "):", "Ċ", "x"]);
    }

    #[test]
    fn qwen2_contractions_ignore_case() {
        check("qwen2", &["' S", "' s"], "IT'S it's", &["I", "T", "'S", "Ġ", "i", "t", "'s"]);
    }

    #[test]
    fn qwen2_glues_one_symbol_to_the_next_word() {
        check("qwen2", &["( x"], "(x", &["(x"]);
        check("gpt2", &["( x"], "(x", &["(", "x"]);
    }
}
