//! The committed golden JSON outputs (`tests/golden/*.json` at the workspace
//! root, written by `parasol convert --format json`) are instances of the
//! typed contract: each parses into [`UpstageResponse`] and prints back to
//! the same bytes.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::path::Path;

use parasol_doc::upstage::UpstageResponse;

#[test]
fn golden_json_files_parse_into_the_contract_and_print_back_unchanged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden JSON in {}", dir.display());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let response: UpstageResponse =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!response.elements.is_empty(), "{}", path.display());
        assert!(response.elements.iter().all(|e| (1..=response.usage.pages).contains(&e.page)));
        assert!(format!("{response:#}\n") == text, "{} does not print back unchanged", path.display());
    }
}
