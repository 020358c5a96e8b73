//! Email to subscribers through SMTP: the double opt-in confirmation and
//! the notice of an incident or maintenance update, each with a one-click
//! unsubscribe header (RFC 8058).

use super::{app_error, Delivery};
use crate::jobs::JobError;
use crate::status_page::html::esc;
use app::domain::markdown;
use app::domain::status_page::{IncidentStatus, MaintenanceState};
use app::services::status_page::public::{Notice, Subject};
use app::services::status_page::subscribers;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};
use uuid::Uuid;

impl Delivery {
    async fn send_mail(&self, message: Message) -> Result<(), JobError> {
        let Some(mailer) = &self.mailer else {
            return Err(JobError::Fatal(
                "email is not configured (ROOKERY_SMTP_URL)".into(),
            ));
        };
        mailer
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| JobError::Retry(format!("SMTP: {e}")))
    }

    fn mail(
        &self,
        to: &str,
        subject: &str,
        text: String,
        html: String,
        unsubscribe: &str,
        message_id: &str,
    ) -> Result<Message, JobError> {
        let from = self
            .from
            .clone()
            .ok_or_else(|| JobError::Fatal("ROOKERY_MAIL_FROM is not an address".into()))?;
        let to: Mailbox = to
            .parse()
            .map_err(|e| JobError::Fatal(format!("subscriber address: {e}")))?;
        Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{message_id}@rookery>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{unsubscribe}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ))
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| JobError::Fatal(format!("building the message: {e}")))
    }

    /// The double opt-in mail.
    pub(super) async fn confirm(&self, subscriber: Uuid, token: &str) -> Result<(), JobError> {
        let mut conn = self.pool.acquire().await?;
        let Some(r) = subscribers::recipient(&mut conn, subscriber)
            .await
            .map_err(app_error)?
        else {
            return Ok(());
        };
        drop(conn);
        let (Some(email), true, false) = (&r.email, r.active, r.confirmed) else {
            return Ok(());
        };
        let name = &self.settings.name;
        let link = format!(
            "{}/status/subscribe/confirm?token={token}",
            self.settings.base_url
        );
        let unsubscribe = self.unsubscribe_url(&r.unsubscribe_token);
        let text = format!(
            "Please confirm that you want {name} status updates at this address:\n\n{link}\n\n\
             If you did not ask for this, ignore this message and nothing more will be sent.\n\nUnsubscribe: {unsubscribe}\n"
        );
        let html = format!(
            "<p>Please confirm that you want {name} status updates at this address.</p>\
             <p><a href=\"{link}\">Confirm my subscription</a></p>\
             <p>If you did not ask for this, ignore this message and nothing more will be sent.</p>\
             <p style=\"color:#64748b;font-size:12px\"><a href=\"{unsubscribe}\">Unsubscribe</a></p>",
            name = esc(name),
            link = esc(&link),
            unsubscribe = esc(&unsubscribe),
        );
        let message = self.mail(
            email,
            &format!("[{name}] Confirm your subscription"),
            text,
            html,
            &unsubscribe,
            &format!("confirm-{subscriber}-{}", &token[..8.min(token.len())]),
        )?;
        self.send_mail(message).await
    }

    fn describe(&self, notice: &Notice) -> (String, String, String, String) {
        let base = &self.settings.base_url;
        match &notice.subject {
            Subject::Incident(i) => (
                i.title.clone(),
                IncidentStatus::label_of(&notice.update.status).to_string(),
                format!("{base}/status/incidents/{}", i.id),
                names(notice),
            ),
            Subject::Maintenance(m) => (
                format!("Maintenance: {}", m.title),
                MaintenanceState::label_of(&notice.update.status).to_string(),
                format!("{base}/status/maintenance/{}", m.id),
                names(notice),
            ),
        }
    }

    pub(super) async fn send_email_notice(
        &self,
        r: &subscribers::Recipient,
        notice: &Notice,
    ) -> Result<(), JobError> {
        let Some(email) = &r.email else {
            return Err(JobError::Fatal(
                "email subscriber without an address".into(),
            ));
        };
        let name = &self.settings.name;
        let (title, status, link, affected) = self.describe(notice);
        let unsubscribe = self.unsubscribe_url(&r.unsubscribe_token);
        let plain = markdown::plain_text(&notice.update.body, 4000);
        let text = format!(
            "{title}\n\n{status}: {plain}\n\nAffects: {affected}\nDetails: {link}\n\n\
             You receive this because you subscribed to {name} status updates.\nUnsubscribe: {unsubscribe}\n"
        );
        let html = format!(
            "<h2 style=\"font-size:18px\">{title}</h2><p><strong>{status}</strong></p>{body}\
             <p style=\"color:#64748b\">Affects: {affected}</p><p><a href=\"{link}\">View on the status page</a></p>\
             <p style=\"color:#64748b;font-size:12px\">You receive this because you subscribed to {name} status updates. \
             <a href=\"{unsubscribe}\">Unsubscribe</a></p>",
            title = esc(&title),
            status = esc(&status),
            body = markdown::render(&notice.update.body),
            affected = esc(&affected),
            link = esc(&link),
            name = esc(name),
            unsubscribe = esc(&unsubscribe),
        );
        let message = self.mail(
            email,
            &format!("[{name}] {title}: {status}"),
            text,
            html,
            &unsubscribe,
            &format!("{}-{}", notice.key.replace(':', "-"), r.id),
        )?;
        self.send_mail(message).await
    }
}

/// The components a notice affects, by name, for the mail.
fn names(notice: &Notice) -> String {
    let names: Vec<&str> = notice
        .components()
        .iter()
        .filter_map(|id| notice.data.components.iter().find(|c| c.id == *id))
        .map(|c| c.name.as_str())
        .collect();
    if names.is_empty() {
        "all services".into()
    } else {
        names.join(", ")
    }
}
