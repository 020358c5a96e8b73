//! The audit page: events with who, what and the before / after.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One audit event as the audit page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    /// As recorded: a person's email, "rookery CLI", "Rookery", ...
    pub actor_label: String,
    /// Who people read: a person's display name, otherwise `actor_label`.
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    /// What the event is about in words ("CR-4", "api 2.1.0", "D-2", a
    /// person's name); `None` when it cannot be told (then the id is all).
    pub target_label: Option<String>,
    /// The page of what the event is about, when it has one.
    pub target_link: Option<String>,
    /// Pretty-printed JSON, or empty.
    pub before: String,
    pub after: String,
    pub request_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}
