//! The release list: filters, sorting and pages.

use crate::domain::release::ReleaseStatus;
use crate::error::AppError;
use crate::server_fns::catalog::list_services;
use crate::server_fns::releases::list_releases;
use crate::ui::components::access::may;
use crate::ui::components::filter_bar::FilterBar;
use crate::ui::components::loaded::loads;
use crate::ui::components::pager::{Pager, PagerWords};
use crate::ui::components::query_link::QueryLink;
use crate::ui::components::state_badge::ReleaseStatusBadge;
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Releases with server-side filtering, sorting and pagination; the filter
/// is a GET form so filtered views are shareable links.
#[component]
pub fn ReleaseListPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key).unwrap_or_default());
    let page = move || param("page").parse::<i64>().unwrap_or(1).max(1);
    let releases = Resource::new(
        move || {
            (
                param("status"),
                param("service"),
                param("q"),
                param("sort"),
                page(),
            )
        },
        |(status, service, q, sort, page)| list_releases(status, service, q, sort, page),
    );
    let services = Resource::new(|| (), |_| list_services());
    // The page first, then the filters set.
    let link = move || {
        ["status", "service", "q", "sort"].into_iter().fold(
            QueryLink::new("/releases").param("page", page().to_string()),
            |link, k| link.param(k, param(k)),
        )
    };

    view! {
        <Title text="Releases" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Planning"</p>
                <h1>"Releases"</h1>
            </div>
            {may(crate::domain::Permission::PlanRelease).then(|| view! { <a class="btn btn-primary" href="/releases/new">"New release"</a> })}
        </header>
        <FilterBar action="/releases">
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="" selected=move || param("status").is_empty()>"Any status"</option>
                    {ReleaseStatus::ALL.iter().map(|s| {
                        let value = s.as_str();
                        view! { <option value=value selected=move || param("status") == value>{s.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-service">"Service"</label>
                <select id="filter-service" name="service">
                    <option value="">"Any service"</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let list = services.await.unwrap_or_default();
                            list.into_iter().map(|s| {
                                let key = s.key.clone();
                                let selected = param("service") == key;
                                view! { <option value=key selected=selected>{s.name}</option> }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </div>
            <div class="field grow">
                <label for="filter-q">"Title or version contains"</label>
                <input id="filter-q" type="text" name="q" value=move || param("q") />
            </div>
            <div class="field">
                <label for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort">
                    {[("updated", "Last changed"), ("planned", "Planned date"), ("version", "Version")].into_iter().map(|(value, label)| {
                        view! { <option value=value selected=move || param("sort") == value>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
        </FilterBar>
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let page = releases.await?;
                    if page.items.is_empty() {
                        return Ok::<_, AppError>(view! {
                            <p class="muted">"No releases match."{may(crate::domain::Permission::PlanRelease).then(|| view! { " "<a href="/releases/new">"Plan one"</a>"." })}</p>
                        }.into_any());
                    }
                    let pages = (page.total + page.per_page - 1) / page.per_page;
                    let current = page.page;
                    Ok(view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="release-table">
                                <thead><tr><th>"Release"</th><th>"Status"</th><th>"Type"</th><th>"Environments"</th><th>"Changes"</th><th>"Planned"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|r| view! {
                                        <tr>
                                            <td data-label="Release">
                                                <a href=format!("/releases/{}", r.id)><strong>{format!("{} {}", r.service, r.version)}</strong>" "{r.title}</a>
                                            </td>
                                            <td data-label="Status"><ReleaseStatusBadge status=r.status /></td>
                                            <td data-label="Type">{r.release_type.label()}</td>
                                            <td data-label="Environments"><ul class="chips">{r.environments.iter().map(|e| view! { <li class="chip">{e.clone()}</li> }).collect_view()}</ul></td>
                                            <td data-label="Changes">{r.change_count}</td>
                                            <td data-label="Planned">{r.planned_at.map(format::datetime).unwrap_or_else(|| "—".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=current more={current < pages || page.total_capped} link={link()} words=PagerWords::PreviousNext
                            summary={if page.total_capped {
                                format!("{}+ releases · page {current} of {pages}+", page.total)
                            } else {
                                format!("{} · page {current} of {pages}", crate::domain::words::plural(page.total, "release", "releases"))
                            }} />
                    }.into_any())
                })}
            </Suspense>
        </section>
    }
}
