//! The one escaping helper for text that reaches HTML outside the view
//! macro: document titles, the public status pages, feeds, badges and email.

/// Escapes text for HTML content and for quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_quotes_become_entities() {
        assert_eq!(
            escape(r#"Fix </title><script>alert('x')</script> & "more""#),
            "Fix &lt;/title&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"
        );
    }

    #[test]
    fn plain_text_and_non_ascii_are_kept() {
        assert_eq!(
            escape("Déploiement 1.2.3 · prod"),
            "Déploiement 1.2.3 · prod"
        );
    }
}
