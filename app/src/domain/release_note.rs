//! Release notes: the seed's five sections, a draft generated from the
//! release's change requests, and the markdown a published note reads as.

use super::change_request::ChangeType;
use serde::{Deserialize, Serialize};

/// The longest a section may be.
pub const MAX_SECTION_CHARS: usize = 20_000;

/// A release note's sections, in markdown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoteSections {
    #[serde(default)]
    pub features: String,
    #[serde(default)]
    pub fixes: String,
    #[serde(default)]
    pub technical: String,
    #[serde(default)]
    pub migration: String,
    #[serde(default)]
    pub security: String,
}

/// Section keys and headings, in the order a note reads.
pub const SECTIONS: [(&str, &str); 5] = [
    ("features", "New Features"),
    ("fixes", "Bug Fixes"),
    ("technical", "Technical Improvements"),
    ("migration", "Migration Notes"),
    ("security", "Security Updates"),
];

/// A change request as the draft sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftChange {
    pub number: i64,
    pub title: String,
    pub change_type: ChangeType,
}

impl NoteSections {
    /// The editor as a plain HTML form posts it: a textarea per section,
    /// named by its key.
    pub fn from_fields(fields: &super::Fields) -> Self {
        Self {
            features: fields.text("features"),
            fixes: fields.text("fixes"),
            technical: fields.text("technical"),
            migration: fields.text("migration"),
            security: fields.text("security"),
        }
    }

    pub fn get(&self, key: &str) -> &str {
        match key {
            "features" => &self.features,
            "fixes" => &self.fixes,
            "technical" => &self.technical,
            "migration" => &self.migration,
            "security" => &self.security,
            _ => "",
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut String> {
        match key {
            "features" => Some(&mut self.features),
            "fixes" => Some(&mut self.fixes),
            "technical" => Some(&mut self.technical),
            "migration" => Some(&mut self.migration),
            "security" => Some(&mut self.security),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        SECTIONS
            .iter()
            .all(|(key, _)| self.get(key).trim().is_empty())
    }

    /// A draft from the release's change requests: one bullet per change in
    /// the section its type belongs to, in the order they were filed.
    /// Migration notes are left for a person; no change type implies one.
    ///
    /// The note is public, so a bullet is the change's title alone, read as
    /// a sentence: no internal change-request reference ("CR-4") is added,
    /// and any in the title is taken out.
    pub fn draft(changes: &[DraftChange]) -> NoteSections {
        let mut note = NoteSections::default();
        let mut sorted: Vec<&DraftChange> = changes.iter().collect();
        sorted.sort_by_key(|c| c.number);
        for change in sorted {
            let section = match change.change_type {
                ChangeType::Enhancement => &mut note.features,
                ChangeType::BugFix => &mut note.fixes,
                ChangeType::Infrastructure => &mut note.technical,
                ChangeType::Security => &mut note.security,
            };
            let line = public_line(&change.title);
            if line.is_empty() {
                continue;
            }
            let bullet = format!("- {line}\n");
            if !section.lines().any(|l| format!("{l}\n") == bullet) {
                section.push_str(&bullet);
            }
        }
        note
    }

    /// Every section within its length; field name → message.
    pub fn problems(&self) -> Vec<(String, String)> {
        SECTIONS
            .iter()
            .filter(|(key, _)| self.get(key).chars().count() > MAX_SECTION_CHARS)
            .map(|(key, _)| {
                (
                    key.to_string(),
                    format!("At most {MAX_SECTION_CHARS} characters."),
                )
            })
            .collect()
    }

    /// The whole note as one markdown document; empty sections are left out.
    pub fn to_markdown(&self) -> String {
        SECTIONS
            .iter()
            .filter(|(key, _)| !self.get(key).trim().is_empty())
            .map(|(key, heading)| format!("## {heading}\n\n{}\n", self.get(key).trim_end()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// What a published note's heading shows after the release's name
/// ("Billing 2.4.0"): the release title, without the name when the title
/// starts with it, and nothing when the title is only the name again, so a
/// heading never reads "Billing 2.4.0 — Billing 2.4.0".
pub fn heading_title<'a>(service: &str, version: &str, title: &'a str) -> Option<&'a str> {
    let title = title.trim();
    let names = [
        format!("{service} {version}"),
        format!("{service} v{version}"),
        format!("v{version}"),
        version.to_string(),
    ];
    let rest = names
        .iter()
        .filter(|name| !name.trim().is_empty())
        .find_map(|name| {
            let rest = title
                .get(..name.len())
                .filter(|start| start.eq_ignore_ascii_case(name))
                .and_then(|_| title.get(name.len()..))?;
            // "2.4.0" is not the start of "2.4.01"
            let whole = rest
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '.');
            whole.then_some(rest)
        })
        .unwrap_or(title);
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c));
    (!rest.is_empty() && !rest.eq_ignore_ascii_case(service.trim())).then_some(rest)
}

/// A change's title as a line of public text: on one line, without
/// change-request references, brackets or separators they leave behind,
/// starting with a capital.
fn public_line(title: &str) -> String {
    let one_line = title.replace(['\n', '\r'], " ");
    let tidy = without_empty_brackets(&without_change_refs(&one_line));
    let tidy = tidy
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
        .replace(",,", ",");
    let tidy = tidy.trim_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c));
    let mut chars = tidy.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What is left at either end of a title once a reference is taken out
/// ("CR-4: Faster checkout", "Faster checkout - CR-4").
const SEPARATORS: [char; 8] = [':', '-', '\u{2013}', '\u{2014}', ',', ';', '/', '|'];

/// `text` without references such as `CR-12` or `cr-3` (a whole word:
/// `MCR-1` and `CR-1a` are left alone).
fn without_change_refs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        match change_ref_end(&chars, i) {
            Some(end) => i = end,
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Where the reference starting at `at` ends, if one starts there.
fn change_ref_end(chars: &[char], at: usize) -> Option<usize> {
    let starts_word = at == 0 || !chars[at - 1].is_alphanumeric();
    let prefix = chars.get(at..at + 3)?;
    if !starts_word
        || !prefix[0].eq_ignore_ascii_case(&'c')
        || !prefix[1].eq_ignore_ascii_case(&'r')
        || prefix[2] != '-'
    {
        return None;
    }
    let digits = chars[at + 3..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let end = at + 3 + digits;
    let ends_word = chars.get(end).is_none_or(|c| !c.is_alphanumeric());
    (digits > 0 && ends_word).then_some(end)
}

/// `text` without brackets that hold nothing but spaces and punctuation
/// (what "(CR-4)" or "[CR-4, CR-5]" leave behind).
fn without_empty_brackets(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let close = match chars[i] {
            '(' => Some(')'),
            '[' => Some(']'),
            _ => None,
        };
        if let Some(close) = close {
            if let Some(len) = chars[i + 1..].iter().position(|c| *c == close) {
                let inside = &chars[i + 1..i + 1 + len];
                if !inside.iter().any(|c| c.is_alphanumeric()) {
                    i += len + 2;
                    continue;
                }
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(number: i64, title: &str, change_type: ChangeType) -> DraftChange {
        DraftChange {
            number,
            title: title.into(),
            change_type,
        }
    }

    #[test]
    fn draft_puts_each_change_in_its_types_section() {
        let note = NoteSections::draft(&[
            change(7, "Faster checkout", ChangeType::Enhancement),
            change(3, "Fix login loop", ChangeType::BugFix),
            change(5, "Upgrade Postgres", ChangeType::Infrastructure),
            change(9, "Rotate TLS keys", ChangeType::Security),
            change(2, "Dark mode", ChangeType::Enhancement),
        ]);
        assert_eq!(note.features, "- Dark mode\n- Faster checkout\n");
        assert_eq!(note.fixes, "- Fix login loop\n");
        assert_eq!(note.technical, "- Upgrade Postgres\n");
        assert_eq!(note.security, "- Rotate TLS keys\n");
        assert_eq!(note.migration, "");
    }

    #[test]
    fn a_draft_names_no_change_request() {
        let note = NoteSections::draft(&[
            change(4, "Faster checkout", ChangeType::Enhancement),
            change(12, "CR-12: Retry webhooks", ChangeType::Enhancement),
            change(13, "Fix totals (CR-9, cr-10)", ChangeType::BugFix),
            change(14, "Patch OpenSSL - CR-14", ChangeType::Security),
            change(
                15,
                "Bump pool size [CR-15] for CR-2 follow-up",
                ChangeType::Infrastructure,
            ),
        ]);
        let public = note.to_markdown();
        assert!(!public.to_uppercase().contains("CR-"), "{public}");
        assert_eq!(note.features, "- Faster checkout\n- Retry webhooks\n");
        assert_eq!(note.fixes, "- Fix totals\n");
        assert_eq!(note.security, "- Patch OpenSSL\n");
        assert_eq!(note.technical, "- Bump pool size for follow-up\n");
    }

    #[test]
    fn references_are_whole_words_only() {
        let note = NoteSections::draft(&[change(
            1,
            "Support MCR-1 readers and CR-1a cards",
            ChangeType::Enhancement,
        )]);
        assert_eq!(note.features, "- Support MCR-1 readers and CR-1a cards\n");
    }

    #[test]
    fn draft_lines_read_as_sentences() {
        let note = NoteSections::draft(&[
            change(1, "  faster search  ", ChangeType::Enhancement),
            change(2, "CR-7", ChangeType::Enhancement),
            change(3, "Faster search", ChangeType::Enhancement),
        ]);
        // capitalized, nothing left of a bare reference, no repeated line
        assert_eq!(note.features, "- Faster search\n");
    }

    #[test]
    fn a_release_without_changes_drafts_an_empty_note() {
        assert!(NoteSections::draft(&[]).is_empty());
    }

    #[test]
    fn titles_with_newlines_stay_one_bullet() {
        let note = NoteSections::draft(&[change(1, "Two\nlines", ChangeType::BugFix)]);
        assert_eq!(note.fixes, "- Two lines\n");
    }

    #[test]
    fn a_heading_does_not_repeat_the_release_name() {
        let heading = |title: &'static str| heading_title("Billing", "2.4.0", title);
        assert_eq!(heading("Invoices in bulk"), Some("Invoices in bulk"));
        assert_eq!(heading("Billing 2.4.0"), None);
        assert_eq!(heading("billing v2.4.0"), None);
        assert_eq!(heading("2.4.0"), None);
        assert_eq!(heading("Billing"), None);
        assert_eq!(heading("  "), None);
        assert_eq!(
            heading("Billing 2.4.0: Invoices in bulk"),
            Some("Invoices in bulk")
        );
        assert_eq!(
            heading("v2.4.0 \u{2014} Invoices in bulk"),
            Some("Invoices in bulk")
        );
        assert_eq!(heading("2.4.01 fixes"), Some("2.4.01 fixes"));
        assert_eq!(heading("Billing invoices"), Some("Billing invoices"));
    }

    #[test]
    fn markdown_leaves_out_empty_sections_in_order() {
        let note = NoteSections {
            security: "- Patched\n".into(),
            features: "- New\n".into(),
            ..Default::default()
        };
        assert_eq!(
            note.to_markdown(),
            "## New Features\n\n- New\n\n## Security Updates\n\n- Patched\n"
        );
    }

    #[test]
    fn overlong_sections_are_reported() {
        let note = NoteSections {
            fixes: "x".repeat(MAX_SECTION_CHARS + 1),
            ..Default::default()
        };
        assert_eq!(note.problems().len(), 1);
        assert_eq!(note.problems()[0].0, "fixes");
    }
}
