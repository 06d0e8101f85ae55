//! Pictures a born-digital page draws ([`parasol_source::Page::pictures`]):
//! which of them OCR reads and which become figure regions.

use parasol_doc::{BBox, PageInfo, Region, TextLine};

/// A picture smaller than this share of the page is an icon, a logo or a
/// small screenshot, not read by OCR (Docling's default threshold for the
/// bitmaps it OCRs on born-digital pages). At 1 % an IBM manual's small
/// screenshots took 13.4 s instead of 5.2 s for 18 pages; at 5 %, 7.8 s.
const MIN_SHARE: f32 = 0.05;

/// A picture that layout regions cover less than this share of was missed.
const COVERED: f32 = 0.5;

/// The score of a figure region found from a PDF's own image objects, not
/// by the layout model.
pub(crate) const SCORE: f32 = 0.5;

/// Whether any of `lines` lies half or more inside `area`.
pub(crate) fn holds_text(area: &BBox, lines: &[TextLine]) -> bool {
    lines.iter().any(|l| l.bbox.share_in(area) > 0.5)
}

/// The pictures of a born-digital page that the text layer leaves empty,
/// each once: a photo of a receipt pasted into an expense claim, a
/// screenshot of a table. Their text is in no layer, so OCR reads them;
/// assembly then reads a picture of lines of text as text and keeps a
/// chart's labels with the chart. An icon-sized picture, or one the layer
/// writes over (a background), is left alone.
pub(crate) fn empty(pictures: &[BBox], lines: &[TextLine], page: &PageInfo) -> Vec<BBox> {
    let page_area = page.width * page.height;
    let mut out: Vec<BBox> = Vec::new();
    for p in pictures {
        if p.area() >= MIN_SHARE * page_area
            && !holds_text(p, lines)
            && !out.iter().any(|o| p.share_in(o) > 0.5)
        {
            out.push(*p);
        }
    }
    out
}

/// Whether the layout model missed `picture`: its regions cover less than
/// [`COVERED`] of it.
pub(crate) fn is_missed(picture: &BBox, regions: &[Region]) -> bool {
    let covered: f32 = regions.iter().filter_map(|r| r.bbox.intersection(picture)).map(|x| x.area()).sum();
    covered < COVERED * picture.area()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::{Category, TextOrigin};

    #[test]
    fn pictures_the_layer_leaves_empty_are_read_and_missed_ones_are_figures() {
        let page = PageInfo { number: 1, width: 1000.0, height: 1000.0, dpi: 150.0 };
        let photo = BBox::new(100.0, 400.0, 600.0, 900.0);
        let pictures = [
            photo,
            // The same photo drawn twice (a mask and its image).
            BBox::new(101.0, 401.0, 600.0, 900.0),
            // A logo.
            BBox::new(10.0, 10.0, 60.0, 60.0),
            // A background the text layer writes over.
            BBox::new(0.0, 0.0, 1000.0, 300.0),
        ];
        let text =
            [TextLine::from_bbox(BBox::new(100.0, 100.0, 600.0, 120.0), "Claim", TextOrigin::TextLayer)];
        assert_eq!(empty(&pictures, &text, &page), [photo]);
        let region = |x0, y0, x1, y1| Region {
            bbox: BBox::new(x0, y0, x1, y1),
            category: Category::Figure,
            score: 0.9,
        };
        assert!(is_missed(&photo, &[]));
        // A layout region over its top fifth only.
        assert!(is_missed(&photo, &[region(100.0, 400.0, 600.0, 500.0)]));
        assert!(!is_missed(&photo, &[region(90.0, 390.0, 610.0, 910.0)]));
    }
}
