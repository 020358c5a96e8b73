use crate::domain::release::ReleaseType;
use crate::domain::release_plan::ReleaseInput;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::{CrSummary, EnvironmentView, ServiceView};
use crate::server_fns::catalog::list_services;
use crate::server_fns::change_requests::list_environments;
use crate::server_fns::forms::use_kept_form;
use crate::server_fns::releases::{get_release, linkable_changes, CreateRelease, UpdateRelease};
use crate::ui::components::access::RequirePermission;
use crate::ui::components::field::Field;
use crate::ui::components::form::{
    action_errors, choices, keep_typed, options, starting, ChangePicker, EnvironmentPicker,
    FieldError, FormErrors,
};
use crate::ui::components::loaded::loads;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The fields the form shows a message beside; any other goes on top.
const FIELDS: &[&str] = &[
    "service",
    "version",
    "release_type",
    "planned_at",
    "title",
    "description",
    "environments",
    "changes",
];

/// Planning a release: service, semantic version, type, targets, date and
/// the change requests it ships. Checked in the browser with the server's
/// rules; the server adds what only it knows (a version already taken).
#[component]
pub fn NewReleasePage() -> impl IntoView {
    // Made before anything is awaited (see `components::loaded`).
    let environments = Resource::new(|| (), |_| list_environments());
    let services = Resource::new(|| (), |_| list_services());
    let changes = Resource::new(|| (), |_| linkable_changes());
    let kept = use_kept_form();
    view! {
        <RequirePermission permission=Permission::PlanRelease what="New release">
        <Title text="New release" />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/releases">"Releases"</a></p>
                <h1>"New release"</h1>
                <p class="muted">"It starts as planned, with the standard testing gates for its environments. Write the rest of the plan on its page."</p>
            </div>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {loads(move || async move {
                let environments = environments.await?;
                let services = services.await?;
                let changes = changes.await?;
                let blank = ReleaseInput { release_type: "minor".into(), ..ReleaseInput::default() };
                let (initial, errors) = starting(kept.await?, blank, ReleaseInput::from_fields);
                Ok::<_, AppError>(view! { <ReleaseForm initial errors id=None environments services changes /> })
            })}
        </Suspense>
        </RequirePermission>
    }
}

/// Editing a planned release: everything but its service and version.
#[component]
pub fn EditReleasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let release = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_release(id).await,
            None => Err(AppError::NotFound),
        }
    });
    let environments = Resource::new(|| (), |_| list_environments());
    let services = Resource::new(|| (), |_| list_services());
    let changes = Resource::new(|| (), |_| linkable_changes());
    let kept = use_kept_form();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {loads(move || async move {
                let r = release.await?;
                let environments = environments.await?;
                let services = services.await?;
                let mut changes = changes.await?;
                let kept = kept.await?;
                // What it ships now is offered even when no longer open.
                for linked in &r.changes {
                    if !changes.iter().any(|c| c.number == linked.number) {
                        changes.push(linked.clone());
                    }
                }
                let s = &r.summary;
                let name = format!("{} {}", s.service, s.version);
                let header = view! {
                    <Title text=format!("Edit {name}") />
                    <header class="page-header">
                        <div>
                            <p class="eyebrow"><a href="/releases">"Releases"</a>" / "<a href=format!("/releases/{}", s.id)>{name.clone()}</a></p>
                            <h1>{format!("Edit {name}")}</h1>
                            <p class="muted">"A planned release can change everything but its service and version; the edit goes on its timeline."</p>
                        </div>
                    </header>
                };
                Ok::<_, AppError>(if r.editable {
                    let (initial, errors) = starting(kept, ReleaseInput::from(&r), ReleaseInput::from_fields);
                    view! { {header}<ReleaseForm initial errors id=Some(s.id) environments services changes /> }.into_any()
                } else {
                    view! {
                        {header}
                        <div class="card empty-state" data-testid="not-editable">
                            <p>{format!("{name} is {} and can no longer be edited: only planned releases are.", s.status.label().to_lowercase())}</p>
                            <p><a href=format!("/releases/{}", s.id)>"Back to the release"</a></p>
                        </div>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}

/// The release form, for planning one (`id` none) or editing a planned one.
#[component]
fn ReleaseForm(
    initial: ReleaseInput,
    /// Messages to show from the start (a refused plain post's).
    errors: BTreeMap<String, String>,
    id: Option<Uuid>,
    environments: Vec<EnvironmentView>,
    services: Vec<ServiceView>,
    changes: Vec<CrSummary>,
) -> impl IntoView {
    // Where the form posts before hydration or without JavaScript
    // (`server_fns::forms`); hydrated, it calls the server function itself.
    let action = match id {
        Some(id) => format!("/releases/{id}/edit"),
        None => "/releases/new".to_string(),
    };
    let typed = initial.clone();
    let create = ServerAction::<CreateRelease>::new();
    let update = ServerAction::<UpdateRelease>::new();
    let service = RwSignal::new(initial.service);
    let version = RwSignal::new(initial.version);
    let release_type = RwSignal::new(initial.release_type);
    let title = RwSignal::new(initial.title);
    let description = RwSignal::new(initial.description);
    let chosen_envs = RwSignal::new(initial.environments);
    let planned_at = RwSignal::new(initial.planned_at);
    let chosen_changes = RwSignal::new(initial.changes);
    let checked = RwSignal::new(errors);
    let created = action_errors(create);
    let updated = action_errors(update);
    let errors = Signal::derive(move || {
        let mut all = checked.get();
        all.extend(created.get());
        all.extend(updated.get());
        all
    });
    let navigate = use_navigate();
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let Some(Ok(id)) = create.value().get() {
                navigate(&format!("/releases/{id}"), Default::default());
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            if let Some(id) = id {
                navigate(&format!("/releases/{id}"), Default::default());
            }
        }
    });
    let editing = id.is_some();
    let pending = move || create.pending().get() || update.pending().get();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = ReleaseInput {
            service: service.get_untracked(),
            version: version.get_untracked(),
            release_type: release_type.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            environments: chosen_envs.get_untracked(),
            planned_at: planned_at.get_untracked(),
            changes: chosen_changes.get_untracked(),
        };
        match input.validate() {
            Ok(_) => {
                checked.set(BTreeMap::new());
                match id {
                    Some(id) => {
                        update.dispatch(UpdateRelease { id, input });
                    }
                    None => {
                        create.dispatch(CreateRelease { input });
                    }
                }
            }
            Err(found) => checked.set(found),
        }
    };
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();

    view! {
        <form class="card form" method="post" action=action on:submit=on_submit novalidate>
            <FormErrors errors shown=FIELDS />
            <div class="form-grid">
                <div class="field">
                    <label for="rel-service">"Service"</label>
                    <select id="rel-service" name="service" disabled=editing use:keep_typed=service on:change=move |ev| service.set(event_target_value(&ev)) aria-invalid=invalid("service")>
                        <option value="">"Choose a service"</option>
                        {services.into_iter().map(|s| {
                            let selected = s.key == service.get_untracked();
                            view! { <option value=s.key.clone() selected=selected>{format!("{} ({})", s.name, s.key)}</option> }
                        }).collect_view()}
                    </select>
                    // A disabled field posts nothing; the service still goes along.
                    {editing.then(|| view! { <input type="hidden" name="service" value=typed.service.clone() /> })}
                    <FieldError errors field="service" />
                </div>
                <Field label="Version" id="rel-version" errors field="version">
                    <input id="rel-version" name="version" type="text" placeholder="2.1.0" readonly=editing value=typed.version.clone() use:keep_typed=version bind:value=version aria-invalid=invalid("version") />
                </Field>
                <Field label="Type" id="rel-type" errors field="release_type">
                    <select id="rel-type" name="release_type" use:keep_typed=release_type on:change=move |ev| release_type.set(event_target_value(&ev))>{options(choices!(ReleaseType), release_type)}</select>
                </Field>
                <Field label="Planned (UTC)" id="rel-planned" errors field="planned_at">
                    <input id="rel-planned" name="planned_at" type="datetime-local" value=typed.planned_at.clone() use:keep_typed=planned_at bind:value=planned_at aria-invalid=invalid("planned_at") />
                </Field>
            </div>
            <Field label="Title" id="rel-title" errors field="title">
                <input id="rel-title" name="title" type="text" maxlength="200" value=typed.title.clone() use:keep_typed=title bind:value=title aria-invalid=invalid("title") />
            </Field>
            <Field label="Description" id="rel-description" errors field="description">
                <textarea id="rel-description" name="description" rows="3" use:keep_typed=description bind:value=description aria-invalid=invalid("description")>{crate::ui::components::form::textarea_text(&typed.description.clone())}</textarea>
            </Field>
            <fieldset class="field">
                <legend>"Target environments"</legend>
                <EnvironmentPicker environments chosen=chosen_envs id_prefix="rel-env" />
                <FieldError errors field="environments" />
            </fieldset>
            <fieldset class="field">
                <legend>"Change requests it ships"</legend>
                <ChangePicker changes chosen=chosen_changes id_prefix="rel-cr" />
                <FieldError errors field="changes" />
            </fieldset>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=pending>{if editing { "Save changes" } else { "Plan release" }}</button>
                {id.map(|id| view! { <a class="btn btn-ghost" href=format!("/releases/{id}")>"Cancel"</a> })}
            </div>
        </form>
    }
}
