//! Small pieces the forms share: vocabularies, keeping typed input across
//! hydration, pickers, where values and messages come from, and the
//! messages themselves.

mod errors;
mod keep;
mod pickers;
mod state;
mod textarea;
mod vocab;

pub use errors::{
    aria_invalid, unplaced, unplaced_beside_rows, FieldError, FieldErrorProps, FormErrors,
    FormErrorsProps, NO_FIELDS,
};
pub use keep::{hydrated, keep_checked, keep_ticked, keep_typed};
pub use pickers::{
    ChangePicker, ChangePickerProps, EnvironmentPicker, EnvironmentPickerProps, ServicePicker,
    ServicePickerProps, Tick, Ticks, TicksProps,
};
pub use state::{action_errors, errors_or_kept, latest_errors, saves, starting};
pub use textarea::textarea_text;
pub(crate) use vocab::choices;
pub use vocab::options;

#[cfg(test)]
mod tests;
