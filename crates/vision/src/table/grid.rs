//! Structure tokens to a grid: each cell's row, column and spans.
//!
//! The walk follows rapid-table's `TableMatch.decode_logic_points`: `<tr>`
//! starts a row at column 0, a cell takes the first free slot of its row, and
//! the slots a cell spans are marked taken, so a cell spanning rows pushes
//! the cells below it to the right. Unlike that walk, it tolerates what a
//! greedy decoder can emit: a cell outside any `<tr>` opens a row, rows
//! without cells are dropped, a `<td` whose attributes are cut short still
//! makes a cell, and a rowspan reaching past the last row is clamped.

use parasol_doc::{BBox, Table, TableCell};

use super::slanet::is_cell_token;

/// Builds the table from decoded tokens and their cell boxes (one per
/// cell-opening token, in order; see [`super::StructureTokens`]). Boxes are
/// clamped to the `width` × `height` crop; a cell without a box gets none.
pub fn table_from_tokens(tokens: &[String], boxes: &[[f32; 8]], width: f32, height: f32) -> Table {
    let mut grid = Grid::default();
    let mut in_thead = false;
    let mut cells_seen = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i].as_str();
        match token {
            "<thead>" => in_thead = true,
            "</thead>" => in_thead = false,
            "<tr>" | "</tr>" => grid.end_row(),
            t if is_cell_token(t) => {
                let (mut rowspan, mut colspan) = (1, 1);
                if t == "<td" {
                    // Attributes up to `>`; stop early at anything else.
                    while let Some(next) = tokens.get(i + 1) {
                        match span_attribute(next) {
                            Some(Span::Row(n)) => rowspan = n,
                            Some(Span::Col(n)) => colspan = n,
                            None => {
                                if next == ">" {
                                    i += 1;
                                }
                                break;
                            }
                        }
                        i += 1;
                    }
                }
                let bbox = boxes.get(cells_seen).map(|b| clamp_box(b, width, height));
                cells_seen += 1;
                grid.place(rowspan, colspan, in_thead, bbox);
            }
            _ => {}
        }
        i += 1;
    }
    grid.finish()
}

enum Span {
    Row(usize),
    Col(usize),
}

/// ` rowspan="3"` → `Row(3)`; spans below 1 count as 1.
fn span_attribute(token: &str) -> Option<Span> {
    let (name, value) = token.trim().split_once('=')?;
    let n = value.trim().trim_matches(|c| c == '"' || c == '\'').parse::<usize>().ok()?.max(1);
    match name.trim() {
        "rowspan" => Some(Span::Row(n)),
        "colspan" => Some(Span::Col(n)),
        _ => None,
    }
}

/// The axis-aligned box around the four corners, inside the crop.
fn clamp_box(b: &[f32; 8], width: f32, height: f32) -> BBox {
    let xs = [b[0], b[2], b[4], b[6]];
    let ys = [b[1], b[3], b[5], b[7]];
    let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
    let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
    let cx = |x: f32| x.clamp(0.0, width.max(0.0));
    let cy = |y: f32| y.clamp(0.0, height.max(0.0));
    BBox { x0: cx(min(xs)), y0: cy(min(ys)), x1: cx(max(xs)), y1: cy(max(ys)) }
}

/// The occupancy grid being filled, row by row.
#[derive(Default)]
struct Grid {
    /// The current row and whether a cell has started in it.
    row: usize,
    row_has_cells: bool,
    col: usize,
    /// `taken[r][c]`: slot (r, c) is covered by a cell; rows grow on demand.
    taken: Vec<Vec<bool>>,
    cells: Vec<TableCell>,
}

impl Grid {
    /// Closes the current row if it has cells (`<tr>` or `</tr>`), so that
    /// `<tr>…</tr><tr>`, a missing `</tr>` and empty rows all do the right
    /// thing.
    fn end_row(&mut self) {
        if self.row_has_cells {
            self.row += 1;
        }
        self.row_has_cells = false;
        self.col = 0;
    }

    fn is_taken(&self, r: usize, c: usize) -> bool {
        self.taken.get(r).and_then(|row| row.get(c)).copied().unwrap_or(false)
    }

    fn place(&mut self, rowspan: usize, colspan: usize, header: bool, bbox: Option<BBox>) {
        let r = self.row;
        while self.is_taken(r, self.col) {
            self.col += 1;
        }
        let c = self.col;
        if self.taken.len() < r + rowspan {
            self.taken.resize_with(r + rowspan, Vec::new);
        }
        for row in &mut self.taken[r..r + rowspan] {
            if row.len() < c + colspan {
                row.resize(c + colspan, false);
            }
            row[c..c + colspan].fill(true);
        }
        self.cells.push(TableCell { row: r, col: c, rowspan, colspan, header, text: String::new(), bbox });
        self.col += colspan;
        self.row_has_cells = true;
    }

    fn finish(self) -> Table {
        // Rows are numbered only when they hold a cell, so every row below
        // the last cell's row has a cell starting in it.
        let rows = self.cells.iter().map(|c| c.row + 1).max().unwrap_or(0);
        let mut cells = self.cells;
        for c in &mut cells {
            c.rowspan = c.rowspan.min(rows - c.row);
        }
        let cols = cells.iter().map(|c| c.col + c.colspan).max().unwrap_or(0);
        // Cells are created row by row, left to right; keep that order
        // explicit for the `Table` contract.
        cells.sort_by_key(|c| (c.row, c.col));
        Table { rows, cols, cells }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cell as `(row, col, rowspan, colspan, header)`.
    type Slot = (usize, usize, usize, usize, bool);

    #[track_caller]
    fn check(tokens: &str, expect: (usize, usize, &[Slot])) {
        let tokens: Vec<String> = tokens.split('|').map(str::to_owned).collect();
        let table = table_from_tokens(&tokens, &[], 100.0, 100.0);
        let got: Vec<Slot> =
            table.cells.iter().map(|c| (c.row, c.col, c.rowspan, c.colspan, c.header)).collect();
        assert_eq!((table.rows, table.cols, got.as_slice()), expect);
    }

    #[test]
    fn plain_grid_with_header() {
        check(
            "<thead>|<tr>|<td></td>|<td></td>|</tr>|</thead>|<tbody>|<tr>|<td></td>|<td></td>|</tr>|</tbody>",
            (2, 2, &[(0, 0, 1, 1, true), (0, 1, 1, 1, true), (1, 0, 1, 1, false), (1, 1, 1, 1, false)]),
        );
    }

    #[test]
    fn colspan_and_rowspan_shift_cells() {
        // | a (2 rows) | b c (colspan 2) |
        // |            | d   | e         |
        check(
            "<tr>|<td| rowspan=\"2\"|>|</td>|<td| colspan=\"2\"|>|</td>|</tr>|<tr>|<td></td>|<td></td>|</tr>",
            (2, 3, &[(0, 0, 2, 1, false), (0, 1, 1, 2, false), (1, 1, 1, 1, false), (1, 2, 1, 1, false)]),
        );
    }

    #[test]
    fn both_spans_on_one_cell() {
        check(
            "<tr>|<td| colspan=\"2\"| rowspan=\"2\"|>|</td>|<td></td>|</tr>|<tr>|<td></td>|</tr>",
            (2, 3, &[(0, 0, 2, 2, false), (0, 2, 1, 1, false), (1, 2, 1, 1, false)]),
        );
    }

    #[test]
    fn tolerates_malformed_sequences() {
        // No <tr> at all, a missing </tr>, an empty row, a <td without `>`,
        // and a rowspan past the end.
        check(
            "<td></td>|<tr>|<tr>|</tr>|<td| rowspan=\"5\"|</td>|<td></td>",
            (2, 2, &[(0, 0, 1, 1, false), (1, 0, 1, 1, false), (1, 1, 1, 1, false)]),
        );
        check("", (0, 0, &[]));
        check("<thead>|<tr>|</tr>|</thead>", (0, 0, &[]));
    }

    #[test]
    fn boxes_follow_cell_tokens_and_are_clamped() {
        let tokens: Vec<String> =
            ["<tr>", "<td></td>", "<td", " colspan=\"2\"", ">", "</td>", "</tr>"].map(str::to_owned).to_vec();
        let boxes =
            [[-5.0, 1.0, 40.0, 1.0, 40.0, 9.0, -5.0, 9.0], [40.0, 2.0, 130.0, 2.0, 130.0, 8.0, 40.0, 8.0]];
        let table = table_from_tokens(&tokens, &boxes, 120.0, 10.0);
        let got: Vec<Option<BBox>> = table.cells.iter().map(|c| c.bbox).collect();
        assert_eq!(
            got,
            [
                Some(BBox { x0: 0.0, y0: 1.0, x1: 40.0, y1: 9.0 }),
                Some(BBox { x0: 40.0, y0: 2.0, x1: 120.0, y1: 8.0 })
            ]
        );
        // Fewer boxes than cells: the rest have none.
        let table = table_from_tokens(&tokens, &boxes[..1], 120.0, 10.0);
        assert!(table.cells[1].bbox.is_none());
    }
}
