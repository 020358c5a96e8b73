//! Password hashing with Argon2id at OWASP's parameters, always on the
//! blocking pool so a sign-in never stalls the async workers.

use crate::error::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use std::fmt;
use std::sync::OnceLock;

/// A password as typed. Not `Serialize`; `Debug` redacts it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(****)")
    }
}

/// A stored PHC hash string. Not `Serialize`; `Debug` redacts it.
#[derive(Clone)]
pub struct StoredHash(pub String);

impl fmt::Debug for StoredHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoredHash(****)")
    }
}

/// At most two hashes per core at once: each takes 19 MiB, so a burst of
/// sign-ins queues here instead of exhausting memory.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        tokio::sync::Semaphore::new(cores * 2)
    })
}

async fn hashing_permit() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    hashing_permits().acquire().await.map_err(|e| {
        tracing::error!(error = %e, "password hashing semaphore closed");
        AppError::Internal
    })
}

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19_456, 2, 1, None).expect("static Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password on the blocking pool.
pub async fn hash_password(password: Password) -> Result<StoredHash, AppError> {
    let _permit = hashing_permit().await?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::Internal
        })?
}

fn hash_blocking(password: &Password) -> Result<StoredHash, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| StoredHash(hash.to_string()))
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

/// A hash of a random password, verified against when an account does not
/// exist so the answer takes as long as for a real account.
fn dummy_hash() -> &'static StoredHash {
    static DUMMY: OnceLock<StoredHash> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking(&Password::new(generate_password())).expect("hashing a random password")
    })
}

/// Verifies `password` against `stored`, or against a dummy hash when there
/// is no account, on the blocking pool. Returns whether it matched.
pub async fn verify_password(
    stored: Option<StoredHash>,
    password: Password,
) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().clone());
        let matched = match PasswordHash::new(&stored.0) {
            Ok(parsed) => argon2()
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok(),
            Err(e) => {
                tracing::error!(error = %e, "stored password hash is not a PHC string");
                false
            }
        };
        exists && matched
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "password verification task failed");
        AppError::Internal
    })
}

/// A random 20-character password from an unambiguous alphabet, in groups of
/// five ("k7mq2-...") so it can be read aloud or typed.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let hash = hash_password(Password::new("tidal-granite-owl-42"))
            .await
            .unwrap();
        assert!(hash.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify_password(Some(hash.clone()), Password::new("tidal-granite-owl-42"))
                .await
                .unwrap()
        );
        assert!(
            !verify_password(Some(hash), Password::new("tidal-granite-owl-43"))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn a_missing_account_never_verifies() {
        assert!(!verify_password(None, Password::new("anything at all"))
            .await
            .unwrap());
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let a = generate_password();
        assert_eq!(a.len(), 23);
        assert!(crate::domain::check_password(&a, None).is_empty());
        assert_ne!(a, generate_password());
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        assert_eq!(
            format!("{:?}", Password::new("hunter2hunter2")),
            "Password(****)"
        );
    }
}
