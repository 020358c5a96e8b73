//! The `rookery` binary.

use anyhow::{Context, Result};
use app::domain::EmailAddress;
use clap::Parser;
use rookery::config::{Cli, Command};
use rookery::db::{self, Database};
use rookery::jobs::{Runner, RunnerConfig};
use rookery::{cli, job_handlers, telemetry, Application, Config};
use sqlx::PgPool;
use std::process::ExitCode;
use tokio::sync::watch;

// Server-side rendering allocates many short-lived strings; mimalloc serves
// them markedly faster than glibc's allocator (measured with `make bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Cli::parse();
    telemetry::init(&args.config);
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "rookery stopped with an error");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Cli) -> Result<()> {
    let config = args.config;
    let command = args.command.unwrap_or(Command::Serve);
    let serving = matches!(command, Command::Serve);
    // `serve` and `worker` take SIGINT/SIGTERM from the start, so a signal
    // during start-up still stops the embedded PostgreSQL in order.
    let shutdown = matches!(command, Command::Serve | Command::Worker).then(Shutdown::install);
    let database = Database::open(&config).await?;
    tracing::info!(database = %cli::describe(&config), "database selected");
    if serving {
        if let Some(embedded) = &database.embedded {
            embedded.mark_serving()?;
        }
    }
    let pool = db::pool(database.options.clone());
    let result = async {
        sqlx::query_scalar!("select 1")
            .fetch_one(&pool)
            .await
            .context("connecting to PostgreSQL")?;
        db::migrate(&pool).await?;
        match command {
            Command::Serve => match shutdown {
                Some(shutdown) if !shutdown.requested() => {
                    serve(&config, pool.clone(), shutdown).await
                }
                _ => Ok(()),
            },
            Command::Worker => match shutdown {
                Some(shutdown) if !shutdown.requested() => {
                    worker(&config, pool.clone(), shutdown).await
                }
                _ => Ok(()),
            },
            Command::Migrate => {
                tracing::info!("migrations applied");
                Ok(())
            }
            Command::User(command) => cli::user(&pool, command).await,
            Command::Token(command) => cli::token(&pool, command).await,
        }
    }
    .await;
    pool.close().await;
    // Only `serve` owns an embedded cluster; a `worker` (like the other
    // commands) stops it only if it started it and no `serve` uses it.
    database.close(serving).await;
    result
}

async fn serve(config: &Config, pool: PgPool, shutdown: Shutdown) -> Result<()> {
    let admin_email = EmailAddress::parse(&config.admin_email)
        .map_err(|e| anyhow::anyhow!("ROOKERY_ADMIN_EMAIL: {e}"))?;
    if let Some(password) = app::services::users::bootstrap_admin(&pool, &admin_email)
        .await
        .map_err(|e| anyhow::anyhow!("creating the first administrator: {e}"))?
    {
        // Shown once, at creation (the hash is all that is stored): in the log,
        // and on stderr too in case the log filter hides warnings.
        tracing::warn!(
            email = %admin_email,
            one_time_password = %password,
            "created the first administrator; sign in with this one-time password and choose your own"
        );
        eprintln!("First administrator: {admin_email}, one-time password: {password}");
    }
    let leptos = rookery::site::leptos_options();
    let app = Application::build(config, pool.clone(), leptos).await?;
    tracing::info!(address = %format!("http://{}", app.address()), "rookery is listening");
    // The runner gets the same signal and shuts down gracefully alongside.
    let runner = config
        .run_jobs
        .then(|| tokio::spawn(job_runner(config, &pool).run(shutdown.clone().wait())));
    let served = app.run_until(shutdown.wait()).await;
    if let Some(runner) = runner {
        if served.is_err() {
            runner.abort();
        }
        match runner.await {
            Ok(result) => result.context("running jobs")?,
            Err(e) if e.is_cancelled() => {}
            Err(e) => return Err(e).context("the job runner task"),
        }
    }
    served.context("serving HTTP")?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// `rookery worker`: jobs only, until SIGINT/SIGTERM.
async fn worker(config: &Config, pool: PgPool, shutdown: Shutdown) -> Result<()> {
    job_runner(config, &pool)
        .run(shutdown.wait())
        .await
        .context("running jobs")?;
    tracing::info!("shut down cleanly");
    Ok(())
}

fn job_runner(config: &Config, pool: &PgPool) -> Runner {
    let runner_config = RunnerConfig {
        concurrency: config.worker_concurrency,
        ..RunnerConfig::default()
    };
    Runner::new(
        pool.clone(),
        job_handlers::registry(pool, config),
        runner_config,
    )
}

/// SIGINT or SIGTERM, watched from the moment it is installed.
#[derive(Clone)]
struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    fn install() -> Self {
        let (sender, receiver) = watch::channel(false);
        tokio::spawn(async move {
            signal().await;
            let _ = sender.send(true);
        });
        Self(receiver)
    }

    fn requested(&self) -> bool {
        *self.0.borrow()
    }

    async fn wait(mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

async fn signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "listening for SIGINT failed");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "listening for SIGTERM failed");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
