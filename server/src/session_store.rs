//! tower-sessions' store on our own `web_session` table (created by a
//! migration, so readiness covers it and nothing runs DDL at request time).

use app::services::read_cache::Recent;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, ExpiredDeletion, Result, SessionStore};

#[derive(Clone)]
pub struct PgSessionStore {
    pool: PgPool,
    recent: Arc<Recent<Id, Record>>,
}

impl std::fmt::Debug for PgSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgSessionStore").finish_non_exhaustive()
    }
}

/// How long a session read from the database is served from memory. Writes
/// and deletes through this process update the copy at once; a sign-out
/// handled by another `rookery` process reaches this one within this time.
/// (Password changes and disabled accounts are checked against the account
/// on every request, not here.)
const RECENT_FOR: Duration = Duration::from_secs(10);
const RECENT_MAX: usize = 20_000;

impl PgSessionStore {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            recent: Arc::new(Recent::new(RECENT_FOR, RECENT_MAX)),
        }
    }

    fn recalled(&self, id: &Id) -> Option<Record> {
        self.recent
            .get(id)
            .filter(|record| record.expiry_date > time::OffsetDateTime::now_utc())
    }
}

fn backend(error: sqlx::Error) -> Error {
    Error::Backend(error.to_string())
}

fn expiry(record: &Record) -> Result<DateTime<Utc>> {
    let at = record.expiry_date;
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .ok_or_else(|| Error::Encode("session expiry out of range".into()))
}

fn encode(record: &Record) -> Result<Vec<u8>> {
    serde_json::to_vec(&record.data).map_err(|e| Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh random id; on the (astronomically rare) collision, draw again.
        loop {
            let inserted = sqlx::query!(
                "insert into web_session (id, data, expiry_date) values ($1, $2, $3)
                 on conflict (id) do nothing",
                record.id.to_string(),
                encode(record)?,
                expiry(record)?,
            )
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                self.recent.put(record.id, record.clone());
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        sqlx::query!(
            "insert into web_session (id, data, expiry_date) values ($1, $2, $3)
             on conflict (id) do update set data = excluded.data, expiry_date = excluded.expiry_date",
            record.id.to_string(),
            encode(record)?,
            expiry(record)?,
        )
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        self.recent.put(record.id, record.clone());
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
        if let Some(record) = self.recalled(session_id) {
            return Ok(Some(record));
        }
        let row = sqlx::query!(
            "select data, expiry_date from web_session where id = $1 and expiry_date > now()",
            session_id.to_string()
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data = serde_json::from_slice(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expiry_date.timestamp())
            .map_err(|e| Error::Decode(e.to_string()))?;
        let record = Record {
            id: *session_id,
            data,
            expiry_date,
        };
        self.recent.put(record.id, record.clone());
        Ok(Some(record))
    }

    async fn delete(&self, session_id: &Id) -> Result<()> {
        self.recent.forget(session_id);
        sqlx::query!(
            "delete from web_session where id = $1",
            session_id.to_string()
        )
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for PgSessionStore {
    async fn delete_expired(&self) -> Result<()> {
        sqlx::query!("delete from web_session where expiry_date < now()")
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
