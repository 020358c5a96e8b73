//! The form that adds or edits a status-page component.

use super::EDITOR;
use crate::model::status_page::ComponentInput;
use crate::server_fns::status_page::SaveComponent;
use crate::ui::components::form::{errors_or_kept, keep_typed, FieldError, FormErrors};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The fields the editor shows a message beside; any other goes on top.
pub(super) const EDITOR_FIELDS: &[&str] =
    &["name", "group_name", "description", "position", "services"];

#[component]
pub(super) fn ComponentEditor(
    input: ComponentInput,
    /// Messages to show from the start (a refused plain post's).
    errors: BTreeMap<String, String>,
    save: ServerAction<SaveComponent>,
    close: Callback<()>,
) -> impl IntoView {
    let id = input.id;
    let name = RwSignal::new(input.name.clone());
    let description = RwSignal::new(input.description.clone());
    let group = RwSignal::new(input.group_name.clone());
    let position = RwSignal::new(input.position.clone());
    let services = RwSignal::new(input.services.clone());
    let errors = errors_or_kept(save, errors);
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveComponent {
            input: ComponentInput {
                id,
                name: name.get_untracked(),
                description: description.get_untracked(),
                group_name: group.get_untracked(),
                position: position.get_untracked(),
                services: services.get_untracked(),
            },
        });
    };
    view! {
        <section class="card">
            <h2>{if id.is_some() { "Edit component" } else { "New component" }}</h2>
            <form class="form" method="post" action="/admin/components" on:submit=on_submit novalidate>
                <FormErrors errors shown=EDITOR_FIELDS />
                <input type="hidden" name="form" value=EDITOR />
                <input type="hidden" name="id" value=id.map(|id| id.to_string()).unwrap_or_default() />
                <div class="form-row">
                    <label class="field">"Name" <input id="component-name" name="name" value=input.name.clone() use:keep_typed=name bind:value=name required maxlength="100" aria-invalid=invalid("name") /><FieldError errors field="name" /></label>
                    <label class="field">"Group" <input id="component-group" name="group_name" value=input.group_name.clone() use:keep_typed=group bind:value=group maxlength="100" placeholder="e.g. Core platform" aria-invalid=invalid("group_name") /><FieldError errors field="group_name" /></label>
                </div>
                <label class="field">"Description" <input id="component-description" name="description" value=input.description.clone() use:keep_typed=description bind:value=description maxlength="500" aria-invalid=invalid("description") /><FieldError errors field="description" /></label>
                <div class="form-row">
                    <label class="field">"Order" <input id="component-position" name="position" type="number" value=input.position.clone() use:keep_typed=position bind:value=position aria-invalid=invalid("position") /><FieldError errors field="position" /></label>
                    <label class="field">"Services (keys, comma separated)" <input id="component-services" name="services" value=input.services.clone() use:keep_typed=services bind:value=services placeholder="checkout, payments" aria-invalid=invalid("services") /><FieldError errors field="services" /></label>
                </div>
                <p class="small muted">"An automatic rollback of a linked service opens a draft incident on this component."</p>
                <div class="row-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save component"</button>
                    <a class="btn btn-ghost" href="/admin/components" on:click=move |ev| { ev.prevent_default(); close.run(()); }>"Cancel"</a>
                </div>
            </form>
        </section>
    }
}
