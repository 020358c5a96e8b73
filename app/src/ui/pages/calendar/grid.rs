//! The calendar's month grid and week grid, and how an entry reads on them.

use crate::domain::calendar::{is_weekend, Month};
use crate::model::{CalendarEntry, CalendarMonthView};
use crate::ui::components::kept_html::{kept_html, HtmlCache};
use crate::ui::format::time_of_day;
use chrono::{Duration, NaiveDate, Utc};
use leptos::prelude::*;

/// The month's grid, kept on the server for the same month, day and entries.
pub(super) fn month_grid(month: Month, view: CalendarMonthView) -> impl IntoView {
    static KEPT: HtmlCache<(Month, NaiveDate, CalendarMonthView)> = HtmlCache::new();
    let today = Utc::now().date_naive();
    kept_html(&KEPT, (month, today, view), |(month, today, view)| {
        view! { <MonthGrid month today view /> }
    })
}

/// The week's grid, kept on the server for the same week, day and entries.
pub(super) fn week_grid(monday: NaiveDate, view: CalendarMonthView) -> impl IntoView {
    static KEPT: HtmlCache<(NaiveDate, NaiveDate, CalendarMonthView)> = HtmlCache::new();
    let today = Utc::now().date_naive();
    kept_html(&KEPT, (monday, today, view), |(monday, today, view)| {
        view! { <WeekGrid monday today view /> }
    })
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
        time_of_day(e.start),
        time_of_day(e.end),
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
fn MonthGrid(month: Month, today: NaiveDate, view: CalendarMonthView) -> impl IntoView {
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
                                <span class="entry-time">{time_of_day(r.planned_at)}</span>
                                {format!(" {} {}", r.service, r.version)}
                            </a>
                        }).collect_view()}
                        {entries.iter().filter(|e| covers(e.start, e.end, day)).map(|e| view! {
                            <a class=entry_class(e) href=format!("/changes/{}", e.number) title=entry_title(e)>
                                <span class="entry-time">{time_of_day(e.start)}</span>
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
fn WeekGrid(monday: NaiveDate, today: NaiveDate, view: CalendarMonthView) -> impl IntoView {
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
                                        <span class="entry-time">{time_of_day(e.start)}</span>
                                        {format!(" CR-{} {}", e.number, e.title)}
                                    </a>
                                }
                            }).collect_view()}
                            {releases.iter().filter(|r| r.planned_at.date_naive() == day).map(|r| {
                                let top = day_share(r.planned_at, day);
                                view! {
                                    <a class="calendar-entry release week-entry week-release" href=format!("/releases/{}", r.id)
                                        style=format!("top: {top:.2}%") title=format!("{} · {}", r.status.label(), r.environments.join(", "))>
                                        <span class="entry-time">{time_of_day(r.planned_at)}</span>
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
