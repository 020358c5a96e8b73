//! Notifications: who hears about what, and the channels that deliver it.
//!
//! A `Notice` is written in the caller's transaction for each recipient and
//! each channel the recipient uses. Today every person has the in-app inbox;
//! email and webhooks become further `Channel`s whose deliveries a worker
//! sends from the same rows, so nothing is lost when a send fails.

use crate::domain::change_request::{CrAction, CrStatus};
use crate::domain::Role;
use crate::error::AppError;
use crate::model::{NotificationPage, NotificationView};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Where a notice is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    InApp,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
        }
    }
}

/// Something worth telling people about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// `review_needed`, `approval_needed`, `approved`, `rejected`, `scheduled`, ...
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    /// A path inside Rookery.
    pub link: String,
}

/// The channels `recipient` receives notices on.
fn channels_for(_recipient: Uuid) -> &'static [Channel] {
    &[Channel::InApp]
}

/// Delivers `notice` to each recipient (duplicates and disabled accounts
/// skipped) inside the caller's transaction.
pub async fn send(
    conn: &mut PgConnection,
    recipients: &[Uuid],
    notice: &Notice,
) -> Result<(), AppError> {
    let mut ids = Vec::new();
    let mut channels = Vec::new();
    for recipient in recipients {
        for channel in channels_for(*recipient) {
            ids.push(*recipient);
            channels.push(channel.as_str().to_string());
        }
    }
    sqlx::query!(
        "insert into notification (id, recipient_id, kind, title, body, link, channel)
         select gen_random_uuid(), r.id, $3, $4, $5, $6, r.channel
         from (select distinct * from unnest($1::uuid[], $2::text[]) as t(id, channel)) r
         join app_user u on u.id = r.id and not u.disabled",
        &ids,
        &channels,
        notice.kind,
        notice.title,
        notice.body,
        notice.link,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Delivers `notice` to every active account holding one of `roles`.
pub async fn send_to_roles(
    conn: &mut PgConnection,
    roles: &[Role],
    notice: &Notice,
) -> Result<(), AppError> {
    let names: Vec<String> = roles.iter().map(|r| r.as_str().to_string()).collect();
    let recipients = sqlx::query_scalar!(
        "select id from app_user where roles && $1::text[] and not disabled",
        &names
    )
    .fetch_all(&mut *conn)
    .await?;
    send(conn, &recipients, notice).await
}

/// Active accounts with `role`, except `except`.
async fn with_role(
    conn: &mut PgConnection,
    role: Role,
    except: &[Uuid],
) -> Result<Vec<Uuid>, AppError> {
    Ok(sqlx::query_scalar!(
        "select id from app_user where $1 = any(roles) and not disabled and id <> all($2)",
        role.as_str(),
        except
    )
    .fetch_all(conn)
    .await?)
}

/// Settles what change request `number` (at `link`) asked people to do once
/// it moved to `to`, in the caller's transaction. A request to act that the
/// move answered (a review request once the change left `submitted`, an
/// approval request once it left `submitted` and `in_review`: approved,
/// rejected, cancelled, ...) is removed from the inbox of everyone who did
/// not act on it, since nothing is left for them to do; the reviewer and
/// the approvers keep theirs, read, as the record of what they were asked.
/// The actor's own notices about the change are marked read.
async fn settle(
    conn: &mut PgConnection,
    number: i64,
    link: &str,
    actor: Uuid,
    reviewer: Option<Uuid>,
    to: CrStatus,
) -> Result<(), AppError> {
    sqlx::query!(
        "delete from notification n
         where n.link = $1 and n.recipient_id <> $2
           and ((n.kind = 'review_needed' and $3 <> 'submitted'
                 and n.recipient_id is distinct from $4)
                or (n.kind = 'approval_needed' and $3 not in ('submitted', 'in_review')
                    and not exists (select 1 from cr_approval a
                                    join change_request c on c.id = a.cr_id
                                    where c.number = $5 and a.approver_id = n.recipient_id)))",
        link,
        actor,
        to.as_str(),
        reviewer,
        number
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update notification set read_at = now()
         where link = $1 and recipient_id = $2 and read_at is null",
        link,
        actor
    )
    .execute(&mut *conn)
    .await?;

    Ok(())
}

/// Tells the right people that change request `number` moved: reviewers when
/// it needs a review, approvers when it needs approval, release managers when
/// an emergency waits for fast-tracking, and the requester when it is
/// approved, rejected or scheduled. The person acting is never told.
#[allow(clippy::too_many_arguments)]
pub async fn change_request_moved(
    conn: &mut PgConnection,
    number: i64,
    title: &str,
    requester: Uuid,
    reviewer: Option<Uuid>,
    actor: Uuid,
    action: &CrAction,
    to: CrStatus,
    emergency: bool,
) -> Result<(), AppError> {
    let link = format!("/changes/{number}");
    let named = format!("CR-{number} {title}");
    settle(conn, number, &link, actor, reviewer, to).await?;
    let mut except = vec![actor, requester];
    except.extend(reviewer);
    let (recipients, notice) = match (action, to) {
        (CrAction::Submit, CrStatus::Submitted) if emergency => (
            with_role(conn, Role::ReleaseManager, &except).await?,
            Notice {
                kind: "approval_needed",
                title: format!("Emergency change needs fast-track approval: {named}"),
                body: String::new(),
                link,
            },
        ),
        (CrAction::Submit, CrStatus::Submitted) => (
            with_role(conn, Role::Engineer, &except).await?,
            Notice {
                kind: "review_needed",
                title: format!("Technical review needed: {named}"),
                body: String::new(),
                link,
            },
        ),
        (CrAction::Review { .. }, CrStatus::InReview) => (
            with_role(conn, Role::Approver, &except).await?,
            Notice {
                kind: "approval_needed",
                title: format!("Approval needed: {named}"),
                body: String::new(),
                link,
            },
        ),
        (_, CrStatus::Approved) => (
            vec![requester],
            Notice {
                kind: "approved",
                title: format!("Approved: {named}"),
                body: "It can now be scheduled by a release manager.".into(),
                link,
            },
        ),
        (_, CrStatus::Rejected) => (
            vec![requester],
            Notice {
                kind: "rejected",
                title: format!("Rejected: {named}"),
                body: match action {
                    CrAction::Reject { reason } => reason.clone(),
                    CrAction::Review {
                        reason: Some(reason),
                        ..
                    } => reason.clone(),
                    _ => String::new(),
                },
                link,
            },
        ),
        (CrAction::Schedule, CrStatus::Scheduled) => (
            vec![requester],
            Notice {
                kind: "scheduled",
                title: format!("Scheduled: {named}"),
                body: String::new(),
                link,
            },
        ),
        _ => return Ok(()),
    };
    let recipients: Vec<Uuid> = recipients.into_iter().filter(|r| *r != actor).collect();
    if recipients.is_empty() {
        return Ok(());
    }
    send(conn, &recipients, &notice).await
}

/// How many unread notices `user` has. Every page shows it, so it is kept
/// until the next write (notices are only made by audited writes, and
/// marking read counts as one).
pub async fn unread_count(pool: &PgPool, user: Uuid) -> Result<i64, AppError> {
    UNREAD
        .get_or_load(pool, user, || async move {
            Ok(sqlx::query_scalar!(
                r#"select count(*) as "n!" from notification
           where recipient_id = $1 and channel = 'in_app' and read_at is null"#,
                user
            )
            .fetch_one(pool)
            .await?)
        })
        .await
}

static UNREAD: std::sync::LazyLock<super::read_cache::UntilWrite<Uuid, i64>> =
    std::sync::LazyLock::new(|| super::read_cache::UntilWrite::new(10_000));

/// The newest in-app notices of `user`.
pub async fn list(pool: &PgPool, user: Uuid, page: i64) -> Result<NotificationPage, AppError> {
    let per_page = 30;
    let page = page.clamp(1, crate::domain::MAX_PAGE);
    let items = sqlx::query_as!(
        NotificationView,
        "select id, kind, title, body, link, created_at, read_at from notification
         where recipient_id = $1 and channel = 'in_app'
         order by created_at desc, id limit $2 offset $3",
        user,
        per_page,
        (page - 1) * per_page
    )
    .fetch_all(pool)
    .await?;
    let (total, unread) = sqlx::query!(
        r#"select count(*) as "total!", count(*) filter (where read_at is null) as "unread!"
           from notification where recipient_id = $1 and channel = 'in_app'"#,
        user
    )
    .fetch_one(pool)
    .await
    .map(|r| (r.total, r.unread))?;
    Ok(NotificationPage {
        items,
        total,
        unread,
        page,
        per_page,
    })
}

/// Marks one notice (or, with `None`, all of them) read. Only the
/// recipient's own notices are touched.
pub async fn mark_read(pool: &PgPool, user: Uuid, id: Option<Uuid>) -> Result<u64, AppError> {
    let marked = sqlx::query!(
        "update notification set read_at = now()
         where recipient_id = $1 and read_at is null and ($2::uuid is null or id = $2)",
        user,
        id
    )
    .execute(pool)
    .await?
    .rows_affected();
    super::read_cache::wrote();
    Ok(marked)
}
