//! One incident for support and release managers: its timeline, what caused
//! it (deployment, release, change requests), who was told, and the forms
//! to publish a draft or post an update.

use super::ComponentPicker;
use crate::api::forms::{use_kept_form, KeptForm};
use crate::api::status::{get_incident, DiscardIncident, PostIncidentUpdate, PublishDraftIncident};
use crate::domain::change_request::CrStatus;
use crate::domain::deploy::DeploymentState;
use crate::domain::markdown;
use crate::domain::release::ReleaseStatus;
use crate::domain::status::{Impact, IncidentStatus};
use crate::domain::Fields;
use crate::error::AppError;
use crate::model::status::{ComponentChoice, IncidentDetail, IncidentUpdateInput, PublishIncident};
use crate::ui::components::form::{
    errors_or_kept, keep_typed, saves, starting, FieldError, FormErrors,
};
use crate::ui::components::loaded::loaded;
use crate::ui::components::status::{ImpactBadge, IncidentStatusBadge};
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A stored state name ("rolled_back") in words ("rolled back"), through
/// its vocabulary.
fn words<T>(
    raw: &str,
    parse: fn(&str) -> Result<T, String>,
    label: fn(T) -> &'static str,
) -> String {
    parse(raw)
        .map(|v| label(v).to_lowercase())
        .unwrap_or_else(|_| raw.replace('_', " "))
}

#[component]
pub fn IncidentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok()));
    let post = ServerAction::<PostIncidentUpdate>::new();
    let post_saves = saves(post);
    let publish = ServerAction::<PublishDraftIncident>::new();
    let publish_saves = saves(publish);
    let discard = ServerAction::<DiscardIncident>::new();
    let discard_saves = saves(discard);
    let incident = Resource::new(
        move || {
            (
                id(),
                post_saves.get(),
                publish_saves.get(),
                discard_saves.get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_incident(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // The publish or update form posted before hydration and refused comes
    // back here.
    let kept = use_kept_form();
    view! {
        <Suspense fallback=|| view! { <p class="page-loading">"Loading…"</p> }>
            {move || loaded(async move {
                let i = incident.await?;
                // Once a form here was sent by the page itself, it starts
                // afresh rather than as the refused plain post left it.
                let fresh = post.value().with_untracked(|v| v.is_none())
                    && publish.value().with_untracked(|v| v.is_none())
                    && discard.value().with_untracked(|v| v.is_none());
                let kept = kept.await?.filter(|_| fresh);
                Ok::<_, AppError>(view! { <IncidentView i post publish discard kept /> })
            })}
        </Suspense>
    }
}

#[component]
fn IncidentView(
    i: IncidentDetail,
    post: ServerAction<PostIncidentUpdate>,
    publish: ServerAction<PublishDraftIncident>,
    discard: ServerAction<DiscardIncident>,
    /// A refused plain post of the publish or the update form.
    kept: Option<KeptForm>,
) -> impl IntoView {
    // The publish form carries the draft's start; the update form does not.
    let (kept_publish, kept_update) = match kept {
        Some(k) if k.fields.ticked("drafted_start") => (Some(k), None),
        other => (None, other),
    };
    let names: BTreeMap<Uuid, String> = i
        .components
        .iter()
        .map(|c| (c.id, c.name.clone()))
        .collect();
    let affected: Vec<String> = i
        .affected
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                names.get(&a.id).cloned().unwrap_or_default(),
                a.status.label().to_lowercase()
            )
        })
        .collect();
    let draft = i.visibility == "draft";
    let published = i.visibility == "published";
    let public_link = format!("/status/incidents/{}", i.id);
    view! {
        <Title text=format!("INC-{} {}", i.number, i.title) />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/incidents">"Incidents"</a>{format!(" / INC-{}", i.number)}</p>
                <h1 data-testid="incident-title">{i.title.clone()}</h1>
                <p>
                    <span class="badge badge-gray" data-testid="incident-visibility">{i.visibility.clone()}</span>
                    <IncidentStatusBadge status=i.status />
                    <ImpactBadge impact=i.impact />
                    {i.automated.then(|| view! { <span class="badge badge-purple">"opened by an automatic rollback"</span> })}
                </p>
            </div>
            {published.then(|| view! { <a class="btn btn-ghost" href=public_link.clone() target="_blank" rel="noopener">"Public page ↗"</a> })}
        </header>
        <div class="columns columns-wide">
            <div>
                {(draft && i.can_edit).then(|| view! { <PublishForm i=i.clone() publish discard kept=kept_publish /> })}
                {(published && i.can_edit).then(|| view! { <UpdateForm i=i.clone() post kept=kept_update /> })}
                <section class="card">
                    <h2>"Timeline"</h2>
                    <ol class="incident-timeline" data-testid="incident-timeline">
                        {i.updates.iter().map(|u| view! {
                            <li>
                                <div><strong>{u.status_label.clone()}</strong>" "<span class="small muted">{format!("{} · {}", format::datetime(u.created_at), u.author)}</span></div>
                                <div class="rendered" inner_html=u.html.clone()></div>
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            </div>
            <div>
                <section class="card">
                    <h2>"Facts"</h2>
                    <dl class="facts">
                        <dt>"Impact began"</dt><dd data-testid="impact-started">{format::datetime(i.impact_started_at)}</dd>
                        <dt>"Opened"</dt><dd>{format::datetime(i.created_at)}</dd>
                        <dt>"Published"</dt><dd>{i.published_at.map(format::datetime).unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Resolved"</dt><dd>{i.resolved_at.map(format::datetime).unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Affects"</dt><dd>{if affected.is_empty() { "—".to_string() } else { affected.join(", ") }}</dd>
                        <dt>"Subscribers notified"</dt><dd data-testid="notified">{i.notified}</dd>
                    </dl>
                </section>
                <section class="card">
                    <h2>"Caused by"</h2>
                    {i.release.clone().map(|r| view! {
                        <p>"Release " <a href=format!("/releases/{}", r.id)>{format!("{} {}", r.service, r.version)}</a>" "<span class="small muted">{format!("{} · {}", r.title, words(&r.status, ReleaseStatus::parse, ReleaseStatus::label))}</span></p>
                    })}
                    {(!i.deployments.is_empty()).then(|| view! {
                        <ul class="change-list">
                            {i.deployments.iter().map(|d| view! {
                                <li><a href=format!("/deployments/{}", d.id)>{format!("D-{}", d.number)}</a>{format!(" {} {} → {} · {}", d.service, d.version, d.environment, words(&d.state, DeploymentState::parse, DeploymentState::label))}</li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!i.changes.is_empty()).then(|| view! {
                        <ul class="change-list">
                            {i.changes.iter().map(|c| view! {
                                <li><a href=format!("/changes/{}", c.number)>{format!("CR-{}", c.number)}</a>{format!(" {} · {}", c.title, words(&c.status, CrStatus::parse, CrStatus::label))}</li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(i.release.is_none() && i.deployments.is_empty()).then(|| view! { <p class="muted">"Reported by a person; no deployment linked."</p> })}
                </section>
            </div>
        </div>
    }
}

/// A live preview of a markdown message with the same renderer the public page uses.
#[component]
fn Preview(body: RwSignal<String>) -> impl IntoView {
    view! { <div class="rendered preview" data-testid="preview" inner_html=move || markdown::render(&body.get())></div> }
}

/// The fields the publish form shows a message beside; any other goes on top.
const PUBLISH_FIELDS: &[&str] = &["title", "impact", "impact_started_at", "body", "components"];

#[component]
fn PublishForm(
    i: IncidentDetail,
    publish: ServerAction<PublishDraftIncident>,
    discard: ServerAction<DiscardIncident>,
    /// A refused plain post of the form (publishing or discarding).
    kept: Option<KeptForm>,
) -> impl IntoView {
    let id = i.id;
    // The draft's start: for an automatic rollback, when it rolled back.
    let drafted_start = i.impact_started_at.format("%Y-%m-%dT%H:%M").to_string();
    // Posted along, so a plain post sends the start blank while unchanged.
    let drafted_field = drafted_start.clone();
    let draft = Fields(vec![
        ("title".into(), i.title.clone()),
        ("impact".into(), i.impact.as_str().into()),
        ("impact_started_at".into(), drafted_start.clone()),
        (
            "body".into(),
            i.updates.last().map(|u| u.body.clone()).unwrap_or_default(),
        ),
    ]);
    let (typed, kept_errors) = starting(kept, draft, Fields::clone);
    let title = RwSignal::new(typed.text("title"));
    let impact = RwSignal::new(typed.text("impact"));
    let began = RwSignal::new(typed.text("impact_started_at"));
    let body = RwSignal::new(typed.text("body"));
    let chosen = RwSignal::new(if typed.ticked("drafted_start") {
        ComponentChoice::from_fields(&typed).unwrap_or_default()
    } else {
        i.affected.clone()
    });
    let published = errors_or_kept(publish, kept_errors.clone());
    let discarded = errors_or_kept(discard, kept_errors);
    // Whichever was pressed last says why it was refused.
    let errors = Signal::derive(move || {
        if discard.value().with(|v| v.is_some()) {
            discarded.get()
        } else {
            published.get()
        }
    });
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Unchanged, it is sent blank so the draft keeps its exact start
        // (the field shows whole minutes).
        let typed = began.get_untracked();
        let impact_started_at = if typed == drafted_start {
            String::new()
        } else {
            typed
        };
        publish.dispatch(PublishDraftIncident {
            id,
            input: PublishIncident {
                title: title.get_untracked(),
                impact: Impact::parse(&impact.get_untracked()).unwrap_or(Impact::Minor),
                body: body.get_untracked(),
                components: chosen.get_untracked(),
                impact_started_at,
            },
        });
    };
    view! {
        <section class="card card-alert">
            <h2>"Draft: not public yet"</h2>
            <p class="muted">"Check the wording customers will read, then publish it to the status page and its subscribers — or discard it if customers were not affected."</p>
            <form class="form" method="post" action=format!("/incidents/{id}/publish") on:submit=submit novalidate>
                <FormErrors errors shown=PUBLISH_FIELDS />
                <input type="hidden" name="drafted_start" value=drafted_field />
                <label class="field">"Title" <input id="publish-title" name="title" value=typed.text("title") use:keep_typed=title bind:value=title required maxlength="200" aria-invalid=invalid("title") /><FieldError errors field="title" /></label>
                <div class="form-row">
                    <label class="field">"Impact"
                        <select id="publish-impact" name="impact" use:keep_typed=impact bind:value=impact>
                            {Impact::ALL.iter().map(|i| {
                                let selected = i.as_str() == typed.text("impact");
                                view! { <option value=i.as_str() selected=selected>{i.label()}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="impact" />
                    </label>
                    <label class="field">"Impact began (UTC)"
                        <input id="publish-began" name="impact_started_at" type="datetime-local" value=typed.text("impact_started_at") use:keep_typed=began bind:value=began aria-invalid=invalid("impact_started_at") />
                        <FieldError errors field="impact_started_at" />
                    </label>
                </div>
                <div class="columns-even columns">
                    <label class="field">"First update (markdown)" <textarea id="publish-body" name="body" rows="5" use:keep_typed=body bind:value=body aria-invalid=invalid("body")>{crate::ui::components::form::textarea_text(&typed.text("body"))}</textarea><FieldError errors field="body" /></label>
                    <div class="field"><span>"Preview"</span><Preview body /></div>
                </div>
                <div class="field"><span>"Affected components"</span><ComponentPicker components=i.components.clone() chosen /><FieldError errors field="components" /></div>
                <div class="row-actions">
                    <button type="submit" class="btn btn-primary" data-testid="publish-incident" disabled=move || publish.pending().get()>"Publish incident"</button>
                    <button type="submit" formaction=format!("/incidents/{id}/discard") class="btn btn-danger" on:click=move |ev| { ev.prevent_default(); discard.dispatch(DiscardIncident { id }); }>"Discard draft"</button>
                </div>
            </form>
        </section>
    }
}

/// The fields the update form shows a message beside; any other goes on top.
const UPDATE_FIELDS: &[&str] = &["status", "impact", "body", "components"];

#[component]
fn UpdateForm(
    i: IncidentDetail,
    post: ServerAction<PostIncidentUpdate>,
    /// A refused plain post of the form.
    kept: Option<KeptForm>,
) -> impl IntoView {
    let id = i.id;
    let current = i.status;
    let next = IncidentStatus::ALL
        .iter()
        .copied()
        .filter(|s| current.can_become(*s))
        .collect::<Vec<_>>();
    // Forward is the usual move; reopening and repeating the status come after.
    let first = next
        .iter()
        .copied()
        .find(|s| *s != current && s.is_open() == current.is_open())
        .or_else(|| next.iter().copied().find(|s| *s != current))
        .unwrap_or(current);
    let came_back = kept.is_some();
    let (typed, kept_errors) = starting(
        kept,
        Fields::from([("status", first.as_str())]),
        Fields::clone,
    );
    let status = RwSignal::new(typed.text("status"));
    let impact = RwSignal::new(typed.text("impact"));
    let body = RwSignal::new(typed.text("body"));
    let chosen = RwSignal::new(if came_back {
        ComponentChoice::from_fields(&typed).unwrap_or_default()
    } else {
        i.affected.clone()
    });
    let errors = errors_or_kept(post, kept_errors);
    Effect::new(move |_| {
        if let Some(Ok(_)) = post.value().get() {
            body.set(String::new());
        }
    });
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        post.dispatch(PostIncidentUpdate {
            id,
            input: IncidentUpdateInput {
                status: IncidentStatus::parse(&status.get_untracked()).unwrap_or(current),
                body: body.get_untracked(),
                impact: Impact::parse(&impact.get_untracked()).ok(),
                components: chosen.get_untracked(),
            },
        });
    };
    view! {
        <section class="card">
            <h2>"Post an update"</h2>
            <form class="form" method="post" action=format!("/incidents/{id}/updates") on:submit=submit novalidate>
                <FormErrors errors shown=UPDATE_FIELDS />
                <div class="form-row">
                    <label class="field">"Status"
                        <select id="update-status" name="status" use:keep_typed=status bind:value=status>
                            {next.iter().map(|s| {
                                let selected = s.as_str() == typed.text("status");
                                view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="status" />
                    </label>
                    <label class="field">"Impact"
                        <select id="update-impact" name="impact" use:keep_typed=impact bind:value=impact>
                            <option value="">"Unchanged"</option>
                            {Impact::ALL.iter().map(|i| {
                                let selected = i.as_str() == typed.text("impact");
                                view! { <option value=i.as_str() selected=selected>{i.label()}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="impact" />
                    </label>
                </div>
                <div class="columns-even columns">
                    <label class="field">"Message (markdown)" <textarea id="update-body" name="body" rows="5" use:keep_typed=body bind:value=body required aria-invalid=invalid("body")>{crate::ui::components::form::textarea_text(&typed.text("body"))}</textarea><FieldError errors field="body" /></label>
                    <div class="field"><span>"Preview"</span><Preview body /></div>
                </div>
                <div class="field"><span>"Components"</span><ComponentPicker components=i.components.clone() chosen /><FieldError errors field="components" /></div>
                <p class="small muted">"Resolving returns the components to operational unless another open incident still affects them."</p>
                <div class="row-actions"><button type="submit" class="btn btn-primary" data-testid="post-update" disabled=move || post.pending().get()>"Post update"</button></div>
            </form>
        </section>
    }
}
