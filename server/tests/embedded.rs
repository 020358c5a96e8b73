//! The embedded PostgreSQL: initialised on first start, data kept across
//! restarts, stopped cleanly.
//!
//! A binary of its own, outside `api/`: it tests `EmbeddedPostgres` alone
//! (initdb, start, restart, stop of a cluster of its own), without the
//! support library and without the suite's shared test cluster in the same
//! process, so a failure here is the embedded database's and nothing else's.

use rookery::embedded::{EmbeddedOptions, EmbeddedPostgres};
use sqlx::{ConnectOptions, Connection, Executor};

#[tokio::test]
async fn a_second_start_reuses_the_data_and_stop_really_stops() {
    let root = std::env::temp_dir().join(format!("rk-emb-{}", uuid::Uuid::new_v4().simple()));
    let options = EmbeddedOptions {
        bin_dir: None,
        unsafe_no_fsync: true,
    };
    let start = {
        let (root, options) = (root.clone(), options.clone());
        move || EmbeddedPostgres::start(&root, &options)
    };

    let first = tokio::task::spawn_blocking(start.clone())
        .await
        .unwrap()
        .expect("first start");
    assert!(first.started_here());
    assert!(
        first.socket_dir().join(".s.PGSQL.5432").exists(),
        "no Unix socket in the data directory"
    );
    let mut conn = first.connect_options("postgres").connect().await.unwrap();
    conn.execute("create table kept (note text); insert into kept values ('still here')")
        .await
        .unwrap();
    conn.close().await.unwrap();
    tokio::task::spawn_blocking(move || first.stop())
        .await
        .unwrap()
        .expect("stop");

    let second = tokio::task::spawn_blocking(start)
        .await
        .unwrap()
        .expect("second start");
    let mut conn = second.connect_options("postgres").connect().await.unwrap();
    let note: String = sqlx::query_scalar("select note from kept")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let socket = second.socket_dir().join(".s.PGSQL.5432");
    tokio::task::spawn_blocking(move || second.stop())
        .await
        .unwrap()
        .expect("stop");

    assert_eq!(note, "still here");
    assert!(!socket.exists(), "the server is still listening after stop");
    std::fs::remove_dir_all(&root).ok();
}
