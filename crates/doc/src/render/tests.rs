use super::*;
use crate::{BBox, Image, PageInfo, TableCell};
use proptest::prelude::*;

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

fn doc(elements: Vec<Element>) -> Document {
    Document { pages: vec![PageInfo { number: 1, width: 200.0, height: 100.0, dpi: 72.0 }], elements }
}

fn cell(row: usize, col: usize, rowspan: usize, colspan: usize, header: bool, text: &str) -> TableCell {
    TableCell { row, col, rowspan, colspan, header, text: text.into(), bbox: None }
}

#[test]
fn script_tags_come_out_inert() {
    let d =
        doc(vec![Element::text(0, Category::Paragraph, 1, BBox::default(), "<script>alert('x')</script>")]);
    let html = d.to_html();
    assert!(!html.contains("<script"), "{html}");
    assert_eq!(
        html,
        "<p id='0' data-category='paragraph'>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</p>"
    );
}

#[test]
fn headings_use_h1() {
    let d = doc(vec![
        Element::text(0, Category::Heading1, 1, BBox::default(), "Title"),
        Element::text(1, Category::Paragraph, 1, BBox::default(), "a\nb"),
    ]);
    assert_eq!(
        d.to_html(),
        "<h1 id='0' data-category='heading1'>Title</h1>\n<p id='1' data-category='paragraph'>a<br>b</p>"
    );
    assert_eq!(d.to_text(), "Title\n\na\nb\n");
    assert_eq!(d.to_markdown(), "# Title\n\na\nb\n");
}

#[test]
fn tables_render_spans_in_html_and_fall_back_from_markdown() {
    let spanned = Table {
        rows: 3,
        cols: 2,
        cells: vec![
            cell(0, 0, 1, 1, true, "Zone"),
            cell(0, 1, 1, 1, true, "A|B"),
            cell(1, 0, 2, 1, false, "Mid"),
            cell(1, 1, 1, 1, false, "1"),
            cell(2, 1, 1, 1, false, "2"),
        ],
    };
    let e = Element { category: Category::Table, table: Some(spanned.clone()), ..Element::default() };
    assert_eq!(
        element_html(&e),
        "<table id='0' data-category='table'><thead><tr><th>Zone</th><th>A|B</th></tr></thead>\
         <tbody><tr><td rowspan='2'>Mid</td><td>1</td></tr><tr><td>2</td></tr></tbody></table>"
    );
    assert!(element_markdown(&e).starts_with("<table>"));

    let mut plain = spanned;
    plain.cells[2].rowspan = 1;
    plain.cells.push(cell(2, 0, 1, 1, false, ""));
    let e = Element { category: Category::Table, table: Some(plain), ..Element::default() };
    assert_eq!(element_markdown(&e), "| Zone | A\\|B |\n| --- | --- |\n| Mid | 1 |\n|  | 2 |");
}

#[test]
fn figures_embed_images_with_alt_text() {
    let e = Element {
        category: Category::Figure,
        image: Some(Image { png: Some(vec![1, 2, 3]), file: None, alt: "A <chart>".into() }),
        ..Element::default()
    };
    assert_eq!(
        element_html(&e),
        "<figure id='0' data-category='figure'><img src='data:image/png;base64,AQID' alt='A &lt;chart&gt;'></figure>"
    );
    assert_eq!(element_markdown(&e), "![A &lt;chart&gt;](data:image/png;base64,AQID)");
}

#[test]
fn captions_nest_inside_their_figure_in_document_html() {
    let fig = Element {
        id: 0,
        category: Category::Figure,
        image: Some(Image { png: None, file: Some("p1-fig0.png".into()), alt: "Figure 1: cover".into() }),
        caption: Some(1),
        ..Element::default()
    };
    let cap = Element::text(1, Category::Caption, 1, BBox::default(), "Figure 1: cover");
    let d = doc(vec![fig, cap]);
    assert_eq!(
        d.to_html(),
        "<figure id='0' data-category='figure'><img src='p1-fig0.png' alt='Figure 1: cover'>\
         <figcaption id='1' data-category='caption'>Figure 1: cover</figcaption></figure>"
    );
    // Text and Markdown keep the caption as its own block.
    assert_eq!(d.to_text(), "Figure 1: cover\n");
}

#[test]
fn captions_are_their_tables_first_child() {
    let table = Table { rows: 1, cols: 1, cells: vec![cell(0, 0, 1, 1, false, "18")] };
    let t = Element {
        id: 0,
        category: Category::Table,
        table: Some(table),
        caption: Some(1),
        ..Element::default()
    };
    let cap = Element::text(1, Category::Caption, 1, BBox::default(), "Table 1: <cover>");
    let d = doc(vec![t.clone(), cap]);
    assert_eq!(
        d.to_html(),
        "<table id='0' data-category='table'><caption id='1' data-category='caption'>Table 1: &lt;cover&gt;</caption>\
         <tbody><tr><td>18</td></tr></tbody></table>"
    );
    // Alone, the table has no caption; Markdown keeps the caption as its own block.
    assert_eq!(
        element_html(&t),
        "<table id='0' data-category='table'><tbody><tr><td>18</td></tr></tbody></table>"
    );
    assert_eq!(d.to_markdown(), "| 18 |\n| --- |\n\nTable 1: &lt;cover&gt;\n");
}

/// Issue 18: document text cannot become live HTML in Markdown (which
/// CommonMark renderers pass through), and control characters and
/// bidirectional overrides reach no output.
#[test]
fn markdown_and_text_carry_no_markup_or_controls_from_the_document() {
    let hostile = "<script>alert(1)</script> <img src=x onerror=alert(1)> a\0b \u{202E}gnp.exe R&D\x02";
    let mut fig = Element::text(3, Category::Figure, 1, BBox::default(), "");
    fig.image =
        Some(Image { png: None, file: Some("a b)(c_files/p1-e3.png".into()), alt: "<b>x</b>".into() });
    let d = doc(vec![
        Element::text(0, Category::Paragraph, 1, BBox::default(), hostile),
        Element::text(1, Category::Heading1, 1, BBox::default(), hostile),
        Element::text(2, Category::Equation, 1, BBox::default(), hostile),
        fig,
    ]);
    let md = d.to_markdown();
    for needle in ["<script", "<img", "<b>", "\0", "\u{202E}", "\x02", "a b)"] {
        assert!(!md.contains(needle), "{needle:?} in {md}");
    }
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
    assert!(md.contains("R&amp;D"), "{md}");
    assert!(md.contains("](a%20b%29%28c_files/p1-e3.png)"), "{md}");
    let html = d.to_html();
    let text = d.to_text();
    for out in [&html, &text] {
        assert!(!out.contains('\0') && !out.contains('\u{202E}') && !out.contains('\x02'), "{out:?}");
    }
    // Plain text keeps the words as they are, only without the controls.
    assert!(text.contains("<script>alert(1)</script> <img src=x onerror=alert(1)> ab gnp.exe R&D"), "{text}");
}

proptest! {
    #[test]
    fn escaped_html_round_trips_its_clean_text(s in any::<String>()) {
        let e = escape_html(&s);
        prop_assert!(!e.contains('<') && !e.contains('>') && !e.contains('\'') && !e.contains('"'));
        prop_assert_eq!(unescape(&e), clean_text(&s).into_owned());
    }

    #[test]
    fn markdown_text_never_holds_a_tag_or_a_control(s in any::<String>()) {
        let e = escape_markdown(&s);
        prop_assert!(!e.contains('<') && !e.contains('>'));
        let unsafe_char = |c: char| (c.is_control() && c != '\t' && c != '\n') || ('\u{202A}'..='\u{202E}').contains(&c);
        prop_assert!(!e.chars().any(unsafe_char), "{:?}", e);
        prop_assert_eq!(unescape(&e), clean_text(&s).into_owned());
    }

    #[test]
    fn clean_text_is_idempotent(s in any::<String>()) {
        let once = clean_text(&s).into_owned();
        prop_assert_eq!(clean_text(&once).into_owned(), once.clone());
    }
}

#[test]
fn a_formula_in_markdown_stays_latex_and_never_html() {
    let eq = |t: &str| Element::text(0, Category::Equation, 1, BBox::new(0.0, 0.0, 1.0, 1.0), t);
    let md = element_markdown(&eq(r"\begin{array}{cc}a&b\\c&#1\end{array}"));
    assert_eq!(md, "$$\n\\begin{array}{cc}a& b\\\\c& #1\\end{array}\n$$");
    assert_eq!(element_markdown(&eq("a<b>c")), "$$\na\\lt b\\gt c\n$$");
    assert!(!element_markdown(&eq("<script>")).contains('<'));
    assert_eq!(element_markdown(&eq("a & b")), "$$\na & b\n$$");
}
