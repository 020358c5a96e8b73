//! The release plan as read: prerequisites, risk, rollback steps,
//! communication and testing gates.

use crate::domain::release_plan::{GateOnFailure, Plan, PrerequisiteStatus};
use crate::ui::components::risk_matrix::RiskMatrix;
use crate::ui::format;
use leptos::prelude::*;

fn bullet_list(items: &[String]) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">"None written."</p> }.into_any();
    }
    view! { <ul class="bullets">{items.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul> }.into_any()
}

/// The plan, with "Edit plan" for those who may.
#[component]
pub(super) fn PlanView(plan: Plan, can_edit: bool, editing: RwSignal<bool>) -> impl IntoView {
    let now = chrono::Utc::now();
    view! {
        <section class="card" data-testid="release-plan">
            <div class="card-header">
                <h2>"Release plan"</h2>
                {can_edit.then(|| view! { <button type="button" class="btn btn-ghost btn-small" on:click=move |_| editing.set(true)>"Edit plan"</button> })}
            </div>
            <h3>"Prerequisites"</h3>
            {if plan.prerequisites.is_empty() {
                view! { <p class="muted">"No prerequisites."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table" data-testid="prerequisites">
                        <thead><tr><th>"Type"</th><th>"Description"</th><th>"Status"</th><th>"Owner"</th><th>"Deadline"</th></tr></thead>
                        <tbody>
                            {plan.prerequisites.iter().map(|p| {
                                let overdue = p.overdue(now);
                                let status_css = match p.status {
                                    PrerequisiteStatus::Completed => "badge badge-green",
                                    PrerequisiteStatus::Failed => "badge badge-red",
                                    PrerequisiteStatus::Pending => "badge badge-amber",
                                };
                                view! {
                                    <tr class:row-overdue=overdue>
                                        <td data-label="Type">{p.kind.label()}</td>
                                        <td data-label="Description">{p.description.clone()}</td>
                                        <td data-label="Status"><span class=status_css>{p.status.label()}</span></td>
                                        <td data-label="Owner">{if p.owner.is_empty() { "—".to_string() } else { p.owner.clone() }}</td>
                                        <td data-label="Deadline">
                                            {p.deadline.map(format::datetime).unwrap_or_else(|| "—".into())}
                                            {overdue.then(|| view! { " "<span class="badge badge-red">"Overdue"</span> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
            <h3>"Risk assessment"</h3>
            {match plan.risk.clone() {
                None => view! { <p class="muted">"Not assessed yet."</p> }.into_any(),
                Some(risk) => view! {
                    <div class="risk-block">
                        <RiskMatrix impact=risk.impact likelihood=risk.likelihood />
                        <div>
                            <h4>"Mitigations"</h4>
                            {bullet_list(&risk.mitigations)}
                            <h4>"Contingencies"</h4>
                            {bullet_list(&risk.contingencies)}
                        </div>
                    </div>
                }.into_any(),
            }}
            <h3>"Rollback plan"</h3>
            {if plan.rollback_steps.is_empty() {
                view! { <p class="muted">"No rollback steps written."</p> }.into_any()
            } else {
                view! {
                    <ol class="plan-steps" data-testid="rollback-steps">
                        {plan.rollback_steps.iter().map(|s| view! {
                            <li>
                                <strong>{s.description.clone()}</strong>
                                {s.command.clone().map(|c| view! { <pre class="command"><code>{c}</code></pre> })}
                                <div class="small">"Verify: "{s.verification.clone()}</div>
                                <div class="muted small">{format!("Timeout {} min · on failure: {}", s.timeout_minutes, s.on_failure.label().to_lowercase())}</div>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <h3>"Communication plan"</h3>
            {if plan.communication.is_empty() {
                view! { <p class="muted">"Nobody is scheduled to be told."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table">
                        <thead><tr><th>"Audience"</th><th>"Channel"</th><th>"When"</th><th>"Message"</th></tr></thead>
                        <tbody>
                            {plan.communication.iter().map(|c| view! {
                                <tr>
                                    <td data-label="Audience">{c.audience.clone()}</td>
                                    <td data-label="Channel">{c.channel.clone()}</td>
                                    <td data-label="When">{c.timing.clone()}</td>
                                    <td data-label="Message">{c.message.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
            <h3>"Testing requirements"</h3>
            {if plan.gates.is_empty() {
                view! { <p class="muted">"No gates: deployments need no test results."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table" data-testid="gates">
                        <thead><tr><th>"Environment"</th><th>"Gate"</th><th>"Suites"</th><th>"Required"</th><th>"Timeout"</th><th>"On failure"</th></tr></thead>
                        <tbody>
                            {plan.gates.iter().map(|g| {
                                let css = match g.on_failure {
                                    GateOnFailure::Block => "badge badge-red",
                                    GateOnFailure::Warn => "badge badge-amber",
                                    GateOnFailure::Ignore => "badge badge-gray",
                                };
                                view! {
                                    <tr>
                                        <td data-label="Environment"><span class="chip">{g.environment.clone()}</span></td>
                                        <td data-label="Gate">{g.name.clone()}</td>
                                        <td data-label="Suites">{g.suites.join(", ")}</td>
                                        <td data-label="Required">{if g.required { "Yes" } else { "No" }}</td>
                                        <td data-label="Timeout">{format!("{} min", g.timeout_minutes)}</td>
                                        <td data-label="On failure"><span class=css>{g.on_failure.label()}</span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}
