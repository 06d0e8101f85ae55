//! The metrics against independent implementations, on real corpus data.
//!
//! - TEDS/TEDS-S: PubTabNet's reference `metric.py` (lxml + apted + distance)
//!   on the ICDAR 2021 competition sample gives 0.8997 / 0.9361 averaged over
//!   its 20 tables; the per-table values below are that reference's output
//!   (`/tmp/teds-venv`: apted 1.0.3, distance 0.1.3, lxml 6.1.3).
//! - Indel and Levenshtein distances: rapidfuzz 3.14.6 (`Indel.distance`,
//!   `Levenshtein.distance`) on pairs of corpus files, compared raw.

use std::path::PathBuf;

use parasol_eval::corpus::pubtabnet_sample;
use parasol_eval::teds::{teds, teds_s};
use parasol_eval::text::{indel_distance, levenshtein};

fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(dir.is_dir(), "the evaluation corpus is missing: expected {}", dir.display());
    dir
}

/// (table, TEDS, TEDS-S) from the reference implementation.
const REFERENCE: &[(&str, f64, f64)] = &[
    ("PMC2094709_004_00.png", 1.0000000000, 1.0000000000),
    ("PMC2871264_002_00.png", 1.0000000000, 1.0000000000),
    ("PMC2915972_003_00.png", 0.9298260149, 0.9718309859),
    ("PMC3160368_005_00.png", 0.9946156952, 1.0000000000),
    ("PMC3568059_003_00.png", 0.9609420536, 0.9652173913),
    ("PMC3707453_006_00.png", 0.8538903625, 0.9010989011),
    ("PMC3765162_003_01.png", 0.9867342101, 1.0000000000),
    ("PMC3872294_001_00.png", 0.9863636364, 1.0000000000),
    ("PMC4196076_004_00.png", 0.9958653089, 1.0000000000),
    ("PMC4219599_004_00.png", 0.6029978075, 0.8186046512),
    ("PMC4297392_007_00.png", 0.8070175439, 0.8070175439),
    ("PMC4311460_007_00.png", 0.6576923077, 0.9000000000),
    ("PMC4357206_002_00.png", 0.9295181639, 1.0000000000),
    ("PMC4445578_009_01.png", 0.6754965085, 0.7000000000),
    ("PMC4969833_016_01.png", 1.0000000000, 1.0000000000),
    ("PMC5303243_003_00.png", 0.6494374121, 0.6582278481),
    ("PMC5451934_004_00.png", 0.9978213508, 1.0000000000),
    ("PMC5755158_010_01.png", 1.0000000000, 1.0000000000),
    ("PMC5849724_006_00.png", 0.9653439200, 1.0000000000),
    ("PMC6022086_007_00.png", 1.0000000000, 1.0000000000),
];

#[test]
fn teds_reproduces_the_pubtabnet_reference_on_the_competition_sample() {
    let src = corpus().join("tables/pubtabnet/src");
    let truth = pubtabnet_sample(&src.join("sample_gt.json")).unwrap();
    let pred = pubtabnet_sample(&src.join("sample_pred.json")).unwrap();
    assert_eq!(truth.len(), 20);
    assert_eq!(pred.len(), 20);
    let (mut sum_t, mut sum_s) = (0.0, 0.0);
    let mut off = Vec::new();
    for ((name, gt), (pname, p)) in truth.iter().zip(&pred) {
        assert_eq!(name, pname);
        let (t, s) = (teds(p, gt).score, teds_s(p, gt).score);
        sum_t += t;
        sum_s += s;
        let (_, rt, rs) = REFERENCE.iter().find(|(n, _, _)| n == name).unwrap();
        if (t - rt).abs() > 1e-6 || (s - rs).abs() > 1e-6 {
            off.push(format!("{name}: TEDS {t:.6} vs {rt:.6}, TEDS-S {s:.6} vs {rs:.6}"));
        }
    }
    let (mean_t, mean_s) = (sum_t / 20.0, sum_s / 20.0);
    eprintln!("TEDS {mean_t:.4} (reference 0.8997), TEDS-S {mean_s:.4} (reference 0.9361)");
    assert!((mean_t - 0.8997).abs() <= 0.002, "TEDS {mean_t}");
    assert!((mean_s - 0.9361).abs() <= 0.002, "TEDS-S {mean_s}");
    assert!(off.is_empty(), "per-table differences from the reference:\n{}", off.join("\n"));
}

#[test]
fn distances_match_rapidfuzz_on_corpus_text() {
    let c = corpus();
    let read = |p: &str| -> Vec<char> { std::fs::read_to_string(c.join(p)).unwrap().chars().collect() };
    // (pdftotext output, Docling Markdown): Indel, and Levenshtein where cheap.
    let pairs: &[(&str, usize, Option<usize>)] = &[
        ("2305.03393v1-pg9", 634, Some(510)),
        ("amt_handbook_sample", 681, Some(622)),
        ("code_and_formula", 276, Some(197)),
        ("multi_page", 330, Some(229)),
        ("right_to_left_01", 242, Some(192)),
        ("redp5110_sampled", 5768, None),
    ];
    for (stem, indel, lev) in pairs {
        let a = read(&format!("docling/pdf/sources/textlayer_pdftotext/{stem}.txt"));
        let b = read(&format!("docling/pdf/groundtruth/{stem}.md"));
        assert_eq!(indel_distance(&a, &b), *indel, "indel {stem}");
        if let Some(lev) = lev {
            assert_eq!(levenshtein(&a, &b), *lev, "levenshtein {stem}");
        }
    }
    // Tesseract transcriptions: characters and words.
    let cases: &[(&str, &str, usize, usize, usize)] = &[
        ("ocr/tesseract-test/8071_093.3B.txt", "ocr/tesseract-test/8087_054.3B.txt", 3274, 4831, 696),
        ("ocr/tesseract-test/eurotext.txt", "ocr/tesseract-test/phototest.txt", 318, 459, 66),
    ];
    for (x, y, lev, indel, words) in cases {
        let (a, b) = (read(x), read(y));
        assert_eq!(levenshtein(&a, &b), *lev, "levenshtein {x} {y}");
        assert_eq!(indel_distance(&a, &b), *indel, "indel {x} {y}");
        let sa = std::fs::read_to_string(c.join(x)).unwrap();
        let sb = std::fs::read_to_string(c.join(y)).unwrap();
        let (wa, wb): (Vec<&str>, Vec<&str>) =
            (sa.split_whitespace().collect(), sb.split_whitespace().collect());
        assert_eq!(levenshtein(&wa, &wb), *words, "word levenshtein {x} {y}");
    }
}
