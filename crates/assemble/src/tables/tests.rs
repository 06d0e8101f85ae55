use super::*;
use parasol_doc::{TableCell, TextOrigin};

fn cell(row: usize, col: usize, bbox: BBox) -> TableCell {
    TableCell { row, col, rowspan: 1, colspan: 1, header: false, text: String::new(), bbox: Some(bbox) }
}

#[test]
fn lines_split_into_words_at_proportional_positions() {
    let l = TextLine::from_bbox(BBox::new(0.0, 0.0, 140.0, 10.0), "Mean SD Median", TextOrigin::Ocr);
    let words = split_words(&[&l]);
    let got: Vec<(&str, f32, f32)> = words.iter().map(|w| (w.text.as_str(), w.bbox.x0, w.bbox.x1)).collect();
    assert_eq!(got, [("Mean", 0.0, 40.0), ("SD", 50.0, 70.0), ("Median", 80.0, 140.0)]);
}

#[test]
fn words_land_in_their_cells() {
    let mut t = Table {
        rows: 1,
        cols: 2,
        cells: vec![
            cell(0, 0, BBox::new(0.0, 0.0, 100.0, 20.0)),
            cell(0, 1, BBox::new(100.0, 0.0, 200.0, 20.0)),
        ],
    };
    let w =
        |x: f32, s: &str| TextLine::from_bbox(BBox::new(x, 4.0, x + 30.0, 16.0), s, TextOrigin::TextLayer);
    let words = [w(10.0, "Mid"), w(45.0, "dune"), w(120.0, "18"), w(250.0, "stray")];
    fill_table(&mut t, &words.iter().collect::<Vec<_>>());
    assert_eq!(t.cells[0].text, "Mid dune");
    assert_eq!(t.cells[1].text, "18 stray");
}

#[test]
fn a_header_cell_drawn_over_two_columns_takes_its_columns_edges() {
    // Body cells agree where columns 1 and 2 are; the header's second
    // cell was drawn over both columns' words, its third beyond them.
    let mut cells = vec![
        cell(0, 0, BBox::new(0.0, 0.0, 100.0, 20.0)),
        cell(0, 1, BBox::new(100.0, 0.0, 260.0, 20.0)),
        cell(0, 2, BBox::new(260.0, 0.0, 340.0, 20.0)),
    ];
    for r in 1..4 {
        let y = 20.0 * r as f32;
        cells.push(cell(r, 0, BBox::new(0.0, y, 100.0, y + 20.0)));
        cells.push(cell(r, 1, BBox::new(100.0, y, 200.0, y + 20.0)));
        cells.push(cell(r, 2, BBox::new(200.0, y, 300.0, y + 20.0)));
    }
    let mut t = Table { rows: 4, cols: 3, cells };
    let w =
        |x: f32, s: &str| TextLine::from_bbox(BBox::new(x, 4.0, x + 30.0, 16.0), s, TextOrigin::TextLayer);
    let words = [w(10.0, "Region"), w(110.0, "Q1"), w(210.0, "Q2")];
    fill_table(&mut t, &words.iter().collect::<Vec<_>>());
    let header: Vec<&str> = t.cells[..3].iter().map(|c| c.text.as_str()).collect();
    assert_eq!(header, ["Region", "Q1", "Q2"]);
}

#[test]
fn a_spanning_cell_reaches_from_its_first_column_to_its_last() {
    let mut cells = vec![TableCell { colspan: 2, ..cell(0, 0, BBox::new(0.0, 0.0, 150.0, 20.0)) }];
    cells.push(cell(1, 0, BBox::new(0.0, 20.0, 100.0, 40.0)));
    cells.push(cell(1, 1, BBox::new(100.0, 20.0, 200.0, 40.0)));
    let t = Table { rows: 2, cols: 2, cells };
    assert_eq!(aligned_boxes(&t)[0], Some(BBox::new(0.0, 0.0, 200.0, 20.0)));
}

/// A table of texts, each row's cells one column each (`|` between).
fn table_of(rows: &[&str]) -> Table {
    let mut cells = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.split('|').enumerate() {
            cells.push(TableCell {
                text: text.trim().to_string(),
                bbox: None,
                ..cell(r, c, BBox::default())
            });
        }
    }
    Table { rows: rows.len(), cols: rows[0].split('|').count(), cells }
}

fn header_rows(t: &Table) -> usize {
    (0..t.rows).take_while(|&r| t.cells.iter().filter(|c| c.row == r).all(|c| c.header)).count()
}

#[test]
fn names_over_columns_of_figures_are_a_header() {
    let mut t = table_of(&[
        "No. | Vessel | Gross tonnage | Calls",
        "1 | MV Aurora | 12,400 | 3",
        "2 | Sea Lark | 8,150 | 11",
    ]);
    mark_header_rows(&mut t);
    assert_eq!(header_rows(&t), 1);
    assert!(t.cells.iter().filter(|c| c.row > 0).all(|c| !c.header));
    let mut years = table_of(&["Region | 2025 | 2026", "North | 12.5 | 14.1", "South | 9.0 | 8.7"]);
    mark_header_rows(&mut years);
    assert_eq!(header_rows(&years), 1, "years over figures");
}

#[test]
fn a_first_row_of_data_is_no_header() {
    for rows in [
        &["Revenue | 12.5 | 14.1", "Costs | 9.0 | 8.7", "Margin | 3.5 | 5.4"][..],
        &["Name | Margaret Okafor", "Member | MB-40417", "City | Lagos"][..],
        &["apples | pears | plums", "red | green | blue", "round | long | small"][..],
    ] {
        let mut t = table_of(rows);
        mark_header_rows(&mut t);
        assert_eq!(header_rows(&t), 0, "{rows:?}");
    }
}

#[test]
fn names_over_sentences_are_a_header() {
    let mut t = table_of(&[
        "Option | Description",
        "--threads | Threads per model session, all cores by default",
        "--layout | The layout model to read the page regions with",
    ]);
    mark_header_rows(&mut t);
    assert_eq!(header_rows(&t), 1);
}

#[test]
fn a_group_name_spanning_its_columns_makes_a_second_header_row() {
    let mut t = table_of(&[
        "Model | TEDS | | mAP",
        "| simple | complex |",
        "OTSL | 0.965 | 0.934 | 0.88",
        "HTML | 0.969 | 0.927 | 0.857",
    ]);
    // "TEDS" spans columns 1 and 2; "Model" and "mAP" span both rows.
    t.cells.retain(|c| !(c.row == 0 && c.col == 2) && !(c.row == 1 && (c.col == 0 || c.col == 3)));
    for c in &mut t.cells {
        match (c.row, c.col) {
            (0, 1) => c.colspan = 2,
            (0, 0) | (0, 3) => c.rowspan = 2,
            _ => {}
        }
    }
    mark_header_rows(&mut t);
    assert_eq!(header_rows(&t), 2);
    assert!(!t.cells.iter().any(|c| c.row >= 2 && c.header));
}

fn line(x: f32, y: f32, h: f32, s: &str) -> TextLine {
    let mut l = TextLine::from_bbox(BBox::new(x, y, x + 60.0, y + h), s, TextOrigin::TextLayer);
    l.font_size = h;
    l
}

/// A slide: a 40-pixel title over a table of four rows of 20-pixel
/// type, 30 pixels apart, then a footer and a page number far below.
fn slide() -> Vec<TextLine> {
    let mut lines = vec![line(0.0, 0.0, 40.0, "Depot performance")];
    for (r, y) in [60.0, 90.0, 120.0, 150.0].into_iter().enumerate() {
        lines.push(line(0.0, y, 20.0, &format!("Depot {r}")));
        lines.push(line(100.0, y, 20.0, &format!("{}", 40 + r)));
    }
    lines.push(line(0.0, 500.0, 20.0, "Confidential"));
    lines.push(line(600.0, 500.0, 20.0, "3"));
    lines
}

#[test]
fn a_slides_title_and_footer_are_no_part_of_its_table() {
    let lines = slide();
    let region = BBox::new(0.0, 0.0, 700.0, 520.0);
    let body = body_of(&region, &lines.iter().collect::<Vec<_>>()).expect("the table is part of the region");
    assert!(body.y0 > 40.0 && body.y0 <= 60.0, "{body:?}");
    assert!(body.y1 >= 170.0 && body.y1 < 500.0, "{body:?}");
}

#[test]
fn a_note_in_smaller_type_below_a_table_is_no_part_of_it() {
    let mut lines: Vec<TextLine> = slide()[1..9].to_vec();
    lines.push(line(0.0, 176.0, 14.0, "1 A call is counted once per arrival."));
    let body =
        body_of(&BBox::new(0.0, 50.0, 700.0, 200.0), &lines.iter().collect::<Vec<_>>()).expect("a note");
    // The note's middle (y 183) lies below the table's box.
    assert!(body.y1 < 183.0, "{body:?}");
    // A last row in the table's own type stays, whatever it starts with.
    lines.pop();
    lines.push(line(0.0, 180.0, 20.0, "5 Hull"));
    assert_eq!(body_of(&BBox::new(0.0, 50.0, 700.0, 210.0), &lines.iter().collect::<Vec<_>>()), None);
}

#[test]
fn a_table_whose_rows_all_belong_keeps_its_region() {
    // Evenly spaced rows in one type; a wide gap inside, not at an end.
    let lines = slide();
    let rows: Vec<&TextLine> = lines[1..9].iter().collect();
    assert_eq!(body_of(&BBox::new(0.0, 50.0, 700.0, 180.0), &rows), None);
    let mut spread: Vec<TextLine> = lines[1..9].to_vec();
    for l in spread.iter_mut().skip(4) {
        l.bbox.y0 += 300.0;
        l.bbox.y1 += 300.0;
    }
    assert_eq!(body_of(&BBox::new(0.0, 50.0, 700.0, 480.0), &spread.iter().collect::<Vec<_>>()), None);
}

#[test]
fn empty_outer_rows_and_columns_are_dropped_with_the_spans_into_them() {
    let mut t = table_of(&["Depot performance | | ", "Depot | Routes | ", "Leeds | 42 | ", " | | ", " | | "]);
    t.cells.retain(|c| !(c.row == 0 && c.col > 0));
    t.cells[0].colspan = 3;
    t.cells[0].text.clear();
    trim_empty(&mut t);
    assert_eq!((t.rows, t.cols), (2, 2));
    let texts: Vec<(usize, usize, &str)> = t.cells.iter().map(|c| (c.row, c.col, c.text.as_str())).collect();
    assert_eq!(texts, [(0, 0, "Depot"), (0, 1, "Routes"), (1, 0, "Leeds"), (1, 1, "42")]);
}

#[test]
fn a_sparse_column_run_into_its_neighbour_is_split_at_the_gutter() {
    // "Paid in" (x 100-160, a few rows) and "Balance" (x 200-260) in one
    // column of the structure, "Date" beside them.
    let mut cells = Vec::new();
    for r in 0..6 {
        let y = 20.0 * r as f32;
        cells.push(cell(r, 0, BBox::new(0.0, y, 90.0, y + 20.0)));
        cells.push(cell(r, 1, BBox::new(90.0, y, 270.0, y + 20.0)));
    }
    let mut t = Table { rows: 6, cols: 2, cells };
    let w = |x: f32, r: usize, s: &str| {
        let y = 20.0 * r as f32;
        TextLine::from_bbox(BBox::new(x, y + 4.0, x + 60.0, y + 16.0), s, TextOrigin::TextLayer)
    };
    let mut words = vec![w(100.0, 0, "Paid"), w(200.0, 0, "Balance")];
    for r in 1..6 {
        words.push(w(10.0, r, "Nov"));
        words.push(w(200.0, r, "1,463.90"));
    }
    words.extend([w(100.0, 2, "866.10"), w(100.0, 4, "437.03")]);
    let words: Vec<&TextLine> = words.iter().collect();
    split_merged_columns(&mut t, &words);
    fill_table(&mut t, &words);
    assert_eq!((t.rows, t.cols), (6, 3));
    let row = |r: usize| t.cells.iter().filter(|c| c.row == r).map(|c| c.text.as_str()).collect::<Vec<_>>();
    assert_eq!(row(0), ["", "Paid", "Balance"]);
    assert_eq!(row(2), ["Nov", "866.10", "1,463.90"]);
    assert_eq!(row(3), ["Nov", "", "1,463.90"]);
    // One word across the gutter in any row keeps the column whole.
    let mut t2 = Table { rows: 6, cols: 2, cells: t.cells.iter().filter(|c| c.col < 2).cloned().collect() };
    for c in &mut t2.cells {
        c.text.clear();
        if c.col == 1 {
            c.bbox = Some(BBox { x1: 270.0, ..c.bbox.unwrap() });
        }
    }
    let wide = w(150.0, 5, "a long description");
    let mut with_wide = words.clone();
    with_wide.push(&wide);
    split_merged_columns(&mut t2, &with_wide);
    assert_eq!(t2.cols, 2);
}

/// A statement's table as a structure model reads it: "Paid out" and
/// "Paid in" one column (x 90-225), "Balance" the next; the header's
/// words set tighter than the figures, "in" reaching into "Balance".
fn statement(both_in_row_3: bool) -> (Table, Vec<TextLine>) {
    let mut cells = Vec::new();
    for r in 0..6 {
        let y = 20.0 * r as f32;
        cells.push(cell(r, 0, BBox::new(0.0, y, 90.0, y + 20.0)));
        cells.push(cell(r, 1, BBox::new(90.0, y, 225.0, y + 20.0)));
        cells.push(cell(r, 2, BBox::new(225.0, y, 320.0, y + 20.0)));
    }
    let w = |x0: f32, x1: f32, r: usize, s: &str| {
        let y = 20.0 * r as f32;
        TextLine::from_bbox(BBox::new(x0, y + 4.0, x1, y + 16.0), s, TextOrigin::TextLayer)
    };
    let mut words = vec![
        w(100.0, 125.0, 0, "Paid"),
        w(128.0, 150.0, 0, "out"),
        w(158.0, 190.0, 0, "Paid"),
        w(222.0, 240.0, 0, "in"),
        w(250.0, 300.0, 0, "Balance"),
    ];
    for r in 1..6 {
        words.push(w(10.0, 40.0, r, "Nov"));
        words.push(w(245.0, 300.0, r, "2,048.26"));
        if r == 3 {
            words.push(w(170.0, 235.0, r, "1,275.94"));
        }
        if r != 3 || both_in_row_3 {
            words.push(w(100.0, 150.0, r, "370.11"));
        }
    }
    (Table { rows: 6, cols: 3, cells }, words)
}

#[test]
fn figures_taking_turns_in_one_column_are_two_columns_and_header_words_follow_them() {
    let (mut t, words) = statement(false);
    let words: Vec<&TextLine> = words.iter().collect();
    split_merged_columns(&mut t, &words);
    fill_table(&mut t, &words);
    assert_eq!((t.rows, t.cols), (6, 4));
    let row = |r: usize| t.cells.iter().filter(|c| c.row == r).map(|c| c.text.as_str()).collect::<Vec<_>>();
    assert_eq!(row(0), ["", "Paid out", "Paid in", "Balance"]);
    assert_eq!(row(2), ["Nov", "370.11", "", "2,048.26"]);
    assert_eq!(row(3), ["Nov", "", "1,275.94", "2,048.26"]);
    // A row with figures on both sides: one column's cells ("12 (4%)").
    let (mut t, words) = statement(true);
    split_merged_columns(&mut t, &words.iter().collect::<Vec<_>>());
    assert_eq!(t.cols, 3);
    // A figure set apart from a word in its cell ("AC100V 50/60Hz" in a
    // column of ratings): the row has words on both sides, one cell.
    let (mut t, mut words) = statement(false);
    words.push(TextLine::from_bbox(BBox::new(95.0, 64.0, 160.0, 76.0), "AC", TextOrigin::TextLayer));
    split_merged_columns(&mut t, &words.iter().collect::<Vec<_>>());
    assert_eq!(t.cols, 3);
}

/// A cell's lone word stays where the structure put it, though it lies
/// under the next column's text: a sparse column's only entry.
#[test]
fn a_cells_only_word_stays_in_its_cell() {
    let mut cells = Vec::new();
    for r in 0..3 {
        let y = 20.0 * r as f32;
        cells.push(cell(r, 0, BBox::new(0.0, y, 100.0, y + 20.0)));
        cells.push(cell(r, 1, BBox::new(100.0, y, 160.0, y + 20.0)));
    }
    let mut t = Table { rows: 3, cols: 2, cells };
    let w = |x0: f32, x1: f32, r: usize, s: &str| {
        let y = 20.0 * r as f32;
        TextLine::from_bbox(BBox::new(x0, y + 4.0, x1, y + 16.0), s, TextOrigin::TextLayer)
    };
    let words = [
        w(0.0, 50.0, 0, "*ALLOBJ"),
        w(75.0, 150.0, 0, "X"),
        w(55.0, 105.0, 1, "*JOBCTL"),
        w(0.0, 40.0, 2, "*IOSYS"),
        w(75.0, 150.0, 2, "X"),
    ];
    fill_table(&mut t, &words.iter().collect::<Vec<_>>());
    let row = |r: usize| t.cells.iter().filter(|c| c.row == r).map(|c| c.text.as_str()).collect::<Vec<_>>();
    assert_eq!(row(1), ["*JOBCTL", ""]);
}

/// OCR's lines "05 Nov" and "Direct debit Council Tax" in one column of
/// the structure, their boxes' margins overlapping: the descriptions all
/// start at one x, so the column is two. Figures after a count ("12
/// (4%)") stay one column's.
#[test]
fn a_column_whose_second_pieces_start_at_one_x_is_two() {
    let table = |texts: &[(&str, f32, f32, &str, f32)]| {
        let mut cells = Vec::new();
        let mut lines = Vec::new();
        for (r, &(a, a1, b0, b, b1)) in texts.iter().enumerate() {
            let y = 40.0 * r as f32;
            cells.push(cell(r, 0, BBox::new(0.0, y, 700.0, y + 40.0)));
            cells.push(cell(r, 1, BBox::new(700.0, y, 900.0, y + 40.0)));
            lines.push(TextLine::from_bbox(BBox::new(120.0, y + 4.0, a1, y + 36.0), a, TextOrigin::Ocr));
            lines.push(TextLine::from_bbox(BBox::new(b0, y + 4.0, b1, y + 36.0), b, TextOrigin::Ocr));
            lines.push(TextLine::from_bbox(
                BBox::new(780.0, y + 4.0, 880.0, y + 36.0),
                "370.11",
                TextOrigin::Ocr,
            ));
        }
        (Table { rows: texts.len(), cols: 2, cells }, lines)
    };
    let (mut t, lines) = table(&[
        ("Date", 197.0, 225.0, "Description", 396.0),
        ("03 Nov", 224.0, 223.0, "Direct debit Scottish Power", 573.0),
        ("05 Nov", 235.0, 220.0, "Direct debit Council Tax", 532.0),
        ("09 Nov", 230.0, 221.0, "Card payment Scotmid Leith Walk", 661.0),
    ]);
    let refs: Vec<&TextLine> = lines.iter().collect();
    split_merged_columns(&mut t, &refs);
    fill_table(&mut t, &refs);
    assert_eq!(t.cols, 3);
    let row = |r: usize| t.cells.iter().filter(|c| c.row == r).map(|c| c.text.as_str()).collect::<Vec<_>>();
    assert_eq!(row(2), ["05 Nov", "Direct debit Council Tax", "370.11"]);
    let (mut t, lines) = table(&[
        ("12", 160.0, 175.0, "(4%)", 230.0),
        ("45", 160.0, 176.0, "(23.1)", 250.0),
        ("112", 180.0, 175.0, "(57.4)", 250.0),
    ]);
    split_merged_columns(&mut t, &lines.iter().collect::<Vec<_>>());
    assert_eq!(t.cols, 2);
}

#[test]
fn an_ocr_line_filling_a_narrow_column_and_running_on_is_split_into_words() {
    // "05 Nov" fills the date column (0-100) but is a fifth of the line.
    let t = Table {
        rows: 1,
        cols: 2,
        cells: vec![
            cell(0, 0, BBox::new(0.0, 0.0, 100.0, 20.0)),
            cell(0, 1, BBox::new(100.0, 0.0, 600.0, 20.0)),
        ],
    };
    let l = TextLine::from_bbox(
        BBox::new(10.0, 4.0, 460.0, 16.0),
        "05 Nov Direct debit SCOTTISH POWER",
        TextOrigin::Ocr,
    );
    let mut filled = t.clone();
    fill_table(&mut filled, &split_straddling(&t, &[&l]).iter().collect::<Vec<_>>());
    assert_eq!(filled.cells[0].text, "05 Nov");
    assert_eq!(filled.cells[1].text, "Direct debit SCOTTISH POWER");
    // A line within the wide column stays whole.
    let inside = TextLine::from_bbox(BBox::new(120.0, 4.0, 460.0, 16.0), "Card payment", TextOrigin::Ocr);
    assert_eq!(split_straddling(&t, &[&inside]).len(), 1);
}

#[test]
fn a_tall_cell_of_one_figure_is_a_cell_per_row_and_a_group_name_stays() {
    // Column 1: "Paid in", empty but for row 3, drawn as one cell over
    // rows 1-4; column 0 a date per row.
    let mut cells =
        vec![cell(0, 0, BBox::new(0.0, 0.0, 100.0, 20.0)), cell(0, 1, BBox::new(100.0, 0.0, 200.0, 20.0))];
    for r in 1..5 {
        let y = 20.0 * r as f32;
        cells.push(cell(r, 0, BBox::new(0.0, y, 100.0, y + 20.0)));
    }
    cells.push(TableCell { rowspan: 4, ..cell(1, 1, BBox::new(100.0, 20.0, 200.0, 100.0)) });
    let mut t = Table { rows: 5, cols: 2, cells };
    let w = |x: f32, y: f32, s: &str| {
        TextLine::from_bbox(BBox::new(x, y + 4.0, x + 50.0, y + 16.0), s, TextOrigin::TextLayer)
    };
    let words = [w(10.0, 0.0, "Date"), w(110.0, 0.0, "Paid"), w(10.0, 60.0, "04"), w(110.0, 60.0, "511.00")];
    let words: Vec<&TextLine> = words.iter().collect();
    unspan_figures(&mut t, &words);
    fill_table(&mut t, &words);
    let col1: Vec<(usize, &str)> =
        t.cells.iter().filter(|c| c.col == 1).map(|c| (c.row, c.text.as_str())).collect();
    assert_eq!(col1, [(0, "Paid"), (1, ""), (2, ""), (3, "511.00"), (4, "")]);
    // The same cell holding a group's name keeps its span.
    let mut named = t.clone();
    named.cells.retain(|c| !(c.col == 1 && c.row > 0));
    named.cells.push(TableCell { rowspan: 4, ..cell(1, 1, BBox::new(100.0, 20.0, 200.0, 100.0)) });
    let label = [w(110.0, 50.0, "Mid dune")];
    unspan_figures(&mut named, &label.iter().collect::<Vec<_>>());
    assert!(named.cells.iter().any(|c| c.col == 1 && c.rowspan == 4));
}

/// A table of contents set as aligned entries and pages (its leaders drawn,
/// or none) reads as text; a table of ranks, or of amounts, does not.
#[test]
fn a_table_of_contents_is_no_table() {
    let table = |rows: &[[&str; 2]]| Table {
        rows: rows.len(),
        cols: 2,
        cells: rows
            .iter()
            .enumerate()
            .flat_map(|(r, texts)| {
                texts.iter().enumerate().map(move |(c, t)| TableCell {
                    text: t.to_string(),
                    ..cell(r, c, BBox::new(100.0 * c as f32, 20.0 * r as f32, 100.0 * (c + 1) as f32, 20.0))
                })
            })
            .collect(),
    };
    let contents = table(&[
        ["1 Introduction", "1"],
        ["1.1 Scope of this guide", "2"],
        ["2 Installing the pump", "5"],
        ["2.1 Choosing a site", "5"],
        ["2.2 Mounting the base plate", "11"],
        ["Appendix A Spare parts list", "43"],
    ]);
    assert!(is_contents(&contents));
    // Named pages above, a part's title without a page.
    let headed = table(&[
        ["Contents", "Page"],
        ["Preface", "ix"],
        ["Part one", ""],
        ["1 Introduction", "1"],
        ["2 Methods", "9"],
        ["3 Results", "17"],
        ["4 Discussion", "30"],
        ["Index", "41"],
    ]);
    assert!(is_contents(&headed));
    let ranks = table(&[["Ajax", "1"], ["Feyenoord", "2"], ["PSV", "3"], ["AZ", "4"], ["Twente", "5"]]);
    assert!(!is_contents(&ranks));
    let amounts = table(&[
        ["Soup", "6.50"],
        ["Salad", "7.00"],
        ["Burrata", "9.50"],
        ["Steak", "24.00"],
        ["Crab", "19.00"],
    ]);
    assert!(!is_contents(&amounts));
    let down = table(&[["Alpha", "40"], ["Beta", "31"], ["Gamma", "12"], ["Delta", "9"], ["Epsilon", "3"]]);
    assert!(!is_contents(&down));
    // A short document's contents (pdfTeX): several sections to a page,
    // the subsections' leaders; a structure model ran the pages into the
    // titles' cells.
    let short = table(&[
        ["1", "Introduction 1"],
        ["2", "Options 1"],
        ["", "2.1 Package options . . . . . . . . 1"],
        ["", "2.2 Settings . . . . . . . . 1"],
        ["3", "How the rounding works 2"],
        ["", "3.1 Known limitations . . . . . . . . 2"],
        ["1", "Introduction"],
    ]);
    assert!(is_contents(&short));
    // Without a leader, pages going up by one are ranks.
    let counted =
        table(&[["1", "Ajax 1"], ["2", "PSV 2"], ["3", "AZ 3"], ["4", "Twente 4"], ["5", "Vitesse 5"]]);
    assert!(!is_contents(&counted));
}

#[test]
fn years_over_columns_in_their_spellings() {
    for y in ["2025", "1998", "2025년", "2026年", "2026年度", "2025년도"] {
        assert!(is_year(y), "{y}");
    }
    for n in ["12025", "3025", "2025명", "25年", "FY2026"] {
        assert!(!is_year(n), "{n}");
    }
}

/// A named header whose first cell spans two rows ("구분" beside the
/// groups and, under them, their years): the second row is a header row
/// too. Without a spanning header cell it stays a row of data.
#[test]
fn a_header_cell_spanning_rows_makes_them_header_rows() {
    let mut t = table_of(&[
        "구분 | 전력(MWh) |  | 가스(천㎥) | ",
        " | 2025년 | 2026년 | 2025년 | 2026년",
        "본청 | 1,284 | 1,171 | 86.2 | 88.9",
        "합계 | 3,388 | 3,144 | 258.9 | 265.3",
    ]);
    for c in t.cells.iter_mut().filter(|c| c.row == 0) {
        c.header = true;
    }
    let first = t.cells.iter_mut().find(|c| c.row == 0 && c.col == 0).unwrap();
    first.rowspan = 2;
    t.cells.retain(|c| !(c.row == 1 && c.col == 0));
    mark_header_rows(&mut t);
    assert_eq!(header_rows(&t), 2);
    assert!(t.cells.iter().filter(|c| c.row > 1).all(|c| !c.header));
    t.cells.iter_mut().find(|c| c.row == 0 && c.col == 0).unwrap().rowspan = 1;
    for c in t.cells.iter_mut().filter(|c| c.row == 1) {
        c.header = false;
    }
    mark_header_rows(&mut t);
    assert!(t.cells.iter().filter(|c| c.row == 1).all(|c| !c.header));
}

/// A column that holds text only in cells spanning it and its neighbours
/// (the gap a word table leaves between a header's words over
/// right-aligned figures) is dropped, its spans shrinking by one.
#[test]
fn a_column_filled_only_by_spanning_cells_is_dropped() {
    let mut t = table_of(&[
        "Description | Qty | Unit price Amount |  | ",
        "Raised bed kit | 6 |  | £64.00 | £384.00",
        "Compost, 50 L | 30 |  | £7.25 | £217.50",
    ]);
    let span = |t: &mut Table, row: usize, col: usize, n: usize| {
        t.cells.iter_mut().find(|c| c.row == row && c.col == col).unwrap().colspan = n;
        t.cells.retain(|c| !(c.row == row && c.col > col && c.col < col + n));
    };
    span(&mut t, 0, 2, 3);
    drop_spanned_columns(&mut t);
    assert_eq!(t.cols, 4);
    let header: Vec<(usize, usize, &str)> =
        t.cells.iter().filter(|c| c.row == 0).map(|c| (c.col, c.colspan, c.text.as_str())).collect();
    assert_eq!(header, [(0, 1, "Description"), (1, 1, "Qty"), (2, 2, "Unit price Amount")]);
    let body: Vec<(usize, &str)> =
        t.cells.iter().filter(|c| c.row == 1).map(|c| (c.col, c.text.as_str())).collect();
    assert_eq!(body, [(0, "Raised bed kit"), (1, "6"), (2, "£64.00"), (3, "£384.00")]);
    // A column of its own cells stays.
    let mut t = table_of(&["a | b | c", "1 |  | 3", "4 | 5 | 6"]);
    drop_spanned_columns(&mut t);
    assert_eq!(t.cols, 3);
    // An inner column with no text at all goes (the structure model split
    // it off under a caption that was cut from the table); outer ones are
    // left to `trim_empty`.
    let mut t =
        table_of(&["User action | *JOBCTL |  | No Authority", "SET DEGREE | X |  | X", "CHGQRYA | X |  | "]);
    drop_spanned_columns(&mut t);
    assert_eq!(t.cols, 3);
    let header: Vec<&str> = t.cells.iter().filter(|c| c.row == 0).map(|c| c.text.as_str()).collect();
    assert_eq!(header, ["User action", "*JOBCTL", "No Authority"]);
}

/// An invoice's header: "Qty", "Unit price" and "Amount", each
/// right-aligned over its column of figures, read as one cell spanning the
/// three columns; a label under "Qty" ("Subtotal") reaches under "Unit
/// price".
fn invoice(header: &[(f32, f32, &'static str)]) -> (Table, Vec<TextLine>) {
    let mut cells = vec![cell(0, 0, BBox::new(0.0, 0.0, 100.0, 20.0))];
    cells.push(TableCell { colspan: 3, ..cell(0, 1, BBox::new(100.0, 0.0, 400.0, 20.0)) });
    for r in 1..4 {
        let y = 20.0 * r as f32;
        for (c, (x0, x1)) in
            [(0.0, 100.0), (100.0, 200.0), (200.0, 300.0), (300.0, 400.0)].into_iter().enumerate()
        {
            cells.push(cell(r, c, BBox::new(x0, y, x1, y + 20.0)));
        }
    }
    let mut t = Table { rows: 4, cols: 4, cells };
    let w = |x0: f32, x1: f32, r: usize, s: &str| {
        let y = 20.0 * r as f32;
        TextLine::from_bbox(BBox::new(x0, y + 4.0, x1, y + 16.0), s, TextOrigin::TextLayer)
    };
    let mut words: Vec<TextLine> = header.iter().map(|&(x0, x1, s)| w(x0, x1, 0, s)).collect();
    words.push(w(5.0, 60.0, 0, "Item"));
    for r in 1..3 {
        words.extend([
            w(5.0, 60.0, r, "Kit"),
            w(170.0, 190.0, r, "6"),
            w(250.0, 290.0, r, "£64.00"),
            w(340.0, 390.0, r, "£384.00"),
        ]);
    }
    words.extend([w(120.0, 250.0, 3, "Subtotal"), w(340.0, 390.0, 3, "£926.20")]);
    let refs: Vec<&TextLine> = words.iter().collect();
    fill_table(&mut t, &refs);
    (t, words)
}

#[test]
fn a_spanning_cell_of_pieces_over_their_columns_is_split() {
    let (mut t, words) = invoice(&[
        (165.0, 190.0, "Qty"),
        (215.0, 255.0, "Unit"),
        (260.0, 290.0, "price"),
        (335.0, 390.0, "Amount"),
    ]);
    assert_eq!(t.cells[1].text, "Qty Unit price Amount");
    split_spanning_pieces(&mut t, &words.iter().collect::<Vec<_>>());
    let header: Vec<(usize, usize, &str)> =
        t.cells.iter().filter(|c| c.row == 0).map(|c| (c.col, c.colspan, c.text.as_str())).collect();
    assert_eq!(header, [(0, 1, "Item"), (1, 1, "Qty"), (2, 1, "Unit price"), (3, 1, "Amount")]);
    // A group's name centred over the columns, word spaces only, keeps its span.
    let (mut t, words) =
        invoice(&[(180.0, 230.0, "Prices"), (234.0, 250.0, "in"), (254.0, 330.0, "sterling")]);
    split_spanning_pieces(&mut t, &words.iter().collect::<Vec<_>>());
    assert_eq!((t.cells[1].colspan, t.cells[1].text.as_str()), (3, "Prices in sterling"));
}

/// Rows wrapped over lines under one-line keys: a line the drifting boxes
/// gave the row below goes back to the row its key starts; a table whose
/// keys sit mid-row keeps the structure's rows.
#[test]
fn wrapped_rows_follow_their_keys() {
    let l = |x: f32, y: f32, s: &str| {
        TextLine::from_bbox(BBox::new(x, y, x + 7.0 * s.len() as f32, y + 14.0), s, TextOrigin::TextLayer)
    };
    // Boxes drawn a line too high from the second row on.
    let boxes = [(0.0, 35.0), (35.0, 95.0), (95.0, 170.0)];
    let table = || Table {
        rows: 3,
        cols: 2,
        cells: (0..3)
            .flat_map(|r| {
                let (y0, y1) = boxes[r];
                [cell(r, 0, BBox::new(0.0, y0, 90.0, y1)), cell(r, 1, BBox::new(100.0, y0, 500.0, y1))]
            })
            .collect(),
    };
    let words = vec![
        l(0.0, 0.0, "FR-301"),
        l(100.0, 0.0, "The app shall open any form"),
        l(100.0, 20.0, "that was downloaded before"),
        l(100.0, 40.0, "the connection was lost."),
        l(0.0, 60.0, "FR-302"),
        l(100.0, 60.0, "The app shall keep photos"),
        l(100.0, 80.0, "until the server has them."),
        l(0.0, 120.0, "FR-303"),
        l(100.0, 120.0, "Uploads start by themselves."),
    ];
    let mut t = table();
    fill_table(&mut t, &words.iter().collect::<Vec<_>>());
    let texts: Vec<&str> = t.cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "FR-301",
            "The app shall open any form that was downloaded before the connection was lost.",
            "FR-302",
            "The app shall keep photos until the server has them.",
            "FR-303",
            "Uploads start by themselves."
        ]
    );
    // Keys in the middle of their rows: the rows stay as the boxes say.
    let mid = vec![
        l(0.0, 20.0, "A"),
        l(100.0, 0.0, "first row, line one"),
        l(100.0, 20.0, "first row, line two"),
        l(100.0, 40.0, "second row, line one"),
        l(0.0, 60.0, "B"),
        l(100.0, 60.0, "second row, line two"),
        l(100.0, 80.0, "second row, line three"),
        l(0.0, 120.0, "C"),
        l(100.0, 120.0, "third row"),
    ];
    let mut t = table();
    fill_table(&mut t, &mid.iter().collect::<Vec<_>>());
    assert_eq!(t.cells[3].text, "second row, line one second row, line two second row, line three");
}

#[test]
fn a_table_of_right_to_left_text_reads_from_its_right() {
    let mut t = Table {
        rows: 2,
        cols: 3,
        cells: vec![
            TableCell {
                colspan: 2, text: "مقدار".into(), ..cell(0, 0, BBox::new(0.0, 0.0, 200.0, 20.0))
            },
            TableCell { text: "کلید".into(), ..cell(0, 2, BBox::new(200.0, 0.0, 300.0, 20.0)) },
            TableCell { text: "436".into(), ..cell(1, 0, BBox::new(0.0, 20.0, 100.0, 40.0)) },
            TableCell { text: "1403".into(), ..cell(1, 1, BBox::new(100.0, 20.0, 200.0, 40.0)) },
            TableCell { text: "تاریخ".into(), ..cell(1, 2, BBox::new(200.0, 20.0, 300.0, 40.0)) },
        ],
    };
    right_to_left(&mut t);
    let got: Vec<(usize, usize, &str)> = t.cells.iter().map(|c| (c.row, c.col, c.text.as_str())).collect();
    assert_eq!(got, [(0, 0, "کلید"), (0, 1, "مقدار"), (1, 0, "تاریخ"), (1, 1, "1403"), (1, 2, "436")]);
    // Left-to-right text stays as it is.
    let mut ltr = Table { rows: 1, cols: 2, cells: vec![cell(0, 0, BBox::new(0.0, 0.0, 1.0, 1.0))] };
    ltr.cells[0].text = "Key".into();
    right_to_left(&mut ltr);
    assert_eq!(ltr.cells[0].col, 0);
}
