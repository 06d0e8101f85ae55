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
    pdf_with_font(pages, None)
}

/// [`text_pdf`] whose font lies about its characters: the page shows the
/// lines in Helvetica, but the font's ToUnicode map sends each printable
/// ASCII character `c` to `layer(c)`, so the text layer PDFium reads is
/// the lines mapped through `layer` (issue 16: a layer that reads
/// `줲줰줱줳` where the page shows `2013`).
pub fn text_pdf_with_layer(pages: &[Vec<String>], layer: impl Fn(char) -> char) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<00> <FF>\nendcodespacerange\n",
    );
    let codes: Vec<u8> = (0x20..=0x7E).collect();
    for block in codes.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", block.len()));
        for &code in block {
            let mut units = [0u16; 2];
            let hex: String =
                layer(char::from(code)).encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            cmap.push_str(&format!("<{code:02X}> <{hex}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    pdf_with_font(pages, Some(cmap))
}

/// The document of [`text_pdf`], with `to_unicode` as its font's ToUnicode
/// CMap when given (the last object).
fn pdf_with_font(pages: &[Vec<String>], to_unicode: Option<String>) -> Vec<u8> {
    // 1: catalog, 2: page tree, 3: font; then a page and its content per
    // page; then the font's ToUnicode map.
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    let cmap_object = 4 + 2 * pages.len();
    let font = match &to_unicode {
        Some(_) => {
            format!("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode {cmap_object} 0 R >>")
        }
        None => "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    };
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes(),
        font.into_bytes(),
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
    if let Some(cmap) = to_unicode {
        objects.push(format!("<< /Length {} >>\nstream\n{cmap}endstream", cmap.len()).into_bytes());
    }
    pdf(&objects)
}

/// A born-digital PDF with one Letter page (612 × 792 pt) per content
/// stream of `pages`, drawn as given: fonts `/F1` (Helvetica) and `/F2`
/// (Helvetica-Bold), so a test can turn text with `cm` or rule lines.
pub fn content_pdf(pages: &[String]) -> Vec<u8> {
    // 1: catalog, 2: page tree, 3 and 4: fonts; then a page and its content per page.
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>".to_vec(),
    ];
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        objects.push(format!("<< /Length {} >>\nstream\n{content}endstream", content.len()).into_bytes());
    }
    pdf(&objects)
}

/// A filled-in form: one Letter page whose labels are page text (11 pt
/// Helvetica, one a line from the top) and whose values are the form's
/// own: a text field beside each label holding its value (`/V`, drawn by
/// its appearance stream), then a check box per entry of `boxes`, ticked
/// or not, and a free-text annotation holding `note` ("Fill & Sign"
/// typing). The page's content stream holds only the labels, so the text
/// layer PDFium reads lacks every value.
pub fn form_pdf(fields: &[(&str, &str)], boxes: &[(&str, bool)], note: &str) -> Vec<u8> {
    // 1: catalog, 2: page tree, 3: font, 4: page, 5: its content; then per
    // annotation its dictionary and its appearance.
    let mut content = String::new();
    let mut annots: Vec<(String, String)> = Vec::new();
    let appearance = |w: f32, h: f32, draw: &str| {
        format!(
            "<< /Type /XObject /Subtype /Form /BBox [0 0 {w} {h}] /Resources << /Font << /Helv 3 0 R >> >> /Length {} >>\nstream\n{draw}endstream",
            draw.len()
        )
    };
    let mut y = 700.0f32;
    for (label, value) in fields {
        content.push_str(&format!("BT /F1 11 Tf 72 {} Td ({}) Tj ET\n", y + 5.0, pdf_string(label)));
        let draw = format!("/Tx BMC BT /Helv 11 Tf 2 6 Td ({}) Tj ET EMC\n", pdf_string(value));
        annots.push((
            format!(
                "/Subtype /Widget /FT /Tx /T ({}) /V ({}) /Rect [200 {y} 500 {}] /DA (/Helv 11 Tf 0 g)",
                pdf_string(label),
                pdf_string(value),
                y + 20.0
            ),
            appearance(300.0, 20.0, &draw),
        ));
        y -= 40.0;
    }
    for (label, ticked) in boxes {
        content.push_str(&format!("BT /F1 11 Tf 96 {} Td ({}) Tj ET\n", y + 2.0, pdf_string(label)));
        let state = if *ticked { "/Yes" } else { "/Off" };
        let draw = if *ticked { "0 0 m 12 12 l S 0 12 m 12 0 l S\n" } else { "" };
        annots.push((
            format!(
                "/Subtype /Widget /FT /Btn /T ({}) /V {state} /AS {state} /Rect [72 {y} 84 {}]",
                pdf_string(label),
                y + 12.0
            ),
            appearance(12.0, 12.0, draw),
        ));
        y -= 30.0;
    }
    let draw = format!("BT /Helv 11 Tf 2 6 Td ({}) Tj ET\n", pdf_string(note));
    annots.push((
        format!(
            "/Subtype /FreeText /Contents ({}) /Rect [300 {y} 560 {}] /DA (/Helv 11 Tf 0 g)",
            pdf_string(note),
            y + 20.0
        ),
        appearance(260.0, 20.0, &draw),
    ));
    let first = 6;
    let refs: Vec<String> = (0..annots.len()).map(|i| format!("{} 0 R", first + 2 * i)).collect();
    let widgets: Vec<String> =
        (0..fields.len() + boxes.len()).map(|i| format!("{} 0 R", first + 2 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        format!(
            "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{}] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 3 0 R >> >> >> >>",
            widgets.join(" ")
        )
        .into_bytes(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R /Annots [{}] >>",
            refs.join(" ")
        )
        .into_bytes(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()).into_bytes(),
    ];
    for (i, (dict, ap)) in annots.into_iter().enumerate() {
        let ap_ref = first + 2 * i + 1;
        let normal = if dict.contains("/FT /Btn") {
            let state = if dict.contains("/V /Yes") { "Yes" } else { "Off" };
            format!("<< /{state} {ap_ref} 0 R >>")
        } else {
            format!("{ap_ref} 0 R")
        };
        objects.push(format!("<< /Type /Annot {dict} /F 4 /P 4 0 R /AP << /N {normal} >> >>").into_bytes());
        objects.push(ap.into_bytes());
    }
    pdf(&objects)
}

/// A one-page PDF as a scanner with OCR writes it: `jpeg` (a baseline RGB
/// JPEG of `width` × `height` pixels) over the whole page at 150 dpi, and
/// `lines` laid over it in Helvetica as an invisible text layer (render
/// mode 3), which is what an earlier OCR engine leaves.
pub fn scan_pdf(jpeg: &[u8], (width, height): (u32, u32), lines: &[&str]) -> Vec<u8> {
    let (w, h) = (width as f32 * 72.0 / 150.0, height as f32 * 72.0 / 150.0);
    let mut content = format!("q {w} 0 0 {h} 0 0 cm /Im1 Do Q\nBT 3 Tr /F1 11 Tf\n");
    for (i, line) in lines.iter().enumerate() {
        content.push_str(&format!(
            "1 0 0 1 36 {} Tm ({}) Tj\n",
            h - 36.0 - 14.0 * i as f32,
            pdf_string(line)
        ));
    }
    content.push_str("ET\n");
    let image = jpeg_object(jpeg, (width, height));
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        image,
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> /Contents 6 0 R >>"
        )
        .into_bytes(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()).into_bytes(),
    ])
}

/// An image XObject holding `jpeg`, a baseline RGB JPEG of `width` ×
/// `height` pixels.
fn jpeg_object(jpeg: &[u8], (width, height): (u32, u32)) -> Vec<u8> {
    let mut image = format!(
        "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB \
         /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
        jpeg.len()
    )
    .into_bytes();
    image.extend_from_slice(jpeg);
    image.extend_from_slice(b"\nendstream");
    image
}

/// A born-digital Letter page (612 × 792 pt) carrying a photo: `lines` in
/// 11 pt Helvetica from its top, and below them `jpeg` (a baseline RGB JPEG
/// of `width` × `height` pixels) pasted 360 pt wide, as an expense claim
/// carries the photo of a receipt. The photo's text is in no text layer.
pub fn picture_pdf(jpeg: &[u8], (width, height): (u32, u32), lines: &[&str]) -> Vec<u8> {
    let (w, h) = (360.0, 360.0 * height as f32 / width.max(1) as f32);
    let mut content = String::from("BT /F1 11 Tf\n");
    for (i, line) in lines.iter().enumerate() {
        content.push_str(&format!("1 0 0 1 72 {} Tm ({}) Tj\n", 720.0 - 16.0 * i as f32, pdf_string(line)));
    }
    let top = 720.0 - 16.0 * lines.len() as f32 - 24.0;
    content.push_str(&format!("ET\nq {w} 0 0 {h} 72 {} cm /Im1 Do Q\n", top - h));
    let image = jpeg_object(jpeg, (width, height));
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        image,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> /Contents 6 0 R >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()).into_bytes(),
    ])
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
