use parasol_doc::{BBox, Table, TableCell, TextLine, TextOrigin};

use super::*;

/// A word of `text` at `x`, on row `row` (rows 20 px apart, 12 px tall),
/// 7 px per character.
fn word(x: f32, row: usize, text: &str) -> TextLine {
    let y = 20.0 * row as f32;
    let w = 7.0 * text.chars().count() as f32;
    TextLine::from_bbox(BBox::new(x, y, x + w, y + 12.0), text, TextOrigin::TextLayer)
}

/// Rows of cells at the given column positions.
fn table_words(columns: &[f32], rows: &[&[&str]]) -> Vec<TextLine> {
    let mut out = Vec::new();
    for (r, cells) in rows.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let mut x = columns[c];
            for w in cell.split(' ') {
                out.push(word(x, r, w));
                x += 7.0 * (w.chars().count() + 1) as f32;
            }
        }
    }
    out
}

#[track_caller]
fn check_areas(texts: &[TextLine], expect: usize) -> Vec<BBox> {
    let refs: Vec<&TextLine> = texts.iter().collect();
    let areas = grid_areas_of(&refs, &[]);
    assert_eq!(areas.len(), expect, "{areas:?}");
    areas
}

#[test]
fn numeric_columns_under_a_header_are_a_grid() {
    let words = table_words(
        &[0.0, 200.0, 300.0, 400.0],
        &[
            &["Variable", "Male", "Female", "P"],
            &["Sensitivity", "39.13", "37.50", "0.01"],
            &["Specificity", "93.92", "92.42", "0.2"],
            &["Disease prevalence", "8.61", "8.36", "0.5"],
        ],
    );
    let areas = check_areas(&words, 1);
    // The grid is the whole page's text: all of it is one table.
    assert_eq!(areas[0], BBox::new(0.0, 0.0, 428.0, 72.0));
}

#[test]
fn choices_set_in_a_grid_are_no_table() {
    // An exam's multiple-choice answers, two a row under each question.
    let rows: &[&[&str]] = &[
        &["A. nucleus", "B. mitochondrion"],
        &["C. ribosome", "D. cell wall"],
        &["A. oxygen", "B. nitrogen"],
        &["C. carbon dioxide", "D. hydrogen"],
        &["A. ethanol", "B. lactic acid"],
        &["C. starch", "D. glycogen"],
    ];
    check_areas(&table_words(&[0.0, 300.0], rows), 0);
    // The same words without their labels are a table of terms.
    let bare: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(|c| &c[3..]).collect()).collect();
    let bare: Vec<&[&str]> = bare.iter().map(Vec::as_slice).collect();
    check_areas(&table_words(&[0.0, 300.0], &bare), 1);
}

#[test]
fn two_columns_of_running_text_are_no_grid() {
    let left = "the quick brown fox jumps over the lazy dog again";
    let right = "and so the story goes on and on for many lines";
    let rows: Vec<[&str; 2]> = (0..8).map(|_| [left, right]).collect();
    let rows: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
    check_areas(&table_words(&[0.0, 400.0], &rows), 0);
}

/// Two columns of justified text: some lines spread their words a table's
/// gap apart, each a piece of its own; within its column a line is one
/// cell of many words, and the page no grid.
#[test]
fn two_justified_columns_are_no_grid() {
    let mut words = Vec::new();
    for r in 0..8 {
        for column in [0.0, 400.0] {
            // Every other line spread out: gaps of 12 px (a text height).
            let step = if r % 2 == 0 { 12.0 } else { 7.0 };
            let mut x = column;
            for w in ["the", "review", "of", "trials", "in", "care"] {
                words.push(word(x, r, w));
                x += 7.0 * w.len() as f32 + step;
            }
        }
    }
    check_areas(&words, 0);
}

#[test]
fn two_columns_are_a_grid_only_with_numbers_or_single_words_in_the_second() {
    let form = table_words(
        &[0.0, 150.0],
        &[&["Name:", "John Smith"], &["Address:", "High Street"], &["City:", "Leeds"], &["Job:", "Baker"]],
    );
    check_areas(&form, 0);
    let bullets = table_words(
        &[0.0, 30.0],
        &[&["-", "Security fundamentals"], &["-", "Current state of it"], &["-", "Controls of access"]],
    );
    check_areas(&bullets, 0);
    let values = table_words(
        &[0.0, 150.0],
        &[&["Trait", "Number"], &["Mean", "-0.1024"], &["Minimum", "-1.211"], &["Maximum", "1.072"]],
    );
    check_areas(&values, 1);
}

#[test]
fn two_columns_of_descriptions_between_rules_are_a_grid() {
    // A journal's methods table: names beside what each does, a rule over
    // the header, one under it and one below the last row.
    let methods = table_words(
        &[0.0, 150.0],
        &[
            &["Name of algorithm", "Notable features"],
            &["MACS [23]", "Uses both a control library"],
            &["SICER [14]", "Detects diffusely enriched regions"],
            &["PeakSeq [24]", "Corrects for genome mappability"],
        ],
    );
    let refs: Vec<&TextLine> = methods.iter().collect();
    let rule = |y: f32| BBox::new(0.0, y, 420.0, y + 1.0);
    assert!(grid_areas_of(&refs, &[]).is_empty(), "no rules: a form's labels and answers");
    assert_eq!(grid_areas_of(&refs, &[rule(-4.0), rule(16.0), rule(76.0)]).len(), 1);
    // Rules under each answer only (a form's lines), or one rule alone,
    // are no table's borders.
    let answers = [BBox::new(150.0, 13.0, 420.0, 14.0), BBox::new(150.0, 33.0, 420.0, 34.0)];
    assert!(grid_areas_of(&refs, &answers).is_empty());
    assert!(grid_areas_of(&refs, &[rule(-4.0)]).is_empty());
    // A rule far above (a running head's) is no border of this grid.
    assert!(grid_areas_of(&refs, &[rule(-60.0), rule(76.0)]).is_empty());
    // Nor a rule above without one under the first row.
    assert!(grid_areas_of(&refs, &[rule(-4.0), rule(76.0)]).is_empty());
    // A rule under every row: a form's grid of labels and answers.
    let every: Vec<BBox> = [-4.0, 16.0, 36.0, 56.0, 76.0].into_iter().map(rule).collect();
    assert!(grid_areas_of(&refs, &every).is_empty());
}

#[test]
fn a_wide_grid_needs_only_two_rows() {
    let columns = [0.0, 100.0, 200.0, 300.0];
    check_areas(
        &table_words(&columns, &[&["Trait", "Mean", "Min", "Max"], &["SCS", "-0.10", "-1.2", "1.0"]]),
        1,
    );
    check_areas(&table_words(&columns[..3], &[&["Trait", "Mean", "Min"], &["SCS", "-0.10", "-1.2"]]), 0);
}

#[test]
fn a_grid_below_running_text_is_its_own_area() {
    let mut words = Vec::new();
    // Eight rows of running text across the page, then a gap, then a grid.
    for r in 0..8 {
        let mut x = 0.0;
        for w in "a long line of running text across the whole width of it".split(' ') {
            words.push(word(x, r, w));
            x += 7.0 * (w.len() + 1) as f32;
        }
    }
    let grid = table_words(
        &[0.0, 200.0, 300.0],
        &[&["Item", "2019", "2020"], &["Sales", "10", "12"], &["Costs", "4", "5"], &["Profit", "6", "7"]],
    );
    words.extend(grid.into_iter().map(|mut w| {
        w.bbox.y0 += 400.0;
        w.bbox.y1 += 400.0;
        w
    }));
    let areas = check_areas(&words, 1);
    assert_eq!(areas[0].y0, 400.0);
}

#[test]
fn a_paragraph_region_that_is_a_grid_is_an_area_though_prose_runs_on_below_it() {
    // Labels and counts in the right column, then, a line below, two
    // columns of prose: the page's block of rows is no grid (its cells are
    // long), the layout model's region around the labels and counts is.
    let mut words = table_words(
        &[300.0, 500.0],
        &[&["Only spring pollens", "4"], &["Only fall pollens", "0"], &["Spring and fall pollens", "14"]],
    );
    for r in 3..12 {
        for column in [0.0, 300.0] {
            let mut x = column;
            for w in "running text of a column of prose".split(' ') {
                words.push(word(x, r, w));
                x += 7.0 * (w.len() + 1) as f32;
            }
        }
    }
    let table = parasol_doc::Region {
        bbox: BBox::new(298.0, -2.0, 520.0, 54.0),
        category: parasol_doc::Category::Paragraph,
        score: 0.7,
    };
    let mut page = PageText { lines: words, ..PageText::default() };
    check_areas(&page.lines, 0);
    assert!(grid_areas(&page).is_empty());
    page.regions.push(table);
    assert_eq!(grid_areas(&page), vec![BBox::new(300.0, 0.0, 514.0, 52.0)]);
    // A region of prose is no grid.
    page.regions[0].bbox = BBox::new(0.0, 58.0, 280.0, 240.0);
    assert!(grid_areas(&page).is_empty());
}

/// Words of `text` from `x` on a line whose top is `y`, 12 px tall.
fn line_at(words: &mut Vec<TextLine>, x: f32, y: f32, text: &str) {
    let mut x = x;
    for w in text.split(' ') {
        let width = 7.0 * w.chars().count() as f32;
        words.push(TextLine::from_bbox(BBox::new(x, y, x + width, y + 12.0), w, TextOrigin::TextLayer));
        x += width + 7.0;
    }
}

#[test]
fn a_small_table_in_one_column_of_a_two_column_page_is_no_page_grid() {
    // A paper's two columns, their lines never level but where a section's
    // number stands apart from its title; a table of four columns in the
    // right one. Only the layout model's region around the table (an
    // "equation", as PicoDet boxes it) is a grid.
    let mut words = Vec::new();
    for k in 0..30 {
        let y = 30.0 * k as f32;
        match k {
            0 | 12 | 24 => {
                line_at(&mut words, 0.0, y, &format!("{}", k / 12 + 1));
                line_at(&mut words, 30.0, y, "Section");
            }
            _ => line_at(&mut words, 0.0, y, "running text of the left column of prose"),
        }
    }
    for k in 0..20 {
        let y = 30.0 * k as f32 + 15.0;
        match k {
            8..=11 => {
                for (x, cell) in
                    [300.0, 400.0, 460.0, 520.0].into_iter().zip(["HC-SR04", "-1.2", "1.9", "7.4"])
                {
                    line_at(&mut words, x, y, cell);
                }
            }
            _ => line_at(&mut words, 300.0, y, "running text of the right column of prose"),
        }
    }
    check_areas(&words, 0);
    let mut page = PageText { lines: words, ..PageText::default() };
    assert!(grid_areas(&page).is_empty());
    page.regions.push(parasol_doc::Region {
        bbox: BBox::new(296.0, 250.0, 560.0, 370.0),
        category: parasol_doc::Category::Equation,
        score: 0.7,
    });
    assert_eq!(grid_areas(&page), vec![BBox::new(300.0, 255.0, 541.0, 357.0)]);
}

#[test]
fn a_contents_grid_does_not_run_on_into_the_numbered_sections_under_it() {
    // A pdfTeX manual's contents (numbers, titles, pages a column apart),
    // then its first section: a number apart from each title, both in the
    // contents' first column, and a paragraph across the page.
    let mut words = Vec::new();
    let entries = [
        ("1", "Introduction", "1"),
        ("2", "Options", "1"),
        ("2.1", "Package options", "1"),
        ("2.2", "Settings", "1"),
        ("3", "How the rounding works", "2"),
        ("3.1", "Known limitations", "2"),
    ];
    for (k, (number, title, page)) in entries.iter().enumerate() {
        let y = 20.0 * k as f32;
        line_at(&mut words, 0.0, y, number);
        line_at(&mut words, 30.0, y, title);
        line_at(&mut words, 700.0, y, page);
    }
    line_at(&mut words, 0.0, 140.0, "1");
    line_at(&mut words, 30.0, 140.0, "Introduction");
    for k in 0..3 {
        let text = if k < 2 {
            "floats are placed where they fit which often leaves them at odd places relative to the grid of the baseline and so this package rounds them"
        } else {
            "the package is loaded as usual"
        };
        line_at(&mut words, 0.0, 160.0 + 20.0 * k as f32, text);
    }
    line_at(&mut words, 0.0, 220.0, "2");
    line_at(&mut words, 30.0, 220.0, "Options");
    line_at(&mut words, 0.0, 240.0, "2.1");
    line_at(&mut words, 30.0, 240.0, "Package options");
    let areas = check_areas(&words, 1);
    assert_eq!(areas[0], BBox::new(0.0, 0.0, 707.0, 112.0));
}

#[test]
fn a_bulleted_list_right_below_a_grid_is_no_part_of_it() {
    // A table, then (within a few lines) a list whose bullets stand apart
    // from their items: the bullets are no column, the area ends at the table.
    let mut words = table_words(
        &[100.0, 300.0, 400.0, 500.0],
        &[
            &["Source", "2024", "2025", "Change"],
            &["Fees", "412,300", "455,900", "+10.6%"],
            &["Rents", "128,000", "131,500", "+2.7%"],
            &["Grants", "40,000", "35,000", "-12.5%"],
        ],
    );
    let items = ["Replace the north quay fenders", "Dredge the inner harbour", "Open a second ice plant"];
    for (k, item) in items.iter().enumerate() {
        words.extend(table_words(&[100.0, 130.0], &[&["•", item]]).into_iter().map(|mut w| {
            w.bbox.y0 += 20.0 * (5 + k) as f32;
            w.bbox.y1 += 20.0 * (5 + k) as f32;
            w
        }));
    }
    let areas = check_areas(&words, 1);
    assert_eq!(areas[0].y1, 72.0, "the table's four rows only: {areas:?}");
}

fn cell(row: usize, col: usize, bbox: BBox, text: &str) -> TableCell {
    TableCell { row, col, rowspan: 1, colspan: 1, header: false, text: text.into(), bbox: Some(bbox) }
}

fn two_by_two(texts: [&str; 4]) -> Table {
    let b = |r: usize, c: usize| {
        BBox::new(100.0 * c as f32, 20.0 * r as f32, 100.0 * (c + 1) as f32, 20.0 * (r + 1) as f32)
    };
    Table {
        rows: 2,
        cols: 2,
        cells: vec![
            cell(0, 0, b(0, 0), texts[0]),
            cell(0, 1, b(0, 1), texts[1]),
            cell(1, 0, b(1, 0), texts[2]),
            cell(1, 1, b(1, 1), texts[3]),
        ],
    }
}

#[test]
fn a_structure_agrees_with_words_inside_its_cells() {
    let t = two_by_two(["Year", "Sales", "2020", "12"]);
    let words = [word(10.0, 0, "Year"), word(110.0, 0, "Sales"), word(10.0, 1, "2020"), word(110.0, 1, "12")];
    assert!(structure_agrees(&t, &words.iter().collect::<Vec<_>>(), false));
}

#[test]
fn a_structure_disagrees_with_straddling_words_empty_cells_or_long_cells() {
    // Every word runs across the column border.
    let t = two_by_two(["Year Sales", "", "2020 12", ""]);
    let words = [word(80.0, 0, "Yearly"), word(80.0, 1, "Sales")];
    assert!(!structure_agrees(&t, &words.iter().collect::<Vec<_>>(), false));
    // Most cells empty.
    let t = two_by_two(["Year", "", "", ""]);
    let words = [word(10.0, 0, "Year")];
    assert!(!structure_agrees(&t, &words.iter().collect::<Vec<_>>(), false));
    // Running text in every cell.
    let prose = "one two three four five six seven";
    let t = two_by_two([prose; 4]);
    assert!(!structure_agrees(&t, &[], false));
}

#[test]
fn two_columns_without_a_column_of_values_are_a_form_not_a_table() {
    let agrees = |texts: [&str; 4]| {
        let t = two_by_two(texts);
        let words: Vec<TextLine> = t
            .cells
            .iter()
            .flat_map(|c| {
                let b = c.bbox.unwrap_or_default();
                c.text.split(' ').enumerate().map(move |(i, w)| {
                    let x = b.x0 + 5.0 + 25.0 * i as f32;
                    TextLine::from_bbox(
                        BBox::new(x, b.y0 + 4.0, x + 20.0, b.y0 + 16.0),
                        w,
                        TextOrigin::TextLayer,
                    )
                })
            })
            .collect();
        structure_agrees(&t, &words.iter().collect::<Vec<_>>(), false)
    };
    // Labels and answers of a form (issue 15: a Persian form read as one
    // table): neither column numbers nor single words.
    assert!(!agrees(["Date of request", "as agreed by post", "Name of adviser", "the broker on file"]));
    // A column of values on the right, or on the left (right-to-left text).
    assert!(agrees(["Date of request", "1403/09/19", "Session number", "436"]));
    assert!(agrees(["1403/09/19", "Date of request", "436", "Session number"]));
    // A column of single words, or of short terms beside their definitions.
    assert!(agrees(["Primer name", "ACTB", "Target gene", "GAPDH"]));
    assert!(agrees([
        "Special register",
        "Corresponding value",
        "CURRENT_USER",
        "The effective user of the thread including adopted authority.",
    ]));
}

/// A table of two columns, a row of cells 300 px wide and 20 px high for
/// each pair of texts.
fn two_columns(rows: &[[&str; 2]]) -> Table {
    let b = |r: usize, c: usize| {
        BBox::new(300.0 * c as f32, 20.0 * r as f32, 300.0 * (c + 1) as f32, 20.0 * (r + 1) as f32)
    };
    Table {
        rows: rows.len(),
        cols: 2,
        cells: rows
            .iter()
            .enumerate()
            .flat_map(|(r, texts)| texts.iter().enumerate().map(move |(c, t)| cell(r, c, b(r, c), t)))
            .collect(),
    }
}

/// A table of codes and their descriptions (a datasheet's ordering
/// information) has cells longer than a table's usual ones beside its
/// column of terms; running text broken into two columns, and lines of
/// prose beside their line numbers, stay no table.
#[test]
fn descriptions_beside_a_column_of_terms_are_a_table() {
    let table = two_columns;
    let ordering = table(&[
        ["TX-480-8T2S", "8 × RJ45, 2 × SFP"],
        ["TX-480-8T2S-HV", "as above, 110–220 V DC input"],
        ["SFP-1G-LX", "SFP module, 1310 nm, 10 km"],
    ]);
    assert!(cells_agree(&ordering, &[], false));
    let prose = table(&[
        ["Asked about the harbour road", "the council said it would close"],
        ["for two weeks while the new", "drains are laid under the quay"],
        ["and the old wall is rebuilt", "with stone from the same quarry"],
    ]);
    assert!(!cells_agree(&prose, &[], false));
    let numbered = table(&[
        ["5", "the council said it would close the road for"],
        ["10", "two weeks while the new drains are laid under"],
        ["15", "the quay and the old wall is rebuilt with stone"],
    ]);
    assert!(!cells_agree(&numbered, &[], false));
    // Between a journal's rules, a review's trials and their findings are
    // a table; the prose, a sentence a cell, still is not.
    let trials = table(&[
        ["Study", "Main finding"],
        ["Alvarez 2016, two urban teaching hospitals", "No difference in readmission at thirty days"],
        ["Brennan 2018, twelve general wards", "Readmission fell from 18% to 13% overall"],
    ]);
    assert!(!cells_agree(&trials, &[], false));
    assert!(cells_agree(&trials, &[], true));
    let sentences = table(&[
        [
            "The council said on Monday that it would close the harbour road for two weeks",
            "while the new drains are laid under the quay and the old wall is rebuilt with stone",
        ],
        [
            "from the same quarry that supplied the stone for the original wall a century ago",
            "and traders on the quay said they had been told nothing about it until last week",
        ],
    ]);
    assert!(!cells_agree(&sentences, &[], true));
}

#[test]
fn a_region_between_a_journals_rules_is_ruled() {
    let words = table_words(
        &[0.0, 150.0],
        &[
            &["Study", "Main finding"],
            &["Alvarez 2016", "No difference at thirty days"],
            &["Brennan 2018", "Readmission fell"],
        ],
    );
    let refs: Vec<&TextLine> = words.iter().collect();
    let rule = |y: f32| BBox::new(0.0, y, 400.0, y + 1.0);
    assert!(is_ruled_area(&refs, &[rule(-4.0), rule(16.0), rule(56.0)]));
    assert!(!is_ruled_area(&refs, &[]));
    assert!(
        !is_ruled_area(&refs, &[rule(-4.0), rule(16.0), rule(36.0), rule(56.0)]),
        "a rule under every row"
    );
}

#[test]
fn an_unruled_table_is_read_from_its_words_alignment() {
    // A receipt's items: a header of two labels, three rows of four cells,
    // a spanning note, then a line of text below the table.
    let mut words = table_words(
        &[0.0, 200.0, 300.0, 400.0],
        &[
            &["Designation", "Price"],
            &["Cafe creme", "12.00", "2", "24.00"],
            &["Cafe expresso", "10.00", "2", "20.00"],
            &["Chocolat chaud", "12.00", "1", "12.00"],
        ],
    );
    words.push(word(0.0, 4, "Paid in cash, thank you for your visit today!"));
    words.push(word(400.0, 4, "56.00"));
    words.push(word(0.0, 5, "Please keep this receipt"));
    // Read by OCR (a text layer's words of one advance per character would
    // be code in a monospaced font).
    for w in &mut words {
        w.origin = TextOrigin::Ocr;
    }
    let refs: Vec<&TextLine> = words.iter().collect();
    let (table, bbox) = word_table(&refs).expect("a grid");
    assert_eq!((table.rows, table.cols), (5, 4));
    // The line below the last row of cells is no part of the table.
    assert_eq!(bbox, BBox::new(0.0, 0.0, 435.0, 92.0));
    let mut filled = table.clone();
    crate::fill_table(&mut filled, &refs[..refs.len() - 1]);
    let slots: Vec<(usize, usize, usize, &str)> =
        filled.cells.iter().map(|c| (c.row, c.col, c.colspan, c.text.as_str())).collect();
    assert_eq!(&slots[..4], [(0, 0, 1, "Designation"), (0, 1, 1, "Price"), (0, 2, 1, ""), (0, 3, 1, "")]);
    assert_eq!(
        &slots[4..8],
        [(1, 0, 1, "Cafe creme"), (1, 1, 1, "12.00"), (1, 2, 1, "2"), (1, 3, 1, "24.00")]
    );
    // The note's words cross two gaps: one cell over three columns.
    assert_eq!(
        &slots[16..],
        [(4, 0, 3, "Paid in cash, thank you for your visit today!"), (4, 3, 1, "56.00")]
    );
    assert!(cells_agree(&filled, &refs, false));
}

#[test]
fn running_text_forms_no_word_table() {
    let left = "the quick brown fox jumps over the lazy dog again";
    let right = "and so the story goes on and on for many lines";
    let rows: Vec<[&str; 2]> = (0..8).map(|_| [left, right]).collect();
    let rows: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
    let words = table_words(&[0.0, 400.0], &rows);
    assert!(word_table(&words.iter().collect::<Vec<_>>()).is_none());
}

/// A structure of one header row and one tall row over two columns, and the
/// lines in it, one per text row: `(column, text)`.
fn tall_row(lines: &[(usize, usize, &str)]) -> (Table, Vec<TextLine>) {
    let table = Table {
        rows: 2,
        cols: 2,
        cells: vec![
            cell(0, 0, BBox::new(0.0, 0.0, 200.0, 20.0), "Item"),
            cell(0, 1, BBox::new(200.0, 0.0, 300.0, 20.0), "Price"),
            cell(1, 0, BBox::new(0.0, 20.0, 200.0, 100.0), ""),
            cell(1, 1, BBox::new(200.0, 20.0, 300.0, 100.0), ""),
        ],
    };
    let words = [(0, 0, "Item"), (1, 0, "Price")]
        .iter()
        .chain(lines)
        .map(|&(col, row, text)| word(if col == 0 { 5.0 } else { 205.0 }, row, text))
        .collect();
    (table, words)
}

#[test]
fn a_cell_stacking_amounts_each_beside_its_label_merges_records() {
    let (table, words) = tall_row(&[
        (0, 1, "KNORR STOCK"),
        (1, 1, "RM134.80"),
        (0, 2, "@8 X RM 16.85"),
        (0, 3, "GARDENIA"),
        (1, 3, "RM2.35"),
    ]);
    assert!(merges_records(&table, &words.iter().collect::<Vec<_>>()));
}

#[test]
fn a_value_over_its_deviation_or_one_amount_merges_nothing() {
    // "Total 38507 / (24.0)": the second line is level with numbers only.
    let (table, words) = tall_row(&[(0, 1, "Total"), (1, 1, "38507"), (0, 2, "160744"), (1, 2, "(24.0)")]);
    assert!(!merges_records(&table, &words.iter().collect::<Vec<_>>()));
    // One amount beside a label of two lines.
    let (table, words) = tall_row(&[(0, 1, "Cheese scone"), (1, 1, "2.90"), (0, 2, "with butter")]);
    assert!(!merges_records(&table, &words.iter().collect::<Vec<_>>()));
}

/// A structure of ten rows of four cells (20 px bands, columns 100 px
/// wide), with an item and a price on each row of its left half and of its
/// right half, the right half's lines `offset` px lower.
fn two_halves(offset: f32) -> (Table, Vec<TextLine>) {
    let mut cells = Vec::new();
    let mut words = Vec::new();
    for r in 0..10 {
        for c in 0..4 {
            let bbox =
                BBox::new(100.0 * c as f32, 20.0 * r as f32, 100.0 * (c + 1) as f32, 20.0 * (r + 1) as f32);
            let text = if c % 2 == 0 { format!("Item{r}{c}") } else { format!("{r}.{c}0") };
            let y = 20.0 * r as f32 + 2.0 + if c >= 2 { offset } else { 0.0 };
            words.push(TextLine::from_bbox(
                BBox::new(100.0 * c as f32 + 10.0, y, 100.0 * c as f32 + 60.0, y + 12.0),
                text.clone(),
                TextOrigin::Ocr,
            ));
            cells.push(cell(r, c, bbox, &text));
        }
    }
    (Table { rows: 10, cols: 4, cells }, words)
}

#[test]
fn two_columns_of_lines_side_by_side_are_no_table_but_level_rows_are() {
    // A two-column menu a table model read as four columns: its halves'
    // lines are level only by chance, the gaps between one half's lines
    // are crossed by the other's.
    let (t, words) = two_halves(10.0);
    assert!(side_by_side(&t, &words.iter().collect::<Vec<_>>()));
    assert!(!cells_agree(&t, &words.iter().collect::<Vec<_>>(), false));
    // The same words level across the table: its rows are bands.
    let (t, words) = two_halves(0.0);
    assert!(!side_by_side(&t, &words.iter().collect::<Vec<_>>()));
    assert!(cells_agree(&t, &words.iter().collect::<Vec<_>>(), false));
}

/// A column of figures under a first row: three filled cells or more, two
/// thirds of them figures.
#[test]
fn a_column_of_quantities_or_prices_is_a_column_of_figures() {
    let table = |rows: &[[&str; 2]]| Table {
        rows: rows.len(),
        cols: 2,
        cells: rows
            .iter()
            .enumerate()
            .flat_map(|(r, texts)| {
                texts.iter().enumerate().map(move |(c, t)| cell(r, c, BBox::new(0.0, 0.0, 1.0, 1.0), t))
            })
            .collect(),
    };
    assert!(has_figure_column(&table(&[
        ["Item", "Amount"],
        ["Kit", "£384.00"],
        ["Compost", "£217.50"],
        ["Cans", "£51.20"]
    ])));
    assert!(!has_figure_column(&table(&[["Item", "Amount"], ["Kit", "£384.00"], ["Compost", "£217.50"]])));
    assert!(!has_figure_column(&table(&[
        ["SELECT", "name"],
        ["FROM", "users"],
        ["WHERE", "id = 4"],
        ["ORDER", "BY name"]
    ])));
}

/// A résumé's sidebar and main column read row by row as a grid: the main
/// column's lines run on, beside the sidebar's, so the grid is no table.
/// A paragraph with nothing beside it in a form's grid is a note in it.
#[test]
fn lines_running_on_beside_another_column_are_no_table() {
    let table = two_columns;
    let resume = table(&[
        ["SKILLS", "Engineer with nine years of experience building document capture and"],
        ["", "recognition systems. I enjoy turning research models into fast, reliable"],
        ["Rust, C++", "services and mentoring small teams."],
    ]);
    assert!(has_prose_column(&resume));
    let note = table(&[
        ["", "This is your authorization to prepare cigarette smoke condensate"],
        ["", "according to the protocol for the preparation of smoke condensate"],
        ["", "for the period April 1, 1988 through December 31, 1988."],
    ]);
    assert!(!has_prose_column(&note));
    let items = table(&[
        ["Consulting", "Review of the archive's scanning workflow and"],
        ["Training", "Two days on site"],
        ["Support", "Twelve months"],
    ]);
    assert!(!has_prose_column(&items));
}
