use super::*;
use crate::{BBox, Image, PageInfo, Table, TableCell};
use proptest::prelude::*;

fn page(number: usize) -> PageInfo {
    PageInfo { number, width: 200.0, height: 100.0, dpi: 72.0 }
}

fn doc(elements: Vec<Element>) -> Document {
    Document { pages: vec![page(1)], elements }
}

/// A response that goes out as JSON comes back equal, compact or pretty.
#[track_caller]
fn check_round_trip(response: &UpstageResponse) {
    for json in [format!("{response}"), format!("{response:#}")] {
        let back: UpstageResponse = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, response, "{json}");
    }
}

#[test]
fn json_has_upstage_shape_with_normalised_coordinates() {
    let d = doc(vec![Element::text(0, Category::Footer, 1, BBox::new(20.0, 90.0, 100.0, 100.0), "p. 1")]);
    let v = serde_json::to_value(d.to_upstage("parasol-test")).unwrap();
    assert_eq!(v["api"], "2.0");
    assert_eq!(v["model"], "parasol-test");
    assert_eq!(v["usage"]["pages"], 1);
    assert_eq!(v["content"]["text"], "p. 1\n");
    let e = &v["elements"][0];
    assert_eq!(e["category"], "footer");
    assert_eq!(e["page"], 1);
    assert_eq!(e["content"]["html"], "<footer id='0' data-category='footer'>p. 1</footer>");
    assert_eq!(e["coordinates"][0]["x"], 0.1);
    assert_eq!(e["coordinates"][0]["y"], 0.9);
    assert_eq!(e["coordinates"][2]["x"], 0.5);
    assert_eq!(e["coordinates"][2]["y"], 1.0);
    assert!(e.get("base64_encoding").is_none());
}

#[test]
fn keys_come_out_in_alphabetical_order() {
    let fig = Element {
        category: Category::Figure,
        page: 1,
        image: Some(Image { png: Some(vec![1, 2, 3]), file: None, alt: String::new() }),
        ..Element::default()
    };
    let json = doc(vec![fig]).to_upstage("m").to_string();
    let html = "<figure id='0' data-category='figure'><img src='data:image/png;base64,AQID' alt=''></figure>";
    let md = "![](data:image/png;base64,AQID)";
    let corner = r#"{"x":0.0,"y":0.0}"#;
    assert_eq!(
        json,
        format!(
            r#"{{"api":"2.0","content":{{"html":"{html}","markdown":"{md}\n","text":""}},"elements":[{{"base64_encoding":"AQID","category":"figure","content":{{"html":"{html}","markdown":"{md}","text":""}},"coordinates":[{corner},{corner},{corner},{corner}],"id":0,"page":1}}],"model":"m","usage":{{"pages":1}}}}"#
        )
    );
}

#[test]
fn a_document_with_every_kind_of_content_round_trips() {
    let table = Table {
        rows: 2,
        cols: 2,
        cells: vec![
            TableCell {
                row: 0,
                col: 0,
                rowspan: 1,
                colspan: 2,
                header: true,
                text: "Zone".into(),
                bbox: None,
            },
            TableCell { row: 1, col: 0, rowspan: 1, colspan: 1, header: false, text: "A".into(), bbox: None },
            TableCell {
                row: 1,
                col: 1,
                rowspan: 1,
                colspan: 1,
                header: false,
                text: "1.5".into(),
                bbox: None,
            },
        ],
    };
    let d = Document {
        pages: vec![page(1), PageInfo { number: 2, width: 612.0, height: 792.0, dpi: 72.0 }],
        elements: vec![
            Element::text(0, Category::Heading1, 1, BBox::new(10.0, 5.0, 190.0, 15.0), "Title \"quoted\""),
            Element {
                id: 1,
                category: Category::Table,
                page: 1,
                bbox: BBox::new(10.0, 20.0, 190.0, 60.0),
                text: "Zone A 1.5".into(),
                table: Some(table),
                caption: Some(2),
                ..Element::default()
            },
            Element::text(2, Category::Caption, 1, BBox::new(10.0, 62.0, 190.0, 70.0), "Table 1: zones"),
            Element {
                id: 3,
                category: Category::Chart,
                page: 2,
                bbox: BBox::new(33.3, 47.1, 580.9, 402.7),
                image: Some(Image {
                    png: Some(vec![137, 80, 78, 71]),
                    file: None,
                    alt: "über € 中文".into(),
                }),
                ..Element::default()
            },
            Element::text(4, Category::Footer, 2, BBox::new(0.0, 780.0, 612.0, 800.0), "2\n"),
        ],
    };
    let response = UpstageResponse::from_document(&d, "parasol-test");
    assert_eq!(response.usage.pages, 2);
    assert_eq!(response.elements[3].base64_encoding.as_deref(), Some("iVBORw=="));
    // A box beyond the page is clamped to it.
    assert_eq!(response.elements[4].coordinates[2], Point { x: 1.0, y: 1.0 });
    check_round_trip(&response);
}

#[test]
fn an_empty_document_round_trips() {
    check_round_trip(&Document::default().to_upstage("parasol-test"));
}

proptest! {
    #[test]
    fn any_text_and_box_round_trip(
        text in any::<String>(),
        (x, y, w, h) in (-50f32..400.0, -50f32..200.0, 0f32..300.0, 0f32..150.0),
    ) {
        let d = doc(vec![Element::text(0, Category::Paragraph, 1, BBox::new(x, y, x + w, y + h), text)]);
        let response = d.to_upstage("parasol-test");
        let back: UpstageResponse = serde_json::from_str(&format!("{response:#}")).unwrap();
        prop_assert_eq!(back, response);
    }
}

proptest! {
    /// Splitting a document at page boundaries (numbering each part on from
    /// the last, as async batches are) and joining the parts' responses
    /// gives the whole document's response.
    #[test]
    fn joined_parts_equal_the_whole(
        pages in proptest::collection::vec(
            proptest::collection::vec((0usize..12, "[a-z <&]{0,8}"), 0..4), 1..6),
        cut in 1usize..5,
    ) {
        let mut whole = Document::default();
        for (i, elements) in pages.iter().enumerate() {
            whole.pages.push(page(i + 1));
            for (c, text) in elements {
                let id = whole.elements.len();
                let bbox = BBox::new(10.0, 10.0, 50.0, 20.0);
                whole.elements.push(Element::text(id, Category::ALL[*c], i + 1, bbox, text.clone()));
            }
        }
        let parts: Vec<UpstageResponse> = whole
            .pages
            .chunks(cut)
            .map(|chunk| {
                let numbers: Vec<usize> = chunk.iter().map(|p| p.number).collect();
                let part = Document {
                    pages: chunk.to_vec(),
                    elements: whole.elements.iter().filter(|e| numbers.contains(&e.page)).cloned().collect(),
                };
                part.to_upstage("m")
            })
            .collect();
        prop_assert_eq!(UpstageResponse::join(parts), Some(whole.to_upstage("m")));
    }
}

#[test]
fn a_response_reads_back_as_a_document_of_its_elements() {
    let d = doc(vec![
        Element::text(0, Category::Heading1, 1, BBox::new(20.0, 10.0, 100.0, 20.0), "Title"),
        Element::text(1, Category::Paragraph, 1, BBox::new(20.0, 30.0, 180.0, 60.0), "Body & more"),
    ]);
    let back = d.to_upstage("m").to_document();
    assert_eq!(back.pages.len(), 1);
    let got: Vec<(usize, Category, usize, &str)> =
        back.elements.iter().map(|e| (e.id, e.category, e.page, e.text.as_str())).collect();
    assert_eq!(got, [(0, Category::Heading1, 1, "Title"), (1, Category::Paragraph, 1, "Body & more")]);
    let b = back.elements[1].bbox;
    assert_eq!((b.x0, b.y0, b.x1, b.y1), (0.1, 0.3, 0.9, 0.6));
}
