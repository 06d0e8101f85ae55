//! Facts about `../shared/corpus/hostile` that the end-to-end tests and the
//! evaluation's hostile suite both need, written once.

use std::collections::HashMap;
use std::io;
use std::path::Path;

/// Encrypted hostile files that PDFium cannot open even with the right
/// password (a malformed owner key; a file pdf.js itself opens only leniently).
pub const HOSTILE_UNOPENABLE: &[&str] = &["encrypted_hello_world_r2_bad_okey.pdf", "bug1782186.pdf"];

/// The password of each encrypted hostile file, by file name: PDFium's
/// (transcribed from `pdfium/encrypted/PASSWORDS.txt`, which is prose, and
/// checked to still say so) and pdf.js's (`pdfjs/encrypted/PASSWORDS.json`).
pub fn hostile_passwords(hostile: &Path) -> io::Result<HashMap<String, String>> {
    let txt_path = hostile.join("pdfium/encrypted/PASSWORDS.txt");
    let txt = std::fs::read_to_string(&txt_path)?;
    if !(txt.contains("encrypted.pdf: user \"1234\"") && txt.contains("user \"hôtel\"")) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: the transcribed passwords (1234, hôtel) are no longer listed", txt_path.display()),
        ));
    }
    let mut map: HashMap<String, String> = HashMap::new();
    map.insert("encrypted.pdf".into(), "1234".into());
    map.insert("bug_644.pdf".into(), "b".into());
    for r in ["r2", "r3", "r5", "r6"] {
        map.insert(format!("encrypted_hello_world_{r}.pdf"), "hôtel".into());
        map.insert(format!("encrypted_hello_world_{r}_bad_okey.pdf"), "hôtel".into());
    }
    let json_path = hostile.join("pdfjs/encrypted/PASSWORDS.json");
    let json: HashMap<String, String> = serde_json::from_str(&std::fs::read_to_string(&json_path)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", json_path.display())))?;
    map.extend(json);
    Ok(map)
}
