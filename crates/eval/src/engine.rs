//! Parasol's own engine behind the suites' [`Converter`] seam, with its
//! default options (layout model, table structure, orientation).

use std::path::Path;

use parasol_pipeline::{
    Engine, EngineConfig, LayoutChoice, LayoutModelKind, OcrMode, OcrModel, Options, PipelineError,
};

use crate::suites::{Availability, Capabilities, Conversion, ConvertError, Converter, Region, Request};
use crate::teds::pubtabnet_html;

/// `parasol_pipeline::Engine` as a [`Converter`].
#[derive(Debug)]
pub struct PipelineConverter {
    engine: Engine,
    layout: LayoutChoice,
    ocr_model: OcrModel,
}

impl PipelineConverter {
    /// Binds the native libraries from `models`; OCR models load on warm-up.
    /// `threads` is per ONNX session (default: all cores); `layout` as for
    /// `parasol convert` (`auto`: the best installed model).
    pub fn new(
        models: &Path,
        threads: Option<usize>,
        layout: LayoutChoice,
    ) -> Result<PipelineConverter, PipelineError> {
        let mut config = EngineConfig::from_models_dir(models);
        if let Some(t) = threads {
            config.threads = t.max(1);
        }
        Ok(PipelineConverter { engine: Engine::new(config)?, layout, ocr_model: OcrModel::default() })
    }

    /// Reads scans with `model` instead of the default (small) OCR models.
    pub fn with_ocr_model(mut self, model: OcrModel) -> PipelineConverter {
        self.ocr_model = model;
        self
    }

    /// The layout model the conversions use (`None`: none).
    pub fn layout(&self) -> Option<LayoutModelKind> {
        self.engine.resolve_layout(self.layout)
    }

    fn options(&self) -> Options {
        Options { layout: self.layout, ocr_model: self.ocr_model, ..Options::default() }
    }
}

impl Converter for PipelineConverter {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            layout: Availability::Available,
            tables: Availability::Available,
            layout_note: Some(
                "the output elements are the detections; they carry no confidence, so each scores 1 \
                 and AP ranks them in reading order (a lower bound of the detector's own AP)"
                    .into(),
            ),
            tables_note: Some(
                "each table element is rendered PubTabNet-style (every cell a td, header rows in thead) \
                 before TEDS, so th-vs-td is not scored"
                    .into(),
            ),
        }
    }

    fn warm_up(&self) -> Result<(), ConvertError> {
        Ok(self.engine.warm_up(&self.options())?)
    }

    fn convert(&self, path: &Path, request: &Request) -> Result<Conversion, ConvertError> {
        let options = Options {
            ocr: if request.force_ocr { OcrMode::Force } else { OcrMode::Auto },
            password: request.password.clone(),
            page_is_table: request.page_is_table,
            lang: request.lang,
            ..self.options()
        };
        let converted = self.engine.convert_path(path, &options, &mut |_| {})?;
        let document = converted.document;
        let regions = document
            .elements
            .iter()
            .map(|e| Region { page: e.page, category: e.category, bbox: e.bbox, score: 1.0 })
            .collect();
        let tables = document.elements.iter().filter_map(|e| e.table.as_ref()).map(pubtabnet_html).collect();
        Ok(Conversion { document, regions, tables })
    }
}
