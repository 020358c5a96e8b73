//! The deployment state machine: which states follow which, what a person
//! may do by hand in each, and how a state reads to people (a succeeded
//! deployment inside its bake time is *baking*).

use super::plan::duration_words;
use crate::domain::change_request::vocabulary;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    DeploymentState {
        Pending => "pending", "Pending",
        WaitingForGates => "waiting_for_gates", "Waiting for gates",
        Running => "running", "Running",
        Paused => "paused", "Paused",
        Succeeded => "succeeded", "Succeeded",
        Failed => "failed", "Failed",
        RollingBack => "rolling_back", "Rolling back",
        RolledBack => "rolled_back", "Rolled back",
        Aborted => "aborted", "Aborted",
    }
);

impl DeploymentState {
    /// Whether the machine allows going from `self` to `to`.
    pub fn can_become(self, to: DeploymentState) -> bool {
        use DeploymentState::*;
        matches!(
            (self, to),
            (Pending, WaitingForGates | Running | Failed | Aborted)
                | (WaitingForGates, Running | Failed | Aborted)
                | (Running, Paused | Succeeded | Failed | RollingBack | Aborted)
                | (Paused, Running | Failed | RollingBack | Aborted)
                // a breach during the bake time after success still rolls back
                | (Succeeded, RollingBack)
                | (RollingBack, RolledBack | Failed)
        )
    }

    /// Still moving: a person or the engine may act on it.
    pub fn is_active(self) -> bool {
        use DeploymentState::*;
        matches!(
            self,
            Pending | WaitingForGates | Running | Paused | RollingBack
        )
    }

    pub fn is_final(self) -> bool {
        use DeploymentState::*;
        matches!(self, Succeeded | Failed | RolledBack | Aborted)
    }
}

/// What people are told a deployment is doing, from its state and bake
/// time. The machine's `succeeded` starts the bake time, during which the
/// rollback triggers are still watched and a breach rolls it back; until
/// the bake is over the deployment is *baking*, and only then does it read
/// as succeeded. Every page and the API take the words from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeploymentPhase {
    pub state: DeploymentState,
    /// Seconds of bake time left; set only while baking.
    pub bake_left_seconds: Option<u32>,
    /// The whole bake time, in seconds.
    pub bake_seconds: u32,
}

impl DeploymentPhase {
    /// The phase at `now` of a deployment in `state` whose bake time (of
    /// `bake_seconds`) ends at `bake_until`.
    pub fn of(
        state: DeploymentState,
        bake_until: Option<DateTime<Utc>>,
        bake_seconds: u32,
        now: DateTime<Utc>,
    ) -> Self {
        let bake_left_seconds = match bake_until {
            Some(until) if state == DeploymentState::Succeeded && until > now => {
                // Rounded up: it says "1 s left" until the bake is really over.
                let millis = (until - now).num_milliseconds();
                Some(u32::try_from((millis + 999) / 1000).unwrap_or(u32::MAX))
            }
            _ => None,
        };
        Self {
            state,
            bake_left_seconds,
            bake_seconds,
        }
    }

    /// Succeeded, but still inside its bake time.
    pub fn is_baking(&self) -> bool {
        self.bake_left_seconds.is_some()
    }

    /// `baking` while baking, else the state's name (for attributes and CSS).
    pub fn key(&self) -> &'static str {
        if self.is_baking() {
            "baking"
        } else {
            self.state.as_str()
        }
    }

    /// What the badge says: "Baking · 12 min left", else the state's label.
    pub fn label(&self) -> String {
        match self.bake_left_seconds {
            Some(left) => format!("Baking · {} left", duration_words(left)),
            None => self.state.label().to_string(),
        }
    }

    /// How much of the bake time is over, 0 to 100 (100 once it is).
    pub fn bake_percent(&self) -> u32 {
        match self.bake_left_seconds {
            None => 100,
            Some(_) if self.bake_seconds == 0 => 0,
            Some(left) => {
                let done = self.bake_seconds.saturating_sub(left);
                (u64::from(done) * 100 / u64::from(self.bake_seconds)) as u32
            }
        }
    }
}

vocabulary!(
    /// What a person can do to a deployment by hand.
    ManualAction {
        Pause => "pause", "Pause",
        Resume => "resume", "Resume",
        Promote => "promote", "Promote",
        Abort => "abort", "Abort",
        Rollback => "rollback", "Roll back",
    }
);

impl ManualAction {
    /// Whether the action makes sense in `state` (`waiting` is true while a
    /// canary pause waits for a person to promote it).
    pub fn allowed(self, state: DeploymentState, waiting_for_promotion: bool) -> bool {
        use DeploymentState::*;
        match self {
            ManualAction::Pause => state == Running,
            ManualAction::Resume => state == Paused && !waiting_for_promotion,
            ManualAction::Promote => matches!(state, Running | Paused) && waiting_for_promotion,
            ManualAction::Abort => matches!(state, Pending | WaitingForGates | Running | Paused),
            ManualAction::Rollback => matches!(state, Running | Paused | Succeeded),
        }
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
