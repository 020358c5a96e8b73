//! HTTP helpers: signing in, calling server functions with a same-origin
//! `Origin` (what the CSRF check wants), decoding their answers, and the
//! JSON API by bearer token ([`call`] and its [`Answer`]).

use super::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::Value;

impl TestApp {
    /// Posts the sign-in form the way a browser on this site would.
    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/login"))
            .header("origin", &self.address)
            .form(&[("email", email), ("password", password), ("next", "/")])
            .send()
            .await
            .expect("posting /login")
    }

    /// Signs in on the app's own client.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.login_with(&self.client, email, password).await
    }

    /// Calls a server function with a same-origin `Origin` header.
    pub async fn server_fn(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", &self.address)
            .form(form)
            .send()
            .await
            .expect("calling a server function")
    }

    /// Calls a JSON-encoded server function (`#[server(input = Json)]`) with
    /// a same-origin `Origin` header.
    pub async fn server_fn_json(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", &self.address)
            .json(body)
            .send()
            .await
            .expect("calling a server function")
    }
}

/// The `Location` header of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A server function's answer: the decoded value, or the `AppError` its
/// body carries (server functions encode errors as JSON).
pub async fn outcome<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, app::error::AppError> {
    let ok = response.status().is_success();
    let status = response.status();
    let body = response
        .text()
        .await
        .expect("reading a server function's body");
    if ok {
        Ok(serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("undecodable answer ({e}) with {status}: {body}")))
    } else {
        Err(serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{status} without an AppError body ({e}): {body}")))
    }
}

/// The field messages of a validation error; panics on any other outcome.
pub fn field_errors<T: std::fmt::Debug>(
    result: Result<T, app::error::AppError>,
) -> std::collections::BTreeMap<String, String> {
    match result {
        Err(app::error::AppError::Validation { fields, .. }) => fields,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// What a JSON API call answered: status, `Location` and
/// `WWW-Authenticate` headers and the body (JSON when it parses, else the
/// text as a JSON string).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub www_authenticate: Option<String>,
    pub body: Value,
}

/// Calls the JSON API with `method`, a bearer `token` (when given) and a
/// JSON `body` (when given); an error only when the request itself failed.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<Answer, reqwest::Error> {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (status, location, www_authenticate) = (
        response.status(),
        header("location"),
        header("www-authenticate"),
    );
    let text = response.text().await?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok(Answer {
        status,
        location,
        www_authenticate,
        body,
    })
}

/// `GET path` with a bearer token; panics if the request fails.
pub async fn get(app: &TestApp, token: &str, path: &str) -> Answer {
    call(app, Method::GET, path, Some(token), None)
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// `POST path` with a bearer token and a JSON body; panics if the request
/// fails.
pub async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> Answer {
    call(app, Method::POST, path, Some(token), Some(body))
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

/// `PUT path` with a bearer token and a JSON body; panics if the request
/// fails.
pub async fn put(app: &TestApp, token: &str, path: &str, body: &Value) -> Answer {
    call(app, Method::PUT, path, Some(token), Some(body))
        .await
        .unwrap_or_else(|e| panic!("PUT {path}: {e}"))
}
