//! The release calendar page: its query, header and filters here; the
//! month and week grids (`grid`), freeze windows (`freezes`) and the feed
//! link (`subscribe`) in their own files.

mod freezes;
mod grid;
mod subscribe;

use crate::domain::calendar::{monday_of, week_of, Month};
use crate::error::AppError;
use crate::model::CalendarMonthView;
use crate::server_fns::catalog::list_services;
use crate::server_fns::change_requests::{
    calendar_month, calendar_week, list_environments, CreateFreeze, DeleteFreeze,
};
use crate::server_fns::forms::use_kept_form;
use crate::ui::components::form::saves;
use crate::ui::components::kept_json::KeptJson;
use crate::ui::components::loaded::{loads, once_per_response};
use crate::ui::components::query_link::QueryLink;
use crate::ui::UserResource;
use chrono::{Duration, NaiveDate, Utc};
use freezes::Freezes;
use grid::{month_grid, week_grid};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use subscribe::Subscribe;

/// The calendar's query: view, period and filters.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Shown {
    week: bool,
    month: Month,
    monday: NaiveDate,
    env: String,
    service: String,
}

impl Shown {
    /// The calendar at `month` (or the week of `monday`) with these filters.
    fn link(&self, week: bool, month: Month, monday: NaiveDate) -> String {
        let link = if week {
            QueryLink::new("/calendar")
                .param("view", "week")
                .param("day", monday.to_string())
        } else {
            QueryLink::new("/calendar").param("month", month.key())
        };
        link.param("env", self.env.clone())
            .param("service", self.service.clone())
            .href()
    }
}

/// The release calendar: a month or a week of releases, approved and
/// scheduled changes, maintenance and freeze windows, with conflicts (same
/// environment and service at the same time, or inside a freeze) marked.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let shown = Memo::new(move |_| {
        query.with(|q| {
            let today = Utc::now().date_naive();
            let day = q.get("day").and_then(|d| week_of(&d).ok());
            let month = q
                .get("month")
                .and_then(|m| Month::parse(&m).ok())
                .or_else(|| day.map(Month::of_week))
                .unwrap_or_else(|| Month::of(today));
            let monday = day.unwrap_or_else(|| {
                if Month::of(today) == month {
                    monday_of(today)
                } else {
                    monday_of(month.first_day())
                }
            });
            Shown {
                week: q.get("view").as_deref() == Some("week"),
                month,
                monday,
                env: q.get("env").unwrap_or_default(),
                service: q.get("service").unwrap_or_default(),
            }
        })
    });
    let create_freeze = ServerAction::<CreateFreeze>::new();
    // A freeze posted before hydration and refused comes back here.
    let kept = use_kept_form();
    let create_freeze_saves = saves(create_freeze);
    let delete_freeze = ServerAction::<DeleteFreeze>::new();
    let delete_freeze_saves = saves(delete_freeze);
    let entries = Resource::<_, KeptJson>::new_with_options(
        move || {
            (
                shown.get(),
                create_freeze_saves.get(),
                delete_freeze_saves.get(),
            )
        },
        |(s, _, _)| async move {
            if s.week {
                calendar_week(s.monday.to_string(), s.env, s.service).await
            } else {
                calendar_month(s.month.key(), s.env, s.service).await
            }
        },
        false,
    );
    let UserResource(user) = expect_context::<UserResource>();
    let environments = Resource::new(|| (), |_| list_environments());
    let services = Resource::new(|| (), |_| list_services());
    let title = move || {
        let s = shown.get();
        if s.week {
            let sunday = s.monday + Duration::days(6);
            format!(
                "Week of {} – {}",
                s.monday.format("%-d %b"),
                sunday.format("%-d %b %Y")
            )
        } else {
            s.month.title()
        }
    };
    let previous = move || {
        let s = shown.get();
        if s.week {
            let m = s.monday - Duration::days(7);
            s.link(true, Month::of(m), m)
        } else {
            let m = s.month.previous();
            s.link(false, m, monday_of(m.first_day()))
        }
    };
    let next = move || {
        let s = shown.get();
        if s.week {
            let m = s.monday + Duration::days(7);
            s.link(true, Month::of(m), m)
        } else {
            let m = s.month.next();
            s.link(false, m, monday_of(m.first_day()))
        }
    };
    let today = move || {
        let s = shown.get();
        let now = Utc::now().date_naive();
        s.link(s.week, Month::of(now), monday_of(now))
    };

    view! {
        <Title text="Calendar" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Planning"</p>
                <h1 data-testid="calendar-title">{title}</h1>
            </div>
            <nav class="row-actions" aria-label="Periods">
                <span class="segmented" role="group" aria-label="View">
                    <a class="btn btn-small" class:btn-primary=move || !shown.get().week class:btn-ghost=move || shown.get().week
                        href=move || { let s = shown.get(); s.link(false, Month::of_week(s.monday), s.monday) }>"Month"</a>
                    <a class="btn btn-small" class:btn-primary=move || shown.get().week class:btn-ghost=move || !shown.get().week
                        href=move || { let s = shown.get(); s.link(true, s.month, s.monday) }>"Week"</a>
                </span>
                <a class="btn btn-ghost btn-small" href=previous>"← Previous"</a>
                <a class="btn btn-ghost btn-small" href=today>"Today"</a>
                <a class="btn btn-ghost btn-small" href=next>"Next →"</a>
            </nav>
        </header>
        <form class="card filters" method="get" action="/calendar">
            <input type="hidden" name="view" value=move || if shown.get().week { "week" } else { "month" } />
            <input type="hidden" name="month" value=move || shown.get().month.key() />
            <input type="hidden" name="day" value=move || shown.get().monday.to_string() />
            <div class="field">
                <label for="calendar-env">"Environment"</label>
                <Suspense fallback=|| view! { <select id="calendar-env" name="env" disabled><option>"All environments"</option></select> }>
                    {once_per_response(move || Suspend::new(async move {
                        let list = environments.await.unwrap_or_default();
                        view! {
                            <select id="calendar-env" name="env">
                                <option value="">"All environments"</option>
                                {list.into_iter().map(|e| {
                                    let key = e.key.clone();
                                    view! { <option value=e.key selected=move || shown.get().env == key>{e.name}</option> }
                                }).collect_view()}
                            </select>
                        }
                    }))}
                </Suspense>
            </div>
            <div class="field">
                <label for="calendar-service">"Service"</label>
                <Suspense fallback=|| view! { <select id="calendar-service" name="service" disabled><option>"All services"</option></select> }>
                    {once_per_response(move || Suspend::new(async move {
                        let list = services.await.unwrap_or_default();
                        view! {
                            <select id="calendar-service" name="service">
                                <option value="">"All services"</option>
                                {list.into_iter().map(|s| {
                                    let key = s.key.clone();
                                    view! { <option value=s.key selected=move || shown.get().service == key>{s.name}</option> }
                                }).collect_view()}
                            </select>
                        }
                    }))}
                </Suspense>
            </div>
            <button type="submit" class="btn btn-ghost">"Show"</button>
            <p class="legend muted small">
                <span class="legend-item release">"Release"</span>
                <span class="legend-item scheduled">"Scheduled"</span>
                <span class="legend-item approved">"Approved, not yet scheduled"</span>
                <span class="legend-item maintenance">"Maintenance window"</span>
                <span class="legend-item conflict">"Conflict"</span>
                <span class="legend-item freeze">"Freeze"</span>
            </p>
        </form>
        <section class="card calendar-card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let view = entries.await?;
                    let s = shown.get_untracked();
                    Ok::<_, AppError>(if s.week {
                        week_grid(s.monday, view).into_any()
                    } else {
                        month_grid(s.month, view).into_any()
                    })
                })}
            </Suspense>
        </section>
        <Suspense>
            {once_per_response(move || Suspend::new(async move {
                let manager = user
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.may(crate::domain::Permission::Schedule));
                let view = entries.await.unwrap_or(CalendarMonthView { entries: vec![], freezes: vec![], releases: vec![], hidden: vec![] });
                let environments = environments.await.unwrap_or_default();
                let kept = kept.await.ok().flatten();
                view! { <Freezes freezes=view.freezes manager environments create=create_freeze delete=delete_freeze kept /> }
            }))}
        </Suspense>
        <Subscribe />
    }
}

/// The month's entries go into every calendar page for hydration; the
/// server keeps their JSON while they stay the same (`kept_json`).
impl crate::ui::components::kept_json::KeepsJson for CalendarMonthView {
    fn kept() -> &'static crate::ui::components::kept_json::JsonCache<Self> {
        static KEPT: crate::ui::components::kept_json::JsonCache<CalendarMonthView> =
            crate::ui::components::kept_json::JsonCache::new();
        &KEPT
    }
}
