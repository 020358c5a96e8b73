use crate::domain::change_request::CrStatus;
use crate::domain::cr_form::CrInput;
use crate::error::AppError;
use crate::model::{CrDetail, CrPage, EnvironmentView};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Environments, for forms and filters.
#[server]
pub async fn list_environments() -> Result<Vec<EnvironmentView>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    cx.memo("list_environments".into(), || {
        crate::services::environments::listed(&cx.state.pool)
    })
    .await
}

/// A page of change requests. `status` is a status name or empty for all.
#[server]
pub async fn list_change_requests(
    status: String,
    mine: bool,
    search: String,
    page: i64,
    #[server(default)] sort: String,
) -> Result<CrPage, AppError> {
    use crate::services::change_requests::{list, CrFilter, CrSort};
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    let status = match status.trim() {
        "" => None,
        name => Some(CrStatus::parse(name).map_err(|m| AppError::field("status", m))?),
    };
    let filter = CrFilter {
        status,
        requester: mine.then_some(user.id),
        search: Some(search),
        sort: CrSort::parse(&sort).map_err(|m| AppError::field("sort", m))?,
        count_cap: Some(1000),
        page,
        per_page: 25,
    };
    let key = format!("list_change_requests:{filter:?}");
    cx.memo(key, || list(&cx.state.pool, &filter)).await
}

/// Files a change request as a draft; returns its number.
#[server(input = Json)]
pub async fn create_change_request(input: CrInput) -> Result<i64, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::FileChange)?;
    let valid = input.validate().map_err(AppError::invalid)?;
    let (_, number) = crate::services::change_requests::create(
        &cx.state.pool,
        &user,
        valid,
        cx.request_id.as_deref(),
    )
    .await?;
    Ok(number)
}

/// Edits a draft change request (the requester's own); returns its number.
#[server(input = Json)]
pub async fn update_change_request(number: i64, input: CrInput) -> Result<i64, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::FileChange)?;
    let valid = input.validate().map_err(AppError::invalid)?;
    crate::services::change_requests::update(
        &cx.state.pool,
        &user,
        number,
        valid,
        cx.request_id.as_deref(),
    )
    .await?;
    Ok(number)
}

/// One change request with its timeline and the caller's possible actions.
#[server]
pub async fn get_change_request(number: i64) -> Result<CrDetail, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    cx.memo(format!("get_change_request:{number}"), || {
        crate::services::change_requests::detail(&cx.state.pool, &user, number)
    })
    .await
}

/// Moves a change request through the workflow. `note` is the reason or
/// closure notes where the action needs one; `planned_start` is for scheduling.
#[server]
pub async fn change_request_action(
    number: i64,
    action: String,
    note: String,
    planned_start: String,
) -> Result<CrStatus, AppError> {
    use crate::domain::change_request::CrAction;
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    let action =
        CrAction::from_request(&action, &note).map_err(|m| AppError::field("action", m))?;
    let planned = match planned_start.trim() {
        "" => None,
        text => Some(
            crate::domain::cr_form::parse_local_datetime(text)
                .map_err(|m| AppError::field("planned_start", m))?,
        ),
    };
    crate::services::change_requests::act(
        &cx.state.pool,
        &user,
        number,
        action,
        &note,
        planned,
        cx.request_id.as_deref(),
    )
    .await
}

/// Comments on a change request.
#[server]
pub async fn add_cr_comment(number: i64, body: String) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::change_requests::comment(
        &cx.state.pool,
        &user,
        number,
        &body,
        cx.request_id.as_deref(),
    )
    .await
}

/// Writes an emergency change's post-implementation review.
#[server]
pub async fn write_post_implementation_review(
    number: i64,
    root_cause: String,
    prevention: String,
) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::change_requests::write_review(
        &cx.state.pool,
        &user,
        number,
        &root_cause,
        &prevention,
        cx.request_id.as_deref(),
    )
    .await
}

/// What the calendar shows for `month` (`YYYY-MM`, whole weeks around it),
/// optionally one environment and one service.
#[server]
pub async fn calendar_month(
    month: String,
    environment: String,
    #[server(default)] service: String,
) -> Result<crate::model::CalendarMonthView, AppError> {
    use crate::domain::calendar::Month;
    let month = Month::parse(&month).map_err(|m| AppError::field("month", m))?;
    let (first, last) = month.range();
    // A month cell shows three changes and a release, then "+N more"
    // (which opens that week).
    calendar_between(
        first,
        last + chrono::Duration::days(1),
        environment,
        service,
        (3, 1),
    )
    .await
}

/// What the calendar shows for the week (Monday to Sunday) holding `day`
/// (`YYYY-MM-DD`).
#[server]
pub async fn calendar_week(
    day: String,
    environment: String,
    service: String,
) -> Result<crate::model::CalendarMonthView, AppError> {
    let monday = crate::domain::calendar::week_of(&day).map_err(|m| AppError::field("day", m))?;
    calendar_between(
        monday,
        monday + chrono::Duration::days(7),
        environment,
        service,
        (12, 6),
    )
    .await
}

#[cfg(feature = "ssr")]
async fn calendar_between(
    first: chrono::NaiveDate,
    end: chrono::NaiveDate,
    environment: String,
    service: String,
    (changes, releases): (usize, usize),
) -> Result<crate::model::CalendarMonthView, AppError> {
    let limit = crate::services::calendar::DayLimit { changes, releases };
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    let from = first.and_time(chrono::NaiveTime::MIN).and_utc();
    let to = end.and_time(chrono::NaiveTime::MIN).and_utc();
    let environment = Some(environment.trim()).filter(|e| !e.is_empty());
    let service = Some(service.trim()).filter(|e| !e.is_empty());
    let key = format!("calendar:{from}:{to}:{environment:?}:{service:?}:{changes}:{releases}");
    cx.memo(key, || {
        crate::services::calendar::view(&cx.state.pool, from, to, environment, service, limit)
    })
    .await
}

/// Whether the caller has a calendar subscription link.
#[server]
pub async fn calendar_feed_status() -> Result<crate::model::FeedStatus, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    cx.memo("calendar_feed_status".into(), || {
        crate::services::calendar::feed_status(&cx.state.pool, user.id)
    })
    .await
}

/// Makes a new secret calendar subscription link (the old one stops working).
#[server]
pub async fn reset_calendar_feed() -> Result<crate::model::FeedStatus, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::calendar::reset_feed(
        &cx.state.pool,
        &user,
        &cx.base_url,
        cx.request_id.as_deref(),
    )
    .await
}

/// What scheduling a change at `planned_start` would clash with.
#[server]
pub async fn check_schedule(
    number: i64,
    planned_start: String,
) -> Result<crate::model::ScheduleCheck, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    let start = crate::domain::cr_form::parse_local_datetime(&planned_start)
        .map_err(|m| AppError::field("planned_start", m))?;
    crate::services::change_requests::check_schedule(&cx.state.pool, number, start).await
}

/// Creates a freeze window (release managers and administrators).
#[server]
pub async fn create_freeze(
    #[server(default)] environments: Vec<String>,
    starts_at: String,
    ends_at: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::domain::cr_form::parse_local_datetime;
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Schedule)?;
    let start = parse_local_datetime(&starts_at).map_err(|m| AppError::field("starts_at", m))?;
    let end = parse_local_datetime(&ends_at).map_err(|m| AppError::field("ends_at", m))?;
    let window = crate::domain::schedule::Window::between(start, end)
        .map_err(|m| AppError::field("ends_at", m))?;
    let environments = environments
        .into_iter()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    crate::services::freezes::create(
        &cx.state.pool,
        &user,
        environments,
        window,
        &reason,
        cx.request_id.as_deref(),
    )
    .await?;
    Ok(())
}

/// Lifts a freeze window (release managers and administrators).
#[server]
pub async fn delete_freeze(id: uuid::Uuid) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Schedule)?;
    crate::services::freezes::delete(&cx.state.pool, &user, id, cx.request_id.as_deref()).await
}
