//! The history of a change request or a release, oldest first.

use crate::ui::format;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// One step on a [`Timeline`].
#[derive(Clone, Debug)]
pub struct TimelineEntry {
    /// What happened, in words ("Draft → Submitted").
    pub what: String,
    /// Who did it.
    pub actor: String,
    /// The note given with it.
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// `<ol class="timeline">`: each entry with its dot, who and when.
#[component]
pub fn Timeline(
    /// The list's `data-testid` (`cr-timeline`).
    testid: &'static str,
    entries: Vec<TimelineEntry>,
) -> impl IntoView {
    view! {
        <ol class="timeline" data-testid=testid>
            {entries.into_iter().map(|e| view! {
                <li>
                    <span class="timeline-dot" aria-hidden="true"></span>
                    <div>
                        <strong>{e.what}</strong><span class="muted">" by "{e.actor}</span>
                        {e.note.map(|n| view! { <div class="small">{n}</div> })}
                        <div class="muted small">{format::datetime(e.at)}</div>
                    </div>
                </li>
            }).collect_view()}
        </ol>
    }
}
