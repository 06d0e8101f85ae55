//! [`JobStore`] in PostgreSQL, shared by any number of servers: documents,
//! results and page previews are `bytea` rows beside the jobs, so that any
//! replica answers for any job without a shared filesystem.
//!
//! Claims take the oldest claimable job with `FOR UPDATE SKIP LOCKED`, so
//! concurrent claimers never wait on each other nor take the same job.
//! Leases are timed by the database's clock, never a replica's. The
//! connections are a small pool; a connection that broke (the database
//! restarted) is dropped and the call is tried once more on a new one, so
//! servers reconnect on their own.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use postgres::{Client, GenericClient, NoTls, Row};

use super::{
    batches_of, millis, Batch, BatchOutput, Claimed, Completion, Job, JobStore, NewJob, Status, StoreError,
};

/// The schema version this build writes, kept in `schema_version`.
pub const SCHEMA_VERSION: i64 = 1;

/// Migrations, in order: `MIGRATIONS[i]` takes the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &["
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    seq BIGSERIAL NOT NULL,
    owner TEXT NOT NULL,
    model TEXT NOT NULL,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    failure_message TEXT,
    total_pages INTEGER,
    completed_pages INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    lease_holder TEXT,
    lease_until BIGINT,
    claims INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_queue ON jobs (created_at, seq) WHERE status IN ('submitted', 'started');
CREATE INDEX jobs_owner ON jobs (owner, created_at);
CREATE INDEX jobs_expiry ON jobs (expires_at) WHERE status IN ('completed', 'failed');
CREATE TABLE documents (
    job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    bytes BYTEA NOT NULL
);
CREATE TABLE batches (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    status TEXT NOT NULL,
    start_page INTEGER NOT NULL,
    end_page INTEGER NOT NULL,
    elements INTEGER,
    conversions INTEGER NOT NULL DEFAULT 0,
    result BYTEA,
    PRIMARY KEY (job_id, idx)
);
CREATE TABLE page_images (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    png BYTEA NOT NULL,
    PRIMARY KEY (job_id, page)
);
"];

/// Advisory lock keys: migrations at start-up, the expiry sweep.
const MIGRATION_LOCK: i64 = 0x7061_7261_736f_6c01;
/// (Public so that a test can hold it from another session.)
pub const SWEEP_LOCK: i64 = 0x7061_7261_736f_6c02;

/// The database's clock in milliseconds.
const NOW_MS: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// Connections kept open between calls.
const IDLE_CONNECTIONS: usize = 32;

pub struct PgStore {
    config: postgres::Config,
    idle: Mutex<Vec<Client>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The address may carry a password.
        f.write_str("PgStore(..)")
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // A blocking client owns a small runtime of its own, which must not
        // be dropped on an async worker thread (the server's last handle
        // often goes there at shutdown): drop them on a thread of their own.
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

impl PgStore {
    /// Connects to `url` and migrates the schema to [`SCHEMA_VERSION`]
    /// (one server at a time, under an advisory lock); refuses a database
    /// whose schema is newer.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            // The message names the part that is wrong, never the password.
            StoreError::Address(e.to_string())
        })?;
        config.connect_timeout(Duration::from_secs(5));
        config.application_name("parasol");
        let store = PgStore { config, idle: Mutex::new(Vec::new()) };
        let mut client = store.connect()?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
        let found: i64 = tx.query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])?.get(0);
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { found, supported: SCHEMA_VERSION });
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.batch_execute(migration)?;
            tracing::info!(version = i + 1, "job store schema migrated");
        }
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&SCHEMA_VERSION])?;
        tx.commit()?;
        store.put_back(client);
        Ok(store)
    }

    fn connect(&self) -> Result<Client, StoreError> {
        Ok(self.config.connect(NoTls)?)
    }

    fn put_back(&self, client: Client) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if !client.is_closed() && idle.len() < IDLE_CONNECTIONS {
            idle.push(client);
        }
    }

    /// Runs `f` on a pooled connection. A call that fails because its
    /// connection broke (the database restarted) is run once more on a
    /// fresh one; every call is a transaction or idempotent, so a second
    /// run never does a thing twice.
    fn with<T>(&self, mut f: impl FnMut(&mut Client) -> Result<T, StoreError>) -> Result<T, StoreError> {
        for attempt in 0..2 {
            let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let mut client = match pooled {
                Some(c) => c,
                None => self.connect()?,
            };
            match f(&mut client) {
                Ok(v) => {
                    self.put_back(client);
                    return Ok(v);
                }
                Err(StoreError::Postgres(e)) if attempt == 0 && broken(&client, &e) => {
                    tracing::warn!(error = %e, "job store connection lost; reconnecting");
                    // The others are most likely from before the restart too.
                    self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
                }
                Err(e) => {
                    self.put_back(client);
                    return Err(e);
                }
            }
        }
        unreachable!("the second attempt returns")
    }

    /// `SELECT 1 FROM jobs WHERE id = $1 AND lease_holder = $2 FOR UPDATE`:
    /// whether `token` holds the job, with the row locked until the
    /// transaction ends.
    fn holds(tx: &mut impl GenericClient, id: &str, token: &str) -> Result<bool, postgres::Error> {
        Ok(tx
            .query_opt(
                "SELECT 1 FROM jobs WHERE id = $1 AND status = 'started' AND lease_holder = $2 FOR UPDATE",
                &[&id, &token],
            )?
            .is_some())
    }
}

/// Whether an error means the connection is gone (rather than the query
/// being refused).
fn broken(client: &Client, e: &postgres::Error) -> bool {
    client.is_closed()
        || e.is_closed()
        || e.as_db_error().is_none_or(|db| db.code().code().starts_with("57P"))
}

fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

const JOB_COLUMNS: &str =
    "id, owner, model, request, status, failure_message, total_pages, completed_pages, \
                           created_at, updated_at, expires_at, claims";

fn job_of(r: &Row) -> Job {
    Job {
        id: r.get(0),
        owner: r.get(1),
        model: r.get(2),
        request: r.get(3),
        status: Status::parse(r.get(4)),
        failure_message: r.get(5),
        total_pages: r.get::<_, Option<i32>>(6).map(|n| n as usize),
        completed_pages: r.get::<_, i32>(7) as usize,
        created_at: r.get(8),
        updated_at: r.get(9),
        expires_at: r.get(10),
        claims: r.get::<_, i32>(11) as usize,
        batches: Vec::new(),
    }
}

fn load(c: &mut impl GenericClient, id: &str) -> Result<Option<Job>, postgres::Error> {
    let Some(row) = c.query_opt(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"), &[&id])? else {
        return Ok(None);
    };
    let mut job = job_of(&row);
    job.batches = c
        .query(
            "SELECT idx, status, start_page, end_page, elements, conversions FROM batches \
             WHERE job_id = $1 ORDER BY idx",
            &[&id],
        )?
        .iter()
        .map(|r| Batch {
            index: r.get::<_, i32>(0) as usize,
            status: Status::parse(r.get(1)),
            start_page: r.get::<_, i32>(2) as usize,
            end_page: r.get::<_, i32>(3) as usize,
            elements: r.get::<_, Option<i32>>(4).map(|n| n as usize),
            conversions: r.get::<_, i32>(5) as usize,
        })
        .collect();
    Ok(Some(job))
}

impl JobStore for PgStore {
    fn insert(&self, job: &NewJob, document: &Path) -> Result<(), StoreError> {
        let bytes = std::fs::read(document)
            .map_err(|source| StoreError::File { path: document.to_owned(), source })?;
        self.with(|c| {
            let mut tx = c.transaction()?;
            // Idempotent, so that a retry after a lost connection is safe.
            let n = tx.execute(
                "INSERT INTO jobs (id, owner, model, request, status, created_at, updated_at, expires_at) \
                 VALUES ($1, $2, $3, $4, 'submitted', $5, $5, $6) ON CONFLICT (id) DO NOTHING",
                &[&job.id, &job.owner, &job.model, &job.request, &job.created_at, &job.expires_at],
            )?;
            if n == 1 {
                tx.execute("INSERT INTO documents (job_id, bytes) VALUES ($1, $2)", &[&job.id, &bytes])?;
            }
            tx.commit()?;
            Ok(())
        })?;
        let _ = std::fs::remove_file(document);
        Ok(())
    }

    fn claim_next(&self, token: &str, lease: Duration) -> Result<Option<Claimed>, StoreError> {
        let lease = millis(lease);
        self.with(|c| {
            let mut tx = c.transaction()?;
            let claimed = tx.query_opt(
                &format!(
                    "WITH next AS (
                        SELECT id, status AS was FROM jobs
                        WHERE status = 'submitted' OR (status = 'started' AND lease_until < {NOW_MS})
                        ORDER BY created_at, seq LIMIT 1
                        FOR UPDATE SKIP LOCKED)
                     UPDATE jobs SET status = 'started', lease_holder = $1, lease_until = {NOW_MS} + $2,
                        claims = claims + 1, updated_at = extract(epoch from now())::bigint
                     FROM next WHERE jobs.id = next.id
                     RETURNING jobs.id, next.was"
                ),
                &[&token, &lease],
            )?;
            let Some(row) = claimed else { return Ok(None) };
            let (id, was): (String, String) = (row.get(0), row.get(1));
            let job = load(&mut tx, &id)?;
            tx.commit()?;
            Ok(job.map(|job| Claimed { job, reclaimed: was == "started" }))
        })
    }

    fn renew(&self, id: &str, token: &str, lease: Duration) -> Result<bool, StoreError> {
        let lease = millis(lease);
        self.with(|c| {
            let n = c.execute(
                &format!(
                    "UPDATE jobs SET lease_until = {NOW_MS} + $3 \
                     WHERE id = $1 AND status = 'started' AND lease_holder = $2"
                ),
                &[&id, &token, &lease],
            )?;
            Ok(n == 1)
        })
    }

    fn document(&self, id: &str, scratch: &Path) -> Result<PathBuf, StoreError> {
        let bytes: Option<Vec<u8>> = self.with(|c| {
            Ok(c.query_opt("SELECT bytes FROM documents WHERE job_id = $1", &[&id])?.map(|r| r.get(0)))
        })?;
        let file_err = |source| StoreError::File { path: scratch.to_owned(), source };
        let bytes = bytes.ok_or_else(|| file_err(std::io::ErrorKind::NotFound.into()))?;
        std::fs::write(scratch, bytes).map_err(file_err)?;
        Ok(scratch.to_owned())
    }

    fn set_pages(
        &self,
        id: &str,
        token: &str,
        total_pages: usize,
        batch_pages: usize,
    ) -> Result<bool, StoreError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            if !Self::holds(&mut tx, id, token)? {
                return Ok(false);
            }
            tx.execute("UPDATE jobs SET total_pages = $2 WHERE id = $1", &[&id, &int(total_pages)])?;
            let existing: i64 =
                tx.query_one("SELECT count(*) FROM batches WHERE job_id = $1", &[&id])?.get(0);
            if existing == 0 {
                for (index, start, end) in batches_of(total_pages, batch_pages) {
                    let status = if index == 0 { "started" } else { "submitted" };
                    tx.execute(
                        "INSERT INTO batches (job_id, idx, status, start_page, end_page) VALUES ($1, $2, $3, $4, $5)",
                        &[&id, &int(index), &status, &int(start), &int(end)],
                    )?;
                }
            } else {
                tx.execute(
                    "UPDATE batches SET status = 'started' WHERE job_id = $1 AND idx = \
                     (SELECT min(idx) FROM batches WHERE job_id = $1 AND status != 'completed')",
                    &[&id],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })
    }

    fn set_progress(&self, id: &str, token: &str, completed_pages: usize) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c.execute(
                "UPDATE jobs SET completed_pages = greatest(completed_pages, $3) \
                 WHERE id = $1 AND status = 'started' AND lease_holder = $2",
                &[&id, &token, &int(completed_pages)],
            )?;
            Ok(n == 1)
        })
    }

    fn complete_batch(&self, id: &str, token: &str, batch: &BatchOutput) -> Result<Completion, StoreError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            if !Self::holds(&mut tx, id, token)? {
                return Ok(Completion::NotHolder);
            }
            let index = int(batch.index);
            let n = tx.execute(
                "UPDATE batches SET status = 'completed', elements = $3, result = $4, \
                 conversions = conversions + 1 WHERE job_id = $1 AND idx = $2 AND status != 'completed'",
                &[&id, &index, &int(batch.elements), &batch.response.as_bytes()],
            )?;
            if n == 0 {
                return Ok(Completion::Duplicate);
            }
            for (page, png) in &batch.page_images {
                tx.execute(
                    "INSERT INTO page_images (job_id, page, png) VALUES ($1, $2, $3) \
                     ON CONFLICT (job_id, page) DO UPDATE SET png = excluded.png",
                    &[&id, &int(*page), png],
                )?;
            }
            tx.execute(
                "UPDATE batches SET status = 'started' WHERE job_id = $1 AND idx = $2 AND status = 'submitted'",
                &[&id, &(index + 1)],
            )?;
            tx.execute(
                "UPDATE jobs SET completed_pages = greatest(completed_pages, \
                 (SELECT end_page FROM batches WHERE job_id = $1 AND idx = $2)) WHERE id = $1",
                &[&id, &index],
            )?;
            tx.commit()?;
            Ok(Completion::Recorded)
        })
    }

    fn finish(&self, id: &str, token: &str, failure: Option<&str>, now: i64) -> Result<bool, StoreError> {
        let status = if failure.is_some() { "failed" } else { "completed" };
        self.with(|c| {
            let mut tx = c.transaction()?;
            if !Self::holds(&mut tx, id, token)? {
                return Ok(false);
            }
            tx.execute(
                "UPDATE jobs SET status = $2, failure_message = $3, updated_at = $4, lease_holder = NULL, \
                 lease_until = NULL WHERE id = $1",
                &[&id, &status, &failure, &now],
            )?;
            if failure.is_some() {
                tx.execute(
                    "UPDATE batches SET status = 'failed' WHERE job_id = $1 AND status != 'completed'",
                    &[&id],
                )?;
            }
            tx.execute("DELETE FROM documents WHERE job_id = $1", &[&id])?;
            tx.commit()?;
            Ok(true)
        })
    }

    fn release(&self, id: &str, token: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c.execute(
                "UPDATE jobs SET status = 'submitted', lease_holder = NULL, lease_until = NULL \
                 WHERE id = $1 AND status = 'started' AND lease_holder = $2",
                &[&id, &token],
            )?;
            Ok(n == 1)
        })
    }

    fn requeue_started(&self) -> Result<usize, StoreError> {
        // Other replicas may be converting them: their leases decide.
        Ok(0)
    }

    fn get(&self, id: &str) -> Result<Option<Job>, StoreError> {
        self.with(|c| Ok(load(c, id)?))
    }

    fn list(&self, owner: Option<&str>, limit: usize) -> Result<Vec<Job>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with(|c| {
            let ids: Vec<String> = c
                .query(
                    "SELECT id FROM jobs WHERE $1::text IS NULL OR owner = $1 \
                     ORDER BY created_at DESC, seq DESC LIMIT $2",
                    &[&owner, &limit],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let mut jobs = Vec::with_capacity(ids.len());
            for id in ids {
                jobs.extend(load(c, &id)?);
            }
            Ok(jobs)
        })
    }

    fn unfinished(&self) -> Result<usize, StoreError> {
        self.with(|c| {
            let n: i64 = c
                .query_one("SELECT count(*) FROM jobs WHERE status IN ('submitted', 'started')", &[])?
                .get(0);
            Ok(n as usize)
        })
    }

    fn result(&self, id: &str, index: usize) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT result FROM batches WHERE job_id = $1 AND idx = $2 AND status = 'completed'",
                &[&id, &int(index)],
            )?;
            Ok(row.and_then(|r| r.get(0)))
        })
    }

    fn page_image(&self, id: &str, page: usize) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT png FROM page_images WHERE job_id = $1 AND page = $2",
                &[&id, &int(page)],
            )?;
            Ok(row.map(|r| r.get(0)))
        })
    }

    fn purge_expired(&self, now: i64) -> Result<Option<usize>, StoreError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let ours: bool = tx.query_one("SELECT pg_try_advisory_xact_lock($1)", &[&SWEEP_LOCK])?.get(0);
            if !ours {
                return Ok(None);
            }
            let n = tx.execute(
                "DELETE FROM jobs WHERE expires_at <= $1 AND status IN ('completed', 'failed')",
                &[&now],
            )?;
            tx.commit()?;
            Ok(Some(n as usize))
        })
    }

    fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM jobs WHERE id = $1", &[&id])?;
            Ok(())
        })
    }

    fn ping(&self) -> Result<(), StoreError> {
        self.with(|c| {
            c.query_one("SELECT 1", &[])?;
            Ok(())
        })
    }
}
