//! SVG status badges in the familiar two-part style: a grey label and a
//! colored message.

use super::html::esc;

/// Approximate width of `text` in 11px Verdana, which badges are set in.
fn text_width(text: &str) -> u32 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | '\'' | '|' | '!' => 4,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '-' => 5,
            'm' | 'w' | 'M' | 'W' => 11,
            c if c.is_ascii_uppercase() => 8,
            _ => 7,
        })
        .sum()
}

/// A color per status indicator or component status.
pub fn color(status: &str) -> &'static str {
    match status {
        "none" | "operational" => "#16a34a",
        "minor" | "degraded_performance" => "#ca8a04",
        "major" | "partial_outage" => "#ea580c",
        "critical" | "major_outage" => "#dc2626",
        "maintenance" | "under_maintenance" => "#2563eb",
        _ => "#64748b",
    }
}

/// The badge for `label` / `message`.
pub fn svg(label: &str, message: &str, color: &str) -> String {
    let left = text_width(label) + 12;
    let right = text_width(message) + 12;
    let total = left + right;
    let (label, message) = (esc(label), esc(message));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total}\" height=\"20\" role=\"img\" aria-label=\"{label}: {message}\">\
         <title>{label}: {message}</title>\
         <linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>\
         <clipPath id=\"r\"><rect width=\"{total}\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>\
         <g clip-path=\"url(#r)\"><rect width=\"{left}\" height=\"20\" fill=\"#555\"/><rect x=\"{left}\" width=\"{right}\" height=\"20\" fill=\"{color}\"/>\
         <rect width=\"{total}\" height=\"20\" fill=\"url(#s)\"/></g>\
         <g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"11\">\
         <text x=\"{lx}\" y=\"14\">{label}</text><text x=\"{mx}\" y=\"14\">{message}</text></g></svg>",
        lx = left / 2,
        mx = left + right / 2,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_escapes_its_text_and_grows_with_it() {
        let short = svg("status", "ok", color("none"));
        let long = svg("status", "Partial System Outage", color("major"));
        assert!(long.len() > short.len());
        assert!(short.contains("#16a34a"));
        let hostile = svg("<script>", "a&b", "#000");
        assert!(!hostile.contains("<script>"));
        assert!(hostile.contains("&lt;script&gt;"));
        assert!(hostile.contains("a&amp;b"));
    }
}
