use crate::error::AppError;
use crate::model::AuditPage;
use leptos::prelude::*;

/// Whether the caller may read the audit trail (admins and release managers).
#[cfg(feature = "ssr")]
pub fn may_read_audit(roles: &crate::domain::Roles) -> bool {
    roles.contains(crate::domain::Role::Admin)
        || roles.contains(crate::domain::Role::ReleaseManager)
}

/// A page of the audit trail, filtered.
#[server]
pub async fn list_audit(
    actor: String,
    entity: String,
    action: String,
    from: String,
    to: String,
    page: i64,
    #[server(default)] order: String,
) -> Result<AuditPage, AppError> {
    let cx = crate::server::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    if !may_read_audit(&user.roles) {
        return Err(AppError::Forbidden);
    }
    let filter = crate::server::audit_log::AuditFilter {
        actor,
        entity,
        action,
        from,
        to,
        page,
        order,
    };
    crate::server::audit_log::page(&cx.state.pool, &filter).await
}
