//! Figure regions that are lines of text and nothing else: read as
//! paragraphs, not hidden in an image.

use parasol_assemble::PageText;
use parasol_doc::{BBox, Category, TextOrigin};
use parasol_source::RgbImage;

use crate::page::{is_text_region, lines_inside};

/// A figure region holding lines of text is a picture only with more ink
/// than this share of the lines' box beside them. Measured on the probe
/// pages: a certificate's closing lines and signature rules 0.36-0.39 %,
/// lines of a statement or a questionnaire's rows 0-0.04 %; a financial
/// statement's rules 0.68-0.70 %, a form's or a calendar's borders
/// 1.7-3.3 %, a chart or a photo more.
const TEXT_FIGURE_MAX_INK: f32 = 0.005;

/// Figure regions that are lines of text and nothing else
/// ([`parasol_vision::ink::ink_outside`] below [`TEXT_FIGURE_MAX_INK`])
/// are paragraphs: PicoDet boxes sparse text (a certificate's closing
/// lines and signatures, a cover's centred title) as a figure, and an
/// image of them would hide their words.
pub(crate) fn text_figures(image: &RgbImage, text: &mut PageText) {
    /// The lines of a figure that is text spread over this share of its
    /// box at least (a certificate's: 0.47, a photo's caption: a strip).
    const TEXT_FIGURE_HULL_SHARE: f32 = 0.4;

    // Lines the layout model also gave a text region of its own: a figure
    // around them (a banner behind a heading, a diagram beside its
    // paragraphs) is no text of its own.
    let texts: Vec<BBox> = text
        .regions
        .iter()
        .filter(|r| is_text_region(r.category) && r.category != Category::Caption)
        .map(|r| r.bbox)
        .collect();
    let mut relabelled: Vec<BBox> = Vec::new();
    for (i, region) in text.regions.iter_mut().enumerate() {
        if region.category != Category::Figure {
            continue;
        }
        let lines = lines_inside(&text.lines, &region.bbox);
        // On a page with a text layer, OCR's lines in a figure are the
        // words of a picture (a screenshot's dialog), not text set there.
        let layer = text.lines.iter().any(|l| l.origin == TextOrigin::TextLayer);
        if layer && lines.iter().any(|l| l.origin == TextOrigin::Ocr) {
            continue;
        }
        let inside: Vec<BBox> = lines.iter().map(|l| l.bbox).collect();
        if inside.is_empty() || inside.iter().any(|l| texts.iter().any(|t| l.share_in(t) > 0.5)) {
            continue;
        }
        // Judged where the text is: a border round the page or a rule
        // beyond the lines is no picture among them, and a photo with its
        // caption's line in the box has its text in a corner of it.
        let hull = inside.iter().skip(1).fold(inside[0], |a, b| a.union(b));
        if hull.area() < TEXT_FIGURE_HULL_SHARE * region.bbox.area() {
            continue;
        }
        if parasol_vision::ink::ink_outside(image, &hull, &inside) < TEXT_FIGURE_MAX_INK {
            region.category = Category::Paragraph;
            text.images.retain(|(k, _)| *k != i);
            relabelled.push(region.bbox);
        }
    }
    // A "caption" the model saw inside such a figure is more of its text:
    // its lines are read with the others, in their order.
    for region in &mut text.regions {
        if region.category == Category::Caption && relabelled.iter().any(|b| region.bbox.share_in(b) > 0.5) {
            region.category = Category::Paragraph;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::{Image, Region, TextLine};

    #[test]
    fn a_figure_of_lines_of_text_and_nothing_else_is_a_paragraph() {
        // Two lines of "text" (dark bars in their boxes) in a figure region,
        // a caption region over the second; then a picture beside them.
        let mut image = RgbImage::from_pixel(400, 300, [255, 255, 255].into());
        let bar = |image: &mut RgbImage, b: &BBox| {
            for y in b.y0 as u32..b.y1 as u32 {
                for x in b.x0 as u32..b.x1 as u32 {
                    image.put_pixel(x, y, [0, 0, 0].into());
                }
            }
        };
        let boxes = [BBox::new(50.0, 50.0, 350.0, 62.0), BBox::new(80.0, 150.0, 320.0, 162.0)];
        for b in &boxes {
            bar(&mut image, b);
        }
        let lines: Vec<TextLine> =
            boxes.iter().map(|b| TextLine::from_bbox(*b, "words", TextOrigin::TextLayer)).collect();
        let page = |image: &RgbImage| {
            let mut text = PageText {
                lines: lines.clone(),
                regions: vec![
                    Region {
                        bbox: BBox::new(40.0, 40.0, 360.0, 170.0),
                        category: Category::Figure,
                        score: 0.9,
                    },
                    Region {
                        bbox: BBox::new(70.0, 140.0, 330.0, 170.0),
                        category: Category::Caption,
                        score: 0.9,
                    },
                ],
                images: vec![(0, Image { png: Some(vec![1]), file: None, alt: String::new() })],
                ..PageText::default()
            };
            text_figures(image, &mut text);
            text
        };
        let text = page(&image);
        assert_eq!(text.regions[0].category, Category::Paragraph);
        assert_eq!(text.regions[1].category, Category::Paragraph);
        assert!(text.images.is_empty());
        // A drawing among the lines: a picture with labels.
        bar(&mut image, &BBox::new(100.0, 80.0, 200.0, 120.0));
        let text = page(&image);
        assert_eq!(text.regions[0].category, Category::Figure);
        assert_eq!(text.regions[1].category, Category::Caption);
        assert_eq!(text.images.len(), 1);
    }
}
