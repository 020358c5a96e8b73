//! The support view: incident history with full-text search and filters,
//! and opening a new incident.

use super::ComponentPicker;
use crate::domain::status_page::{Impact, IncidentStatus};
use crate::domain::Fields;
use crate::error::AppError;
use crate::model::status_page::{ComponentChoice, ComponentView, IncidentFilter, IncidentInput};
use crate::server_fns::forms::{use_kept_form, KeptForm};
use crate::server_fns::status_page::{
    list_components, list_incidents, subscriber_count, OpenIncident,
};
use crate::ui::components::access::may;
use crate::ui::components::form::{
    errors_or_kept, keep_checked, keep_typed, starting, FieldError, FormErrors,
};
use crate::ui::components::loaded::loads;
use crate::ui::components::pager::Pager;
use crate::ui::components::query_link::QueryLink;
use crate::ui::components::state_badge::{ImpactBadge, IncidentStatusBadge};
use crate::ui::format;
use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn IncidentListPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &'static str| query.with(|q| q.get(key).unwrap_or_default());
    let filter = move || IncidentFilter {
        q: get("q"),
        component: get("component").parse().ok(),
        impact: Impact::parse(&get("impact")).ok(),
        visibility: get("visibility"),
        from: get("from"),
        to: get("to"),
        page: get("page").parse().unwrap_or(1),
    };
    let incidents = Resource::new(filter, list_incidents);
    let components = Resource::new(|| (), |_| list_components());
    let subscribers = Resource::new(|| (), |_| subscriber_count());
    // A new incident posted before hydration and refused comes back here.
    let kept = use_kept_form();
    // Open when asked for in the address (the button without a script) or
    // when a refused post came back.
    let opening = RwSignal::new(query.with_untracked(|q| {
        q.get("new").is_some() || q.get("kept").is_some_and(|k| !k.is_empty())
    }));
    view! {
        <Title text="Incidents" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Status page"</p>
                <h1>"Incidents"</h1>
                <p class="muted">
                    "Every incident on the status page, with what caused it. "
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let n = subscribers.await.unwrap_or(0);
                            view! { <span data-testid="subscriber-count">{format!("{n} confirmed subscriber{}.", if n == 1 { "" } else { "s" })}</span> }
                        })}
                    </Suspense>
                </p>
            </div>
            <div class="row-actions">
                <a class="btn btn-ghost" href="/status" target="_blank" rel="noopener">"Status page ↗"</a>
                {may(crate::domain::Permission::Incidents).then(|| view! {
                    // Without a script it asks for the page with the form open.
                    <form method="get" action="/incidents" style="display: contents">
                        <button type="submit" name="new" value="1" class="btn btn-primary" on:click=move |ev| { ev.prevent_default(); opening.set(true); }>"New incident"</button>
                    </form>
                })}
            </div>
        </header>
        {move || opening.get().then(|| view! {
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let kept = kept.await?;
                    let components = components.await?;
                    Ok::<_, AppError>(view! { <NewIncident opening kept components /> })
                })}
            </Suspense>
        })}
        <section class="card">
            <form class="filters" method="get" action="/incidents">
                <label class="grow">"Search " <input type="search" name="q" value=get("q") placeholder="words in titles and updates" /></label>
                <Suspense fallback=|| ()>
                    {loads(move || async move {
                        let list = components.await?;
                        let current = get("component");
                        Ok::<_, AppError>(view! {
                            <label>"Component "
                                <select name="component">
                                    <option value="">"Any"</option>
                                    {list.into_iter().map(|c| { let selected = c.id.to_string() == current; view! { <option value=c.id.to_string() selected=selected>{c.name}</option> } }).collect_view()}
                                </select>
                            </label>
                        })
                    })}
                </Suspense>
                <label>"Impact "
                    <select name="impact">
                        <option value="">"Any"</option>
                        {Impact::ALL.iter().map(|i| { let selected = get("impact") == i.as_str(); view! { <option value=i.as_str() selected=selected>{i.label()}</option> } }).collect_view()}
                    </select>
                </label>
                <label>"Shown "
                    <select name="visibility">
                        <option value="">"Drafts and published"</option>
                        {["draft", "published", "discarded"].into_iter().map(|v| { let selected = get("visibility") == v; view! { <option value=v selected=selected>{v}</option> } }).collect_view()}
                    </select>
                </label>
                <label>"From " <input type="date" name="from" value=get("from") /></label>
                <label>"To " <input type="date" name="to" value=get("to") /></label>
                <button type="submit" class="btn btn-small">"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let page = incidents.await?;
                    let f = filter();
                    let link = QueryLink::new("/incidents")
                        .param("q", f.q)
                        .param("component", f.component.map(|c| c.to_string()).unwrap_or_default())
                        .param("impact", f.impact.map(|i| i.as_str()).unwrap_or(""))
                        .param("visibility", f.visibility)
                        .param("from", f.from)
                        .param("to", f.to)
                        .keep_empty();
                    let more = page.page * page.per_page < page.total;
                    let current = page.page;
                    Ok::<_, AppError>(if page.rows.is_empty() {
                        view! { <p class="muted">"No incidents match."</p> }.into_any()
                    } else {
                        view! {
                            <p class="small muted">{format!("{} incident{}", page.total, if page.total == 1 { "" } else { "s" })}</p>
                            <div class="table-wrap"><table class="table" data-testid="incidents">
                                <thead><tr><th>"#"</th><th>"Incident"</th><th>"Components"</th><th>"Opened"</th><th>"Cause"</th><th>"Notified"</th></tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|i| view! {
                                        <tr>
                                            <td>{format!("INC-{}", i.number)}</td>
                                            <td>
                                                <a href=format!("/incidents/{}", i.id)><strong>{i.title.clone()}</strong></a>
                                                <div>
                                                    {(i.visibility != "published").then(|| view! { <span class="badge badge-gray" data-visibility=i.visibility.clone()>{i.visibility.clone()}</span> })}
                                                    <IncidentStatusBadge status=i.status />
                                                    <ImpactBadge impact=i.impact />
                                                </div>
                                            </td>
                                            <td class="small">{if i.components.is_empty() { "—".to_string() } else { i.components.join(", ") }}</td>
                                            <td class="small">{format::datetime(i.created_at)}</td>
                                            <td class="small">{match i.deployment_number { Some(n) => format!("Rollback D-{n}"), None if i.automated => "Automatic".into(), None => "Reported".into() }}</td>
                                            <td>{i.notified}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            <Pager page=current more link />
                        }.into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

/// The fields the new-incident form shows a message beside; any other goes on top.
const NEW_FIELDS: &[&str] = &[
    "title",
    "impact",
    "status",
    "impact_started_at",
    "body",
    "components",
];

/// The new-incident form as it opens: minor, investigating, starting now
/// (the clock of whoever renders it; the server allows the browser's to run
/// a little ahead), published at once.
fn blank_incident() -> Fields {
    let now = Utc::now().format("%Y-%m-%dT%H:%M").to_string();
    Fields::from([
        ("impact", "minor"),
        ("status", "investigating"),
        ("impact_started_at", now.as_str()),
        ("publish", "on"),
    ])
}

#[component]
fn NewIncident(
    opening: RwSignal<bool>,
    /// A refused plain post of the form: what was typed and the messages.
    kept: Option<KeptForm>,
    components: Vec<ComponentView>,
) -> impl IntoView {
    let open = ServerAction::<OpenIncident>::new();
    let (typed, kept_errors) = starting(kept, blank_incident(), Fields::clone);
    let title = RwSignal::new(typed.text("title"));
    let impact = RwSignal::new(typed.text("impact"));
    let status = RwSignal::new(typed.text("status"));
    let began = RwSignal::new(typed.text("impact_started_at"));
    let body = RwSignal::new(typed.text("body"));
    let chosen = RwSignal::new(ComponentChoice::from_fields(&typed).unwrap_or_default());
    let publish = RwSignal::new(typed.ticked("publish"));
    let errors = errors_or_kept(open, kept_errors);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = open.value().get() {
            navigate(&format!("/incidents/{id}"), Default::default());
        }
    });
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        open.dispatch(OpenIncident {
            input: IncidentInput {
                title: title.get_untracked(),
                impact: Impact::parse(&impact.get_untracked()).unwrap_or(Impact::Minor),
                status: IncidentStatus::parse(&status.get_untracked())
                    .unwrap_or(IncidentStatus::Investigating),
                body: body.get_untracked(),
                components: chosen.get_untracked(),
                publish: publish.get_untracked(),
                impact_started_at: began.get_untracked(),
            },
        });
    };
    view! {
        <section class="card">
            <h2>"New incident"</h2>
            <form class="form" method="post" action="/incidents/new" on:submit=submit novalidate>
                <FormErrors errors shown=NEW_FIELDS />
                <label class="field">"Title" <input id="incident-title" name="title" value=typed.text("title") use:keep_typed=title bind:value=title required maxlength="200" placeholder="Elevated error rates on checkout" aria-invalid=invalid("title") /><FieldError errors field="title" /></label>
                <div class="form-row">
                    <label class="field">"Impact"
                        <select id="incident-impact" name="impact" use:keep_typed=impact bind:value=impact>
                            {Impact::ALL.iter().map(|i| {
                                let selected = i.as_str() == typed.text("impact");
                                view! { <option value=i.as_str() selected=selected>{i.label()}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="impact" />
                    </label>
                    <label class="field">"Status"
                        <select id="incident-status" name="status" use:keep_typed=status bind:value=status>
                            {IncidentStatus::ALL.iter().filter(|s| s.is_open()).map(|s| {
                                let selected = s.as_str() == typed.text("status");
                                view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="status" />
                    </label>
                    <label class="field">"Impact began (UTC)"
                        <input id="incident-began" name="impact_started_at" type="datetime-local" value=typed.text("impact_started_at") use:keep_typed=began bind:value=began aria-invalid=invalid("impact_started_at") />
                        <FieldError errors field="impact_started_at" />
                    </label>
                </div>
                <label class="field">"Message (markdown)" <textarea id="incident-body" name="body" rows="4" use:keep_typed=body bind:value=body required aria-invalid=invalid("body")>{crate::ui::components::form::textarea_text(&typed.text("body"))}</textarea><FieldError errors field="body" /></label>
                <div class="field"><span>"Affected components"</span>
                    <ComponentPicker components chosen />
                    <FieldError errors field="components" />
                </div>
                <label class="check"><input type="checkbox" name="publish" checked=typed.ticked("publish") use:keep_checked=publish bind:checked=publish />"Publish now (otherwise save as a draft)"</label>
                <div class="row-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || open.pending().get()>"Open incident"</button>
                    <a class="btn btn-ghost" href="/incidents" on:click=move |ev| { ev.prevent_default(); opening.set(false); }>"Cancel"</a>
                </div>
            </form>
        </section>
    }
}
