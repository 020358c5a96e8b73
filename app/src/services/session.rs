//! Signed-in sessions on top of tower-sessions: what the session stores, the
//! absolute lifetime, and voiding sessions after a password change or disable.

use super::audit::Actor;
use super::state::AppState;
use super::users::{self, UserRecord};
use crate::domain::Roles;
use crate::error::AppError;
use crate::model::CurrentUser;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

const AUTH_KEY: &str = "auth";
const SEEN_KEY: &str = "seen_at";
/// How often activity is written back, which extends the idle timeout.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// What a session remembers about its sign-in.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionAuth {
    user_id: Uuid,
    session_version: i32,
    authenticated_at: DateTime<Utc>,
}

/// The account behind a live session or API token.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Roles,
    pub must_change_password: bool,
    pub session_version: i32,
}

impl SessionUser {
    /// Whether this person has `permission` (the domain's rule).
    pub fn may(&self, permission: crate::domain::Permission) -> bool {
        self.roles.may(permission)
    }

    /// `NotPermitted`, with the rule's sentence, unless this person has
    /// `permission`.
    pub fn require(&self, permission: crate::domain::Permission) -> Result<(), AppError> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(AppError::NotPermitted(permission.refusal().into()))
        }
    }

    pub fn actor(&self) -> Actor {
        Actor::User {
            id: self.id,
            email: self.email.clone(),
        }
    }

    pub fn view(&self) -> CurrentUser {
        CurrentUser {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            roles: self.roles.iter().collect(),
            must_change_password: self.must_change_password,
        }
    }
}

impl TryFrom<UserRecord> for SessionUser {
    type Error = AppError;

    fn try_from(user: UserRecord) -> Result<Self, AppError> {
        let roles = user.roles()?;
        Ok(Self {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            roles,
            must_change_password: user.must_change_password,
            session_version: user.session_version,
        })
    }
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %error, "session store error");
    AppError::Internal
}

/// Signs `user` in on `session`: a new session id (against fixation), then
/// the sign-in record.
pub async fn start(session: &Session, user: &UserRecord) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    let auth = SessionAuth {
        user_id: user.id,
        session_version: user.session_version,
        authenticated_at: Utc::now(),
    };
    session.insert(AUTH_KEY, auth).await.map_err(session_error)
}

/// Keeps this session valid after its own password change bumped the version.
pub async fn refresh_version(session: &Session, session_version: i32) -> Result<(), AppError> {
    if let Some(mut auth) = session
        .get::<SessionAuth>(AUTH_KEY)
        .await
        .map_err(session_error)?
    {
        auth.session_version = session_version;
        session
            .insert(AUTH_KEY, auth)
            .await
            .map_err(session_error)?;
    }
    Ok(())
}

/// Signs the session out and deletes it from the store.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// Records activity at most once a minute. tower-sessions only saves (and
/// so only pushes the idle expiry forward) when the session changed.
async fn touch(session: &Session) -> Result<(), AppError> {
    let now = Utc::now();
    let seen = session
        .get::<DateTime<Utc>>(SEEN_KEY)
        .await
        .map_err(session_error)?;
    if seen.is_none_or(|at| (now - at).num_seconds() >= TOUCH_EVERY_SECONDS) {
        session.insert(SEEN_KEY, now).await.map_err(session_error)?;
    }
    Ok(())
}

/// The user signed in on `session`, if the sign-in is still valid: within
/// the absolute lifetime, the account enabled and its password unchanged.
pub async fn current_user(
    session: &Session,
    state: &AppState,
) -> Result<Option<SessionUser>, AppError> {
    let Some(auth) = session
        .get::<SessionAuth>(AUTH_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let age = Utc::now().signed_duration_since(auth.authenticated_at);
    if age.to_std().unwrap_or_default() > state.auth.absolute_lifetime {
        end(session).await?;
        return Ok(None);
    }
    let user = super::read_cache::ACCOUNTS
        .get_or_load(&state.pool, auth.user_id, || {
            users::find_by_id(&state.pool, auth.user_id)
        })
        .await?;
    match user {
        Some(user) if !user.disabled && user.session_version == auth.session_version => {
            touch(session).await?;
            Ok(Some(SessionUser::try_from(user)?))
        }
        _ => {
            end(session).await?;
            Ok(None)
        }
    }
}
