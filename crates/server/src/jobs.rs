//! The async job queue: takes submitted jobs from the store, runs each on a
//! worker, writes every batch's result as it finishes, and expires old
//! results.
//!
//! Order of writes: a batch's result file is written (and synced) before
//! the store marks the batch completed, so a completed batch always has its
//! file; a job resumed after a crash starts at its first batch not marked
//! completed, so at worst that batch is converted twice.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use tokio::sync::{mpsc, watch};

use crate::form::StoredRequest;
use crate::pool::{Lease, Priority, RunError};
use crate::protocol::{BatchResult, ConvertCommand, Reply};
use crate::store::Job;
use crate::{now, Shared};

/// Longer side of the page previews kept beside a job's results (the web
/// viewer's page images), in pixels: about 120 DPI for a Letter page, enough
/// to read body text, a few hundred kB per page.
pub const PAGE_IMAGE_MAX_SIDE: u32 = 1400;

/// How often expired results are looked for.
const EXPIRY_SWEEP: Duration = Duration::from_secs(600);
/// How long the queue waits before looking again when a worker cannot start.
const RETRY_AFTER_UNAVAILABLE: Duration = Duration::from_secs(5);

/// Runs the queue until `shutdown` turns true, then waits for the running
/// jobs; when `cancel` turns true they are cancelled and put back in the
/// queue.
pub async fn run_queue(
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    cancel: watch::Receiver<bool>,
) {
    let mut running = tokio::task::JoinSet::new();
    loop {
        if *shutdown.borrow() {
            break;
        }
        let lease = tokio::select! {
            lease = shared.pool.acquire(Priority::Queued) => lease,
            _ = shutdown.changed() => break,
        };
        let store = Arc::clone(&shared.store);
        let job = tokio::task::spawn_blocking(move || store.claim_next(now())).await;
        match job {
            Ok(Ok(Some(job))) => {
                running.spawn(run_job(Arc::clone(&shared), lease, job, cancel.clone()));
            }
            Ok(Ok(None)) => {
                drop(lease);
                tokio::select! {
                    _ = shared.jobs_added.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                    _ = shutdown.changed() => break,
                }
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot take a job from the store");
                drop(lease);
                tokio::time::sleep(RETRY_AFTER_UNAVAILABLE).await;
            }
            Err(e) => tracing::error!(error = %e, "job store task failed"),
        }
        while running.try_join_next().is_some() {}
    }
    while running.join_next().await.is_some() {}
}

/// Removes expired jobs and their files, now and every [`EXPIRY_SWEEP`].
pub async fn expire(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let store = Arc::clone(&shared.store);
        let dirs = shared.dirs.clone();
        let swept = tokio::task::spawn_blocking(move || -> Result<usize, crate::store::StoreError> {
            let ids = store.expired(now())?;
            for id in &ids {
                let _ = std::fs::remove_dir_all(dirs.results(id));
                let _ = std::fs::remove_file(dirs.document(id));
                store.delete(id)?;
            }
            Ok(ids.len())
        })
        .await;
        match swept {
            Ok(Ok(n)) if n > 0 => tracing::info!(jobs = n, "expired results removed"),
            Ok(Err(e)) => tracing::error!(error = %e, "cannot remove expired results"),
            _ => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(EXPIRY_SWEEP) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, String> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

async fn run_job(shared: Arc<Shared>, mut lease: Lease, job: Job, mut cancel: watch::Receiver<bool>) {
    let id = job.id.clone();
    let request: StoredRequest = match serde_json::from_str(&job.request) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(job = %id, error = %e, "unreadable stored request");
            finish(&shared, &id, Some("the job's stored request cannot be read".into())).await;
            return;
        }
    };
    let (start_page, first_id) = job.resume_point();
    let batch_pages = shared.config.batch_pages;
    tracing::info!(job = %id, start_page, "job started");
    let command = ConvertCommand {
        path: shared.dirs.document(&id),
        options: request.options,
        start_page,
        batch_pages,
        first_id,
        max_pages: None,
        model: parasol_pipeline::PRODUCER.to_string(),
        page_images: Some(PAGE_IMAGE_MAX_SIDE),
    };

    // Replies are recorded in order by one task, off the worker's stream.
    let (tx, mut rx) = mpsc::unbounded_channel::<Reply>();
    let recorder = {
        let shared = Arc::clone(&shared);
        let id = id.clone();
        tokio::spawn(async move {
            let mut error = None;
            while let Some(reply) = rx.recv().await {
                if error.is_none() {
                    if let Err(e) = record(&shared, &id, batch_pages, reply).await {
                        error = Some(e);
                    }
                }
            }
            error
        })
    };
    let t0 = Instant::now();
    let mut on_reply = move |reply: Reply| {
        let _ = tx.send(reply);
    };
    let outcome = tokio::select! {
        outcome = lease.convert(command, &mut on_reply) => Some(outcome),
        _ = cancel.wait_for(|&c| c) => None,
    };
    drop(on_reply);
    // Dropping the lease here, mid-conversion, cancels it on the worker.
    drop(lease);
    let record_error = recorder.await.ok().flatten();
    shared.metrics.conversion_seconds.observe(t0.elapsed().as_secs_f64());
    let failure = match (outcome, record_error) {
        (None, _) => {
            tracing::info!(job = %id, "job interrupted by shutdown; back in the queue");
            let store = Arc::clone(&shared.store);
            let requeue_id = id.clone();
            if let Err(e) = blocking(move || store.requeue(&requeue_id)).await {
                tracing::error!(job = %id, error = %e, "cannot requeue");
            }
            return;
        }
        (Some(Err(RunError::Unavailable(message))), _) => {
            tracing::error!(job = %id, "{message}; the job goes back in the queue");
            let store = Arc::clone(&shared.store);
            let requeue_id = id.clone();
            let _ = blocking(move || store.requeue(&requeue_id)).await;
            tokio::time::sleep(RETRY_AFTER_UNAVAILABLE).await;
            return;
        }
        (Some(_), Some(e)) => {
            tracing::error!(job = %id, error = %e, "cannot record results");
            Some("the server could not store the results".to_string())
        }
        (Some(Ok(())), None) => None,
        (Some(Err(RunError::Failed { message, .. })), None) => Some(message),
        (Some(Err(RunError::Crashed(message))), None) => Some(message),
        (Some(Err(RunError::TimedOut)), None) => Some(format!(
            "the conversion took longer than the limit of {} s",
            shared.pool.job_timeout().as_secs()
        )),
    };
    match &failure {
        None => tracing::info!(job = %id, "job completed"),
        Some(m) => tracing::warn!(job = %id, failure = %m, "job failed"),
    }
    finish(&shared, &id, failure).await;
}

async fn finish(shared: &Arc<Shared>, id: &str, failure: Option<String>) {
    let store = Arc::clone(&shared.store);
    let job_id = id.to_string();
    let document = shared.dirs.document(id);
    let result = blocking(move || {
        store.finish(&job_id, failure.as_deref(), now())?;
        let _ = std::fs::remove_file(document);
        Ok(())
    })
    .await;
    if let Err(e) = result {
        tracing::error!(job = %id, error = %e, "cannot finish a job");
    }
}

async fn record(shared: &Arc<Shared>, id: &str, batch_pages: usize, reply: Reply) -> Result<(), String> {
    let store = Arc::clone(&shared.store);
    let id = id.to_string();
    match reply {
        Reply::Opened { pages } => blocking(move || store.set_pages(&id, pages, batch_pages)).await,
        Reply::Progress { page, .. } => {
            shared.metrics.pages.inc();
            blocking(move || store.set_progress(&id, page)).await
        }
        Reply::Batch(BatchResult { start_page, elements, response, page_images, .. }) => {
            let index = start_page / batch_pages.max(1);
            let dir = shared.dirs.results(&id);
            let path = shared.dirs.result(&id, index);
            // The page images first: a completed batch has its pages' images.
            let images: Vec<(PathBuf, Vec<u8>)> = page_images
                .iter()
                .enumerate()
                .filter_map(|(i, b64)| {
                    let png = BASE64.decode(b64).ok().filter(|png| !png.is_empty())?;
                    Some((shared.dirs.page_image(&id, start_page + i + 1), png))
                })
                .collect();
            tokio::task::spawn_blocking(move || {
                for (image_path, png) in images {
                    write_synced(dir.clone(), image_path, &png)?;
                }
                write_synced(dir, path, response.as_bytes())
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("cannot write a batch result: {e}"))?;
            blocking(move || store.complete_batch(&id, index, elements)).await
        }
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` through a temporary file, synced, then renamed.
fn write_synced(dir: PathBuf, path: PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(&dir)?;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    std::fs::File::open(&dir)?.sync_all()
}
