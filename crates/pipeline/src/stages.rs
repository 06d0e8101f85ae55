//! Where a conversion's time went, stage by stage, and how often each
//! stage ran: what benchmarks report, and how a test sees that a stage did
//! not run (a blank page runs no model; a trusted text layer no page OCR).

use std::time::Duration;

/// One stage's runs and the time they took together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageTime {
    pub runs: usize,
    pub time: Duration,
}

impl StageTime {
    pub(crate) fn add(&mut self, time: Duration) {
        self.runs += 1;
        self.time += time;
    }

    fn merge(&mut self, other: StageTime) {
        self.runs += other.runs;
        self.time += other.time;
    }
}

/// The stages of a conversion. On a page read by OCR, layout, tables and
/// figures run on a second thread beside it, so the stages' times can add
/// up to more than the wall time; a layout pass thrown away because OCR
/// found the page turned still counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stages {
    /// Rasterising PDF pages (PDFium) or decoding images, one run a page.
    pub render: StageTime,
    /// Reading PDF text layers: PDFium's characters into words and lines.
    pub text_layer: StageTime,
    /// Whole-page OCR (text detection, orientation, recognition).
    pub ocr: StageTime,
    /// OCR of the text regions a trusted text layer leaves empty, one run a region.
    pub region_ocr: StageTime,
    /// The layout model.
    pub layout: StageTime,
    /// Table structure recognition, one run a table region or grid of words.
    pub tables: StageTime,
    /// Figure crops encoded as PNG, one run a figure.
    pub figures: StageTime,
    /// Display equations read as LaTeX, one run an equation.
    pub formulas: StageTime,
    /// Assembly: text into regions, tables filled, reading order.
    pub assemble: StageTime,
    /// Pages with no ink and no text layer, on which no model ran.
    pub blank_pages: usize,
}

impl Stages {
    /// Runs of the models (layout, OCR, table structure, formulas), whichever ran.
    pub fn model_runs(&self) -> usize {
        self.ocr.runs + self.region_ocr.runs + self.layout.runs + self.tables.runs + self.formulas.runs
    }

    /// Adds `other`'s runs and times to these.
    pub fn merge(&mut self, other: &Stages) {
        for (a, b) in self.each_mut().into_iter().zip(other.each()) {
            a.merge(b);
        }
        self.blank_pages += other.blank_pages;
    }

    fn each(&self) -> [StageTime; 9] {
        [
            self.render,
            self.text_layer,
            self.ocr,
            self.region_ocr,
            self.layout,
            self.tables,
            self.figures,
            self.formulas,
            self.assemble,
        ]
    }

    fn each_mut(&mut self) -> [&mut StageTime; 9] {
        [
            &mut self.render,
            &mut self.text_layer,
            &mut self.ocr,
            &mut self.region_ocr,
            &mut self.layout,
            &mut self.tables,
            &mut self.figures,
            &mut self.formulas,
            &mut self.assemble,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_adds_runs_and_times() {
        let ms = Duration::from_millis;
        let mut a =
            Stages { layout: StageTime { runs: 1, time: ms(5) }, blank_pages: 1, ..Stages::default() };
        let b = Stages {
            layout: StageTime { runs: 2, time: ms(7) },
            tables: StageTime { runs: 1, time: ms(3) },
            ..Stages::default()
        };
        a.merge(&b);
        assert_eq!(a.layout, StageTime { runs: 3, time: ms(12) });
        assert_eq!(a.tables, StageTime { runs: 1, time: ms(3) });
        assert_eq!((a.blank_pages, a.model_runs()), (1, 4));
    }
}
