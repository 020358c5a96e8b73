//! The editor for one environment's specification.

use crate::api::catalog::SaveEnvironment;
use crate::domain::catalog::EnvironmentInput;
use crate::ui::components::form::{
    aria_invalid, errors_or_kept, keep_checked, keep_typed, latest_errors, FieldError, FormErrors,
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
/// `/admin/environments` (`api::forms`), with `form=environment` and the
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
                <div class="field">
                    <label for="env-key">"Key"</label>
                    <input id="env-key" name="key" type="text" value=typed.key use:keep_typed=key bind:value=key disabled=!is_new aria-invalid=invalid("key") />
                    <FieldError errors field="key" />
                </div>
                <div class="field">
                    <label for="env-name">"Name"</label>
                    <input id="env-name" name="name" type="text" value=typed.name use:keep_typed=name bind:value=name aria-invalid=invalid("name") />
                    <FieldError errors field="name" />
                </div>
                <div class="field">
                    <label for="env-order">"Promotion order (empty = beside the path)"</label>
                    <input id="env-order" name="promotion_order" type="number" min="1" max="99" value=typed.promotion_order use:keep_typed=order bind:value=order aria-invalid=invalid("promotion_order") />
                    <FieldError errors field="promotion_order" />
                </div>
                <div class="field">
                    <label for="env-approvals">"Approvals a change needs"</label>
                    <input id="env-approvals" name="required_approvals" type="number" min="0" max="10" value=typed.required_approvals use:keep_typed=approvals bind:value=approvals aria-invalid=invalid("required_approvals") />
                    <FieldError errors field="required_approvals" />
                </div>
                <label class="check" for="env-protected">
                    <input id="env-protected" name="protected" type="checkbox" checked=typed.protected use:keep_checked=protected bind:checked=protected />
                    <span>"Protected (release managers deploy; changes need approvals)"</span>
                </label>
            </div>
            <div class="field">
                <label for="env-purpose">"Purpose"</label>
                <input id="env-purpose" name="purpose" type="text" value=typed.purpose use:keep_typed=purpose bind:value=purpose aria-invalid=invalid("purpose") />
                <FieldError errors field="purpose" />
            </div>
            <div class="form-grid">
                <div class="field">
                    <label for="env-infrastructure">"Infrastructure (one per line)"</label>
                    <textarea id="env-infrastructure" name="infrastructure" rows="4" use:keep_typed=infrastructure bind:value=infrastructure aria-invalid=invalid("infrastructure")>{crate::ui::components::form::textarea_text(&typed.infrastructure)}</textarea>
                    <FieldError errors field="infrastructure" />
                </div>
                <div class="field">
                    <label for="env-access">"Access (one per line)"</label>
                    <textarea id="env-access" name="access" rows="4" use:keep_typed=access bind:value=access aria-invalid=invalid("access")>{crate::ui::components::form::textarea_text(&typed.access)}</textarea>
                    <FieldError errors field="access" />
                </div>
            </div>
            <div class="form-grid">
                <div class="field">
                    <label for="env-data-source">"Data source"</label>
                    <input id="env-data-source" name="data_source" type="text" value=typed.data_source use:keep_typed=data_source bind:value=data_source aria-invalid=invalid("data_source") />
                    <FieldError errors field="data_source" />
                </div>
                <div class="field">
                    <label for="env-data-retention">"Retention"</label>
                    <input id="env-data-retention" name="data_retention" type="text" value=typed.data_retention use:keep_typed=data_retention bind:value=data_retention aria-invalid=invalid("data_retention") />
                    <FieldError errors field="data_retention" />
                </div>
                <div class="field">
                    <label for="env-data-backup">"Backup"</label>
                    <input id="env-data-backup" name="data_backup" type="text" value=typed.data_backup use:keep_typed=data_backup bind:value=data_backup aria-invalid=invalid("data_backup") />
                    <FieldError errors field="data_backup" />
                </div>
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save environment"</button>
                <a role="button" class="btn btn-ghost" href="/admin/environments" data-noscroll on:click=move |_| save.clear()>"Cancel"</a>
            </div>
        </form>
    }
}
