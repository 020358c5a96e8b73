//! The caller's calendar feed link.

use crate::server_fns::change_requests::{calendar_feed_status, ResetCalendarFeed};
use crate::ui::components::form::saves;
use leptos::prelude::*;

/// The caller's secret iCalendar link for Google Calendar, Outlook or
/// Apple Calendar.
#[component]
pub(super) fn Subscribe() -> impl IntoView {
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
