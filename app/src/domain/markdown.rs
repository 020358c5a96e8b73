//! Markdown to safe HTML, the one renderer for incident updates, maintenance
//! descriptions and release notes: on the server for pages and feeds, and in
//! the browser for the editor's live preview.
//!
//! Safe by construction rather than by scrubbing afterwards: raw HTML in the
//! source is shown as text (so no tag, attribute or event handler can come
//! from it), and a link or image whose URL is not http(s), mailto or
//! relative loses its URL and keeps only its text.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders `source` as sanitized HTML.
pub fn render(source: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // Whether each open link / image was kept, so its end matches its start.
    let mut kept: Vec<bool> = Vec::new();
    let events = Parser::new_ext(source, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
            if !safe_url(&dest_url) =>
        {
            kept.push(false);
            None
        }
        Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
            kept.push(true);
            Some(Event::Start(tag))
        }
        Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
            kept.pop().unwrap_or(false).then_some(Event::End(end))
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Whether a link target is harmless: http, https, mailto or relative.
/// Browsers ignore tabs, newlines and case in a scheme ("Java\tScript:"),
/// so those are dropped before looking.
pub fn safe_url(url: &CowStr<'_>) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        // a colon after a path, query or fragment starts no scheme
        Some(colon) if !cleaned[..colon].contains(['/', '?', '#']) => {
            matches!(&cleaned[..colon], "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Plain text of `source` for feeds' summaries and search snippets: the
/// first `limit` characters of its words.
pub fn plain_text(source: &str, limit: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => text.push(' '),
            _ => {}
        }
    }
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= limit {
        words
    } else {
        let cut: String = words.chars().take(limit.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_ordinary_markdown() {
        let html = render(
            "# Title\n\nSome **bold** and [a link](https://example.com/x?a=1&b=2).\n\n- one\n- two",
        );
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains(r#"<a href="https://example.com/x?a=1&amp;b=2">a link</a>"#));
        assert!(html.contains("<li>one</li>"));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        for hostile in [
            "<script>alert(1)</script>",
            "hello <img src=x onerror=alert(1)> there",
            "<div onclick=\"steal()\">click</div>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
        ] {
            let html = render(hostile);
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("<img"), "{html}");
            assert!(!html.contains("<div"), "{html}");
            assert!(!html.contains("<iframe"), "{html}");
            assert!(!html.contains("<svg"), "{html}");
            assert!(!html.contains("<a "), "{html}");
            assert!(html.contains("&lt;"), "{html}");
        }
    }

    #[test]
    fn dangerous_link_and_image_urls_are_dropped_but_text_kept() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "vbscript:msgbox",
            "data:text/html;base64,PHNjcmlwdD4=",
        ] {
            let html = render(&format!("[click me](<{url}>) and ![pic](<{url}>)"));
            assert!(!html.to_lowercase().contains("script:"), "{url}: {html}");
            assert!(!html.contains("data:"), "{url}: {html}");
            assert!(!html.contains("<a"), "{url}: {html}");
            assert!(!html.contains("<img"), "{url}: {html}");
            assert!(html.contains("click me"), "{url}: {html}");
            assert!(html.contains("pic"), "{url}: {html}");
        }
        let autolink = render("<javascript:alert(1)>");
        assert!(!autolink.contains("href"), "{autolink}");
    }

    #[test]
    fn safe_links_survive() {
        let html = render("[rel](/status/incidents/1) [mail](mailto:ops@example.com) [frag](#top) [q](?page=2) [colon](docs/a:b)");
        assert!(html.contains(r#"href="/status/incidents/1""#));
        assert!(html.contains(r#"href="mailto:ops@example.com""#));
        assert!(html.contains(r##"href="#top""##));
        assert!(html.contains(r#"href="?page=2""#));
        assert!(html.contains(r#"href="docs/a:b""#));
    }

    #[test]
    fn attribute_breakouts_are_escaped() {
        let html = render(
            r#"[x](https://example.com/"onmouseover="alert(1)) ![y](https://e.com/a.png "t\" onerror=\"x")"#,
        );
        assert!(!html.contains(r#"" onmouseover"#), "{html}");
        assert!(!html.contains(r#"" onerror"#), "{html}");
    }

    #[test]
    fn plain_text_strips_markup_and_truncates() {
        assert_eq!(
            plain_text("**We** are _looking_ into it.\n\nMore.", 100),
            "We are looking into it. More."
        );
        assert_eq!(plain_text("abcdefghij", 5), "abcd…");
    }
}
