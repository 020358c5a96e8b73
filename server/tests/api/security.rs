//! The findings of the black-box security test, each as the request that
//! showed it: titles that broke out of `<title>`, sign-in lockout of another
//! person's account, unchecked bodies and ids, a viewer's comment, metrics
//! and fleets of protected environments, the per-process sign-up limit,
//! redirects to the `Referer`, and a version with a line break.

use crate::support;
use crate::support::{client, location, TestApp, PASSWORD};
use app::domain::status_page::{Impact, IncidentStatus};
use app::model::status_page::IncidentInput;
use app::server_fns::change_requests::AddCrComment;
use app::server_fns::session::GetCurrentUser;
use app::services::session::SessionUser;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};

const TITLE_PAYLOAD: &str = "Fix </title><script>window.__xss=1</script>";

/// A client whose connections come from `ip` (another loopback address).
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::from(ip)))
        .build()
        .expect("http client")
}

async fn rest(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let response = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.unwrap()
}

/// The text between `<title>` and `</title>` of a served page.
fn document_title(html: &str) -> &str {
    let start = html.find("<title>").expect("a <title>") + "<title>".len();
    let end = html[start..].find("</title>").expect("a </title>") + start;
    &html[start..end]
}

fn assert_title_escaped(html: &str) {
    assert!(
        !html.contains("</title><script>"),
        "the title broke out of <title>"
    );
    let title = document_title(html);
    assert!(
        title.contains("Fix &lt;/title&gt;&lt;script&gt;window.__xss=1&lt;/script&gt;"),
        "{title}"
    );
}

async fn add_service(app: &TestApp, admin: &reqwest::Client, key: &str) {
    let saved = app
        .server_fn_json(
            admin,
            app::server_fns::catalog::SaveService::PATH,
            &json!({ "id": null, "input": { "key": key, "name": key, "description": "" } }),
        )
        .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
}

#[tokio::test]
async fn user_text_in_page_titles_is_escaped_on_changes_releases_and_incidents() {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    add_service(&app, &admin.client, "api").await;
    let engineer = app
        .create_user("erin@example.com", &["engineer", "support"])
        .await;
    let token = app.api_token(engineer.id).await;
    let (status, cr) = rest(
        &app,
        reqwest::Method::POST,
        &token,
        "/api/v1/change-requests",
        &json!({
            "title": TITLE_PAYLOAD, "description": "", "change_type": "bug_fix",
            "priority": "low", "impact": "low", "risk": "low", "class": "normal",
            "environments": ["dev"], "services": ["api"], "planned_start": "2026-12-01T09:00",
            "duration_minutes": "30", "maintenance": false, "implementation_plan": "x",
            "rollback_plan": "x", "testing_plan": "x"
        }),
    )
    .await;
    assert_eq!(status, 201, "{cr:?}");
    let (status, release) = rest(
        &app,
        reqwest::Method::POST,
        &token,
        "/api/v1/releases",
        &json!({
            "service": "api", "version": "1.0.0", "release_type": "minor", "title": TITLE_PAYLOAD,
            "description": "", "environments": ["dev"], "planned_at": "2026-12-10T09:00", "changes": []
        }),
    )
    .await;
    assert_eq!(status, 201, "{release:?}");
    let support = SessionUser::try_from(engineer).unwrap();
    let incident = app::services::status_page::incidents::create(
        &app.pool,
        &support,
        &IncidentInput {
            title: TITLE_PAYLOAD.into(),
            impact: Impact::Minor,
            status: IncidentStatus::Investigating,
            body: "Looking.".into(),
            components: vec![],
            publish: true,
            impact_started_at: String::new(),
        },
        None,
    )
    .await
    .unwrap();

    let number = cr["number"].as_i64().unwrap();
    let release_id = release["id"].as_str().unwrap();
    for path in [
        format!("/changes/{number}"),
        format!("/releases/{release_id}"),
        format!("/incidents/{incident}"),
    ] {
        let html = page(&app, &admin.client, &path).await;
        assert_title_escaped(&html);
    }
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts_and_refuse_framing() {
    let app = TestApp::spawn().await;

    let first = app.client.get(app.url("/login")).send().await.unwrap();
    let second = app.client.get(app.url("/login")).send().await.unwrap();

    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let policy = header(&first, "content-security-policy");
    assert_ne!(policy, header(&second, "content-security-policy"));
    assert_eq!(header(&first, "x-frame-options"), "DENY");
    assert_eq!(header(&first, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&first, "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert_eq!(header(&first, "strict-transport-security"), "");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src")
        .to_string();
    let html = first.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "the sign-in page has its hydration script");
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        html.matches("nonce=\"").count(),
        "every nonce on the page is the header's"
    );
    assert!(
        html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\""))
            || html.contains(&format!("nonce=\"{nonce}\""))
    );
}

#[tokio::test]
async fn https_deployments_send_strict_transport_security() {
    let mut config = support::default_config();
    config.public_url = Some("https://rookery.example.com".into());
    let app = TestApp::spawn_with(config).await;

    let response = app.client.get(app.url("/healthz")).send().await.unwrap();

    assert!(response
        .headers()
        .get("strict-transport-security")
        .is_some_and(|v| v.to_str().unwrap().contains("max-age=")));
}

#[tokio::test]
async fn failures_from_one_address_do_not_lock_the_account_out_from_another() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["admin"]).await;
    let attacker = client_from([127, 0, 0, 2]);
    let owner = client_from([127, 0, 0, 3]);
    for _ in 0..10 {
        app.login_with(&attacker, "ada@example.com", "wrong-password-123")
            .await;
    }

    let attacker_now = app.login_with(&attacker, "ada@example.com", PASSWORD).await;
    let started = std::time::Instant::now();
    let owner_now = app.login_with(&owner, "ada@example.com", PASSWORD).await;
    let waited = started.elapsed();

    assert!(
        location(&attacker_now).starts_with("/login?error=throttled"),
        "{}",
        location(&attacker_now)
    );
    assert_eq!(location(&owner_now), "/", "the owner's address signs in");
    assert!(
        waited >= std::time::Duration::from_millis(900),
        "ten failures elsewhere slow the check down ({waited:?})"
    );
}

#[tokio::test]
async fn one_address_is_still_limited_across_accounts() {
    let mut config = support::default_config();
    config.public_url = None;
    let app = TestApp::spawn().await;
    let attacker = client_from([127, 0, 0, 4]);
    // 100 failures from one address, spread over accounts that need not
    // exist, stop that address.
    sqlx::query(
        "insert into login_attempt (email, ip) select 'guess' || n || '@example.com', '127.0.0.4' from generate_series(1, 100) n",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.create_user("bob@example.com", &["engineer"]).await;

    let refused = app.login_with(&attacker, "bob@example.com", PASSWORD).await;
    let elsewhere = app.login_with(&client(), "bob@example.com", PASSWORD).await;

    assert!(location(&refused).starts_with("/login?error=throttled"));
    assert_eq!(location(&elsewhere), "/");
}

#[tokio::test]
async fn rookery_user_unlock_lifts_a_block() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", &["engineer"]).await;
    for _ in 0..10 {
        app.login("ada@example.com", "wrong-password-123").await;
    }
    assert!(location(&app.login("ada@example.com", PASSWORD).await)
        .starts_with("/login?error=throttled"));

    let output = support::rookery_command(
        &app.database_url,
        &["user", "unlock", "--email", "Ada@Example.com"],
        "",
    );

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("10 failed attempts forgotten"));
    assert_eq!(location(&app.login("ada@example.com", PASSWORD).await), "/");
    assert_eq!(app.audit_count("user.unlock", None).await, 1);
}

#[tokio::test]
async fn ids_starting_with_multibyte_characters_are_not_found_not_a_crash() {
    let app = TestApp::spawn().await;
    let user = app.create_user("erin@example.com", &["engineer"]).await;
    let token = app.api_token(user.id).await;

    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/change-requests/ab%C3%A9"),
        (reqwest::Method::GET, "/api/v1/change-requests/%C3%A9%C3%A9"),
        (
            reqwest::Method::POST,
            "/api/v1/change-requests/ab%C3%A9/transitions",
        ),
    ] {
        let (status, body) = rest(&app, method, &token, path, &json!({"action": "submit"})).await;
        assert_eq!(status, 404, "{path}: {body:?}");
    }
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

/// A body sent with `Transfer-Encoding: chunked` (no `Content-Length`).
fn chunked(bytes: Vec<u8>) -> reqwest::Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(bytes)];
    reqwest::Body::wrap_stream(futures::stream::iter(chunks))
}

#[tokio::test]
async fn nul_is_refused_however_the_body_is_framed() {
    let app = TestApp::spawn().await;
    let person = app.person("erin@example.com", &["engineer"]).await;
    let token = app.api_token(person.user.id).await;

    let subscribe = app
        .client
        .post(app.url("/status/subscribe"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(chunked(b"kind=email&email=a%00@example.com".to_vec()))
        .send()
        .await
        .unwrap();
    let rest_api = app
        .client
        .post(app.url("/api/v1/change-requests"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(chunked(br#"{"title":"a\u0000b"}"#.to_vec()))
        .send()
        .await
        .unwrap();
    let server_fn = person
        .client
        .post(app.url(AddCrComment::PATH))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(chunked(b"number=1&body=a%00b".to_vec()))
        .send()
        .await
        .unwrap();

    assert_eq!(subscribe.status(), 422);
    assert_eq!(rest_api.status(), 422);
    assert_eq!(server_fn.status(), 422);
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn server_functions_answer_bad_bodies_with_4xx_not_500() {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    let save_service = app::server_fns::catalog::SaveService::PATH;
    let send = |path: &'static str, content_type: &'static str, body: Vec<u8>| {
        let request = admin
            .client
            .post(app.url(path))
            .header("origin", &app.address)
            .header("content-type", content_type)
            .body(body);
        async move { request.send().await.unwrap() }
    };
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let huge = vec![b'a'; 3 * 1024 * 1024];

    let cases: Vec<(&str, reqwest::Response, u16)> = vec![
        ("empty object", send(save_service, "application/json", b"{}".to_vec()).await, 422),
        (
            "unknown enum value",
            send(
                app::server_fns::status_page::OpenIncident::PATH,
                "application/json",
                br#"{"input":{"title":"x","impact":"apocalyptic","status":"investigating","body":"","components":[],"publish":false}}"#.to_vec(),
            )
            .await,
            422,
        ),
        ("invalid UTF-8", send(save_service, "application/json", vec![b'{', 0xff, 0xfe, b'}']).await, 400),
        ("deep nesting", send(save_service, "application/json", deep.into_bytes()).await, 400),
        ("not JSON", send(save_service, "application/json", b"{\"id\":".to_vec()).await, 400),
        ("over 2 MB", send(save_service, "application/json", huge.clone()).await, 413),
        (
            "over 2 MB, chunked",
            admin
                .client
                .post(app.url(save_service))
                .header("origin", &app.address)
                .header("content-type", "application/json")
                .body(chunked(huge))
                .send()
                .await
                .unwrap(),
            413,
        ),
        (
            "invalid UTF-8 in a form",
            send(
                GetCurrentUser::PATH,
                "application/x-www-form-urlencoded",
                vec![b'a', b'=', 0xff],
            )
            .await,
            400,
        ),
        ("JSON as text/plain", send(save_service, "text/plain", br#"{"id":null}"#.to_vec()).await, 415),
        (
            "JSON as a form",
            send(save_service, "application/x-www-form-urlencoded", b"id=".to_vec()).await,
            415,
        ),
        (
            "a form as JSON",
            send(AddCrComment::PATH, "application/json", br#"{"number":1,"body":"x"}"#.to_vec()).await,
            415,
        ),
    ];

    for (name, response, expected) in cases {
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert_eq!(status, expected, "{name}: {body}");
        let error: app::error::AppError =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{name}: {e}: {body}"));
        assert!(!error.to_string().contains("serde"), "{name}: {error}");
    }
}

#[tokio::test]
async fn cookie_requests_without_origin_or_fetch_metadata_are_refused() {
    let app = TestApp::spawn().await;
    let person = app.person("erin@example.com", &["engineer"]).await;

    let bare = person
        .client
        .post(app.url(app::server_fns::tokens::CreateToken::PATH))
        .form(&[("name", "sneaky")])
        .send()
        .await
        .unwrap();
    let same_site = person
        .client
        .post(app.url(app::server_fns::tokens::CreateToken::PATH))
        .header("sec-fetch-site", "same-site")
        .form(&[("name", "sneaky")])
        .send()
        .await
        .unwrap();
    let fetch_metadata = person
        .client
        .post(app.url(app::server_fns::tokens::CreateToken::PATH))
        .header("sec-fetch-site", "same-origin")
        .form(&[("name", "fine")])
        .send()
        .await
        .unwrap();

    assert_eq!(bare.status(), 403);
    assert_eq!(same_site.status(), 403);
    assert_eq!(fetch_metadata.status(), 200);
    assert_eq!(app.audit_count("api_token.create", None).await, 1);
}

#[tokio::test]
async fn viewers_cannot_comment() {
    let app = TestApp::spawn().await;
    let viewer = app.person("vera@example.com", &["viewer"]).await;
    let support = app.person("sam@example.com", &["support"]).await;

    let refused = app
        .server_fn(
            &viewer.client,
            AddCrComment::PATH,
            &[("number", "1"), ("body", "hi")],
        )
        .await;
    let allowed = app
        .server_fn(
            &support.client,
            AddCrComment::PATH,
            &[("number", "1"), ("body", "hi")],
        )
        .await;

    assert_eq!(refused.status(), 403);
    // Support may comment; there is no CR-1 here.
    assert_eq!(allowed.status(), 404);
}

#[tokio::test]
async fn metrics_and_fleets_of_protected_environments_are_for_those_who_deploy_there() {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    add_service(&app, &admin.client, "api").await;
    let engineer = app.create_user("erin@example.com", &["engineer"]).await;
    let manager = app
        .create_user("rob@example.com", &["release_manager"])
        .await;
    let (eng, rm) = (
        app.api_token(engineer.id).await,
        app.api_token(manager.id).await,
    );
    let sample = |env: &str| json!({ "samples": [{ "service": "api", "environment": env, "metric": "error_rate", "value": 0.9 }] });
    let mut targets = Vec::new();
    for env in ["dev", "prod"] {
        let id = uuid::Uuid::new_v4();
        sqlx::query("insert into deploy_target (id, service_id, environment, kind) select $1, id, $2, 'simulated' from service where key = 'api'")
            .bind(id)
            .bind(env)
            .execute(&app.pool)
            .await
            .unwrap();
        targets.push(id);
    }
    let fleet = json!({ "error_rate": 0.5, "latency_p95": 0.2 });

    let eng_dev = rest(
        &app,
        reqwest::Method::POST,
        &eng,
        "/api/v1/metrics",
        &sample("dev"),
    )
    .await;
    let eng_prod = rest(
        &app,
        reqwest::Method::POST,
        &eng,
        "/api/v1/metrics",
        &sample("prod"),
    )
    .await;
    let rm_prod = rest(
        &app,
        reqwest::Method::POST,
        &rm,
        "/api/v1/metrics",
        &sample("prod"),
    )
    .await;
    let unknown = rest(
        &app,
        reqwest::Method::POST,
        &rm,
        "/api/v1/metrics",
        &sample("moon"),
    )
    .await;
    let sim = |id: uuid::Uuid| format!("/api/v1/deploy-targets/{id}/simulation");
    let eng_dev_fleet = rest(&app, reqwest::Method::PUT, &eng, &sim(targets[0]), &fleet).await;
    let eng_prod_fleet = rest(&app, reqwest::Method::PUT, &eng, &sim(targets[1]), &fleet).await;
    let rm_prod_fleet = rest(&app, reqwest::Method::PUT, &rm, &sim(targets[1]), &fleet).await;

    assert_eq!(eng_dev.0, 202, "{:?}", eng_dev.1);
    assert_eq!(eng_prod.0, 403, "{:?}", eng_prod.1);
    assert_eq!(rm_prod.0, 202, "{:?}", rm_prod.1);
    assert_eq!(unknown.0, 422, "{:?}", unknown.1);
    assert_eq!(eng_dev_fleet.0, 200, "{:?}", eng_dev_fleet.1);
    assert_eq!(eng_prod_fleet.0, 403, "{:?}", eng_prod_fleet.1);
    assert_eq!(rm_prod_fleet.0, 200, "{:?}", rm_prod_fleet.1);
    let stored: i64 =
        sqlx::query_scalar("select count(*) from metric_sample where environment = 'prod'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, 1, "only the release manager's prod value is stored");
}

#[tokio::test]
async fn the_sign_up_limit_is_shared_by_every_process() {
    let first = TestApp::spawn().await;
    // A second process on the same database.
    let second = first.second_process().await;
    let sign_up = |app: &TestApp, n: usize| {
        let request = app
            .client
            .post(app.url("/status/subscribe"))
            .form(&[("kind", "email"), ("email", &format!("c{n}@example.com"))]);
        async move { request.send().await.unwrap().status().as_u16() }
    };

    let mut statuses = Vec::new();
    for n in 0..10 {
        let app = if n % 2 == 0 { &first } else { &second };
        statuses.push(sign_up(app, n).await);
    }
    let eleventh_first = sign_up(&first, 10).await;
    let eleventh_second = sign_up(&second, 11).await;

    assert!(statuses.iter().all(|s| *s != 429), "{statuses:?}");
    assert_eq!(eleventh_first, 429);
    assert_eq!(eleventh_second, 429);
}

#[tokio::test]
async fn no_javascript_posts_redirect_only_to_this_sites_paths() {
    let app = TestApp::spawn().await;
    let person = app.person("erin@example.com", &["engineer"]).await;
    let post = |referer: String| {
        let request = person
            .client
            .post(app.url(app::server_fns::notifications::MarkNotificationsRead::PATH))
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("referer", referer)
            .form(&[] as &[(&str, &str)]);
        async move { request.send().await.unwrap() }
    };

    let own = post(format!("{}/notifications?x=1", app.address)).await;
    let evil = post("https://evil.example/phish".to_string()).await;
    let sneaky = post(format!("{}//evil.example/phish", app.address)).await;

    assert_eq!(location(&own), "/notifications?x=1");
    assert!(!location(&evil).contains("evil"), "{}", location(&evil));
    assert!(!location(&sneaky).contains("evil"), "{}", location(&sneaky));
}

#[tokio::test]
async fn signed_out_pages_redirect_whatever_the_accept_header() {
    let app = TestApp::spawn().await;

    for accept in ["*/*", "text/html", "application/json"] {
        let response = app
            .client
            .get(app.url("/admin/users"))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "Accept: {accept}");
        assert!(
            location(&response).starts_with("/login"),
            "{}",
            location(&response)
        );
    }
}

#[tokio::test]
async fn release_versions_are_not_trimmed_silently() {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    add_service(&app, &admin.client, "api").await;
    let engineer = app.create_user("erin@example.com", &["engineer"]).await;
    let token = app.api_token(engineer.id).await;

    let (status, body) = rest(
        &app,
        reqwest::Method::POST,
        &token,
        "/api/v1/releases",
        &json!({
            "service": "api", "version": "1.2.3\n", "release_type": "minor", "title": "Newline",
            "description": "", "environments": ["dev"], "planned_at": "2026-12-10T09:00", "changes": []
        }),
    )
    .await;

    assert_eq!(status, 422, "{body:?}");
    assert!(body["error"]["fields"]["version"]
        .as_str()
        .unwrap_or_default()
        .contains("line breaks"));
}
