//! `/changelog` and `/changelog/{id}`: published release notes.

use super::{esc, page, when, Frame};
use app::domain::markdown;
use app::domain::release_note::heading_title;
use app::services::status_page::public::{PublicData, PublishedNote};
use std::fmt::Write;

fn note_html(note: &PublishedNote) -> String {
    markdown::render(&note.sections.to_markdown())
}

/// " — Invoices in bulk" after the release's name, or nothing when the
/// release's title only repeats its name.
fn note_subtitle(note: &PublishedNote) -> String {
    heading_title(&note.service, &note.version, &note.title)
        .map(|title| format!(" \u{2014} {}", esc(title)))
        .unwrap_or_default()
}

/// `/changelog`: published release notes, newest first.
pub fn changelog(data: &PublicData, frame: &Frame) -> String {
    let mut out = String::from(
        "<h1 style=\"font-size:22px\">Changelog</h1><p class=\"muted\">What shipped, newest first. <a href=\"/changelog.atom\">Atom feed</a></p>",
    );
    if data.notes.is_empty() {
        out.push_str("<p class=\"muted\">Nothing published yet.</p>");
    }
    for note in &data.notes {
        let _ = write!(
            out,
            "<section class=\"card\" data-release=\"{id}\"><h2><a href=\"/changelog/{id}\">{service} {version}</a>{subtitle}</h2>\
             <div class=\"notice note-body\"><div class=\"meta\">Published {published}</div>{body}</div></section>",
            id = note.release_id,
            service = esc(&note.service),
            version = esc(&note.version),
            subtitle = note_subtitle(note),
            published = when(note.published_at),
            body = note_html(note),
        );
    }
    page(frame, "Changelog", &out)
}

/// `/changelog/{id}`: one release's note.
pub fn changelog_entry(note: &PublishedNote, frame: &Frame) -> String {
    let out = format!(
        "<section class=\"card\"><h2>{service} {version}{subtitle}</h2><div class=\"notice note-body\"><div class=\"meta\">Published {published}</div>{body}</div></section>\
         <p><a href=\"/changelog\">← All release notes</a></p>",
        service = esc(&note.service),
        version = esc(&note.version),
        subtitle = note_subtitle(note),
        published = when(note.published_at),
        body = note_html(note),
    );
    page(frame, &format!("{} {}", note.service, note.version), &out)
}
