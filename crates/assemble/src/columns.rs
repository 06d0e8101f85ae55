//! Blocks side by side read row by row: a column of values beside its
//! labels ("SUBTOTAL 16.30" on a receipt), a form's column of entries
//! beside its labels, and entries beside keys ("TO:", "DATE FILED:"), for
//! both kinds of page ([`merge_value_columns`] over [`TextBlocks`]: the open
//! paragraphs of a page without regions, the kept regions of one with them).

use parasol_doc::{BBox, TextLine};

use crate::text::{level, median};

// A column of values beside labels ([`is_value_column`]); the rule as a
// whole took SROIE receipts' CER from 0.380 to 0.366 with YOLO regions and
// from 0.416 to 0.387 with PicoDet's (commit 198d119).

/// Pixels by which a column of values may reach into its labels' box and
/// still stand beside it.
const VALUES_BESIDE_SLACK: f32 = 2.0;

/// Share of the values' height that must lie within the labels' height.
const VALUES_WITHIN: f32 = 0.8;

/// A column of values is narrower than this share of its labels' width,
/// or, when every value is a short number ("16.30" beside "SUBTOTAL"), no
/// wider than its labels.
const VALUES_MAX_WIDTH: f32 = 0.5;

/// The most words a value of a column of numbers holds.
const NUMBER_MAX_WORDS: usize = 2;

/// Fewest lines in each of the labels and the values.
const VALUES_MIN_LINES: usize = 2;

/// Tenths of the values' lines, at least, that are level with a label.
const VALUES_LEVEL_TENTHS: usize = 7;

// A form's column of entries beside its column of labels ([`is_entry_column`]).

/// Fewest lines in each of a form's labels and entries, and fewest rows in
/// which a label and an entry stand level.
const ENTRIES_MIN_LINES: usize = 3;

/// The most words in the median line of a form's labels and of its entries
/// ("Original Request Made By", "J. H. Bell"); running text has more.
const ENTRIES_MAX_WORDS: usize = 4;

/// Share of the shorter of a form's labels and entries that lies level with
/// the other (either may run on past the other).
const ENTRIES_OVERLAP: f32 = 0.5;

/// Share of the lines of one of a form's labels and entries, at least,
/// level with a line of the other...
const ENTRIES_LEVEL_MOST: f32 = 0.7;

/// ...and of the other's (labels may run on past their entries, hold a
/// heading, or two columns of entries already be one block).
const ENTRIES_LEVEL_LEAST: f32 = 0.4;

/// Share of a column of labels, at least, that are keys, a colon after them
/// ("TO:", "DATE FILED:"): a form's, whose entries beside them may be of any
/// length and as few as one ([`is_keyed_entries`]).
const KEYS_COLON_SHARE: f32 = 0.6;

/// Share of the lines of a key's entries, at least, beside a label (the
/// rest wrap: an address of four lines beside "COUNSEL:").
const KEYS_ENTRIES_LEVEL: f32 = 0.5;

/// Blocks of text among which [`merge_value_columns`] looks for columns of
/// values: the open paragraphs of a page without regions, or the kept
/// regions of a page with them and the paragraphs of its loose lines
/// ([`Both`]).
pub(crate) trait TextBlocks<'l> {
    /// How many blocks there are.
    fn count(&self) -> usize;
    /// Block `i`'s box and lines, or `None` when it is not running text.
    fn text_block(&self, i: usize) -> Option<(&BBox, &[&'l TextLine])>;
    /// Block `i`'s box and lines when it may hold labels: running text, and
    /// (in a layout) a heading, which values then make a record.
    fn label_block(&self, i: usize) -> Option<(&BBox, &[&'l TextLine])> {
        self.text_block(i)
    }
    /// Removes block `i` and gives its lines; later blocks move down by one.
    fn take(&mut self, i: usize) -> Vec<&'l TextLine>;
    /// Adds `line` to block `i`, whose rows are then records (a label and
    /// its value each).
    fn push_record(&mut self, i: usize, line: &'l TextLine);
}

/// Moves block `values` into block `labels`, whose rows then read label and
/// value together.
fn merge<'l>(blocks: &mut impl TextBlocks<'l>, labels: usize, values: usize) {
    distribute(blocks, values, &vec![labels; blocks.text_block(values).map_or(0, |(_, l)| l.len())]);
}

/// Moves line `k` of block `values` into block `targets[k]`, for every line,
/// and drops the emptied block.
fn distribute<'l>(blocks: &mut impl TextBlocks<'l>, values: usize, targets: &[usize]) {
    let lines = blocks.take(values);
    for (line, &t) in lines.into_iter().zip(targets) {
        blocks.push_record(if t > values { t - 1 } else { t }, line);
    }
}

/// Two sets of blocks as one, `A`'s first: a layout's kept regions and the
/// paragraphs of the lines outside them, so that a column of amounts in one
/// can join labels in the other.
pub(crate) struct Both<'a, A, B>(pub &'a mut A, pub &'a mut B);

impl<'l, A: TextBlocks<'l>, B: TextBlocks<'l>> TextBlocks<'l> for Both<'_, A, B> {
    fn count(&self) -> usize {
        self.0.count() + self.1.count()
    }

    fn text_block(&self, i: usize) -> Option<(&BBox, &[&'l TextLine])> {
        let n = self.0.count();
        if i < n {
            self.0.text_block(i)
        } else {
            self.1.text_block(i - n)
        }
    }

    fn label_block(&self, i: usize) -> Option<(&BBox, &[&'l TextLine])> {
        let n = self.0.count();
        if i < n {
            self.0.label_block(i)
        } else {
            self.1.label_block(i - n)
        }
    }

    fn take(&mut self, i: usize) -> Vec<&'l TextLine> {
        let n = self.0.count();
        if i < n {
            self.0.take(i)
        } else {
            self.1.take(i - n)
        }
    }

    fn push_record(&mut self, i: usize, line: &'l TextLine) {
        let n = self.0.count();
        if i < n {
            self.0.push_record(i, line)
        } else {
            self.1.push_record(i - n, line)
        }
    }
}

/// A narrow column of values (amounts, quantities, dates) beside a block of
/// labels, row for row, joins that block, whose rows then read "Total 7.42"
/// as a receipt or an invoice is read, not all labels and then all values.
/// The first pair found (labels before values, in the blocks' order) merges
/// first, until no pair is left.
pub(crate) fn merge_value_columns<'l>(blocks: &mut impl TextBlocks<'l>) {
    loop {
        let n = blocks.count();
        let pairs = || (0..n).flat_map(|a| (0..n).map(move |b| (a, b))).filter(|&(a, b)| a != b);
        // A block standing between two others, level with the values, keeps
        // them apart: a newspaper's column between a story's column and an
        // advertisement's lines.
        let between = |a: usize, b: usize| -> bool {
            let (Some((ba, _)), Some((bb, _))) = (blocks.text_block(a), blocks.text_block(b)) else {
                return false;
            };
            let (left, right) = if ba.x1 <= bb.x0 { (ba.x1, bb.x0) } else { (bb.x1, ba.x0) };
            (0..n)
                .filter(|&c| c != a && c != b)
                .filter_map(|c| blocks.text_block(c))
                .any(|(bc, _)| bc.x0 >= left && bc.x1 <= right && bc.y0 < bb.y1 && bb.y0 < bc.y1)
        };
        let found = |test: fn(&BBox, &[&TextLine], &BBox, &[&TextLine]) -> bool, a: usize, b: usize| match (
            blocks.text_block(a),
            blocks.text_block(b),
        ) {
            (Some((ba, la)), Some((bb, lb))) if !between(a, b) => {
                test(ba, la, bb, lb).then_some(bb.x0 - ba.x1)
            }
            _ => None,
        };
        // Entries join their nearest labels first, so that a form's columns
        // join left to right.
        let pair = pairs().find(|&(a, b)| found(is_value_column, a, b).is_some()).or_else(|| {
            pairs()
                .filter_map(|(a, b)| {
                    found(is_entry_column, a, b)
                        .or_else(|| found(is_keyed_entries, a, b))
                        .map(|gap| ((a, b), gap))
                })
                .min_by(|x, y| x.1.total_cmp(&y.1))
                .map(|(pair, _)| pair)
        });
        // A lone value joins the nearest line it is the value of (a
        // heading's too: the heading is then a record's label).
        let pair = pair.or_else(|| {
            pairs()
                .filter(|&(a, b)| !between(a, b))
                .filter_map(|(a, b)| {
                    let gap = single_value_gap(blocks.label_block(a)?.1, blocks.text_block(b)?.1)?;
                    Some(((a, b), gap))
                })
                .min_by(|x, y| x.1.total_cmp(&y.1))
                .map(|(pair, _)| pair)
        });
        if let Some((labels, values)) = pair {
            merge(blocks, labels, values);
            continue;
        }
        let split = (0..n).find_map(|b| split_labels(blocks, b).map(|targets| (b, targets)));
        let Some((values, targets)) = split else { return };
        distribute(blocks, values, &targets);
    }
}

/// The label block of each line of block `b`, when `b` is a column of short
/// numbers whose every line is level with a label to its left in one of two
/// or more blocks (a layout model's regions cut a receipt's labels apart:
/// "SUBTOTAL" a heading, "CARD" the first line of the next region, their
/// amounts a third region).
fn split_labels<'l>(blocks: &impl TextBlocks<'l>, b: usize) -> Option<Vec<usize>> {
    let (bb, lb) = blocks.text_block(b)?;
    if lb.len() < VALUES_MIN_LINES || !lb.iter().all(|l| is_number(&l.text)) {
        return None;
    }
    let mut targets = Vec::with_capacity(lb.len());
    let mut widest: f32 = 0.0;
    for l in lb {
        let label = (0..blocks.count())
            .filter(|&a| a != b)
            .filter_map(|a| blocks.label_block(a).map(|(ba, la)| (a, ba, la)))
            .filter(|(_, ba, _)| ba.x1 <= bb.x0 + VALUES_BESIDE_SLACK)
            .filter_map(|(a, ba, la)| {
                la.iter()
                    .filter(|m| level(&m.bbox, &l.bbox))
                    .map(|m| (a, ba.width(), l.bbox.x0 - m.bbox.x1))
                    .min_by(|x, y| x.2.total_cmp(&y.2))
            })
            .min_by(|x, y| x.2.total_cmp(&y.2));
        let (a, width, _) = label?;
        widest = widest.max(width);
        targets.push(a);
    }
    let blocks_used = targets.iter().collect::<std::collections::BTreeSet<_>>().len();
    (blocks_used >= 2 && bb.width() <= widest).then_some(targets)
}

/// Whether `b` (lines `lb`) is a column of values for `a` (lines `la`): side
/// by side, `b` under half as wide as `a` and within its height, at least
/// two lines each, most of `b`'s lines holding a digit and most level with a
/// line of `a`, `a` no running text ([`is_running_text`]). Side by side is judged on `a`'s lines when its box reaches
/// over `b` ([`beside_lines`]): a block that took in the values of its
/// rows above (a list of entries and their pages, its values grouped
/// apart from its labels) still has the rows below to be given theirs.
fn is_value_column(a: &BBox, la: &[&TextLine], b: &BBox, lb: &[&TextLine]) -> bool {
    let numbers = lb.iter().all(|l| is_number(&l.text));
    // Values stand left of their labels in right-to-left text, or as
    // figures, half of them at least (quantities before items, a fax's
    // numbers in a column of its own); words holding a digit left of a
    // block ("English (C1)", "German (B1)" in a résumé's sidebar beside
    // its experience) are no column of values.
    let figures = lb.iter().filter(|l| crate::text::is_figure(&l.text)).count();
    let left = b.x1 <= a.x0 + VALUES_BESIDE_SLACK
        && (2 * figures >= lb.len() || crate::text::is_rtl(la.iter().chain(lb).map(|l| l.text.as_str())));
    let side_by_side = b.x0 >= a.x1 - VALUES_BESIDE_SLACK || left || beside_lines(la, b, lb);
    let within = (b.y1.min(a.y1) - b.y0.max(a.y0)) >= VALUES_WITHIN * b.height();
    let narrow = b.width() < VALUES_MAX_WIDTH * a.width() || (numbers && b.width() <= a.width());
    if !side_by_side || !within || !narrow || lb.len() < VALUES_MIN_LINES || la.len() < VALUES_MIN_LINES {
        return false;
    }
    // Running text is no column of labels (a newspaper's column beside an
    // advertisement's "up to 40% off").
    if is_running_text(a, la) {
        return false;
    }
    let numeric = lb.iter().filter(|l| l.text.chars().any(|c| c.is_ascii_digit())).count();
    let levelled = lb.iter().filter(|l| la.iter().any(|m| level(&l.bbox, &m.bbox))).count();
    2 * numeric >= lb.len() && 10 * levelled >= VALUES_LEVEL_TENTHS * lb.len()
}

/// Whether the lines `lb` (box `b`) stand clear of every line of `la` and
/// each is right of the lines of `la` level with it.
fn beside_lines(la: &[&TextLine], b: &BBox, lb: &[&TextLine]) -> bool {
    !la.iter().any(|m| m.bbox.intersection(b).is_some())
        && lb.iter().all(|l| {
            la.iter()
                .filter(|m| level(&l.bbox, &m.bbox))
                .all(|m| m.bbox.x1 <= l.bbox.x0 + VALUES_BESIDE_SLACK)
        })
}

/// How far `lb`, a single line, stands right of the line of `la` whose
/// value it is: a short number ([`is_number`]) level with a line that is
/// none, however far from it ("Leek and potato soup" and "£6.50" on a
/// menu, the leader between them drawn, not written); `None` when it is no
/// such value.
fn single_value_gap(la: &[&TextLine], lb: &[&TextLine]) -> Option<f32> {
    let [value] = lb else { return None };
    if !is_number(&value.text) {
        return None;
    }
    la.iter()
        .filter(|label| !is_number(&label.text) && level(&label.bbox, &value.bbox))
        .map(|label| value.bbox.x0 - label.bbox.x1)
        .filter(|&gap| gap >= -VALUES_BESIDE_SLACK)
        .min_by(f32::total_cmp)
}

/// Whether `b` (lines `lb`) is a form's column of entries for `a` (lines
/// `la`): to its right, overlapping [`ENTRIES_OVERLAP`] of the shorter's
/// height, both of short lines (median at most [`ENTRIES_MAX_WORDS`] words,
/// at least [`ENTRIES_MIN_LINES`] each), [`ENTRIES_LEVEL_MOST`] of one's
/// lines level with a line of the other and [`ENTRIES_LEVEL_LEAST`] of the
/// other's (at least [`ENTRIES_MIN_LINES`] each way). A form reads "Maker MK 8", "Length 99.0 mm" row by row, not its
/// labels and then its entries; two columns of running text have longer
/// lines. A block whose rows already hold a label and its entry each
/// ([`record_gap`]), far wider apart from `a` than they are from each
/// other ([`APART_RECORDS`]: an invoice's "Date 14 October 2026" across the
/// page from its "Bill to" address), is a form of its own, no column of
/// entries; a grid of options, evenly spaced, is one form.
fn is_entry_column(a: &BBox, la: &[&TextLine], b: &BBox, lb: &[&TextLine]) -> bool {
    let side_by_side = b.x0 >= a.x1 - VALUES_BESIDE_SLACK;
    let within = (b.y1.min(a.y1) - b.y0.max(a.y0)) >= ENTRIES_OVERLAP * a.height().min(b.height());
    if !side_by_side || !within || la.len() < ENTRIES_MIN_LINES || lb.len() < ENTRIES_MIN_LINES {
        return false;
    }
    if !short_lines(la) || !short_lines(lb) || is_running_text(a, la) || is_running_text(b, lb) {
        return false;
    }
    // Lines that run on into the next are a paragraph, no entries (a
    // résumé's experience beside its sidebar).
    let runs = |lines: &[&TextLine]| {
        let mut lines = lines.to_vec();
        lines.sort_by(|x, y| x.bbox.y0.total_cmp(&y.bbox.y0));
        crate::text::runs_as_prose(lines.iter().map(|l| l.text.as_str()))
    };
    if runs(la) || runs(lb) {
        return false;
    }
    if record_gap(&crate::text::row_groups(lb)).is_some_and(|inner| b.x0 - a.x1 >= APART_RECORDS * inner) {
        return false;
    }
    // A label and its entry stand on one line of text, in one size: a
    // name set large beside a sidebar's small lines is level by chance.
    let paired = |l: &TextLine, m: &TextLine| {
        let (h, k) = (l.bbox.height().max(1.0), m.bbox.height().max(1.0));
        level(&l.bbox, &m.bbox) && h.max(k) <= ENTRIES_SIZE_RATIO * h.min(k)
    };
    let levelled = |from: &[&TextLine], to: &[&TextLine]| {
        from.iter().filter(|l| to.iter().any(|m| paired(l, m))).count()
    };
    let (of_b, of_a) = (levelled(lb, la), levelled(la, lb));
    let (share_b, share_a) = (of_b as f32 / lb.len() as f32, of_a as f32 / la.len() as f32);
    of_b.min(of_a) >= ENTRIES_MIN_LINES
        && share_a.max(share_b) >= ENTRIES_LEVEL_MOST
        && share_a.min(share_b) >= ENTRIES_LEVEL_LEAST
}

/// A label and its entry are set in one size: their lines' heights are at
/// most this many times apart. OCR's boxes of one size vary widely (a
/// fax's "910-336-7077" and "910-335-7720", 28 and 17 px: 1.65); a
/// résumé's name beside its sidebar's "CONTACT" is 1.9 times its height.
const ENTRIES_SIZE_RATIO: f32 = 1.75;

/// A block of records stands this many times its labels' gap to their
/// entries apart from the block beside it, or more, to be a form of its
/// own.
const APART_RECORDS: f32 = 3.0;

/// The median gap between a label and its entry, when half of `rows` (a
/// block's rows of text) or more hold two pieces of text or more, apart: a
/// label and its entry each.
fn record_gap(rows: &[Vec<&TextLine>]) -> Option<f32> {
    let gaps: Vec<f32> =
        rows.iter().filter(|r| r.len() >= 2).map(|r| (r[1].bbox.x0 - r[0].bbox.x1).max(0.0)).collect();
    (!gaps.is_empty() && 2 * gaps.len() >= rows.len()).then(|| median(gaps))
}

/// Fewest rows of a block of records ([`is_record_block`]).
const RECORDS_MIN_ROWS: usize = 3;

/// Whether `lines` (one block's) are a form's records: [`RECORDS_MIN_ROWS`]
/// rows or more, short pieces ([`short_lines`]), half the rows a label
/// and its entry apart ([`record_gap`]).
pub(crate) fn is_record_block(lines: &[&TextLine]) -> bool {
    let rows = crate::text::row_groups(lines);
    rows.len() >= RECORDS_MIN_ROWS && short_lines(lines) && record_gap(&rows).is_some()
}

/// Whether `b` (lines `lb`) holds the entries of a column of keys `a`
/// (lines `la`): `a`'s labels (its lines but the entries already beside
/// them) short, [`KEYS_COLON_SHARE`] of them keys ([`is_key`]); `b`'s first
/// line beside a key and [`KEYS_ENTRIES_LEVEL`] of its lines beside a label.
/// A form reads "TO: K. A. Sparrow", "CASE NAME: Donald D. Sellers v. …"
/// row by row, however long or few its entries.
fn is_keyed_entries(_: &BBox, la: &[&TextLine], _: &BBox, lb: &[&TextLine]) -> bool {
    let beside =
        |l: &TextLine, m: &TextLine| level(&l.bbox, &m.bbox) && l.bbox.x0 >= m.bbox.x1 - VALUES_BESIDE_SLACK;
    let labels: Vec<&TextLine> =
        la.iter().copied().filter(|l| !la.iter().any(|m| is_key(&m.text) && beside(l, m))).collect();
    let keys: Vec<&TextLine> = labels.iter().copied().filter(|m| is_key(&m.text)).collect();
    let Some(first) = lb.iter().min_by(|x, y| x.bbox.y0.total_cmp(&y.bbox.y0)) else { return false };
    if keys.is_empty()
        || (keys.len() as f32) < KEYS_COLON_SHARE * labels.len() as f32
        || !short_lines(&labels)
    {
        return false;
    }
    let levelled = lb.iter().filter(|l| labels.iter().any(|m| beside(l, m))).count();
    keys.iter().any(|m| beside(first, m)) && levelled as f32 >= KEYS_ENTRIES_LEVEL * lb.len() as f32
}

/// Whether `text` opens with a form's key: at most [`ENTRIES_MAX_WORDS`]
/// words and a colon, then the end or a space ("TO:", "DATE FILED:",
/// "From: Lynnette Stevens"; not "10:55"), or a full-width colon, which
/// CJK text follows with no space ("住所：東京都").
fn is_key(text: &str) -> bool {
    let text = text.trim();
    text.char_indices()
        .find(|&(i, c)| {
            c == '：' || (c == ':' && text[i + c.len_utf8()..].chars().next().is_none_or(char::is_whitespace))
        })
        .is_some_and(|(i, _)| i > 0 && text[..i].split_whitespace().count() <= ENTRIES_MAX_WORDS)
}

/// Fewest lines of a column of running text ([`is_running_text`]).
const RUNNING_MIN_LINES: usize = 4;

/// Fewest words in the median line of running text (a form's labels and
/// entries are a word or two).
const RUNNING_MIN_WORDS: usize = 3;

/// Share of a block's width a line of running text fills...
const RUNNING_LINE_FILL: f32 = 0.85;

/// ...and share of its lines that do so.
const RUNNING_FULL_LINES: f32 = 0.6;

/// Whether `lines` (block `b`'s) are running text set in a narrow column:
/// three words or more in the median line, most lines filling the column's
/// width (a newspaper's justified column of four or five words a line),
/// where a form's labels and entries are a word or two and end where their
/// words end.
fn is_running_text(b: &BBox, lines: &[&TextLine]) -> bool {
    let full = lines.iter().filter(|l| l.bbox.width() >= RUNNING_LINE_FILL * b.width()).count();
    let words = median(lines.iter().map(|l| l.text.split_whitespace().count() as f32).collect());
    lines.len() >= RUNNING_MIN_LINES
        && words >= RUNNING_MIN_WORDS as f32
        && full as f32 >= RUNNING_FULL_LINES * lines.len() as f32
}

/// Whether the median of `lines` holds at most [`ENTRIES_MAX_WORDS`] words.
fn short_lines(lines: &[&TextLine]) -> bool {
    median(lines.iter().map(|l| l.text.split_whitespace().count() as f32).collect())
        <= ENTRIES_MAX_WORDS as f32
}

/// A short number: at most [`NUMBER_MAX_WORDS`] words, more digits than
/// letters ("16.30", "$ 4.20", "2 pcs" is not).
pub(crate) fn is_number(text: &str) -> bool {
    text.split_whitespace().count() <= NUMBER_MAX_WORDS && crate::text::is_figure(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_a_few_words_and_a_colon_not_a_time() {
        for key in ["TO:", "DATE FILED:", "From: Lynnette Stevens", "住所：東京都"] {
            assert!(is_key(key), "{key}");
        }
        for not in ["09/17/97 10:55", ":01", "The following is a list of five things:", "Ratio 3:1"] {
            assert!(!is_key(not), "{not}");
        }
    }

    /// A block of entries that took in the pages of its first rows (a
    /// table of contents whose pages were grouped apart from its titles)
    /// still takes the pages of its rows below: its box reaches over them,
    /// its lines do not.
    #[test]
    fn values_beside_a_blocks_lower_rows_join_it_though_its_box_reaches_over_them() {
        let l = |x0: f32, y: f32, x1: f32, text: &str| {
            TextLine::from_bbox(BBox::new(x0, y, x1, y + 20.0), text, parasol_doc::TextOrigin::Ocr)
        };
        let labels = [
            l(100.0, 100.0, 400.0, "2 Installing the pump"),
            l(100.0, 130.0, 380.0, "2.1 Choosing a site"),
            l(100.0, 160.0, 420.0, "3 Commissioning"),
            l(100.0, 190.0, 450.0, "3.1 Priming and first start"),
        ];
        let taken = [l(880.0, 100.0, 900.0, "5"), l(880.0, 130.0, 900.0, "5")];
        let block: Vec<&TextLine> = labels.iter().chain(&taken).collect();
        let area = block.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b)).unwrap();
        let pages = [l(870.0, 160.0, 900.0, "19"), l(870.0, 190.0, 900.0, "19")];
        let lower: Vec<&TextLine> = pages.iter().collect();
        let pages_box = lower.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b)).unwrap();
        assert!(is_value_column(&area, &block, &pages_box, &lower));
        // Values within the block's own rows stand among its lines.
        let inside = [l(450.0, 100.0, 470.0, "7"), l(450.0, 160.0, 470.0, "8")];
        let inside: Vec<&TextLine> = inside.iter().collect();
        let inside_box = inside.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b)).unwrap();
        assert!(!is_value_column(&area, &block, &inside_box, &inside));
    }

    fn line(x0: f32, y: f32, x1: f32, text: &str) -> TextLine {
        TextLine::from_bbox(BBox::new(x0, y, x1, y + 20.0), text, parasol_doc::TextOrigin::TextLayer)
    }

    fn area(lines: &[&TextLine]) -> BBox {
        lines.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b)).unwrap()
    }

    /// An invoice's "Bill to" address, and across the page its records
    /// ("Date  14 October 2026"): two blocks, not labels and entries; a grid
    /// of options, its columns evenly spaced, is one form read row by row.
    #[test]
    fn records_across_the_page_are_a_form_of_their_own_not_entries() {
        let address = [
            line(100.0, 100.0, 160.0, "Bill to"),
            line(100.0, 122.0, 330.0, "Hollybank Primary School"),
            line(100.0, 144.0, 310.0, "Attn: Mr R. Patel"),
            line(100.0, 166.0, 250.0, "18 Church Road"),
        ];
        let records = [
            line(800.0, 100.0, 1060.0, "Invoice no. INV-0418"),
            line(800.0, 122.0, 840.0, "Date"),
            line(920.0, 122.0, 1070.0, "14 October 2026"),
            line(800.0, 144.0, 880.0, "Order ref."),
            line(920.0, 144.0, 1010.0, "PO 77213"),
            line(800.0, 166.0, 880.0, "Due date"),
            line(920.0, 166.0, 1090.0, "13 November 2026"),
        ];
        let (la, lb): (Vec<&TextLine>, Vec<&TextLine>) = (address.iter().collect(), records.iter().collect());
        assert!(is_record_block(&lb));
        assert!(!is_record_block(&la));
        assert!(!is_entry_column(&area(&la), &la, &area(&lb), &lb));
        // The same records beside options as evenly spaced as they are.
        let options = [
            line(600.0, 100.0, 700.0, "Retention"),
            line(600.0, 122.0, 700.0, "Cross-Sell"),
            line(600.0, 144.0, 700.0, "Direct Sale"),
            line(600.0, 166.0, 700.0, "Awareness"),
        ];
        let lo: Vec<&TextLine> = options.iter().collect();
        let near: Vec<TextLine> = records
            .iter()
            .map(|l| {
                TextLine::from_bbox(
                    BBox { x0: l.bbox.x0 - 60.0, x1: l.bbox.x1 - 60.0, ..l.bbox },
                    &l.text,
                    l.origin,
                )
            })
            .collect();
        let ln: Vec<&TextLine> = near.iter().collect();
        assert!(is_entry_column(&area(&lo), &lo, &area(&ln), &ln));
    }

    /// A résumé's sidebar beside its main column: lines level by chance.
    /// Its contact lines are no labels of a name set large, its languages
    /// ("English (C1)") no values left of the experience, and the
    /// experience, lines running on, no entries.
    #[test]
    fn a_sidebar_beside_a_resume_is_no_labels_values_or_entries() {
        let sized = |x0: f32, y: f32, x1: f32, h: f32, text: &str| {
            TextLine::from_bbox(BBox::new(x0, y, x1, y + h), text, parasol_doc::TextOrigin::Ocr)
        };
        let contact = [
            sized(50.0, 100.0, 160.0, 20.0, "CONTACT"),
            sized(50.0, 130.0, 300.0, 20.0, "tomas@example.es"),
            sized(50.0, 160.0, 250.0, 20.0, "+34 612 555 014"),
            sized(50.0, 190.0, 230.0, 20.0, "Valencia, Spain"),
        ];
        let name = [
            sized(420.0, 95.0, 800.0, 40.0, "Tomás Herrera"),
            sized(420.0, 160.0, 900.0, 20.0, "Senior software engineer"),
            sized(420.0, 190.0, 560.0, 20.0, "PROFILE"),
        ];
        let (la, lb): (Vec<&TextLine>, Vec<&TextLine>) = (contact.iter().collect(), name.iter().collect());
        assert!(!is_entry_column(&area(&la), &la, &area(&lb), &lb));
        // Set in one size, the same lines are a form's labels and entries.
        let level = [
            sized(420.0, 100.0, 800.0, 20.0, "Tomás Herrera"),
            sized(420.0, 160.0, 900.0, 20.0, "Senior software engineer"),
            sized(420.0, 190.0, 560.0, 20.0, "PROFILE"),
        ];
        let lv: Vec<&TextLine> = level.iter().collect();
        assert!(is_entry_column(&area(&la), &la, &area(&lv), &lv));

        let languages = [
            line(50.0, 300.0, 220.0, "Spanish (native)"),
            line(50.0, 322.0, 190.0, "English (C1)"),
            line(50.0, 344.0, 190.0, "German (B1)"),
        ];
        let experience = [
            line(420.0, 300.0, 1150.0, "Designed the scanning pipeline used by 40 regional archives; cut"),
            line(420.0, 322.0, 900.0, "processing time per page from 2.1 s to 0.4 s."),
            line(
                420.0,
                344.0,
                1100.0,
                "Built invoice extraction for logistics customers, from table detection to",
            ),
            line(420.0, 366.0, 520.0, "export."),
        ];
        let (ll, le): (Vec<&TextLine>, Vec<&TextLine>) =
            (languages.iter().collect(), experience.iter().collect());
        assert!(!is_value_column(&area(&le), &le, &area(&ll), &ll));
        assert!(!is_entry_column(&area(&ll), &ll, &area(&le), &le));
        // Quantities left of their items are values.
        let quantities =
            [line(50.0, 300.0, 70.0, "2"), line(50.0, 322.0, 70.0, "12"), line(50.0, 344.0, 70.0, "1")];
        let lq: Vec<&TextLine> = quantities.iter().collect();
        assert!(is_value_column(&area(&le), &le, &area(&lq), &lq));
    }
}
