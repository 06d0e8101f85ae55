//! A table region's edges moved off the text they cut through.

use image::RgbImage;
use parasol_doc::BBox;

/// A pixel darker than this (the mean of its channels) is ink.
const INK: u32 = 160;

/// A row or column of the region's span with at most this share of ink
/// pixels (and at most [`GAP_MAX_INK`] of them) is a gap between lines:
/// scanner noise is not text.
const GAP_INK_SHARE: f32 = 0.002;

/// See [`GAP_INK_SHARE`].
const GAP_MAX_INK: usize = 2;

/// The farthest an edge moves, as a share of the page's height (for the top
/// and bottom edges) or width (left and right): about two lines of text.
const MAX_MOVE: f32 = 0.025;

/// Whether the pixel at (x, y), inside `image`, is ink ([`INK`]).
fn is_ink(image: &RgbImage, x: i64, y: i64) -> bool {
    let p = image.get_pixel(x as u32, y as u32).0;
    (p[0] as u32 + p[1] as u32 + p[2] as u32) < 3 * INK
}

/// `bbox` with its top, left and right edges, where they run through ink,
/// moved outwards to the first gap beyond, when one lies within
/// [`MAX_MOVE`]; other edges stay. A layout model's table box often starts
/// halfway down its header row (a long table's header repeated on its next
/// page): the structure model then sees half a row and the header's words
/// fall outside the table. The bottom edge stays: what a box cuts there is
/// more often a footnote or a caption below the table than a row of it.
pub fn clear_of_text(image: &RgbImage, bbox: &BBox) -> BBox {
    let (w, h) = (image.width() as i64, image.height() as i64);
    if w == 0 || h == 0 {
        return *bbox;
    }
    let clamp = |v: f32, hi: i64| (v.round() as i64).clamp(0, hi - 1);
    let (x0, x1) = (clamp(bbox.x0, w), clamp(bbox.x1, w));
    let (y0, y1) = (clamp(bbox.y0, h), clamp(bbox.y1, h));
    if x1 <= x0 || y1 <= y0 {
        return *bbox;
    }
    let dark = |x: i64, y: i64| is_ink(image, x, y);
    let row_is_gap = |y: i64| {
        let ink = (x0..=x1).filter(|&x| dark(x, y)).count();
        ink <= GAP_MAX_INK.max((GAP_INK_SHARE * (x1 - x0 + 1) as f32) as usize)
    };
    let col_is_gap = |x: i64| {
        let ink = (y0..=y1).filter(|&y| dark(x, y)).count();
        ink <= GAP_MAX_INK.max((GAP_INK_SHARE * (y1 - y0 + 1) as f32) as usize)
    };
    // The first gap from `from` stepping by `step` within `limit` steps, or
    // `from` itself when the edge is no gap and none is found.
    let seek = |from: i64, step: i64, limit: i64, end: i64, gap: &dyn Fn(i64) -> bool| {
        if gap(from) {
            return from;
        }
        (1..=limit)
            .map(|k| from + step * k)
            .take_while(|&v| (0..end).contains(&v))
            .find(|&v| gap(v))
            .unwrap_or(from)
    };
    let dy = (MAX_MOVE * h as f32).ceil() as i64;
    let dx = (MAX_MOVE * w as f32).ceil() as i64;
    let top = seek(y0, -1, dy, h, &row_is_gap);

    let left = seek(x0, -1, dx, w, &col_is_gap);
    let right = seek(x1, 1, dx, w, &col_is_gap);
    BBox {
        x0: if left == x0 { bbox.x0 } else { left as f32 },
        y0: if top == y0 { bbox.y0 } else { top as f32 },
        x1: if right == x1 { bbox.x1 } else { right as f32 },
        y1: bbox.y1,
    }
}

/// Header rows above a table box it may take in, at most.
const HEADER_MAX_ROWS: usize = 2;

/// A gap wider than this many heights of a row's text splits the row into
/// pieces (cells); word spaces are far narrower.
const PIECE_GAP_HEIGHTS: f32 = 1.0;

/// A band of ink at most this many pixels high (or a quarter of a row's
/// height) is a rule, not a row: the line under a table's header.
const RULE_MAX_HEIGHT: i64 = 3;

/// `bbox` grown upwards over the header row(s) just above it, which a
/// layout model often leaves out of a table (a bank statement's "Date
/// Description Paid out Paid in Balance" read as a paragraph and a
/// caption). A row of ink above the box is the table's header when it lies
/// no farther from the first row than twice the gap between the table's
/// rows (rules between them aside), is at most two and a half rows high,
/// and breaks into two or more pieces at gaps wider than its text, most of
/// them over the table's own columns of ink. A caption or a line of prose
/// above a table is one piece and stays out. At most [`HEADER_MAX_ROWS`].
pub fn with_header_above(image: &RgbImage, bbox: &BBox) -> BBox {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let clamp = |v: f32, hi: i64| (v.round() as i64).clamp(0, (hi - 1).max(0));
    let (x0, x1) = (clamp(bbox.x0, w), clamp(bbox.x1, w));
    let (y0, y1) = (clamp(bbox.y0, h), clamp(bbox.y1, h));
    if w == 0 || h == 0 || x1 <= x0 || y1 <= y0 {
        return *bbox;
    }
    let dark = |x: i64, y: i64| is_ink(image, x, y);
    let gap_ink = GAP_MAX_INK.max((GAP_INK_SHARE * (x1 - x0 + 1) as f32) as usize);
    let inked = |y: i64| (x0..=x1).filter(|&x| dark(x, y)).count() > gap_ink;
    // Bands of inked rows in [a, b), top to bottom.
    let bands = |a: i64, b: i64| {
        let mut out: Vec<(i64, i64)> = Vec::new();
        let mut start = None;
        for y in a..b {
            match (inked(y), start) {
                (true, None) => start = Some(y),
                (false, Some(s)) => {
                    out.push((s, y));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, b));
        }
        out
    };
    let inside = bands(y0, y1 + 1);
    let text_height = |bands: &[(i64, i64)]| {
        let mut hs: Vec<i64> = bands.iter().map(|(a, b)| b - a).filter(|&d| d > RULE_MAX_HEIGHT).collect();
        hs.sort_unstable();
        hs.get(hs.len() / 2).copied()
    };
    let Some(row_h) = text_height(&inside[..inside.len().min(6)]) else { return *bbox };
    let is_rule = |(a, b): (i64, i64)| b - a <= RULE_MAX_HEIGHT.max(row_h / 4);
    let rows: Vec<(i64, i64)> = inside.iter().copied().filter(|&b| !is_rule(b)).take(5).collect();
    if rows.len() < 3 {
        return *bbox;
    }
    let mut gaps: Vec<i64> = rows.windows(2).map(|p| p[1].0 - p[0].1).collect();
    gaps.sort_unstable();
    let row_gap = gaps[gaps.len() / 2].max(1);
    // Pieces of ink along x of the rows [a, b): runs of inked columns
    // joined across gaps narrower than the text's height.
    let pieces = |spans: &[(i64, i64)]| {
        let joint = (PIECE_GAP_HEIGHTS * row_h as f32) as i64;
        let mut out: Vec<(i64, i64)> = Vec::new();
        for x in x0..=x1 {
            if !spans.iter().any(|&(a, b)| (a..b).any(|y| dark(x, y))) {
                continue;
            }
            match out.last_mut() {
                Some(last) if x - last.1 <= joint => last.1 = x + 1,
                _ => out.push((x, x + 1)),
            }
        }
        out
    };
    let columns = pieces(&rows[..rows.len().min(4)]);
    let mut top = rows[0].0;
    let mut taken = 0;
    let mut from = y0;
    while taken < HEADER_MAX_ROWS {
        // The nearest band of text above `from`, rules passed over.
        let reach = (2 * row_gap + RULE_MAX_HEIGHT.max(row_h / 4) * 2 + 2).max(row_h);
        let above = bands((from - reach - 3 * row_h).max(0), from);
        let Some(&band) = above.iter().rev().find(|&&b| !is_rule(b)) else { break };
        let between = top - band.1;
        if between > 2 * row_gap.max(row_h / 2) + RULE_MAX_HEIGHT
            || (band.1 - band.0) as f32 > 2.5 * row_h as f32
        {
            break;
        }
        let head = pieces(&[band]);
        let over = head.iter().filter(|p| columns.iter().any(|c| c.0 < p.1 && p.0 < c.1)).count();
        if head.len() < 2 || over < 2 || 2 * over < head.len() {
            break;
        }
        top = band.0;
        from = band.0;
        taken += 1;
    }
    if taken == 0 {
        return *bbox;
    }
    BBox { y0: (top - 1).max(0) as f32, ..*bbox }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A white page with black bars standing for lines of text.
    fn page(bars: &[(u32, u32, u32, u32)]) -> RgbImage {
        let mut img = RgbImage::from_pixel(400, 400, Rgb([255, 255, 255]));
        for &(x0, y0, x1, y1) in bars {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, Rgb([0, 0, 0]));
                }
            }
        }
        img
    }

    #[test]
    fn an_edge_through_a_row_of_text_moves_out_to_the_gap_above_it() {
        // A header row from y 100 to 110; the region starts at 105.
        let img = page(&[(50, 100, 300, 110), (50, 120, 300, 130), (50, 140, 300, 150)]);
        let got = clear_of_text(&img, &BBox::new(40.0, 105.0, 320.0, 155.0));
        assert_eq!(got, BBox::new(40.0, 99.0, 320.0, 155.0));
    }

    #[test]
    fn edges_in_gaps_stay_and_an_edge_with_no_gap_near_stays() {
        let img = page(&[(50, 100, 300, 110), (50, 120, 300, 130)]);
        let b = BBox::new(40.0, 95.0, 320.0, 135.0);
        assert_eq!(clear_of_text(&img, &b), b);
        // A bottom edge through a line (a footnote below the table) stays.
        let b = BBox::new(40.0, 95.0, 320.0, 125.0);
        assert_eq!(clear_of_text(&img, &b), b);
        // Ink runs 100 px above the edge (a photo): the edge stays.
        let img = page(&[(0, 0, 400, 300)]);
        let b = BBox::new(40.0, 250.0, 320.0, 350.0);
        assert_eq!(clear_of_text(&img, &b), b);
    }

    #[test]
    fn specks_of_noise_are_no_text() {
        let img = page(&[(50, 100, 300, 110), (60, 99, 61, 100)]);
        let got = clear_of_text(&img, &BBox::new(40.0, 105.0, 320.0, 130.0));
        assert_eq!(got.y0, 99.0);
    }

    /// Five rows of a table of three columns, 10 px high, 10 px apart,
    /// starting at y 200.
    fn table_rows() -> Vec<(u32, u32, u32, u32)> {
        (0..5)
            .flat_map(|r| {
                [
                    (50, 200 + 20 * r, 90, 210 + 20 * r),
                    (150, 200 + 20 * r, 200, 210 + 20 * r),
                    (260, 200 + 20 * r, 300, 210 + 20 * r),
                ]
            })
            .collect()
    }

    #[test]
    fn a_header_row_left_out_above_a_table_is_taken_in() {
        let mut bars = table_rows();
        // Header cells over the three columns, 12 px above, and the rule under them.
        bars.extend([(50, 178, 80, 188), (150, 178, 190, 188), (250, 178, 300, 188), (50, 193, 300, 194)]);
        let img = page(&bars);
        let got = with_header_above(&img, &BBox::new(40.0, 197.0, 320.0, 300.0));
        assert_eq!(got, BBox::new(40.0, 177.0, 320.0, 300.0));
    }

    #[test]
    fn a_caption_or_a_far_row_above_a_table_stays_out() {
        // A caption: one run of words, its spaces narrower than a row's height.
        let mut bars = table_rows();
        bars.extend((0..6).map(|k| (50 + 40 * k, 180, 84 + 40 * k, 190)));
        let b = BBox::new(40.0, 197.0, 320.0, 300.0);
        assert_eq!(with_header_above(&page(&bars), &b), b);
        // Cells over the columns, but three rows' gaps above the table.
        let mut bars = table_rows();
        bars.extend([(50, 150, 80, 160), (150, 150, 190, 160), (250, 150, 300, 160)]);
        assert_eq!(with_header_above(&page(&bars), &b), b);
    }
}
