//! Unit tests of the change-request vocabularies.

use super::*;

#[test]
fn vocabularies_round_trip_and_explain_bad_input() {
    for &status in CrStatus::ALL {
        assert_eq!(CrStatus::parse(status.as_str()), Ok(status));
    }
    assert_eq!(Impact::parse("System_Wide"), Ok(Impact::SystemWide));
    assert!(ChangeType::parse("feature")
        .unwrap_err()
        .contains("enhancement, bug_fix"));
}
