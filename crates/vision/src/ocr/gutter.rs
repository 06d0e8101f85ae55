//! Detected lines cut at the gutters they run across.
//!
//! The text detector's probability map joins words across a narrow gap:
//! a newspaper's columns 14 px apart at 96 dpi come out as one line per row
//! across all three columns, and the recogniser then reads the columns'
//! words run together. A blank strip inside a detected line, wider than any
//! space between words, cuts the line in two before it is read.

use super::det::Quad;
use crate::cv::imgops::View;

/// A blank strip at least this many ink heights wide inside a line may be
/// a gutter (a space between words is a quarter to a half of the ink's
/// height, but justified text stretches spaces further)...
const GUTTER_INK_HEIGHTS: f32 = 0.5;

/// ...and is one when the lines next to it, this many above and as many
/// below where there are, leave blank where it is (each holds a strip
/// covering [`GUTTER_SHARED`] of it, or no ink there at all), and at
/// least [`GUTTER_MIN_LINES`] of them hold such a strip or end or start
/// their ink at it: a gutter runs straight down the page, spaces between
/// words fall anywhere.
const GUTTER_NEIGHBOURS: usize = 2;

/// See [`GUTTER_NEIGHBOURS`].
const GUTTER_MIN_LINES: usize = 2;

/// The ink on each side of a gutter is at least this many ink heights
/// wide: a column's text, not a bullet or a list item's number.
const GUTTER_SIDE: f32 = 3.0;

/// Lines next to a line stand within this many of its heights above or
/// below it.
const GUTTER_REACH: f32 = 3.0;

/// Share of a strip another line's strip must cover to continue it.
const GUTTER_SHARED: f32 = 0.7;

/// Only lines at least this many times as wide as tall are looked at: a
/// gutter needs text on both sides.
const MIN_ASPECT: f32 = 4.0;

/// A line's quad is read as level when its top and bottom edges rise or
/// fall by at most this share of its height over its width.
const LEVEL_SLOPE: f32 = 0.1;

/// Rows of the box this share of its height from its top and bottom are
/// left out of the search, so a neighbour's ascenders or descenders do not
/// fill a gutter.
const EDGE_ROWS: f32 = 0.15;

/// Least contrast (grey levels between the box's darkest and lightest
/// pixel) for a box to hold ink at all.
const MIN_CONTRAST: u8 = 48;

/// A level line's blank strips between ink: its box, its ink's columns,
/// and each strip as page columns `[start, end)`, with the margin the box
/// keeps beyond its ink.
struct Strips {
    y0: f32,
    y1: f32,
    /// The page columns from its first ink to its last.
    ink: (f32, f32),
    /// How many of its rows hold ink.
    ink_height: f32,
    strips: Vec<(f32, f32)>,
    margin: f32,
}

/// Each detected box of `boxes` (in `page` pixels) that runs across a
/// gutter, cut into its pieces; other boxes as they are, in their order.
/// A gutter is a blank strip ([`GUTTER_INK_HEIGHTS`] wide) that
/// [`GUTTER_MIN_LINES`] lines nearby also leave blank.
pub(crate) fn split_at_gutters(page: View<'_, 3>, boxes: Vec<Quad>) -> Vec<Quad> {
    let found: Vec<Option<Strips>> = boxes.iter().map(|q| strips(page, q)).collect();
    let extent = |q: &Quad| {
        let xs = q.iter().map(|p| p[0]);
        (xs.clone().fold(f32::INFINITY, f32::min), xs.fold(f32::NEG_INFINITY, f32::max))
    };
    let centre = |q: &Quad| q.iter().map(|p| p[1]).sum::<f32>() / 4.0;
    let mut out = Vec::with_capacity(boxes.len());
    for (i, quad) in boxes.iter().enumerate() {
        let Some(line) = found[i].as_ref().filter(|l| !l.strips.is_empty()) else {
            out.push(*quad);
            continue;
        };
        let h = line.y1 - line.y0;
        let y = centre(quad);
        let gutters: Vec<(f32, f32)> = line
            .strips
            .iter()
            .copied()
            // Text on both sides: a bullet or an item's number set apart
            // down a list is no column.
            .filter(|&(s0, s1)| {
                s0 - line.ink.0 >= GUTTER_SIDE * line.ink_height
                    && line.ink.1 - s1 >= GUTTER_SIDE * line.ink_height
            })
            .filter(|&(s0, s1)| {
                // The boxes over the strip's columns, nearest first, above
                // and below: each one is a line next to it.
                let mut near: Vec<(f32, usize)> = (0..boxes.len())
                    .filter(|&j| {
                        j != i && (0.5 * h..=GUTTER_REACH * h).contains(&(centre(&boxes[j]) - y).abs())
                    })
                    .filter(|&j| {
                        let (a, b) = extent(&boxes[j]);
                        a < s1 && b > s0
                    })
                    .map(|j| (centre(&boxes[j]) - y, j))
                    .collect();
                near.sort_by(|a, b| a.0.abs().total_cmp(&b.0.abs()));
                let above = near.iter().filter(|n| n.0 < 0.0).take(GUTTER_NEIGHBOURS);
                let below = near.iter().filter(|n| n.0 > 0.0).take(GUTTER_NEIGHBOURS);
                let mut continued = 0;
                for &(_, j) in above.chain(below) {
                    // Blank there: a strip of its own covers it, or its
                    // ink ends or starts at it (a column's line the
                    // detector kept apart): the gutter goes on. Ink that
                    // stops further off says nothing; ink across it ends it.
                    let Some(o) = found[j].as_ref() else { return false };
                    let width = s1 - s0;
                    let covered =
                        o.strips.iter().any(|&(a, b)| b.min(s1) - a.max(s0) >= GUTTER_SHARED * width);
                    let edge = (s0 - width..=s0).contains(&o.ink.1) || (s1..=s1 + width).contains(&o.ink.0);
                    if covered || edge {
                        continued += 1;
                    } else if o.ink.0 < s1 && o.ink.1 > s0 {
                        return false;
                    }
                }
                continued >= GUTTER_MIN_LINES
            })
            .collect();
        if gutters.is_empty() {
            out.push(*quad);
            continue;
        }
        let (x0, x1) = extent(quad);
        // Each piece keeps the box's margin beyond its ink, at most a sixth
        // of the gutter beside it.
        let mut start = x0;
        for (s, e) in gutters {
            let pad = line.margin.min((e - s) / 6.0);
            out.push(rect(start, line.y0, s + pad, line.y1));
            start = e - pad;
        }
        out.push(rect(start, line.y0, x1, line.y1));
    }
    out
}

/// The blank strips of a level box at least [`GUTTER_INK_HEIGHTS`] of its
/// ink's height wide, between its first and last ink; `None` for a box
/// that is tilted, short or blank.
fn strips(page: View<'_, 3>, quad: &Quad) -> Option<Strips> {
    let xs = quad.iter().map(|p| p[0]);
    let ys = quad.iter().map(|p| p[1]);
    let (x0, x1) = (xs.clone().fold(f32::INFINITY, f32::min), xs.fold(f32::NEG_INFINITY, f32::max));
    let (y0, y1) = (ys.clone().fold(f32::INFINITY, f32::min), ys.fold(f32::NEG_INFINITY, f32::max));
    let (w, h) = (x1 - x0, y1 - y0);
    let level = (quad[1][1] - quad[0][1]).abs() <= LEVEL_SLOPE * h
        && (quad[2][1] - quad[3][1]).abs() <= LEVEL_SLOPE * h;
    if !level || h < 4.0 || w < MIN_ASPECT * h {
        return None;
    }
    let (px0, px1) = (x0.max(0.0) as usize, (x1.ceil() as usize).min(page.width));
    let (py0, py1) =
        ((y0 + EDGE_ROWS * h).max(0.0) as usize, ((y1 - EDGE_ROWS * h).ceil() as usize).min(page.height));
    if px1 <= px0 + 2 || py1 <= py0 + 1 {
        return None;
    }
    let grey = |x: usize, y: usize| {
        let p = &page.row(y)[x * 3..x * 3 + 3];
        ((p[0] as u16 + p[1] as u16 + p[2] as u16) / 3) as u8
    };
    let (mut lo, mut hi) = (u8::MAX, u8::MIN);
    for y in py0..py1 {
        for x in px0..px1 {
            let g = grey(x, y);
            lo = lo.min(g);
            hi = hi.max(g);
        }
    }
    if hi.saturating_sub(lo) < MIN_CONTRAST {
        return None;
    }
    let threshold = lo + (hi - lo) / 2;
    let inked: Vec<bool> = (px0..px1).map(|x| (py0..py1).any(|y| grey(x, y) < threshold)).collect();
    let ink_height = (py0..py1).filter(|&y| (px0..px1).any(|x| grey(x, y) < threshold)).count();
    let first = inked.iter().position(|&i| i)?;
    let last = inked.iter().rposition(|&i| i)?;
    let mut strips = Vec::new();
    let mut run = None;
    for (k, &ink) in inked.iter().enumerate().take(last + 1).skip(first) {
        match (ink, run) {
            (false, None) => run = Some(k),
            (true, Some(s)) => {
                if (k - s) as f32 >= GUTTER_INK_HEIGHTS * ink_height as f32 {
                    strips.push(((px0 + s) as f32, (px0 + k) as f32));
                }
                run = None;
            }
            _ => {}
        }
    }
    let margin = (first as f32).max((inked.len() - 1 - last) as f32);
    let ink = ((px0 + first) as f32, (px0 + last + 1) as f32);
    Some(Strips { y0, y1, ink, ink_height: ink_height as f32, strips, margin })
}

/// The quad of a level rectangle, clockwise from the top left as the
/// detector gives them.
fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Quad {
    [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page 400 px wide with lines 30 px apart, each 30 px tall:
    /// black blocks ("words") at the given column ranges on rows 8..22 of
    /// each line.
    fn page(lines: &[&[(usize, usize)]]) -> Vec<u8> {
        let w = 400;
        let mut data = vec![255u8; w * 30 * lines.len() * 3];
        for (i, words) in lines.iter().enumerate() {
            for &(a, b) in words.iter() {
                for y in 30 * i + 8..30 * i + 22 {
                    for x in a..b {
                        data[(y * w + x) * 3..(y * w + x) * 3 + 3].copy_from_slice(&[0, 0, 0]);
                    }
                }
            }
        }
        data
    }

    fn line(i: usize) -> Quad {
        rect(5.0, 30.0 * i as f32 + 2.0, 395.0, 30.0 * i as f32 + 28.0)
    }

    #[test]
    fn lines_across_a_gutter_are_cut_there_and_not_at_their_spaces() {
        // Two columns, a 20 px gutter at 180..200 on every line; wide
        // spaces (10 px, more than half the ink's height) fall elsewhere.
        let rows: Vec<Vec<(usize, usize)>> = (0..5)
            .map(|i| {
                let space = 40 + 25 * i;
                vec![(10, space), (space + 10, 180), (200, 260 + 10 * i), (270 + 10 * i, 390)]
            })
            .collect();
        let refs: Vec<&[(usize, usize)]> = rows.iter().map(Vec::as_slice).collect();
        let data = page(&refs);
        let view = View::<3>::new(400, 150, &data).unwrap();
        let got = split_at_gutters(view, (0..5).map(line).collect());
        assert_eq!(got.len(), 10, "{got:?}");
        for pair in got.chunks(2) {
            assert!(pair[0][1][0] > 180.0 && pair[0][1][0] < 190.0, "{pair:?}");
            assert!(pair[1][0][0] > 190.0 && pair[1][0][0] < 200.0, "{pair:?}");
            assert_eq!((pair[0][0][0], pair[1][1][0]), (5.0, 395.0));
        }
    }

    #[test]
    fn a_wide_space_on_one_line_or_a_tilted_short_or_blank_box_is_no_gutter() {
        let data = page(&[&[(10, 60), (200, 260)], &[(10, 390)], &[(10, 390)], &[(10, 390)]]);
        let view = View::<3>::new(400, 120, &data).unwrap();
        let boxes: Vec<Quad> = (0..4).map(line).collect();
        assert_eq!(split_at_gutters(view, boxes.clone()), boxes);
        let tilted = [[5.0, 2.0], [395.0, 12.0], [395.0, 28.0], [5.0, 18.0]];
        let short = rect(5.0, 2.0, 80.0, 28.0);
        assert_eq!(split_at_gutters(view, vec![tilted, short]), vec![tilted, short]);
        let blank = page(&[&[], &[], &[], &[]]);
        let view = View::<3>::new(400, 120, &blank).unwrap();
        assert_eq!(split_at_gutters(view, boxes.clone()), boxes);
    }
}
