use super::after_rollback::{asks, RollbackPrompt};
use crate::api::change_requests::{
    get_change_request, AddCrComment, ChangeRequestAction, CheckSchedule,
    WritePostImplementationReview,
};
use crate::api::forms::{use_kept_form, KeptForm};
use crate::domain::change_request::{ChangeClass, CrStatus};
use crate::domain::markdown;
use crate::domain::words::plural;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::CrDetail;
use crate::ui::components::access::may;
use crate::ui::components::form::{keep_typed, saves};
use crate::ui::components::loaded::loaded;
use crate::ui::components::status::{ClassBadge, StatusBadge};
use crate::ui::components::timeline::{Timeline, TimelineEntry};
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;

/// Button label and whether the action takes a note.
fn describe(action: &str) -> (&'static str, bool, &'static str) {
    match action {
        "submit" => ("Submit for review", false, "btn btn-primary"),
        "review" => ("Pass technical review", false, "btn btn-primary"),
        "approve" => ("Approve", false, "btn btn-primary"),
        "reject" => ("Reject", true, "btn btn-danger"),
        "rework" => ("Rework as draft", false, "btn btn-ghost"),
        "fast_track" => ("Fast-track approve (emergency)", false, "btn btn-primary"),
        "schedule" => ("Schedule", false, "btn btn-primary"),
        "start_implementation" => ("Start implementation", false, "btn btn-primary"),
        "start_validation" => ("Start validation", false, "btn btn-primary"),
        "close" => ("Close", true, "btn btn-primary"),
        "cancel" => ("Cancel request", true, "btn btn-danger"),
        _ => ("Act", false, "btn btn-ghost"),
    }
}

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
            {move || loaded(async move {
                let cr = change.await?;
                let kept = kept.await?;
                Ok::<_, AppError>(view! { <ChangeView cr act comment review kept /> })
            })}
        </Suspense>
    }
}

#[component]
fn ChangeView(
    cr: CrDetail,
    act: ServerAction<ChangeRequestAction>,
    comment: ServerAction<AddCrComment>,
    review: ServerAction<WritePostImplementationReview>,
    /// A refused plain comment post: its text and message.
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
    let typed_note = kept_act.fields.text("note");
    let note = RwSignal::new(typed_note.clone());
    let typed_planned = if kept_act.fields.ticked("planned_start") {
        kept_act.fields.text("planned_start")
    } else {
        cr.planned_start
            .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    let planned = RwSignal::new(typed_planned.clone());
    let typed_comment = kept_comment.fields.text("body");
    let body = RwSignal::new(typed_comment.clone());
    let kept_comment_error = kept_comment.errors.values().next().cloned();
    // Cancelling cannot be undone: it asks first (a plain post of *Cancel
    // request* comes back asking, field `confirm`).
    let confirming = RwSignal::new(kept_act.errors.contains_key("confirm"));
    let kept_act_error = kept_act
        .errors
        .iter()
        .find(|(field, _)| *field != "confirm")
        .map(|(_, message)| message.clone());
    let act_error = move || match act.value().get() {
        Some(result) => result.err().map(|e| {
            e.field_message("planned_start")
                .unwrap_or_else(|| e.to_string())
        }),
        None => kept_act_error.clone(),
    };
    let comment_error = move || match comment.value().get() {
        Some(result) => result.err().map(|e| e.to_string()),
        None => kept_comment_error.clone(),
    };
    let approvals = cr.approvers.len();
    let required = cr.required_approvals.max(1) as usize;
    let percent = (approvals.min(required) * 100 / required).to_string();
    let can_schedule = cr.allowed_actions.iter().any(|a| a == "schedule");
    let needs_note = cr.allowed_actions.iter().any(|a| describe(a).1);
    let actions = cr.allowed_actions.clone();
    // A rolled-back deployment leaves the request open: say so, and what next.
    let status = cr.status;
    let may_cancel = cr.allowed_actions.iter().any(|a| a == "cancel");
    let rolled_back = asks(status, cr.rolled_back.as_ref())
        .then(|| cr.rolled_back.clone())
        .flatten();
    // Clashes with other changes and freezes: the page's data has them for
    // the current planned start, and they are checked again as it changes.
    // (Not a resource made here: one created after the page's data loaded
    // hydrated against the wrong serialized value.)
    let recheck = ServerAction::<CheckSchedule>::new();
    Effect::watch(
        move || planned.get(),
        move |start, _, _| {
            if can_schedule && !start.is_empty() {
                recheck.dispatch(CheckSchedule {
                    number,
                    planned_start: start.clone(),
                });
            }
        },
        false,
    );
    let initial_check = StoredValue::new(cr.schedule_check.clone());
    let check = move || match recheck.value().get() {
        Some(Ok(check)) => Some(check),
        Some(Err(_)) => None,
        None => initial_check.get_value(),
    };

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
                <section class="card">
                    <h2>"Comments"</h2>
                    <ul class="comments">
                        {cr.comments.iter().map(|c| view! {
                            <li><strong>{c.author.clone()}</strong>" "<span class="muted small">{format::datetime(c.created_at)}</span><div class="prose rendered" inner_html=markdown::render(&c.body)></div></li>
                        }).collect_view()}
                    </ul>
                    {if may(Permission::Comment) {
                        view! {
                    <form class="form" method="post" action=format!("/changes/{number}/comments") on:submit=move |ev| {
                        ev.prevent_default();
                        // Kept until it is saved: the page then shows it.
                        comment.dispatch(AddCrComment { number, body: body.get_untracked() });
                    }>
                        <div class="field">
                            <label for="cr-comment">"Add a comment"</label>
                            <textarea id="cr-comment" name="body" rows="2" use:keep_typed=body bind:value=body>{crate::ui::components::form::textarea_text(&typed_comment.clone())}</textarea>
                            <p class="field-error">{comment_error}</p>
                        </div>
                        <button type="submit" class="btn btn-ghost">"Comment"</button>
                    </form>
                        }.into_any()
                    } else {
                        view! { <p class="muted small" data-testid="comment-refused">{Permission::Comment.refusal()}</p> }.into_any()
                    }}
                </section>
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
                <section class="card">
                    <h2>"Next step"</h2>
                    {move || act_error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                    {rolled_back.map(|deployment| view! { <RollbackPrompt number status deployment may_cancel /> })}
                    {if actions.is_empty() {
                        view! { <p class="muted">"Nothing for you to do here right now."</p> }.into_any()
                    } else {
                        view! {
                            <form class="form" method="post" action=format!("/changes/{number}/act")>
                                <Show when=move || can_schedule>
                                    <div class="field">
                                        <label for="cr-schedule">"Planned start (UTC)"</label>
                                        <input id="cr-schedule" name="planned_start" type="datetime-local" value=typed_planned.clone() use:keep_typed=planned bind:value=planned />
                                    </div>
                                    {move || check().filter(|c| !c.clashes.is_empty()).map(|c| view! {
                                        <div class="alert alert-warning" role="status" data-testid="schedule-warning">
                                            <ul>{c.clashes.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                                            {c.next_free.map(|free| {
                                                let value = free.format("%Y-%m-%dT%H:%M").to_string();
                                                view! {
                                                    <button type="button" class="btn btn-ghost btn-small" on:click=move |_| planned.set(value.clone())>
                                                        {format!("Use the next free slot: {}", format::datetime(free))}
                                                    </button>
                                                }
                                            })}
                                        </div>
                                    })}
                                </Show>
                                <Show when=move || needs_note>
                                    <div class="field">
                                        <label for="cr-note">"Reason or notes"</label>
                                        <textarea id="cr-note" name="note" rows="2" use:keep_typed=note bind:value=note>{crate::ui::components::form::textarea_text(&typed_note.clone())}</textarea>
                                    </div>
                                </Show>
                                <div class="row-actions">
                                    {actions.iter().map(|action| {
                                        let (label, _, css) = describe(action);
                                        let action = action.clone();
                                        let irreversible = action == "cancel";
                                        view! {
                                            <button type="submit" name="action" value=action.clone() class=css disabled=move || act.pending().get() on:click=move |ev| {
                                                ev.prevent_default();
                                                if irreversible {
                                                    confirming.set(true);
                                                    return;
                                                }
                                                act.dispatch(ChangeRequestAction {
                                                    number,
                                                    action: action.clone(),
                                                    note: note.get_untracked(),
                                                    planned_start: planned.get_untracked(),
                                                });
                                            }>{label}</button>
                                        }
                                    }).collect_view()}
                                </div>
                                <Show when=move || confirming.get()>
                                    <div class="alert alert-warning" role="alertdialog" data-testid="confirm-cancel">
                                        <p>{format!("Cancel CR-{number}? A cancelled change request cannot be reopened; its reason goes on the timeline.")}</p>
                                        <div class="row-actions">
                                            <button type="submit" name="action" value="cancel_confirmed" class="btn btn-danger btn-small" disabled=move || act.pending().get() on:click=move |ev| {
                                                ev.prevent_default();
                                                confirming.set(false);
                                                act.dispatch(ChangeRequestAction {
                                                    number,
                                                    action: "cancel".into(),
                                                    note: note.get_untracked(),
                                                    planned_start: planned.get_untracked(),
                                                });
                                            }>"Yes, cancel it"</button>
                                            <a class="btn btn-ghost btn-small" href=format!("/changes/{number}") on:click=move |ev| { ev.prevent_default(); confirming.set(false); }>"Keep it"</a>
                                        </div>
                                    </div>
                                </Show>
                            </form>
                        }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>"Timeline"</h2>
                    <Timeline testid="cr-timeline" entries={cr.events.iter().map(|e| {
                            let what = match (e.from_status, e.to_status) {
                                (Some(from), Some(to)) if from != to => format!("{} → {}", from.label(), to.label()),
                                (_, Some(to)) if e.action == "create" => format!("Filed as {}", to.label().to_lowercase()),
                                (None, Some(to)) => format!("{} → {}", done(&e.action), to.label()),
                                _ => done(&e.action),
                            };
                            TimelineEntry { what, actor: e.actor_label.clone(), note: e.note.clone(), at: e.occurred_at }
                        }).collect()} />
                </section>
            </div>
        </div>
    }
}

/// The post-implementation review of an emergency change.
#[component]
fn ReviewForm(cr: CrDetail, review: ServerAction<WritePostImplementationReview>) -> impl IntoView {
    let number = cr.number;
    let root_cause = RwSignal::new(cr.review_root_cause.clone().unwrap_or_default());
    let prevention = RwSignal::new(cr.review_prevention.clone().unwrap_or_default());
    let written = cr.review_root_cause.is_some();
    let error = move |field: &'static str| {
        move || {
            review
                .value()
                .get()
                .and_then(|r| r.err())
                .map(|e| e.field_message(field).unwrap_or_else(|| e.to_string()))
        }
    };
    view! {
        <section class="card">
            <h2>"Post-implementation review"</h2>
            {(!written).then(|| view! { <div class="alert alert-info">"This emergency change cannot close until its review is written."</div> })}
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                review.dispatch(WritePostImplementationReview { number, root_cause: root_cause.get_untracked(), prevention: prevention.get_untracked() });
            }>
                <div class="field">
                    <label for="pir-cause">"Root cause"</label>
                    <textarea id="pir-cause" rows="3" use:keep_typed=root_cause bind:value=root_cause></textarea>
                    <p class="field-error">{error("root_cause")}</p>
                </div>
                <div class="field">
                    <label for="pir-prevention">"Prevention"</label>
                    <textarea id="pir-prevention" rows="3" use:keep_typed=prevention bind:value=prevention></textarea>
                    <p class="field-error">{error("prevention")}</p>
                </div>
                <button type="submit" class="btn btn-ghost">"Save review"</button>
            </form>
        </section>
    }
}
