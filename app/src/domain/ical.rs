//! iCalendar (RFC 5545) output for calendar subscriptions: text escaping,
//! line folding at 75 octets and CRLF line ends.

use chrono::{DateTime, Utc};

/// One event of the feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Stable across feed refreshes, so calendars update rather than duplicate.
    pub uid: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    /// An absolute link back to Rookery, when the public URL is known.
    pub url: Option<String>,
    pub categories: Vec<String>,
    /// `CONFIRMED` or `TENTATIVE`.
    pub confirmed: bool,
    pub last_modified: DateTime<Utc>,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line to at most 75 octets per physical line, never
/// splitting a UTF-8 character (RFC 5545 §3.1), and ends it with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A whole `VCALENDAR` with `events`, stamped `now`.
pub fn calendar(name: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |text: String| out.push_str(&fold(&text));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Rookery//Release calendar//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    line("X-PUBLISHED-TTL:PT1H".into());
    line("REFRESH-INTERVAL;VALUE=DURATION:PT1H".into());
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&e.uid)));
        line(format!("DTSTAMP:{}", stamp(now)));
        line(format!("LAST-MODIFIED:{}", stamp(e.last_modified)));
        line(format!("DTSTART:{}", stamp(e.start)));
        // A zero-length window still shows: at least one minute long.
        let end = e.end.max(e.start + chrono::Duration::minutes(1));
        line(format!("DTEND:{}", stamp(end)));
        line(format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&e.description)));
        }
        if let Some(url) = &e.url {
            line(format!("URL:{url}"));
        }
        if !e.categories.is_empty() {
            let cats: Vec<String> = e.categories.iter().map(|c| escape(c)).collect();
            line(format!("CATEGORIES:{}", cats.join(",")));
        }
        line(format!(
            "STATUS:{}",
            if e.confirmed {
                "CONFIRMED"
            } else {
                "TENTATIVE"
            }
        ));
        line("TRANSP:OPAQUE".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne\r"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for physical in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        // Unfolding gives the line back.
        assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
        assert_eq!(fold("short"), "short\r\n");
    }

    #[test]
    fn a_calendar_has_the_required_properties() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let text = calendar(
            "Rookery",
            &[Event {
                uid: "cr-1@rookery".into(),
                start: at,
                end: at,
                summary: "CR-1 Rotate keys".into(),
                description: String::new(),
                url: None,
                categories: vec!["Change".into()],
                confirmed: true,
                last_modified: at,
            }],
            at,
        );
        for needed in [
            "BEGIN:VCALENDAR\r\n",
            "VERSION:2.0\r\n",
            "PRODID:",
            "UID:cr-1@rookery\r\n",
            "DTSTAMP:20261201T090000Z\r\n",
            "DTSTART:20261201T090000Z\r\n",
            "DTEND:20261201T090100Z\r\n",
            "END:VCALENDAR\r\n",
        ] {
            assert!(text.contains(needed), "{needed} missing");
        }
        assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
    }
}
