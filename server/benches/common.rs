//! What the benchmarks share: a scratch database (DATABASE_URL, or a fresh
//! embedded PostgreSQL with fsync on, as in production).

#![allow(dead_code)]

use anyhow::{Context, Result};
use rookery::db;
use rookery::embedded::{EmbeddedOptions, EmbeddedPostgres};
use sqlx::postgres::PgConnectOptions;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::str::FromStr;

pub struct Scratch {
    pub options: PgConnectOptions,
    embedded: Option<EmbeddedPostgres>,
    dir: Option<PathBuf>,
}

impl Scratch {
    /// Stops the embedded cluster and removes its directory.
    pub async fn close(self) -> Result<()> {
        if let Some(embedded) = self.embedded {
            tokio::task::spawn_blocking(move || embedded.stop()).await??;
        }
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        Ok(())
    }
}

/// The database named by DATABASE_URL, else a new embedded cluster.
pub async fn database(name: &str) -> Result<Scratch> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Ok(Scratch {
            options: PgConnectOptions::from_str(&url)?,
            embedded: None,
            dir: None,
        });
    }
    let dir = std::env::temp_dir().join(format!("rookery-bench-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    // As root, PostgreSQL runs as another user, who must reach the cluster.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
    let root = dir.join("db");
    let embedded = tokio::task::spawn_blocking(move || {
        EmbeddedPostgres::start(&root, &EmbeddedOptions::default())
    })
    .await?
    .context("starting an embedded PostgreSQL")?;
    db::create_database_if_missing(&embedded.connect_options("postgres"), "rookery").await?;
    Ok(Scratch {
        options: embedded.connect_options("rookery"),
        embedded: Some(embedded),
        dir: Some(dir),
    })
}

/// A URL other processes (workers) connect with.
pub fn url(options: &PgConnectOptions) -> String {
    let database = options.get_database().unwrap_or("rookery");
    let user = options.get_username();
    match options.get_socket() {
        Some(socket) => format!(
            "postgres://{user}@localhost:{}/{database}?host={}",
            options.get_port(),
            socket.display()
        ),
        None => format!(
            "postgres://{user}@{}:{}/{database}",
            options.get_host(),
            options.get_port()
        ),
    }
}

/// The configuration `rookery` has with no flags and no environment.
pub fn default_config() -> rookery::Config {
    use clap::Parser;
    rookery::config::Cli::parse_from(["rookery"]).config
}
