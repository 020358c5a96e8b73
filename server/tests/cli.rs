//! The `rookery` command against a real database.
//!
//! A binary of its own, outside `api/`: these tests run the `rookery`
//! executable as a child process (its exit status, stdout and log format),
//! so they stay apart from the in-process app tests. The support library
//! is shared with them through `#[path]`.

#[path = "api/support/mod.rs"]
mod support;

use std::process::{Command, Stdio};
use support::{location, TestApp};

fn rookery(app: &TestApp, args: &[&str], stdin: &str) -> std::process::Output {
    support::rookery_command(&app.database_url, args, stdin)
}

#[tokio::test]
async fn user_create_reads_the_password_from_stdin_and_is_audited_as_the_cli() {
    let app = TestApp::spawn().await;

    let output = rookery(
        &app,
        &[
            "user",
            "create",
            "--email",
            "Ops@Example.com",
            "--name",
            "Ops",
            "--role",
            "release_manager",
        ],
        "a-long-enough-password\n",
    );

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        location(&app.login("ops@example.com", "a-long-enough-password").await),
        "/"
    );
    let actor: String =
        sqlx::query_scalar("select actor_kind::text from audit_event where action = 'user.create'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(actor, "cli");
}

#[tokio::test]
async fn user_create_refuses_a_weak_password_and_a_bad_role_clearly() {
    let app = TestApp::spawn().await;

    let weak = rookery(
        &app,
        &[
            "user",
            "create",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--role",
            "engineer",
        ],
        "short\n",
    );
    let bad_role = rookery(
        &app,
        &[
            "user",
            "create",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--role",
            "root",
        ],
        "a-long-enough-password\n",
    );

    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("Unknown role"));
}

#[tokio::test]
async fn token_create_prints_a_working_token_on_stdout() {
    let app = TestApp::spawn().await;
    app.create_user("ci@example.com", &["engineer"]).await;

    let output = rookery(
        &app,
        &[
            "token",
            "create",
            "--user",
            "ci@example.com",
            "--name",
            "CI",
        ],
        "",
    );

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).unwrap().trim().to_string();
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn set_password_replaces_the_password() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;

    let output = rookery(
        &app,
        &["user", "set-password", "--email", "ada@example.com"],
        "another-long-password\n",
    );

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        location(&app.login("ada@example.com", "another-long-password").await),
        "/"
    );
}

#[tokio::test]
async fn a_failed_migration_stops_with_a_clear_error() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "update _sqlx_migrations set checksum = '\\x00'::bytea where version = 20261127000001",
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let output = rookery(&app, &["migrate"], "");

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("database migration failed"), "{stderr}");
    assert!(
        stderr.contains("previously applied but has been modified"),
        "{stderr}"
    );
}

#[tokio::test]
async fn json_logs_are_one_object_per_line() {
    let app = TestApp::spawn().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rookery"))
        .arg("migrate")
        .env("DATABASE_URL", &app.database_url)
        .env("ROOKERY_LOG", "info")
        .env("ROOKERY_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();

    assert!(status.success(), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(!lines.is_empty());
    for line in lines {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            value.get("level").is_some() && value.get("timestamp").is_some(),
            "{line}"
        );
    }
}
