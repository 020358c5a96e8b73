//! `.sqlx/` is not stale: every stored query still describes, against the
//! migrated schema, exactly as its file says (column names, types,
//! nullability, parameter types), and each file is named by its query's hash.
//! Builds read `.sqlx/` offline (SQLX_OFFLINE=true), so a migration that
//! changes a column without `make sqlx` would otherwise go unnoticed until a
//! query decoded the wrong type at run time.

use crate::support::TestApp;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Column, Either, Executor, TypeInfo};

/// The stored type name (`PgType`'s variant, e.g. `Timestamptz`,
/// `TextArray`) in the form the server names it (`TIMESTAMPTZ`, `TEXT[]`).
fn stored_type(value: &Value) -> String {
    match value {
        Value::String(name) => match name.strip_suffix("Array") {
            Some(element) => format!("{}[]", element.to_uppercase()),
            None => name.to_uppercase(),
        },
        other => other.to_string(),
    }
}

#[tokio::test]
async fn every_stored_query_matches_the_migrated_schema() {
    let app = TestApp::spawn().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.sqlx");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("reading .sqlx/")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() > 100, "expected the stored queries in {dir:?}");
    let mut stale = Vec::new();
    for path in &files {
        let stored: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let query = stored["query"].as_str().expect("a query");
        let hash = hex::encode(Sha256::digest(query.as_bytes()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name != format!("query-{hash}.json") || stored["hash"] != hash.as_str() {
            stale.push(format!("{name}: not named by its query's hash"));
            continue;
        }
        let described = match app.pool.describe(query).await {
            Ok(described) => described,
            Err(e) => {
                stale.push(format!("{name}: no longer prepares: {e}"));
                continue;
            }
        };
        let columns: Vec<(String, String)> = described
            .columns
            .iter()
            .map(|c| (c.name().to_owned(), c.type_info().name().to_uppercase()))
            .collect();
        let stored_columns: Vec<(String, String)> = stored["describe"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_owned(),
                    stored_type(&c["type_info"]),
                )
            })
            .collect();
        if columns != stored_columns {
            stale.push(format!(
                "{name}: columns {stored_columns:?}, the schema says {columns:?}"
            ));
        }
        let nullable: Vec<Option<bool>> = described.nullable.clone();
        let stored_nullable: Vec<Option<bool>> =
            serde_json::from_value(stored["describe"]["nullable"].clone()).unwrap();
        if nullable != stored_nullable {
            stale.push(format!(
                "{name}: nullable {stored_nullable:?}, the schema says {nullable:?}"
            ));
        }
        let parameters: Vec<String> = match &described.parameters {
            Some(Either::Left(types)) => types.iter().map(|t| t.name().to_uppercase()).collect(),
            _ => Vec::new(),
        };
        let stored_parameters: Vec<String> = stored["describe"]["parameters"]["Left"]
            .as_array()
            .map(|types| types.iter().map(stored_type).collect())
            .unwrap_or_default();
        if parameters != stored_parameters {
            stale.push(format!(
                "{name}: parameters {stored_parameters:?}, the schema says {parameters:?}"
            ));
        }
    }
    assert!(
        stale.is_empty(),
        ".sqlx/ is stale (run `make sqlx` against a migrated database):\n{}",
        stale.join("\n")
    );
}
