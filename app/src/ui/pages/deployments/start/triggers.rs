//! The deploy form's rollback triggers: the chosen environment's defaults,
//! editable row by row.

use crate::domain::deploy::{Operator, TriggerAction};
use crate::model::deploy_form::trigger_field;
use crate::ui::components::form::keep_typed;
use crate::ui::components::form::{choices, options as choice_options};
use crate::ui::components::trigger_row::TriggerFields;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The triggers fieldset; its rows are keyed by `generation` too, so
/// another environment's rows are new.
#[component]
pub(super) fn DeployTriggers(
    triggers: RwSignal<Vec<TriggerFields>>,
    generation: RwSignal<usize>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let trigger_errors = move || {
        errors.with(|e| {
            e.iter()
                .filter(|(k, _)| k.starts_with("triggers"))
                .map(|(k, v)| {
                    format!(
                        "Trigger {}: {v}",
                        k.trim_start_matches("triggers.").replace(['.', '_'], " ")
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <fieldset class="field">
            <legend>"Rollback triggers"</legend>
            <div class="table-wrap"><table class="table trigger-table">
                <thead><tr><th>"Metric"</th><th>"Op"</th><th>"Threshold"</th><th>"For (s)"</th><th>"Every (s)"</th><th>"Action"</th><th>"Cooldown (min)"</th></tr></thead>
                <tbody>
                    <For
                        each=move || {
                            let g = generation.get();
                            triggers.get().into_iter().enumerate().map(move |(i, row)| (g, i, row)).collect::<Vec<_>>()
                        }
                        key=|(g, i, _)| (*g, *i)
                        let:item
                    >
                        {
                            let (_, i, row) = item;
                            view! {
                                <tr>
                                    <td data-label="Metric"><input aria-label=format!("Trigger {} metric", i + 1) name=trigger_field(i, "metric") value=row.metric.get_untracked() use:keep_typed=row.metric bind:value=row.metric /></td>
                                    <td data-label="Op"><select aria-label=format!("Trigger {} operator", i + 1) name=trigger_field(i, "operator") use:keep_typed=row.operator on:change=move |ev| row.operator.set(event_target_value(&ev))>{choice_options(choices!(Operator), row.operator)}</select></td>
                                    <td data-label="Threshold"><input aria-label=format!("Trigger {} threshold", i + 1) name=trigger_field(i, "threshold") inputmode="decimal" value=row.threshold.get_untracked() use:keep_typed=row.threshold bind:value=row.threshold /></td>
                                    <td data-label="For (s)"><input aria-label=format!("Trigger {} sustained seconds", i + 1) name=trigger_field(i, "sustained_seconds") inputmode="numeric" value=row.sustained.get_untracked() use:keep_typed=row.sustained bind:value=row.sustained /></td>
                                    <td data-label="Every (s)"><input aria-label=format!("Trigger {} interval seconds", i + 1) name=trigger_field(i, "interval_seconds") inputmode="numeric" value=row.interval.get_untracked() use:keep_typed=row.interval bind:value=row.interval /></td>
                                    <td data-label="Action"><select aria-label=format!("Trigger {} action", i + 1) name=trigger_field(i, "action") use:keep_typed=row.action on:change=move |ev| row.action.set(event_target_value(&ev))>{choice_options(choices!(TriggerAction), row.action)}</select></td>
                                    <td data-label="Cooldown (min)">
                                        <input aria-label=format!("Trigger {} cooldown minutes", i + 1) name=trigger_field(i, "cooldown_minutes") inputmode="numeric" value=row.cooldown.get_untracked() use:keep_typed=row.cooldown bind:value=row.cooldown />
                                        <input type="hidden" name=trigger_field(i, "source") value=row.source.get_untracked() />
                                        <input type="hidden" name=trigger_field(i, "query") value=row.query.get_untracked() />
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table></div>
            {move || trigger_errors().into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
            <p class="hint">"The environment's defaults. Evaluated during the deployment and for the bake time after it."</p>
        </fieldset>
    }
}
