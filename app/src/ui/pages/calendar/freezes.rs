//! The calendar's freeze windows and the form that adds one.

use crate::domain::Fields;
use crate::model::{EnvironmentView, FreezeView};
use crate::server_fns::change_requests::{CreateFreeze, DeleteFreeze};
use crate::server_fns::forms::KeptForm;
use crate::ui::components::field::Field;
use crate::ui::components::form::{
    errors_or_kept, keep_typed, starting, EnvironmentPicker, FieldError, FormErrors,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// This month's freeze windows, and for release managers a form to add one.
#[component]
pub(super) fn Freezes(
    freezes: Vec<FreezeView>,
    manager: bool,
    environments: Vec<EnvironmentView>,
    create: ServerAction<CreateFreeze>,
    delete: ServerAction<DeleteFreeze>,
    /// A refused plain post of the form: what was typed and the messages.
    kept: Option<KeptForm>,
) -> impl IntoView {
    let open = kept.is_some();
    let (typed, kept_errors) = starting(kept, Fields::default(), Fields::clone);
    let chosen = RwSignal::new(typed.all("environments"));
    let starts = RwSignal::new(typed.text("starts_at"));
    let ends = RwSignal::new(typed.text("ends_at"));
    let reason = RwSignal::new(typed.text("reason"));
    let (typed_starts, typed_ends, typed_reason) = (
        typed.text("starts_at"),
        typed.text("ends_at"),
        typed.text("reason"),
    );
    let errors = errors_or_kept(create, kept_errors);
    // Cleared once a freeze is added.
    Effect::new(move |_| {
        if let Some(Ok(())) = create.value().get() {
            chosen.set(Vec::new());
            starts.set(String::new());
            ends.set(String::new());
            reason.set(String::new());
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateFreeze {
            environments: chosen.get_untracked(),
            starts_at: starts.get_untracked(),
            ends_at: ends.get_untracked(),
            reason: reason.get_untracked(),
        });
    };
    view! {
        <section class="card">
            <h2>"Freeze windows"</h2>
            {if freezes.is_empty() {
                view! { <p class="muted">"No freezes this month."</p> }.into_any()
            } else {
                view! {
                    <ul class="change-list" data-testid="freezes">
                        {freezes.into_iter().map(|f| {
                            let id = f.id;
                            view! {
                                <li>
                                    <span><strong>{f.reason}</strong>" · "{f.environments.join(", ")}</span>
                                    <span class="change-meta">
                                        <span class="muted small">{format!("{} – {}", crate::ui::format::datetime(f.starts_at), crate::ui::format::datetime(f.ends_at))}</span>
                                        {manager.then(|| view! {
                                            <button type="button" class="btn btn-danger btn-small" on:click=move |_| { delete.dispatch(DeleteFreeze { id }); }>"Lift"</button>
                                        })}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {manager.then(|| view! {
                <details class="freeze-form" open=open>
                    <summary>"Add a freeze window"</summary>
                    <form class="form" method="post" action="/calendar/freezes" on:submit=on_submit novalidate>
                        <FormErrors errors shown=&["environments", "starts_at", "ends_at", "reason"] />
                        <fieldset class="field">
                            <legend>"Environments"</legend>
                            <EnvironmentPicker environments=environments chosen=chosen id_prefix="freeze-env" />
                            <FieldError errors field="environments" />
                        </fieldset>
                        <div class="form-grid">
                            <Field label="Starts (UTC)" id="freeze-start" errors field="starts_at">
                                <input id="freeze-start" name="starts_at" type="datetime-local" value=typed_starts use:keep_typed=starts bind:value=starts />
                            </Field>
                            <Field label="Ends (UTC)" id="freeze-end" errors field="ends_at">
                                <input id="freeze-end" name="ends_at" type="datetime-local" value=typed_ends use:keep_typed=ends bind:value=ends />
                            </Field>
                        </div>
                        <Field label="Reason" id="freeze-reason" errors field="reason">
                            <input id="freeze-reason" name="reason" type="text" maxlength="500" placeholder="Holiday freeze" value=typed_reason use:keep_typed=reason bind:value=reason />
                        </Field>
                        <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Add freeze"</button>
                    </form>
                </details>
            })}
        </section>
    }
}
