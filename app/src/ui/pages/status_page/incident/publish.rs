//! Publishing a draft incident, or discarding it.

use super::preview::Preview;
use crate::domain::status_page::Impact;
use crate::domain::Fields;
use crate::model::status_page::{ComponentChoice, IncidentDetail, PublishIncident};
use crate::server_fns::forms::KeptForm;
use crate::server_fns::status_page::{DiscardIncident, PublishDraftIncident};
use crate::ui::components::form::{errors_or_kept, keep_typed, starting, FieldError, FormErrors};
use crate::ui::pages::status_page::ComponentPicker;
use leptos::prelude::*;

/// The fields the publish form shows a message beside; any other goes on top.
pub(super) const PUBLISH_FIELDS: &[&str] =
    &["title", "impact", "impact_started_at", "body", "components"];

#[component]
pub(super) fn PublishForm(
    i: IncidentDetail,
    publish: ServerAction<PublishDraftIncident>,
    discard: ServerAction<DiscardIncident>,
    /// A refused plain post of the form (publishing or discarding).
    kept: Option<KeptForm>,
) -> impl IntoView {
    let id = i.id;
    // The draft's start: for an automatic rollback, when it rolled back.
    let drafted_start = i.impact_started_at.format("%Y-%m-%dT%H:%M").to_string();
    // Posted along, so a plain post sends the start blank while unchanged.
    let drafted_field = drafted_start.clone();
    let draft = Fields(vec![
        ("title".into(), i.title.clone()),
        ("impact".into(), i.impact.as_str().into()),
        ("impact_started_at".into(), drafted_start.clone()),
        (
            "body".into(),
            i.updates.last().map(|u| u.body.clone()).unwrap_or_default(),
        ),
    ]);
    let (typed, kept_errors) = starting(kept, draft, Fields::clone);
    let title = RwSignal::new(typed.text("title"));
    let impact = RwSignal::new(typed.text("impact"));
    let began = RwSignal::new(typed.text("impact_started_at"));
    let body = RwSignal::new(typed.text("body"));
    let chosen = RwSignal::new(if typed.ticked("drafted_start") {
        ComponentChoice::from_fields(&typed).unwrap_or_default()
    } else {
        i.affected.clone()
    });
    let published = errors_or_kept(publish, kept_errors.clone());
    let discarded = errors_or_kept(discard, kept_errors);
    // Whichever was pressed last says why it was refused.
    let errors = Signal::derive(move || {
        if discard.value().with(|v| v.is_some()) {
            discarded.get()
        } else {
            published.get()
        }
    });
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Unchanged, it is sent blank so the draft keeps its exact start
        // (the field shows whole minutes).
        let typed = began.get_untracked();
        let impact_started_at = if typed == drafted_start {
            String::new()
        } else {
            typed
        };
        publish.dispatch(PublishDraftIncident {
            id,
            input: PublishIncident {
                title: title.get_untracked(),
                impact: Impact::parse(&impact.get_untracked()).unwrap_or(Impact::Minor),
                body: body.get_untracked(),
                components: chosen.get_untracked(),
                impact_started_at,
            },
        });
    };
    view! {
        <section class="card card-alert">
            <h2>"Draft: not public yet"</h2>
            <p class="muted">"Check the wording customers will read, then publish it to the status page and its subscribers — or discard it if customers were not affected."</p>
            <form class="form" method="post" action=format!("/incidents/{id}/publish") on:submit=submit novalidate>
                <FormErrors errors shown=PUBLISH_FIELDS />
                <input type="hidden" name="drafted_start" value=drafted_field />
                <label class="field">"Title" <input id="publish-title" name="title" value=typed.text("title") use:keep_typed=title bind:value=title required maxlength="200" aria-invalid=invalid("title") /><FieldError errors field="title" /></label>
                <div class="form-row">
                    <label class="field">"Impact"
                        <select id="publish-impact" name="impact" use:keep_typed=impact bind:value=impact>
                            {Impact::ALL.iter().map(|i| {
                                let selected = i.as_str() == typed.text("impact");
                                view! { <option value=i.as_str() selected=selected>{i.label()}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="impact" />
                    </label>
                    <label class="field">"Impact began (UTC)"
                        <input id="publish-began" name="impact_started_at" type="datetime-local" value=typed.text("impact_started_at") use:keep_typed=began bind:value=began aria-invalid=invalid("impact_started_at") />
                        <FieldError errors field="impact_started_at" />
                    </label>
                </div>
                <div class="columns-even columns">
                    <label class="field">"First update (markdown)" <textarea id="publish-body" name="body" rows="5" use:keep_typed=body bind:value=body aria-invalid=invalid("body")>{crate::ui::components::form::textarea_text(&typed.text("body"))}</textarea><FieldError errors field="body" /></label>
                    <div class="field"><span>"Preview"</span><Preview body /></div>
                </div>
                <div class="field"><span>"Affected components"</span><ComponentPicker components=i.components.clone() chosen /><FieldError errors field="components" /></div>
                <div class="row-actions">
                    <button type="submit" class="btn btn-primary" data-testid="publish-incident" disabled=move || publish.pending().get()>"Publish incident"</button>
                    <button type="submit" formaction=format!("/incidents/{id}/discard") class="btn btn-danger" on:click=move |ev| { ev.prevent_default(); discard.dispatch(DiscardIncident { id }); }>"Discard draft"</button>
                </div>
            </form>
        </section>
    }
}
