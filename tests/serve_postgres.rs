//! Several `parasol serve` replicas on one real PostgreSQL (a cluster of
//! its own per test, see `common::postgres`): jobs submitted to any replica
//! are converted once, by any, and answered by every one; a replica killed
//! holding a job loses it to another after the lease; PostgreSQL restarted
//! mid-run loses nothing; a replica refuses a schema newer than it knows.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{get, post_form, Server};
use common::{os, parasol, tempdir, text_pdf};
use parasol_server::store::{BatchOutput, Completion, JobStore, NewJob, PgStore, SWEEP_LOCK};
use serde_json::Value;

const KEY: &str = "replica-key-1";
const OTHER_KEY: &str = "replica-key-2";
const SECRET: &str = "a secret the replicas share";
const ASYNC: &str = "/v1/document-digitization/async";

/// `parasol serve` on `pg`, with the replicas' shared settings.
fn replica(pg: &Postgres, name: &str, extra: &[&str]) -> Server {
    let url = pg.url();
    let keys = format!("{KEY},{OTHER_KEY}");
    let mut args = vec!["--store", &url, "--signing-secret", SECRET, "--api-key", &keys, "--workers", "1"];
    args.extend_from_slice(extra);
    Server::start(&tempdir(name), &args)
}

fn submit(server: &Server, doc: &[u8], fields: &[(&str, &str)]) -> String {
    let r = post_form(&server.url(ASYNC), Some(KEY), fields, Some(doc));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["request_id"].as_str().unwrap().to_string()
}

fn status(server: &Server, id: &str, key: &str) -> common::server::Reply {
    get(&server.url(&format!("/v1/document-digitization/requests/{id}")), Some(key))
}

/// Polls job `id` on `server` until it is completed or failed; answers
/// other than 200 (the store restarting) are waited through.
#[track_caller]
fn wait_done(server: &Server, id: &str, timeout: Duration) -> Value {
    let start = Instant::now();
    loop {
        let r = status(server, id, KEY);
        if r.status == 200 {
            let v = r.json();
            if matches!(v["status"].as_str(), Some("completed" | "failed")) {
                return v;
            }
        }
        assert!(
            start.elapsed() < timeout,
            "job {id} not done after {timeout:?}: {}\n{}",
            r.body,
            server.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A one-page born-digital PDF, or every fifth one a twelve-page one (two
/// batches), each with its own text.
fn document(i: usize) -> Vec<u8> {
    let pages = if i.is_multiple_of(5) { 12 } else { 1 };
    text_pdf(&(1..=pages).map(|p| vec![format!("Document {i}, page {p}")]).collect::<Vec<_>>())
}

/// A page image (binary, so not through `common::server::get`).
fn png(url: &str) -> Vec<u8> {
    let mut r = ureq::get(url).header("Authorization", format!("Bearer {KEY}")).call().unwrap();
    r.body_mut().read_to_vec().unwrap()
}

fn metric(server: &Server, name: &str) -> u64 {
    let body = get(&server.url("/metrics"), None).body;
    body.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse::<f64>().ok()))
        .unwrap_or_else(|| panic!("no {name} in /metrics:\n{body}")) as u64
}

/// Every batch of every job converted exactly once, as the store counts.
#[track_caller]
fn assert_each_batch_converted_once(pg: &Postgres, jobs: usize, batches: usize) {
    assert_eq!(pg.psql("SELECT count(*) FROM jobs WHERE status = 'completed'"), jobs.to_string());
    assert_eq!(pg.psql("SELECT count(*) FROM batches"), batches.to_string());
    let wrong =
        pg.psql("SELECT job_id || ' ' || idx || ': ' || conversions FROM batches WHERE conversions <> 1");
    assert!(wrong.is_empty(), "batches not converted exactly once:\n{wrong}");
}

fn replicas_share_one_queue(n: usize) {
    let pg = Postgres::start();
    let servers: Vec<Server> = (0..n).map(|i| replica(&pg, &format!("pg-replica-{i}"), &[])).collect();
    let ids: Vec<String> = (0..60).map(|i| submit(&servers[i % n], &document(i), &[])).collect();
    // Polled on another replica than the one that took it.
    let jobs: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| wait_done(&servers[(i + 1) % n], id, Duration::from_secs(900)))
        .collect();
    for (i, job) in jobs.iter().enumerate() {
        assert_eq!(job["status"], "completed", "{job}");
        let expected = if i.is_multiple_of(5) { 2 } else { 1 };
        assert_eq!(job["batches"].as_array().unwrap().len(), expected, "{job}");
        // A link one replica signed, fetched from another.
        let link = job["batches"][0]["download_url"].as_str().unwrap();
        let elsewhere = link.replace(&servers[(i + 1) % n].base, &servers[(i + 2) % n].base);
        assert_ne!(link, elsewhere);
        let r = get(&elsewhere, None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains(&format!("Document {i}, page 1")), "{}", r.body);
    }
    // Each key sees its own jobs only, on every replica.
    for server in &servers {
        let mine = get(&server.url("/v1/document-digitization/requests"), Some(KEY)).json();
        assert_eq!(mine["requests"].as_array().unwrap().len(), 60);
        let theirs = get(&server.url("/v1/document-digitization/requests"), Some(OTHER_KEY)).json();
        assert!(theirs["requests"].as_array().unwrap().is_empty(), "{theirs}");
        assert_eq!(status(server, &ids[0], OTHER_KEY).status, 404);
        // The joined result and page images come from the store too.
        let whole =
            get(&server.url(&format!("/v1/document-digitization/requests/{}/result", ids[0])), Some(KEY));
        assert_eq!(whole.status, 200, "{}", whole.body);
        assert!(whole.body.contains("Document 0, page 12"));
        let png = png(&server.url(&format!("/v1/document-digitization/requests/{}/pages/11", ids[0])));
        assert!(png.starts_with(b"\x89PNG"), "page 11 is not a PNG");
    }
    assert_each_batch_converted_once(&pg, 60, 72);
    // Every replica took part, and no job needed a second claim.
    let claims: Vec<u64> = servers.iter().map(|s| metric(s, "parasol_job_claims_total")).collect();
    assert_eq!(claims.iter().sum::<u64>(), 60, "{claims:?}");
    assert!(claims.iter().all(|&c| c > 0), "a replica took no job: {claims:?}");

    // The admin command sees the same store.
    let run = parasol(&[os("jobs"), os("--store"), os(&pg.url()), os("list")], Duration::from_secs(60));
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let listed: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(listed.len(), 60);
    assert!(listed.iter().all(|j| j["batches"].as_array().unwrap().iter().all(|b| b["conversions"] == 1)));
    let run = parasol(
        &[os("jobs"), os("--store"), os(&pg.url()), os("purge"), os(&ids[1])],
        Duration::from_secs(60),
    );
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert_eq!(status(&servers[0], &ids[1], KEY).status, 404, "purged");
}

#[test]
fn two_replicas_share_one_queue_and_convert_each_batch_once() {
    replicas_share_one_queue(2);
}

#[test]
fn three_replicas_share_one_queue_and_convert_each_batch_once() {
    replicas_share_one_queue(3);
}

#[test]
fn a_killed_replicas_job_is_reclaimed_by_another_after_its_lease() {
    let pg = Postgres::start();
    let lease = ["--lease-secs", "3"];
    let mut a = replica(&pg, "pg-kill-a", &lease);
    let b = replica(&pg, "pg-kill-b", &lease);
    // Two jobs read by OCR, long enough to be caught mid-way: one worker
    // each, so each replica holds one.
    let long = text_pdf(&(1..=12).map(|p| vec![format!("Page {p} of a long document")]).collect::<Vec<_>>());
    let ids: Vec<String> = (0..2).map(|_| submit(&a, &long, &[("ocr", "force")])).collect();
    let start = Instant::now();
    while pg.psql("SELECT count(*) FROM jobs WHERE status = 'started'") != "2" {
        assert!(start.elapsed() < Duration::from_secs(120), "the jobs did not both start:\n{}", a.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    a.kill9();
    for id in &ids {
        let job = wait_done(&b, id, Duration::from_secs(600));
        assert_eq!(job["status"], "completed", "{job}");
        assert_eq!(job["completed_pages"], 12);
    }
    assert_eq!(metric(&b, "parasol_job_reclaims_total"), 1, "{}", b.log());
    assert_eq!(pg.psql("SELECT string_agg(claims::text, ',' ORDER BY claims) FROM jobs"), "1,2");
    assert_each_batch_converted_once(&pg, 2, 4);
}

#[test]
fn a_postgres_restart_mid_run_loses_no_job() {
    let pg = Postgres::start();
    let a = replica(&pg, "pg-restart-a", &["--lease-secs", "5"]);
    let b = replica(&pg, "pg-restart-b", &["--lease-secs", "5"]);
    let servers = [&a, &b];
    let ids: Vec<String> = (0..20).map(|i| submit(servers[i % 2], &document(i), &[])).collect();
    let start = Instant::now();
    while pg.psql("SELECT count(*) FROM jobs WHERE status = 'completed'").parse::<usize>().unwrap() < 3 {
        assert!(start.elapsed() < Duration::from_secs(300), "no job completed:\n{}", a.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    pg.stop_immediately();
    // Down: not ready, and says why.
    let r = get(&a.url("/ready"), None);
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("job store"), "{}", r.body);
    // Every replica answers for the store with 503, which clients retry.
    let r = status(&b, &ids[0], KEY);
    assert_eq!((r.status, r.error_code()), (503, "not_ready".to_string()), "{}", r.body);
    std::thread::sleep(Duration::from_secs(3));
    pg.start_again();
    for (i, id) in ids.iter().enumerate() {
        let job = wait_done(servers[(i + 1) % 2], id, Duration::from_secs(600));
        assert_eq!(job["status"], "completed", "{job}");
    }
    assert!(a.log().contains("job store connection lost; reconnecting"), "{}", a.log());
    assert_eq!(get(&a.url("/ready"), None).status, 200);
    assert_eq!(get(&b.url("/ready"), None).status, 200);
    assert_each_batch_converted_once(&pg, 20, 24);
    // And they stop cleanly (their connections closed off the async threads).
    for mut server in [a, b] {
        let status = server.terminate(Duration::from_secs(60));
        assert!(status.success(), "{status:?}\n{}", server.log());
    }
}

#[test]
fn a_replica_refuses_a_newer_schema_and_a_missing_secret() {
    let pg = Postgres::start();
    let dir = tempdir("pg-schema");
    let serve = |extra: &[&str]| {
        let mut args = vec![os("serve"), os("--addr"), os("127.0.0.1:0"), os("--data-dir"), dir.as_os_str()];
        args.extend(extra.iter().map(|a| os(a)));
        parasol(&args, Duration::from_secs(120))
    };
    let url = pg.url();
    let run = serve(&["--store", &url]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--signing-secret"), "{}", run.stderr);

    // A first replica makes the schema; then a newer parasol migrated it.
    let run = parasol(&[os("jobs"), os("--store"), os(&url), os("list")], Duration::from_secs(60));
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert_eq!(pg.psql("SELECT version FROM schema_version"), "1");
    pg.psql("UPDATE schema_version SET version = 99");
    let run = serve(&["--store", &url, "--signing-secret", SECRET]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("schema is version 99") && run.stderr.contains("upgrade this server"),
        "{}",
        run.stderr
    );
}

fn new_job(
    dir: &std::path::Path,
    id: &str,
    created_at: i64,
    expires_at: i64,
) -> (NewJob, std::path::PathBuf) {
    let doc = dir.join(id);
    std::fs::write(&doc, b"%PDF-1.4 not converted here").unwrap();
    let job = NewJob {
        id: id.into(),
        owner: "owner".into(),
        model: "document-parse".into(),
        request: "{}".into(),
        created_at,
        expires_at,
    };
    (job, doc)
}

fn output(index: usize) -> BatchOutput {
    BatchOutput {
        index,
        elements: 1,
        response: format!("{{\"batch\": {index}}}"),
        page_images: vec![(1, vec![1, 2])],
    }
}

/// The store itself, without servers: 16 threads claiming at once each get
/// distinct jobs; a holder whose lease was taken writes nothing; a second
/// completion is a no-op; one sweeper at a time.
#[test]
fn the_postgres_store_hands_each_job_to_one_claimer_and_fences_stale_holders() {
    let pg = Postgres::start();
    let store = std::sync::Arc::new(PgStore::open(&pg.url()).unwrap());
    let dir = tempdir("pg-store");
    for i in 0..200 {
        let (job, doc) = new_job(&dir, &format!("job-{i:03}"), i, i64::MAX / 2);
        store.insert(&job, &doc).unwrap();
        assert!(!doc.exists(), "the document moved into the store");
    }
    let lease = Duration::from_secs(30);
    let threads: Vec<_> = (0..16)
        .map(|w| {
            let store = std::sync::Arc::clone(&store);
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                loop {
                    let token = format!("w{w}-{}", mine.len());
                    let Some(claimed) = store.claim_next(&token, lease).unwrap() else { break };
                    let id = claimed.job.id;
                    assert!(!claimed.reclaimed);
                    assert!(store.set_pages(&id, &token, 1, 10).unwrap());
                    assert_eq!(store.complete_batch(&id, &token, &output(0)).unwrap(), Completion::Recorded);
                    assert!(store.finish(&id, &token, None, 0).unwrap());
                    mine.push(id);
                }
                mine
            })
        })
        .collect();
    let mut claimed: Vec<String> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    claimed.sort();
    claimed.dedup();
    assert_eq!(claimed.len(), 200, "every job claimed, none twice");
    assert_each_batch_converted_once(&pg, 200, 200);
    assert_eq!(pg.psql("SELECT count(*) FROM documents"), "0", "documents go when jobs finish");
    assert_eq!(store.result("job-007", 0).unwrap().unwrap(), b"{\"batch\": 0}");
    assert_eq!(store.page_image("job-007", 1).unwrap().unwrap(), [1, 2]);

    // A stalled holder loses its job to the next claim and writes nothing.
    let (job, doc) = new_job(&dir, "stalled", 1000, 0);
    store.insert(&job, &doc).unwrap();
    store.claim_next("old", Duration::ZERO).unwrap().unwrap();
    assert!(store.set_pages("stalled", "old", 20, 10).unwrap());
    std::thread::sleep(Duration::from_millis(20));
    let again = store.claim_next("new", lease).unwrap().unwrap();
    assert!(again.reclaimed);
    assert!(!store.renew("stalled", "old", lease).unwrap());
    assert_eq!(store.complete_batch("stalled", "old", &output(0)).unwrap(), Completion::NotHolder);
    assert!(!store.finish("stalled", "old", Some("late"), 1).unwrap());
    assert!(store.renew("stalled", "new", lease).unwrap());
    assert_eq!(store.complete_batch("stalled", "new", &output(0)).unwrap(), Completion::Recorded);
    assert_eq!(store.complete_batch("stalled", "new", &output(0)).unwrap(), Completion::Duplicate);
    assert_eq!(store.complete_batch("stalled", "new", &output(1)).unwrap(), Completion::Recorded);
    assert!(store.finish("stalled", "new", None, 2).unwrap());
    let job = store.get("stalled").unwrap().unwrap();
    assert_eq!((job.claims, job.completed_pages), (2, 20));
    assert!(job.batches.iter().all(|b| b.conversions == 1), "{:?}", job.batches);

    // Expired results go, one sweeper at a time: while another session
    // holds the sweep's advisory lock, a sweep does nothing.
    let mut holder = pg
        .psql_command(&format!("SELECT pg_advisory_lock({SWEEP_LOCK}); SELECT pg_sleep(60);"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let advisory_locks = || pg.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted");
    wait_until(|| advisory_locks() == "1", "the other session takes the lock");
    assert_eq!(store.purge_expired(10).unwrap(), None, "another session sweeps");
    // Its session ends; the lock goes with it (waited for, as a backend
    // ends a moment after it is told to).
    pg.psql("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'");
    wait_until(|| advisory_locks() == "0", "the lock goes with its session");
    holder.wait().unwrap();
    assert_eq!(store.purge_expired(10).unwrap(), Some(1), "the expired job goes");
    assert!(store.get("stalled").unwrap().is_none());
    assert_eq!(pg.psql("SELECT count(*) FROM page_images WHERE job_id = 'stalled'"), "0");
}

/// Polls `done` for up to 10 s.
fn wait_until(done: impl Fn() -> bool, what: &str) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
