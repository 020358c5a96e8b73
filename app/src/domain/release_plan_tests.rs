use super::*;
use chrono::TimeZone;

fn roles(names: &[&str]) -> Roles {
    Roles::parse(names.iter().copied()).unwrap()
}

fn release() -> ReleaseInput {
    ReleaseInput {
        service: "API".into(),
        version: "2.1.0".into(),
        release_type: "minor".into(),
        title: "Bulk export".into(),
        description: String::new(),
        environments: vec!["prod".into(), "staging".into(), "prod".into()],
        planned_at: "2026-12-01T09:00".into(),
        changes: vec![12, 3, 12],
    }
}

#[test]
fn a_release_input_is_normalised() {
    let valid = release().validate().unwrap();
    assert_eq!(valid.service, "api");
    assert_eq!(valid.version.to_string(), "2.1.0");
    assert_eq!(valid.environments, vec!["prod", "staging"]);
    assert_eq!(valid.changes, vec![3, 12]);
    assert_eq!(
        valid.planned_at,
        Some(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap())
    );
}

#[test]
fn every_bad_release_field_gets_its_own_message() {
    let input = ReleaseInput {
        service: " ".into(),
        version: "2.1".into(),
        release_type: "giant".into(),
        title: String::new(),
        environments: vec![],
        planned_at: "tomorrow".into(),
        ..release()
    };
    let errors = input.validate().unwrap_err();
    for field in [
        "service",
        "version",
        "release_type",
        "title",
        "environments",
        "planned_at",
    ] {
        assert!(errors.contains_key(field), "{field} missing in {errors:?}");
    }
    assert!(errors["version"].contains("MAJOR.MINOR.PATCH"));
}

#[test]
fn change_numbers_parse_with_or_without_prefix() {
    assert_eq!(
        parse_cr_numbers("12, CR-15 cr-3\n").unwrap(),
        vec![12, 15, 3]
    );
    assert_eq!(parse_cr_numbers("  ").unwrap(), Vec::<i64>::new());
    assert!(parse_cr_numbers("12, twelve")
        .unwrap_err()
        .contains("twelve"));
    assert!(parse_cr_numbers("0").is_err());
}

fn plan() -> PlanInput {
    PlanInput {
        prerequisites: vec![PrerequisiteInput {
            kind: "database".into(),
            description: "Add index on orders".into(),
            status: String::new(),
            owner: "DBA team".into(),
            deadline: "2026-11-30T12:00".into(),
        }],
        risk: RiskInput {
            impact: "high".into(),
            likelihood: "medium".into(),
            mitigations: "- canary first\n\n* feature flag".into(),
            contingencies: "roll back".into(),
        },
        rollback_steps: vec![RollbackStepInput {
            description: "Redeploy previous version".into(),
            command: "deploy api 2.0.3".into(),
            verification: "health check green".into(),
            timeout_minutes: "10".into(),
            on_failure: "manual_intervention".into(),
        }],
        communication: vec![CommunicationInput {
            audience: "Customers".into(),
            channel: "Status page".into(),
            timing: "24 h before".into(),
            message: String::new(),
        }],
        gates: vec![GateInput {
            environment: "staging".into(),
            name: "Integration Tests".into(),
            suites: "api-tests, database-tests".into(),
            required: true,
            timeout_minutes: "20".into(),
            on_failure: "block".into(),
        }],
    }
}

fn envs() -> Vec<String> {
    vec!["staging".into(), "prod".into()]
}

#[test]
fn a_plan_validates_and_round_trips_through_the_form() {
    let valid = plan().validate(&envs()).unwrap();
    assert_eq!(
        valid.prerequisites[0].status,
        PrerequisiteStatus::Pending,
        "an empty status means pending"
    );
    let risk = valid.risk.as_ref().unwrap();
    assert_eq!(risk.mitigations, vec!["canary first", "feature flag"]);
    assert_eq!(valid.gates[0].suites, vec!["api-tests", "database-tests"]);
    assert_eq!(
        valid.to_input().validate(&envs()).unwrap(),
        valid,
        "editing an unchanged plan changes nothing"
    );
}

#[test]
fn an_empty_risk_section_means_not_assessed() {
    let mut input = plan();
    input.risk = RiskInput::default();
    assert_eq!(input.validate(&envs()).unwrap().risk, None);
    input.risk.mitigations = "something".into();
    let errors = input.validate(&envs()).unwrap_err();
    assert!(errors.contains_key("risk.impact"));
    assert!(errors.contains_key("risk.likelihood"));
}

#[test]
fn plan_row_errors_name_the_row_and_field() {
    let mut input = plan();
    input.prerequisites.push(PrerequisiteInput {
        kind: "weather".into(),
        description: String::new(),
        deadline: "soon".into(),
        ..Default::default()
    });
    input.rollback_steps[0].timeout_minutes = "0".into();
    input.rollback_steps[0].on_failure = "panic".into();
    input.gates[0].environment = "dev".into();
    input.communication[0].channel = " ".into();
    let errors = input.validate(&envs()).unwrap_err();
    for field in [
        "prerequisites.1.kind",
        "prerequisites.1.description",
        "prerequisites.1.deadline",
        "rollback_steps.0.timeout_minutes",
        "rollback_steps.0.on_failure",
        "gates.0.environment",
        "communication.0.channel",
    ] {
        assert!(errors.contains_key(field), "{field} missing in {errors:?}");
    }
    assert!(!errors.contains_key("prerequisites.0.kind"));
}

#[test]
fn a_gate_name_is_unique_per_environment() {
    let mut input = plan();
    let mut twin = input.gates[0].clone();
    twin.name = "integration tests".into();
    input.gates.push(twin);
    let errors = input.validate(&envs()).unwrap_err();
    assert!(errors["gates.1.name"].contains("already has a gate"));
}

#[test]
fn a_pending_prerequisite_past_its_deadline_is_overdue() {
    let deadline = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let mut p = Prerequisite {
        kind: PrerequisiteKind::Database,
        description: "x".into(),
        status: PrerequisiteStatus::Pending,
        owner: String::new(),
        deadline: Some(deadline),
    };
    let after = deadline + chrono::Duration::minutes(1);
    assert!(p.overdue(after));
    assert!(!p.overdue(deadline - chrono::Duration::minutes(1)));
    p.status = PrerequisiteStatus::Completed;
    assert!(!p.overdue(after));
    p.status = PrerequisiteStatus::Pending;
    p.deadline = None;
    assert!(!p.overdue(after));
}

#[test]
fn default_gates_follow_the_target_environments() {
    let names = |envs: &[&str]| {
        Plan::default_gates(&envs.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .into_iter()
            .map(|g| format!("{}:{}", g.environment, g.name))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&["prod"]), Vec::<String>::new());
    assert_eq!(names(&["dev"]), vec!["dev:Unit Tests"]);
    assert_eq!(names(&["staging", "prod"]).len(), 3);
}

#[test]
fn every_release_action_from_every_status() {
    let creator = Uuid::from_u128(1);
    let approver = Uuid::from_u128(2);
    let everyone = roles(&["approver", "release_manager", "admin"]);
    use ReleaseStatus::*;
    let allowed = |from: ReleaseStatus, action: ReleaseAction| -> Option<ReleaseStatus> {
        match (from, action) {
            (Planned, ReleaseAction::Approve) => Some(Approved),
            (Approved, ReleaseAction::StartDeploying) => Some(Deploying),
            (Deploying, ReleaseAction::MarkDeployed) => Some(Deployed),
            (Deploying, ReleaseAction::MarkFailed) => Some(Failed),
            (Deploying, ReleaseAction::MarkRolledBack) => Some(RolledBack),
            // on to the next environment, or rolled back during the bake time
            (Deployed, ReleaseAction::StartDeploying) => Some(Deploying),
            (Deployed, ReleaseAction::MarkRolledBack) => Some(RolledBack),
            _ => None,
        }
    };
    for &from in ReleaseStatus::ALL {
        for &action in ReleaseAction::ALL {
            let got = decide_release(from, creator, approver, &everyone, action);
            match allowed(from, action) {
                Some(to) => assert_eq!(got, Ok(to), "{from} {action:?}"),
                None => match got.expect_err("refused") {
                    ReleaseRefusal::State(message) => {
                        assert!(message.contains("cannot become"), "{message}")
                    }
                    other => panic!("{from} {action:?}: {other:?}"),
                },
            }
        }
    }
}

#[test]
fn release_roles_and_separation_of_duties() {
    let creator = Uuid::from_u128(1);
    let other = Uuid::from_u128(2);
    let approver = roles(&["approver"]);
    let manager = roles(&["release_manager"]);
    let engineer = roles(&["engineer"]);
    let status = ReleaseStatus::Planned;
    assert!(decide_release(status, creator, other, &approver, ReleaseAction::Approve).is_ok());
    assert!(
        decide_release(status, creator, creator, &approver, ReleaseAction::Approve)
            .unwrap_err()
            .message()
            .contains("own release")
    );
    assert!(
        decide_release(status, creator, other, &engineer, ReleaseAction::Approve)
            .unwrap_err()
            .message()
            .contains("approvers")
    );
    let approved = ReleaseStatus::Approved;
    assert!(decide_release(
        approved,
        creator,
        other,
        &manager,
        ReleaseAction::StartDeploying
    )
    .is_ok());
    assert!(decide_release(
        approved,
        creator,
        other,
        &approver,
        ReleaseAction::StartDeploying
    )
    .unwrap_err()
    .message()
    .contains("release managers"));
}
