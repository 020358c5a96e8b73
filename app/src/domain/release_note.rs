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
    /// the section its type belongs to. Migration notes are left for a
    /// person; no change type implies one.
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
            let title = change.title.trim().replace(['\n', '\r'], " ");
            section.push_str(&format!("- {title} (CR-{})\n", change.number));
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
        assert_eq!(
            note.features,
            "- Dark mode (CR-2)\n- Faster checkout (CR-7)\n"
        );
        assert_eq!(note.fixes, "- Fix login loop (CR-3)\n");
        assert_eq!(note.technical, "- Upgrade Postgres (CR-5)\n");
        assert_eq!(note.security, "- Rotate TLS keys (CR-9)\n");
        assert_eq!(note.migration, "");
    }

    #[test]
    fn a_release_without_changes_drafts_an_empty_note() {
        assert!(NoteSections::draft(&[]).is_empty());
    }

    #[test]
    fn titles_with_newlines_stay_one_bullet() {
        let note = NoteSections::draft(&[change(1, "Two\nlines", ChangeType::BugFix)]);
        assert_eq!(note.fixes, "- Two lines (CR-1)\n");
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
