//! Deploy targets: a command run with the deployment in its environment, a
//! signed webhook, or the in-process simulated fleet. No transaction is
//! open while a target runs; output goes to the deployment log line by line.

use super::Output;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// The header carrying `sha256=<hex HMAC-SHA256 of the body>`.
pub const SIGNATURE_HEADER: &str = "X-Rookery-Signature";
/// The header a target uses to recognise a repeated call after a crash.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

#[derive(Clone, Debug)]
pub enum Kind {
    Command { program: String, args: Vec<String> },
    Webhook { url: String, secret: String },
    Simulated,
}

#[derive(Clone, Debug)]
pub struct Target {
    pub kind: Kind,
    pub timeout: Duration,
    pub health_url: Option<String>,
    pub health_status: u16,
    pub health_command: Option<String>,
    /// Simulated fleet: what its metrics read now.
    pub sim_error_rate: f64,
}

/// One call to a target.
#[derive(Clone, Debug)]
pub struct Call {
    pub deployment: uuid::Uuid,
    pub number: i64,
    pub service: String,
    pub environment: String,
    pub version: String,
    pub previous_version: Option<String>,
    /// deploy | rollback | scale_up | set_flag | switch | retire
    pub action: String,
    pub step: i32,
    pub step_name: String,
    pub weight: u32,
    pub flag: Option<String>,
    pub idempotency_key: String,
}

impl Call {
    fn env(&self) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("ROOKERY_DEPLOYMENT", self.deployment.to_string()),
            ("ROOKERY_DEPLOYMENT_NUMBER", self.number.to_string()),
            ("ROOKERY_SERVICE", self.service.clone()),
            ("ROOKERY_ENVIRONMENT", self.environment.clone()),
            ("ROOKERY_VERSION", self.version.clone()),
            (
                "ROOKERY_PREVIOUS_VERSION",
                self.previous_version.clone().unwrap_or_default(),
            ),
            ("ROOKERY_ACTION", self.action.clone()),
            ("ROOKERY_STEP", self.step.to_string()),
            ("ROOKERY_STEP_NAME", self.step_name.clone()),
            ("ROOKERY_WEIGHT", self.weight.to_string()),
            ("ROOKERY_IDEMPOTENCY_KEY", self.idempotency_key.clone()),
        ];
        if let Some(flag) = &self.flag {
            env.push(("ROOKERY_FLAG", flag.clone()));
        }
        env
    }

    fn body(&self) -> serde_json::Value {
        json!({
            "deployment": self.deployment,
            "number": self.number,
            "service": self.service,
            "environment": self.environment,
            "version": self.version,
            "previous_version": self.previous_version,
            "action": self.action,
            "step": self.step,
            "step_name": self.step_name,
            "weight": self.weight,
            "flag": self.flag,
            "idempotency_key": self.idempotency_key,
        })
    }
}

/// `sha256=<hex>` over `body` with `secret`.
pub fn sign(secret: &str, body: &[u8]) -> Result<String, String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| format!("the signing secret cannot be used: {e}"))?;
    mac.update(body);
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

/// Runs `call` against `target`. `Err` says why it failed.
pub async fn invoke(
    http: &reqwest::Client,
    target: &Target,
    call: &Call,
    out: &Output,
) -> Result<(), String> {
    match &target.kind {
        Kind::Command { program, args } => {
            let mut command = Command::new(program);
            command.args(args);
            run(command, call, target.timeout, out).await
        }
        Kind::Webhook { url, secret } => {
            webhook(http, url, secret, &call.body(), call, target.timeout, out).await
        }
        Kind::Simulated => {
            // The fleet rolls instances over in a moment; its metrics are
            // whatever a person set on the target.
            tokio::time::sleep(Duration::from_millis(150)).await;
            out.info(&format!(
                "simulated fleet: {} {} → {} % ({})",
                call.service, call.version, call.weight, call.action
            ))
            .await;
            Ok(())
        }
    }
}

/// A shell command (rollback steps, verifications, health commands) with
/// the call's environment.
pub async fn shell(
    script: &str,
    call: &Call,
    timeout: Duration,
    out: &Output,
) -> Result<(), String> {
    let mut command = Command::new("/bin/sh");
    command.arg("-c").arg(script);
    run(command, call, timeout, out).await
}

async fn run(
    mut command: Command,
    call: &Call,
    timeout: Duration,
    out: &Output,
) -> Result<(), String> {
    command
        .envs(call.env())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start the command: {e}"))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let work = async {
        let (_, _, status) = tokio::join!(
            pump(stdout, "stdout", out),
            pump(stderr, "stderr", out),
            child.wait()
        );
        status
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(match status.code() {
            Some(code) => format!("the command exited with status {code}"),
            None => "the command was killed by a signal".into(),
        }),
        Ok(Err(e)) => Err(format!("waiting for the command failed: {e}")),
        Err(_) => {
            // kill_on_drop ends the child when `work` is dropped here
            Err(format!(
                "the command ran longer than {} s and was killed",
                timeout.as_secs()
            ))
        }
    }
}

/// Copies a child's output into the deployment log, line by line.
async fn pump<R: tokio::io::AsyncRead + Unpin>(
    stream: Option<R>,
    name: &'static str,
    out: &Output,
) {
    if let Some(stream) = stream {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            out.line(name, &line).await;
        }
    }
}

async fn webhook(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &serde_json::Value,
    call: &Call,
    timeout: Duration,
    out: &Output,
) -> Result<(), String> {
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let signature = sign(secret, &bytes)?;
    let mut last = String::new();
    for attempt in 1..=3u32 {
        let sent = http
            .post(url)
            .timeout(timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, &signature)
            .header(IDEMPOTENCY_HEADER, &call.idempotency_key)
            .body(bytes.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {
                out.info(&format!("webhook answered {}", response.status()))
                    .await;
                return Ok(());
            }
            Ok(response) => {
                let status = response.status();
                let text: String = response
                    .text()
                    .await
                    .unwrap_or_default()
                    .chars()
                    .take(300)
                    .collect();
                last = format!("the webhook answered {status}: {text}");
                // a 4xx other than 408/429 will not change on retry
                if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
                    out.line("stderr", &last).await;
                    return Err(last);
                }
            }
            Err(e) if e.is_timeout() => {
                last = format!("the webhook did not answer within {} s", timeout.as_secs())
            }
            Err(e) => last = format!("the webhook could not be reached: {e}"),
        }
        out.line("stderr", &format!("attempt {attempt}: {last}"))
            .await;
        if attempt < 3 {
            tokio::time::sleep(Duration::from_millis(500 * 2u64.pow(attempt))).await;
        }
    }
    Err(last)
}

/// The health check after a deployment step: HTTP GET with the expected
/// status, else the health command, else the simulated fleet's own state.
pub async fn health(
    http: &reqwest::Client,
    target: &Target,
    call: &Call,
    out: &Output,
) -> Result<(), String> {
    if let Some(url) = &target.health_url {
        let mut last = String::new();
        for attempt in 1..=3u32 {
            match http.get(url).timeout(Duration::from_secs(10)).send().await {
                Ok(r) if r.status().as_u16() == target.health_status => {
                    out.info(&format!("health check {url}: {}", r.status()))
                        .await;
                    return Ok(());
                }
                Ok(r) => {
                    last = format!(
                        "health check {url} answered {} (expected {})",
                        r.status(),
                        target.health_status
                    )
                }
                Err(e) => last = format!("health check {url} failed: {e}"),
            }
            out.line("stderr", &format!("attempt {attempt}: {last}"))
                .await;
            if attempt < 3 {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
        return Err(last);
    }
    if let Some(script) = &target.health_command {
        return shell(script, call, Duration::from_secs(60), out)
            .await
            .map_err(|e| format!("health command: {e}"));
    }
    if matches!(target.kind, Kind::Simulated) {
        return if target.sim_error_rate >= 0.5 {
            Err(format!(
                "the simulated fleet is failing {:.0} % of requests",
                target.sim_error_rate * 100.0
            ))
        } else {
            out.info("simulated fleet healthy").await;
            Ok(())
        };
    }
    out.info("no health check configured for this target; continuing")
        .await;
    Ok(())
}
