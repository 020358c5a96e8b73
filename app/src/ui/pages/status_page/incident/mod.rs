//! One incident for support and release managers: its timeline, what caused
//! it (deployment, release, change requests), who was told, and the forms
//! to publish a draft or post an update.

mod preview;
mod publish;
mod update;

use crate::domain::change_request::CrStatus;
use crate::domain::deploy::DeploymentState;
use crate::domain::release::ReleaseStatus;
use crate::error::AppError;
use crate::model::status_page::IncidentDetail;
use crate::server_fns::forms::{use_kept_form, KeptForm};
use crate::server_fns::status_page::{
    get_incident, DiscardIncident, PostIncidentUpdate, PublishDraftIncident,
};
use crate::ui::components::form::saves;
use crate::ui::components::loaded::loads;
use crate::ui::components::state_badge::{ImpactBadge, IncidentStatusBadge};
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use publish::PublishForm;
use std::collections::BTreeMap;
use update::UpdateForm;
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
            {loads(move || async move {
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
