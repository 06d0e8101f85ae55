//! Joining lines into running text, and the text cues shared by both ways
//! of assembling a page: rows, list items, headings, script direction,
//! medians of font sizes and gaps.

use parasol_doc::script::{join, push_joined};
use parasol_doc::{BBox, TextLine};

/// Two lines are level (in one row) when their centres are less than this
/// share of the smaller line height apart ([`level`]).
pub(crate) const ROW_TOLERANCE: f32 = 0.5;

/// Whether boxes `a` and `b` are level: in one row ([`ROW_TOLERANCE`]).
pub(crate) fn level(a: &BBox, b: &BBox) -> bool {
    let h = a.height().max(1.0).min(b.height().max(1.0));
    (a.center()[1] - b.center()[1]).abs() < ROW_TOLERANCE * h
}

/// A short block set at least this many times the body text's font size is
/// a heading.
const HEADING_FONT_RATIO: f32 = 1.15;

/// OCR knows no font size: an OCR line's is the height of its detected box,
/// which the detector's margins, capitals against descenders and bold type
/// move by a tenth or more (a photographed receipt's lines of one size:
/// 27–37 px). An OCR heading must be this much larger than the body...
const OCR_HEADING_FONT_RATIO: f32 = 1.3;

/// ...and OCR lines under this ratio apart are set in one size.
pub(crate) const OCR_SAME_FONT_RATIO: f32 = 1.25;

/// The most rows a heading has; longer large text is a paragraph.
const HEADING_MAX_ROWS: usize = 2;

/// The longest enumerator a list item opens with ("iii.", "12)", "(a)").
const LIST_NUMBER_MAX_LEN: usize = 4;

/// Syllables Korean and Japanese documents count list items with, in
/// order ("가.", "나.", "다."; "ア.", "イ.").
const SYLLABLE_ENUMERATORS: &str = "가나다라마바사아자차카타파하アイウエオカキクケコ";

/// Joins lines of one block, mending words hyphenated across line ends;
/// a line break between Chinese or Japanese characters becomes no space
/// (`parasol_doc::script::push_joined`).
pub(crate) fn join_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines.into_iter().map(str::trim).filter(|l| !l.is_empty()) {
        if out.is_empty() {
            out.push_str(line);
            continue;
        }
        let next_lower = line.chars().next().is_some_and(char::is_lowercase);
        let prev_hyphen = out.ends_with('-') && out.chars().rev().nth(1).is_some_and(char::is_alphabetic);
        if prev_hyphen && next_lower {
            out.pop();
            out.push_str(line);
        } else if prev_hyphen {
            out.push_str(line);
        } else {
            push_joined(&mut out, line);
        }
    }
    out
}

/// Arabic and Hebrew letters (and their presentation forms).
fn is_rtl_char(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Whether most letters of `texts` are written right to left: such text is
/// read from the right, its columns and the pieces of its rows too.
pub(crate) fn is_rtl<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut rtl, mut ltr) = (0usize, 0usize);
    for c in texts.into_iter().flat_map(str::chars).filter(|c| c.is_alphabetic()) {
        if is_rtl_char(c) {
            rtl += 1;
        } else {
            ltr += 1;
        }
    }
    rtl > ltr
}

/// A line at least this many times as tall as it is wide, of two or more
/// Chinese or Japanese characters, is a column of vertical writing.
const VERTICAL_ASPECT: f32 = 1.5;

/// Whether `line` is a column of vertical (top to bottom) Chinese or
/// Japanese writing: tall, narrow, and of characters written without
/// spaces (a single character's box is square, a Latin word's wide).
pub(crate) fn is_vertical(line: &TextLine) -> bool {
    let chars = line.text.chars().filter(|c| !c.is_whitespace());
    let (n, unspaced) =
        chars.fold((0, 0), |(n, u), c| (n + 1, u + usize::from(parasol_doc::script::is_unspaced(c))));
    n >= 2 && unspaced * 2 > n && line.bbox.height() >= VERTICAL_ASPECT * line.bbox.width()
}

/// Whether most of `lines` are columns of vertical writing ([`is_vertical`]).
pub(crate) fn is_vertical_text<'a>(lines: impl IntoIterator<Item = &'a TextLine>) -> bool {
    let (n, vertical) = lines.into_iter().fold((0, 0), |(n, v), l| (n + 1, v + usize::from(is_vertical(l))));
    vertical * 2 > n
}

/// Columns of vertical writing, read from the right, each top to bottom
/// (pieces of one column, which overlap it horizontally, joined).
fn columns(lines: &[&TextLine]) -> Vec<String> {
    let mut sorted: Vec<&TextLine> = lines.to_vec();
    sorted.sort_by(|a, b| b.bbox.center()[0].total_cmp(&a.bbox.center()[0]));
    let mut columns: Vec<Vec<&TextLine>> = Vec::new();
    for l in sorted {
        match columns.last_mut() {
            Some(col)
                if col.iter().any(|c| {
                    (c.bbox.center()[0] - l.bbox.center()[0]).abs()
                        < ROW_TOLERANCE * l.bbox.width().min(c.bbox.width()).max(1.0)
                }) =>
            {
                col.push(l)
            }
            _ => columns.push(vec![l]),
        }
    }
    columns
        .into_iter()
        .map(|mut col| {
            col.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
            join(col.iter().map(|l| l.text.trim()).filter(|t| !t.is_empty()))
        })
        .filter(|c| !c.is_empty())
        .collect()
}

/// Lines of one region arranged into visual rows, top to bottom; pieces of
/// one row (OCR often splits a line at wide spaces) are joined in reading
/// order: left to right, or right to left for right-to-left text. Vertical
/// writing ([`is_vertical_text`]) is read in columns from the right.
pub(crate) fn rows(lines: &[&TextLine]) -> Vec<String> {
    if is_vertical_text(lines.iter().copied()) {
        return columns(lines);
    }
    row_groups(lines)
        .into_iter()
        .map(|row| join(row.iter().map(|l| l.text.trim()).filter(|t| !t.is_empty())))
        .filter(|r| !r.is_empty())
        .collect()
}

/// The lines of horizontal text grouped into rows as [`rows`] reads them:
/// top to bottom, each row in reading order.
pub(crate) fn row_groups<'l>(lines: &[&'l TextLine]) -> Vec<Vec<&'l TextLine>> {
    let mut sorted: Vec<&TextLine> = lines.to_vec();
    sorted.sort_by(|a, b| a.bbox.center()[1].total_cmp(&b.bbox.center()[1]));
    let mut rows: Vec<Vec<&TextLine>> = Vec::new();
    for l in sorted {
        match rows.last_mut() {
            Some(row) if row.iter().any(|r| level(&r.bbox, &l.bbox)) => row.push(l),
            _ => rows.push(vec![l]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        if is_rtl(row.iter().map(|l| l.text.as_str())) {
            row.reverse();
        }
    }
    rows.retain(|row| row.iter().any(|l| !l.text.trim().is_empty()));
    rows
}

/// More digits than letters: a figure ("2.73", "12 (4%)", "$1,200",
/// "RM134.80"), not a name ("Q1", "Gross tonnage").
pub(crate) fn is_figure(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    digits > letters
}

/// Footnotes start below this share of the page's height.
const FOOTNOTE_ZONE: f32 = 0.75;

/// Footnotes are set smaller than this share of the body text's font size.
const FOOTNOTE_FONT_RATIO: f32 = 0.9;

/// Whether a block opening `first`, its top at `top` on a page `page_h`
/// high, set in `font` against the page's `body_font`, is a footnote: in
/// the page's foot ([`FOOTNOTE_ZONE`]), smaller than the body
/// ([`FOOTNOTE_FONT_RATIO`]), opening with a note's mark
/// ([`is_note_start`]), be it a bullet too ("* Corresponding author").
pub(crate) fn is_footnote(first: &str, top: f32, font: f32, body_font: f32, page_h: f32) -> bool {
    top > FOOTNOTE_ZONE * page_h
        && body_font > 0.0
        && font < FOOTNOTE_FONT_RATIO * body_font
        && is_note_start(first)
}

/// Whether `s` opens with a note's symbol ("*", "†", "‡"), not a number: a
/// numbered line at a page's foot may as well be a list's item.
pub(crate) fn opens_with_note_symbol(s: &str) -> bool {
    s.trim_start().starts_with(['*', '†', '‡'])
}

/// Whether a line starts as a note does: with its number or mark ("1 A
/// call is counted …", "* Estimated", "† Died 1902").
pub(crate) fn is_note_start(s: &str) -> bool {
    s.trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '*' | '†' | '‡' | '¹' | '²' | '³'))
}

/// Whether `rows` are a note: opening with its number or mark
/// ([`is_note_start`]), [`SENTENCES_MIN_WORDS`] words or more, ending with
/// a full stop ("3 A denser array in summer 2025 confirmed this limit.",
/// its OCR box made tall by the raised "3"); a numbered heading ends
/// without one.
fn is_note(rows: &[String]) -> bool {
    let words = rows.iter().map(|r| r.split_whitespace().count()).sum::<usize>();
    rows.first().is_some_and(|r| is_note_start(r))
        && rows.last().is_some_and(|r| r.trim_end().ends_with('.'))
        && words >= SENTENCES_MIN_WORDS
}

/// Whether a block of `rows` set in `font` is a heading on a page whose
/// body text is set in `body_font` (0 when unknown): short, no sentences
/// ([`is_sentences`]) and clearly larger, by more when the sizes are `ocr`
/// box heights.
pub(crate) fn is_heading(rows: &[String], font: f32, body_font: f32, ocr: bool) -> bool {
    let ratio = if ocr { OCR_HEADING_FONT_RATIO } else { HEADING_FONT_RATIO };
    rows.len() <= HEADING_MAX_ROWS
        && !is_sentences(rows)
        && !is_note(rows)
        && !goes_on(rows)
        && body_font > 0.0
        && font >= ratio * body_font
}

/// A line of running text holds at least this many words ([`runs_on`]).
const RUNNING_LINE_WORDS: usize = 6;

/// Places, at least, where a block's lines run on ([`runs_on`]) for them
/// to be running text ([`runs_as_prose`]).
pub(crate) const PROSE_MIN_RUNS: usize = 2;

/// Whether `upper`, a line of running text ([`RUNNING_LINE_WORDS`] words
/// or more, not ending a sentence), goes on in `lower`, the line below it,
/// which opens in lower case ("… building document capture and" over
/// "recognition systems. I enjoy …").
pub(crate) fn runs_on(upper: &str, lower: &str) -> bool {
    let upper = upper.trim();
    upper.split_whitespace().count() >= RUNNING_LINE_WORDS
        && !upper.ends_with(['.', '!', '?', ':', ';'])
        && lower.trim_start().starts_with(char::is_lowercase)
}

/// Whether `lines`, one under another in order, are running text: they
/// run on ([`runs_on`]) in [`PROSE_MIN_RUNS`] places or more.
pub(crate) fn runs_as_prose<'a>(lines: impl IntoIterator<Item = &'a str>) -> bool {
    let lines: Vec<&str> = lines.into_iter().collect();
    lines.windows(2).filter(|w| runs_on(w[0], w[1])).count() >= PROSE_MIN_RUNS
}

/// Whether `rows` open in lower case, going on with a sentence begun above
/// ("and the current meter at mid-depth.³", its OCR box made tall by the
/// note's mark): no heading.
pub(crate) fn goes_on(rows: &[String]) -> bool {
    rows.first().is_some_and(|r| r.trim_start().starts_with(char::is_lowercase))
}

/// Verbs a sentence goes on with after a table's or figure's label ("Table
/// 2-2 shows a comparison …"); a caption goes on with its title ("Fig. 2
/// cover", "Table 3 Mean values").
const REFERRING_VERBS: &[&str] = &[
    "is",
    "was",
    "shows",
    "showed",
    "lists",
    "gives",
    "presents",
    "summarizes",
    "summarises",
    "compares",
    "illustrates",
    "depicts",
    "displays",
    "contains",
    "provides",
    "describes",
    "reports",
    "demonstrates",
    "indicates",
    "highlights",
    "outlines",
    "plots",
    "reveals",
];

/// The longest number a caption label takes ("Table 12.3", "Figure IV").
const CAPTION_NUMBER_MAX_LEN: usize = 6;

/// "Table 3:", "Figure 1.", "Fig. 2", "TABLE IV" and the like open a
/// caption; "Table 2-2 shows …", a label going on with a verb
/// ([`REFERRING_VERBS`]), opens a paragraph that refers to one.
pub(crate) fn is_caption_start(s: &str) -> bool {
    let mut words = s.split_whitespace();
    let first = words.next().unwrap_or("");
    // Japanese, Chinese and Korean labels may run into their number: "表1",
    // "図 2", "그림 3", "표 1.".
    let cjk = ["表", "図", "图", "표", "그림"].iter().find_map(|l| first.strip_prefix(l));
    let number = match cjk {
        Some("") => words.next().unwrap_or(""),
        Some(rest) => rest,
        None if ["Table", "TABLE", "Figure", "FIGURE", "Fig.", "FIG.", "Chart", "Exhibit"]
            .contains(&first) =>
        {
            words.next().unwrap_or("")
        }
        None => return false,
    };
    let bare = number.trim_end_matches([':', '.', ')', '：', '．']);
    if bare.len() == number.len() && words.next().is_some_and(|w| REFERRING_VERBS.contains(&w)) {
        return false;
    }
    let number = bare;
    let arabic = number.starts_with(|c: char| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    let roman = !number.is_empty() && number.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
    let letter = number.len() == 1 && number.chars().all(|c| c.is_ascii_uppercase());
    number.len() <= CAPTION_NUMBER_MAX_LEN && (arabic || roman || letter)
}

/// A heading ending with a full stop has fewer words than this; more are
/// sentences (a paper's title runs to about twenty words, without a stop).
const HEADING_MAX_WORDS: usize = 25;

/// Fewest words of two sentences that are no heading.
const SENTENCES_MIN_WORDS: usize = 8;

/// Whether `rows` are sentences, not a heading: ending with a full stop,
/// and [`HEADING_MAX_WORDS`] words or more, or [`SENTENCES_MIN_WORDS`] or
/// more with a sentence ending inside ("… station logbooks. Values are
/// …"). A lead paragraph set apart, a note in bold, or OCR's taller boxes
/// for its lines, can make them look like one.
pub(crate) fn is_sentences(rows: &[String]) -> bool {
    let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
    let two = words.windows(2).any(|w| {
        let end = w[0].strip_suffix('.').unwrap_or("");
        end.chars().count() >= 3
            && end.chars().all(|c| c.is_lowercase())
            && w[1].starts_with(|c: char| c.is_uppercase())
    });
    rows.last().is_some_and(|r| r.trim_end().ends_with('.'))
        && (words.len() >= HEADING_MAX_WORDS || (two && words.len() >= SENTENCES_MIN_WORDS))
}

/// Whether the font sizes of `lines` are OCR box heights (any of them is).
pub(crate) fn is_ocr<'a>(lines: impl IntoIterator<Item = &'a TextLine>) -> bool {
    lines.into_iter().any(|l| l.origin == parasol_doc::TextOrigin::Ocr)
}

/// The font size of a page's body text: the median over its characters
/// (a line counts as many times as it has characters, so a table's short
/// labels and a title do not outweigh the paragraphs), over the text
/// layer's lines alone when it has some. OCR's sizes are box heights, not
/// comparable with a layer's font sizes: a photo read by OCR on a
/// born-digital page must not make the page's title look small.
pub(crate) fn body_font(lines: &[TextLine]) -> f32 {
    let layer = lines.iter().any(|l| l.origin == parasol_doc::TextOrigin::TextLayer);
    let mut sized: Vec<(f32, usize)> = lines
        .iter()
        .filter(|l| !layer || l.origin == parasol_doc::TextOrigin::TextLayer)
        .filter(|l| l.font_size > 0.0)
        .map(|l| (l.font_size, l.text.chars().filter(|c| !c.is_whitespace()).count()))
        .collect();
    sized.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = sized.iter().map(|s| s.1).sum();
    let mut seen = 0;
    for &(font, chars) in &sized {
        seen += chars;
        if 2 * seen > total {
            return font;
        }
    }
    0.0
}

/// The middle value of `values` (the upper one of an even count), 0 when
/// there are none.
pub(crate) fn median(mut values: Vec<f32>) -> f32 {
    values.sort_by(f32::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Fewest words of four letters or more that make a region's text prose.
const PROSE_MIN_WORDS: usize = 3;

/// Whether the text read in a region is words, not a formula: at least
/// [`PROSE_MIN_WORDS`] words of four letters or more, and they are half its
/// words or more ("Listing 1: Simple JavaScript Program", not "where x is
/// the width and y the height of the box", nor "sin x + cos y = 1").
pub fn reads_as_prose<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    let (mut words, mut long) = (0, 0);
    for word in texts.flat_map(str::split_whitespace) {
        words += 1;
        let w = word.trim_end_matches([',', '.', ':', ';']);
        if w.chars().count() >= 4 && w.chars().all(char::is_alphabetic) {
            long += 1;
        }
    }
    long >= PROSE_MIN_WORDS && 2 * long >= words
}

/// A page number as it is printed alone at a page's top or bottom: `12`,
/// `xii`, `- 12 -`, `Page 12`, `Page 12 of 30`, `12 / 30`, `p. 12`.
pub(crate) fn is_page_number(s: &str) -> bool {
    let s = s.trim().trim_matches(|c: char| matches!(c, '-' | '–' | '—' | ' ' | '|'));
    let lower = s.to_lowercase();
    let prefix = ["page ", "p. ", "p "].iter().find(|p| lower.starts_with(**p)).map_or(0, |p| p.len());
    let s = s[prefix..].trim();
    match s.split_once(" of ").or_else(|| s.split_once('/')) {
        Some((a, b)) => is_page_label(a.trim()) && is_page_label(b.trim()),
        None => is_page_label(s),
    }
}

/// A page's number: arabic (at most four digits) or roman (below 400, in
/// one case: `xii`, `XII`).
pub(crate) fn is_page_label(n: &str) -> bool {
    let lower = n.to_lowercase();
    (1..=4).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
        || (1..=8).contains(&n.len())
            && (n == lower || n == n.to_uppercase())
            && roman_value(&lower).is_some_and(|v| v < 400 && roman(v) == lower)
}

/// The value of lower-case roman numerals read digit by digit (a smaller
/// digit before a larger one subtracts); `None` for any other letter. Only
/// a canonical spelling round-trips through [`roman`].
fn roman_value(s: &str) -> Option<u32> {
    let digit = |c| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        _ => None,
    };
    let values: Vec<u32> = s.chars().map(digit).collect::<Option<_>>()?;
    let total = values.iter().enumerate().fold(0i64, |sum, (i, &v)| {
        if values.get(i + 1).is_some_and(|&next| next > v) {
            sum - i64::from(v)
        } else {
            sum + i64::from(v)
        }
    });
    u32::try_from(total).ok().filter(|&v| v > 0)
}

/// `n` (below 400) in lower-case roman numerals.
fn roman(mut n: u32) -> String {
    const DIGITS: [(u32, &str); 9] =
        [(100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// Math functions written as words in a formula.
const MATH_WORDS: &[&str] =
    &["sin", "cos", "tan", "log", "exp", "lim", "max", "min", "det", "sup", "inf", "arg"];

/// Longest text, in characters, read as a formula by [`reads_as_math`].
const MATH_MAX_CHARS: usize = 120;

/// Whether the text of a short block is a formula and nothing else: an
/// equation or relation (`=`, `≤`, `≈`, `∈`, …, or a sum, integral or root
/// sign), no word of four letters or more but math functions ("sin", "lim"),
/// letters at most 75 % of its characters, and nothing of code or prose
/// (`;`, braces, a colon). "a 2 + 8 = 12" (a text layer's `a² + 8 = 12`) is
/// one; "Total = 12.00", "x = 3;" and "Step 2: a = b" are not.
pub fn reads_as_math<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    const RELATIONS: &[char] = &['=', '≤', '≥', '≠', '≈', '≡', '∈', '∑', '∫', '√', '∏', '∝', '⇒', '→'];
    let text: String = texts.collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 3 || chars.len() > MATH_MAX_CHARS || !chars.iter().any(|c| RELATIONS.contains(c)) {
        return false;
    }
    if chars.iter().any(|c| matches!(c, ';' | '{' | '}' | ':')) {
        return false;
    }
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let words = text.split(|c: char| !c.is_alphabetic()).filter(|w| {
        w.chars().count() >= 4 || {
            w.chars().count() == 3 && !MATH_WORDS.contains(&w.to_lowercase().as_str())
        }
    });
    words.count() == 0 && 4 * letters <= 3 * chars.len()
}

/// Share of a block's rows that must be contents entries for the block to
/// be a table of contents ([`is_index`]).
const INDEX_ENTRY_SHARE: f32 = 0.6;

/// Fewest leader characters (`.`, `·`; `…` counts three) between an entry's
/// title and its page number: one ellipsis is punctuation, not a leader.
const INDEX_LEADER_MIN: usize = 4;

/// An entry of a table of contents or of an index: a title, a leader of dots
/// (spaced or not: "Notices . . . . vii", "Preface........3", "Scope ……… 12")
/// and a page number, arabic (at most four digits) or roman, at the end.
/// A price list's "Coffee ........ 3.50" ends in no page number.
pub(crate) fn is_index_entry(s: &str) -> bool {
    let s = s.trim_end();
    let number_start = s.trim_end_matches(|c: char| c.is_alphanumeric()).len();
    let number = &s[number_start..];
    if !is_page_label(number) {
        return false;
    }
    let title = s[..number_start].trim_end_matches(|c: char| is_leader_dot(c) || c.is_whitespace());
    leader_dots(&s[..number_start]) >= INDEX_LEADER_MIN && title.chars().any(char::is_alphabetic)
}

/// A glyph leaders are drawn with: a dot, a middle dot, an ellipsis.
pub(crate) fn is_leader_dot(c: char) -> bool {
    matches!(c, '.' | '·' | '∙' | '…')
}

/// The dots of the leader `s` ends in, spaces between them aside (an
/// ellipsis counts three).
pub(crate) fn leader_dots(s: &str) -> usize {
    s.chars()
        .rev()
        .filter(|c| !c.is_whitespace())
        .take_while(|&c| is_leader_dot(c))
        .map(|c| if c == '…' { 3 } else { 1 })
        .sum()
}

/// A back-of-book index's line: a term and its pages after a comma
/// ("Mechanical seal, 24, 27, 51", "Pumps, 12–14, 30"), or the capital
/// letter heading a group of terms ("M").
pub(crate) fn is_index_term(s: &str) -> bool {
    let s = s.trim();
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    let Some(at) = s.find(|c: char| c.is_ascii_digit()) else { return false };
    let Some(term) = s[..at].trim_end().strip_suffix(',') else { return false };
    let page = |p: &str| {
        let p = p.trim();
        !p.is_empty()
            && p.split(['–', '-'])
                .all(|n| (1..=4).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
    };
    term.chars().any(char::is_alphabetic) && s[at..].split(',').all(page)
}

/// A table of contents, or a book's index: two or more rows, most of them
/// entries ([`is_index_entry`], [`is_index_term`]); its other rows are
/// chapter lines without leaders or titles that wrap.
pub(crate) fn is_index(rows: &[String]) -> bool {
    let entries = rows.iter().filter(|r| is_index_entry(r) || is_index_term(r)).count();
    entries >= 2 && entries as f32 >= INDEX_ENTRY_SHARE * rows.len() as f32
}

/// The place (1 for the first) of the choice a line opens with, as
/// multiple-choice answers are labelled: "A." or "a)" or "(A)" followed by
/// the choice's text (a space between, or Chinese, Japanese or Korean
/// text against it), "1." or "(1)" likewise, or a circled number ("①").
pub(crate) fn choice_label(s: &str) -> Option<u32> {
    let s = s.trim_start();
    let mut chars = s.chars();
    let first = chars.next()?;
    let followed = |rest: &str| {
        let mut rest = rest.chars();
        match rest.next() {
            Some(c) if parasol_doc::script::is_cjk(c) => true,
            Some(c) if c.is_whitespace() => rest.any(|c| !c.is_whitespace()),
            _ => false,
        }
    };
    if let '\u{2460}'..='\u{2473}' = first {
        return followed(chars.as_str()).then(|| first as u32 - 0x2460 + 1);
    }
    let inner = s.strip_prefix('(').unwrap_or(s);
    let end = inner.find(['.', ')'])?;
    let (label, rest) = (&inner[..end], &inner[end + 1..]);
    if (s.starts_with('(') && !inner[end..].starts_with(')')) || !followed(rest) {
        return None;
    }
    let mut letters = label.chars();
    match (letters.next(), letters.next()) {
        (Some(c), None) if c.is_ascii_uppercase() => Some(c as u32 - 'A' as u32 + 1),
        (Some(c), None) if c.is_ascii_lowercase() => Some(c as u32 - 'a' as u32 + 1),
        _ if (1..=2).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_digit()) => {
            label.parse().ok()
        }
        _ => None,
    }
}

/// Whether `cells` (a row's pieces, left to right) are the choices of a
/// multiple-choice question: two or more, labelled in sequence
/// ([`choice_label`]: "A. nucleus", "B. mitochondrion").
pub(crate) fn is_choice_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let labels: Option<Vec<u32>> = cells.into_iter().map(choice_label).collect();
    labels.is_some_and(|l| l.len() >= 2 && l.windows(2).all(|w| w[1] == w[0] + 1))
}

/// The boxes a form's options open with, ticked or not ("☐ Yes", "☒ No",
/// "○ Daily").
const TICK_BOXES: &[char] = &['☐', '☑', '☒', '□', '▢', '❏', '❑', '○', '◯', '◉'];

/// Whether `s` holds a tick box ([`TICK_BOXES`]) opening a word.
pub(crate) fn has_tick_box(s: &str) -> bool {
    s.split_whitespace().any(|w| w.starts_with(TICK_BOXES))
}

/// Whether `cells` (a row's pieces, left to right) are a form's options:
/// two or more opening with a tick box ([`TICK_BOXES`]: "☐ Yes", "☐ No"),
/// between at most one label at each end, a scale's ("Very poor ☐ 1 …
/// ☐ 5 Excellent").
pub(crate) fn is_tick_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let boxed: Vec<bool> = cells.into_iter().map(|c| c.trim_start().starts_with(TICK_BOXES)).collect();
    let inner = match boxed.as_slice() {
        [false, inner @ .., false] | [false, inner @ ..] | [inner @ .., false] | inner => inner,
    };
    inner.len() >= 2 && inner.iter().all(|&b| b)
}

/// Starts with a bullet or an enumerator such as `1.`, `2)`, `(a)`, `iv.`.
pub(crate) fn is_list_item(s: &str) -> bool {
    let s = s.trim_start();
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return false };
    if matches!(
        first,
        '•' | '●'
            | '▪'
            | '■'
            | '◦'
            | '○'
            | '·'
            | '‣'
            | '⁃'
            | '–'
            | '—'
            | '-'
            | '*'
            | '➢'
            | '✓'
            | '・'
            | '※'
    ) {
        // Japanese and Chinese set an item's text against its bullet.
        return chars.next().is_some_and(|c| {
            c.is_whitespace() || (first != '-' && first != '*' && parasol_doc::script::is_cjk(c))
        });
    }
    // Circled numbers and Hangul ("①", "㉮"), against their text or not.
    if matches!(first, '\u{2460}'..='\u{2473}' | '\u{3251}'..='\u{325F}' | '\u{326E}'..='\u{327B}') {
        return chars.next().is_some_and(|c| c.is_whitespace() || parasol_doc::script::is_cjk(c));
    }
    let token: String = s.chars().take_while(|c| !c.is_whitespace()).collect();
    // A reference list's "[12]".
    if let Some(n) = token.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return (1..=LIST_NUMBER_MAX_LEN).contains(&n.len())
            && n.chars().all(|c| c.is_ascii_digit())
            && s.len() > token.len();
    }
    // "(1)" and "（1）" set against Chinese or Japanese text.
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some((n, rest)) = s.strip_prefix(open).and_then(|t| t.split_once(close)) {
            if (1..LIST_NUMBER_MAX_LEN).contains(&n.len())
                && n.chars().all(|c| c.is_ascii_digit())
                && rest.starts_with(parasol_doc::script::is_cjk)
            {
                return true;
            }
        }
    }
    // "1." set against a Japanese or Chinese sentence ("1.本体に水を入れ、
    // ふたを閉めます。"); a heading ("2.議題") is no sentence.
    if let Some((n, rest)) = s.split_once(['.', '．']) {
        if (1..LIST_NUMBER_MAX_LEN).contains(&n.len())
            && n.bytes().all(|b| b.is_ascii_digit())
            && rest.starts_with(parasol_doc::script::is_cjk)
            && rest.trim_end().ends_with(['。', '．'])
        {
            return true;
        }
    }
    let inner = token.trim_start_matches('(');
    let Some(body) = inner.strip_suffix(['.', ')']) else { return false };
    // Korean and Japanese documents count items in syllables ("가.", "나)",
    // "(다)"; "ア.", "イ.").
    let mut letters = body.chars();
    if let (Some(c), None) = (letters.next(), letters.next()) {
        if SYLLABLE_ENUMERATORS.contains(c) {
            return s.len() > token.len();
        }
    }
    !body.is_empty()
        && body.len() <= LIST_NUMBER_MAX_LEN
        // Four digits are a year ("2011. Changes in …" wrapped in a
        // reference), not an item's number.
        && ((body.len() < LIST_NUMBER_MAX_LEN && body.chars().all(|c| c.is_ascii_digit()))
            || (body.len() == 1 && body.chars().all(|c| c.is_ascii_lowercase()))
            || body.chars().all(|c| matches!(c, 'i' | 'v' | 'x')))
        && s.len() > token.len()
}

mod clauses;
mod joins;
pub(crate) use clauses::{clause_starts, item_starts};
pub(crate) use joins::{join_drop_caps, join_hanging_labels};

#[cfg(test)]
mod tests;
