//! Pure logic from text lines and layout regions to a reading-order [`Document`].
//!
//! No models and no IO: the pipeline hands over each page's text lines (from
//! the PDF text layer or OCR), and, when a layout model ran, its regions,
//! table structures and figure crops; this crate assigns text to regions,
//! fills table cells, links captions, decides the reading order and numbers
//! the elements. [`drop_headers_footers`] removes running heads and page
//! footers afterwards, when a caller wants the body only.
//!
//! ```
//! use parasol_assemble::{assemble, PageText};
//! use parasol_doc::{BBox, PageInfo, TextLine, TextOrigin};
//! let line = |y: f32, t: &str| TextLine::from_bbox(BBox::new(10.0, y, 200.0, y + 12.0), t, TextOrigin::Ocr);
//! let page = PageText::new(
//!     PageInfo { number: 1, width: 300.0, height: 400.0, dpi: 150.0 },
//!     vec![line(100.0, "second line"), line(86.0, "first line")],
//! );
//! let doc = assemble(&[page]);
//! assert_eq!(doc.elements.len(), 1);
//! assert_eq!(doc.elements[0].text, "first line second line");
//! ```

mod columns;
mod furniture;
mod grid;
mod layout;
mod order;
mod paragraphs;
mod tables;
mod text;

use parasol_doc::{BBox, Category, Document, Element, Image, PageInfo, Region, Table, TextLine};

pub use grid::{grid_areas, structure_agrees};
pub use order::{xy_cut, xy_cut_dir};
pub use tables::fill_table;
pub use text::{reads_as_math, reads_as_prose};

/// Everything known about one page before assembly.
#[derive(Debug, Clone, Default)]
pub struct PageText {
    pub info: PageInfo,
    /// Text lines in any order.
    pub lines: Vec<TextLine>,
    /// Words, when the source has them (the PDF text layer); table cells are
    /// filled from words when present, from lines otherwise.
    pub words: Vec<TextLine>,
    /// Layout regions; empty when no layout model ran.
    pub regions: Vec<Region>,
    /// Table structure (cells with boxes, text not yet filled) by region index.
    pub tables: Vec<(usize, Table)>,
    /// Cropped pictures by region index.
    pub images: Vec<(usize, Image)>,
    /// Equations read as LaTeX by region index; an equation region without
    /// one is read from its lines.
    pub formulas: Vec<(usize, String)>,
    /// Horizontal rules drawn on the page (a table's borders), found on its
    /// image; evidence that aligned columns are a table.
    pub rules: Vec<BBox>,
}

impl PageText {
    /// A page with text lines only.
    pub fn new(info: PageInfo, lines: Vec<TextLine>) -> PageText {
        PageText { info, lines, ..PageText::default() }
    }
}

/// An element before ids are assigned; `caption` indexes the page's blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Block {
    pub category: Category,
    pub bbox: BBox,
    pub text: String,
    pub table: Option<Table>,
    pub image: Option<Image>,
    pub caption: Option<usize>,
}

/// Builds the document: elements per page in reading order, ids from 0.
pub fn assemble(pages: &[PageText]) -> Document {
    let mut doc = Document::default();
    for page in pages {
        let joined;
        let capped = text::join_drop_caps(&page.lines);
        let labelled = text::join_hanging_labels(capped.as_deref().unwrap_or(&page.lines));
        let page = match labelled.or(capped) {
            Some(lines) => {
                joined = PageText { lines, ..page.clone() };
                &joined
            }
            None => page,
        };
        doc.pages.push(page.info);
        let mut blocks: Vec<Block> =
            if page.regions.is_empty() { paragraphs::blocks(&page.lines) } else { layout::blocks(page) };
        index_entries_join_their_contents(&mut blocks);
        let blocks = page_numbers_are_furniture(blocks, &page.info);
        let base = doc.elements.len();
        for block in blocks {
            let id = doc.elements.len();
            doc.elements.push(Element {
                id,
                category: block.category,
                page: page.info.number,
                bbox: block.bbox,
                text: block.text,
                table: block.table,
                image: block.image,
                caption: block.caption.map(|c| base + c),
            });
        }
    }
    furniture::running_heads_and_footers(&mut doc);
    doc
}

/// On a page with a table of contents, a paragraph or list that is one entry
/// or a few, every line an entry ("Notices . . . vii" set apart by the
/// layout model), is part of it.
fn index_entries_join_their_contents(blocks: &mut [Block]) {
    if !blocks.iter().any(|b| b.category == Category::Index) {
        return;
    }
    for b in blocks.iter_mut() {
        if matches!(b.category, Category::Paragraph | Category::List)
            && !b.text.trim().is_empty()
            && b.text.lines().all(text::is_index_entry)
        {
            b.category = Category::Index;
        }
    }
}

/// Share of the page's height at its top and at its bottom where a page
/// number is printed.
const PAGE_NUMBER_BAND: f32 = 0.15;

/// A page number read as text (a layout model that left it unlabelled, or
/// none) is the page's footer, or header at the top: it stands alone
/// ([`text::is_page_number`]) in the page's top or bottom band, with no text
/// beyond it but other furniture. It is read where furniture is: a footer
/// after the rest of the page, a header before it (a page number under the
/// gutter of two columns was read between them).
fn page_numbers_are_furniture(mut blocks: Vec<Block>, page: &PageInfo) -> Vec<Block> {
    let furniture = |c: Category| matches!(c, Category::Header | Category::Footer | Category::Footnote);
    let body = |b: &Block| !furniture(b.category) && !b.text.trim().is_empty();
    let mut moved = Vec::new();
    for i in 0..blocks.len() {
        let b = &blocks[i];
        if !matches!(b.category, Category::Paragraph | Category::Heading1 | Category::List)
            || !text::is_page_number(&b.text)
        {
            continue;
        }
        let (top, bottom) = (b.bbox.y0, b.bbox.y1);
        let category = if top >= (1.0 - PAGE_NUMBER_BAND) * page.height
            && !blocks.iter().enumerate().any(|(j, o)| j != i && body(o) && o.bbox.y0 >= bottom)
        {
            Category::Footer
        } else if bottom <= PAGE_NUMBER_BAND * page.height
            && !blocks.iter().enumerate().any(|(j, o)| j != i && body(o) && o.bbox.y1 <= top)
        {
            Category::Header
        } else {
            continue;
        };
        blocks[i].category = category;
        moved.push(i);
    }
    if moved.is_empty() {
        return blocks;
    }
    let (headers, footers): (Vec<usize>, Vec<usize>) =
        moved.iter().partition(|&&i| blocks[i].category == Category::Header);
    let order: Vec<usize> =
        headers.into_iter().chain((0..blocks.len()).filter(|i| !moved.contains(i))).chain(footers).collect();
    let mut slots: Vec<Option<Block>> = blocks.into_iter().map(Some).collect();
    let mut out: Vec<Block> = order.iter().filter_map(|&i| slots[i].take()).collect();
    for b in &mut out {
        b.caption = b.caption.and_then(|c| order.iter().position(|&i| i == c));
    }
    out
}

/// Removes running headers and footers, then numbers the remaining elements
/// 0..n again in order; caption links follow their captions.
pub fn drop_headers_footers(doc: &mut Document) {
    doc.elements.retain(|e| !matches!(e.category, Category::Header | Category::Footer));
    renumber(doc);
}

/// Ids back to 0..n in order after elements were removed; caption links follow.
fn renumber(doc: &mut Document) {
    let old: Vec<usize> = doc.elements.iter().map(|e| e.id).collect();
    for (new, e) in doc.elements.iter_mut().enumerate() {
        e.id = new;
    }
    for e in &mut doc.elements {
        e.caption = e.caption.and_then(|c| old.iter().position(|&o| o == c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_headers_and_footers_renumbers_and_keeps_caption_links() {
        let el = |id: usize, category: Category, page: usize| {
            Element::text(id, category, page, BBox::default(), format!("{category} {id}"))
        };
        let mut doc = Document {
            pages: vec![PageInfo::default(); 2],
            elements: vec![
                el(0, Category::Header, 1),
                el(1, Category::Paragraph, 1),
                Element { caption: Some(3), ..el(2, Category::Table, 1) },
                el(3, Category::Caption, 1),
                el(4, Category::Footer, 1),
                el(5, Category::Header, 2),
                Element { caption: Some(7), ..el(6, Category::Figure, 2) },
                el(7, Category::Caption, 2),
                el(8, Category::Footer, 2),
            ],
        };
        drop_headers_footers(&mut doc);
        let got: Vec<(usize, &str, Option<usize>)> =
            doc.elements.iter().map(|e| (e.id, e.text.as_str(), e.caption)).collect();
        assert_eq!(
            got,
            [
                (0, "paragraph 1", None),
                (1, "table 2", Some(2)),
                (2, "caption 3", None),
                (3, "figure 6", Some(4)),
                (4, "caption 7", None),
            ]
        );
        assert_eq!(doc.pages.len(), 2);
    }

    #[test]
    fn a_table_of_contents_is_an_index_one_entry_per_line() {
        use parasol_doc::TextOrigin;
        let line = |y: f32, t: &str| {
            TextLine::from_bbox(BBox::new(100.0, y, 800.0, y + 14.0), t, TextOrigin::TextLayer)
        };
        let region = |y0: f32, y1: f32, category: Category| Region {
            bbox: BBox::new(90.0, y0, 810.0, y1),
            category,
            score: 0.9,
        };
        let info = PageInfo { number: 1, width: 1000.0, height: 1400.0, dpi: 150.0 };
        let lines = vec![
            line(200.0, "Notices . . . . . . . . . . . . . . . . vii"),
            line(240.0, "Chapter 1. Securing and protecting data"),
            line(260.0, "1.1 Security fundamentals. . . . . . . . . . 2"),
            line(280.0, "1.2 Current state of security . . . . . . . 2"),
            line(400.0, "A paragraph of running text after the contents, which ends in a figure of 12"),
        ];
        let regions = vec![
            region(190.0, 220.0, Category::Paragraph),
            region(235.0, 300.0, Category::List),
            region(395.0, 420.0, Category::Paragraph),
        ];
        let page = PageText { info, lines: lines.clone(), regions, ..PageText::default() };
        let without_layout = PageText::new(info, lines);
        for page in [page, without_layout] {
            let doc = assemble(&[page]);
            let got: Vec<(Category, &str)> =
                doc.elements.iter().map(|e| (e.category, e.text.as_str())).collect();
            let index: Vec<&str> =
                got.iter().filter(|(c, _)| *c == Category::Index).map(|(_, t)| *t).collect();
            assert!(
                index.concat().contains("Chapter 1. Securing and protecting data\n1.1 Security fundamentals"),
                "{got:?}"
            );
            assert!(index.iter().any(|t| t.starts_with("Notices")), "{got:?}");
            assert!(
                got.contains(&(
                    Category::Paragraph,
                    "A paragraph of running text after the contents, which ends in a figure of 12"
                )),
                "{got:?}"
            );
        }
    }

    #[test]
    fn a_page_number_alone_at_the_top_or_bottom_is_furniture() {
        use parasol_doc::TextOrigin;
        let line = |x: f32, y: f32, t: &str| {
            TextLine::from_bbox(
                BBox::new(x, y, x + 10.0 * t.len() as f32, y + 14.0),
                t,
                TextOrigin::TextLayer,
            )
        };
        let info = PageInfo { number: 1, width: 1000.0, height: 1400.0, dpi: 150.0 };
        let body = "A paragraph of running text that fills the page's body and goes on";
        let lines = vec![
            line(480.0, 60.0, "iv"),
            line(100.0, 300.0, body),
            line(480.0, 700.0, "12"),
            line(100.0, 740.0, body),
            line(480.0, 1320.0, "- 13 -"),
        ];
        let regions: Vec<Region> = lines
            .iter()
            .map(|l| Region { bbox: l.bbox, category: Category::Paragraph, score: 0.9 })
            .collect();
        let page = PageText { info, lines: lines.clone(), regions, ..PageText::default() };
        for page in [page, PageText::new(info, lines)] {
            let doc = assemble(&[page]);
            let got: Vec<(Category, &str)> =
                doc.elements.iter().map(|e| (e.category, e.text.as_str())).collect();
            assert!(got.contains(&(Category::Header, "iv")), "{got:?}");
            assert!(got.contains(&(Category::Footer, "- 13 -")), "{got:?}");
            assert!(got.contains(&(Category::Paragraph, "12")), "a number amid the body stays text: {got:?}");
        }
    }

    #[test]
    fn a_page_number_under_the_gutter_of_two_columns_is_read_last() {
        use parasol_doc::TextOrigin;
        let line = |x0: f32, x1: f32, y: f32, t: &str| {
            TextLine::from_bbox(BBox::new(x0, y, x1, y + 14.0), t, TextOrigin::TextLayer)
        };
        let info = PageInfo { number: 1, width: 1000.0, height: 1400.0, dpi: 150.0 };
        let mut lines: Vec<TextLine> = (0..40)
            .map(|k| line(100.0, 480.0, 200.0 + 25.0 * k as f32, &format!("left column line {k} of text")))
            .collect();
        lines.extend(
            (0..10).map(|k| {
                line(520.0, 900.0, 200.0 + 25.0 * k as f32, &format!("right column line {k} of text"))
            }),
        );
        lines.push(line(470.0, 488.0, 1320.0, "7"));
        let regions = vec![
            Region { bbox: BBox::new(95.0, 195.0, 485.0, 1190.0), category: Category::Paragraph, score: 0.9 },
            Region { bbox: BBox::new(515.0, 195.0, 905.0, 440.0), category: Category::Paragraph, score: 0.9 },
            Region {
                bbox: BBox::new(468.0, 1318.0, 490.0, 1336.0),
                category: Category::Paragraph,
                score: 0.9,
            },
        ];
        let doc = assemble(&[PageText { info, lines, regions, ..PageText::default() }]);
        let got: Vec<(Category, &str)> =
            doc.elements.iter().map(|e| (e.category, &e.text[..e.text.len().min(16)])).collect();
        assert_eq!(got.last(), Some(&(Category::Footer, "7")), "{got:?}");
        assert!(got[0].1.starts_with("left column"), "{got:?}");
    }
}
