//! Decodes an image exactly as Parasol does (the `image` crate, converted to
//! 8-bit RGB) and writes it as a lossless PNG.
//!
//! `scripts/ocr_reference.py` uses this for JPEG inputs, whose pixels differ
//! slightly between libjpeg-turbo (PIL) and the `image` crate, so that the
//! Python reference and the Rust engine see identical pixels.
//!
//! ```text
//! cargo run --release -p parasol-vision --example decode_rgb -- in.jpg out.png
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = &args[..] else {
        eprintln!("usage: decode_rgb INPUT OUTPUT.png");
        return ExitCode::from(2);
    };
    let rgb = match image::open(input) {
        Ok(img) => img.to_rgb8(),
        Err(e) => {
            eprintln!("cannot decode {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = rgb.save_with_format(output, image::ImageFormat::Png) {
        eprintln!("cannot write {output}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
