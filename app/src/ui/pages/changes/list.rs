//! The change-request list: filters, sorting and pages.

use crate::domain::change_request::CrStatus;
use crate::domain::words::plural;
use crate::error::AppError;
use crate::server_fns::change_requests::list_change_requests;
use crate::ui::components::access::may;
use crate::ui::components::filter_bar::FilterBar;
use crate::ui::components::loaded::loads;
use crate::ui::components::pager::Pager;
use crate::ui::components::query_link::QueryLink;
use crate::ui::components::state_badge::{ClassBadge, StatusBadge};
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Change requests with server-side filtering and pagination. The filter is
/// a plain GET form, so filtered views are links people can share.
#[component]
pub fn ChangeListPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key).unwrap_or_default());
    let page = move || param("page").parse::<i64>().unwrap_or(1).max(1);
    let changes = Resource::new(
        move || {
            (
                param("status"),
                param("mine") == "1",
                param("q"),
                page(),
                param("sort"),
            )
        },
        |(status, mine, q, page, sort)| list_change_requests(status, mine, q, page, sort),
    );
    // The page first, then the filters set.
    let link = move || {
        ["status", "mine", "q", "sort"].into_iter().fold(
            QueryLink::new("/changes").param("page", page().to_string()),
            |link, k| link.param(k, param(k)),
        )
    };

    view! {
        <Title text="Change requests" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Planning"</p>
                <h1>"Change requests"</h1>
            </div>
            {may(crate::domain::Permission::FileChange).then(|| view! { <a class="btn btn-primary" href="/changes/new">"New change request"</a> })}
        </header>
        <FilterBar action="/changes">
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="" selected=move || param("status").is_empty()>"Any status"</option>
                    {CrStatus::ALL.iter().map(|s| {
                        let value = s.as_str();
                        view! { <option value=value selected=move || param("status") == value>{s.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field grow">
                <label for="filter-q">"Title contains"</label>
                <input id="filter-q" type="text" name="q" value=move || param("q") />
            </div>
            <div class="field">
                <label for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort">
                    {[("updated", "Last changed"), ("planned", "Planned start"), ("priority", "Priority"), ("number", "Newest filed")].into_iter().map(|(value, label)| {
                        view! { <option value=value selected=move || param("sort") == value>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <label class="check">
                <input type="checkbox" name="mine" value="1" checked=move || param("mine") == "1" />
                <span>"Only mine"</span>
            </label>
        </FilterBar>
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let page = changes.await?;
                    if page.items.is_empty() {
                        return Ok::<_, AppError>(view! {
                            <p class="muted">"No change requests match."{may(crate::domain::Permission::FileChange).then(|| view! { " "<a href="/changes/new">"File one"</a>"." })}</p>
                        }.into_any());
                    }
                    let pages = (page.total + page.per_page - 1) / page.per_page;
                    let current = page.page;
                    Ok(view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="cr-table">
                                <thead><tr><th>"Change"</th><th>"Status"</th><th>"Priority"</th><th>"Environments"</th><th>"Requester"</th><th>"Planned"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|cr| view! {
                                        <tr>
                                            <td data-label="Change">
                                                <a href=format!("/changes/{}", cr.number)><strong>{format!("CR-{}", cr.number)}</strong>" "{cr.title}</a>
                                                " "<ClassBadge class=cr.class />
                                            </td>
                                            <td data-label="Status"><StatusBadge status=cr.status /></td>
                                            <td data-label="Priority">{cr.priority.label()}</td>
                                            <td data-label="Environments"><ul class="chips">{cr.environments.iter().map(|e| view! { <li class="chip">{e.clone()}</li> }).collect_view()}</ul></td>
                                            <td data-label="Requester">{cr.requester}</td>
                                            <td data-label="Planned">{cr.planned_start.map(format::datetime).unwrap_or_else(|| "—".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=current more={current < pages || page.total_capped} link={link()}
                            summary={if page.total_capped {
                                format!("{}+ change requests · page {current} of {pages}+", page.total)
                            } else {
                                format!("{} · page {current} of {pages}", plural(page.total, "change request", "change requests"))
                            }} />
                    }.into_any())
                })}
            </Suspense>
        </section>
    }
}
