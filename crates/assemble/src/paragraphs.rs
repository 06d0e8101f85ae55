//! Lines into paragraph blocks, and the blocks into a simple reading order.

use parasol_doc::{BBox, Category, TextLine};

use crate::text::{is_list_item, join_lines};
use crate::Block;

struct Open {
    bbox: BBox,
    last: BBox,
    font: f32,
    lines: Vec<String>,
}

/// The median vertical gap between a line and the nearest line below it
/// that overlaps it horizontally: the page's usual leading.
fn typical_leading(sorted: &[&TextLine]) -> f32 {
    let mut gaps: Vec<f32> = Vec::new();
    for (i, a) in sorted.iter().enumerate() {
        let below = sorted[i + 1..]
            .iter()
            .filter(|b| horizontal_overlap(&a.bbox, &b.bbox) > 0.3)
            .map(|b| b.bbox.y0 - a.bbox.y1)
            .find(|&g| g > -0.5 * a.bbox.height());
        if let Some(g) = below.filter(|&g| g < 2.0 * a.bbox.height()) {
            gaps.push(g.max(0.0));
        }
    }
    gaps.sort_by(f32::total_cmp);
    gaps.get(gaps.len() / 2).copied().unwrap_or(0.0)
}

/// List items one per line; continuation lines join the item above.
pub(crate) fn list_text(lines: &[String]) -> String {
    let mut items: Vec<Vec<&str>> = Vec::new();
    for l in lines {
        match items.last_mut() {
            Some(item) if !is_list_item(l) => item.push(l),
            _ => items.push(vec![l]),
        }
    }
    items.into_iter().map(join_lines).collect::<Vec<_>>().join("\n")
}

pub(crate) fn horizontal_overlap(a: &BBox, b: &BBox) -> f32 {
    let inter = (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0);
    let narrower = a.width().min(b.width()).max(1.0);
    inter / narrower
}

/// Greedy grouping: a line joins the open paragraph right above it when the
/// vertical gap is under one line height, the two overlap horizontally and
/// their font sizes agree.
pub(crate) fn blocks(lines: &[TextLine]) -> Vec<Block> {
    let mut sorted: Vec<&TextLine> = lines.iter().filter(|l| !l.text.trim().is_empty()).collect();
    sorted.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0).then(a.bbox.x0.total_cmp(&b.bbox.x0)));

    let leading = typical_leading(&sorted);
    let mut open: Vec<Open> = Vec::new();
    for line in sorted {
        let h = line.bbox.height().max(1.0);
        let font = line.font_size.max(1.0);
        // A paragraph break is a gap clearly wider than the page's usual
        // space between lines.
        let max_gap = (leading + 0.35 * h).min(1.0 * h);
        let best = open
            .iter_mut()
            .filter(|p| {
                let gap = line.bbox.y0 - p.last.y1;
                let ratio = font.max(p.font) / font.min(p.font);
                gap > -0.5 * h
                    && gap < max_gap
                    && ratio < 1.15
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

    let out: Vec<Block> = open
        .into_iter()
        .map(|p| {
            let category = if p.lines.len() <= 2 && body_font > 0.0 && p.font >= 1.15 * body_font {
                Category::Heading1
            } else if p.lines.first().is_some_and(|l| is_list_item(l)) {
                Category::List
            } else {
                Category::Paragraph
            };
            let text = if category == Category::List {
                list_text(&p.lines)
            } else {
                join_lines(p.lines.iter().map(String::as_str))
            };
            Block { category, bbox: p.bbox, text, ..Block::default() }
        })
        .collect();
    let boxes: Vec<BBox> = out.iter().map(|b| b.bbox).collect();
    let order = crate::order::xy_cut_dir(&boxes, crate::text::is_rtl(out.iter().map(|b| b.text.as_str())));
    let mut slots: Vec<Option<Block>> = out.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::TextOrigin;
    use proptest::prelude::*;

    fn line(x: f32, y: f32, w: f32, h: f32, text: &str) -> TextLine {
        TextLine::from_bbox(BBox::new(x, y, x + w, y + h), text, TextOrigin::TextLayer)
    }

    #[track_caller]
    fn check(lines: &[TextLine], expect: &[(Category, &str)]) {
        let got: Vec<(Category, String)> = blocks(lines).into_iter().map(|b| (b.category, b.text)).collect();
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
            let out = blocks(&lines);
            let mut words: Vec<String> = out.iter().flat_map(|b| b.text.split(' ').map(str::to_string)).collect();
            words.sort();
            let mut expect: Vec<String> = (0..lines.len()).map(|i| format!("w{i}")).collect();
            expect.sort();
            prop_assert_eq!(words, expect);
        }
    }
}
