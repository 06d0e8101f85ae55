use super::*;

#[test]
fn captions_and_text_taken_for_equations_are_prose() {
    for prose in ["Listing 1: Simple JavaScript Program", "Table of the results, with their errors"] {
        assert!(reads_as_prose([prose].into_iter()), "{prose}");
    }
    for formula in
        ["a 2 + 8 = 12", "sin x + cos y = 1", "where x is the width and y the height of the box", ""]
    {
        assert!(!reads_as_prose([formula].into_iter()), "{formula}");
    }
}

#[test]
fn page_numbers_in_their_usual_spellings() {
    for n in ["1", "12", " 345 ", "xii", "IV", "- 7 -", "– 7 –", "Page 3", "page 3 of 12", "3 / 12", "p. 9"]
    {
        assert!(is_page_number(n), "{n}");
    }
    for not in ["12345", "1.5", "Page", "Civic", "Chapter 3", "3 apples", "12.00", "vixen", "-", ""] {
        assert!(!is_page_number(not), "{not}");
    }
}

#[test]
fn a_short_block_of_symbols_with_a_relation_is_math() {
    for math in
        ["a 2 + 8 = 12", "E = mc 2", "sin x + cos y = 1", "x ≤ 2 n", "f ( x ) = ∑ i a i x i", "lim n → ∞"]
    {
        assert!(reads_as_math(std::iter::once(math)), "{math}");
    }
    assert!(reads_as_math(["y = a x", "+ b"].into_iter()), "two lines of one formula");
    for not in [
        "Total = 12.00",
        "x = 3;",
        "Step 2: a = b",
        "Formula",
        "8 + 12",
        "function add(a, b) { return a + b; }",
        "The area is A = w h",
        "1",
    ] {
        assert!(!reads_as_math(std::iter::once(not)), "{not}");
    }
}

#[test]
fn contents_entries_end_in_a_leader_and_a_page_number() {
    for entry in [
        "Notices . . . . . . . . . . . vii",
        "1.3.2 New controls: Row and Column Access Control. . . . . . . 5",
        "Preface........3",
        "Scope ……… 12",
        "Appendix A ·········· 104",
        "INTRODUCTION . . . . . . XII",
    ] {
        assert!(is_index_entry(entry), "{entry}");
    }
    for other in [
        "Coffee ........ 3.50",
        "See page 12.",
        "Total amount due . . . . . 12345",
        ". . . . 12",
        "The value is 3...5",
        "Scope … 12",
        "Signed ............",
    ] {
        assert!(!is_index_entry(other), "{other}");
    }
    let rows = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(is_index(&rows(&[
        "Chapter 1. Securing data",
        "1.1 Fundamentals . . . . 2",
        "1.2 State . . . . 2"
    ])));
    assert!(!is_index(&rows(&["Preface . . . . 3"])), "one entry alone is no table of contents");
    assert!(!is_index(&rows(&["a line", "another", "Preface . . . . 3", "Scope . . . 4", "more", "text"])));
}

#[test]
fn list_items_are_recognised() {
    for s in [
        "• percentage cover",
        "1. First",
        "(a) one",
        "iv. four",
        "- dash item",
        "12) twelve",
        "・研修は部署ごとに実施する。",
        "•稼働日を4月1日とする。",
        "[12] Hesp, P.A., 2002. Foredunes and blowouts.",
        "(1)新会計システムの稼働日",
        "（2）利用者研修",
        "가. 모집 대상: 만 19세 이상",
        "(나) 모집 인원",
        "다) 지원 내용",
        "ア. 申請書",
        "1.本体に水を入れ、ふたをしっかり閉めます。",
        "① 참가 신청서 1부",
        "②사업 계획서",
        "㉮ 서류",
        "※ 제출된 서류는 반환하지 않으며",
    ] {
        assert!(is_list_item(s), "{s}");
    }
    for s in [
        "1.5 metres",
        "Table 1: x",
        "-5 degrees",
        "e.g. this",
        "2019, when",
        "•",
        "・",
        "-研修",
        "•x",
        "[12]",
        "[a] x",
        "[1,2] x",
        "2011. Changes in landscape",
        "2.議題",
        "(1)x",
        "(2025)年",
        "가.",
        "각. 항목",
        "①",
        "①x",
    ] {
        assert!(!is_list_item(s), "{s}");
    }
}

#[test]
fn choices_of_a_question_are_labelled_in_sequence() {
    for (s, want) in [
        ("A. nucleus", Some(1)),
        ("B. mitochondrion", Some(2)),
        ("c) ribosome", Some(3)),
        ("(D) cell wall", Some(4)),
        ("① 사과", Some(1)),
        ("②배", Some(2)),
        ("3. three", Some(3)),
        ("A.", None),
        ("A. ", None),
        ("A.B. Smith", None),
        ("(A. x", None),
        ("Name:", None),
        ("AB. x", None),
        ("1.5 metres", None),
    ] {
        assert_eq!(choice_label(s), want, "{s}");
    }
    assert!(is_choice_row(["A. neuron", "B. red blood cell", "C. leaf cell D. sperm cell"]));
    assert!(is_choice_row(["① 1", "② 2", "③ 3", "④ 4"]));
    assert!(!is_choice_row(["A. neuron"]));
    assert!(!is_choice_row(["A. neuron", "C. leaf cell"]));
    assert!(!is_choice_row(["1. Introduction", "12"]));
    assert!(!is_choice_row(["Name:", "Class:", "Date:"]));
}

#[test]
fn short_large_text_is_a_heading() {
    struct Case {
        rows: usize,
        font: f32,
        body_font: f32,
        ocr: bool,
        heading: bool,
    }
    let cases = [
        Case { rows: 1, font: 24.0, body_font: 12.0, ocr: false, heading: true },
        Case { rows: 2, font: 14.0, body_font: 12.0, ocr: false, heading: true },
        Case { rows: 2, font: 13.5, body_font: 12.0, ocr: false, heading: false },
        Case { rows: 3, font: 24.0, body_font: 12.0, ocr: false, heading: false },
        Case { rows: 1, font: 12.0, body_font: 12.0, ocr: false, heading: false },
        // Without a body font size nothing is larger than it.
        Case { rows: 1, font: 24.0, body_font: 0.0, ocr: false, heading: false },
        // OCR box heights: a bold total on a receipt is not a heading,
        // a title twice the body's size is.
        Case { rows: 1, font: 36.1, body_font: 31.0, ocr: true, heading: false },
        Case { rows: 1, font: 62.0, body_font: 31.0, ocr: true, heading: true },
    ];
    for c in cases {
        let rows = vec!["Results".to_string(); c.rows];
        assert_eq!(
            is_heading(&rows, c.font, c.body_font, c.ocr),
            c.heading,
            "{} rows at {} on {}",
            c.rows,
            c.font,
            c.body_font
        );
    }
}

#[test]
fn sentences_in_large_type_are_no_heading() {
    let lead = [
        "This register lists every vessel berthed at the harbour during 2026, with its home".to_string(),
        "port, gross tonnage and the number of calls made. Smaller vessels are in an annex.".to_string(),
    ];
    assert!(!is_heading(&lead, 40.0, 30.0, true));
    let title = ["A Study of Sediment Transport in Small Estuaries of the North Sea Coast and Its Effects on Harbour Maintenance Dredging Costs".to_string()];
    assert!(is_heading(&title, 40.0, 30.0, true));
    let note =
        ["Source: station logbooks. Values are monthly totals rounded to the nearest millimetre."
            .to_string()];
    assert!(!is_heading(&note, 40.0, 30.0, true));
    // A sentence going on, its OCR box made tall by a note's mark.
    let tail = ["and the current meter at mid-depth.3".to_string()];
    assert!(!is_heading(&tail, 43.0, 26.0, true));
    for heading in ["3.2 Results and discussion.", "Fig. 3 Mean cover by zone and season in the dune survey."]
    {
        assert!(is_heading(&[heading.to_string()], 40.0, 30.0, true), "{heading}");
    }
}

#[test]
fn hyphens_are_mended_only_before_lowercase() {
    assert_eq!(join_lines(["para-", "graph"]), "paragraph");
    assert_eq!(join_lines(["Jean-", "Paul"]), "Jean-Paul");
    assert_eq!(join_lines(["a", " ", "b"]), "a b");
}

#[test]
fn issue_16_cjk_lines_join_without_a_space() {
    assert_eq!(join_lines(["这是一个歧", "义的例子。"]), "这是一个歧义的例子。");
    assert_eq!(join_lines(["日本語の文章は", "スペースなしで続く。"]), "日本語の文章はスペースなしで続く。");
    assert_eq!(join_lines(["한국어 문장은", "띄어 씁니다."]), "한국어 문장은 띄어 씁니다.");
    assert_eq!(join_lines(["Linux の", "カーネル"]), "Linux のカーネル");
}

/// The body's size is the paragraphs', not the short labels' of a
/// table and a title that outnumber their lines.
#[test]
fn the_body_font_is_the_size_of_most_characters() {
    let sized = |size: f32, text: &str| {
        let mut l = TextLine::from_bbox(BBox::new(0.0, 0.0, 100.0, size), text, parasol_doc::TextOrigin::Ocr);
        l.font_size = size;
        l
    };
    let mut lines = vec![sized(44.0, "Minutes")];
    for label in ["Date", "Place", "Present", "Notes", "Chair"] {
        lines.push(sized(33.0, label));
    }
    lines.push(sized(26.0, "The migration test finished at the end of October as planned, the chair said."));
    lines.push(sized(26.0, "Training runs from February to March, one department at a time, online too."));
    assert_eq!(body_font(&lines), 26.0);
}

/// A drop cap joins the line it begins; a large capital beside a line
/// opening in upper case, or a line far from it, stays apart.
#[test]
fn a_drop_cap_joins_the_line_it_begins() {
    let l = |x0: f32, y0: f32, x1: f32, y1: f32, text: &str| {
        TextLine::from_bbox(BBox::new(x0, y0, x1, y1), text, parasol_doc::TextOrigin::TextLayer)
    };
    let mut lines = vec![
        l(102.0, 340.0, 163.0, 423.0, "O"),
        l(172.0, 346.0, 424.0, 369.0, "n a grey morning in"),
        l(172.0, 374.0, 424.0, 397.0, "February, Ruth Kemble"),
        l(172.0, 402.0, 424.0, 425.0, "kneels on a shingle bank"),
        l(102.0, 430.0, 424.0, 453.0, "below the old mill and points at"),
    ];
    let joined = join_drop_caps(&lines).expect("a drop cap");
    let texts: Vec<&str> = joined.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts[0], "On a grey morning in");
    assert_eq!(joined[0].bbox, BBox::new(102.0, 346.0, 424.0, 369.0));
    assert_eq!(joined.len(), 4);
    lines[1].text = "NCE upon a time".into();
    assert!(join_drop_caps(&lines).is_none());
    lines[1].text = "n a grey morning in".into();
    lines[1].bbox = BBox::new(400.0, 346.0, 600.0, 369.0);
    assert!(join_drop_caps(&lines).is_none());
}

#[test]
fn a_book_index_lists_terms_and_their_pages() {
    for s in ["Mechanical seal, 24, 27, 51", "Flow rate, 24", "Pumps, 12–14, 30", "M", "O-rings, 8"] {
        assert!(is_index_term(s), "{s}");
    }
    for s in ["Flat 3, 41 Albion Terrace", "Total, 12.50", "24", "a", "Bristol BS5 9LA", "See also, pumps"] {
        assert!(!is_index_term(s), "{s}");
    }
}

#[test]
fn a_note_set_tall_is_no_heading_but_a_numbered_heading_is() {
    let rows = |s: &str| vec![s.to_string()];
    assert!(!is_heading(&rows("3 A denser array in summer 2025 confirmed this limit."), 36.0, 27.0, true));
    assert!(is_heading(&rows("3 Results"), 36.0, 27.0, true));
    assert!(is_heading(&rows("4 Treatment of samples before the tests."), 36.0, 27.0, true));
}

/// A clause's number set apart at a tab stop joins the text it labels; a
/// number in a row of three (a table's) or far from the text stays apart.
#[test]
fn a_hanging_label_joins_the_text_it_labels() {
    let l = |x0: f32, y0: f32, x1: f32, text: &str| {
        TextLine::from_bbox(BBox::new(x0, y0, x1, y0 + 14.0), text, parasol_doc::TextOrigin::TextLayer)
    };
    let lines = vec![
        l(148.0, 130.0, 163.0, "1."),
        l(201.0, 130.0, 580.0, "DEFINITIONS AND INTERPRETATION"),
        l(
            171.0,
            150.0,
            1130.0,
            "1.1 In this Agreement, unless the context otherwise requires, the following",
        ),
        l(148.0, 450.0, 163.0, "2."),
        l(201.0, 450.0, 500.0, "SUPPLY OF SERVICES"),
        l(171.0, 470.0, 201.0, "(a)"),
        l(230.0, 470.0, 1000.0, "information relating to the business of the disclosing party; and"),
        l(171.0, 490.0, 196.0, "2.3.1"),
        l(230.0, 490.0, 800.0, "co-operate with the Customer in all matters"),
    ];
    let joined = join_hanging_labels(&lines).expect("hanging labels");
    let texts: Vec<&str> = joined.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "1. DEFINITIONS AND INTERPRETATION",
            "1.1 In this Agreement, unless the context otherwise requires, the following",
            "2. SUPPLY OF SERVICES",
            "(a) information relating to the business of the disclosing party; and",
            "2.3.1 co-operate with the Customer in all matters",
        ]
    );
    assert_eq!(joined[0].bbox, BBox::new(148.0, 130.0, 580.0, 144.0));
    // A numbered row of a table, a number far from its row's text, a
    // figure that is no label: all stay apart.
    let table =
        vec![l(100.0, 100.0, 115.0, "1."), l(150.0, 100.0, 300.0, "Apples"), l(600.0, 100.0, 640.0, "12")];
    assert!(join_hanging_labels(&table).is_none());
    let far = vec![l(100.0, 100.0, 115.0, "1."), l(400.0, 100.0, 700.0, "Apples and pears")];
    assert!(join_hanging_labels(&far).is_none());
    let figure = vec![l(100.0, 100.0, 130.0, "1998"), l(150.0, 100.0, 700.0, "The founding year")];
    assert!(join_hanging_labels(&figure).is_none());
}

#[test]
fn a_forms_options_are_a_row_of_tick_boxes() {
    assert!(is_tick_row(["☐ Yes", "☐ No"]));
    assert!(is_tick_row(["Very poor", "☐ 1", "☐ 2", "☐ 3", "Excellent"]));
    assert!(is_tick_row(["○ Daily", "◉ Weekly", "○ Never"]));
    // One box is an item; labels between the boxes are a table's row.
    assert!(!is_tick_row(["☐ Yes"]));
    assert!(!is_tick_row(["Name", "☐ 1", "Age", "☐ 2"]));
    assert!(!is_tick_row(["Strongly agree", "Agree"]));
    assert!(has_tick_box("3. Was it ready? ☐ Yes ☐ No") && !has_tick_box("Yes or no"));
}
