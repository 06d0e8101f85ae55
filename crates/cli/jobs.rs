//! `parasol jobs`: the job store's administration, for SQLite and
//! PostgreSQL alike: list jobs, purge expired (or named) ones.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use parasol_server::store::StoreConfig;

/// List or purge the async jobs of a server's store.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The job store: `sqlite` (in --data-dir) or a postgres:// address.
    #[arg(long, env = "PARASOL_STORE", default_value = "sqlite", value_parser = StoreConfig::parse, hide_env_values = true, global = true)]
    pub store: StoreConfig,
    /// The SQLite store's data directory.
    #[arg(long, env = "PARASOL_DATA_DIR", default_value = "parasol-data", global = true)]
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// One line of JSON per job, newest first: id, owner, status, pages,
    /// claims, and each batch's status and accepted conversions.
    List {
        /// Most jobs listed.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
    /// Delete jobs whose results expired (or the named ones, finished or not).
    Purge {
        /// Job ids to delete; none: every expired job.
        ids: Vec<String>,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = args.store.open(&args.data_dir).context("cannot open the job store")?;
    match args.action {
        Action::List { limit } => {
            for job in store.list(None, limit)? {
                let batches: Vec<serde_json::Value> = job
                    .batches
                    .iter()
                    .map(|b| {
                        serde_json::json!({
                            "index": b.index, "status": b.status.as_str(),
                            "start_page": b.start_page, "end_page": b.end_page,
                            "conversions": b.conversions,
                        })
                    })
                    .collect();
                let line = serde_json::json!({
                    "id": job.id, "owner": job.owner, "status": job.status.as_str(),
                    "total_pages": job.total_pages, "completed_pages": job.completed_pages,
                    "created_at": job.created_at, "expires_at": job.expires_at,
                    "claims": job.claims, "batches": batches,
                });
                println!("{line}");
            }
        }
        Action::Purge { ids } if ids.is_empty() => match store.purge_expired(parasol_server::now())? {
            Some(n) => eprintln!("{n} expired jobs removed"),
            None => eprintln!("a server is removing expired jobs right now; nothing done"),
        },
        Action::Purge { ids } => {
            for id in &ids {
                store.delete(id)?;
            }
            eprintln!("{} jobs removed", ids.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
