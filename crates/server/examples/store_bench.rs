//! The job queue's own overhead: claim → pages → complete → finish with a
//! converter that does nothing, from many concurrent workers, against a
//! store (figures in docs/BENCHMARKS.md; `scripts/bench/store_claims.sh`
//! starts a PostgreSQL cluster for it).
//!
//! ```sh
//! cargo run -p parasol-server --example store_bench -- postgres://postgres@127.0.0.1:5432/postgres 2000 16
//! cargo run -p parasol-server --example store_bench -- sqlite:/tmp/bench-dir 2000 16
//! ```
//!
//! Prints one JSON line: jobs, workers, seconds for the inserts and for
//! the drain, jobs/s and store calls/s of the drain, claim latency
//! percentiles, and whether every batch was converted once.

#![allow(clippy::unwrap_used)] // A benchmark: a panic is the report.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use parasol_server::store::{BatchOutput, Completion, JobStore, NewJob, SqliteStore, StoreConfig};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (target, jobs, workers) = match &args[1..] {
        [t, j, w] => (t.clone(), j.parse::<usize>().unwrap(), w.parse::<usize>().unwrap()),
        _ => {
            eprintln!("usage: store_bench postgres://…|sqlite:DIR JOBS WORKERS");
            std::process::exit(2);
        }
    };
    let scratch = std::env::temp_dir().join(format!("parasol-store-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let store: Arc<dyn JobStore> = match target.strip_prefix("sqlite:") {
        Some(dir) => Arc::new(SqliteStore::open(&PathBuf::from(dir)).unwrap()),
        None => Arc::from(StoreConfig::parse(&target).unwrap().open(&scratch).unwrap()),
    };
    let run = uuid::Uuid::new_v4().simple().to_string();

    let t0 = Instant::now();
    for i in 0..jobs {
        let doc = scratch.join(format!("doc-{i}"));
        std::fs::write(&doc, b"%PDF-1.4 a tiny document").unwrap();
        let job = NewJob {
            id: format!("{run}-{i:06}"),
            owner: "bench".into(),
            model: "document-parse".into(),
            request: "{}".into(),
            created_at: i as i64,
            expires_at: i64::MAX / 2,
        };
        store.insert(&job, &doc).unwrap();
    }
    let insert_s = t0.elapsed().as_secs_f64();

    let claim_ms = Arc::new(Mutex::new(Vec::with_capacity(jobs)));
    let t1 = Instant::now();
    let threads: Vec<_> = (0..workers)
        .map(|w| {
            let (store, claim_ms) = (Arc::clone(&store), Arc::clone(&claim_ms));
            std::thread::spawn(move || {
                let mut done = 0usize;
                loop {
                    let token = format!("worker-{w}-{done}");
                    let c0 = Instant::now();
                    let Some(claimed) = store.claim_next(&token, Duration::from_secs(30)).unwrap() else {
                        return done;
                    };
                    claim_ms.lock().unwrap().push(c0.elapsed().as_secs_f64() * 1000.0);
                    let id = claimed.job.id;
                    assert!(store.set_pages(&id, &token, 1, 10).unwrap());
                    // The trivial converter: a fixed one-element response.
                    let output = BatchOutput {
                        index: 0,
                        elements: 1,
                        response: r#"{"elements": [{"id": 0}]}"#.into(),
                        page_images: Vec::new(),
                    };
                    assert_eq!(store.complete_batch(&id, &token, &output).unwrap(), Completion::Recorded);
                    assert!(store.finish(&id, &token, None, 0).unwrap());
                    done += 1;
                }
            })
        })
        .collect();
    let per_worker: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let drain_s = t1.elapsed().as_secs_f64();
    assert_eq!(per_worker.iter().sum::<usize>(), jobs, "every job claimed once");

    let listed = store.list(Some("bench"), usize::MAX).unwrap();
    let ours: Vec<_> = listed.iter().filter(|j| j.id.starts_with(&run)).collect();
    let once = ours.len() == jobs
        && ours.iter().all(|j| j.claims == 1 && j.batches.iter().all(|b| b.conversions == 1));
    for j in &ours {
        store.delete(&j.id).unwrap();
    }
    let _ = std::fs::remove_dir_all(&scratch);

    let mut ms = claim_ms.lock().unwrap().clone();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{}",
        serde_json::json!({
            "store": if target.starts_with("sqlite:") { "sqlite" } else { "postgres" },
            "jobs": jobs, "workers": workers,
            "insert_s": insert_s, "inserts_per_s": jobs as f64 / insert_s,
            "drain_s": drain_s, "jobs_per_s": jobs as f64 / drain_s,
            // claim, set_pages, complete_batch, finish
            "store_calls_per_s": 4.0 * jobs as f64 / drain_s,
            "claim_ms_p50": pct(0.5), "claim_ms_p95": pct(0.95), "claim_ms_p99": pct(0.99),
            "per_worker_min": per_worker.iter().min(), "per_worker_max": per_worker.iter().max(),
            "each_batch_converted_once": once,
        })
    );
}
