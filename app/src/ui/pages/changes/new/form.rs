//! The change-request form, for filing or editing a draft.

use crate::domain::change_request::{ChangeClass, ChangeType, Impact, Priority, RiskLevel};
use crate::domain::cr_form::CrInput;
use crate::model::{EnvironmentView, ServiceView, TemplateView};
use crate::server_fns::change_requests::{CreateChangeRequest, UpdateChangeRequest};
use crate::ui::components::field::{Field, TextAreaField};
use crate::ui::components::form::{choices, options, FieldError, FormErrors};
use crate::ui::components::form::{keep_checked, keep_typed};
use crate::ui::components::form::{EnvironmentPicker, ServicePicker};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeMap;

/// The change-request form, for filing (`number` none) or editing a draft.
#[component]
pub(super) fn ChangeForm(
    initial: CrInput,
    /// Messages to show from the start (a refused plain post's).
    errors: BTreeMap<String, String>,
    number: Option<i64>,
    environments: Vec<EnvironmentView>,
    services: Vec<ServiceView>,
    templates: Vec<TemplateView>,
) -> impl IntoView {
    // Where the form posts before hydration or without JavaScript
    // (`server_fns::forms`); hydrated, it calls the server function itself.
    let action = match number {
        Some(n) => format!("/changes/{n}/edit"),
        None => "/changes/new".to_string(),
    };
    let typed = initial.clone();
    let create = ServerAction::<CreateChangeRequest>::new();
    let update = ServerAction::<UpdateChangeRequest>::new();
    let title = RwSignal::new(initial.title);
    let description = RwSignal::new(initial.description);
    let change_type = RwSignal::new(initial.change_type);
    let priority = RwSignal::new(initial.priority);
    let impact = RwSignal::new(initial.impact);
    let risk = RwSignal::new(initial.risk);
    let class = RwSignal::new(initial.class);
    let chosen_envs = RwSignal::new(initial.environments);
    let chosen_services = RwSignal::new(initial.services);
    let planned_start = RwSignal::new(initial.planned_start);
    let duration = RwSignal::new(initial.duration_minutes);
    let maintenance = RwSignal::new(initial.maintenance);
    let implementation_plan = RwSignal::new(initial.implementation_plan);
    let rollback_plan = RwSignal::new(initial.rollback_plan);
    let testing_plan = RwSignal::new(initial.testing_plan);
    let template = RwSignal::new(initial.template);
    let templates = StoredValue::new(templates);
    let standard = move || class.get() == "standard";
    let errors = RwSignal::new(errors);
    let input = move || CrInput {
        title: title.get_untracked(),
        description: description.get_untracked(),
        change_type: change_type.get_untracked(),
        priority: priority.get_untracked(),
        impact: impact.get_untracked(),
        risk: risk.get_untracked(),
        class: class.get_untracked(),
        environments: chosen_envs.get_untracked(),
        services: chosen_services.get_untracked(),
        planned_start: planned_start.get_untracked(),
        duration_minutes: duration.get_untracked(),
        maintenance: maintenance.get_untracked(),
        implementation_plan: implementation_plan.get_untracked(),
        rollback_plan: rollback_plan.get_untracked(),
        testing_plan: testing_plan.get_untracked(),
        template: template.get_untracked(),
    };
    let navigate = use_navigate();
    let saved = move || create.value().get().or_else(|| update.value().get());
    Effect::new(move |_| match saved() {
        Some(Ok(number)) => navigate(&format!("/changes/{number}"), Default::default()),
        Some(Err(error)) => errors.set(error.field_errors()),
        None => {}
    });
    let pending = move || create.pending().get() || update.pending().get();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = input();
        match input.validate() {
            Ok(_) => {
                errors.set(BTreeMap::new());
                match number {
                    Some(number) => {
                        update.dispatch(UpdateChangeRequest { number, input });
                    }
                    None => {
                        create.dispatch(CreateChangeRequest { input });
                    }
                }
            }
            Err(found) => errors.set(found),
        }
    };
    let error = move |field: &'static str| move || errors.with(|e| e.get(field).cloned());
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();
    // Allowed (a change can be recorded after the fact), but worth a second look.
    let in_past = move || {
        planned_start
            .with(|p| crate::domain::cr_form::parse_local_datetime(p).ok())
            .is_some_and(|t| t < chrono::Utc::now())
    };

    view! {
        <form class="card form" method="post" action=action on:submit=on_submit novalidate>
            <FormErrors errors shown=CrInput::FIELDS />
            <div class="field">
                <label for="cr-title">"Title"</label>
                <input id="cr-title" name="title" type="text" maxlength="200" value=typed.title use:keep_typed=title bind:value=title aria-invalid=invalid("title") />
                <p class="field-error">{error("title")}</p>
            </div>
            <TextAreaField label="Description" id="cr-description" errors field="description" rows="3" value=description initial=typed.description.clone() />
            <div class="form-grid">
                <div class="field" class:hidden=standard>
                    <label for="cr-type">"Type"</label>
                    <select id="cr-type" name="change_type" use:keep_typed=change_type on:change=move |ev| change_type.set(event_target_value(&ev))>{options(choices!(ChangeType), change_type)}</select>
                    <FieldError errors field="change_type" />
                </div>
                <Field label="Priority" id="cr-priority" errors field="priority">
                    <select id="cr-priority" name="priority" use:keep_typed=priority on:change=move |ev| priority.set(event_target_value(&ev))>{options(choices!(Priority), priority)}</select>
                </Field>
                <div class="field" class:hidden=standard>
                    <label for="cr-impact">"Impact"</label>
                    <select id="cr-impact" name="impact" use:keep_typed=impact on:change=move |ev| impact.set(event_target_value(&ev))>{options(choices!(Impact), impact)}</select>
                    <FieldError errors field="impact" />
                </div>
                <div class="field" class:hidden=standard>
                    <label for="cr-risk">"Risk"</label>
                    <select id="cr-risk" name="risk" use:keep_typed=risk on:change=move |ev| risk.set(event_target_value(&ev))>{options(choices!(RiskLevel), risk)}</select>
                    <FieldError errors field="risk" />
                </div>
                <Field label="Class" id="cr-class" errors field="class">
                    <select id="cr-class" name="class" use:keep_typed=class on:change=move |ev| class.set(event_target_value(&ev))>{options(choices!(ChangeClass), class)}</select>
                </Field>
            </div>
            <Show when=standard>
                <div class="field" data-testid="template-picker">
                    <label for="cr-template">"Standard-change template"</label>
                    {move || {
                            let list = templates.get_value();
                            if list.is_empty() {
                                return view! { <p class="muted">"No templates yet. An administrator maintains them under Standard changes."</p> }.into_any();
                            }
                            let chosen = list.clone();
                            let current = template.get_untracked();
                            view! {
                                <select id="cr-template" name="template" aria-invalid=invalid("template") on:change=move |ev| {
                                    let id = event_target_value(&ev);
                                    if let Some(t) = chosen.iter().find(|t| t.id.to_string() == id) {
                                        if title.get_untracked().trim().is_empty() { title.set(t.title.clone()); }
                                        change_type.set(t.change_type.as_str().into());
                                        impact.set(t.impact.as_str().into());
                                        risk.set(t.risk.as_str().into());
                                        chosen_envs.set(t.environments.clone());
                                        duration.set(t.duration_minutes.to_string());
                                        implementation_plan.set(t.implementation_plan.clone());
                                        rollback_plan.set(t.rollback_plan.clone());
                                        testing_plan.set(t.testing_plan.clone());
                                    }
                                    template.set(id);
                                }>
                                    <option value="">"Choose a template"</option>
                                    {list.into_iter().map(|t| {
                                        let id = t.id.to_string();
                                        let selected = id == current;
                                        view! { <option value=id selected=selected>{t.name}</option> }
                                    }).collect_view()}
                                </select>
                            }.into_any()
                    }}
                    <p class="field-error">{error("template")}</p>
                    <p class="muted small">"A standard change is pre-approved: its type, risk, environments, duration and plans come from the template, and submitting it approves it."</p>
                </div>
            </Show>
            <fieldset class="field" class:hidden=standard>
                <legend>"Environments"</legend>
                <EnvironmentPicker environments chosen=chosen_envs id_prefix="cr-env" show_protection=true />
                <p class="field-error">{error("environments")}</p>
            </fieldset>
            <fieldset class="field">
                <legend>"Services"</legend>
                <ServicePicker services chosen=chosen_services id_prefix="cr-service" />
                <FieldError errors field="services" />
            </fieldset>
            <div class="form-grid">
                <div class="field">
                    <label for="cr-start">"Planned start (UTC)"</label>
                    <input id="cr-start" name="planned_start" type="datetime-local" value=typed.planned_start use:keep_typed=planned_start bind:value=planned_start aria-invalid=invalid("planned_start") />
                    <p class="field-error">{error("planned_start")}</p>
                    {move || in_past().then(|| view! { <p class="field-warning" data-testid="planned-in-past">"That is in the past; check the date."</p> })}
                </div>
                <div class="field" class:hidden=standard>
                    <label for="cr-duration">"Duration (minutes)"</label>
                    <input id="cr-duration" name="duration_minutes" type="number" min="1" max="20160" value=typed.duration_minutes use:keep_typed=duration bind:value=duration aria-invalid=invalid("duration_minutes") />
                    <p class="field-error">{error("duration_minutes")}</p>
                </div>
                <label class="check" for="cr-maintenance">
                    <input id="cr-maintenance" name="maintenance" type="checkbox" checked=typed.maintenance use:keep_checked=maintenance bind:checked=maintenance />
                    <span>"Needs a maintenance window"</span>
                </label>
            </div>
            <div class="field" class:hidden=standard>
                <label for="cr-implementation">"Implementation plan"</label>
                <textarea id="cr-implementation" name="implementation_plan" rows="4" use:keep_typed=implementation_plan bind:value=implementation_plan aria-invalid=invalid("implementation_plan")>{crate::ui::components::form::textarea_text(&typed.implementation_plan)}</textarea>
                <p class="field-error">{error("implementation_plan")}</p>
            </div>
            <div class="field" class:hidden=standard>
                <label for="cr-rollback">"Rollback plan"</label>
                <textarea id="cr-rollback" name="rollback_plan" rows="3" use:keep_typed=rollback_plan bind:value=rollback_plan aria-invalid=invalid("rollback_plan")>{crate::ui::components::form::textarea_text(&typed.rollback_plan)}</textarea>
                <p class="field-error">{error("rollback_plan")}</p>
            </div>
            <div class="field" class:hidden=standard>
                <label for="cr-testing">"Testing plan"</label>
                <textarea id="cr-testing" name="testing_plan" rows="3" use:keep_typed=testing_plan bind:value=testing_plan aria-invalid=invalid("testing_plan")>{crate::ui::components::form::textarea_text(&typed.testing_plan)}</textarea>
                <FieldError errors field="testing_plan" />
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=pending>{if number.is_some() { "Save changes" } else { "Save draft" }}</button>
                {number.map(|n| view! { <a class="btn btn-ghost" href=format!("/changes/{n}")>"Cancel"</a> })}
            </div>
        </form>
    }
}
