//! What a refused plain post keeps for its page: the fields as typed
//! (all but [`NOT_KEPT`]) and the messages, read back with
//! [`use_kept_form`].

use super::find_kept_form;
use crate::error::AppError;
use crate::model::KeptForm;
use leptos::prelude::*;

/// A page's kept post, read where the page's resources are made: `None`
/// without `?kept=` or when the session no longer has it.
pub fn use_kept_form() -> Resource<Result<Option<KeptForm>, AppError>> {
    let query = leptos_router::hooks::use_query_map();
    Resource::new(
        move || query.with(|q| q.get("kept")),
        |id| async move {
            match id {
                Some(id) if !id.is_empty() => find_kept_form(id).await,
                _ => Ok(None),
            }
        },
    )
}

/// Fields a refused plain post does not keep: passwords and secrets are
/// typed again rather than stored in the session and sent back in the page.
pub const NOT_KEPT: &[&str] = &[
    "current_password",
    "new_password",
    "confirm_password",
    "secret",
];
