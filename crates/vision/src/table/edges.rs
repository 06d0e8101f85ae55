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
    let dark = |x: i64, y: i64| {
        let p = image.get_pixel(x as u32, y as u32).0;
        (p[0] as u32 + p[1] as u32 + p[2] as u32) < 3 * INK
    };
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
}
