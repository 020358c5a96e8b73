//! Components on the public status page (release managers and admins).

use crate::api::status::{
    list_components, rollback_incident_settings, DeleteComponent, SaveComponent,
    SetComponentStatus, SetRollbackIncident,
};
use crate::domain::status::ComponentStatus;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::status::ComponentInput;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{action_errors, keep_typed, saves, FieldError, FormErrors};
use crate::ui::components::loaded::loaded;
use crate::ui::components::status::ComponentStatusBadge;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ComponentsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageStatus what="Status components">
            <ComponentsAdmin />
        </RequirePermission>
    }
}

#[component]
fn ComponentsAdmin() -> impl IntoView {
    let save = ServerAction::<SaveComponent>::new();
    let save_saves = saves(save);
    let remove = ServerAction::<DeleteComponent>::new();
    let remove_saves = saves(remove);
    let set_status = ServerAction::<SetComponentStatus>::new();
    let set_status_saves = saves(set_status);
    let set_rollback = ServerAction::<SetRollbackIncident>::new();
    let set_rollback_saves = saves(set_rollback);
    let settings = Resource::new(
        move || set_rollback_saves.get(),
        |_| rollback_incident_settings(),
    );
    let list = Resource::new(
        move || (save_saves.get(), remove_saves.get(), set_status_saves.get()),
        |_| list_components(),
    );
    let editing = RwSignal::new(None::<ComponentInput>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
        }
    });
    // The table's controls are not forms: their refusals go on top.
    let removed = action_errors(remove);
    let status_set = action_errors(set_status);
    let rollback_set = action_errors(set_rollback);
    let action_error = move || {
        let messages: Vec<String> = [removed, status_set, rollback_set]
            .iter()
            .flat_map(|errors| errors.with(|e| e.values().cloned().collect::<Vec<_>>()))
            .collect();
        (!messages.is_empty()).then(|| {
            view! {
                <div class="alert alert-error" role="alert" data-testid="action-error">
                    {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                </div>
            }
        })
    };
    // An editor opens without the last refusal of another one.
    let edit = move |input: ComponentInput| {
        save.clear();
        editing.set(Some(input));
    };
    view! {
        <Title text="Status components" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Status page"</p>
                <h1>"Components"</h1>
                <p class="muted">"What customers see on the public status page, grouped and ordered. Incidents and maintenance set their status; you can also set it by hand."</p>
            </div>
            <div class="row-actions">
                <a class="btn btn-ghost" href="/status" target="_blank" rel="noopener">"Open the status page ↗"</a>
                <button type="button" class="btn btn-primary" on:click=move |_| edit(ComponentInput::default())>"New component"</button>
            </div>
        </header>
        {action_error}
        {move || editing.get().map(|input| view! { <ComponentEditor input save editing /> })}
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || loaded(async move {
                    let list = list.await?;
                    Ok::<_, AppError>(if list.is_empty() {
                        view! { <p class="muted">"No components yet. Add the parts of your product customers care about: API, dashboard, webhooks…"</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap"><table class="table" data-testid="components">
                                <thead><tr><th>"Group"</th><th>"Name"</th><th>"Services"</th><th>"Status"</th><th>"Set status"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let input = ComponentInput {
                                            id: Some(c.id),
                                            name: c.name.clone(),
                                            description: c.description.clone(),
                                            group_name: c.group_name.clone(),
                                            position: c.position.to_string(),
                                            services: c.services.join(", "),
                                        };
                                        let id = c.id;
                                        let name = c.name.clone();
                                        view! {
                                            <tr data-component=c.name.clone()>
                                                <td>{if c.group_name.is_empty() { "—".to_string() } else { c.group_name.clone() }}</td>
                                                <td><strong>{c.name.clone()}</strong><div class="small muted">{c.description.clone()}</div></td>
                                                <td>{if c.services.is_empty() { "—".to_string() } else { c.services.join(", ") }}</td>
                                                <td><ComponentStatusBadge status=c.status /></td>
                                                <td>
                                                    <select aria-label=format!("Set status of {}", c.name) on:change=move |ev| {
                                                        set_status.dispatch(SetComponentStatus { id, status: event_target_value(&ev) });
                                                    }>
                                                        {ComponentStatus::ALL.iter().map(|s| {
                                                            let selected = *s == c.status;
                                                            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                                                        }).collect_view()}
                                                    </select>
                                                </td>
                                                <td class="row-actions">
                                                    <button type="button" class="btn btn-ghost btn-small" on:click=move |_| edit(input.clone())>"Edit"</button>
                                                    <button type="button" class="btn btn-danger btn-small" on:click=move |_| {
                                                        let confirmed = window().confirm_with_message(&format!("Delete {name} and its uptime history?")).unwrap_or(false);
                                                        if confirmed {
                                                            remove.dispatch(DeleteComponent { id });
                                                        }
                                                    }>"Delete"</button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    })
                })}
            </Suspense>
        </section>
        <section class="card">
            <h2>"Automatic rollbacks"</h2>
            <p class="muted">"When a rollback trigger rolls a deployment back, open an incident on the service's components: as a draft for a person to publish, published at once, or not at all."</p>
            <Suspense fallback=|| ()>
                {move || loaded(async move {
                    let settings = settings.await?;
                    Ok::<_, AppError>(view! {
                        <div class="table-wrap"><table class="table" data-testid="rollback-settings">
                            <thead><tr><th>"Environment"</th><th>"On automatic rollback"</th></tr></thead>
                            <tbody>
                                {settings.into_iter().map(|(key, name, setting)| {
                                    let env = key.clone();
                                    view! {
                                        <tr>
                                            <td>{format!("{name} ({key})")}</td>
                                            <td>
                                                <select aria-label=format!("On automatic rollback in {key}") on:change=move |ev| {
                                                    set_rollback.dispatch(SetRollbackIncident { environment: env.clone(), setting: event_target_value(&ev) });
                                                }>
                                                    {[("draft", "Open a draft incident"), ("publish", "Publish an incident"), ("off", "Do nothing")].into_iter().map(|(value, label)| {
                                                        let selected = value == setting;
                                                        view! { <option value=value selected=selected>{label}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    })
                })}
            </Suspense>
        </section>
    }
}

/// The fields the editor shows a message beside; any other goes on top.
const EDITOR_FIELDS: &[&str] = &["name", "group_name", "description", "position", "services"];

#[component]
fn ComponentEditor(
    input: ComponentInput,
    save: ServerAction<SaveComponent>,
    editing: RwSignal<Option<ComponentInput>>,
) -> impl IntoView {
    let id = input.id;
    let name = RwSignal::new(input.name.clone());
    let description = RwSignal::new(input.description.clone());
    let group = RwSignal::new(input.group_name.clone());
    let position = RwSignal::new(input.position.clone());
    let services = RwSignal::new(input.services.clone());
    let errors = action_errors(save);
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
            <form class="form" on:submit=on_submit>
                <FormErrors errors shown=EDITOR_FIELDS />
                <div class="form-row">
                    <label class="field">"Name" <input id="component-name" use:keep_typed=name bind:value=name required maxlength="100" aria-invalid=invalid("name") /><FieldError errors field="name" /></label>
                    <label class="field">"Group" <input id="component-group" use:keep_typed=group bind:value=group maxlength="100" placeholder="e.g. Core platform" aria-invalid=invalid("group_name") /><FieldError errors field="group_name" /></label>
                </div>
                <label class="field">"Description" <input id="component-description" use:keep_typed=description bind:value=description maxlength="500" aria-invalid=invalid("description") /><FieldError errors field="description" /></label>
                <div class="form-row">
                    <label class="field">"Order" <input id="component-position" type="number" use:keep_typed=position bind:value=position aria-invalid=invalid("position") /><FieldError errors field="position" /></label>
                    <label class="field">"Services (keys, comma separated)" <input id="component-services" use:keep_typed=services bind:value=services placeholder="checkout, payments" aria-invalid=invalid("services") /><FieldError errors field="services" /></label>
                </div>
                <p class="small muted">"An automatic rollback of a linked service opens a draft incident on this component."</p>
                <div class="row-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save component"</button>
                    <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}
