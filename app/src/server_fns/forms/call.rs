//! Encoding a server function's call: its arguments as the function
//! declares its input (JSON or URL-encoded), so a plain post runs it
//! exactly as the hydrated form's request would.

use crate::error::AppError;
use crate::server_fns::registry::DeclaredInput;
use leptos::server_fn::ServerFn;
use serde::Serialize;

/// A server function's arguments, encoded as it declares its input.
#[derive(Debug)]
pub struct Call {
    pub content_type: &'static str,
    pub body: String,
}

pub(super) fn call<F>(arguments: F) -> Result<Call, AppError>
where
    F: ServerFn + Serialize,
    F::Protocol: DeclaredInput,
{
    let content_type = <F::Protocol as DeclaredInput>::CONTENT_TYPE;
    let body = if content_type == "application/json" {
        serde_json::to_string(&arguments).map_err(|e| e.to_string())
    } else {
        serde_qs::to_string(&arguments).map_err(|e| e.to_string())
    };
    let body = body.map_err(|e| {
        tracing::error!(error = %e, "server function arguments did not encode");
        AppError::Internal
    })?;
    Ok(Call { content_type, body })
}
