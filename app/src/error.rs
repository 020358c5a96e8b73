//! The one error type that crosses the server-function boundary.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What went wrong, in words safe to show. `Internal` never carries details:
/// they go to the server log with the request id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Not found.")]
    NotFound,
    #[error("Please sign in again.")]
    Unauthorized,
    #[error("You don't have permission to do that.")]
    Forbidden,
    /// Refused for who the person is (role, separation of duties), with why.
    #[error("{0}")]
    NotPermitted(String),
    #[error("Choose a new password before doing anything else.")]
    PasswordChangeRequired,
    #[error("{message}")]
    Validation {
        message: String,
        /// Field name → message shown next to that field.
        fields: BTreeMap<String, String>,
    },
    #[error("{0}")]
    Conflict(String),
    /// Refused by the state of things, with every reason (409).
    #[error("{}", .0.join(" "))]
    Refused(Vec<String>),
    #[error("{0}")]
    TooManyRequests(String),
    /// The request itself could not be read (not UTF-8, not JSON, nested
    /// too deep): 400.
    #[error("{0}")]
    BadRequest(String),
    /// The request body is over the size Rookery reads (413).
    #[error("The request is too large.")]
    PayloadTooLarge,
    /// A server function was sent a content type other than the one it
    /// declares (415).
    #[error("This action expects {0}.")]
    UnsupportedMediaType(String),
    #[error("Something went wrong on our side. It has been logged; please try again.")]
    Internal,
    /// The browser could not reach the server; the detail is for the console.
    #[error("Could not reach Rookery. Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    /// What a person reads when a form's fields could not be read: the field
    /// named when the decoder said which one was missing, never its message.
    pub fn unreadable_form(decoder_message: &str) -> Self {
        let missing = decoder_message
            .split("missing field `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
            .map(|name| name.rsplit('.').next().unwrap_or(name).to_string());
        match missing {
            Some(field) => Self::field(&field, "Fill this in."),
            None => Self::Validation {
                message:
                    "Some of what was entered could not be read. Check the form and try again."
                        .into(),
                fields: BTreeMap::new(),
            },
        }
    }

    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Validation {
            fields: BTreeMap::from([(field.to_string(), message.clone())]),
            message,
        }
    }

    /// The message for `field`, when this is a validation error about it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { fields, .. } => fields.get(field).cloned(),
            _ => None,
        }
    }

    /// A validation error naming each field that failed.
    pub fn invalid(fields: BTreeMap<String, String>) -> Self {
        Self::Validation {
            message: "Check the highlighted fields.".into(),
            fields,
        }
    }

    /// Messages to show beside a form's fields; an error that names no field
    /// goes under `form`.
    pub fn field_errors(&self) -> BTreeMap<String, String> {
        match self {
            Self::Validation { fields, .. } if !fields.is_empty() => fields.clone(),
            other => BTreeMap::from([("form".to_string(), other.to_string())]),
        }
    }

    /// The HTTP status this error answers with on plain routes.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::NotPermitted(_) | Self::PasswordChangeRequired => {
                StatusCode::FORBIDDEN
            }
            Self::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) | Self::Refused(_) => StatusCode::CONFLICT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Internal | Self::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                Self::Transport(message)
            }
            // The decoder's own words (``missing field `environments` ``)
            // are for the log; a person reads which field to fill in.
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                #[cfg(feature = "ssr")]
                tracing::info!(error = %message, "server function arguments did not decode");
                Self::unreadable_form(&message)
            }
            // On the server this is the arguments' decoding: the body was
            // checked to be well-formed JSON before (the input middleware),
            // so what fails here is its shape (a missing field, an unknown
            // value). The parser's wording is for the log, not for people.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(message) => {
                tracing::info!(error = %message, "server function arguments did not decode");
                Self::Validation {
                    message: "The request did not have the fields this action expects.".into(),
                    fields: BTreeMap::new(),
                }
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(error = ?error, "database error");
        Self::Internal
    }
}

/// Shorthand for results of services and server functions.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_argument_names_its_field_not_the_decoder() {
        let error = AppError::unreadable_form("missing field `environments`");
        assert_eq!(
            error.field_message("environments").as_deref(),
            Some("Fill this in.")
        );
        assert!(!error.to_string().contains('`'));
    }

    #[test]
    fn other_decoder_messages_never_reach_a_person() {
        let error = AppError::unreadable_form("invalid type: string \"x\", expected i64 at line 1");
        let shown = error.to_string();
        assert!(!shown.contains("invalid type"), "{shown}");
        assert!(error.field_errors().contains_key("form"));
    }
}
