//! The sign-up form (email and webhook), and the short message pages the
//! subscription flow and the not-found answer use.

use super::{esc, page, Frame};
use app::services::status_page::public::PublicData;
use std::fmt::Write;

/// The sign-up form; `email` is false when no SMTP server is configured,
/// and then only the webhook is offered.
pub fn subscribe_form(
    data: &PublicData,
    frame: &Frame,
    email: bool,
    error: Option<&str>,
) -> String {
    let mut checks = String::new();
    for c in &data.components {
        let _ = write!(
            checks,
            "<label><input type=\"checkbox\" name=\"component\" value=\"{}\"> {}</label>",
            c.id,
            esc(&c.name)
        );
    }
    let error = error
        .map(|e| format!("<div class=\"stale\" role=\"alert\">{}</div>", esc(e)))
        .unwrap_or_default();
    let email_form = if email {
        format!(
            "<section class=\"card\"><h2>By email</h2><form class=\"sub\" method=\"post\" action=\"/status/subscribe\">\
             <input type=\"hidden\" name=\"kind\" value=\"email\"><label for=\"sub-email\">Email address</label>\
             <input id=\"sub-email\" type=\"email\" name=\"email\" required maxlength=\"254\" autocomplete=\"email\">\
             <label>Components</label><div class=\"checks\"><p class=\"muted\">Leave all unticked to hear about everything.</p>{checks}</div>\
             <p><button class=\"btn\" type=\"submit\">Subscribe</button></p><p class=\"muted\">We send a confirmation link first; every message has a one-click unsubscribe link.</p></form></section>"
        )
    } else {
        // No mail server: the webhook and the feeds are the ways to follow.
        String::new()
    };
    let out = format!(
        "<h1 style=\"font-size:22px\">Subscribe to updates</h1>{error}{email_form}\
         <section class=\"card\"><h2>By webhook</h2><form class=\"sub\" method=\"post\" action=\"/status/subscribe\">\
         <input type=\"hidden\" name=\"kind\" value=\"webhook\"><label for=\"sub-url\">Endpoint URL</label>\
         <input id=\"sub-url\" type=\"url\" name=\"url\" required maxlength=\"2000\" placeholder=\"https://example.com/hooks/status\">\
         <label>Components</label><div class=\"checks\"><p class=\"muted\">Leave all unticked to hear about everything.</p>{checks}</div>\
         <p><button class=\"btn\" type=\"submit\">Add webhook</button></p><p class=\"muted\">Each delivery is a JSON POST signed with HMAC-SHA256 in <code>X-Rookery-Signature</code>.</p></form></section>"
    );
    page(frame, "Subscribe", &out)
}

/// A short page with a message and optionally one button (a POST form).
/// `body_html` is inserted as HTML: escape anything that came from outside.
pub fn message(
    frame: &Frame,
    title: &str,
    body_html: &str,
    button: Option<(&str, &str)>,
) -> String {
    let button = button
        .map(|(action, label)| {
            format!(
                "<form method=\"post\" action=\"{}\"><button class=\"btn\" type=\"submit\">{}</button></form>",
                esc(action),
                esc(label)
            )
        })
        .unwrap_or_default();
    let out = format!(
        "<section class=\"card\"><h2>{}</h2><div class=\"notice\"><p>{}</p>{button}<p><a href=\"/status\">← Current status</a></p></div></section>",
        esc(title),
        body_html
    );
    page(frame, title, &out)
}
