//! The prompt: instructions, the numbered passages that fit the context,
//! the question.

use crate::{Passage, QaError};

/// What the model is told, whatever the document.
pub const INSTRUCTIONS: &str = "Answer the question using only the numbered passages from the document. \
End each sentence of your answer with the numbers of the passages it comes from, in square brackets, \
like [1] or [2][3]. If the passages do not contain the answer, reply exactly: The document does not say. \
Answer in one or two short sentences, in the language of the question.";

/// What the model replies when the passages do not hold the answer.
pub const ABSTENTION: &str = "The document does not say.";

/// A prompt, and which passage each number stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub system: String,
    pub user: String,
    /// Passage `[n]` is `given[n - 1]`.
    pub given: Vec<crate::Passage>,
    /// Passage `[n]` was `ranked[chosen[n - 1]]` of what [`build`] was given.
    pub chosen: Vec<usize>,
}

/// Numbers the passages (best first) that fit `budget` tokens with the
/// instructions and the question, as `count` measures text.
pub fn build(
    question: &str,
    ranked: &[&Passage],
    budget: usize,
    count: &dyn Fn(&str) -> usize,
) -> Result<Prompt, QaError> {
    let fixed = count(INSTRUCTIONS) + count(question) + 16;
    if fixed > budget {
        return Err(QaError::QuestionTooLong { tokens: count(question), budget });
    }
    let mut left = budget - fixed;
    let mut given = Vec::new();
    let mut chosen = Vec::new();
    let mut body = String::new();
    for (rank, p) in ranked.iter().enumerate() {
        let block = format!("[{}] {}\n\n", given.len() + 1, p.text);
        let cost = count(&block);
        if cost > left {
            continue;
        }
        left -= cost;
        body.push_str(&block);
        given.push((*p).clone());
        chosen.push(rank);
    }
    let user = format!("Passages:\n\n{body}Question: {question}");
    Ok(Prompt { system: INSTRUCTIONS.to_string(), user, given, chosen })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(index: usize, text: &str) -> Passage {
        Passage { index, text: text.into(), elements: vec![index], page: 1, heading: None, table: false }
    }

    #[test]
    fn passages_that_do_not_fit_are_left_out_and_the_rest_numbered() {
        let count = |s: &str| s.len();
        let a = passage(0, "short");
        let b = passage(1, &"long ".repeat(100));
        let c = passage(2, "also short");
        let budget = INSTRUCTIONS.len() + 10 + 16 + 60;
        let p = build("question?", &[&a, &b, &c], budget, &count).unwrap();
        assert_eq!(p.given.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(p.chosen, [0, 2]);
        assert!(p.user.contains("[1] short") && p.user.contains("[2] also short"), "{}", p.user);
        assert!(p.user.ends_with("Question: question?"));
    }

    #[test]
    fn a_question_longer_than_the_context_is_an_error() {
        let err = build(&"word ".repeat(1000), &[], 100, &|s: &str| s.len() / 5).unwrap_err();
        assert!(matches!(err, QaError::QuestionTooLong { tokens: 1000, budget: 100 }));
    }
}
