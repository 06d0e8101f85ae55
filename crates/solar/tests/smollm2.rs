//! SmolLM2-135M-Instruct (GGUF Q4_1) against llama.cpp: tokenisation of
//! many scripts, greedy continuations token for token, chat, streaming.
//!
//! Expected ids come from `scripts/solar/llamacpp_reference.py`.

#![allow(clippy::unwrap_used)] // Helpers outside #[test] functions.

mod common;

use std::sync::Mutex;
use std::sync::OnceLock;

use parasol_models::ModelFile;
use parasol_solar::{CancelToken, FinishReason, GenerateOptions, Generator, Message, SamplingParams};

/// One generator for the whole file: loading takes a second, and the tests
/// serialise on it anyway (two cores).
fn generator() -> std::sync::MutexGuard<'static, Generator> {
    static GENERATOR: OnceLock<Mutex<Generator>> = OnceLock::new();
    GENERATOR
        .get_or_init(|| Mutex::new(Generator::load(&common::require_model(ModelFile::SmolLm2)).unwrap()))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn reference() -> serde_json::Value {
    common::read_json("smollm2_llamacpp.json")
}

#[test]
fn tokenizer_matches_llama_cpp() {
    let generator = generator();
    let r = reference();
    for case in r["tokenize"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let ids = generator.tokenizer.encode(text, false).unwrap();
        assert_eq!(ids, common::ids(&case["ids"]), "tokenising {text:?}");
        assert_eq!(generator.tokenizer.decode(&ids).unwrap(), text, "round trip of {text:?}");
    }
    let special = &r["tokenize_special"];
    let text = special["text"].as_str().unwrap();
    assert_eq!(generator.tokenizer.encode(text, true).unwrap(), common::ids(&special["ids"]));
    assert!(!generator.tokenizer.add_bos, "SmolLM2's GGUF says add no BOS");
}

/// Greedy decoding equals llama.cpp's, token for token, over the whole
/// reference continuation (48 tokens) of every reference prompt: the GGUF
/// path evaluates with ggml's arithmetic (see `parasol_solar` `ggml`
/// module), so the logits are the same bits and near-ties break the same way.
#[test]
fn greedy_continuations_equal_llama_cpp() {
    let mut generator = generator();
    let r = reference();
    let cases = r["generate"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let prompt = case["prompt"].as_str().unwrap();
        let expect = common::ids(&case["greedy_ids"]);
        assert_eq!(expect.len(), 48, "reference continuation of {prompt:?}");
        let prompt_ids = generator.encode_prompt(prompt).unwrap();
        assert_eq!(prompt_ids, common::ids(&case["prompt_ids"]), "prompt ids of {prompt:?}");
        let options = GenerateOptions { max_tokens: expect.len(), ..GenerateOptions::default() };
        let mut stream = generator.stream(&prompt_ids, &options).unwrap();
        while stream.next_piece().unwrap().is_some() {}
        let got = stream.into_generation().tokens;
        assert_eq!(got, expect, "{prompt:?}");
    }
}

#[test]
fn capital_of_france_is_paris() {
    let mut generator = generator();
    let options = GenerateOptions { max_tokens: 3, ..GenerateOptions::default() };
    let g = generator.generate("The capital of France is", &options, |_| {}).unwrap();
    assert_eq!(g.text, " Paris.\n");
    assert_eq!(g.tokens, [7042, 30, 198]);
    assert_eq!(g.finish, FinishReason::MaxTokens);
}

#[test]
fn chat_uses_the_gguf_template_and_streams() {
    let mut generator = generator();
    let prompt = generator.chat_prompt(&[Message::user("What is the capital of France?")]).unwrap();
    // The GGUF's own Jinja template adds SmolLM's default system prompt; the
    // result is the prompt the llama.cpp reference used.
    assert_eq!(prompt, reference()["generate"][5]["prompt"].as_str().unwrap());
    let options = GenerateOptions { max_tokens: 40, ..GenerateOptions::default() };
    let mut streamed = String::new();
    let g = generator.generate(&prompt, &options, |piece| streamed.push_str(piece)).unwrap();
    assert_eq!(streamed, g.text);
    assert_eq!(generator.tokenizer.decode(&g.tokens).unwrap(), g.text);
    let im_end = generator.tokenizer.token_to_id("<|im_end|>").unwrap();
    assert!(generator.tokenizer.stop_ids.contains(&im_end));
    match g.finish {
        FinishReason::StopToken => assert_eq!(g.tokens.last(), Some(&im_end)),
        other => assert_eq!(other, FinishReason::MaxTokens),
    }
}

#[test]
fn a_system_message_replaces_the_default() {
    let generator = generator();
    let prompt = generator
        .chat_prompt(&[Message::system("Answer in one word."), Message::user("Capital of France?")])
        .unwrap();
    assert_eq!(
        prompt,
        "<|im_start|>system\nAnswer in one word.<|im_end|>\n<|im_start|>user\nCapital of France?<|im_end|>\n<|im_start|>assistant\n"
    );
}

#[test]
fn stop_sequence_cuts_the_text() {
    let mut generator = generator();
    let options = GenerateOptions { max_tokens: 20, stop: vec!["\n".into()], ..GenerateOptions::default() };
    let g = generator.generate("The capital of France is", &options, |_| {}).unwrap();
    assert_eq!((g.text.as_str(), g.finish), (" Paris.", FinishReason::StopSequence));
}

#[test]
fn cancellation_stops_between_tokens() {
    let mut generator = generator();
    let cancel = CancelToken::new();
    let options =
        GenerateOptions { max_tokens: 50, cancel: Some(cancel.clone()), ..GenerateOptions::default() };
    let mut pieces = 0;
    let g = generator
        .generate("Once upon a time", &options, |_| {
            pieces += 1;
            if pieces == 3 {
                cancel.cancel();
            }
        })
        .unwrap();
    assert_eq!(g.finish, FinishReason::Cancelled);
    assert!(g.tokens.len() <= 4, "{:?}", g.tokens);
}

#[test]
fn context_overflow_is_a_clear_error() {
    let mut generator = generator();
    let context = generator.model.config.context_length;
    let options = GenerateOptions { max_tokens: context, ..GenerateOptions::default() };
    let err = generator.generate("The capital of France is", &options, |_| {}).unwrap_err();
    assert!(matches!(err, parasol_solar::SolarError::ContextOverflow { prompt: 5, .. }), "{err}");
}

#[test]
fn sampling_is_seeded() {
    let mut generator = generator();
    let sampling =
        SamplingParams { temperature: 0.8, top_k: 40, top_p: 0.95, seed: 42, ..SamplingParams::greedy() };
    let options = GenerateOptions { max_tokens: 12, sampling, ..GenerateOptions::default() };
    let a = generator.generate("Once upon a time", &options, |_| {}).unwrap();
    let b = generator.generate("Once upon a time", &options, |_| {}).unwrap();
    assert_eq!(a.tokens, b.tokens);
    assert_eq!(a.tokens.len(), 12);
}

#[test]
fn kv_prefix_reuse_gives_the_same_tokens() {
    let mut generator = generator();
    let options = GenerateOptions { max_tokens: 6, ..GenerateOptions::default() };
    let fresh = generator.generate("The three primary colors are", &options, |_| {}).unwrap();
    // Same prefix, cached from the previous call.
    let again = generator.generate("The three primary colors are", &options, |_| {}).unwrap();
    assert_eq!(fresh.tokens, again.tokens);
}
