//! Parity with pix2tex 0.1.4, the reference implementation of this model:
//! on the formulas in `tests/data/` (rendered by the project with
//! matplotlib's mathtext), the same preprocessed image byte for byte, the
//! encoder's output and the first step's logits within float32 noise, and
//! the same greedy tokens and LaTeX. The golden file is written by
//! `scripts/formula/reference.py reference`, which runs pix2tex's own
//! modules on the same weights (see its header for the venv).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use parasol_formula::{FormulaError, Limits, Recogniser};
use parasol_models::{ModelFile, ModelStore};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The encoder's output, as the largest difference over the largest value:
/// two float32 implementations of ~25 layers (convolutions summed in other
/// orders) differ by about 1e-6 of the range.
const MAX_ENCODED_ERROR: f64 = 1e-4;
/// The first step's logits, likewise (the brief's bound).
const MAX_LOGIT_ERROR: f64 = 1e-4;

fn models_dir() -> PathBuf {
    std::env::var_os("PARASOL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"))
}

fn model_paths() -> (PathBuf, PathBuf) {
    let store = ModelStore::new(models_dir());
    let require = |file| match store.require(file) {
        Ok(path) => path,
        Err(missing) => panic!("{missing} (or set PARASOL_MODELS)"),
    };
    (require(ModelFile::FormulaWeights), require(ModelFile::FormulaTokenizer))
}

/// The model, loaded once for all tests; a missing file fails loudly with
/// the command that fetches it.
fn recogniser() -> &'static Recogniser {
    static REC: OnceLock<Recogniser> = OnceLock::new();
    REC.get_or_init(|| {
        let (weights, tokenizer) = model_paths();
        Recogniser::load(weights, tokenizer).unwrap()
    })
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn reference() -> Vec<Value> {
    let text = std::fs::read_to_string(data("pix2tex_reference.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
}

/// The largest absolute difference between `ours[i * stride]` and
/// `expect[i]`, over the largest absolute expected value.
fn relative_error(ours: &[f32], stride: usize, expect: &[f64]) -> f64 {
    let sample: Vec<f64> = ours.iter().step_by(stride).map(|&v| f64::from(v)).collect();
    assert_eq!(sample.len(), expect.len(), "sample lengths");
    let diff = sample.iter().zip(expect).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    let scale = expect.iter().map(|b| b.abs()).fold(0.0, f64::max);
    diff / scale
}

#[test]
fn every_step_matches_pix2tex() {
    let rec = recogniser();
    let cases = reference();
    assert!(cases.len() >= 6, "the golden file has {} cases", cases.len());
    let mut identical = 0;
    for case in &cases {
        let name = case["image"].as_str().unwrap();
        let image = image::open(data(name)).unwrap().to_luma8();
        let trace = rec.trace(&image).unwrap();

        // The preprocessed image, byte for byte, and its normalised tensor.
        let shape = usizes(&case["input_shape"]);
        let (w, h) = trace.input.dimensions();
        assert_eq!(shape, [1, 1, h as usize, w as usize], "{name}: input shape");
        let sha = format!("{:x}", Sha256::digest(trace.input.as_raw()));
        assert_eq!(sha, case["input_sha256"].as_str().unwrap(), "{name}: preprocessed image");
        let sum: f64 = trace.input_tensor.iter().map(|&v| f64::from(v)).sum();
        let expect_sum = case["input_stats"]["sum"].as_f64().unwrap();
        assert!(
            (sum - expect_sum).abs() <= 1e-6 * expect_sum.abs().max(1.0),
            "{name}: input sum {sum} vs {expect_sum}"
        );

        // The encoder's output.
        let enc_shape = usizes(&case["encoded_shape"]);
        assert_eq!(enc_shape, [1, trace.encoded_shape.0, trace.encoded_shape.1], "{name}: encoder shape");
        let stride = case["encoded_stride"].as_u64().unwrap() as usize;
        let enc_err = relative_error(&trace.encoded, stride, &floats(&case["encoded_sample"]));
        assert!(enc_err <= MAX_ENCODED_ERROR, "{name}: encoder relative error {enc_err:.2e}");

        // The first decoding step.
        let stride = case["first_logits_stride"].as_u64().unwrap() as usize;
        let logit_err = relative_error(&trace.first_logits, stride, &floats(&case["first_logits_sample"]));
        assert!(logit_err <= MAX_LOGIT_ERROR, "{name}: first logits relative error {logit_err:.2e}");

        // The greedy sequence and the LaTeX.
        let tokens: Vec<u32> = usizes(&case["tokens"]).into_iter().map(|t| t as u32).collect();
        assert_eq!(trace.recognition.tokens, tokens, "{name}: tokens");
        assert_eq!(trace.recognition.latex, case["latex"].as_str().unwrap(), "{name}: latex");
        assert!(!trace.recognition.truncated, "{name}: reached [EOS]");
        identical += 1;
        println!(
            "{name}: input {w}x{h}, encoder {:?} rel. error {enc_err:.2e}, logits rel. error {logit_err:.2e}, \
             {} tokens identical: {}",
            trace.encoded_shape,
            tokens.len(),
            trace.recognition.latex
        );
    }
    assert_eq!(identical, cases.len());
}

#[test]
fn latex_is_the_traced_recognition() {
    let rec = recogniser();
    let image = image::open(data("fraction.png")).unwrap().to_luma8();
    assert_eq!(rec.latex(&image).unwrap(), r"\frac{a+b}{c-d}");
}

#[test]
fn the_token_cap_cuts_decoding_short_and_says_so() {
    let (weights, tokenizer) = model_paths();
    let limits = Limits { max_tokens: 4, ..Limits::default() };
    let rec = Recogniser::load(weights, tokenizer).unwrap().with_limits(limits);
    let image = image::open(data("sum.png")).unwrap().to_luma8();
    let read = rec.recognise(&image).unwrap();
    assert_eq!(read.tokens.len(), 4);
    assert!(read.truncated);
    let full = recogniser().recognise(&image).unwrap();
    assert_eq!(read.tokens, full.tokens[..4]);
}

#[test]
fn oversized_and_blank_images_are_typed_errors() {
    let (weights, tokenizer) = model_paths();
    let limits = Limits { max_side: 500, max_pixels: 100_000, ..Limits::default() };
    let rec = Recogniser::load(weights, tokenizer).unwrap().with_limits(limits);
    let wide = image::GrayImage::from_pixel(501, 10, image::Luma([255]));
    assert!(matches!(rec.latex(&wide), Err(FormulaError::TooLarge { width: 501, height: 10, .. })));
    let big = image::GrayImage::from_pixel(400, 400, image::Luma([255]));
    assert!(matches!(rec.latex(&big), Err(FormulaError::TooLarge { .. })));
    let blank = image::GrayImage::from_pixel(100, 40, image::Luma([255]));
    assert!(matches!(rec.latex(&blank), Err(FormulaError::Blank)));
}

#[test]
fn a_missing_model_file_is_an_error_naming_it() {
    let err = Recogniser::load("/nonexistent/pix2tex-weights.pth", "/nonexistent/t.json").unwrap_err();
    assert!(matches!(err, FormulaError::Io { .. }));
    assert!(err.to_string().contains("pix2tex-weights.pth"), "{err}");
}
