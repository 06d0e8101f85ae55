//! A table region holding two framed tables one above the other.

use image::RgbImage;
use parasol_doc::BBox;

use crate::rules::vertical_rules;

/// Vertical rules whose spans come this close (pixels) belong to one frame:
/// a column separator stops at the border's inner edge.
const JOIN: f32 = 4.0;

/// A frame's sides reach down at least this share of its height; a column
/// separator under a spanning row reaches less.
const SIDE_SHARE: f32 = 0.8;

/// A frame's two outermost sides lie at least this share of the region's
/// width apart.
const SIDES_APART: f32 = 0.5;

/// Pixels added above and below a frame's sides: its top and bottom borders.
const BORDER: f32 = 3.0;

/// The frames in table region `bbox` when it holds two or more, top to
/// bottom, each across the region's width; empty otherwise. A frame is a
/// run of vertical rules down the page, two of them at least
/// [`SIDES_APART`] of the region apart and reaching down [`SIDE_SHARE`] of
/// it: a bordered table's sides. A form of two bordered tables with a
/// section's title between them ("1. Applicant" … "2. Booking") is often
/// one region to a layout model; the structure model then makes the title
/// a row and its text a cell. Split, each table is read alone and the
/// title between them is text. A region with one frame, or none (a
/// booktabs table), is left whole.
pub fn stacked_frames(image: &RgbImage, bbox: &BBox) -> Vec<BBox> {
    let within = BBox::new(bbox.x0 - BORDER, bbox.y0 - BORDER, bbox.x1 + BORDER, bbox.y1 + BORDER);
    let mut rules = vertical_rules(image, &within);
    rules.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    // Runs of rules whose spans overlap, or nearly.
    let mut runs: Vec<Vec<BBox>> = Vec::new();
    for r in rules {
        match runs.last_mut() {
            Some(run) if r.y0 <= run.iter().map(|q| q.y1).fold(f32::MIN, f32::max) + JOIN => run.push(r),
            _ => runs.push(vec![r]),
        }
    }
    let width = bbox.x1 - bbox.x0;
    let frames: Vec<BBox> = runs
        .iter()
        .filter_map(|run| {
            let y0 = run.iter().map(|r| r.y0).fold(f32::MAX, f32::min);
            let y1 = run.iter().map(|r| r.y1).fold(f32::MIN, f32::max);
            let sides: Vec<&BBox> = run.iter().filter(|r| r.y1 - r.y0 >= SIDE_SHARE * (y1 - y0)).collect();
            let left = sides.iter().map(|r| r.x0).fold(f32::MAX, f32::min);
            let right = sides.iter().map(|r| r.x1).fold(f32::MIN, f32::max);
            (sides.len() >= 2 && right - left >= SIDES_APART * width)
                .then(|| BBox::new(bbox.x0, y0 - BORDER, bbox.x1, y1 + BORDER))
        })
        .collect();
    if frames.len() < 2 {
        return Vec::new();
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn fill(img: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) {
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Rgb([0, 0, 0]));
            }
        }
    }

    /// A bordered table from `top` to `bottom` across x 50..350 with a
    /// column separator at x 150 and a rule between its rows.
    fn framed(img: &mut RgbImage, top: u32, bottom: u32) {
        fill(img, 50, top, 350, top + 2);
        fill(img, 50, bottom - 2, 350, bottom);
        fill(img, 50, (top + bottom) / 2, 350, (top + bottom) / 2 + 2);
        fill(img, 50, top, 52, bottom);
        fill(img, 348, top, 350, bottom);
        fill(img, 150, top + 2, 152, bottom - 2);
    }

    #[test]
    fn two_framed_tables_with_a_title_between_are_two() {
        let mut img = RgbImage::from_pixel(400, 600, Rgb([255; 3]));
        framed(&mut img, 100, 220);
        fill(&mut img, 50, 240, 120, 255); // a section's title
        framed(&mut img, 270, 400);
        let region = BBox::new(45.0, 95.0, 355.0, 405.0);
        let frames = stacked_frames(&img, &region);
        assert_eq!(frames, vec![BBox::new(45.0, 97.0, 355.0, 223.0), BBox::new(45.0, 267.0, 355.0, 403.0)]);
    }

    #[test]
    fn one_frame_or_open_columns_leave_the_region_whole() {
        let mut img = RgbImage::from_pixel(400, 600, Rgb([255; 3]));
        framed(&mut img, 100, 400);
        let region = BBox::new(45.0, 95.0, 355.0, 405.0);
        assert!(stacked_frames(&img, &region).is_empty());
        // Two runs of column separators, no sides: a table whose spanning
        // row interrupts its inner rules.
        let mut img = RgbImage::from_pixel(400, 600, Rgb([255; 3]));
        fill(&mut img, 150, 100, 152, 220);
        fill(&mut img, 250, 100, 252, 220);
        fill(&mut img, 150, 270, 152, 400);
        fill(&mut img, 250, 270, 252, 400);
        assert!(stacked_frames(&img, &region).is_empty());
    }
}
