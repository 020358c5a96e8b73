//! `GET /deployments/{id}/events`: the progress page's live updates as
//! server-sent events. Every process LISTENs once on `rookery_deployments`
//! (the engine notifies it with the deployment id whenever it logs or
//! reads a trigger) and fans the ids out to the open streams, which send the
//! deployment's fresh state. A slow timer covers a dropped listener.

use app::services::{deployments, session, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::convert::Infallible;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::broadcast;
use tower_sessions::Session;
use uuid::Uuid;

static HUB: OnceLock<broadcast::Sender<Uuid>> = OnceLock::new();

/// The process-wide fan-out, listening from first use.
fn hub(pool: &PgPool) -> broadcast::Receiver<Uuid> {
    HUB.get_or_init(|| {
        let (sender, _) = broadcast::channel(1024);
        let pool = pool.clone();
        let out = sender.clone();
        tokio::spawn(async move {
            loop {
                match listen(&pool, &out).await {
                    Ok(()) => {}
                    Err(e) => tracing::warn!(error = %e, "deployment event listener dropped; reconnecting"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        sender
    })
    .subscribe()
}

async fn listen(pool: &PgPool, out: &broadcast::Sender<Uuid>) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen("rookery_deployments").await?;
    loop {
        let notification = listener.recv().await?;
        if let Ok(id) = notification.payload().parse() {
            let _ = out.send(id);
        }
    }
}

struct Watch {
    pool: PgPool,
    id: Uuid,
    user: app::services::session::SessionUser,
    events: broadcast::Receiver<Uuid>,
    first: bool,
}

pub async fn events(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let user = match session::current_user(&session, &state).await {
        Ok(Some(user)) if !user.must_change_password => user,
        Ok(_) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if deployments::detail(&state.pool, Some(&user), id)
        .await
        .is_err()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let watch = Watch {
        events: hub(&state.pool),
        pool: state.pool.clone(),
        id,
        user,
        first: true,
    };
    let updates = stream::unfold(watch, |mut w| async move {
        if !w.first {
            // Wait for news of this deployment (or 5 s), then gather what
            // else arrives within 150 ms into one update.
            let wait = async {
                loop {
                    match w.events.recv().await {
                        Ok(id) if id == w.id => break,
                        Ok(_) => {}
                        Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => {
                            tokio::time::sleep(Duration::from_secs(5)).await;
                            break;
                        }
                    }
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(5), wait).await;
            tokio::time::sleep(Duration::from_millis(150)).await;
            while w.events.try_recv().is_ok() {}
        }
        w.first = false;
        let event = match deployments::detail(&w.pool, Some(&w.user), w.id).await {
            Ok(detail) => Event::default()
                .event("update")
                .json_data(&detail)
                .unwrap_or_else(|_| Event::default().comment("unserialisable")),
            Err(_) => Event::default().comment("unavailable"),
        };
        Some((Ok::<_, Infallible>(event), w))
    });
    Sse::new(updates)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
