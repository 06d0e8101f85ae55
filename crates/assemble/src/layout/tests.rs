use super::*;
use parasol_doc::{Image, PageInfo, Table, TableCell, TextOrigin};

fn line(x0: f32, y0: f32, x1: f32, y1: f32, text: &str) -> TextLine {
    TextLine::from_bbox(BBox::new(x0, y0, x1, y1), text, TextOrigin::TextLayer)
}

fn region(x0: f32, y0: f32, x1: f32, y1: f32, category: Category) -> Region {
    Region { bbox: BBox::new(x0, y0, x1, y1), category, score: 0.9 }
}

fn page(lines: Vec<TextLine>, regions: Vec<Region>) -> PageText {
    PageText {
        info: PageInfo { number: 1, width: 1000.0, height: 1400.0, dpi: 150.0 },
        lines,
        regions,
        ..PageText::default()
    }
}

#[track_caller]
fn check(p: &PageText, expect: &[(Category, &str)]) {
    let got: Vec<(Category, String)> = blocks(p).into_iter().map(|b| (b.category, b.text)).collect();
    let expect: Vec<(Category, String)> = expect.iter().map(|(c, t)| (*c, t.to_string())).collect();
    assert_eq!(got, expect);
}

#[test]
fn two_columns_with_header_footer_and_a_stray_line() {
    let p = page(
        vec![
            line(100.0, 1350.0, 200.0, 1370.0, "Page 1"),
            line(600.0, 200.0, 900.0, 220.0, "right one"),
            line(100.0, 200.0, 400.0, 220.0, "left one"),
            line(100.0, 224.0, 400.0, 244.0, "left two"),
            line(100.0, 30.0, 400.0, 50.0, "Running head"),
            line(600.0, 900.0, 900.0, 920.0, "outside any region"),
        ],
        vec![
            region(90.0, 190.0, 410.0, 250.0, Category::Paragraph),
            region(590.0, 190.0, 910.0, 230.0, Category::Paragraph),
            region(90.0, 20.0, 410.0, 60.0, Category::Header),
            region(90.0, 1340.0, 210.0, 1380.0, Category::Footer),
        ],
    );
    check(
        &p,
        &[
            (Category::Header, "Running head"),
            (Category::Paragraph, "left one left two"),
            (Category::Paragraph, "right one"),
            (Category::Paragraph, "outside any region"),
            (Category::Footer, "Page 1"),
        ],
    );
}

#[test]
fn captions_follow_their_figure_and_lists_are_detected() {
    let mut p = page(
        vec![
            line(100.0, 620.0, 500.0, 640.0, "Figure 1: Cover by zone."),
            line(100.0, 100.0, 500.0, 120.0, "• first item"),
            line(100.0, 124.0, 500.0, 144.0, "• second item"),
            line(120.0, 300.0, 200.0, 320.0, "80"),
        ],
        vec![
            region(90.0, 610.0, 510.0, 650.0, Category::Caption),
            region(90.0, 90.0, 510.0, 150.0, Category::Paragraph),
            region(90.0, 200.0, 510.0, 600.0, Category::Figure),
            // A text region detected inside the figure is read with the figure.
            region(110.0, 290.0, 210.0, 330.0, Category::Paragraph),
        ],
    );
    p.images.push((2, Image { png: None, file: Some("f.png".into()), alt: String::new() }));
    let out = blocks(&p);
    let got: Vec<(Category, &str)> = out.iter().map(|b| (b.category, b.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (Category::List, "• first item\n• second item"),
            (Category::Figure, "80"),
            (Category::Caption, "Figure 1: Cover by zone."),
        ]
    );
    assert_eq!(out[1].caption, Some(2));
    assert_eq!(out[1].image.as_ref().and_then(|i| i.file.as_deref()), Some("f.png"));
    assert_eq!(out[1].image.as_ref().map(|i| i.alt.as_str()), Some("Figure 1: Cover by zone."));
}

#[test]
fn a_caption_above_its_figure_is_read_before_it() {
    let mut p = page(
        vec![
            line(100.0, 160.0, 500.0, 180.0, "Figure 2: Rainfall by month."),
            line(120.0, 300.0, 200.0, 320.0, "80"),
            line(100.0, 700.0, 500.0, 720.0, "The text after the figure."),
        ],
        vec![
            region(90.0, 150.0, 510.0, 190.0, Category::Caption),
            region(90.0, 200.0, 510.0, 600.0, Category::Figure),
            region(90.0, 690.0, 510.0, 730.0, Category::Paragraph),
        ],
    );
    p.images.push((1, Image { png: None, file: Some("f.png".into()), alt: String::new() }));
    let out = blocks(&p);
    let got: Vec<(Category, &str)> = out.iter().map(|b| (b.category, b.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (Category::Caption, "Figure 2: Rainfall by month."),
            (Category::Figure, "80"),
            (Category::Paragraph, "The text after the figure."),
        ]
    );
    assert_eq!(out[1].caption, Some(0));
    assert_eq!(out[1].image.as_ref().map(|i| i.alt.as_str()), Some("Figure 2: Rainfall by month."));
}

#[test]
fn caption_starts() {
    for s in [
        "Table 1: Plots",
        "Figure 3. Results",
        "Fig. 2 cover",
        "TABLE IV: x",
        "Table A. y",
        "表1 館別の貸出冊数",
        "図 2 月別の推移",
        "표 1. 발전소별 설비 용량",
        "그림 3 연도별 발전량",
    ] {
        assert!(is_caption_start(s), "{s}");
    }
    for s in [
        "Tables are good",
        "Figure out",
        "Figures 1-3 show",
        "The table 1",
        "表示の設定",
        "표준 절차",
        "Table 2-2 shows a comparison of the different IDs",
        "Figure 4 illustrates the flow",
    ] {
        assert!(!is_caption_start(s), "{s}");
    }
}

#[test]
fn a_dense_text_figure_is_read_as_text_but_a_chart_is_not() {
    let receipt: Vec<TextLine> = (0..8)
        .map(|i| line(300.0, 200.0 + 25.0 * i as f32, 500.0, 220.0 + 25.0 * i as f32, &format!("r{i}")))
        .collect();
    let p = page(receipt, vec![region(280.0, 180.0, 520.0, 420.0, Category::Figure)]);
    assert!(blocks(&p).iter().all(|b| b.category != Category::Figure));
    let labels: Vec<TextLine> = (0..6)
        .map(|i| line(100.0, 200.0 + 60.0 * i as f32, 130.0, 212.0 + 60.0 * i as f32, &format!("{i}0")))
        .collect();
    let p = page(labels, vec![region(90.0, 180.0, 700.0, 600.0, Category::Figure)]);
    assert_eq!(blocks(&p).iter().filter(|b| b.category == Category::Figure).count(), 1);
}

#[test]
fn a_page_sized_figure_full_of_text_is_read_as_text() {
    let lines: Vec<TextLine> = (0..6)
        .map(|i| line(200.0, 200.0 + 30.0 * i as f32, 600.0, 220.0 + 30.0 * i as f32, &format!("item {i}")))
        .collect();
    let p = page(lines, vec![region(50.0, 50.0, 950.0, 1300.0, Category::Figure)]);
    let out = blocks(&p);
    assert!(out.iter().all(|b| b.category != Category::Figure), "{out:?}");
    assert_eq!(
        out.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join(" "),
        "item 0 item 1 item 2 item 3 item 4 item 5"
    );
}

#[test]
fn a_region_of_amounts_beside_a_region_of_labels_reads_row_by_row() {
    let p = page(
        vec![
            line(100.0, 200.0, 400.0, 220.0, "Subtotal"),
            line(100.0, 224.0, 300.0, 244.0, "Tax"),
            line(100.0, 248.0, 350.0, 268.0, "Total"),
            line(700.0, 201.0, 760.0, 221.0, "7.00"),
            line(700.0, 225.0, 760.0, 245.0, "0.42"),
            line(700.0, 249.0, 760.0, 269.0, "7.42"),
        ],
        vec![
            region(90.0, 190.0, 410.0, 275.0, Category::Paragraph),
            region(690.0, 190.0, 770.0, 275.0, Category::Paragraph),
        ],
    );
    check(&p, &[(Category::Paragraph, "Subtotal 7.00\nTax 0.42\nTotal 7.42")]);
}

#[test]
fn issue_16_vertical_japanese_reads_in_columns_from_the_right() {
    // Two paragraphs side by side, each of columns 30 px wide, written top
    // to bottom; the right-hand paragraph comes first, and inside each the
    // right-hand column, whatever its length (the last one is short).
    let p = page(
        vec![
            line(600.0, 100.0, 630.0, 700.0, "日本語の文章は"),
            line(650.0, 100.0, 680.0, 700.0, "縦書きでは"),
            line(700.0, 100.0, 730.0, 700.0, "右から左へ"),
            line(550.0, 100.0, 580.0, 300.0, "読みます。"),
            line(200.0, 100.0, 230.0, 700.0, "次の段落の"),
            line(150.0, 100.0, 180.0, 400.0, "最後の行です。"),
        ],
        vec![
            region(540.0, 90.0, 740.0, 710.0, Category::Paragraph),
            region(140.0, 90.0, 240.0, 710.0, Category::Paragraph),
        ],
    );
    check(
        &p,
        &[
            (Category::Paragraph, "右から左へ縦書きでは日本語の文章は読みます。"),
            (Category::Paragraph, "次の段落の最後の行です。"),
        ],
    );
}

/// A text line that only reaches into a table region (its words partly
/// inside) is read once, as text; the table's cells hold its own lines'
/// words, not that line's (found by `fuzz/assemble_geometry`).
#[test]
fn a_line_reaching_into_a_table_is_read_once() {
    let words = |l: &TextLine| {
        let n = l.text.split(' ').count() as f32;
        let step = l.bbox.width() / n;
        l.text
            .split(' ')
            .enumerate()
            .map(|(k, w)| {
                let x = l.bbox.x0 + step * k as f32;
                TextLine::from_bbox(
                    BBox::new(x, l.bbox.y0, x + step * 0.9, l.bbox.y1),
                    w,
                    TextOrigin::TextLayer,
                )
            })
            .collect::<Vec<_>>()
    };
    let lines = vec![
        line(100.0, 100.0, 300.0, 120.0, "alpha beta"),
        line(100.0, 130.0, 300.0, 150.0, "gamma delta"),
        // Two thirds of it lie left of the table: it is text.
        line(-200.0, 160.0, 250.0, 180.0, "one two three"),
    ];
    let mut p = page(lines.clone(), vec![region(90.0, 90.0, 310.0, 190.0, Category::Table)]);
    p.words = lines.iter().flat_map(words).collect();
    let cell = |row, col, x0, y0, x1, y1| TableCell {
        row,
        col,
        rowspan: 1,
        colspan: 1,
        header: false,
        text: String::new(),
        bbox: Some(BBox::new(x0, y0, x1, y1)),
    };
    p.tables.push((
        0,
        Table {
            rows: 2,
            cols: 2,
            cells: vec![
                cell(0, 0, 90.0, 95.0, 200.0, 125.0),
                cell(0, 1, 200.0, 95.0, 310.0, 125.0),
                cell(1, 0, 90.0, 125.0, 200.0, 190.0),
                cell(1, 1, 200.0, 125.0, 310.0, 190.0),
            ],
        },
    ));
    let out = blocks(&p);
    let all: Vec<&str> = out.iter().flat_map(|b| b.text.split_whitespace()).collect();
    for w in ["alpha", "beta", "gamma", "delta", "one", "two", "three"] {
        assert_eq!(all.iter().filter(|&&x| x == w).count(), 1, "{w} in {out:?}");
    }
    let table = out.iter().find_map(|b| b.table.as_ref()).expect("the table stays");
    let cells: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(cells, ["alpha", "beta", "gamma", "delta"]);
}

/// A layout model's regions cut a receipt's totals apart: "SUBTOTAL" a
/// heading, "CARD" the first line of the next region, both amounts a third.
/// Each amount joins the label level with it, and the heading becomes a
/// record (the receipt sample with YOLO's regions).
#[test]
fn amounts_beside_labels_of_two_regions_join_each_its_own() {
    let ocr = |x0: f32, y0: f32, x1: f32, y1: f32, t: &str| {
        TextLine::from_bbox(BBox::new(x0, y0, x1, y1), t, TextOrigin::Ocr)
    };
    let p = page(
        vec![
            ocr(386.0, 472.0, 513.0, 508.0, "SUBTOTAL"),
            ocr(733.0, 473.0, 816.0, 510.0, "16.30"),
            ocr(386.0, 514.0, 448.0, 547.0, "CARD"),
            ocr(742.0, 515.0, 818.0, 548.0, "16.30"),
            ocr(386.0, 558.0, 713.0, 589.0, "Visa contactless **** 4821"),
            ocr(386.0, 589.0, 493.0, 620.0, "Items: 5"),
        ],
        vec![
            region(386.0, 472.0, 513.0, 509.0, Category::Heading1),
            region(386.0, 514.0, 713.0, 620.0, Category::Paragraph),
            region(733.0, 472.0, 820.0, 549.0, Category::Paragraph),
        ],
    );
    check(
        &p,
        &[
            (Category::Paragraph, "SUBTOTAL 16.30"),
            (Category::Paragraph, "CARD 16.30\nVisa contactless **** 4821\nItems: 5"),
        ],
    );
}

/// The receipt sample with YOLO's regions: "SUBTOTAL" is a heading region,
/// and "CARD" and both amounts lie outside every region. The loose lines'
/// paragraphs take part in the value columns with the regions.
#[test]
fn amounts_outside_every_region_join_labels_inside_and_outside() {
    let ocr = |x0: f32, y0: f32, x1: f32, y1: f32, t: &str| {
        TextLine::from_bbox(BBox::new(x0, y0, x1, y1), t, TextOrigin::Ocr)
    };
    let p = page(
        vec![
            ocr(386.0, 472.0, 513.0, 508.0, "SUBTOTAL"),
            ocr(733.0, 473.0, 816.0, 510.0, "16.30"),
            ocr(386.0, 514.0, 448.0, 547.0, "CARD"),
            ocr(742.0, 515.0, 818.0, 548.0, "16.30"),
        ],
        vec![region(386.0, 472.0, 513.0, 509.0, Category::Heading1)],
    );
    check(&p, &[(Category::Paragraph, "SUBTOTAL 16.30"), (Category::Paragraph, "CARD 16.30")]);
}

#[test]
fn a_large_line_outside_every_region_is_a_heading_beside_the_pages_body_text() {
    // A slide: its title (80 px text) is in no region, its bullets (52 px)
    // in a list region. Among the loose text the title is alone, and only
    // the page's body text shows it is large.
    let mut title = line(100.0, 100.0, 500.0, 180.0, "Next steps");
    title.font_size = 80.0;
    let mut bullets: Vec<TextLine> = ["• Hire six drivers", "• Pilot electric vans", "• Review pricing"]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let y = 300.0 + 100.0 * i as f32;
            let mut l = line(130.0, y, 700.0, y + 52.0, t);
            l.font_size = 52.0;
            l
        })
        .collect();
    bullets.insert(0, title);
    let p = page(bullets, vec![region(120.0, 290.0, 710.0, 560.0, Category::List)]);
    check(
        &p,
        &[
            (Category::Heading1, "Next steps"),
            (Category::List, "• Hire six drivers\n• Pilot electric vans\n• Review pricing"),
        ],
    );
}

#[test]
fn a_numbered_line_larger_than_the_body_is_a_heading_and_a_caption_taken_for_a_title_is_a_caption() {
    let sized = |y: f32, h: f32, text: &str| line(100.0, y, 100.0 + 12.0 * text.len() as f32, y + h, text);
    let body = [
        "Income rose by eight percent, mainly from berthing fees this year.",
        "The harbour master expects the same again next year, or a little more.",
        "Dredging starts in spring, when the boats are out of the inner harbour.",
    ];
    let mut lines: Vec<TextLine> =
        body.iter().enumerate().map(|(i, t)| sized(100.0 + 24.0 * i as f32, 20.0, t)).collect();
    lines.push(sized(200.0, 20.0, "Table 1: Income by source, in pounds."));
    lines.push(sized(260.0, 30.0, "3. Priorities for 2026"));
    lines.push(sized(310.0, 20.0, "1. Replace the north quay fenders."));
    let p = page(
        lines,
        vec![
            region(90.0, 95.0, 1000.0, 165.0, Category::Paragraph),
            region(90.0, 195.0, 600.0, 225.0, Category::Heading1),
            region(90.0, 255.0, 600.0, 295.0, Category::Paragraph),
            region(90.0, 305.0, 600.0, 335.0, Category::Paragraph),
        ],
    );
    let got: Vec<(Category, String)> = blocks(&p).into_iter().map(|b| (b.category, b.text)).collect();
    let find = |t: &str| got.iter().find(|(_, text)| text.starts_with(t)).map(|(c, _)| *c);
    assert_eq!(find("Table 1:"), Some(Category::Caption), "{got:?}");
    assert_eq!(find("3. Priorities"), Some(Category::Heading1), "{got:?}");
    assert_eq!(find("1. Replace"), Some(Category::List), "body-sized, it stays a list item: {got:?}");
}

#[test]
fn a_figure_of_lines_of_text_is_read_as_text_and_a_chart_stays_a_figure() {
    let form = [
        "Full name: Margaret Okafor",
        "Member number: MB-40417",
        "Street address: 12 Harbour Road, Whitstable",
        "Date of birth: 14/03/1987",
        "Email: m.okafor@example.org",
        "Signed by the applicant in Whitstable",
    ];
    let lines: Vec<TextLine> = form
        .iter()
        .enumerate()
        .map(|(i, t)| {
            line(100.0, 200.0 + 40.0 * i as f32, 100.0 + 14.0 * t.len() as f32, 224.0 + 40.0 * i as f32, t)
        })
        .collect();
    let p = page(lines, vec![region(90.0, 190.0, 800.0, 440.0, Category::Figure)]);
    let out = blocks(&p);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].category, Category::Paragraph, "{out:?}");
    assert!(out[0].text.starts_with("Full name: Margaret Okafor"), "{out:?}");

    // A chart: a title, a few numbers up its axis, sparse in its area.
    let mut labels = vec![line(300.0, 200.0, 600.0, 224.0, "Cover by zone, October visit")];
    for (i, n) in ["0", "20", "40", "60", "80"].iter().enumerate() {
        labels.push(line(100.0, 700.0 - 100.0 * i as f32, 130.0, 724.0 - 100.0 * i as f32, n));
    }
    labels.push(line(200.0, 740.0, 800.0, 764.0, "Embryo Crest Lee Grassland"));
    let p = page(labels, vec![region(90.0, 190.0, 900.0, 780.0, Category::Chart)]);
    let out = blocks(&p);
    assert_eq!(out.iter().map(|b| b.category).collect::<Vec<_>>(), [Category::Chart], "{out:?}");
}

#[test]
fn two_regions_of_one_block_with_two_classes_are_one_the_likelier() {
    // The layout model gave one paragraph a text box and, slightly shifted,
    // a list box: its lines must not be shared out between the two.
    let text = [
        "Paragraph three of the introduction. Small estuaries",
        "trap fine sediment during neap tides and release",
        "it on springs, which matters for small harbours.",
    ];
    let lines: Vec<TextLine> = text
        .iter()
        .enumerate()
        .map(|(i, t)| line(100.0, 100.0 + 24.0 * i as f32, 480.0, 120.0 + 24.0 * i as f32, t))
        .collect();
    let mut paragraph = region(95.0, 95.0, 485.0, 170.0, Category::Paragraph);
    paragraph.score = 0.8;
    let mut list = region(97.0, 96.0, 488.0, 171.0, Category::List);
    list.score = 0.6;
    let p = page(lines, vec![list, paragraph]);
    check(&p, &[(Category::Paragraph, &text.join(" "))]);
}

/// A long table's header row, repeated in bold on its next page, was taken
/// for a caption half inside the table: its words are the table's. A
/// labelled caption there ("Table 2: …") stays a caption.
#[test]
fn a_caption_region_half_inside_a_table_is_its_header_row_unless_labelled() {
    let cell = |row, col, x0: f32, y0: f32| TableCell {
        row,
        col,
        rowspan: 1,
        colspan: 1,
        header: false,
        text: String::new(),
        bbox: Some(BBox::new(x0, y0, x0 + 200.0, y0 + 30.0)),
    };
    let word = |x: f32, y: f32, t: &str| line(x, y, x + 90.0, y + 20.0, t);
    let run = |first: &str| {
        let words = vec![
            word(110.0, 105.0, first),
            word(310.0, 105.0, "Calls"),
            word(110.0, 135.0, "39"),
            word(310.0, 135.0, "21"),
        ];
        let lines = vec![
            line(110.0, 105.0, 400.0, 125.0, &format!("{first} Calls")),
            line(110.0, 135.0, 400.0, 155.0, "39 21"),
        ];
        let mut p = page(
            lines,
            vec![
                region(100.0, 110.0, 500.0, 170.0, Category::Table),
                region(100.0, 100.0, 420.0, 128.0, Category::Caption),
            ],
        );
        p.words = words;
        p.tables.push((
            0,
            Table {
                rows: 2,
                cols: 2,
                cells: vec![
                    cell(0, 0, 100.0, 100.0),
                    cell(0, 1, 300.0, 100.0),
                    cell(1, 0, 100.0, 130.0),
                    cell(1, 1, 300.0, 130.0),
                ],
            },
        ));
        blocks(&p)
    };
    let out = run("Tonnage");
    assert_eq!(out.len(), 1, "{out:?}");
    let cells: Vec<&str> = out[0].table.as_ref().unwrap().cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(cells, ["Tonnage", "Calls", "39", "21"]);
    let out = run("Table 2:");
    assert!(out.iter().any(|b| b.category == Category::Caption && b.text == "Table 2: Calls"), "{out:?}");
}

#[test]
fn a_title_region_of_sentences_is_a_paragraph() {
    let text = [
        "This register lists every vessel berthed at the harbour during 2026, with its home",
        "port, gross tonnage and the number of calls made. Smaller vessels are in an annex.",
    ];
    let lines = vec![line(100.0, 100.0, 900.0, 120.0, text[0]), line(100.0, 124.0, 900.0, 144.0, text[1])];
    let p = page(lines, vec![region(90.0, 95.0, 910.0, 150.0, Category::Heading1)]);
    check(&p, &[(Category::Paragraph, &text.join(" "))]);
    // A long title without a stop stays a title.
    let title = "A Study of Sediment Transport in Small Estuaries of the North Sea Coast and Its Effects on Harbour Maintenance Dredging Costs";
    let p = page(
        vec![line(100.0, 100.0, 900.0, 130.0, title)],
        vec![region(90.0, 95.0, 910.0, 135.0, Category::Heading1)],
    );
    check(&p, &[(Category::Heading1, title)]);
}

/// A picture's text read by OCR on a born-digital page (a chart pasted as
/// an image, its labels many words) stays the figure's; the same lines
/// on a scanned page make the figure a page of text.
#[test]
fn ocr_of_a_picture_on_a_page_with_a_text_layer_stays_with_the_figure() {
    let ocr = |y: f32, t: &str| {
        TextLine::from_bbox(BBox::new(100.0, y, 100.0 + 14.0 * t.len() as f32, y + 24.0), t, TextOrigin::Ocr)
    };
    let labels = [
        "Plot number proportions by land use",
        "Institutional residential municipal park",
        "woodlot riverside community park",
        "commercial roadside industrial verge",
        "cemetery churchyard allotment garden",
        "Share of plots in each class",
    ];
    let mut lines: Vec<TextLine> =
        labels.iter().enumerate().map(|(i, t)| ocr(200.0 + 40.0 * i as f32, t)).collect();
    let figure = region(90.0, 190.0, 800.0, 440.0, Category::Figure);
    let scanned = page(lines.clone(), vec![figure]);
    assert_eq!(blocks(&scanned)[0].category, Category::Paragraph);
    lines.push(line(100.0, 100.0, 700.0, 120.0, "A paragraph of the page's own text above the chart."));
    let born_digital = page(lines, vec![figure]);
    let out = blocks(&born_digital);
    let figure = out.iter().find(|b| b.category == Category::Figure).unwrap_or_else(|| panic!("{out:?}"));
    assert!(figure.text.starts_with("Plot number proportions"), "{out:?}");
}

#[test]
fn a_paragraph_wrapping_round_a_floated_box_reads_as_one_and_columns_stay_apart() {
    // The layout model boxed the narrow lines beside the box and the full
    // one below it apart, and the narrow box took the paragraph's last line.
    let p = page(
        vec![
            line(100.0, 400.0, 500.0, 420.0, "There are three car parks;"),
            line(100.0, 424.0, 480.0, 444.0, "the others"),
            line(100.0, 448.0, 900.0, 468.0, "are free but small. A bus stops"),
            line(100.0, 472.0, 400.0, 492.0, "every hour."),
            line(560.0, 380.0, 900.0, 400.0, "Before you set out"),
            line(560.0, 404.0, 900.0, 424.0, "check the tides."),
            // A second column, level with the first, is no part of it.
            line(100.0, 700.0, 450.0, 720.0, "left one"),
            line(100.0, 748.0, 450.0, 768.0, "left two"),
            line(550.0, 724.0, 900.0, 744.0, "right one"),
        ],
        vec![
            region(90.0, 395.0, 510.0, 495.0, Category::Paragraph),
            region(90.0, 445.0, 910.0, 490.0, Category::Paragraph),
            region(550.0, 375.0, 910.0, 430.0, Category::Paragraph),
            region(90.0, 695.0, 460.0, 772.0, Category::Paragraph),
            region(540.0, 695.0, 910.0, 772.0, Category::Paragraph),
        ],
    );
    check(
        &p,
        &[
            (Category::Paragraph, "Before you set out check the tides."),
            (
                Category::Paragraph,
                "There are three car parks; the others are free but small. A bus stops every hour.",
            ),
            (Category::Paragraph, "left one left two"),
            (Category::Paragraph, "right one"),
        ],
    );
}

#[test]
fn a_paragraph_region_of_numbered_clauses_is_a_paragraph_per_clause() {
    let p = page(
        vec![
            line(100.0, 200.0, 800.0, 220.0, "2.1 The Supplier shall deliver the goods"),
            line(100.0, 224.0, 500.0, 244.0, "within 14 days of the order."),
            line(100.0, 250.0, 800.0, 270.0, "2.2 The Buyer shall pay each invoice"),
            line(100.0, 274.0, 400.0, 294.0, "within 30 days."),
        ],
        vec![region(90.0, 195.0, 810.0, 300.0, Category::Paragraph)],
    );
    check(
        &p,
        &[
            (Category::Paragraph, "2.1 The Supplier shall deliver the goods within 14 days of the order."),
            (Category::Paragraph, "2.2 The Buyer shall pay each invoice within 30 days."),
        ],
    );
    let b = blocks(&p);
    assert_eq!(b[0].bbox, BBox::new(100.0, 200.0, 800.0, 244.0));
    assert_eq!(b[1].bbox, BBox::new(100.0, 250.0, 800.0, 294.0));
}

/// Running heads and feet, footnotes, and body text taken for them.
mod furniture;

/// The cutting of a text region into pieces (`layout::pieces`): columns,
/// heading rows, prices, captions and lists run on.
mod pieces;

#[test]
fn a_header_region_holding_a_title_and_its_subtitle_is_a_heading_and_a_paragraph() {
    // An exam sheet's top: its title, twice the body's size, and a line
    // under it, boxed together as a page header.
    let mut lines = vec![
        line(435.0, 123.0, 807.0, 163.0, "Biology Unit Test 4"),
        line(377.0, 168.0, 864.0, 188.0, "Cells and Energy, 40 minutes"),
    ];
    for k in 0..6 {
        let y = 300.0 + 24.0 * k as f32;
        lines.push(line(130.0, y, 870.0, y + 20.0, "Answer all of the questions on this sheet in full"));
    }
    let p = page(
        lines,
        vec![
            region(370.0, 120.0, 870.0, 190.0, Category::Header),
            region(120.0, 290.0, 880.0, 450.0, Category::Paragraph),
        ],
    );
    let got: Vec<(Category, String)> = blocks(&p).into_iter().map(|b| (b.category, b.text)).take(2).collect();
    assert_eq!(
        got,
        [
            (Category::Heading1, "Biology Unit Test 4".to_string()),
            (Category::Paragraph, "Cells and Energy, 40 minutes".to_string())
        ]
    );
    // A running head of two rows in the body's type stays one.
    let p = page(
        vec![line(100.0, 30.0, 400.0, 50.0, "Journal of Tests"), line(100.0, 54.0, 300.0, 74.0, "Volume 3")],
        vec![region(90.0, 20.0, 410.0, 80.0, Category::Header)],
    );
    check(&p, &[(Category::Header, "Journal of Tests Volume 3")]);
}

#[test]
fn lines_beyond_a_column_of_prose_are_no_values_of_it() {
    // A newspaper's two columns of a story and, right of the second, an
    // advertisement's lines the layout model left out of every region,
    // level with the columns' lines, one of them with a figure.
    let prose = [
        "The choir of Eastside Primary",
        "School won first prize at the",
        "regional festival on Saturday,",
        "beating eleven other schools and",
    ];
    let prose2 = [
        "The prize includes a trip to the",
        "national final in Bergen in May.",
        "Parents have started a collection",
        "to pay for the coach, and they",
    ];
    let mut lines = Vec::new();
    for (k, (a, b)) in prose.iter().zip(prose2).enumerate() {
        let y = 760.0 + 24.0 * k as f32;
        lines.push(line(83.0, y, 409.0, y + 20.0, a));
        lines.push(line(437.0, y, 763.0, y + 20.0, b));
    }
    lines.push(line(900.0, 761.0, 1049.0, 781.0, "Garden furniture"));
    lines.push(line(920.0, 785.0, 1030.0, 805.0, "up to 40% off"));
    let p = page(
        lines,
        vec![
            region(80.0, 755.0, 412.0, 860.0, Category::Paragraph),
            region(434.0, 755.0, 766.0, 860.0, Category::Paragraph),
        ],
    );
    let got: Vec<String> = blocks(&p).into_iter().map(|b| b.text).collect();
    assert_eq!(got.last().map(String::as_str), Some("Garden furniture up to 40% off"), "{got:?}");
    assert!(got.iter().all(|t| !t.contains('\n')), "{got:?}");
}

#[test]
fn a_caption_left_in_a_region_around_a_table_is_read_above_it() {
    // PicoDet boxes a caption and the table under it as one "equation";
    // the words' grid makes the table its own region, the caption is left.
    let cell = |row, col, x0: f32, y0: f32| TableCell {
        row,
        col,
        rowspan: 1,
        colspan: 1,
        header: false,
        text: String::new(),
        bbox: Some(BBox::new(x0, y0, x0 + 200.0, y0 + 30.0)),
    };
    let word = |x: f32, y: f32, t: &str| line(x, y, x + 90.0, y + 20.0, t);
    let mut p = page(
        vec![
            line(110.0, 62.0, 480.0, 82.0, "Table 1: Difference from the stake (cm)."),
            line(110.0, 105.0, 400.0, 125.0, "Sensor Mean"),
            line(110.0, 135.0, 400.0, 155.0, "HC-SR04 1.2"),
        ],
        vec![
            region(100.0, 55.0, 500.0, 200.0, Category::Equation),
            region(100.0, 100.0, 500.0, 165.0, Category::Table),
        ],
    );
    p.words = vec![
        word(110.0, 105.0, "Sensor"),
        word(310.0, 105.0, "Mean"),
        word(110.0, 135.0, "HC-SR04"),
        word(310.0, 135.0, "1.2"),
    ];
    p.tables.push((
        1,
        Table {
            rows: 2,
            cols: 2,
            cells: vec![
                cell(0, 0, 100.0, 100.0),
                cell(0, 1, 300.0, 100.0),
                cell(1, 0, 100.0, 130.0),
                cell(1, 1, 300.0, 130.0),
            ],
        },
    ));
    let out = blocks(&p);
    let got: Vec<(Category, &str)> = out.iter().map(|b| (b.category, b.text.as_str())).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], (Category::Caption, "Table 1: Difference from the stake (cm)."), "{got:?}");
    assert_eq!(got[1].0, Category::Table, "{got:?}");
}
