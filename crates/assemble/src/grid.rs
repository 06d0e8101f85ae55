//! Evidence that text is a table: words aligned into columns across rows
//! ([`grid_areas`], which finds tables the layout model missed), and a
//! recognised table structure that agrees with the words in it
//! ([`structure_agrees`], which every table must pass to stay a table).
//!
//! The thresholds were set on the PubTabNet crops (`tables/pubtabnet`, 40
//! tables) against the text-only pages of Docling's PDFs and PubLayNet's
//! examples (`parasol-eval varied`); see `docs/BENCHMARKS.md`.

use parasol_doc::{BBox, Category, Region, Table, TableCell, TextLine};

use crate::PageText;

use crate::text::{level, median};

/// Pieces of text on one row closer than this many text heights are one
/// cell's text (a word space is about a third of a height); wider gaps
/// separate cells.
const CELL_GAP: f32 = 0.8;

/// A vertical gap of this many text heights between rows ends a block of
/// rows that could be one table.
const BLOCK_GAP: f32 = 3.0;

/// Fewest rows with two or more cells for words to count as a grid...
const MIN_GRID_ROWS: usize = 3;

/// ...or, for a wide grid of at least [`WIDE_GRID_COLUMNS`] columns, this
/// many (a header row above a single row of values).
const WIDE_GRID_MIN_ROWS: usize = 2;

/// Columns that make a grid wide.
const WIDE_GRID_COLUMNS: usize = 4;

/// A column gap (gutter) is free of text in at least this share of the
/// grid's rows with two or more cells (a spanning header may cross it).
const GUTTER_FREE_SHARE: f32 = 0.7;

/// A gutter narrower than this many text heights is a word space.
const MIN_GUTTER: f32 = 0.5;

/// Cells of a table are short: the median cell of a recognised table holds
/// at most this many words (the wordiest of the 40 PubTabNet tables: 5).
/// Running text broken into columns (a two-column page) holds more in each
/// piece of a row.
const MAX_CELL_WORDS: usize = 5;

/// Words alone (no layout model marking a table) are held to shorter cells:
/// the median piece of a grid row holds at most this many words. A form's
/// labels and answers, wordier, stay text.
const GRID_MAX_CELL_WORDS: usize = 3;

/// Text set in a monospaced font is code, not a table, however its
/// columns align: the advance per character of its words varies by less
/// than this share of its mean (code listings in Docling's `redp5110`:
/// below 0.001; proportional text in tables: 0.13–0.21).
const MONOSPACED_VARIATION: f32 = 0.05;

/// Two aligned columns of words are as often a form, a list (bullets and
/// items) or code as a table: a grid of only two columns counts when at
/// least this share of its second-column cells are numbers, or when the
/// median second-column cell is one word (a code, a name: PubTabNet's
/// primer table).
const TWO_COLUMN_NUMERIC_SHARE: f32 = 0.5;

/// A recognised table of two columns needs one of numbers or of short
/// terms: at most this many words in its median cell (a manual's "Special
/// register | Corresponding value" table: 2; the label column of a
/// Persian form read as one page-wide table: 4). Words alone, with no
/// structure recognised, are held to single words (see
/// [`TWO_COLUMN_NUMERIC_SHARE`]).
const TERM_MAX_WORDS: usize = 2;

/// A horizontal rule ([`PageText::rules`]) is one of a grid's borders
/// when it reaches across this share of the grid's width...
const RULE_SPAN: f32 = 0.9;

/// ...and lies within this many text heights of its rows.
const RULE_REACH: f32 = 1.5;

/// A journal's table has fewer rules between its rows of text than one
/// for every this many ([`is_ruled`]).
const ROWS_PER_INNER_RULE: usize = 4;

/// A paragraph region is a table when a grid spans this share of its rows
/// (a caption or a note may be in the region too).
const REGION_GRID_SHARE: f32 = 0.8;

/// When a grid spans at least this share of a page's rows of text, the page
/// is one table (a table photographed or cropped on its own), and its area is
/// all of the page's text.
const PAGE_TABLE_SHARE: f32 = 0.6;

/// A recognised table agrees with its words when at least this share of its
/// cells hold text...
const MIN_FILLED_SHARE: f32 = 0.5;

/// ...and at most this share of its words straddle two columns (see
/// [`crate::tables::columns_straddled`]); the most among true tables was
/// 0.10 (PubLayNet `PMC5678782_00005`, words cut from OCR lines).
const MAX_STRADDLING_SHARE: f32 = 0.15;

/// Text on one row between column gaps.
#[derive(Debug, Clone)]
struct Cell {
    bbox: BBox,
    words: usize,
    numeric: bool,
    /// Its text is the text layer's words (not OCR's lines).
    layer: bool,
}

/// Whether a cell's text is a number (digits with the signs, separators and
/// units tables set beside them: `-0.1024`, `31.55 to 47.12`, `12 (4%)`).
fn is_numeric(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    digits > 0 && digits >= letters
}

/// Texts grouped into visual rows (by centre, as [`crate::text::rows`]),
/// top to bottom, each row left to right.
fn visual_rows<'a>(texts: &[&'a TextLine]) -> Vec<Vec<&'a TextLine>> {
    let mut sorted = texts.to_vec();
    sorted.sort_by(|a, b| a.bbox.center()[1].total_cmp(&b.bbox.center()[1]));
    let mut rows: Vec<Vec<&TextLine>> = Vec::new();
    for t in sorted {
        match rows.last_mut() {
            Some(row) if row.iter().any(|r| level(&r.bbox, &t.bbox)) => row.push(t),
            _ => rows.push(vec![t]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    }
    rows
}

/// Each row's texts joined into cells at gaps of [`CELL_GAP`] heights.
fn cell_rows(texts: &[&TextLine]) -> Vec<Vec<Cell>> {
    visual_rows(texts)
        .into_iter()
        .map(|row| {
            let mut cells: Vec<(BBox, Vec<&str>)> = Vec::new();
            let layer = row.iter().all(|t| t.origin == parasol_doc::TextOrigin::TextLayer);
            for t in row {
                let h = t.bbox.height().max(1.0);
                match cells.last_mut() {
                    Some((b, texts)) if t.bbox.x0 - b.x1 < CELL_GAP * h => {
                        *b = b.union(&t.bbox);
                        texts.push(&t.text);
                    }
                    _ => cells.push((t.bbox, vec![&t.text])),
                }
            }
            // A list's bullet, set apart from its item, marks a line of
            // text, not a cell of a table.
            if cells.len() >= 2 && is_bullet(&cells[0].1.join(" ")) {
                let (bbox, _) = cells.remove(0);
                cells[0].0 = cells[0].0.union(&bbox);
            }
            // The choices of a multiple-choice question set side by side
            // ("A. nucleus", "B. mitochondrion") are a line of text too.
            let joined: Vec<String> = cells.iter().map(|(_, t)| t.join(" ")).collect();
            if crate::text::is_choice_row(joined.iter().map(String::as_str)) {
                let bbox = cells.iter().map(|(b, _)| *b).reduce(|a, b| a.union(&b)).unwrap_or_default();
                let texts: Vec<&str> = cells.drain(..).flat_map(|(_, t)| t).collect();
                cells.push((bbox, texts));
            }
            cells
                .into_iter()
                .map(|(bbox, texts)| {
                    let text = texts.join(" ");
                    Cell { bbox, words: text.split_whitespace().count(), numeric: is_numeric(&text), layer }
                })
                .collect()
        })
        .filter(|r: &Vec<Cell>| !r.is_empty())
        .collect()
}

/// A lone bullet glyph (`•`, `–`, `*` …, as [`crate::text::is_list_item`] knows them).
fn is_bullet(text: &str) -> bool {
    let mut chars = text.trim().chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if !c.is_alphanumeric() && crate::text::is_list_item(&format!("{c} x")))
}

fn row_box(row: &[Cell]) -> BBox {
    row.iter().skip(1).fold(row[0].bbox, |a, c| a.union(&c.bbox))
}

/// The column gaps of `rows` (those with two or more cells): x intervals
/// free of text in [`GUTTER_FREE_SHARE`] of them, with text on both sides in
/// at least [`WIDE_GRID_MIN_ROWS`] of them, at least [`MIN_GUTTER`] heights wide.
fn gutters(rows: &[&Vec<Cell>], height: f32) -> Vec<(f32, f32)> {
    let x0 = rows.iter().map(|r| r[0].bbox.x0).fold(f32::INFINITY, f32::min).floor();
    let x1 = rows.iter().map(|r| row_box(r).x1).fold(f32::NEG_INFINITY, f32::max).ceil();
    if !x0.is_finite() || !x1.is_finite() || x1 <= x0 {
        return Vec::new();
    }
    let width = (x1 - x0) as usize + 1;
    // Per x: rows with text over it, and rows with text on both sides of it.
    let (mut covered, mut inside) = (vec![0usize; width], vec![0usize; width]);
    let span = |b: &BBox| (b.x0 - x0).max(0.0) as usize..((b.x1 - x0) as usize + 1).min(width);
    for row in rows {
        for c in row.iter() {
            for x in span(&c.bbox) {
                covered[x] += 1;
            }
        }
        for x in span(&row_box(row)) {
            inside[x] += 1;
        }
    }
    let open = covered.iter().zip(&inside).map(|(&covered, &inside)| {
        (rows.len() - covered) as f32 >= GUTTER_FREE_SHARE * rows.len() as f32 && inside >= WIDE_GRID_MIN_ROWS
    });
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    // A closed slot past the end closes the last gutter.
    for (x, open) in open.chain(std::iter::once(false)).enumerate() {
        match (open, start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                if (x - s) as f32 >= MIN_GUTTER * height {
                    out.push((x0 + s as f32, x0 + x as f32));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether a column of cells, each `(is a number, words)`, holds a
/// table's values or terms: [`TWO_COLUMN_NUMERIC_SHARE`] of them numbers,
/// or at most `max_words` words in the median cell. Two columns of which
/// neither does are a form's labels and answers, a list or prose, not a
/// table.
fn holds_values(cells: impl Iterator<Item = (bool, usize)>, max_words: usize) -> bool {
    let (mut numeric, mut words) = (0, Vec::new());
    for (is_number, n) in cells {
        numeric += usize::from(is_number);
        words.push(n as f32);
    }
    let n = words.len();
    numeric as f32 >= TWO_COLUMN_NUMERIC_SHARE * n.max(1) as f32 || median(words) <= max_words as f32
}

/// The evidence a block of rows gives for being a table.
#[derive(Debug, Clone, PartialEq)]
struct Grid {
    /// The box of its rows with two or more cells.
    bbox: BBox,
    /// The first of them, in the block's rows...
    first: usize,
    /// ...and the rows from it to the last of them.
    span: usize,
    /// The x at the middle of each column gap ([`gutters`]), left to right.
    splits: Vec<f32>,
}

/// Whether `rows` (one block, top to bottom) hold a grid: at least
/// [`MIN_GRID_ROWS`] rows of two or more cells (fewer for a wide grid),
/// separated by shared column gaps, with short cells, and not a form's
/// labels and values: two columns need values or single words in the
/// second, or rules drawn around them ([`is_ruled`]: a journal's table of
/// methods and their descriptions).
fn grid_of(rows: &[Vec<Cell>], rules: &[BBox]) -> Option<Grid> {
    let multi: Vec<&Vec<Cell>> = rows.iter().filter(|r| r.len() >= 2).collect();
    if multi.len() < WIDE_GRID_MIN_ROWS {
        return None;
    }
    let first = rows.iter().position(|r| r.len() >= 2)?;
    let last = rows.iter().rposition(|r| r.len() >= 2)?;
    let height = median(multi.iter().flat_map(|r| r.iter().map(|c| c.bbox.height())).collect());
    // In a text layer's rows, a gap only the rows of two or more cells
    // leave free is no column gap when the rows of one piece over it cross
    // it as often: a two-column page's lines, where the few rows whose
    // lines stand level in both columns (a table's rows beside a section's
    // number) look like cells. (OCR's rows are not held to it: a form's
    // labels and wrapped answers, read as rows, lose less kept together;
    // FUNSD, `parasol-eval varied`.)
    let gutters: Vec<(f32, f32)> = gutters(&multi, height)
        .into_iter()
        .filter(|&(a, b)| {
            let over: Vec<&Vec<Cell>> = rows[first..=last]
                .iter()
                .filter(|r| {
                    r.iter().all(|c| c.layer) && {
                        let rb = row_box(r);
                        rb.x0 < a && rb.x1 > b
                    }
                })
                .collect();
            let crossing = over.iter().filter(|r| r.iter().any(|c| c.bbox.x0 < a && c.bbox.x1 > b)).count();
            (over.len() - crossing) as f32 >= GUTTER_FREE_SHARE * over.len() as f32
        })
        .collect();
    let columns = gutters.len() + 1;
    if gutters.is_empty() || (multi.len() < MIN_GRID_ROWS && columns < WIDE_GRID_COLUMNS) {
        return None;
    }
    let splits: Vec<f32> = gutters.iter().map(|(a, b)| (a + b) / 2.0).collect();
    let cells: Vec<Cell> = multi
        .iter()
        .flat_map(|r| if r.iter().all(|c| c.layer) { column_cells(r, &splits) } else { r.to_vec() })
        .collect();
    if median(cells.iter().map(|c| c.words as f32).collect()) > GRID_MAX_CELL_WORDS as f32 {
        return None;
    }
    // A text layer's row is one of the grid's when its pieces stand in two
    // of its columns or more: a section's number beside its title, both in
    // the first column, is one cell (a contents page's entries, their
    // pages a column apart, do not run on into the sections under them).
    let column_of = |c: &Cell| splits.iter().filter(|&&s| s < c.bbox.center()[0]).count();
    let grid_row = |r: &Vec<Cell>| {
        r.len() >= 2 && (!r.iter().all(|c| c.layer) || r.iter().any(|c| column_of(c) != column_of(&r[0])))
    };
    let (Some(first), Some(last)) = (rows.iter().position(grid_row), rows.iter().rposition(grid_row)) else {
        return None;
    };
    let in_grid: Vec<&Vec<Cell>> = rows.iter().filter(|r| grid_row(r)).collect();
    if in_grid.len() < WIDE_GRID_MIN_ROWS {
        return None;
    }
    let bbox = in_grid.iter().skip(1).fold(row_box(in_grid[0]), |a, r| a.union(&row_box(r)));
    if columns == 2 {
        let split = gutters[0].1;
        let values = cells.iter().filter(|c| c.bbox.x0 >= split).map(|c| (c.numeric, c.words));
        if !holds_values(values, 1) && !is_ruled(&multi, rules, height) {
            return None;
        }
    }
    Some(Grid { bbox, first, span: last + 1 - first, splits })
}

/// A row's pieces joined between the column gaps at `splits`: one cell a
/// column. A justified line of a text layer spreads its words apart, each
/// a piece of its own; within its column they are one cell of many words.
/// (OCR's lines already join a line's words; a form's label and its entry,
/// two lines in one column, stay two pieces.)
fn column_cells(row: &[Cell], splits: &[f32]) -> Vec<Cell> {
    let mut out: Vec<(usize, Cell)> = Vec::new();
    for c in row {
        let col = splits.iter().filter(|&&s| s < c.bbox.center()[0]).count();
        match out.last_mut() {
            Some((k, cell)) if *k == col => {
                cell.bbox = cell.bbox.union(&c.bbox);
                cell.words += c.words;
                cell.numeric &= c.numeric;
            }
            _ => out.push((col, c.clone())),
        }
    }
    out.into_iter().map(|(_, c)| c).collect()
}

/// The table that `words` (a table region's, the layout model's table
/// structure having failed [`structure_agrees`]) form by their alignment
/// alone, and its box: one row per visual row from the first to the last
/// of two or more cells (text above or below is no part of it: a
/// receipt's shop name over its items), columns split at the gaps shared
/// by the rows ([`gutters`]), a piece of text across a gap spanning the
/// columns on both sides. `None` when the words hold no grid
/// ([`grid_of`]). A table model trained on ruled journal tables reads an
/// unruled receipt's items as a single column; the words still line up.
pub(crate) fn word_table(words: &[&TextLine]) -> Option<(Table, BBox)> {
    let texts: Vec<&TextLine> = words.iter().copied().filter(|t| !t.text.trim().is_empty()).collect();
    let rows = cell_rows(&texts);
    let grid = grid_of(&rows, &[])?;
    let rows = &rows[grid.first..grid.first + grid.span];
    let column = |x: f32| grid.splits.iter().filter(|&&s| s < x).count();
    let cols = grid.splits.len() + 1;
    let mut cells = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        // (first column, last column, box) of each piece, pieces in one
        // column joined.
        let mut slots: Vec<(usize, usize, BBox)> = Vec::new();
        for c in row {
            let (first, last) = (column(c.bbox.x0), column(c.bbox.x1).max(column(c.bbox.x0)));
            match slots.last_mut() {
                Some((_, end, b)) if *end >= first => {
                    *end = (*end).max(last);
                    *b = b.union(&c.bbox);
                }
                _ => slots.push((first, last, c.bbox)),
            }
        }
        let mut next = 0;
        for (first, last, bbox) in slots {
            cells.extend((next..first).map(|col| empty_cell(r, col)));
            cells.push(TableCell {
                row: r,
                col: first,
                rowspan: 1,
                colspan: last + 1 - first,
                header: false,
                text: String::new(),
                bbox: Some(bbox),
            });
            next = last + 1;
        }
        cells.extend((next..cols).map(|col| empty_cell(r, col)));
    }
    let bbox = rows.iter().map(|r| row_box(r)).reduce(|a, b| a.union(&b))?;
    Some((Table { rows: rows.len(), cols, cells }, bbox))
}

fn empty_cell(row: usize, col: usize) -> TableCell {
    TableCell { row, col, rowspan: 1, colspan: 1, header: false, text: String::new(), bbox: None }
}

/// Areas of `page` whose text forms a grid (see the module's constants):
/// tables the layout model did not mark. The text is the page's words when
/// it has them, else its lines, leaving out what lies in table regions
/// (already tables) and in figures and charts (a diagram's labels line up
/// by chance), unless the figure is a photographed page
/// ([`crate::layout::is_page_photo`]: a layout model may take a picture of
/// a table for a figure). A grid that spans most of the page's rows makes
/// all of the page's text one area. A paragraph or equation region of the
/// layout model whose own rows are nearly all a grid is one too: a table
/// the model took for a paragraph or a formula, set so close to the text
/// around it that the page's rows run on into two columns of prose.
pub fn grid_areas(page: &PageText) -> Vec<BBox> {
    use crate::layout::{contained, is_page_photo, LINE_IN_REGION};
    let source = if page.words.is_empty() { &page.lines } else { &page.words };
    let outside: Vec<&Region> = page
        .regions
        .iter()
        .filter(|r| match r.category {
            Category::Table => true,
            Category::Figure | Category::Chart => !is_page_photo(r, page),
            _ => false,
        })
        .collect();
    let texts: Vec<&TextLine> = source
        .iter()
        .filter(|t| !outside.iter().any(|r| contained(&t.bbox, &r.bbox) >= LINE_IN_REGION))
        .collect();
    let mut areas = grid_areas_of(&texts, &page.rules);
    for region in
        page.regions.iter().filter(|r| matches!(r.category, Category::Paragraph | Category::Equation))
    {
        if areas.iter().any(|a| a.intersection(&region.bbox).is_some()) {
            continue;
        }
        let inside: Vec<&TextLine> =
            texts.iter().copied().filter(|t| contained(&t.bbox, &region.bbox) >= LINE_IN_REGION).collect();
        if let Some(area) = region_grid(&inside, &page.rules) {
            areas.push(area);
        }
    }
    areas
}

/// The box of the grid `texts` (one text region's) form, when it spans
/// [`REGION_GRID_SHARE`] of their rows ([`grid_of`]).
fn region_grid(texts: &[&TextLine], rules: &[BBox]) -> Option<BBox> {
    let texts: Vec<&TextLine> = texts.iter().copied().filter(|t| !t.text.trim().is_empty()).collect();
    let rows = cell_rows(&texts);
    let grid = grid_of(&rows, rules)?;
    (grid.span as f32 >= REGION_GRID_SHARE * rows.len() as f32).then_some(grid.bbox)
}

/// Whether a grid's `rows` (those of two or more cells, top to bottom),
/// text `height` pixels tall, are set as a journal's table: `rules`
/// reaching across them ([`RULE_SPAN`], within [`RULE_REACH`] heights)
/// above the first row and under it (the header's rule), and few between
/// the rows below: fewer than one for every [`ROWS_PER_INNER_RULE`] rows
/// of text (a group's rule now and then). A form ruled as a grid of labels
/// and answers rules every record, however many lines its cells wrap to; forms rule each answer's
/// line, not the width of both columns; a two-column page's text is too
/// wordy to be a grid.
fn is_ruled(rows: &[&Vec<Cell>], rules: &[BBox], height: f32) -> bool {
    let (Some(first), Some(second)) = (rows.first().map(|r| row_box(r)), rows.get(1).map(|r| row_box(r)))
    else {
        return false;
    };
    let bbox = rows.iter().fold(first, |a, r| a.union(&row_box(r)));
    let (reach, slack) = (RULE_REACH * height, 0.5 * height);
    let across: Vec<&BBox> = rules
        .iter()
        .filter(|r| {
            r.x1.min(bbox.x1) - r.x0.max(bbox.x0) >= RULE_SPAN * bbox.width()
                && r.y0 >= bbox.y0 - reach
                && r.y1 <= bbox.y1 + reach
        })
        .collect();
    let above = across.iter().any(|r| r.y1 <= first.y0 + slack);
    let header = across.iter().any(|r| r.y0 >= first.y1 - slack && r.y1 <= second.y0 + slack);
    let between = across.iter().filter(|r| r.y0 > second.y0 && r.y1 <= bbox.y1 - slack).count();
    above && header && ROWS_PER_INNER_RULE * between < rows.len()
}

fn grid_areas_of(texts: &[&TextLine], rules: &[BBox]) -> Vec<BBox> {
    let texts: Vec<&TextLine> = texts.iter().copied().filter(|t| !t.text.trim().is_empty()).collect();
    let rows = cell_rows(&texts);
    if rows.is_empty() {
        return Vec::new();
    }
    let height = median(rows.iter().flat_map(|r| r.iter().map(|c| c.bbox.height())).collect()).max(1.0);
    let mut blocks: Vec<Vec<Vec<Cell>>> = Vec::new();
    let mut last_bottom = f32::NEG_INFINITY;
    for row in rows {
        let b = row_box(&row);
        match blocks.last_mut() {
            Some(block) if b.y0 - last_bottom < BLOCK_GAP * height => block.push(row),
            _ => blocks.push(vec![row]),
        }
        last_bottom = last_bottom.max(b.y1);
    }
    let total_rows: usize = blocks.iter().map(Vec::len).sum();
    let grids: Vec<Grid> = blocks.iter().filter_map(|b| grid_of(b, rules)).collect();
    let in_grids: usize = grids.iter().map(|g| g.span).sum();
    if !grids.is_empty() && in_grids as f32 >= PAGE_TABLE_SHARE * total_rows as f32 {
        let all = texts.iter().skip(1).fold(texts[0].bbox, |a, t| a.union(&t.bbox));
        return vec![all];
    }
    grids.into_iter().map(|g| g.bbox).collect()
}

/// The coefficient of variation of the advance per character over words of
/// at least [`MONO_MIN_CHARS`] letters from the text layer; `None` with
/// fewer than [`MONO_MIN_WORDS`] such words.
fn advance_variation(words: &[&TextLine]) -> Option<f32> {
    let per_char: Vec<f32> = words
        .iter()
        .filter(|w| w.origin == parasol_doc::TextOrigin::TextLayer)
        // Digits take one width in nearly every font (tabular figures), so
        // only words of letters tell a monospaced font from a proportional one.
        .filter(|w| w.text.chars().all(char::is_alphabetic))
        .filter_map(|w| {
            let n = w.text.chars().count();
            (n >= MONO_MIN_CHARS).then(|| w.bbox.width() / n as f32)
        })
        .collect();
    if per_char.len() < MONO_MIN_WORDS {
        return None;
    }
    let mean = per_char.iter().sum::<f32>() / per_char.len() as f32;
    let var = per_char.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / per_char.len() as f32;
    (mean > 0.0).then(|| var.sqrt() / mean)
}

/// Words of fewer characters say little about the font's advances.
const MONO_MIN_CHARS: usize = 4;

/// Fewest such words to judge a font monospaced.
const MONO_MIN_WORDS: usize = 8;

/// Whether a recognised table's structure agrees with the words filled into
/// it: its cells agree with their text ([`cells_agree`], `ruled` when the
/// table is set between rules, [`is_ruled_area`]) and few words straddle
/// two cells. `words` are the pieces of text the table was filled from, in
/// page pixels, as its cells' boxes.
pub fn structure_agrees(table: &Table, words: &[&TextLine], ruled: bool) -> bool {
    if !cells_agree(table, words, ruled) {
        return false;
    }
    let straddling = words.iter().filter(|w| crate::tables::columns_straddled(table, &w.bbox) >= 2).count();
    (straddling as f32) <= MAX_STRADDLING_SHARE * words.len().max(1) as f32
}

/// Whether a table's structure merges records that its words keep apart:
/// a cell stacks two or more amounts on rows of their own, each level with
/// a label (text, not a number) in another cell of its row (a receipt's
/// "RM134.80" and "RM2.35" beside "KNORR CHICKEN STOCK" and "GARDENIA
/// WHITE" in one row of two cells). A value over its deviation ("38507",
/// "(24.0)") has one label level with it, not one each.
pub(crate) fn merges_records(table: &Table, words: &[&TextLine]) -> bool {
    let per_cell = crate::tables::cell_lines(table, words);
    table.cells.iter().zip(&per_cell).any(|(cell, lines)| {
        let beside = |l: &TextLine| {
            table.cells.iter().zip(&per_cell).any(|(other, others)| {
                other.row == cell.row
                    && other.col != cell.col
                    && others.iter().any(|m| level(&m.bbox, &l.bbox) && !crate::columns::is_number(&m.text))
            })
        };
        let mut amounts: Vec<&TextLine> =
            lines.iter().copied().filter(|l| crate::columns::is_number(&l.text) && beside(l)).collect();
        amounts.sort_by(|a, b| a.bbox.center()[1].total_cmp(&b.bbox.center()[1]));
        amounts.dedup_by(|a, b| level(&a.bbox, &b.bbox));
        amounts.len() >= 2
    })
}

/// A table's halves (the columns left and right of a boundary) keep fewer
/// than this share of the gaps between rows of text that each half has on
/// its own...
const SHARED_ROW_GAPS: f32 = 0.6;

/// ...and fewer than this share of either half's lines are level with a
/// line of the other: two blocks side by side, not a table.
const LEVEL_LINES: f32 = 0.75;

/// Fewest gaps between rows in each half for the halves to be judged.
const SIDE_MIN_GAPS: usize = 6;

/// A gap between rows of text is at least this share of their median height.
const ROW_GAP_SHARE: f32 = 0.1;

/// Whether a table's columns are two blocks of text side by side, as a
/// two-column menu or price list is: a table's rows are bands across all
/// its columns, so the gaps between the rows of its left columns are
/// gaps across the right ones too, and their lines are level; two
/// independent columns of lines keep few of each other's gaps
/// ([`SHARED_ROW_GAPS`]) and are level only by chance ([`LEVEL_LINES`]).
/// Judged at every column boundary, with `words` in their cells.
fn side_by_side(table: &Table, words: &[&TextLine]) -> bool {
    let per_cell = crate::tables::cell_lines(table, words);
    let gaps = |lines: &[&TextLine]| -> usize {
        let h = median(lines.iter().map(|l| l.bbox.height()).collect());
        let mut ys: Vec<(f32, f32)> = lines.iter().map(|l| (l.bbox.y0, l.bbox.y1)).collect();
        ys.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut reach = f32::NEG_INFINITY;
        let mut n = 0;
        for (k, &(lo, hi)) in ys.iter().enumerate() {
            if k > 0 && lo - reach >= ROW_GAP_SHARE * h {
                n += 1;
            }
            reach = reach.max(hi);
        }
        n
    };
    let level_share = |a: &[&TextLine], b: &[&TextLine]| {
        a.iter().filter(|x| b.iter().any(|y| level(&x.bbox, &y.bbox))).count() as f32 / a.len().max(1) as f32
    };
    (1..table.cols).any(|c| {
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for (cell, lines) in table.cells.iter().zip(&per_cell) {
            if cell.col < c && c < cell.col + cell.colspan {
                continue;
            }
            if cell.col < c {
                left.extend(lines.iter().copied());
            } else {
                right.extend(lines.iter().copied());
            }
        }
        let own = gaps(&left).min(gaps(&right));
        let both: Vec<&TextLine> = left.iter().chain(&right).copied().collect();
        own >= SIDE_MIN_GAPS
            && (gaps(&both) as f32) < SHARED_ROW_GAPS * own as f32
            && level_share(&left, &right).min(level_share(&right, &left)) < LEVEL_LINES
    })
}

/// Whether a column of `table` is lines of paragraphs
/// ([`crate::text::runs_as_prose`]), cells of consecutive rows read as
/// lines beside another column's text; a cell is in the column it starts
/// in. A paragraph with nothing beside it is a note in the table's area
/// (a requisition's terms between its fields). A résumé's main column
/// beside its sidebar, read row by row as a table of the words'
/// alignment ([`word_table`]), is no table. (A structure model's table
/// may cut a wordy cell's lines into rows of their own: a survey's
/// statements beside their figures, PubTabNet `PMC1626454_002_00`.)
pub(crate) fn has_prose_column(table: &Table) -> bool {
    let filled =
        |row: usize| table.cells.iter().filter(|c| c.row == row && !c.text.trim().is_empty()).count();
    (0..table.cols).any(|col| {
        let mut cells: Vec<(usize, &str)> = table
            .cells
            .iter()
            .filter(|c| c.col == col)
            .map(|c| (c.row, c.text.trim()))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        cells.sort_by_key(|&(r, _)| r);
        // Lines beside another column's text, one row or the next.
        let beside = |a: usize, b: usize| filled(a) >= 2 || filled(b) >= 2;
        let runs = cells
            .windows(2)
            .filter(|w| {
                w[1].0 == w[0].0 + 1 && beside(w[0].0, w[1].0) && crate::text::runs_on(w[0].1, w[1].1)
            })
            .count();
        runs >= crate::text::PROSE_MIN_RUNS
    })
}

/// Fewest filled cells below the first row in a column of figures
/// ([`has_figure_column`]).
const FIGURE_COLUMN_MIN_CELLS: usize = 3;

/// Whether a column of `table` holds figures: below its first row (a
/// header), [`FIGURE_COLUMN_MIN_CELLS`] filled cells or more, two thirds
/// of them figures ([`crate::text::is_figure`]: quantities, prices).
pub(crate) fn has_figure_column(table: &Table) -> bool {
    (0..table.cols).any(|col| {
        let cells: Vec<&str> = table
            .cells
            .iter()
            .filter(|c| c.row > 0 && c.col == col && c.colspan == 1)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        let figures = cells.iter().filter(|t| crate::text::is_figure(t)).count();
        cells.len() >= FIGURE_COLUMN_MIN_CELLS && 3 * figures >= 2 * cells.len()
    })
}

/// The median cell of a table set between a journal's rules
/// ([`is_ruled_area`]) holds at most this many words: a trial's design or
/// finding in a review's table runs to a line or two; a sentence of
/// running text is longer.
const RULED_MAX_CELL_WORDS: usize = 12;

/// Whether the text `lines` (a table region's) is set as a journal's
/// table between `rules` ([`is_ruled`]).
pub(crate) fn is_ruled_area(lines: &[&TextLine], rules: &[BBox]) -> bool {
    if rules.is_empty() {
        return false;
    }
    let texts: Vec<&TextLine> = lines.iter().copied().filter(|t| !t.text.trim().is_empty()).collect();
    let rows = cell_rows(&texts);
    let multi: Vec<&Vec<Cell>> = rows.iter().filter(|r| r.len() >= 2).collect();
    let height = median(multi.iter().flat_map(|r| r.iter().map(|c| c.bbox.height())).collect());
    is_ruled(&multi, rules, height)
}

/// The median cell of a table of two columns, one of them terms
/// ([`is_keyed`]), holds at most this many words: a code's or a
/// parameter's description runs longer than a table's usual cell, a
/// line of running text longer still.
const KEYED_MAX_CELL_WORDS: usize = 8;

/// Whether `table` has two columns, one of them terms: every row's cell in
/// it filled, its median cell of at most [`TERM_MAX_WORDS`] words, most of
/// them no numbers (a product's codes, a parameter's names; not the line
/// numbers beside a page of text).
fn is_keyed(table: &Table) -> bool {
    table.cols == 2
        && (0..2).any(|col| {
            let cells: Vec<&str> = table
                .cells
                .iter()
                .filter(|c| c.col == col && c.colspan == 1)
                .map(|c| c.text.trim())
                .collect();
            let numbers = cells.iter().filter(|t| is_numeric(t)).count();
            cells.len() == table.rows
                && cells.iter().all(|t| !t.is_empty())
                && median(cells.iter().map(|t| t.split_whitespace().count() as f32).collect())
                    <= TERM_MAX_WORDS as f32
                && 2 * numbers < cells.len()
        })
}

/// Whether a filled table's cells read as a table's: two rows and two
/// columns at least, most cells hold text, cells are short (longer beside
/// a column of terms, [`is_keyed`], or between a journal's rules when
/// `ruled`, [`RULED_MAX_CELL_WORDS`]), a table of two
/// columns has a column of values ([`holds_values`]) or rules, the words are not
/// code set in a monospaced font, and the columns are not two blocks side
/// by side ([`side_by_side`]). A table the words form themselves
/// ([`word_table`]) is held to this alone: its columns are where its words
/// leave gaps, so none straddles them but by spanning.
pub(crate) fn cells_agree(table: &Table, words: &[&TextLine], ruled: bool) -> bool {
    if table.rows < 2 || table.cols < 2 || table.cells.is_empty() {
        return false;
    }
    if advance_variation(words).is_some_and(|v| v < MONOSPACED_VARIATION) {
        return false;
    }
    let filled: Vec<&str> =
        table.cells.iter().map(|c| c.text.as_str()).filter(|t| !t.trim().is_empty()).collect();
    if (filled.len() as f32) < MIN_FILLED_SHARE * table.cells.len() as f32 {
        return false;
    }
    let words_of = |t: &str| t.split_whitespace().count() as f32;
    let cell_words = median(filled.iter().map(|t| words_of(t)).collect());
    let keyed = cell_words <= KEYED_MAX_CELL_WORDS as f32 && is_keyed(table);
    if cell_words > MAX_CELL_WORDS as f32 && !keyed && !(ruled && cell_words <= RULED_MAX_CELL_WORDS as f32) {
        return false;
    }
    if table.cols == 2 {
        // Either column may hold the values (the left one in right-to-left text).
        let column = move |col: usize| {
            table
                .cells
                .iter()
                .filter(move |c| c.col == col && c.colspan == 1 && !c.text.trim().is_empty())
                .map(|c| (is_numeric(&c.text), c.text.split_whitespace().count()))
        };
        if !ruled && !holds_values(column(0), TERM_MAX_WORDS) && !holds_values(column(1), TERM_MAX_WORDS) {
            return false;
        }
    }
    !side_by_side(table, words)
}

#[cfg(test)]
mod tests;
