//! Prints every OCR line of each image with its quad, box and font size: a
//! probe for the geometry `parasol-assemble` works from.
//!
//! ```text
//! cargo run --release --workspace --example ocr_lines -- models/files page.png …
//! ```
//!
//! With `PARASOL_STRAIGHTEN=1`, a tilted page's lines are printed as the
//! pipeline moves them onto the straightened page, then as OCR reads that
//! page afresh (saved beside the input as `*.straight.png`).

use std::path::Path;

use parasol_models::{ModelFile, ModelStore};
use parasol_vision::{init_runtime, DraftModel, OcrEngine, OcrModels};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let store = ModelStore::new(args.next().ok_or("usage: ocr_lines MODEL_DIR IMAGE…")?);
    init_runtime(&store.require(ModelFile::OnnxRuntime)?)?;
    let models = OcrModels {
        det: store.require(ModelFile::OcrDetSmall)?,
        cls: store.require(ModelFile::OcrLineClassifier)?,
        rec: store.require(ModelFile::OcrRecSmallInt8)?,
        dict: None,
        draft: Some(DraftModel {
            rec: store.require(ModelFile::OcrRecTiny)?,
            dict: Some(store.require(ModelFile::OcrRecTinyDict)?),
        }),
    };
    let engine = OcrEngine::new(&models, 2)?;
    for path in args {
        let img = image::open(Path::new(&path))?.to_rgb8();
        println!("# {path} {}x{}", img.width(), img.height());
        let lines = engine.recognize(&img)?;
        print_lines(&lines);
        let skew = parasol_vision::skew::skew_of(&lines);
        if let (Some(angle), true) = (skew, std::env::var_os("PARASOL_STRAIGHTEN").is_some()) {
            let (w, h) = (img.width() as f32, img.height() as f32);
            println!("# tilt {:.2}°: the lines moved", angle.to_degrees());
            let moved: Vec<_> =
                lines.iter().map(|l| parasol_vision::skew::straighten_line(l, angle, w, h)).collect();
            print_lines(&moved);
            let straight = parasol_vision::skew::straighten(&img, angle);
            straight.save(format!("{path}.straight.png"))?;
            println!("# read again on the straightened page");
            print_lines(&engine.recognize(&straight)?);
        }
    }
    Ok(())
}

fn print_lines(lines: &[parasol_doc::TextLine]) {
    for l in lines {
        let q = l.quad.map(|[x, y]| format!("{x:.0},{y:.0}")).join(" ");
        let b = l.bbox;
        println!(
            "[{q}] box {:.0},{:.0},{:.0},{:.0} font {:.1} {:?}",
            b.x0, b.y0, b.x1, b.y1, l.font_size, l.text
        );
    }
}
