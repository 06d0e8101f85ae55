//! Bullets drawn as shapes, not set as characters: [`drawn_bullets`] finds
//! the lines a small filled disc or square stands before.
//!
//! Browsers printing to PDF, and many word processors, draw a list's
//! bullets as filled paths: the text layer holds the items but no "•", so
//! a list reads as one paragraph with its items run together
//! ("開館時間の延長電子書籍の蔵書拡充…"). OCR, for its part, skips a dot
//! too small to read as a letter. The page image still shows them.

use image::RgbImage;
use parasol_doc::{BBox, TextLine};

/// A pixel darker than this (the mean of its channels) is ink.
const INK: u32 = 128;

/// The window searched for a bullet reaches this many line heights left of
/// the line's start.
const REACH: f32 = 2.5;

/// A bullet is between these shares of its line's height, each way.
const MIN_SIZE: f32 = 0.15;
const MAX_SIZE: f32 = 0.7;

/// A bullet is about as wide as it is tall.
const MAX_ASPECT: f32 = 1.6;

/// A bullet fills at least this share of its box: a disc fills π/4, a
/// nested list's small ring about a third.
const MIN_FILL: f32 = 0.3;

/// Indexes of `lines` that a drawn bullet stands before: alone in the
/// space just left of the line (no other line and no other ink there), a
/// small filled disc or square about as tall as a third of the line,
/// level with its middle. Lines that already start with a bullet
/// character are left out.
pub fn drawn_bullets(image: &RgbImage, lines: &[TextLine]) -> Vec<usize> {
    (0..lines.len())
        .filter(|&i| {
            let l = &lines[i];
            let h = l.bbox.height();
            if h < 4.0 || l.text.trim_start().starts_with(['•', '·', '●', '▪', '■', '◦', '-', '–', '*'])
            {
                return false;
            }
            let window = BBox::new(l.bbox.x0 - REACH * h, l.bbox.y0, l.bbox.x0 - 0.05 * h, l.bbox.y1);
            let clear =
                lines.iter().enumerate().all(|(j, o)| j == i || o.bbox.intersection(&window).is_none());
            clear && lone_dot(image, &window, h)
        })
        .collect()
}

/// Whether the ink in `window` is one small filled blob, level with the
/// window's middle, for a line `h` pixels tall.
fn lone_dot(image: &RgbImage, window: &BBox, h: f32) -> bool {
    let (w_img, h_img) = (image.width() as i64, image.height() as i64);
    let x0 = (window.x0.floor() as i64).max(0);
    let x1 = (window.x1.ceil() as i64).min(w_img);
    let y0 = (window.y0.floor() as i64).max(0);
    let y1 = (window.y1.ceil() as i64).min(h_img);
    if x1 - x0 < 2 || y1 - y0 < 2 {
        return false;
    }
    let (w, ht) = ((x1 - x0) as usize, (y1 - y0) as usize);
    let ink: Vec<bool> = (0..w * ht)
        .map(|k| {
            let p = image.get_pixel((x0 + (k % w) as i64) as u32, (y0 + (k / w) as i64) as u32).0;
            (p[0] as u32 + p[1] as u32 + p[2] as u32) < 3 * INK
        })
        .collect();
    let total = ink.iter().filter(|&&b| b).count();
    if total == 0 {
        return false;
    }
    // The blob holding the first ink pixel must be all the ink there is.
    let start = ink.iter().position(|&b| b).unwrap_or(0);
    let mut seen = vec![false; ink.len()];
    let mut stack = vec![start];
    seen[start] = true;
    let (mut n, mut bx0, mut by0, mut bx1, mut by1) = (0usize, w, ht, 0usize, 0usize);
    while let Some(k) = stack.pop() {
        n += 1;
        let (x, y) = (k % w, k / w);
        (bx0, by0, bx1, by1) = (bx0.min(x), by0.min(y), bx1.max(x), by1.max(y));
        let neighbours = [
            (x > 0).then(|| k - 1),
            (x + 1 < w).then(|| k + 1),
            (y > 0).then(|| k - w),
            (y + 1 < ht).then(|| k + w),
        ];
        for m in neighbours.into_iter().flatten() {
            if ink[m] && !seen[m] {
                seen[m] = true;
                stack.push(m);
            }
        }
    }
    let (bw, bh) = ((bx1 - bx0 + 1) as f32, (by1 - by0 + 1) as f32);
    let middle = (by0 + by1) as f32 / 2.0;
    n == total
        && bx0 > 0
        && (MIN_SIZE * h..=MAX_SIZE * h).contains(&bw)
        && (MIN_SIZE * h..=MAX_SIZE * h).contains(&bh)
        && bw.max(bh) <= MAX_ASPECT * bw.min(bh)
        && n as f32 >= MIN_FILL * bw * bh
        && (middle - ht as f32 / 2.0).abs() <= 0.25 * ht as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;
    use parasol_doc::TextOrigin;

    fn page(marks: &[(u32, u32, u32, u32)]) -> RgbImage {
        let mut img = RgbImage::from_pixel(300, 100, Rgb([255, 255, 255]));
        for &(x0, y0, x1, y1) in marks {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, Rgb([0, 0, 0]));
                }
            }
        }
        img
    }

    fn line(y: f32, text: &str) -> TextLine {
        TextLine::from_bbox(BBox::new(100.0, y, 250.0, y + 20.0), text, TextOrigin::TextLayer)
    }

    #[test]
    fn a_small_square_before_a_line_is_a_bullet() {
        // Lines at y 10 and 50; a 6 px square before the first one, a
        // letter-sized bar (a word of a left column) before the second.
        let img = page(&[(80, 17, 86, 23), (50, 50, 90, 70)]);
        let lines = [line(10.0, "Extend opening hours"), line(50.0, "Expand the e-book collection")];
        assert_eq!(drawn_bullets(&img, &lines), [0]);
        // A nested list's ring: an 8 px square outline.
        let img = page(&[(78, 16, 86, 17), (78, 23, 86, 24), (78, 16, 79, 24), (85, 16, 86, 24)]);
        assert_eq!(drawn_bullets(&img, &lines[..1]), [0]);
    }

    #[test]
    fn two_marks_a_thin_rule_or_a_written_bullet_are_not() {
        let lines = [line(10.0, "Two specks before it")];
        assert!(drawn_bullets(&page(&[(70, 17, 76, 23), (85, 17, 91, 23)]), &lines).is_empty());
        // A rule as long as the window, half as tall as a bullet.
        assert!(drawn_bullets(&page(&[(60, 19, 95, 21)]), &lines).is_empty());
        let written = [line(10.0, "• Already a bullet")];
        assert!(drawn_bullets(&page(&[(80, 17, 86, 23)]), &written).is_empty());
        // A dot low on the line (a full stop ending text to its left).
        assert!(drawn_bullets(&page(&[(80, 26, 84, 30)]), &lines).is_empty());
    }
}
