//! Saved passage vectors: used only for the passages they were made for.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parasol_doc::{BBox, Category, Document, Element, PageInfo};
use parasol_models::{ModelFile, ModelStore};
use parasol_qa::{Embedder, Index};

fn embedder() -> Arc<Embedder> {
    let dir = std::env::var_os("PARASOL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"));
    let path = match ModelStore::new(dir).require(ModelFile::E5Small) {
        Ok(path) => path,
        Err(missing) => panic!("{missing} (or set PARASOL_MODELS)"),
    };
    Arc::new(Embedder::open(&path).unwrap())
}

fn doc(texts: &[&str]) -> Document {
    let mut doc = Document::default();
    doc.pages.push(PageInfo { number: 1, width: 600.0, height: 800.0, dpi: 72.0 });
    // A heading before each paragraph: one passage each.
    let mut elements = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let y = 40.0 * i as f32;
        elements.push(Element::text(
            2 * i,
            Category::Heading1,
            1,
            BBox::new(10.0, y, 300.0, y + 10.0),
            "Part",
        ));
        elements.push(Element::text(
            2 * i + 1,
            Category::Paragraph,
            1,
            BBox::new(10.0, y + 12.0, 300.0, y + 30.0),
            *t,
        ));
    }
    doc.elements = elements;
    doc
}

#[test]
fn saved_vectors_come_back_for_the_same_passages_and_are_refused_for_others() {
    let e5 = embedder();
    let texts = [
        "Marram grass stabilises the dune face.",
        "The harbour silted up in 1820.",
        "서울은 한국의 수도이다.",
    ];
    let first = Index::with_embedder(&doc(&texts), e5.clone()).unwrap();
    let mut saved = Vec::new();
    assert!(first.save_vectors(&mut saved).unwrap());

    let mut again = Index::new(&doc(&texts)).unwrap();
    assert!(again.embed_or_load(e5.clone(), Some(&mut saved.as_slice())), "same passages: the saved vectors");
    assert_eq!(again.vectors(), first.vectors());
    let q = "When did the harbour silt up?";
    let ids = |i: &Index| i.search(q, 3).iter().map(|p| p.index).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&first));

    // Another document, a truncated file, a flipped byte: embedded anew.
    let mut other = Index::new(&doc(&texts[..2])).unwrap();
    assert!(!other.embed_or_load(e5.clone(), Some(&mut saved.as_slice())));
    assert_eq!(other.vectors().unwrap().len(), other.passages().len());
    let mut cut = Index::new(&doc(&texts)).unwrap();
    assert!(!cut.embed_or_load(e5.clone(), Some(&mut &saved[..saved.len() - 1])));
    let mut flipped = saved.clone();
    flipped[10] ^= 1;
    let mut bad = Index::new(&doc(&texts)).unwrap();
    assert!(!bad.embed_or_load(e5.clone(), Some(&mut flipped.as_slice())));
    assert_eq!(bad.vectors(), first.vectors(), "embedded again, the same vectors");

    // An index without vectors saves nothing.
    assert!(!Index::new(&doc(&texts)).unwrap().save_vectors(&mut Vec::new()).unwrap());
}
