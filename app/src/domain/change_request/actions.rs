//! What a person does to a change request: the actions, their names as
//! requests carry them, and the permissions each needs at all.

use crate::domain::permission::Permission;
use serde::{Deserialize, Serialize};

/// Something a person does to a change request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CrAction {
    Submit,
    /// The technical review by an engineer other than the requester.
    Review {
        passed: bool,
        reason: Option<String>,
    },
    Approve,
    Reject {
        reason: String,
    },
    /// Back to draft after a rejection; approvals are discarded.
    Rework,
    /// Emergency changes only: one release manager or admin approves at once.
    FastTrack,
    Schedule,
    StartImplementation,
    StartValidation,
    Close {
        notes: String,
    },
    Cancel {
        reason: String,
    },
}

impl CrAction {
    pub fn name(&self) -> &'static str {
        match self {
            CrAction::Submit => "submit",
            CrAction::Review { .. } => "review",
            CrAction::Approve => "approve",
            CrAction::Reject { .. } => "reject",
            CrAction::Rework => "rework",
            CrAction::FastTrack => "fast_track",
            CrAction::Schedule => "schedule",
            CrAction::StartImplementation => "start_implementation",
            CrAction::StartValidation => "start_validation",
            CrAction::Close { .. } => "close",
            CrAction::Cancel { .. } => "cancel",
        }
    }
}

impl CrAction {
    /// The permissions (any one suffices) a person needs for this action at
    /// all, before which change request it is matters: services check this
    /// first, so a refused role learns nothing about what exists.
    /// Requester-only actions need the right to file; who may act on *this*
    /// request (own, not own) is `decide`'s part.
    pub fn permissions(&self) -> &'static [Permission] {
        match self {
            CrAction::Submit | CrAction::Rework => &[Permission::FileChange],
            CrAction::Review { .. } => &[Permission::Review],
            CrAction::Approve => &[Permission::Approve],
            CrAction::Reject { .. } => &[Permission::Approve, Permission::Review],
            CrAction::FastTrack => &[Permission::FastTrack],
            CrAction::Schedule => &[Permission::Schedule],
            CrAction::StartImplementation | CrAction::StartValidation | CrAction::Close { .. } => {
                &[Permission::FileChange]
            }
            CrAction::Cancel { .. } => &[Permission::FileChange, Permission::Schedule],
        }
    }
}

impl CrAction {
    /// Every action name a request may carry, for errors and API documents.
    pub const NAMES: &'static [&'static str] = &[
        "submit",
        "review",
        "review_failed",
        "approve",
        "reject",
        "rework",
        "fast_track",
        "schedule",
        "start_implementation",
        "start_validation",
        "close",
        "cancel",
    ];

    /// Builds an action from its name and the accompanying note (the reason,
    /// or the closure notes); the UI and the JSON API both come through here.
    pub fn from_request(name: &str, note: &str) -> Result<CrAction, String> {
        let reason = Some(note.trim().to_string()).filter(|n| !n.is_empty());
        Ok(match name.trim() {
            "submit" => CrAction::Submit,
            "review" => CrAction::Review {
                passed: true,
                reason,
            },
            "review_failed" => CrAction::Review {
                passed: false,
                reason,
            },
            "approve" => CrAction::Approve,
            "reject" => CrAction::Reject {
                reason: note.to_string(),
            },
            "rework" => CrAction::Rework,
            "fast_track" => CrAction::FastTrack,
            "schedule" => CrAction::Schedule,
            "start_implementation" => CrAction::StartImplementation,
            "start_validation" => CrAction::StartValidation,
            "close" => CrAction::Close {
                notes: note.to_string(),
            },
            "cancel" => CrAction::Cancel {
                reason: note.to_string(),
            },
            other => {
                return Err(format!(
                    "Unknown action \"{other}\"; use one of: {}.",
                    Self::NAMES.join(", ")
                ))
            }
        })
    }
}
