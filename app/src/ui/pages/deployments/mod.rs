//! Deployment pages: the deploy panel on a release, the live progress page
//! and the history.

pub mod after_rollback;
pub mod chart;
pub mod detail;
pub mod list;
pub mod start;

use crate::model::DeploymentSummary;
use crate::ui::components::state_badge::DeploymentStateBadge;
use crate::ui::format;
use leptos::prelude::*;

/// Deployments as table rows (history page, release page).
#[component]
pub fn DeploymentRows(
    deployments: Vec<DeploymentSummary>,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
        <table class="table" data-testid="deployment-rows">
            <thead>
                <tr>
                    <th>"#"</th>
                    {(!compact).then(|| view! { <th>"Service"</th> })}
                    <th>"Version"</th>
                    <th>"Env"</th>
                    <th>"Strategy"</th>
                    <th>"State"</th>
                    <th>"Progress"</th>
                    {(!compact).then(|| view! { <th>"Started"</th> })}
                </tr>
            </thead>
            <tbody>
                {deployments.into_iter().map(|d| {
                    let pct = if d.total_steps > 0 { d.current_step * 100 / d.total_steps } else { 0 };
                    let progress = if d.phase.is_baking() {
                        format!("All {} steps done; {} % of the bake time over, triggers still watched", d.total_steps, d.phase.bake_percent())
                    } else {
                        format!("{} of {} steps, weight {} %", d.current_step, d.total_steps, d.weight)
                    };
                    view! {
                        <tr>
                            <td class="nowrap"><a href=format!("/deployments/{}", d.id)>{format!("D-{}", d.number)}</a></td>
                            {(!compact).then(|| view! { <td>{d.service.clone()}</td> })}
                            <td><code>{d.version.clone()}</code></td>
                            <td>{d.environment.clone()}</td>
                            <td>{d.strategy.label()}</td>
                            <td><DeploymentStateBadge phase=d.phase /></td>
                            <td>
                                <div class="meter" title=progress>
                                    <span style=format!("width: {pct}%")></span>
                                </div>
                            </td>
                            {(!compact).then(|| view! { <td class="muted small">{format::datetime(d.created_at)}{d.started_by.clone().map(|s| format!(" · {s}"))}</td> })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
