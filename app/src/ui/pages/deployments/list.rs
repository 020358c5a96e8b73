//! Deployment history, filtered by service and environment (GET form, so
//! filtered views are links).

use super::DeploymentRows;
use crate::error::AppError;
use crate::server_fns::catalog::list_services;
use crate::server_fns::change_requests::list_environments;
use crate::server_fns::deployments::list_deployments;
use crate::ui::components::loaded::loads;
use crate::ui::components::pager::Pager;
use crate::ui::components::query_link::QueryLink;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeploymentListPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &'static str| query.with(|q| q.get(key).unwrap_or_default());
    let page = move || get("page").parse::<i64>().unwrap_or(1);
    let history = Resource::new(
        move || (get("service"), get("environment"), page()),
        |(service, environment, page)| list_deployments(service, environment, page),
    );
    let services = Resource::new(|| (), |_| list_services());
    let environments = Resource::new(|| (), |_| list_environments());
    view! {
        <Title text="Deployments" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Execution"</p>
                <h1>"Deployments"</h1>
                <p class="muted">"Every deployment per service and environment. Start one from a release's page."</p>
            </div>
        </header>
        <section class="card">
            <form class="filters" method="get" action="/deployments">
                <Suspense fallback=|| ()>
                    {loads(move || async move {
                        let services = services.await?;
                        let environments = environments.await?;
                        let service = get("service");
                        let environment = get("environment");
                        Ok::<_, AppError>(view! {
                            <label>"Service "
                                <select name="service">
                                    <option value="">"Any"</option>
                                    {services.into_iter().map(|s| { let selected = s.key == service; view! { <option value=s.key.clone() selected=selected>{s.key.clone()}</option> } }).collect_view()}
                                </select>
                            </label>
                            <label>"Environment "
                                <select name="environment">
                                    <option value="">"Any"</option>
                                    {environments.into_iter().map(|e| { let selected = e.key == environment; view! { <option value=e.key.clone() selected=selected>{e.key.clone()}</option> } }).collect_view()}
                                </select>
                            </label>
                            <button type="submit" class="btn btn-small">"Filter"</button>
                        })
                    })}
                </Suspense>
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let list = history.await?;
                    let link = QueryLink::new("/deployments").param("service", get("service")).param("environment", get("environment")).keep_empty();
                    Ok::<_, AppError>(if list.deployments.is_empty() {
                        view! { <p class="muted">"No deployments match."</p> }.into_any()
                    } else {
                        let current = list.page;
                        view! {
                            <DeploymentRows deployments=list.deployments />
                            <Pager page=current more=list.more link />
                        }.into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}
