//! The plan editor's lists of rows (prerequisites, rollback steps,
//! communication, gates): each row's fields with their messages, and adding
//! and removing rows.

use crate::domain::release_plan::{
    CommunicationInput, GateInput, GateOnFailure, PlanInput, PrerequisiteInput, PrerequisiteKind,
    PrerequisiteStatus, RollbackStepInput, StepOnFailure,
};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Binds one text field of row `$i` in list `$list` of the plan signal:
/// the initial value and an input handler.
macro_rules! bind {
    ($plan:ident . $list:ident [ $i:ident ] . $field:ident) => {{
        let value = $plan.with_untracked(|p| {
            p.$list
                .get($i)
                .map(|r| r.$field.clone())
                .unwrap_or_default()
        });
        let set = move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            $plan.update(|p| {
                if let Some(r) = p.$list.get_mut($i) {
                    r.$field = v;
                }
            });
        };
        (value, set)
    }};
}

/// `<option>`s for a vocabulary, `current` selected.
pub(super) fn select_options(
    all: Vec<(&'static str, &'static str)>,
    current: String,
) -> impl IntoView {
    all.into_iter()
        .map(|(value, label)| {
            let selected = value == current;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view()
}

macro_rules! vocab {
    ($t:ty) => {
        <$t>::ALL
            .iter()
            .map(|v| (v.as_str(), v.label()))
            .collect::<Vec<_>>()
    };
}
pub(super) use vocab;

/// What must be done before the release: its type, description, status, owner and deadline.
#[component]
pub(super) fn PrerequisiteRows(
    plan: RwSignal<PlanInput>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let error = move |key: String| move || errors.with(|e| e.get(&key).cloned());
    let prerequisites = Memo::new(move |_| plan.with(|p| p.prerequisites.len()));
    view! {
        {move || (0..prerequisites.get()).map(|i| {
            let (description, set_description) = bind!(plan.prerequisites[i].description);
            let (owner, set_owner) = bind!(plan.prerequisites[i].owner);
            let (deadline, set_deadline) = bind!(plan.prerequisites[i].deadline);
            let (kind, set_kind) = bind!(plan.prerequisites[i].kind);
            let (status, set_status) = bind!(plan.prerequisites[i].status);
            view! {
                <div class="plan-row">
                    <div class="field">
                        <label for=format!("pre-{i}-kind")>"Type"</label>
                        <select id=format!("pre-{i}-kind") on:change=set_kind>{select_options(vocab!(PrerequisiteKind), kind)}</select>
                        <p class="field-error">{error(format!("prerequisites.{i}.kind"))}</p>
                    </div>
                    <div class="field grow">
                        <label for=format!("pre-{i}-description")>"Description"</label>
                        <input id=format!("pre-{i}-description") type="text" value=description on:input=set_description />
                        <p class="field-error">{error(format!("prerequisites.{i}.description"))}</p>
                    </div>
                    <div class="field">
                        <label for=format!("pre-{i}-status")>"Status"</label>
                        <select id=format!("pre-{i}-status") on:change=set_status>{select_options(vocab!(PrerequisiteStatus), status)}</select>
                    </div>
                    <div class="field">
                        <label for=format!("pre-{i}-owner")>"Owner"</label>
                        <input id=format!("pre-{i}-owner") type="text" value=owner on:input=set_owner />
                    </div>
                    <div class="field">
                        <label for=format!("pre-{i}-deadline")>"Deadline (UTC)"</label>
                        <input id=format!("pre-{i}-deadline") type="datetime-local" value=deadline on:input=set_deadline />
                        <p class="field-error">{error(format!("prerequisites.{i}.deadline"))}</p>
                    </div>
                    <button type="button" class="btn btn-ghost btn-small" aria-label="Remove prerequisite" on:click=move |_| plan.update(|p| { if i < p.prerequisites.len() { p.prerequisites.remove(i); } })>"Remove"</button>
                </div>
            }
        }).collect_view()}
        <button type="button" class="btn btn-ghost btn-small" on:click=move |_| plan.update(|p| p.prerequisites.push(PrerequisiteInput { kind: "database".into(), status: "pending".into(), ..Default::default() }))>"+ Add prerequisite"</button>
    }
}

/// The rollback plan, step by step.
#[component]
pub(super) fn RollbackStepRows(
    plan: RwSignal<PlanInput>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let error = move |key: String| move || errors.with(|e| e.get(&key).cloned());
    let steps = Memo::new(move |_| plan.with(|p| p.rollback_steps.len()));
    view! {
        {move || (0..steps.get()).map(|i| {
            let (description, set_description) = bind!(plan.rollback_steps[i].description);
            let (command, set_command) = bind!(plan.rollback_steps[i].command);
            let (verification, set_verification) = bind!(plan.rollback_steps[i].verification);
            let (timeout, set_timeout) = bind!(plan.rollback_steps[i].timeout_minutes);
            let (on_failure, set_on_failure) = bind!(plan.rollback_steps[i].on_failure);
            view! {
                <div class="plan-row">
                    <span class="step-number">{i + 1}</span>
                    <div class="field grow">
                        <label for=format!("step-{i}-description")>"Step"</label>
                        <input id=format!("step-{i}-description") type="text" value=description on:input=set_description />
                        <p class="field-error">{error(format!("rollback_steps.{i}.description"))}</p>
                    </div>
                    <div class="field grow">
                        <label for=format!("step-{i}-command")>"Command (optional)"</label>
                        <input id=format!("step-{i}-command") type="text" class="mono" value=command on:input=set_command />
                    </div>
                    <div class="field grow">
                        <label for=format!("step-{i}-verification")>"Verification"</label>
                        <input id=format!("step-{i}-verification") type="text" value=verification on:input=set_verification />
                        <p class="field-error">{error(format!("rollback_steps.{i}.verification"))}</p>
                    </div>
                    <div class="field narrow">
                        <label for=format!("step-{i}-timeout")>"Timeout (min)"</label>
                        <input id=format!("step-{i}-timeout") type="number" min="1" max="1440" value=timeout on:input=set_timeout />
                        <p class="field-error">{error(format!("rollback_steps.{i}.timeout_minutes"))}</p>
                    </div>
                    <div class="field">
                        <label for=format!("step-{i}-on-failure")>"On failure"</label>
                        <select id=format!("step-{i}-on-failure") on:change=set_on_failure>{select_options(vocab!(StepOnFailure), on_failure)}</select>
                    </div>
                    <button type="button" class="btn btn-ghost btn-small" aria-label="Remove step" on:click=move |_| plan.update(|p| { if i < p.rollback_steps.len() { p.rollback_steps.remove(i); } })>"Remove"</button>
                </div>
            }
        }).collect_view()}
        <button type="button" class="btn btn-ghost btn-small" on:click=move |_| plan.update(|p| p.rollback_steps.push(RollbackStepInput { timeout_minutes: "10".into(), on_failure: "stop".into(), ..Default::default() }))>"+ Add rollback step"</button>
    }
}

/// Who is told what, where and when.
#[component]
pub(super) fn CommunicationRows(
    plan: RwSignal<PlanInput>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let error = move |key: String| move || errors.with(|e| e.get(&key).cloned());
    let comms = Memo::new(move |_| plan.with(|p| p.communication.len()));
    view! {
        {move || (0..comms.get()).map(|i| {
            let (audience, set_audience) = bind!(plan.communication[i].audience);
            let (channel, set_channel) = bind!(plan.communication[i].channel);
            let (timing, set_timing) = bind!(plan.communication[i].timing);
            let (message, set_message) = bind!(plan.communication[i].message);
            view! {
                <div class="plan-row">
                    <div class="field">
                        <label for=format!("comm-{i}-audience")>"Audience"</label>
                        <input id=format!("comm-{i}-audience") type="text" value=audience on:input=set_audience />
                        <p class="field-error">{error(format!("communication.{i}.audience"))}</p>
                    </div>
                    <div class="field">
                        <label for=format!("comm-{i}-channel")>"Channel"</label>
                        <input id=format!("comm-{i}-channel") type="text" value=channel on:input=set_channel />
                        <p class="field-error">{error(format!("communication.{i}.channel"))}</p>
                    </div>
                    <div class="field">
                        <label for=format!("comm-{i}-timing")>"When"</label>
                        <input id=format!("comm-{i}-timing") type="text" value=timing on:input=set_timing />
                        <p class="field-error">{error(format!("communication.{i}.timing"))}</p>
                    </div>
                    <div class="field grow">
                        <label for=format!("comm-{i}-message")>"Message"</label>
                        <input id=format!("comm-{i}-message") type="text" value=message on:input=set_message />
                    </div>
                    <button type="button" class="btn btn-ghost btn-small" aria-label="Remove communication" on:click=move |_| plan.update(|p| { if i < p.communication.len() { p.communication.remove(i); } })>"Remove"</button>
                </div>
            }
        }).collect_view()}
        <button type="button" class="btn btn-ghost btn-small" on:click=move |_| plan.update(|p| p.communication.push(CommunicationInput::default()))>"+ Add communication"</button>
    }
}

/// The testing gates per environment.
#[component]
pub(super) fn GateRows(
    plan: RwSignal<PlanInput>,
    errors: RwSignal<BTreeMap<String, String>>,
    envs: StoredValue<Vec<String>>,
) -> impl IntoView {
    let error = move |key: String| move || errors.with(|e| e.get(&key).cloned());
    let gates = Memo::new(move |_| plan.with(|p| p.gates.len()));
    view! {
        {move || (0..gates.get()).map(|i| {
            let (environment, set_environment) = bind!(plan.gates[i].environment);
            let (name, set_name) = bind!(plan.gates[i].name);
            let (suites, set_suites) = bind!(plan.gates[i].suites);
            let (timeout, set_timeout) = bind!(plan.gates[i].timeout_minutes);
            let (on_failure, set_on_failure) = bind!(plan.gates[i].on_failure);
            let required = plan.with_untracked(|p| p.gates.get(i).map(|g| g.required).unwrap_or(true));
            let env_options = envs.get_value().into_iter().map(|e| {
                let selected = e == environment;
                view! { <option value=e.clone() selected=selected>{e.clone()}</option> }
            }).collect_view();
            view! {
                <div class="plan-row">
                    <div class="field">
                        <label for=format!("gate-{i}-environment")>"Environment"</label>
                        <select id=format!("gate-{i}-environment") on:change=set_environment>
                            <option value="">"Choose"</option>
                            {env_options}
                        </select>
                        <p class="field-error">{error(format!("gates.{i}.environment"))}</p>
                    </div>
                    <div class="field">
                        <label for=format!("gate-{i}-name")>"Gate"</label>
                        <input id=format!("gate-{i}-name") type="text" value=name on:input=set_name />
                        <p class="field-error">{error(format!("gates.{i}.name"))}</p>
                    </div>
                    <div class="field grow">
                        <label for=format!("gate-{i}-suites")>"Suites (comma-separated)"</label>
                        <input id=format!("gate-{i}-suites") type="text" value=suites on:input=set_suites />
                    </div>
                    <label class="check" for=format!("gate-{i}-required")>
                        <input id=format!("gate-{i}-required") type="checkbox" checked=required on:change=move |ev| { let on = event_target_checked(&ev); plan.update(|p| { if let Some(g) = p.gates.get_mut(i) { g.required = on; } }) } />
                        <span>"Required"</span>
                    </label>
                    <div class="field narrow">
                        <label for=format!("gate-{i}-timeout")>"Timeout (min)"</label>
                        <input id=format!("gate-{i}-timeout") type="number" min="1" max="1440" value=timeout on:input=set_timeout />
                        <p class="field-error">{error(format!("gates.{i}.timeout_minutes"))}</p>
                    </div>
                    <div class="field">
                        <label for=format!("gate-{i}-on-failure")>"On failure"</label>
                        <select id=format!("gate-{i}-on-failure") on:change=set_on_failure>{select_options(vocab!(GateOnFailure), on_failure)}</select>
                    </div>
                    <button type="button" class="btn btn-ghost btn-small" aria-label="Remove gate" on:click=move |_| plan.update(|p| { if i < p.gates.len() { p.gates.remove(i); } })>"Remove"</button>
                </div>
            }
        }).collect_view()}
        <button type="button" class="btn btn-ghost btn-small" on:click=move |_| plan.update(|p| p.gates.push(GateInput { required: true, timeout_minutes: "30".into(), on_failure: "block".into(), ..Default::default() }))>"+ Add gate"</button>
    }
}
