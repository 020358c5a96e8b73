//! Asking before a component is deleted.

use crate::model::status_page::ComponentView;
use leptos::prelude::*;

/// A plain post of *Delete* comes back asking (a script asks with a
/// dialog instead).
#[component]
pub(super) fn ConfirmDelete(c: ComponentView) -> impl IntoView {
    view! {
        <div class="alert alert-warning" role="alertdialog" data-testid="confirm-delete">
            <p>{format!("Delete {} and its uptime history? This cannot be undone.", c.name)}</p>
            <form class="row-actions" method="post" action=format!("/admin/components/{}/delete", c.id)>
                <input type="hidden" name="form" value="delete" />
                <input type="hidden" name="id" value=c.id.to_string() />
                <button type="submit" name="confirmed" value="yes" class="btn btn-danger btn-small">"Yes, delete it"</button>
                <a class="btn btn-ghost btn-small" href="/admin/components">"Keep it"</a>
            </form>
        </div>
    }
}
