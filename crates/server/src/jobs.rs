//! The async job queue: takes submitted jobs from the store, runs each on a
//! worker, writes every batch's result as it finishes, and expires old
//! results.
//!
//! A job is claimed under a lease that a heartbeat renews while it
//! converts; every write names the claim's token, so a server that lost
//! the lease (it stalled past it, and another server re-claimed the job)
//! stops and changes nothing. A job resumed after a crash starts at its
//! first batch not marked completed: that batch is converted again, but
//! only one completion of it is ever recorded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use tokio::sync::{mpsc, watch};

use crate::form::StoredRequest;
use crate::pool::{Lease, Priority, RunError};
use crate::protocol::{BatchResult, ConvertCommand, Reply};
use crate::store::{BatchOutput, Completion, Job};
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
/// jobs; when `cancel` turns true they are cancelled and given back to the
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
        let token = uuid::Uuid::new_v4().to_string();
        let claim_token = token.clone();
        let lease_time = shared.config.lease;
        let job = tokio::task::spawn_blocking(move || store.claim_next(&claim_token, lease_time)).await;
        match job {
            Ok(Ok(Some(claimed))) => {
                shared.metrics.claims.inc();
                if claimed.reclaimed {
                    shared.metrics.reclaims.inc();
                    tracing::warn!(job = %claimed.job.id, "job re-claimed: its last lease ran out");
                }
                running.spawn(run_job(Arc::clone(&shared), lease, claimed.job, token, cancel.clone()));
            }
            Ok(Ok(None)) => {
                drop(lease);
                // Another replica may have taken a job in the meantime or
                // accepted one: a shared store is polled.
                tokio::select! {
                    _ = shared.jobs_added.notified() => {}
                    _ = tokio::time::sleep(shared.config.poll_interval) => {}
                    _ = shutdown.changed() => break,
                }
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot take a job from the store");
                drop(lease);
                tokio::select! {
                    _ = tokio::time::sleep(RETRY_AFTER_UNAVAILABLE) => {}
                    _ = shutdown.changed() => break,
                }
            }
            Err(e) => tracing::error!(error = %e, "job store task failed"),
        }
        while running.try_join_next().is_some() {}
    }
    while running.join_next().await.is_some() {}
}

/// Removes expired jobs and their results, now and every [`EXPIRY_SWEEP`];
/// with a shared store, one server at a time sweeps.
pub async fn expire(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let store = Arc::clone(&shared.store);
        match tokio::task::spawn_blocking(move || store.purge_expired(now())).await {
            Ok(Ok(Some(n))) if n > 0 => tracing::info!(jobs = n, "expired results removed"),
            Ok(Ok(None)) => tracing::debug!("another server is removing expired results"),
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

/// Why recording a reply failed.
enum RecordError {
    /// The store refused: this server no longer holds the job's lease.
    LeaseLost,
    Store(String),
}

/// Renews the lease of job `id` every third of its length until dropped;
/// `lost` turns true when the lease is gone (another server took the job).
fn heartbeat(
    shared: &Arc<Shared>,
    id: &str,
    token: &str,
    lost: watch::Sender<bool>,
) -> tokio::task::JoinHandle<()> {
    let (shared, id, token) = (Arc::clone(shared), id.to_string(), token.to_string());
    tokio::spawn(async move {
        let every = shared.config.lease / 3;
        loop {
            tokio::time::sleep(every).await;
            let (store, job, tok, lease) =
                (Arc::clone(&shared.store), id.clone(), token.clone(), shared.config.lease);
            match blocking(move || store.renew(&job, &tok, lease)).await {
                Ok(true) => {}
                Ok(false) => {
                    shared.metrics.leases_lost.inc();
                    tracing::warn!(job = %id, "lease lost: another server has the job");
                    let _ = lost.send(true);
                    return;
                }
                // The store is down for now: keep converting and try again;
                // if it stays down past the lease, the job is re-claimed.
                Err(e) => tracing::warn!(job = %id, error = %e, "cannot renew a lease"),
            }
        }
    })
}

async fn run_job(
    shared: Arc<Shared>,
    mut lease: Lease,
    job: Job,
    token: String,
    mut cancel: watch::Receiver<bool>,
) {
    let id = job.id.clone();
    let request: StoredRequest = match serde_json::from_str(&job.request) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(job = %id, error = %e, "unreadable stored request");
            finish(&shared, &id, &token, Some("the job's stored request cannot be read".into())).await;
            return;
        }
    };
    let (lost_tx, mut lost) = watch::channel(false);
    let beat = heartbeat(&shared, &id, &token, lost_tx);
    let scratch = shared.dirs.tmp().join(format!("job-{id}"));
    let document = {
        let (store, job_id, scratch) = (Arc::clone(&shared.store), id.clone(), scratch.clone());
        blocking(move || store.document(&job_id, &scratch)).await
    };
    let document = match document {
        Ok(path) => path,
        Err(e) => {
            tracing::error!(job = %id, error = %e, "cannot read the job's document; back in the queue");
            beat.abort();
            release(&shared, &id, &token).await;
            tokio::time::sleep(RETRY_AFTER_UNAVAILABLE).await;
            return;
        }
    };
    let (start_page, first_id) = job.resume_point();
    let batch_pages = shared.config.batch_pages;
    tracing::info!(job = %id, start_page, "job started");
    let command = ConvertCommand {
        path: document,
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
        let (shared, id, token) = (Arc::clone(&shared), id.clone(), token.clone());
        tokio::spawn(async move {
            let mut error = None;
            while let Some(reply) = rx.recv().await {
                if error.is_none() {
                    if let Err(e) = record(&shared, &id, &token, batch_pages, reply).await {
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
        _ = lost.wait_for(|&l| l) => None,
    };
    drop(on_reply);
    // Dropping the lease here, mid-conversion, cancels it on the worker.
    drop(lease);
    beat.abort();
    let _ = std::fs::remove_file(&scratch);
    let record_error = recorder.await.ok().flatten();
    shared.metrics.conversion_seconds.observe(t0.elapsed().as_secs_f64());
    if *lost.borrow() || matches!(record_error, Some(RecordError::LeaseLost)) {
        // Another server holds the job now; nothing more of ours counts.
        tracing::warn!(job = %id, "conversion stopped: the job's lease was lost");
        return;
    }
    let failure = match (outcome, record_error) {
        (None, _) => {
            tracing::info!(job = %id, "job interrupted by shutdown; back in the queue");
            release(&shared, &id, &token).await;
            return;
        }
        (Some(Err(RunError::Unavailable(message))), _) => {
            tracing::error!(job = %id, "{message}; the job goes back in the queue");
            release(&shared, &id, &token).await;
            tokio::time::sleep(RETRY_AFTER_UNAVAILABLE).await;
            return;
        }
        (Some(_), Some(RecordError::Store(e))) => {
            // The store is unreachable (or refused a write): give the job
            // back rather than fail it; its lease lets another server (or
            // this one) resume it from its last completed batch.
            tracing::error!(job = %id, error = %e, "cannot record results; the job goes back in the queue");
            release(&shared, &id, &token).await;
            tokio::time::sleep(RETRY_AFTER_UNAVAILABLE).await;
            return;
        }
        (Some(_), Some(RecordError::LeaseLost)) => unreachable!("handled above"),
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
    finish(&shared, &id, &token, failure).await;
}

/// Gives a job back to the queue (a no-op if the lease is gone already).
async fn release(shared: &Arc<Shared>, id: &str, token: &str) {
    let (store, job_id, tok) = (Arc::clone(&shared.store), id.to_string(), token.to_string());
    if let Err(e) = blocking(move || store.release(&job_id, &tok)).await {
        // Its lease runs out and another claim resumes it.
        tracing::error!(job = %id, error = %e, "cannot give a job back to the queue");
    }
}

/// Ends a job, trying again while the store is unreachable (a restart):
/// the results are recorded, only the verdict is missing. Past the lease,
/// another server re-claims the job and finishes it from its completed
/// batches.
async fn finish(shared: &Arc<Shared>, id: &str, token: &str, failure: Option<String>) {
    let deadline = Instant::now() + shared.config.lease;
    loop {
        let (store, job_id, tok, failure) =
            (Arc::clone(&shared.store), id.to_string(), token.to_string(), failure.clone());
        match blocking(move || store.finish(&job_id, &tok, failure.as_deref(), now())).await {
            Ok(true) => return,
            Ok(false) => {
                tracing::warn!(job = %id, "not finished here: the job's lease was lost");
                return;
            }
            Err(e) if Instant::now() < deadline => {
                tracing::warn!(job = %id, error = %e, "cannot finish a job yet; trying again");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => {
                tracing::error!(job = %id, error = %e, "cannot finish a job");
                return;
            }
        }
    }
}

async fn record(
    shared: &Arc<Shared>,
    id: &str,
    token: &str,
    batch_pages: usize,
    reply: Reply,
) -> Result<(), RecordError> {
    let (store, id, token) = (Arc::clone(&shared.store), id.to_string(), token.to_string());
    let held = match reply {
        Reply::Opened { pages } => {
            with_retries(shared, move || store.set_pages(&id, &token, pages, batch_pages)).await?
        }
        Reply::Progress { page, .. } => {
            shared.metrics.pages.inc();
            // Progress is advisory: a failed update is not worth a retry.
            blocking(move || store.set_progress(&id, &token, page)).await.unwrap_or(true)
        }
        Reply::Batch(BatchResult { start_page, elements, response, page_images, .. }) => {
            let index = start_page / batch_pages.max(1);
            let page_images: Vec<(usize, Vec<u8>)> = page_images
                .iter()
                .enumerate()
                .filter_map(|(i, b64)| {
                    let png = BASE64.decode(b64).ok().filter(|png| !png.is_empty())?;
                    Some((start_page + i + 1, png))
                })
                .collect();
            let output = Arc::new(BatchOutput { index, elements, response, page_images });
            let completion = with_retries(shared, move || store.complete_batch(&id, &token, &output)).await?;
            if completion != Completion::Recorded {
                shared.metrics.stale_completions.inc();
            }
            completion != Completion::NotHolder
        }
        _ => true,
    };
    if held {
        Ok(())
    } else {
        Err(RecordError::LeaseLost)
    }
}

/// Runs a store write, again for a while when the store is unreachable
/// (a restart takes seconds): the worker's result is not thrown away for a
/// blip. Every write is idempotent under the lease.
async fn with_retries<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl Fn() -> Result<T, crate::store::StoreError> + Send + Sync + 'static,
) -> Result<T, RecordError> {
    let f = Arc::new(f);
    let deadline = Instant::now() + shared.config.lease;
    loop {
        let g = Arc::clone(&f);
        match blocking(move || g()).await {
            Ok(v) => return Ok(v),
            Err(e) if Instant::now() < deadline => {
                tracing::warn!(error = %e, "job store unreachable; trying again");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => return Err(RecordError::Store(e)),
        }
    }
}
