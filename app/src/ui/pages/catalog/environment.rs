//! The editor for one environment's specification.

use crate::api::catalog::SaveEnvironment;
use crate::domain::catalog::EnvironmentInput;
use crate::ui::components::form::{
    action_errors, aria_invalid, latest_errors, FieldError, FormErrors,
};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The fields the editor shows a message beside; any other goes on top.
const FIELDS: &[&str] = &[
    "key",
    "name",
    "promotion_order",
    "required_approvals",
    "purpose",
    "infrastructure",
    "access",
    "data_source",
    "data_retention",
    "data_backup",
];

/// Creates an environment (`original` empty) or edits the one keyed
/// `original`. Checked with the server's rules before it is sent; what only
/// the server knows (a key already taken) comes back beside its field.
#[component]
pub fn EnvironmentEditor(
    original: String,
    spec: EnvironmentInput,
    save: ServerAction<SaveEnvironment>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let is_new = original.is_empty();
    let input = RwSignal::new(spec);
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, action_errors(save));
    let invalid = move |field: &'static str| aria_invalid(errors, field);
    macro_rules! text {
        ($field:ident) => {{
            let value = input.with_untracked(|i| i.$field.clone());
            let set = move |ev: leptos::ev::Event| {
                let v = event_target_value(&ev);
                input.update(|i| i.$field = v);
            };
            (value, set)
        }};
    }
    let (key, set_key) = text!(key);
    let (name, set_name) = text!(name);
    let (purpose, set_purpose) = text!(purpose);
    let (infrastructure, set_infrastructure) = text!(infrastructure);
    let (data_source, set_data_source) = text!(data_source);
    let (data_retention, set_data_retention) = text!(data_retention);
    let (data_backup, set_data_backup) = text!(data_backup);
    let (access, set_access) = text!(access);
    let (order, set_order) = text!(promotion_order);
    let (approvals, set_approvals) = text!(required_approvals);
    let protected = input.with_untracked(|i| i.protected);
    let original = StoredValue::new(original);
    view! {
        <form class="card form" data-testid="environment-editor" novalidate on:submit=move |ev| {
            ev.prevent_default();
            let value = input.get_untracked();
            match value.validate() {
                Ok(_) => {
                    checked.set(BTreeMap::new());
                    save.dispatch(SaveEnvironment { original: original.get_value(), input: value });
                }
                Err(found) => checked.set(found),
            }
        }>
            <h2>{if is_new { "New environment".to_string() } else { format!("Edit {}", name) }}</h2>
            <FormErrors errors shown=FIELDS />
            <div class="form-grid">
                <div class="field">
                    <label for="env-key">"Key"</label>
                    <input id="env-key" type="text" value=key on:input=set_key disabled=!is_new aria-invalid=invalid("key") />
                    <FieldError errors field="key" />
                </div>
                <div class="field">
                    <label for="env-name">"Name"</label>
                    <input id="env-name" type="text" value=name.clone() on:input=set_name aria-invalid=invalid("name") />
                    <FieldError errors field="name" />
                </div>
                <div class="field">
                    <label for="env-order">"Promotion order (empty = beside the path)"</label>
                    <input id="env-order" type="number" min="1" max="99" value=order on:input=set_order aria-invalid=invalid("promotion_order") />
                    <FieldError errors field="promotion_order" />
                </div>
                <div class="field">
                    <label for="env-approvals">"Approvals a change needs"</label>
                    <input id="env-approvals" type="number" min="0" max="10" value=approvals on:input=set_approvals aria-invalid=invalid("required_approvals") />
                    <FieldError errors field="required_approvals" />
                </div>
                <label class="check" for="env-protected">
                    <input id="env-protected" type="checkbox" checked=protected on:change=move |ev| { let on = event_target_checked(&ev); input.update(|i| i.protected = on) } />
                    <span>"Protected (release managers deploy; changes need approvals)"</span>
                </label>
            </div>
            <div class="field">
                <label for="env-purpose">"Purpose"</label>
                <input id="env-purpose" type="text" value=purpose on:input=set_purpose aria-invalid=invalid("purpose") />
                <FieldError errors field="purpose" />
            </div>
            <div class="form-grid">
                <div class="field">
                    <label for="env-infrastructure">"Infrastructure (one per line)"</label>
                    <textarea id="env-infrastructure" rows="4" prop:value=infrastructure on:input=set_infrastructure aria-invalid=invalid("infrastructure")></textarea>
                    <FieldError errors field="infrastructure" />
                </div>
                <div class="field">
                    <label for="env-access">"Access (one per line)"</label>
                    <textarea id="env-access" rows="4" prop:value=access on:input=set_access aria-invalid=invalid("access")></textarea>
                    <FieldError errors field="access" />
                </div>
            </div>
            <div class="form-grid">
                <div class="field">
                    <label for="env-data-source">"Data source"</label>
                    <input id="env-data-source" type="text" value=data_source on:input=set_data_source aria-invalid=invalid("data_source") />
                    <FieldError errors field="data_source" />
                </div>
                <div class="field">
                    <label for="env-data-retention">"Retention"</label>
                    <input id="env-data-retention" type="text" value=data_retention on:input=set_data_retention aria-invalid=invalid("data_retention") />
                    <FieldError errors field="data_retention" />
                </div>
                <div class="field">
                    <label for="env-data-backup">"Backup"</label>
                    <input id="env-data-backup" type="text" value=data_backup on:input=set_data_backup aria-invalid=invalid("data_backup") />
                    <FieldError errors field="data_backup" />
                </div>
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save environment"</button>
                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}
