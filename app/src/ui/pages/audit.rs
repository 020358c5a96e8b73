//! The audit trail: filtered, paged, and exported as CSV.

use crate::domain::words::plural;
use crate::domain::Permission;
use crate::error::AppError;
use crate::server_fns::audit::list_audit;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::filter_bar::FilterBar;
use crate::ui::components::loaded::loads;
use crate::ui::components::page_header::PageHeader;
use crate::ui::components::pager::Pager;
use crate::ui::components::query_link::QueryLink;
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const ENTITIES: [(&str, &str); 10] = [
    ("user", "Users"),
    ("api_token", "API tokens"),
    ("change_request", "Change requests"),
    ("release", "Releases"),
    ("deployment", "Deployments"),
    ("freeze_window", "Freeze windows"),
    ("environment", "Environments"),
    ("service", "Services"),
    ("cr_template", "Standard-change templates"),
    ("session", "Sessions"),
];

/// The audit trail for administrators and release managers: filters that
/// are plain GET parameters, pagination, and a CSV export of the same view.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ReadAudit what="Audit trail">
            <AuditAdmin />
        </RequirePermission>
    }
}

#[component]
fn AuditAdmin() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key).unwrap_or_default());
    let page = move || param("page").parse::<i64>().unwrap_or(1).max(1);
    let events = Resource::new(
        move || {
            (
                param("actor"),
                param("entity"),
                param("action"),
                param("from"),
                param("to"),
                page(),
                param("order"),
            )
        },
        |(actor, entity, action, from, to, page, order)| {
            list_audit(actor, entity, action, from, to, page, order)
        },
    );
    // The filters as they are, in the order the links write them.
    let link = move || {
        ["actor", "entity", "action", "from", "to", "order"]
            .into_iter()
            .fold(QueryLink::new("/audit"), |link, k| link.param(k, param(k)))
    };

    view! {
        <Title text="Audit trail" />
        <PageHeader eyebrow="Administration" title="Audit trail" lede="Every change, who made it and when. Events cannot be edited or deleted.">
            <a class="btn btn-ghost" href=move || format!("/audit.csv?{}", link().query()) download>"Export CSV"</a>
        </PageHeader>
        <FilterBar action="/audit">
            <div class="field">
                <label for="audit-actor">"Actor"</label>
                <input id="audit-actor" type="text" name="actor" placeholder="name or email" value=move || param("actor") />
            </div>
            <div class="field">
                <label for="audit-entity">"Entity"</label>
                <select id="audit-entity" name="entity">
                    <option value="">"Everything"</option>
                    {ENTITIES.map(|(value, label)| view! { <option value=value selected=move || param("entity") == value>{label}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-action">"Action starts with"</label>
                <input id="audit-action" type="text" name="action" placeholder="change_request." value=move || param("action") />
            </div>
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" type="date" name="from" value=move || param("from") />
            </div>
            <div class="field">
                <label for="audit-to">"To"</label>
                <input id="audit-to" type="date" name="to" value=move || param("to") />
            </div>
            <div class="field">
                <label for="audit-order">"Order"</label>
                <select id="audit-order" name="order">
                    <option value="" selected=move || param("order") != "oldest">"Newest first"</option>
                    <option value="oldest" selected=move || param("order") == "oldest">"Oldest first"</option>
                </select>
            </div>
        </FilterBar>
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let page = events.await?;
                    if page.items.is_empty() {
                        return Ok::<_, AppError>(view! { <p class="muted">"No events match."</p> }.into_any());
                    }
                    let pages = (page.total + page.per_page - 1) / page.per_page;
                    let current = page.page;
                    Ok(view! {
                        <div class="table-wrap">
                            <table class="table audit-table" data-testid="audit-table">
                                <thead><tr><th>"When"</th><th>"Actor"</th><th>"Action"</th><th>"Entity"</th><th>"Details"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|e| {
                                        let target = match (e.target_label.clone(), e.target_link.clone()) {
                                            (Some(label), Some(href)) => view! { <a href=href>{label}</a> }.into_any(),
                                            (Some(label), None) => view! { <span>{label}</span> }.into_any(),
                                            (None, _) => view! { <span class="muted small mono">{e.entity_id.clone().unwrap_or_default()}</span> }.into_any(),
                                        };
                                        view! {
                                        <tr>
                                            <td data-label="When">{format::datetime(e.occurred_at)}</td>
                                            <td data-label="Actor"><span title=e.actor_label.clone()>{e.actor_name.clone()}</span><div class="muted small">{format::actor_kind(&e.actor_kind)}</div></td>
                                            <td data-label="Action">{format::action(&e.action)}<div class="muted small"><code>{e.action.clone()}</code></div></td>
                                            <td data-label="Entity">{format::entity(&e.entity_type)}<div data-testid="audit-target">{target}</div></td>
                                            <td data-label="Details">
                                                {(!e.before.is_empty() || !e.after.is_empty()).then(|| view! {
                                                    <details>
                                                        <summary>"Before / after"</summary>
                                                        <div class="diff">
                                                            <pre>{if e.before.is_empty() { "—".to_string() } else { e.before.clone() }}</pre>
                                                            <pre>{if e.after.is_empty() { "—".to_string() } else { e.after.clone() }}</pre>
                                                        </div>
                                                    </details>
                                                })}
                                                <div class="muted small mono">{e.request_id.clone().map(|id| format!("request {id}")).unwrap_or_default()}</div>
                                            </td>
                                        </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=current more={current < pages} link={link()}
                            summary={format!("{} · page {current} of {pages}", plural(page.total, "event", "events"))} />
                    }.into_any())
                })}
            </Suspense>
        </section>
    }
}
