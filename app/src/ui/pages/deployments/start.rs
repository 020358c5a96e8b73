//! The release page's deploy panel: gates per environment, the form that
//! starts a deployment (strategy, its parameters, rollback triggers), and
//! the release's deployments so far.

use super::DeploymentRows;
use crate::api::deployments::BeginDeployment as Start;
use crate::domain::deploy::{
    CanaryStep, GateOutcome, GateRule, MetricSource, Operator, Strategy, StrategyParams,
    TriggerAction, TriggerSpec,
};
use crate::error::AppError;
use crate::model::{DeployOptions, StartDeployment};
use crate::ui::components::form::keep_typed;
use crate::ui::components::form::{choices, options as choice_options};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeMap;

/// "10:60, 25:60, 50:promote" → canary steps.
fn parse_canary(text: &str) -> Result<Vec<CanaryStep>, String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let (weight, pause) = part.split_once(':').unwrap_or((part, "60"));
            let weight = weight
                .trim()
                .trim_end_matches('%')
                .parse::<u32>()
                .map_err(|_| format!("\"{part}\": the weight is a whole percentage."))?;
            let pause_seconds = match pause.trim() {
                "promote" | "manual" | "" => None,
                p => Some(
                    p.trim_end_matches('s')
                        .parse::<u32>()
                        .map_err(|_| format!("\"{part}\": pause in seconds, or \"promote\"."))?,
                ),
            };
            Ok(CanaryStep {
                weight,
                pause_seconds,
            })
        })
        .collect()
}

fn parse_numbers(text: &str, field: &str) -> Result<Vec<u32>, String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|n| {
            n.trim_end_matches('%')
                .parse::<u32>()
                .map_err(|_| format!("{field}: \"{n}\" is not a whole number."))
        })
        .collect()
}

/// A gate's latest result in words ("Passed", "Not reported").
fn gate_outcome_words(latest: Option<&str>) -> String {
    match latest {
        None => "Not reported".into(),
        Some(l) => GateOutcome::parse(l)
            .map(|o| o.label().to_string())
            .unwrap_or_else(|_| l.replace('_', " ")),
    }
}

/// What a gate that has not passed does, in words.
fn gate_rule_words(on_failure: &str, required: bool) -> String {
    let rule = match GateRule::parse(on_failure) {
        Ok(GateRule::Block) => "blocks until it passes",
        Ok(GateRule::Warn) => "warns until it passes",
        Ok(GateRule::Ignore) => "ignored if it fails",
        Err(_) => "",
    };
    match (rule, required) {
        ("", true) => " · required".into(),
        ("", false) => String::new(),
        (rule, true) => format!(" · {rule} · required"),
        (rule, false) => format!(" · {rule}"),
    }
}

fn number(text: &str) -> Result<Option<u32>, ()> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse::<u32>().map(Some).map_err(|_| ()),
    }
}

/// One editable trigger row.
#[derive(Clone)]
struct TriggerRow {
    metric: RwSignal<String>,
    operator: RwSignal<String>,
    threshold: RwSignal<String>,
    sustained: RwSignal<String>,
    interval: RwSignal<String>,
    action: RwSignal<String>,
    cooldown: RwSignal<String>,
}

impl TriggerRow {
    fn from(spec: &TriggerSpec) -> Self {
        Self {
            metric: RwSignal::new(spec.metric.clone()),
            operator: RwSignal::new(spec.operator.as_str().into()),
            threshold: RwSignal::new(spec.threshold.to_string()),
            sustained: RwSignal::new(spec.sustained_seconds.to_string()),
            interval: RwSignal::new(spec.interval_seconds.to_string()),
            action: RwSignal::new(spec.action.as_str().into()),
            cooldown: RwSignal::new(spec.cooldown_minutes.to_string()),
        }
    }

    fn spec(&self, i: usize, errors: &mut BTreeMap<String, String>) -> TriggerSpec {
        let mut whole = |name: &str, signal: RwSignal<String>| {
            signal
                .get_untracked()
                .trim()
                .parse::<u32>()
                .unwrap_or_else(|_| {
                    errors.insert(format!("triggers.{i}.{name}"), "A whole number.".into());
                    0
                })
        };
        let sustained_seconds = whole("sustained_seconds", self.sustained);
        let interval_seconds = whole("interval_seconds", self.interval);
        let cooldown_minutes = whole("cooldown_minutes", self.cooldown);
        let threshold = self
            .threshold
            .get_untracked()
            .trim()
            .parse::<f64>()
            .unwrap_or(f64::NAN);
        TriggerSpec {
            metric: self.metric.get_untracked(),
            operator: Operator::parse(&self.operator.get_untracked()).unwrap_or(Operator::Gt),
            threshold,
            sustained_seconds,
            interval_seconds,
            action: TriggerAction::parse(&self.action.get_untracked())
                .unwrap_or(TriggerAction::Alert),
            cooldown_minutes,
            source: MetricSource::Auto,
            query: String::new(),
        }
    }
}

/// The deploy panel on the release page: its deployments and the form.
#[component]
pub fn DeployCard(options: DeployOptions) -> impl IntoView {
    let start = ServerAction::<Start>::new();
    let environment = RwSignal::new(
        options
            .next_environment
            .clone()
            .or_else(|| options.environments.first().cloned())
            .unwrap_or_default(),
    );
    let strategy = RwSignal::new("canary".to_string());
    let canary = RwSignal::new("10:60, 25:60, 50:60".to_string());
    let batch = RwSignal::new("25".to_string());
    let window = RwSignal::new("30".to_string());
    let flag = RwSignal::new(String::new());
    let flag_steps = RwSignal::new("10, 50, 100".to_string());
    let step_pause = RwSignal::new(String::new());
    let bake = RwSignal::new("300".to_string());
    let wait = RwSignal::new(false);
    let acknowledged = RwSignal::new(Vec::<String>::new());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let refusals = RwSignal::new(Vec::<String>::new());
    let open = RwSignal::new(false);
    let defaults = options.default_triggers.clone();
    let triggers = RwSignal::new(Vec::<TriggerRow>::new());
    // The chosen environment's default triggers fill the rows.
    Effect::new(move |_| {
        let env = environment.get();
        let specs = defaults
            .iter()
            .find(|(e, _)| *e == env)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(TriggerSpec::seed_defaults);
        triggers.set(specs.iter().map(TriggerRow::from).collect());
    });
    let navigate = use_navigate();
    Effect::new(move |_| match start.value().get() {
        Some(Ok(id)) => navigate(&format!("/deployments/{id}"), Default::default()),
        Some(Err(AppError::Refused(reasons))) => {
            errors.set(BTreeMap::new());
            refusals.set(reasons);
        }
        Some(Err(e)) => {
            refusals.set(vec![]);
            errors.set(e.field_errors());
        }
        None => {}
    });
    let gates = StoredValue::new(options.gates.clone());
    let env_gates = move || {
        let env = environment.get();
        gates.with_value(|gates| {
            gates
                .iter()
                .filter(|g| g.environment == env)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let release = options.release_id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = BTreeMap::new();
        let chosen = Strategy::parse(&strategy.get_untracked()).unwrap_or(Strategy::BigBang);
        let mut params = StrategyParams::default();
        match chosen {
            Strategy::Canary => match parse_canary(&canary.get_untracked()) {
                Ok(steps) => params.canary_steps = steps,
                Err(m) => {
                    found.insert("canary_steps".to_string(), m);
                }
            },
            Strategy::RollingUpdate => match number(&batch.get_untracked()) {
                Ok(b) => params.batch_percent = b,
                Err(()) => {
                    found.insert("batch_percent".into(), "A whole percentage.".into());
                }
            },
            Strategy::BlueGreen => match number(&window.get_untracked()) {
                Ok(w) => params.rollback_window_minutes = w,
                Err(()) => {
                    found.insert("rollback_window_minutes".into(), "Whole minutes.".into());
                }
            },
            Strategy::FeatureFlag => {
                params.flag = Some(flag.get_untracked());
                match parse_numbers(&flag_steps.get_untracked(), "Rollout") {
                    Ok(steps) => params.flag_steps = steps,
                    Err(m) => {
                        found.insert("flag_steps".into(), m);
                    }
                }
            }
            Strategy::BigBang => {}
        }
        if matches!(chosen, Strategy::RollingUpdate | Strategy::FeatureFlag) {
            match number(&step_pause.get_untracked()) {
                Ok(p) => params.step_pause_seconds = p,
                Err(()) => {
                    found.insert("step_pause_seconds".into(), "Whole seconds.".into());
                }
            }
        }
        let bake_seconds = match number(&bake.get_untracked()) {
            Ok(b) => b,
            Err(()) => {
                found.insert("bake_seconds".into(), "Whole seconds.".into());
                None
            }
        };
        let specs: Vec<TriggerSpec> = triggers
            .get_untracked()
            .iter()
            .enumerate()
            .map(|(i, row)| row.spec(i, &mut found))
            .collect();
        for (i, spec) in specs.iter().enumerate() {
            spec.validate(&format!("triggers.{i}"), &mut found);
        }
        if !found.is_empty() {
            refusals.set(vec![]);
            errors.set(found);
            return;
        }
        errors.set(BTreeMap::new());
        start.dispatch(Start {
            input: StartDeployment {
                release,
                environment: environment.get_untracked(),
                strategy: chosen,
                params,
                triggers: Some(specs),
                bake_seconds,
                acknowledge_gates: acknowledged.get_untracked(),
                wait_for_gates: wait.get_untracked(),
            },
        });
    };
    let error = move |f: &'static str| move || errors.with(|e| e.get(f).cloned());
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
    let may_deploy = options.may_deploy;
    let deployments = options.deployments.clone();
    let environments = StoredValue::new(options.environments.clone());
    view! {
        <section class="card" data-testid="deploy-panel">
            <div class="card-header">
                <h2>"Deployments"</h2>
                {may_deploy.then(|| view! {
                    <button type="button" class="btn btn-primary btn-small" on:click=move |_| open.update(|o| *o = !*o)>
                        {move || if open.get() { "Close" } else { "Deploy…" }}
                    </button>
                })}
            </div>
            {if deployments.is_empty() {
                view! { <p class="muted">"Not deployed anywhere yet."</p> }.into_any()
            } else {
                view! { <DeploymentRows deployments=deployments.clone() compact=true /> }.into_any()
            }}
            <Show when=move || open.get()>
                <form class="form deploy-form" on:submit=on_submit novalidate>
                    {move || (!refusals.get().is_empty()).then(|| view! {
                        <div class="alert alert-error" role="alert" data-testid="deploy-refusals">
                            <strong>"This deployment cannot start:"</strong>
                            <ul>{refusals.get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    {move || error("form")().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                    <div class="field-row">
                        <div class="field">
                            <label for="deploy-env">"Environment"</label>
                            <select id="deploy-env" use:keep_typed=environment on:change=move |ev| environment.set(event_target_value(&ev))>
                                {environments.get_value().into_iter().map(|e| {
                                    let value = e.clone();
                                    view! { <option value=e.clone() selected=move || environment.get() == value>{e.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="deploy-strategy">"Strategy"</label>
                            <select id="deploy-strategy" use:keep_typed=strategy on:change=move |ev| strategy.set(event_target_value(&ev))>
                                {choice_options(choices!(Strategy), strategy)}
                            </select>
                        </div>
                    </div>
                    <Show when=move || strategy.get() == "canary">
                        <div class="field">
                            <label for="deploy-canary">"Canary steps"</label>
                            <input id="deploy-canary" use:keep_typed=canary bind:value=canary />
                            <p class="hint">"weight:pause seconds, comma-separated; \"promote\" waits for a person. 100 % follows the last step."</p>
                            {move || error("canary_steps")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </Show>
                    <Show when=move || strategy.get() == "rolling_update">
                        <div class="field-row">
                            <div class="field">
                                <label for="deploy-batch">"Batch size (%)"</label>
                                <input id="deploy-batch" inputmode="numeric" use:keep_typed=batch bind:value=batch />
                                {move || error("batch_percent")().map(|m| view! { <p class="field-error">{m}</p> })}
                            </div>
                        </div>
                    </Show>
                    <Show when=move || strategy.get() == "blue_green">
                        <div class="field">
                            <label for="deploy-window">"Keep the old side for (minutes)"</label>
                            <input id="deploy-window" inputmode="numeric" use:keep_typed=window bind:value=window />
                            {move || error("rollback_window_minutes")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </Show>
                    <Show when=move || strategy.get() == "feature_flag">
                        <div class="field-row">
                            <div class="field">
                                <label for="deploy-flag">"Flag key"</label>
                                <input id="deploy-flag" use:keep_typed=flag bind:value=flag placeholder="new-checkout" />
                                {move || error("flag")().map(|m| view! { <p class="field-error">{m}</p> })}
                            </div>
                            <div class="field">
                                <label for="deploy-flag-steps">"Rollout (%)"</label>
                                <input id="deploy-flag-steps" use:keep_typed=flag_steps bind:value=flag_steps />
                                {move || error("flag_steps")().map(|m| view! { <p class="field-error">{m}</p> })}
                            </div>
                        </div>
                    </Show>
                    <Show when=move || matches!(strategy.get().as_str(), "rolling_update" | "feature_flag")>
                        <div class="field">
                            <label for="deploy-pause">"Pause between steps (seconds)"</label>
                            <input id="deploy-pause" inputmode="numeric" use:keep_typed=step_pause bind:value=step_pause placeholder="default" />
                            {move || error("step_pause_seconds")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </Show>
                    <fieldset class="field">
                        <legend>"Rollback triggers"</legend>
                        <div class="table-wrap"><table class="table trigger-table">
                            <thead><tr><th>"Metric"</th><th>"Op"</th><th>"Threshold"</th><th>"For (s)"</th><th>"Every (s)"</th><th>"Action"</th><th>"Cooldown (min)"</th></tr></thead>
                            <tbody>
                                <For each=move || triggers.get().into_iter().enumerate() key=|(i, _)| *i let:item>
                                    {
                                        let (i, row) = item;
                                        view! {
                                            <tr>
                                                <td><input aria-label=format!("Trigger {} metric", i + 1) use:keep_typed=row.metric bind:value=row.metric /></td>
                                                <td><select aria-label=format!("Trigger {} operator", i + 1) use:keep_typed=row.operator on:change=move |ev| row.operator.set(event_target_value(&ev))>{choice_options(choices!(Operator), row.operator)}</select></td>
                                                <td><input aria-label=format!("Trigger {} threshold", i + 1) inputmode="decimal" use:keep_typed=row.threshold bind:value=row.threshold /></td>
                                                <td><input aria-label=format!("Trigger {} sustained seconds", i + 1) inputmode="numeric" use:keep_typed=row.sustained bind:value=row.sustained /></td>
                                                <td><input aria-label=format!("Trigger {} interval seconds", i + 1) inputmode="numeric" use:keep_typed=row.interval bind:value=row.interval /></td>
                                                <td><select aria-label=format!("Trigger {} action", i + 1) use:keep_typed=row.action on:change=move |ev| row.action.set(event_target_value(&ev))>{choice_options(choices!(TriggerAction), row.action)}</select></td>
                                                <td><input aria-label=format!("Trigger {} cooldown minutes", i + 1) inputmode="numeric" use:keep_typed=row.cooldown bind:value=row.cooldown /></td>
                                            </tr>
                                        }
                                    }
                                </For>
                            </tbody>
                        </table></div>
                        {move || trigger_errors().into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
                        <p class="hint">"The environment's defaults. Evaluated during the deployment and for the bake time after it."</p>
                    </fieldset>
                    <div class="field-row">
                        <div class="field">
                            <label for="deploy-bake">"Bake time (seconds)"</label>
                            <input id="deploy-bake" inputmode="numeric" use:keep_typed=bake bind:value=bake />
                            {move || error("bake_seconds")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </div>
                    <fieldset class="field">
                        <legend>"Testing gates"</legend>
                        {move || {
                            let list = env_gates();
                            if list.is_empty() {
                                view! { <p class="muted small">"No gates for this environment."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="gate-list">
                                        {list.into_iter().map(|g| {
                                            let name = g.name.clone();
                                            let ack = name.clone();
                                            let needs_ack = g.latest.as_deref() != Some("passed")
                                                && (g.on_failure == "warn" || (g.on_failure == "block" && !g.required));
                                            let badge = match g.latest.as_deref() {
                                                Some("passed") => "badge badge-green",
                                                Some(_) => "badge badge-red",
                                                None => "badge badge-gray",
                                            };
                                            view! {
                                                <li>
                                                    <span class=badge>{gate_outcome_words(g.latest.as_deref())}</span>" "
                                                    <strong>{name.clone()}</strong>
                                                    <span class="muted small">{gate_rule_words(&g.on_failure, g.required)}</span>
                                                    {g.url.clone().map(|u| view! { " " <a href=u rel="noopener noreferrer" target="_blank">"run"</a> })}
                                                    {needs_ack.then(|| view! {
                                                        <label class="check small">
                                                            <input type="checkbox" on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                acknowledged.update(|a| {
                                                                    a.retain(|x| *x != ack);
                                                                    if on { a.push(ack.clone()); }
                                                                });
                                                            } />
                                                            " Deploy anyway (acknowledge)"
                                                        </label>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                        }}
                        <label class="check">
                            <input type="checkbox" on:change=move |ev| wait.set(event_target_checked(&ev)) />
                            " Wait for required gates that have not reported yet"
                        </label>
                    </fieldset>
                    <div class="row-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || start.pending().get()>"Start deployment"</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canary_text_parses_weights_pauses_and_promotions() {
        let steps = parse_canary("10:30, 25%:60s,50:promote").unwrap();
        assert_eq!(
            steps,
            vec![
                CanaryStep {
                    weight: 10,
                    pause_seconds: Some(30)
                },
                CanaryStep {
                    weight: 25,
                    pause_seconds: Some(60)
                },
                CanaryStep {
                    weight: 50,
                    pause_seconds: None
                },
            ]
        );
        assert!(parse_canary("ten:30").is_err());
        assert!(parse_canary("10:soon").is_err());
    }

    #[test]
    fn gates_read_in_words_not_stored_names() {
        assert_eq!(gate_outcome_words(None), "Not reported");
        assert_eq!(gate_outcome_words(Some("passed")), "Passed");
        assert_eq!(gate_outcome_words(Some("expired")), "Expired");
        assert_eq!(
            gate_rule_words("block", true),
            " · blocks until it passes · required"
        );
        assert_eq!(gate_rule_words("warn", false), " · warns until it passes");
    }
}
