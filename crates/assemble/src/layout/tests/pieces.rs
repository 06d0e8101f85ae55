use super::*;

#[test]
fn a_menus_column_reads_section_names_as_headings_and_each_item_with_its_price() {
    // One region over a menu's column: section names set larger than the
    // items, prices far right of their items (the leader drawn, not text).
    let p = page(
        vec![
            line(100.0, 200.0, 300.0, 220.0, "Steak frites"),
            line(520.0, 200.0, 580.0, 220.0, "£24.00"),
            line(100.0, 224.0, 400.0, 240.0, "8 oz sirloin, peppercorn sauce"),
            line(100.0, 250.0, 300.0, 270.0, "Crab linguine"),
            line(520.0, 250.0, 580.0, 270.0, "£19.00"),
            line(100.0, 290.0, 260.0, 316.0, "Desserts"),
            line(100.0, 330.0, 320.0, 350.0, "Sticky toffee pudding"),
            line(520.0, 330.0, 580.0, 350.0, "£7.50"),
            line(100.0, 354.0, 300.0, 370.0, "Vanilla ice cream"),
            line(100.0, 380.0, 260.0, 400.0, "Lemon posset"),
            line(520.0, 380.0, 580.0, 400.0, "£7.00"),
        ],
        vec![region(90.0, 190.0, 600.0, 410.0, Category::List)],
    );
    check(
        &p,
        &[
            (Category::List, "Steak frites £24.00\n8 oz sirloin, peppercorn sauce\nCrab linguine £19.00"),
            (Category::Heading1, "Desserts"),
            (Category::List, "Sticky toffee pudding £7.50\nVanilla ice cream\nLemon posset £7.00"),
        ],
    );
}

#[test]
fn a_heading_run_into_the_paragraph_under_it_is_cut_out_but_a_large_formula_is_not() {
    let body = |y: f32, t: &str| line(100.0, y, 800.0, y + 20.0, t);
    let p = page(
        vec![
            line(100.0, 100.0, 300.0, 130.0, "2 Method"),
            body(140.0, "We write the balance of heat for a column"),
            body(164.0, "of water and integrate it from the bed."),
            line(100.0, 300.0, 300.0, 330.0, "∑ x = 1 + 2"),
            body(340.0, "where the sum runs over the sensors of"),
            body(364.0, "the chain, nine in all."),
        ],
        vec![
            region(90.0, 90.0, 810.0, 190.0, Category::Paragraph),
            region(90.0, 290.0, 810.0, 390.0, Category::Paragraph),
        ],
    );
    check(
        &p,
        &[
            (Category::Heading1, "2 Method"),
            (
                Category::Paragraph,
                "We write the balance of heat for a column of water and integrate it from the bed.",
            ),
            (
                Category::Paragraph,
                "∑ x = 1 + 2 where the sum runs over the sensors of the chain, nine in all.",
            ),
        ],
    );
}

#[test]
fn a_lone_price_beside_its_item_joins_it_however_far() {
    // A menu whose items and prices are regions of their own, one line each.
    let p = page(
        vec![
            line(100.0, 200.0, 300.0, 220.0, "Leek and potato soup"),
            line(520.0, 200.0, 580.0, 220.0, "£6.50"),
            line(100.0, 226.0, 360.0, 242.0, "With sourdough and salted butter"),
            line(100.0, 260.0, 300.0, 280.0, "Burrata"),
            line(520.0, 260.0, 580.0, 280.0, "£9.50"),
        ],
        vec![
            region(95.0, 195.0, 305.0, 225.0, Category::Paragraph),
            region(515.0, 195.0, 585.0, 225.0, Category::Paragraph),
            region(95.0, 224.0, 365.0, 245.0, Category::Paragraph),
            region(95.0, 255.0, 305.0, 285.0, Category::Paragraph),
            region(515.0, 255.0, 585.0, 285.0, Category::Paragraph),
        ],
    );
    check(
        &p,
        &[
            (Category::Paragraph, "Leek and potato soup £6.50"),
            (Category::Paragraph, "With sourdough and salted butter"),
            (Category::Paragraph, "Burrata £9.50"),
        ],
    );
}

#[test]
fn a_paragraph_region_over_three_columns_reads_column_by_column() {
    // One region over a caption and an article's three columns; justified
    // text's wide spaces cut some lines in pieces.
    let mut lines = vec![line(
        100.0,
        100.0,
        700.0,
        120.0,
        "The seafront at high tide last winter, when waves topped the wall.",
    )];
    for (c, x) in [100.0f32, 330.0, 560.0].into_iter().enumerate() {
        for r in 0..5 {
            let y = 130.0 + 24.0 * r as f32;
            if r == 2 {
                line_pieces(&mut lines, x, y, c, r);
            } else {
                lines.push(line(x, y, x + 210.0, y + 20.0, &format!("column {c} row {r} of running text")));
            }
        }
    }
    let p = page(lines, vec![region(90.0, 90.0, 790.0, 260.0, Category::Paragraph)]);
    let row = |c: usize| {
        (0..5).map(|r| format!("column {c} row {r} of running text")).collect::<Vec<_>>().join(" ")
    };
    check(
        &p,
        &[
            (Category::Paragraph, "The seafront at high tide last winter, when waves topped the wall."),
            (Category::Paragraph, &row(0)),
            (Category::Paragraph, &row(1)),
            (Category::Paragraph, &row(2)),
        ],
    );
}

/// Row `r` of column `c` at `x`, `y` as the text layer gives a justified
/// line: its words in two pieces far apart.
fn line_pieces(lines: &mut Vec<TextLine>, x: f32, y: f32, c: usize, r: usize) {
    lines.push(line(x, y, x + 120.0, y + 20.0, &format!("column {c} row {r} of")));
    lines.push(line(x + 150.0, y, x + 210.0, y + 20.0, "running text"));
}

#[test]
fn a_caption_region_run_into_the_paragraph_under_it_is_cut_there() {
    // A text-layer caption in smaller type, the paragraph after it boxed
    // with it.
    let small = |y: f32, t: &str| line(100.0, y, 800.0, y + 17.0, t);
    let body = |y: f32, t: &str| line(100.0, y, 800.0, y + 19.0, t);
    let p = page(
        vec![
            small(100.0, "Table 1. Mean diffusivity from both methods."),
            body(121.0, "The two methods agree within 25 % in both surveys, well"),
            body(144.0, "inside the scatter of the profiler's own estimates."),
        ],
        vec![region(90.0, 90.0, 810.0, 170.0, Category::Caption)],
    );
    check(
        &p,
        &[
            (Category::Caption, "Table 1. Mean diffusivity from both methods."),
            (
                Category::Paragraph,
                "The two methods agree within 25 % in both surveys, well inside the scatter of the profiler's own estimates.",
            ),
        ],
    );
    // A caption of two sentences in one size stays whole.
    let p = page(
        vec![
            small(100.0, "Figure 2. Hourly diffusivity at 10 m above the bed."),
            small(119.0, "Shading marks spring tides."),
        ],
        vec![region(90.0, 90.0, 810.0, 140.0, Category::Caption)],
    );
    check(
        &p,
        &[(
            Category::Caption,
            "Figure 2. Hourly diffusivity at 10 m above the bed. Shading marks spring tides.",
        )],
    );
}

#[test]
fn a_paragraph_set_apart_under_a_lists_last_item_is_no_part_of_it() {
    // An exam's questions, then a boxed instruction the layout model put
    // in the list's region.
    let row = |y: f32, t: &str| line(100.0, y, 700.0, y + 20.0, t);
    let p = page(
        vec![
            row(100.0, "4. Which organelle carries out photosynthesis?"),
            row(124.0, "(A) mitochondrion (B) nucleus"),
            row(148.0, "(C) chloroplast (D) ribosome"),
            row(180.0, "5. Which of these is a noble gas?"),
            row(204.0, "(A) helium (B) hydrogen"),
            row(228.0, "(C) fluorine (D) sodium"),
            row(290.0, "Section B. Write your answers in the spaces provided."),
        ],
        vec![region(90.0, 90.0, 710.0, 320.0, Category::List)],
    );
    let got: Vec<(Category, String)> = blocks(&p).into_iter().map(|b| (b.category, b.text)).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, Category::List);
    assert!(got[0].1.ends_with("(C) fluorine (D) sodium"), "{got:?}");
    assert_eq!(
        got[1],
        (Category::Paragraph, "Section B. Write your answers in the spaces provided.".to_string())
    );
}

#[test]
fn a_heading_beside_a_lone_price_is_an_item_and_narrow_columns_of_text_are_no_form() {
    // A layout model's title over a menu item, its price a region apart.
    let p = page(
        vec![line(100.0, 200.0, 300.0, 224.0, "Burrata"), line(520.0, 200.0, 580.0, 224.0, "£9.50")],
        vec![
            region(95.0, 195.0, 305.0, 229.0, Category::Heading1),
            region(515.0, 195.0, 585.0, 229.0, Category::Paragraph),
        ],
    );
    check(&p, &[(Category::Paragraph, "Burrata £9.50")]);
    // Two newspaper columns of four or five words a line, each a region:
    // short lines, level row for row, but lines that fill their columns.
    let words = [
        "the council said on",
        "tuesday that harbour works",
        "would begin in spring",
        "after years of delay",
        "residents have long asked",
    ];
    let mut lines = Vec::new();
    for (k, w) in words.iter().enumerate() {
        let y = 100.0 + 24.0 * k as f32;
        lines.push(line(100.0, y, 300.0, y + 20.0, w));
        lines.push(line(320.0, y, 520.0, y + 20.0, &format!("{w} too")));
    }
    let p = page(
        lines,
        vec![
            region(95.0, 95.0, 305.0, 225.0, Category::Paragraph),
            region(315.0, 95.0, 525.0, 225.0, Category::Paragraph),
        ],
    );
    let got: Vec<(Category, String)> = blocks(&p).into_iter().map(|b| (b.category, b.text)).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].1.starts_with("the council said on tuesday") && !got[0].1.contains("too"), "{got:?}");
}

/// A letter's paragraphs, set apart by space, in two overlapping regions
/// of a layout model (the first ends a line short of its paragraph, the
/// second starts above that line): each paragraph is read whole, on its
/// own.
#[test]
fn paragraphs_set_apart_in_overlapping_regions_read_one_by_one() {
    let mut lines = Vec::new();
    let mut y = 200.0;
    for (p, rows) in [3, 2, 2].into_iter().enumerate() {
        for r in 0..rows {
            lines.push(line(100.0, y, 900.0, y + 20.0, &format!("paragraph {} row {}", p + 1, r + 1)));
            y += 26.0;
        }
        y += 20.0;
    }
    let p = page(
        lines,
        vec![
            region(90.0, 195.0, 910.0, 250.0, Category::Paragraph),
            region(90.0, 225.0, 910.0, 420.0, Category::Paragraph),
        ],
    );
    check(
        &p,
        &[
            (Category::Paragraph, "paragraph 1 row 1 paragraph 1 row 2 paragraph 1 row 3"),
            (Category::Paragraph, "paragraph 2 row 1 paragraph 2 row 2"),
            (Category::Paragraph, "paragraph 3 row 1 paragraph 3 row 2"),
        ],
    );
    // A list's items set apart by space are one list.
    let mut lines = Vec::new();
    for k in 0..3 {
        let y = 200.0 + 70.0 * k as f32;
        lines.push(line(100.0, y, 900.0, y + 20.0, &format!("{}. Heat the oil and stir", k + 1)));
        lines.push(line(130.0, y + 26.0, 700.0, y + 46.0, "until soft and golden."));
    }
    let p = page(lines, vec![region(90.0, 195.0, 910.0, 400.0, Category::Paragraph)]);
    assert_eq!(blocks(&p).len(), 1);
}

/// A list region that took in section headings and the text under them
/// (a scanned Japanese minutes' "2.議題", "(1)…", items): the numbered
/// headings are cut out, and a piece opening with no item is a paragraph.
#[test]
fn numbered_headings_inside_a_list_region_are_cut_out() {
    let sized = |y: f32, h: f32, x1: f32, text: &str| {
        let mut l = TextLine::from_bbox(BBox::new(130.0, y, x1, y + h), text, TextOrigin::Ocr);
        l.font_size = h;
        l
    };
    let p = page(
        vec![
            sized(600.0, 39.0, 230.0, "2.議題"),
            sized(650.0, 26.0, 940.0, "経理部から、決算期を避けて稼働としたい旨の提案があり、了承された。"),
            sized(700.0, 26.0, 680.0, "・研修は2月から3月にかけて部署ごとに実施する。"),
            sized(740.0, 26.0, 650.0, "・研修資料は1月末までに作成する。"),
            sized(790.0, 37.0, 280.0, "3.決定事項"),
            sized(840.0, 26.0, 460.0, "・稼働日を4月1日とする。"),
        ],
        vec![region(120.0, 595.0, 950.0, 870.0, Category::List)],
    );
    check(
        &p,
        &[
            (Category::Heading1, "2.議題"),
            (Category::Paragraph, "経理部から、決算期を避けて稼働としたい旨の提案があり、了承された。"),
            (
                Category::List,
                "・研修は2月から3月にかけて部署ごとに実施する。\n・研修資料は1月末までに作成する。",
            ),
            (Category::Heading1, "3.決定事項"),
            (Category::List, "・稼働日を4月1日とする。"),
        ],
    );
}

/// A heading region over a title and the subtitle under it in the body's
/// type: the title is the heading, the subtitle a paragraph. A heading of
/// two rows in one size stays whole.
#[test]
fn a_subtitle_in_a_heading_region_is_a_paragraph() {
    let sized = |y: f32, size: f32, text: &str| {
        let mut l = line(100.0, y, 900.0, y + size, text);
        l.font_size = size;
        l
    };
    let body = |y: f32| sized(y, 10.0, "Stop Quay Street Fish Market Old Town Square Castle Gate and on");
    let p = page(
        vec![
            sized(100.0, 16.0, "Route 42 Harbour – University – Park and Ride"),
            sized(122.0, 11.0, "Monday to Friday, from 7 September"),
            body(200.0),
            body(220.0),
        ],
        vec![
            region(90.0, 95.0, 910.0, 135.0, Category::Heading1),
            region(90.0, 195.0, 910.0, 235.0, Category::Paragraph),
        ],
    );
    let got: Vec<(Category, String)> = blocks(&p).into_iter().map(|b| (b.category, b.text)).take(2).collect();
    assert_eq!(
        got,
        [
            (Category::Heading1, "Route 42 Harbour – University – Park and Ride".to_string()),
            (Category::Paragraph, "Monday to Friday, from 7 September".to_string())
        ]
    );
    let p = page(
        vec![
            sized(100.0, 16.0, "Annual report of the harbour"),
            sized(120.0, 16.0, "board for 2026"),
            body(200.0),
        ],
        vec![region(90.0, 95.0, 910.0, 140.0, Category::Heading1)],
    );
    assert_eq!(blocks(&p)[0].category, Category::Heading1);
    assert_eq!(blocks(&p)[0].text, "Annual report of the harbour board for 2026");
}

/// A book's index set in three columns in one region reads column by
/// column, one term a line, though its lines are short.
#[test]
fn a_book_index_in_columns_reads_column_by_column() {
    let columns = [
        ["A", "Adjustment, 17, 23", "Air valve, 34", "Alarm relay, 30", "B", "Base plate, 11"],
        ["Bearings, 24", "C", "Capacitor, 47", "Check valve, 27", "Coupling, 9", "D"],
        ["Diaphragm, 1", "Drainage, 14", "E", "Earthing, 19", "Expansion tank, 12, 14", "Filter, 13"],
    ];
    let mut lines = Vec::new();
    for (c, column) in columns.iter().enumerate() {
        for (r, text) in column.iter().enumerate() {
            let (x, y) = (100.0 + 300.0 * c as f32, 200.0 + 30.0 * r as f32);
            lines.push(line(x, y, x + 12.0 * text.len() as f32, y + 20.0, text));
        }
    }
    let p = page(lines, vec![region(90.0, 195.0, 910.0, 380.0, Category::Paragraph)]);
    let got: Vec<String> =
        blocks(&p).into_iter().flat_map(|b| b.text.lines().map(str::to_string).collect::<Vec<_>>()).collect();
    let want: Vec<String> = columns.iter().flatten().map(|s| s.to_string()).collect();
    assert_eq!(got, want);
}

/// Paragraphs set without space between them, each opening with an
/// indented row (a paper's, in a region the layout model took for a
/// list): a paragraph each. A reference list's hanging indent stays one
/// item a reference.
#[test]
fn indented_first_rows_start_paragraphs_and_hanging_indents_do_not() {
    let rows: [(f32, f32, &str); 6] = [
        (130.0, 600.0, "Vegetation cover measured in spring predicted the"),
        (106.0, 600.0, "loss of sand on the foredune but not on the fixed"),
        (106.0, 430.0, "dune, where cover was high."),
        (130.0, 600.0, "Two limits of the study should be kept in mind."),
        (106.0, 600.0, "Cover was estimated by eye, and small differences"),
        (106.0, 380.0, "may reflect the observers."),
    ];
    let lines: Vec<TextLine> = rows
        .iter()
        .enumerate()
        .map(|(k, &(x0, x1, text))| line(x0, 200.0 + 24.0 * k as f32, x1, 220.0 + 24.0 * k as f32, text))
        .collect();
    let p = page(lines, vec![region(100.0, 195.0, 610.0, 350.0, Category::List)]);
    check(
        &p,
        &[
            (
                Category::Paragraph,
                "Vegetation cover measured in spring predicted the loss of sand on the foredune but not on the fixed dune, where cover was high.",
            ),
            (
                Category::Paragraph,
                "Two limits of the study should be kept in mind. Cover was estimated by eye, and small differences may reflect the observers.",
            ),
        ],
    );
    let refs: [(f32, f32, &str); 5] = [
        (106.0, 600.0, "[1] Arens, S.M., 1996. Patterns of sand transport on"),
        (130.0, 420.0, "vegetated foredunes. Geomorphology 17."),
        (106.0, 600.0, "[2] Provoost, S., Jones, M.L.M., Edmondson, S.E.,"),
        (130.0, 600.0, "2011. Changes in landscape and vegetation of coastal"),
        (130.0, 400.0, "dunes in northwest Europe."),
    ];
    let lines: Vec<TextLine> = refs
        .iter()
        .enumerate()
        .map(|(k, &(x0, x1, text))| line(x0, 200.0 + 24.0 * k as f32, x1, 220.0 + 24.0 * k as f32, text))
        .collect();
    let p = page(lines, vec![region(100.0, 195.0, 610.0, 330.0, Category::Paragraph)]);
    let got = blocks(&p);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].category, Category::List);
    assert_eq!(got[0].text.lines().count(), 2, "{}", got[0].text);
}

/// A paragraph whose last sentence carries a footnote's mark ends there
/// all the same (a pdfTeX manual's "below the caption.1").
#[test]
fn a_footnote_mark_after_the_stop_still_ends_a_paragraph() {
    let rows: [(f32, f32, &str); 5] = [
        (106.0, 600.0, "Floats are placed where they fit, which often leaves"),
        (106.0, 600.0, "them at odd places; this package rounds each height,"),
        (106.0, 430.0, "adding the difference below the caption.1"),
        (130.0, 600.0, "The package is loaded as usual, and its options are"),
        (106.0, 380.0, "given when it is loaded."),
    ];
    let lines: Vec<TextLine> = rows
        .iter()
        .enumerate()
        .map(|(k, &(x0, x1, text))| line(x0, 200.0 + 24.0 * k as f32, x1, 220.0 + 24.0 * k as f32, text))
        .collect();
    let p = page(lines, vec![region(100.0, 195.0, 610.0, 330.0, Category::Paragraph)]);
    let got = blocks(&p);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].text.ends_with("below the caption.1"), "{got:?}");
    // Section numbers and figures at a row's end are no footnote marks.
    let rows: [(f32, f32, &str); 4] = [
        (106.0, 600.0, "The options are listed with their defaults in Section"),
        (106.0, 430.0, "2.1"),
        (130.0, 600.0, "and the keys of the setup command follow them in"),
        (106.0, 380.0, "the next section."),
    ];
    let lines: Vec<TextLine> = rows
        .iter()
        .enumerate()
        .map(|(k, &(x0, x1, text))| line(x0, 200.0 + 24.0 * k as f32, x1, 220.0 + 24.0 * k as f32, text))
        .collect();
    let p = page(lines, vec![region(100.0, 195.0, 610.0, 310.0, Category::Paragraph)]);
    assert_eq!(blocks(&p).len(), 1);
}
