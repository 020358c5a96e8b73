use crate::api::change_requests::{calendar_month, list_environments};
use crate::domain::calendar::{is_weekend, Month};
use crate::error::AppError;
use crate::model::CalendarEntry;
use chrono::{NaiveDate, Utc};
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
    let entries = Resource::new(
        move || (month().key(), env()),
        |(m, e)| calendar_month(m, e),
    );
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
                    let entries = entries.await?;
                    Ok::<_, AppError>(view! { <MonthGrid month=month() entries /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MonthGrid(month: Month, entries: Vec<CalendarEntry>) -> impl IntoView {
    let today = Utc::now().date_naive();
    let on = move |day: NaiveDate| -> Vec<CalendarEntry> {
        entries
            .iter()
            .filter(|e| {
                e.start.date_naive() <= day
                    && day <= (e.end - chrono::Duration::seconds(1)).date_naive()
            })
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
                view! {
                    <div class=class role="gridcell" data-date=day.to_string()>
                        <span class="day-number">{day.format("%-d").to_string()}</span>
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
