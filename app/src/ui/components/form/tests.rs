//! The forms' helpers, and a guard that every server-rendered textarea
//! escapes its text.

use super::*;
use std::collections::BTreeMap;

/// Every `<textarea>` child in the pages goes through `textarea_text`.
#[test]
fn no_textarea_writes_its_text_unescaped() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, piece) in text.split("</textarea>").enumerate() {
                    let Some(open) = piece.rfind("<textarea") else {
                        continue;
                    };
                    let child = &piece[open..];
                    let child = &child[child.rfind('>').map_or(0, |g| g + 1)..];
                    let child = child.trim();
                    // A `{…}` child is typed text; a literal is ours.
                    if child.starts_with('{') && !child.contains("textarea_text(") {
                        found.push(format!("{}: textarea {i}: {child}", path.display()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"),
        &mut found,
    );
    assert!(found.is_empty(), "textareas writing raw text: {found:#?}");
}

#[cfg(feature = "ssr")]
#[test]
fn textarea_text_is_escaped_on_the_server() {
    assert_eq!(
        textarea_text("</textarea><script>x</script>"),
        "&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;"
    );
}

#[test]
fn messages_for_fields_a_form_does_not_show_go_on_top() {
    let errors = BTreeMap::from([
        ("title".to_string(), "Give the change a title.".to_string()),
        ("form".to_string(), "Refused.".to_string()),
        ("owner".to_string(), "Unknown person.".to_string()),
    ]);
    assert_eq!(
        unplaced(&errors, &["title", "description"]),
        vec!["Refused.".to_string(), "Unknown person.".to_string()]
    );
    assert!(unplaced(&errors, &["title", "form", "owner"]).is_empty());
}

#[test]
fn row_messages_stay_beside_their_rows() {
    let errors = BTreeMap::from([
        ("triggers.0.metric".to_string(), "Bad metric.".to_string()),
        ("triggers".to_string(), "At most 10 triggers.".to_string()),
        ("environment".to_string(), "Unknown.".to_string()),
    ]);
    assert_eq!(
        unplaced_beside_rows(&errors, &["triggers"], Some("triggers.")),
        vec!["Unknown.".to_string()]
    );
}
