//! Posting an update to a published incident.

use super::preview::Preview;
use crate::domain::status_page::{Impact, IncidentStatus};
use crate::domain::Fields;
use crate::model::status_page::{ComponentChoice, IncidentDetail, IncidentUpdateInput};
use crate::server_fns::forms::KeptForm;
use crate::server_fns::status_page::PostIncidentUpdate;
use crate::ui::components::form::{errors_or_kept, keep_typed, starting, FieldError, FormErrors};
use crate::ui::pages::status_page::ComponentPicker;
use leptos::prelude::*;

/// The fields the update form shows a message beside; any other goes on top.
pub(super) const UPDATE_FIELDS: &[&str] = &["status", "impact", "body", "components"];

#[component]
pub(super) fn UpdateForm(
    i: IncidentDetail,
    post: ServerAction<PostIncidentUpdate>,
    /// A refused plain post of the form.
    kept: Option<KeptForm>,
) -> impl IntoView {
    let id = i.id;
    let current = i.status;
    let next = IncidentStatus::ALL
        .iter()
        .copied()
        .filter(|s| current.can_become(*s))
        .collect::<Vec<_>>();
    // Forward is the usual move; reopening and repeating the status come after.
    let first = next
        .iter()
        .copied()
        .find(|s| *s != current && s.is_open() == current.is_open())
        .or_else(|| next.iter().copied().find(|s| *s != current))
        .unwrap_or(current);
    let came_back = kept.is_some();
    let (typed, kept_errors) = starting(
        kept,
        Fields::from([("status", first.as_str())]),
        Fields::clone,
    );
    let status = RwSignal::new(typed.text("status"));
    let impact = RwSignal::new(typed.text("impact"));
    let body = RwSignal::new(typed.text("body"));
    let chosen = RwSignal::new(if came_back {
        ComponentChoice::from_fields(&typed).unwrap_or_default()
    } else {
        i.affected.clone()
    });
    let errors = errors_or_kept(post, kept_errors);
    Effect::new(move |_| {
        if let Some(Ok(_)) = post.value().get() {
            body.set(String::new());
        }
    });
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        post.dispatch(PostIncidentUpdate {
            id,
            input: IncidentUpdateInput {
                status: IncidentStatus::parse(&status.get_untracked()).unwrap_or(current),
                body: body.get_untracked(),
                impact: Impact::parse(&impact.get_untracked()).ok(),
                components: chosen.get_untracked(),
            },
        });
    };
    view! {
        <section class="card">
            <h2>"Post an update"</h2>
            <form class="form" method="post" action=format!("/incidents/{id}/updates") on:submit=submit novalidate>
                <FormErrors errors shown=UPDATE_FIELDS />
                <div class="form-row">
                    <label class="field">"Status"
                        <select id="update-status" name="status" use:keep_typed=status bind:value=status>
                            {next.iter().map(|s| {
                                let selected = s.as_str() == typed.text("status");
                                view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="status" />
                    </label>
                    <label class="field">"Impact"
                        <select id="update-impact" name="impact" use:keep_typed=impact bind:value=impact>
                            <option value="">"Unchanged"</option>
                            {Impact::ALL.iter().map(|i| {
                                let selected = i.as_str() == typed.text("impact");
                                view! { <option value=i.as_str() selected=selected>{i.label()}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="impact" />
                    </label>
                </div>
                <div class="columns-even columns">
                    <label class="field">"Message (markdown)" <textarea id="update-body" name="body" rows="5" use:keep_typed=body bind:value=body required aria-invalid=invalid("body")>{crate::ui::components::form::textarea_text(&typed.text("body"))}</textarea><FieldError errors field="body" /></label>
                    <div class="field"><span>"Preview"</span><Preview body /></div>
                </div>
                <div class="field"><span>"Components"</span><ComponentPicker components=i.components.clone() chosen /><FieldError errors field="components" /></div>
                <p class="small muted">"Resolving returns the components to operational unless another open incident still affects them."</p>
                <div class="row-actions"><button type="submit" class="btn btn-primary" data-testid="post-update" disabled=move || post.pending().get()>"Post update"</button></div>
            </form>
        </section>
    }
}
