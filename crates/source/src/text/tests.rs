use super::*;

fn ch(c: char, x: f32, y: f32) -> TextChar {
    TextChar {
        ch: c,
        bbox: BBox::new(x, y, x + 6.0, y + 10.0),
        font_size: 10.0,
        generated: false,
        invisible: false,
        direction: Direction::Right,
    }
}

fn texts(chars: &[TextChar]) -> Vec<String> {
    group(chars).iter().map(|l| l.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")).collect()
}

#[test]
fn splits_words_lines_and_columns() {
    let mut v = vec![ch('a', 0.0, 0.0), ch('b', 6.0, 0.0), ch(' ', 12.0, 0.0), ch('c', 15.0, 0.0)];
    // A column gutter on the same baseline.
    v.push(ch('d', 60.0, 0.0));
    // Next line, back to the left margin.
    v.push(ch('e', 0.0, 14.0));
    // A gap of a third of the height is a word space even without a space char.
    v.push(ch('f', 10.0, 14.0));
    assert_eq!(texts(&v), ["ab c", "d", "e f"]);
}

#[test]
fn a_raised_note_mark_broken_off_its_line_starts_it() {
    // PDFium ends a line after a raised "1" that starts a footnote.
    let mark = TextChar { bbox: BBox::new(0.0, 0.0, 4.0, 6.0), font_size: 6.0, ..ch('1', 0.0, 0.0) };
    let brk = TextChar { generated: true, ..ch('\n', 4.0, 0.0) };
    let v = vec![mark.clone(), brk.clone(), ch('A', 6.0, 3.0), ch('b', 12.0, 3.0)];
    assert_eq!(texts(&v), ["1 Ab"]);
    // A full-size line end stays a line end, and so does a mark's break
    // before a line below it.
    let v = vec![ch('x', 0.0, 0.0), brk.clone(), ch('A', 6.0, 3.0)];
    assert_eq!(texts(&v), ["x", "A"]);
    let v = vec![mark, brk, ch('A', 6.0, 14.0)];
    assert_eq!(texts(&v), ["1", "A"]);
}

#[test]
fn issue_16_vertical_japanese_columns_are_lines() {
    // Two columns drawn top to bottom, the right one first (PDFium's
    // order is the content's), each character below the previous one.
    let column = |text: &str, x: f32| -> Vec<TextChar> {
        text.chars().enumerate().map(|(i, c)| ch(c, x, 11.0 * i as f32)).collect()
    };
    let mut v = column("日本語の文章は", 100.0);
    v.extend(column("縦書きです。", 80.0));
    assert_eq!(texts(&v), ["日本語の文章は", "縦書きです。"]);
    // A column of a Latin word is no column: each letter its own line.
    assert_eq!(texts(&column("ab", 0.0)), ["a", "b"]);
    // Horizontal lines whose first characters stand one above the
    // other, a line apart, stay lines.
    let mut rows = Vec::new();
    for (y, text) in [(0.0, "日本"), (14.0, "語の")] {
        rows.extend(text.chars().enumerate().map(|(i, c)| ch(c, 6.0 * i as f32, y)));
    }
    assert_eq!(texts(&rows), ["日本", "語の"]);
}

#[test]
fn right_to_left_lines_keep_their_latin_runs() {
    // "بلغة R و" then "Python" drawn to the left of و, then "من" further
    // left, all on one baseline, in PDFium's (logical) order.
    let mut v = Vec::new();
    for (i, c) in "بلغة".chars().enumerate() {
        v.push(ch(c, 200.0 - 6.0 * i as f32, 0.0));
    }
    v.push(ch(' ', 172.0, 0.0));
    v.push(ch('R', 160.0, 0.0));
    v.push(ch(' ', 156.0, 0.0));
    v.push(ch('و', 148.0, 0.0));
    for (i, c) in "Python".chars().enumerate() {
        v.push(ch(c, 100.0 + 6.0 * i as f32, 0.0));
    }
    v.push(ch('م', 90.0, 0.0));
    v.push(ch('ن', 84.0, 0.0));
    assert_eq!(texts(&v), ["بلغة R و Python من"]);
    // Latin text alone still breaks where it runs backwards.
    let w = [ch('a', 50.0, 0.0), ch('b', 0.0, 0.0)];
    assert_eq!(texts(&w), ["a", "b"]);
}

#[test]
fn lam_alef_ligatures_read_in_logical_order() {
    // "الإنتاج" whose ligature glyph came out alef-hamza first.
    let mut v: Vec<TextChar> =
        "اإلنتاج".chars().enumerate().map(|(i, c)| ch(c, 100.0 - 6.0 * i as f32, 0.0)).collect();
    v[2].bbox = v[1].bbox;
    // An ordinary "ال" (two glyphs, two boxes) stays as it is.
    v.extend("ال".chars().enumerate().map(|(i, c)| ch(c, 40.0 - 6.0 * i as f32, 0.0)));
    fix_lam_alef(&mut v);
    let text: String = v.iter().map(|c| c.ch).collect();
    assert_eq!(text, "الإنتاجال");
}

fn raw(text: &str) -> Vec<RawChar> {
    text.chars()
        .enumerate()
        .map(|(i, c)| RawChar {
            ch: c,
            rect: Some([6.0 * i as f32, 0.0, 6.0 * i as f32 + 6.0, 10.0]),
            font_size: 10.0,
            generated: c == ' ' || c == '\n',
            invisible: false,
            angle: 0.0,
        })
        .collect()
}

fn identity() -> Affine {
    Affine { a: 1.0, b: 0.0, c: 0.0, d: 0.0, e: 1.0, f: 0.0 }
}

fn line_texts(raw: &[RawChar]) -> Vec<String> {
    build(raw, &identity()).lines.into_iter().map(|l| l.text).collect()
}

#[test]
fn issue_15_text_turned_a_quarter_reads_in_its_direction() {
    // PDF user space has y up; the page's pixels have y down.
    let flip = Affine { a: 1.0, b: 0.0, c: 0.0, d: 0.0, e: -1.0, f: 200.0 };
    // PDFium's angles are clockwise: a quarter counterclockwise is 3π/2.
    let quarter = std::f32::consts::FRAC_PI_2;
    // "Name" upright along the top; "Form" set bottom to top down the
    // left side (each glyph 6 pt further up); "Date" set top to bottom
    // on the right; "Total" upright at the bottom.
    let mut r = raw("Name\n");
    for c in &mut r {
        c.rect = c.rect.map(|[l, _, rr, _]| [l + 20.0, 180.0, rr + 20.0, 190.0]);
    }
    let turned = |text: &str, angle: f32, x: f32, y0: f32, step: f32| -> Vec<RawChar> {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                let y = y0 + step * i as f32;
                RawChar {
                    ch: c,
                    rect: Some([x, y.min(y + step), x + 10.0, y.max(y + step)]),
                    font_size: 10.0,
                    generated: false,
                    invisible: false,
                    angle,
                }
            })
            .collect()
    };
    r.extend(turned("Form", 3.0 * quarter, 0.0, 100.0, 6.0));
    r.extend(turned("Date", quarter, 100.0, 150.0, -6.0));
    let mut total = raw("Total");
    for c in &mut total {
        c.rect = c.rect.map(|[l, _, rr, _]| [l + 20.0, 10.0, rr + 20.0, 20.0]);
    }
    r.extend(total);
    let built = build(&r, &flip);
    let lines: Vec<(String, BBox)> = built.lines.iter().map(|l| (l.text.clone(), l.bbox)).collect();
    let texts: Vec<&str> = lines.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(texts, ["Name", "Form", "Date", "Total"]);
    // The turned words keep their place on the page: a tall, narrow box.
    let form = lines[1].1;
    assert!((form.x0 - 0.0).abs() < 1e-3 && (form.x1 - 10.0).abs() < 1e-3, "{form:?}");
    assert!((form.y0 - 76.0).abs() < 1e-3 && (form.y1 - 100.0).abs() < 1e-3, "{form:?}");
    assert_eq!(built.chars[5].direction, Direction::Up);
    assert_eq!(built.chars[9].direction, Direction::Down);
    assert_eq!(built.chars[0].direction, Direction::Right);
}

#[test]
fn a_turned_lines_ligatures_and_pdfiums_breaks_keep_its_words_whole() {
    // A table set sideways, its text running up the page (PDF y up): the
    // row label "Northfield" in a font with an "fi" ligature, whose box
    // PDFium shares out across the page (f left of i, one height); a
    // "May" header whose "y" sticks out across the line, where PDFium
    // starts a new line.
    let flip = Affine { a: 1.0, b: 0.0, c: 0.0, d: 0.0, e: -1.0, f: 400.0 };
    let up = 3.0 * std::f32::consts::FRAC_PI_2;
    let glyph = |ch: char, x0: f32, y0: f32, x1: f32, y1: f32| RawChar {
        ch,
        rect: Some([x0, y0, x1, y1]),
        font_size: 10.0,
        generated: false,
        invisible: false,
        angle: up,
    };
    let brk = |ch: char| RawChar { generated: true, angle: 0.0, rect: None, ..glyph(ch, 0.0, 0.0, 0.0, 0.0) };
    let mut r = Vec::new();
    for (k, c) in "North".chars().enumerate() {
        let y = 60.0 + 7.0 * k as f32;
        r.push(glyph(c, 86.0, y, 96.0, y + 6.5));
    }
    r.extend([brk('\r'), brk('\n')]);
    r.push(glyph('f', 86.0, 96.0, 91.0, 102.0));
    r.push(glyph('i', 91.0, 96.0, 96.0, 102.0));
    for (k, c) in "eld".chars().enumerate() {
        let y = 103.0 + 7.0 * k as f32;
        r.push(glyph(c, 86.0, y, 96.0, y + 6.5));
    }
    r.push(RawChar { generated: true, angle: 0.0, ..glyph(' ', 100.0, 130.0, 100.0, 130.0) });
    r.push(glyph('M', 63.0, 200.0, 73.0, 210.0));
    r.push(glyph('a', 65.0, 211.0, 73.0, 218.0));
    r.extend([brk('\r'), brk('\n')]);
    r.push(glyph('y', 66.0, 219.0, 75.5, 226.0));
    let built = build(&r, &flip);
    let texts: Vec<&str> = built.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["Northfield", "May"]);
    // The ligature's two characters share its box along the line: "f"
    // below "i" (the text runs up), each as wide as the line is high.
    let (f, i) = (
        built.chars.iter().find(|c| c.ch == 'f').unwrap(),
        built.chars.iter().find(|c| c.ch == 'i').unwrap(),
    );
    assert!(f.bbox.y0 >= i.bbox.y1 - 1e-3, "{:?} {:?}", f.bbox, i.bbox);
    assert!((f.bbox.width() - 10.0).abs() < 1e-3 && (f.bbox.height() - 3.0).abs() < 1e-3, "{:?}", f.bbox);
}

#[test]
fn hyphenation_marks_become_hyphens_at_line_ends_and_vanish_inside_words() {
    // PDFium's U+0002 before the line break; a soft hyphen inside a word.
    let mut r = raw("doc\u{2}\n");
    let mut next = raw("ument cooperate\u{1}");
    for c in &mut next {
        c.rect = c.rect.map(|[l, _, rr, _]| [l, 20.0, rr, 30.0]);
    }
    // The soft hyphen takes no room inside "cooperate".
    let at = next[8].rect.map(|[l, b, _, t]| [l, b, l, t]);
    next.insert(
        8,
        RawChar { ch: '\u{AD}', rect: at, font_size: 10.0, generated: false, invisible: false, angle: 0.0 },
    );
    r.extend(next);
    let built = build(&r, &identity());
    let lines: Vec<String> = built.lines.iter().map(|l| l.text.clone()).collect();
    assert_eq!(lines, ["doc-", "ument cooperate"]);
    assert_eq!(built.stats.garbled, 1, "only the stray U+0001 is garbage");
    assert!(built.chars.iter().all(|c| !c.ch.is_control() || c.ch == '\n'));
    // No line break after the mark (pdfTeX's two-column pages): the next
    // letter, back at the column's left on the line below, opens a line.
    let mut r = raw("sen\u{2}");
    r.iter_mut().for_each(|c| c.rect = c.rect.map(|[l, _, rr, _]| [l + 60.0, 40.0, rr + 60.0, 50.0]));
    r.extend(raw("sors are"));
    let lines: Vec<String> = build(&r, &identity()).lines.into_iter().map(|l| l.text).collect();
    assert_eq!(lines, ["sen-", "sors are"]);
}

#[test]
fn overprinted_text_is_kept_once() {
    // "123" drawn twice, the second time 0.3 px to the right (fake bold).
    let mut r = raw("123");
    r.extend(raw("123").into_iter().map(|mut c| {
        c.rect = c.rect.map(|[l, b, rr, t]| [l + 0.3, b, rr + 0.3, t]);
        c
    }));
    assert_eq!(line_texts(&r), ["123"]);
    // Repeated letters side by side are text.
    assert_eq!(line_texts(&raw("1223 llama")), ["1223 llama"]);
    // TeX's "ff" ligature: PDFium gives both f's the glyph's box.
    let mut r = raw("diffe");
    r[3].rect = r[2].rect.map(|[l, b, _, t]| [l, b, l + 12.0, t]);
    r[2].rect = r[3].rect;
    assert_eq!(line_texts(&r), ["diffe"]);
}

#[test]
fn accents_drawn_over_letters_are_composed() {
    // TeX's "Universit\"at": the diaeresis glyph drawn over the a, before it in text order.
    let mut r = raw("Universit\u{A8}at");
    for c in r.iter_mut().skip(10) {
        c.rect = c.rect.map(|[l, b, rr, t]| [l - 6.0, b, rr - 6.0, t]);
    }
    r[9].rect = r[10].rect.map(|[l, b, rr, t]| [l + 1.0, b + 4.0, rr - 1.0, t + 4.0]);
    assert_eq!(line_texts(&r), ["Universität"]);
    // After the letter, and with no precomposed form (q + caron stays two code points).
    let mut r = raw("q\u{2C7}");
    r[1].rect = r[0].rect;
    assert_eq!(line_texts(&r), ["q\u{30C}"]);
    // An accent standing alone (code, a quotation) stays.
    assert_eq!(line_texts(&raw("a ` b ^2")), ["a ` b ^2"]);
}

#[test]
fn trust_needs_visible_clean_text() {
    let s = |chars, invisible, garbled| TextLayerStats { chars, invisible, garbled, implausible: 0 };
    assert!(s(100, 0, 0).is_trustworthy());
    assert!(!s(0, 0, 0).is_trustworthy());
    assert!(!s(100, 100, 0).is_trustworthy());
    assert!(!s(100, 0, 20).is_trustworthy());
}

#[track_caller]
fn check_plausible(text: &str, trusted: bool) {
    let stats = build(&raw(text), &identity()).stats;
    assert_eq!(stats.is_trustworthy(), trusted, "{text:?}: {stats:?}");
}

#[test]
fn issue_16_latin_and_digits_mapped_to_rare_hangul_are_not_trusted() {
    // Digits and Latin letters sent to U+C900 + their code: 줲줰줱줳 is "2013".
    let garble =
        |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        char::from_u32(0xC900 + c as u32).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect()
        };
    let korean = "데비안은 2013년 5월에 새 안정 버전 Debian 7을 냈습니다. 패키지는 apt-get으로 설치합니다.";
    check_plausible(korean, true);
    check_plausible(&garble(korean), false);
    check_plausible(&garble("Parasol reads scanned documents on the CPU, fully locally."), false);
    // Real Korean with its rare syllables, which stand alone: a name
    // (똠), slang (햏), a transliteration (쌰).
    check_plausible("똠양꿍을 먹었다. 햏 하고 웃었다. 쌰 하는 소리가 났다. 뷁 뷁.", true);
    // A single garbled year in a long page is still a layer that lies.
    let long = format!("{} 줲줰줱줳년", korean.repeat(8));
    check_plausible(&long, false);
    // Japanese, Chinese and Latin text never counts.
    check_plausible("日本語の文章です。中文文本。Latin text 2013.", true);
}

#[test]
fn a_letter_spaced_title_joins_into_its_words() {
    // Letters 6 wide, 4 apart (letter spacing), 8 apart between words.
    let at = |text: &str, xs: &[f32]| -> Vec<TextChar> {
        text.chars().filter(|c| !c.is_whitespace()).zip(xs).map(|(c, &x)| ch(c, x, 0.0)).collect()
    };
    let title = at("시설 대관 신청서", &[0.0, 10.0, 24.0, 34.0, 48.0, 58.0, 68.0]);
    assert_eq!(texts(&title), ["시설 대관 신청서"]);
    let invoice = at("INVOICE", &[0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0]);
    assert_eq!(texts(&invoice), ["INVOICE"]);
    // A chapter's number after its spaced title.
    let chapter = at("CHAPTER2", &[0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 74.0]);
    assert_eq!(texts(&chapter), ["CHAPTER 2"]);
    // Figures alone are no spaced title, however close ("1 2 3").
    let figures = at("123", &[0.0, 10.0, 20.0]);
    assert_eq!(texts(&figures), ["1 2 3"]);
    // Single letters a table's width apart (a header of weekdays) stay apart.
    let days = at("월화수목", &[0.0, 16.0, 32.0, 48.0]);
    assert_eq!(texts(&days), ["월 화 수 목"]);
    // A line of prose keeps its words, one-letter ones too.
    let mut prose = at("이책한", &[0.0, 10.0, 20.0]);
    prose.extend(at("권을", &[30.0, 36.0]));
    assert_eq!(texts(&prose), ["이 책 한 권을"]);
}
