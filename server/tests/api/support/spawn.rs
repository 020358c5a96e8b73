//! Spawning the app: one throwaway PostgreSQL cluster per test run (started
//! by the harness itself, fsync off), a fresh database per test, and the
//! real app served on port 0.

use clap::Parser;
use leptos::config::LeptosOptions;
use rookery::config::Cli;
use rookery::embedded::{EmbeddedOptions, EmbeddedPostgres};
use rookery::{db, Application};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Executor, PgPool};
use std::sync::OnceLock;
use uuid::Uuid;

/// The one cluster of this process: every test binary (and every test in
/// it) starts it at most once; tests share it through their own databases.
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

/// A cookie-keeping HTTP client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

impl TestApp {
    /// An app with the default configuration on a fresh database.
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

    /// The absolute URL of `path` on this app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
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
