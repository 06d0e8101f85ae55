//! Splitting a structure's columns and spanning cells where the words
//! show more columns than the structure model drew: a sparse column run
//! into its neighbour, figures taking turns, OCR lines starting at one x,
//! a header's pieces over their own columns.

use parasol_doc::{BBox, Table, TextLine};

use super::{aligned_boxes, lines_in};

/// A gutter between two columns is at least this many heights of their
/// words' boxes wide (about two thirds of an em; word spaces are a third).
const GUTTER_HEIGHTS: f32 = 0.5;

/// Rows of a column that must hold words on both sides of a gutter for it
/// to be two columns.
const SPLIT_MIN_ROWS: usize = 3;

/// Splits each column that is two: a structure model often runs a sparse
/// column into its neighbour (a bank statement's "Paid in", filled on a
/// few rows, read with "Balance": "866.10 -559.96" in one cell). A column
/// is two when a vertical gutter ([`GUTTER_HEIGHTS`] wide) runs through
/// every one of its rows, with words on both sides in at least
/// [`SPLIT_MIN_ROWS`] of them. Cells spanning the
/// column span both halves. `words` are the table's pieces of text.
pub(crate) fn split_merged_columns(table: &mut Table, words: &[&TextLine]) {
    // Each column is looked at once, and its right half next; at most as
    // many splits as there were columns, whatever the words' boxes are.
    let (mut col, mut splits) = (0, table.cols);
    while col < table.cols && splits > 0 {
        let cells = column_texts(table, words, col);
        let gutter =
            column_gutter(&cells).or_else(|| figures_gutter(&cells)).or_else(|| aligned_starts(&cells));
        if let Some(x) = gutter {
            split_column(table, col, x);
            splits -= 1;
        }
        col += 1;
    }
}

/// The texts of `col`'s one-column cells that hold any, with their rows,
/// `words` put in cells by [`aligned_boxes`].
fn column_texts<'l>(table: &Table, words: &[&'l TextLine], col: usize) -> Vec<(usize, Vec<&'l TextLine>)> {
    let per_cell = lines_in(&aligned_boxes(table), words);
    table
        .cells
        .iter()
        .zip(per_cell)
        .filter(|(c, w)| c.col == col && c.colspan.max(1) == 1 && !w.is_empty())
        .map(|(c, w)| (c.row, w))
        .collect()
}

/// The gutter's x splitting `col` into two, if it is two columns.
fn column_gutter(cells: &[(usize, Vec<&TextLine>)]) -> Option<f32> {
    if cells.len() < SPLIT_MIN_ROWS {
        return None;
    }
    let all: Vec<&TextLine> = cells.iter().flat_map(|(_, w)| w.iter().copied()).collect();
    let height = crate::text::median(all.iter().map(|w| w.bbox.height()).collect());
    // Inked spans along x, merged: the gutters are the holes between them.
    let mut spans: Vec<(f32, f32)> = all.iter().map(|w| (w.bbox.x0, w.bbox.x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f32, f32)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    // Rows with words on both sides of a gutter at x.
    let both = |x: f32| {
        cells
            .iter()
            .filter(|(_, w)| w.iter().any(|t| t.bbox.x1 <= x) && w.iter().any(|t| t.bbox.x0 >= x))
            .count()
    };
    merged
        .windows(2)
        .filter(|p| p[1].0 - p[0].1 >= GUTTER_HEIGHTS * height.max(1.0))
        .map(|p| (p[0].1 + p[1].0) / 2.0)
        .map(|x| (x, both(x)))
        .filter(|&(_, rows)| rows >= SPLIT_MIN_ROWS)
        .max_by_key(|&(_, rows)| rows)
        .map(|(x, _)| x)
}

/// The gutter's x splitting `col` into two columns of figures that take
/// turns: a statement's "Paid out" and "Paid in", each row's amount in one
/// of them, never both, which a structure model reads as one column. The
/// column's figures fall on two sides of a gutter ([`GUTTER_HEIGHTS`]
/// wide) with no row holding figures on both, nor other words on the
/// side facing its figures; [`SPLIT_MIN_ROWS`] rows of figures at least,
/// one side or the other. Its other words (the header's
/// "Paid out Paid in", set closer than the figures) must leave a gap at
/// the gutter too. Figures in every row on both sides ("12 (4%)", "45
/// 0.3") are one column's cells and stay.
fn figures_gutter(cells: &[(usize, Vec<&TextLine>)]) -> Option<f32> {
    let figures: Vec<(usize, &TextLine)> = cells
        .iter()
        .flat_map(|(row, w)| w.iter().filter(|t| crate::text::is_figure(&t.text)).map(move |t| (*row, *t)))
        .collect();
    let rows: std::collections::BTreeSet<usize> = figures.iter().map(|(r, _)| *r).collect();
    if rows.len() < SPLIT_MIN_ROWS {
        return None;
    }
    let height = crate::text::median(figures.iter().map(|(_, t)| t.bbox.height()).collect()).max(1.0);
    // The widest hole between the figures' spans along x.
    let mut spans: Vec<(f32, f32)> = figures.iter().map(|(_, t)| (t.bbox.x0, t.bbox.x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut reach = f32::NEG_INFINITY;
    let mut hole: Option<(f32, f32)> = None;
    for (a, b) in spans {
        if reach > f32::NEG_INFINITY
            && a - reach >= GUTTER_HEIGHTS * height
            && hole.is_none_or(|(h0, h1)| a - reach > h1 - h0)
        {
            hole = Some((reach, a));
        }
        reach = reach.max(b);
    }
    let (h0, h1) = hole?;
    let side = |t: &TextLine| t.bbox.x1 <= h0;
    let left: std::collections::BTreeSet<usize> =
        figures.iter().filter(|(_, t)| side(t)).map(|(r, _)| *r).collect();
    let right: std::collections::BTreeSet<usize> =
        figures.iter().filter(|(_, t)| !side(t)).map(|(r, _)| *r).collect();
    if left.is_empty() || right.is_empty() || !left.is_disjoint(&right) {
        return None;
    }

    // The widest stretch of the hole the column's other words leave
    // free: its middle.
    let mut cuts: Vec<(f32, f32)> = cells
        .iter()
        .flat_map(|(_, w)| w.iter())
        .map(|t| (t.bbox.x0.max(h0), t.bbox.x1.min(h1)))
        .filter(|(a, b)| a < b)
        .collect();
    cuts.sort_by(|a, b| a.0.total_cmp(&b.0));
    cuts.push((h1, h1));
    let (mut from, mut free): (f32, Option<(f32, f32)>) = (h0, None);
    for (a, b) in cuts {
        if a > from && free.is_none_or(|(p, q)| a - from >= q - p) {
            free = Some((from, a));
        }
        from = from.max(b);
    }
    let x = free.map(|(a, b)| (a + b) / 2.0)?;
    // A row of figures holds them on one side only, with nothing on the
    // other ("AC100V 50/60Hz" in a column of ratings is one cell's text).
    let across = |w: &[&TextLine]| w.iter().any(|t| t.bbox.x1 <= x) && w.iter().any(|t| t.bbox.x0 >= x);
    let figure_row = |row: &usize| left.contains(row) || right.contains(row);
    (!cells.iter().any(|(row, w)| figure_row(row) && across(w))).then_some(x)
}

/// Rows of a column holding two pieces of text, at least this share of
/// its rows with text ([`aligned_starts`]).
const TWO_PIECES_SHARE: f32 = 0.6;

/// Second pieces start within this many heights of their median start.
const START_SLACK: f32 = 0.5;

/// The x splitting `col` where its rows' second pieces of text all start
/// (left-aligned, within [`START_SLACK`] heights): a statement's "05 Nov"
/// and "Direct debit Council Tax", two lines to OCR, whose boxes (their
/// margins) overlap where the glyphs leave a gutter. [`TWO_PIECES_SHARE`]
/// of the column's rows with text, and [`SPLIT_MIN_ROWS`] at least, hold
/// two pieces or more; every piece but the first starts there or right of
/// it, every first piece well left of it, and a row of one piece lies on
/// one side. Second pieces that are all figures ("12 (4%)") are one
/// column's cells.
fn aligned_starts(cells: &[(usize, Vec<&TextLine>)]) -> Option<f32> {
    let rows: Vec<Vec<Piece>> = cells.iter().map(|(_, w)| pieces_of(w, true)).collect();
    let two: Vec<&Vec<Piece>> = rows.iter().filter(|r| r.len() >= 2).collect();
    if two.len() < SPLIT_MIN_ROWS || (two.len() as f32) < TWO_PIECES_SHARE * rows.len() as f32 {
        return None;
    }
    if two.iter().all(|r| r[1..].iter().all(|p| crate::text::is_figure(&p.text()))) {
        return None;
    }
    let height = crate::text::median(rows.iter().flatten().map(|p| p.bbox.height()).collect()).max(1.0);
    let starts: Vec<f32> = two.iter().map(|r| r[1].bbox.x0).collect();
    let x = crate::text::median(starts.clone());
    let slack = START_SLACK * height;
    let aligned = starts.iter().all(|s| (s - x).abs() <= slack)
        && two.iter().all(|r| {
            r[0].bbox.x0 < x - 2.0 * slack
                && r[0].bbox.x1 < x + slack
                && r[2..].iter().all(|p| p.bbox.x0 >= x - slack)
        })
        && rows
            .iter()
            .filter(|r| r.len() == 1)
            .all(|r| r[0].bbox.x1 <= x + slack || r[0].bbox.x0 >= x - slack);
    let split = starts.iter().copied().fold(f32::INFINITY, f32::min);
    aligned.then_some(split - 1.0)
}

/// A piece of a cell's text: texts side by side closer than a gutter.
struct Piece<'l> {
    bbox: BBox,
    texts: Vec<&'l TextLine>,
}

impl Piece<'_> {
    fn text(&self) -> String {
        crate::text::join_lines(crate::text::rows(&self.texts).iter().map(String::as_str))
    }
}

/// A cell's pieces of text, left to right: its texts joined across gaps
/// narrower than [`GUTTER_HEIGHTS`] of their median height, level ones
/// only. With `ocr_lines_whole`, OCR's lines are each a piece, as the
/// detector found them (their boxes' margins may overlap where the glyphs
/// leave a gutter).
fn pieces_of<'l>(texts: &[&'l TextLine], ocr_lines_whole: bool) -> Vec<Piece<'l>> {
    let mut sorted = texts.to_vec();
    sorted.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let height = crate::text::median(sorted.iter().map(|t| t.bbox.height()).collect()).max(1.0);
    let mut pieces: Vec<Piece> = Vec::new();
    for t in sorted {
        match pieces.last_mut() {
            Some(p)
                if !(ocr_lines_whole && t.origin == parasol_doc::TextOrigin::Ocr)
                    && t.bbox.x0 - p.bbox.x1 < GUTTER_HEIGHTS * height
                    && crate::text::level(&p.bbox, &t.bbox) =>
            {
                p.bbox = p.bbox.union(&t.bbox);
                p.texts.push(t);
            }
            _ => pieces.push(Piece { bbox: t.bbox, texts: vec![t] }),
        }
    }
    pieces
}

/// Splits each cell spanning columns whose text is pieces set apart by
/// gutters ([`GUTTER_HEIGHTS`]), one over each of the columns it spans: an
/// invoice's "Unit price    Amount", each right-aligned over its column of
/// figures, read as one header cell. A piece belongs to the column whose
/// text it overlaps along x (of the column's own cells in other rows), else
/// to the nearest; the pieces must fall in different columns, left to
/// right. A group's name centred over its columns is one piece (word
/// spaces only) and keeps its span. `words` are the table's pieces of
/// text, as [`super::fill_table`] filled it with them; the split cells take their
/// pieces' text.
pub(crate) fn split_spanning_pieces(table: &mut Table, words: &[&TextLine]) {
    let per_cell = lines_in(&aligned_boxes(table), words);
    // Each column's text, along x, from its cells of one column.
    let mut ink: Vec<Option<(f32, f32)>> = vec![None; table.cols];
    for (c, texts) in table.cells.iter().zip(&per_cell) {
        if c.colspan.max(1) == 1 && c.col < table.cols {
            for t in texts {
                let e = ink[c.col].get_or_insert((t.bbox.x0, t.bbox.x1));
                *e = (e.0.min(t.bbox.x0), e.1.max(t.bbox.x1));
            }
        }
    }
    let mut replaced: Vec<(usize, Vec<parasol_doc::TableCell>)> = Vec::new();
    for (i, (c, texts)) in table.cells.iter().zip(&per_cell).enumerate() {
        let span = c.col..(c.col + c.colspan.max(1)).min(table.cols);
        if span.len() < 2
            || texts.len() < 2
            || !texts.iter().all(|t| crate::text::level(&t.bbox, &texts[0].bbox))
        {
            continue;
        }
        let pieces = pieces_of(texts, false);
        let columns: Vec<(usize, (f32, f32))> = span.clone().filter_map(|k| ink[k].map(|e| (k, e))).collect();
        if pieces.len() < 2 || pieces.len() > columns.len() {
            continue;
        }
        let boxes: Vec<BBox> = pieces.iter().map(|p| p.bbox).collect();
        let cols = monotone_columns(&boxes, &columns);
        let cell = |col: usize, piece: Option<&Piece>| parasol_doc::TableCell {
            col,
            colspan: 1,
            text: piece.map_or(String::new(), Piece::text),
            bbox: piece.map(|p| p.bbox),
            ..c.clone()
        };
        let cells =
            span.clone().map(|k| cell(k, cols.iter().position(|&x| x == k).map(|p| &pieces[p]))).collect();
        replaced.push((i, cells));
    }
    for (i, cells) in replaced.into_iter().rev() {
        table.cells.splice(i..=i, cells);
    }
    table.cells.sort_by_key(|c| (c.row, c.col));
}

/// The columns `pieces` (left to right) fall in, one each, left to right:
/// of the ways to give each a column of `columns` (each with its text's
/// extent along x) in order, the one whose pieces overlap their columns'
/// text most (a gap counting as a negative overlap). A label in a wide
/// column ("Subtotal" under "Qty") may reach under the next piece; the
/// order keeps each piece over its own column.
fn monotone_columns(pieces: &[BBox], columns: &[(usize, (f32, f32))]) -> Vec<usize> {
    let (n, m) = (pieces.len(), columns.len());
    let score = |i: usize, j: usize| {
        let (a, b) = columns[j].1;
        pieces[i].x1.min(b) - pieces[i].x0.max(a)
    };
    // best[i][j]: the best total for pieces i.. given columns j.. (n ≤ m).
    let mut best = vec![vec![f32::NEG_INFINITY; m + 1]; n + 1];
    best[n].iter_mut().for_each(|v| *v = 0.0);
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let take = score(i, j) + best[i + 1][j + 1];
            best[i][j] = take.max(best[i][j + 1]);
        }
    }
    let (mut out, mut j) = (Vec::with_capacity(n), 0);
    for i in 0..n {
        while j < m && best[i][j] != score(i, j) + best[i + 1][j + 1] {
            j += 1;
        }
        out.push(columns[j.min(m - 1)].0);
        j += 1;
    }
    out
}

/// `col` made two at `x`: its one-column cells halved there (a new cell
/// on the right of each), cells spanning it span one more column, and the
/// columns after it move right.
fn split_column(table: &mut Table, col: usize, x: f32) {
    let mut added = Vec::new();
    for c in &mut table.cells {
        if c.col > col {
            c.col += 1;
        } else if c.col + c.colspan.max(1) > col + 1 || (c.col < col && c.col + c.colspan.max(1) > col) {
            c.colspan = c.colspan.max(1) + 1;
        } else if c.col == col {
            let right = c.bbox.map(|b| BBox { x0: x.clamp(b.x0, b.x1), ..b });
            if let Some(b) = &mut c.bbox {
                b.x1 = x.clamp(b.x0, b.x1);
            }
            added.push(parasol_doc::TableCell {
                col: col + 1,
                colspan: 1,
                header: c.header,
                text: String::new(),
                bbox: right,
                ..c.clone()
            });
        }
    }
    table.cells.extend(added);
    table.cells.sort_by_key(|c| (c.row, c.col));
    table.cols += 1;
}
