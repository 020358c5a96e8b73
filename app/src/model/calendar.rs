//! The change calendar: scheduled changes, releases and freeze windows for
//! a month, schedule clashes, and the calendar subscription link.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A change on the calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarEntry {
    pub number: i64,
    pub title: String,
    pub status: crate::domain::change_request::CrStatus,
    pub class: crate::domain::change_request::ChangeClass,
    pub environments: Vec<String>,
    pub services: Vec<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// It needs a maintenance window (possible downtime).
    pub maintenance: bool,
    /// What it clashes with (another change on the same environment and
    /// service at the same time), in words.
    pub conflicts: Vec<String>,
}

/// A freeze window as the calendar shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FreezeView {
    pub id: Uuid,
    pub environments: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub created_by: String,
}

/// What the calendar shows for a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarMonthView {
    pub entries: Vec<CalendarEntry>,
    pub freezes: Vec<FreezeView>,
    pub releases: Vec<CalendarRelease>,
    /// Days with more changes and releases than fit, and how many are not
    /// shown (conflicting changes are shown first).
    pub hidden: Vec<(chrono::NaiveDate, u32)>,
}

/// A release on the calendar, at its planned time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarRelease {
    pub id: Uuid,
    pub service: String,
    pub version: String,
    pub title: String,
    pub status: crate::domain::release::ReleaseStatus,
    pub environments: Vec<String>,
    pub planned_at: DateTime<Utc>,
}

/// Whether the caller has a calendar subscription link, and since when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedStatus {
    pub created_at: Option<DateTime<Utc>>,
    /// The full link, only right after it was made.
    pub url: Option<String>,
}

/// Whether a proposed schedule clashes, and the next free start if so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScheduleCheck {
    pub clashes: Vec<String>,
    pub next_free: Option<DateTime<Utc>>,
}
