//! The form that adds or edits a standard-change template.

use crate::domain::catalog::TemplateInput;
use crate::domain::change_request::{ChangeType, Impact, RiskLevel};
use crate::domain::cr_form::CrInput;
use crate::error::AppError;
use crate::model::EnvironmentView;
use crate::server_fns::catalog::SaveTemplate;
use crate::ui::components::field::Field;
use crate::ui::components::form::{
    aria_invalid, choices, errors_or_kept, keep_typed, latest_errors, options, EnvironmentPicker,
    FieldError, FormErrors,
};
use leptos::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The fields the editor shows a message beside (`TemplateInput::validate`
/// and `services::templates::save` name no others); any other goes on top.
pub(super) const FIELDS: &[&str] = &[
    "name",
    "title",
    "change_type",
    "impact",
    "risk",
    "duration_minutes",
    "description",
    "environments",
    "implementation_plan",
    "rollback_plan",
    "testing_plan",
];

/// A template's fields (`id` none for a new one), posted to
/// `/admin/templates` before hydration or without JavaScript.
#[component]
pub(super) fn TemplateEditor(
    id: Option<Uuid>,
    start: TemplateInput,
    /// Messages to show from the start (a refused plain post's).
    errors: BTreeMap<String, String>,
    save: ServerAction<SaveTemplate>,
    environments: Resource<Result<Vec<EnvironmentView>, AppError>>,
) -> impl IntoView {
    let typed = start.clone();
    let name = RwSignal::new(start.name.clone());
    let title = RwSignal::new(start.cr.title.clone());
    let description = RwSignal::new(start.cr.description.clone());
    let change_type = RwSignal::new(start.cr.change_type.clone());
    let impact = RwSignal::new(start.cr.impact.clone());
    let risk = RwSignal::new(start.cr.risk.clone());
    let chosen_envs = RwSignal::new(start.cr.environments.clone());
    let duration = RwSignal::new(start.cr.duration_minutes.clone());
    let implementation_plan = RwSignal::new(start.cr.implementation_plan.clone());
    let rollback_plan = RwSignal::new(start.cr.rollback_plan.clone());
    let testing_plan = RwSignal::new(start.cr.testing_plan.clone());
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, errors_or_kept(save, errors));
    let invalid = move |field: &'static str| aria_invalid(errors, field);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TemplateInput {
            name: name.get_untracked(),
            cr: CrInput {
                title: title.get_untracked(),
                description: description.get_untracked(),
                change_type: change_type.get_untracked(),
                impact: impact.get_untracked(),
                risk: risk.get_untracked(),
                environments: chosen_envs.get_untracked(),
                duration_minutes: duration.get_untracked(),
                implementation_plan: implementation_plan.get_untracked(),
                rollback_plan: rollback_plan.get_untracked(),
                testing_plan: testing_plan.get_untracked(),
                ..Default::default()
            },
        };
        match input.validate() {
            Ok(_) => {
                checked.set(BTreeMap::new());
                save.dispatch(SaveTemplate { id, input });
            }
            Err(found) => checked.set(found),
        }
    };
    view! {
        <form class="card form" method="post" action="/admin/templates" novalidate on:submit=on_submit data-testid="template-editor">
            <input type="hidden" name="form" value="template" />
            <input type="hidden" name="id" value=id.map(|id| id.to_string()).unwrap_or_default() />
            <h2>{if id.is_some() { "Edit template" } else { "New template" }}</h2>
            <FormErrors errors shown=FIELDS />
            <div class="form-grid">
                <Field label="Name" id="tpl-name" errors field="name">
                    <input id="tpl-name" name="name" type="text" value=typed.name use:keep_typed=name bind:value=name aria-invalid=invalid("name") />
                </Field>
                <Field label="Change title" id="tpl-title" errors field="title">
                    <input id="tpl-title" name="title" type="text" value=typed.cr.title use:keep_typed=title bind:value=title aria-invalid=invalid("title") />
                </Field>
                <Field label="Type" id="tpl-type" errors field="change_type">
                    <select id="tpl-type" name="change_type" use:keep_typed=change_type on:change=move |ev| change_type.set(event_target_value(&ev)) aria-invalid=invalid("change_type")>{options(choices!(ChangeType), change_type)}</select>
                </Field>
                <Field label="Impact" id="tpl-impact" errors field="impact">
                    <select id="tpl-impact" name="impact" use:keep_typed=impact on:change=move |ev| impact.set(event_target_value(&ev)) aria-invalid=invalid("impact")>{options(choices!(Impact), impact)}</select>
                </Field>
                <Field label="Risk" id="tpl-risk" errors field="risk">
                    <select id="tpl-risk" name="risk" use:keep_typed=risk on:change=move |ev| risk.set(event_target_value(&ev)) aria-invalid=invalid("risk")>{options(choices!(RiskLevel), risk)}</select>
                </Field>
                <Field label="Duration (minutes)" id="tpl-duration" errors field="duration_minutes">
                    <input id="tpl-duration" name="duration_minutes" type="number" min="1" value=typed.cr.duration_minutes use:keep_typed=duration bind:value=duration aria-invalid=invalid("duration_minutes") />
                </Field>
            </div>
            <Field label="Description" id="tpl-description" errors field="description">
                <textarea id="tpl-description" name="description" rows="2" use:keep_typed=description bind:value=description aria-invalid=invalid("description")>{crate::ui::components::form::textarea_text(&typed.cr.description)}</textarea>
            </Field>
            <fieldset class="field">
                <legend>"Environments"</legend>
                <Suspense>
                    {move || Suspend::new(async move {
                        let list = environments.await.unwrap_or_default();
                        view! { <EnvironmentPicker environments=list chosen=chosen_envs id_prefix="tpl-env" /> }
                    })}
                </Suspense>
                <FieldError errors field="environments" />
            </fieldset>
            <Field label="Implementation plan" id="tpl-implementation" errors field="implementation_plan">
                <textarea id="tpl-implementation" name="implementation_plan" rows="3" use:keep_typed=implementation_plan bind:value=implementation_plan aria-invalid=invalid("implementation_plan")>{crate::ui::components::form::textarea_text(&typed.cr.implementation_plan)}</textarea>
            </Field>
            <Field label="Rollback plan" id="tpl-rollback" errors field="rollback_plan">
                <textarea id="tpl-rollback" name="rollback_plan" rows="3" use:keep_typed=rollback_plan bind:value=rollback_plan aria-invalid=invalid("rollback_plan")>{crate::ui::components::form::textarea_text(&typed.cr.rollback_plan)}</textarea>
            </Field>
            <Field label="Testing plan" id="tpl-testing" errors field="testing_plan">
                <textarea id="tpl-testing" name="testing_plan" rows="2" use:keep_typed=testing_plan bind:value=testing_plan aria-invalid=invalid("testing_plan")>{crate::ui::components::form::textarea_text(&typed.cr.testing_plan)}</textarea>
            </Field>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save template"</button>
                <a role="button" class="btn btn-ghost" href="/admin/templates" data-noscroll on:click=move |_| save.clear()>"Cancel"</a>
            </div>
        </form>
    }
}
