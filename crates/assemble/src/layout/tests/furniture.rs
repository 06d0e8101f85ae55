use super::*;

#[test]
fn body_text_level_with_a_header_at_the_top_is_read_in_the_headers_row() {
    let p = page(
        vec![
            line(100.0, 30.0, 300.0, 50.0, "09/17/97 10:55"),
            line(450.0, 32.0, 650.0, 52.0, "LORILLARD PTLD"),
            line(850.0, 30.0, 900.0, 50.0, "001"),
            line(100.0, 200.0, 900.0, 220.0, "TO: K. A. Sparrow"),
        ],
        vec![
            region(440.0, 25.0, 660.0, 58.0, Category::Header),
            region(90.0, 190.0, 910.0, 230.0, Category::Paragraph),
        ],
    );
    check(
        &p,
        &[
            (Category::Paragraph, "09/17/97 10:55"),
            (Category::Header, "LORILLARD PTLD"),
            (Category::Paragraph, "001"),
            (Category::Paragraph, "TO: K. A. Sparrow"),
        ],
    );
    // Level with a header, but with body text above it: read in the body.
    let p = page(
        vec![
            line(100.0, 10.0, 400.0, 25.0, "A line of body text across the top"),
            line(450.0, 32.0, 650.0, 52.0, "Running head"),
            line(100.0, 34.0, 300.0, 50.0, "aside"),
        ],
        vec![
            region(440.0, 28.0, 660.0, 58.0, Category::Header),
            region(90.0, 5.0, 410.0, 27.0, Category::Paragraph),
            region(90.0, 31.0, 310.0, 53.0, Category::Paragraph),
        ],
    );
    check(
        &p,
        &[
            (Category::Header, "Running head"),
            (Category::Paragraph, "A line of body text across the top"),
            (Category::Paragraph, "aside"),
        ],
    );
}

/// A line from `x0` to `x1` at `y`, set in `size` (its height too).
fn sized(x0: f32, x1: f32, y: f32, size: f32, text: &str) -> TextLine {
    let mut l = line(x0, y, x1, y + size, text);
    l.font_size = size;
    l
}

#[test]
fn a_header_in_type_well_above_the_bodys_is_a_title() {
    let sized = |y: f32, size: f32, text: &str| sized(100.0, 600.0, y, size, text);
    let p = page(
        vec![
            sized(40.0, 32.0, "Quarterly Sales by Region"),
            sized(1340.0, 14.0, "Sales office, internal"),
            sized(200.0, 20.0, "Figures are in thousands of euros."),
            sized(224.0, 20.0, "The East region led every quarter."),
        ],
        vec![
            region(90.0, 35.0, 610.0, 80.0, Category::Header),
            region(90.0, 1335.0, 610.0, 1360.0, Category::Header),
            region(90.0, 195.0, 610.0, 250.0, Category::Paragraph),
        ],
    );
    // The "header" at the page's foot, the body all above it, is its footer.
    check(
        &p,
        &[
            (Category::Heading1, "Quarterly Sales by Region"),
            (Category::Paragraph, "Figures are in thousands of euros. The East region led every quarter."),
            (Category::Footer, "Sales office, internal"),
        ],
    );
}

/// A form's title, centred over its first table, the layout model took for
/// the table's caption: in type well above the body's and without a
/// caption's label, it is the page's heading; a caption in the body's type
/// stays one.
#[test]
fn a_caption_in_type_well_above_the_bodys_is_a_title() {
    let sized = |y: f32, size: f32, text: &str| sized(300.0, 700.0, y, size, text);
    let p = page(
        vec![
            sized(100.0, 36.0, "Facility booking request"),
            sized(200.0, 20.0, "Please fill in every field below."),
            sized(224.0, 20.0, "Bookings close a week before."),
            sized(300.0, 20.0, "Applicant details"),
        ],
        vec![
            region(290.0, 95.0, 710.0, 140.0, Category::Caption),
            region(290.0, 195.0, 710.0, 250.0, Category::Paragraph),
            region(290.0, 295.0, 710.0, 325.0, Category::Caption),
        ],
    );
    check(
        &p,
        &[
            (Category::Heading1, "Facility booking request"),
            (Category::Paragraph, "Please fill in every field below. Bookings close a week before."),
            (Category::Caption, "Applicant details"),
        ],
    );
}

/// OCR's boxes bring a large title nearer the body (a scanned form's title
/// at 1.35 times its cells' box height): still a title. A text layer's
/// caption at that ratio stays a caption.
#[test]
fn an_ocr_caption_in_type_well_above_the_bodys_is_a_title() {
    let lines = |origin: TextOrigin| {
        [
            (100.0, 27.0, "Facility booking request"),
            (200.0, 20.0, "Please fill in every field below."),
            (224.0, 20.0, "Bookings close a week before."),
        ]
        .map(|(y, size, text)| {
            let mut l = sized(300.0, 700.0, y, size, text);
            l.origin = origin;
            l
        })
        .to_vec()
    };
    let regions = || {
        vec![
            region(290.0, 95.0, 710.0, 130.0, Category::Caption),
            region(290.0, 195.0, 710.0, 250.0, Category::Paragraph),
        ]
    };
    let body = (Category::Paragraph, "Please fill in every field below. Bookings close a week before.");
    check(
        &page(lines(TextOrigin::Ocr), regions()),
        &[(Category::Heading1, "Facility booking request"), body],
    );
    check(
        &page(lines(TextOrigin::TextLayer), regions()),
        &[(Category::Caption, "Facility booking request"), body],
    );
}

/// A page's subtitle the layout model took for a running head (the title
/// above it, the body below), and a letter's date set right, high on the
/// page, taken for a footer, are read in their places as paragraphs; two
/// footers side by side read left to right.
#[test]
fn furniture_with_the_body_on_both_sides_is_read_in_its_place() {
    let p = page(
        vec![
            line(100.0, 40.0, 700.0, 80.0, "TX-480 Industrial Switch"),
            line(100.0, 90.0, 600.0, 110.0, "8 ports, DIN rail, wide temperature range"),
            line(700.0, 150.0, 900.0, 170.0, "3 November 2026"),
            line(100.0, 200.0, 900.0, 220.0, "The switch is a managed Layer 2 switch for cabinets."),
            line(100.0, 1340.0, 400.0, 1360.0, "Specifications subject to change."),
            line(700.0, 1340.0, 900.0, 1360.0, "DS-TX480 rev. C"),
        ],
        vec![
            region(90.0, 35.0, 710.0, 85.0, Category::Paragraph),
            region(90.0, 88.0, 610.0, 112.0, Category::Header),
            region(690.0, 145.0, 910.0, 175.0, Category::Footer),
            region(90.0, 195.0, 910.0, 225.0, Category::Paragraph),
            region(690.0, 1335.0, 910.0, 1365.0, Category::Footer),
            region(90.0, 1335.0, 410.0, 1365.0, Category::Footer),
        ],
    );
    check(
        &p,
        &[
            (Category::Heading1, "TX-480 Industrial Switch"),
            (Category::Paragraph, "8 ports, DIN rail, wide temperature range"),
            (Category::Paragraph, "3 November 2026"),
            (Category::Paragraph, "The switch is a managed Layer 2 switch for cabinets."),
            (Category::Footer, "Specifications subject to change."),
            (Category::Footer, "DS-TX480 rev. C"),
        ],
    );
    // A page number above a running head is no body text over it.
    let p = page(
        vec![
            line(480.0, 20.0, 520.0, 40.0, "12"),
            line(100.0, 50.0, 600.0, 70.0, "Harbour Authority Register"),
            line(100.0, 200.0, 900.0, 220.0, "The register lists every call in the year."),
        ],
        vec![
            region(475.0, 15.0, 525.0, 45.0, Category::Paragraph),
            region(90.0, 45.0, 610.0, 75.0, Category::Header),
            region(90.0, 195.0, 910.0, 225.0, Category::Paragraph),
        ],
    );
    let got: Vec<(Category, String)> = blocks(&p).into_iter().map(|b| (b.category, b.text)).collect();
    assert!(got.contains(&(Category::Header, "Harbour Authority Register".to_string())), "{got:?}");
}

/// Text at the page's foot, level with its footer and below the whole body
/// (a datasheet's "Specifications subject to change" beside its reference
/// footer), is read with the footer, not at the foot of the left column.
#[test]
fn body_text_level_with_a_footer_at_the_foot_is_read_in_the_footers_row() {
    let mut lines = Vec::new();
    let mut regions = Vec::new();
    for (x0, x1, label) in [(100.0, 480.0, "left"), (520.0, 900.0, "right")] {
        for k in 0..3 {
            let y = 200.0 + 100.0 * k as f32;
            lines.push(line(x0, y, x1, y + 20.0, &format!("{label} column block {k} of running text here")));
            regions.push(region(x0 - 5.0, y - 5.0, x1 + 5.0, y + 25.0, Category::Paragraph));
        }
    }
    lines.push(line(100.0, 1340.0, 400.0, 1360.0, "Specifications subject to change."));
    regions.push(region(95.0, 1335.0, 405.0, 1365.0, Category::Paragraph));
    lines.push(line(700.0, 1340.0, 900.0, 1360.0, "DS-TX480 rev. C"));
    regions.push(region(695.0, 1335.0, 905.0, 1365.0, Category::Footer));
    let got: Vec<String> = blocks(&page(lines, regions)).into_iter().map(|b| b.text).collect();
    assert_eq!(got[2], "left column block 2 of running text here");
    assert_eq!(got[3], "right column block 0 of running text here");
    assert_eq!(got[6..], ["Specifications subject to change.", "DS-TX480 rev. C"]);
}

/// A note at the page's foot in small type whose mark is also a bullet
/// ("* Corresponding author: …") is a footnote, read after the body,
/// whether it lies outside every region or in one the layout model called
/// a list.
#[test]
fn a_starred_note_at_the_foot_is_a_footnote() {
    let sized = |x0: f32, y: f32, size: f32, text: &str| {
        let mut l = line(x0, y, x0 + 400.0, y + size, text);
        l.font_size = size;
        l
    };
    for regions in [
        vec![
            region(90.0, 195.0, 510.0, 260.0, Category::Paragraph),
            region(530.0, 195.0, 950.0, 260.0, Category::Paragraph),
        ],
        vec![
            region(90.0, 195.0, 510.0, 260.0, Category::Paragraph),
            region(530.0, 195.0, 950.0, 260.0, Category::Paragraph),
            region(90.0, 1295.0, 510.0, 1320.0, Category::List),
        ],
    ] {
        let p = page(
            vec![
                sized(100.0, 200.0, 12.0, "Foredunes protect the land behind them from surges,"),
                sized(100.0, 220.0, 12.0, "and their stability depends on the plants there."),
                sized(540.0, 200.0, 12.0, "This paper tests whether vegetation cover measured"),
                sized(540.0, 220.0, 12.0, "in spring predicts the loss of sand in winter."),
                sized(100.0, 1300.0, 9.0, "* Corresponding author: m.okonkwo@example.org"),
            ],
            regions,
        );
        let got = blocks(&p);
        let last = got.last().expect("blocks");
        assert_eq!(
            (last.category, last.text.as_str()),
            (Category::Footnote, "* Corresponding author: m.okonkwo@example.org")
        );
    }
}
