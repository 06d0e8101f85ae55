//! The OCR engine against RapidOCR 3.10, and its accuracy on phototest.
//!
//! Expected lines come from `scripts/ocr_reference.py` (RapidOCR with its
//! default PP-OCRv6 small models, with `--tiny` the tiny detector and
//! recogniser, with `--int8` the int8 small recogniser, fed the same RGB
//! pixels; the CRC of the decoded pixels is checked first; the int8 set is
//! one for CPUs with AMX and one for the others: see [`int8_reference`]).
//! Lines are matched by position in RapidOCR's order: the texts must be
//! equal, every quad corner within 2 px and the score within 0.005.
//!
//! Needs the models (`python3 scripts/fetch_models.py`; override the folder
//! with `PARASOL_MODELS`) and the shared corpus next to the workspace.

mod common;

use common::{cascade_engine, engine, int8_engine, levenshtein, model, root, small_models, tiny_engine};
use parasol_doc::TextLine;
use parasol_models::ModelFile;
use parasol_vision::{init_runtime, OcrEngine, Stage, VisionError};
use serde::Deserialize;

const CORNER_TOLERANCE: f32 = 2.0;
const SCORE_TOLERANCE: f32 = 0.005;

#[derive(Debug, Deserialize)]
struct Expected {
    image: String,
    width: u32,
    height: u32,
    rgb_crc32: u32,
    lines: Vec<ExpectedLine>,
}

#[derive(Debug, Deserialize)]
struct ExpectedLine {
    text: String,
    score: f32,
    quad: [[f32; 2]; 4],
}

/// CRC-32 (zlib's polynomial), to compare decoded pixels with the reference.
fn crc32(data: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|i| (0..8).fold(i, |c, _| if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 }))
        .collect();
    !data.iter().fold(!0u32, |c, &b| table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8))
}

fn load(rel: &str) -> image::RgbImage {
    let path = root().join(rel);
    image::open(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())).to_rgb8()
}

fn max_corner_deviation(a: &[[f32; 2]; 4], b: &[[f32; 2]; 4]) -> f32 {
    a.iter().zip(b).flat_map(|(p, q)| [(p[0] - q[0]).abs(), (p[1] - q[1]).abs()]).fold(0.0, f32::max)
}

/// The reference's lines for `name` in `dir` (under tests/data) and the
/// image, whose decoded pixels are checked against the reference's.
fn expected(dir: &str, name: &str) -> (Expected, image::RgbImage) {
    let path = root().join("crates/vision/tests/data").join(dir).join(format!("{name}.json"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let expected: Expected = serde_json::from_str(&text).expect("valid expected json");
    let img = load(&expected.image);
    assert_eq!((img.width(), img.height()), (expected.width, expected.height), "{name}: image size");
    assert_eq!(crc32(img.as_raw()), expected.rgb_crc32, "{name}: decoded pixels differ from the reference's");
    (expected, img)
}

/// Runs the engine on the reference's image and compares line by line.
#[track_caller]
fn check(name: &str) {
    check_with(engine(), "ocr_expected", name);
}

#[track_caller]
fn check_with(engine: &OcrEngine, dir: &str, name: &str) {
    check_within(engine, dir, name, SCORE_TOLERANCE);
}

#[track_caller]
fn check_within(engine: &OcrEngine, dir: &str, name: &str, score_tolerance: f32) {
    let (expected, img) = self::expected(dir, name);
    let got = engine.recognize(&img).expect("ocr runs");
    let mut problems = Vec::new();
    let (mut max_dev, mut max_score) = (0f32, 0f32);
    for (i, (g, e)) in got.iter().zip(&expected.lines).enumerate() {
        let dev = max_corner_deviation(&g.quad, &e.quad);
        let ds = (g.score - e.score).abs();
        max_dev = max_dev.max(dev);
        max_score = max_score.max(ds);
        if g.text != e.text || dev > CORNER_TOLERANCE || ds > score_tolerance {
            problems.push(format!(
                "line {i}: got {:?} {:.5} {:?}\n         want {:?} {:.5} {:?}",
                g.text, g.score, g.quad, e.text, e.score, e.quad
            ));
        }
    }
    if got.len() != expected.lines.len() {
        problems.push(format!("{} lines, want {}", got.len(), expected.lines.len()));
    }
    eprintln!(
        "{name}: {} lines, max corner deviation {max_dev} px, max score difference {max_score:.5}",
        got.len()
    );
    assert!(problems.is_empty(), "{name} differs from RapidOCR:\n{}", problems.join("\n"));
}

#[test]
fn phototest_matches_rapidocr() {
    check("phototest");
}

#[test]
fn phototest_upside_down_matches_rapidocr() {
    check("phototest_rotated_180");
}

#[test]
fn eurotext_matches_rapidocr() {
    check("eurotext");
}

#[test]
fn sroie_receipt_matches_rapidocr() {
    check("sroie_000");
}

#[test]
fn funsd_form_matches_rapidocr() {
    check("funsd_82092117");
}

#[test]
fn old_newspaper_matches_rapidocr() {
    check("old_newspaper");
}

#[test]
fn large_scan_matches_rapidocr() {
    check("scan_8071_093");
}

/// The engine as the pipeline loads it reads a turned line again as
/// detected and keeps the better-scored reading: on a form, every line of
/// RapidOCR's is still there, in the same place, read the same or scoring
/// higher, and some read better; a line RapidOCR dropped for its low score
/// may come back (here a line of the form's confidentiality notice, which
/// RapidOCR turned over, read as garbage and dropped).
#[test]
fn turned_lines_read_again_score_higher_than_rapidocrs() {
    common::init();
    let engine = OcrEngine::new(&small_models(), 2).expect("ocr models load");
    let mut changed = Vec::new();
    for name in ["funsd_82092117", "sroie_000", "phototest_rotated_180"] {
        let (expected, img) = self::expected("ocr_expected", name);
        let got = engine.recognize(&img).expect("ocr runs");
        for e in &expected.lines {
            let g = got.iter().find(|g| max_corner_deviation(&g.quad, &e.quad) <= CORNER_TOLERANCE);
            let g = g.unwrap_or_else(|| panic!("{name}: RapidOCR's {:?} is lost", e.text));
            if g.text != e.text {
                assert!(
                    g.score > e.score,
                    "{name}: {:?} {} scores below {:?} {}",
                    g.text,
                    g.score,
                    e.text,
                    e.score
                );
                changed.push(format!("{name}: {:?} -> {:?}", e.text, g.text));
            }
        }
        for g in got.iter().filter(|g| {
            !expected.lines.iter().any(|e| max_corner_deviation(&g.quad, &e.quad) <= CORNER_TOLERANCE)
        }) {
            changed.push(format!("{name}: new {:?}", g.text));
        }
    }
    eprintln!("{}", changed.join("\n"));
    assert!(changed.iter().any(|c| c.starts_with("funsd_82092117")), "no turned line of the form read again");
    // A page truly upside down is turned as a whole and read as RapidOCR does.
    assert!(!changed.iter().any(|c| c.starts_with("phototest_rotated_180")), "{changed:?}");
}

#[test]
fn tiny_models_match_rapidocr() {
    for name in ["phototest", "eurotext", "sroie_000", "funsd_82092117", "old_newspaper"] {
        check_with(tiny_engine(), "ocr_expected_tiny", name);
    }
}

/// The folder (under tests/data) of the int8 reference for this CPU.
///
/// ONNX Runtime's int8 convolutions (MLAS's uint8 x int8 kernels, chosen at
/// load time from CPUID) add in one of two ways. With VNNI (`vpdpbusd`) the
/// products are summed exactly in 32 bits; without it (`vpmaddubsw`, the AVX2
/// and AVX-512 core kernels) each pair of products is first summed in a
/// saturating 16-bit integer. The derived model's weights are 7-bit
/// (`scripts/quantize_rec.py`, `reduce_range`), so a pair is at most
/// 255 * 64 * 2 = 32,640 <= 32,767: nothing saturates, and the AVX2, AVX-512
/// and VNNI kernels compute the same integers. (With 8-bit weights,
/// 255 * 127 * 2 overflowed, and CPUs without VNNI needed a second set.)
///
/// CPUs with AMX (`amx_int8`: Intel Sapphire Rapids and later), where MLAS
/// takes its AMX kernels, read a few lines otherwise: RapidOCR itself,
/// with the same ONNX Runtime 1.31.1 and model file, read 3 of sroie_000's
/// 45 lines, 4 of funsd_82092117's 39 and 6 of old_newspaper's 179
/// differently there than on an AMD Zen 5 (VNNI, no AMX), where the first
/// set was recorded. So those CPUs have their own set,
/// `ocr_expected_int8_amx`, recorded by the same script on one of them
/// (`scripts/ocr_reference.py --int8 --out …`). Which of AMX's differences
/// moves the readings is not established, only that the two kinds of
/// machine differ and that each matches RapidOCR on its own kind. The CPU
/// flags do not tell the kinds apart: an AMD EPYC with AVX-512 VNNI and
/// AVX-VNNI but no AMX (the eighteenth session's machine) reads as the AMX
/// machine does (sroie_000: 0 of 45 lines otherwise against that set, 3
/// against the Zen 5 one). So each set is tried with its own tolerances,
/// the one the flags point to first, and the engine must match one of
/// them: RapidOCR's reading on one of the two kinds of x86 CPU.
///
/// The share of lines the engine may read otherwise than RapidOCR with the
/// int8 model, as measured against each set: 3 % against the Zen 5 set; on
/// the AMX machine, against its own set, 6 of old_newspaper's 179 lines
/// (3.4 %; 7 of 4,351 characters, well inside the 1 % character limit,
/// which is the same for both), hence 4 %.
fn int8_references() -> [(&'static str, f64); 2] {
    const ZEN5: (&str, f64) = ("ocr_expected_int8", 0.03);
    const AMX: (&str, f64) = ("ocr_expected_int8_amx", 0.04);
    if cpu_has("amx_int8") {
        [AMX, ZEN5]
    } else {
        [ZEN5, AMX]
    }
}

/// Whether the CPU reports `flag` in /proc/cpuinfo (Linux; elsewhere no).
fn cpu_has(flag: &str) -> bool {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find(|l| l.starts_with("flags")).map(|l| l.split_whitespace().any(|f| f == flag))
        })
        .unwrap_or(false)
}

/// The int8 recogniser (derived by `scripts/quantize_rec.py`) reads as
/// RapidOCR's own code does with the same model file. Not line for line as
/// the float models: the crops of both sides differ by a grey level here and
/// there (which moves the float models' scores by less than 1e-5), and the
/// int8 model, whose activations snap to 256 levels, turns that into score
/// changes of up to 0.045 and, on a few lines in a hundred, into another
/// reading of one to three characters. Same lines and boxes, then; at most
/// 3 % of the lines (4 % against the AMX set: [`int8_references`]) and 1 % of the
/// characters read otherwise; the other
/// scores within 0.08. Against RapidOCR with the same model
/// ([`int8_reference`]).
#[test]
fn int8_recogniser_matches_rapidocr() {
    let against = |dir: &str, line_share: f64| -> Result<(), String> {
        for name in ["phototest", "eurotext", "sroie_000", "funsd_82092117", "old_newspaper"] {
            let (expected, img) = expected(dir, name);
            let got = int8_engine().recognize(&img).expect("ocr runs");
            if got.len() != expected.lines.len() {
                return Err(format!("{name}: {} lines, {} expected", got.len(), expected.lines.len()));
            }
            let (mut edits, mut chars, mut differ, mut max_score) = (0, 0, 0, 0f32);
            for (g, e) in got.iter().zip(&expected.lines) {
                let dev = max_corner_deviation(&g.quad, &e.quad);
                if dev > CORNER_TOLERANCE {
                    return Err(format!("{name}: {:?} box off by {dev} px", g.text));
                }
                let (a, b): (Vec<char>, Vec<char>) = (g.text.chars().collect(), e.text.chars().collect());
                edits += levenshtein(&a, &b);
                chars += b.len();
                if g.text == e.text {
                    max_score = max_score.max((g.score - e.score).abs());
                } else {
                    differ += 1;
                }
            }
            eprintln!(
                "{dir}/{name}: {} lines, {differ} read otherwise ({edits} of {chars} characters), \
                 max score difference {max_score:.5}",
                got.len()
            );
            if differ as f64 > line_share * got.len() as f64 {
                return Err(format!("{name}: {differ} lines read otherwise"));
            }
            if edits as f64 > 0.01 * chars as f64 {
                return Err(format!("{name}: {edits} characters read otherwise"));
            }
            if max_score > 0.08 {
                return Err(format!("{name}: scores differ by up to {max_score}"));
            }
        }
        Ok(())
    };
    let tried: Vec<(&str, Result<(), String>)> =
        int8_references().into_iter().map(|(dir, share)| (dir, against(dir, share))).collect();
    assert!(tried.iter().any(|(_, r)| r.is_ok()), "no int8 reference matches: {tried:?}");
}

/// The cascade finds the same lines as the small models (same detector) and
/// reads them as its second pass, the int8 small recogniser, does alone, but
/// for a few characters where the tiny one was sure and differs. The second
/// pass's reading is RapidOCR's with the int8 model
/// ([`int8_references`]: the set the int8 recogniser matches on this
/// machine). (How the int8 recogniser compares with the float
/// one is measured on the OCR suite: `docs/BENCHMARKS.md`.)
///
/// The limits are per image, from measurement. The newspaper's was set for
/// the 8-bit-weight model (6 of 4,520 characters, limit 0.2 %); the
/// 7-bit-weight model that replaced it (the same on every x86 CPU) differs
/// by 13 of 4,527: 6 where the engine's int8 reading and RapidOCR's differ
/// (allowed by the int8 parity test above), 5 where the tiny first pass was
/// sure and reads otherwise, 2 for a faint line the cascade keeps. Its
/// limit is 0.35 %, the measured 0.29 % with room for the float stages'
/// summation order on other x86 kernels.
#[test]
fn cascade_reads_like_its_second_pass() {
    let against = |dir: &str| -> Result<(), String> {
        for (name, max_cer) in [("old_newspaper", 0.0035), ("funsd_82092117", 0.015), ("sroie_000", 0.02)] {
            let (expected, img) = expected(dir, name);
            let got = cascade_engine().recognize(&img).expect("ocr runs");
            let got_text = normalise(got.iter().map(|l| l.text.as_str()));
            let want_text = normalise(expected.lines.iter().map(|l| l.text.as_str()));
            let edits = levenshtein(&got_text, &want_text);
            let cer = edits as f64 / want_text.len() as f64;
            eprintln!(
                "{dir}/{name}: cascade differs from its second pass by {edits} of {} characters",
                want_text.len()
            );
            if cer > max_cer {
                return Err(format!(
                    "{name}: cascade CER {cer:.4} against the small models, above {max_cer}"
                ));
            }
            // Lines the tiny reading keeps can pass the score filter where the
            // small one would not, or the other way round; every other line
            // keeps its box.
            let matched = got
                .iter()
                .filter(|g| {
                    expected.lines.iter().any(|e| max_corner_deviation(&g.quad, &e.quad) <= CORNER_TOLERANCE)
                })
                .count();
            if matched + 2 < expected.lines.len().max(got.len()) {
                return Err(format!("{name}: {matched} of {} lines keep their boxes", got.len()));
            }
        }
        Ok(())
    };
    let tried: Vec<(&str, Result<(), String>)> =
        int8_references().into_iter().map(|(dir, _)| (dir, against(dir))).collect();
    assert!(tried.iter().any(|(_, r)| r.is_ok()), "no int8 reference matches: {tried:?}");
}

/// Lines joined by single spaces, runs of whitespace collapsed.
fn normalise<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<char> {
    let joined: Vec<&str> = lines.into_iter().flat_map(str::split_whitespace).collect();
    joined.join(" ").chars().collect()
}

#[test]
fn phototest_character_error_rate_is_at_most_two_percent() {
    let truth_path = root().join("../shared/corpus/ocr/tesseract-test/phototest.txt");
    let truth = std::fs::read_to_string(&truth_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", truth_path.display()));
    let got =
        engine().recognize(&load("../shared/corpus/ocr/tesseract-test/phototest.tif")).expect("ocr runs");
    let (g, t) = (normalise(got.iter().map(|l: &TextLine| l.text.as_str())), normalise(truth.lines()));
    let cer = levenshtein(&g, &t) as f64 / t.len() as f64;
    eprintln!("phototest CER {:.4} ({} edits over {} chars)", cer, levenshtein(&g, &t), t.len());
    assert!(
        cer <= 0.02,
        "CER {cer:.4} above 2%:\n got  {}\n want {}",
        String::from_iter(&g),
        String::from_iter(&t)
    );
}

#[test]
fn engine_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<OcrEngine>();
}

#[test]
fn runtime_init_is_idempotent_and_missing_models_are_errors() {
    let lib = model(ModelFile::OnnxRuntime);
    init_runtime(&lib).expect("first init");
    init_runtime(&lib).expect("second init is a no-op");
    let mut models = small_models();
    models.rec = models.rec.with_file_name("no-such-model.onnx");
    let err = OcrEngine::new(&models, 1).expect_err("a missing model is an error");
    assert!(
        matches!(err, VisionError::ModelLoad { stage: Stage::TextRecognition, ref path, .. } if path == &models.rec),
        "{err:?}"
    );
    assert!(err.to_string().contains("no-such-model.onnx"), "{err}");
    assert!(err.to_string().contains("text recognition"), "{err}");
}

#[test]
fn blank_and_tiny_images_give_no_lines() {
    let white = image::RgbImage::from_pixel(300, 200, image::Rgb([255, 255, 255]));
    assert!(engine().recognize(&white).expect("ocr runs").is_empty());
    let tiny = image::RgbImage::from_pixel(3, 2, image::Rgb([0, 0, 0]));
    assert!(engine().recognize(&tiny).expect("ocr runs").is_empty());
    let empty = image::RgbImage::new(0, 0);
    assert!(engine().recognize(&empty).expect("ocr runs").is_empty());
}
