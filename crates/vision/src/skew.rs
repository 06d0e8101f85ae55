//! Small tilts of a scanned or photographed page: [`skew_of`] measures the
//! tilt of its text lines from their OCR quads, [`straighten`] turns the
//! image back, and [`straighten_line`] moves a line already read into the
//! straightened page.
//!
//! A receipt photographed a few degrees off sets each price a third of a
//! line lower (or higher) than its item: rows torn apart, a table model
//! that sees one row per price and one per item. Quarter turns are
//! [`Rotation`](crate::Rotation)'s business; this is what is left after.
//!
//! Angles are in radians, positive when lines descend to the right (image
//! y grows downwards).

use image::{Rgb, RgbImage};
use parasol_doc::{BBox, TextLine};

/// Below this tilt (1°) a page is left as it is: rows and columns are found
/// with tolerances wider than the drift it makes across a page, and every
/// straightening resamples the image.
pub const MIN_SKEW: f32 = 1.0 * std::f32::consts::PI / 180.0;

/// Above this tilt (10°) the lines are not a tilted page (a rotated stamp,
/// a diagonal watermark, a page turned by a quarter that OCR read anyway).
pub const MAX_SKEW: f32 = 10.0 * std::f32::consts::PI / 180.0;

/// Fewest lines whose angle is measured.
const MIN_LINES: usize = 3;

/// A line's angle is measured when it is at least this many times as wide
/// as it is tall: short words have too little baseline to tell.
const MIN_ASPECT: f32 = 3.0;

/// The measured lines agree on the tilt when at least this share of them
/// lie within [`AGREEMENT`] of the median.
const AGREEING_SHARE: f32 = 0.6;

/// How close (0.75°) a line's angle must be to the median to agree with it.
const AGREEMENT: f32 = 0.75 * std::f32::consts::PI / 180.0;

/// The tilt of one line from its quad: the mean of its top and bottom
/// edges' angles, when it is wide enough to measure.
fn line_angle(line: &TextLine) -> Option<f32> {
    let [tl, tr, br, bl] = line.quad;
    let width = ((tr[0] - tl[0]) + (br[0] - bl[0])) / 2.0;
    let height = ((bl[1] - tl[1]) + (br[1] - tr[1])) / 2.0;
    if width <= 0.0 || height <= 0.0 || width < MIN_ASPECT * height {
        return None;
    }
    let top = (tr[1] - tl[1]).atan2(tr[0] - tl[0]);
    let bottom = (br[1] - bl[1]).atan2(br[0] - bl[0]);
    Some((top + bottom) / 2.0)
}

/// The page's tilt, when its text lines agree on one between [`MIN_SKEW`]
/// and [`MAX_SKEW`]; `None` for a straight page or lines that disagree.
pub fn skew_of(lines: &[TextLine]) -> Option<f32> {
    let mut angles: Vec<f32> = lines.iter().filter_map(line_angle).collect();
    if angles.len() < MIN_LINES {
        return None;
    }
    angles.sort_by(f32::total_cmp);
    let median = angles[angles.len() / 2];
    let agreeing = angles.iter().filter(|a| (*a - median).abs() <= AGREEMENT).count();
    let agree = agreeing as f32 >= AGREEING_SHARE * angles.len() as f32;
    (agree && (MIN_SKEW..=MAX_SKEW).contains(&median.abs())).then_some(median)
}

/// Where point `p` of a page of `width` × `height` pixels tilted by `angle`
/// lies once the page is straightened about its centre.
fn straight_point([x, y]: [f32; 2], angle: f32, width: f32, height: f32) -> [f32; 2] {
    let (cx, cy) = (width / 2.0, height / 2.0);
    let (sin, cos) = angle.sin_cos();
    let (dx, dy) = (x - cx, y - cy);
    [cx + dx * cos + dy * sin, cy - dx * sin + dy * cos]
}

/// The page turned back by `angle` about its centre, the same size, with
/// bilinear sampling; what turns in from outside the page is white.
pub fn straighten(image: &RgbImage, angle: f32) -> RgbImage {
    let (w, h) = image.dimensions();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (sin, cos) = angle.sin_cos();
    let sample = |x: i64, y: i64, c: usize| -> f32 {
        if x < 0 || y < 0 || x >= i64::from(w) || y >= i64::from(h) {
            255.0
        } else {
            f32::from(image.get_pixel(x as u32, y as u32).0[c])
        }
    };
    RgbImage::from_fn(w, h, |xo, yo| {
        // The source of each output pixel (centres at +0.5): the inverse turn.
        let (dx, dy) = (xo as f32 + 0.5 - cx, yo as f32 + 0.5 - cy);
        let xs = cx + dx * cos - dy * sin - 0.5;
        let ys = cy + dx * sin + dy * cos - 0.5;
        let (x0, y0) = (xs.floor(), ys.floor());
        let (fx, fy) = (xs - x0, ys - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        Rgb(std::array::from_fn(|c| {
            let top = sample(x0, y0, c) * (1.0 - fx) + sample(x0 + 1, y0, c) * fx;
            let bottom = sample(x0, y0 + 1, c) * (1.0 - fx) + sample(x0 + 1, y0 + 1, c) * fx;
            (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
        }))
    })
}

/// `line` as it lies on the page straightened by [`straighten`]: its quad
/// turned with the page, its box around the quad (kept on the page).
pub fn straighten_line(line: &TextLine, angle: f32, width: f32, height: f32) -> TextLine {
    let quad = line.quad.map(|p| straight_point(p, angle, width, height));
    let xs = quad.map(|p| p[0]);
    let ys = quad.map(|p| p[1]);
    let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
    let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
    let bbox = BBox::new(
        min(xs).clamp(0.0, width),
        min(ys).clamp(0.0, height),
        max(xs).clamp(0.0, width),
        max(ys).clamp(0.0, height),
    );
    TextLine { quad, bbox, ..line.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::TextOrigin;

    /// A line of `w` × `h` pixels whose left end is at (x, y), tilted by `angle`.
    fn tilted(x: f32, y: f32, w: f32, h: f32, angle: f32) -> TextLine {
        let (sin, cos) = angle.sin_cos();
        let tl = [x, y];
        let tr = [x + w * cos, y + w * sin];
        let br = [tr[0] - h * sin, tr[1] + h * cos];
        let bl = [x - h * sin, y + h * cos];
        let mut line = TextLine::from_bbox(BBox::new(0.0, 0.0, 1.0, 1.0), "a line of text", TextOrigin::Ocr);
        line.quad = [tl, tr, br, bl];
        line
    }

    fn deg(d: f32) -> f32 {
        d.to_radians()
    }

    #[test]
    fn lines_that_agree_give_the_tilt() {
        let lines: Vec<TextLine> =
            (0..6).map(|i| tilted(100.0, 100.0 + 40.0 * i as f32, 300.0, 20.0, deg(2.3))).collect();
        let skew = skew_of(&lines).unwrap();
        assert!((skew - deg(2.3)).abs() < 1e-4, "{}", skew.to_degrees());
        let up: Vec<TextLine> =
            lines.iter().map(|l| tilted(l.quad[0][0], l.quad[0][1], 300.0, 20.0, deg(-3.0))).collect();
        assert!((skew_of(&up).unwrap() - deg(-3.0)).abs() < 1e-4);
    }

    #[test]
    fn straight_pages_few_lines_and_disagreeing_lines_give_none() {
        let straight: Vec<TextLine> =
            (0..6).map(|i| tilted(100.0, 40.0 * i as f32, 300.0, 20.0, deg(0.6))).collect();
        assert_eq!(skew_of(&straight), None);
        let few: Vec<TextLine> =
            (0..2).map(|i| tilted(100.0, 40.0 * i as f32, 300.0, 20.0, deg(3.0))).collect();
        assert_eq!(skew_of(&few), None);
        let mixed: Vec<TextLine> = (0..6)
            .map(|i| tilted(100.0, 40.0 * i as f32, 300.0, 20.0, deg(if i % 2 == 0 { 3.0 } else { -3.0 })))
            .collect();
        assert_eq!(skew_of(&mixed), None);
        let steep: Vec<TextLine> =
            (0..6).map(|i| tilted(100.0, 40.0 * i as f32, 300.0, 20.0, deg(25.0))).collect();
        assert_eq!(skew_of(&steep), None);
        // Short words are not measured.
        let words: Vec<TextLine> =
            (0..6).map(|i| tilted(100.0, 40.0 * i as f32, 40.0, 20.0, deg(3.0))).collect();
        assert_eq!(skew_of(&words), None);
    }

    #[test]
    fn a_straightened_line_is_level_and_stays_on_its_page() {
        let line = tilted(200.0, 300.0, 400.0, 30.0, deg(2.5));
        let out = straighten_line(&line, deg(2.5), 1000.0, 800.0);
        assert!((out.quad[0][1] - out.quad[1][1]).abs() < 1e-3, "{:?}", out.quad);
        assert!((out.quad[3][1] - out.quad[2][1]).abs() < 1e-3, "{:?}", out.quad);
        assert!(
            (out.bbox.width() - 400.0).abs() < 0.1 && (out.bbox.height() - 30.0).abs() < 0.1,
            "{:?}",
            out.bbox
        );
        let corner = straighten_line(&tilted(990.0, 5.0, 300.0, 30.0, deg(5.0)), deg(5.0), 1000.0, 800.0);
        assert!(corner.bbox.x1 <= 1000.0 && corner.bbox.y0 >= 0.0);
    }

    #[test]
    fn the_image_turns_as_its_lines_do() {
        // A black bar drawn tilted by 3° is level after straightening, where
        // its straightened line says it is.
        let angle = deg(3.0);
        let line = tilted(100.0, 150.0, 400.0, 12.0, angle);
        let mut img = RgbImage::from_pixel(600, 400, Rgb([255, 255, 255]));
        let inside = |x: f32, y: f32| {
            let [tl, tr, _, bl] = line.quad;
            let (ux, uy) = ((tr[0] - tl[0]) / 400.0, (tr[1] - tl[1]) / 400.0);
            let (vx, vy) = ((bl[0] - tl[0]) / 12.0, (bl[1] - tl[1]) / 12.0);
            let (px, py) = (x - tl[0], y - tl[1]);
            let (s, t) = (px * ux + py * uy, px * vx + py * vy);
            (0.0..400.0).contains(&s) && (0.0..12.0).contains(&t)
        };
        for (x, y, p) in img.enumerate_pixels_mut() {
            if inside(x as f32 + 0.5, y as f32 + 0.5) {
                *p = Rgb([0, 0, 0]);
            }
        }
        let out = straighten(&img, angle);
        let level = straighten_line(&line, angle, 600.0, 400.0);
        let b = level.bbox;
        let dark = |x: f32, y: f32| out.get_pixel(x as u32, y as u32).0[0] < 64;
        for k in 1..10 {
            let x = b.x0 + (b.x1 - b.x0) * k as f32 / 10.0;
            assert!(dark(x, (b.y0 + b.y1) / 2.0), "bar missing at x {x}");
            assert!(!dark(x, b.y0 - 4.0) && !dark(x, b.y1 + 4.0), "bar not level at x {x}");
        }
        // The corners that turn in from outside are white.
        assert_eq!(out.get_pixel(0, 0).0, [255, 255, 255]);
    }
}
