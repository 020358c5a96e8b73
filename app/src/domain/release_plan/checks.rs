//! Checks of typed fields that filing a release and writing its plan share:
//! trimmed text within a length, keys, minutes, optional local times, and
//! the first error per field.

use super::FieldErrors;
use crate::domain::cr_form::parse_local_datetime;
use chrono::{DateTime, Utc};

pub(super) fn keys(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

pub(super) fn text(
    value: &str,
    max: usize,
    empty: &str,
    field_name: &str,
) -> Result<String, String> {
    let value = value.trim();
    match value.chars().count() {
        0 if !empty.is_empty() => Err(empty.to_string()),
        n if n > max => Err(format!("{field_name} is at most {max} characters.")),
        _ => Ok(value.to_string()),
    }
}

pub(super) fn optional_time(value: &str) -> Result<Option<DateTime<Utc>>, String> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        parse_local_datetime(value).map(Some)
    }
}

pub(super) fn minutes(value: &str) -> Result<i32, String> {
    match value.trim().parse::<i32>() {
        Ok(n) if (1..=1440).contains(&n) => Ok(n),
        _ => Err("Enter a timeout between 1 and 1440 minutes.".into()),
    }
}

/// Collects the first error per field.
#[derive(Default)]
pub(super) struct Errors(pub(super) FieldErrors);

impl Errors {
    pub(super) fn take<T>(
        &mut self,
        field: impl Into<String>,
        result: Result<T, String>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.entry(field.into()).or_insert(message);
                None
            }
        }
    }

    pub(super) fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}
