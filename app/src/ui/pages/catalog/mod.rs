//! Environments and services for administrators: each environment's
//! specification, its place on the promotion path and its default rollback
//! triggers, and the services releases belong to.

mod environment;
mod services;
mod triggers;

use crate::api::catalog::{
    environment_specs, environment_trigger_defaults, list_services, SaveEnvironment,
    SaveEnvironmentTriggers, SaveService,
};
use crate::domain::deploy::TriggerSpec;
use crate::domain::Permission;
use crate::error::AppError;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::saves;
use crate::ui::components::loaded::loaded;
use environment::EnvironmentEditor;
use leptos::prelude::*;
use leptos_meta::Title;
use services::ServicesSection;
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
    // Which environment is open in the editor ("" = a new one), if any.
    let editing = RwSignal::new(None::<String>);
    // Whose rollback triggers are open in their editor, if anyone's. One
    // editor at a time: saving either reloads the list both live in.
    let editing_triggers = RwSignal::new(None::<String>);
    let edit_environment = move |key: String| {
        save_env.clear();
        editing_triggers.set(None);
        editing.set(Some(key));
    };
    let edit_triggers = move |key: String| {
        save_triggers.clear();
        editing.set(None);
        editing_triggers.set(Some(key));
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = save_env.value().get() {
            editing.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save_triggers.value().get() {
            editing_triggers.set(None);
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
            <button type="button" class="btn btn-primary" on:click=move |_| edit_environment(String::new())>"New environment"</button>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || loaded(async move {
                let list = envs.await?;
                let defaults = defaults.await?;
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
                    {let specs = list.clone(); let all = defaults.clone(); move || editing_triggers.get().map(|key| {
                        let name = specs.iter().find(|e| e.key == key).map(|e| e.name.clone()).unwrap_or_else(|| key.clone());
                        let triggers = all.iter().find(|d| d.environment == key).map(|d| d.triggers.clone()).unwrap_or_else(TriggerSpec::seed_defaults);
                        view! { <TriggerEditor environment=key name triggers save=save_triggers editing=editing_triggers /> }
                    })}
                    <section class="env-grid" data-testid="environments">
                        {list.into_iter().map(|env| {
                            let key = env.key.clone();
                            let triggers_key = env.key.clone();
                            let env_defaults = defaults.iter().find(|d| d.environment == env.key).cloned();
                            view! {
                                <article class="card env-card" data-environment=env.key.clone()>
                                    <div class="card-header">
                                        <h2>{env.name.clone()}" "<code class="muted small">{env.key.clone()}</code></h2>
                                        <button type="button" class="btn btn-ghost btn-small" on:click=move |_| edit_environment(key.clone())>"Edit"</button>
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
            })}
        </Suspense>
        <ServicesSection services save=save_service />
    }
}
