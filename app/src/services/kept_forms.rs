//! What a plain form post that was refused leaves in the session for the page
//! it returns to: the fields as typed and the refusal's messages, under an id
//! the page's address carries (`?kept=<id>`). Reloading that address shows
//! them again; the newest few are kept, older ones give way.

use crate::model::KeptForm;
use tower_sessions::Session;
use uuid::Uuid;

const KEY: &str = "kept_forms";
/// How many refused posts a session remembers.
const KEEP: usize = 8;

async fn load(session: &Session) -> Vec<(String, KeptForm)> {
    session
        .get::<Vec<(String, KeptForm)>>(KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Keeps `form`; returns the id its page is shown again with.
pub async fn keep(session: &Session, form: KeptForm) -> Result<String, crate::error::AppError> {
    let id = Uuid::new_v4().simple().to_string();
    let mut kept = load(session).await;
    kept.push((id.clone(), form));
    let excess = kept.len().saturating_sub(KEEP);
    kept.drain(..excess);
    session.insert(KEY, kept).await.map_err(|e| {
        tracing::error!(error = %e, "could not keep a refused form in the session");
        crate::error::AppError::Internal
    })?;
    Ok(id)
}

/// The form kept under `id`, if this session kept one.
pub async fn find(session: &Session, id: &str) -> Option<KeptForm> {
    load(session)
        .await
        .into_iter()
        .find(|(kept, _)| kept == id)
        .map(|(_, form)| form)
}

const SHOWN: &str = "shown_once";

async fn load_shown(session: &Session) -> Vec<(String, serde_json::Value)> {
    session
        .get::<Vec<(String, serde_json::Value)>>(SHOWN)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Keeps what a plain post's server function returned, a secret its page
/// shows once (`server_fns::forms::SHOWN_ONCE`); returns the id the page's address
/// carries (`?shown=<id>`) in place of the secret.
pub async fn keep_shown(
    session: &Session,
    value: serde_json::Value,
) -> Result<String, crate::error::AppError> {
    let id = Uuid::new_v4().simple().to_string();
    let mut kept = load_shown(session).await;
    kept.push((id.clone(), value));
    let excess = kept.len().saturating_sub(KEEP);
    kept.drain(..excess);
    session.insert(SHOWN, kept).await.map_err(|e| {
        tracing::error!(error = %e, "could not keep a result to show in the session");
        crate::error::AppError::Internal
    })?;
    Ok(id)
}

/// Takes what was kept under `id`: it is shown this once and then gone.
pub async fn take_shown(session: &Session, id: &str) -> Option<serde_json::Value> {
    let mut kept = load_shown(session).await;
    let at = kept.iter().position(|(kept, _)| kept == id)?;
    let (_, value) = kept.remove(at);
    let saved = if kept.is_empty() {
        session.remove_value(SHOWN).await.map(|_| ())
    } else {
        session.insert(SHOWN, kept).await
    };
    if let Err(e) = saved {
        tracing::error!(error = %e, "could not forget a shown result");
    }
    Some(value)
}
