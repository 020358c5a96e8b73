//! An account as the server reads it (a row of `app_user` without the
//! password hash): what sessions, the account cache and the account
//! services share, so none of them imports another for it.

use crate::domain::{Role, Roles};
use crate::error::AppError;
use crate::model::UserView;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// A row of `app_user` without the password hash.
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub session_version: i32,
    pub created_at: DateTime<Utc>,
}

impl UserRecord {
    pub fn roles(&self) -> Result<Roles, AppError> {
        Roles::parse(self.roles.iter().map(String::as_str)).map_err(|e| {
            tracing::error!(user = %self.id, error = %e, "stored roles are invalid");
            AppError::Internal
        })
    }

    pub fn view(&self) -> UserView {
        UserView {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            roles: self
                .roles
                .iter()
                .filter_map(|r| Role::parse(r).ok())
                .collect(),
            disabled: self.disabled,
            must_change_password: self.must_change_password,
            created_at: self.created_at,
        }
    }

    pub(super) fn audit_json(&self) -> serde_json::Value {
        json!({
            "email": self.email,
            "display_name": self.display_name,
            "roles": self.roles,
            "disabled": self.disabled,
        })
    }
}
