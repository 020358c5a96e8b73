//! Release notes: the editor's view, its revisions and the diff between two.

use crate::domain::release_note::NoteSections;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionMeta {
    pub revision: i32,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReleaseNoteView {
    pub release_id: Uuid,
    pub service: String,
    pub version: String,
    pub title: String,
    pub sections: NoteSections,
    /// 0 when nothing has been saved yet.
    pub revision: i32,
    pub revisions: Vec<RevisionMeta>,
    pub published_revision: Option<i32>,
    pub published_at: Option<DateTime<Utc>>,
    pub can_edit: bool,
    pub can_publish: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    /// `equal`, `insert` or `delete`.
    pub tag: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDiff {
    pub heading: String,
    pub lines: Vec<DiffLine>,
    pub changed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionDiff {
    pub from: i32,
    pub to: i32,
    pub sections: Vec<SectionDiff>,
}
