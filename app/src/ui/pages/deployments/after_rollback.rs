//! The deployment page's prompt once a deployment was rolled back: what
//! comes next for the change requests it implements. They stay open (the
//! workflow in PRODUCT.md has no way back to draft once a change is
//! approved), so the choices are to try again with a fixed release while
//! they stay implementing, or to cancel them.

use crate::domain::change_request::CrStatus;
use crate::domain::Permission;
use crate::model::CrSummary;
use crate::ui::components::access::may;
use crate::ui::components::state_badge::StatusBadge;
use leptos::prelude::*;

/// What next after rollback `number` in `environment`; `changes` are the
/// release's change requests (those still open for this environment are
/// listed).
#[component]
pub fn AfterRollback(number: i64, environment: String, changes: Vec<CrSummary>) -> impl IntoView {
    let open: Vec<CrSummary> = changes
        .into_iter()
        .filter(|c| {
            c.environments.contains(&environment)
                && matches!(c.status, CrStatus::Implementing | CrStatus::Validating)
        })
        .collect();
    let plan_fix = may(Permission::PlanRelease);
    view! {
        <section class="card card-alert" data-testid="after-rollback">
            <h2>"Rolled back: what next"</h2>
            <p>{format!("D-{number} to {environment} was rolled back.")}</p>
            {if open.is_empty() {
                view! { <p class="muted small">"No change request is waiting on this deployment."</p> }.into_any()
            } else {
                view! {
                    <p>"The change requests it implements are still open and wait for a decision, on each request's page:"</p>
                    <ul class="change-list" data-testid="after-rollback-changes">
                        {open.into_iter().map(|cr| view! {
                            <li>
                                <a href=format!("/changes/{}", cr.number)><strong>{format!("CR-{}", cr.number)}</strong>" "{cr.title}</a>
                                <span class="change-meta"><StatusBadge status=cr.status /></span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ul class="bullets">
                <li><strong>"Try again: "</strong>"plan a new release with the fix that ships the same change requests, and deploy it. They stay open meanwhile."</li>
                <li><strong>"Give up: "</strong>"cancel a change request, with a reason (its requester or a release manager)."</li>
                <li>"An approved change request does not go back to draft: to rework what was approved, cancel it and file a new one."</li>
            </ul>
            {plan_fix.then(|| view! { <a class="btn btn-primary btn-small" href="/releases/new">"Plan a release with the fix"</a> })}
        </section>
    }
}
