//! What the overview page shows: the caller's changes and reviews, what is
//! coming up, and recent activity.

use super::{CrSummary, FreezeView, ReleaseSummary};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One line of someone's recent activity, from the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActivityView {
    pub occurred_at: DateTime<Utc>,
    /// Who did it: a person by their display name.
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
}

/// What the overview page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Overview {
    /// The caller's open change requests.
    pub my_changes: Vec<CrSummary>,
    /// Change requests waiting for the caller's review, approval or scheduling.
    pub waiting_for_me: Vec<CrSummary>,
    /// Changes scheduled in the next seven days.
    pub upcoming: Vec<CrSummary>,
    /// Releases planned in the next seven days.
    pub upcoming_releases: Vec<ReleaseSummary>,
    /// Freeze windows in force now.
    pub active_freezes: Vec<FreezeView>,
    /// Emergency changes whose post-implementation review is overdue.
    pub overdue_reviews: Vec<CrSummary>,
    pub active_tokens: i64,
    pub active_users: Option<i64>,
    pub recent_activity: Vec<ActivityView>,
}
