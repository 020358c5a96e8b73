use crate::api::change_requests::{calendar_month, list_environments, CreateFreeze, DeleteFreeze};
use crate::domain::calendar::{is_weekend, Month};
use crate::error::AppError;
use crate::model::{CalendarEntry, CalendarMonthView, EnvironmentView, FreezeView};
use crate::ui::UserResource;
use chrono::{NaiveDate, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The release calendar: a month of approved and scheduled changes, with
/// conflicts (same environment and service at the same time) marked.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let month = move || {
        query
            .with(|q| q.get("month"))
            .and_then(|m| Month::parse(&m).ok())
            .unwrap_or_else(|| Month::of(Utc::now().date_naive()))
    };
    let env = move || query.with(|q| q.get("env").unwrap_or_default());
    let create_freeze = ServerAction::<CreateFreeze>::new();
    let delete_freeze = ServerAction::<DeleteFreeze>::new();
    let entries = Resource::new(
        move || {
            (
                month().key(),
                env(),
                create_freeze.version().get(),
                delete_freeze.version().get(),
            )
        },
        |(m, e, _, _)| calendar_month(m, e),
    );
    let UserResource(user) = expect_context::<UserResource>();
    let environments = Resource::new(|| (), |_| list_environments());
    let link = move |m: Month| {
        let env = env();
        if env.is_empty() {
            format!("/calendar?month={}", m.key())
        } else {
            format!("/calendar?month={}&env={env}", m.key())
        }
    };

    view! {
        <Title text="Calendar" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Planning"</p>
                <h1>{move || month().title()}</h1>
            </div>
            <nav class="row-actions" aria-label="Months">
                <a class="btn btn-ghost btn-small" href=move || link(month().previous())>"← Previous"</a>
                <a class="btn btn-ghost btn-small" href=move || link(Month::of(Utc::now().date_naive()))>"Today"</a>
                <a class="btn btn-ghost btn-small" href=move || link(month().next())>"Next →"</a>
            </nav>
        </header>
        <form class="card filters" method="get" action="/calendar">
            <input type="hidden" name="month" value=move || month().key() />
            <div class="field">
                <label for="calendar-env">"Environment"</label>
                <Suspense fallback=|| view! { <select id="calendar-env" name="env" disabled><option>"All environments"</option></select> }>
                    {move || Suspend::new(async move {
                        let list = environments.await.unwrap_or_default();
                        view! {
                            <select id="calendar-env" name="env">
                                <option value="">"All environments"</option>
                                {list.into_iter().map(|e| {
                                    let key = e.key.clone();
                                    view! { <option value=e.key selected=move || env() == key>{e.name}</option> }
                                }).collect_view()}
                            </select>
                        }
                    })}
                </Suspense>
            </div>
            <button type="submit" class="btn btn-ghost">"Show"</button>
            <p class="legend muted small">
                <span class="legend-item scheduled">"Scheduled"</span>
                <span class="legend-item approved">"Approved, not yet scheduled"</span>
                <span class="legend-item conflict">"Conflict"</span>
            </p>
        </form>
        <section class="card calendar-card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let view = entries.await?;
                    Ok::<_, AppError>(view! { <MonthGrid month=month() view /> })
                })}
            </Suspense>
        </section>
        <Suspense>
            {move || Suspend::new(async move {
                let manager = user.await.ok().flatten().is_some_and(|u| {
                    u.is_admin() || u.has(crate::domain::Role::ReleaseManager)
                });
                let view = entries.await.unwrap_or(CalendarMonthView { entries: vec![], freezes: vec![] });
                let environments = environments.await.unwrap_or_default();
                view! { <Freezes freezes=view.freezes manager environments create=create_freeze delete=delete_freeze /> }
            })}
        </Suspense>
    }
}

fn covers(start: chrono::DateTime<Utc>, end: chrono::DateTime<Utc>, day: NaiveDate) -> bool {
    start.date_naive() <= day && day <= (end - chrono::Duration::seconds(1)).date_naive()
}

#[component]
fn MonthGrid(month: Month, view: CalendarMonthView) -> impl IntoView {
    let today = Utc::now().date_naive();
    let CalendarMonthView { entries, freezes } = view;
    let on = move |day: NaiveDate| -> Vec<CalendarEntry> {
        entries
            .iter()
            .filter(|e| covers(e.start, e.end, day))
            .cloned()
            .collect()
    };
    let frozen = move |day: NaiveDate| -> Vec<FreezeView> {
        freezes
            .iter()
            .filter(|f| covers(f.starts_at, f.ends_at, day))
            .cloned()
            .collect()
    };
    view! {
        <div class="calendar" role="grid" aria-label=month.title() data-testid="calendar">
            {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(|d| view! { <div class="calendar-head" role="columnheader">{d}</div> }).collect_view()}
            {month.weeks().into_iter().flatten().map(|day| {
                let class = format!(
                    "calendar-day{}{}{}",
                    if Month::of(day) != month { " other-month" } else { "" },
                    if is_weekend(day) { " weekend" } else { "" },
                    if day == today { " today" } else { "" },
                );
                let items = on(day);
                let day_freezes = frozen(day);
                view! {
                    <div class=class role="gridcell" data-date=day.to_string()>
                        <span class="day-number">{day.format("%-d").to_string()}</span>
                        {day_freezes.into_iter().map(|f| view! {
                            <span class="calendar-freeze" title=format!("Freeze on {}: {}", f.environments.join(", "), f.reason)>
                                {format!("Freeze · {}", f.environments.join(", "))}
                            </span>
                        }).collect_view()}
                        {items.into_iter().map(|e| {
                            let css = format!(
                                "calendar-entry {}{}",
                                e.status.as_str(),
                                if e.conflicts.is_empty() { "" } else { " conflict" },
                            );
                            let title = if e.conflicts.is_empty() {
                                format!("{} – {} UTC · {}", e.start.format("%H:%M"), e.end.format("%H:%M"), e.environments.join(", "))
                            } else {
                                e.conflicts.join(" ")
                            };
                            view! {
                                <a class=css href=format!("/changes/{}", e.number) title=title>
                                    <span class="entry-time">{e.start.format("%H:%M").to_string()}</span>
                                    {format!(" CR-{} {}", e.number, e.title)}
                                </a>
                            }
                        }).collect_view()}
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// This month's freeze windows, and for release managers a form to add one.
#[component]
fn Freezes(
    freezes: Vec<FreezeView>,
    manager: bool,
    environments: Vec<EnvironmentView>,
    create: ServerAction<CreateFreeze>,
    delete: ServerAction<DeleteFreeze>,
) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<String>::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = move || {
        create
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| match &e {
                AppError::Validation { fields, message } => fields
                    .values()
                    .next()
                    .cloned()
                    .unwrap_or_else(|| message.clone()),
                other => other.to_string(),
            })
    };
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
                <details class="freeze-form">
                    <summary>"Add a freeze window"</summary>
                    <form class="form" on:submit=on_submit novalidate>
                        {move || error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                        <fieldset class="field">
                            <legend>"Environments"</legend>
                            <div class="role-picker">
                                {environments.into_iter().map(|env| {
                                    let key = env.key.clone();
                                    let id = format!("freeze-env-{}", env.key);
                                    let label_for = id.clone();
                                    view! {
                                        <label for=label_for class="check">
                                            <input type="checkbox" id=id on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let key = key.clone();
                                                chosen.update(|s| { s.retain(|k| *k != key); if on { s.push(key); } });
                                            } />
                                            <span>{env.name}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <div class="form-grid">
                            <div class="field">
                                <label for="freeze-start">"Starts (UTC)"</label>
                                <input id="freeze-start" type="datetime-local" bind:value=starts />
                            </div>
                            <div class="field">
                                <label for="freeze-end">"Ends (UTC)"</label>
                                <input id="freeze-end" type="datetime-local" bind:value=ends />
                            </div>
                        </div>
                        <div class="field">
                            <label for="freeze-reason">"Reason"</label>
                            <input id="freeze-reason" type="text" maxlength="500" placeholder="Holiday freeze" bind:value=reason />
                        </div>
                        <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Add freeze"</button>
                    </form>
                </details>
            })}
        </section>
    }
}
