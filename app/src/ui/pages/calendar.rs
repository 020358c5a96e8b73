//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use crate::api::catalog::list_services;
use crate::api::change_requests::{
    calendar_feed_status, calendar_month, calendar_week, list_environments, CreateFreeze,
    DeleteFreeze, ResetCalendarFeed,
};
use crate::api::forms::{use_kept_form, KeptForm};
use crate::domain::calendar::{is_weekend, monday_of, week_of, Month};
use crate::domain::Fields;
use crate::error::AppError;
use crate::model::{CalendarEntry, CalendarMonthView, EnvironmentView, FreezeView};
use crate::ui::components::form::{
    errors_or_kept, starting, EnvironmentPicker, FieldError, FormErrors,
};
use crate::ui::components::form::{keep_typed, saves};
use crate::ui::components::loaded::loaded;
use crate::ui::UserResource;
use chrono::{Duration, NaiveDate, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
    fn link(&self, week: bool, month: Month, monday: NaiveDate) -> String {
        let mut parts = vec![if week {
            format!("view=week&day={monday}")
        } else {
            format!("month={}", month.key())
        }];
        if !self.env.is_empty() {
            parts.push(format!(
                "env={}",
                crate::domain::encode_query_value(&self.env)
            ));
        }
        if !self.service.is_empty() {
            parts.push(format!(
                "service={}",
                crate::domain::encode_query_value(&self.service)
            ));
        }
        format!("/calendar?{}", parts.join("&"))
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
    let entries = Resource::new(
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
                    {move || Suspend::new(async move {
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
                    })}
                </Suspense>
            </div>
            <div class="field">
                <label for="calendar-service">"Service"</label>
                <Suspense fallback=|| view! { <select id="calendar-service" name="service" disabled><option>"All services"</option></select> }>
                    {move || Suspend::new(async move {
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
                    })}
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
                {move || loaded(async move {
                    let view = entries.await?;
                    let s = shown.get_untracked();
                    Ok::<_, AppError>(if s.week {
                        view! { <WeekGrid monday=s.monday view /> }.into_any()
                    } else {
                        view! { <MonthGrid month=s.month view /> }.into_any()
                    })
                })}
            </Suspense>
        </section>
        <Suspense>
            {move || Suspend::new(async move {
                let manager = user.await.ok().flatten().is_some_and(|u| {
                    u.is_admin() || u.has(crate::domain::Role::ReleaseManager)
                });
                let view = entries.await.unwrap_or(CalendarMonthView { entries: vec![], freezes: vec![], releases: vec![], hidden: vec![] });
                let environments = environments.await.unwrap_or_default();
                let kept = kept.await.ok().flatten();
                view! { <Freezes freezes=view.freezes manager environments create=create_freeze delete=delete_freeze kept /> }
            })}
        </Suspense>
        <Subscribe />
    }
}

fn covers(start: chrono::DateTime<Utc>, end: chrono::DateTime<Utc>, day: NaiveDate) -> bool {
    start.date_naive() <= day && day <= (end - chrono::Duration::seconds(1)).date_naive()
}

fn entry_class(e: &CalendarEntry) -> String {
    format!(
        "calendar-entry {}{}{}",
        e.status.as_str(),
        if e.maintenance { " maintenance" } else { "" },
        if e.conflicts.is_empty() {
            ""
        } else {
            " conflict"
        },
    )
}

fn entry_title(e: &CalendarEntry) -> String {
    let mut title = format!(
        "{} – {} UTC · {}",
        e.start.format("%H:%M"),
        e.end.format("%H:%M"),
        e.environments.join(", ")
    );
    if e.maintenance {
        title.push_str(" · maintenance window");
    }
    for c in &e.conflicts {
        title.push_str(" · ");
        title.push_str(c);
    }
    title
}

#[component]
fn MonthGrid(month: Month, view: CalendarMonthView) -> impl IntoView {
    let today = Utc::now().date_naive();
    let CalendarMonthView {
        entries,
        freezes,
        releases,
        hidden,
    } = view;
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
                view! {
                    <div class=class role="gridcell" data-date=day.to_string()>
                        <span class="day-number">{day.format("%-d").to_string()}</span>
                        {freezes.iter().filter(|f| covers(f.starts_at, f.ends_at, day)).map(|f| view! {
                            <span class="calendar-freeze" title=format!("Freeze on {}: {}", f.environments.join(", "), f.reason)>
                                {format!("Freeze · {}", f.environments.join(", "))}
                            </span>
                        }).collect_view()}
                        {releases.iter().filter(|r| r.planned_at.date_naive() == day).map(|r| view! {
                            <a class="calendar-entry release" href=format!("/releases/{}", r.id) title=format!("{} · {}", r.status.label(), r.environments.join(", "))>
                                <span class="entry-time">{r.planned_at.format("%H:%M").to_string()}</span>
                                {format!(" {} {}", r.service, r.version)}
                            </a>
                        }).collect_view()}
                        {entries.iter().filter(|e| covers(e.start, e.end, day)).map(|e| view! {
                            <a class=entry_class(e) href=format!("/changes/{}", e.number) title=entry_title(e)>
                                <span class="entry-time">{e.start.format("%H:%M").to_string()}</span>
                                {format!(" CR-{} {}", e.number, e.title)}
                            </a>
                        }).collect_view()}
                        {hidden.iter().find(|(d, _)| *d == day).map(|(_, n)| view! {
                            <a class="calendar-more" href=format!("/calendar?view=week&day={day}")>{format!("+{n} more")}</a>
                        })}
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// Minutes since midnight of `at` clamped to `day`, as a share of the day.
fn day_share(at: chrono::DateTime<Utc>, day: NaiveDate) -> f64 {
    let start = day.and_time(chrono::NaiveTime::MIN).and_utc();
    let minutes = (at - start).num_minutes().clamp(0, 1440);
    minutes as f64 / 1440.0 * 100.0
}

/// A week as seven day columns on a 24-hour axis: each change spans its
/// window, releases sit at their planned time, freezes shade the columns.
#[component]
fn WeekGrid(monday: NaiveDate, view: CalendarMonthView) -> impl IntoView {
    let today = Utc::now().date_naive();
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let CalendarMonthView {
        entries,
        freezes,
        releases,
        hidden,
    } = view;
    view! {
        <div class="week" data-testid="calendar-week">
            <div class="week-hours" aria-hidden="true">
                <div class="week-head"></div>
                <div class="week-axis">
                    {(0..24).step_by(3).map(|h| view! { <span style=format!("top: {}%", h as f64 / 24.0 * 100.0)>{format!("{h:02}:00")}</span> }).collect_view()}
                </div>
            </div>
            {days.into_iter().map(|day| {
                let class = format!("week-day{}{}", if is_weekend(day) { " weekend" } else { "" }, if day == today { " today" } else { "" });
                let lanes = std::cell::Cell::new(0usize);
                view! {
                    <div class=class data-date=day.to_string()>
                        <div class="week-head">
                            {day.format("%a %-d").to_string()}
                            {hidden.iter().find(|(d, _)| *d == day).map(|(_, n)| view! { <span class="week-more" title="Not all fit: filter by environment or service">{format!(" +{n}")}</span> })}
                        </div>
                        <div class="week-body">
                            {freezes.iter().filter(|f| covers(f.starts_at, f.ends_at, day)).map(|f| {
                                let top = day_share(f.starts_at, day);
                                let bottom = day_share(f.ends_at, day);
                                view! {
                                    <span class="week-freeze" style=format!("top: {top:.2}%; height: {:.2}%", (bottom - top).max(0.5))
                                        title=format!("Freeze on {}: {}", f.environments.join(", "), f.reason)></span>
                                }
                            }).collect_view()}
                            {entries.iter().filter(|e| covers(e.start, e.end, day)).map(|e| {
                                let top = day_share(e.start, day);
                                let bottom = day_share(e.end, day);
                                let lane = lanes.get();
                                lanes.set(lane + 1);
                                view! {
                                    <a class=format!("{} week-entry", entry_class(e)) href=format!("/changes/{}", e.number) title=entry_title(e)
                                        style=format!("top: {top:.2}%; height: {:.2}%; left: {}%", (bottom - top).max(2.5), (lane % 3) * 8)>
                                        <span class="entry-time">{e.start.format("%H:%M").to_string()}</span>
                                        {format!(" CR-{} {}", e.number, e.title)}
                                    </a>
                                }
                            }).collect_view()}
                            {releases.iter().filter(|r| r.planned_at.date_naive() == day).map(|r| {
                                let top = day_share(r.planned_at, day);
                                view! {
                                    <a class="calendar-entry release week-entry week-release" href=format!("/releases/{}", r.id)
                                        style=format!("top: {top:.2}%") title=format!("{} · {}", r.status.label(), r.environments.join(", "))>
                                        <span class="entry-time">{r.planned_at.format("%H:%M").to_string()}</span>
                                        {format!(" {} {}", r.service, r.version)}
                                    </a>
                                }
                            }).collect_view()}
                        </div>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// The caller's secret iCalendar link for Google Calendar, Outlook or
/// Apple Calendar.
#[component]
fn Subscribe() -> impl IntoView {
    let reset = ServerAction::<ResetCalendarFeed>::new();
    let reset_saves = saves(reset);
    let status = Resource::new(move || reset_saves.get(), |_| calendar_feed_status());
    view! {
        <section class="card" data-testid="calendar-subscribe">
            <h2>"Subscribe in your calendar"</h2>
            <p class="muted small">"A private link to an iCalendar feed of releases, changes and freezes (30 days back, 180 ahead). Anyone with the link can read it: keep it secret, and make a new one if it leaks."</p>
            {move || reset.value().get().and_then(|r| r.ok()).and_then(|s| s.url).map(|url| view! {
                <div class="alert alert-success" role="status">
                    <p>"Your new link (shown once):"</p>
                    <input class="mono" type="text" readonly value=url data-testid="feed-url" />
                </div>
            })}
            <Suspense>
                {move || Suspend::new(async move {
                    let has = status.await.ok().and_then(|s| s.created_at);
                    view! {
                        <p class="small">{match has {
                            Some(at) => format!("You have a link made {}.", crate::ui::format::datetime(at)),
                            None => "You have no link yet.".to_string(),
                        }}</p>
                        <button type="button" class="btn btn-ghost" disabled=move || reset.pending().get()
                            on:click=move |_| { reset.dispatch(ResetCalendarFeed {}); }>
                            {if has.is_some() { "Make a new link (the old one stops working)" } else { "Make my link" }}
                        </button>
                    }
                })}
            </Suspense>
        </section>
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
    /// A refused plain post of the form: what was typed and the messages.
    kept: Option<KeptForm>,
) -> impl IntoView {
    let open = kept.is_some();
    let (typed, kept_errors) = starting(kept, Fields::default(), Fields::clone);
    let chosen = RwSignal::new(typed.all("environments"));
    let starts = RwSignal::new(typed.text("starts_at"));
    let ends = RwSignal::new(typed.text("ends_at"));
    let reason = RwSignal::new(typed.text("reason"));
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
                            <div class="field">
                                <label for="freeze-start">"Starts (UTC)"</label>
                                <input id="freeze-start" name="starts_at" type="datetime-local" value=typed.text("starts_at") use:keep_typed=starts bind:value=starts />
                                <FieldError errors field="starts_at" />
                            </div>
                            <div class="field">
                                <label for="freeze-end">"Ends (UTC)"</label>
                                <input id="freeze-end" name="ends_at" type="datetime-local" value=typed.text("ends_at") use:keep_typed=ends bind:value=ends />
                                <FieldError errors field="ends_at" />
                            </div>
                        </div>
                        <div class="field">
                            <label for="freeze-reason">"Reason"</label>
                            <input id="freeze-reason" name="reason" type="text" maxlength="500" placeholder="Holiday freeze" value=typed.text("reason") use:keep_typed=reason bind:value=reason />
                            <FieldError errors field="reason" />
                        </div>
                        <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Add freeze"</button>
                    </form>
                </details>
            })}
        </section>
    }
}
