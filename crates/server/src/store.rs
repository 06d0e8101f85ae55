//! Durable job state behind a small trait: [`JobStore`]. [`SqliteStore`]
//! keeps it in one SQLite file under the data directory (the default, one
//! server); a shared database lets several servers take jobs from one queue.
//!
//! The store holds what a job is and how far it got; documents and batch
//! results are files beside it, written by the server before the store
//! records them, so a row never points at a file that is not there.
//!
//! A job goes `submitted → started → completed | failed`; a started job whose
//! server stopped goes back to `submitted` ([`JobStore::requeue_started`] at
//! start-up) and resumes from its first unfinished batch.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

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
    pub batches: Vec<Batch>,
}

/// A run of pages whose result is one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub index: usize,
    pub status: Status,
    /// 0-based, end exclusive.
    pub start_page: usize,
    pub end_page: usize,
    /// Elements in the batch, once completed.
    pub elements: Option<usize>,
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

#[derive(Debug, thiserror::Error)]
#[error("job store: {0}")]
pub struct StoreError(#[from] rusqlite::Error);

/// Durable job state. Calls block; async callers run them on a blocking
/// thread.
pub trait JobStore: Send + Sync + std::fmt::Debug + 'static {
    fn insert(&self, job: &NewJob) -> Result<(), StoreError>;
    /// Takes the oldest submitted job and marks it started.
    fn claim_next(&self, now: i64) -> Result<Option<Job>, StoreError>;
    /// Records the page count and the batches (once; a resumed job keeps its own).
    fn set_pages(&self, id: &str, total_pages: usize, batch_pages: usize) -> Result<(), StoreError>;
    fn set_progress(&self, id: &str, completed_pages: usize) -> Result<(), StoreError>;
    /// Marks batch `index` completed with `elements` elements; the next one started.
    fn complete_batch(&self, id: &str, index: usize, elements: usize) -> Result<(), StoreError>;
    /// Ends a job: completed, or failed with a message.
    fn finish(&self, id: &str, failure: Option<&str>, now: i64) -> Result<(), StoreError>;
    /// Puts a started job back in the queue (a shutdown interrupted it).
    fn requeue(&self, id: &str) -> Result<(), StoreError>;
    /// Puts every started job back in the queue; how many there were.
    fn requeue_started(&self) -> Result<usize, StoreError>;
    fn get(&self, id: &str) -> Result<Option<Job>, StoreError>;
    /// The owner's jobs, newest first.
    fn list(&self, owner: &str, limit: usize) -> Result<Vec<Job>, StoreError>;
    /// Jobs submitted or started.
    fn unfinished(&self) -> Result<usize, StoreError>;
    /// Ids of jobs whose results expired at `now`.
    fn expired(&self, now: i64) -> Result<Vec<String>, StoreError>;
    fn delete(&self, id: &str) -> Result<(), StoreError>;
}

/// [`JobStore`] in an SQLite file (WAL, synchronous writes: a job accepted
/// survives the process being killed).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    model TEXT NOT NULL,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    failure_message TEXT,
    total_pages INTEGER,
    completed_pages INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_at);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs (owner, created_at);
CREATE TABLE IF NOT EXISTS batches (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    status TEXT NOT NULL,
    start_page INTEGER NOT NULL,
    end_page INTEGER NOT NULL,
    elements INTEGER,
    PRIMARY KEY (job_id, idx)
);
";

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        Ok(SqliteStore { conn: Mutex::new(conn) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        // A poisoned lock means a panic mid-call; SQLite's own transaction
        // state is still consistent, so carry on with the connection.
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        Ok(f(&mut conn)?)
    }
}

fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<Job>> {
    let job = conn
        .query_row(
            "SELECT id, owner, model, request, status, failure_message, total_pages, completed_pages, \
             created_at, updated_at, expires_at FROM jobs WHERE id = ?1",
            [id],
            |r| {
                Ok(Job {
                    id: r.get(0)?,
                    owner: r.get(1)?,
                    model: r.get(2)?,
                    request: r.get(3)?,
                    status: Status::parse(&r.get::<_, String>(4)?),
                    failure_message: r.get(5)?,
                    total_pages: r.get::<_, Option<i64>>(6)?.map(|n| n as usize),
                    completed_pages: r.get::<_, i64>(7)? as usize,
                    created_at: r.get(8)?,
                    updated_at: r.get(9)?,
                    expires_at: r.get(10)?,
                    batches: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut job) = job else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT idx, status, start_page, end_page, elements FROM batches WHERE job_id = ?1 ORDER BY idx",
    )?;
    job.batches = stmt
        .query_map([id], |r| {
            Ok(Batch {
                index: r.get::<_, i64>(0)? as usize,
                status: Status::parse(&r.get::<_, String>(1)?),
                start_page: r.get::<_, i64>(2)? as usize,
                end_page: r.get::<_, i64>(3)? as usize,
                elements: r.get::<_, Option<i64>>(4)?.map(|n| n as usize),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(job))
}

impl JobStore for SqliteStore {
    fn insert(&self, job: &NewJob) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO jobs (id, owner, model, request, status, created_at, updated_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, 'submitted', ?5, ?5, ?6)",
                params![job.id, job.owner, job.model, job.request, job.created_at, job.expires_at],
            )?;
            Ok(())
        })
    }

    fn claim_next(&self, now: i64) -> Result<Option<Job>, StoreError> {
        self.with(|c| {
            let tx = c.transaction()?;
            let id: Option<String> = tx
                .query_row(
                    "SELECT id FROM jobs WHERE status = 'submitted' ORDER BY created_at, rowid LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(id) = id else { return Ok(None) };
            tx.execute(
                "UPDATE jobs SET status = 'started', updated_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
            let job = load(&tx, &id)?;
            tx.commit()?;
            Ok(job)
        })
    }

    fn set_pages(&self, id: &str, total_pages: usize, batch_pages: usize) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("UPDATE jobs SET total_pages = ?2 WHERE id = ?1", params![id, total_pages as i64])?;
            let existing: i64 =
                tx.query_row("SELECT count(*) FROM batches WHERE job_id = ?1", [id], |r| r.get(0))?;
            if existing == 0 {
                let batch = batch_pages.max(1);
                for (index, start) in (0..total_pages).step_by(batch).enumerate() {
                    let end = (start + batch).min(total_pages);
                    let status = if index == 0 { "started" } else { "submitted" };
                    tx.execute(
                        "INSERT INTO batches (job_id, idx, status, start_page, end_page) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, index as i64, status, start as i64, end as i64],
                    )?;
                }
            } else {
                tx.execute(
                    "UPDATE batches SET status = 'started' WHERE job_id = ?1 AND idx = \
                     (SELECT min(idx) FROM batches WHERE job_id = ?1 AND status != 'completed')",
                    [id],
                )?;
            }
            tx.commit()
        })
    }

    fn set_progress(&self, id: &str, completed_pages: usize) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET completed_pages = max(completed_pages, ?2) WHERE id = ?1",
                params![id, completed_pages as i64],
            )?;
            Ok(())
        })
    }

    fn complete_batch(&self, id: &str, index: usize, elements: usize) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE batches SET status = 'completed', elements = ?3 WHERE job_id = ?1 AND idx = ?2",
                params![id, index as i64, elements as i64],
            )?;
            tx.execute(
                "UPDATE batches SET status = 'started' WHERE job_id = ?1 AND idx = ?2",
                params![id, index as i64 + 1],
            )?;
            tx.execute(
                "UPDATE jobs SET completed_pages = max(completed_pages, \
                 (SELECT end_page FROM batches WHERE job_id = ?1 AND idx = ?2)) WHERE id = ?1",
                params![id, index as i64],
            )?;
            tx.commit()
        })
    }

    fn finish(&self, id: &str, failure: Option<&str>, now: i64) -> Result<(), StoreError> {
        let status = if failure.is_some() { "failed" } else { "completed" };
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE jobs SET status = ?2, failure_message = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, status, failure, now],
            )?;
            if failure.is_some() {
                tx.execute(
                    "UPDATE batches SET status = 'failed' WHERE job_id = ?1 AND status != 'completed'",
                    [id],
                )?;
            }
            tx.commit()
        })
    }

    fn requeue(&self, id: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("UPDATE jobs SET status = 'submitted' WHERE id = ?1 AND status = 'started'", [id])?;
            Ok(())
        })
    }

    fn requeue_started(&self) -> Result<usize, StoreError> {
        self.with(|c| c.execute("UPDATE jobs SET status = 'submitted' WHERE status = 'started'", []))
    }

    fn get(&self, id: &str) -> Result<Option<Job>, StoreError> {
        self.with(|c| load(c, id))
    }

    fn list(&self, owner: &str, limit: usize) -> Result<Vec<Job>, StoreError> {
        self.with(|c| {
            let ids: Vec<String> = c
                .prepare_cached(
                    "SELECT id FROM jobs WHERE owner = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2",
                )?
                .query_map(params![owner, limit as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut jobs = Vec::with_capacity(ids.len());
            for id in ids {
                jobs.extend(load(c, &id)?);
            }
            Ok(jobs)
        })
    }

    fn unfinished(&self) -> Result<usize, StoreError> {
        self.with(|c| {
            c.query_row("SELECT count(*) FROM jobs WHERE status IN ('submitted', 'started')", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as usize)
        })
    }

    fn expired(&self, now: i64) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            c.prepare_cached(
                "SELECT id FROM jobs WHERE expires_at <= ?1 AND status IN ('completed', 'failed')",
            )?
            .query_map([now], |r| r.get(0))?
            .collect()
        })
    }

    fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM jobs WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (SqliteStore, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("parasol-store-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        (SqliteStore::open(&dir.join("jobs.sqlite")).unwrap(), dir)
    }

    fn job(id: &str, owner: &str, at: i64) -> NewJob {
        NewJob {
            id: id.into(),
            owner: owner.into(),
            model: "document-parse".into(),
            request: "{}".into(),
            created_at: at,
            expires_at: at + 100,
        }
    }

    #[test]
    fn jobs_are_claimed_oldest_first_and_once() {
        let (s, dir) = store();
        s.insert(&job("b", "k", 2)).unwrap();
        s.insert(&job("a", "k", 1)).unwrap();
        assert_eq!(s.unfinished().unwrap(), 2);
        assert_eq!(s.claim_next(5).unwrap().unwrap().id, "a");
        assert_eq!(s.claim_next(5).unwrap().unwrap().id, "b");
        assert!(s.claim_next(5).unwrap().is_none());
        assert_eq!(s.unfinished().unwrap(), 2);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_requeued_job_resumes_after_its_completed_batches() {
        let (s, dir) = store();
        s.insert(&job("j", "k", 1)).unwrap();
        s.claim_next(1).unwrap();
        s.set_pages("j", 25, 10).unwrap();
        s.complete_batch("j", 0, 7).unwrap();
        let j = s.get("j").unwrap().unwrap();
        assert_eq!(j.batches.len(), 3);
        assert_eq!((j.batches[1].start_page, j.batches[2].end_page), (10, 25));
        assert_eq!(j.batches[1].status, Status::Started);
        assert_eq!(j.completed_pages, 10);
        // The server dies; on start-up the job goes back to the queue.
        assert_eq!(s.requeue_started().unwrap(), 1);
        let j = s.claim_next(2).unwrap().unwrap();
        assert_eq!(j.resume_point(), (10, 7));
        s.set_pages("j", 25, 10).unwrap();
        assert_eq!(s.get("j").unwrap().unwrap().batches.len(), 3, "batches are made once");
        s.complete_batch("j", 1, 3).unwrap();
        s.complete_batch("j", 2, 1).unwrap();
        s.finish("j", None, 3).unwrap();
        let j = s.get("j").unwrap().unwrap();
        assert_eq!((j.status, j.completed_pages), (Status::Completed, 25));
        assert!(j.batches.iter().all(|b| b.status == Status::Completed));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn owners_see_their_own_jobs_and_expired_ones_go() {
        let (s, dir) = store();
        s.insert(&job("a", "k1", 1)).unwrap();
        s.insert(&job("b", "k2", 2)).unwrap();
        let mine: Vec<String> = s.list("k1", 10).unwrap().into_iter().map(|j| j.id).collect();
        assert_eq!(mine, ["a"]);
        s.claim_next(1).unwrap();
        s.finish("a", Some("broken"), 3).unwrap();
        assert_eq!(s.get("a").unwrap().unwrap().failure_message.as_deref(), Some("broken"));
        assert_eq!(s.expired(150).unwrap(), ["a"], "unfinished jobs never expire");
        s.delete("a").unwrap();
        assert!(s.get("a").unwrap().is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
