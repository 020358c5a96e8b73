//! A deployment as it runs: its steps, triggers and controls, kept live
//! by a server-sent event stream.

use super::target_label;
use crate::domain::deploy::{DeploymentState, ManualAction};
use crate::model::DeploymentDetail;
use crate::server_fns::deployments::{DeploymentAction, SetFleet};
use crate::server_fns::forms::KeptForm;
use crate::ui::components::form::keep_typed;
use crate::ui::components::state_badge::DeploymentStateBadge;
use crate::ui::format;
use crate::ui::pages::deployments::after_rollback::AfterRollback;
use crate::ui::pages::deployments::chart::TriggerChart;
use leptos::prelude::*;
use leptos_meta::Title;

/// Subscribes to the deployment's events in the browser.
#[cfg(feature = "hydrate")]
fn subscribe(id: uuid::Uuid, live: RwSignal<DeploymentDetail>, connected: RwSignal<bool>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new(&format!("/deployments/{id}/events")) else {
        return;
    };
    let on_update =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(text) = event.data().as_string() {
                if let Ok(detail) = serde_json::from_str::<DeploymentDetail>(&text) {
                    live.set(detail);
                    connected.set(true);
                }
            }
        });
    let _ = source.add_event_listener_with_callback("update", on_update.as_ref().unchecked_ref());
    on_update.forget();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| connected.set(false));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    let source = StoredValue::new_local(source);
    on_cleanup(move || source.with_value(|s| s.close()));
}

#[component]
pub(super) fn Live(
    detail: DeploymentDetail,
    /// A refused plain post: of a button (it names its `action`) or of the
    /// fleet form.
    kept: Option<KeptForm>,
) -> impl IntoView {
    let id = detail.summary.id;
    let typed_fleet = detail
        .fleet
        .as_ref()
        .map(|f| (f.error_rate.to_string(), f.latency_p95.to_string()))
        .unwrap_or_default();
    let live = RwSignal::new(detail);
    let connected = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| subscribe(id, live, connected));
    let act = ServerAction::<DeploymentAction>::new();
    let fleet = ServerAction::<SetFleet>::new();
    let (kept_act, kept_fleet) = match kept {
        Some(k) if k.fields.ticked("action") => (Some(k), None),
        other => (None, other),
    };
    let kept_act_error = StoredValue::new(kept_act.and_then(|k| k.errors.into_values().next()));
    let act_error = move || match act.value().get() {
        Some(result) => result.err().map(|e| e.to_string()),
        None => kept_act_error.get_value(),
    };
    let (typed_fleet, kept_fleet_error) = match kept_fleet {
        Some(k) => (
            (k.fields.text("error_rate"), k.fields.text("latency_p95")),
            k.errors.into_values().collect::<Vec<_>>().join(" "),
        ),
        None => (typed_fleet, String::new()),
    };
    let kept_fleet_error = StoredValue::new(kept_fleet_error);
    let fleet_error = move || match fleet.value().get() {
        Some(result) => result.err().map(|e| e.to_string()),
        None => kept_fleet_error.with_value(|m| (!m.is_empty()).then(|| m.clone())),
    };
    let s = move || live.with(|d| d.summary.clone());
    let title = live.with_untracked(|d| {
        format!(
            "D-{} · {} {} → {}",
            d.summary.number, d.summary.service, d.summary.version, d.summary.environment
        )
    });
    let progress = move || {
        live.with(|d| {
            let total = d.steps.len().max(1);
            let done = d.steps.iter().filter(|s| s.status == "done").count();
            (done, total, done * 100 / total)
        })
    };
    let error_rate = RwSignal::new(typed_fleet.0);
    let latency = RwSignal::new(typed_fleet.1);
    Effect::new(move |_| {
        if let Some(f) = live.with(|d| d.fleet.clone()) {
            if error_rate.get_untracked().is_empty() {
                error_rate.set(f.error_rate.to_string());
                latency.set(f.latency_p95.to_string());
            }
        }
    });
    view! {
        <Title text=title />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/deployments">"Deployments"</a>" / "{move || format!("D-{}", s().number)}</p>
                <h1>{move || { let s = s(); format!("{} {} → {}", s.service, s.version, s.environment) }}</h1>
                <p class="badges" data-testid="deployment-state">
                    {move || view! { <DeploymentStateBadge phase=s().phase /> }}" "
                    <span class="badge badge-gray">{move || s().strategy.label()}</span>" "
                    <a class="small" href=move || format!("/releases/{}", s().release_id)>{move || live.with(|d| d.release_title.clone())}</a>
                    <span class=move || if connected.get() { "live-dot on" } else { "live-dot" } title="Live updates"></span>
                </p>
            </div>
        </header>
        {move || live.with(|d| {
            (d.summary.state == DeploymentState::RolledBack).then(|| view! {
                <AfterRollback number=d.summary.number environment=d.summary.environment.clone() changes=d.changes.clone() />
            })
        })}
        <div class="columns columns-wide">
            <div>
                <section class="card" data-testid="deployment-progress">
                    <div class="progress-head">
                        <span>{move || { let (done, total, _) = progress(); format!("{done} of {total} steps done") }}</span>
                        <span data-testid="deployment-weight">{move || format!("Weight {} %", s().weight)}</span>
                    </div>
                    <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || progress().2>
                        <span style=move || format!("width: {}%", progress().2)></span>
                    </div>
                    <div class="weight-bar" title="Traffic on the new version">
                        <span style=move || format!("width: {}%", s().weight)></span>
                    </div>
                    {move || { let phase = s().phase; phase.is_baking().then(|| view! {
                        <div class="bake" data-testid="deployment-bake">
                            <div class="progress-head">
                                <span>{phase.label()}</span>
                                <span class="muted small">{format!("{} % of the bake time", phase.bake_percent())}</span>
                            </div>
                            <div class="progress progress-bake" role="progressbar" aria-label="Bake time" aria-valuemin="0" aria-valuemax="100" aria-valuenow=phase.bake_percent()>
                                <span style=format!("width: {}%", phase.bake_percent())></span>
                            </div>
                            <p class="muted small">"Every step is done. The rollback triggers are still watched until the bake time is over, and a breach rolls it back; only then has it succeeded."</p>
                        </div>
                    }) }}
                    {move || live.with(|d| d.pause_reason.clone()).map(|r| view! { <div class="alert alert-warn" role="status">{r}</div> })}
                    {move || s().reason.map(|r| {
                        let css = if s().state == DeploymentState::Succeeded { "alert alert-info" } else { "alert alert-error" };
                        view! { <div class=css role="status" data-testid="deployment-reason">{r}</div> }
                    })}
                    <ol class="steps" data-testid="deployment-steps">
                        {move || live.with(|d| d.steps.clone()).into_iter().map(|step| {
                            let css = format!("step step-{}", step.status);
                            view! {
                                <li class=css>
                                    <span class="step-dot" aria-hidden="true"></span>
                                    <span>{step.description.clone()}</span>
                                    <span class="muted small">{step.finished_at.or(step.started_at).map(format::datetime)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>
                <section class="card">
                    <h2>"Rollback triggers"</h2>
                    <div class="charts">
                        {move || live.with(|d| d.triggers.clone()).into_iter().map(|t| view! { <TriggerChart trigger=t /> }).collect_view()}
                    </div>
                    {move || live.with(|d| d.bake_until).map(|b| view! { <p class="muted small">{format!("Watched until {} (the end of the bake time)", format::datetime(b))}</p> })}
                </section>
                <section class="card">
                    <h2>"Log"</h2>
                    <pre class="log" data-testid="deployment-log">
                        {move || live.with(|d| d.log.clone()).into_iter().map(|l| view! {
                            <span class=format!("log-line log-{}", l.stream)>
                                <time>{l.at.format("%H:%M:%S").to_string()}</time>" "{l.line}"\n"
                            </span>
                        }).collect_view()}
                    </pre>
                </section>
            </div>
            <div>
                <section class="card">
                    <h2>"Actions"</h2>
                    {move || act_error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                    {move || {
                        let actions = live.with(|d| d.actions.clone());
                        if actions.is_empty() {
                            view! { <p class="muted">"Nothing to do by hand right now."</p> }.into_any()
                        } else {
                            view! {
                                // Without a script the pressed button posts its `action`.
                                <form class="row-actions" method="post" action=format!("/deployments/{id}/act")>
                                    {actions.into_iter().map(|a| {
                                        let css = match a {
                                            ManualAction::Abort | ManualAction::Rollback => "btn btn-danger",
                                            ManualAction::Promote => "btn btn-primary",
                                            _ => "btn",
                                        };
                                        view! {
                                            <button type="submit" name="action" value=a.as_str() class=css disabled=move || act.pending().get()
                                                on:click=move |ev| { ev.prevent_default(); act.dispatch(DeploymentAction { id, action: a.as_str().into() }); }>
                                                {a.label()}
                                            </button>
                                        }
                                    }).collect_view()}
                                </form>
                            }.into_any()
                        }
                    }}
                </section>
                {move || live.with(|d| d.fleet.clone()).map(|f| view! {
                    <section class="card" data-testid="fleet">
                        <h2>"Simulated fleet"</h2>
                        <p class="muted small">{format!("Live version: {}", f.live_version.clone().unwrap_or_else(|| "none".into()))}</p>
                        {move || fleet_error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                        {f.may_change.then(|| view! {
                            <form class="form" method="post" action=format!("/deployments/{id}/fleet") on:submit=move |ev| {
                                ev.prevent_default();
                                let rate = error_rate.get_untracked().trim().parse::<f64>().unwrap_or(f64::NAN);
                                let p95 = latency.get_untracked().trim().parse::<f64>().unwrap_or(f64::NAN);
                                fleet.dispatch(SetFleet { target: f.target_id, error_rate: rate, latency_p95: p95 });
                            }>
                                <input type="hidden" name="target" value=f.target_id.to_string() />
                                <div class="field-row">
                                    <div class="field">
                                        <label for="fleet-errors">"Error rate (0–1)"</label>
                                        <input id="fleet-errors" name="error_rate" inputmode="decimal" value=error_rate.get_untracked() use:keep_typed=error_rate bind:value=error_rate />
                                    </div>
                                    <div class="field">
                                        <label for="fleet-latency">"p95 latency (s)"</label>
                                        <input id="fleet-latency" name="latency_p95" inputmode="decimal" value=latency.get_untracked() use:keep_typed=latency bind:value=latency />
                                    </div>
                                </div>
                                <button type="submit" class="btn" disabled=move || fleet.pending().get()>"Apply to the fleet"</button>
                                {move || matches!(fleet.value().get(), Some(Ok(()))).then(|| view! { <span class="muted small">" Applied."</span> })}
                            </form>
                        })}
                    </section>
                })}
                <section class="card">
                    <h2>"Details"</h2>
                    <dl class="facts">
                        <dt>"Previous version"</dt><dd>{move || live.with(|d| d.previous_version.clone()).unwrap_or_else(|| "none".into())}</dd>
                        <dt>"Target"</dt><dd>{move || live.with(|d| d.target_kind.as_deref().map(target_label)).unwrap_or_else(|| "Removed".into())}</dd>
                        <dt>"Started"</dt><dd>{move || live.with(|d| d.started_at).map(format::datetime).unwrap_or_else(|| "not yet".into())}</dd>
                        <dt>"Started by"</dt><dd>{move || s().started_by.unwrap_or_default()}</dd>
                        <dt>"Finished"</dt><dd>{move || s().finished_at.map(format::datetime).unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Change requests"</dt>
                        <dd>{move || {
                            let changes = live.with(|d| d.changes.clone());
                            if changes.is_empty() {
                                view! { <span>"None linked"</span> }.into_any()
                            } else {
                                view! {
                                    <ul class="chips">
                                        {changes.into_iter().map(|c| view! {
                                            <li class="chip"><a href=format!("/changes/{}", c.number) title=c.title.clone()>{format!("CR-{}", c.number)}</a>{format!(" · {}", c.status.label().to_lowercase())}</li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                        }}</dd>
                    </dl>
                    {move || live.with(|d| d.freeze_override_cr).map(|n| view! { <p class="alert alert-warn">{format!("Deployed during a freeze under emergency change CR-{n}.")}</p> })}
                    {move || { let g = live.with(|d| d.acknowledged_gates.clone()); (!g.is_empty()).then(|| view! { <p class="alert alert-warn">{format!("Gates acknowledged without passing: {}", g.join(", "))}</p> }) }}
                </section>
            </div>
        </div>
    }
}
