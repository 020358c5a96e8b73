//! The text a server-rendered `<textarea>` starts with.

/// The text a `<textarea>` starts with, written as its child. The view
/// macro writes a textarea's children unescaped on the server (as raw text,
/// like a script's), so typed text holding `</textarea><script>` would end
/// the field and run. Escaped on the server (the browser decodes it back);
/// the browser's own render takes the text as it is.
pub fn textarea_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::domain::html::escape(text)
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_string()
    }
}
