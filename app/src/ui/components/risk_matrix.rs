//! The impact × likelihood matrix of a risk assessment.

use crate::domain::change_request::RiskLevel;
use crate::domain::risk::{score, Likelihood, RiskImpact};
use leptos::prelude::*;

/// The CSS class of a risk level's cell.
pub fn level_class(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "risk-low",
        RiskLevel::Medium => "risk-medium",
        RiskLevel::High => "risk-high",
        RiskLevel::Critical => "risk-critical",
    }
}

/// The 4 × 3 impact × likelihood matrix with the assessed cell marked.
#[component]
pub fn RiskMatrix(impact: RiskImpact, likelihood: Likelihood) -> impl IntoView {
    let chosen = score(impact, likelihood);
    view! {
        <div class="risk-matrix" role="table" aria-label="Risk matrix: impact by likelihood" data-testid="risk-matrix">
            <div class="risk-axis" role="row">
                <span></span>
                {Likelihood::ALL.iter().map(|l| view! { <span role="columnheader">{l.label()}</span> }).collect_view()}
            </div>
            {RiskImpact::ALL.iter().rev().map(|&i| view! {
                <div class="risk-row" role="row">
                    <span class="risk-label" role="rowheader">{i.label()}</span>
                    {Likelihood::ALL.iter().map(|&l| {
                        let cell = score(i, l);
                        let here = i == impact && l == likelihood;
                        let css = format!("risk-cell {}{}", level_class(cell.level), if here { " risk-chosen" } else { "" });
                        view! {
                            <span class=css role="cell" aria-current=here.then_some("true")>
                                {here.then(|| view! { <strong data-testid="risk-score">{cell.score}</strong> })}
                            </span>
                        }
                    }).collect_view()}
                </div>
            }).collect_view()}
            <p class="muted small">{format!("Impact {} × likelihood {} = {} ({})", impact.label().to_lowercase(), likelihood.label().to_lowercase(), chosen.score, chosen.level.label().to_lowercase())}</p>
        </div>
    }
}
