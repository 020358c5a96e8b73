//! Accounts: the repository and the services that change them.

use super::audit::{self, Actor, AuditEntry};
use super::password::{self, Password, StoredHash};
use crate::domain::role::{check_disable, check_role_change, RoleError};
use crate::domain::{check_password, DisplayName, EmailAddress, Role, Roles};
use crate::error::AppError;
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

pub use super::user_record::UserRecord;

pub async fn find_by_id(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<UserRecord>, AppError> {
    Ok(sqlx::query_as!(
        UserRecord,
        "select id, email, display_name, roles, disabled, must_change_password, session_version, created_at
         from app_user where id = $1",
        id
    )
    .fetch_optional(db)
    .await?)
}

async fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<UserRecord, AppError> {
    sqlx::query_as!(
        UserRecord,
        "select id, email, display_name, roles, disabled, must_change_password, session_version, created_at
         from app_user where id = $1 for update",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// The account with `email` (any case) and its password hash.
pub async fn find_by_email_with_hash(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<(UserRecord, StoredHash)>, AppError> {
    let row = sqlx::query!(
        "select id, email, display_name, roles, disabled, must_change_password, session_version, created_at, password_hash
         from app_user where lower(email) = lower($1)",
        email
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        (
            UserRecord {
                id: r.id,
                email: r.email,
                display_name: r.display_name,
                roles: r.roles,
                disabled: r.disabled,
                must_change_password: r.must_change_password,
                session_version: r.session_version,
                created_at: r.created_at,
            },
            StoredHash(r.password_hash),
        )
    }))
}

/// Every account, by name.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<UserRecord>, AppError> {
    Ok(sqlx::query_as!(
        UserRecord,
        "select id, email, display_name, roles, disabled, must_change_password, session_version, created_at
         from app_user order by disabled, lower(display_name), email"
    )
    .fetch_all(db)
    .await?)
}

pub async fn count(db: impl PgExecutor<'_>) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar!(r#"select count(*) as "n!" from app_user"#)
            .fetch_one(db)
            .await?,
    )
}

/// A new account's fields, already parsed.
#[derive(Debug)]
pub struct NewUser {
    pub email: EmailAddress,
    pub display_name: DisplayName,
    pub roles: Roles,
    pub password: Password,
    /// The password was generated and must be replaced at first sign-in.
    pub must_change_password: bool,
}

/// Creates an account and its audit event in one transaction.
#[tracing::instrument(skip_all, fields(email = %new.email), err(Debug))]
pub async fn create(
    pool: &PgPool,
    actor: &Actor,
    new: NewUser,
    request_id: Option<&str>,
) -> Result<UserRecord, AppError> {
    let problems = check_password(new.password.expose(), Some(new.email.as_str()));
    if let Some(problem) = problems.first() {
        return Err(AppError::field("password", problem.to_string()));
    }
    let hash = password::hash_password(new.password.clone()).await?;
    let roles = new.roles.names();
    let mut tx = pool.begin().await?;
    let user = sqlx::query_as!(
        UserRecord,
        "insert into app_user (id, email, display_name, password_hash, roles, must_change_password)
         values ($1, $2, $3, $4, $5, $6)
         returning id, email, display_name, roles, disabled, must_change_password, session_version, created_at",
        Uuid::new_v4(),
        new.email.as_str(),
        new.display_name.as_str(),
        hash.0,
        &roles,
        new.must_change_password,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.constraint() == Some("app_user_email_key") => {
            AppError::field("email", "An account with this email already exists.")
        }
        _ => AppError::from(e),
    })?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor,
            action: "user.create",
            entity_type: "user",
            entity_id: Some(user.id.to_string()),
            before: None,
            after: Some(user.audit_json()),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(user)
}

/// Refuses a change that would leave no enabled administrator. Locks the
/// admin rows so two concurrent demotions cannot both pass.
async fn ensure_other_admin(conn: &mut PgConnection, except: Uuid) -> Result<(), AppError> {
    let others = sqlx::query_scalar!(
        "select id from app_user
         where 'admin' = any(roles) and not disabled and id <> $1
         for update",
        except
    )
    .fetch_all(conn)
    .await?;
    if others.is_empty() {
        return Err(AppError::Conflict(RoleError::LastAdmin.to_string()));
    }
    Ok(())
}

fn role_error(error: RoleError) -> AppError {
    AppError::field("roles", error.to_string())
}

/// Replaces an account's roles.
#[tracing::instrument(skip_all, fields(target = %target), err(Debug))]
pub async fn set_roles(
    pool: &PgPool,
    actor: &Actor,
    actor_id: Option<Uuid>,
    target: Uuid,
    roles: Roles,
    request_id: Option<&str>,
) -> Result<UserRecord, AppError> {
    let mut tx = pool.begin().await?;
    let before = find_for_update(&mut tx, target).await?;
    let current = before.roles()?;
    check_role_change(actor_id == Some(target), &current, &roles).map_err(role_error)?;
    if current.contains(Role::Admin) && !roles.contains(Role::Admin) && !before.disabled {
        ensure_other_admin(&mut tx, target).await?;
    }
    let after = sqlx::query_as!(
        UserRecord,
        "update app_user set roles = $2, updated_at = now() where id = $1
         returning id, email, display_name, roles, disabled, must_change_password, session_version, created_at",
        target,
        &roles.names(),
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor,
            action: "user.set_roles",
            entity_type: "user",
            entity_id: Some(target.to_string()),
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(after)
}

/// Disables or re-enables an account. Disabling signs it out everywhere.
#[tracing::instrument(skip_all, fields(target = %target, disabled), err(Debug))]
pub async fn set_disabled(
    pool: &PgPool,
    actor: &Actor,
    actor_id: Option<Uuid>,
    target: Uuid,
    disabled: bool,
    request_id: Option<&str>,
) -> Result<UserRecord, AppError> {
    let mut tx = pool.begin().await?;
    let before = find_for_update(&mut tx, target).await?;
    if disabled {
        check_disable(actor_id == Some(target)).map_err(|e| AppError::Conflict(e.to_string()))?;
        if before.roles()?.contains(Role::Admin) && !before.disabled {
            ensure_other_admin(&mut tx, target).await?;
        }
    }
    let after = sqlx::query_as!(
        UserRecord,
        "update app_user
         set disabled = $2,
             session_version = case when $2 then session_version + 1 else session_version end,
             updated_at = now()
         where id = $1
         returning id, email, display_name, roles, disabled, must_change_password, session_version, created_at",
        target,
        disabled,
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor,
            action: if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            entity_type: "user",
            entity_id: Some(target.to_string()),
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(after)
}

/// Sets an account's password (policy-checked), voiding its other sessions.
/// Returns the new session version.
#[tracing::instrument(skip_all, fields(target = %target), err(Debug))]
pub async fn set_password(
    pool: &PgPool,
    actor: &Actor,
    target: Uuid,
    new_password: Password,
    must_change_password: bool,
    request_id: Option<&str>,
) -> Result<i32, AppError> {
    let user = find_by_id(pool, target).await?.ok_or(AppError::NotFound)?;
    let problems = check_password(new_password.expose(), Some(&user.email));
    if let Some(problem) = problems.first() {
        return Err(AppError::field("new_password", problem.to_string()));
    }
    let hash = password::hash_password(new_password).await?;
    let mut tx = pool.begin().await?;
    let version = sqlx::query_scalar!(
        "update app_user
         set password_hash = $2, must_change_password = $3, session_version = session_version + 1, updated_at = now()
         where id = $1
         returning session_version",
        target,
        hash.0,
        must_change_password,
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor,
            action: "user.set_password",
            entity_type: "user",
            entity_id: Some(target.to_string()),
            before: None,
            after: Some(json!({ "must_change_password": must_change_password })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(version)
}

/// On an empty database, creates the `admin` account with a generated
/// one-time password and returns both so the caller can print them once.
pub async fn bootstrap_admin(
    pool: &PgPool,
    email: &EmailAddress,
) -> Result<Option<String>, AppError> {
    if count(pool).await? > 0 {
        return Ok(None);
    }
    let one_time = password::generate_password();
    let new = NewUser {
        email: email.clone(),
        display_name: DisplayName::parse("Administrator").map_err(|_| AppError::Internal)?,
        roles: Roles::new([Role::Admin]).map_err(|_| AppError::Internal)?,
        password: Password::new(one_time.clone()),
        must_change_password: true,
    };
    match create(pool, &Actor::System, new, None).await {
        Ok(_) => Ok(Some(one_time)),
        // Another process bootstrapped at the same moment.
        Err(AppError::Validation { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
