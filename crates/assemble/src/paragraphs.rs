//! Lines into paragraph blocks, and the blocks into a simple reading order,
//! for pages without layout regions. Blocks side by side that read row by
//! row (values beside labels, a form's entries) are joined by `columns`,
//! here through [`TextBlocks`] for open paragraphs.

use parasol_doc::{BBox, Category, TextLine};

use crate::columns::{merge_value_columns, TextBlocks};
use crate::text::{
    is_caption_start, is_heading, is_index, is_list_item, is_ocr, join_lines, level, median, rows,
    OCR_SAME_FONT_RATIO,
};
use crate::Block;

/// Share of the narrower width two lines must share to be one above the
/// other, in one column.
const COLUMN_OVERLAP: f32 = 0.3;

/// A line may reach up into the line above it by this share of its height
/// (skew, tall glyphs) and still follow it.
const LINE_OVERLAP: f32 = 0.5;

/// A gap of this many line heights or more is no leading: it is left out of
/// the page's typical leading.
const LEADING_MAX: f32 = 2.0;

/// A gap wider than the typical leading by this share of a line height
/// breaks a paragraph...
const PARAGRAPH_BREAK_SLACK: f32 = 0.35;

/// ...and so does any gap of this many line heights.
const PARAGRAPH_BREAK_MAX: f32 = 1.0;

/// Lines whose font sizes differ by a factor under this are set in one size
/// (OCR lines: [`OCR_SAME_FONT_RATIO`]).
const SAME_FONT_RATIO: f32 = 1.15;

/// A line level with the last line of a paragraph and this close after it
/// (in line heights) is the rest of that line's row: OCR splits a row at
/// wide spaces ("Visa contactless", "****", "4821").
const ROW_PIECE_GAP: f32 = 1.0;

pub(crate) struct Open<'a> {
    bbox: BBox,
    /// The last row: its line, with the pieces of its row after it.
    last: BBox,
    /// The mean font size of its lines.
    font: f32,
    lines: Vec<&'a TextLine>,
    /// Has rows of several pieces ([`row_pieces`]) or a column of values
    /// ([`is_value_column`]): read row by row.
    by_rows: bool,
    /// Its rows are records, a label and its value each ("Total 7.42"),
    /// not running text: one line each.
    records: bool,
}

/// The median vertical gap between a line and the nearest line below it
/// that overlaps it horizontally: the page's usual leading.
fn typical_leading(sorted: &[&TextLine]) -> f32 {
    let mut gaps: Vec<f32> = Vec::new();
    for (i, a) in sorted.iter().enumerate() {
        let below = sorted[i + 1..]
            .iter()
            .filter(|b| horizontal_overlap(&a.bbox, &b.bbox) > COLUMN_OVERLAP)
            .map(|b| b.bbox.y0 - a.bbox.y1)
            .find(|&g| g > -LINE_OVERLAP * a.bbox.height());
        if let Some(g) = below.filter(|&g| g < LEADING_MAX * a.bbox.height()) {
            gaps.push(g.max(0.0));
        }
    }
    median(gaps)
}

/// A paragraph block continues into the one right under it at most this
/// many body font sizes below it (a line's leading, no paragraph's space).
const CONTINUED_GAP: f32 = 0.8;

/// The upper of two blocks of one paragraph may stand this many body font
/// sizes right of the lower: its first row indented.
const CONTINUED_INDENT: f32 = 3.0;

/// Joins each paragraph block to the one right under it that carries on
/// its sentence: a layout model boxes a paragraph that wraps around a
/// floated box (a textbook's "Key idea") as two, its narrow rows beside the
/// box and its full-width rows below, and the box was read between them.
/// The upper block ends mid-sentence (a lowercase letter or a comma), the
/// lower starts in lowercase and reads as prose (a display equation under
/// "Its budget reads" is none, [`crate::text::reads_as_prose`]), left edges level (the upper's first row may
/// be indented, [`CONTINUED_INDENT`]) and no more than a line's leading
/// ([`CONTINUED_GAP`]) between them.
pub(crate) fn join_continued(blocks: &mut Vec<Block>, body_font: f32) {
    let f = body_font.max(1.0);
    let carries_on = |a: &Block, b: &Block| {
        a.category == Category::Paragraph
            && b.category == Category::Paragraph
            && a.text.trim_end().ends_with(|c: char| c.is_lowercase() || c == ',')
            && crate::text::goes_on(std::slice::from_ref(&b.text))
            && crate::text::reads_as_prose(std::iter::once(b.text.as_str()))
            && (-f..=CONTINUED_INDENT * f).contains(&(a.bbox.x0 - b.bbox.x0))
            && b.bbox.y0 >= a.bbox.y1 - 0.5 * f
            && b.bbox.y0 - a.bbox.y1 <= CONTINUED_GAP * f
    };
    let mut i = 0;
    while i < blocks.len() {
        match (0..blocks.len()).find(|&j| j != i && carries_on(&blocks[i], &blocks[j])) {
            Some(j) => {
                let lower = blocks.remove(j);
                let k = if j < i { i - 1 } else { i };
                let upper = &mut blocks[k];
                upper.text = join_lines([upper.text.as_str(), lower.text.as_str()]);
                upper.bbox = upper.bbox.union(&lower.bbox);
                i = k;
            }
            None => i += 1,
        }
    }
}

/// List items one per line; continuation lines join the item above.
pub(crate) fn list_text(lines: &[String]) -> String {
    let mut items: Vec<Vec<&str>> = Vec::new();
    let starts = crate::text::item_starts(&lines.iter().map(String::as_str).collect::<Vec<_>>());
    for (l, start) in lines.iter().zip(starts) {
        match items.last_mut() {
            Some(item) if !start => item.push(l),
            _ => items.push(vec![l]),
        }
    }
    items.into_iter().map(join_lines).collect::<Vec<_>>().join("\n")
}

impl<'l> TextBlocks<'l> for Vec<Open<'l>> {
    fn count(&self) -> usize {
        self.len()
    }

    fn text_block(&self, i: usize) -> Option<(&BBox, &[&'l TextLine])> {
        let p = &self[i];
        Some((&p.bbox, &p.lines))
    }

    fn take(&mut self, i: usize) -> Vec<&'l TextLine> {
        self.remove(i).lines
    }

    fn push_record(&mut self, i: usize, line: &'l TextLine) {
        let p = &mut self[i];
        p.bbox = p.bbox.union(&line.bbox);
        p.lines.push(line);
        p.by_rows = true;
        p.records = true;
    }
}

pub(crate) fn horizontal_overlap(a: &BBox, b: &BBox) -> f32 {
    let inter = (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0);
    let narrower = a.width().min(b.width()).max(1.0);
    inter / narrower
}

/// `sorted` (top to bottom) in units of one line each, except that OCR lines
/// level with each other and closer than [`ROW_PIECE_GAP`] heights side by
/// side are one unit: the pieces of one row, which OCR splits at wide
/// spaces ("Visa contactless", "****", "4821"). A text layer's lines are
/// whole rows already.
fn row_pieces(sorted: Vec<&TextLine>) -> Vec<Vec<&TextLine>> {
    let mut units: Vec<(BBox, Vec<&TextLine>)> = Vec::new();
    for line in sorted {
        let h = line.bbox.height().max(1.0);
        let piece = (line.origin == parasol_doc::TextOrigin::Ocr)
            .then(|| {
                units
                    .iter()
                    .position(|(b, unit)| is_ocr(unit.iter().copied()) && row_neighbours(b, &line.bbox, h))
            })
            .flatten()
            .or_else(|| {
                units.iter().position(|(b, unit)| level(b, &line.bbox) && choices_together(unit, &[line]))
            });
        let mut i = match piece {
            Some(i) => {
                units[i].0 = units[i].0.union(&line.bbox);
                units[i].1.push(line);
                i
            }
            None => {
                units.push((line.bbox, vec![line]));
                continue;
            }
        };
        // The grown row may now reach a piece met before it ("Visa
        // contactless" left of "****", after "4821" opened the row), or
        // complete a row of choices ("A. neuron" met before "B. …").
        while let Some(j) = (0..units.len()).find(|&j| {
            let (a, b) = (&units[i].0, &units[j].0);
            j != i
                && ((is_ocr(units[j].1.iter().copied())
                    && row_neighbours(a, b, a.height().min(b.height()).max(1.0)))
                    || (level(a, b) && choices_together(&units[i].1, &units[j].1)))
        }) {
            let (bbox, lines) = units.remove(j);
            if j < i {
                i -= 1;
            }
            units[i].0 = units[i].0.union(&bbox);
            units[i].1.extend(lines);
        }
    }
    units.into_iter().map(|(_, unit)| unit).collect()
}

/// Whether the lines of `a` and `b`, side by side, are the choices of a
/// multiple-choice question ([`crate::text::is_choice_row`]: "A. nucleus",
/// "B. mitochondrion") or a form's options ([`crate::text::is_tick_row`]:
/// "☐ Yes", "☐ No"): one row however far apart, so that columns of
/// choices are not read one after the other.
fn choices_together(a: &[&TextLine], b: &[&TextLine]) -> bool {
    let mut row: Vec<&TextLine> = a.iter().chain(b).copied().collect();
    row.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let texts = || row.iter().map(|l| l.text.as_str());
    row.windows(2).all(|w| w[0].bbox.x1 <= w[1].bbox.x0)
        && (crate::text::is_choice_row(texts()) || crate::text::is_tick_row(texts()))
}

/// Whether `a` and `b` are pieces of one row: level, and less than
/// [`ROW_PIECE_GAP`] heights `h` apart side by side (overlapping by less
/// than [`LINE_OVERLAP`] of `h`).
fn row_neighbours(a: &BBox, b: &BBox, h: f32) -> bool {
    let gap = (a.x0 - b.x1).max(b.x0 - a.x1);
    level(a, b) && gap > -LINE_OVERLAP * h && gap < ROW_PIECE_GAP * h
}

/// Greedy grouping: a line joins the open paragraph right above it when the
/// vertical gap is under one line height, the two overlap horizontally and
/// their font sizes agree; columns of values then join their labels.
pub(crate) fn blocks(lines: &[TextLine]) -> Vec<Block> {
    let lines: Vec<&TextLine> = lines.iter().collect();
    let mut open = groups(&lines);
    merge_value_columns(&mut open);
    let out = finish(open, 0.0, None);
    let boxes: Vec<BBox> = out.iter().map(|b| b.bbox).collect();
    let order = crate::order::xy_cut_dir(&boxes, crate::text::is_rtl(out.iter().map(|b| b.text.as_str())));
    let mut slots: Vec<Option<Block>> = out.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The paragraphs of `lines`, as [`blocks`] groups them, before columns of
/// values join their labels.
pub(crate) fn groups<'l>(lines: &[&'l TextLine]) -> Vec<Open<'l>> {
    let mut sorted: Vec<&'l TextLine> = lines.iter().copied().filter(|l| !l.text.trim().is_empty()).collect();
    sorted.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0).then(a.bbox.x0.total_cmp(&b.bbox.x0)));

    let leading = typical_leading(&sorted);
    let mut open: Vec<Open> = Vec::new();
    for unit in row_pieces(sorted) {
        let line = unit[0];
        let bbox = unit.iter().fold(line.bbox, |b, l| b.union(&l.bbox));
        let h = line.bbox.height().max(1.0);
        let font = unit.iter().map(|l| l.font_size.max(1.0)).sum::<f32>() / unit.len() as f32;
        let ocr = line.origin == parasol_doc::TextOrigin::Ocr;
        // A paragraph break is a gap clearly wider than the page's usual
        // space between lines.
        let max_gap = (leading + PARAGRAPH_BREAK_SLACK * h).min(PARAGRAPH_BREAK_MAX * h);
        let same_font = if ocr { OCR_SAME_FONT_RATIO } else { SAME_FONT_RATIO };
        let best = open
            .iter_mut()
            .filter(|p| {
                let gap = bbox.y0 - p.last.y1;
                let ratio = font.max(p.font) / font.min(p.font);
                gap > -LINE_OVERLAP * h
                    && gap < max_gap
                    && ratio < same_font
                    && horizontal_overlap(&p.last, &bbox) > COLUMN_OVERLAP
            })
            .min_by(|a, b| (bbox.y0 - a.last.y1).total_cmp(&(bbox.y0 - b.last.y1)));
        let pieces = unit.len() > 1;
        match best {
            Some(p) => {
                p.bbox = p.bbox.union(&bbox);
                p.last = bbox;
                p.font = (p.font * p.lines.len() as f32 + font * unit.len() as f32)
                    / (p.lines.len() + unit.len()) as f32;
                p.lines.extend(unit);
                p.by_rows |= pieces;
            }
            None => open.push(Open { bbox, last: bbox, font, lines: unit, by_rows: pieces, records: false }),
        }
    }
    open
}

/// The most rows a caption outside every layout region runs to; a longer
/// paragraph that opens with "Table 2" is running text about it.
const CAPTION_MAX_ROWS: usize = 2;

/// Paragraphs into blocks: headings (large and short, not records),
/// captions, footnotes (on a page `page_h` high, when known:
/// [`crate::text::is_footnote`]), lists, paragraphs; records one row per
/// line. In no particular order.
pub(crate) fn finish(open: Vec<Open<'_>>, page_font: f32, page_h: Option<f32>) -> Vec<Block> {
    // The page's body text sets what a heading is (a slide's title, loose
    // above its bullets in regions, is large beside them, not beside
    // itself); without it, the paragraphs' own.
    let body_font = if page_font > 0.0 { page_font } else { median(open.iter().map(|p| p.font).collect()) };

    open.into_iter()
        .map(|p| {
            let lines: Vec<String> =
                if p.by_rows { rows(&p.lines) } else { p.lines.iter().map(|l| l.text.clone()).collect() };
            let heading =
                !p.records && is_heading(&lines, p.font, body_font, is_ocr(p.lines.iter().copied()));
            let first = lines.first().map_or("", String::as_str);
            let footnote = page_h.is_some_and(|h| {
                crate::text::opens_with_note_symbol(first)
                    && crate::text::is_footnote(first, p.bbox.y0, p.font, body_font, h)
            });
            let category = if is_index(&lines) {
                Category::Index
            } else if footnote {
                Category::Footnote
            } else if (heading || lines.len() <= CAPTION_MAX_ROWS)
                && lines.first().is_some_and(|l| is_caption_start(l))
            {
                // "Table 4: Monthly rainfall" set large above its table, or
                // in a line or two of body text below it.
                Category::Caption
            } else if heading {
                Category::Heading1
            } else if lines.first().is_some_and(|l| is_list_item(l)) {
                Category::List
            } else {
                Category::Paragraph
            };
            let text = if category == Category::List {
                list_text(&lines)
            } else if p.records || category == Category::Index {
                lines.join("\n")
            } else {
                join_lines(lines.iter().map(String::as_str))
            };
            Block { category, bbox: p.bbox, text, ..Block::default() }
        })
        .collect()
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
    fn a_paragraph_boxed_in_two_around_a_float_is_one() {
        let block = |x0: f32, y0: f32, x1: f32, y1: f32, text: &str| Block {
            category: Category::Paragraph,
            bbox: BBox::new(x0, y0, x1, y1),
            text: text.into(),
            ..Block::default()
        };
        let mut blocks = vec![
            block(744.0, 373.0, 1080.0, 620.0, "Infiltration capacity is not fixed."),
            block(130.0, 688.0, 1110.0, 805.0, "matter content and the presence of root channels."),
            block(159.0, 621.0, 679.0, 679.0, "The first concerns the soil: its organic"),
            block(130.0, 830.0, 1110.0, 900.0, "then a new paragraph."),
        ];
        join_continued(&mut blocks, 22.5);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Infiltration capacity is not fixed.",
                "The first concerns the soil: its organic matter content and the presence of root channels.",
                "then a new paragraph."
            ]
        );
        assert_eq!(blocks[1].bbox, BBox::new(130.0, 621.0, 1110.0, 805.0));
        // A sentence that ended, or a capital after it, is a paragraph's end.
        let mut apart = vec![
            block(130.0, 621.0, 679.0, 679.0, "Its soil is dry."),
            block(130.0, 688.0, 1110.0, 805.0, "matter content and the presence of root channels"),
            block(130.0, 810.0, 1110.0, 830.0, "Next one"),
            block(130.0, 835.0, 1110.0, 860.0, "h ∂T/∂t + h u·∇T = K (1)"),
        ];
        join_continued(&mut apart, 22.5);
        assert_eq!(apart.len(), 4);
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

    fn ocr(x: f32, y: f32, w: f32, h: f32, text: &str) -> TextLine {
        TextLine::from_bbox(BBox::new(x, y, x + w, y + h), text, TextOrigin::Ocr)
    }

    /// An exam sheet's scan (OCR's lines): each question's choices in a
    /// grid of two columns, or four across, a choice a pixel higher than
    /// the one left of it. The choices read row by row under their
    /// question, not one column of choices and then the other.
    #[test]
    fn choices_side_by_side_read_row_by_row() {
        let got: Vec<String> = blocks(&[
            ocr(127.0, 340.0, 554.0, 29.0, "1. Which organelle releases energy from glucose?"),
            ocr(173.0, 375.0, 123.0, 30.0, "A. nucleus"),
            ocr(642.0, 374.0, 193.0, 27.0, "B. mitochondrion"),
            ocr(172.0, 407.0, 141.0, 30.0, "C. ribosome"),
            ocr(641.0, 407.0, 127.0, 30.0, "D. cell wall"),
            ocr(127.0, 582.0, 436.0, 29.0, "3. Which of these cells has no nucleus?"),
            ocr(173.0, 619.0, 113.0, 27.0, "A. neuron"),
            ocr(408.0, 619.0, 185.0, 27.0, "B. red blood cell"),
            ocr(639.0, 617.0, 125.0, 30.0, "C. leaf cell"),
            ocr(873.0, 618.0, 153.0, 31.0, "D. sperm cell"),
        ])
        .into_iter()
        .map(|b| b.text)
        .collect();
        let text = got.join("\n");
        let at = |s: &str| text.find(s).unwrap();
        assert!(at("A. nucleus") < at("B. mitochondrion"), "{got:?}");
        assert!(at("B. mitochondrion") < at("C. ribosome"), "{got:?}");
        assert!(at("C. ribosome") < at("D. cell wall") && at("D. cell wall") < at("3. Which"), "{got:?}");
        assert!(
            at("A. neuron") < at("B. red") && at("B. red") < at("C. leaf") && at("C. leaf") < at("D. sperm")
        );
    }

    /// The receipt sample's lines once straightened (`samples/receipt-photo.jpg`):
    /// OCR box heights of 25–37 px for one type size, rows split into pieces.
    #[test]
    fn a_receipt_reads_records_row_by_row_without_headings() {
        check(
            &[
                ocr(389.0, 303.0, 190.0, 30.0, "2 x Flat white"),
                ocr(740.0, 305.0, 60.0, 31.0, "6.40"),
                ocr(389.0, 336.0, 200.0, 33.0, "1 x Tomato soup"),
                ocr(741.0, 338.0, 61.0, 33.0, "5.20"),
                ocr(389.0, 369.0, 212.0, 31.0, "1 x Cheese scone"),
                ocr(742.0, 372.0, 60.0, 30.0, "2.90"),
                ocr(388.0, 402.0, 251.0, 35.0, "1 x Sparkling water"),
                ocr(742.0, 403.0, 62.0, 34.0, "1.80"),
                ocr(386.0, 472.0, 127.0, 36.0, "SUBTOTAL"),
                ocr(733.0, 473.0, 83.0, 37.0, "16.30"),
                ocr(386.0, 514.0, 62.0, 33.0, "CARD"),
                ocr(742.0, 515.0, 76.0, 33.0, "16.30"),
                // The third piece of the row starts it (a pixel higher).
                ocr(654.0, 557.0, 59.0, 30.0, "4821"),
                ocr(386.0, 558.0, 201.0, 31.0, "Visa contactless"),
                ocr(596.0, 558.0, 61.0, 25.0, "****"),
                ocr(386.0, 589.0, 107.0, 31.0, "Items: 5"),
            ],
            &[
                (
                    Category::Paragraph,
                    "2 x Flat white 6.40\n1 x Tomato soup 5.20\n1 x Cheese scone 2.90\n1 x Sparkling water 1.80",
                ),
                (Category::Paragraph, "SUBTOTAL 16.30\nCARD 16.30\nVisa contactless **** 4821\nItems: 5"),
            ],
        );
    }

    #[test]
    fn ocr_box_heights_make_a_heading_only_when_much_larger() {
        check(
            &[
                ocr(100.0, 50.0, 500.0, 60.0, "Big Title"),
                ocr(100.0, 150.0, 500.0, 36.0, "BOLD LINE"),
                ocr(100.0, 240.0, 500.0, 30.0, "body one"),
                ocr(100.0, 274.0, 500.0, 32.0, "body two"),
                ocr(100.0, 360.0, 500.0, 31.0, "body three"),
            ],
            &[
                (Category::Heading1, "Big Title"),
                (Category::Paragraph, "BOLD LINE"),
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

    #[test]
    fn a_column_of_amounts_beside_labels_reads_row_by_row() {
        check(
            &[
                line(100.0, 100.0, 300.0, 20.0, "Total Sales (Excluding GST)"),
                line(700.0, 101.0, 60.0, 20.0, "7.00"),
                line(100.0, 124.0, 200.0, 20.0, "Total GST"),
                line(700.0, 125.0, 60.0, 20.0, "0.42"),
                line(100.0, 148.0, 150.0, 20.0, "CASH :"),
                line(700.0, 149.0, 60.0, 20.0, "7.42"),
            ],
            &[(Category::Paragraph, "Total Sales (Excluding GST) 7.00\nTotal GST 0.42\nCASH : 7.42")],
        );
    }

    #[test]
    fn a_forms_entries_read_row_by_row_with_their_labels() {
        check(
            &[
                line(100.0, 100.0, 90.0, 20.0, "Labels"),
                line(300.0, 101.0, 180.0, 20.0, "Tobacco Blend"),
                line(100.0, 124.0, 90.0, 20.0, "Closures"),
                line(300.0, 125.0, 200.0, 20.0, "Filter Production"),
                line(100.0, 148.0, 90.0, 20.0, "Tear Tape"),
                line(300.0, 149.0, 210.0, 20.0, "Making & Packing"),
                line(100.0, 172.0, 90.0, 20.0, "Cartons"),
                line(300.0, 173.0, 120.0, 20.0, "Shipping"),
            ],
            &[(
                Category::Paragraph,
                "Labels Tobacco Blend\nClosures Filter Production\nTear Tape Making & Packing\nCartons Shipping",
            )],
        );
    }

    #[test]
    fn two_columns_of_running_text_stay_apart_though_their_lines_are_level() {
        let mut lines = Vec::new();
        for (k, (left, right)) in [
            ("the first column reads on here", "while the second column holds"),
            ("through several lines of text", "other words of its own story"),
            ("each of them level with one", "that a reader takes after the"),
            ("beside it in the next column", "first column has come to an end"),
        ]
        .into_iter()
        .enumerate()
        {
            let y = 100.0 + 24.0 * k as f32;
            lines.push(line(100.0, y, 300.0, 20.0, left));
            lines.push(line(450.0, y, 300.0, 20.0, right));
        }
        check(
            &lines,
            &[
                (
                    Category::Paragraph,
                    "the first column reads on here through several lines of text each of them level with one beside it in the next column",
                ),
                (
                    Category::Paragraph,
                    "while the second column holds other words of its own story that a reader takes after the first column has come to an end",
                ),
            ],
        );
    }

    #[test]
    fn a_forms_keys_take_their_entries_however_long_or_few() {
        check(
            &[
                line(100.0, 100.0, 110.0, 20.0, "CASE NAME:"),
                line(300.0, 101.0, 520.0, 20.0, "Donald D. Sellers and Robin J. Sellers v. Raybestos et al."),
                line(100.0, 124.0, 70.0, 20.0, "COURT:"),
                line(300.0, 125.0, 400.0, 20.0, "San Francisco Superior Court"),
                line(100.0, 148.0, 110.0, 20.0, "DATE FILED:"),
                line(100.0, 172.0, 90.0, 20.0, "JUDGE:"),
            ],
            &[(
                Category::Paragraph,
                "CASE NAME: Donald D. Sellers and Robin J. Sellers v. Raybestos et al.\nCOURT: San Francisco Superior Court\nDATE FILED:\nJUDGE:",
            )],
        );
    }

    #[test]
    fn text_beside_lines_that_are_no_keys_stays_apart() {
        // The same rows without colons: labels and entries cannot be told
        // from two columns of short text.
        check(
            &[
                line(100.0, 100.0, 110.0, 20.0, "CASE NAME"),
                line(300.0, 101.0, 520.0, 20.0, "Donald D. Sellers and Robin J. Sellers v. Raybestos et al."),
                line(100.0, 124.0, 70.0, 20.0, "COURT"),
                line(300.0, 125.0, 400.0, 20.0, "San Francisco Superior Court"),
            ],
            &[
                (Category::Paragraph, "CASE NAME COURT"),
                (
                    Category::Paragraph,
                    "Donald D. Sellers and Robin J. Sellers v. Raybestos et al. San Francisco Superior Court",
                ),
            ],
        );
    }

    #[test]
    fn a_narrow_column_of_words_beside_text_stays_apart() {
        check(
            &[
                line(100.0, 100.0, 500.0, 20.0, "a line of body text"),
                line(700.0, 100.0, 100.0, 20.0, "note"),
                line(100.0, 124.0, 500.0, 20.0, "and its second line"),
                line(700.0, 124.0, 100.0, 20.0, "aside"),
            ],
            &[
                (Category::Paragraph, "a line of body text and its second line"),
                (Category::Paragraph, "note aside"),
            ],
        );
    }

    proptest! {
        #[test]
        fn every_word_survives_exactly_once(ys in proptest::collection::vec((0f32..1300.0, 0f32..900.0), 0..40)) {
            let lines: Vec<TextLine> = ys.iter().enumerate()
                .map(|(i, &(y, x))| line(x, y, 100.0, 12.0, &format!("w{i}")))
                .collect();
            let out = blocks(&lines);
            let mut words: Vec<String> = out.iter().flat_map(|b| b.text.split_whitespace().map(str::to_string)).collect();
            words.sort();
            let mut expect: Vec<String> = (0..lines.len()).map(|i| format!("w{i}")).collect();
            expect.sort();
            prop_assert_eq!(words, expect);
        }
    }
}
