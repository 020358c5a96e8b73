//! Reading a plain post: the page address's parameters and the posted
//! fields, each refused as the hydrated form would be (an address that
//! names nothing is not found; a stale hidden field asks for a reload).

use crate::domain::Fields;
use crate::error::AppError;
use std::collections::HashMap;

/// The page address's parameters (`number` in `/changes/{number}/edit`).
pub type Params = HashMap<String, String>;

pub(super) fn param(params: &Params, name: &str) -> String {
    params.get(name).cloned().unwrap_or_default()
}

pub(super) fn number(params: &Params) -> Result<i64, AppError> {
    param(params, "number")
        .parse()
        .map_err(|_| AppError::NotFound)
}

/// The `{id}` of the address (a release, incident, deployment…).
pub(super) fn path_id(params: &Params) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(&param(params, "id")).map_err(|_| AppError::NotFound)
}

/// An id a form carries in a hidden field.
pub(super) fn hidden_id(fields: &Fields, name: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(fields.text(name).trim()).map_err(|_| AppError::NotFound)
}

/// A number a form carries in a hidden field (a revision, say); one that
/// does not read means the page is out of date.
pub(super) fn hidden_number(fields: &Fields, name: &str) -> Result<i32, AppError> {
    fields
        .text(name)
        .trim()
        .parse()
        .map_err(|_| AppError::Conflict("Reload the page and try again.".into()))
}

/// A decimal typed into `name`.
pub(super) fn decimal(fields: &Fields, name: &str) -> Result<f64, AppError> {
    match fields.text(name).trim().parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(AppError::field(name, "Enter a number, such as 0.1.")),
    }
}

/// A posted id that may be left empty (a new template, all notifications).
pub(super) fn posted_optional_uuid(
    fields: &Fields,
    name: &str,
) -> Result<Option<uuid::Uuid>, AppError> {
    if fields.text(name).trim().is_empty() {
        Ok(None)
    } else {
        hidden_id(fields, name).map(Some)
    }
}
