//! Prints a document's pages, text-layer statistics and lines: a debugging aid.
//!
//! `cargo run -p parasol-source --example dump -- FILE [PASSWORD]`

use parasol_models::ModelFile;
use parasol_source::{init_pdfium, OpenOptions, Source};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: dump FILE [PASSWORD]")?;
    let models = std::env::var("PARASOL_MODELS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/files").into());
    init_pdfium(&ModelFile::Pdfium.in_dir(models.as_ref()))?;
    let options = OpenOptions { password: args.next(), ..OpenOptions::default() };
    let source = Source::open_path(path.as_ref(), &options)?;
    println!("{:?}, {} pages", source.kind(), source.page_count());
    for w in source.warnings() {
        println!("warning: {}", w.message);
    }
    for i in 0..source.page_count() {
        let page = source.page(i)?;
        println!("page {} {}x{} @ {} dpi", i + 1, page.image.width(), page.image.height(), page.dpi);
        if let Some(t) = &page.native_text {
            println!("  {:?} trustworthy={}", t.stats, t.stats.is_trustworthy());
            for l in &t.lines {
                let b = l.bbox;
                println!(
                    "  [{:.0},{:.0},{:.0},{:.0}] {:.1}px {}",
                    b.x0, b.y0, b.x1, b.y1, l.font_size, l.text
                );
            }
        }
    }
    Ok(())
}
