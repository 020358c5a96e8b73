//! The signed-in person, as the shell shows them and the pages ask what
//! they may do.

use crate::domain::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The signed-in person, as the shell shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
}

impl CurrentUser {
    /// Whether this person has `permission` (the same rule the server
    /// enforces; the UI uses it to show only what will be allowed).
    pub fn may(&self, permission: crate::domain::Permission) -> bool {
        permission
            .granted_by()
            .iter()
            .any(|role| self.roles.contains(role))
    }

    /// Two letters for the avatar ("Ada Lovelace" → "AL").
    pub fn initials(&self) -> String {
        let initials: String = self
            .display_name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect();
        if initials.is_empty() {
            self.email
                .chars()
                .take(1)
                .collect::<String>()
                .to_uppercase()
        } else {
            initials.to_uppercase()
        }
    }
}
