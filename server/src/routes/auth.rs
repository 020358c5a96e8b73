//! Sign-in and sign-out as plain form posts, so they work without
//! JavaScript: post, then a 303 redirect (to the app, or back to the form
//! with an error code).

use app::domain::safe_next;
use app::services::login::{self, LoginError};
use app::services::password::Password;
use app::services::session;
use app::services::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Redirect;
use axum::Form;
use serde::Deserialize;
use std::net::SocketAddr;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

fn back_to_form(code: &str, email: &str, next: &str, wait: Option<i64>) -> Redirect {
    let mut query = vec![("error", code.to_string())];
    if !email.is_empty() {
        query.push(("email", email.trim().chars().take(254).collect()));
    }
    if next != "/" {
        query.push(("next", next.to_string()));
    }
    if let Some(wait) = wait {
        query.push(("wait", wait.to_string()));
    }
    let query = serde_urlencoded::to_string(&query).unwrap_or_default();
    Redirect::to(&format!("/login?{query}"))
}

/// `POST /login`: checks the credentials, rotates the session id and signs in.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Redirect {
    let next = safe_next(form.next.clone());
    let ip =
        app::services::state::client_ip(&headers, Some(peer.ip()), state.auth.trust_forwarded_for);
    let result = login::login(
        &state,
        &form.email,
        Password::new(form.password),
        &ip,
        request_id(&headers),
    )
    .await;
    match result {
        Ok(user) => match session::start(&session, &user).await {
            Ok(()) => Redirect::to(&next),
            Err(_) => back_to_form("error", &form.email, &next, None),
        },
        Err(LoginError::Throttled { minutes }) => {
            back_to_form("throttled", &form.email, &next, Some(minutes))
        }
        Err(error) => back_to_form(error.code(), &form.email, &next, None),
    }
}

/// `POST /logout`: ends the session and returns to the sign-in page.
pub async fn logout(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
) -> Redirect {
    if let Ok(Some(user)) = session::current_user(&session, &state).await {
        if let Err(e) = login::record_logout(&state, &user.actor(), request_id(&headers)).await {
            tracing::error!(error = ?e, "recording sign-out failed");
        }
    }
    if let Err(e) = session::end(&session).await {
        tracing::error!(error = ?e, "ending the session failed");
    }
    Redirect::to("/login?error=signed_out")
}
