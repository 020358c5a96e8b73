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

/// "09:05": the hour and minute of `at` (UTC), as the calendar shows an
/// entry's start. Written out rather than through chrono's `format`, which
/// parses its pattern on every call (the month grid shows one per entry).
pub fn time_of_day(at: DateTime<Utc>) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", at.hour(), at.minute())
}

pub fn date(at: DateTime<Utc>) -> String {
    at.format("%b %-d, %Y").to_string()
}

/// "session.login" → "Signed in": an audit action in words, for the
/// activity list and the audit trail. Actions named after a state or a
/// vocabulary ("deployment.rolled_back") use that vocabulary's label; any
/// other reads as its entity and verb in words.
pub fn action(action: &str) -> String {
    use crate::domain::deploy::{DeploymentState, ManualAction};
    use crate::domain::status_page::MaintenanceState;
    let known = match action {
        "session.login" => "Signed in",
        "session.login_failed" => "Failed sign-in attempt",
        "session.logout" => "Signed out",
        "user.create" => "Account created",
        "user.set_roles" => "Roles changed",
        "user.disable" => "Account disabled",
        "user.enable" => "Account enabled",
        "user.unlock" => "Account unlocked",
        "user.set_password" => "Password changed",
        "user.password_check_failed" => "Wrong current password entered",
        "api_token.create" => "API token created",
        "api_token.revoke" => "API token revoked",
        "calendar_feed.create" => "Calendar link made",
        "calendar_feed.reset" => "Calendar link replaced",
        "change_request.create" => "Change request filed",
        "change_request.update" => "Change request edited",
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
        "release.create" => "Release planned",
        "release.update" => "Release edited",
        "release.plan" => "Release plan edited",
        "release.approve" => "Release approved",
        "release.start_deploying" => "Release deployment started",
        "release.mark_deployed" => "Release marked deployed",
        "release.mark_failed" => "Release marked failed",
        "release.mark_rolled_back" => "Release marked rolled back",
        "release_note.save" => "Release note saved",
        "release_note.publish" => "Release note published",
        "release_note.unpublish" => "Release note unpublished",
        "deployment.start" => "Deployment started",
        "deployment.freeze_override" => "Deployed during a freeze (emergency)",
        "gate.report" => "Testing gate reported",
        "freeze_window.create" => "Freeze window added",
        "freeze_window.delete" => "Freeze window lifted",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let (entity_type, verb) = action.split_once('.').unwrap_or(("", action));
    if entity_type == "deployment" {
        if let Some(by_hand) = verb
            .strip_prefix("manual_")
            .and_then(|v| ManualAction::parse(v).ok())
        {
            return format!("Deployment: {} (by hand)", by_hand.label().to_lowercase());
        }
    }
    let state = match entity_type {
        "deployment" => DeploymentState::parse(verb).ok().map(|s| s.label()),
        "maintenance" => MaintenanceState::parse(verb).ok().map(|s| s.label()),
        _ => None,
    };
    let words = state
        .map(str::to_string)
        .unwrap_or_else(|| crate::domain::words::humanize(verb));
    if entity_type.is_empty() {
        words
    } else {
        format!("{} {}", entity(entity_type), words.to_lowercase())
    }
}

/// What kind of thing an audit event is about, in words ("change_request" →
/// "Change request").
pub fn entity(entity_type: &str) -> String {
    match entity_type {
        "api_token" => "API token".into(),
        "cr_template" => "Standard-change template".into(),
        "calendar_feed" => "Calendar link".into(),
        "gate" => "Testing gate".into(),
        "status_component" => "Status page component".into(),
        "user" => "Person".into(),
        other => crate::domain::words::humanize(other),
    }
}

/// Who an audit event's actor is, by kind ("cli" → "Command line").
pub fn actor_kind(kind: &str) -> String {
    match kind {
        "user" => "Person".into(),
        "cli" => "Command line".into(),
        "system" => "Automatic".into(),
        "anonymous" => "Not signed in".into(),
        other => crate::domain::words::humanize(other),
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

    #[test]
    fn audit_actions_read_as_words() {
        assert_eq!(action("session.login"), "Signed in");
        assert_eq!(action("change_request.cancel"), "Change request cancelled");
        assert_eq!(
            action("release.mark_rolled_back"),
            "Release marked rolled back"
        );
        assert_eq!(action("deployment.rolled_back"), "Deployment rolled back");
        assert_eq!(
            action("deployment.waiting_for_gates"),
            "Deployment waiting for gates"
        );
        assert_eq!(
            action("deployment.manual_rollback"),
            "Deployment: roll back (by hand)"
        );
        assert_eq!(action("maintenance.in_progress"), "Maintenance in progress");
        assert_eq!(
            action("status_component.status"),
            "Status page component status"
        );
        assert_eq!(action("job.retry"), "Job retry");
        assert_eq!(action("oddity"), "Oddity");
    }

    #[test]
    fn entity_types_and_actor_kinds_read_as_words() {
        assert_eq!(entity("change_request"), "Change request");
        assert_eq!(entity("api_token"), "API token");
        assert_eq!(entity("freeze_window"), "Freeze window");
        assert_eq!(actor_kind("cli"), "Command line");
        assert_eq!(actor_kind("system"), "Automatic");
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
