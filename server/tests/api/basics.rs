//! The basics over HTTP, with the real app on port 0 against a fresh
//! database: health, readiness and metrics, 404s, signing in and out and
//! its throttling, cross-site refusal, API tokens, user administration and
//! the audit trail.

use crate::support::{client, location, outcome, TestApp, PASSWORD};
use app::domain::TokenName;
use app::server_fns::session::GetCurrentUser;
use app::server_fns::tokens::CreateToken;
use app::server_fns::users::ListUsers;
use app::services::{tokens, Actor};
use leptos::server_fn::ServerFn;
use serde_json::Value;

async fn current_user_email(app: &TestApp, client: &reqwest::Client) -> Option<String> {
    let response = app.server_fn(client, GetCurrentUser::PATH, &[]).await;
    assert!(
        response.status().is_success(),
        "get_current_user answered {}",
        response.status()
    );
    let body: Value = response.json().await.unwrap();
    body.get("email")
        .and_then(Value::as_str)
        .map(str::to_string)
}

#[tokio::test]
async fn health_answers_and_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let id = response
        .headers()
        .get("x-request-id")
        .expect("x-request-id header");
    assert_eq!(id.to_str().unwrap().len(), 36);
}

#[tokio::test]
async fn readiness_is_200_with_a_migrated_database_and_503_when_it_is_gone() {
    let app = TestApp::spawn().await;
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    app.drop_database().await;

    let not_ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(not_ready.status(), 503);
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_in_prometheus_text_format() {
    let app = TestApp::spawn().await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    app.client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();

    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let body = response.text().await.unwrap();
    assert!(
        body.contains(
            r#"rookery_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{body}"
    );
    assert!(body.contains(r#"route="unmatched",status="404""#), "{body}");
    assert!(body.contains("# TYPE rookery_http_request_duration_seconds histogram"));
    assert!(body.contains(r#"rookery_db_pool_connections{state="max"} 20"#));
}

#[tokio::test]
async fn unknown_pages_are_served_with_status_404() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/definitely/not/here"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("find that page"));
}

#[tokio::test]
async fn signed_out_visitors_are_redirected_to_sign_in() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/account/tokens"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(location(&response), "/login?next=%2Faccount%2Ftokens");
}

#[tokio::test]
async fn signing_in_with_the_right_password_starts_a_session() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;

    let response = app.login("ADA@example.com", PASSWORD).await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("rookery_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(
        current_user_email(&app, &app.client).await.as_deref(),
        Some("ada@example.com")
    );
    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn a_wrong_password_is_refused_without_a_session() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;

    let wrong = app.login("ada@example.com", "not-the-password").await;
    let unknown = app.login("nobody@example.com", PASSWORD).await;

    for response in [&wrong, &unknown] {
        assert_eq!(response.status(), 303);
        assert!(
            location(response).starts_with("/login?error=invalid"),
            "{}",
            location(response)
        );
        assert!(response.headers().get("set-cookie").is_none());
    }
    assert_eq!(current_user_email(&app, &app.client).await, None);
    let failures: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'session.login_failed'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(failures, 2);
}

#[tokio::test]
async fn signing_in_again_rotates_the_session_id_and_voids_the_old_one() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;
    let first = app.login("ada@example.com", PASSWORD).await;
    let first_cookie = first.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    let second = app.login("ada@example.com", PASSWORD).await;
    let second_cookie = second.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    assert_ne!(first_cookie, second_cookie);
    let old = client();
    let response = old
        .post(app.url(GetCurrentUser::PATH))
        .header("cookie", first_cookie)
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(body.is_null(), "the old session id still signs in: {body}");
    assert_eq!(
        current_user_email(&app, &app.client).await.as_deref(),
        Some("ada@example.com")
    );
}

#[tokio::test]
async fn ten_failures_from_one_address_throttle_the_account_there_even_for_the_right_password() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;
    app.create_user("bob@example.com", &["engineer"]).await;
    for _ in 0..10 {
        app.login("ada@example.com", "wrong-password-123").await;
    }

    let refused = app.login("ada@example.com", PASSWORD).await;

    assert!(
        location(&refused).starts_with("/login?error=throttled"),
        "{}",
        location(&refused)
    );
    assert!(location(&refused).contains("wait=15") || location(&refused).contains("wait=14"));
    assert_eq!(current_user_email(&app, &app.client).await, None);
    // Another account from the same address is not affected.
    let other = app.login("bob@example.com", PASSWORD).await;
    assert_eq!(location(&other), "/");
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_failure_count() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;
    for _ in 0..9 {
        app.login("ada@example.com", "wrong-password-123").await;
    }
    assert_eq!(location(&app.login("ada@example.com", PASSWORD).await), "/");

    for _ in 0..9 {
        app.login("ada@example.com", "wrong-password-123").await;
    }
    let response = app.login("ada@example.com", PASSWORD).await;

    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn cross_site_posts_are_refused_with_403() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;
    let form = [("email", "ada@example.com"), ("password", PASSWORD)];

    let by_origin = app
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    let by_fetch_metadata = app
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    let server_fn = app
        .client
        .post(app.url(CreateToken::PATH))
        .header("origin", "https://evil.example")
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    let same_origin = app
        .client
        .post(app.url("/login"))
        .header("origin", &app.address)
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();

    assert_eq!(by_origin.status(), 403);
    assert_eq!(by_fetch_metadata.status(), 403);
    assert_eq!(server_fn.status(), 403);
    assert_eq!(same_origin.status(), 303);
}

#[tokio::test]
async fn a_bearer_token_authenticates_the_json_api() {
    let app = TestApp::spawn().await;
    let user = app
        .create_user("ada@example.com", &["engineer", "approver"])
        .await;
    let created = tokens::create(
        &app.pool,
        &Actor::System,
        user.id,
        TokenName::parse("CI").unwrap(),
        None,
    )
    .await
    .unwrap();

    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&created.token)
        .send()
        .await
        .unwrap();

    assert_eq!(me.status(), 200);
    let body: Value = me.json().await.unwrap();
    assert_eq!(body["email"], "ada@example.com");
    assert_eq!(body["roles"], serde_json::json!(["approver", "engineer"]));
}

#[tokio::test]
async fn missing_wrong_and_revoked_tokens_get_401() {
    let app = TestApp::spawn().await;
    let user = app.create_user("ada@example.com", &["engineer"]).await;
    let created = tokens::create(
        &app.pool,
        &Actor::System,
        user.id,
        TokenName::parse("CI").unwrap(),
        None,
    )
    .await
    .unwrap();
    sqlx::query("update api_token set revoked_at = now() where id = $1")
        .bind(created.view.id)
        .execute(&app.pool)
        .await
        .unwrap();

    let none = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    let wrong = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(format!("rk_{}", "0".repeat(64)))
        .send()
        .await
        .unwrap();
    let revoked = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&created.token)
        .send()
        .await
        .unwrap();

    for response in [&none, &wrong, &revoked] {
        assert_eq!(response.status(), 401);
        assert!(response.headers().contains_key("www-authenticate"));
    }
    let body: Value = none.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn tokens_made_in_the_ui_are_shown_once_and_stored_hashed() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;
    app.login("ada@example.com", PASSWORD).await;

    let response = app
        .server_fn(&app.client, CreateToken::PATH, &[("name", "Deploy bot")])
        .await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from api_token where prefix = $1 and token_hash <> convert_to($2, 'UTF8')",
    )
    .bind(&token[..9])
    .bind(&token)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, 1);
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn only_admins_may_list_users() {
    let app = TestApp::spawn().await;
    app.create_user("eng@example.com", &["engineer"]).await;
    app.create_user("root@example.com", &["admin"]).await;
    let admin = client();
    app.login("eng@example.com", PASSWORD).await;
    app.login_with(&admin, "root@example.com", PASSWORD).await;

    let refused = app.server_fn(&app.client, ListUsers::PATH, &[]).await;
    let allowed = app.server_fn(&admin, ListUsers::PATH, &[]).await;

    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("NotPermitted"));
    assert_eq!(allowed.status(), 200);
    let users: Value = allowed.json().await.unwrap();
    assert_eq!(users.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_loses_its_session() {
    let app = TestApp::spawn().await;
    let user = app.create_user("ada@example.com", &["engineer"]).await;
    let admin = app.create_user("root@example.com", &["admin"]).await;
    app.login("ada@example.com", PASSWORD).await;

    app::services::users::set_disabled(
        &app.pool,
        &Actor::System,
        Some(admin.id),
        user.id,
        true,
        None,
    )
    .await
    .unwrap();

    assert_eq!(current_user_email(&app, &app.client).await, None);
    let again = app.login("ada@example.com", PASSWORD).await;
    assert!(
        location(&again).starts_with("/login?error=disabled"),
        "{}",
        location(&again)
    );
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_disabled() {
    let app = TestApp::spawn().await;
    let admin = app.create_user("root@example.com", &["admin"]).await;
    let roles = app::domain::Roles::parse(["engineer"]).unwrap();

    let demote =
        app::services::users::set_roles(&app.pool, &Actor::System, None, admin.id, roles, None)
            .await;
    let disable =
        app::services::users::set_disabled(&app.pool, &Actor::System, None, admin.id, true, None)
            .await;

    assert!(
        matches!(demote, Err(app::error::AppError::Conflict(_))),
        "{demote:?}"
    );
    assert!(
        matches!(disable, Err(app::error::AppError::Conflict(_))),
        "{disable:?}"
    );
}

#[tokio::test]
async fn the_audit_trail_refuses_update_and_delete() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;

    let update = sqlx::query("update audit_event set action = 'forged'")
        .execute(&app.pool)
        .await;
    let delete = sqlx::query("delete from audit_event")
        .execute(&app.pool)
        .await;

    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let count: i64 =
        sqlx::query_scalar("select count(*) from audit_event where action = 'user.create'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;
    app.login("ada@example.com", PASSWORD).await;

    let response = app
        .client
        .post(app.url("/logout"))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();

    assert_eq!(location(&response), "/login?error=signed_out");
    assert_eq!(current_user_email(&app, &app.client).await, None);
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_is_still_limited_to_ten() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;

    let guesses = (0..30).map(|i| {
        let client = client();
        let url = app.url("/login");
        let origin = app.address.clone();
        async move {
            client
                .post(url)
                .header("origin", origin)
                .form(&[
                    ("email", "ada@example.com"),
                    ("password", format!("wrong-guess-{i}").as_str()),
                ])
                .send()
                .await
                .unwrap()
        }
    });
    futures::future::join_all(guesses).await;

    let recorded: i64 =
        sqlx::query_scalar("select count(*) from login_attempt where email = 'ada@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(recorded, 10);
    let refused = app.login("ada@example.com", PASSWORD).await;
    assert!(location(&refused).starts_with("/login?error=throttled"));
}

#[tokio::test]
async fn a_one_time_password_must_be_replaced_before_anything_else() {
    let app = TestApp::spawn().await;
    let user = app.create_user("new@example.com", &["engineer"]).await;
    sqlx::query("update app_user set must_change_password = true where id = $1")
        .bind(user.id)
        .execute(&app.pool)
        .await
        .unwrap();
    app.login("new@example.com", PASSWORD).await;

    let refused = app
        .server_fn(&app.client, CreateToken::PATH, &[("name", "sneaky")])
        .await;
    let changed = app
        .server_fn(
            &app.client,
            app::server_fns::account::ChangePassword::PATH,
            &[
                ("current_password", PASSWORD),
                ("new_password", "brand-new-password-7"),
                ("confirm_password", "brand-new-password-7"),
            ],
        )
        .await;
    let allowed = app
        .server_fn(&app.client, CreateToken::PATH, &[("name", "fine now")])
        .await;

    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("PasswordChangeRequired"));
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    assert_eq!(allowed.status(), 200);
}

#[tokio::test]
async fn request_ids_from_callers_are_kept_only_when_they_look_like_ids() {
    let app = TestApp::spawn().await;

    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "ci-run-42.step_3")
        .send()
        .await
        .unwrap();
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "x".repeat(500))
        .send()
        .await
        .unwrap();

    assert_eq!(kept.headers()["x-request-id"], "ci-run-42.step_3");
    assert_eq!(replaced.headers()["x-request-id"].len(), 36);
}

#[tokio::test]
async fn refused_cross_site_requests_are_counted_in_metrics() {
    let app = TestApp::spawn().await;
    app.client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();

    let body = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(
        body.contains(
            r#"rookery_http_requests_total{method="POST",route="/login",status="403"} 1"#
        ),
        "{body}"
    );
}

#[tokio::test]
async fn the_audit_trail_is_filtered_and_exported_for_admins_only() {
    let app = TestApp::spawn().await;
    app.create_user("root@example.com", &["admin"]).await;
    app.create_user("eng@example.com", &["engineer"]).await;
    let engineer = client();
    app.login("root@example.com", PASSWORD).await;
    app.login_with(&engineer, "eng@example.com", PASSWORD).await;
    app.login_with(&client(), "eng@example.com", "wrong-password-123")
        .await;

    let page = app
        .server_fn(
            &app.client,
            app::server_fns::audit::ListAudit::PATH,
            &[
                ("actor", ""),
                ("entity", "user"),
                ("action", "session.login"),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ],
        )
        .await;
    let csv = app
        .client
        .get(app.url("/audit.csv?action=user.create"))
        .send()
        .await
        .unwrap();
    let refused = app
        .server_fn(
            &engineer,
            app::server_fns::audit::ListAudit::PATH,
            &[
                ("actor", ""),
                ("entity", ""),
                ("action", ""),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ],
        )
        .await;
    let refused_csv = engineer.get(app.url("/audit.csv")).send().await.unwrap();

    let page: Value = page.json().await.unwrap();
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(page["total"], 3, "{actions:?}");
    assert!(actions.iter().all(|a| a.starts_with("session.login")));
    assert!(actions.contains(&"session.login_failed"));
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].starts_with("id,occurred_at,actor_kind,actor,action"));
    assert_eq!(lines.len(), 3, "{body}");
    assert!(lines[1].contains("user.create"));
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("NotPermitted"));
    assert_eq!(refused_csv.status(), 403);
}

/// The first page of the audit trail as `client` sees it, filtered.
async fn audit_page(
    app: &TestApp,
    client: &reqwest::Client,
    actor: &str,
    entity: &str,
    action: &str,
) -> Value {
    outcome(
        app.server_fn(
            client,
            app::server_fns::audit::ListAudit::PATH,
            &[
                ("actor", actor),
                ("entity", entity),
                ("action", action),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ],
        )
        .await,
    )
    .await
    .expect("an audit page")
}

#[tokio::test]
async fn the_audit_trail_names_change_requests_and_people_as_the_pages_do() {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    let engineer = app.person("erin@example.com", &["engineer"]).await;
    sqlx::query("update app_user set display_name = 'Erin Engineer' where id = $1")
        .bind(engineer.user.id)
        .execute(&app.pool)
        .await
        .unwrap();
    let number: i64 = outcome(
        app.server_fn_json(
            &engineer.client,
            app::server_fns::change_requests::CreateChangeRequest::PATH,
            &serde_json::json!({ "input": {
                "title": "Rotate API signing keys",
                "description": "Yearly rotation",
                "change_type": "security",
                "priority": "high",
                "impact": "medium",
                "risk": "medium",
                "class": "normal",
                "environments": ["prod"],
                "services": ["api"],
                "planned_start": "2026-12-01T09:00",
                "duration_minutes": "45",
                "maintenance": false,
                "implementation_plan": "Deploy new keys",
                "rollback_plan": "Restore old keys",
                "testing_plan": "Smoke tests"
            }}),
        )
        .await,
    )
    .await
    .expect("filing a change request");
    // By the name people read, not only by the recorded email.
    let changes = audit_page(&app, &admin.client, "Erin Eng", "change_request", "").await;
    let sign_ins = audit_page(
        &app,
        &admin.client,
        "erin@example.com",
        "user",
        "session.login",
    )
    .await;
    let csv = admin
        .client
        .get(app.url("/audit.csv?entity=change_request"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert_eq!(changes["total"], 1, "{changes}");
    let filed = &changes["items"][0];
    assert_eq!(filed["action"], "change_request.create");
    assert_eq!(filed["target_label"], format!("CR-{number}"));
    assert_eq!(filed["target_link"], format!("/changes/{number}"));
    assert_eq!(filed["actor_name"], "Erin Engineer");
    assert_eq!(filed["actor_label"], "erin@example.com", "as recorded");
    assert_eq!(sign_ins["total"], 1, "{sign_ins}");
    assert_eq!(sign_ins["items"][0]["target_label"], "Erin Engineer");
    assert_eq!(sign_ins["items"][0]["target_link"], Value::Null);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",request_id,actor_name,entity"), "{csv}");
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].ends_with(&format!(",Erin Engineer,CR-{number}")),
        "{csv}"
    );
}
