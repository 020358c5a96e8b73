//! The release plan's editor: the whole plan, saved at once.

use super::plan_rows::{
    select_options, vocab, CommunicationRows, GateRows, PrerequisiteRows, RollbackStepRows,
};
use crate::domain::release_plan::PlanInput;
use crate::domain::risk::{Likelihood, RiskImpact};
use crate::server_fns::releases::SaveReleasePlan;
use crate::ui::components::risk_matrix::RiskMatrix;
use leptos::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Edits the whole plan and saves it at once; rows are added and removed
/// freely, and errors point at the row and field.
#[component]
pub(super) fn PlanEditor(
    id: Uuid,
    plan: PlanInput,
    environments: Vec<String>,
    save: ServerAction<SaveReleasePlan>,
    editing: RwSignal<bool>,
) -> impl IntoView {
    let plan = RwSignal::new(plan);
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let envs = StoredValue::new(environments);
    Effect::new(move |_| {
        if let Some(Err(error)) = save.value().get() {
            errors.set(error.field_errors());
        }
    });
    let error = move |key: String| move || errors.with(|e| e.get(&key).cloned());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = plan.get_untracked();
        match input.validate(&envs.get_value()) {
            Ok(_) => {
                errors.set(BTreeMap::new());
                save.dispatch(SaveReleasePlan { id, plan: input });
            }
            Err(found) => errors.set(found),
        }
    };
    let risk = plan.with_untracked(|p| p.risk.clone());

    view! {
        <form class="card form plan-editor" on:submit=on_submit novalidate data-testid="plan-editor">
            <div class="card-header">
                <h2>"Edit release plan"</h2>
            </div>
            {move || errors.with(|e| e.get("form").cloned()).map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            {move || (!errors.with(|e| e.is_empty())).then(|| view! { <div class="alert alert-error" role="alert">"Some fields need attention; they are marked below."</div> })}

            <h3>"Prerequisites"</h3>
            <PrerequisiteRows plan errors />

            <h3>"Risk assessment"</h3>
            <div class="form-grid">
                <div class="field">
                    <label for="risk-impact">"Impact"</label>
                    <select id="risk-impact" on:change=move |ev| { let v = event_target_value(&ev); plan.update(|p| p.risk.impact = v) }>
                        <option value="">"Not assessed"</option>
                        {select_options(vocab!(RiskImpact), risk.impact.clone())}
                    </select>
                    <p class="field-error">{error("risk.impact".into())}</p>
                </div>
                <div class="field">
                    <label for="risk-likelihood">"Likelihood"</label>
                    <select id="risk-likelihood" on:change=move |ev| { let v = event_target_value(&ev); plan.update(|p| p.risk.likelihood = v) }>
                        <option value="">"Not assessed"</option>
                        {select_options(vocab!(Likelihood), risk.likelihood.clone())}
                    </select>
                    <p class="field-error">{error("risk.likelihood".into())}</p>
                </div>
            </div>
            {move || {
                let (i, l) = plan.with(|p| (RiskImpact::parse(&p.risk.impact).ok(), Likelihood::parse(&p.risk.likelihood).ok()));
                i.zip(l).map(|(impact, likelihood)| view! { <RiskMatrix impact likelihood /> })
            }}
            <div class="form-grid">
                <div class="field">
                    <label for="risk-mitigations">"Mitigations (one per line)"</label>
                    <textarea id="risk-mitigations" rows="3" prop:value=risk.mitigations.clone() on:input=move |ev| { let v = event_target_value(&ev); plan.update(|p| p.risk.mitigations = v) }></textarea>
                </div>
                <div class="field">
                    <label for="risk-contingencies">"Contingencies (one per line)"</label>
                    <textarea id="risk-contingencies" rows="3" prop:value=risk.contingencies.clone() on:input=move |ev| { let v = event_target_value(&ev); plan.update(|p| p.risk.contingencies = v) }></textarea>
                </div>
            </div>

            <h3>"Rollback plan"</h3>
            <RollbackStepRows plan errors />

            <h3>"Communication plan"</h3>
            <CommunicationRows plan errors />

            <h3>"Testing requirements"</h3>
            <GateRows plan errors envs />

            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save plan"</button>
                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}
