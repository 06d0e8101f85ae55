//! Test documents made in code, shared by the tests and probes of several
//! crates, so that no test commits a binary file and no two tests keep
//! their own PDF writer, and what the tests must know about the shared
//! corpus's hostile files ([`corpus`]). Never a dependency of the product
//! (only of tests and of the evaluation tool).
//!
//! ```
//! let pdf = parasol_testdata::text_pdf(&[vec!["Hello".to_string()]]);
//! assert!(pdf.starts_with(b"%PDF-1.7") && pdf.ends_with(b"%%EOF\n"));
//! ```

pub mod corpus;

/// A PDF made of `objects` (object `n` is `objects[n - 1]`, object 1 the
/// catalog), with a correct cross-reference table and trailer.
pub fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

/// `s` as the inside of a PDF literal string: parentheses and backslashes
/// escaped, anything but printable ASCII as `?` (Helvetica's encoding).
pub fn pdf_string(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '(' | ')' | '\\' => format!("\\{c}"),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            _ => "?".into(),
        })
        .collect()
}

/// A born-digital PDF with one Letter page per entry of `pages`, each line
/// set in Helvetica from the top (the first 20 pt, the rest 11 pt): a real
/// document that PDFium reads with its text layer.
pub fn text_pdf(pages: &[Vec<String>]) -> Vec<u8> {
    // 1: catalog, 2: page tree, 3: font; then a page and its content per page.
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    for (i, lines) in pages.iter().enumerate() {
        let mut text = String::new();
        for (n, line) in lines.iter().enumerate() {
            let size = if n == 0 { 20 } else { 11 };
            let y = 720 - 20 * n as i64;
            text.push_str(&format!("BT /F1 {size} Tf 72 {y} Td ({}) Tj ET\n", pdf_string(line)));
        }
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * i
            )
            .into_bytes(),
        );
        objects.push(format!("<< /Length {} >>\nstream\n{text}endstream", text.len()).into_bytes());
    }
    pdf(&objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_references_point_at_their_objects() {
        let doc = text_pdf(&[vec!["a (b) \\ c".into()], vec![]]);
        let text = String::from_utf8_lossy(&doc);
        // The table itself, not the `startxref` keyword that ends in the same letters.
        let xref = text.rfind("\nxref\n").map_or(0, |i| i + 1);
        let startxref: usize =
            text.trim_end().rsplit('\n').nth(1).and_then(|l| l.parse().ok()).unwrap_or_default();
        assert_eq!(startxref, xref);
        for (n, line) in text[xref..].lines().skip(3).take(7).enumerate() {
            let offset: usize = line[..10].parse().unwrap_or_default();
            assert!(text[offset..].starts_with(&format!("{} 0 obj", n + 1)), "object {}", n + 1);
        }
        assert!(text.contains("(a \\(b\\) \\\\ c) Tj"));
    }
}
