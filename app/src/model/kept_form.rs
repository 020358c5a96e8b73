//! A refused plain post as its page gets it back: shared by the server
//! functions that read it (`server_fns::forms`) and the session store that keeps it
//! (`services::kept_forms`), so neither imports the other.

use crate::domain::Fields;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A refused plain post: the fields as typed and the messages by field
/// (`form` for one that names none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptForm {
    pub fields: Fields,
    pub errors: BTreeMap<String, String>,
}
