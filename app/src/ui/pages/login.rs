use crate::domain::safe_next;
use crate::ui::components::icons::Logo;
use crate::ui::UserResource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

fn message(code: &str, wait: Option<String>) -> Option<(&'static str, String)> {
    let text = match code {
        "invalid" => "Incorrect email or password.".to_string(),
        "missing" => "Enter your email and password.".to_string(),
        "disabled" => "This account is disabled. Ask an administrator to enable it.".to_string(),
        "throttled" => {
            let minutes = wait.and_then(|w| w.parse::<u32>().ok()).unwrap_or(15);
            format!(
                "Too many failed sign-in attempts. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            )
        }
        "forbidden" => "That request came from another site and was refused.".to_string(),
        "error" => "Something went wrong on our side. Please try again.".to_string(),
        "signed_out" => return Some(("alert-info", "You have signed out.".to_string())),
        _ => return None,
    };
    Some(("alert-error", text))
}

/// The sign-in page. A plain form that posts to `/login`, so it works
/// without JavaScript; the server redirects back here with an error code.
#[component]
pub fn LoginPage() -> impl IntoView {
    let UserResource(user) = expect_context::<UserResource>();
    let query = use_query_map();
    let param = move |key: &str| query.with_untracked(|q| q.get(key));
    let next = safe_next(param("next"));
    let email = param("email").unwrap_or_default();
    let alert = param("error").and_then(|code| message(&code, param("wait")));
    let has_email = !email.is_empty();

    view! {
        <Title text="Sign in" />
        <Suspense>
            {move || Suspend::new(async move {
                matches!(user.await, Ok(Some(_))).then(|| view! { <Redirect path="/" /> })
            })}
        </Suspense>
        <div class="standalone login">
            <div class="standalone-card">
                <div class="login-brand">
                    <Logo />
                    <span>"Rookery"</span>
                </div>
                <h1>"Sign in"</h1>
                <p class="muted">"Release and change management for your team."</p>
                {alert.map(|(class, text)| view! {
                    <div class=format!("alert {class}") role="alert" data-testid="login-message">{text}</div>
                })}
                <form method="post" action="/login" class="form">
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            autocomplete="username"
                            required
                            autofocus=!has_email
                            value=email
                        />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            autofocus=has_email
                        />
                    </div>
                    <button type="submit" class="btn btn-primary btn-block">"Sign in"</button>
                </form>
                <p class="fineprint">"Forgot your password? An administrator can set a new one with "<code>"rookery user set-password"</code>"."</p>
            </div>
        </div>
    }
}
