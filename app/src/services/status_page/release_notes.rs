//! Release notes: every save is a revision; publishing puts one revision on
//! the public changelog; unpublishing takes it off and keeps the history.

use crate::domain::change_request::ChangeType;
use crate::domain::release_note::{DraftChange, NoteSections, SECTIONS};
use crate::error::AppError;
use crate::model::status_page::{
    DiffLine, ReleaseNoteView, RevisionDiff, RevisionMeta, SectionDiff,
};
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

async fn sections_at(
    conn: &mut PgConnection,
    release: Uuid,
    revision: i32,
) -> Result<Option<NoteSections>, AppError> {
    let value: Option<serde_json::Value> = sqlx::query_scalar!(
        "select sections from release_note_revision where release_id = $1 and revision = $2",
        release,
        revision
    )
    .fetch_optional(conn)
    .await?;
    value
        .map(|v| {
            serde_json::from_value(v).map_err(|e| {
                tracing::error!(error = %e, "stored release note does not parse");
                AppError::Internal
            })
        })
        .transpose()
}

/// The editor's view: the latest revision (or nothing yet) and the history.
pub async fn get(
    pool: &PgPool,
    user: &SessionUser,
    release: Uuid,
) -> Result<ReleaseNoteView, AppError> {
    let mut conn = pool.acquire().await?;
    let head = sqlx::query!(
        "select s.key, r.version, r.title from release r join service s on s.id = r.service_id where r.id = $1",
        release
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let note = sqlx::query!(
        "select latest_revision, published_revision, published_at from release_note where release_id = $1",
        release
    )
    .fetch_optional(&mut *conn)
    .await?;
    let (revision, published_revision, published_at) = note
        .map(|n| (n.latest_revision, n.published_revision, n.published_at))
        .unwrap_or((0, None, None));
    let sections = sections_at(&mut conn, release, revision)
        .await?
        .unwrap_or_default();
    let revisions = sqlx::query!(
        r#"select v.revision, u.display_name as "display_name?", v.created_at from release_note_revision v
         left join app_user u on u.id = v.author_id where v.release_id = $1 order by v.revision desc"#,
        release
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(ReleaseNoteView {
        release_id: release,
        service: head.key,
        version: head.version,
        title: head.title,
        sections,
        revision,
        revisions: revisions
            .into_iter()
            .map(|r| RevisionMeta {
                revision: r.revision,
                author: r.display_name.unwrap_or_else(|| "—".into()),
                created_at: r.created_at,
            })
            .collect(),
        published_revision,
        published_at,
        can_edit: user.may(crate::domain::Permission::DraftReleaseNotes),
        can_publish: user.may(crate::domain::Permission::ManageStatus),
    })
}

/// A draft from the release's change requests, by type; not saved.
pub async fn draft(
    pool: &PgPool,
    user: &SessionUser,
    release: Uuid,
) -> Result<NoteSections, AppError> {
    if !user.may(crate::domain::Permission::DraftReleaseNotes) {
        return Err(AppError::Forbidden);
    }
    let exists: bool = sqlx::query_scalar!(
        r#"select exists(select 1 from release where id = $1) as "exists!""#,
        release
    )
    .fetch_one(pool)
    .await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    let rows = sqlx::query!(
        "select c.number, c.title, c.change_type from release_change rc join change_request c on c.id = rc.cr_id
         where rc.release_id = $1",
        release
    )
    .fetch_all(pool)
    .await?;
    let changes = rows
        .into_iter()
        .map(|r| {
            Ok(DraftChange {
                number: r.number,
                title: r.title,
                change_type: crate::services::stored::parse(&r.change_type, ChangeType::parse)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(NoteSections::draft(&changes))
}

/// Saves a new revision on top of `base` (the revision the editor loaded);
/// a newer revision saved meanwhile is a conflict, not an overwrite.
#[tracing::instrument(skip_all, fields(user = %user.id, release = %release), err(Debug))]
pub async fn save(
    pool: &PgPool,
    user: &SessionUser,
    release: Uuid,
    base: i32,
    sections: &NoteSections,
    request_id: Option<&str>,
) -> Result<i32, AppError> {
    if !user.may(crate::domain::Permission::DraftReleaseNotes) {
        return Err(AppError::NotPermitted(
            "Engineers, release managers and administrators write release notes.".into(),
        ));
    }
    let problems = sections.problems();
    if !problems.is_empty() {
        return Err(AppError::invalid(
            problems.into_iter().collect::<BTreeMap<_, _>>(),
        ));
    }
    let mut tx = pool.begin().await?;
    let exists: bool = sqlx::query_scalar!(
        r#"select exists(select 1 from release where id = $1) as "exists!""#,
        release
    )
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    sqlx::query!(
        "insert into release_note (release_id) values ($1) on conflict do nothing",
        release
    )
    .execute(&mut *tx)
    .await?;
    let latest: i32 = sqlx::query_scalar!(
        "select latest_revision from release_note where release_id = $1 for update",
        release
    )
    .fetch_one(&mut *tx)
    .await?;
    if latest != base {
        return Err(AppError::Conflict(format!(
            "Revision {latest} was saved after the one you started from ({base}). Reload to see it; your text is still in the editor."
        )));
    }
    if latest > 0 && sections_at(&mut tx, release, latest).await?.as_ref() == Some(sections) {
        return Ok(latest);
    }
    let revision = latest + 1;
    sqlx::query!(
        "insert into release_note_revision (release_id, revision, sections, author_id) values ($1, $2, $3, $4)",
        release,
        revision,
        json!(sections),
        user.id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update release_note set latest_revision = $2, updated_at = now() where release_id = $1",
        release,
        revision
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "release_note.save",
            entity_type: "release",
            entity_id: Some(release.to_string()),
            before: Some(json!({ "revision": latest })),
            after: Some(json!({ "revision": revision })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(revision)
}

/// Publishes `revision` on the changelog — the one the release manager
/// read, which must still be the latest — or, with `None`, takes the note off.
#[tracing::instrument(skip_all, fields(user = %user.id, release = %release), err(Debug))]
pub async fn set_published(
    pool: &PgPool,
    user: &SessionUser,
    release: Uuid,
    revision: Option<i32>,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    let publish = revision.is_some();
    if !user.may(crate::domain::Permission::ManageStatus) {
        return Err(AppError::NotPermitted(
            "Only release managers and administrators publish release notes.".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    let note = sqlx::query!(
        "select latest_revision, published_revision from release_note where release_id = $1 for update",
        release
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|n| (n.latest_revision, n.published_revision));
    let Some((latest, published)) = note.filter(|(latest, _)| *latest > 0) else {
        return Err(AppError::Conflict(
            "Save the note before publishing it.".into(),
        ));
    };
    if let Some(revision) = revision {
        if revision != latest {
            return Err(AppError::Conflict(format!(
                "Revision {latest} was saved after the one you read ({revision}). Reload and check it before publishing."
            )));
        }
        let sections = sections_at(&mut tx, release, latest)
            .await?
            .unwrap_or_default();
        if sections.is_empty() {
            return Err(AppError::Conflict("The note is empty.".into()));
        }
        // A correction keeps the note's place on the changelog.
        sqlx::query!(
            "update release_note set published_revision = $2, published_at = coalesce(published_at, now()), published_by = $3, updated_at = now()
             where release_id = $1",
            release,
            latest,
            user.id
        )
        .execute(&mut *tx)
        .await?;
    } else {
        if published.is_none() {
            return Err(AppError::Conflict("The note is not published.".into()));
        }
        sqlx::query!(
            "update release_note set published_revision = null, published_at = null, published_by = null, updated_at = now()
             where release_id = $1",
            release
        )
        .execute(&mut *tx)

        .await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: if publish {
                "release_note.publish"
            } else {
                "release_note.unpublish"
            },
            entity_type: "release",
            entity_id: Some(release.to_string()),
            before: Some(json!({ "published_revision": published })),
            after: Some(json!({ "published_revision": publish.then_some(latest) })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// What changed between two revisions, section by section, line by line.
pub async fn diff(
    pool: &PgPool,
    release: Uuid,
    from: i32,
    to: i32,
) -> Result<RevisionDiff, AppError> {
    let mut conn = pool.acquire().await?;
    let old = if from == 0 {
        NoteSections::default()
    } else {
        sections_at(&mut conn, release, from)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let new = sections_at(&mut conn, release, to)
        .await?
        .ok_or(AppError::NotFound)?;
    let sections = SECTIONS
        .iter()
        .map(|(key, heading)| {
            let text = similar::TextDiff::from_lines(old.get(key), new.get(key));
            let lines: Vec<DiffLine> = text
                .iter_all_changes()
                .map(|change| DiffLine {
                    tag: match change.tag() {
                        similar::ChangeTag::Equal => "equal",
                        similar::ChangeTag::Insert => "insert",
                        similar::ChangeTag::Delete => "delete",
                    }
                    .to_string(),
                    text: change.value().trim_end_matches('\n').to_string(),
                })
                .collect();
            SectionDiff {
                heading: heading.to_string(),
                changed: lines.iter().any(|l| l.tag != "equal"),
                lines,
            }
        })
        .collect();
    Ok(RevisionDiff { from, to, sections })
}
