//! Prefill and decode speed of the Solar Mini engine on one GGUF, printed as
//! one JSON line (for `scripts/solar/bench_vs_llamacpp.py`, which runs it
//! side by side with llama.cpp).
//!
//! ```text
//! cargo run --release -p parasol-solar --example bench_llm -- MODEL.gguf [PROMPT_TOKENS] [GEN_TOKENS] [ROUNDS]
//! ```

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let model =
        PathBuf::from(args.next().ok_or("usage: bench_llm MODEL [PROMPT_TOKENS] [GEN_TOKENS] [ROUNDS]")?);
    let prompt_tokens: usize = args.next().map_or(Ok(128), |s| s.parse())?;
    let gen_tokens: usize = args.next().map_or(Ok(64), |s| s.parse())?;
    let rounds: usize = args.next().map_or(Ok(3), |s| s.parse())?;
    let start = Instant::now();
    let mut model = parasol_solar::Generator::load(&model)?.model;
    let load_s = start.elapsed().as_secs_f64();
    let vocab = model.config.vocab_size as u32;
    // A fixed pseudo-random prompt (speed does not depend on the text).
    let prompt: Vec<u32> = (0..prompt_tokens as u32).map(|i| (i * 7919 + 13) % vocab.min(32000)).collect();
    let (mut best_prefill, mut best_decode) = (0f64, 0f64);
    for _ in 0..rounds {
        model.reset();
        let t = Instant::now();
        let mut logits = model.forward(&prompt)?;
        let prefill = prompt_tokens as f64 / t.elapsed().as_secs_f64();
        let t = Instant::now();
        for _ in 0..gen_tokens {
            let id = parasol_solar::model::argmax(&logits)?;
            logits = model.forward(&[id])?;
        }
        let decode = gen_tokens as f64 / t.elapsed().as_secs_f64();
        best_prefill = best_prefill.max(prefill);
        best_decode = best_decode.max(decode);
    }
    println!(
        "{{\"engine\": \"parasol\", \"load_s\": {load_s:.3}, \"prompt_tokens\": {prompt_tokens}, \"gen_tokens\": {gen_tokens}, \"prefill_tok_s\": {best_prefill:.2}, \"decode_tok_s\": {best_decode:.2}}}"
    );
    Ok(())
}
