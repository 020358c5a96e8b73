//! Plain form posts (before hydration, or without JavaScript): see
//! `app::server_fns::forms`. Each form's route takes its fields, calls the server
//! function the hydrated form would call, with the same request (session,
//! headers, checks), and answers 303 to the result or back to the form with
//! what was typed kept.

use app::domain::Fields;
use app::error::AppError;
use app::server_fns::forms::{KeptForm, Params, PlainForm, NOT_KEPT, PLAIN_FORMS, SHOWN_ONCE};
use axum::body::{to_bytes, Body};
use axum::extract::{RawPathParams, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use tower_sessions::Session;

use crate::state::ServerState;

/// The largest form body read (the inputs' own limits are far below).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// A route per plain form. `context` is what the Leptos handlers provide.
pub fn router<C>(context: C) -> Router<ServerState>
where
    C: Fn() + Clone + Send + Sync + 'static,
{
    PLAIN_FORMS.iter().fold(Router::new(), |router, form| {
        let context = context.clone();
        router.route(
            form.route,
            post(move |params: RawPathParams, request: Request| {
                submit(form, params, context.clone(), request)
            }),
        )
    })
}

async fn submit<C>(
    form: &'static PlainForm,
    raw: RawPathParams,
    context: C,
    request: Request,
) -> Response
where
    C: Fn() + Clone + Send + Sync + 'static,
{
    let params: Params = raw
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (mut parts, body) = request.into_parts();
    let Some(session) = parts.extensions.get::<Session>().cloned() else {
        tracing::error!("plain form posted outside the session layer");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let fields = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => match serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) {
            Ok(pairs) => Fields(pairs),
            Err(e) => return refused(AppError::unreadable_form(&e.to_string())),
        },
        Err(_) => {
            return refused(AppError::Validation {
                message: "The form is too large.".into(),
                fields: Default::default(),
            })
        }
    };
    let outcome = match (form.arguments)(&fields, &params) {
        Ok(call) => {
            let Ok(uri) = form.server_fn.parse() else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            parts.uri = uri;
            let headers = &mut parts.headers;
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(call.content_type),
            );
            headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
            headers.remove(header::CONTENT_LENGTH);
            let request = Request::from_parts(parts, Body::from(call.body));
            let response = leptos_axum::handle_server_fns_with_context(context, request)
                .await
                .into_response();
            called(response).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(Called::Returned(value)) => {
            let done = (form.done)(&value, &params);
            if !SHOWN_ONCE.contains(&form.route) {
                return see_other(&done);
            }
            // A secret to see once: kept in the session, never in the address.
            match app::services::kept_forms::keep_shown(&session, value).await {
                Ok(id) => see_other(&with_query(&done, "shown", &id)),
                Err(error) => refused(error),
            }
        }
        Ok(Called::Redirected(response)) => response,
        Err(error) => {
            let errors = error.field_errors();
            // Passwords and secrets are typed again, not stored.
            let fields = Fields(
                fields
                    .0
                    .into_iter()
                    .filter(|(name, _)| !NOT_KEPT.contains(&name.as_str()))
                    .collect(),
            );
            match app::services::kept_forms::keep(&session, KeptForm { fields, errors }).await {
                Ok(id) => see_other(&format!("{}?kept={id}", (form.page)(&params))),
                Err(error) => refused(error),
            }
        }
    }
}

enum Called {
    Returned(serde_json::Value),
    /// The function redirected (to sign in, say): the browser follows.
    Redirected(Response),
}

/// What the server function answered.
async fn called(response: Response) -> Result<Called, AppError> {
    if response.headers().contains_key(header::LOCATION) {
        let (mut parts, body) = response.into_parts();
        parts.status = StatusCode::SEE_OTHER;
        parts.headers.remove("serverfnredirect");
        return Ok(Called::Redirected(Response::from_parts(parts, body)));
    }
    let failed =
        !response.status().is_success() || response.headers().contains_key("serverfnerror");
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|_| AppError::Internal)?;
    if failed {
        return Err(serde_json::from_slice::<AppError>(&bytes).unwrap_or(AppError::Internal));
    }
    if bytes.is_empty() {
        return Ok(Called::Returned(serde_json::Value::Null));
    }
    serde_json::from_slice(&bytes)
        .map(Called::Returned)
        .map_err(|e| {
            tracing::error!(error = %e, "a server function's answer was not JSON");
            AppError::Internal
        })
}

/// `path` with `name=value` added to its query (`value` needs no encoding).
fn with_query(path: &str, name: &str, value: &str) -> String {
    let joint = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joint}{name}={value}")
}

fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// A body that could not be read as a form at all: nothing to keep.
fn refused(error: AppError) -> Response {
    (error.status(), format!("{error}\n")).into_response()
}

#[cfg(test)]
mod tests {
    use super::with_query;

    #[test]
    fn a_shown_id_joins_the_address_query() {
        assert_eq!(
            with_query("/admin/users", "shown", "ab12"),
            "/admin/users?shown=ab12"
        );
        assert_eq!(
            with_query("/account?changed=1", "shown", "ab12"),
            "/account?changed=1&shown=ab12"
        );
    }
}
