//! Deploy targets as admins see and save them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A deploy target as admins see it (the webhook secret is never sent back).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetView {
    pub id: Uuid,
    pub service: String,
    pub environment: String,
    pub kind: String,
    pub program: Option<String>,
    pub args: Vec<String>,
    pub url: Option<String>,
    pub has_secret: bool,
    pub timeout_seconds: i32,
    pub health_url: Option<String>,
    pub health_status: i32,
    pub health_command: Option<String>,
    pub live_version: Option<String>,
}

/// What an admin saves for a target.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetInput {
    pub service: String,
    pub environment: String,
    pub kind: String,
    #[serde(default)]
    pub program: String,
    /// One argument per line.
    #[serde(default)]
    pub args: String,
    #[serde(default)]
    pub url: String,
    /// Empty keeps the stored secret.
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub timeout_seconds: String,
    #[serde(default)]
    pub health_url: String,
    #[serde(default)]
    pub health_status: String,
    #[serde(default)]
    pub health_command: String,
}

impl TargetInput {
    /// The target editor as a plain HTML form posts it (arguments one a
    /// line, as typed).
    pub fn from_fields(fields: &crate::domain::Fields) -> Self {
        Self {
            service: fields.text("service"),
            environment: fields.text("environment"),
            kind: fields.text("kind"),
            program: fields.text("program"),
            args: fields.text("args"),
            url: fields.text("url"),
            secret: fields.text("secret"),
            timeout_seconds: fields.text("timeout_seconds"),
            health_url: fields.text("health_url"),
            health_status: fields.text("health_status"),
            health_command: fields.text("health_command"),
        }
    }
}
