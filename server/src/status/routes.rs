//! HTTP for the public status page: every GET is answered from the
//! in-memory snapshot with ETag / Last-Modified / Cache-Control; the
//! subscription forms are the only routes that write.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use super::compress::{self, accepts_gzip};
use super::{badge, feeds, html, v2, Rendered, StatusPage};
use crate::startup::ServerState;
use app::error::AppError;
use app::server::status::subscribers;
use app::server::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::net::SocketAddr;
use uuid::Uuid;

/// Browsers and proxies may reuse a page for this long; `stale-if-error`
/// lets a CDN keep answering if Rookery itself is unreachable.
const CACHE_CONTROL: &str = "public, max-age=10, stale-if-error=86400";

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/status", get(index))
        .route("/status/history", get(history))
        .route("/status/incidents/{id}", get(incident))
        .route("/status/maintenance/{id}", get(maintenance))
        .route("/status/components/{id}/uptime", get(component_uptime))
        .route("/status/components/{id}", get(component_badge))
        .route("/status/badge.svg", get(overall_badge))
        .route("/status/subscribe", get(subscribe_form).post(subscribe))
        .route("/status/subscribe/confirm", get(confirm_page).post(confirm))
        .route(
            "/status/unsubscribe",
            get(unsubscribe_page).post(unsubscribe),
        )
        .route("/history.atom", get(history_atom))
        .route("/history.rss", get(history_rss))
        .route("/changelog", get(changelog))
        .route("/changelog.atom", get(changelog_atom))
        .route("/changelog/{id}", get(changelog_entry))
        .route("/api/v2/{*path}", get(api_v2))
        .layer(axum::middleware::from_fn(compress::gzip_responses))
}

fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether the client's copy is still current (If-None-Match wins over
/// If-Modified-Since, as RFC 9110 says).
fn not_modified(headers: &HeaderMap, doc: &Rendered) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == doc.etag || t == "*");
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| doc.last_modified.timestamp() <= since.timestamp())
}

/// Answers a document with its validators, gzip-compressed when the client
/// accepts it (the main page's copy is made once per snapshot, any other
/// document's here). The compressed copy is a different representation, so
/// it has its own ETag, and a 304 is answered for the one the client holds.
fn respond(headers: &HeaderMap, mut doc: Rendered, content_type: &'static str) -> Response {
    let plain_etag = doc.etag.clone();
    let mut gzip = accepts_gzip(headers)
        && (doc.gzip.is_some() || compress::worth_compressing(doc.body.len()));
    if gzip {
        doc.etag = format!("{}-gz\"", doc.etag.trim_end_matches('"'));
    }
    let status = if not_modified(headers, &doc) {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    if status == StatusCode::OK && gzip {
        match doc.gzip.take().or_else(|| compress::gzip(&doc.body)) {
            Some(gz) => doc.body = gz,
            None => {
                gzip = false;
                doc.etag = plain_etag;
            }
        }
    }
    let mut builder = Response::builder()
        .status(status)
        .header(header::ETAG, &doc.etag)
        .header(header::LAST_MODIFIED, http_date(doc.last_modified))
        .header(header::CACHE_CONTROL, CACHE_CONTROL)
        .header(header::VARY, "Accept-Encoding");
    if status == StatusCode::OK {
        builder = builder.header(header::CONTENT_TYPE, content_type);
        if gzip {
            builder = builder.header(header::CONTENT_ENCODING, "gzip");
        }
    }
    let body = if status == StatusCode::OK {
        Body::from(doc.body)
    } else {
        Body::empty()
    };
    builder
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Answered before the first snapshot ever loaded.
fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, HeaderValue::from_static("5"))],
        "The status page is starting; try again in a few seconds.\n",
    )
        .into_response()
}

fn frame<'a>(page: &'a StatusPage, loaded_at: DateTime<Utc>) -> html::Frame<'a> {
    html::Frame {
        name: &page.settings().name,
        loaded_at,
        stale: page.is_stale(),
    }
}

/// Renders a document from the snapshot and answers it with validators.
fn render(
    page: &StatusPage,
    headers: &HeaderMap,
    content_type: &'static str,
    make: impl FnOnce(&app::server::status::public::PublicData) -> Option<String>,
) -> Response {
    let Some(snapshot) = page.snapshot() else {
        return unavailable();
    };
    match make(&snapshot.data) {
        Some(body) => respond(
            headers,
            Rendered::new(body, snapshot.data.loaded_at),
            content_type,
        ),
        None => not_found(page),
    }
}

fn not_found(page: &StatusPage) -> Response {
    let loaded_at = page
        .snapshot()
        .map(|s| s.data.loaded_at)
        .unwrap_or_else(Utc::now);
    let body = html::message(
        &frame(page, loaded_at),
        "Not found",
        "There is nothing at this address.",
        None,
    );
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, HTML)], body).into_response()
}

async fn index(State(page): State<StatusPage>, headers: HeaderMap) -> Response {
    match page.index() {
        Some(doc) => respond(&headers, doc, HTML),
        None => unavailable(),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
}

impl PageQuery {
    fn number(&self) -> Option<u32> {
        match self.page.as_deref() {
            None | Some("") => Some(1),
            Some(p) => p.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)),
        }
    }
}

async fn history(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let Some(number) = q.number() else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        Some(html::history(data, number, &frame(&page, data.loaded_at)))
    })
}

async fn incident(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        let incident = data.incidents.iter().find(|i| i.id == id)?;
        Some(html::incident(
            data,
            incident,
            &frame(&page, data.loaded_at),
        ))
    })
}

async fn maintenance(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        let m = data.maintenances.iter().find(|m| m.id == id)?;
        Some(html::maintenance(data, m, &frame(&page, data.loaded_at)))
    })
}

async fn component_uptime(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let (Ok(id), Some(number)) = (id.parse::<Uuid>(), q.number()) else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        let c = data.components.iter().find(|c| c.id == id)?;
        Some(html::component_uptime(
            c,
            number,
            data.loaded_at,
            &frame(&page, data.loaded_at),
        ))
    })
}

const SVG: &str = "image/svg+xml";

async fn overall_badge(State(page): State<StatusPage>, headers: HeaderMap) -> Response {
    render(&page, &headers, SVG, |data| {
        let (indicator, description) = html::indicator(data);
        Some(badge::svg("status", description, badge::color(indicator)))
    })
}

/// `/status/components/{id}.svg`.
async fn component_badge(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let Some(id) = file
        .strip_suffix(".svg")
        .and_then(|id| id.parse::<Uuid>().ok())
    else {
        return not_found(&page);
    };
    render(&page, &headers, SVG, |data| {
        let c = data.components.iter().find(|c| c.id == id)?;
        Some(badge::svg(
            &c.name,
            &c.status.label().to_lowercase(),
            badge::color(c.status.as_str()),
        ))
    })
}

fn base(app: &AppState, headers: &HeaderMap) -> String {
    app.base_url(headers).trim_end_matches('/').to_string()
}

async fn history_atom(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Response {
    let base = base(&app, &headers);
    render(
        &page,
        &headers,
        "application/atom+xml; charset=utf-8",
        |data| Some(feeds::history_atom(data, &page.settings().name, &base)),
    )
}

async fn history_rss(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Response {
    let base = base(&app, &headers);
    render(
        &page,
        &headers,
        "application/rss+xml; charset=utf-8",
        |data| Some(feeds::history_rss(data, &page.settings().name, &base)),
    )
}

async fn changelog(State(page): State<StatusPage>, headers: HeaderMap) -> Response {
    render(&page, &headers, HTML, |data| {
        Some(html::changelog(data, &frame(&page, data.loaded_at)))
    })
}

async fn changelog_entry(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        let note = data.notes.iter().find(|n| n.release_id == id)?;
        Some(html::changelog_entry(note, &frame(&page, data.loaded_at)))
    })
}

async fn changelog_atom(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Response {
    let base = base(&app, &headers);
    render(
        &page,
        &headers,
        "application/atom+xml; charset=utf-8",
        |data| Some(feeds::changelog_atom(data, &page.settings().name, &base)),
    )
}

async fn api_v2(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<String>,
) -> Response {
    let base = base(&app, &headers);
    let Some(snapshot) = page.snapshot() else {
        return unavailable();
    };
    let doc = v2::V2 {
        data: &snapshot.data,
        name: &page.settings().name,
        base: &base,
    }
    .document(&path);
    match doc {
        Some(value) => {
            let body = serde_json::to_vec(&value).unwrap_or_default();
            let mut response =
                respond(&headers, Rendered::new(body, snapshot.data.loaded_at), JSON);
            // Statuspage's API is read from other sites' dashboards.
            response.headers_mut().insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            response
        }
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, JSON)],
            r#"{"error":"not_found"}"#,
        )
            .into_response(),
    }
}

fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HTML),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn loaded_at(page: &StatusPage) -> DateTime<Utc> {
    page.snapshot()
        .map(|s| s.data.loaded_at)
        .unwrap_or_else(Utc::now)
}

async fn subscribe_form(State(page): State<StatusPage>) -> Response {
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
async fn subscribe(
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
        app::server::state::client_ip(&headers, Some(peer.ip()), app.auth.trust_forwarded_for);
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
        super::delivery::check_destination(url).await,
        Err(crate::jobs::JobError::Fatal(_))
    )
}

#[derive(Deserialize)]
struct TokenQuery {
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

async fn confirm_page(State(page): State<StatusPage>, Query(q): Query<TokenQuery>) -> Response {
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

async fn confirm(
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

async fn unsubscribe_page(State(page): State<StatusPage>, Query(q): Query<TokenQuery>) -> Response {
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
async fn unsubscribe(
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
