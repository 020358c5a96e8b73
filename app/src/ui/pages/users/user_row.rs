//! One user in the list: roles, and signing in allowed or not.

use super::role_picker::RolePicker;
use crate::domain::Role;
use crate::model::UserView;
use crate::server_fns::users::{SetUserDisabled, SetUserRoles};
use crate::ui::components::form::{FieldError, FormErrors};
use crate::ui::format;
use leptos::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The field a row's roles editor shows a message beside.
pub(super) const ROLE_FIELDS: &[&str] = &["roles"];

/// One account. `start` opens its roles editor from the start, with those
/// roles ticked and those messages (a refused plain post, or `?roles=`).
#[component]
pub(super) fn UserRow(
    user: UserView,
    me: Option<Uuid>,
    start: Option<(Vec<Role>, BTreeMap<String, String>)>,
    set_roles: ServerAction<SetUserRoles>,
    roles_from: RwSignal<Option<Uuid>>,
    set_disabled: ServerAction<SetUserDisabled>,
) -> impl IntoView {
    let (start_editing, start_roles, kept_errors) = match start {
        Some((roles, errors)) => (true, roles, errors),
        None => (false, user.roles.clone(), BTreeMap::new()),
    };
    let editing = RwSignal::new(start_editing);
    let roles = RwSignal::new(start_roles);
    let id = user.id;
    // The editor stays open with its ticks and the message when refused.
    let errors = Signal::derive(move || {
        if !editing.get() {
            return BTreeMap::new();
        }
        set_roles.value().with(|v| match v {
            Some(Err(e)) if roles_from.get() == Some(id) => e.field_errors(),
            Some(_) => BTreeMap::new(),
            None => kept_errors.clone(),
        })
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = set_roles.value().get() {
            if roles_from.get_untracked() == Some(id) {
                editing.set(false);
            }
        }
    });
    let is_me = me == Some(id);
    let disabled = user.disabled;
    let shown_roles = user.roles.clone();
    view! {
        <tr class:row-muted=disabled>
            <td data-label="Name">
                <strong>{user.display_name.clone()}</strong>
                {is_me.then(|| view! { <span class="badge badge-blue">"You"</span> })}
                <div class="muted small">{user.email.clone()}</div>
            </td>
            <td data-label="Roles">
                <Show when=move || editing.get() fallback=move || view! {
                    <ul class="chips">{shown_roles.iter().map(|r| view! { <li class="chip">{r.label()}</li> }).collect_view()}</ul>
                }>
                    <form class="form" method="post" action="/admin/users/roles">
                        <input type="hidden" name="form" value="roles" />
                        <input type="hidden" name="user_id" value=id.to_string() />
                        <FormErrors errors shown=ROLE_FIELDS />
                        <RolePicker selected=roles id_prefix=format!("role-{id}") />
                        <FieldError errors field="roles" />
                        <div class="row-actions">
                            <button type="submit" class="btn btn-primary btn-small" disabled=move || set_roles.pending().get() on:click=move |ev| {
                                ev.prevent_default();
                                roles_from.set(Some(id));
                                set_roles.dispatch(SetUserRoles {
                                    user_id: id,
                                    roles: roles.get_untracked().iter().map(|r| r.as_str().to_string()).collect(),
                                });
                            }>"Save roles"</button>
                            <a role="button" class="btn btn-ghost btn-small" href="/admin/users" data-noscroll on:click=move |_| editing.set(false)>"Cancel"</a>
                        </div>
                    </form>
                </Show>
            </td>
            <td data-label="Status">
                {if disabled {
                    view! { <span class="badge badge-gray">"Disabled"</span> }.into_any()
                } else if user.must_change_password {
                    view! { <span class="badge badge-amber">"Invited"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-green">"Active"</span> }.into_any()
                }}
            </td>
            <td data-label="Created">{format::date(user.created_at)}</td>
            <td class="actions">
                <Show when=move || !editing.get()>
                    <a role="button" class="btn btn-ghost btn-small" href=format!("/admin/users?roles={id}") data-noscroll
                        on:click=move |_| { set_roles.clear(); editing.set(true); }>"Edit roles"</a>
                </Show>
                <Show when=move || !is_me>
                    <form class="inline-form" method="post" action="/admin/users/disabled">
                        <input type="hidden" name="form" value="disable" />
                        <input type="hidden" name="user_id" value=id.to_string() />
                        <input type="hidden" name="disabled" value=if disabled { "false" } else { "true" } />
                        <button type="submit" class=if disabled { "btn btn-ghost btn-small" } else { "btn btn-danger btn-small" }
                            on:click=move |ev| {
                                ev.prevent_default();
                                set_disabled.dispatch(SetUserDisabled { user_id: id, disabled: !disabled });
                            }>
                            {if disabled { "Enable" } else { "Disable" }}
                        </button>
                    </form>
                </Show>
            </td>
        </tr>
    }
}
