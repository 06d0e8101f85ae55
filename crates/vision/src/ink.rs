//! How much of a region is drawn apart from its text: [`ink_outside`]
//! tells a picture (a photo, a chart's bars and axes, a diagram's strokes)
//! from lines of text a layout model boxed as one.

use image::RgbImage;
use parasol_doc::BBox;

/// A pixel darker than this (the mean of its channels) is ink.
const INK: u32 = 128;

/// Text boxes are widened by this share of their height on every side: a
/// glyph's ink may stand a little outside the box read for it.
const TEXT_MARGIN: f32 = 0.25;

/// The share of `area`'s pixels that are ink and lie outside every box of
/// `text` (each widened by [`TEXT_MARGIN`] of its height); 0 for an empty
/// area. A region of lines of text and nothing else (a certificate's
/// signatures, a cover's title) has next to none; a photo, a chart or a
/// diagram has its picture.
pub fn ink_outside(image: &RgbImage, area: &BBox, text: &[BBox]) -> f32 {
    let (w, h) = image.dimensions();
    let x0 = area.x0.max(0.0).floor() as u32;
    let y0 = area.y0.max(0.0).floor() as u32;
    let x1 = (area.x1.ceil().max(0.0) as u32).min(w);
    let y1 = (area.y1.ceil().max(0.0) as u32).min(h);
    if x1 <= x0 || y1 <= y0 {
        return 0.0;
    }
    let boxes: Vec<BBox> = text
        .iter()
        .map(|b| {
            let m = TEXT_MARGIN * b.height();
            BBox::new(b.x0 - m, b.y0 - m, b.x1 + m, b.y1 + m)
        })
        .collect();
    let mut ink = 0u64;
    for y in y0..y1 {
        let yc = y as f32 + 0.5;
        // The boxes across this row, as x spans.
        let spans: Vec<(f32, f32)> =
            boxes.iter().filter(|b| b.y0 <= yc && yc < b.y1).map(|b| (b.x0, b.x1)).collect();
        for x in x0..x1 {
            let p = image.get_pixel(x, y).0;
            if (p[0] as u32 + p[1] as u32 + p[2] as u32) / 3 >= INK {
                continue;
            }
            let xc = x as f32 + 0.5;
            if !spans.iter().any(|&(a, b)| a <= xc && xc < b) {
                ink += 1;
            }
        }
    }
    ink as f32 / ((x1 - x0) as f32 * (y1 - y0) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_alone_leaves_no_ink_and_a_picture_does() {
        let mut image = RgbImage::from_pixel(200, 100, image::Rgb([255, 255, 255]));
        // "Text": a dark bar inside its box.
        for y in 20..30 {
            for x in 20..120 {
                image.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        let area = BBox::new(0.0, 0.0, 200.0, 100.0);
        let text = [BBox::new(20.0, 20.0, 120.0, 30.0)];
        assert_eq!(ink_outside(&image, &area, &text), 0.0);
        // A filled square beside it: a picture's ink, 20 x 20 of 200 x 100.
        for y in 50..70 {
            for x in 150..170 {
                image.put_pixel(x, y, image::Rgb([40, 40, 40]));
            }
        }
        assert!((ink_outside(&image, &area, &text) - 0.02).abs() < 1e-6);
        // Outside the image or empty: nothing.
        assert_eq!(ink_outside(&image, &BBox::new(300.0, 0.0, 400.0, 50.0), &text), 0.0);
    }
}
