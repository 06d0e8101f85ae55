//! Durable job state behind one trait, [`JobStore`], with two
//! implementations: [`SqliteStore`], one SQLite file in the data directory
//! (the default, one server), and [`PgStore`], one PostgreSQL database that
//! any number of `parasol serve` replicas share.
//!
//! The store holds what a job is, how far it got, its document and its
//! batches' results. `SqliteStore` keeps the document and results as files
//! beside the database, written (and synced) before the row that names
//! them; `PgStore` keeps them in the database, written in the same
//! transaction as the row, so that any replica can serve them.
//!
//! A job goes `submitted → started → completed | failed`. A server takes a
//! job with [`JobStore::claim_next`], which leases it to one claim token
//! for a while; the server renews the lease while it converts
//! ([`JobStore::renew`]). Every write of a started job names the token,
//! and a write whose token no longer holds the lease is a no-op that says
//! so (`Ok(false)`): when a server dies, its lease runs out, another claims
//! the job and resumes it from its first unfinished batch, and the dead
//! one's late writes (if it was only stalled) change nothing. A batch's
//! `conversions` counts the completions that were accepted: exactly one per
//! completed batch.
//!
//! ```no_run
//! # use parasol_server::store::{JobStore, SqliteStore};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = SqliteStore::open(std::path::Path::new("parasol-data"))?;
//! if let Some(claimed) = store.claim_next("token", std::time::Duration::from_secs(30))? {
//!     println!("converting {}", claimed.job.id);
//! }
//! # Ok(()) }
//! ```

mod pg;
mod sqlite;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use self::pg::{PgStore, SWEEP_LOCK};
pub use self::sqlite::SqliteStore;

/// A job's state, with Upstage's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Submitted,
    Started,
    Completed,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Started => "started",
            Status::Completed => "completed",
            Status::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Status {
        match s {
            "started" => Status::Started,
            "completed" => Status::Completed,
            "failed" => Status::Failed,
            _ => Status::Submitted,
        }
    }
}

/// A job as it is accepted.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: String,
    /// Who may see it: a hash of the API key that made it.
    pub owner: String,
    /// The `model` the request named.
    pub model: String,
    /// The request's options and output choices, as JSON.
    pub request: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A job as the store knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub owner: String,
    pub model: String,
    pub request: String,
    pub status: Status,
    pub failure_message: Option<String>,
    pub total_pages: Option<usize>,
    pub completed_pages: usize,
    pub created_at: i64,
    /// When the status last changed.
    pub updated_at: i64,
    pub expires_at: i64,
    /// Times the job was claimed (more than one: it was resumed).
    pub claims: usize,
    pub batches: Vec<Batch>,
}

/// A run of pages whose result is one response.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub index: usize,
    pub status: Status,
    /// 0-based, end exclusive.
    pub start_page: usize,
    pub end_page: usize,
    /// Elements in the batch, once completed.
    pub elements: Option<usize>,
    /// Completions of this batch the store accepted: 1 once completed.
    pub conversions: usize,
}

impl Job {
    /// Where a (re)started job picks up: the first unfinished batch's first
    /// page and the id its first element gets.
    pub fn resume_point(&self) -> (usize, usize) {
        let done = self.batches.iter().take_while(|b| b.status == Status::Completed);
        let (mut page, mut id) = (0, 0);
        for b in done {
            page = b.end_page;
            id += b.elements.unwrap_or(0);
        }
        (page, id)
    }
}

/// A job taken from the queue.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub job: Job,
    /// The job was started under another lease that ran out (its server
    /// died or stalled): this is a re-claim.
    pub reclaimed: bool,
}

/// What the store made of a batch's completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Stored: the batch's one accepted conversion.
    Recorded,
    /// The batch was completed already (a retried call): nothing written.
    Duplicate,
    /// The token no longer holds the job's lease: nothing written.
    NotHolder,
}

/// One batch's result as a worker made it.
#[derive(Debug, Clone)]
pub struct BatchOutput {
    pub index: usize,
    pub elements: usize,
    /// The batch's Upstage response, JSON.
    pub response: String,
    /// PNG previews of the batch's pages: (1-based page, bytes).
    pub page_images: Vec<(usize, Vec<u8>)>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("job store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("job store: {0}")]
    Postgres(#[source] postgres::Error),
    #[error("job store: {path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
    #[error("job store: invalid PostgreSQL address: {0}")]
    Address(String),
    /// The database was made or migrated by a newer parasol.
    #[error(
        "job store: the database's schema is version {found}, but this parasol knows versions up to \
         {supported}; upgrade this server to the version the other replicas run"
    )]
    NewerSchema { found: i64, supported: i64 },
}

impl StoreError {
    /// Whether the store could not be reached (rather than refusing the
    /// call): a connection that failed or broke, or a database shutting
    /// down or starting up.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Postgres(e) => e.as_db_error().is_none_or(|db| {
                db.code().code().get(..2).is_some_and(|class| class == "57" || class == "08")
            }),
            _ => false,
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Postgres(e)
    }
}

/// Which store a server uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// SQLite in the data directory: one server.
    Sqlite,
    /// A PostgreSQL database (`postgres://user@host:port/db`) that replicas share.
    Postgres(String),
}

impl StoreConfig {
    /// `sqlite` (or empty) or a `postgres://` / `postgresql://` address.
    pub fn parse(s: &str) -> Result<StoreConfig, String> {
        let s = s.trim();
        if s.is_empty() || s == "sqlite" {
            Ok(StoreConfig::Sqlite)
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(StoreConfig::Postgres(s.to_string()))
        } else {
            Err("expected `sqlite` or a postgres://user@host:port/database address".into())
        }
    }

    /// Opens the store (migrating its schema); `data_dir` is SQLite's.
    pub fn open(&self, data_dir: &Path) -> Result<Box<dyn JobStore>, StoreError> {
        Ok(match self {
            StoreConfig::Sqlite => Box::new(SqliteStore::open(data_dir)?),
            StoreConfig::Postgres(url) => Box::new(PgStore::open(url)?),
        })
    }
}

/// Durable job state. Calls block; async callers run them on a blocking
/// thread. `token` is the claim token a [`JobStore::claim_next`] was given;
/// calls that take one return `Ok(false)` (and change nothing) when that
/// token no longer holds the job's lease.
pub trait JobStore: Send + Sync + std::fmt::Debug + 'static {
    /// Records a job and its document, the local file `document` (which the
    /// store may move).
    fn insert(&self, job: &NewJob, document: &Path) -> Result<(), StoreError>;
    /// Takes the oldest job that is submitted, or started under a lease that
    /// ran out, and leases it to `token` for `lease`.
    fn claim_next(&self, token: &str, lease: Duration) -> Result<Option<Claimed>, StoreError>;
    /// Extends `token`'s lease of job `id` to `lease` from now.
    fn renew(&self, id: &str, token: &str, lease: Duration) -> Result<bool, StoreError>;
    /// The job's document as a local file: where the store keeps it, or a
    /// copy written to `scratch`.
    fn document(&self, id: &str, scratch: &Path) -> Result<PathBuf, StoreError>;
    /// Records the page count and the batches (once; a resumed job keeps its own).
    fn set_pages(
        &self,
        id: &str,
        token: &str,
        total_pages: usize,
        batch_pages: usize,
    ) -> Result<bool, StoreError>;
    fn set_progress(&self, id: &str, token: &str, completed_pages: usize) -> Result<bool, StoreError>;
    /// Stores a batch's result and marks it completed, the next one
    /// started; once per batch, and only under the lease.
    fn complete_batch(&self, id: &str, token: &str, batch: &BatchOutput) -> Result<Completion, StoreError>;
    /// Ends a job: completed, or failed with a message; its document goes.
    fn finish(&self, id: &str, token: &str, failure: Option<&str>, now: i64) -> Result<bool, StoreError>;
    /// Gives a started job back to the queue (a shutdown interrupted it).
    fn release(&self, id: &str, token: &str) -> Result<bool, StoreError>;
    /// At start-up of the only server of a store: puts every started job
    /// back in the queue; how many there were. A shared store leaves them
    /// to their leases.
    fn requeue_started(&self) -> Result<usize, StoreError>;
    fn get(&self, id: &str) -> Result<Option<Job>, StoreError>;
    /// The owner's jobs (every owner's with `None`), newest first.
    fn list(&self, owner: Option<&str>, limit: usize) -> Result<Vec<Job>, StoreError>;
    /// Jobs submitted or started.
    fn unfinished(&self) -> Result<usize, StoreError>;
    /// A completed batch's response.
    fn result(&self, id: &str, index: usize) -> Result<Option<Vec<u8>>, StoreError>;
    /// A page's preview (1-based page).
    fn page_image(&self, id: &str, page: usize) -> Result<Option<Vec<u8>>, StoreError>;
    /// Deletes finished jobs whose results expired at `now`, with their
    /// results; how many. `None`: another server is sweeping now.
    fn purge_expired(&self, now: i64) -> Result<Option<usize>, StoreError>;
    /// Deletes a job, its document and results.
    fn delete(&self, id: &str) -> Result<(), StoreError>;
    /// Whether the store answers.
    fn ping(&self) -> Result<(), StoreError>;
}

/// How many batches of `batch_pages` pages `total_pages` make, as
/// (index, start, end).
fn batches_of(total_pages: usize, batch_pages: usize) -> impl Iterator<Item = (usize, usize, usize)> {
    let batch = batch_pages.max(1);
    (0..total_pages)
        .step_by(batch)
        .enumerate()
        .map(move |(i, start)| (i, start, (start + batch).min(total_pages)))
}

/// Milliseconds of a lease, for the stores' integer columns.
fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
