//! Where a plain post answers to: the pages of what it changed, and an id
//! it returned as it goes into an address.

use super::read::{param, Params};
use serde_json::Value;

pub(super) fn incident_page(params: &Params) -> String {
    format!("/incidents/{}", param(params, "id"))
}

pub(super) fn release_page(params: &Params) -> String {
    format!("/releases/{}", param(params, "id"))
}

pub(super) fn note_page(params: &Params) -> String {
    format!("/releases/{}/notes", param(params, "id"))
}

pub(super) fn deployment_page(params: &Params) -> String {
    format!("/deployments/{}", param(params, "id"))
}

/// A returned id or number as it goes into an address.
pub(super) fn returned(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
