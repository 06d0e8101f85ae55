//! Reading order by recursive XY-cut.
//!
//! Boxes are split in two at the widest whitespace gap of either axis,
//! recursively (a row gap inside columns, where the boxes facing it across
//! stand in columns, yields to a column gutter and to a gap between bands):
//! a full-width title, then
//! the columns beneath it left to right, each read top to bottom, with a
//! full-width figure between column blocks cutting them into two bands.
//! Small overlaps (a few pixels of jitter between neighbours) do not block a
//! cut: boxes are shrunk by a tolerance before projecting.
//!
//! Where no cut exists, or only a row cut between boxes that touch (two
//! columns whose paragraphs end level; then the crossing boxes must be as
//! large as a picture), a gutter crossed only by a narrow
//! cluster of boxes (a picture set into two columns, the text wrapping
//! around it, and its caption, possibly in pieces) is cut instead: the
//! crossing boxes are set aside, the rest is cut, and each goes back in
//! before the first block it is read before. Failing
//! that (a newspaper page whose title spans some columns while an
//! advertisement beside it spans the title's height), the boxes are read by
//! precedence ([`by_precedence`]).

use parasol_doc::BBox;

/// Boxes are shrunk by this share of their extent before projecting, so
/// that a few pixels of jitter between neighbours do not block a cut...
const JITTER_SHARE: f32 = 0.1;

/// ...by at most this many pixels on each side.
const JITTER_MAX: f32 = 3.0;

/// Each side of a vertical cut spans at least this share of the width for
/// the two to be columns (narrower strips beside text are read row by row).
const COLUMN_MIN_SHARE: f32 = 0.25;

/// A narrower strip is still a column, a sidebar beside the body (a CV's
/// contact details and skills), when it spans this share of the width, …
const SIDEBAR_MIN_SHARE: f32 = 0.15;

/// … its gutter is this many times the widest gap between rows, …
const SIDEBAR_GUTTER_RATIO: f32 = 3.0;

/// … and at least this many of its boxes are blocks of several lines:
/// twice the lowest box's height (a strip of prices is single lines).
const SIDEBAR_MIN_BLOCKS: usize = 2;

/// The widest row gaps weighed for a cut between bands (see `split_rows`).
const ROW_CANDIDATES: usize = 8;

/// Recursion depth after which the remaining boxes are read top down.
const MAX_DEPTH: usize = 256;

// Gutters crossed by a picture ([`crossed_gutter`]). Cutting them took the
// OCR suite's CER from 0.3145 to 0.2868 (commit 7da5c60); the
// picture-sized cluster rule took the magazine scan with PicoDet's regions
// from 0.356 to 0.064 (commit 0590cf3).

/// A picture set into columns spans at least this share of its region's
/// width and of its height.
const PICTURE_MIN_SHARE: f32 = 0.25;

/// Boxes crossing a gutter are each (or, as a cluster, together) narrower
/// than this share of the region's width.
const FLOAT_MAX_WIDTH: f32 = 0.5;

/// A cluster crossing a gutter is shorter than this share of the region's
/// height; a column is taller.
const FLOAT_MAX_HEIGHT: f32 = 0.75;

/// Most boxes that may cross a gutter without together being a picture.
const FLOAT_MAX_BOXES: usize = 2;

/// The order in which to read `boxes`: a permutation of `0..boxes.len()`.
pub fn xy_cut(boxes: &[BBox]) -> Vec<usize> {
    xy_cut_dir(boxes, false)
}

/// [`xy_cut`] for a script written left to right (`rtl` false) or right to
/// left (`rtl` true: columns and side-by-side blocks read from the right).
pub fn xy_cut_dir(boxes: &[BBox], rtl: bool) -> Vec<usize> {
    let mut out = Vec::with_capacity(boxes.len());
    let idx: Vec<usize> = (0..boxes.len()).collect();
    cut(boxes, idx, &mut out, 0, rtl);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Axis {
    Y,
    X,
}

/// Intervals `[lo, hi)` of each box along an axis, shrunk by a tolerance.
fn span(b: &BBox, axis: Axis) -> (f32, f32) {
    let (lo, hi) = match axis {
        Axis::Y => (b.y0, b.y1),
        Axis::X => (b.x0, b.x1),
    };
    let shrink = ((hi - lo) * JITTER_SHARE).clamp(0.0, JITTER_MAX);
    (lo + shrink, (hi - shrink).max(lo + shrink))
}

/// A cut in two: the boxes before it, those after it and the gap's width.
type Cut = (Vec<usize>, Vec<usize>, f32);

/// Splits `idx` in two at the widest gap along `axis`; `None` without a gap.
fn split(boxes: &[BBox], idx: &[usize], axis: Axis) -> Option<Cut> {
    let mut sorted: Vec<usize> = idx.to_vec();
    sorted.sort_by(|&a, &b| span(&boxes[a], axis).0.total_cmp(&span(&boxes[b], axis).0));
    let mut reach = f32::NEG_INFINITY;
    let mut best: Option<(usize, f32)> = None;
    for (k, &i) in sorted.iter().enumerate() {
        let (lo, hi) = span(&boxes[i], axis);
        if k > 0 && lo >= reach && best.is_none_or(|(_, g)| lo - reach > g) {
            best = Some((k, lo - reach));
        }
        reach = reach.max(hi);
    }
    let (k, gap) = best?;
    let after = sorted.split_off(k);
    Some((sorted, after, gap))
}

/// The row cut to make: the widest gap between bands of the page (a real
/// gap, not one the jitter tolerance makes), else (`true`) the widest gap
/// of all, which lies inside columns or exists only through the tolerance. Only the
/// [`ROW_CANDIDATES`] widest gaps are weighed.
fn split_rows(boxes: &[BBox], idx: &[usize]) -> Option<(Cut, bool)> {
    let mut sorted: Vec<usize> = idx.to_vec();
    sorted.sort_by(|&a, &b| span(&boxes[a], Axis::Y).0.total_cmp(&span(&boxes[b], Axis::Y).0));
    let mut reach = f32::NEG_INFINITY;
    let mut gaps: Vec<(usize, f32)> = Vec::new();
    for (k, &i) in sorted.iter().enumerate() {
        let (lo, hi) = span(&boxes[i], Axis::Y);
        if k > 0 && lo >= reach {
            gaps.push((k, lo - reach));
        }
        reach = reach.max(hi);
    }
    // Widest first; of equal gaps the upper one, as `split` picks.
    gaps.sort_by(|a, b| b.1.total_cmp(&a.1));
    let &(widest, widest_gap) = gaps.first()?;
    let band = gaps.iter().take(ROW_CANDIDATES).find(|&&(k, _)| {
        !touching(boxes, &sorted[..k], &sorted[k..]) && !inside_columns(boxes, &sorted[..k], &sorted[k..])
    });
    let (k, gap, inside) = match band {
        Some(&(k, gap)) => (k, gap, false),
        None => (widest, widest_gap, true),
    };
    let below = sorted.split_off(k);
    Some(((sorted, below, gap), inside))
}

/// Whether the gap between `above` and `below` lies inside columns: the
/// boxes that face it across (each the lowest of `above`, or the highest
/// of `below`, in its stretch of the width) stand in columns of their own.
/// A poster's row of box headings over the boxes' text, or the gap a
/// column's unrecognised picture leaves, is such a gap; the space under a
/// title or over a full-width table is not.
fn inside_columns(boxes: &[BBox], above: &[usize], below: &[usize]) -> bool {
    let x = |i: usize| span(&boxes[i], Axis::X);
    let y = |i: usize| span(&boxes[i], Axis::Y).0;
    let facing = |part: &[usize], lowest: bool| -> Vec<usize> {
        part.iter()
            .copied()
            .filter(|&i| {
                !part.iter().any(|&j| {
                    j != i && overlaps(x(i), x(j)) && if lowest { y(j) > y(i) } else { y(j) < y(i) }
                })
            })
            .collect()
    };
    let (upper, lower) = (facing(above, true), facing(below, false));
    // The same columns go on across the gap: no box facing it spans a
    // gutter between the boxes facing it from the other side (a story's
    // headline over two of the three columns above it opens a new band).
    let spans_a_gutter = |part: &[usize], other: &[usize]| {
        gutters(boxes, other).iter().any(|&(lo, hi)| part.iter().any(|&i| x(i).0 < lo && x(i).1 > hi))
    };
    if spans_a_gutter(&upper, &lower) || spans_a_gutter(&lower, &upper) {
        return false;
    }
    let faces: Vec<usize> = upper.into_iter().chain(lower).collect();
    split(boxes, &faces, Axis::X).is_some_and(|(l, r, _)| is_column_pair(boxes, &l, &r))
}

/// The gaps `(lo, hi)` across the page between `idx`'s boxes as wide as
/// columns ([`COLUMN_MIN_SHARE`] of their extent; an equation's number
/// beside a heading makes no gutter), shrunk as for cutting, left to
/// right.
fn gutters(boxes: &[BBox], idx: &[usize]) -> Vec<(f32, f32)> {
    let width = extent(boxes, idx).width();
    let mut spans: Vec<(f32, f32)> = idx
        .iter()
        .filter(|&&i| boxes[i].width() >= COLUMN_MIN_SHARE * width)
        .map(|&i| span(&boxes[i], Axis::X))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut reach = f32::NEG_INFINITY;
    for (k, &(lo, hi)) in spans.iter().enumerate() {
        if k > 0 && lo > reach {
            out.push((reach, lo));
        }
        reach = reach.max(hi);
    }
    out
}

fn extent(boxes: &[BBox], idx: &[usize]) -> BBox {
    idx.iter().map(|&i| boxes[i]).reduce(|a, b| a.union(&b)).unwrap_or_default()
}

/// Both sides of a vertical cut are at least a quarter of the width: real columns.
fn is_column_pair(boxes: &[BBox], left: &[usize], right: &[usize]) -> bool {
    let (l, r) = (extent(boxes, left), extent(boxes, right));
    let total = l.union(&r).width().max(1.0);
    l.width().min(r.width()) >= COLUMN_MIN_SHARE * total
}

/// A sidebar beside the body: the narrower side of a vertical cut spans
/// [`SIDEBAR_MIN_SHARE`] of the width, the gutter is far wider than the
/// gap between rows, and the strip holds blocks of text, not single lines
/// level with the body's (see the constants).
fn is_sidebar(boxes: &[BBox], left: &[usize], right: &[usize], gutter: f32, row_gap: f32) -> bool {
    let (l, r) = (extent(boxes, left), extent(boxes, right));
    let total = l.union(&r).width().max(1.0);
    let narrow = if l.width() <= r.width() { left } else { right };
    let line = left.iter().chain(right).map(|&i| boxes[i].height()).fold(f32::INFINITY, f32::min);
    l.width().min(r.width()) >= SIDEBAR_MIN_SHARE * total
        && gutter >= SIDEBAR_GUTTER_RATIO * row_gap
        && narrow.iter().filter(|&&i| boxes[i].height() >= 2.0 * line).count() >= SIDEBAR_MIN_BLOCKS
}

fn sort_top_down(boxes: &[BBox], idx: &mut [usize], rtl: bool) {
    idx.sort_by(|&a, &b| {
        let across =
            if rtl { boxes[b].x1.total_cmp(&boxes[a].x1) } else { boxes[a].x0.total_cmp(&boxes[b].x0) };
        boxes[a].y0.total_cmp(&boxes[b].y0).then(across)
    });
}

/// Cuts at the single widest gap of either axis, then recurses into both
/// sides: column gutters usually beat the space between paragraphs, while a
/// full-width element leaves no vertical gap at all.
fn cut(boxes: &[BBox], mut idx: Vec<usize>, out: &mut Vec<usize>, depth: usize, rtl: bool) {
    if idx.len() <= 1 || depth > MAX_DEPTH {
        sort_top_down(boxes, &mut idx, rtl);
        out.extend(idx);
        return;
    }
    let widest_row_gap = split(boxes, &idx, Axis::Y).map(|(_, _, gap)| gap);
    let (rows, rows_inside) = match split_rows(boxes, &idx) {
        Some((r, inside)) => (Some(r), inside),
        None => (None, false),
    };
    // A column cut needs columns: a narrow strip beside wide text (prices
    // on a receipt, numbers beside labels) is read row by row instead.
    let cols = split(boxes, &idx, Axis::X).filter(|(a, b, gap)| match widest_row_gap {
        None => true,
        Some(row_gap) => is_column_pair(boxes, a, b) || is_sidebar(boxes, a, b, *gap, row_gap),
    });
    // Side by side parts are read from the right in right-to-left text.
    let mirror = |(a, b, gap): Cut| if rtl { (b, a, gap) } else { (a, b, gap) };
    // A row cut that exists only through the jitter tolerance (its boxes
    // touch or overlap) is no band: two columns whose paragraphs happen to
    // end level. Where a gutter crossed by a picture separates columns, the
    // gutter wins.
    let floats = match (&rows, &cols) {
        (Some((above, below, _)), None) if touching(boxes, above, below) => {
            crossed_gutter(boxes, &idx).filter(|crossing| is_picture_sized(boxes, crossing, &idx))
        }
        _ => None,
    };
    let parts = match (rows, cols) {
        _ if floats.is_some() => None,
        (Some(r), Some(c)) => Some(if c.2 > r.2 || rows_inside { mirror(c) } else { r }),
        (r, c) => r.or(c.map(mirror)),
    };
    match parts {
        Some((first, second, _)) => {
            cut(boxes, first, out, depth + 1, rtl);
            cut(boxes, second, out, depth + 1, rtl);
        }
        // Interlocking boxes leave no cut.
        None => match floats.or_else(|| crossed_gutter(boxes, &idx)) {
            Some(crossing) => {
                let fixed: Vec<usize> = idx.iter().copied().filter(|i| !crossing.contains(i)).collect();
                let mut order = Vec::with_capacity(idx.len());
                cut(boxes, fixed, &mut order, depth + 1, rtl);
                out.extend(insert_floats(boxes, order, crossing, rtl));
            }
            None => out.extend(by_precedence(boxes, &idx, rtl)),
        },
    }
}

/// Whether `crossing` is as large as a picture set into the columns (a
/// quarter of the region's width and of its height), not a label astride a
/// form's gutter.
fn is_picture_sized(boxes: &[BBox], crossing: &[usize], idx: &[usize]) -> bool {
    let (float, region) = (extent(boxes, crossing), extent(boxes, idx));
    float.width() >= PICTURE_MIN_SHARE * region.width()
        && float.height() >= PICTURE_MIN_SHARE * region.height()
}

/// Whether the boxes above a row cut reach down to those below it (the gap
/// is there only because [`span`] shrinks boxes).
fn touching(boxes: &[BBox], above: &[usize], below: &[usize]) -> bool {
    let bottom = above.iter().map(|&i| boxes[i].y1).fold(f32::NEG_INFINITY, f32::max);
    let top = below.iter().map(|&i| boxes[i].y0).fold(f32::INFINITY, f32::min);
    top <= bottom
}

/// The boxes crossing the best gutter that only a picture and its caption
/// cross: a vertical line with real columns on both sides
/// ([`is_column_pair`]), crossed by at most two boxes each under half the
/// region's width, or by boxes that together are picture-sized, under half
/// the region's width and three quarters of its height (a caption may come
/// as a stack of line boxes; a column is taller). The fewest crossings win,
/// then the narrowest crossing boxes.
fn crossed_gutter(boxes: &[BBox], idx: &[usize]) -> Option<Vec<usize>> {
    let region = extent(boxes, idx);
    let width = region.width();
    let spans: Vec<(f32, f32)> = idx.iter().map(|&i| span(&boxes[i], Axis::X)).collect();
    let mut best: Option<(usize, f32, Vec<usize>)> = None;
    for &(_, x) in &spans {
        let crossing: Vec<usize> = (0..idx.len()).filter(|&k| spans[k].0 < x && x < spans[k].1).collect();
        if crossing.is_empty() {
            continue;
        }
        let crossing_width: f32 = crossing.iter().map(|&k| boxes[idx[k]].width()).sum();
        let members: Vec<usize> = crossing.iter().map(|&k| idx[k]).collect();
        let float = extent(boxes, &members);
        let few_narrow = crossing.len() <= FLOAT_MAX_BOXES
            && crossing.iter().all(|&k| boxes[idx[k]].width() < FLOAT_MAX_WIDTH * width);
        let picture = float.width() < FLOAT_MAX_WIDTH * width
            && float.height() < FLOAT_MAX_HEIGHT * region.height()
            && is_picture_sized(boxes, &members, idx);
        if !few_narrow && !picture {
            continue;
        }
        let left: Vec<usize> = (0..idx.len()).filter(|&k| spans[k].1 <= x).map(|k| idx[k]).collect();
        let right: Vec<usize> = (0..idx.len()).filter(|&k| spans[k].0 >= x).map(|k| idx[k]).collect();
        if left.is_empty() || right.is_empty() || !is_column_pair(boxes, &left, &right) {
            continue;
        }
        let better = best.as_ref().is_none_or(|(n, w, _)| (crossing.len(), crossing_width) < (*n, *w));
        if better {
            best = Some((crossing.len(), crossing_width, crossing.iter().map(|&k| idx[k]).collect()));
        }
    }
    best.map(|(_, _, crossing)| crossing)
}

/// `order` with each of `floats` (top ones first) inserted before the first
/// box it is read before ([`precedes`]), else after the last box read before
/// it, else at the end.
fn insert_floats(boxes: &[BBox], mut order: Vec<usize>, mut floats: Vec<usize>, rtl: bool) -> Vec<usize> {
    sort_top_down(boxes, &mut floats, rtl);
    for f in floats {
        let all: Vec<usize> = order.iter().copied().chain([f]).collect();
        let spans: Vec<Spans> = all.iter().map(|&i| spans_of(&boxes[i])).collect();
        let me = all.len() - 1;
        let pos = (0..order.len())
            .find(|&k| precedes(&spans, me, k, rtl))
            .or_else(|| (0..order.len()).rev().find(|&k| precedes(&spans, k, me, rtl)).map(|k| k + 1))
            .unwrap_or(order.len());
        order.insert(pos, f);
    }
    order
}

fn spans_of(b: &BBox) -> Spans {
    (span(b, Axis::X), span(b, Axis::Y))
}

fn overlaps(a: (f32, f32), b: (f32, f32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// A box's spans (shrunk as for cutting) across and down.
type Spans = ((f32, f32), (f32, f32));

/// Whether box `a` is read before box `b` (T. Breuel's rules for text
/// lines, applied to blocks): in a shared column (their horizontal spans
/// overlap) the upper one first; otherwise the one on the reading side,
/// unless a third box lies wholly between them vertically and reaches across
/// both (a title or a full-width figure that separates an upper band of
/// columns from a lower one). A column's blocks thus all precede the next
/// column's, even where the next column's first block is level with only
/// the first one of them. Spans are shrunk as for cutting, so a pair is
/// related at most one way.
fn precedes(spans: &[Spans], a: usize, b: usize, rtl: bool) -> bool {
    let ((ax, ay), (bx, by)) = (spans[a], spans[b]);
    if overlaps(ax, bx) {
        return ay.1 <= by.0;
    }
    let reading_side = if rtl { bx.1 <= ax.0 } else { ax.1 <= bx.0 };
    if !reading_side {
        return false;
    }
    if overlaps(ay, by) {
        return true;
    }
    let (upper, lower) = if ay.1 <= by.0 { (ay, by) } else { (by, ay) };
    let (first, second) = if ax.0 < bx.0 { (ax, bx) } else { (bx, ax) };
    !spans.iter().enumerate().any(|(k, &(cx, cy))| {
        k != a && k != b && cy.0 >= upper.1 && cy.1 <= lower.0 && cx.0 < first.1 && cx.1 > second.0
    })
}

/// `idx` in an order that respects [`precedes`] (Kahn's algorithm), taking
/// the topmost box (then the one on the reading side) among those whose
/// predecessors are all read. A cycle, which overlapping boxes can still
/// form, is broken the same way: the topmost unread box goes next.
fn by_precedence(boxes: &[BBox], idx: &[usize], rtl: bool) -> Vec<usize> {
    let n = idx.len();
    let spans: Vec<Spans> = idx.iter().map(|&i| spans_of(&boxes[i])).collect();
    let after: Vec<Vec<usize>> =
        (0..n).map(|a| (0..n).filter(|&b| a != b && precedes(&spans, a, b, rtl)).collect()).collect();
    let mut waiting = vec![0usize; n];
    for &b in after.iter().flatten() {
        waiting[b] += 1;
    }
    let local: Vec<BBox> = idx.iter().map(|&i| boxes[i]).collect();
    let mut rank: Vec<usize> = (0..n).collect();
    sort_top_down(&local, &mut rank, rtl);
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let next = rank
            .iter()
            .copied()
            .find(|&k| !done[k] && waiting[k] == 0)
            .or_else(|| rank.iter().copied().find(|&k| !done[k]));
        let Some(k) = next else { break };
        done[k] = true;
        for &b in &after[k] {
            waiting[b] = waiting[b].saturating_sub(1);
        }
        out.push(idx[k]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b(x0: f32, y0: f32, x1: f32, y1: f32) -> BBox {
        BBox::new(x0, y0, x1, y1)
    }

    #[test]
    fn two_columns_under_a_title() {
        let boxes = [
            b(600.0, 300.0, 1000.0, 500.0),  // right column, first block
            b(100.0, 100.0, 1000.0, 150.0),  // title
            b(100.0, 520.0, 500.0, 900.0),   // left column, second block
            b(100.0, 200.0, 500.0, 500.0),   // left column, first block
            b(600.0, 520.0, 1000.0, 900.0),  // right column, second block
            b(500.0, 1400.0, 600.0, 1420.0), // page number
        ];
        assert_eq!(xy_cut(&boxes), [1, 3, 2, 0, 4, 5]);
        // The gutter (100 px) is wider than the gap between paragraphs (20 px).
    }

    #[test]
    fn a_posters_boxes_read_column_by_column_under_their_row_of_headings() {
        // A poster: a title, authors, three boxes each headed by a bar at
        // one height (the headings a row), the third box's picture found
        // by no region (a wide gap inside its column), a table across the
        // bottom. The gap under the headings and the picture's gap lie
        // inside columns; the columns are read first.
        let boxes = [
            b(199.0, 62.0, 1555.0, 276.0),    // 0 title
            b(170.0, 291.0, 1583.0, 330.0),   // 1 authors
            b(77.0, 391.0, 416.0, 440.0),     // 2 "1. Background"
            b(635.0, 391.0, 897.0, 440.0),    // 3 "2. Methods"
            b(1194.0, 391.0, 1427.0, 440.0),  // 4 "3. Results"
            b(89.0, 475.0, 547.0, 600.0),     // 5
            b(648.0, 475.0, 1102.0, 600.0),   // 6
            b(89.0, 628.0, 539.0, 722.0),     // 7
            b(710.0, 628.0, 1092.0, 722.0),   // 8
            b(1206.0, 834.0, 1612.0, 897.0),  // 9 the picture's caption
            b(1207.0, 925.0, 1647.0, 1050.0), // 10
            b(77.0, 1165.0, 1609.0, 1509.0),  // 11 table
        ];
        assert_eq!(xy_cut(&boxes), [0, 1, 2, 5, 7, 3, 6, 8, 4, 9, 10, 11]);
        // Headings over a two-column body whose gutter is narrower than
        // the gap under them still head their own columns.
        let boxes = [
            b(100.0, 100.0, 300.0, 130.0), // 0 heading, left
            b(560.0, 100.0, 800.0, 130.0), // 1 heading, right
            b(100.0, 200.0, 500.0, 600.0), // 2 left column
            b(540.0, 200.0, 940.0, 600.0), // 3 right column
        ];
        assert_eq!(xy_cut(&boxes), [0, 2, 1, 3]);
    }

    #[test]
    fn a_full_width_figure_splits_the_columns_into_bands() {
        let boxes = [
            b(100.0, 100.0, 500.0, 400.0),   // left top
            b(600.0, 100.0, 1000.0, 400.0),  // right top
            b(100.0, 450.0, 1000.0, 700.0),  // figure
            b(100.0, 750.0, 500.0, 1000.0),  // left bottom
            b(600.0, 750.0, 1000.0, 1000.0), // right bottom
        ];
        assert_eq!(xy_cut(&boxes), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_narrow_column_of_numbers_is_read_row_by_row() {
        let boxes = [
            b(100.0, 100.0, 400.0, 120.0), // item
            b(800.0, 100.0, 860.0, 120.0), // price
            b(100.0, 130.0, 380.0, 150.0),
            b(800.0, 130.0, 860.0, 150.0),
        ];
        assert_eq!(xy_cut(&boxes), [0, 1, 2, 3]);
    }

    #[test]
    fn a_sidebar_of_blocks_is_a_column_of_its_own() {
        // A CV: contact details, skills and languages in a strip a fifth
        // of the page wide, each heading level with one of the body's.
        let boxes = [
            b(86.0, 114.0, 204.0, 146.0),   // Contact
            b(478.0, 87.0, 886.0, 145.0),   // name
            b(86.0, 169.0, 308.0, 269.0),   // contact details
            b(478.0, 167.0, 1180.0, 218.0), // summary
            b(478.0, 245.0, 647.0, 277.0),  // Experience
            b(86.0, 297.0, 167.0, 328.0),   // Skills
            b(478.0, 300.0, 883.0, 326.0),  // job title
            b(148.0, 353.0, 350.0, 454.0),  // skills list
            b(478.0, 347.0, 1160.0, 422.0), // job
            b(86.0, 481.0, 251.0, 513.0),   // Languages
            b(478.0, 491.0, 1170.0, 541.0), // job
            b(85.0, 536.0, 266.0, 611.0),   // languages
        ];
        assert_eq!(xy_cut(&boxes), [0, 2, 5, 7, 9, 11, 1, 3, 4, 6, 8, 10]);
    }

    #[test]
    fn right_to_left_columns_read_from_the_right() {
        let boxes = [
            b(100.0, 0.0, 1000.0, 80.0),    // full-width title
            b(100.0, 200.0, 500.0, 900.0),  // left column
            b(600.0, 200.0, 1000.0, 900.0), // right column
        ];
        assert_eq!(xy_cut_dir(&boxes, true), [0, 2, 1]);
        assert_eq!(xy_cut_dir(&boxes, false), [0, 1, 2]);
    }

    #[test]
    fn interlocking_newspaper_blocks_read_column_by_column() {
        // The title spans four columns; an advertisement beside it is as
        // tall as the first lines, and more advertisements interlock below,
        // so no cut exists. The columns' first lines sit level with the
        // title's baseline on a skewed scan.
        let boxes = [
            b(520.0, 80.0, 665.0, 220.0),  // 0 column 4
            b(55.0, 85.0, 205.0, 555.0),   // 1 column 1
            b(210.0, 84.0, 365.0, 225.0),  // 2 column 2
            b(370.0, 82.0, 515.0, 235.0),  // 3 column 3
            b(55.0, 60.0, 665.0, 79.0),    // 4 title
            b(672.0, 55.0, 815.0, 290.0),  // 5 pharmacy advertisement
            b(210.0, 240.0, 510.0, 395.0), // 6 advertisement under columns 2-3
            b(520.0, 300.0, 820.0, 670.0), // 7 advertisement under column 4
            b(60.0, 565.0, 205.0, 915.0),  // 8 advertisement under column 1
            b(215.0, 405.0, 515.0, 910.0), // 9 theatre advertisement
        ];
        // The title first, the columns in order; the advertisements fall
        // between them where they sit in a column's flow (no cut and no
        // category tells an advertisement from an article here).
        let order = xy_cut(&boxes);
        let at = |i: usize| order.iter().position(|&k| k == i).unwrap();
        assert_eq!(order[0], 4);
        assert!(at(1) < at(2) && at(2) < at(3) && at(3) < at(0), "{order:?}");
    }

    #[test]
    fn a_story_over_three_columns_ends_before_the_band_under_it() {
        // A newspaper page: a story in three columns; under a rule, a
        // second story's headline over two columns and an advertisement
        // beside it, under the third column. The band under the story
        // does not go on its columns (the headline spans a gutter), so
        // the story is read to its end first.
        let boxes = [
            b(83.0, 346.0, 421.0, 576.0),   // 0 story, column 1
            b(83.0, 588.0, 421.0, 654.0),   // 1
            b(451.0, 346.0, 790.0, 459.0),  // 2 column 2
            b(451.0, 471.0, 790.0, 631.0),  // 3
            b(819.0, 346.0, 1158.0, 390.0), // 4 column 3
            b(819.0, 401.0, 1158.0, 539.0), // 5
            b(819.0, 549.0, 1158.0, 664.0), // 6
            b(82.0, 718.0, 573.0, 750.0),   // 7 second story's headline
            b(83.0, 757.0, 409.0, 917.0),   // 8 its columns
            b(433.0, 757.0, 762.0, 906.0),  // 9
            b(859.0, 726.0, 1090.0, 762.0), // 10 advertisement
            b(900.0, 765.0, 1049.0, 809.0), // 11
        ];
        let order = xy_cut(&boxes);
        let at = |i: usize| order.iter().position(|&k| k == i).unwrap();
        assert_eq!(&order[..7], [0, 1, 2, 3, 4, 5, 6], "{order:?}");
        assert!(at(7) < at(8) && at(8) < at(9) && at(10) < at(11), "{order:?}");
    }

    #[test]
    fn a_picture_set_into_two_columns_does_not_interleave_them() {
        // A magazine page (tesseract-test 8087_054, 2560×3300 px; the boxes
        // below in thousandths): the picture and its caption straddle the
        // gutter, the columns' text wraps around them.
        let px = |x0: f32, y0: f32, x1: f32, y1: f32| b(x0 * 2.56, y0 * 3.3, x1 * 2.56, y1 * 3.3);
        let boxes = [
            px(430.0, 115.0, 564.0, 132.0), // 0 running head
            px(106.0, 178.0, 486.0, 224.0), // 1 left column
            px(106.0, 224.0, 486.0, 297.0), // 2
            px(107.0, 296.0, 315.0, 427.0), // 3 beside the picture
            px(508.0, 181.0, 886.0, 211.0), // 4 right column
            px(508.0, 210.0, 889.0, 298.0), // 5
            px(338.0, 312.0, 657.0, 690.0), // 6 picture
            px(680.0, 296.0, 888.0, 428.0), // 7 beside the picture
            px(107.0, 426.0, 316.0, 718.0), // 8
            px(417.0, 698.0, 577.0, 794.0), // 9 caption
            px(106.0, 717.0, 486.0, 850.0), // 10
            px(106.0, 848.0, 486.0, 952.0), // 11
            px(680.0, 427.0, 889.0, 704.0), // 12
            px(601.0, 705.0, 888.0, 762.0), // 13
            px(508.0, 763.0, 889.0, 953.0), // 14
        ];
        let order = xy_cut(&boxes);
        let text: Vec<usize> = order.iter().copied().filter(|&i| i != 6 && i != 9).collect();
        assert_eq!(text, [0, 1, 2, 3, 8, 10, 11, 4, 5, 7, 12, 13, 14]);
        let at = |i: usize| order.iter().position(|&k| k == i).unwrap();
        assert!(
            at(3) < at(6) && at(6) < at(10),
            "the picture comes where the left column meets it: {order:?}"
        );
    }

    #[test]
    fn a_picture_with_a_caption_in_pieces_and_level_paragraphs_keeps_the_columns() {
        // The same page with PicoDet's regions: the caption comes as five
        // line boxes, and paragraphs end level across the gutter (boxes
        // touching within a pixel or two), which left a row cut that only
        // the jitter tolerance opened.
        let px = |x0: f32, y0: f32, x1: f32, y1: f32| b(x0 * 2.56, y0 * 3.3, x1 * 2.56, y1 * 3.3);
        let boxes = [
            px(430.0, 115.0, 564.0, 132.0), // 0 running head
            px(106.0, 178.0, 486.0, 297.0), // 1 left column
            px(107.0, 296.0, 316.0, 718.0), // 2 beside the picture
            px(334.0, 306.0, 661.0, 693.0), // 3 picture
            px(106.0, 717.0, 395.0, 820.0), // 4
            px(417.0, 698.0, 577.0, 725.0), // 5 caption, five lines
            px(445.0, 719.0, 547.0, 744.0), // 6
            px(426.0, 746.0, 567.0, 755.0), // 7
            px(435.0, 757.0, 557.0, 769.0), // 8
            px(433.0, 771.0, 559.0, 793.0), // 9
            px(106.0, 820.0, 486.0, 952.0), // 10
            px(508.0, 181.0, 889.0, 298.0), // 11 right column
            px(680.0, 296.0, 889.0, 704.0), // 12 beside the picture
            px(600.0, 705.0, 888.0, 807.0), // 13
            px(601.0, 806.0, 888.0, 821.0), // 14
            px(508.0, 821.0, 889.0, 953.0), // 15
        ];
        let order = xy_cut(&boxes);
        let text: Vec<usize> = order.iter().copied().filter(|&i| i != 3 && !(5..=9).contains(&i)).collect();
        assert_eq!(text, [0, 1, 2, 4, 10, 11, 12, 13, 14, 15], "{order:?}");
        let at = |i: usize| order.iter().position(|&k| k == i).unwrap();
        assert!((5..9).all(|i| at(i) < at(i + 1)), "the caption's lines in order: {order:?}");
        assert!(at(2) < at(3) && at(3) < at(5), "picture, then caption: {order:?}");
    }

    proptest! {
        #[test]
        fn order_is_a_permutation(v in proptest::collection::vec((0f32..1000.0, 0f32..1400.0, 1f32..400.0, 1f32..200.0), 0..60)) {
            let boxes: Vec<BBox> = v.iter().map(|&(x, y, w, h)| b(x, y, x + w, y + h)).collect();
            let mut order = xy_cut(&boxes);
            order.sort();
            prop_assert_eq!(order, (0..boxes.len()).collect::<Vec<_>>());
        }

        #[test]
        fn right_to_left_order_is_a_permutation_too(v in proptest::collection::vec((0f32..1000.0, 0f32..1400.0, 1f32..400.0, 1f32..200.0), 0..60)) {
            let boxes: Vec<BBox> = v.iter().map(|&(x, y, w, h)| b(x, y, x + w, y + h)).collect();
            let mut order = xy_cut_dir(&boxes, true);
            order.sort();
            prop_assert_eq!(order, (0..boxes.len()).collect::<Vec<_>>());
        }

        #[test]
        fn a_single_column_reads_top_to_bottom(v in proptest::collection::vec((0f32..50.0, 1f32..60.0), 1..40)) {
            // Stacked boxes with gaps, all sharing the same horizontal band.
            let mut y = 0.0;
            let boxes: Vec<BBox> = v.iter().map(|&(dx, h)| { let bx = b(100.0 + dx, y, 700.0 - dx, y + h); y += h + 5.0; bx }).collect();
            prop_assert_eq!(xy_cut(&boxes), (0..boxes.len()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_short_column_and_an_equations_number_leave_the_columns_whole() {
        // A two-column paper (pdfTeX, PicoDet's regions): the right column
        // ends above the left one's last section, whose equation has its
        // number "(1)" by the gutter. The gap under the left column's
        // upper part reaches across the page, but the columns go on
        // across it: the left column is read to its end first.
        let boxes = [
            b(116.0, 591.0, 627.0, 859.0),   // 0 Snow depth is one of the most
            b(118.0, 377.0, 628.0, 496.0),   // 1 We compare three low-cost ult
            b(118.0, 1442.0, 627.0, 1536.0), // 2 Table 1 summarises the differ
            b(648.0, 679.0, 1156.0, 773.0),  // 3 Low-cost ultrasonic sensors c
            b(118.0, 995.0, 628.0, 1090.0),  // 4 The two sites lie at 1 650 m
            b(118.0, 1278.0, 627.0, 1347.0), // 5 where T is the air temperatur
            b(646.0, 539.0, 1157.0, 584.0),  // 6 cause falling flakes reflect
            b(648.0, 867.0, 1157.0, 1028.0), // 7 [1] R. Ryan and M. Doesken, U
            b(601.0, 1226.0, 627.0, 1247.0), // 8 (1)
            b(118.0, 955.0, 240.0, 978.0),   // 9 2.1 Sites
            b(450.0, 246.0, 827.0, 270.0),   // 10 Ana Ferreira Jonas Weber
            b(118.0, 1391.0, 277.0, 1418.0), // 11 3 Results
            b(118.0, 901.0, 284.0, 929.0),   // 12 2 Method
            b(648.0, 627.0, 872.0, 654.0),   // 13 4 Conclusions
            b(118.0, 539.0, 353.0, 566.0),   // 14 1 Introduction
            b(648.0, 816.0, 805.0, 843.0),   // 15 References
            b(221.0, 179.0, 1053.0, 213.0),  // 16 Measuring Snow Depth with Low
            b(118.0, 1126.0, 472.0, 1149.0), // 17 2.2 Temperature correction
            b(118.0, 1167.0, 507.0, 1186.0), // 18 The speed of sound in air is
            b(118.0, 326.0, 246.0, 353.0),   // 19 Abstract
            b(238.0, 1205.0, 508.0, 1260.0), // 20 equation
            b(719.0, 345.0, 1085.0, 496.0),  // 21 caption over the table
            b(752.0, 380.0, 1052.0, 484.0),  // 22 table
        ];
        let order = xy_cut(&boxes);
        let at = |i: usize| order.iter().position(|&k| k == i).unwrap();
        let left = [1, 0, 4, 17, 18, 20, 8, 5, 11, 2];
        let right = [21, 22, 6, 13, 3, 15, 7];
        assert!(left.windows(2).all(|w| at(w[0]) < at(w[1])), "{order:?}");
        assert!(right.windows(2).all(|w| at(w[0]) < at(w[1])), "{order:?}");
        assert!(at(2) < at(21), "{order:?}");
    }
}
