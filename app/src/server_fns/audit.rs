use crate::error::AppError;
use crate::model::AuditPage;
use leptos::prelude::*;

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
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::ReadAudit)?;
    let filter = crate::services::audit_log::AuditFilter {
        actor,
        entity,
        action,
        from,
        to,
        page,
        order,
    };
    crate::services::audit_log::page(&cx.state.pool, &filter).await
}
