//! What server functions return to the UI: plain serializable views, one
//! file per feature. Everything is re-exported here, so `crate::model::X`
//! names a view whichever file holds it.

pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod change_requests;
pub mod deploy_form;
pub mod deployments;
pub mod jobs;
pub mod kept_form;
pub mod notifications;
pub mod overview;
pub mod releases;
pub mod session;
pub mod status_page;
pub mod targets;

pub use accounts::{CreatedToken, CreatedUser, TokenView, UserView};
pub use audit::{AuditPage, AuditRow};
pub use calendar::{
    CalendarEntry, CalendarMonthView, CalendarRelease, FeedStatus, FreezeView, ScheduleCheck,
};
pub use catalog::{EnvironmentView, ServiceView, TemplateView};
pub use change_requests::{
    CommentView, CrDetail, CrEventView, CrPage, CrSummary, RolledBackDeployment,
};
pub use deployments::{
    DeployOptions, DeploymentDetail, DeploymentPage, DeploymentSummary, EnvironmentTriggers,
    FleetView, GateStatusView, LogLine, StartDeployment, StepView, TriggerReading, TriggerView,
};
pub use jobs::{JobPage, JobSummary};
pub use kept_form::KeptForm;
pub use notifications::{NotificationPage, NotificationView};
pub use overview::{ActivityView, Overview};
pub use releases::{ReleaseDetail, ReleaseEventView, ReleasePage, ReleaseSummary};
pub use session::CurrentUser;
pub use targets::{TargetInput, TargetView};
