//! One change request: its fields, plans, comments, approvals, the actions
//! the viewer may take and its timeline. The workflow buttons are in
//! `next_step`, comments in `comments`, the emergency review in `review`.

mod comments;
mod next_step;
mod review;

use crate::domain::change_request::{ChangeClass, CrStatus};
use crate::domain::markdown;
use crate::domain::words::plural;
use crate::error::AppError;
use crate::model::CrDetail;
use crate::server_fns::change_requests::{
    get_change_request, AddCrComment, ChangeRequestAction, WritePostImplementationReview,
};
use crate::server_fns::forms::{use_kept_form, KeptForm};
use crate::ui::components::form::saves;
use crate::ui::components::loaded::loads;
use crate::ui::components::state_badge::{ClassBadge, StatusBadge};
use crate::ui::components::timeline::{Timeline, TimelineEntry};
use crate::ui::format;
use comments::Comments;
use leptos::prelude::*;
use leptos_meta::Title;
use next_step::NextStep;
use review::ReviewForm;

/// A timeline entry that did not change the status, in words ("Approved",
/// not "approve").
fn done(action: &str) -> String {
    match action {
        "approve" => "Approved".into(),
        "review" => "Reviewed".into(),
        "submit" => "Submitted".into(),
        "schedule" => "Scheduled".into(),
        "edit" => "Edited".into(),
        "fast_track" => "Fast-tracked".into(),
        "comment" => "Commented".into(),
        "review_written" | "post_implementation_review" => {
            "Post-implementation review written".into()
        }
        other => crate::domain::words::humanize(other),
    }
}

/// One change request: its fields, approvals, the actions the viewer may
/// take, its timeline and comments.
#[component]
pub fn ChangeDetailPage() -> impl IntoView {
    let number = super::route_number();
    let act = ServerAction::<ChangeRequestAction>::new();
    let act_saves = saves(act);
    let comment = ServerAction::<AddCrComment>::new();
    let comment_saves = saves(comment);
    let review = ServerAction::<WritePostImplementationReview>::new();
    let review_saves = saves(review);
    let change = Resource::new(
        move || {
            (
                number(),
                act_saves.get(),
                comment_saves.get(),
                review_saves.get(),
            )
        },
        |(number, _, _, _)| get_change_request(number),
    );
    // A comment posted before hydration and refused comes back here.
    let kept = use_kept_form();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {loads(move || async move {
                let cr = change.await?;
                let kept = kept.await?;
                Ok::<_, AppError>(view! { <ChangeView cr act comment review kept /> })
            })}
        </Suspense>
    }
}

/// The page once its change request has loaded.
#[component]
fn ChangeView(
    cr: CrDetail,
    act: ServerAction<ChangeRequestAction>,
    comment: ServerAction<AddCrComment>,
    review: ServerAction<WritePostImplementationReview>,
    /// A refused plain post: a comment's, or a workflow button's (it names
    /// its `action`).
    kept: Option<KeptForm>,
) -> impl IntoView {
    let number = cr.number;
    // The comment and the workflow forms both come back to this page after
    // a refused plain post; the pressed button's `action` says which.
    let kept = kept.unwrap_or_default();
    let (kept_act, kept_comment) = if kept.fields.ticked("action") {
        (kept, KeptForm::default())
    } else {
        (KeptForm::default(), kept)
    };
    let approvals = cr.approvers.len();
    let required = cr.required_approvals.max(1) as usize;
    let percent = (approvals.min(required) * 100 / required).to_string();

    view! {
        <Title text=format!("CR-{} {}", cr.number, cr.title) />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/changes">"Change requests"</a>" / "{format!("CR-{}", cr.number)}</p>
                <h1>{cr.title.clone()}</h1>
                <p class="badges"><StatusBadge status=cr.status />" "<ClassBadge class=cr.class /></p>
            </div>
            {cr.editable.then(|| view! {
                <a class="btn btn-ghost" data-testid="edit-change" href=format!("/changes/{}/edit", cr.number)>"Edit"</a>
            })}
        </header>
        <div class="columns columns-wide">
            <div>
                <section class="card">
                    <dl class="facts">
                        <dt>"Requester"</dt><dd>{cr.requester.clone()}</dd>
                        <dt>"Type"</dt><dd>{cr.change_type.label()}</dd>
                        <dt>"Priority"</dt><dd>{cr.priority.label()}</dd>
                        <dt>"Impact"</dt><dd>{cr.impact.label()}</dd>
                        <dt>"Risk"</dt><dd>{cr.risk.label()}</dd>
                        <dt>"Environments"</dt><dd><ul class="chips">{cr.environments.iter().map(|e| view! { <li class="chip">{e.clone()}</li> }).collect_view()}</ul></dd>
                        <dt>"Services"</dt><dd>{if cr.services.is_empty() { "—".to_string() } else { cr.services.join(", ") }}</dd>
                        <dt>"Planned"</dt><dd>{cr.planned_start.map(format::datetime).unwrap_or_else(|| "Not yet".into())}{format!(" · {} min", cr.duration_minutes)}{cr.maintenance.then_some(" · maintenance window")}</dd>
                        {cr.maintenance.then(|| view! {
                            <dt>"Status page"</dt>
                            <dd><a class="btn btn-ghost btn-small" data-testid="announce-maintenance" href=format!("/maintenance?cr={}", cr.number)>"Announce maintenance from this change"</a></dd>
                        })}
                        <dt>"Technical review"</dt><dd>{cr.reviewer.clone().unwrap_or_else(|| "Not yet".into())}</dd>
                    </dl>
                    {(!cr.description.is_empty()).then(|| view! { <div class="prose rendered" data-testid="cr-description" inner_html=markdown::render(&cr.description)></div> })}
                </section>
                <section class="card">
                    <h2>"Plans"</h2>
                    <h3>"Implementation"</h3><div class="prose rendered" inner_html=markdown::render(&cr.implementation_plan)></div>
                    <h3>"Rollback"</h3><div class="prose rendered" inner_html=markdown::render(&cr.rollback_plan)></div>
                    <h3>"Testing"</h3>{if cr.testing_plan.is_empty() { view! { <p class="prose">"—"</p> }.into_any() } else { view! { <div class="prose rendered" inner_html=markdown::render(&cr.testing_plan)></div> }.into_any() }}
                    {cr.closure_notes.clone().map(|n| view! { <h3>"Closure notes"</h3><div class="prose rendered" inner_html=markdown::render(&n)></div> })}
                </section>
                {(cr.class == ChangeClass::Emergency
                    && matches!(cr.status, CrStatus::Implementing | CrStatus::Validating | CrStatus::Closed))
                    .then(|| view! { <ReviewForm cr=cr.clone() review /> })}
                <Comments number comments=cr.comments.clone() comment kept=kept_comment />
            </div>
            <div>
                <section class="card">
                    <h2>"Approvals"</h2>
                    <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax=required aria-valuenow=approvals>
                        <span style=format!("width: {percent}%")></span>
                    </div>
                    <p class="muted small" data-testid="approval-count">{format!("{approvals} of {}", plural(required, "approval", "approvals"))}</p>
                    <ul class="chips">{cr.approvers.iter().map(|a| view! { <li class="chip">{a.clone()}</li> }).collect_view()}</ul>
                </section>
                <NextStep cr=cr.clone() act kept=kept_act />
                <section class="card">
                    <h2>"Timeline"</h2>
                    <Timeline testid="cr-timeline" entries=timeline(&cr) />
                </section>
            </div>
        </div>
    }
}

/// The change request's history in words, oldest first.
fn timeline(cr: &CrDetail) -> Vec<TimelineEntry> {
    cr.events
        .iter()
        .map(|e| {
            let what = match (e.from_status, e.to_status) {
                (Some(from), Some(to)) if from != to => {
                    format!("{} → {}", from.label(), to.label())
                }
                (_, Some(to)) if e.action == "create" => {
                    format!("Filed as {}", to.label().to_lowercase())
                }
                (None, Some(to)) => format!("{} → {}", done(&e.action), to.label()),
                _ => done(&e.action),
            };
            TimelineEntry {
                what,
                actor: e.actor_label.clone(),
                note: e.note.clone(),
                at: e.occurred_at,
            }
        })
        .collect()
}
