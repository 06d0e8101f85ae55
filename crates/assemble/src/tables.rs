//! Filling a table structure's cells with text.

use parasol_doc::{BBox, Table, TableCell, TextLine};

mod side_by_side;
mod split;

pub(crate) use side_by_side::{side_by_side, Part};
pub(crate) use split::{split_merged_columns, split_spanning_pieces};

/// An OCR line straddles two columns when at least this share of its width
/// lies in cells of each, …
const STRADDLE_SHARE: f32 = 0.25;

/// … or when it covers at least this share of a cell's width in each of
/// two columns ([`columns_covered`]).
const COVERED_SHARE: f32 = 0.5;

/// Puts each piece of text into the cell that holds most of it (by
/// intersection over the text's own area); text no cell holds goes to the
/// nearest cell ([`apart`]), so no text inside a table is lost. Text in
/// one cell is ordered top to bottom, left to right.
pub fn fill_table(table: &mut Table, texts: &[&TextLine]) {
    let mut per_cell = lines_in(&aligned_boxes(table), texts);
    under_their_columns(table, &mut per_cell);
    anchored_rows(table, &mut per_cell);
    for (cell, texts) in table.cells.iter_mut().zip(per_cell) {
        let rows = crate::text::rows(&texts);
        cell.text = crate::text::join_lines(rows.iter().map(String::as_str));
    }
}

/// Whether a cell spans one row and one column.
fn is_single(c: &parasol_doc::TableCell) -> bool {
    c.colspan.max(1) == 1 && c.rowspan.max(1) == 1
}

/// The index of each one-row, one-column cell by its (row, column).
fn single_cells(table: &Table) -> std::collections::HashMap<(usize, usize), usize> {
    table.cells.iter().enumerate().filter(|(_, c)| is_single(c)).map(|(i, c)| ((c.row, c.col), i)).collect()
}

/// Moves each word that lies clear of its column's text in the other rows
/// and within a neighbouring column's text to that column's cell in its
/// row: a header's words set tighter than the columns under them ("Paid
/// out Paid in Balance" over a statement's amounts) reach into the next
/// column's box, and "in" would be read as "in Balance". Only between
/// cells of one column each, and never all of a cell's words; the
/// columns' text is what `per_cell` (by cell index) holds.
fn under_their_columns(table: &Table, per_cell: &mut [Vec<&TextLine>]) {
    let single = |i: usize| is_single(&table.cells[i]);
    // Each column's one-cell rows with their text's extent along x.
    let mut by_column: Vec<Vec<(usize, (f32, f32))>> = vec![Vec::new(); table.cols];
    let at = single_cells(table);
    for (i, c) in table.cells.iter().enumerate().filter(|&(i, _)| single(i)) {
        let extent =
            per_cell[i].iter().map(|t| (t.bbox.x0, t.bbox.x1)).reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
        if let (Some(e), Some(column)) = (extent, by_column.get_mut(c.col)) {
            column.push((c.row, e));
        }
    }
    // The text's extent along x of column `col`, rows other than `row`.
    let ink = |col: usize, row: usize| {
        let column = by_column.get(col)?;
        column.iter().filter(|(r, _)| *r != row).map(|(_, e)| *e).reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
    };
    let mut moves: Vec<(usize, usize, usize)> = Vec::new(); // (from cell, word, to cell)
    for (i, c) in table.cells.iter().enumerate() {
        if !single(i) || per_cell[i].is_empty() {
            continue;
        }
        let Some(own) = ink(c.col, c.row) else { continue };
        let neighbours: Vec<(usize, (f32, f32))> = [c.col.checked_sub(1), Some(c.col + 1)]
            .into_iter()
            .flatten()
            .filter_map(|col| Some((*at.get(&(c.row, col))?, ink(col, c.row)?)))
            .collect();
        let before = moves.len();
        for (k, t) in per_cell[i].iter().enumerate() {
            if t.bbox.x1 > own.0 && t.bbox.x0 < own.1 {
                continue;
            }
            let centre = t.bbox.center()[0];
            if let Some(&(j, _)) = neighbours.iter().find(|(_, (a, b))| *a <= centre && centre <= *b) {
                moves.push((i, k, j));
            }
        }
        // A cell's only words are where the structure put them (a sparse
        // column's lone "*JOBCTL"): words leave a cell that keeps some.
        if moves.len() - before == per_cell[i].len() {
            moves.truncate(before);
        }
    }
    for &(i, k, j) in moves.iter().rev() {
        let t = per_cell[i].remove(k);
        per_cell[j].push(t);
    }
}

/// Rows wrapped over several lines, set top-aligned under a key column of
/// one line a row ("FR-301" beside four lines of its requirement): each
/// row runs from its key's top to the next key's, and a line the
/// structure's boxes gave the row below or above (boxes drift by a line
/// down a long table) goes back to its row. Kept only when it leaves every
/// row's cells starting level with its key, which a table whose keys sit
/// in the middle of their rows never does; `per_cell` by cell index.
fn anchored_rows(table: &Table, per_cell: &mut [Vec<&TextLine>]) {
    let single = |i: usize| is_single(&table.cells[i]);
    let at = single_cells(table);
    let top = |texts: &[&TextLine]| texts.iter().map(|t| t.bbox.y0).fold(f32::INFINITY, f32::min);
    // Each row's key: the first column's text, one line.
    let mut keys: Vec<f32> = Vec::with_capacity(table.rows);
    for r in 0..table.rows {
        let Some(&i) = at.get(&(r, 0)) else { return };
        if per_cell[i].is_empty() || crate::text::rows(&per_cell[i]).len() != 1 {
            return;
        }
        keys.push(top(&per_cell[i]));
    }
    if keys.len() < 2 || keys.windows(2).any(|w| w[1] <= w[0]) {
        return;
    }
    let wrapped = (0..per_cell.len()).any(|i| single(i) && crate::text::rows(&per_cell[i]).len() > 1);
    if !wrapped {
        return;
    }
    let row_of = |t: &TextLine| {
        let slack = 0.5 * t.bbox.height();
        keys.iter().rposition(|&k| k - slack <= t.bbox.y0).unwrap_or(0)
    };
    let mut moved: Vec<Vec<&TextLine>> = per_cell.to_vec();
    let mut any = false;
    for (i, c) in table.cells.iter().enumerate().filter(|&(i, c)| single(i) && c.col > 0) {
        for (k, t) in per_cell[i].iter().enumerate().rev() {
            let r = row_of(t);
            if r == c.row {
                continue;
            }
            let Some(&j) = at.get(&(r, c.col)) else { return };
            moved[i].remove(k);
            moved[j].push(t);
            any = true;
        }
    }
    // Every row's cells start level with its key.
    let level =
        table.cells.iter().enumerate().filter(|&(i, _)| single(i) && !moved[i].is_empty()).all(|(i, c)| {
            let h = moved[i].iter().map(|t| t.bbox.height()).fold(0.0, f32::max);
            (top(&moved[i]) - keys[c.row]).abs() <= 0.5 * h
        });
    if any && level {
        per_cell.clone_from_slice(&moved);
    }
}

/// The pieces of text of each cell of `table`, by index: each piece in the
/// cell it overlaps most, or the nearest ([`apart`]).
/// Judged on the model's own boxes: whether the structure agrees with the
/// words ([`crate::grid::structure_agrees`]) must not be helped by lining
/// the boxes up, which would make a page of prose a table.
pub(crate) fn cell_lines<'l>(table: &Table, texts: &[&'l TextLine]) -> Vec<Vec<&'l TextLine>> {
    lines_in(&table.cells.iter().map(|c| c.bbox).collect::<Vec<_>>(), texts)
}

/// The pieces of text in each of the cells whose boxes are `boxes`: each
/// in the cell holding most of it, else the nearest ([`apart`]).
fn lines_in<'l>(boxes: &[Option<BBox>], texts: &[&'l TextLine]) -> Vec<Vec<&'l TextLine>> {
    let cells = || boxes.iter().enumerate().filter_map(|(i, b)| b.map(|b| (i, b)));
    let mut per_cell: Vec<Vec<&TextLine>> = vec![Vec::new(); boxes.len()];
    for t in texts {
        let area = t.bbox.area().max(1e-3);
        let best = cells()
            .map(|(i, b)| (i, b.intersection(&t.bbox).map_or(0.0, |x| x.area()) / area))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let chosen = match best {
            Some((i, overlap)) if overlap > 0.0 => Some(i),
            _ => cells()
                .min_by(|a, b| {
                    let (ya, xa) = apart(&a.1, &t.bbox);
                    let (yb, xb) = apart(&b.1, &t.bbox);
                    (ya > 0.0).cmp(&(yb > 0.0)).then(ya.hypot(xa).total_cmp(&yb.hypot(xb)))
                })
                .map(|(i, _)| i),
        };
        if let Some(i) = chosen {
            per_cell[i].push(t);
        }
    }
    per_cell
}

/// Lines that overlap cells of one column only stay whole; lines that
/// straddle columns (a quarter of their width in each of two) are split into words with boxes estimated from character
/// counts. For sources (OCR) that give lines only: a line may run across
/// cell borders, its words rarely do.
pub(crate) fn split_straddling(table: &Table, lines: &[&TextLine]) -> Vec<TextLine> {
    let mut out = Vec::new();
    for l in lines {
        let columns = columns_straddled(table, &l.bbox).max(columns_covered(table, &l.bbox));
        if columns <= 1 {
            out.push((*l).clone());
        } else {
            out.extend(split_words(&[l]));
        }
    }
    out
}

/// The number of the table's columns that hold at least [`STRADDLE_SHARE`]
/// of `text`'s width, among cells level with it. Horizontally only: cell
/// boxes are often off by half a row vertically, which must not make a
/// text that sits in one column straddle two.
pub(crate) fn columns_straddled(table: &Table, text: &BBox) -> usize {
    let width = text.width().max(1e-3);
    table
        .cells
        .iter()
        .filter_map(|c| c.bbox.map(|b| (c.col, b)))
        .filter(|(_, b)| b.y0 < text.y1 && text.y0 < b.y1)
        .filter(|(_, b)| (b.x1.min(text.x1) - b.x0.max(text.x0)).max(0.0) >= STRADDLE_SHARE * width)
        .map(|(col, _)| col)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// The number of the table's columns, among cells level with `text`,
/// that `text` covers half of or more. OCR reads a date and the words
/// beside it as one line ("05 Nov Direct debit SCOTTISH POWER"): the date
/// is under a quarter of the line but fills its narrow column.
fn columns_covered(table: &Table, text: &BBox) -> usize {
    table
        .cells
        .iter()
        .filter_map(|c| c.bbox.map(|b| (c.col, b)))
        .filter(|(_, b)| b.y0 < text.y1 && text.y0 < b.y1)
        .filter(|(_, b)| {
            (b.x1.min(text.x1) - b.x0.max(text.x0)).max(0.0) >= COVERED_SHARE * b.width().max(1e-3)
        })
        .map(|(col, _)| col)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// The cells' boxes lined up with their columns and rows: a cell spans
/// from its first column's left edge to its last column's right edge, the
/// median edges of the column's one-column cells (and likewise for rows).
/// A structure model's boxes are often off by a cell's width in one row (a
/// header cell drawn over two columns' words: "Q3 Q4" in one cell, "Total"
/// beside it, the last empty) while the column's other cells agree on where
/// it is. A cell whose column or row has no such edges keeps its own box.
pub(crate) fn aligned_boxes(table: &Table) -> Vec<Option<BBox>> {
    let edges = |n: usize, span: fn(&parasol_doc::TableCell) -> (usize, usize), edge: fn(&BBox) -> f32| {
        let mut per: Vec<Vec<f32>> = vec![Vec::new(); n];
        for c in &table.cells {
            let (at, len) = span(c);
            if let (1, Some(b), Some(slot)) = (len, c.bbox, per.get_mut(at)) {
                slot.push(edge(&b));
            }
        }
        per.into_iter().map(|v| (!v.is_empty()).then(|| crate::text::median(v))).collect::<Vec<_>>()
    };
    let col = |c: &parasol_doc::TableCell| (c.col, c.colspan);
    let row = |c: &parasol_doc::TableCell| (c.row, c.rowspan);
    let (left, right) = (edges(table.cols, col, |b| b.x0), edges(table.cols, col, |b| b.x1));
    let (top, bottom) = (edges(table.rows, row, |b| b.y0), edges(table.rows, row, |b| b.y1));
    let at = |v: &[Option<f32>], i: usize| v.get(i).copied().flatten();
    table
        .cells
        .iter()
        .map(|c| {
            let b = c.bbox?;
            let last = |start: usize, span: usize| start + span.max(1) - 1;
            let (x0, x1) = match (at(&left, c.col), at(&right, last(c.col, c.colspan))) {
                (Some(x0), Some(x1)) if x0 < x1 => (x0, x1),
                _ => (b.x0, b.x1),
            };
            let (y0, y1) = match (at(&top, c.row), at(&bottom, last(c.row, c.rowspan))) {
                (Some(y0), Some(y1)) if y0 < y1 => (y0, y1),
                _ => (b.y0, b.y1),
            };
            Some(BBox { x0, y0, x1, y1 })
        })
        .collect()
}

/// Cuts a cell spanning rows into one cell per row when it holds nothing
/// or figures level with one of its rows only: a structure model draws a
/// sparse column's empty stretch as one tall cell ("Paid in" empty for
/// five rows and "511.00" on the fourth, all in a cell of six rows), and
/// the figure would be read on the first. A group's name over its rows
/// ("Mid dune" beside "Crest" and "Lee slope") is words and stays.
pub(crate) fn unspan_figures(table: &mut Table, words: &[&TextLine]) {
    let boxes = aligned_boxes(table);
    let per_cell = lines_in(&boxes, words);
    // Each row's band: the median top and bottom of its one-row cells.
    let band = |r: usize| {
        let (mut tops, mut bottoms) = (Vec::new(), Vec::new());
        for (c, b) in table.cells.iter().zip(&boxes) {
            if let (true, Some(b)) = (c.row == r && c.rowspan.max(1) == 1, b) {
                tops.push(b.y0);
                bottoms.push(b.y1);
            }
        }
        (!tops.is_empty()).then(|| (crate::text::median(tops), crate::text::median(bottoms)))
    };
    let bands: Vec<Option<(f32, f32)>> = (0..table.rows).map(band).collect();
    let mut cut: Vec<usize> = Vec::new();
    for (i, (c, texts)) in table.cells.iter().zip(&per_cell).enumerate() {
        let rows = c.row..(c.row + c.rowspan.max(1)).min(table.rows);
        if rows.len() < 2 || c.colspan.max(1) != 1 || rows.clone().any(|r| bands[r].is_none()) {
            continue;
        }
        let row_of = |t: &TextLine| {
            let y = t.bbox.center()[1];
            rows.clone().find(|&r| bands[r].is_some_and(|(y0, y1)| y0 <= y && y < y1))
        };
        let first = texts.first().and_then(|t| row_of(t));
        let one_row = texts
            .iter()
            .all(|t| crate::text::is_figure(&t.text) && row_of(t).is_some() && row_of(t) == first);
        if texts.is_empty() || one_row {
            cut.push(i);
        }
    }
    for &i in cut.iter().rev() {
        let c = table.cells.remove(i);
        let (x0, x1) = c.bbox.map_or((0.0, 0.0), |b| (b.x0, b.x1));
        let end = (c.row + c.rowspan.max(1)).min(table.rows);
        for (r, band) in bands.iter().enumerate().take(end).skip(c.row) {
            let bbox = band.map(|(y0, y1)| BBox { x0, y0, x1, y1 });
            table.cells.push(parasol_doc::TableCell {
                row: r,
                rowspan: 1,
                text: String::new(),
                bbox,
                ..c.clone()
            });
        }
    }
    table.cells.sort_by_key(|c| (c.row, c.col));
}

/// A table region's first row of text is the page's title, not a row,
/// when it is one piece of text set this many times the table's type.
const TITLE_FONT_RATIO: f32 = 1.3;

/// Rows of text at a table region's ends that a gap sets apart from the
/// rest, at most: a slide's footer and page number below a table.
const LOOSE_END_ROWS: usize = 2;

/// A table's last row is a note below it, not a row, when its type is at
/// most this share of the table's and it starts as a note does
/// ([`crate::text::is_note_start`]).
const NOTE_FONT_RATIO: f32 = 0.9;

/// A gap sets rows apart from a table when it is this many times the
/// median gap between its rows, and …
const LOOSE_GAP_RATIO: f32 = 3.0;

/// … at least this many heights of its text.
const LOOSE_GAP_HEIGHTS: f32 = 2.0;

/// The part of a table region its rows of text fill, when text at its top
/// or bottom is no part of the table: a first row that is one piece of
/// text in type well above the table's (a slide's title over its table) or
/// opens a caption ("Table 2-2 Comparison of …", which the layout model
/// boxed with its table), and up to [`LOOSE_END_ROWS`] rows at either end set apart by a gap far
/// wider than the table's own (a footer and page number the layout model
/// took in), or in smaller type starting as a note does ([`NOTE_FONT_RATIO`]).
/// `None` when every row belongs; at least three rows stay.
pub(crate) fn body_of(region: &BBox, lines: &[&TextLine]) -> Option<BBox> {
    let rows = crate::text::row_groups(lines);
    if rows.len() < 4 {
        return None;
    }
    let top = |row: &[&TextLine]| row.iter().map(|l| l.bbox.y0).fold(f32::INFINITY, f32::min);
    let bottom = |row: &[&TextLine]| row.iter().map(|l| l.bbox.y1).fold(f32::NEG_INFINITY, f32::max);
    let gaps: Vec<f32> = rows.windows(2).map(|w| (top(&w[1]) - bottom(&w[0])).max(0.0)).collect();
    let height = crate::text::median(lines.iter().map(|l| l.bbox.height()).collect());
    let wide = (LOOSE_GAP_RATIO * crate::text::median(gaps.clone())).max(LOOSE_GAP_HEIGHTS * height);
    let (mut first, mut last) = (0, rows.len() - 1);
    let font = crate::text::median(rows[1..].iter().flatten().map(|l| l.font_size).collect());
    let title = rows[0].len() == 1 && font > 0.0 && rows[0][0].font_size >= TITLE_FONT_RATIO * font;
    let caption = rows[0].len() <= 2 && crate::text::is_caption_start(&rows[0][0].text);
    if title || caption {
        first = 1;
    }
    // The widest gap within the end rows, if wide enough, cuts them off.
    let cut = |range: std::ops::Range<usize>| {
        range.filter(|&g| gaps[g] >= wide).max_by(|&a, &b| gaps[a].total_cmp(&gaps[b]))
    };
    if let Some(g) = cut(first..(first + LOOSE_END_ROWS).min(gaps.len())) {
        first = g + 1;
    }
    if let Some(g) = cut(gaps.len().saturating_sub(LOOSE_END_ROWS).max(first)..gaps.len()) {
        last = g;
    }
    // Notes in smaller type below the table's last row (a layout model's
    // table box taken down over its footnote).
    let note = |row: &[&TextLine]| {
        row.iter().all(|l| l.font_size > 0.0 && l.font_size <= NOTE_FONT_RATIO * font)
            && row.first().is_some_and(|l| crate::text::is_note_start(&l.text))
    };
    while last >= first + 3 && last + LOOSE_END_ROWS >= rows.len() && note(&rows[last]) {
        last -= 1;
    }
    if (first, last) == (0, rows.len() - 1) || last < first + 2 {
        return None;
    }
    let kept = rows[first..=last].iter().flatten().map(|l| l.bbox).reduce(|a, b| a.union(&b))?;
    let margin = height / 2.0;
    Some(BBox {
        x0: (kept.x0 - margin).max(region.x0),
        y0: (kept.y0 - margin).max(region.y0),
        x1: (kept.x1 + margin).min(region.x1),
        y1: (kept.y1 + margin).min(region.y1),
    })
}

/// Mirrors a table of right-to-left text (Arabic, Hebrew, Persian): its
/// first column is its rightmost, as it is read, so a key-value table
/// reads key then value in the HTML, the Markdown and the text.
pub(crate) fn right_to_left(table: &mut Table) {
    if !crate::text::is_rtl(table.cells.iter().map(|c| c.text.as_str())) {
        return;
    }
    for c in &mut table.cells {
        c.col = table.cols.saturating_sub(c.col + c.colspan.max(1));
    }
    table.cells.sort_by_key(|c| (c.row, c.col));
}

/// Drops a table's leading and trailing rows and columns that hold no
/// text (a structure drawn over a region larger than its table), cutting
/// the spans that reach into them.
pub(crate) fn trim_empty(table: &mut Table) {
    let covers = |start: usize, span: usize, i: usize| start <= i && i < start + span.max(1);
    let filled = |i: usize, row: bool| {
        table.cells.iter().any(|c| {
            !c.text.trim().is_empty()
                && if row { covers(c.row, c.rowspan, i) } else { covers(c.col, c.colspan, i) }
        })
    };
    let rows: Vec<usize> = (0..table.rows).filter(|&r| filled(r, true)).collect();
    let cols: Vec<usize> = (0..table.cols).filter(|&c| filled(c, false)).collect();
    let (Some(&r0), Some(&r1), Some(&c0), Some(&c1)) = (rows.first(), rows.last(), cols.first(), cols.last())
    else {
        return;
    };
    if (r0, r1, c0, c1) == (0, table.rows - 1, 0, table.cols - 1) {
        return;
    }
    // A cell keeps the part of its span inside [lo, hi]; one wholly outside goes.
    let clip = |start: usize, span: usize, lo: usize, hi: usize| {
        let (a, b) = (start.max(lo), (start + span.max(1) - 1).min(hi));
        (a <= b).then(|| (a - lo, b - a + 1))
    };
    table.cells = std::mem::take(&mut table.cells)
        .into_iter()
        .filter_map(|mut c| {
            let (row, rowspan) = clip(c.row, c.rowspan, r0, r1)?;
            let (col, colspan) = clip(c.col, c.colspan, c0, c1)?;
            (c.row, c.rowspan, c.col, c.colspan) = (row, rowspan, col, colspan);
            Some(c)
        })
        .collect();
    (table.rows, table.cols) = (r1 - r0 + 1, c1 - c0 + 1);
}

/// Drops a table's inner columns that hold text only in cells spanning
/// others too (a word table's gap between a header's words over
/// right-aligned figures, "Unit price Amount"), or none at all (a column
/// the structure model split off, under a caption cut from the table): no
/// cell of the column's own, so the column is no column; the spans over it
/// shrink by one.
pub(crate) fn drop_spanned_columns(table: &mut Table) {
    let mut col = 0;
    while col < table.cols {
        let covers = |c: &TableCell| c.col <= col && col < c.col + c.colspan.max(1);
        let own = table.cells.iter().any(|c| covers(c) && c.colspan <= 1 && !c.text.trim().is_empty());
        if own || table.cols <= 2 {
            col += 1;
            continue;
        }
        table.cells.retain(|c| !(c.col == col && c.colspan <= 1));
        for c in &mut table.cells {
            if c.col > col {
                c.col -= 1;
            } else if c.col + c.colspan > col {
                c.colspan -= 1;
            }
        }
        table.cols -= 1;
    }
}

/// Fewest entries (rows ending in a page number) of a table of contents
/// ([`is_contents`]).
const CONTENTS_MIN_ENTRIES: usize = 5;

/// Whether `table` is a table of contents set in two or three columns (a
/// title, its page; a section number before the title), which reads as
/// text, not as a table: its rows are a contents page's entries
/// ([`contents_entries`]), each row's last cell its page (a column of a
/// leader's last dots counting for none), or, where a structure model ran
/// the pages into the titles' cells ("Introduction 1"), each row's last
/// word. A drawn leader, or none, leaves the text no dots for
/// [`crate::text::is_index`], and the entries align as a table's cells do.
pub(crate) fn is_contents(table: &Table) -> bool {
    let leader = |t: &str| t.chars().all(|c| crate::text::is_leader_dot(c) || c.is_whitespace());
    let columns: std::collections::BTreeSet<usize> =
        table.cells.iter().filter(|c| !leader(&c.text)).map(|c| c.col).collect();
    let Some(&last_col) = columns.last() else { return false };
    if !(2..=3).contains(&columns.len()) {
        return false;
    }
    let row_text = |r: usize, last: Option<bool>| {
        let mut cells: Vec<&TableCell> = table
            .cells
            .iter()
            .filter(|c| c.row == r && last.is_none_or(|last| (c.col + c.colspan.max(1) > last_col) == last))
            .filter(|c| !leader(&c.text))
            .collect();
        cells.sort_by_key(|c| c.col);
        cells.iter().map(|c| c.text.trim()).collect::<Vec<_>>().join(" ")
    };
    let by_cells = (0..table.rows).map(|r| (row_text(r, Some(false)), row_text(r, Some(true))));
    let by_words = (0..table.rows).map(|r| {
        let text = row_text(r, None);
        match text.rsplit_once(' ') {
            Some((title, page)) => (title.to_string(), page.to_string()),
            None => (String::new(), text),
        }
    });
    contents_entries(by_cells) || contents_entries(by_words)
}

/// Whether `rows`, each a title and its page, are a contents page's
/// entries: every row's page is a page number
/// ([`crate::text::is_page_label`]) after a title with letters, but for a
/// first row naming the column ("Page"), a last row beyond the entries
/// (the first section's heading under the contents), rows of a title
/// alone and rows of a title ending in a leader (its page set apart); [`CONTENTS_MIN_ENTRIES`]
/// entries or more; the numbers never go down the page, and some step is
/// more than one (ranks and counts go up one by one) or a title ends in a
/// leader's dots (a short document's sections, several to a page).
fn contents_entries(rows: impl Iterator<Item = (String, String)>) -> bool {
    let dots = |title: &str| crate::text::leader_dots(title) >= LEADER_MIN_DOTS;
    let rows: Vec<(String, String)> = rows.collect();
    let mut pages: Vec<u32> = Vec::new();
    let mut dotted = false;
    for (r, (title, page)) in rows.iter().enumerate() {
        if page.is_empty() {
            continue;
        }
        if !crate::text::is_page_label(page) || !title.chars().any(char::is_alphabetic) {
            if r == 0 || r + 1 == rows.len() || dots(&format!("{title} {page}")) {
                continue;
            }
            return false;
        }
        dotted |= dots(title);
        // Roman numbers (front matter) take no part in the order.
        if let Ok(n) = page.parse::<u32>() {
            pages.push(n);
        }
    }
    pages.len() >= CONTENTS_MIN_ENTRIES
        && pages.windows(2).all(|w| w[0] <= w[1])
        && (dotted || pages.windows(2).any(|w| w[1] > w[0] + 1))
}

/// A title ending in this many leader dots (spaces aside) or more is a
/// contents entry's, whatever its pages ([`is_contents`]).
const LEADER_MIN_DOTS: usize = 3;

/// Header rows a table runs to at most: more leading rows of labels are
/// a table of text, not a header.
const MAX_HEADER_ROWS: usize = 3;

/// Marks a table's leading header rows when its structure named none (a
/// table read from its words, or one the structure model gave no
/// `<thead>`). The first row is a header when every cell in it is a label
/// (words, or a year over columns of figures) and it names a column of
/// values: one whose cells below are mostly numbers, or run several times
/// as long as its name ("Parameter | Description" over sentences). A
/// further row of labels is a header too when a cell above it spans
/// (a group's name over its columns). Nothing is marked on weaker
/// evidence: a table with no header is better than a data row in `<th>`.
/// When the structure named a header whose cell spans rows, the rows it
/// spans are header rows too.
pub(crate) fn mark_header_rows(table: &mut Table) {
    if table.rows < 2 || table.cols < 2 {
        return;
    }
    let row = |r: usize| table.cells.iter().filter(move |c| c.row == r);
    let labels = |r: usize| {
        let texts: Vec<&str> = row(r).map(|c| c.text.trim()).filter(|t| !is_placeholder(t)).collect();
        texts.len() >= 2 && texts.iter().all(|t| is_label(t) || (r == 0 && is_year(t)))
    };
    if table.cells.iter().any(|c| c.header) {
        // A header cell spanning rows ("구분" over two) makes the rows it
        // spans header rows, when they are labels or years.
        let reach =
            table.cells.iter().filter(|c| c.header).map(|c| c.row + c.rowspan.max(1)).max().unwrap_or(0);
        let spanned: Vec<usize> = (1..reach.min(MAX_HEADER_ROWS).min(table.rows - 1))
            .take_while(|&r| {
                row(r)
                    .map(|c| c.text.trim())
                    .filter(|t| !is_placeholder(t))
                    .all(|t| is_label(t) || is_year(t))
            })
            .collect();
        for c in table.cells.iter_mut().filter(|c| spanned.contains(&c.row)) {
            c.header = true;
        }
        return;
    }
    if !labels(0) {
        return;
    }
    let mut header = 1;
    while header < MAX_HEADER_ROWS.min(table.rows - 1)
        && labels(header)
        && table.cells.iter().any(|c| c.row < header && c.row + c.rowspan.max(1) <= header && c.colspan > 1)
    {
        header += 1;
    }
    let names_a_column = (0..table.cols).any(|col| {
        let in_col = |c: &&parasol_doc::TableCell| c.col <= col && col < c.col + c.colspan.max(1);
        let name: Vec<&str> =
            table.cells.iter().filter(|c| c.row < header).filter(in_col).map(|c| c.text.trim()).collect();
        let body: Vec<&str> = table
            .cells
            .iter()
            .filter(|c| c.row >= header && c.colspan <= 1)
            .filter(in_col)
            .map(|c| c.text.trim())
            .filter(|t| !is_placeholder(t))
            .collect();
        if name.iter().all(|t| t.is_empty()) || body.len() < 2 {
            return false;
        }
        let numbers = body.iter().filter(|t| crate::text::is_figure(t)).count();
        let words = |t: &str| t.split_whitespace().count();
        let name_words = name.iter().map(|t| words(t)).max().unwrap_or(0);
        let mean_words = body.iter().map(|t| words(t)).sum::<usize>() as f32 / body.len() as f32;
        3 * numbers >= 2 * body.len()
            || (name_words <= 3 && mean_words >= 4.0 && mean_words >= 3.0 * name_words as f32)
    });
    if names_a_column {
        for c in table.cells.iter_mut().filter(|c| c.row < header) {
            c.header = true;
        }
    }
}

/// A name: letters at least as many as digits ("Q1", "Gross tonnage").
fn is_label(text: &str) -> bool {
    text.chars().any(char::is_alphabetic) && !crate::text::is_figure(text)
}

/// A year set over a column ("2025", and in Korean, Japanese and Chinese
/// "2025년", "2025年", "2025年度"; "FY2026" is a label already).
fn is_year(text: &str) -> bool {
    let text = ["年度", "年", "년도", "년"].iter().find_map(|y| text.strip_suffix(y)).unwrap_or(text);
    text.len() == 4
        && text.chars().all(|c| c.is_ascii_digit())
        && (text.starts_with("19") || text.starts_with("20"))
}

/// An empty cell, or one a dash or a mark stands in for.
fn is_placeholder(text: &str) -> bool {
    !text.chars().any(char::is_alphanumeric)
}

/// Splits lines into words with boxes estimated from character counts.
pub(crate) fn split_words(lines: &[&TextLine]) -> Vec<TextLine> {
    let mut out = Vec::new();
    for l in lines {
        let chars = l.text.chars().count().max(1) as f32;
        let per_char = l.bbox.width() / chars;
        let mut offset = 0usize;
        for piece in l.text.split(' ') {
            let n = piece.chars().count();
            if n > 0 {
                let x0 = l.bbox.x0 + per_char * offset as f32;
                let bbox = parasol_doc::BBox { x0, x1: x0 + per_char * n as f32, ..l.bbox };
                let mut w = TextLine::from_bbox(bbox, piece, l.origin);
                w.score = l.score;
                w.font_size = l.font_size;
                out.push(w);
            }
            offset += n + 1;
        }
    }
    out
}

/// How far apart two boxes are, up and down and side to side: 0 along an
/// axis where they overlap, else the gap between their edges. A text no
/// cell holds goes to the nearest row first (a wrapped cell's last line
/// below its row's median bottom; a word past the last column's median
/// right edge), then to the nearest cell in it: a wide cell's centre is
/// far from a word at its edge that its box just misses.
fn apart(a: &BBox, b: &BBox) -> (f32, f32) {
    let dx = (a.x0 - b.x1).max(b.x0 - a.x1).max(0.0);
    let dy = (a.y0 - b.y1).max(b.y0 - a.y1).max(0.0);
    (dy, dx)
}

#[cfg(test)]
mod tests;
