//! Display equations read as LaTeX, end to end, on a real PDF: Docling's
//! `code_and_formula.pdf` (the shared corpus), whose second page sets
//! "a² + 8 = 12" apart from its text. Its text layer gives "a 2 + 8 = 12".
//!
//! YOLO (DocLayNet's Formula class; opt-in weights that `.ci/run` fetches
//! with `python3 scripts/fetch_models.py --group all`) finds the equation.
//! PicoDet, a new user's default, takes it for a heading, which the
//! pipeline reads as a formula because its words are one; PicoDet's one
//! "equation" on the first page is the listing's caption, which must stay
//! words.
//!
//! Needs the models and PDFium (`PARASOL_MODELS` overrides the folder) and
//! the shared corpus next to the repository.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use parasol_doc::{Category, Document};
use parasol_pipeline::{Engine, EngineConfig, LayoutChoice, Options};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let models =
            std::env::var_os("PARASOL_MODELS").map_or_else(|| root().join("models/files"), PathBuf::from);
        Engine::new(EngineConfig::from_models_dir(models)).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn convert(options: &Options) -> Document {
    let pdf = root().join("../shared/corpus/docling/pdf/sources/code_and_formula.pdf");
    engine()
        .convert_path(&pdf, options, &mut |_| {})
        .unwrap_or_else(|e| panic!("{}: {e}", pdf.display()))
        .document
}

fn equations(doc: &Document) -> Vec<&str> {
    doc.elements.iter().filter(|e| e.category == Category::Equation).map(|e| e.text.as_str()).collect()
}

#[test]
fn a_display_equation_is_read_as_latex() {
    let options = Options { layout: LayoutChoice::Yolo, ..Options::default() };
    let doc = convert(&options);
    assert_eq!(equations(&doc), ["a^{2}+8=12"], "{:#?}", doc.elements);
    let html = doc.to_html();
    assert!(html.contains("data-category='equation'>$$a^{2}+8=12$$</p>"), "{html}");

    // Off, the equation keeps its text layer's text.
    let doc = convert(&Options { formulas: false, ..options });
    let text = equations(&doc);
    assert_eq!(text.len(), 1, "{:#?}", doc.elements);
    assert!(!text[0].contains('^') && text[0].contains("8 = 12"), "{text:?}");
}

#[test]
fn with_picodet_the_equation_taken_for_a_heading_is_read_and_the_caption_stays_words() {
    let doc = convert(&Options { layout: LayoutChoice::PicoDet, ..Options::default() });
    assert_eq!(equations(&doc), ["a^{2}+8=12"], "{:#?}", doc.elements);
    assert!(doc.elements.iter().all(|e| e.category != Category::Heading1 || !e.text.contains('=')));
    let caption = doc.elements.iter().find(|e| e.text.contains("Listing 1")).expect("the listing's caption");
    assert_eq!(caption.text, "Listing 1: Simple JavaScript Program");
    assert_ne!(caption.category, Category::Equation);
}
