//! `parasol ask`: a question about a document answered by the built-in
//! engine, with citations that name real elements of that document, and
//! clear errors where there is nothing to ask about.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use std::process::Command;

use common::{models, root, tempdir};
use serde_json::Value;

fn ask(file: &std::path::Path, question: &str, cache: &std::path::Path) -> std::process::Output {
    ask_with(file, question, cache, &[])
}

fn ask_with(
    file: &std::path::Path,
    question: &str,
    cache: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_parasol"))
        .args(["ask", "--json", "--max-tokens", "48"])
        .args(args)
        .arg(file)
        .arg(question)
        .env("PARASOL_MODELS", models())
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

#[test]
fn citations_name_elements_of_the_document_and_the_parse_is_cached() {
    let dir = tempdir("ask");
    let file = root().join("samples/report.pdf");
    let out = ask(&file, "When is the final report expected?", &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!answer["text"].as_str().unwrap().is_empty(), "{answer}");
    assert!(answer["uncited"].is_boolean() && answer["abstained"].is_boolean());
    let cached: Vec<_> =
        std::fs::read_dir(dir.join("parasol/documents")).unwrap().map(|e| e.unwrap().path()).collect();
    let with = |ext: &str| cached.iter().filter(|p| p.to_string_lossy().ends_with(ext)).collect::<Vec<_>>();
    assert_eq!((with(".json").len(), with(".vectors").len(), cached.len()), (1, 1, 2), "{cached:?}");
    let doc: parasol_doc::Document =
        serde_json::from_slice(&std::fs::read(with(".json")[0]).unwrap()).unwrap();
    for c in answer["citations"].as_array().unwrap() {
        let id = c["element_id"].as_u64().unwrap() as usize;
        let e = doc.elements.iter().find(|e| e.id == id).unwrap_or_else(|| panic!("no element {id}"));
        assert_eq!(c["page"].as_u64(), Some(e.page as u64));
    }
    // Asking again reuses the parse and the passage vectors: neither file is written again.
    let written = |p: &std::path::Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let before = (written(with(".json")[0]), written(with(".vectors")[0]));
    let again = ask(&file, "Who funded the survey?", &dir);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!((written(with(".json")[0]), written(with(".vectors")[0])), before);
}

/// Qwen2.5-Coder-1.5B is first asked whether the passages hold the
/// answer (`qa::judge`): a question the report cannot answer gets the
/// abstention, never generated; one it answers gets a cited answer.
#[test]
fn the_judge_keeps_answers_the_passages_hold_and_stops_the_rest() {
    let dir = tempdir("ask-judge");
    let file = root().join("samples/report.pdf");
    let qwen = ["--model", "qwen"];
    let out = ask_with(&file, "What is the capital of Peru?", &dir, &qwen);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("judged not to answer the question"), "{stderr}");
    let none: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(none["text"], "The document does not say.", "{none}");
    assert_eq!(
        (none["abstained"].as_bool(), none["citations"].as_array().map(Vec::len)),
        (Some(true), Some(0))
    );
    assert!(none.get("withheld").is_none(), "nothing was generated to withhold: {none}");

    let out = ask_with(&file, "When is the final report expected?", &dir, &qwen);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["abstained"], false, "{answer}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(!answer["citations"].as_array().unwrap().is_empty(), "{answer}");
}

#[test]
fn a_document_without_text_says_so() {
    let dir = tempdir("ask-blank");
    let blank = dir.join("blank.png");
    image::RgbImage::from_pixel(400, 300, image::Rgb([255, 255, 255])).save(&blank).unwrap();
    let out = ask(&blank, "What does it say?", &dir);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no text to search"), "{stderr}");
}

#[test]
fn a_chat_answers_each_question_and_keeps_its_commands() {
    use std::io::Write;
    let dir = tempdir("chat");
    let mut child = Command::new(env!("CARGO_BIN_EXE_parasol"))
        .args(["chat", "--max-tokens", "24"])
        .arg(root().join("samples/report.pdf"))
        .env("PARASOL_MODELS", models())
        .env("XDG_CACHE_HOME", &dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let input = "When is the final report expected?\n/sources\nAnd who thanked the volunteers?\n/reset\n";
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    // Two answers, the sources line(s) of the first, the reset notice.
    assert!(lines.len() >= 4, "{text}");
    assert_eq!(*lines.last().unwrap(), "(conversation reset)", "{text}");
    // The first answer's sources: "[n] page P, element E: quote" lines, or the notice.
    let source = |l: &str| {
        l.strip_prefix('[')
            .and_then(|r| r.split_once("] page "))
            .is_some_and(|(n, rest)| n.parse::<usize>().is_ok() && rest.contains(", element "))
    };
    assert!(
        lines.iter().any(|l| *l == "(no sources cited)" || source(l)),
        "/sources printed nothing: {text}"
    );
}
