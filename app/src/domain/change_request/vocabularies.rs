//! The vocabularies of a change request's fields (type, priority, impact,
//! risk, class, status), and the `vocabulary!` macro that makes such an
//! enum: stored and API names, labels people read, and parsing that says
//! what the choices are.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $value:literal, $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and API name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// The name people read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(input: &str) -> Result<Self, String> {
                let wanted = input.trim().to_lowercase();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                        format!("\"{}\" is not one of: {}.", input.trim(), names.join(", "))
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use vocabulary;

vocabulary!(
    /// What kind of change it is; decides the release-note section.
    ChangeType {
        Enhancement => "enhancement", "Enhancement",
        BugFix => "bug_fix", "Bug fix",
        Security => "security", "Security",
        Infrastructure => "infrastructure", "Infrastructure",
    }
);

vocabulary!(
    Priority {
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
        Critical => "critical", "Critical",
    }
);

vocabulary!(
    /// How much of the system the change touches.
    Impact {
        None => "none", "None",
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
        SystemWide => "system_wide", "System-wide",
    }
);

vocabulary!(
    RiskLevel {
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
        Critical => "critical", "Critical",
    }
);

vocabulary!(
    /// Standard changes come from a pre-approved template; emergency changes
    /// are fast-tracked and reviewed afterwards.
    ChangeClass {
        Standard => "standard", "Standard",
        Normal => "normal", "Normal",
        Emergency => "emergency", "Emergency",
    }
);

vocabulary!(
    CrStatus {
        Draft => "draft", "Draft",
        Submitted => "submitted", "Submitted",
        InReview => "in_review", "In review",
        Approved => "approved", "Approved",
        Scheduled => "scheduled", "Scheduled",
        Implementing => "implementing", "Implementing",
        Validating => "validating", "Validating",
        Closed => "closed", "Closed",
        Rejected => "rejected", "Rejected",
        Cancelled => "cancelled", "Cancelled",
    }
);

impl CrStatus {
    /// Closed and cancelled requests are finished; everything else is open.
    pub fn is_open(self) -> bool {
        !matches!(self, CrStatus::Closed | CrStatus::Cancelled)
    }
}

#[cfg(test)]
#[path = "vocabularies_tests.rs"]
mod tests;
