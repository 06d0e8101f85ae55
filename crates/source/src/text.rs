//! Grouping a PDF page's characters into words and lines, and judging
//! whether the text layer can be trusted.

use parasol_doc::script::is_unspaced;
use parasol_doc::{BBox, TextLine, TextOrigin};

use crate::direction::Direction;

/// One character of the text layer as PDFium reports it (PDF points).
#[derive(Debug, Clone)]
pub(crate) struct RawChar {
    pub ch: char,
    /// left, bottom, right, top in PDF user space.
    pub rect: Option<[f32; 4]>,
    pub font_size: f32,
    pub generated: bool,
    pub invisible: bool,
    /// The glyph's rotation in PDF user space, radians clockwise (PDFium's
    /// char angle: 3π/2 for text turned a quarter counterclockwise, to run
    /// up the page; 0 for upright text).
    pub angle: f32,
}

impl RawChar {
    /// A character PDFium could not map to Unicode.
    pub(crate) fn garbled() -> RawChar {
        RawChar { ch: '\u{FFFD}', rect: None, font_size: 0.0, generated: false, invisible: false, angle: 0.0 }
    }
}

/// Largest font size, in points, given to text laid out in a box
/// ([`laid_out`]): a form field's usual size.
const LAID_OUT_MAX_PT: f32 = 12.0;

/// Characters for `value` laid across `rect` (left, bottom, right, top in
/// PDF user space) as a field shows it: from its left edge, its lines from
/// the top, a character half as wide as the font is high, squeezed to fit
/// the box's width; after a line break, so it never runs into the text
/// before it. For text that has a box but no glyphs in the text layer (a
/// form field's value).
pub(crate) fn laid_out(value: &str, rect: [f32; 4]) -> Vec<RawChar> {
    let [l, b, r, t] = rect;
    if ![l, b, r, t].iter().all(|v| v.is_finite()) || r <= l || t <= b {
        return Vec::new();
    }
    let lines: Vec<&str> = value.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let pad = 2.0f32.min((r - l) / 4.0).min((t - b) / 4.0);
    let line_height = ((t - b - 2.0 * pad) / lines.len() as f32).max(0.1);
    let size = (line_height / 1.2).clamp(0.1, LAID_OUT_MAX_PT);
    let blank =
        |ch| RawChar { ch, rect: None, font_size: size, generated: true, invisible: false, angle: 0.0 };
    let mut out = vec![blank('\r'), blank('\n')];
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.extend([blank('\r'), blank('\n')]);
        }
        let n = line.chars().count() as f32;
        let advance = (0.5 * size).min((r - l - 2.0 * pad) / n.max(1.0)).max(0.01);
        let top = t - pad - i as f32 * line_height - (line_height - size) / 2.0;
        for (k, ch) in line.chars().enumerate() {
            let x = l + pad + k as f32 * advance;
            out.push(RawChar {
                ch,
                rect: Some([x, top - size, x + advance, top]),
                font_size: size,
                generated: false,
                invisible: false,
                angle: 0.0,
            });
        }
    }
    out
}

/// `x' = a·x + b·y + c`, `y' = d·x + e·y + f`: PDF points to page pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Affine {
    pub a: f32,
    pub b: f32,
    pub c: f32,
    pub d: f32,
    pub e: f32,
    pub f: f32,
}

impl Affine {
    pub(crate) fn apply(&self, x: f32, y: f32) -> [f32; 2] {
        [self.a * x + self.b * y + self.c, self.d * x + self.e * y + self.f]
    }

    fn scale(&self) -> f32 {
        (self.a * self.e - self.b * self.d).abs().sqrt()
    }

    /// Which way text drawn at `angle` (PDF user space, radians clockwise,
    /// as PDFium reports it) runs on the page: the angle's direction
    /// through the map's linear part ([`Direction::of`]).
    fn direction(&self, angle: f32) -> Direction {
        if !angle.is_finite() || angle == 0.0 {
            return Direction::Right;
        }
        let (ux, uy) = (angle.cos(), -angle.sin());
        Direction::of(self.a * ux + self.b * uy, self.d * ux + self.e * uy)
    }
}

/// One character in page pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct TextChar {
    pub ch: char,
    pub bbox: BBox,
    /// Font size in page pixels.
    pub font_size: f32,
    /// Inserted by PDFium (spaces and line breaks it inferred).
    pub generated: bool,
    /// Drawn with text render mode 3 (invisible), as OCR layers are.
    pub invisible: bool,
    /// Which way its text runs.
    pub direction: Direction,
}

/// A run of characters without spaces.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    pub font_size: f32,
}

/// Counts that tell whether a text layer is worth using.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextLayerStats {
    /// Non-whitespace characters.
    pub chars: usize,
    /// Of those, drawn invisibly.
    pub invisible: usize,
    /// Of those, unmappable: U+FFFD, controls, private-use code points.
    pub garbled: usize,
    /// Of those, implausible: rare Hangul syllables (outside KS X 1001's
    /// common 2,350) standing beside another rare one, which real Korean
    /// text almost never has (none in the 34,823 syllables of Debian's
    /// Korean FAQ, one rare syllable in all) but a font whose ToUnicode
    /// map sends Latin letters and digits to Hangul code points writes in
    /// every word (`줲줰줱줳년` for `2013년`).
    pub implausible: usize,
}

/// A layer with at least this many implausible characters ...
const MIN_IMPLAUSIBLE: usize = 4;
/// ... making up at least this share of its characters is garbled: one
/// four-digit number turned into rare syllables on a page of 800
/// characters is enough, a stray pair of rare syllables (a name, a
/// transliteration) is not.
const IMPLAUSIBLE_SHARE: f64 = 0.005;

impl TextLayerStats {
    /// A layer is trusted when it has text, most of it is visible and almost
    /// none of it is garbage. Invisible layers are usually some earlier OCR
    /// engine's output laid over a scan; we prefer our own.
    pub fn is_trustworthy(&self) -> bool {
        self.chars > 0
            && self.invisible * 2 < self.chars
            && self.garbled * 10 < self.chars
            && !self.is_implausible()
    }

    /// Whether the layer's characters are not what a page shows: enough
    /// implausible ones ([`TextLayerStats::implausible`]) that its font
    /// maps glyphs to the wrong characters.
    pub fn is_implausible(&self) -> bool {
        self.implausible >= MIN_IMPLAUSIBLE
            && self.implausible as f64 >= IMPLAUSIBLE_SHARE * self.chars as f64
    }
}

/// How many of `chars` (in text order) are rare Hangul syllables beside
/// another rare one.
fn count_implausible(chars: impl IntoIterator<Item = char>) -> usize {
    let (mut total, mut run) = (0, 0);
    for c in chars {
        if parasol_doc::script::is_rare_hangul(c) {
            run += 1;
        } else {
            total += if run >= 2 { run } else { 0 };
            run = 0;
        }
    }
    total + if run >= 2 { run } else { 0 }
}

fn is_garbled(c: char) -> bool {
    c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace()) || ('\u{E000}'..='\u{F8FF}').contains(&c)
}

pub(crate) fn build(raw: &[RawChar], affine: &Affine) -> crate::NativeText {
    let scale = affine.scale();
    let mut stats = TextLayerStats::default();
    let mut chars = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let hyphen = is_hyphenation_mark(r.ch);
        if !r.ch.is_whitespace() {
            stats.chars += 1;
            stats.invisible += usize::from(r.invisible);
            stats.garbled += usize::from(is_garbled(r.ch) && !hyphen);
        }
        // A hyphenation mark drawn at a line's end is the hyphen the reader
        // sees (joined with the next line's word where the lines are
        // joined); inside a word it is invisible. Other control characters
        // are never text.
        let ch = if hyphen {
            match raw.get(i + 1) {
                None => '-',
                Some(next) if next.ch.is_whitespace() || next.generated || starts_line(r, next) => '-',
                Some(_) => continue,
            }
        } else if r.ch.is_control() && !r.ch.is_whitespace() {
            continue;
        } else {
            r.ch
        };
        let bbox = match r.rect {
            Some([l, b, rr, t]) if [l, b, rr, t].iter().all(|v| v.is_finite()) => {
                let p = [affine.apply(l, b), affine.apply(rr, b), affine.apply(rr, t), affine.apply(l, t)];
                BBox::around(p).unwrap_or_default()
            }
            // Characters without a box still separate words and lines.
            _ if r.ch.is_whitespace() => BBox::default(),
            _ => continue,
        };
        chars.push(TextChar {
            ch,
            bbox,
            font_size: r.font_size * scale,
            generated: r.generated,
            invisible: r.invisible,
            direction: affine.direction(r.angle),
        });
    }
    stats.implausible = count_implausible(raw.iter().map(|r| r.ch));
    drop_overprints(&mut chars);
    compose_accents(&mut chars);
    fix_lam_alef(&mut chars);
    split_turned_ligatures(&mut chars);
    let words_by_line = group_turned(&chars);
    let mut words = Vec::new();
    let mut lines = Vec::new();
    for line_words in words_by_line {
        // Words split at a glyph gap between Chinese or Japanese characters
        // join without a space.
        let text = parasol_doc::script::join(line_words.iter().map(|w| w.text.as_str()));
        let Some(bbox) = line_words.iter().map(|w| w.bbox).reduce(|a, b| a.union(&b)) else {
            continue;
        };
        let mut sizes: Vec<f32> = line_words.iter().map(|w| w.font_size).collect();
        sizes.sort_by(f32::total_cmp);
        let font_size = sizes[sizes.len() / 2];
        let mut line = TextLine::from_bbox(bbox, text, TextOrigin::TextLayer);
        line.font_size = if font_size > 0.0 { font_size } else { bbox.height() };
        lines.push(line);
        words.extend(line_words);
    }
    crate::NativeText { chars, words, lines, stats }
}

/// Whether `next` opens a new line after `mark` (PDF user space, y up):
/// back to the left of it or off its baseline by more than the font's
/// size. PDFium may put no line break between a hyphenation mark and the
/// next line's first letter (pdfTeX's two-column pages: "sen", U+0002,
/// "sors").
fn starts_line(mark: &RawChar, next: &RawChar) -> bool {
    let (Some([l, b, _, _]), Some([nl, nb, _, _])) = (mark.rect, next.rect) else { return false };
    let size = mark.font_size.max(next.font_size).max(1.0);
    nl < l - size || (nb - b).abs() > size
}

/// PDFium's mark for a hyphen it takes for a line-end hyphenation (U+0002),
/// and the soft hyphen (U+00AD).
fn is_hyphenation_mark(c: char) -> bool {
    c == '\u{2}' || c == '\u{AD}'
}

/// Characters drawn again over themselves (bold faked by overprinting, or a
/// text run repeated by the producer) are kept once: a character equal to
/// one of the previous few, at the same place within a tenth of its height,
/// unless it is the second f of a ligature (the one before it, in the same
/// box).
fn drop_overprints(chars: &mut Vec<TextChar>) {
    /// How far back a repeat is looked for: a run of a line's length.
    const WINDOW: usize = 64;
    let mut kept: Vec<TextChar> = Vec::with_capacity(chars.len());
    for c in chars.drain(..) {
        // PDFium gives each letter of a ligature the glyph's box: the two
        // f's of "ff", "ffi" and "ffl" (TeX's "di\u{FB00}erence") are one
        // glyph, not one drawn twice.
        let ligature = c.ch == 'f' && kept.last().is_some_and(|k| k.ch == 'f' && k.bbox == c.bbox);
        let repeat = !c.ch.is_whitespace()
            && !ligature
            && kept.iter().rev().take(WINDOW).any(|k| {
                let tol = 0.1 * k.bbox.height().max(c.bbox.height()).max(1.0);
                k.ch == c.ch && (k.bbox.x0 - c.bbox.x0).abs() < tol && (k.bbox.y0 - c.bbox.y0).abs() < tol
            });
        if !repeat {
            kept.push(c);
        }
    }
    *chars = kept;
}

/// The combining mark of a spacing accent, as TeX and other typesetters
/// draw accents: a separate glyph placed over (or under) the letter.
fn combining(accent: char) -> Option<char> {
    Some(match accent {
        '\u{A8}' => '\u{308}',             // diaeresis
        '\u{B4}' => '\u{301}',             // acute
        '`' => '\u{300}',                  // grave
        '^' | '\u{2C6}' => '\u{302}',      // circumflex
        '~' | '\u{2DC}' => '\u{303}',      // tilde
        '\u{AF}' | '\u{2C9}' => '\u{304}', // macron
        '\u{2D8}' => '\u{306}',            // breve
        '\u{2D9}' => '\u{307}',            // dot above
        '\u{2DA}' => '\u{30A}',            // ring above
        '\u{2DD}' => '\u{30B}',            // double acute
        '\u{2C7}' => '\u{30C}',            // caron
        '\u{B8}' => '\u{327}',             // cedilla
        '\u{2DB}' => '\u{328}',            // ogonek
        _ => return None,
    })
}

/// A spacing accent drawn over or under the letter beside it (in text
/// order, before or after) becomes part of that letter: `¨` + `a` over the
/// same place reads `ä`, not `¨a`. The accent must overlap the letter by
/// half its own width; the pair is composed (Unicode NFC) when a precomposed
/// letter exists, else the letter is followed by the combining mark.
fn compose_accents(chars: &mut Vec<TextChar>) {
    use unicode_normalization::UnicodeNormalization;
    let over = |accent: &TextChar, letter: &TextChar| {
        let overlap = accent.bbox.x1.min(letter.bbox.x1) - accent.bbox.x0.max(letter.bbox.x0);
        letter.ch.is_alphabetic() && overlap >= 0.5 * accent.bbox.width().max(0.1)
    };
    let mut out: Vec<TextChar> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = &chars[i];
        let Some(mark) = combining(c.ch) else {
            out.push(c.clone());
            i += 1;
            continue;
        };
        // The letter after the accent (TeX's order), else the one before.
        let after = chars.get(i + 1).filter(|next| over(c, next)).cloned();
        let before = || out.last().is_some_and(|prev| over(c, prev));
        let (letter, consumed_next) = match after {
            Some(next) => (next, true),
            None if before() => match out.pop() {
                Some(prev) => (prev, false),
                None => continue,
            },
            None => {
                out.push(c.clone());
                i += 1;
                continue;
            }
        };
        let composed: Vec<char> = [letter.ch, mark].into_iter().nfc().collect();
        if let [one] = composed.as_slice() {
            out.push(TextChar { ch: *one, ..letter });
        } else {
            // No precomposed letter: the mark follows its letter.
            out.push(letter.clone());
            out.push(TextChar { ch: mark, ..letter });
        }
        i += if consumed_next { 2 } else { 1 };
    }
    *chars = out;
}

/// Arabic and Hebrew letters (and their presentation forms): text that runs
/// right to left.
fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

fn is_ltr_letter(c: char) -> bool {
    c.is_alphanumeric() && !is_rtl(c)
}

/// A lam-alef ligature is one glyph whose ToUnicode entry many fonts write
/// in visual order, alef first: PDFium then reports the two characters with
/// the same box, and the word reads "اإل" for "الإ". Such pairs are put back
/// in logical order (lam first).
fn fix_lam_alef(chars: &mut [TextChar]) {
    const LAM: char = '\u{0644}';
    let alef = |c: char| matches!(c, '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0627}');
    let mut i = 0;
    while i + 1 < chars.len() {
        if alef(chars[i].ch) && chars[i + 1].ch == LAM && chars[i].bbox == chars[i + 1].bbox {
            chars[i + 1].ch = chars[i].ch;
            chars[i].ch = LAM;
            i += 2;
        } else {
            i += 1;
        }
    }
}

/// Characters of one ligature ("fi") in turned text, laid out along it.
/// PDFium shares a ligature's box out between its characters across the
/// page, left to right, whichever way the text runs; in text running up or
/// down the page that puts "f" and "i" side by side across the line, so
/// that they fall in two lines ("f", "North", "ield"). Consecutive
/// characters of a turned run whose boxes have one vertical extent and
/// abut are such a ligature (in text running up or down, glyphs follow one
/// another down the page); their boxes are shared out along the run's
/// direction again.
fn split_turned_ligatures(chars: &mut [TextChar]) {
    let same = |a: f32, b: f32| (a - b).abs() <= LIGATURE_TOLERANCE;
    let mut i = 0;
    while i < chars.len() {
        let dir = chars[i].direction;
        let mut j = i + 1;
        if matches!(dir, Direction::Up | Direction::Down) {
            while j < chars.len()
                && chars[j].direction == dir
                && !chars[j].ch.is_whitespace()
                && same(chars[j].bbox.y0, chars[i].bbox.y0)
                && same(chars[j].bbox.y1, chars[i].bbox.y1)
                && same(chars[j].bbox.x0, chars[j - 1].bbox.x1)
                && chars[j].bbox.width() > 0.0
            {
                j += 1;
            }
        }
        let n = j - i;
        if n > 1 && !chars[i].ch.is_whitespace() {
            let whole = chars[i..j].iter().map(|c| c.bbox).reduce(|a, b| a.union(&b)).unwrap_or_default();
            let step = whole.height() / n as f32;
            for (k, c) in chars[i..j].iter_mut().enumerate() {
                // Up the page, the first character is the lowest.
                let from_top = if dir == Direction::Down { k } else { n - 1 - k } as f32;
                c.bbox = BBox::new(
                    whole.x0,
                    whole.y0 + from_top * step,
                    whole.x1,
                    whole.y0 + (from_top + 1.0) * step,
                );
            }
        }
        i = j;
    }
}

/// How far (page pixels) the edges of a ligature's characters' boxes may
/// differ ([`split_turned_ligatures`]); PDFium's shares meet exactly.
const LIGATURE_TOLERANCE: f32 = 0.05;

/// [`group`] for text that may run in any of the four [`Direction`]s: each
/// run of characters turned the same way is grouped in the frame where it
/// reads left to right, and its words are put back on the page, so a label
/// set bottom to top down a form's side reads "Form", not "m r o F".
/// Whitespace goes with the run it is in.
fn group_turned(chars: &[TextChar]) -> Vec<Vec<Word>> {
    if chars.iter().all(|c| c.direction == Direction::Right) {
        return group(chars);
    }
    let mut lines = Vec::new();
    let mut start = 0;
    let turned = |c: &TextChar| (!c.ch.is_whitespace()).then_some(c.direction);
    let mut run_dir = chars.iter().find_map(turned).unwrap_or_default();
    for i in 0..=chars.len() {
        let next = chars.get(i).and_then(turned);
        if i < chars.len() && next.is_none_or(|d| d == run_dir) {
            continue;
        }
        // PDFium breaks turned lines where a glyph's box sticks out across
        // the line ("Ma", a line break, "y"): its line breaks are dropped,
        // and the lines are found from the glyphs' places in the frame.
        let run: Vec<TextChar> = chars[start..i]
            .iter()
            .filter(|c| run_dir == Direction::Right || !(c.generated && matches!(c.ch, '\r' | '\n')))
            .map(|c| TextChar { bbox: run_dir.to_reading(c.bbox), ..c.clone() })
            .collect();
        for mut line in group(&run) {
            for w in &mut line {
                w.bbox = run_dir.to_page(w.bbox);
            }
            lines.push(line);
        }
        start = i;
        run_dir = next.unwrap_or_default();
    }
    lines
}

/// Splits characters (in PDFium's text order) into lines of words. A line
/// ends at a line break, when the baseline jumps, when text runs backwards,
/// or at a gap wide enough to be a column gutter. In a line with
/// right-to-left text, running backwards is normal (PDFium's order is the
/// logical one, and runs of the other direction jump across the line), so
/// there only a line break or a baseline jump ends the line, and a change of
/// direction ends the word.
fn group(chars: &[TextChar]) -> Vec<Vec<Word>> {
    let mut lines: Vec<Vec<Word>> = Vec::new();
    let mut line: Vec<Word> = Vec::new();
    let mut word: Option<(String, BBox, Vec<f32>)> = None;
    let mut prev: Option<&TextChar> = None;
    let mut rtl_line = false;

    fn flush_word(word: &mut Option<(String, BBox, Vec<f32>)>, line: &mut Vec<Word>) {
        if let Some((text, bbox, mut sizes)) = word.take() {
            sizes.sort_by(f32::total_cmp);
            line.push(Word { text, bbox, font_size: sizes[sizes.len() / 2] });
        }
    }

    // A line break PDFium put after a note mark at a line's start ("¹ A
    // call is counted …" drawn as a raised "1", then the line): whether the
    // line really breaks is known at the next character.
    let mut broken = false;
    for c in chars {
        if c.ch == '\n' || c.ch == '\r' {
            flush_word(&mut word, &mut line);
            broken = true;
            continue;
        }
        if c.ch.is_whitespace() {
            flush_word(&mut word, &mut line);
            continue;
        }
        if std::mem::take(&mut broken) && !prev.is_some_and(|p| line.len() == 1 && marks_note(p, c)) {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            prev = None;
            rtl_line = false;
        }
        if let Some(p) = prev {
            let h = p.bbox.height().max(c.bbox.height()).max(1.0);
            let dy = (c.bbox.center()[1] - p.bbox.center()[1]).abs();
            let gap = c.bbox.x0 - p.bbox.x1;
            let bidi = rtl_line || is_rtl(c.ch);
            let backwards = c.bbox.x1 < p.bbox.x0 - 0.5 * h;
            // Vertical writing (Chinese or Japanese set top to bottom):
            // the next character right below this one, in the same column,
            // continues the line; a gap down the column splits words as a
            // gap along a row does.
            let w = p.bbox.width().max(c.bbox.width()).max(1.0);
            let down = c.bbox.y0 - p.bbox.y1;
            let column = is_unspaced(p.ch)
                && is_unspaced(c.ch)
                && (c.bbox.center()[0] - p.bbox.center()[0]).abs() < 0.3 * w
                && c.bbox.y0 >= p.bbox.center()[1]
                && down < 0.5 * w;
            let new_line = !column && (dy > 0.6 * h || (!bidi && (backwards || gap > 1.5 * h)));
            let turn = (is_rtl(p.ch) && is_ltr_letter(c.ch)) || (is_ltr_letter(p.ch) && is_rtl(c.ch));
            if column {
                if down > 0.25 * w {
                    flush_word(&mut word, &mut line);
                }
            } else if new_line {
                flush_word(&mut word, &mut line);
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                rtl_line = false;
            } else if gap > 0.25 * h || turn {
                flush_word(&mut word, &mut line);
            }
        }
        rtl_line |= is_rtl(c.ch);
        match &mut word {
            Some((text, bbox, sizes)) => {
                text.push(c.ch);
                *bbox = bbox.union(&c.bbox);
                sizes.push(c.font_size);
            }
            None => word = Some((c.ch.to_string(), c.bbox, vec![c.font_size])),
        }
        prev = Some(c);
    }
    flush_word(&mut word, &mut line);
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(join_letter_spaced).collect()
}

/// Fewest letters of a letter-spaced line ([`join_letter_spaced`]).
const SPACED_MIN_LETTERS: usize = 3;

/// The widest letter spacing, in heights of the letters: wider gaps
/// between single letters are a table's columns ("월  화  수  목  금").
const SPACED_MAX_GAP: f32 = 0.6;

/// Gaps up to this many times the narrowest of a letter-spaced line's are
/// letter spacing; wider ones are word spaces with the spacing added.
const SPACED_WORD_RATIO: f32 = 1.4;

/// A line of one-letter words joined into its words when it is a title set
/// with wide letter spacing ("시 설 대 관 신 청 서", "I N V O I C E",
/// "C H A P T E R 2"): every word of the line one letter or figure,
/// [`SPACED_MIN_LETTERS`] letters or more, the
/// narrowest gap (the spacing) at most [`SPACED_MAX_GAP`] heights; gaps up
/// to [`SPACED_WORD_RATIO`] times it join letters, wider ones stay word
/// spaces ("시설 대관 신청서"). Prose, Korean too, has words of more letters
/// in every line.
fn join_letter_spaced(line: Vec<Word>) -> Vec<Word> {
    let single = |w: &Word| {
        let mut chars = w.text.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphanumeric() && !is_rtl(c))
    };
    let letters = line.iter().filter(|w| w.text.chars().all(char::is_alphabetic)).count();
    if letters < SPACED_MIN_LETTERS || !line.iter().all(single) {
        return line;
    }
    let gaps: Vec<f32> = line.windows(2).map(|w| w[1].bbox.x0 - w[0].bbox.x1).collect();
    let mut heights: Vec<f32> = line.iter().map(|w| w.bbox.height()).collect();
    heights.sort_by(f32::total_cmp);
    let h = heights[heights.len() / 2].max(1.0);
    let narrowest = gaps.iter().copied().fold(f32::INFINITY, f32::min);
    if narrowest < 0.0 || narrowest > SPACED_MAX_GAP * h {
        return line;
    }
    let mut out = Vec::new();
    let mut word = line[0].clone();
    for (w, gap) in line[1..].iter().zip(gaps) {
        if gap <= SPACED_WORD_RATIO * narrowest {
            word.text.push_str(&w.text);
            word.bbox = word.bbox.union(&w.bbox);
        } else {
            out.push(std::mem::replace(&mut word, w.clone()));
        }
    }
    out.push(word);
    out
}

/// Whether `mark` is a note's raised mark right before `next`, the first
/// letter of its text: smaller, its middle above `next`'s, and at most a
/// letter's height to its left.
fn marks_note(mark: &TextChar, next: &TextChar) -> bool {
    let h = next.bbox.height().max(1.0);
    mark.bbox.height() <= 0.85 * h
        && mark.bbox.center()[1] < next.bbox.center()[1]
        && (mark.bbox.y1 > next.bbox.y0)
        && next.bbox.x0 >= mark.bbox.x0
        && next.bbox.x0 - mark.bbox.x1 <= h
}

#[cfg(test)]
mod tests;
