//! The real, unmodified Upstage clients against a real `parasol serve`:
//! langchain-upstage 0.7.7 (`UpstageDocumentParseLoader`) and
//! llama-index-readers-upstage, from a venv made with the pinned
//! `tests/clients/requirements.txt` (`tests/clients/setup_venv.sh`, run
//! here; it needs `python3` with `venv` and PyPI). The loader's documents
//! must carry the elements and categories Parasol's own JSON has; the async
//! flow, joined, must equal the synchronous result.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::server::Server;
use common::{os, parasol, path_os, root, tempdir, text_pdf};
use serde_json::Value;

/// The clients' venv, made once (the script skips an up-to-date one).
fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("client-venv");
            let out = Command::new("bash")
                .arg(root().join("tests/clients/setup_venv.sh"))
                .arg(&venv)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "cannot make the clients' venv (python3 with venv and PyPI are needed):\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            venv.join("bin/python")
        })
        .clone()
}

fn run_python(script: &str, args: &[&std::ffi::OsStr]) {
    let out =
        Command::new(python()).arg(root().join("tests/clients").join(script)).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{script} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The documents the tests send: the samples and a 30-page PDF.
fn documents(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["report.pdf", "report-scan.png", "receipt-photo.jpg"]
        .iter()
        .map(|n| root().join("samples").join(n))
        .collect();
    let pages: Vec<Vec<String>> = (1..=30)
        .map(|p| {
            vec![format!("Chapter {p}"), format!("Page {p} says something about dunes."), "- a point".into()]
        })
        .collect();
    let long = dir.join("thirty-pages.pdf");
    std::fs::write(&long, text_pdf(&pages)).unwrap();
    files.push(long);
    files
}

/// Parasol's own JSON for `file` (`parasol convert --format json`).
fn own_json(file: &Path, out: &Path) -> Value {
    let run = parasol(
        &[os("convert"), path_os(file), os("--out"), path_os(out), os("--format"), os("json")],
        std::time::Duration::from_secs(600),
    );
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let name = file.file_stem().unwrap().to_string_lossy().to_string();
    serde_json::from_str(&std::fs::read_to_string(out.join(format!("{name}.json"))).unwrap()).unwrap()
}

/// HTML with element ids blanked: the client sends a long PDF in 10-page
/// pieces, each numbered from 0.
fn without_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(" id='") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 5..];
        let end = after.find('\'').unwrap();
        out.push_str(" id=''");
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// (page, category, html) of every element of Parasol's own JSON.
fn own_elements(v: &Value) -> Vec<(u64, String, String)> {
    v["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["page"].as_u64().unwrap(),
                e["category"].as_str().unwrap().to_string(),
                without_ids(e["content"]["html"].as_str().unwrap()),
            )
        })
        .collect()
}

#[test]
fn langchain_upstage_loader_reads_what_parasol_writes() {
    let dir = tempdir("clients-langchain");
    let files = documents(&dir);
    let own: Vec<Value> = files.iter().map(|f| own_json(f, &dir.join("own"))).collect();
    let server = Server::start(&dir.join("data"), &["--workers", "1", "--api-key", "local-key"]);
    let base = server.url("/v1/document-digitization");
    for split in ["none", "page", "element"] {
        let out = dir.join(format!("langchain-{split}.json"));
        let mut args =
            vec![os("--base-url"), os(&base), os("--api-key"), os("local-key"), os("--split"), os(split)];
        args.extend([os("--out"), path_os(&out)]);
        args.extend(files.iter().map(|f| path_os(f)));
        run_python("langchain_loader.py", &args);
        let results: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(results.len(), files.len());
        for (result, own) in results.iter().zip(&own) {
            let file = result["file"].as_str().unwrap();
            let docs = result["documents"].as_array().unwrap();
            let elements = own_elements(own);
            assert!(!elements.is_empty(), "{file}: Parasol found nothing");
            let content = |d: &Value| without_ids(d["page_content"].as_str().unwrap());
            match split {
                "none" => {
                    assert_eq!(docs.len(), 1, "{file}");
                    let whole: String = elements.iter().map(|(_, _, h)| h.as_str()).collect();
                    assert_eq!(content(&docs[0]), whole, "{file}");
                }
                "page" => {
                    let mut pages: Vec<u64> = elements.iter().map(|e| e.0).collect();
                    pages.dedup();
                    let got: Vec<u64> =
                        docs.iter().map(|d| d["metadata"]["page"].as_u64().unwrap()).collect();
                    assert_eq!(got, pages, "{file}");
                    for d in docs {
                        let page = d["metadata"]["page"].as_u64().unwrap();
                        let want: Vec<&str> =
                            elements.iter().filter(|e| e.0 == page).map(|e| e.2.as_str()).collect();
                        assert_eq!(content(d), want.join(" "), "{file} page {page}");
                    }
                }
                _ => {
                    let got: Vec<(u64, String, String)> = docs
                        .iter()
                        .map(|d| {
                            let m = &d["metadata"];
                            (
                                m["page"].as_u64().unwrap(),
                                m["category"].as_str().unwrap().to_string(),
                                content(d),
                            )
                        })
                        .collect();
                    assert_eq!(got, elements, "{file}");
                }
            }
        }
    }
    // The 30-page PDF went up in three pieces, as pages 1-10, 11-20, 21-30.
    let results: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("langchain-page.json")).unwrap()).unwrap();
    assert_eq!(results[3]["documents"].as_array().unwrap().len(), 30);
}

#[test]
fn llama_index_reader_reads_the_samples() {
    let dir = tempdir("clients-llamaindex");
    let files = documents(&dir);
    let server = Server::start(&dir.join("data"), &["--workers", "1"]);
    // Its default endpoint is Upstage's old path: users change only the host.
    let base = server.url("/v1/document-ai/document-parse");
    let out = dir.join("llamaindex.json");
    let mut args = vec![os("--base-url"), os(&base), os("--api-key"), os(""), os("--split"), os("element")];
    args.extend([os("--out"), path_os(&out)]);
    args.extend(files[..3].iter().map(|f| path_os(f)));
    run_python("llamaindex_reader.py", &args);
    let results: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    for (result, file) in results.iter().zip(&files) {
        let own = own_elements(&own_json(file, &dir.join("own")));
        let docs = result["documents"].as_array().unwrap();
        let categories: Vec<&str> =
            docs.iter().map(|d| d["metadata"]["category"].as_str().unwrap()).collect();
        let want: Vec<&str> = own.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(categories, want, "{}", file.display());
    }
}

#[test]
fn async_flow_over_raw_http_equals_the_synchronous_result() {
    let dir = tempdir("clients-async");
    let files = documents(&dir);
    let server = Server::start(&dir.join("data"), &["--workers", "1"]);
    for file in [&files[3], &files[1]] {
        let out = dir.join("async.json");
        run_python(
            "async_flow.py",
            &[
                path_os(file),
                os("--base-url"),
                os(&server.base),
                os("--out"),
                path_os(&out),
                os("--require-equal"),
            ],
        );
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["comparison"]["equal"], true, "{}", v["comparison"]);
    }
}

#[test]
fn openai_client_chats_about_a_parsed_document() {
    let dir = tempdir("clients-openai");
    let server = Server::start(&dir.join("data"), &["--workers", "1"]);
    let pdf = std::fs::read(root().join("samples/report.pdf")).unwrap();
    let r = common::server::post_form(&server.url("/v1/document-digitization/async"), None, &[], Some(&pdf));
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["request_id"].as_str().unwrap().to_string();
    let job = common::server::wait_for_job(&server, &id, None, std::time::Duration::from_secs(300));
    assert_eq!(job["status"], "completed");
    let out = dir.join("openai.json");
    run_python(
        "openai_chat.py",
        &[os("--base-url"), os(&server.url("/v1")), os("--document"), os(&id), os("--out"), path_os(&out)],
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["models"], serde_json::json!(["solar-mini"]));
    // The job's elements, which every citation must name.
    let url = job["batches"][0]["download_url"].as_str().unwrap();
    let result: Value = common::server::get(url, None).json();
    let ids: Vec<(u64, u64)> = result["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_u64().unwrap(), e["page"].as_u64().unwrap()))
        .collect();
    for answer in [&v["plain"], &v["streamed"]] {
        assert!(!answer["content"].as_str().unwrap().trim().is_empty(), "{answer}");
        assert!(matches!(answer["finish_reason"].as_str(), Some("stop" | "length")), "{answer}");
        for c in answer["citations"].as_array().unwrap_or_else(|| panic!("no citations field: {answer}")) {
            let cited = (c["element_id"].as_u64().unwrap(), c["page"].as_u64().unwrap());
            assert!(ids.contains(&cited), "{c} names no element of the document");
            assert_eq!(c["document"].as_str(), Some(id.as_str()));
        }
    }
    assert!(v["streamed"]["chunks"].as_u64().unwrap() >= 3, "{}", v["streamed"]);
    assert!(v["plain"]["usage"]["total_tokens"].as_u64().unwrap() > 100, "{}", v["plain"]);
}
