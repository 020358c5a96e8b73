//! Where to go after signing in.

/// Only same-site paths are followed after sign-in, never `//host`, `/\host`
/// or absolute URLs (an open redirect would help phishing).
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n
        }
        _ => "/".to_string(),
    }
}

/// The path (and query) of `url` when it points at `origin`
/// (`http://host:port`), checked like `safe_next`; `None` for another site.
/// Used where a redirect follows the `Referer` header.
pub fn same_origin_path(url: &str, origin: &str) -> Option<String> {
    let origin = origin.trim_end_matches('/');
    let rest = url
        .get(..origin.len())
        .filter(|head| head.eq_ignore_ascii_case(origin))?;
    let path = &url[rest.len()..];
    let path = if path.is_empty() { "/" } else { path };
    if !path.starts_with('/') {
        return None; // `http://host:3000.evil.example/`
    }
    let safe = safe_next(Some(path.to_string()));
    (safe == path).then_some(safe)
}

/// Percent-encodes a path for use as a query value (`next=`).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_referers_become_redirect_paths() {
        let origin = "http://127.0.0.1:3000";
        assert_eq!(
            same_origin_path("http://127.0.0.1:3000/changes/4?tab=1", origin).as_deref(),
            Some("/changes/4?tab=1")
        );
        assert_eq!(
            same_origin_path("http://127.0.0.1:3000", origin).as_deref(),
            Some("/")
        );
        assert_eq!(same_origin_path("https://evil.example/", origin), None);
        assert_eq!(
            same_origin_path("http://127.0.0.1:3000.evil.example/", origin),
            None
        );
        assert_eq!(
            same_origin_path("http://127.0.0.1:3000//evil.example/", origin),
            None
        );
        assert_eq!(
            same_origin_path("http://127.0.0.1:3000/\\evil.example", origin),
            None
        );
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("/account/tokens?a=1&b=é"),
            "%2Faccount%2Ftokens%3Fa%3D1%26b%3D%C3%A9"
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/account/tokens".into())), "/account/tokens");
        assert_eq!(safe_next(Some("//evil.example".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/");
        assert_eq!(safe_next(Some("/\\evil.example".into())), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x".into())), "/");
        // Browsers drop tabs from URLs: "/\t/evil" would become "//evil".
        assert_eq!(safe_next(Some("/\t/evil.example".into())), "/");
        assert_eq!(safe_next(Some("/account?tab=1".into())), "/account?tab=1");
        assert_eq!(safe_next(None), "/");
    }
}
