use crate::api::catalog::{environment_specs, list_services, SaveEnvironment, SaveService};
use crate::domain::catalog::{EnvironmentInput, ServiceInput};
use crate::domain::Permission;
use crate::error::AppError;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{keep_typed, saves};
use crate::ui::components::loaded::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeMap;

fn field_errors<T>(result: Option<Result<T, AppError>>) -> BTreeMap<String, String> {
    match result {
        Some(Err(error)) => error.field_errors(),
        _ => BTreeMap::new(),
    }
}

/// Administrators define environments (specification, promotion order,
/// protection and approvals) and services.
#[component]
pub fn CatalogPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::Administer what="Environments & services">
            <CatalogAdmin />
        </RequirePermission>
    }
}

#[component]
fn CatalogAdmin() -> impl IntoView {
    let save_env = ServerAction::<SaveEnvironment>::new();
    let save_env_saves = saves(save_env);
    let save_service = ServerAction::<SaveService>::new();
    let save_service_saves = saves(save_service);
    let envs = Resource::new(move || save_env_saves.get(), |_| environment_specs());
    let services = Resource::new(move || save_service_saves.get(), |_| list_services());
    // Which environment is open in the editor ("" = a new one), if any.
    let editing = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(())) = save_env.value().get() {
            editing.set(None);
        }
    });
    view! {
        <Title text="Environments & services" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Administration"</p>
                <h1>"Environments & services"</h1>
                <p class="muted">"Where releases go, in promotion order, and what they ship."</p>
            </div>
            <button type="button" class="btn btn-primary" on:click=move |_| editing.set(Some(String::new()))>"New environment"</button>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || loaded(async move {
                let list = envs.await?;
                let path: Vec<_> = list.iter().filter(|e| e.promotion_order.is_some()).map(|e| e.name.clone()).collect();
                Ok::<_, AppError>(view! {
                    <section class="card">
                        <h2>"Promotion path"</h2>
                        <ol class="promotion" data-testid="promotion-path">
                            {path.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
                        </ol>
                        <p class="muted small">"A release reaches each environment on the path before the next. Environments off the path sit beside it."</p>
                    </section>
                    {let specs = list.clone(); move || editing.get().map(|key| {
                        let spec = specs.iter().find(|e| e.key == key).map(|e| e.to_input()).unwrap_or_default();
                        view! { <EnvironmentEditor original=key spec save=save_env editing /> }
                    })}
                    <section class="env-grid" data-testid="environments">
                        {list.clone().into_iter().map(|env| {
                            let key = env.key.clone();
                            view! {
                                <article class="card env-card">
                                    <div class="card-header">
                                        <h2>{env.name.clone()}" "<code class="muted small">{env.key.clone()}</code></h2>
                                        <button type="button" class="btn btn-ghost btn-small" on:click=move |_| editing.set(Some(key.clone()))>"Edit"</button>
                                    </div>
                                    <p class="badges">
                                        {match env.promotion_order { Some(n) => view! { <span class="badge badge-blue">{format!("Step {n}")}</span> }.into_any(), None => view! { <span class="badge badge-gray">"Beside the path"</span> }.into_any() }}
                                        " "
                                        {if env.protected { view! { <span class="badge badge-red">{format!("Protected · {} approval{}", env.required_approvals, if env.required_approvals == 1 { "" } else { "s" })}</span> }.into_any() } else { view! { <span class="badge badge-green">"Open"</span> }.into_any() }}
                                    </p>
                                    <p>{env.purpose.clone()}</p>
                                    <dl class="facts">
                                        <dt>"Infrastructure"</dt><dd>{env.infrastructure.join(" · ")}</dd>
                                        <dt>"Data"</dt><dd>{format!("{} · retained {} · backup {}", env.data_source, env.data_retention, env.data_backup)}</dd>
                                        <dt>"Access"</dt><dd>{env.access.join(" · ")}</dd>
                                    </dl>
                                </article>
                            }
                        }).collect_view()}
                    </section>
                })
            })}
        </Suspense>
        <ServicesSection services save=save_service />
    }
}

#[component]
fn EnvironmentEditor(
    original: String,
    spec: EnvironmentInput,
    save: ServerAction<SaveEnvironment>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let is_new = original.is_empty();
    let input = RwSignal::new(spec);
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    Effect::new(move |_| errors.set(field_errors(save.value().get())));
    let error = move |f: &'static str| move || errors.with(|e| e.get(f).cloned());
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
                    save.dispatch(SaveEnvironment { original: original.get_value(), input: value });
                }
                Err(found) => errors.set(found),
            }
        }>
            <h2>{if is_new { "New environment".to_string() } else { format!("Edit {}", name) }}</h2>
            {move || error("form")().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            <div class="form-grid">
                <div class="field">
                    <label for="env-key">"Key"</label>
                    <input id="env-key" type="text" value=key on:input=set_key disabled=!is_new />
                    <p class="field-error">{error("key")}</p>
                </div>
                <div class="field">
                    <label for="env-name">"Name"</label>
                    <input id="env-name" type="text" value=name.clone() on:input=set_name />
                    <p class="field-error">{error("name")}</p>
                </div>
                <div class="field">
                    <label for="env-order">"Promotion order (empty = beside the path)"</label>
                    <input id="env-order" type="number" min="1" max="99" value=order on:input=set_order />
                    <p class="field-error">{error("promotion_order")}</p>
                </div>
                <div class="field">
                    <label for="env-approvals">"Approvals a change needs"</label>
                    <input id="env-approvals" type="number" min="0" max="10" value=approvals on:input=set_approvals />
                    <p class="field-error">{error("required_approvals")}</p>
                </div>
                <label class="check" for="env-protected">
                    <input id="env-protected" type="checkbox" checked=protected on:change=move |ev| { let on = event_target_checked(&ev); input.update(|i| i.protected = on) } />
                    <span>"Protected (release managers deploy; changes need approvals)"</span>
                </label>
            </div>
            <div class="field">
                <label for="env-purpose">"Purpose"</label>
                <input id="env-purpose" type="text" value=purpose on:input=set_purpose />
            </div>
            <div class="form-grid">
                <div class="field">
                    <label for="env-infrastructure">"Infrastructure (one per line)"</label>
                    <textarea id="env-infrastructure" rows="4" prop:value=infrastructure on:input=set_infrastructure></textarea>
                </div>
                <div class="field">
                    <label for="env-access">"Access (one per line)"</label>
                    <textarea id="env-access" rows="4" prop:value=access on:input=set_access></textarea>
                </div>
            </div>
            <div class="form-grid">
                <div class="field">
                    <label for="env-data-source">"Data source"</label>
                    <input id="env-data-source" type="text" value=data_source on:input=set_data_source />
                </div>
                <div class="field">
                    <label for="env-data-retention">"Retention"</label>
                    <input id="env-data-retention" type="text" value=data_retention on:input=set_data_retention />
                </div>
                <div class="field">
                    <label for="env-data-backup">"Backup"</label>
                    <input id="env-data-backup" type="text" value=data_backup on:input=set_data_backup />
                </div>
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save environment"</button>
                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

#[component]
fn ServicesSection(
    services: Resource<Result<Vec<crate::model::ServiceView>, AppError>>,
    save: ServerAction<SaveService>,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    Effect::new(move |_| {
        let result = save.value().get();
        if let Some(Ok(_)) = result {
            key.set(String::new());
            name.set(String::new());
            description.set(String::new());
        }
        errors.set(field_errors(result));
    });
    let error = move |f: &'static str| move || errors.with(|e| e.get(f).cloned());
    view! {
        <section class="card">
            <h2>"Services"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || loaded(async move {
                    let list = services.await?;
                    Ok::<_, AppError>(if list.is_empty() {
                        view! { <p class="muted">"No services yet. Add the deployable units releases belong to."</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap"><table class="table" data-testid="services">
                                <thead><tr><th>"Key"</th><th>"Name"</th><th>"Description"</th><th>"Releases"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! {
                                        <tr>
                                            <td data-label="Key"><code>{s.key.clone()}</code></td>
                                            <td data-label="Name">{s.name.clone()}</td>
                                            <td data-label="Description">{s.description.clone()}</td>
                                            <td data-label="Releases"><a href=format!("/releases?service={}", s.key)>{s.release_count}</a></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    })
                })}
            </Suspense>
            <form class="form" novalidate on:submit=move |ev| {
                ev.prevent_default();
                let input = ServiceInput { key: key.get_untracked(), name: name.get_untracked(), description: description.get_untracked() };
                match input.validate() {
                    Ok(_) => { save.dispatch(SaveService { id: None, input }); }
                    Err(found) => errors.set(found),
                }
            }>
                <h3>"Add a service"</h3>
                {move || error("form")().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                <div class="form-grid">
                    <div class="field">
                        <label for="service-key">"Key"</label>
                        <input id="service-key" type="text" placeholder="api" use:keep_typed=key bind:value=key />
                        <p class="field-error">{error("key")}</p>
                    </div>
                    <div class="field">
                        <label for="service-name">"Name"</label>
                        <input id="service-name" type="text" placeholder="Public API" use:keep_typed=name bind:value=name />
                        <p class="field-error">{error("name")}</p>
                    </div>
                    <div class="field">
                        <label for="service-description">"Description"</label>
                        <input id="service-description" type="text" use:keep_typed=description bind:value=description />
                    </div>
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Add service"</button>
            </form>
        </section>
    }
}
