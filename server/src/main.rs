//! The `rookery` binary.

use anyhow::{Context, Result};
use app::domain::EmailAddress;
use clap::Parser;
use rookery::config::{Cli, Command};
use rookery::db::{self, Database};
use rookery::{cli, telemetry, Application, Config};
use std::process::ExitCode;

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
    let database = Database::open(&config).await?;
    tracing::info!(database = %cli::describe(&config), "database selected");
    let pool = db::pool(database.options.clone());
    let result = async {
        sqlx::query("select 1")
            .execute(&pool)
            .await
            .context("connecting to PostgreSQL")?;
        db::migrate(&pool).await?;
        match args.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(&config, pool.clone()).await,
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
    database.close().await;
    result
}

async fn serve(config: &Config, pool: sqlx::PgPool) -> Result<()> {
    let admin_email = EmailAddress::parse(&config.admin_email)
        .map_err(|e| anyhow::anyhow!("ROOKERY_ADMIN_EMAIL: {e}"))?;
    if let Some(password) = app::server::users::bootstrap_admin(&pool, &admin_email)
        .await
        .map_err(|e| anyhow::anyhow!("creating the first administrator: {e}"))?
    {
        // Printed once, at creation; the hash is all that is stored.
        tracing::warn!(
            email = %admin_email,
            one_time_password = %password,
            "created the first administrator; sign in with this one-time password and choose your own"
        );
    }
    let leptos = leptos::prelude::get_configuration(None)
        .context("reading the Leptos configuration (run from the workspace root, or set LEPTOS_* variables)")?
        .leptos_options;
    let app = Application::build(config, pool, leptos).await?;
    tracing::info!(address = %format!("http://{}", app.address()), "rookery is listening");
    app.run_until(shutdown_signal())
        .await
        .context("serving HTTP")?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
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
