//! Unit tests of the plain-form registry: each form's fields become the
//! call its hydrated form makes.

use super::*;
use crate::server_fns::catalog::{SaveEnvironment, SaveTemplate};
use crate::server_fns::change_requests::{AddCrComment, UpdateChangeRequest};
use crate::server_fns::deployments::{BeginDeployment, RetryJob, SaveTarget};
use crate::server_fns::forms::{NOT_KEPT, SHOWN_ONCE};
use crate::server_fns::releases::ReleaseAction;
use crate::server_fns::status_page::{DeleteComponent, OpenIncident, PostIncidentUpdate};
use crate::server_fns::users::SetUserRoles;

#[test]
fn fields_become_the_calls_the_hydrated_forms_make() {
    let fields = Fields::from([
        ("title", "Rotate keys"),
        ("environments", "staging"),
        ("environments", "prod"),
        ("services", "api"),
        ("maintenance", "on"),
    ]);
    let params = Params::from([("number".to_string(), "7".to_string())]);
    let edit = PLAIN_FORMS
        .iter()
        .find(|f| f.route == "/changes/{number}/edit")
        .unwrap();
    let encoded = (edit.arguments)(&fields, &params).unwrap();
    assert_eq!(encoded.content_type, "application/json");
    let call: UpdateChangeRequest = serde_json::from_str(&encoded.body).unwrap();
    assert_eq!(call.number, 7);
    assert_eq!(call.input.title, "Rotate keys");
    assert_eq!(call.input.environments, vec!["staging", "prod"]);
    assert_eq!(call.input.services, vec!["api"]);
    assert!(call.input.maintenance);
    assert_eq!((edit.done)(&Value::from(7), &params), "/changes/7");
    assert_eq!((edit.page)(&params), "/changes/7/edit");

    let bad = Params::from([("number".to_string(), "x".to_string())]);
    assert!(matches!(
        (edit.arguments)(&fields, &bad),
        Err(AppError::NotFound)
    ));
}

#[test]
fn a_url_encoded_function_gets_its_arguments_url_encoded() {
    let comment = PLAIN_FORMS
        .iter()
        .find(|f| f.route == "/changes/{number}/comments")
        .unwrap();
    let params = Params::from([("number".to_string(), "3".to_string())]);
    let encoded =
        (comment.arguments)(&Fields::from([("body", "Looks good & safe")]), &params).unwrap();
    assert_eq!(encoded.content_type, "application/x-www-form-urlencoded");
    let call: AddCrComment = serde_qs::from_str(&encoded.body).unwrap();
    assert_eq!(call.number, 3);
    assert_eq!(call.body, "Looks good & safe");
}

fn form(route: &str) -> &'static PlainForm {
    PLAIN_FORMS.iter().find(|f| f.route == route).unwrap()
}

#[test]
fn a_new_incident_reads_its_component_boxes_and_statuses() {
    let id = uuid::Uuid::new_v4();
    let status_field = crate::model::status_page::component_status_field(id);
    let fields = Fields(vec![
        ("title".into(), "Checkout errors".into()),
        ("impact".into(), "minor".into()),
        ("status".into(), "investigating".into()),
        ("impact_started_at".into(), "2026-11-30T10:00".into()),
        ("body".into(), "Some requests fail.".into()),
        ("components".into(), id.to_string()),
        (status_field, "partial_outage".into()),
        ("publish".into(), "on".into()),
    ]);
    let open = form("/incidents/new");
    let encoded = (open.arguments)(&fields, &Params::new()).unwrap();
    assert_eq!(encoded.content_type, "application/json");
    let call: OpenIncident = serde_json::from_str(&encoded.body).unwrap();
    assert_eq!(call.input.title, "Checkout errors");
    assert!(call.input.publish);
    assert_eq!(call.input.components.len(), 1);
    assert_eq!(call.input.components[0].id, id);
    assert_eq!(
        call.input.components[0].status,
        crate::domain::status_page::ComponentStatus::PartialOutage
    );
    let created = uuid::Uuid::new_v4();
    assert_eq!(
        (open.done)(&serde_json::to_value(created).unwrap(), &Params::new()),
        format!("/incidents/{created}")
    );
    assert_eq!((open.page)(&Params::new()), "/incidents");

    // A value no option has is said beside its field.
    let bad = Fields::from([("impact", "apocalyptic"), ("status", "investigating")]);
    match (open.arguments)(&bad, &Params::new()) {
        Err(error) => assert!(error.field_errors().contains_key("impact")),
        Ok(_) => panic!("an unknown impact was sent"),
    }
}

#[test]
fn each_route_is_one_form_and_secrets_are_shown_from_known_ones() {
    let mut routes: Vec<_> = PLAIN_FORMS.iter().map(|f| f.route).collect();
    routes.sort_unstable();
    let before = routes.len();
    routes.dedup();
    assert_eq!(routes.len(), before, "two plain forms share a route");
    for route in SHOWN_ONCE {
        form(route);
    }
    for secret in ["current_password", "new_password", "secret"] {
        assert!(NOT_KEPT.contains(&secret), "{secret} would be kept");
    }
}

#[test]
fn an_incident_update_leaves_the_impact_unchanged_when_blank() {
    let id = uuid::Uuid::new_v4();
    let params = Params::from([("id".to_string(), id.to_string())]);
    let update = form("/incidents/{id}/updates");
    let fields = Fields::from([("status", "resolved"), ("impact", ""), ("body", "Fixed.")]);
    let call: PostIncidentUpdate =
        serde_json::from_str(&(update.arguments)(&fields, &params).unwrap().body).unwrap();
    assert_eq!(call.id, id);
    assert_eq!(call.input.impact, None);
    assert!(call.input.components.is_empty());
    assert_eq!((update.page)(&params), format!("/incidents/{id}"));
}

#[test]
fn the_release_buttons_post_the_pressed_action_url_encoded() {
    let id = uuid::Uuid::new_v4();
    let params = Params::from([("id".to_string(), id.to_string())]);
    let act = form("/releases/{id}/act");
    let encoded = (act.arguments)(
        &Fields::from([("note", "Looks good"), ("action", "approve")]),
        &params,
    )
    .unwrap();
    assert_eq!(encoded.content_type, "application/x-www-form-urlencoded");
    let call: ReleaseAction = serde_qs::from_str(&encoded.body).unwrap();
    assert_eq!(call.id, id);
    assert_eq!(call.action, "approve");
    assert_eq!(call.note, "Looks good");
    assert_eq!((act.done)(&Value::Null, &params), format!("/releases/{id}"));
}

#[test]
fn a_deploy_form_becomes_the_start_and_a_bad_step_stays_beside_its_field() {
    let id = uuid::Uuid::new_v4();
    let params = Params::from([("id".to_string(), id.to_string())]);
    let deploy = form("/releases/{id}/deploy");
    let fields = Fields::from([
        ("environment", "dev"),
        ("strategy", "canary"),
        ("canary_steps", "20:2, 50:promote"),
        ("bake_seconds", "30"),
    ]);
    let call: BeginDeployment =
        serde_json::from_str(&(deploy.arguments)(&fields, &params).unwrap().body).unwrap();
    assert_eq!(call.input.release, id);
    assert_eq!(call.input.environment, "dev");
    assert_eq!(call.input.params.canary_steps.len(), 2);
    assert_eq!(call.input.bake_seconds, Some(30));

    let bad = Fields::from([("strategy", "canary"), ("canary_steps", "ten:2")]);
    match (deploy.arguments)(&bad, &params) {
        Err(error) => assert!(error.field_errors().contains_key("canary_steps")),
        Ok(_) => panic!("a bad canary step was sent"),
    }
}

#[test]
fn deleting_a_component_asks_first() {
    let id = uuid::Uuid::new_v4();
    let params = Params::from([("id".to_string(), id.to_string())]);
    let delete = form("/admin/components/{id}/delete");
    match (delete.arguments)(&Fields::from([("id", "x")]), &params) {
        Err(error) => assert_eq!(
            error.field_message("confirm_delete").as_deref(),
            Some(CONFIRM_DELETE)
        ),
        Ok(_) => panic!("deleted without asking"),
    }
    let encoded = (delete.arguments)(&Fields::from([("confirmed", "yes")]), &params).unwrap();
    let call: DeleteComponent = serde_qs::from_str(&encoded.body).unwrap();
    assert_eq!(call.id, id);
}

#[test]
fn a_deploy_target_posts_its_fields_as_the_editor_sends_them() {
    let target = form("/admin/targets");
    let fields = Fields::from([
        ("service", "api"),
        ("environment", "dev"),
        ("kind", "command"),
        ("program", "/usr/local/bin/deploy"),
        ("args", "--fast\n--quiet"),
        ("url", ""),
        ("secret", ""),
        ("timeout_seconds", "soon"),
    ]);
    let encoded = (target.arguments)(&fields, &Params::new()).unwrap();
    assert_eq!(encoded.content_type, "application/json");
    let call: SaveTarget = serde_json::from_str(&encoded.body).unwrap();
    assert_eq!(call.input.service, "api");
    assert_eq!(call.input.kind, "command");
    assert_eq!(call.input.args, "--fast\n--quiet");
    // Checked by the server function, not here: it says why beside the field.
    assert_eq!(call.input.timeout_seconds, "soon");
    assert_eq!(call.input.health_command, "");
    assert_eq!((target.page)(&Params::new()), "/admin/targets");
}

#[test]
fn roles_post_url_encoded_and_may_be_none() {
    let roles = form("/admin/users/roles");
    let id = uuid::Uuid::new_v4();
    let fields = Fields(vec![
        ("form".into(), "roles".into()),
        ("user_id".into(), id.to_string()),
        ("roles".into(), "approver".into()),
        ("roles".into(), "engineer".into()),
    ]);
    let encoded = (roles.arguments)(&fields, &Params::new()).unwrap();
    assert_eq!(encoded.content_type, "application/x-www-form-urlencoded");
    // Decoded as the server function decodes it.
    let decode = |body: &str| {
        serde_qs::Config::new(5, false)
            .deserialize_str::<SetUserRoles>(body)
            .unwrap()
    };
    let call = decode(&encoded.body);
    assert_eq!(call.user_id, id);
    assert_eq!(call.roles, vec!["approver", "engineer"]);

    let none = Fields(vec![("user_id".into(), id.to_string())]);
    let call = decode(&(roles.arguments)(&none, &Params::new()).unwrap().body);
    assert!(call.roles.is_empty());

    let tampered = Fields::from([("user_id", "me")]);
    assert!(matches!(
        (roles.arguments)(&tampered, &Params::new()),
        Err(AppError::NotFound)
    ));
}

#[test]
fn a_template_without_an_id_is_a_new_one() {
    let save = form("/admin/templates");
    let fields = Fields::from([
        ("form", "template"),
        ("id", ""),
        ("name", "Certificate renewal"),
        ("title", "Renew TLS certificate"),
        ("environments", "prod"),
        ("duration_minutes", "30"),
    ]);
    let encoded = (save.arguments)(&fields, &Params::new()).unwrap();
    let call: SaveTemplate = serde_json::from_str(&encoded.body).unwrap();
    assert_eq!(call.id, None);
    assert_eq!(call.input.name, "Certificate renewal");
    assert_eq!(call.input.cr.title, "Renew TLS certificate");
    assert_eq!(call.input.cr.environments, vec!["prod"]);

    let id = uuid::Uuid::new_v4();
    let edit = Fields(vec![("id".into(), id.to_string())]);
    let call: SaveTemplate =
        serde_json::from_str(&(save.arguments)(&edit, &Params::new()).unwrap().body).unwrap();
    assert_eq!(call.id, Some(id));
}

#[test]
fn an_environment_edit_keeps_its_original_key_and_protection() {
    let save = form("/admin/environments");
    let fields = Fields::from([
        ("form", "environment"),
        ("original", "perf"),
        ("key", "perf"),
        ("name", "Performance"),
        ("protected", "on"),
        ("required_approvals", "1"),
    ]);
    let call: SaveEnvironment =
        serde_json::from_str(&(save.arguments)(&fields, &Params::new()).unwrap().body).unwrap();
    assert_eq!(call.original, "perf");
    assert_eq!(call.input.key, "perf");
    assert!(call.input.protected);
    assert!(call.input.validate().is_ok());
}

#[test]
fn a_retry_names_its_job_by_number() {
    let retry = form("/admin/jobs");
    let call = serde_qs::Config::new(5, false)
        .deserialize_str::<RetryJob>(
            &(retry.arguments)(&Fields::from([("id", "42")]), &Params::new())
                .unwrap()
                .body,
        )
        .unwrap();
    assert_eq!(call.id, 42);
    assert!(matches!(
        (retry.arguments)(&Fields::from([("id", "x")]), &Params::new()),
        Err(AppError::NotFound)
    ));
}

#[test]
fn a_returned_id_goes_into_the_address_without_quotes() {
    let id = uuid::Uuid::new_v4();
    let create = PLAIN_FORMS
        .iter()
        .find(|f| f.route == "/releases/new")
        .unwrap();
    assert_eq!(
        (create.done)(&serde_json::to_value(id).unwrap(), &Params::new()),
        format!("/releases/{id}")
    );
}
