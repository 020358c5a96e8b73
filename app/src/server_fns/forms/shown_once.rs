//! Results a page shows once: the secret a plain post's server function
//! returned (a one-time password, an API token), kept in the session and
//! read back with [`use_shown_once`].

use super::take_shown_once;
use crate::error::AppError;
use leptos::prelude::*;

/// A page's shown-once result (its address's `?shown=`), read where the
/// page's resources are made: `None` without one or once it was taken.
pub fn use_shown_once() -> Resource<Result<Option<serde_json::Value>, AppError>> {
    let query = leptos_router::hooks::use_query_map();
    Resource::new(
        move || query.with(|q| q.get("shown")),
        |id| async move {
            match id {
                Some(id) if !id.is_empty() => take_shown_once(id).await,
                _ => Ok(None),
            }
        },
    )
}

/// The routes whose server function returns a secret to be seen once (a
/// one-time password, an API token). Their result is kept in the session,
/// never put in an address: the page they go to gets `?shown=<id>` and reads
/// it once ([`take_shown_once`]).
pub const SHOWN_ONCE: &[&str] = &["/admin/users", "/account/tokens"];
