//! The calendar's rules: when two changes conflict, when a change lands in a
//! freeze window, and the next free slot for a change.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A half-open period `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// A window of `minutes` from `start`; refuses empty or negative ones.
    pub fn new(start: DateTime<Utc>, minutes: i64) -> Result<Self, String> {
        if minutes <= 0 {
            return Err("The duration must be at least one minute.".into());
        }
        if minutes > 60 * 24 * 14 {
            return Err("A change window is at most 14 days.".into());
        }
        Ok(Self {
            start,
            end: start + Duration::minutes(minutes),
        })
    }

    /// A window between two instants, such as a freeze; `end` must follow `start`.
    pub fn between(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, String> {
        if end <= start {
            return Err("The end must be after the start.".into());
        }
        Ok(Self { start, end })
    }

    pub fn overlaps(&self, other: &Window) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn duration(&self) -> Duration {
        self.end - self.start
    }
}

/// Something on the calendar that occupies environments and services: a
/// scheduled change request or a release's planned deployment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// What it is, for the conflict message ("CR-12 Rotate keys").
    pub label: String,
    pub environments: Vec<String>,
    pub services: Vec<String>,
    pub window: Window,
}

/// A period when deployments to some environments are blocked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freeze {
    pub reason: String,
    pub environments: Vec<String>,
    pub window: Window,
}

/// Why a window is not free.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Clash {
    /// Another change touches the same environment and service meanwhile.
    Conflict {
        with: String,
        environments: Vec<String>,
        services: Vec<String>,
    },
    /// A freeze covers one of the environments.
    Frozen {
        reason: String,
        environments: Vec<String>,
    },
}

impl Clash {
    pub fn message(&self) -> String {
        match self {
            Clash::Conflict {
                with,
                environments,
                services,
            } => format!(
                "Conflicts with {with} on {} / {}.",
                environments.join(", "),
                services.join(", ")
            ),
            Clash::Frozen {
                reason,
                environments,
            } => {
                format!(
                    "Inside a freeze window on {} ({reason}).",
                    environments.join(", ")
                )
            }
        }
    }
}

fn shared(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|x| b.contains(x)).cloned().collect()
}

/// Everything `candidate` clashes with. Freezes are skipped for emergency
/// changes, which may run inside them.
pub fn clashes(
    candidate: &Booking,
    bookings: &[Booking],
    freezes: &[Freeze],
    emergency: bool,
) -> Vec<Clash> {
    let mut found = Vec::new();
    for other in bookings {
        if !other.window.overlaps(&candidate.window) {
            continue;
        }
        let environments = shared(&candidate.environments, &other.environments);
        let services = shared(&candidate.services, &other.services);
        if !environments.is_empty() && !services.is_empty() {
            found.push(Clash::Conflict {
                with: other.label.clone(),
                environments,
                services,
            });
        }
    }
    if !emergency {
        for freeze in freezes {
            let environments = shared(&candidate.environments, &freeze.environments);
            if freeze.window.overlaps(&candidate.window) && !environments.is_empty() {
                found.push(Clash::Frozen {
                    reason: freeze.reason.clone(),
                    environments,
                });
            }
        }
    }
    found
}

/// [`clashes`] of every booking against all the others, found with one sweep
/// in start order: only windows that overlap are compared, so a busy month
/// costs n log n rather than n². `emergency[i]` says whether booking `i` may
/// run inside a freeze. Conflicts are listed in the others' start order.
pub fn clashes_among(
    bookings: &[Booking],
    emergency: &[bool],
    freezes: &[Freeze],
) -> Vec<Vec<Clash>> {
    let mut order: Vec<usize> = (0..bookings.len()).collect();
    order.sort_by_key(|&i| (bookings[i].window.start, i));
    let mut pairs: Vec<Vec<usize>> = vec![Vec::new(); bookings.len()];
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if bookings[j].window.start >= bookings[i].window.end {
                break;
            }
            if bookings[i].window.overlaps(&bookings[j].window) {
                pairs[i].push(j);
                pairs[j].push(i);
            }
        }
    }
    bookings
        .iter()
        .enumerate()
        .map(|(i, booking)| {
            let mut others: Vec<usize> = std::mem::take(&mut pairs[i]);
            others.sort_by_key(|&j| (bookings[j].window.start, j));
            let near: Vec<Booking> = others.iter().map(|&j| bookings[j].clone()).collect();
            clashes(
                booking,
                &near,
                freezes,
                emergency.get(i).copied().unwrap_or(false),
            )
        })
        .collect()
}

/// How far ahead the next-free-slot search looks.
pub const SEARCH_HORIZON_DAYS: i64 = 90;

/// The earliest start at or after `earliest` where a window as long as the
/// candidate's clashes with nothing, searching up to 90 days ahead.
pub fn next_free_slot(
    candidate: &Booking,
    earliest: DateTime<Utc>,
    bookings: &[Booking],
    freezes: &[Freeze],
    emergency: bool,
) -> Option<DateTime<Utc>> {
    let length = candidate.window.duration();
    let horizon = earliest + Duration::days(SEARCH_HORIZON_DAYS);
    let mut start = earliest;
    while start <= horizon {
        let trial = Booking {
            window: Window {
                start,
                end: start + length,
            },
            ..candidate.clone()
        };
        // Jump past the latest end among the windows in the way; every jump
        // lands on some window's end, so the search always moves forward.
        let blocking_end = bookings
            .iter()
            .filter(|b| {
                b.window.overlaps(&trial.window)
                    && !shared(&trial.environments, &b.environments).is_empty()
                    && !shared(&trial.services, &b.services).is_empty()
            })
            .map(|b| b.window.end)
            .chain(
                freezes
                    .iter()
                    .filter(|f| {
                        !emergency
                            && f.window.overlaps(&trial.window)
                            && !shared(&trial.environments, &f.environments).is_empty()
                    })
                    .map(|f| f.window.end),
            )
            .max();
        match blocking_end {
            None => return Some(start),
            Some(end) => start = end,
        }
    }
    None
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
