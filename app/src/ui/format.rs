//! Formatting shared by pages. Times are absolute and in UTC so the server
//! and the browser render the same text during hydration.

use chrono::{DateTime, Utc};

/// The document title for a page's own title text: the one place titles are
/// formatted. leptos_meta writes the server's title into the HTML as is, so
/// on the server it is escaped here; in the browser it is set as
/// `document.title`, which is text already.
pub fn page_title(text: String) -> String {
    let title = if text.is_empty() {
        "Rookery".to_string()
    } else {
        format!("{text} · Rookery")
    };
    #[cfg(feature = "ssr")]
    let title = crate::domain::html::escape(&title);
    title
}

pub fn datetime(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn date(at: DateTime<Utc>) -> String {
    at.format("%b %-d, %Y").to_string()
}

/// "session.login" → "Signed in", for the activity list.
pub fn action(action: &str) -> &'static str {
    match action {
        "session.login" => "Signed in",
        "session.login_failed" => "Failed sign-in attempt",
        "session.logout" => "Signed out",
        "user.create" => "Account created",
        "user.set_roles" => "Roles changed",
        "user.disable" => "Account disabled",
        "user.enable" => "Account enabled",
        "user.set_password" => "Password changed",
        "user.password_check_failed" => "Wrong current password entered",
        "api_token.create" => "API token created",
        "api_token.revoke" => "API token revoked",
        "change_request.create" => "Change request filed",
        "change_request.submit" => "Change request submitted",
        "change_request.review" => "Technical review done",
        "change_request.approve" => "Change request approved",
        "change_request.reject" => "Change request rejected",
        "change_request.rework" => "Change request reworked",
        "change_request.fast_track" => "Emergency change fast-tracked",
        "change_request.schedule" => "Change request scheduled",
        "change_request.start_implementation" => "Implementation started",
        "change_request.start_validation" => "Validation started",
        "change_request.close" => "Change request closed",
        "change_request.cancel" => "Change request cancelled",
        "change_request.comment" => "Commented on a change request",
        "change_request.post_implementation_review" => "Post-implementation review written",
        _ => "Changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_rendered_in_utc() {
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 9, 5, 0).unwrap();
        assert_eq!(datetime(at), "2026-11-27 09:05 UTC");
        assert_eq!(date(at), "Nov 27, 2026");
    }
}

#[cfg(all(test, feature = "ssr"))]
mod title_tests {
    #[test]
    fn page_titles_are_escaped_for_the_server_html() {
        assert_eq!(
            super::page_title("CR-1 Fix </title><script>x()</script>".into()),
            "CR-1 Fix &lt;/title&gt;&lt;script&gt;x()&lt;/script&gt; · Rookery"
        );
        assert_eq!(super::page_title(String::new()), "Rookery");
    }
}
