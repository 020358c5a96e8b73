//! Webhooks to subscribers: the JSON POST signed with HMAC-SHA256, sent
//! only to public addresses (unless private ones are allowed), pinned to
//! the address that was checked.

use super::{webhook_client, Delivery};
use crate::deploy_executor::target::sign;
use crate::jobs::JobError;
use crate::status_page::{html, v2};
use app::services::status_page::public::{Notice, Subject};
use app::services::status_page::subscribers;
use serde_json::json;

impl Delivery {
    pub(super) async fn send_webhook_notice(
        &self,
        r: &subscribers::Recipient,
        notice: &Notice,
    ) -> Result<(), JobError> {
        let (Some(url), Some(secret)) = (&r.url, &r.secret) else {
            return Err(JobError::Fatal(
                "webhook subscriber without a URL or secret".into(),
            ));
        };
        let (name, base) = (&self.settings.name, &self.settings.base_url);
        let (indicator, description) = html::indicator(&notice.data);
        let subject = match &notice.subject {
            Subject::Incident(i) => v2::incident_value(&notice.data, name, base, i),
            Subject::Maintenance(m) => v2::maintenance_value(&notice.data, name, base, m),
        };
        let payload = json!({
            "meta": {
                "unsubscribe": self.unsubscribe_url(&r.unsubscribe_token),
                "documentation": format!("{base}/status/subscribe"),
            },
            "page": { "id": "rookery", "status_indicator": indicator, "status_description": description },
            "incident": subject,
            "update": {
                "id": notice.update.id,
                "status": notice.update.status,
                "body": notice.update.body,
                "created_at": notice.update.created_at,
            },
        });
        let pinned;
        let http = if self.settings.private_webhooks {
            &self.http
        } else {
            let (host, address) = check_destination(url).await?;
            pinned = webhook_client(Some((&host, address)));
            &pinned
        };
        let body = serde_json::to_vec(&payload).map_err(|e| JobError::Fatal(e.to_string()))?;
        let signature = sign(secret, &body).map_err(JobError::Fatal)?;
        let response = http
            .post(url)
            .header("content-type", "application/json")
            .header("x-rookery-signature", signature)
            .header("x-rookery-event", &notice.key)
            .header("idempotency-key", format!("{}:{}", notice.key, r.id))
            .body(body)
            .send()
            .await
            .map_err(|e| JobError::Retry(format!("webhook: {e}")))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(JobError::Retry(format!(
                "webhook answered {}",
                response.status()
            )))
        }
    }
}

/// Whether `ip` is a public address (not loopback, private, link-local,
/// unspecified, CGNAT or unique-local).
fn is_public(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            // ::a.b.c.d (IPv4-compatible) and 64:ff9b::/96 (NAT64) carry an IPv4 address
            let embedded = (s[..6] == [0; 6] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]).then(|| {
                std::net::Ipv4Addr::new(
                    (s[6] >> 8) as u8,
                    s[6] as u8,
                    (s[7] >> 8) as u8,
                    s[7] as u8,
                )
            });
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| !is_public(v4.into()))
                || embedded.is_some_and(|v4| !is_public(v4.into())))
        }
    }
}

/// Refuses a webhook whose host resolves to an internal address: anyone
/// may subscribe one, so it must not become a way into the network. Returns
/// the host and the checked address the request must go to (so a second DNS
/// answer cannot point it elsewhere).
pub(crate) async fn check_destination(
    url: &str,
) -> Result<(String, std::net::SocketAddr), JobError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| JobError::Fatal(format!("webhook URL: {e}")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| JobError::Fatal("webhook URL has no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| JobError::Retry(format!("resolving the webhook host: {e}")))?
        .collect();
    match addresses.first() {
        Some(first) if addresses.iter().all(|a| is_public(a.ip())) => Ok((host, *first)),
        _ => Err(JobError::Fatal(format!(
            "the webhook host {host} is not a public address (set ROOKERY_WEBHOOKS_TO_PRIVATE_ADDRESSES to allow it)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "198.18.0.1",
            "224.0.0.1",
            "240.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "ff02::1",
        ] {
            assert!(!is_public(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
