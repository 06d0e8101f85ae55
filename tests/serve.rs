//! `parasol serve` over real HTTP: every refusal has its status and JSON
//! error body and stores nothing; jobs are the caller's own; async batches
//! joined equal the synchronous result; the operations endpoints answer.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use std::time::Duration;

use common::server::{files_under, get, post_form, wait_for_job, Server};
use common::{corpus, root, tempdir, text_pdf};
use parasol_doc::upstage::UpstageResponse;

const KEY: &str = "test-key-1";
const OTHER_KEY: &str = "test-key-2";
const SYNC: &str = "/v1/document-digitization";
const ASYNC: &str = "/v1/document-digitization/async";

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(root().join("samples").join(name)).unwrap()
}

/// A born-digital PDF of `pages` pages, each with a heading and a line.
fn long_pdf(pages: usize) -> Vec<u8> {
    let pages: Vec<Vec<String>> =
        (1..=pages).map(|p| vec![format!("Section {p}"), format!("This is the text of page {p}.")]).collect();
    text_pdf(&pages)
}

/// What the data directory holds that a request could have written.
fn stored(server: &Server) -> Vec<std::path::PathBuf> {
    let mut files = files_under(&server.data_dir.join("documents"));
    files.extend(files_under(&server.data_dir.join("results")));
    files.extend(files_under(&server.data_dir.join("tmp")));
    files
}

#[test]
fn every_refusal_has_its_status_a_json_error_and_stores_nothing() {
    let dir = tempdir("serve-refusals");
    let server = Server::start(
        &dir,
        &["--workers", "1", "--api-key", KEY, "--max-upload-mib", "1", "--max-queued-jobs", "2"],
    );
    let sync = server.url(SYNC);
    let pdf = sample("report.pdf");
    let hostile = corpus().join("hostile");
    let check = |r: &common::server::Reply, status: u16, code: &str| {
        assert_eq!(r.status, status, "{}", r.body);
        assert_eq!(r.error_code(), code, "{}", r.body);
        assert!(!r.body.contains(&*server.data_dir.to_string_lossy()), "a path leaked: {}", r.body);
        assert!(stored(&server).is_empty(), "a refused request left {:?}", stored(&server));
    };

    // 401: no key, a wrong key.
    check(&post_form(&sync, None, &[], Some(&pdf)), 401, "invalid_api_key");
    check(&post_form(&sync, Some("wrong"), &[], Some(&pdf)), 401, "invalid_api_key");
    check(&get(&server.url("/v1/document-digitization/requests"), None), 401, "invalid_api_key");

    // 400: no document; a bad option, named.
    check(&post_form(&sync, Some(KEY), &[("ocr", "auto")], None), 400, "missing_document");
    let r = post_form(&sync, Some(KEY), &[("ocr", "always")], Some(&pdf));
    check(&r, 400, "invalid_parameter");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("ocr"), "{}", r.body);
    let r = post_form(&sync, Some(KEY), &[("output_formats", "['html', 'pdf']")], Some(&pdf));
    check(&r, 400, "invalid_parameter");
    assert!(r.body.contains("pdf"), "{}", r.body);
    check(&post_form(&sync, Some(KEY), &[("dpi", "5")], Some(&pdf)), 400, "invalid_parameter");
    check(&post_form(&sync, Some(KEY), &[("no_such_option", "1")], Some(&pdf)), 400, "invalid_parameter");

    // 413: over the upload limit; over the synchronous page limit.
    let big = vec![b'%'; (1 << 20) + 10];
    check(&post_form(&sync, Some(KEY), &[], Some(&big)), 413, "upload_too_large");
    let r = post_form(&sync, Some(KEY), &[], Some(&long_pdf(101)));
    check(&r, 413, "too_many_pages");
    assert!(r.body.contains("/async"), "the message should point at the async endpoint: {}", r.body);

    // 415: not a document, by content (the name says nothing).
    check(
        &post_form(&sync, Some(KEY), &[], Some(b"just some text, not a PDF")),
        415,
        "unsupported_document_type",
    );

    // 422: encrypted, without and with a wrong password.
    let encrypted = std::fs::read(hostile.join("pdfjs/encrypted/issue6010_1.pdf")).unwrap();
    check(&post_form(&sync, Some(KEY), &[], Some(&encrypted)), 422, "password_required");
    check(&post_form(&sync, Some(KEY), &[("password", "nope")], Some(&encrypted)), 422, "wrong_password");

    // 429: the queue holds two jobs; the third is refused with Retry-After.
    // (Read by OCR, the first is still running when the third comes.)
    let scan = sample("report.pdf");
    let mut accepted = Vec::new();
    for _ in 0..2 {
        let r = post_form(&server.url(ASYNC), Some(KEY), &[("ocr", "force")], Some(&scan));
        assert_eq!(r.status, 200, "{}", r.body);
        accepted.push(r.json()["request_id"].as_str().unwrap().to_string());
    }
    let before = stored(&server);
    let r = post_form(&server.url(ASYNC), Some(KEY), &[], Some(&scan));
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.error_code(), "queue_full");
    assert!(r.header("retry-after").is_some_and(|v| v.parse::<u64>().is_ok()), "{:?}", r.headers);
    let listed = get(&server.url("/v1/document-digitization/requests"), Some(KEY)).json();
    assert_eq!(listed["requests"].as_array().unwrap().len(), 2, "only the accepted jobs exist");
    assert!(stored(&server).len() <= before.len(), "the refused job stored something");

    // Jobs are their owner's: another key sees none of them.
    for id in &accepted {
        let theirs = get(&server.url(&format!("/v1/document-digitization/requests/{id}")), Some(OTHER_KEY));
        assert_eq!(theirs.status, 401, "{}", theirs.body);
    }
    for id in &accepted {
        let job = wait_for_job(&server, id, Some(KEY), Duration::from_secs(300));
        assert_eq!(job["status"], "completed", "{job}");
    }
}

#[test]
fn jobs_of_one_key_are_invisible_to_another() {
    let dir = tempdir("serve-owners");
    let server = Server::start(&dir, &["--workers", "1", "--api-key", &format!("{KEY},{OTHER_KEY}")]);
    let r = post_form(&server.url(ASYNC), Some(KEY), &[], Some(&sample("report.pdf")));
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["request_id"].as_str().unwrap().to_string();
    let path = format!("/v1/document-digitization/requests/{id}");
    let theirs = get(&server.url(&path), Some(OTHER_KEY));
    assert_eq!((theirs.status, theirs.error_code()), (404, "not_found".to_string()));
    let listed = get(&server.url("/v1/document-digitization/requests"), Some(OTHER_KEY)).json();
    assert!(listed["requests"].as_array().unwrap().is_empty(), "{listed}");
    let job = wait_for_job(&server, &id, Some(KEY), Duration::from_secs(300));
    assert_eq!(job["status"], "completed", "{job}");
    // A link is bound to its job, batch and expiry.
    let url = job["batches"][0]["download_url"].as_str().unwrap();
    assert_eq!(get(url, None).status, 200);
    let forged = url.replace("/batches/0?", "/batches/1?");
    let r = get(&forged, None);
    assert_eq!((r.status, r.error_code()), (403, "invalid_link".to_string()));
    let extended = url.replace("expires=", "expires=9");
    assert_eq!(get(&extended, None).status, 403);
}

#[test]
fn async_batches_joined_equal_the_synchronous_result() {
    let dir = tempdir("serve-async");
    let server = Server::start(&dir, &["--workers", "1"]);
    let doc = long_pdf(23);
    let fields = [("output_formats", "['html', 'markdown', 'text']")];
    let r = post_form(&server.url(ASYNC), None, &fields, Some(&doc));
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["request_id"].as_str().unwrap().to_string();
    let job = wait_for_job(&server, &id, None, Duration::from_secs(600));
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!((job["total_pages"].as_u64(), job["completed_pages"].as_u64()), (Some(23), Some(23)));
    assert_eq!(job["failure_message"], "");
    let batches = job["batches"].as_array().unwrap();
    let spans: Vec<(u64, u64)> = batches
        .iter()
        .map(|b| (b["start_page"].as_u64().unwrap(), b["end_page"].as_u64().unwrap()))
        .collect();
    assert_eq!(spans, [(1, 10), (11, 20), (21, 23)]);
    let parts: Vec<UpstageResponse> = batches
        .iter()
        .map(|b| {
            assert_eq!(b["status"], "completed");
            let r = get(b["download_url"].as_str().unwrap(), None);
            assert_eq!(r.status, 200, "{}", r.body);
            serde_json::from_str(&r.body).unwrap()
        })
        .collect();
    let joined = UpstageResponse::join(parts).unwrap();
    let sync = post_form(&server.url(SYNC), None, &fields, Some(&doc));
    assert_eq!(sync.status, 200, "{}", sync.body);
    let sync: UpstageResponse = serde_json::from_str(&sync.body).unwrap();
    assert_eq!(joined, sync);
    assert_eq!(sync.usage.pages, 23);
    let ids: Vec<usize> = sync.elements.iter().map(|e| e.id).collect();
    assert_eq!(ids, (0..ids.len()).collect::<Vec<_>>());
    assert!(sync.content.text.contains("This is the text of page 23."));

    // Results stay: fetching again works (they expire by time, not by fetch).
    let again = wait_for_job(&server, &id, None, Duration::from_secs(5));
    assert_eq!(get(again["batches"][2]["download_url"].as_str().unwrap(), None).status, 200);
}

#[test]
fn operations_endpoints_answer() {
    let dir = tempdir("serve-ops");
    let server = Server::start(&dir, &["--workers", "1"]);
    let health = get(&server.url("/health"), None);
    assert_eq!((health.status, health.json()["status"].as_str()), (200, Some("ok")));
    assert_eq!(get(&server.url("/ready"), None).status, 200);
    assert!(health.header("x-request-id").is_some(), "every answer carries a request id");

    // Upstage's fields as langchain-upstage sends them, on the legacy route too.
    let fields = [
        ("model", "document-parse"),
        ("ocr", "auto"),
        ("output_formats", "['markdown']"),
        ("coordinates", "False"),
        ("base64_encoding", "[\"figure\"]"),
        ("chart_recognition", "True"),
    ];
    for route in [SYNC, "/v1/document-ai/document-parse"] {
        let r = post_form(&server.url(route), None, &fields, Some(&sample("report.pdf")));
        assert_eq!(r.status, 200, "{}", r.body);
        let v: UpstageResponse = serde_json::from_str(&r.body).unwrap();
        assert!(v.content.html.is_empty() && !v.content.markdown.is_empty());
        assert!(v.elements.iter().all(|e| e.coordinates.is_empty() && e.content.html.is_empty()));
        assert!(v
            .elements
            .iter()
            .all(|e| e.base64_encoding.is_none() || e.category == parasol_doc::Category::Figure));
    }

    let metrics = get(&server.url("/metrics"), None);
    assert_eq!(metrics.status, 200);
    for name in [
        "parasol_http_requests_total{route=\"/v1/document-digitization\",status=\"200\"} 1",
        "parasol_pages_converted_total",
        "parasol_conversion_seconds_bucket",
        "parasol_queue_depth",
        "parasol_worker_restarts_total",
    ] {
        assert!(metrics.body.contains(name), "/metrics lacks {name}:\n{}", metrics.body);
    }
    let openapi = get(&server.url("/openapi.json"), None).json();
    for path in [SYNC, ASYNC, "/v1/document-digitization/requests/{id}"] {
        assert!(openapi["paths"][path].is_object(), "/openapi.json lacks {path}");
    }
    let docs = get(&server.url("/docs/"), None);
    assert_eq!(docs.status, 200);
    assert!(!docs.body.contains("https://"), "the docs page must not load anything from the network");
    let unknown = get(&server.url("/nowhere"), None);
    assert_eq!((unknown.status, unknown.error_code()), (404, "not_found".to_string()));
}

/// `parasol_pages_converted_total` from `/metrics`.
fn pages_converted(server: &Server) -> u64 {
    let m = get(&server.url("/metrics"), None).body;
    let line = m.lines().find(|l| l.starts_with("parasol_pages_converted_total ")).unwrap();
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn a_client_that_hangs_up_cancels_its_conversion() {
    use std::io::Write;
    let dir = tempdir("serve-disconnect");
    let server = Server::start(&dir, &["--workers", "1"]);
    let workers = server.workers();
    // Thirty pages read by OCR, sent by hand so that the connection can be dropped.
    let pages: Vec<Vec<String>> = (1..=30).map(|p| vec![format!("Page {p} of a long document")]).collect();
    let doc = text_pdf(&pages);
    let boundary = "hangup";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"ocr\"\r\n\r\nforce\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"document\"; filename=\"d.pdf\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&doc);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST {SYNC} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
    let start = std::time::Instant::now();
    while pages_converted(&server) < 1 {
        assert!(start.elapsed() < Duration::from_secs(300), "the conversion never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(stream);
    // The conversion stops within a page or two; the worker survives it.
    let mut last = pages_converted(&server);
    let mut stable_since = std::time::Instant::now();
    while stable_since.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(250));
        let now = pages_converted(&server);
        if now != last {
            (last, stable_since) = (now, std::time::Instant::now());
        }
        assert!(start.elapsed() < Duration::from_secs(120), "pages kept coming: {now}");
    }
    assert!(last < 30, "all {last} pages were converted for nobody");
    assert_eq!(server.workers(), workers, "the worker was replaced instead of cancelled");
    let r = post_form(&server.url(SYNC), None, &[], Some(&sample("report.pdf")));
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn a_terminated_server_requeues_its_running_job_and_the_next_one_finishes_it() {
    let dir = tempdir("serve-sigterm");
    let mut server = Server::start(&dir, &["--workers", "1", "--shutdown-grace", "1"]);
    let doc = long_pdf(25);
    let r = post_form(&server.url(ASYNC), None, &[("ocr", "force")], Some(&doc));
    let id = r.json()["request_id"].as_str().unwrap().to_string();
    let start = std::time::Instant::now();
    loop {
        let v = get(&server.url(&format!("/v1/document-digitization/requests/{id}")), None).json();
        if v["completed_pages"].as_u64().unwrap_or(0) >= 1 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(300), "the job never started: {v}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = server.terminate(Duration::from_secs(60));
    assert!(status.success(), "{status:?}\n{}", server.log());
    let server = Server::start(&dir, &["--workers", "1"]);
    let job = wait_for_job(&server, &id, None, Duration::from_secs(600));
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["completed_pages"].as_u64(), Some(25));
}

fn post_json(url: &str, body: &serde_json::Value) -> common::server::Reply {
    let agent =
        ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build());
    let mut r =
        agent.post(url).header("Content-Type", "application/json").send(body.to_string().as_bytes()).unwrap();
    let status = r.status().as_u16();
    let body = r.body_mut().read_to_string().unwrap();
    common::server::Reply { status, headers: Vec::new(), body }
}

#[test]
fn chat_refuses_what_it_cannot_answer_from() {
    let dir = tempdir("serve-chat");
    let server = Server::start(&dir, &["--workers", "1"]);
    let chat = server.url("/v1/chat/completions");
    let ask = |documents: serde_json::Value, content: &str| {
        post_json(
            &chat,
            &serde_json::json!({"model": "solar-mini", "messages": [{"role": "user", "content": content}], "documents": documents}),
        )
    };
    // A job that does not exist; one that failed; one not finished yet.
    let r = ask(serde_json::json!(["no-such-job"]), "Hello?");
    assert_eq!((r.status, r.error_code()), (404, "not_found".to_string()), "{}", r.body);
    let failed = post_form(&server.url(ASYNC), None, &[], Some(b"%PDF-1.7 broken"));
    let failed_id = failed.json()["request_id"].as_str().unwrap().to_string();
    assert_eq!(wait_for_job(&server, &failed_id, None, Duration::from_secs(120))["status"], "failed");
    let r = ask(serde_json::json!([failed_id]), "Hello?");
    assert_eq!((r.status, r.error_code()), (409, "conflict".to_string()), "{}", r.body);
    assert!(r.body.contains("failed"), "{}", r.body);
    // A blank page: nothing to search.
    let blank = {
        let mut png = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(300, 200, image::Rgb([255, 255, 255]))
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        png.into_inner()
    };
    let blank_id = post_form(&server.url(ASYNC), None, &[], Some(&blank)).json()["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(wait_for_job(&server, &blank_id, None, Duration::from_secs(120))["status"], "completed");
    let r = ask(serde_json::json!([blank_id]), "What does it say?");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("no text to search"), "{}", r.body);
    // A conversation longer than the model's context: a clear error, not a truncated answer.
    let r = ask(serde_json::json!([]), &"many words ".repeat(3000));
    assert_eq!((r.status, r.error_code()), (400, "invalid_parameter".to_string()), "{}", r.body);
    assert!(r.body.contains("context"), "{}", r.body);
    // An unknown model.
    let r = post_json(
        &chat,
        &serde_json::json!({"model": "gpt-4", "messages": [{"role": "user", "content": "Hi"}]}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    // Plain chat without a document answers.
    let r = post_json(
        &chat,
        &serde_json::json!({"model": "solar-mini", "max_tokens": 8, "messages": [{"role": "user", "content": "What is the capital of France?"}]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["object"], "chat.completion");
    assert!(!v["choices"][0]["message"]["content"].as_str().unwrap().is_empty(), "{v}");
}

/// With Qwen (which has a judge threshold), a chat about a document whose
/// passages do not hold the answer gets the abstention, never generated:
/// no completion tokens, no citations; one they hold is answered and cited.
#[test]
fn chat_with_a_judge_abstains_when_the_passages_do_not_hold_the_answer() {
    let dir = tempdir("serve-judge");
    let server = Server::start(&dir, &["--workers", "1", "--chat-model", "qwen"]);
    let pdf = std::fs::read(root().join("samples/report.pdf")).unwrap();
    let id = post_form(&server.url(ASYNC), None, &[], Some(&pdf)).json()["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(wait_for_job(&server, &id, None, Duration::from_secs(300))["status"], "completed");
    let ask = |content: &str| {
        let r = post_json(
            &server.url("/v1/chat/completions"),
            &serde_json::json!({"model": "solar-mini", "max_tokens": 48, "documents": [id],
                                "messages": [{"role": "user", "content": content}]}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    };
    let none = ask("What is the capital of Peru?");
    assert_eq!(none["choices"][0]["message"]["content"], "The document does not say.", "{none}");
    assert_eq!(none["usage"]["completion_tokens"], 0, "{none}");
    assert_eq!(none["citations"], serde_json::json!([]), "{none}");
    let answered = ask("When is the final report expected?");
    assert!(answered["usage"]["completion_tokens"].as_u64().unwrap() > 0, "{answered}");
    assert!(!answered["citations"].as_array().unwrap().is_empty(), "{answered}\n{}", server.log());
}
