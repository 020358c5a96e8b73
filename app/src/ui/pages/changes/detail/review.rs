//! The post-implementation review an emergency change needs before it
//! closes.

use crate::model::CrDetail;
use crate::server_fns::change_requests::WritePostImplementationReview;
use crate::ui::components::form::keep_typed;
use leptos::prelude::*;

/// The post-implementation review of an emergency change.
#[component]
pub(super) fn ReviewForm(
    cr: CrDetail,
    review: ServerAction<WritePostImplementationReview>,
) -> impl IntoView {
    let number = cr.number;
    let root_cause = RwSignal::new(cr.review_root_cause.clone().unwrap_or_default());
    let prevention = RwSignal::new(cr.review_prevention.clone().unwrap_or_default());
    let written = cr.review_root_cause.is_some();
    let error = move |field: &'static str| {
        move || {
            review
                .value()
                .get()
                .and_then(|r| r.err())
                .map(|e| e.field_message(field).unwrap_or_else(|| e.to_string()))
        }
    };
    view! {
        <section class="card">
            <h2>"Post-implementation review"</h2>
            {(!written).then(|| view! { <div class="alert alert-info">"This emergency change cannot close until its review is written."</div> })}
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                review.dispatch(WritePostImplementationReview { number, root_cause: root_cause.get_untracked(), prevention: prevention.get_untracked() });
            }>
                <div class="field">
                    <label for="pir-cause">"Root cause"</label>
                    <textarea id="pir-cause" rows="3" use:keep_typed=root_cause bind:value=root_cause></textarea>
                    <p class="field-error">{error("root_cause")}</p>
                </div>
                <div class="field">
                    <label for="pir-prevention">"Prevention"</label>
                    <textarea id="pir-prevention" rows="3" use:keep_typed=prevention bind:value=prevention></textarea>
                    <p class="field-error">{error("prevention")}</p>
                </div>
                <button type="submit" class="btn btn-ghost">"Save review"</button>
            </form>
        </section>
    }
}
