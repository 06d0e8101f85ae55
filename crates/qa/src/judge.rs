//! The model asked whether its passages hold the answer: a yes-or-no
//! question put to the same engine after the passages and the question,
//! read from the logits of its first token (no generation).
//!
//! A small model answers most questions a document cannot answer, from the
//! passages' nearest words ([`crate::cite::unsupported`] catches those whose
//! numbers and names are not in the passages, not one that gives the wrong
//! kind of thing: a consultant's role for his e-mail address, a CPU for a
//! GPU). Asked directly whether the passages say, the same model is far
//! better calibrated than when it writes an answer. The question shares its
//! passages with the answer's prompt, so the engine's cache makes it cost a
//! few dozen tokens of prefill, not the passages again.

use parasol_solar::{Generator, Message};

use crate::{Prompt, QaError};

/// What the model is asked after the passages and the question.
pub const CHECK: &str =
    "Do the passages above say what the answer to this question is? Reply with yes or no.";

/// The judge's word on a prompt: the log-odds and whether they clear the
/// model's threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// [`support`]'s log-odds.
    pub support: f32,
    /// The passages hold the answer: `support` is at least the threshold.
    pub holds: bool,
}

impl Verdict {
    pub fn new(support: f32, threshold: f32) -> Verdict {
        Verdict { support, holds: support >= threshold }
    }
}

/// Asks the model about `prompt` if it has a `threshold`
/// (`parasol_models::ChatModel::judge_threshold`); `None` when it has none.
pub fn verdict(
    generator: &mut Generator,
    prompt: &Prompt,
    threshold: Option<f32>,
) -> Result<Option<Verdict>, QaError> {
    threshold.map(|t| support(generator, prompt).map(|s| Verdict::new(s, t))).transpose()
}

/// First tokens of a yes and of a no, in the spellings a model starts a reply with.
const YES: &[&str] = &["yes", "Yes", "YES", " yes", " Yes"];
const NO: &[&str] = &["no", "No", "NO", " no", " No"];

/// How much more likely the model finds "yes" than "no" when asked
/// [`CHECK`] about `prompt`'s passages and question: the log-odds (natural
/// log, over the first token of each spelling). Positive: the passages hold
/// the answer.
pub fn support(generator: &mut Generator, prompt: &Prompt) -> Result<f32, QaError> {
    let messages = [Message::system(prompt.system.clone()), Message::user(prompt.asking(CHECK))];
    let text = generator.chat_prompt(&messages).map_err(QaError::engine)?;
    let ids = generator.encode_prompt(&text).map_err(QaError::engine)?;
    let logits = generator.next_logits(&ids).map_err(QaError::engine)?;
    let yes = first_tokens(generator, YES)?;
    let no = first_tokens(generator, NO)?;
    Ok(log_sum_exp(&logits, &yes) - log_sum_exp(&logits, &no))
}

/// The distinct first token ids of `spellings`.
fn first_tokens(generator: &Generator, spellings: &[&str]) -> Result<Vec<u32>, QaError> {
    let mut ids = Vec::new();
    for s in spellings {
        let encoded = generator.tokenizer.encode(s, false).map_err(QaError::engine)?;
        if let Some(&id) = encoded.first() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

/// `ln Σ exp(logits[i])` over `ids` (relative to the largest logit, so the
/// difference of two such sums is a log-odds).
fn log_sum_exp(logits: &[f32], ids: &[u32]) -> f32 {
    let top = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = ids.iter().filter_map(|&i| logits.get(i as usize)).map(|&l| (l - top).exp()).sum();
    sum.max(f32::MIN_POSITIVE).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_odds_of_two_token_sets() {
        let logits = [0.0, 2.0, 1.0, -1.0];
        let yes = log_sum_exp(&logits, &[1]);
        let no = log_sum_exp(&logits, &[2, 3]);
        let expected = 2.0f32 - (1.0f32.exp() + (-1.0f32).exp()).ln();
        assert!((yes - no - expected).abs() < 1e-5, "{}", yes - no);
        assert!(log_sum_exp(&logits, &[9]).is_finite(), "an id outside the vocabulary counts as nothing");
    }
}
