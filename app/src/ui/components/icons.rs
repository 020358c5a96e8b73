//! Inline SVG icons (no icon font to download).

use leptos::prelude::*;

#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="8" fill="#1f2a44" />
            <path d="M8 22c3-7 8-11 16-12-3 2-5 4-6 7l4 1-9 5 2-4z" fill="#7cc4ff" />
            <circle cx="21" cy="12.5" r="1.2" fill="#1f2a44" />
        </svg>
    }
}

/// A named icon from a small fixed set.
#[component]
pub fn Icon(name: &'static str) -> impl IntoView {
    let d = match name {
        "home" => "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z",
        "key" => "M14 3a7 7 0 0 0-6.6 9.3L3 16.7V21h4.3l.7-.7V18h2.3l1.4-1.4v-2.3l.7-.7A7 7 0 1 0 14 3zm2.5 6a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3z",
        "changes" => "M7 3h8l4 4v13a1 1 0 0 1-1 1H7a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm7 1.5V8h3.5zM8 12h8v1.6H8zm0 3.4h8V17H8zm0-6.8h4v1.6H8z",
        "calendar" => "M7 2h2v2h6V2h2v2h2a2 2 0 0 1 2 2v13a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h2zm-2 7v10h14V9zm2 2h3v3H7z",
        "audit" => "M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5zm-1 14.2-3.7-3.7 1.4-1.4 2.3 2.3 5.3-5.3 1.4 1.4z",
        "release" => "M12 2c3.5 1.6 6 5.3 6 9.5 0 1.6-.4 3.1-1 4.5h-10c-.6-1.4-1-2.9-1-4.5C6 7.3 8.5 3.6 12 2zm0 6.5a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM7.5 17.5h9L14 22h-4z",
        "bell" => "M12 22a2.5 2.5 0 0 0 2.4-2h-4.8a2.5 2.5 0 0 0 2.4 2zm7-6V11a7 7 0 0 0-5.5-6.8V3a1.5 1.5 0 0 0-3 0v1.2A7 7 0 0 0 5 11v5l-2 2v1h18v-1z",
        "server" => "M4 3h16a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm0 10h16a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-6a1 1 0 0 1 1-1zm3-7.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm0 10a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
        "user" => "M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4.4 0-8 2.2-8 5v2h16v-2c0-2.8-3.6-5-8-5z",
        "users" => "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM9 13c-4 0-7 2-7 4.5V20h14v-2.5C16 15 13 13 9 13zm8 0c-.6 0-1.2 0-1.7.2 1.6 1 2.7 2.5 2.7 4.3V20h4v-2.5c0-2.5-2.2-4.5-5-4.5z",
        "rocket" => "M13 3l8 0 0 8-4 4v4l-3 3-2-5-4-4-5-2 3-3h4zM15.5 6.5a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM5 16l3 3-4 2z",
        "target" => "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 3a7 7 0 1 1 0 14 7 7 0 0 1 0-14zm0 3a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm0 2.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z",
        "jobs" => "M4 4h16v4H4zm0 6h16v4H4zm0 6h10v4H4zm12 0h4v4h-4z",
        "alert" => "M12 2 1 21h22zm-1 7h2v6h-2zm0 8h2v2h-2z",
        "wrench" => "M21 6.5a5.5 5.5 0 0 1-7.3 5.2L6.4 19a2 2 0 1 1-2.8-2.8l7.3-7.3A5.5 5.5 0 0 1 17.5 2l-3 3 .5 3 3 .5z",
        "pulse" => "M2 12h4l2-5 4 10 3-7 2 2h5v2h-6l-1-1-3 7-4-10-1 2H2z",
        _ => "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z",
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d=d fill="currentColor" />
        </svg>
    }
}
