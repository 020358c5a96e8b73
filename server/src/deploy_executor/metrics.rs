//! Where trigger readings come from: the simulated fleet, values pushed to
//! `POST /api/v1/metrics`, or a Prometheus server's HTTP query API. An error
//! is an inconclusive reading, never a guess.

use app::domain::deploy::{MetricSource, TriggerSpec};
use app::services::deployments;
use rand::Rng;
use sqlx::PgPool;
use std::time::Duration;

/// What a reading is about.
pub struct Subject<'a> {
    pub service: &'a str,
    pub environment: &'a str,
    pub version: &'a str,
    /// Simulated fleet settings, when the target is simulated.
    pub fleet: Option<Fleet>,
}

#[derive(Clone, Copy, Debug)]
pub struct Fleet {
    pub error_rate: f64,
    pub latency_p95: f64,
    /// ± relative noise on every reading (0.02 = ±2 %).
    pub noise: f64,
}

/// The value of `spec`'s metric now.
pub async fn read(
    pool: &PgPool,
    http: &reqwest::Client,
    prometheus: Option<&str>,
    spec: &TriggerSpec,
    subject: &Subject<'_>,
) -> Result<f64, String> {
    match (spec.source, subject.fleet) {
        (MetricSource::Auto, Some(fleet)) => simulated(&spec.metric, fleet),
        (MetricSource::Auto | MetricSource::Pushed, _) => pushed(pool, spec, subject).await,
        (MetricSource::Prometheus, _) => {
            let base = prometheus.ok_or(
                "no Prometheus server is configured (set ROOKERY_PROMETHEUS_URL)".to_string(),
            )?;
            let query = spec.render_query(subject.service, subject.environment, subject.version);
            instant_query(http, base, &query).await
        }
    }
}

fn simulated(metric: &str, fleet: Fleet) -> Result<f64, String> {
    let base = match metric {
        "error_rate" => fleet.error_rate,
        "response_time_p95" | "latency_p95" => fleet.latency_p95,
        other => {
            return Err(format!(
                "the simulated fleet publishes error_rate and response_time_p95, not {other}"
            ))
        }
    };
    let jitter = if fleet.noise > 0.0 {
        rand::thread_rng().gen_range(-fleet.noise..=fleet.noise)
    } else {
        0.0
    };
    Ok((base * (1.0 + jitter)).max(0.0))
}

async fn pushed(pool: &PgPool, spec: &TriggerSpec, subject: &Subject<'_>) -> Result<f64, String> {
    // Fresh values only: a silent application is not a healthy one.
    let window = (spec.interval_seconds.max(1) * 3).max(30) as f64;
    let value = deployments::latest_pushed(
        pool,
        subject.service,
        subject.environment,
        &spec.metric,
        subject.version,
        window,
    )
    .await
    .map_err(|e| format!("reading pushed values failed: {e}"))?;
    value.ok_or_else(|| {
        format!(
            "no value of {} was pushed in the last {window:.0} s",
            spec.metric
        )
    })
}

/// One instant query: the first series' value.
pub async fn instant_query(http: &reqwest::Client, base: &str, query: &str) -> Result<f64, String> {
    let url = format!("{}/api/v1/query", base.trim_end_matches('/'));
    let response = http
        .get(&url)
        .query(&[("query", query)])
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| format!("Prometheus could not be reached: {e}"))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| format!("Prometheus answered {status} with a body that is not JSON: {e}"))?;
    if body["status"] != "success" {
        return Err(format!(
            "Prometheus: {}",
            body["error"].as_str().unwrap_or("the query failed")
        ));
    }
    let result = &body["data"]["result"];
    let value = match body["data"]["resultType"].as_str() {
        Some("vector") => result.get(0).map(|series| &series["value"][1]),
        Some("scalar") => Some(&result[1]),
        other => {
            return Err(format!(
                "Prometheus returned a {other:?}; the query must give a number"
            ))
        }
    };
    let text = value
        .and_then(|v| v.as_str())
        .ok_or("the query returned no series".to_string())?;
    let number: f64 = text
        .parse()
        .map_err(|_| format!("Prometheus returned {text:?}, not a number"))?;
    if number.is_finite() {
        Ok(number)
    } else {
        Err(format!("Prometheus returned {text}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fleet_reads_its_settings_within_the_noise() {
        let fleet = Fleet {
            error_rate: 0.01,
            latency_p95: 0.3,
            noise: 0.02,
        };
        for _ in 0..1000 {
            let v = simulated("error_rate", fleet).unwrap();
            assert!((0.0098..=0.0102).contains(&v), "{v}");
        }
        assert!(simulated("cpu", fleet).is_err());
        let quiet = Fleet {
            noise: 0.0,
            ..fleet
        };
        assert_eq!(simulated("response_time_p95", quiet).unwrap(), 0.3);
    }
}
