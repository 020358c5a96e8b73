//! A change request's comments and the form that adds one.

use crate::domain::markdown;
use crate::domain::Permission;
use crate::model::CommentView;
use crate::server_fns::change_requests::AddCrComment;
use crate::server_fns::forms::KeptForm;
use crate::ui::components::access::may;
use crate::ui::components::form::keep_typed;
use crate::ui::format;
use leptos::prelude::*;

/// The comments, oldest first, and for those who may a form to add one.
#[component]
pub(super) fn Comments(
    number: i64,
    comments: Vec<CommentView>,
    comment: ServerAction<AddCrComment>,
    /// A refused plain post of the form: its text and message.
    kept: KeptForm,
) -> impl IntoView {
    let typed_comment = kept.fields.text("body");
    let body = RwSignal::new(typed_comment.clone());
    let kept_comment_error = kept.errors.values().next().cloned();
    let comment_error = move || match comment.value().get() {
        Some(result) => result.err().map(|e| e.to_string()),
        None => kept_comment_error.clone(),
    };
    view! {
        <section class="card">
            <h2>"Comments"</h2>
            <ul class="comments">
                {comments.iter().map(|c| view! {
                    <li><strong>{c.author.clone()}</strong>" "<span class="muted small">{format::datetime(c.created_at)}</span><div class="prose rendered" inner_html=markdown::render(&c.body)></div></li>
                }).collect_view()}
            </ul>
            {if may(Permission::Comment) {
                view! {
            <form class="form" method="post" action=format!("/changes/{number}/comments") on:submit=move |ev| {
                ev.prevent_default();
                // Kept until it is saved: the page then shows it.
                comment.dispatch(AddCrComment { number, body: body.get_untracked() });
            }>
                <div class="field">
                    <label for="cr-comment">"Add a comment"</label>
                    <textarea id="cr-comment" name="body" rows="2" use:keep_typed=body bind:value=body>{crate::ui::components::form::textarea_text(&typed_comment.clone())}</textarea>
                    <p class="field-error">{comment_error}</p>
                </div>
                <button type="submit" class="btn btn-ghost">"Comment"</button>
            </form>
                }.into_any()
            } else {
                view! { <p class="muted small" data-testid="comment-refused">{Permission::Comment.refusal()}</p> }.into_any()
            }}
        </section>
    }
}
