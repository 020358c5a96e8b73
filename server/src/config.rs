//! Configuration from flags and the environment. Every option is listed in
//! `rookery --help` and the README.

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Self-hosted release and change management.
#[derive(Debug, Parser)]
#[command(
    name = "rookery",
    version,
    about = "Rookery: self-hosted release and change management",
    after_help = "With DATABASE_URL unset, Rookery runs its own PostgreSQL under the data directory \
                  (Unix socket only, no TCP port) and stops it on shutdown."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default), with the job runner unless ROOKERY_WORKER=0.
    Serve,
    /// Run only the job runner, no web server, to scale out.
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; its password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// A role (admin, release_manager, approver, engineer, support, viewer); repeat or comma-separate.
        #[arg(long = "role", required = true, value_delimiter = ',')]
        roles: Vec<String>,
    },
    /// Set an account's password, read from standard input.
    SetPassword {
        #[arg(long)]
        email: String,
        /// Make the person choose a new password at their next sign-in.
        #[arg(long)]
        must_change: bool,
    },
    /// Lift sign-in throttling for an account (forgets its failed attempts
    /// from every address).
    Unlock {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an account and print it (once).
    Create {
        /// The account's email.
        #[arg(long)]
        user: String,
        /// What the token is for, e.g. "CI pipeline".
        #[arg(long)]
        name: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings shared by every command.
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// PostgreSQL URL. When unset, an embedded PostgreSQL runs under the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Address the web server listens on.
    #[arg(
        long,
        env = "ROOKERY_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// Directory for the embedded PostgreSQL's cluster, socket and log.
    #[arg(long, env = "ROOKERY_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(
        long,
        env = "ROOKERY_LOG",
        default_value = "info,sqlx=warn,tower_sessions=warn",
        global = true
    )]
    pub log: String,
    /// Log format: human-readable text or one JSON object per line.
    #[arg(
        long,
        env = "ROOKERY_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
    /// The URL people use to reach Rookery; https makes cookies Secure and is accepted as an Origin.
    #[arg(long, env = "ROOKERY_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Behind a reverse proxy: take client addresses (for sign-in throttling) from X-Forwarded-For.
    #[arg(long, env = "ROOKERY_TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: bool,
    /// Minutes a session may sit unused before it is signed out.
    #[arg(
        long,
        env = "ROOKERY_SESSION_IDLE_MINUTES",
        default_value_t = 480,
        global = true
    )]
    pub session_idle_minutes: u64,
    /// Hours after sign-in when a session ends however active it is.
    #[arg(
        long,
        env = "ROOKERY_SESSION_LIFETIME_HOURS",
        default_value_t = 168,
        global = true
    )]
    pub session_lifetime_hours: u64,
    /// Email of the administrator created on first start with an empty database.
    #[arg(
        long,
        env = "ROOKERY_ADMIN_EMAIL",
        default_value = "admin@rookery.local",
        global = true
    )]
    pub admin_email: String,
    /// Directory of PostgreSQL's server programs (initdb, pg_ctl) for the embedded database.
    #[arg(long, env = "ROOKERY_PG_BIN", global = true)]
    pub pg_bin: Option<PathBuf>,
    /// Run jobs inside `serve` too (turn off when `rookery worker` processes run them all).
    #[arg(
        long = "jobs",
        env = "ROOKERY_WORKER",
        default_value = "true",
        value_parser = BoolishValueParser::new(),
        action = ArgAction::Set,
        global = true
    )]
    pub run_jobs: bool,
    /// Jobs a runner (in `serve` or `worker`) runs at once.
    #[arg(
        long,
        env = "ROOKERY_WORKER_CONCURRENCY",
        default_value_t = 8,
        global = true
    )]
    pub worker_concurrency: usize,
    /// The name on the public status page and in its messages.
    #[arg(
        long,
        env = "ROOKERY_STATUS_NAME",
        default_value = "Rookery",
        global = true
    )]
    pub status_name: String,
    /// SMTP server for subscriber email: `smtp://host:25`,
    /// `smtp://user:pass@host:587?tls=required` or `smtps://user:pass@host:465`. Unset: no email.
    #[arg(long, env = "ROOKERY_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of subscriber email.
    #[arg(
        long,
        env = "ROOKERY_MAIL_FROM",
        default_value = "Rookery Status <status@rookery.local>",
        global = true
    )]
    pub mail_from: String,
    /// Let status-page webhooks reach loopback and private addresses (off:
    /// anyone may subscribe a webhook, so it must not reach internal hosts).
    #[arg(long, env = "ROOKERY_WEBHOOKS_TO_PRIVATE_ADDRESSES", global = true)]
    pub webhooks_to_private_addresses: bool,
}

impl Config {
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.session_idle_minutes.max(1) * 60)
    }

    pub fn absolute_lifetime(&self) -> Duration {
        Duration::from_secs(self.session_lifetime_hours.max(1) * 3600)
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.trim().to_lowercase().starts_with("https://"))
    }

    /// Where people reach Rookery, for links in messages and feeds sent
    /// from outside a request.
    pub fn base_url(&self) -> String {
        match self.public_url.as_deref() {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.addr),
        }
    }

    /// The public URL's origin (`https://rookery.example.com`), if set.
    pub fn public_origin(&self) -> Option<String> {
        let url = self.public_url.as_deref()?.trim_end_matches('/');
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split('/').next()?;
        Some(format!("{scheme}://{host}").to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("rookery").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn serve_is_the_default_command() {
        assert!(parse(&[]).command.is_none());
    }

    #[test]
    fn jobs_run_inside_serve_unless_turned_off() {
        assert!(parse(&[]).config.run_jobs);
        assert!(!parse(&["--jobs", "0"]).config.run_jobs);
        assert!(matches!(parse(&["worker"]).command, Some(Command::Worker)));
        assert_eq!(
            parse(&["worker", "--worker-concurrency", "3"])
                .config
                .worker_concurrency,
            3
        );
    }

    #[test]
    fn roles_may_be_repeated_or_comma_separated() {
        let cli = parse(&[
            "user",
            "create",
            "--email",
            "a@b.co",
            "--name",
            "A",
            "--role",
            "admin,engineer",
            "--role",
            "viewer",
        ]);
        match cli.command {
            Some(Command::User(UserCommand::Create { roles, .. })) => {
                assert_eq!(roles, ["admin", "engineer", "viewer"])
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn the_public_origin_drops_the_path_and_case() {
        let mut config = parse(&[]).config;
        config.public_url = Some("HTTPS://Rookery.Example.com/app/".into());
        assert_eq!(
            config.public_origin().as_deref(),
            Some("https://rookery.example.com")
        );
        assert!(config.secure_cookies());
        config.public_url = Some("http://localhost:3000".into());
        assert!(!config.secure_cookies());
    }
}
