//! Pages a question names ("the table on page 2", "pp. 3–4", "the last
//! page", "3페이지", "5ページ") and the document pages they stand for.
//!
//! A user who names a page means it: [`crate::Index::search`] ranks that
//! page's passages before all others. A page number is read two ways,
//! and both pages count: the page's position in the file (what a viewer
//! shows) and the number printed in its running header or footer (what a
//! report's reader sees: "page 84" of a two-page excerpt).

use parasol_doc::{Category, Document};

/// A page as a question names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRef {
    Number(u32),
    First,
    Last,
}

/// Longest page range a question may name ("pages 3–9"); a wider one is
/// more likely a typo or a year than a request, and is ignored.
const MAX_RANGE: u32 = 20;

/// The pages `question` names.
pub fn named(question: &str) -> Vec<PageRef> {
    let lower = question.to_lowercase();
    let mut out = Vec::new();
    for (first, last) in [
        ("first page", PageRef::First),
        ("cover page", PageRef::First),
        ("front page", PageRef::First),
        ("last page", PageRef::Last),
        ("final page", PageRef::Last),
        ("첫 페이지", PageRef::First),
        ("첫페이지", PageRef::First),
        ("마지막 페이지", PageRef::Last),
        ("最初のページ", PageRef::First),
        ("最後のページ", PageRef::Last),
    ] {
        if lower.contains(first) && !out.contains(&last) {
            out.push(last);
        }
    }
    for n in english(&lower).into_iter().chain(cjk(&lower)) {
        if !out.contains(&PageRef::Number(n)) {
            out.push(PageRef::Number(n));
        }
    }
    out
}

/// Whether `question` is about page numbers: names a page, or asks which
/// page ("this page" is no page number).
pub fn mentions_pages(question: &str) -> bool {
    let lower = question.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let asks_which = words
        .windows(2)
        .any(|w| matches!(w[0], "which" | "what" | "whichever") && matches!(w[1], "page" | "pages"));
    asks_which
        || !named(question).is_empty()
        || ["몇 페이지", "어느 페이지", "몇 쪽", "어느 쪽", "何ページ", "どのページ", "哪一页", "哪页"]
            .iter()
            .any(|w| lower.contains(w))
}

/// "page 3", "pages 3 and 4", "pages 3-5", "p. 3", "pp. 3–4".
fn english(lower: &str) -> Vec<u32> {
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if !matches!(w.trim_start_matches('('), "page" | "pages" | "p." | "pp." | "p" | "pp") {
            continue;
        }
        // Numbers joined by "and", "to", "or", commas and dashes.
        let mut j = i + 1;
        let mut previous: Option<u32> = None;
        let mut range = false;
        while let Some(w) = words.get(j) {
            let w = w.trim_end_matches(['?', '.', ',', ';', ':', ')', '!']);
            if matches!(w, "and" | "or" | "&" | "-" | "–" | "to" | "through") {
                range = !matches!(w, "and" | "or" | "&");
                j += 1;
                continue;
            }
            let mut parts = w.splitn(2, ['-', '–']);
            let Some(a) = parts.next().and_then(number) else { break };
            let b = parts.next().and_then(number);
            match (range, previous) {
                (true, Some(p)) => push_range(&mut out, p, a),
                _ => out.push(a),
            }
            if let Some(b) = b {
                push_range(&mut out, a, b);
            }
            previous = Some(b.unwrap_or(a));
            range = false;
            j += 1;
            if !words[j - 1].ends_with(',')
                && !matches!(words.get(j).copied(), Some("and" | "or" | "&" | "-" | "–" | "to" | "through"))
            {
                break;
            }
        }
    }
    out
}

/// "3페이지", "3 페이지", "3쪽", "5ページ", "5頁", "第5页".
fn cjk(lower: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let digits: String = chars[start..i].iter().collect();
        let rest: String = chars[i..].iter().collect::<String>();
        let rest = rest.trim_start();
        if ["페이지", "쪽", "ページ", "頁", "页"].iter().any(|w| rest.starts_with(w)) {
            if let Some(n) = number(&digits) {
                out.push(n);
            }
        }
    }
    out
}

fn number(s: &str) -> Option<u32> {
    (1..=4).contains(&s.len()).then_some(())?;
    s.parse().ok().filter(|&n| n > 0)
}

fn push_range(out: &mut Vec<u32>, a: u32, b: u32) {
    if a < b && b - a <= MAX_RANGE {
        out.extend(a + 1..=b);
    } else if a != b {
        out.push(b);
    }
}

/// The number printed in a running header or footer: `84`, `- 84 -`,
/// `Page 84`, `Page 84 of 120`, `84 / 120`, `84 | Annual report`,
/// `Annual report | 84`: an arabic number at the line's start or end
/// (before any "of" or "/"), but not a year beside words.
pub fn printed_number(line: &str) -> Option<u32> {
    let lower = line.trim().to_lowercase();
    let lower = lower.split(" of ").next().unwrap_or("");
    let lower = lower.split('/').next().unwrap_or("");
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty() && *w != "page" && *w != "p")
        .collect();
    let first = words.first().and_then(|w| number(w));
    let found = first.or_else(|| words.last().and_then(|w| number(w)))?;
    // "2014 Annual Report" is dated, not numbered.
    (words.len() == 1 || !(1900..=2100).contains(&found)).then_some(found)
}

/// Physical page numbers (1-based) and the number printed on each page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageNumbers {
    pages: usize,
    printed: Vec<(usize, u32)>,
}

impl PageNumbers {
    pub fn of(doc: &Document) -> PageNumbers {
        let pages = doc.pages.len().max(doc.elements.iter().map(|e| e.page).max().unwrap_or(0));
        let mut printed: Vec<(usize, u32)> = doc
            .elements
            .iter()
            .filter(|e| matches!(e.category, Category::Header | Category::Footer))
            .filter_map(|e| Some((e.page, printed_number(&e.text)?)))
            .collect();
        printed.dedup();
        PageNumbers { pages, printed }
    }

    /// The number printed on `page`, if one is.
    pub fn printed_on(&self, page: usize) -> Option<u32> {
        self.printed.iter().find(|&&(p, _)| p == page).map(|&(_, n)| n)
    }

    /// The pages `refs` stand for: page n of the file, and every page whose
    /// header or footer prints n.
    pub fn resolve(&self, refs: &[PageRef]) -> Vec<usize> {
        let mut out = Vec::new();
        for r in refs {
            match *r {
                PageRef::First if self.pages > 0 => out.push(1),
                PageRef::Last if self.pages > 0 => out.push(self.pages),
                PageRef::Number(n) => {
                    if (n as usize) <= self.pages {
                        out.push(n as usize);
                    }
                    out.extend(self.printed.iter().filter(|&&(_, p)| p == n).map(|&(page, _)| page));
                }
                _ => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PageRef::*;

    #[test]
    fn pages_named_in_english_korean_and_japanese() {
        for (q, want) in [
            ("What does the table on page 2 show?", vec![Number(2)]),
            ("Summarise pages 3 and 4.", vec![Number(3), Number(4)]),
            ("What is on pages 3-5?", vec![Number(3), Number(4), Number(5)]),
            ("What is on pages 3 to 5?", vec![Number(3), Number(4), Number(5)]),
            ("See pp. 7–8 for what?", vec![Number(7), Number(8)]),
            ("On page 84 of the Korean report, what is reduced?", vec![Number(84)]),
            ("What is on the last page?", vec![Last]),
            ("Who is named on the first page?", vec![First]),
            ("3페이지의 표는 무엇을 보여 주나요?", vec![Number(3)]),
            ("5ページの図は何ですか？", vec![Number(5)]),
            ("How many pages does DocLayNet contain?", vec![]),
            ("Which report is this page part of?", vec![]),
            ("What is the page size in 2023?", vec![]),
        ] {
            assert_eq!(named(q), want, "{q:?}");
        }
    }

    #[test]
    fn a_page_is_mentioned_when_a_question_asks_about_pages() {
        assert!(mentions_pages("On which page is the budget discussed?"));
        assert!(mentions_pages("What pages cover the budget?"));
        assert!(mentions_pages("What does the table on page 2 show?"));
        assert!(mentions_pages("예산은 몇 페이지에 있나요?"));
        assert!(mentions_pages("予算は何ページにありますか？"));
        assert!(!mentions_pages("What is the pagination style?"));
        assert!(!mentions_pages("Which formats does Docling convert to, according to this page?"));
        assert!(!mentions_pages("How many pages does DocLayNet contain?"));
    }

    #[test]
    fn the_number_printed_in_a_running_line() {
        for (line, want) in [
            ("84", Some(84)),
            ("- 84 -", Some(84)),
            ("Page 84", Some(84)),
            ("Page 3 of 10", Some(3)),
            ("3 / 10", Some(3)),
            ("84 | Annual report", Some(84)),
            ("Annual report | 84", Some(84)),
            ("Annual report", None),
            ("2014 Annual report", None),
            ("© Copyright IBM Corp. 2014. All rights reserved.", None),
            ("xii", None),
        ] {
            assert_eq!(printed_number(line), want, "{line:?}");
        }
    }

    #[test]
    fn a_named_page_is_the_files_page_and_the_page_printed_with_that_number() {
        use parasol_doc::{BBox, Element, PageInfo};
        let mut doc = Document::default();
        for n in 1..=3 {
            doc.pages.push(PageInfo { number: n, width: 600.0, height: 800.0, dpi: 72.0 });
            doc.elements.push(Element::text(
                n - 1,
                Category::Footer,
                n,
                BBox::new(290.0, 780.0, 310.0, 790.0),
                format!("{}", n + 40),
            ));
        }
        let pages = PageNumbers::of(&doc);
        assert_eq!(pages.resolve(&[Number(42)]), [2], "printed 42 is the second page");
        assert_eq!(pages.resolve(&[Number(2)]), [2], "the file's second page");
        assert_eq!(pages.resolve(&[Number(3), Number(41)]), [1, 3]);
        assert_eq!(pages.resolve(&[Last, First]), [1, 3]);
        assert_eq!(pages.resolve(&[Number(9)]), Vec::<usize>::new(), "no such page");
    }
}
