//! The authorization matrix: every server function and every REST mutation,
//! called by one signed-in person per role and by a signed-out caller, held
//! against the domain's permission rules (`app::domain::Permission`, which
//! is PRODUCT.md's "Who may do what" table as code).
//!
//! Each row names the endpoint, arguments that decode (so the function body
//! runs and a refusal is the permission check's, not the decoder's) and the
//! permissions of which any one allows the call. Ids are of things that do
//! not exist wherever possible: an allowed caller may then see 404, 409 or
//! 422, a refused one must see 403 (a refused role learns nothing about what
//! exists), a signed-out one 401. Expectations come from
//! `Permission::allows`, never from a per-role list.
//!
//! Coverage is enforced: a server function in `app::server_fns::registry` or a
//! non-GET operation in `/api/v1/openapi.json` without a row fails the test,
//! so a new endpoint cannot ship without a decided rule.

use crate::support::{client, TestApp, PASSWORD};
use app::domain::catalog::{EnvironmentInput, ServiceInput, TemplateInput};
use app::domain::change_request::CrAction;
use app::domain::cr_form::CrInput;
use app::domain::deploy::{Strategy, StrategyParams, TriggerSpec};
use app::domain::release_note::NoteSections;
use app::domain::release_plan::{PlanInput, ReleaseInput};
use app::domain::status_page::{Impact, IncidentStatus};
use app::domain::trigger_form::TriggerInput;
use app::domain::{Permission, Roles};
use app::model::status_page::{
    ComponentInput, IncidentFilter, IncidentInput, IncidentUpdateInput, MaintenanceInput,
    PublishIncident,
};
use app::model::{StartDeployment, TargetInput};
use app::server_fns::{catalog, change_requests, deployments, releases, status_page};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// One signed-in person per role, in this order.
const ROLES: [&str; 6] = [
    "admin",
    "release_manager",
    "approver",
    "engineer",
    "support",
    "viewer",
];

const NIL: &str = "00000000-0000-0000-0000-000000000000";
/// A change request number nobody has.
const NO_CR: &str = "999999";

const DEPLOYMENT_ACTIONS: [&str; 5] = ["pause", "resume", "promote", "abort", "rollback"];

const RELEASE_ACTIONS: [&str; 5] = [
    "approve",
    "start_deploying",
    "mark_deployed",
    "mark_failed",
    "mark_rolled_back",
];

const NOTE: &str = "Checked by the authorization matrix";

/// What the server says when a request's arguments do not decode (server
/// functions, then the REST API). A row whose arguments do not decode tests
/// the decoder, not the permission check, whatever the status.
const DECODE_FAILURES: [&str; 4] = [
    "The request did not have the fields this action expects.",
    "Some of what was entered could not be read",
    "Fill this in.",
    "The request body is not valid",
];

/// A server function's arguments, in the encoding it declares.
enum Args {
    Form(Vec<(&'static str, String)>),
    Json(Value),
}

/// One server function call.
struct FnRow {
    /// The registry name (`module::Struct`).
    name: &'static str,
    /// What tells rows of one function apart (the action), or empty.
    variant: String,
    args: Args,
    /// Any one of these allows the call.
    any_of: Vec<Permission>,
    /// What a signed-out caller gets.
    signed_out: u16,
}

impl FnRow {
    fn label(&self) -> String {
        if self.variant.is_empty() {
            self.name.to_string()
        } else {
            format!("{} [{}]", self.name, self.variant)
        }
    }
}

fn form(pairs: &[(&'static str, &str)]) -> Args {
    Args::Form(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

/// The JSON body of a `#[server(input = Json)]` function: its argument
/// struct, serialized, so the field names are the compiler's.
fn json_args(args: impl serde::Serialize) -> Args {
    Args::Json(serde_json::to_value(args).expect("serializing server function arguments"))
}

fn row(name: &'static str, args: Args, any_of: &[Permission]) -> FnRow {
    FnRow {
        name,
        variant: String::new(),
        args,
        any_of: any_of.to_vec(),
        signed_out: 401,
    }
}

fn variant(name: &'static str, variant: &str, args: Args, any_of: &[Permission]) -> FnRow {
    FnRow {
        variant: variant.to_string(),
        ..row(name, args, any_of)
    }
}

/// A change request that passes validation (a normal change to dev).
fn cr_input() -> CrInput {
    CrInput {
        title: "Authorization matrix change".into(),
        description: "Filed by the authorization test".into(),
        change_type: "enhancement".into(),
        priority: "low".into(),
        impact: "low".into(),
        risk: "low".into(),
        class: "normal".into(),
        environments: vec!["dev".into()],
        services: vec![],
        planned_start: String::new(),
        duration_minutes: "30".into(),
        maintenance: false,
        implementation_plan: "Apply it".into(),
        rollback_plan: "Revert it".into(),
        testing_plan: "Smoke tests".into(),
        template: String::new(),
    }
}

fn release_input() -> ReleaseInput {
    ReleaseInput {
        service: "no-such-service".into(),
        version: "1.2.3".into(),
        release_type: "minor".into(),
        title: "Authorization matrix release".into(),
        description: String::new(),
        environments: vec!["dev".into()],
        planned_at: String::new(),
        changes: vec![],
    }
}

fn start_deployment() -> StartDeployment {
    StartDeployment {
        release: Uuid::nil(),
        environment: "nowhere".into(),
        strategy: Strategy::BigBang,
        params: StrategyParams::default(),
        triggers: None,
        bake_seconds: None,
        acknowledge_gates: vec![],
        wait_for_gates: false,
    }
}

/// What a change-request action needs, from the domain.
fn cr_action_permissions(action: &str) -> Vec<Permission> {
    CrAction::from_request(action, NOTE)
        .unwrap_or_else(|e| panic!("{action}: {e}"))
        .permissions()
        .to_vec()
}

/// Approving a release is approving; the other release actions record a
/// deployment by hand, which only those who deploy anywhere (protected
/// environments included) do.
fn release_action_permission(action: &str) -> Permission {
    if action == "approve" {
        Permission::Approve
    } else {
        Permission::Deploy { protected: true }
    }
}

fn server_fn_rows() -> Vec<FnRow> {
    use Permission::*;
    let read = &[ReadInternal];
    let own = &[OwnAccount];
    let admin = &[Administer];
    let nil = Uuid::nil();
    let mut rows = vec![
        // account
        row(
            "account::ChangePassword",
            // Different confirmation: allowed callers get 422, nothing changes.
            form(&[
                ("current_password", PASSWORD),
                ("new_password", "a-brand-new-passphrase-77"),
                ("confirm_password", "another-passphrase-entirely-88"),
            ]),
            own,
        ),
        // audit
        row(
            "audit::ListAudit",
            form(&[
                ("actor", ""),
                ("entity", ""),
                ("action", ""),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ]),
            &[ReadAudit],
        ),
        // catalog
        row("catalog::EnvironmentSpecs", form(&[]), read),
        row(
            "catalog::SaveEnvironment",
            json_args(catalog::SaveEnvironment {
                original: String::new(),
                input: EnvironmentInput {
                    key: "authz-env".into(),
                    name: "Authorization matrix".into(),
                    purpose: "Tests".into(),
                    required_approvals: "0".into(),
                    ..Default::default()
                },
            }),
            admin,
        ),
        row("catalog::EnvironmentTriggerDefaults", form(&[]), read),
        row(
            "catalog::SaveEnvironmentTriggers",
            // An environment nobody has: allowed callers get 404.
            json_args(catalog::SaveEnvironmentTriggers {
                environment: "authz-none".into(),
                triggers: vec![TriggerInput::from(&TriggerSpec::seed_defaults()[0])],
            }),
            admin,
        ),
        row("catalog::ListServices", form(&[]), read),
        row(
            "catalog::SaveService",
            json_args(catalog::SaveService {
                id: None,
                input: ServiceInput {
                    key: "authz-svc".into(),
                    name: "Authorization".into(),
                    description: String::new(),
                },
            }),
            admin,
        ),
        row(
            "catalog::ListTemplates",
            form(&[("include_archived", "false")]),
            read,
        ),
        row(
            "catalog::SaveTemplate",
            json_args(catalog::SaveTemplate {
                id: None,
                input: TemplateInput {
                    name: "Authorization matrix template".into(),
                    cr: cr_input(),
                },
            }),
            admin,
        ),
        row(
            "catalog::ArchiveTemplate",
            form(&[("id", NIL), ("archived", "true")]),
            admin,
        ),
        // change requests
        row("change_requests::ListEnvironments", form(&[]), read),
        row(
            "change_requests::ListChangeRequests",
            form(&[
                ("status", ""),
                ("mine", "false"),
                ("search", ""),
                ("page", "1"),
            ]),
            read,
        ),
        row(
            "change_requests::CreateChangeRequest",
            json_args(change_requests::CreateChangeRequest { input: cr_input() }),
            &[FileChange],
        ),
        row(
            "change_requests::UpdateChangeRequest",
            json_args(change_requests::UpdateChangeRequest {
                number: NO_CR.parse().unwrap(),
                input: cr_input(),
            }),
            &[FileChange],
        ),
        row(
            "change_requests::GetChangeRequest",
            form(&[("number", NO_CR)]),
            read,
        ),
        row(
            "change_requests::AddCrComment",
            form(&[("number", NO_CR), ("body", "A comment")]),
            &[Comment],
        ),
        row(
            "change_requests::WritePostImplementationReview",
            form(&[
                ("number", NO_CR),
                ("root_cause", "A typo"),
                ("prevention", "A linter"),
            ]),
            &[FileChange],
        ),
        row(
            "change_requests::CalendarMonth",
            form(&[("month", "2026-12"), ("environment", ""), ("service", "")]),
            read,
        ),
        row(
            "change_requests::CalendarWeek",
            form(&[("day", "2026-12-07"), ("environment", ""), ("service", "")]),
            read,
        ),
        row("change_requests::CalendarFeedStatus", form(&[]), own),
        row("change_requests::ResetCalendarFeed", form(&[]), own),
        row(
            "change_requests::CheckSchedule",
            form(&[("number", NO_CR), ("planned_start", "2030-01-07T10:00")]),
            read,
        ),
        row(
            "change_requests::CreateFreeze",
            form(&[
                ("environments[0]", "dev"),
                ("starts_at", "2030-01-01T00:00"),
                ("ends_at", "2030-01-02T00:00"),
                ("reason", NOTE),
            ]),
            &[Schedule],
        ),
        row(
            "change_requests::DeleteFreeze",
            form(&[("id", NIL)]),
            &[Schedule],
        ),
        // deployments
        row(
            "deployments::DeploymentOptions",
            form(&[("release", NIL)]),
            read,
        ),
        row(
            "deployments::BeginDeployment",
            json_args(deployments::BeginDeployment {
                input: start_deployment(),
            }),
            &[Deploy { protected: false }],
        ),
        row("deployments::GetDeployment", form(&[("id", NIL)]), read),
        row(
            "deployments::ListDeployments",
            form(&[("service", ""), ("environment", ""), ("page", "1")]),
            read,
        ),
        row(
            "deployments::SetFleet",
            form(&[
                ("target", NIL),
                ("error_rate", "0.1"),
                ("latency_p95", "1.5"),
            ]),
            &[Deploy { protected: false }],
        ),
        row("deployments::ListTargets", form(&[]), admin),
        row(
            "deployments::SaveTarget",
            json_args(deployments::SaveTarget {
                input: TargetInput {
                    service: "no-such-service".into(),
                    environment: "dev".into(),
                    kind: "simulated".into(),
                    ..Default::default()
                },
            }),
            admin,
        ),
        row(
            "deployments::ListJobs",
            form(&[("status", ""), ("page", "1")]),
            admin,
        ),
        row("deployments::RetryJob", form(&[("id", NO_CR)]), admin),
        // notifications
        row("notifications::UnreadNotifications", form(&[]), own),
        row(
            "notifications::ListNotifications",
            form(&[("page", "1")]),
            own,
        ),
        row(
            "notifications::MarkNotificationsRead",
            form(&[("id", NIL)]),
            own,
        ),
        // overview
        row("overview::GetOverview", form(&[]), read),
        // releases
        row(
            "releases::ListReleases",
            form(&[
                ("status", ""),
                ("service", ""),
                ("search", ""),
                ("sort", ""),
                ("page", "1"),
            ]),
            read,
        ),
        row(
            "releases::CreateRelease",
            json_args(releases::CreateRelease {
                input: release_input(),
            }),
            &[PlanRelease],
        ),
        row(
            "releases::UpdateRelease",
            json_args(releases::UpdateRelease {
                id: Uuid::nil(),
                input: release_input(),
            }),
            &[PlanRelease],
        ),
        row("releases::LinkableChanges", form(&[]), read),
        row("releases::GetRelease", form(&[("id", NIL)]), read),
        row(
            "releases::SaveReleasePlan",
            json_args(releases::SaveReleasePlan {
                id: nil,
                plan: PlanInput::default(),
            }),
            &[PlanRelease],
        ),
        // a refused plain post kept in the caller's own session, if any
        FnRow {
            signed_out: 200,
            ..row("forms::FindKeptForm", form(&[("id", "none")]), own)
        },
        // a plain post's secret kept to be shown once, in the caller's own
        // session, if any
        FnRow {
            signed_out: 200,
            ..row("forms::TakeShownOnce", form(&[("id", "none")]), own)
        },
        // session: signed-out callers learn that they are signed out.
        FnRow {
            signed_out: 200,
            ..row("session::GetCurrentUser", form(&[]), read)
        },
        // status page back office
        row("status_page::ListComponents", form(&[]), read),
        row(
            "status_page::SaveComponent",
            json_args(status_page::SaveComponent {
                input: ComponentInput {
                    id: None,
                    name: "Authorization component".into(),
                    ..Default::default()
                },
            }),
            &[ManageStatus],
        ),
        row(
            "status_page::DeleteComponent",
            form(&[("id", NIL)]),
            &[ManageStatus],
        ),
        row(
            "status_page::SetComponentStatus",
            form(&[("id", NIL), ("status", "degraded_performance")]),
            &[ManageStatus],
        ),
        row("status_page::DraftIncidentCount", form(&[]), read),
        row(
            "status_page::ListIncidents",
            json_args(status_page::ListIncidents {
                filter: IncidentFilter {
                    page: 1,
                    ..Default::default()
                },
            }),
            read,
        ),
        row(
            "status_page::OpenIncident",
            json_args(status_page::OpenIncident {
                input: IncidentInput {
                    title: "Authorization matrix incident".into(),
                    impact: Impact::Minor,
                    status: IncidentStatus::Investigating,
                    body: "Looking into it".into(),
                    components: vec![],
                    publish: false,
                    impact_started_at: String::new(),
                },
            }),
            &[Incidents],
        ),
        row("status_page::GetIncident", form(&[("id", NIL)]), read),
        row(
            "status_page::PostIncidentUpdate",
            json_args(status_page::PostIncidentUpdate {
                id: nil,
                input: IncidentUpdateInput {
                    status: IncidentStatus::Identified,
                    body: "Found it".into(),
                    impact: None,
                    components: vec![],
                },
            }),
            &[Incidents],
        ),
        row(
            "status_page::PublishDraftIncident",
            json_args(status_page::PublishDraftIncident {
                id: nil,
                input: PublishIncident {
                    title: "Authorization matrix incident".into(),
                    impact: Impact::Minor,
                    body: "Looking into it".into(),
                    components: vec![],
                    impact_started_at: String::new(),
                },
            }),
            &[Incidents],
        ),
        row(
            "status_page::DiscardIncident",
            form(&[("id", NIL)]),
            &[Incidents],
        ),
        row("status_page::SubscriberCount", form(&[]), read),
        row("status_page::ListMaintenance", form(&[]), read),
        row(
            "status_page::MaintenancePrefill",
            form(&[("cr", NO_CR)]),
            read,
        ),
        row(
            "status_page::ScheduleMaintenance",
            json_args(status_page::ScheduleMaintenance {
                input: MaintenanceInput {
                    title: "Authorization matrix maintenance".into(),
                    description: String::new(),
                    starts_at: "2030-01-01T10:00".into(),
                    ends_at: "2030-01-01T11:00".into(),
                    components: vec![],
                    change_request: None,
                },
            }),
            &[Schedule],
        ),
        row(
            "status_page::MoveMaintenance",
            form(&[("id", NIL), ("to", "in_progress"), ("message", "")]),
            &[Schedule],
        ),
        row(
            "status_page::GetReleaseNote",
            form(&[("release", NIL)]),
            read,
        ),
        row(
            "status_page::DraftReleaseNote",
            form(&[("release", NIL)]),
            &[DraftReleaseNotes],
        ),
        row(
            "status_page::SaveReleaseNote",
            json_args(status_page::SaveReleaseNote {
                release: nil,
                base: 0,
                sections: NoteSections {
                    features: "- Something new".into(),
                    ..Default::default()
                },
            }),
            &[DraftReleaseNotes],
        ),
        row(
            "status_page::ReleaseNoteDiff",
            form(&[("release", NIL), ("from", "1"), ("to", "2")]),
            read,
        ),
        row(
            "status_page::PublishReleaseNote",
            form(&[("release", NIL), ("publish", "true"), ("revision", "1")]),
            &[ManageStatus],
        ),
        row("status_page::RollbackIncidentSettings", form(&[]), read),
        row(
            "status_page::SetRollbackIncident",
            form(&[("environment", "nowhere"), ("setting", "off")]),
            &[ManageStatus],
        ),
        // tokens
        row("tokens::ListTokens", form(&[]), own),
        row(
            "tokens::CreateToken",
            form(&[("name", "authorization matrix")]),
            own,
        ),
        row("tokens::RevokeToken", form(&[("id", NIL)]), own),
        // users
        row("users::ListUsers", form(&[]), admin),
        row(
            "users::CreateUser",
            form(&[
                ("email", "newcomer@authz.example.com"),
                ("display_name", "New Person"),
                ("roles[0]", "viewer"),
            ]),
            admin,
        ),
        row(
            "users::SetUserRoles",
            form(&[("user_id", NIL), ("roles[0]", "viewer")]),
            admin,
        ),
        row(
            "users::SetUserDisabled",
            form(&[("user_id", NIL), ("disabled", "true")]),
            admin,
        ),
    ];
    for &action in CrAction::NAMES {
        let planned = if action == "schedule" {
            "2030-01-07T10:00"
        } else {
            ""
        };
        rows.push(variant(
            "change_requests::ChangeRequestAction",
            action,
            form(&[
                ("number", NO_CR),
                ("action", action),
                ("note", NOTE),
                ("planned_start", planned),
            ]),
            &cr_action_permissions(action),
        ));
    }
    for action in DEPLOYMENT_ACTIONS {
        rows.push(variant(
            "deployments::DeploymentAction",
            action,
            form(&[("id", NIL), ("action", action)]),
            &[Deploy { protected: false }],
        ));
    }
    for action in RELEASE_ACTIONS {
        rows.push(variant(
            "releases::ReleaseAction",
            action,
            form(&[("id", NIL), ("action", action), ("note", NOTE)]),
            &[release_action_permission(action)],
        ));
    }
    rows
}

/// One REST call.
struct RestRow {
    method: reqwest::Method,
    /// The OpenAPI path template, e.g. `/api/v1/deployments/{id}/{action}`.
    template: &'static str,
    /// The path actually requested.
    path: String,
    variant: String,
    body: Value,
    any_of: Vec<Permission>,
}

impl RestRow {
    fn key(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    fn label(&self) -> String {
        if self.variant.is_empty() {
            self.key()
        } else {
            format!("{} [{}]", self.key(), self.variant)
        }
    }
}

fn rest(
    method: reqwest::Method,
    template: &'static str,
    path: String,
    body: Value,
    any_of: &[Permission],
) -> RestRow {
    RestRow {
        method,
        template,
        path,
        variant: String::new(),
        body,
        any_of: any_of.to_vec(),
    }
}

fn rest_rows() -> Vec<RestRow> {
    use reqwest::Method;
    use Permission::*;
    let mut rows = vec![
        rest(
            Method::POST,
            "/api/v1/change-requests",
            "/api/v1/change-requests".into(),
            serde_json::to_value(cr_input()).unwrap(),
            &[FileChange],
        ),
        rest(
            Method::PUT,
            "/api/v1/change-requests/{id}",
            format!("/api/v1/change-requests/{NO_CR}"),
            serde_json::to_value(cr_input()).unwrap(),
            &[FileChange],
        ),
        rest(
            Method::POST,
            "/api/v1/releases",
            "/api/v1/releases".into(),
            serde_json::to_value(release_input()).unwrap(),
            &[PlanRelease],
        ),
        rest(
            Method::PUT,
            "/api/v1/releases/{id}",
            format!("/api/v1/releases/{NIL}"),
            serde_json::to_value(release_input()).unwrap(),
            &[PlanRelease],
        ),
        rest(
            Method::POST,
            "/api/v1/releases/{id}/gates",
            format!("/api/v1/releases/{NIL}/gates"),
            json!({ "environment": "dev", "name": "unit tests", "status": "passed" }),
            &[PlanRelease],
        ),
        rest(
            Method::POST,
            "/api/v1/deployments",
            "/api/v1/deployments".into(),
            serde_json::to_value(start_deployment()).unwrap(),
            &[Deploy { protected: false }],
        ),
        RestRow {
            variant: "unknown environment".into(),
            ..rest(
                Method::POST,
                "/api/v1/metrics",
                "/api/v1/metrics".into(),
                json!({ "samples": [{
                    "service": "api", "environment": "nowhere",
                    "metric": "error_rate", "value": 0.01
                }] }),
                &[Deploy { protected: false }],
            )
        },
        RestRow {
            variant: "protected environment".into(),
            ..rest(
                Method::POST,
                "/api/v1/metrics",
                "/api/v1/metrics".into(),
                json!({ "samples": [{
                    "service": "api", "environment": "prod",
                    "metric": "error_rate", "value": 0.01
                }] }),
                &[Deploy { protected: true }],
            )
        },
        rest(
            Method::PUT,
            "/api/v1/deploy-targets/{id}/simulation",
            format!("/api/v1/deploy-targets/{NIL}/simulation"),
            json!({ "error_rate": 0.1, "latency_p95": 1.5 }),
            &[Deploy { protected: false }],
        ),
    ];
    for &action in CrAction::NAMES {
        let mut body = json!({ "action": action, "note": NOTE });
        if action == "schedule" {
            body["planned_start"] = json!("2030-01-07T10:00:00Z");
        }
        rows.push(RestRow {
            variant: action.into(),
            ..rest(
                Method::POST,
                "/api/v1/change-requests/{id}/transitions",
                format!("/api/v1/change-requests/{NO_CR}/transitions"),
                body,
                &cr_action_permissions(action),
            )
        });
    }
    for action in DEPLOYMENT_ACTIONS {
        rows.push(RestRow {
            variant: action.into(),
            ..rest(
                Method::POST,
                "/api/v1/deployments/{id}/{action}",
                format!("/api/v1/deployments/{NIL}/{action}"),
                Value::Null,
                &[Deploy { protected: false }],
            )
        });
    }
    rows
}

/// What a caller should get.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Anything but 401 and 403, below 500.
    Allowed,
    /// 403.
    Refused,
    /// Exactly this status.
    Status(u16),
}

impl Expect {
    fn for_roles(roles: &Roles, any_of: &[Permission]) -> Self {
        if any_of.iter().any(|p| p.allows(roles)) {
            Expect::Allowed
        } else {
            Expect::Refused
        }
    }

    fn met_by(self, status: u16) -> bool {
        match self {
            Expect::Allowed => status != 401 && status != 403 && status < 500,
            Expect::Refused => status == 403,
            Expect::Status(s) => status == s,
        }
    }

    fn describe(self) -> String {
        match self {
            Expect::Allowed => "allowed".into(),
            Expect::Refused => "403".into(),
            Expect::Status(s) => s.to_string(),
        }
    }
}

struct Mismatch {
    endpoint: String,
    caller: String,
    expected: String,
    got: u16,
    body: String,
}

/// The mismatch, if `got` (with `body`) is not what `expect` says, or the
/// arguments did not decode (so the function body never ran).
fn judge(endpoint: String, caller: &str, expect: Expect, got: u16, body: &str) -> Option<Mismatch> {
    let undecoded = DECODE_FAILURES.iter().any(|m| body.contains(m));
    (undecoded || !expect.met_by(got)).then(|| Mismatch {
        endpoint,
        caller: caller.to_string(),
        expected: if undecoded {
            "args decode".into()
        } else {
            expect.describe()
        },
        got,
        body: snippet(body),
    })
}

fn snippet(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 110 {
        format!("{}…", flat.chars().take(110).collect::<String>())
    } else {
        flat
    }
}

fn table(mismatches: &[Mismatch]) -> String {
    let width = |f: fn(&Mismatch) -> usize, title: &str| {
        mismatches
            .iter()
            .map(f)
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let (we, wc, wx) = (
        width(|m| m.endpoint.chars().count(), "endpoint"),
        width(|m| m.caller.len(), "caller"),
        width(|m| m.expected.len(), "expected"),
    );
    let mut out = format!(
        "{:we$}  {:wc$}  {:wx$}  got  body\n",
        "endpoint", "caller", "expected"
    );
    for m in mismatches {
        out.push_str(&format!(
            "{:we$}  {:wc$}  {:wx$}  {:3}  {}\n",
            m.endpoint, m.caller, m.expected, m.got, m.body
        ));
    }
    out
}

/// Someone calling: a role's person (with a session and an API token) or
/// nobody.
struct Caller {
    name: String,
    /// `None` for the signed-out caller.
    roles: Option<Roles>,
    client: reqwest::Client,
    token: Option<String>,
}

#[tokio::test]
async fn every_endpoint_enforces_the_permission_table() {
    let app = TestApp::spawn().await;
    let mut callers = Vec::new();
    for role in ROLES {
        let person = app
            .person(
                &format!("{}@authz.example.com", role.replace('_', "-")),
                &[role],
            )
            .await;
        let token = app.api_token(person.user.id).await;
        callers.push(Caller {
            name: role.to_string(),
            roles: Some(Roles::parse([role]).expect("a role")),
            client: person.client,
            token: Some(token),
        });
    }
    callers.push(Caller {
        name: "signed out".into(),
        roles: None,
        client: client(),
        token: None,
    });

    let mut problems: Vec<String> = Vec::new();
    let mut mismatches: Vec<Mismatch> = Vec::new();
    let mut calls = 0usize;

    // --- server functions -------------------------------------------------
    let endpoints = app::server_fns::registry::endpoints();
    let by_name: BTreeMap<&str, _> = endpoints.iter().map(|e| (e.name, e)).collect();
    let fn_rows = server_fn_rows();
    let covered: BTreeSet<&str> = fn_rows.iter().map(|r| r.name).collect();
    let uncovered: Vec<&str> = by_name
        .keys()
        .copied()
        .filter(|n| !covered.contains(n))
        .collect();
    if !uncovered.is_empty() {
        problems.push(format!(
            "server functions without a row in the authorization matrix (decide their rule and add one): {}",
            uncovered.join(", ")
        ));
    }
    for r in &fn_rows {
        let Some(endpoint) = by_name.get(r.name) else {
            problems.push(format!(
                "row {} names no registered server function",
                r.label()
            ));
            continue;
        };
        let json = endpoint.content_type == "application/json";
        if json != matches!(r.args, Args::Json(_)) {
            problems.push(format!(
                "row {} sends the wrong encoding: the function declares {}",
                r.label(),
                endpoint.content_type
            ));
            continue;
        }
        for caller in &callers {
            let expect = match &caller.roles {
                Some(roles) => Expect::for_roles(roles, &r.any_of),
                None => Expect::Status(r.signed_out),
            };
            let response = match &r.args {
                Args::Json(body) => {
                    app.server_fn_json(&caller.client, endpoint.path, body)
                        .await
                }
                Args::Form(pairs) => {
                    let pairs: Vec<(&str, &str)> =
                        pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    app.server_fn(&caller.client, endpoint.path, &pairs).await
                }
            };
            calls += 1;
            let got = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            mismatches.extend(judge(r.label(), &caller.name, expect, got, &body));
        }
    }

    // --- REST mutations ---------------------------------------------------
    let openapi: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("fetching the OpenAPI document")
        .json()
        .await
        .expect("the OpenAPI document is JSON");
    let mut operations = BTreeSet::new();
    for (path, item) in openapi["paths"]
        .as_object()
        .expect("the OpenAPI document has paths")
    {
        for method in item.as_object().into_iter().flat_map(|m| m.keys()) {
            let method = method.to_ascii_uppercase();
            if ["POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                operations.insert(format!("{method} {path}"));
            }
        }
    }
    let rest_rows = rest_rows();
    let rest_covered: BTreeSet<String> = rest_rows.iter().map(RestRow::key).collect();
    let rest_uncovered: Vec<&String> = operations.difference(&rest_covered).collect();
    if !rest_uncovered.is_empty() {
        problems.push(format!(
            "REST mutations without a row in the authorization matrix: {}",
            rest_uncovered
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for stale in rest_covered.difference(&operations) {
        problems.push(format!("row {stale} is not an operation in openapi.json"));
    }
    let plain = client();
    for r in &rest_rows {
        for caller in &callers {
            let expect = match &caller.roles {
                Some(roles) => Expect::for_roles(roles, &r.any_of),
                None => Expect::Status(401),
            };
            let mut request = plain
                .request(r.method.clone(), app.url(&r.path))
                .header("origin", &app.address);
            if let Some(token) = &caller.token {
                request = request.bearer_auth(token);
            }
            if !r.body.is_null() {
                request = request.json(&r.body);
            }
            let response = request.send().await.expect("calling the REST API");
            calls += 1;
            let got = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            mismatches.extend(judge(r.label(), &caller.name, expect, got, &body));
        }
    }

    println!(
        "authorization matrix: {} server functions in {} rows, {} REST mutations in {} rows, {} callers, {} calls",
        covered.len(),
        fn_rows.len(),
        rest_covered.len(),
        rest_rows.len(),
        callers.len(),
        calls
    );
    if !mismatches.is_empty() {
        println!("\n{} mismatches:\n{}", mismatches.len(), table(&mismatches));
    }
    for p in &problems {
        println!("{p}");
    }
    assert!(
        mismatches.is_empty() && problems.is_empty(),
        "{} mismatches, {} coverage problems (see the table above)",
        mismatches.len(),
        problems.len()
    );
}
