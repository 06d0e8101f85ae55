//! Renderers from a [`Document`] to output formats.

use crate::{Category, Document, Element};

/// Escapes text for HTML element content and single- or double-quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

fn element_html(e: &Element, out: &mut String) {
    let tag = match e.category {
        Category::Heading1 => "h1",
        Category::Header => "header",
        Category::Footer => "footer",
        Category::Caption => "caption",
        _ => "p",
    };
    let body = escape_html(&e.text).replace('\n', "<br>");
    out.push_str(&format!("<{tag} id='{}' data-category='{}'>{body}</{tag}>", e.id, e.category));
}

pub(crate) fn html(doc: &Document) -> String {
    let mut out = String::new();
    for (i, e) in doc.elements.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        element_html(e, &mut out);
    }
    out
}

pub(crate) fn text(doc: &Document) -> String {
    let mut out = String::new();
    for e in &doc.elements {
        if e.text.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&e.text);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BBox;
    use proptest::prelude::*;

    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn script_tags_come_out_inert() {
        let doc = Document {
            pages: vec![],
            elements: vec![Element::text(
                0,
                Category::Paragraph,
                1,
                BBox::default(),
                "<script>alert('x')</script>",
            )],
        };
        let html = doc.to_html();
        assert!(!html.contains("<script"), "{html}");
        assert_eq!(
            html,
            "<p id='0' data-category='paragraph'>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</p>"
        );
    }

    #[test]
    fn headings_use_h1() {
        let doc = Document {
            pages: vec![],
            elements: vec![
                Element::text(0, Category::Heading1, 1, BBox::default(), "Title"),
                Element::text(1, Category::Paragraph, 1, BBox::default(), "a\nb"),
            ],
        };
        assert_eq!(
            doc.to_html(),
            "<h1 id='0' data-category='heading1'>Title</h1>\n<p id='1' data-category='paragraph'>a<br>b</p>"
        );
        assert_eq!(doc.to_text(), "Title\n\na\nb\n");
    }

    proptest! {
        #[test]
        fn escaped_html_round_trips_its_text(s in any::<String>()) {
            let e = escape_html(&s);
            prop_assert!(!e.contains('<') && !e.contains('>') && !e.contains('\'') && !e.contains('"'));
            prop_assert_eq!(unescape(&e), s);
        }
    }
}
