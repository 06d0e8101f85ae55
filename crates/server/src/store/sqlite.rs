//! [`JobStore`] in an SQLite file in the data directory (WAL, synchronous
//! writes: a job accepted survives the process being killed), documents and
//! results as files beside it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use super::{
    batches_of, millis, Batch, BatchOutput, Claimed, Completion, Job, JobStore, NewJob, Status, StoreError,
};

/// The schema version this build writes; `PRAGMA user_version` holds the
/// database's.
pub const SCHEMA_VERSION: i64 = 2;

/// Version 1: jobs and batches.
const V1: &str = "
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

/// Version 2: leases and counted completions.
const V2: &str = "
ALTER TABLE jobs ADD COLUMN lease_holder TEXT;
ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
ALTER TABLE jobs ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN conversions INTEGER NOT NULL DEFAULT 0;
";

#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
    root: PathBuf,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl SqliteStore {
    /// Opens (or makes) `jobs.sqlite` in `root`, migrating it to
    /// [`SCHEMA_VERSION`]; documents and results go in `root/documents`
    /// and `root/results`.
    pub fn open(root: &Path) -> Result<SqliteStore, StoreError> {
        for d in [root.join("documents"), root.join("results")] {
            std::fs::create_dir_all(&d).map_err(|source| StoreError::File { path: d.clone(), source })?;
        }
        let mut conn = Connection::open(root.join("jobs.sqlite"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { found: version, supported: SCHEMA_VERSION });
        }
        if version < 1 {
            tx.execute_batch(V1)?;
        }
        if version < 2 {
            tx.execute_batch(V2)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(SqliteStore { conn: Mutex::new(conn), root: root.to_owned() })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        // A poisoned lock means a panic mid-call; SQLite's own transaction
        // state is still consistent, so carry on with the connection.
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        Ok(f(&mut conn)?)
    }

    fn document_path(&self, id: &str) -> PathBuf {
        self.root.join("documents").join(id)
    }

    fn results_dir(&self, id: &str) -> PathBuf {
        self.root.join("results").join(id)
    }

    fn result_path(&self, id: &str, index: usize) -> PathBuf {
        self.results_dir(id).join(format!("{index}.json"))
    }

    fn page_image_path(&self, id: &str, page: usize) -> PathBuf {
        self.results_dir(id).join(format!("page-{page}.png"))
    }

    fn holds(tx: &Connection, id: &str, token: &str) -> rusqlite::Result<bool> {
        let holder: Option<Option<String>> = tx
            .query_row("SELECT lease_holder FROM jobs WHERE id = ?1 AND status = 'started'", [id], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(holder.flatten().as_deref() == Some(token))
    }
}

fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<Job>> {
    let job = conn
        .query_row(
            "SELECT id, owner, model, request, status, failure_message, total_pages, completed_pages, \
             created_at, updated_at, expires_at, claims FROM jobs WHERE id = ?1",
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
                    claims: r.get::<_, i64>(11)? as usize,
                    batches: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut job) = job else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT idx, status, start_page, end_page, elements, conversions FROM batches \
         WHERE job_id = ?1 ORDER BY idx",
    )?;
    job.batches = stmt
        .query_map([id], |r| {
            Ok(Batch {
                index: r.get::<_, i64>(0)? as usize,
                status: Status::parse(&r.get::<_, String>(1)?),
                start_page: r.get::<_, i64>(2)? as usize,
                end_page: r.get::<_, i64>(3)? as usize,
                elements: r.get::<_, Option<i64>>(4)?.map(|n| n as usize),
                conversions: r.get::<_, i64>(5)? as usize,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(job))
}

impl JobStore for SqliteStore {
    fn insert(&self, job: &NewJob, document: &Path) -> Result<(), StoreError> {
        // The document is on disk (synced) before the job that points at it.
        let dest = self.document_path(&job.id);
        let file_err = |source| StoreError::File { path: dest.clone(), source };
        std::fs::File::open(document).and_then(|f| f.sync_all()).map_err(file_err)?;
        std::fs::rename(document, &dest).map_err(file_err)?;
        let inserted = self.with(|c| {
            c.execute(
                "INSERT INTO jobs (id, owner, model, request, status, created_at, updated_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, 'submitted', ?5, ?5, ?6)",
                params![job.id, job.owner, job.model, job.request, job.created_at, job.expires_at],
            )?;
            Ok(())
        });
        if inserted.is_err() {
            let _ = std::fs::remove_file(&dest);
        }
        inserted
    }

    fn claim_next(&self, token: &str, lease: Duration) -> Result<Option<Claimed>, StoreError> {
        let now = now_ms();
        self.with(|c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let next: Option<(String, String)> = tx
                .query_row(
                    "SELECT id, status FROM jobs WHERE status = 'submitted' \
                     OR (status = 'started' AND lease_until < ?1) ORDER BY created_at, rowid LIMIT 1",
                    [now],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((id, was)) = next else { return Ok(None) };
            tx.execute(
                "UPDATE jobs SET status = 'started', updated_at = ?2, lease_holder = ?3, lease_until = ?4, \
                 claims = claims + 1 WHERE id = ?1",
                params![id, now / 1000, token, now + millis(lease)],
            )?;
            let job = load(&tx, &id)?;
            tx.commit()?;
            Ok(job.map(|job| Claimed { job, reclaimed: was == "started" }))
        })
    }

    fn renew(&self, id: &str, token: &str, lease: Duration) -> Result<bool, StoreError> {
        let until = now_ms() + millis(lease);
        self.with(|c| {
            let n = c.execute(
                "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND status = 'started' AND lease_holder = ?2",
                params![id, token, until],
            )?;
            Ok(n == 1)
        })
    }

    fn document(&self, id: &str, _scratch: &Path) -> Result<PathBuf, StoreError> {
        Ok(self.document_path(id))
    }

    fn set_pages(
        &self,
        id: &str,
        token: &str,
        total_pages: usize,
        batch_pages: usize,
    ) -> Result<bool, StoreError> {
        self.with(|c| {
            let tx = c.transaction()?;
            if !Self::holds(&tx, id, token)? {
                return Ok(false);
            }
            tx.execute("UPDATE jobs SET total_pages = ?2 WHERE id = ?1", params![id, total_pages as i64])?;
            let existing: i64 =
                tx.query_row("SELECT count(*) FROM batches WHERE job_id = ?1", [id], |r| r.get(0))?;
            if existing == 0 {
                for (index, start, end) in batches_of(total_pages, batch_pages) {
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
            tx.commit()?;
            Ok(true)
        })
    }

    fn set_progress(&self, id: &str, token: &str, completed_pages: usize) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c.execute(
                "UPDATE jobs SET completed_pages = max(completed_pages, ?3) \
                 WHERE id = ?1 AND status = 'started' AND lease_holder = ?2",
                params![id, token, completed_pages as i64],
            )?;
            Ok(n == 1)
        })
    }

    fn complete_batch(&self, id: &str, token: &str, batch: &BatchOutput) -> Result<Completion, StoreError> {
        if !self.with(|c| Self::holds(c, id, token))? {
            return Ok(Completion::NotHolder);
        }
        // The files first (page images, then the response): a completed
        // batch always has them.
        let dir = self.results_dir(id);
        for (page, png) in &batch.page_images {
            write_synced(&dir, &self.page_image_path(id, *page), png)?;
        }
        write_synced(&dir, &self.result_path(id, batch.index), batch.response.as_bytes())?;
        self.with(|c| {
            let tx = c.transaction()?;
            // The lease is checked again with the row written: a holder
            // whose lease went while it wrote files changes nothing here
            // (the next holder rewrites the same files).
            if !Self::holds(&tx, id, token)? {
                return Ok(Completion::NotHolder);
            }
            let index = batch.index as i64;
            let n = tx.execute(
                "UPDATE batches SET status = 'completed', elements = ?3, conversions = conversions + 1 \
                 WHERE job_id = ?1 AND idx = ?2 AND status != 'completed'",
                params![id, index, batch.elements as i64],
            )?;
            if n == 0 {
                return Ok(Completion::Duplicate);
            }
            tx.execute(
                "UPDATE batches SET status = 'started' WHERE job_id = ?1 AND idx = ?2 AND status = 'submitted'",
                params![id, index + 1],
            )?;
            tx.execute(
                "UPDATE jobs SET completed_pages = max(completed_pages, \
                 (SELECT end_page FROM batches WHERE job_id = ?1 AND idx = ?2)) WHERE id = ?1",
                params![id, index],
            )?;
            tx.commit()?;
            Ok(Completion::Recorded)
        })
    }

    fn finish(&self, id: &str, token: &str, failure: Option<&str>, now: i64) -> Result<bool, StoreError> {
        let status = if failure.is_some() { "failed" } else { "completed" };
        let done = self.with(|c| {
            let tx = c.transaction()?;
            if !Self::holds(&tx, id, token)? {
                return Ok(false);
            }
            tx.execute(
                "UPDATE jobs SET status = ?2, failure_message = ?3, updated_at = ?4, lease_holder = NULL, \
                 lease_until = NULL WHERE id = ?1",
                params![id, status, failure, now],
            )?;
            if failure.is_some() {
                tx.execute(
                    "UPDATE batches SET status = 'failed' WHERE job_id = ?1 AND status != 'completed'",
                    [id],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })?;
        if done {
            let _ = std::fs::remove_file(self.document_path(id));
        }
        Ok(done)
    }

    fn release(&self, id: &str, token: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c.execute(
                "UPDATE jobs SET status = 'submitted', lease_holder = NULL, lease_until = NULL \
                 WHERE id = ?1 AND status = 'started' AND lease_holder = ?2",
                params![id, token],
            )?;
            Ok(n == 1)
        })
    }

    fn requeue_started(&self) -> Result<usize, StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET status = 'submitted', lease_holder = NULL, lease_until = NULL \
                 WHERE status = 'started'",
                [],
            )
        })
    }

    fn get(&self, id: &str) -> Result<Option<Job>, StoreError> {
        self.with(|c| load(c, id))
    }

    fn list(&self, owner: Option<&str>, limit: usize) -> Result<Vec<Job>, StoreError> {
        self.with(|c| {
            let ids: Vec<String> = c
                .prepare_cached(
                    "SELECT id FROM jobs WHERE ?1 IS NULL OR owner = ?1 \
                     ORDER BY created_at DESC, rowid DESC LIMIT ?2",
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

    fn result(&self, id: &str, index: usize) -> Result<Option<Vec<u8>>, StoreError> {
        read_if_there(&self.result_path(id, index))
    }

    fn page_image(&self, id: &str, page: usize) -> Result<Option<Vec<u8>>, StoreError> {
        read_if_there(&self.page_image_path(id, page))
    }

    fn purge_expired(&self, now: i64) -> Result<Option<usize>, StoreError> {
        let ids: Vec<String> = self.with(|c| {
            c.prepare_cached(
                "SELECT id FROM jobs WHERE expires_at <= ?1 AND status IN ('completed', 'failed')",
            )?
            .query_map([now], |r| r.get(0))?
            .collect()
        })?;
        for id in &ids {
            self.delete(id)?;
        }
        Ok(Some(ids.len()))
    }

    fn delete(&self, id: &str) -> Result<(), StoreError> {
        let _ = std::fs::remove_dir_all(self.results_dir(id));
        let _ = std::fs::remove_file(self.document_path(id));
        self.with(|c| {
            c.execute("DELETE FROM jobs WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    fn ping(&self) -> Result<(), StoreError> {
        self.with(|c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(drop))
    }
}

fn read_if_there(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::File { path: path.to_owned(), source }),
    }
}

/// Writes `bytes` to `path` through a temporary file, synced, then renamed.
fn write_synced(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    };
    write().map_err(|source| StoreError::File { path: path.to_owned(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(30);

    fn store() -> (SqliteStore, PathBuf) {
        let dir = std::env::temp_dir().join(format!("parasol-store-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        (SqliteStore::open(&dir).unwrap(), dir)
    }

    fn job(s: &SqliteStore, dir: &Path, id: &str, owner: &str, at: i64) {
        let doc = dir.join(format!("upload-{id}"));
        std::fs::write(&doc, b"%PDF-").unwrap();
        let new = NewJob {
            id: id.into(),
            owner: owner.into(),
            model: "document-parse".into(),
            request: "{}".into(),
            created_at: at,
            expires_at: at + 100,
        };
        s.insert(&new, &doc).unwrap();
    }

    fn output(index: usize, elements: usize) -> BatchOutput {
        BatchOutput { index, elements, response: format!("{{\"batch\": {index}}}"), page_images: vec![] }
    }

    #[test]
    fn jobs_are_claimed_oldest_first_and_once() {
        let (s, dir) = store();
        job(&s, &dir, "b", "k", 2);
        job(&s, &dir, "a", "k", 1);
        assert_eq!(s.unfinished().unwrap(), 2);
        assert_eq!(s.claim_next("t1", LEASE).unwrap().unwrap().job.id, "a");
        assert_eq!(s.claim_next("t2", LEASE).unwrap().unwrap().job.id, "b");
        assert!(s.claim_next("t3", LEASE).unwrap().is_none());
        assert_eq!(s.unfinished().unwrap(), 2);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_requeued_job_resumes_after_its_completed_batches() {
        let (s, dir) = store();
        job(&s, &dir, "j", "k", 1);
        s.claim_next("t1", LEASE).unwrap();
        assert!(s.set_pages("j", "t1", 25, 10).unwrap());
        assert_eq!(s.complete_batch("j", "t1", &output(0, 7)).unwrap(), Completion::Recorded);
        let j = s.get("j").unwrap().unwrap();
        assert_eq!(j.batches.len(), 3);
        assert_eq!((j.batches[1].start_page, j.batches[2].end_page), (10, 25));
        assert_eq!(j.batches[1].status, Status::Started);
        assert_eq!(j.completed_pages, 10);
        // The server dies; on start-up the job goes back to the queue.
        assert_eq!(s.requeue_started().unwrap(), 1);
        let claimed = s.claim_next("t2", LEASE).unwrap().unwrap();
        assert!(!claimed.reclaimed, "requeued, not taken from a live lease");
        assert_eq!(claimed.job.resume_point(), (10, 7));
        assert!(s.set_pages("j", "t2", 25, 10).unwrap());
        assert_eq!(s.get("j").unwrap().unwrap().batches.len(), 3, "batches are made once");
        assert_eq!(s.complete_batch("j", "t2", &output(1, 3)).unwrap(), Completion::Recorded);
        assert_eq!(s.complete_batch("j", "t2", &output(2, 1)).unwrap(), Completion::Recorded);
        assert!(s.finish("j", "t2", None, 3).unwrap());
        let j = s.get("j").unwrap().unwrap();
        assert_eq!((j.status, j.completed_pages, j.claims), (Status::Completed, 25, 2));
        assert!(j.batches.iter().all(|b| b.status == Status::Completed && b.conversions == 1));
        assert_eq!(s.result("j", 2).unwrap().unwrap(), b"{\"batch\": 2}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_expired_lease_is_reclaimed_and_the_old_holder_writes_nothing() {
        let (s, dir) = store();
        job(&s, &dir, "j", "k", 1);
        s.claim_next("old", Duration::ZERO).unwrap();
        assert!(s.set_pages("j", "old", 20, 10).unwrap());
        std::thread::sleep(Duration::from_millis(5));
        let claimed = s.claim_next("new", LEASE).unwrap().unwrap();
        assert!(claimed.reclaimed);
        assert!(!s.renew("j", "old", LEASE).unwrap(), "the old lease is gone");
        assert_eq!(s.complete_batch("j", "old", &output(0, 5)).unwrap(), Completion::NotHolder);
        assert!(!s.finish("j", "old", Some("late"), 2).unwrap());
        assert!(s.renew("j", "new", LEASE).unwrap());
        assert_eq!(s.complete_batch("j", "new", &output(0, 5)).unwrap(), Completion::Recorded);
        assert_eq!(s.complete_batch("j", "new", &output(0, 5)).unwrap(), Completion::Duplicate);
        assert_eq!(s.complete_batch("j", "new", &output(1, 5)).unwrap(), Completion::Recorded);
        assert!(s.finish("j", "new", None, 3).unwrap());
        let j = s.get("j").unwrap().unwrap();
        assert_eq!(j.status, Status::Completed);
        assert!(j.batches.iter().all(|b| b.conversions == 1), "{:?}", j.batches);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn owners_see_their_own_jobs_and_expired_ones_go() {
        let (s, dir) = store();
        job(&s, &dir, "a", "k1", 1);
        job(&s, &dir, "b", "k2", 2);
        let mine: Vec<String> = s.list(Some("k1"), 10).unwrap().into_iter().map(|j| j.id).collect();
        assert_eq!(mine, ["a"]);
        assert_eq!(s.list(None, 10).unwrap().len(), 2);
        s.claim_next("t", LEASE).unwrap();
        assert!(s.finish("a", "t", Some("broken"), 3).unwrap());
        assert_eq!(s.get("a").unwrap().unwrap().failure_message.as_deref(), Some("broken"));
        assert_eq!(s.purge_expired(150).unwrap(), Some(1), "unfinished jobs never expire");
        assert!(s.get("a").unwrap().is_none());
        assert!(s.get("b").unwrap().is_some());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_database_of_a_newer_version_is_refused() {
        let (s, dir) = store();
        drop(s);
        let c = Connection::open(dir.join("jobs.sqlite")).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        drop(c);
        let e = SqliteStore::open(&dir).unwrap_err();
        assert!(matches!(e, StoreError::NewerSchema { .. }), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
