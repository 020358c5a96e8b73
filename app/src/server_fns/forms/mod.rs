//! Forms that work before the page hydrates and without JavaScript.
//!
//! Such a form has named fields and posts them to a page address
//! (`POST /changes/new`). The server turns the fields into the call of the
//! server function the hydrated form makes ([`PlainForm`]), runs it with the
//! same session and checks, and answers 303: to what was saved, or back to
//! the form's page with `?kept=<id>`, where what was typed and every message
//! of the refusal wait in the session ([`find_kept_form`]). So a post made before
//! the bundle arrived, or with JavaScript off, loses nothing and shows each
//! error beside its field, exactly as the hydrated form would.
//!
//! Here: the two server functions the pages read a kept post and a
//! shown-once result with (they stay in this module, as their addresses
//! are hashed from its path). Beside it: [`kept`] (what a refused post
//! keeps), [`shown_once`] (secrets a page shows once) and, on the server,
//! [`registry`] (every plain form, its entries in one file per feature),
//! [`call`] (encoding a server function's arguments) and `read` / `pages`
//! (what the entries read from the post and where they answer to).

use crate::error::AppError;
use leptos::prelude::*;

pub mod kept;
pub mod shown_once;

#[cfg(feature = "ssr")]
pub mod call;
#[cfg(feature = "ssr")]
mod pages;
#[cfg(feature = "ssr")]
mod read;
#[cfg(feature = "ssr")]
pub mod registry;

pub use crate::model::KeptForm;
pub use kept::{use_kept_form, NOT_KEPT};
pub use shown_once::{use_shown_once, SHOWN_ONCE};

#[cfg(feature = "ssr")]
pub use call::Call;
#[cfg(feature = "ssr")]
pub use read::Params;
#[cfg(feature = "ssr")]
pub use registry::{PlainForm, CONFIRM_CANCEL, CONFIRM_DELETE, PLAIN_FORMS};

/// The refused post this session kept under `id` (the page's `?kept=`).
#[server]
pub async fn find_kept_form(id: String) -> Result<Option<KeptForm>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    Ok(crate::services::kept_forms::find(&cx.session, &id).await)
}

/// What a plain post's server function returned for its page to show once
/// (a new account's one-time password, a new token: see [`SHOWN_ONCE`]). It
/// leaves the session as it is read, so a reload no longer shows it.
#[server]
pub async fn take_shown_once(id: String) -> Result<Option<serde_json::Value>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    // Once per request, not per read: a page's resources may be read more
    // than once while it renders, and the second read must see it too.
    cx.memo(format!("take_shown_once:{id}"), || async {
        Ok(crate::services::kept_forms::take_shown(&cx.session, &id).await)
    })
    .await
}
