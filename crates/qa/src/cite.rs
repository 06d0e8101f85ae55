//! The answer's `[n]` markers, mapped back to the elements they quote.

use parasol_doc::Document;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::bm25::tokenize;
pub use crate::claims::unsupported;
use crate::prompt::{Prompt, ABSTENTION};

/// A source the answer cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The `n` of `[n]` in the answer.
    pub marker: usize,
    pub element_id: usize,
    /// 1-based page.
    pub page: usize,
    /// The element's box as fractions of its page: left, top, right, bottom.
    pub bbox: [f32; 4],
    /// The start of the element's text.
    pub quote: String,
}

/// The model's answer and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    pub citations: Vec<Citation>,
    /// The answer says the document does not hold the answer: the model
    /// said so, or its answer only restated the question.
    pub abstained: bool,
    /// The answer claims something that neither cites a passage given nor
    /// can be traced to one.
    pub uncited: bool,
    /// What the model wrote, when the answer replaced it (an answer that
    /// only restated the question).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub withheld: Option<String>,
}

impl Answer {
    /// "The document does not say.", with the model's text it replaced, if any.
    pub fn abstention(withheld: Option<String>) -> Answer {
        Answer {
            text: ABSTENTION.to_string(),
            citations: Vec::new(),
            abstained: true,
            uncited: false,
            withheld,
        }
    }
}

/// Characters of an element's text a citation quotes.
const QUOTE_CHARS: usize = 160;

/// The numbers in `[n]` markers of `text` (also `[1, 2]` and `[1][2]`), in order, once each.
pub fn markers(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inside = &after[..close];
        if inside.chars().all(|c| c.is_ascii_digit() || c == ',' || c == ' ') {
            for n in inside.split(',').filter_map(|s| s.trim().parse::<usize>().ok()) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        rest = &after[close + 1..];
    }
    out
}

/// Phrases that say the document does not hold the answer, lower case: our
/// [`ABSTENTION`] and how models paraphrase it, in English, Korean and
/// Japanese.
pub const NOT_IN_DOCUMENT: &[&str] = &[
    "does not say",
    "doesn't say",
    "not in the document",
    "not in the passages",
    "does not contain",
    "doesn't contain",
    "do not contain",
    "don't contain",
    "not mentioned",
    "no information",
    "not provided",
    "does not provide",
    "does not mention",
    "doesn't mention",
    "do not mention",
    "don't mention",
    "do not say",
    "do not provide",
    "not specified",
    "not stated",
    "cannot be determined",
    "cannot find",
    "unable to find",
    "문서에 없",
    "문서에는 없",
    "나와 있지 않",
    "언급되어 있지 않",
    "언급되지 않",
    "정보가 없",
    "알 수 없",
    "記載されていません",
    "記載がありません",
    "書かれていません",
    "含まれていません",
    "見つかりません",
    "わかりません",
    "分かりません",
];

/// NFKC, lower case, whitespace collapsed.
pub fn normalise(s: &str) -> String {
    let folded: String = s.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `answer` says the document does not hold the answer (an empty
/// answer says nothing else either).
pub fn abstains(answer: &str) -> bool {
    let a = normalise(answer);
    a.is_empty() || NOT_IN_DOCUMENT.iter().any(|p| a.contains(p))
}

/// English words that carry no answer: an answer made only of these and
/// the question's own words says nothing.
pub(crate) const FUNCTION_WORDS: &[&str] = &[
    "a",
    "about",
    "according",
    "also",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "been",
    "by",
    "can",
    "did",
    "do",
    "does",
    "document",
    "for",
    "from",
    "given",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "how",
    "in",
    "into",
    "is",
    "it",
    "its",
    "listed",
    "mentioned",
    "named",
    "of",
    "on",
    "only",
    "or",
    "page",
    "passage",
    "passages",
    "she",
    "shown",
    "stated",
    "that",
    "the",
    "their",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "used",
    "was",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "whom",
    "whose",
    "why",
    "with",
];

/// The answer's terms that are not in the question, nor function words,
/// nor citation markers.
fn new_terms(question: &str, answer: &str) -> Vec<String> {
    let asked: std::collections::HashSet<String> = tokenize(&normalise(question)).into_iter().collect();
    tokenize(&normalise(&strip_markers(answer)))
        .into_iter()
        .filter(|t| !asked.contains(t) && !FUNCTION_WORDS.contains(&t.as_str()))
        .collect()
}

/// `text` without its `[n]` markers, including one the answer-token limit
/// cut short at the very end (`… [4`).
pub(crate) fn strip_markers(text: &str) -> String {
    let marker = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == ',' || c == ' ');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if marker(&after[..close]) => {
                out.push_str(&rest[..open]);
                rest = &after[close + 1..];
            }
            None if marker(after) => {
                out.push_str(&rest[..open]);
                rest = "";
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Maps the markers of `answer` to the elements of the passages `prompt`
/// gave; markers naming no given passage are dropped, and each passage's
/// elements come best-supporting first. An answer without a
/// valid marker is traced to the given passage that holds most of its new
/// terms (at least half of them), and that passage's marker is added; an
/// answer whose cited passages hold none of its new terms has its first
/// marker stand for that passage instead (a small model often numbers its
/// source wrong). An answer that adds nothing to the question (only its words and function
/// words) is no answer, nor is one that states a number or a name no given
/// passage holds ([`unsupported`]): either becomes [`ABSTENTION`], the
/// model's text kept in [`Answer::withheld`].
pub fn cite(answer: &str, prompt: &Prompt, doc: &Document) -> Answer {
    let new = new_terms(&prompt.question, answer);
    // As the prompt quoted them: a page the model was told is no invented number.
    let with_page = crate::page_refs::mentions_pages(&prompt.question);
    let quoted: Vec<String> = prompt.given.iter().map(|p| crate::prompt::quoted(p, with_page)).collect();
    let passages: Vec<&str> = quoted.iter().map(String::as_str).collect();
    if abstains(answer) || new.is_empty() || !unsupported(&prompt.question, answer, &passages).is_empty() {
        if abstains(answer) {
            return Answer {
                text: answer.to_string(),
                citations: Vec::new(),
                abstained: true,
                uncited: false,
                withheld: None,
            };
        }
        return Answer::abstention(Some(answer.to_string()));
    }
    let mut text = answer.to_string();
    // Each marker and the passage it stands for.
    let mut numbers: Vec<(usize, usize)> = markers(answer)
        .into_iter()
        .filter(|n| (1..=prompt.given.len()).contains(n))
        .map(|n| (n, n))
        .collect();
    let holds = |n: usize| {
        let have: std::collections::HashSet<String> =
            tokenize(&normalise(&prompt.given[n - 1].text)).into_iter().collect();
        new.iter().any(|t| have.contains(t))
    };
    if numbers.is_empty() {
        if let Some(n) = trace(&new, prompt) {
            text = format!("{} [{n}]", text.trim_end());
            numbers.push((n, n));
        }
    } else if !numbers.iter().any(|&(n, _)| holds(n)) {
        // A small model often numbers its source wrong: none of the
        // passages it cites holds a word of its answer. Its first marker
        // then stands for the passage that holds most of them (half or
        // more): the text stays as it was written (and streamed), and the
        // citation points at the evidence.
        if let Some(m) = trace(&new, prompt) {
            numbers = vec![(numbers[0].0, m)];
        }
    }
    let mut citations = Vec::new();
    for (n, p) in numbers {
        let passage = &prompt.given[p - 1];
        let first = citations.len();
        for &id in &passage.elements {
            let Some(e) = doc.elements.iter().find(|e| e.id == id) else { continue };
            let page = doc.pages.iter().find(|p| p.number == e.page);
            let (w, h) = page.map_or((1.0, 1.0), |p| (p.width.max(1.0), p.height.max(1.0)));
            let b = e.bbox;
            let quote: String = e.text.trim().chars().take(QUOTE_CHARS).collect();
            citations.push(Citation {
                marker: n,
                element_id: id,
                page: e.page,
                bbox: [b.x0 / w, b.y0 / h, b.x1 / w, b.y1 / h].map(|v| v.clamp(0.0, 1.0)),
                quote,
            });
        }
        // The passage's element that holds most of the answer's new terms
        // first (a viewer shows the first), the rest in reading order.
        let support = |c: &Citation| {
            let text = doc.elements.iter().find(|e| e.id == c.element_id).map_or("", |e| e.text.as_str());
            let have: std::collections::HashSet<String> = tokenize(&normalise(text)).into_iter().collect();
            new.iter().filter(|t| have.contains(*t)).count()
        };
        citations[first..].sort_by_cached_key(|c| std::cmp::Reverse(support(c)));
    }
    let uncited = citations.is_empty();
    Answer { text, citations, abstained: false, uncited, withheld: None }
}

/// The number of the given passage that holds the most of `terms`, if it
/// holds at least half of them.
fn trace(terms: &[String], prompt: &Prompt) -> Option<usize> {
    let (best, found) = prompt
        .given
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let have: std::collections::HashSet<String> = tokenize(&normalise(&p.text)).into_iter().collect();
            (i + 1, terms.iter().filter(|t| have.contains(*t)).count())
        })
        .max_by_key(|&(i, found)| (found, std::cmp::Reverse(i)))?;
    (2 * found >= terms.len() && found > 0).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::BLANK;
    use crate::Passage;
    use parasol_doc::{BBox, Category, Element, PageInfo};

    fn setup() -> (Document, Prompt) {
        let mut doc = Document::default();
        doc.pages.push(PageInfo { number: 2, width: 200.0, height: 100.0, dpi: 72.0 });
        doc.elements.push(Element::text(
            7,
            Category::Paragraph,
            2,
            BBox::new(20.0, 10.0, 100.0, 30.0),
            "Cover rose.",
        ));
        let given = vec![Passage {
            index: 0,
            text: "Cover rose.".into(),
            elements: vec![7],
            page: 2,
            heading: None,
            table: false,
            printed: None,
        }];
        let question = "What did the cover do?".to_string();
        (doc, Prompt { question, system: String::new(), user: String::new(), given, chosen: vec![0] })
    }

    #[test]
    fn markers_map_to_elements_and_unknown_ones_are_dropped() {
        let (doc, prompt) = setup();
        let a = cite("It rose [1]; see also [3] and [1, 2].", &prompt, &doc);
        assert_eq!(a.citations.len(), 1);
        let c = &a.citations[0];
        assert_eq!((c.marker, c.element_id, c.page, c.quote.as_str()), (1, 7, 2, "Cover rose."));
        assert_eq!(c.bbox, [0.1, 0.1, 0.5, 0.3]);
        assert!(!a.uncited && !a.abstained);
    }

    #[test]
    fn the_element_that_holds_the_answer_is_cited_first() {
        let (mut doc, mut prompt) = setup();
        doc.elements.push(Element::text(
            8,
            Category::Paragraph,
            2,
            BBox::new(20.0, 40.0, 100.0, 60.0),
            "It fell in May.",
        ));
        prompt.given[0].elements.push(8);
        prompt.given[0].text.push_str(" It fell in May.");
        let a = cite("It fell in May [1].", &prompt, &doc);
        assert_eq!(a.citations.iter().map(|c| c.element_id).collect::<Vec<_>>(), [8, 7]);
    }

    #[test]
    fn an_answer_without_markers_is_traced_to_its_passage_or_flagged() {
        let (doc, prompt) = setup();
        let traced = cite("The cover rose sharply.", &prompt, &doc);
        assert_eq!((traced.text.as_str(), traced.citations.len()), ("The cover rose sharply. [1]", 1));
        assert!(!traced.uncited);
        let unrelated = cite("Sales fell sharply.", &prompt, &doc);
        assert!(unrelated.uncited && unrelated.citations.is_empty() && !unrelated.abstained);
        assert_eq!(markers("[1][2] [x] [10]"), [1, 2, 10]);
    }

    #[test]
    fn a_marker_whose_passage_holds_nothing_of_the_answer_points_at_the_one_that_does() {
        let (mut doc, mut prompt) = setup();
        doc.elements.push(Element::text(
            9,
            Category::Paragraph,
            2,
            BBox::new(20.0, 40.0, 100.0, 60.0),
            "Rent is due monthly.",
        ));
        prompt.given.push(Passage {
            index: 1,
            text: "Rent is due monthly.".into(),
            elements: vec![9],
            page: 2,
            heading: None,
            table: false,
            printed: None,
        });
        let moved = cite("The cover rose [2].", &prompt, &doc);
        assert_eq!(moved.text, "The cover rose [2].", "the text is what was streamed");
        assert_eq!(moved.citations.iter().map(|c| (c.marker, c.element_id)).collect::<Vec<_>>(), [(2, 7)]);
        // A cited passage holding any of the answer's words keeps its marker.
        let kept = cite("The cover rose monthly [2].", &prompt, &doc);
        assert_eq!(kept.citations.iter().map(|c| c.element_id).collect::<Vec<_>>(), [9]);
        // With no passage holding half of them, the marker stays.
        let stays = cite("It fell sharply [2].", &prompt, &doc);
        assert_eq!(stays.citations.iter().map(|c| c.element_id).collect::<Vec<_>>(), [9]);
    }

    #[test]
    fn abstentions_and_answers_that_restate_the_question_say_the_document_does_not() {
        let (doc, prompt) = setup();
        let said = cite("The passages do not mention what the cover did.", &prompt, &doc);
        assert!(said.abstained && !said.uncited && said.withheld.is_none() && said.citations.is_empty());
        let restated = cite("The cover did it [1].", &prompt, &doc);
        assert!(restated.abstained && restated.citations.is_empty());
        assert_eq!(restated.text, ABSTENTION);
        assert_eq!(restated.withheld.as_deref(), Some("The cover did it [1]."));
        for (text, says) in [
            ("The document does not say.", true),
            ("이 보고서에는 정보가 없습니다.", true),
            ("資料には記載されていません。", true),
            ("", true),
            ("It says 12 [1].", false),
        ] {
            assert_eq!(abstains(text), says, "{text:?}");
        }
        assert_eq!(strip_markers("a [1] b [x] c [2, 3]"), "a  b [x] c ");
        // The answer-token limit can cut the last marker short.
        assert_eq!(strip_markers("a [1] [2] [4"), "a   ");
        assert_eq!(strip_markers("see [fig"), "see [fig");
        // An answer of the question's words and markers, cut short, adds nothing.
        assert!(new_terms("이 보고서를 발간한 기관은 어디인가요?", "이 보고서를 발간한 기관은 [1] [2] [5")
            .is_empty());
    }

    #[test]
    fn numbers_and_names_the_passages_do_not_hold_are_unsupported() {
        let passages = [
            "PubTables-1M (about 1M samples) and FinTabNet (113k samples). TEL:03-40210276",
            "Bill no. 3139, item total CHF 3'360.00, dated 2018-03-23.",
        ];
        let q = "What is asked?";
        for held in [
            "About 1,000,000 samples [1].",
            "FinTabNet has 113,000 samples.",
            "The bill number is 3139 and the total 3,360.00 CHF.",
            "It is dated 2018-03-23 [2].",
            "About 1 million.",
        ] {
            assert!(
                unsupported(q, held, &passages).is_empty(),
                "{held:?}: {:?}",
                unsupported(q, held, &passages)
            );
        }
        for (claim, missing) in [
            ("The last four digits are 276 [1].", "276"),
            ("It costs $651.83.", "651.83"),
            ("It is released under the MIT license.", "MIT"),
            ("The limit was reported as ______.", BLANK),
        ] {
            assert_eq!(unsupported(q, claim, &passages), [missing], "{claim:?}");
        }
        // A question that asks for a kind of thing needs an answer that gives one.
        for (question, answer, gives) in [
            ("What is Jim's e-mail address?", "Jim is a senior consultant [1].", false),
            ("What is Jim's e-mail address?", "It is jim.b@example.com [1].", true),
            ("What is the due date on the slip?", "The bill is due in 30 days [2].", false),
            ("What is the due date on the slip?", "It is due on 2018-03-23 [2].", true),
            ("On what date was it signed?", "On 14 March 2025 [1].", true),
            ("What is the shop's phone number?", "Its number is 03-4021 0276 [1].", true),
            ("What is the shop's phone number?", "The shop is on Station Road [1].", false),
            ("In which year was it founded?", "It was founded in 1868 [1].", true),
            ("In which year was it founded?", "It was founded by Sholes [1].", false),
            ("What did the shop sell?", "Bread [1].", true),
        ] {
            let passages =
                ["jim.b@example.com 03-4021 0276 2018-03-23 14 March 2025 1868 Sholes Station Road"];
            assert_eq!(unsupported(question, answer, &passages).is_empty(), gives, "{question:?} {answer:?}");
        }
        // The question's own numbers and names are not claims.
        assert!(
            unsupported("What does RFC 2119 define?", "RFC 2119 defines key words.", &passages).is_empty()
        );
        // A question that asks who did something needs someone the question
        // does not already name.
        let passages = ["Wang Laboratories, founded by An Wang in 1951, made word processors."];
        for (question, answer, gives) in [
            (
                "Who founded Wang Laboratories?",
                "Wang Laboratories was founded by Wang Laboratories [1].",
                false,
            ),
            ("Who founded Wang Laboratories?", "the founders [1]", false),
            ("Who founded Wang Laboratories?", "It was founded by An Wang [1].", true),
            ("Who founded Wang Laboratories?", "The founder: An Wang [1].", true),
            ("Who founded Wang Laboratories?", "Wang founded it in 1951; An Wang [1].", true),
            ("Who is An Wang?", "The founder of Wang Laboratories [1].", true),
        ] {
            assert_eq!(unsupported(question, answer, &passages).is_empty(), gives, "{question:?} {answer:?}");
        }
        // A code the question names that no passage holds: the passages
        // cover something else (`T3`, not `T2`), whatever the answer.
        let passages = [
            "| Depth | HR |\n| T3 | 1.000 |\n| T4a | 0.919 |",
            "Sheets of 10 mm board, A4 paper, the 3rd row.",
        ];
        for (question, gives) in [
            ("What is the hazard ratio for T2?", false),
            ("What is the hazard ratio for T4a?", true),
            ("How thick is the 10mm board in A4?", true),
            ("What is in the 3rd row?", true),
        ] {
            assert_eq!(
                unsupported(question, "It is 0.919 [1].", &passages).is_empty(),
                gives,
                "{question:?}"
            );
        }
        let (doc, prompt) = setup();
        let made_up = cite("The cover rose 40 % in Berlin [1].", &prompt, &doc);
        assert!(made_up.abstained && made_up.citations.is_empty());
        assert_eq!(made_up.withheld.as_deref(), Some("The cover rose 40 % in Berlin [1]."));
    }
}
