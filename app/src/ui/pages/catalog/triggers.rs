//! An environment's default rollback triggers: the list on its card and the
//! editor administrators change them in.

use crate::domain::deploy::{MetricSource, Operator, TriggerAction, TriggerSpec};
use crate::domain::trigger_form::{validate_defaults, TriggerInput, MAX_TRIGGERS};
use crate::model::EnvironmentTriggers;
use crate::server_fns::catalog::SaveEnvironmentTriggers;
use crate::ui::components::form::{
    action_errors, aria_invalid, choices, keep_typed, latest_errors, options, FieldError,
    FormErrors,
};
use crate::ui::components::trigger_row::TriggerFields;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The list's own field; each row's (`triggers.{i}.{field}`) shows its
/// message in its cell, and any other goes on top.
const FIELDS: &[&str] = &["triggers"];

/// "error_rate > 0.1 for 300 s → Roll back · every 10 s, cooldown 5 min".
fn describe(t: &TriggerSpec) -> String {
    let source = if t.source == MetricSource::Auto {
        String::new()
    } else {
        format!(" · {}", t.source.label())
    };
    format!(
        "{} {} {} for {} s → {} · every {} s, cooldown {} min{source}",
        t.metric,
        t.operator.label(),
        t.threshold,
        t.sustained_seconds,
        t.action.label(),
        t.interval_seconds,
        t.cooldown_minutes,
    )
}

/// The triggers on an environment's card.
#[component]
pub fn TriggerList(defaults: EnvironmentTriggers) -> impl IntoView {
    let key = defaults.environment.clone();
    view! {
        <ul class="trigger-list" data-testid=format!("triggers-{key}")>
            {defaults.triggers.iter().map(|t| view! { <li class="small">{describe(t)}</li> }).collect_view()}
        </ul>
        {defaults.standard.then(|| view! {
            <p class="muted small">"The standard defaults: none saved for this environment yet."</p>
        })}
    }
}

/// What a new row starts as: an alert on a metric still to be named.
fn blank() -> TriggerInput {
    TriggerInput {
        operator: ">".into(),
        sustained_seconds: "60".into(),
        interval_seconds: "10".into(),
        action: "alert".into(),
        cooldown_minutes: "5".into(),
        source: "auto".into(),
        ..TriggerInput::default()
    }
}

/// Edits the default triggers of `environment` (named `name`), starting
/// from `triggers`. Checked with the server's rules before it is sent.
#[component]
pub fn TriggerEditor(
    environment: String,
    name: String,
    triggers: Vec<TriggerSpec>,
    save: ServerAction<SaveEnvironmentTriggers>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let rows = RwSignal::new(
        triggers
            .iter()
            .map(|t| TriggerFields::new(&TriggerInput::from(t)))
            .collect::<Vec<_>>(),
    );
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, action_errors(save));
    // Messages name rows by position, so they go when a row does.
    let forget = move || {
        save.clear();
        checked.set(BTreeMap::new());
    };
    let environment = StoredValue::new(environment);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let triggers: Vec<TriggerInput> =
            rows.with_untracked(|r| r.iter().map(TriggerFields::input).collect());
        match validate_defaults(&triggers) {
            Ok(_) => {
                checked.set(BTreeMap::new());
                save.dispatch(SaveEnvironmentTriggers {
                    environment: environment.get_value(),
                    triggers,
                });
            }
            Err(found) => checked.set(found),
        }
    };
    let full = move || rows.with(|r| r.len() >= MAX_TRIGGERS);
    view! {
        <form class="card form" data-testid="trigger-editor" novalidate on:submit=on_submit>
            <h2>{format!("Rollback triggers for {name}")}</h2>
            <p class="muted small">"Deployments to this environment start with these unless they are given their own. A breach that lasts its time runs the action; running deployments keep the triggers they started with."</p>
            <FormErrors errors shown=FIELDS rows="triggers." />
            <div class="table-wrap"><table class="table trigger-table">
                <thead><tr>
                    <th>"Metric"</th><th>"Comparison"</th><th>"Threshold"</th><th>"For (s)"</th><th>"Every (s)"</th>
                    <th>"Action"</th><th>"Cooldown (min)"</th><th>"Source"</th><th>"PromQL query"</th><th><span class="sr-only">"Remove"</span></th>
                </tr></thead>
                <tbody>
                    {move || rows.get().into_iter().enumerate().map(|(i, row)| {
                        let remove = Callback::new(move |_: ()| {
                            forget();
                            rows.update(|r| {
                                if i < r.len() {
                                    r.remove(i);
                                }
                            });
                        });
                        view! { <TriggerRow i row errors remove /> }
                    }).collect_view()}
                </tbody>
            </table></div>
            <FieldError errors field="triggers" />
            <div class="row-actions">
                <button type="button" class="btn btn-ghost btn-small" disabled=full
                    on:click=move |_| { forget(); rows.update(|r| r.push(TriggerFields::new(&blank()))); }>"Add a trigger"</button>
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save triggers"</button>
                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

/// One trigger's inputs, each with its message (`triggers.{i}.{field}`).
#[component]
fn TriggerRow(
    i: usize,
    row: TriggerFields,
    errors: Signal<BTreeMap<String, String>>,
    remove: Callback<()>,
) -> impl IntoView {
    let n = i + 1;
    let field = move |name: &str| format!("triggers.{i}.{name}");
    let id = move |name: &str| format!("env-trigger-{i}-{name}");
    view! {
        <tr data-row=i>
            <td>
                <input id=id("metric") aria-label=format!("Trigger {n} metric") use:keep_typed=row.metric bind:value=row.metric
                    aria-invalid=aria_invalid(errors, field("metric")) />
                <FieldError errors field=field("metric") />
            </td>
            <td>
                <select id=id("operator") aria-label=format!("Trigger {n} comparison") use:keep_typed=row.operator
                    on:change=move |ev| row.operator.set(event_target_value(&ev)) aria-invalid=aria_invalid(errors, field("operator"))>
                    {options(choices!(Operator), row.operator)}
                </select>
                <FieldError errors field=field("operator") />
            </td>
            <td>
                <input id=id("threshold") aria-label=format!("Trigger {n} threshold") inputmode="decimal" use:keep_typed=row.threshold bind:value=row.threshold
                    aria-invalid=aria_invalid(errors, field("threshold")) />
                <FieldError errors field=field("threshold") />
            </td>
            <td>
                <input id=id("sustained") aria-label=format!("Trigger {n} sustained seconds") inputmode="numeric" use:keep_typed=row.sustained bind:value=row.sustained
                    aria-invalid=aria_invalid(errors, field("sustained_seconds")) />
                <FieldError errors field=field("sustained_seconds") />
            </td>
            <td>
                <input id=id("interval") aria-label=format!("Trigger {n} interval seconds") inputmode="numeric" use:keep_typed=row.interval bind:value=row.interval
                    aria-invalid=aria_invalid(errors, field("interval_seconds")) />
                <FieldError errors field=field("interval_seconds") />
            </td>
            <td>
                <select id=id("action") aria-label=format!("Trigger {n} action") use:keep_typed=row.action
                    on:change=move |ev| row.action.set(event_target_value(&ev)) aria-invalid=aria_invalid(errors, field("action"))>
                    {options(choices!(TriggerAction), row.action)}
                </select>
                <FieldError errors field=field("action") />
            </td>
            <td>
                <input id=id("cooldown") aria-label=format!("Trigger {n} cooldown minutes") inputmode="numeric" use:keep_typed=row.cooldown bind:value=row.cooldown
                    aria-invalid=aria_invalid(errors, field("cooldown_minutes")) />
                <FieldError errors field=field("cooldown_minutes") />
            </td>
            <td>
                <select id=id("source") aria-label=format!("Trigger {n} source") use:keep_typed=row.source
                    on:change=move |ev| row.source.set(event_target_value(&ev)) aria-invalid=aria_invalid(errors, field("source"))>
                    {options(choices!(MetricSource), row.source)}
                </select>
                <FieldError errors field=field("source") />
            </td>
            <td>
                <input id=id("query") aria-label=format!("Trigger {n} query") placeholder="only for Prometheus" use:keep_typed=row.query bind:value=row.query
                    aria-invalid=aria_invalid(errors, field("query")) />
                <FieldError errors field=field("query") />
            </td>
            <td>
                <button type="button" class="btn btn-ghost btn-small" aria-label=format!("Remove trigger {n}") on:click=move |_| remove.run(())>"Remove"</button>
            </td>
        </tr>
    }
}
