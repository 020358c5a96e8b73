//! Scheduled maintenance: announce a window (from a change request with the
//! maintenance flag, or from scratch) and move it along by hand.

use crate::domain::status_page::MaintenanceState;
use crate::domain::Fields;
use crate::error::AppError;
use crate::model::status_page::{ComponentView, MaintenanceInput, MaintenanceView};
use crate::server_fns::forms::{use_kept_form, KeptForm};
use crate::server_fns::status_page::{
    list_maintenance, maintenance_prefill, MoveMaintenance, ScheduleMaintenance,
};
use crate::ui::components::form::{
    errors_or_kept, keep_ticked, keep_typed, saves, FieldError, FormErrors,
};
use crate::ui::components::loaded::loads;
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

#[component]
pub fn MaintenancePage() -> impl IntoView {
    let query = use_query_map();
    let cr = move || query.with(|q| q.get("cr").and_then(|c| c.parse::<i64>().ok()));
    let schedule = ServerAction::<ScheduleMaintenance>::new();
    let schedule_saves = saves(schedule);
    let moving = ServerAction::<MoveMaintenance>::new();
    let moving_saves = saves(moving);
    let list = Resource::new(
        move || (schedule_saves.get(), moving_saves.get()),
        |_| list_maintenance(),
    );
    let prefill = Resource::new(cr, |cr| async move {
        match cr {
            Some(cr) => maintenance_prefill(cr).await.map(Some),
            None => Ok(None),
        }
    });
    // The announce form or a window's buttons posted before hydration and
    // refused come back here; a button's post names the move (`to`).
    let kept = use_kept_form();
    view! {
        <Title text="Maintenance" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Status page"</p>
                <h1>"Scheduled maintenance"</h1>
                <p class="muted">"Windows start and complete by themselves at their times; move them by hand to start early, verify or cancel. Components show under maintenance while a window is in progress."</p>
            </div>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {loads(move || async move {
                let list = list.await?;
                let prefill = prefill.await?;
                // Once the page sent a form itself, it starts afresh.
                let fresh = schedule.value().with_untracked(|v| v.is_none())
                    && moving.value().with_untracked(|v| v.is_none());
                let (kept_schedule, kept_moving) = match kept.await?.filter(|_| fresh) {
                    Some(k) if k.fields.ticked("to") => (None, Some(k)),
                    other => (other, None),
                };
                let kept_move = kept_moving.map(|k| k.errors).unwrap_or_default();
                let can_edit = list.can_edit;
                let components = list.components.clone();
                Ok::<_, AppError>(view! {
                    {move_error(moving, kept_move)}
                    {can_edit.then(|| view! { <ScheduleForm components=components.clone() prefill kept=kept_schedule schedule /> })}
                    <section class="card">
                        <h2>"Windows"</h2>
                        {if list.items.is_empty() {
                            view! { <p class="muted">"No maintenance scheduled."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="maintenance-list" data-testid="maintenance">
                                    {list.items.into_iter().map(|m| view! { <MaintenanceRow m can_edit moving /> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                })
            })}
        </Suspense>
    }
}

/// Moving a window is a button, not a form: its refusal goes on top (a
/// refused plain post's until a button is used).
fn move_error(
    moving: ServerAction<MoveMaintenance>,
    kept: BTreeMap<String, String>,
) -> impl IntoView {
    let errors = errors_or_kept(moving, kept);
    move || {
        let messages: Vec<String> = errors.with(|e| e.values().cloned().collect());
        (!messages.is_empty()).then(|| {
            view! {
                <div class="alert alert-error" role="alert" data-testid="move-error">
                    {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                </div>
            }
        })
    }
}

#[component]
fn MaintenanceRow(
    m: MaintenanceView,
    can_edit: bool,
    moving: ServerAction<MoveMaintenance>,
) -> impl IntoView {
    let id = m.id;
    let moves: Vec<MaintenanceState> = MaintenanceState::ALL
        .iter()
        .copied()
        .filter(|to| m.state.can_become(*to))
        .collect();
    let badge = match m.state {
        MaintenanceState::Scheduled => "badge badge-blue",
        MaintenanceState::InProgress | MaintenanceState::Verifying => "badge badge-purple",
        MaintenanceState::Completed => "badge badge-green",
        MaintenanceState::Cancelled => "badge badge-gray",
    };
    let names: Vec<String> = m.components.iter().map(|c| c.1.clone()).collect();
    view! {
        <li class="maintenance-item" data-state=m.state.as_str()>
            <div class="card-header">
                <div>
                    <a href=format!("/status/maintenance/{}", m.id) target="_blank" rel="noopener"><strong>{format!("MW-{} {}", m.number, m.title)}</strong></a>
                    <span class=badge>{m.state.label()}</span>
                    {m.change_request.map(|n| view! { <a class="badge badge-gray" href=format!("/changes/{n}")>{format!("CR-{n}")}</a> })}
                    <div class="small muted">{format!("{} → {} · {}", format::datetime(m.starts_at), format::datetime(m.ends_at), names.join(", "))}</div>
                </div>
                {can_edit.then(|| view! {
                    <form class="row-actions" method="post" action=format!("/maintenance/{id}/move")>
                        {moves.into_iter().map(|to| {
                            let label = match to {
                                MaintenanceState::InProgress => "Start now",
                                MaintenanceState::Verifying => "Verifying",
                                MaintenanceState::Completed => "Complete",
                                MaintenanceState::Cancelled => "Cancel",
                                MaintenanceState::Scheduled => "Reschedule",
                            };
                            view! { <button type="submit" name="to" value=to.as_str() class="btn btn-ghost btn-small" on:click=move |ev| { ev.prevent_default(); moving.dispatch(MoveMaintenance { id, to: to.as_str().into(), message: String::new() }); }>{label}</button> }
                        }).collect_view()}
                    </form>
                })}
            </div>
            <div class="rendered small" inner_html=m.description_html.clone()></div>
        </li>
    }
}

/// The fields the schedule form shows a message beside; any other (the
/// change request it came from, say) goes on top.
const SCHEDULE_FIELDS: &[&str] = &["title", "starts_at", "ends_at", "description", "components"];

#[component]
fn ScheduleForm(
    components: Vec<ComponentView>,
    prefill: Option<MaintenanceInput>,
    /// A refused plain post of the form: what was typed and the messages.
    kept: Option<KeptForm>,
    schedule: ServerAction<ScheduleMaintenance>,
) -> impl IntoView {
    let (input, kept_errors) = match kept {
        Some(kept) => (typed_window(&kept.fields), kept.errors),
        None => (prefill.unwrap_or_default(), Default::default()),
    };
    let from_cr = input.change_request;
    let title = RwSignal::new(input.title.clone());
    let description = RwSignal::new(input.description.clone());
    let starts = RwSignal::new(input.starts_at.clone());
    let ends = RwSignal::new(input.ends_at.clone());
    let chosen = RwSignal::new(input.components.clone());
    let errors = errors_or_kept(schedule, kept_errors);
    Effect::new(move |_| {
        if let Some(Ok(_)) = schedule.value().get() {
            title.set(String::new());
            description.set(String::new());
        }
    });
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        schedule.dispatch(ScheduleMaintenance {
            input: MaintenanceInput {
                title: title.get_untracked(),
                description: description.get_untracked(),
                starts_at: starts.get_untracked(),
                ends_at: ends.get_untracked(),
                components: chosen.get_untracked(),
                change_request: from_cr,
            },
        });
    };
    view! {
        <section class="card">
            <h2>{match from_cr { Some(n) => format!("Announce maintenance for CR-{n}"), None => "Announce maintenance".to_string() }}</h2>
            <form class="form" method="post" action="/maintenance" on:submit=submit novalidate>
                <FormErrors errors shown=SCHEDULE_FIELDS />
                {from_cr.map(|n| view! { <input type="hidden" name="change_request" value=n.to_string() /> })}
                <label class="field">"Title" <input id="mw-title" name="title" value=input.title.clone() use:keep_typed=title bind:value=title required maxlength="200" aria-invalid=invalid("title") /><FieldError errors field="title" /></label>
                <div class="form-row">
                    <label class="field">"Starts (UTC)" <input id="mw-start" name="starts_at" type="datetime-local" value=input.starts_at.clone() use:keep_typed=starts bind:value=starts required aria-invalid=invalid("starts_at") /><FieldError errors field="starts_at" /></label>
                    <label class="field">"Ends (UTC)" <input id="mw-end" name="ends_at" type="datetime-local" value=input.ends_at.clone() use:keep_typed=ends bind:value=ends required aria-invalid=invalid("ends_at") /><FieldError errors field="ends_at" /></label>
                </div>
                <label class="field">"What customers should expect (markdown)" <textarea id="mw-description" name="description" rows="3" use:keep_typed=description bind:value=description aria-invalid=invalid("description")>{crate::ui::components::form::textarea_text(&input.description.clone())}</textarea><FieldError errors field="description" /></label>
                <div class="field"><span>"Affected components"</span>
                    <div class="role-picker">
                        {components.into_iter().map(|c| {
                            let id = c.id;
                            let tick = Callback::new(move |on: bool| {
                                chosen.update(|l| { l.retain(|x| *x != id); if on { l.push(id); } });
                            });
                            let initially = input.components.contains(&id);
                            view! {
                                <label class="check"><input type="checkbox" name="components" value=id.to_string() checked=initially use:keep_ticked=tick prop:checked=move || chosen.with(|l| l.contains(&id)) on:change=move |ev| tick.run(event_target_checked(&ev)) />{c.name}</label>
                            }
                        }).collect_view()}
                    </div>
                    <FieldError errors field="components" />
                </div>
                <div class="row-actions"><button type="submit" class="btn btn-primary" disabled=move || schedule.pending().get()>"Announce window"</button></div>
            </form>
        </section>
    }
}

/// The announce form as a refused plain post kept it, for showing again:
/// a component box that does not read is left out.
fn typed_window(fields: &Fields) -> MaintenanceInput {
    MaintenanceInput {
        title: fields.text("title"),
        description: fields.text("description"),
        starts_at: fields.text("starts_at"),
        ends_at: fields.text("ends_at"),
        components: fields
            .all("components")
            .iter()
            .filter_map(|id| id.trim().parse().ok())
            .collect(),
        change_request: fields.text("change_request").trim().parse().ok(),
    }
}
