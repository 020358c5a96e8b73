//! Components on the public status page (release managers and admins).

mod confirm_delete;
mod editor;

use crate::domain::status_page::ComponentStatus;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::status_page::{ComponentInput, ComponentView};
use crate::server_fns::forms::use_kept_form;
use crate::server_fns::status_page::{
    list_components, rollback_incident_settings, DeleteComponent, SaveComponent,
    SetComponentStatus, SetRollbackIncident,
};
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{errors_or_kept, hydrated, saves};
use crate::ui::components::loaded::loads;
use crate::ui::components::page_header::PageHeader;
use crate::ui::components::state_badge::ComponentStatusBadge;
use confirm_delete::ConfirmDelete;
use editor::ComponentEditor;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Which of the page's plain forms a kept post came from (its hidden
/// `form` field).
const EDITOR: &str = "editor";

/// What the table's row shows and the editor starts with.
fn editor_input(c: &ComponentView) -> ComponentInput {
    ComponentInput {
        id: Some(c.id),
        name: c.name.clone(),
        description: c.description.clone(),
        group_name: c.group_name.clone(),
        position: c.position.to_string(),
        services: c.services.join(", "),
    }
}

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
    // Every form here posts to this page's routes before hydration or
    // without a script; a refused one comes back with `?kept=`, and
    // `?edit=new` or `?edit={id}` opens the editor.
    let kept = use_kept_form();
    let query = use_query_map();
    let editing = RwSignal::new(None::<ComponentInput>);
    // Until the page's own buttons open or close an editor, the address
    // (or a kept post) says which one is open.
    let from_address = RwSignal::new(true);
    let close = Callback::new(move |_: ()| {
        from_address.set(false);
        editing.set(None);
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            close.run(());
        }
    });
    // The table's controls are not forms: their refusals go on top.
    let removed = errors_or_kept(remove, BTreeMap::new());
    let status_set = errors_or_kept(set_status, BTreeMap::new());
    let rollback_set = errors_or_kept(set_rollback, BTreeMap::new());
    let action_error = move |kept: BTreeMap<String, String>| {
        move || {
            let used = remove.value().with(|v| v.is_some())
                || set_status.value().with(|v| v.is_some())
                || set_rollback.value().with(|v| v.is_some());
            let mut messages: Vec<String> = [removed, status_set, rollback_set]
                .iter()
                .flat_map(|errors| errors.with(|e| e.values().cloned().collect::<Vec<_>>()))
                .collect();
            if !used {
                messages.extend(kept.values().cloned());
            }
            (!messages.is_empty()).then(|| {
                view! {
                    <div class="alert alert-error" role="alert" data-testid="action-error">
                        {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                    </div>
                }
            })
        }
    };
    // An editor opens without the last refusal of another one.
    let edit = move |input: ComponentInput| {
        save.clear();
        from_address.set(false);
        editing.set(Some(input));
    };
    let live = hydrated();
    // Once the page sent a form itself, a refused plain post is left behind.
    let fresh = move || {
        save.value().with_untracked(|v| v.is_none())
            && remove.value().with_untracked(|v| v.is_none())
            && set_status.value().with_untracked(|v| v.is_none())
            && set_rollback.value().with_untracked(|v| v.is_none())
    };
    view! {
        <Title text="Status components" />
        <PageHeader eyebrow="Status page" title="Components" lede="What customers see on the public status page, grouped and ordered. Incidents and maintenance set their status; you can also set it by hand.">
            <div class="row-actions">
                <a class="btn btn-ghost" href="/status" target="_blank" rel="noopener">"Open the status page ↗"</a>
                <form method="get" action="/admin/components" style="display: contents">
                    <button type="submit" name="edit" value="new" class="btn btn-primary" on:click=move |ev| { ev.prevent_default(); edit(ComponentInput::default()); }>"New component"</button>
                </form>
            </div>
        </PageHeader>
        {move || match editing.get() {
            Some(input) => view! { <ComponentEditor input errors=BTreeMap::new() save close /> }.into_any(),
            None => view! {
                <Suspense fallback=|| ()>
                    {loads(move || async move {
                        let kept = kept.await?.filter(|_| fresh());
                        let list = list.await?;
                        if !from_address.get_untracked() {
                            return Ok::<_, AppError>(None);
                        }
                        let wanted = query.with_untracked(|q| q.get("edit")).unwrap_or_default();
                        let open = match kept {
                            Some(kept) if kept.fields.text("form") == EDITOR => {
                                Some((ComponentInput::from_fields(&kept.fields), kept.errors))
                            }
                            _ if wanted == "new" => Some((ComponentInput::default(), BTreeMap::new())),
                            _ => list
                                .iter()
                                .find(|c| c.id.to_string() == wanted)
                                .map(|c| (editor_input(c), BTreeMap::new())),
                        };
                        Ok(open.map(|(input, errors)| view! { <ComponentEditor input errors save close /> }))
                    })}
                </Suspense>
            }.into_any(),
        }}
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let list = list.await?;
                    // A button's refused post: on top, or the question
                    // whether to delete.
                    let kept = kept
                        .await?
                        .filter(|k| fresh() && k.fields.text("form") != EDITOR);
                    let confirming: Option<Uuid> = kept
                        .as_ref()
                        .filter(|k| k.errors.contains_key("confirm_delete"))
                        .and_then(|k| k.fields.text("id").parse().ok());
                    let kept_errors: BTreeMap<String, String> = kept
                        .map(|k| k.errors)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|(field, _)| field != "confirm_delete")
                        .collect();
                    let confirm = confirming
                        .and_then(|id| list.iter().find(|c| c.id == id))
                        .map(|c| view! { <ConfirmDelete c=c.clone() /> });
                    Ok::<_, AppError>(view! {
                        {action_error(kept_errors)}
                        {confirm}
                        {if list.is_empty() {
                        view! { <p class="muted">"No components yet. Add the parts of your product customers care about: API, dashboard, webhooks…"</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap"><table class="table" data-testid="components">
                                <thead><tr><th>"Group"</th><th>"Name"</th><th>"Services"</th><th>"Status"</th><th>"Set status"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let input = editor_input(&c);
                                        let id = c.id;
                                        let name = c.name.clone();
                                        view! {
                                            <tr data-component=c.name.clone()>
                                                <td>{if c.group_name.is_empty() { "—".to_string() } else { c.group_name.clone() }}</td>
                                                <td><strong>{c.name.clone()}</strong><div class="small muted">{c.description.clone()}</div></td>
                                                <td>{if c.services.is_empty() { "—".to_string() } else { c.services.join(", ") }}</td>
                                                <td><ComponentStatusBadge status=c.status /></td>
                                                <td>
                                                    // Saved on change; without a script by its button.
                                                    <form method="post" action=format!("/admin/components/{id}/status")>
                                                        <input type="hidden" name="form" value="status" />
                                                        <select name="status" aria-label=format!("Set status of {}", c.name) on:change=move |ev| {
                                                            set_status.dispatch(SetComponentStatus { id, status: event_target_value(&ev) });
                                                        }>
                                                            {ComponentStatus::ALL.iter().map(|s| {
                                                                let selected = *s == c.status;
                                                                view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                                                            }).collect_view()}
                                                        </select>
                                                        " "
                                                        <button type="submit" class="btn btn-ghost btn-small" hidden=move || live.get()>"Set"</button>
                                                    </form>
                                                </td>
                                                <td class="row-actions">
                                                    <form method="get" action="/admin/components" style="display: contents">
                                                        <button type="submit" name="edit" value=id.to_string() class="btn btn-ghost btn-small" on:click=move |ev| { ev.prevent_default(); edit(input.clone()); }>"Edit"</button>
                                                    </form>
                                                    // Without a script the page asks first.
                                                    <form method="post" action=format!("/admin/components/{id}/delete") style="display: contents">
                                                        <input type="hidden" name="form" value="delete" />
                                                        <input type="hidden" name="id" value=id.to_string() />
                                                        <button type="submit" class="btn btn-danger btn-small" on:click=move |ev| {
                                                            ev.prevent_default();
                                                            let confirmed = window().confirm_with_message(&format!("Delete {name} and its uptime history?")).unwrap_or(false);
                                                            if confirmed {
                                                                remove.dispatch(DeleteComponent { id });
                                                            }
                                                        }>"Delete"</button>
                                                    </form>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                        }}
                    })
                })}
            </Suspense>
        </section>
        <section class="card">
            <h2>"Automatic rollbacks"</h2>
            <p class="muted">"When a rollback trigger rolls a deployment back, open an incident on the service's components: as a draft for a person to publish, published at once, or not at all."</p>
            <Suspense fallback=|| ()>
                {loads(move || async move {
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
                                                // Saved on change; without a script by its button.
                                                <form method="post" action="/admin/components/rollback-incidents">
                                                    <input type="hidden" name="form" value="rollback" />
                                                    <input type="hidden" name="environment" value=key.clone() />
                                                    <select name="setting" aria-label=format!("On automatic rollback in {key}") on:change=move |ev| {
                                                        set_rollback.dispatch(SetRollbackIncident { environment: env.clone(), setting: event_target_value(&ev) });
                                                    }>
                                                        {[("draft", "Open a draft incident"), ("publish", "Publish an incident"), ("off", "Do nothing")].into_iter().map(|(value, label)| {
                                                            let selected = value == setting;
                                                            view! { <option value=value selected=selected>{label}</option> }
                                                        }).collect_view()}
                                                    </select>
                                                    " "
                                                    <button type="submit" class="btn btn-ghost btn-small" hidden=move || live.get()>"Set"</button>
                                                </form>
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
