//! The workflow buttons of a change request: scheduling (with its clash
//! check), the note, and confirming a cancel.

use crate::model::CrDetail;
use crate::server_fns::change_requests::{ChangeRequestAction, CheckSchedule};
use crate::server_fns::forms::KeptForm;
use crate::ui::components::form::keep_typed;
use crate::ui::format;
use crate::ui::pages::changes::after_rollback::{asks, RollbackPrompt};
use leptos::prelude::*;

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

/// The "Next step" card: the actions the viewer may take now.
#[component]
pub(super) fn NextStep(
    cr: CrDetail,
    act: ServerAction<ChangeRequestAction>,
    /// A refused plain post of a workflow button.
    kept: KeptForm,
) -> impl IntoView {
    let number = cr.number;
    let kept_act = kept;
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
    }
}
