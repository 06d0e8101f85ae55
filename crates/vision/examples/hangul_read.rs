//! Reads line images with the Korean recogniser (Tesseract `kor+eng`) and
//! prints each reading and its confidence: a probe for tuning the crop
//! preparation in `ocr::hangul`.
//!
//! ```text
//! cargo run --release -p parasol-vision --example hangul_read -- models/files line.png …
//! ```

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let datapath = args.next().ok_or("usage: hangul_read MODEL_DIR IMAGE…")?;
    let reader = parasol_vision::HangulReader::new(Path::new(&datapath), 1)?;
    for path in args {
        let img = image::open(&path)?.to_rgb8();
        let (text, conf) = reader.read_rgb(&img)?;
        println!("{path}\t{conf:.2}\t{text}");
    }
    Ok(())
}
