//! One question, start to end: retrieval, the prompt, the engine's answer
//! streamed, its citations. `parasol ask`, `parasol chat` and the `qa`
//! evaluation suite all go through [`ask`], so what is measured is what
//! users get.

use std::time::{Duration, Instant};

use parasol_doc::Document;
use parasol_solar::{GenerateOptions, Generation, Generator, Message, SamplingParams};

use crate::{cite, judge, prompt, Answer, Index, Prompt, QaError};

/// How much of the document and of the answer one question may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Passages retrieved (best first); those that fit the budget are given.
    pub top: usize,
    /// Tokens of the prompt and the answer together (capped by the model's context).
    pub context_tokens: usize,
    /// Longest answer, in tokens.
    pub answer_tokens: usize,
    /// The model is first asked whether the passages hold the answer
    /// ([`judge::support`]); below this log-odds the answer is
    /// [`prompt::ABSTENTION`], not generated. `None`: not asked (a model
    /// whose yes-or-no answers do not tell: the chat model's own figure,
    /// `parasol_models::ChatModel::judge_threshold`).
    pub judge: Option<f32>,
}

impl Default for Settings {
    /// Five passages in about a thousand tokens of context: what a laptop
    /// CPU prefills in a few seconds with the 1.5B model.
    fn default() -> Settings {
        Settings { top: 5, context_tokens: 1536, answer_tokens: 200, judge: None }
    }
}

/// A question's outcome, with what the model was given and how long it took.
#[derive(Debug, Clone)]
pub struct Asked {
    pub prompt: Prompt,
    pub answer: Answer,
    /// How sure the model was that the passages answer the question
    /// ([`judge::support`], log-odds of yes over no), if it was asked.
    pub support: Option<f32>,
    /// The model's answer; none when the passages were judged not to hold
    /// one (the answer is then [`prompt::ABSTENTION`], never generated).
    pub generation: Option<Generation>,
    /// From the call until the first piece of the answer.
    pub first_token: Option<Duration>,
    pub retrieval: Duration,
    pub total: Duration,
}

/// Answers `question` about `doc` from its `index`, after the conversation
/// in `history` (earlier turns, whose cached keys the engine reuses).
/// `on_piece` receives the answer as it is generated. With
/// [`Settings::judge`], the model is first asked whether the passages hold
/// the answer at all ([`judge`]); if not, the answer is
/// [`prompt::ABSTENTION`] and nothing is generated. A
/// question that does not fit the context is an error, never a truncated
/// prompt.
pub fn ask(
    generator: &mut Generator,
    doc: &Document,
    index: &Index,
    history: &[Message],
    question: &str,
    settings: &Settings,
    mut on_piece: impl FnMut(&str),
) -> Result<Asked, QaError> {
    let start = Instant::now();
    let ranked = index.search(question, settings.top);
    let retrieval = start.elapsed();
    let window = settings.context_tokens.min(generator.model.config.context_length);
    let history_tokens: usize = history.iter().map(|m| count(generator, &m.content) + 8).sum();
    let budget = window.saturating_sub(settings.answer_tokens).saturating_sub(history_tokens);
    let p = prompt::build(question, &ranked, budget, &|s: &str| count(generator, s))?;
    let verdict = judge::verdict(generator, &p, settings.judge)?;
    let support = verdict.map(|v| v.support);
    if verdict.is_some_and(|v| !v.holds) {
        let first_token = Some(start.elapsed());
        on_piece(prompt::ABSTENTION);
        let answer = Answer::abstention(None);
        let total = start.elapsed();
        return Ok(Asked { prompt: p, answer, support, generation: None, first_token, retrieval, total });
    }
    let mut messages = vec![Message::system(p.system.clone())];
    messages.extend(history.iter().cloned());
    messages.push(Message::user(p.user.clone()));
    let text = generator.chat_prompt(&messages).map_err(QaError::engine)?;
    let options = GenerateOptions {
        max_tokens: settings.answer_tokens,
        sampling: SamplingParams::greedy(),
        stop: Vec::new(),
        cancel: None,
    };
    let mut answer = String::new();
    let mut first_token = None;
    let generation = generator
        .generate(&text, &options, |piece| {
            first_token.get_or_insert_with(|| start.elapsed());
            answer.push_str(piece);
            on_piece(piece);
        })
        .map_err(QaError::engine)?;
    let answer = cite::cite(answer.trim(), &p, doc);
    Ok(Asked {
        prompt: p,
        answer,
        support,
        generation: Some(generation),
        first_token,
        retrieval,
        total: start.elapsed(),
    })
}

/// Tokens of `text` for this model.
fn count(generator: &Generator, text: &str) -> usize {
    generator.encode_prompt(text).map_or(text.len() / 3 + 1, |t| t.len())
}
