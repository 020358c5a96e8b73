//! Every server function with the path it answers on and the content type it
//! declares, so the server can refuse a body sent as anything else (a form
//! or `text/plain` post to a JSON function is how a cross-site form would
//! reach it), and the authorization tests can check that each one is
//! covered. A server function missing here fails the registry test.

use leptos::server_fn::ContentType;
use leptos::server_fn::{Http, ServerFn};

use super::*;

/// One server function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The Rust name, for test messages.
    pub name: &'static str,
    /// `/api/<name><hash>`.
    pub path: &'static str,
    /// The request content type its input encoding sends.
    pub content_type: &'static str,
}

/// The request content type of a server function's protocol.
pub trait DeclaredInput {
    const CONTENT_TYPE: &'static str;
}

impl<I: ContentType, O> DeclaredInput for Http<I, O> {
    const CONTENT_TYPE: &'static str = I::CONTENT_TYPE;
}

fn endpoint<F>(name: &'static str) -> Endpoint
where
    F: ServerFn,
    F::Protocol: DeclaredInput,
{
    Endpoint {
        name,
        path: F::PATH,
        content_type: <F::Protocol as DeclaredInput>::CONTENT_TYPE,
    }
}

macro_rules! endpoints {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        /// All server functions.
        pub fn endpoints() -> Vec<Endpoint> {
            vec![$(endpoint::<$module::$ty>(concat!(stringify!($module), "::", stringify!($ty)))),*]
        }
    };
}

endpoints! {
        account::ChangePassword,
        audit::ListAudit,
        catalog::EnvironmentSpecs,
        catalog::SaveEnvironment,
        catalog::EnvironmentTriggerDefaults,
        catalog::SaveEnvironmentTriggers,
        catalog::ListServices,
        catalog::SaveService,
        catalog::ListTemplates,
        catalog::SaveTemplate,
        catalog::ArchiveTemplate,
        change_requests::ListEnvironments,
        change_requests::ListChangeRequests,
        change_requests::CreateChangeRequest,
        change_requests::UpdateChangeRequest,
        change_requests::GetChangeRequest,
        change_requests::ChangeRequestAction,
        change_requests::AddCrComment,
        change_requests::WritePostImplementationReview,
        change_requests::CalendarMonth,
        change_requests::CalendarWeek,
        change_requests::CalendarFeedStatus,
        change_requests::ResetCalendarFeed,
        change_requests::CheckSchedule,
        change_requests::CreateFreeze,
        change_requests::DeleteFreeze,
        deployments::DeploymentOptions,
        deployments::BeginDeployment,
        deployments::GetDeployment,
        deployments::DeploymentAction,
        deployments::ListDeployments,
        deployments::SetFleet,
        deployments::ListTargets,
        deployments::SaveTarget,
        deployments::ListJobs,
        deployments::RetryJob,
        notifications::UnreadNotifications,
        notifications::ListNotifications,
        notifications::MarkNotificationsRead,
        overview::GetOverview,
        releases::ListReleases,
        releases::CreateRelease,
        releases::UpdateRelease,
        releases::LinkableChanges,
        releases::GetRelease,
        releases::SaveReleasePlan,
        releases::ReleaseAction,
        forms::FindKeptForm,
        forms::TakeShownOnce,
        session::GetCurrentUser,
        status_page::ListComponents,
        status_page::SaveComponent,
        status_page::DeleteComponent,
        status_page::SetComponentStatus,
        status_page::DraftIncidentCount,
        status_page::ListIncidents,
        status_page::OpenIncident,
        status_page::GetIncident,
        status_page::PostIncidentUpdate,
        status_page::PublishDraftIncident,
        status_page::DiscardIncident,
        status_page::SubscriberCount,
        status_page::ListMaintenance,
        status_page::MaintenancePrefill,
        status_page::ScheduleMaintenance,
        status_page::MoveMaintenance,
        status_page::GetReleaseNote,
        status_page::DraftReleaseNote,
        status_page::SaveReleaseNote,
        status_page::ReleaseNoteDiff,
        status_page::PublishReleaseNote,
        status_page::RollbackIncidentSettings,
        status_page::SetRollbackIncident,
        tokens::ListTokens,
        tokens::CreateToken,
        tokens::RevokeToken,
        users::ListUsers,
        users::CreateUser,
        users::SetUserRoles,
        users::SetUserDisabled,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_registered_server_function_is_listed() {
        let listed: BTreeSet<&str> = endpoints().iter().map(|e| e.path).collect();
        let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect();
        let missing: Vec<_> = registered.difference(&listed).collect();
        assert!(missing.is_empty(), "not in api::registry: {missing:?}");
        assert_eq!(
            listed.len(),
            endpoints().len(),
            "a server function is listed twice"
        );
    }

    #[test]
    fn json_functions_declare_json() {
        let by_name = |name: &str| endpoints().into_iter().find(|e| e.name == name).unwrap();
        assert_eq!(
            by_name("catalog::SaveEnvironment").content_type,
            "application/json"
        );
        assert_eq!(
            by_name("change_requests::AddCrComment").content_type,
            "application/x-www-form-urlencoded"
        );
    }
}
