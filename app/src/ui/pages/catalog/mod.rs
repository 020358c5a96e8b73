//! Environments and services for administrators: each environment's
//! specification, its place on the promotion path and its default rollback
//! triggers, and the services releases belong to.

mod environment;
mod services;
mod triggers;

use crate::domain::catalog::EnvironmentInput;
use crate::domain::deploy::TriggerSpec;
use crate::domain::Permission;
use crate::error::AppError;
use crate::server_fns::catalog::{
    environment_specs, environment_trigger_defaults, list_services, SaveEnvironment,
    SaveEnvironmentTriggers, SaveService,
};
use crate::server_fns::forms::use_kept_form;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::saves;
use crate::ui::components::loaded::loaded;
use crate::ui::components::page_header::PageHeader;
use environment::EnvironmentEditor;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use services::ServicesSection;
use std::collections::BTreeMap;
use triggers::{TriggerEditor, TriggerList};

/// Administrators define environments (specification, promotion order,
/// protection, approvals and rollback-trigger defaults) and services.
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
    let save_triggers = ServerAction::<SaveEnvironmentTriggers>::new();
    let save_triggers_saves = saves(save_triggers);
    let save_service = ServerAction::<SaveService>::new();
    let save_service_saves = saves(save_service);
    let envs = Resource::new(move || save_env_saves.get(), |_| environment_specs());
    let defaults = Resource::new(
        move || (save_env_saves.get(), save_triggers_saves.get()),
        |_| environment_trigger_defaults(),
    );
    let services = Resource::new(move || save_service_saves.get(), |_| list_services());
    // A form posted without JavaScript and refused comes back here: the
    // environment editor's (`form=environment`) or the new service's
    // (`form=service`).
    let kept = use_kept_form();
    // The environment editor is opened by the address, so it works before
    // the page hydrates and without JavaScript: `?edit=` for a new one,
    // `?edit=<key>` to edit one. Hydrated, the same links navigate in the page.
    let query = use_query_map();
    // Whose rollback triggers are open in their editor, if anyone's (this
    // editor's rows come and go, so it needs the script). One editor at a
    // time: saving either reloads the list both live in.
    let editing_triggers = RwSignal::new(None::<String>);
    let edit_environment = move || {
        save_env.clear();
        editing_triggers.set(None);
    };
    let edit_triggers = move |key: String| {
        save_triggers.clear();
        editing_triggers.set(Some(key));
    };
    let navigate = use_navigate();
    Effect::new(move |_| {
        // Saved, or the triggers editor opened: the environment editor the
        // address opened closes.
        let saved = matches!(save_env.value().get(), Some(Ok(())));
        let triggers = editing_triggers.get().is_some();
        let opened = query.with_untracked(|q| q.get("edit").is_some() || q.get("kept").is_some());
        if (saved || triggers) && opened {
            navigate("/admin/environments", Default::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save_triggers.value().get() {
            editing_triggers.set(None);
        }
    });
    view! {
        <Title text="Environments & services" />
        <PageHeader eyebrow="Administration" title="Environments & services" lede="Where releases go, in promotion order, and what they ship.">
            <a role="button" class="btn btn-primary" href="/admin/environments?edit=" on:click=move |_| edit_environment()>"New environment"</a>
        </PageHeader>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let edit = query.with(|q| q.get("edit"));
                loaded(async move {
                let list = envs.await?;
                let defaults = defaults.await?;
                let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") == "environment");
                // The editor's start: what a refused post had, or the
                // environment the address names (none if it names no
                // environment there is).
                let editor: Option<(String, EnvironmentInput, BTreeMap<String, String>)> = match kept {
                    Some(kept) => Some((kept.fields.text("original"), EnvironmentInput::from_fields(&kept.fields), kept.errors)),
                    None => edit.and_then(|key| {
                        if key.is_empty() {
                            return Some((key, EnvironmentInput::default(), BTreeMap::new()));
                        }
                        let spec = list.iter().find(|e| e.key == key)?.to_input();
                        Some((key, spec, BTreeMap::new()))
                    }),
                };
                let path: Vec<_> = list.iter().filter(|e| e.promotion_order.is_some()).map(|e| e.name.clone()).collect();
                Ok::<_, AppError>(view! {
                    <section class="card">
                        <h2>"Promotion path"</h2>
                        <ol class="promotion" data-testid="promotion-path">
                            {path.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
                        </ol>
                        <p class="muted small">"A release reaches each environment on the path before the next. Environments off the path sit beside it."</p>
                    </section>
                    {move || editing_triggers.with(|t| t.is_none()).then(|| editor.clone().map(|(original, spec, errors)| {
                        view! { <EnvironmentEditor original spec errors save=save_env /> }
                    }))}
                    {let specs = list.clone(); let all = defaults.clone(); move || editing_triggers.get().map(|key| {
                        let name = specs.iter().find(|e| e.key == key).map(|e| e.name.clone()).unwrap_or_else(|| key.clone());
                        let triggers = all.iter().find(|d| d.environment == key).map(|d| d.triggers.clone()).unwrap_or_else(TriggerSpec::seed_defaults);
                        view! { <TriggerEditor environment=key name triggers save=save_triggers editing=editing_triggers /> }
                    })}
                    <section class="env-grid" data-testid="environments">
                        {list.into_iter().map(|env| {
                            let edit_href = format!("/admin/environments?edit={}", crate::domain::encode_query_value(&env.key));
                            let triggers_key = env.key.clone();
                            let env_defaults = defaults.iter().find(|d| d.environment == env.key).cloned();
                            view! {
                                <article class="card env-card" data-environment=env.key.clone()>
                                    <div class="card-header">
                                        <h2>{env.name.clone()}" "<code class="muted small">{env.key.clone()}</code></h2>
                                        <a role="button" class="btn btn-ghost btn-small" href=edit_href on:click=move |_| edit_environment()>"Edit"</a>
                                    </div>
                                    <p class="badges">
                                        {match env.promotion_order { Some(n) => view! { <span class="badge badge-blue">{format!("Step {n}")}</span> }.into_any(), None => view! { <span class="badge badge-gray">"Beside the path"</span> }.into_any() }}
                                        " "
                                        {if env.protected { view! { <span class="badge badge-red">{format!("Protected · {}", crate::domain::words::plural(env.required_approvals, "approval", "approvals"))}</span> }.into_any() } else { view! { <span class="badge badge-green">"Open"</span> }.into_any() }}
                                    </p>
                                    <p>{env.purpose.clone()}</p>
                                    <dl class="facts">
                                        <dt>"Infrastructure"</dt><dd>{env.infrastructure.join(" · ")}</dd>
                                        <dt>"Data"</dt><dd>{format!("{} · retained {} · backup {}", env.data_source, env.data_retention, env.data_backup)}</dd>
                                        <dt>"Access"</dt><dd>{env.access.join(" · ")}</dd>
                                    </dl>
                                    <div class="card-header">
                                        <h3>"Rollback triggers"</h3>
                                        <button type="button" class="btn btn-ghost btn-small" aria-label=format!("Edit the rollback triggers of {}", env.name)
                                            on:click=move |_| edit_triggers(triggers_key.clone())>"Edit triggers"</button>
                                    </div>
                                    {env_defaults.map(|d| view! { <TriggerList defaults=d /> })}
                                </article>
                            }
                        }).collect_view()}
                    </section>
                })
                })
            }}
        </Suspense>
        <ServicesSection services save=save_service kept />
    }
}
