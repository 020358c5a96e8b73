//! The form that adds a user.

use super::kept_roles;
use super::role_picker::RolePicker;
use crate::domain::{DisplayName, EmailAddress, Fields, Role, Roles};
use crate::model::CreatedUser;
use crate::server_fns::forms::KeptForm;
use crate::server_fns::users::CreateUser;
use crate::ui::components::form::{
    aria_invalid, errors_or_kept, keep_typed, latest_errors, starting, FieldError, FormErrors,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The fields the new-person form shows a message beside; any other (a
/// refused one-time password) goes on top.
pub(super) const FIELDS: &[&str] = &["email", "display_name", "roles"];

/// Adding a person. Posted without JavaScript, a refusal comes back with
/// what was typed (`kept`) and a success with the one-time password, read
/// once from the session (`shown`), never from the address.
#[component]
pub(super) fn NewUserForm(
    create: ServerAction<CreateUser>,
    kept: Option<KeptForm>,
    shown: Option<CreatedUser>,
) -> impl IntoView {
    let was_kept = kept.is_some();
    let (typed, kept_errors) = starting(kept, Fields::default(), Fields::clone);
    let email = RwSignal::new(typed.text("email"));
    let name = RwSignal::new(typed.text("display_name"));
    let roles = RwSignal::new(if was_kept {
        kept_roles(&typed)
    } else {
        vec![Role::Engineer]
    });
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, errors_or_kept(create, kept_errors));
    let created = move || match create.value().get() {
        Some(Ok(created)) => Some(created),
        Some(Err(_)) => None,
        None => shown.clone(),
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            email.set(String::new());
            name.set(String::new());
            roles.set(vec![Role::Engineer]);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut found = BTreeMap::new();
        if let Err(e) = EmailAddress::parse(&email.get_untracked()) {
            found.insert("email".to_string(), e.to_string());
        }
        if let Err(e) = DisplayName::parse(&name.get_untracked()) {
            found.insert("display_name".to_string(), e);
        }
        if let Err(e) = Roles::new(roles.get_untracked()) {
            found.insert("roles".to_string(), e.to_string());
        }
        let ok = found.is_empty();
        checked.set(found);
        if ok {
            create.dispatch(CreateUser {
                email: email.get_untracked(),
                display_name: name.get_untracked(),
                roles: roles
                    .get_untracked()
                    .iter()
                    .map(|r| r.as_str().to_string())
                    .collect(),
            });
        }
    };
    let invalid = move |field: &'static str| aria_invalid(errors, field);

    view! {
        <section class="card">
            <h2>"Add a person"</h2>
            <p class="muted small">"Rookery makes a one-time password for them to change at first sign-in."</p>
            <form class="form" method="post" action="/admin/users" on:submit=on_submit novalidate>
                <input type="hidden" name="form" value="new-user" />
                <FormErrors errors shown=FIELDS />
                <div class="form-row">
                    <div class="field">
                        <label for="new-email">"Email"</label>
                        <input id="new-email" name="email" type="email" autocomplete="off" value=typed.text("email")
                            use:keep_typed=email bind:value=email aria-invalid=invalid("email") />
                        <FieldError errors field="email" />
                    </div>
                    <div class="field">
                        <label for="new-name">"Name"</label>
                        <input id="new-name" name="display_name" type="text" autocomplete="off" value=typed.text("display_name")
                            use:keep_typed=name bind:value=name aria-invalid=invalid("display_name") />
                        <FieldError errors field="display_name" />
                    </div>
                </div>
                <fieldset class="field">
                    <legend>"Roles"</legend>
                    <RolePicker selected=roles id_prefix="new-role".into() />
                    <FieldError errors field="roles" />
                </fieldset>
                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Add person"</button>
            </form>
            {move || created().map(|c| view! {
                <div class="secret" role="status" data-testid="one-time-password">
                    <p><strong>{c.user.display_name}</strong>" can now sign in as "<strong>{c.user.email}</strong>" with this one-time password. It will not be shown again."</p>
                    <input class="mono" type="text" readonly value=c.one_time_password aria-label="One-time password"
                        on:focus=|ev| { event_target::<leptos::web_sys::HtmlInputElement>(&ev).select(); } />
                </div>
            })}
        </section>
    }
}
