//! The release page's deploy panel: gates per environment, the form that
//! starts a deployment (strategy, its parameters, rollback triggers), and
//! the release's deployments so far.
//!
//! The form posts its named fields (`model::deploy_form::DeployForm`) to
//! `/releases/{id}/deploy` before the page hydrates or without a script;
//! every strategy's fields show then, as the strategy cannot be switched.
//! Its rollback triggers are in `triggers`, its testing gates in `gates`.

mod gates;
mod triggers;

use crate::domain::deploy::{Strategy, TriggerSpec};
use crate::domain::trigger_form::TriggerInput;
use crate::error::AppError;
use crate::model::deploy_form::DeployForm;
use crate::model::DeployOptions;
use crate::server_fns::deployments::BeginDeployment as Start;
use crate::server_fns::forms::KeptForm;
use crate::ui::components::form::{choices, options as choice_options};
use crate::ui::components::form::{hydrated, keep_typed};
use crate::ui::components::trigger_row::TriggerFields;
use crate::ui::pages::deployments::DeploymentRows;
use gates::DeployGates;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::BTreeMap;
use triggers::DeployTriggers;

/// An environment's default triggers (the seed's when it has none).
fn default_triggers(defaults: &[(String, Vec<TriggerSpec>)], env: &str) -> Vec<TriggerSpec> {
    defaults
        .iter()
        .find(|(e, _)| e == env)
        .map(|(_, s)| s.clone())
        .unwrap_or_else(TriggerSpec::seed_defaults)
}

/// The deploy panel on the release page: its deployments and the form.
#[component]
pub fn DeployCard(
    options: DeployOptions,
    /// A refused plain post of the form: what was typed and the messages.
    kept: Option<KeptForm>,
) -> impl IntoView {
    let start = ServerAction::<Start>::new();
    let release = options.release_id;
    let first = options
        .next_environment
        .clone()
        .or_else(|| options.environments.first().cloned())
        .unwrap_or_default();
    let came_back = kept.is_some();
    let (form, mut kept_errors) = match kept {
        Some(kept) => (DeployForm::from_fields(&kept.fields), kept.errors),
        None => {
            let defaults = default_triggers(&options.default_triggers, &first);
            (DeployForm::new(first, &defaults), BTreeMap::new())
        }
    };
    // A refusal naming no field is why it may not start.
    let kept_refusals: Vec<String> = kept_errors.remove("form").into_iter().collect();
    let environment = RwSignal::new(form.environment.clone());
    let strategy = RwSignal::new(form.strategy.clone());
    let canary = RwSignal::new(form.canary_steps.clone());
    let batch = RwSignal::new(form.batch_percent.clone());
    let window = RwSignal::new(form.rollback_window_minutes.clone());
    let flag = RwSignal::new(form.flag.clone());
    let flag_steps = RwSignal::new(form.flag_steps.clone());
    let step_pause = RwSignal::new(form.step_pause_seconds.clone());
    let bake = RwSignal::new(form.bake_seconds.clone());
    let wait = RwSignal::new(form.wait_for_gates);
    let acknowledged = RwSignal::new(form.acknowledge_gates.clone());
    let errors = RwSignal::new(kept_errors);
    let refusals = RwSignal::new(kept_refusals);
    // Open when asked for in the address (the button without a script) or
    // when a refused post came back.
    let query = use_query_map();
    let open = RwSignal::new(came_back || query.with_untracked(|q| q.get("deploy").is_some()));
    let live = hydrated();
    let defaults = options.default_triggers.clone();
    let triggers = RwSignal::new(
        form.triggers
            .iter()
            .map(TriggerFields::new)
            .collect::<Vec<_>>(),
    );
    // Rows are keyed by this too, so another environment's rows are new.
    let generation = RwSignal::new(0usize);
    // Another environment chosen: its default triggers fill the rows.
    Effect::new(move |before: Option<String>| {
        let env = environment.get();
        if before.is_some_and(|before| before != env) {
            let specs = default_triggers(&defaults, &env);
            triggers.set(
                specs
                    .iter()
                    .map(|s| TriggerFields::new(&TriggerInput::from(s)))
                    .collect(),
            );
            generation.update(|g| *g += 1);
        }
        env
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
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = DeployForm {
            environment: environment.get_untracked(),
            strategy: strategy.get_untracked(),
            canary_steps: canary.get_untracked(),
            batch_percent: batch.get_untracked(),
            rollback_window_minutes: window.get_untracked(),
            flag: flag.get_untracked(),
            flag_steps: flag_steps.get_untracked(),
            step_pause_seconds: step_pause.get_untracked(),
            bake_seconds: bake.get_untracked(),
            triggers: triggers
                .get_untracked()
                .iter()
                .map(TriggerFields::input)
                .collect(),
            acknowledge_gates: acknowledged.get_untracked(),
            wait_for_gates: wait.get_untracked(),
        };
        match typed.to_input(release) {
            Ok(input) => {
                errors.set(BTreeMap::new());
                start.dispatch(Start { input });
            }
            Err(found) => {
                refusals.set(vec![]);
                errors.set(found);
            }
        }
    };
    let error = move |f: &'static str| move || errors.with(|e| e.get(f).cloned());
    // Hidden once the page has hydrated, unless the strategy is chosen.
    let unless = move |chosen: &'static [&'static str]| {
        move || {
            let current = strategy.get();
            live.get() && !chosen.iter().any(|c| *c == current)
        }
    };
    let may_deploy = options.may_deploy;
    let deployments = options.deployments.clone();
    let environments = StoredValue::new(options.environments.clone());
    view! {
        <section class="card" data-testid="deploy-panel">
            <div class="card-header">
                <h2>"Deployments"</h2>
                {may_deploy.then(|| view! {
                    // Without a script it asks for the page with the form
                    // open (`?deploy=1`), or closed.
                    <form method="get" action=format!("/releases/{release}") style="display: contents">
                        <button type="submit" name=move || (!open.get()).then_some("deploy") value="1" class="btn btn-primary btn-small" on:click=move |ev| { ev.prevent_default(); open.update(|o| *o = !*o); }>
                            {move || if open.get() { "Close" } else { "Deploy…" }}
                        </button>
                    </form>
                })}
            </div>
            {if deployments.is_empty() {
                view! { <p class="muted">"Not deployed anywhere yet."</p> }.into_any()
            } else {
                view! { <DeploymentRows deployments=deployments.clone() compact=true /> }.into_any()
            }}
            <Show when=move || open.get()>
                <form class="form deploy-form" method="post" action=format!("/releases/{release}/deploy") on:submit=on_submit novalidate>
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
                            <select id="deploy-env" name="environment" use:keep_typed=environment on:change=move |ev| environment.set(event_target_value(&ev))>
                                {environments.get_value().into_iter().map(|e| {
                                    let value = e.clone();
                                    view! { <option value=e.clone() selected=move || environment.get() == value>{e.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="deploy-strategy">"Strategy"</label>
                            <select id="deploy-strategy" name="strategy" use:keep_typed=strategy on:change=move |ev| strategy.set(event_target_value(&ev))>
                                {choice_options(choices!(Strategy), strategy)}
                            </select>
                            {move || error("strategy")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </div>
                    <div class="field" class:hidden=unless(&["canary"])>
                        <label for="deploy-canary">"Canary steps"</label>
                        <input id="deploy-canary" name="canary_steps" value=canary.get_untracked() use:keep_typed=canary bind:value=canary />
                        <p class="hint">"weight:pause seconds, comma-separated; \"promote\" waits for a person. 100 % follows the last step."</p>
                        {move || error("canary_steps")().map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                    <div class="field-row" class:hidden=unless(&["rolling_update"])>
                        <div class="field">
                            <label for="deploy-batch">"Batch size (%)"</label>
                            <input id="deploy-batch" name="batch_percent" inputmode="numeric" value=batch.get_untracked() use:keep_typed=batch bind:value=batch />
                            {move || error("batch_percent")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </div>
                    <div class="field" class:hidden=unless(&["blue_green"])>
                        <label for="deploy-window">"Keep the old side for (minutes)"</label>
                        <input id="deploy-window" name="rollback_window_minutes" inputmode="numeric" value=window.get_untracked() use:keep_typed=window bind:value=window />
                        {move || error("rollback_window_minutes")().map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                    <div class="field-row" class:hidden=unless(&["feature_flag"])>
                        <div class="field">
                            <label for="deploy-flag">"Flag key"</label>
                            <input id="deploy-flag" name="flag" value=flag.get_untracked() use:keep_typed=flag bind:value=flag placeholder="new-checkout" />
                            {move || error("flag")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                        <div class="field">
                            <label for="deploy-flag-steps">"Rollout (%)"</label>
                            <input id="deploy-flag-steps" name="flag_steps" value=flag_steps.get_untracked() use:keep_typed=flag_steps bind:value=flag_steps />
                            {move || error("flag_steps")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </div>
                    <div class="field" class:hidden=unless(&["rolling_update", "feature_flag"])>
                        <label for="deploy-pause">"Pause between steps (seconds)"</label>
                        <input id="deploy-pause" name="step_pause_seconds" inputmode="numeric" value=step_pause.get_untracked() use:keep_typed=step_pause bind:value=step_pause placeholder="default" />
                        {move || error("step_pause_seconds")().map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                    <DeployTriggers triggers generation errors />
                    <div class="field-row">
                        <div class="field">
                            <label for="deploy-bake">"Bake time (seconds)"</label>
                            <input id="deploy-bake" name="bake_seconds" inputmode="numeric" value=bake.get_untracked() use:keep_typed=bake bind:value=bake />
                            {move || error("bake_seconds")().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </div>
                    <DeployGates gates=Signal::derive(env_gates) acknowledged wait />
                    <div class="row-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || start.pending().get()>"Start deployment"</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
