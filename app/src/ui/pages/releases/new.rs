use crate::api::catalog::list_services;
use crate::api::change_requests::list_environments;
use crate::api::releases::CreateRelease;
use crate::domain::release::ReleaseType;
use crate::domain::release_plan::{parse_cr_numbers, ReleaseInput};
use crate::error::AppError;
use crate::ui::components::form::keep_typed;
use crate::ui::components::form::EnvironmentPicker;
use crate::ui::components::form::{choices, options};
use crate::ui::components::loaded::loaded;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeMap;

/// Planning a release: service, semantic version, type, targets, date and
/// the change requests it ships. Checked in the browser with the server's
/// rules; the server adds what only it knows (a version already taken).
#[component]
pub fn NewReleasePage() -> impl IntoView {
    let environments = Resource::new(|| (), |_| list_environments());
    let services = Resource::new(|| (), |_| list_services());
    let create = ServerAction::<CreateRelease>::new();
    let service = RwSignal::new(String::new());
    let version = RwSignal::new(String::new());
    let release_type = RwSignal::new("minor".to_string());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let chosen_envs = RwSignal::new(Vec::<String>::new());
    let planned_at = RwSignal::new(String::new());
    let changes = RwSignal::new(String::new());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let navigate = use_navigate();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(id)) => navigate(&format!("/releases/{id}"), Default::default()),
        Some(Err(error)) => errors.set(error.field_errors()),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let numbers = parse_cr_numbers(&changes.get_untracked());
        let input = ReleaseInput {
            service: service.get_untracked(),
            version: version.get_untracked(),
            release_type: release_type.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            environments: chosen_envs.get_untracked(),
            planned_at: planned_at.get_untracked(),
            changes: numbers.clone().unwrap_or_default(),
        };
        let mut found = input.validate().err().unwrap_or_default();
        if let Err(message) = numbers {
            found.insert("changes".into(), message);
        }
        if found.is_empty() {
            errors.set(BTreeMap::new());
            create.dispatch(CreateRelease { input });
        } else {
            errors.set(found);
        }
    };
    let error = move |field: &'static str| move || errors.with(|e| e.get(field).cloned());
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();

    view! {
        <Title text="New release" />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/releases">"Releases"</a></p>
                <h1>"New release"</h1>
                <p class="muted">"It starts as planned, with the standard testing gates for its environments. Write the rest of the plan on its page."</p>
            </div>
        </header>
        <form class="card form" on:submit=on_submit novalidate>
            {move || error("form")().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            <div class="form-grid">
                <div class="field">
                    <label for="rel-service">"Service"</label>
                    <select id="rel-service" use:keep_typed=service on:change=move |ev| service.set(event_target_value(&ev)) aria-invalid=invalid("service")>
                        <option value="">"Choose a service"</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                services.await.unwrap_or_default().into_iter().map(|s| {
                                    view! { <option value=s.key.clone()>{format!("{} ({})", s.name, s.key)}</option> }
                                }).collect_view()
                            })}
                        </Suspense>
                    </select>
                    <p class="field-error">{error("service")}</p>
                </div>
                <div class="field">
                    <label for="rel-version">"Version"</label>
                    <input id="rel-version" type="text" placeholder="2.1.0" use:keep_typed=version bind:value=version aria-invalid=invalid("version") />
                    <p class="field-error">{error("version")}</p>
                </div>
                <div class="field">
                    <label for="rel-type">"Type"</label>
                    <select id="rel-type" use:keep_typed=release_type on:change=move |ev| release_type.set(event_target_value(&ev))>{options(choices!(ReleaseType), release_type)}</select>
                </div>
                <div class="field">
                    <label for="rel-planned">"Planned (UTC)"</label>
                    <input id="rel-planned" type="datetime-local" use:keep_typed=planned_at bind:value=planned_at aria-invalid=invalid("planned_at") />
                    <p class="field-error">{error("planned_at")}</p>
                </div>
            </div>
            <div class="field">
                <label for="rel-title">"Title"</label>
                <input id="rel-title" type="text" maxlength="200" use:keep_typed=title bind:value=title aria-invalid=invalid("title") />
                <p class="field-error">{error("title")}</p>
            </div>
            <div class="field">
                <label for="rel-description">"Description"</label>
                <textarea id="rel-description" rows="3" use:keep_typed=description bind:value=description></textarea>
            </div>
            <fieldset class="field">
                <legend>"Target environments"</legend>
                <Suspense fallback=|| view! { <span class="muted">"Loading…"</span> }>
                    {move || loaded(async move {
                        let list = environments.await?;
                        Ok::<_, AppError>(view! {
                            <EnvironmentPicker environments=list chosen=chosen_envs id_prefix="rel-env" />
                        })
                    })}
                </Suspense>
                <p class="field-error">{error("environments")}</p>
            </fieldset>
            <div class="field">
                <label for="rel-changes">"Change requests it ships"</label>
                <input id="rel-changes" type="text" placeholder="CR-12, CR-15" use:keep_typed=changes bind:value=changes aria-invalid=invalid("changes") />
                <p class="field-error">{error("changes")}</p>
            </div>
            <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Plan release"</button>
        </form>
    }
}
