//! The `rookery` subcommands besides `serve`. Their changes are audited with
//! the CLI as the actor.

use crate::config::{Config, TokenCommand, UserCommand};
use anyhow::{anyhow, bail, Context, Result};
use app::domain::{DisplayName, EmailAddress, Roles, TokenName};
use app::error::AppError;
use app::services::password::Password;
use app::services::{tokens, users, Actor};
use sqlx::PgPool;
use std::io::{BufRead, IsTerminal, Write};

/// Turns a service error into a message for the terminal.
fn explain(error: AppError) -> anyhow::Error {
    match error {
        AppError::Validation { message, fields } if !fields.is_empty() => {
            let details: Vec<String> = fields
                .into_iter()
                .map(|(field, m)| format!("{field}: {m}"))
                .collect();
            anyhow!("{}", details.join("; ")).context(message)
        }
        other => anyhow!("{other}"),
    }
}

/// Reads one password line from standard input (prompting on a terminal).
fn read_password(prompt: &str) -> Result<Password> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("no password on standard input (pipe it in, e.g. `echo \"$PASSWORD\" | rookery user create ...`)");
    }
    Ok(Password::new(password))
}

pub async fn user(pool: &PgPool, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Create { email, name, roles } => {
            let email = EmailAddress::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let display_name = DisplayName::parse(&name).map_err(|e| anyhow!("--name: {e}"))?;
            let roles = Roles::parse(roles.iter().map(String::as_str))
                .map_err(|e| anyhow!("--role: {e}"))?;
            let password = read_password("Password for the new account: ")?;
            let new = users::NewUser {
                email,
                display_name,
                roles,
                password,
                must_change_password: false,
            };
            let user = users::create(pool, &Actor::Cli, new, None)
                .await
                .map_err(explain)?;
            println!(
                "Created {} ({}) with roles {}",
                user.email,
                user.id,
                user.roles.join(", ")
            );
        }
        UserCommand::SetPassword { email, must_change } => {
            let (user, _) = users::find_by_email_with_hash(pool, &email)
                .await
                .map_err(explain)?
                .ok_or_else(|| anyhow!("no account has the email {email}"))?;
            let password = read_password("New password: ")?;
            users::set_password(pool, &Actor::Cli, user.id, password, must_change, None)
                .await
                .map_err(explain)?;
            println!(
                "Password changed for {}; their sessions were signed out.",
                user.email
            );
        }
        UserCommand::Unlock { email } => {
            let forgotten = app::services::login::unlock(pool, &Actor::Cli, &email)
                .await
                .map_err(explain)?;
            println!(
                "Sign-in unlocked for {email} ({forgotten} failed attempt{} forgotten).",
                if forgotten == 1 { "" } else { "s" }
            );
        }
    }
    Ok(())
}

pub async fn token(pool: &PgPool, command: TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Create { user, name } => {
            let (account, _) = users::find_by_email_with_hash(pool, &user)
                .await
                .map_err(explain)?
                .ok_or_else(|| anyhow!("no account has the email {user}"))?;
            if account.disabled {
                bail!("{} is disabled; enable the account first", account.email);
            }
            let name = TokenName::parse(&name).map_err(|e| anyhow!("--name: {e}"))?;
            let created = tokens::create(pool, &Actor::Cli, account.id, name, None)
                .await
                .map_err(explain)?;
            // The token alone on stdout, so scripts can capture it.
            println!("{}", created.token);
            eprintln!(
                "Created token \"{}\" for {}. It will not be shown again.",
                created.view.name, account.email
            );
        }
    }
    Ok(())
}

/// Unused `config` fields are fine: every command accepts the global flags.
pub fn describe(config: &Config) -> String {
    match &config.database_url {
        Some(_) => "the database at DATABASE_URL".to_string(),
        None => format!("the embedded PostgreSQL in {}", config.data_dir.display()),
    }
}
