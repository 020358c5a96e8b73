//! Pure types and rules, no I/O. Compiled for the browser too, so a form
//! validates with exactly the rules the server applies.

pub mod calendar;
pub mod catalog;
pub mod change_request;
pub mod cr_form;
pub mod deploy;
pub mod email;
pub mod form_fields;
pub mod html;
pub mod ical;
pub mod markdown;
pub mod password;
pub mod permission;
pub mod redirect;
pub mod release;
pub mod release_note;
pub mod release_plan;
pub mod risk;
pub mod role;
pub mod schedule;
pub mod status_page;
pub mod trigger_form;
pub mod user;
pub mod words;

/// The highest page number lists accept; beyond it a list is simply empty
/// (and `(page - 1) * per_page` cannot overflow).
pub const MAX_PAGE: i64 = 1_000_000;

/// Whether `text` holds a character PostgreSQL cannot store (NUL).
pub fn has_nul(text: &str) -> bool {
    text.contains('\0')
}

pub use email::EmailAddress;
pub use form_fields::Fields;
pub use password::{check_password, PasswordProblem};
pub use permission::Permission;
pub use redirect::{encode_query_value, safe_next, same_origin_path};
pub use role::{Role, Roles};
pub use user::{DisplayName, TokenName};
