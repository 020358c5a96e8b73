//! The release itself: its facts, change requests, workflow buttons,
//! record-by-hand buttons and timeline.

use super::plan_editor::PlanEditor;
use super::plan_view::PlanView;
use crate::domain::release::ReleaseStatus;
use crate::model::DeployOptions;
use crate::model::ReleaseDetail;
use crate::server_fns::forms::KeptForm;
use crate::server_fns::releases::{ReleaseAction, SaveReleasePlan};
use crate::ui::components::form::keep_typed;
use crate::ui::components::state_badge::{ReleaseStatusBadge, StatusBadge};
use crate::ui::components::timeline::{Timeline, TimelineEntry};
use crate::ui::format;
use crate::ui::pages::deployments::start::DeployCard;
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

fn describe(action: &str) -> (&'static str, &'static str) {
    match action {
        "approve" => ("Approve release", "btn btn-primary"),
        // Recording by hand: plain buttons, worded as records, so none of
        // them reads like starting (or undoing) an automated deployment.
        "start_deploying" => ("Record: deploying started", "btn btn-ghost"),
        "mark_deployed" => ("Record: deployed", "btn btn-ghost"),
        "mark_failed" => ("Record: failed", "btn btn-ghost"),
        "mark_rolled_back" => ("Record: rolled back", "btn btn-ghost"),
        _ => ("Act", "btn btn-ghost"),
    }
}

/// Actions that only record what happened outside Rookery (a manual deploy
/// target, or a deployment done by hand); they deploy nothing.
fn records_by_hand(action: &str) -> bool {
    matches!(
        action,
        "start_deploying" | "mark_deployed" | "mark_failed" | "mark_rolled_back"
    )
}

/// The page once its release has loaded.
#[component]
pub(super) fn ReleaseView(
    release: ReleaseDetail,
    deploy: DeployOptions,
    act: ServerAction<ReleaseAction>,
    save: ServerAction<SaveReleasePlan>,
    /// A refused plain post: of a workflow or record button (it names its
    /// `action`) or of the deploy form.
    kept: Option<KeptForm>,
) -> impl IntoView {
    let r = release.summary.clone();
    let id = r.id;
    let (kept_act, kept_deploy) = match kept {
        Some(k) if k.fields.ticked("action") => (Some(k), None),
        other => (None, other),
    };
    // The note typed beside the pressed button goes back beside it.
    let kept_action = kept_act.as_ref().map(|k| k.fields.text("action"));
    let kept_note = kept_act
        .as_ref()
        .map(|k| k.fields.text("note"))
        .unwrap_or_default();
    let by_hand = kept_action.as_deref().is_some_and(records_by_hand);
    let typed_note = if by_hand {
        String::new()
    } else {
        kept_note.clone()
    };
    let typed_record_note = if by_hand { kept_note } else { String::new() };
    let note = RwSignal::new(typed_note.clone());
    let record_note = RwSignal::new(typed_record_note.clone());
    let editing = RwSignal::new(false);
    let kept_act_error = StoredValue::new(kept_act.and_then(|k| k.errors.into_values().next()));
    let act_error = move || match act.value().get() {
        Some(result) => result.err().map(|e| e.to_string()),
        None => kept_act_error.get_value(),
    };
    let (recorded, actions): (Vec<String>, Vec<String>) = release
        .allowed_actions
        .iter()
        .cloned()
        .partition(|a| records_by_hand(a));
    let may_deploy = deploy.may_deploy;
    let plan = release.plan.clone();
    let environments = r.environments.clone();
    let can_edit = release.can_edit_plan;
    // A saved plan closes the editor.
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            editing.set(false);
        }
    });
    view! {
        <Title text=format!("{} {} · {}", r.service, r.version, r.title) />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/releases">"Releases"</a>" / "{format!("{} {}", r.service, r.version)}</p>
                <h1>{r.title.clone()}</h1>
                <p class="badges"><ReleaseStatusBadge status=r.status />" "<span class="badge badge-gray">{r.release_type.label()}</span></p>
            </div>
            <div class="row-actions">
                {release.editable.then(|| view! {
                    <a class="btn btn-ghost" href=format!("/releases/{}/edit", r.id) data-testid="edit-release">"Edit"</a>
                })}
                <a class="btn btn-ghost" href=format!("/releases/{}/notes", r.id) data-testid="release-notes-link">"Release notes"</a>
            </div>
        </header>
        // Full width: the deploy form needs the room (in the side column it
        // widened the page).
        <DeployCard options=deploy kept=kept_deploy />
        <div class="columns columns-wide">
            <div>
                <section class="card">
                    <dl class="facts">
                        <dt>"Service"</dt><dd>{format!("{} ({})", r.service_name, r.service)}</dd>
                        <dt>"Version"</dt><dd><code>{r.version.clone()}</code></dd>
                        <dt>"Environments"</dt><dd><ul class="chips">{r.environments.iter().map(|e| view! { <li class="chip">{e.clone()}</li> }).collect_view()}</ul></dd>
                        <dt>"Planned"</dt><dd>{r.planned_at.map(format::datetime).unwrap_or_else(|| "Not yet".into())}</dd>
                        <dt>"Planned by"</dt><dd>{release.created_by.clone()}</dd>
                        <dt>"Approved by"</dt><dd>{if release.approvers.is_empty() { "Not yet".to_string() } else { release.approvers.join(", ") }}</dd>
                    </dl>
                    {(!release.description.is_empty()).then(|| view! { <p class="prose">{release.description.clone()}</p> })}
                </section>
                <section class="card">
                    <h2>"Change requests"</h2>
                    {if release.changes.is_empty() {
                        view! { <p class="muted">"No change requests linked."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="change-list" data-testid="release-changes">
                                {release.changes.iter().map(|cr| view! {
                                    <li>
                                        <a href=format!("/changes/{}", cr.number)><strong>{format!("CR-{}", cr.number)}</strong>" "{cr.title.clone()}</a>
                                        <span class="change-meta"><StatusBadge status=cr.status /></span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <Show
                    when=move || editing.get()
                    fallback={
                        let plan = plan.clone();
                        move || view! { <PlanView plan=plan.clone() can_edit editing /> }
                    }
                >
                    <PlanEditor id plan=release.plan.to_input() environments=environments.clone() save editing />
                </Show>
            </div>
            <div>
                <section class="card">
                    <h2>"Next step"</h2>
                    {move || act_error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                    {if actions.is_empty() {
                        let hint = if may_deploy && matches!(r.status, ReleaseStatus::Approved | ReleaseStatus::Deployed) {
                            "Approved: deploy it with Deploy… under Deployments."
                        } else {
                            "Nothing for you to do here right now."
                        };
                        view! { <p class="muted">{hint}</p> }.into_any()
                    } else {
                        view! {
                            <form class="form" method="post" action=format!("/releases/{id}/act")>
                                <div class="field">
                                    <label for="release-note">"Note (optional)"</label>
                                    <textarea id="release-note" name="note" rows="2" use:keep_typed=note bind:value=note>{crate::ui::components::form::textarea_text(&typed_note.clone())}</textarea>
                                </div>
                                <div class="row-actions">
                                    {action_buttons(&actions, id, note, act)}
                                </div>
                            </form>
                        }.into_any()
                    }}
                </section>
                {(!recorded.is_empty()).then(|| view! {
                    <section class="card card-manual" data-testid="record-by-hand">
                        <h2>"Record by hand"</h2>
                        <p class="muted small">"For deploy targets Rookery does not run, or work done outside it: these only record what already happened on the release's status and timeline. They do not deploy, call a target or roll anything back. To deploy with Rookery, use Deploy… under Deployments."</p>
                        <form class="form" method="post" action=format!("/releases/{id}/act")>
                            <div class="field">
                                <label for="release-record-note">"What happened (optional)"</label>
                                <textarea id="release-record-note" name="note" rows="2" use:keep_typed=record_note bind:value=record_note>{crate::ui::components::form::textarea_text(&typed_record_note.clone())}</textarea>
                            </div>
                            <div class="row-actions">
                                {action_buttons(&recorded, id, record_note, act)}
                            </div>
                        </form>
                    </section>
                })}
                <section class="card">
                    <h2>"Timeline"</h2>
                    <Timeline testid="release-timeline" entries={release.events.iter().map(|e| {
                            let what = match (e.from_status, e.to_status) {
                                (Some(from), Some(to)) => format!("{} → {}", from.label(), to.label()),
                                (None, Some(_)) if e.action == "create" => "Planned".to_string(),
                                (None, Some(to)) => to.label().to_string(),
                                _ if e.action == "plan" => "Plan updated".to_string(),
                                _ if e.action == "edit" => "Edited".to_string(),
                                _ => e.action.replace('_', " "),
                            };
                            TimelineEntry { what, actor: e.actor_label.clone(), note: e.note.clone(), at: e.occurred_at }
                        }).collect()} />
                </section>
            </div>
        </div>
    }
}

/// One button per release action, sent with the note typed beside them
/// (without a script, the form posts the pressed button's `action`).
fn action_buttons(
    actions: &[String],
    id: Uuid,
    note: RwSignal<String>,
    act: ServerAction<ReleaseAction>,
) -> impl IntoView {
    actions
        .iter()
        .map(|action| {
            let (label, css) = describe(action);
            let action = action.clone();
            view! {
                <button type="submit" name="action" value=action.clone() class=css disabled=move || act.pending().get() on:click=move |ev| {
                    ev.prevent_default();
                    act.dispatch(ReleaseAction { id, action: action.clone(), note: note.get_untracked() });
                }>{label}</button>
            }
        })
        .collect_view()
}
