//! Plain value types shared by every stage of Parasol, and the renderers that
//! turn a [`Document`] into HTML, Markdown, text or JSON.
//!
//! The JSON output is a typed contract: [`upstage::UpstageResponse`], the
//! shape of Upstage Document Parse's response, serialisable and
//! deserialisable ([`Document::to_upstage`]).
//!
//! This crate does no IO and no machine learning: it is the vocabulary the
//! other crates speak. Coordinates are page pixels at the page's render DPI,
//! `f32`, origin top-left.
//!
//! ```
//! use parasol_doc::{BBox, Category, Document, Element, PageInfo};
//! let mut doc = Document::default();
//! doc.pages.push(PageInfo { number: 1, width: 100.0, height: 100.0, dpi: 72.0 });
//! doc.elements.push(Element::text(0, Category::Paragraph, 1, BBox::new(0.0, 0.0, 10.0, 10.0), "a < b"));
//! assert_eq!(doc.to_html(), "<p id='0' data-category='paragraph'>a &lt; b</p>");
//! ```

mod geometry;
mod render;
pub mod script;
pub mod upstage;

pub use geometry::{BBox, Quad};
pub use render::{clean_text, element_html, element_markdown, element_text, escape_html, escape_markdown};

use serde::{Deserialize, Serialize};

/// Upstage Document Parse's twelve element categories: our public contract.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Heading1,
    #[default]
    Paragraph,
    List,
    Table,
    Figure,
    Chart,
    Caption,
    Header,
    Footer,
    Equation,
    Index,
    Footnote,
}

impl Category {
    /// Every category, in Upstage's documented order.
    pub const ALL: [Category; 12] = [
        Category::Heading1,
        Category::Paragraph,
        Category::List,
        Category::Table,
        Category::Figure,
        Category::Chart,
        Category::Caption,
        Category::Header,
        Category::Footer,
        Category::Equation,
        Category::Index,
        Category::Footnote,
    ];

    /// The name used in `data-category` attributes and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Heading1 => "heading1",
            Category::Paragraph => "paragraph",
            Category::List => "list",
            Category::Table => "table",
            Category::Figure => "figure",
            Category::Chart => "chart",
            Category::Caption => "caption",
            Category::Header => "header",
            Category::Footer => "footer",
            Category::Equation => "equation",
            Category::Index => "index",
            Category::Footnote => "footnote",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a line of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextOrigin {
    /// The PDF's own text layer.
    TextLayer,
    /// Optical character recognition on the rendered page.
    Ocr,
}

/// One line of text on a page, from the text layer or from OCR.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextLine {
    /// The line's four corners (clockwise from top-left) in page pixels.
    pub quad: Quad,
    /// The axis-aligned box around `quad`.
    pub bbox: BBox,
    pub text: String,
    /// Recogniser confidence in `[0, 1]`; 1 for text-layer lines.
    pub score: f32,
    /// Font size in page pixels when known (text layer), else the box height.
    pub font_size: f32,
    pub origin: TextOrigin,
}

impl TextLine {
    /// A line whose quad is its axis-aligned box.
    pub fn from_bbox(bbox: BBox, text: impl Into<String>, origin: TextOrigin) -> TextLine {
        TextLine {
            quad: bbox.to_quad(),
            bbox,
            text: text.into(),
            score: 1.0,
            font_size: bbox.height(),
            origin,
        }
    }
}

/// A layout region on a page, as a layout model found it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub bbox: BBox,
    pub category: Category,
    /// Detector confidence in `[0, 1]`.
    pub score: f32,
}

/// Size of one page of the output document.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PageInfo {
    /// 1-based page number.
    pub number: usize,
    /// Width in pixels at `dpi`.
    pub width: f32,
    /// Height in pixels at `dpi`.
    pub height: f32,
    pub dpi: f32,
}

/// One typed element of the document, in reading order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Element {
    /// Position in reading order, from 0, unique in the document.
    pub id: usize,
    pub category: Category,
    /// 1-based page number.
    pub page: usize,
    /// Bounding box in page pixels.
    pub bbox: BBox,
    /// Plain text of the element (for tables, cells joined row by row).
    pub text: String,
    /// Structure of a `table` element.
    pub table: Option<Table>,
    /// Image of a `figure` or `chart` element.
    pub image: Option<Image>,
    /// For a table or figure: the id of its caption element, next to it in
    /// reading order (before it when the caption stands above, after it
    /// otherwise) and rendered inside it in HTML.
    pub caption: Option<usize>,
}

impl Element {
    pub fn text(id: usize, category: Category, page: usize, bbox: BBox, text: impl Into<String>) -> Element {
        Element { id, category, page, bbox, text: text.into(), table: None, image: None, caption: None }
    }
}

/// A table as a grid of cells; spanning cells appear once, at their top-left slot.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Table {
    pub rows: usize,
    pub cols: usize,
    /// Cells in row-major order of their top-left slot.
    pub cells: Vec<TableCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableCell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    /// A header cell (`<th>`-like; rendered inside `<thead>` when its row is all header).
    pub header: bool,
    pub text: String,
    pub bbox: Option<BBox>,
}

/// A cropped picture of a figure or chart.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Image {
    /// PNG bytes, when the image is embedded.
    #[serde(skip)]
    pub png: Option<Vec<u8>>,
    /// File name relative to the HTML output, when written beside it.
    pub file: Option<String>,
    /// Alternative text: the caption when there is one.
    pub alt: String,
}

/// A whole parsed document: page sizes and elements in reading order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub pages: Vec<PageInfo>,
    pub elements: Vec<Element>,
}

impl Document {
    /// Upstage-style HTML: one tag per element, ids in reading order.
    pub fn to_html(&self) -> String {
        render::html(self)
    }

    /// Plain text: elements separated by blank lines.
    pub fn to_text(&self) -> String {
        render::text(self)
    }

    /// Markdown: `#` headings, pipe tables (HTML when cells span), image links.
    pub fn to_markdown(&self) -> String {
        render::markdown(self)
    }

    /// Upstage Document Parse's response: `api`, `model`, `content` (html,
    /// markdown, text), `elements` with normalised `coordinates`, `usage`.
    /// It displays as JSON (`{:#}` pretty-prints).
    pub fn to_upstage(&self, model: &str) -> upstage::UpstageResponse {
        upstage::UpstageResponse::from_document(self, model)
    }
}
