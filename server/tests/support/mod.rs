//! The integration-test harness: one throwaway PostgreSQL cluster per test
//! run (started by the harness itself, fsync off), a fresh database per
//! test, and the real app served on port 0.

#![allow(dead_code)]

use app::domain::{DisplayName, EmailAddress, Roles};
use app::server::password::Password;
use app::server::users::{self, NewUser, UserRecord};
use app::server::Actor;
use clap::Parser;
use leptos::config::LeptosOptions;
use rookery::config::Cli;
use rookery::embedded::{EmbeddedOptions, EmbeddedPostgres};
use rookery::{db, Application};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Executor, PgPool};
use std::sync::OnceLock;
use uuid::Uuid;

pub const PASSWORD: &str = "tidal-granite-owl-42";

static CLUSTER: OnceLock<EmbeddedPostgres> = OnceLock::new();

/// The test cluster, started on first use and reused by later test binaries
/// (the test script stops it at the end).
async fn cluster() -> &'static EmbeddedPostgres {
    tokio::task::spawn_blocking(|| {
        CLUSTER.get_or_init(|| {
            let uid = std::fs::metadata("/proc/self")
                .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
                .unwrap_or(0);
            let root = std::env::temp_dir().join(format!("rookery-test-pg-{uid}"));
            let options = EmbeddedOptions {
                bin_dir: None,
                unsafe_no_fsync: true,
            };
            EmbeddedPostgres::start(&root, &options).expect("starting the test PostgreSQL cluster")
        })
    })
    .await
    .expect("cluster start task")
}

/// A running app on its own database, with a cookie-keeping HTTP client that
/// does not follow redirects (so tests see them).
pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
    pub database: String,
    pub admin_options: PgConnectOptions,
    pub client: reqwest::Client,
    pub database_url: String,
}

/// Serves the real app with `config` on 127.0.0.1, port 0, and returns
/// its base URL.
async fn serve(mut config: rookery::Config, pool: PgPool) -> String {
    config.addr = "127.0.0.1:0".parse().unwrap();
    let leptos = LeptosOptions::builder()
        .output_name("rookery")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build();
    let app = Application::build(&config, pool, leptos)
        .await
        .expect("building the app");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until(std::future::pending()));
    address
}

/// Runs the `rookery` command against this database with `stdin` piped in.
pub fn rookery_command(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_rookery"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("ROOKERY_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running rookery");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The configuration `rookery` has with no flags and no environment.
pub fn default_config() -> rookery::Config {
    Cli::parse_from(["rookery"]).config
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(default_config()).await
    }

    /// An app with `config` (its address is always 127.0.0.1:0) on a fresh
    /// database of the shared test cluster.
    pub async fn spawn_with(config: rookery::Config) -> Self {
        Self::spawn_on(cluster().await, config).await
    }

    /// An app with `config` on a fresh database of `cluster`, for a test
    /// that needs a cluster of its own (one it stops, say).
    pub async fn spawn_on(cluster: &EmbeddedPostgres, config: rookery::Config) -> Self {
        let database = format!("test_{}", Uuid::new_v4().simple());
        let admin_options = cluster.connect_options("postgres");
        db::create_database_if_missing(&admin_options, &database)
            .await
            .expect("creating the test database");
        let options = cluster.connect_options(&database);
        let pool = db::pool(options);
        db::migrate(&pool)
            .await
            .expect("migrating the test database");

        let address = serve(config, pool.clone()).await;
        let database_url = format!(
            "postgres://postgres@localhost/{database}?host={}",
            cluster.socket_dir().display()
        );
        Self {
            address,
            pool,
            database,
            admin_options,
            client: client(),
            database_url,
        }
    }

    /// Another `rookery` process on this app's database (what several
    /// instances behind a load balancer share).
    pub async fn second_process(&self) -> TestApp {
        use std::str::FromStr;
        let options = PgConnectOptions::from_str(&self.database_url).expect("database url");
        let pool = db::pool(options);
        let address = serve(default_config(), pool.clone()).await;
        TestApp {
            address,
            pool,
            database: self.database.clone(),
            admin_options: self.admin_options.clone(),
            client: client(),
            database_url: self.database_url.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Creates an account with [`PASSWORD`] directly through the service.
    pub async fn create_user(&self, email: &str, roles: &[&str]) -> UserRecord {
        let new = NewUser {
            email: EmailAddress::parse(email).unwrap(),
            display_name: DisplayName::parse("Test Person").unwrap(),
            roles: Roles::parse(roles.iter().copied()).unwrap(),
            password: Password::new(PASSWORD),
            must_change_password: false,
        };
        users::create(&self.pool, &Actor::System, new, None)
            .await
            .expect("creating a user")
    }

    /// Posts the sign-in form the way a browser on this site would.
    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/login"))
            .header("origin", &self.address)
            .form(&[("email", email), ("password", password), ("next", "/")])
            .send()
            .await
            .expect("posting /login")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.login_with(&self.client, email, password).await
    }

    /// Calls a server function with a same-origin `Origin` header.
    pub async fn server_fn(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", &self.address)
            .form(form)
            .send()
            .await
            .expect("calling a server function")
    }

    /// Drops this test's database out from under the app.
    pub async fn drop_database(&self) {
        let mut conn = self
            .admin_options
            .connect()
            .await
            .expect("admin connection");
        conn.execute(format!("drop database \"{}\" with (force)", self.database).as_str())
            .await
            .expect("dropping the test database");
    }
}

/// The `Location` header of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A signed-in person: the account and a cookie-keeping client with its
/// session.
pub struct Person {
    pub user: UserRecord,
    pub client: reqwest::Client,
}

impl TestApp {
    /// Creates an account with `roles` and signs it in on a fresh client.
    pub async fn person(&self, email: &str, roles: &[&str]) -> Person {
        let user = self.create_user(email, roles).await;
        let client = client();
        let response = self.login_with(&client, email, PASSWORD).await;
        assert_eq!(
            location(&response),
            "/",
            "signing in {email} did not land on the home page"
        );
        Person { user, client }
    }

    /// Calls a JSON-encoded server function (`#[server(input = Json)]`) with
    /// a same-origin `Origin` header.
    pub async fn server_fn_json(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", &self.address)
            .json(body)
            .send()
            .await
            .expect("calling a server function")
    }

    /// A fresh API token for `user`, made the way `rookery token create`
    /// makes one.
    pub async fn api_token(&self, user: Uuid) -> String {
        app::server::tokens::create(
            &self.pool,
            &Actor::System,
            user,
            app::domain::TokenName::parse(&format!("test-{}", Uuid::new_v4().simple())).unwrap(),
            None,
        )
        .await
        .expect("creating an API token")
        .token
    }

    /// How many audit rows have `action` (and `entity_id`, when given).
    pub async fn audit_count(&self, action: &str, entity_id: Option<&str>) -> i64 {
        sqlx::query_scalar(
            "select count(*) from audit_event
             where action = $1 and ($2::text is null or entity_id = $2)",
        )
        .bind(action)
        .bind(entity_id)
        .fetch_one(&self.pool)
        .await
        .expect("counting audit rows")
    }

    /// The newest audit row with `action`: (actor_id, entity_id, before, after).
    pub async fn last_audit(
        &self,
        action: &str,
    ) -> (
        Option<Uuid>,
        Option<String>,
        Option<serde_json::Value>,
        Option<serde_json::Value>,
    ) {
        sqlx::query_as(
            "select actor_id, entity_id, before, after from audit_event
             where action = $1 order by id desc limit 1",
        )
        .bind(action)
        .fetch_one(&self.pool)
        .await
        .unwrap_or_else(|e| panic!("no audit row for {action}: {e}"))
    }
}

/// A server function's answer: the decoded value, or the `AppError` its
/// body carries (server functions encode errors as JSON).
pub async fn outcome<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, app::error::AppError> {
    let ok = response.status().is_success();
    let status = response.status();
    let body = response
        .text()
        .await
        .expect("reading a server function's body");
    if ok {
        Ok(serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("undecodable answer ({e}) with {status}: {body}")))
    } else {
        Err(serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{status} without an AppError body ({e}): {body}")))
    }
}

/// The field messages of a validation error; panics on any other outcome.
pub fn field_errors<T: std::fmt::Debug>(
    result: Result<T, app::error::AppError>,
) -> std::collections::BTreeMap<String, String> {
    match result {
        Err(app::error::AppError::Validation { fields, .. }) => fields,
        other => panic!("expected a validation error, got {other:?}"),
    }
}
