//! Environments and services for administrators: each environment's
//! specification and its place on the promotion path, and the services
//! releases belong to.

mod environment;
mod services;

use crate::api::catalog::{environment_specs, list_services, SaveEnvironment, SaveService};
use crate::domain::Permission;
use crate::error::AppError;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::saves;
use crate::ui::components::loaded::loaded;
use environment::EnvironmentEditor;
use leptos::prelude::*;
use leptos_meta::Title;
use services::ServicesSection;

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
    // A new editor starts without the last one's refusal.
    let edit_environment = move |key: String| {
        save_env.clear();
        editing.set(Some(key));
    };
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
            <button type="button" class="btn btn-primary" on:click=move |_| edit_environment(String::new())>"New environment"</button>
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
                        {list.into_iter().map(|env| {
                            let key = env.key.clone();
                            view! {
                                <article class="card env-card" data-environment=env.key.clone()>
                                    <div class="card-header">
                                        <h2>{env.name.clone()}" "<code class="muted small">{env.key.clone()}</code></h2>
                                        <button type="button" class="btn btn-ghost btn-small" on:click=move |_| edit_environment(key.clone())>"Edit"</button>
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
