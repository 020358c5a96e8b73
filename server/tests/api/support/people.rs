//! People and tokens: accounts made directly through the service, signed-in
//! people with their own cookie-keeping client, and API tokens.

use super::http::location;
use super::spawn::client;
use super::TestApp;
use app::domain::{DisplayName, EmailAddress, Roles};
use app::services::password::Password;
use app::services::users::{self, NewUser, UserRecord};
use app::services::Actor;
use uuid::Uuid;

/// The password of every account the tests make.
pub const PASSWORD: &str = "tidal-granite-owl-42";

/// A signed-in person: the account and a cookie-keeping client with its
/// session.
pub struct Person {
    pub user: UserRecord,
    pub client: reqwest::Client,
}

impl TestApp {
    /// Creates an account with [`PASSWORD`] directly through the service.
    pub async fn create_user(&self, email: &str, roles: &[&str]) -> UserRecord {
        let new = NewUser {
            email: EmailAddress::parse(email).unwrap(),
            display_name: DisplayName::parse("Test Person").unwrap(),
            roles: Roles::parse(roles.iter().copied()).unwrap(),
            password: Password::new(PASSWORD),
            must_change_password: false,
        };
        users::create(&self.pool, &Actor::System, new, None)
            .await
            .expect("creating a user")
    }

    /// Creates an account with `roles` and signs it in on a fresh client.
    pub async fn person(&self, email: &str, roles: &[&str]) -> Person {
        let user = self.create_user(email, roles).await;
        let client = client();
        let response = self.login_with(&client, email, PASSWORD).await;
        assert_eq!(
            location(&response),
            "/",
            "signing in {email} did not land on the home page"
        );
        Person { user, client }
    }

    /// A fresh API token for `user`, made the way `rookery token create`
    /// makes one.
    pub async fn api_token(&self, user: Uuid) -> String {
        app::services::tokens::create(
            &self.pool,
            &Actor::System,
            user,
            app::domain::TokenName::parse(&format!("test-{}", Uuid::new_v4().simple())).unwrap(),
            None,
        )
        .await
        .expect("creating an API token")
        .token
    }
}
