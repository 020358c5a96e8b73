//! The routes that write: signing up by email or webhook (rate-limited per
//! client address), confirming an email address, and unsubscribing (also
//! the RFC 8058 one-click POST).

use super::respond::{frame, html_response, loaded_at, unavailable};
use crate::status_page::{html, StatusPage};
use app::error::AppError;
use app::services::status_page::subscribers;
use app::services::AppState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use std::net::SocketAddr;
use uuid::Uuid;

pub(super) async fn subscribe_form(State(page): State<StatusPage>) -> Response {
    let Some(snapshot) = page.snapshot() else {
        return unavailable();
    };
    let body = html::subscribe_form(
        &snapshot.data,
        &frame(&page, snapshot.data.loaded_at),
        page.settings().email,
        None,
    );
    html_response(StatusCode::OK, body)
}

/// The sign-up forms post here (`kind` = email | webhook; `component` may repeat).
pub(super) async fn subscribe(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(snapshot) = page.snapshot() else {
        return unavailable();
    };
    let client =
        app::services::state::client_ip(&headers, Some(peer.ip()), app.auth.trust_forwarded_for);
    let allowed = match subscribers::allow_signup(page.pool(), &client).await {
        Ok(allowed) => allowed,
        Err(_) => return unavailable(),
    };
    if !allowed {
        let body = html::message(
            &frame(&page, snapshot.data.loaded_at),
            "Too many sign-ups",
            "Too many subscriptions were requested from your address. Try again in an hour.",
            None,
        );
        return html_response(StatusCode::TOO_MANY_REQUESTS, body);
    }
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let chosen: Vec<Uuid> = fields
        .iter()
        .filter(|(k, _)| k == "component")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let components = (!chosen.is_empty()).then_some(chosen);
    let fr = frame(&page, snapshot.data.loaded_at);
    let again = |error: &AppError| {
        let message = error
            .field_errors()
            .into_values()
            .collect::<Vec<_>>()
            .join(" ");
        html_response(
            error.status(),
            html::subscribe_form(&snapshot.data, &fr, page.settings().email, Some(&message)),
        )
    };
    match field("kind").as_str() {
        "email" if page.settings().email => {
            match subscribers::subscribe_email(page.pool(), &field("email"), components).await {
                Ok(()) => html_response(
                    StatusCode::OK,
                    html::message(
                        &fr,
                        "Check your inbox",
                        "We sent a confirmation link to that address. Updates start once you follow it.",
                        None,
                    ),
                ),
                Err(e) => again(&e),
            }
        }
        "email" => again(&AppError::field(
            "email",
            "Email updates are not available on this status page. Add a webhook below, or follow \
             the Atom or RSS feed.",
        )),
        "webhook" if !page.settings().private_webhooks
            && !webhook_destination_is_public(&field("url")).await =>
        {
            again(&AppError::field(
                "url",
                "This address is not reachable from the internet (it points at a private or \
                 local network), so deliveries could never arrive. Use a public https URL.",
            ))
        }
        "webhook" => match subscribers::subscribe_webhook(page.pool(), &field("url"), components).await {
            Ok(sub) => html_response(
                StatusCode::CREATED,
                html::message(
                    &fr,
                    "Webhook added",
                    &format!(
                        "Deliveries are signed with HMAC-SHA256 of the body using this secret, sent as \
                         <code>X-Rookery-Signature: sha256=…</code>. It is shown only once:</p>\
                         <p><code class=\"secret\" data-secret>{}</code></p>\
                         <p>To stop deliveries, POST to or visit <code class=\"secret\">/status/unsubscribe?token={}</code>",
                        html::esc(&sub.secret),
                        html::esc(&sub.unsubscribe_token)
                    ),
                    None,
                ),
            ),
            Err(e) => again(&e),
        },
        _ => again(&AppError::field("kind", "Choose email or webhook.")),
    }
}

/// Whether a webhook URL may be signed up: false only when its host is
/// known to be internal (the delivery's own check). A URL that does not
/// parse is left to the sign-up's validation, which names the problem, and
/// a host that does not resolve now is left to the delivery's retries.
async fn webhook_destination_is_public(url: &str) -> bool {
    let url = url.trim();
    if reqwest::Url::parse(url).is_err() {
        return true;
    }
    !matches!(
        crate::status_page::delivery::check_destination(url).await,
        Err(crate::jobs::JobError::Fatal(_))
    )
}

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    token: Option<String>,
}

fn token_of(q: &TokenQuery, form: &[(String, String)]) -> String {
    q.token
        .clone()
        .or_else(|| {
            form.iter()
                .find(|(k, _)| k == "token")
                .map(|(_, v)| v.clone())
        })
        .unwrap_or_default()
}

pub(super) async fn confirm_page(
    State(page): State<StatusPage>,
    Query(q): Query<TokenQuery>,
) -> Response {
    let token = q.token.unwrap_or_default();
    let action = format!(
        "/status/subscribe/confirm?token={}",
        app::domain::encode_query_value(&token)
    );
    html_response(
        StatusCode::OK,
        html::message(
            &frame(&page, loaded_at(&page)),
            "Confirm your subscription",
            "One more step: confirm that you want status updates at this address.",
            Some((&action, "Confirm subscription")),
        ),
    )
}

pub(super) async fn confirm(
    State(page): State<StatusPage>,
    Query(q): Query<TokenQuery>,
    body: Bytes,
) -> Response {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let fr = frame(&page, loaded_at(&page));
    match subscribers::confirm(page.pool(), &token_of(&q, &form)).await {
        Ok(()) => html_response(
            StatusCode::OK,
            html::message(
                &fr,
                "Subscribed",
                "You will hear about incidents and maintenance from now on.",
                None,
            ),
        ),
        Err(AppError::NotFound) => html_response(
            StatusCode::NOT_FOUND,
            html::message(
                &fr,
                "Link expired",
                "This confirmation link is no longer valid. Subscribe again to get a new one.",
                None,
            ),
        ),
        Err(_) => html_response(
            StatusCode::SERVICE_UNAVAILABLE,
            html::message(
                &fr,
                "Try again later",
                "We could not confirm your subscription just now.",
                None,
            ),
        ),
    }
}

pub(super) async fn unsubscribe_page(
    State(page): State<StatusPage>,
    Query(q): Query<TokenQuery>,
) -> Response {
    let token = q.token.unwrap_or_default();
    let action = format!(
        "/status/unsubscribe?token={}",
        app::domain::encode_query_value(&token)
    );
    html_response(
        StatusCode::OK,
        html::message(
            &frame(&page, loaded_at(&page)),
            "Unsubscribe",
            "Stop receiving status updates?",
            Some((&action, "Unsubscribe")),
        ),
    )
}

/// Unsubscribes; also the RFC 8058 one-click POST mail clients send.
pub(super) async fn unsubscribe(
    State(page): State<StatusPage>,
    Query(q): Query<TokenQuery>,
    body: Bytes,
) -> Response {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let fr = frame(&page, loaded_at(&page));
    match subscribers::unsubscribe(page.pool(), &token_of(&q, &form)).await {
        Ok(()) => html_response(
            StatusCode::OK,
            html::message(
                &fr,
                "Unsubscribed",
                "You will not receive further updates.",
                None,
            ),
        ),
        Err(AppError::NotFound) => html_response(
            StatusCode::NOT_FOUND,
            html::message(
                &fr,
                "Unknown link",
                "This unsubscribe link is not valid.",
                None,
            ),
        ),
        Err(_) => html_response(
            StatusCode::SERVICE_UNAVAILABLE,
            html::message(
                &fr,
                "Try again later",
                "We could not unsubscribe you just now.",
                None,
            ),
        ),
    }
}
