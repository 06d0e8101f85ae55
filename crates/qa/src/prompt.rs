//! The prompt: instructions, the numbered passages that fit the context,
//! the question.

use crate::{Passage, QaError};

/// The system message: who the model is.
pub const ROLE: &str =
    "You answer questions about a document, using only the numbered passages the user gives you.";

/// What the model is told after the passages and the question (small
/// models follow instructions that come last; measured on the qa set, an
/// instruction before the passages left answers uncited, and a sample
/// answer sentence was repeated as the answer). It offers no fixed
/// "not in the document" reply: given one, Qwen2.5-Coder-1.5B took it for
/// a third of the questions whose answer was in the first passage, and
/// still answered most questions the document cannot answer. Whether an
/// answer stands is decided after it is written ([`crate::cite`]).
pub const INSTRUCTIONS: &str =
    "Answer the question in one or two sentences from the passages above (they may be \
in another language than the question). After each sentence, write the number of the passage you used in \
square brackets, e.g. \"... [1]\". Write your answer in the language of the question.";

/// What an answer says when the passages do not hold the answer.
pub const ABSTENTION: &str = "The document does not say.";

/// A prompt, and which passage each number stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub question: String,
    pub system: String,
    pub user: String,
    /// Passage `[n]` is `given[n - 1]`.
    pub given: Vec<crate::Passage>,
    /// Passage `[n]` was `ranked[chosen[n - 1]]` of what [`build`] was given.
    pub chosen: Vec<usize>,
}

impl Prompt {
    /// The user message with `instructions` in place of [`INSTRUCTIONS`]:
    /// the same passages and question, asked something else (its start is
    /// the same text, so the engine reuses their cached keys).
    pub fn asking(&self, instructions: &str) -> String {
        let context = self.user.strip_suffix(INSTRUCTIONS).unwrap_or(&self.user);
        format!("{context}{instructions}")
    }
}

/// A passage as a prompt quotes it: its text, after its page ("(page 3)
/// …", and the number printed on that page when it is another: "(page 3,
/// numbered 84) …") `with_page`, for a question about pages ("On which
/// page …?", "the table on page 2": [`crate::page_refs::mentions_pages`]),
/// so the model can say which.
pub fn quoted(passage: &Passage, with_page: bool) -> String {
    if !with_page {
        return passage.text.clone();
    }
    match passage.printed {
        Some(n) if n as usize != passage.page => {
            format!("(page {}, numbered {n}) {}", passage.page, passage.text)
        }
        _ => format!("(page {}) {}", passage.page, passage.text),
    }
}

/// Numbers the passages (best first) that fit `budget` tokens with the
/// instructions and the question, as `count` measures text.
pub fn build(
    question: &str,
    ranked: &[&Passage],
    budget: usize,
    count: &dyn Fn(&str) -> usize,
) -> Result<Prompt, QaError> {
    let fixed = count(ROLE) + count(INSTRUCTIONS) + count(question) + 24;
    if fixed > budget {
        return Err(QaError::QuestionTooLong { tokens: count(question), budget });
    }
    let mut left = budget - fixed;
    let mut given = Vec::new();
    let mut chosen = Vec::new();
    let mut body = String::new();
    let with_page = crate::page_refs::mentions_pages(question);
    for (rank, p) in ranked.iter().enumerate() {
        let block = format!("[{}] {}\n\n", given.len() + 1, quoted(p, with_page));
        let cost = count(&block);
        if cost > left {
            continue;
        }
        left -= cost;
        body.push_str(&block);
        given.push((*p).clone());
        chosen.push(rank);
    }
    let user = format!("Passages:\n\n{body}Question: {question}\n\n{INSTRUCTIONS}");
    Ok(Prompt { question: question.to_string(), system: ROLE.to_string(), user, given, chosen })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(index: usize, text: &str) -> Passage {
        Passage {
            index,
            text: text.into(),
            elements: vec![index],
            page: 1,
            heading: None,
            table: false,
            printed: None,
        }
    }

    #[test]
    fn passages_that_do_not_fit_are_left_out_and_the_rest_numbered() {
        let count = |s: &str| s.len();
        let a = passage(0, "short");
        let b = passage(1, &"long ".repeat(100));
        let c = passage(2, "also short");
        let budget = ROLE.len() + INSTRUCTIONS.len() + 10 + 24 + 60;
        let p = build("question?", &[&a, &b, &c], budget, &count).unwrap();
        assert_eq!(p.given.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(p.chosen, [0, 2]);
        assert!(p.user.contains("[1] short") && p.user.contains("[2] also short"), "{}", p.user);
        assert!(p.user.ends_with(&format!("Question: question?\n\n{INSTRUCTIONS}")));
    }

    #[test]
    fn passages_carry_their_page_when_the_question_is_about_pages() {
        let count = |s: &str| s.len();
        let mut a = passage(0, "Budget: 12,000 euros.");
        a.page = 3;
        let p = build("On which page is the budget?", &[&a], 10_000, &count).unwrap();
        assert!(p.user.contains("[1] (page 3) Budget: 12,000 euros."), "{}", p.user);
        let p = build("What is the budget?", &[&a], 10_000, &count).unwrap();
        assert!(p.user.contains("[1] Budget: 12,000 euros."), "{}", p.user);
        a.printed = Some(84);
        let p = build("What is on page 84?", &[&a], 10_000, &count).unwrap();
        assert!(p.user.contains("[1] (page 3, numbered 84) Budget"), "{}", p.user);
    }

    #[test]
    fn a_question_longer_than_the_context_is_an_error() {
        let err = build(&"word ".repeat(1000), &[], 100, &|s: &str| s.len() / 5).unwrap_err();
        assert!(matches!(err, QaError::QuestionTooLong { tokens: 1000, budget: 100 }));
    }
}
