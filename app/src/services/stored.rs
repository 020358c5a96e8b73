//! Values read back from the database: a stored vocabulary value that no
//! longer parses is an internal error (logged with what did not parse),
//! never a panic and never shown to the user.

use crate::error::AppError;

/// Parses a stored value with `parse`, or logs it and answers
/// `AppError::Internal`.
pub(crate) fn parse<T>(
    value: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, AppError> {
    parse(value).map_err(|e| {
        tracing::error!(value, error = %e, "stored value does not parse");
        AppError::Internal
    })
}
