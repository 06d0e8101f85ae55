//! Lines into paragraph blocks, and the blocks into a simple reading order.

use parasol_doc::{BBox, Category, PageInfo, TextLine};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub category: Category,
    pub bbox: BBox,
    pub text: String,
}

struct Open {
    bbox: BBox,
    last: BBox,
    font: f32,
    lines: Vec<String>,
}

/// Joins a paragraph's lines, mending words hyphenated across line ends.
fn join_lines(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if out.is_empty() {
            out.push_str(line);
            continue;
        }
        let next_lower = line.chars().next().is_some_and(char::is_lowercase);
        let prev_hyphen = out.ends_with('-') && out.chars().rev().nth(1).is_some_and(char::is_alphabetic);
        if prev_hyphen && next_lower {
            out.pop();
        } else {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

fn horizontal_overlap(a: &BBox, b: &BBox) -> f32 {
    let inter = (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0);
    let narrower = a.width().min(b.width()).max(1.0);
    inter / narrower
}

/// Greedy grouping: a line joins the open paragraph right above it when the
/// vertical gap is under one line height, the two overlap horizontally and
/// their font sizes agree.
pub(crate) fn blocks(lines: &[TextLine], page: &PageInfo) -> Vec<Block> {
    let mut sorted: Vec<&TextLine> = lines.iter().filter(|l| !l.text.trim().is_empty()).collect();
    sorted.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0).then(a.bbox.x0.total_cmp(&b.bbox.x0)));

    let mut open: Vec<Open> = Vec::new();
    for line in sorted {
        let h = line.bbox.height().max(1.0);
        let font = line.font_size.max(1.0);
        let best = open
            .iter_mut()
            .filter(|p| {
                let gap = line.bbox.y0 - p.last.y1;
                let ratio = font.max(p.font) / font.min(p.font);
                gap > -0.5 * h
                    && gap < 1.0 * h
                    && ratio < 1.3
                    && horizontal_overlap(&p.last, &line.bbox) > 0.3
            })
            .min_by(|a, b| (line.bbox.y0 - a.last.y1).total_cmp(&(line.bbox.y0 - b.last.y1)));
        match best {
            Some(p) => {
                p.bbox = p.bbox.union(&line.bbox);
                p.last = line.bbox;
                p.lines.push(line.text.clone());
            }
            None => {
                open.push(Open { bbox: line.bbox, last: line.bbox, font, lines: vec![line.text.clone()] })
            }
        }
    }

    let mut fonts: Vec<f32> = open.iter().map(|p| p.font).collect();
    fonts.sort_by(f32::total_cmp);
    let body_font = fonts.get(fonts.len() / 2).copied().unwrap_or(0.0);

    let mut out: Vec<Block> = open
        .into_iter()
        .map(|p| {
            let category = if p.lines.len() <= 2 && body_font > 0.0 && p.font >= 1.3 * body_font {
                Category::Heading1
            } else {
                Category::Paragraph
            };
            Block { category, bbox: p.bbox, text: join_lines(&p.lines) }
        })
        .collect();
    let _ = page;
    out.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0).then(a.bbox.x0.total_cmp(&b.bbox.x0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::TextOrigin;
    use proptest::prelude::*;

    fn line(x: f32, y: f32, w: f32, h: f32, text: &str) -> TextLine {
        TextLine::from_bbox(BBox::new(x, y, x + w, y + h), text, TextOrigin::TextLayer)
    }

    const PAGE: PageInfo = PageInfo { number: 1, width: 1000.0, height: 1400.0, dpi: 150.0 };

    #[track_caller]
    fn check(lines: &[TextLine], expect: &[(Category, &str)]) {
        let got: Vec<(Category, String)> =
            blocks(lines, &PAGE).into_iter().map(|b| (b.category, b.text)).collect();
        let expect: Vec<(Category, String)> = expect.iter().map(|(c, t)| (*c, t.to_string())).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn consecutive_lines_form_one_paragraph() {
        check(
            &[
                line(100.0, 100.0, 500.0, 20.0, "The first line of a para-"),
                line(100.0, 124.0, 480.0, 20.0, "graph continues here."),
            ],
            &[(Category::Paragraph, "The first line of a paragraph continues here.")],
        );
    }

    #[test]
    fn a_blank_gap_starts_a_new_paragraph() {
        check(
            &[line(100.0, 100.0, 500.0, 20.0, "one"), line(100.0, 160.0, 500.0, 20.0, "two")],
            &[(Category::Paragraph, "one"), (Category::Paragraph, "two")],
        );
    }

    #[test]
    fn large_short_text_is_a_heading() {
        check(
            &[
                line(100.0, 50.0, 500.0, 40.0, "Big Title"),
                line(100.0, 120.0, 500.0, 20.0, "body one"),
                line(100.0, 144.0, 500.0, 20.0, "body two"),
                line(100.0, 200.0, 500.0, 20.0, "body three"),
            ],
            &[
                (Category::Heading1, "Big Title"),
                (Category::Paragraph, "body one body two"),
                (Category::Paragraph, "body three"),
            ],
        );
    }

    #[test]
    fn side_by_side_columns_stay_apart() {
        check(
            &[
                line(100.0, 100.0, 300.0, 20.0, "left a"),
                line(500.0, 100.0, 300.0, 20.0, "right a"),
                line(100.0, 124.0, 300.0, 20.0, "left b"),
                line(500.0, 124.0, 300.0, 20.0, "right b"),
            ],
            &[(Category::Paragraph, "left a left b"), (Category::Paragraph, "right a right b")],
        );
    }

    proptest! {
        #[test]
        fn every_word_survives_exactly_once(ys in proptest::collection::vec((0f32..1300.0, 0f32..900.0), 0..40)) {
            let lines: Vec<TextLine> = ys.iter().enumerate()
                .map(|(i, &(y, x))| line(x, y, 100.0, 12.0, &format!("w{i}")))
                .collect();
            let out = blocks(&lines, &PAGE);
            let mut words: Vec<String> = out.iter().flat_map(|b| b.text.split(' ').map(str::to_string)).collect();
            words.sort();
            let mut expect: Vec<String> = (0..lines.len()).map(|i| format!("w{i}")).collect();
            expect.sort();
            prop_assert_eq!(words, expect);
            // Single-column blocks come out top to bottom.
            prop_assert!(out.windows(2).all(|w| w[0].bbox.y0 <= w[1].bbox.y0));
        }
    }
}
