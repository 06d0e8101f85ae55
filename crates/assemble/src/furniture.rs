//! Running heads and footers found across pages: the same words at the same
//! height of the page's top or bottom band on two pages or more, whatever
//! one page's layout said.

use parasol_doc::{Category, Document, Element};

/// Share of the page's height at its top and at its bottom where running
/// heads and footers stand.
const BAND: f32 = 0.1;

/// Two lines stand at the same height when their centres are at most this
/// share of the page's height apart.
const SAME_HEIGHT: f32 = 0.015;

/// The longest text read as a running head (a title line, a journal's
/// name and issue); a paragraph repeated at a page's top is not one.
const MAX_CHARS: usize = 120;

/// A running head's words with its numbers (page, chapter, date) blanked:
/// "Annual report 2026 | 14" and "Annual report 2026 | 15" are one head.
fn key(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.chars().map(|c| if c.is_numeric() { '#' } else { c.to_lowercase().next().unwrap_or(c) }),
        );
    }
    out
}

/// Where an element stands: in the top band, the bottom band or neither,
/// and its centre's height as a share of the page's.
fn band(doc: &Document, e: &Element) -> Option<(Category, f32)> {
    let h = doc.pages.get(e.page.checked_sub(1)?).map(|p| p.height).filter(|&h| h > 0.0)?;
    let centre = (e.bbox.y0 + e.bbox.y1) / 2.0 / h;
    if e.bbox.y1 <= BAND * h {
        Some((Category::Header, centre))
    } else if e.bbox.y0 >= (1.0 - BAND) * h {
        Some((Category::Footer, centre))
    } else {
        None
    }
}

/// Marks text elements that repeat as running heads or footers: an
/// element in a page's top (bottom) band whose words, numbers aside, stand
/// at the same height on another page is a header (footer). Marked ones
/// move to the front (end) of their page's reading order. One layout model
/// pass per page calls the same running head a header on one page and a
/// paragraph on the next; the repetition is what makes it furniture.
pub(crate) fn running_heads_and_footers(doc: &mut Document) {
    // Headings stay: a chapter's title opens each of its pages at the same
    // height as the last one's ("Chapter 3", "Chapter 4").
    let movable = |e: &Element| {
        matches!(e.category, Category::Paragraph | Category::Caption | Category::List)
            && !e.text.trim().is_empty()
            && e.text.chars().count() <= MAX_CHARS
    };
    // Each element in a band, its band, height and words: worked out once,
    // not once per pair (a long document has thousands of elements).
    let banded: Vec<Option<(Category, f32, String)>> = doc
        .elements
        .iter()
        .map(|e| band(doc, e).map(|(furniture, at)| (furniture, at, key(&e.text))))
        .collect();
    let marks: Vec<Option<Category>> = doc
        .elements
        .iter()
        .zip(&banded)
        .map(|(e, b)| {
            let (furniture, at, k) = b.as_ref().filter(|_| movable(e))?;
            let repeated = doc.elements.iter().zip(&banded).any(|(o, ob)| {
                o.page != e.page
                    && (movable(o) || o.category == *furniture)
                    && ob
                        .as_ref()
                        .is_some_and(|(f, y, ok)| f == furniture && (y - at).abs() <= SAME_HEIGHT && ok == k)
            });
            repeated.then_some(*furniture)
        })
        .collect();
    if marks.iter().all(Option::is_none) {
        return;
    }
    for (e, mark) in doc.elements.iter_mut().zip(&marks) {
        if let Some(c) = mark {
            e.category = *c;
        }
    }
    // Marked headers first and marked footers last on their page; the rest
    // keeps its order.
    let mut order: Vec<(usize, u8, usize)> = (0..doc.elements.len())
        .map(|i| {
            let rank = match marks[i] {
                Some(Category::Header) => 0,
                Some(_) => 2,
                None => 1,
            };
            (doc.elements[i].page, rank, i)
        })
        .collect();
    order.sort();
    let mut old: Vec<Option<Element>> = std::mem::take(&mut doc.elements).into_iter().map(Some).collect();
    doc.elements = order.into_iter().filter_map(|(_, _, i)| old[i].take()).collect();
    crate::renumber(doc);
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::{BBox, PageInfo};

    fn el(page: usize, y: f32, category: Category, text: &str) -> Element {
        Element::text(0, category, page, BBox::new(100.0, y, 600.0, y + 20.0), text)
    }

    fn doc(elements: Vec<Element>) -> Document {
        let pages = vec![PageInfo { number: 1, width: 1000.0, height: 1400.0, dpi: 150.0 }; 3];
        let mut d = Document { pages, elements };
        crate::renumber(&mut d);
        d
    }

    fn got(d: &Document) -> Vec<(usize, Category, &str)> {
        d.elements.iter().map(|e| (e.page, e.category, e.text.as_str())).collect()
    }

    #[test]
    fn a_head_repeated_on_another_page_is_a_header_whatever_its_page_said() {
        let mut d = doc(vec![
            el(1, 40.0, Category::Header, "Harbour Authority - Register 2026"),
            el(1, 300.0, Category::Paragraph, "Body one"),
            el(1, 1340.0, Category::Footer, "Page 1 of 3"),
            el(2, 300.0, Category::Paragraph, "Body two"),
            el(2, 42.0, Category::Paragraph, "Harbour Authority - Register 2026"),
            el(2, 1342.0, Category::Paragraph, "Page 2 of 3"),
        ]);
        running_heads_and_footers(&mut d);
        assert_eq!(
            got(&d),
            [
                (1, Category::Header, "Harbour Authority - Register 2026"),
                (1, Category::Paragraph, "Body one"),
                (1, Category::Footer, "Page 1 of 3"),
                (2, Category::Header, "Harbour Authority - Register 2026"),
                (2, Category::Paragraph, "Body two"),
                (2, Category::Footer, "Page 2 of 3"),
            ]
        );
        assert!(d.elements.iter().enumerate().all(|(i, e)| e.id == i));
    }

    #[test]
    fn text_repeated_elsewhere_or_once_stays_body() {
        let mut d = doc(vec![
            // The same words at the top of two pages, at different heights.
            el(1, 40.0, Category::Paragraph, "Results"),
            el(2, 120.0, Category::Paragraph, "Results"),
            // Chapter titles, each opening its page at one height.
            el(1, 60.0, Category::Heading1, "Chapter 1"),
            el(2, 60.0, Category::Heading1, "Chapter 2"),
            // Alone at a page's top.
            el(3, 40.0, Category::Heading1, "Appendix"),
            // Repeated at one height, but in the body.
            el(1, 700.0, Category::Paragraph, "Continued overleaf"),
            el(2, 700.0, Category::Paragraph, "Continued overleaf"),
        ]);
        let before = got(&d).into_iter().map(|(p, c, t)| (p, c, t.to_string())).collect::<Vec<_>>();
        running_heads_and_footers(&mut d);
        let after = got(&d).into_iter().map(|(p, c, t)| (p, c, t.to_string())).collect::<Vec<_>>();
        assert_eq!(after, before);
    }
}
