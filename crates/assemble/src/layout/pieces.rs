//! A text region cut into the pieces it reads as, when a layout model
//! boxed several blocks as one: columns of running text, heading rows
//! inside it, a caption run into the paragraph under it, a list run into
//! the paragraph after it, paragraphs set apart by space. Each piece is
//! then read as a region of its own.

use parasol_doc::{Category, TextLine};

use crate::text::{is_caption_start, is_list_item, median};
use crate::Block;

/// The pieces `block` (a text region over `lines`) reads as, each with its
/// lines and category, or `None` when it reads whole.
pub(super) fn split<'l>(
    block: &Block,
    lines: &[&'l TextLine],
    body_font: f32,
) -> Option<Vec<(Block, Vec<&'l TextLine>)>> {
    if matches!(block.category, Category::Paragraph | Category::List) {
        if let Some(columns) = text_column_pieces(lines) {
            return columns.iter().map(|p| piece(block, std::slice::from_ref(p), block.category)).collect();
        }
    }
    match heading_rows(block, lines, body_font)
        .or_else(|| caption_and_text(block, lines))
        .or_else(|| list_and_text(block, lines))
    {
        Some(pieces) => Some(
            pieces
                .into_iter()
                .flat_map(|(b, ls)| paragraphs_apart(&b, &ls).unwrap_or_else(|| vec![(b, ls)]))
                .collect(),
        ),
        None => paragraphs_apart(block, lines),
    }
}

/// A paragraph region cut at each paragraph break in it
/// ([`paragraph_breaks`]), at each indented first row
/// ([`indented_starts`]), and where list items begin after a sentence: a
/// layout model may box a run of paragraphs set apart by space (a
/// letter's, a report's) as one, or a paragraph and the list under it. `None` when nothing is
/// cut, or the region is no paragraph, or a list (its items set apart
/// are one list; a "list" of no items is paragraphs).
fn paragraphs_apart<'l>(block: &Block, lines: &[&'l TextLine]) -> Option<Vec<(Block, Vec<&'l TextLine>)>> {
    if !matches!(block.category, Category::Paragraph | Category::List)
        || crate::text::is_vertical_text(lines.iter().copied())
    {
        return None;
    }
    let groups = crate::text::row_groups(lines);
    if groups.first().is_some_and(|row| is_list_item(&row_text(row))) {
        return None;
    }
    // A "list" with no item in it is paragraphs the layout model took for
    // one, when they are found apart.
    if block.category == Category::List && groups.iter().any(|row| is_list_item(&row_text(row))) {
        return None;
    }
    let mut breaks = paragraph_breaks(&groups);
    // Items after a sentence ("…了承された。" then "・研修は…") begin a
    // list, however close they follow.
    let ends_sentence = |row: &[&TextLine]| {
        row.last().is_some_and(|l| l.text.trim_end().ends_with(['.', '。', '．', ':', '：']))
    };
    for k in 1..groups.len() {
        let (before, row) = (row_text(&groups[k - 1]), row_text(&groups[k]));
        if is_list_item(&row) && !is_list_item(&before) && ends_sentence(&groups[k - 1]) {
            breaks[k] = true;
        }
    }
    for k in indented_starts(&groups) {
        breaks[k] = true;
    }
    if !breaks.contains(&true) {
        return None;
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for k in (1..=groups.len()).filter(|&k| k == groups.len() || breaks[k]) {
        pieces.push(piece(block, &groups[start..k], Category::Paragraph)?);
        start = k;
    }
    Some(pieces)
}

/// Lines wider than this share of a region's width span its columns (a
/// caption or headline over them) and leave no gutter to find
/// ([`text_column_pieces`]).
const SPANNING_SHARE: f32 = 0.6;

/// A gutter between columns of text is at least this many line heights wide.
const TEXT_GUTTER_HEIGHTS: f32 = 0.5;

/// Fewest lines of running text in each of two columns...
const TEXT_COLUMN_MIN_LINES: usize = 3;

/// ...whose median line holds at least this many words: a column of
/// amounts, labels or answers is no running text.
const TEXT_COLUMN_MIN_WORDS: usize = 4;

/// The pieces a region's `lines` read as when they stand in columns of
/// running text side by side ([`split_text_columns`]): each run of lines
/// spanning the columns (a caption or headline over them, wider than
/// [`SPANNING_SHARE`] of the region), then each column's paragraphs, a
/// paragraph ending where the gap between its rows is clearly wider than
/// the column's usual leading. `None` when the lines stand in no columns.
fn text_column_pieces<'l>(lines: &[&'l TextLine]) -> Option<Vec<Vec<&'l TextLine>>> {
    if lines.len() < 2 * TEXT_COLUMN_MIN_LINES || crate::text::is_vertical_text(lines.iter().copied()) {
        return None;
    }
    let extent = lines.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b))?;
    let spans = |l: &TextLine| l.bbox.width() > SPANNING_SHARE * extent.width();
    let narrow: Vec<&TextLine> = lines.iter().copied().filter(|l| !spans(l)).collect();
    let columns = split_text_columns(narrow)?;
    let mut pieces: Vec<Vec<&TextLine>> = Vec::new();
    // Spanning lines one above the other, nothing between them, are one piece.
    let mut wide: Vec<&TextLine> = lines.iter().copied().filter(|l| spans(l)).collect();
    wide.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    for l in wide {
        let joins = pieces.last().and_then(|p| p.last()).is_some_and(|above: &&TextLine| {
            !lines.iter().any(|m| !spans(m) && m.bbox.y0 >= above.bbox.y1 && m.bbox.y1 <= l.bbox.y0)
        });
        match pieces.last_mut() {
            Some(p) if joins => p.push(l),
            _ => pieces.push(vec![l]),
        }
    }
    for column in columns {
        let rows = crate::text::row_groups(&column);
        let mut breaks = paragraph_breaks(&rows);
        for k in indented_starts(&rows) {
            breaks[k] = true;
        }
        let mut piece: Vec<&TextLine> = Vec::new();
        for (k, row) in rows.iter().enumerate() {
            if breaks[k] && !piece.is_empty() {
                pieces.push(std::mem::take(&mut piece));
            }
            piece.extend(row.iter().copied());
        }
        if !piece.is_empty() {
            pieces.push(piece);
        }
    }
    Some(pieces)
}

/// Share of an OCR line's height its box reaches past its ink at each end.
const OCR_BOX_MARGIN: f32 = 0.25;

/// A gap between two rows of a column wider than its usual leading by
/// this many line heights ends a paragraph.
const PARAGRAPH_GAP_SLACK: f32 = 0.35;

/// For each of `rows` (`text::row_groups`, top to bottom), whether a
/// paragraph break stands above it: a gap clearly wider than the rows'
/// usual one ([`PARAGRAPH_GAP_SLACK`] line heights more). Never above the
/// first.
fn paragraph_breaks(rows: &[Vec<&TextLine>]) -> Vec<bool> {
    let gap = |k: usize| {
        let above = rows[k - 1].iter().map(|l| l.bbox.y1).fold(f32::NEG_INFINITY, f32::max);
        rows[k].iter().map(|l| l.bbox.y0).fold(f32::INFINITY, f32::min) - above
    };
    let leading = median((1..rows.len()).map(|k| gap(k).max(0.0)).collect());
    let h = median(rows.iter().flatten().map(|l| l.bbox.height()).collect());
    (0..rows.len()).map(|k| k > 0 && gap(k) > leading + PARAGRAPH_GAP_SLACK * h).collect()
}

/// A paragraph's first row is indented by at least this many line heights
/// ([`indented_starts`])...
const INDENT_MIN_HEIGHTS: f32 = 0.8;

/// ...and at most this many (a quotation's or a list's indent is wider).
const INDENT_MAX_HEIGHTS: f32 = 5.0;

/// Share of a region's rows, at least, flush with its left edge for its
/// indents to start paragraphs: centred or ragged-left text has no edge.
const FLUSH_SHARE: f32 = 0.6;

/// The rows of a run of paragraphs set without space between them, where a
/// paragraph begins by its first row's indent (a paper's, a book's): a row
/// indented by [`INDENT_MIN_HEIGHTS`] to [`INDENT_MAX_HEIGHTS`] line
/// heights from the edge most rows start at ([`FLUSH_SHARE`]), after a row
/// that ends a sentence short of the right edge (by a line height or
/// more). A hanging indent's rows follow full rows, and stay.
fn indented_starts(rows: &[Vec<&TextLine>]) -> Vec<usize> {
    if rows.len() < 3 {
        return Vec::new();
    }
    let h = median(rows.iter().flatten().map(|l| l.bbox.height()).collect());
    let x0 = |row: &[&TextLine]| row.iter().map(|l| l.bbox.x0).fold(f32::INFINITY, f32::min);
    let x1 = |row: &[&TextLine]| row.iter().map(|l| l.bbox.x1).fold(f32::NEG_INFINITY, f32::max);
    let left = rows.iter().map(|r| x0(r)).fold(f32::INFINITY, f32::min);
    let right = rows.iter().map(|r| x1(r)).fold(f32::NEG_INFINITY, f32::max);
    let flush = rows.iter().filter(|r| x0(r) - left < 0.3 * h).count();
    if (flush as f32) < FLUSH_SHARE * rows.len() as f32 {
        return Vec::new();
    }
    let ends = |row: &[&TextLine]| row.last().is_some_and(|l| ends_sentence(&l.text));
    (1..rows.len())
        .filter(|&k| {
            let indent = x0(&rows[k]) - left;
            (INDENT_MIN_HEIGHTS * h..=INDENT_MAX_HEIGHTS * h).contains(&indent)
                && x1(&rows[k - 1]) <= right - h
                && ends(&rows[k - 1])
        })
        .collect()
}

/// Whether `text` ends a sentence, a footnote's mark after its stop
/// included ("below the caption.1", "in 1998.*").
fn ends_sentence(text: &str) -> bool {
    let text = text.trim_end();
    let stops = ['.', '!', '?', ':', ')', '”', '"', '。', '．', '！', '？'];
    if text.ends_with(stops) {
        return true;
    }
    let mark = text.trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '*' | '†' | '‡' | '§'));
    let mark_len = text.len() - mark.len();
    let mut before = mark.chars().rev();
    (1..=3).contains(&mark_len)
        && matches!(before.next(), Some('.' | '!' | '?'))
        && before.next().is_some_and(char::is_alphabetic)
}

/// A row's text: its pieces joined as the script writes them.
fn row_text(row: &[&TextLine]) -> String {
    parasol_doc::script::join(row.iter().map(|l| l.text.trim()))
}

/// `block` over `rows` only, as `category`: its box theirs; `None` without
/// lines.
fn piece<'l>(
    block: &Block,
    rows: &[Vec<&'l TextLine>],
    category: Category,
) -> Option<(Block, Vec<&'l TextLine>)> {
    let lines: Vec<&TextLine> = rows.iter().flatten().copied().collect();
    let bbox = lines.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b))?;
    Some((Block { category, bbox, ..block.clone() }, lines))
}

/// `lines` cut at every gutter between columns of running text: a vertical
/// strip [`TEXT_GUTTER_HEIGHTS`] line heights wide that no line crosses,
/// with [`TEXT_COLUMN_MIN_LINES`] rows of [`TEXT_COLUMN_MIN_WORDS`] words
/// or more (the median row) on each side, or of a book index's terms
/// ([`crate::text::is_index_term`], two thirds of the lines), the two sides level for half the shorter one's
/// height at least. `None` without such a gutter.
fn split_text_columns(mut lines: Vec<&TextLine>) -> Option<Vec<Vec<&TextLine>>> {
    let h = median(lines.iter().map(|l| l.bbox.height()).collect());
    // Counted in rows: justified text's wide spaces may cut a line in pieces.
    // A book index's columns of terms and pages flow like running text.
    let running = |side: &[&TextLine]| {
        let rows = crate::text::row_groups(side);
        let terms = side.iter().filter(|l| crate::text::is_index_term(&l.text)).count();
        rows.len() >= TEXT_COLUMN_MIN_LINES
            && (median(
                rows.iter()
                    .map(|r| r.iter().map(|l| l.text.split_whitespace().count()).sum::<usize>() as f32)
                    .collect(),
            ) >= TEXT_COLUMN_MIN_WORDS as f32
                || 3 * terms >= 2 * side.len())
    };
    let span = |side: &[&TextLine]| {
        side.iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), l| (lo.min(l.bbox.y0), hi.max(l.bbox.y1)))
    };
    // An OCR line's box reaches past its ink at each end, into the gutter
    // ([`OCR_BOX_MARGIN`]).
    let ink = |l: &TextLine| {
        let margin =
            if l.origin == parasol_doc::TextOrigin::Ocr { OCR_BOX_MARGIN * l.bbox.height() } else { 0.0 };
        (l.bbox.x0 + margin, l.bbox.x1 - margin)
    };
    lines.sort_by(|a, b| ink(a).0.total_cmp(&ink(b).0));
    let mut reach = f32::NEG_INFINITY;
    let mut cut = None;
    for k in 0..lines.len() {
        if k > 0 && ink(lines[k]).0 - reach >= TEXT_GUTTER_HEIGHTS * h {
            let (left, right) = lines.split_at(k);
            let ((l0, l1), (r0, r1)) = (span(left), span(right));
            if l1.min(r1) - l0.max(r0) >= 0.5 * (l1 - l0).min(r1 - r0) && running(left) && running(right) {
                cut = Some(k);
                break;
            }
        }
        reach = reach.max(ink(lines[k]).1);
    }
    let right = lines.split_off(cut?);
    let mut columns = split_text_columns(lines.clone()).unwrap_or_else(|| vec![lines]);
    columns.extend(split_text_columns(right.clone()).unwrap_or_else(|| vec![right]));
    Some(columns)
}

/// Most words in a heading row found inside a text region ([`heading_rows`]).
const INNER_HEADING_MAX_WORDS: usize = 8;

/// Least share of a heading row's characters (spaces aside) that are
/// letters: a row of a formula set large is no heading.
const INNER_HEADING_LETTERS: f32 = 0.6;

/// A paragraph, list, heading or header region cut at the heading rows inside it: single
/// rows of a few words ([`INNER_HEADING_MAX_WORDS`], mostly letters), no
/// sentence nor a row going on with one, set a heading's step larger than both the page's body text and
/// the region's other rows ([`crate::text::is_heading`]). A layout model
/// often takes a heading and the text under it, or a menu's whole column
/// with its section names, for one block. Each piece keeps the region's
/// category (a piece opening with no item, in a list of items, is a
/// paragraph, as a heading region's rows in smaller type are), a
/// heading row becomes a heading; `None` when nothing is cut.
fn heading_rows<'l>(
    block: &Block,
    lines: &[&'l TextLine],
    body_font: f32,
) -> Option<Vec<(Block, Vec<&'l TextLine>)>> {
    if !matches!(block.category, Category::Paragraph | Category::List | Category::Heading1 | Category::Header)
        || crate::text::is_vertical_text(lines.iter().copied())
    {
        return None;
    }
    let groups = crate::text::row_groups(lines);
    if groups.len() < 2 {
        return None;
    }
    let ocr = crate::text::is_ocr(lines.iter().copied());
    let font = |row: &[&TextLine]| median(row.iter().map(|l| l.font_size).collect());
    // A running head is set in the body's type or smaller; a "header" row
    // in a title's type is the page's title ([`super::title_ratio`]).
    let header_title = |row: &[&TextLine]| {
        block.category != Category::Header || font(row) >= super::title_ratio(ocr) * body_font
    };
    let is_heading_row = |k: usize| {
        let row = &groups[k];
        let t = row_text(row);
        // A section's number before its name ("2.議題", "4.1 Scope") is
        // no formula's digits.
        let name = t.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '．' | ' '));
        let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
        let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
        let others = median(
            groups
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != k)
                .flat_map(|(_, g)| g.iter().map(|l| l.font_size))
                .collect(),
        );
        t.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
            <= INNER_HEADING_MAX_WORDS
            && !chars.is_empty()
            && letters as f32 >= INNER_HEADING_LETTERS * chars.len() as f32
            && !is_list_item(&t)
            && header_title(row)
            && crate::text::is_heading(std::slice::from_ref(&t), font(row), body_font, ocr)
            && crate::text::is_heading(std::slice::from_ref(&t), font(row), others, ocr)
    };
    let heads: Vec<usize> = (0..groups.len()).filter(|&k| is_heading_row(k)).collect();
    if heads.is_empty() || heads.len() == groups.len() {
        return None;
    }
    // In a list region of items and text under headings, a piece that
    // opens with no item is a paragraph under its heading.
    let items = groups.iter().any(|g| is_list_item(&row_text(g)));
    let category = |from: usize| match block.category {
        Category::List if items && !is_list_item(&row_text(&groups[from])) => Category::Paragraph,
        // A title's subtitle, in the body's type.
        Category::Heading1 | Category::Header => Category::Paragraph,
        c => c,
    };
    let mut pieces = Vec::new();
    let mut start = 0;
    for k in heads.iter().copied().chain(std::iter::once(groups.len())) {
        if start < k {
            pieces.push(piece(block, &groups[start..k], category(start))?);
        }
        if k < groups.len() {
            pieces.push(piece(block, &groups[k..k + 1], Category::Heading1)?);
        }
        start = k + 1;
    }
    Some(pieces)
}

/// A caption region's text goes on in type this much larger than the
/// caption's when it has run into the paragraph after it (a text layer's
/// sizes; OCR's box heights need [`OCR_TEXT_AFTER_CAPTION`]).
const TEXT_AFTER_CAPTION: f32 = 1.08;

/// [`TEXT_AFTER_CAPTION`] for OCR lines.
const OCR_TEXT_AFTER_CAPTION: f32 = 1.25;

/// A caption region (or a text region opening with a caption's label) cut
/// where the paragraph after the caption begins: the
/// first row, after one ending a sentence, from which every row is set
/// larger than the caption's rows ([`TEXT_AFTER_CAPTION`]), or set apart
/// from the row above by a gap clearly wider than the region's usual one
/// ([`PARAGRAPH_GAP_SLACK`]). A layout model
/// often boxes a table's caption and the paragraph under it as one
/// caption. `None` when nothing is cut.
fn caption_and_text<'l>(block: &Block, lines: &[&'l TextLine]) -> Option<Vec<(Block, Vec<&'l TextLine>)>> {
    if crate::text::is_vertical_text(lines.iter().copied()) {
        return None;
    }
    let groups = crate::text::row_groups(lines);
    // A caption, or a text region that opens as one ("Table 1.").
    let opens_caption = groups.first().is_some_and(|row| is_caption_start(&row_text(row)));
    let caption = block.category == Category::Caption
        || (matches!(block.category, Category::Paragraph | Category::List) && opens_caption);
    if !caption {
        return None;
    }
    let ratio =
        if crate::text::is_ocr(lines.iter().copied()) { OCR_TEXT_AFTER_CAPTION } else { TEXT_AFTER_CAPTION };
    let font = |rows: &[Vec<&TextLine>]| median(rows.iter().flatten().map(|l| l.font_size).collect());
    let ends_sentence =
        |row: &[&TextLine]| row.last().is_some_and(|l| l.text.trim_end().ends_with(['.', '。', '．', ':']));
    // The gap above each row, and the usual one between rows.
    let breaks = paragraph_breaks(&groups);
    let k = (1..groups.len()).find(|&k| {
        ends_sentence(&groups[k - 1])
            && (groups[k..].iter().all(|row| font(std::slice::from_ref(row)) >= ratio * font(&groups[..k]))
                || breaks[k])
    })?;
    Some(vec![
        piece(block, &groups[..k], Category::Caption)?,
        piece(block, &groups[k..], Category::Paragraph)?,
    ])
}

/// A list region (or a paragraph region of list items, which the items
/// make a list) cut where a paragraph after its last item begins: a row
/// that starts no item, set apart from the row above by a gap clearly
/// wider than the region's usual one ([`PARAGRAPH_GAP_SLACK`]), with no
/// item after it (an exam's multiple-choice questions and the boxed
/// instruction under them, which would run into the last question).
/// `None` when nothing is cut.
fn list_and_text<'l>(block: &Block, lines: &[&'l TextLine]) -> Option<Vec<(Block, Vec<&'l TextLine>)>> {
    if !matches!(block.category, Category::List | Category::Paragraph)
        || crate::text::is_vertical_text(lines.iter().copied())
    {
        return None;
    }
    let groups = crate::text::row_groups(lines);
    let breaks = paragraph_breaks(&groups);
    let k = (1..groups.len())
        .find(|&k| breaks[k] && groups[k..].iter().all(|row| !is_list_item(&row_text(row))))?;
    if !groups[..k].iter().any(|row| is_list_item(&row_text(row))) {
        return None;
    }
    Some(vec![piece(block, &groups[..k], block.category)?, piece(block, &groups[k..], Category::Paragraph)?])
}
