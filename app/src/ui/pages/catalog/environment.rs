//! The editor for one environment's specification.

use crate::domain::catalog::EnvironmentInput;
use crate::server_fns::catalog::SaveEnvironment;
use crate::ui::components::field::Field;
use crate::ui::components::form::{
    aria_invalid, errors_or_kept, keep_checked, keep_typed, latest_errors, FormErrors,
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
/// Before hydration or without JavaScript it posts its named fields to
/// `/admin/environments` (`server_fns::forms`), with `form=environment` and the
/// `original` key hidden.
#[component]
pub fn EnvironmentEditor(
    original: String,
    spec: EnvironmentInput,
    /// Messages to show from the start (a refused plain post's).
    errors: BTreeMap<String, String>,
    save: ServerAction<SaveEnvironment>,
) -> impl IntoView {
    let is_new = original.is_empty();
    let typed = spec.clone();
    let heading = if is_new {
        "New environment".to_string()
    } else {
        format!("Edit {}", spec.name)
    };
    let key = RwSignal::new(spec.key);
    let name = RwSignal::new(spec.name);
    let purpose = RwSignal::new(spec.purpose);
    let infrastructure = RwSignal::new(spec.infrastructure);
    let data_source = RwSignal::new(spec.data_source);
    let data_retention = RwSignal::new(spec.data_retention);
    let data_backup = RwSignal::new(spec.data_backup);
    let access = RwSignal::new(spec.access);
    let order = RwSignal::new(spec.promotion_order);
    let approvals = RwSignal::new(spec.required_approvals);
    let protected = RwSignal::new(spec.protected);
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, errors_or_kept(save, errors));
    let invalid = move |field: &'static str| aria_invalid(errors, field);
    let input = move || EnvironmentInput {
        key: key.get_untracked(),
        name: name.get_untracked(),
        purpose: purpose.get_untracked(),
        infrastructure: infrastructure.get_untracked(),
        data_source: data_source.get_untracked(),
        data_retention: data_retention.get_untracked(),
        data_backup: data_backup.get_untracked(),
        access: access.get_untracked(),
        promotion_order: order.get_untracked(),
        protected: protected.get_untracked(),
        required_approvals: approvals.get_untracked(),
    };
    let posted_original = original.clone();
    let original = StoredValue::new(original);
    view! {
        <form class="card form" method="post" action="/admin/environments" data-testid="environment-editor" novalidate on:submit=move |ev| {
            ev.prevent_default();
            let value = input();
            match value.validate() {
                Ok(_) => {
                    checked.set(BTreeMap::new());
                    save.dispatch(SaveEnvironment { original: original.get_value(), input: value });
                }
                Err(found) => checked.set(found),
            }
        }>
            <input type="hidden" name="form" value="environment" />
            <input type="hidden" name="original" value=posted_original.clone() />
            // A disabled field is not posted: an edit posts its key hidden.
            {(!is_new).then(|| view! { <input type="hidden" name="key" value=posted_original.clone() /> })}
            <h2>{heading}</h2>
            <FormErrors errors shown=FIELDS />
            <div class="form-grid">
                <Field label="Key" id="env-key" errors field="key">
                    <input id="env-key" name="key" type="text" value=typed.key use:keep_typed=key bind:value=key disabled=!is_new aria-invalid=invalid("key") />
                </Field>
                <Field label="Name" id="env-name" errors field="name">
                    <input id="env-name" name="name" type="text" value=typed.name use:keep_typed=name bind:value=name aria-invalid=invalid("name") />
                </Field>
                <Field label="Promotion order (empty = beside the path)" id="env-order" errors field="promotion_order">
                    <input id="env-order" name="promotion_order" type="number" min="1" max="99" value=typed.promotion_order use:keep_typed=order bind:value=order aria-invalid=invalid("promotion_order") />
                </Field>
                <Field label="Approvals a change needs" id="env-approvals" errors field="required_approvals">
                    <input id="env-approvals" name="required_approvals" type="number" min="0" max="10" value=typed.required_approvals use:keep_typed=approvals bind:value=approvals aria-invalid=invalid("required_approvals") />
                </Field>
                <label class="check" for="env-protected">
                    <input id="env-protected" name="protected" type="checkbox" checked=typed.protected use:keep_checked=protected bind:checked=protected />
                    <span>"Protected (release managers deploy; changes need approvals)"</span>
                </label>
            </div>
            <Field label="Purpose" id="env-purpose" errors field="purpose">
                <input id="env-purpose" name="purpose" type="text" value=typed.purpose use:keep_typed=purpose bind:value=purpose aria-invalid=invalid("purpose") />
            </Field>
            <div class="form-grid">
                <Field label="Infrastructure (one per line)" id="env-infrastructure" errors field="infrastructure">
                    <textarea id="env-infrastructure" name="infrastructure" rows="4" use:keep_typed=infrastructure bind:value=infrastructure aria-invalid=invalid("infrastructure")>{crate::ui::components::form::textarea_text(&typed.infrastructure)}</textarea>
                </Field>
                <Field label="Access (one per line)" id="env-access" errors field="access">
                    <textarea id="env-access" name="access" rows="4" use:keep_typed=access bind:value=access aria-invalid=invalid("access")>{crate::ui::components::form::textarea_text(&typed.access)}</textarea>
                </Field>
            </div>
            <div class="form-grid">
                <Field label="Data source" id="env-data-source" errors field="data_source">
                    <input id="env-data-source" name="data_source" type="text" value=typed.data_source use:keep_typed=data_source bind:value=data_source aria-invalid=invalid("data_source") />
                </Field>
                <Field label="Retention" id="env-data-retention" errors field="data_retention">
                    <input id="env-data-retention" name="data_retention" type="text" value=typed.data_retention use:keep_typed=data_retention bind:value=data_retention aria-invalid=invalid("data_retention") />
                </Field>
                <Field label="Backup" id="env-data-backup" errors field="data_backup">
                    <input id="env-data-backup" name="data_backup" type="text" value=typed.data_backup use:keep_typed=data_backup bind:value=data_backup aria-invalid=invalid("data_backup") />
                </Field>
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save environment"</button>
                <a role="button" class="btn btn-ghost" href="/admin/environments" data-noscroll on:click=move |_| save.clear()>"Cancel"</a>
            </div>
        </form>
    }
}
