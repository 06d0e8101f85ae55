//! The answer's `[n]` markers, mapped back to the elements they quote.

use parasol_doc::Document;
use serde::{Deserialize, Serialize};

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
    /// The model said the passages do not hold the answer.
    pub abstained: bool,
    /// The answer claims something without citing any passage given.
    pub uncited: bool,
}

/// Characters of an element's text a citation quotes.
const QUOTE_CHARS: usize = 160;

/// The numbers in `[n]` markers of `text` (also `[1, 2]` and `[1][2]`), in order, once each.
fn markers(text: &str) -> Vec<usize> {
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

/// Maps the markers of `answer` to the elements of the passages `prompt`
/// gave; markers naming no given passage are dropped.
pub fn cite(answer: &str, prompt: &Prompt, doc: &Document) -> Answer {
    let mut citations = Vec::new();
    for n in markers(answer) {
        let Some(passage) = n.checked_sub(1).and_then(|i| prompt.given.get(i)) else { continue };
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
    }
    let abstained = answer.contains(ABSTENTION.trim_end_matches('.'));
    let uncited = !abstained && citations.is_empty() && !answer.trim().is_empty();
    Answer { text: answer.to_string(), citations, abstained, uncited }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        }];
        (doc, Prompt { system: String::new(), user: String::new(), given, chosen: vec![0] })
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
    fn an_answer_without_citations_is_flagged_and_an_abstention_is_not() {
        let (doc, prompt) = setup();
        assert!(cite("It rose a lot.", &prompt, &doc).uncited);
        let a = cite("The document does not say.", &prompt, &doc);
        assert!(a.abstained && !a.uncited);
        assert_eq!(markers("[1][2] [x] [10]"), [1, 2, 10]);
    }
}
