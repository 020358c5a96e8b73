//! Connecting to PostgreSQL (embedded or by URL) and migrating it.

use crate::config::Config;
use crate::embedded::{EmbeddedOptions, EmbeddedPostgres};
use anyhow::{Context, Result};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Executor, PgPool};
use std::str::FromStr;
use std::time::Duration;

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

const EMBEDDED_DATABASE: &str = "rookery";

/// Where the database is, and the embedded server when Rookery runs one.
pub struct Database {
    pub options: PgConnectOptions,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Uses `DATABASE_URL`, or starts the embedded PostgreSQL and makes sure
    /// its `rookery` database exists.
    pub async fn open(config: &Config) -> Result<Self> {
        if let Some(url) = &config.database_url {
            let options = PgConnectOptions::from_str(url)
                .context("DATABASE_URL is not a valid PostgreSQL URL")?;
            return Ok(Self {
                options,
                embedded: None,
            });
        }
        let root = config.data_dir.clone();
        let options = EmbeddedOptions {
            bin_dir: config.pg_bin.clone(),
            unsafe_no_fsync: false,
        };
        let embedded =
            tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&root, &options))
                .await
                .context("embedded PostgreSQL start task")?
                .context("starting the embedded PostgreSQL")?;
        create_database_if_missing(&embedded.connect_options("postgres"), EMBEDDED_DATABASE)
            .await?;
        let options = embedded.connect_options(EMBEDDED_DATABASE);
        Ok(Self {
            options,
            embedded: Some(embedded),
        })
    }

    /// Stops the embedded server: always for `serve` (which owns the
    /// cluster, even one left running by a crash), and for other commands
    /// only if they started it and no `serve` is using it.
    pub async fn close(self, owner: bool) {
        if let Some(embedded) = self.embedded {
            if owner {
                embedded.clear_serving();
            }
            if owner || (embedded.started_here() && !embedded.serve_running()) {
                let result = tokio::task::spawn_blocking(move || embedded.stop()).await;
                match result {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        tracing::error!(error = %format!("{e:#}"), "stopping the embedded PostgreSQL failed")
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "stopping the embedded PostgreSQL failed")
                    }
                }
            }
        }
    }
}

/// Creates `name` on the server behind `admin` unless it exists.
pub async fn create_database_if_missing(admin: &PgConnectOptions, name: &str) -> Result<()> {
    let mut conn = admin.connect().await.context("connecting to PostgreSQL")?;
    let exists: bool = sqlx::query_scalar!(
        r#"select exists (select 1 from pg_database where datname = $1) as "exists!""#,
        name
    )
    .fetch_one(&mut conn)
    .await?;
    if !exists {
        let quoted = name.replace('"', "\"\"");
        // Runtime SQL: the database name is only known at run time, and DDL
        // takes no bind parameters.
        conn.execute(format!("create database \"{quoted}\"").as_str())
            .await
            .with_context(|| format!("creating database {name}"))?;
    }
    Ok(())
}

/// A pool that fails fast when the database is away, so readiness answers.
/// Connections are not pinged before each use (sqlx's default): that was a
/// round trip per statement, and a connection the server closed fails its
/// next statement and leaves the pool anyway.
pub fn pool(options: PgConnectOptions) -> PgPool {
    PgPoolOptions::new()
        .max_connections(20)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .test_before_acquire(false)
        .connect_lazy_with(options)
}

/// Applies pending migrations; an error here must stop the server.
pub async fn migrate(pool: &PgPool) -> Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("database migration failed")?;
    Ok(())
}

/// True when the database answers and every migration is applied.
pub async fn is_ready(pool: &PgPool) -> bool {
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Result<Option<i64>, sqlx::Error> =
        sqlx::query_scalar!("select max(version) from _sqlx_migrations where success")
            .fetch_one(pool)
            .await;

    matches!(applied, Ok(Some(version)) if version >= latest)
}
