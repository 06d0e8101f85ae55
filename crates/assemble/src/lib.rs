//! Pure logic from text lines to a reading-order [`Document`].
//!
//! No models and no IO: the pipeline hands over each page's text lines (from
//! the PDF text layer or OCR) and gets typed elements back. This first cut
//! groups lines into paragraphs and orders them top to bottom, left to right;
//! layout-aware reading order arrives with the layout models.
//!
//! ```
//! use parasol_assemble::{assemble, PageText};
//! use parasol_doc::{BBox, PageInfo, TextLine, TextOrigin};
//! let line = |y: f32, t: &str| TextLine::from_bbox(BBox::new(10.0, y, 200.0, y + 12.0), t, TextOrigin::Ocr);
//! let page = PageText {
//!     info: PageInfo { number: 1, width: 300.0, height: 400.0, dpi: 150.0 },
//!     lines: vec![line(100.0, "second line"), line(86.0, "first line")],
//! };
//! let doc = assemble(&[page]);
//! assert_eq!(doc.elements.len(), 1);
//! assert_eq!(doc.elements[0].text, "first line second line");
//! ```

mod paragraphs;

use parasol_doc::{Document, Element, PageInfo, TextLine};

/// One page's size and text lines, in any order.
#[derive(Debug, Clone)]
pub struct PageText {
    pub info: PageInfo,
    pub lines: Vec<TextLine>,
}

/// Builds the document: paragraphs per page, pages in order, ids in reading order.
pub fn assemble(pages: &[PageText]) -> Document {
    let mut doc = Document::default();
    for page in pages {
        doc.pages.push(page.info);
        for block in paragraphs::blocks(&page.lines, &page.info) {
            let id = doc.elements.len();
            doc.elements.push(Element {
                id,
                category: block.category,
                page: page.info.number,
                bbox: block.bbox,
                text: block.text,
            });
        }
    }
    doc
}
