//! What the signed-in person may see and do, asked of the same permission
//! rules the server enforces (`domain::Permission`).

use crate::domain::Permission;
use crate::model::CurrentUser;
use leptos::prelude::*;
use leptos_meta::Title;

/// The signed-in person. The layout provides it once the user has loaded,
/// so every page below it reads it synchronously, the same on the server
/// and in the browser.
pub fn use_me() -> Option<CurrentUser> {
    use_context::<CurrentUser>()
}

/// Whether the signed-in person has `permission`.
pub fn may(permission: Permission) -> bool {
    use_me().is_some_and(|me| me.may(permission))
}

/// A page (or part of one) for those with `permission`; everyone else reads
/// why it is not for them instead of controls that would be refused.
#[component]
pub fn RequirePermission(
    permission: Permission,
    /// What the page is, for the explanation ("Managing users").
    #[prop(into)]
    what: String,
    children: Children,
) -> impl IntoView {
    if may(permission) {
        children().into_any()
    } else {
        view! {
            <Title text=what.clone() />
            <div class="card empty-state" data-testid="not-permitted">
                <h1>{what}</h1>
                <p>{permission.refusal()}</p>
                <p><a href="/">"Back to the overview"</a></p>
            </div>
        }
        .into_any()
    }
}
