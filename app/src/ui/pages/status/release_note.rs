//! The release-note editor: the five sections side by side with a live
//! preview rendered in the browser by the same renderer and sanitizer the
//! server uses; every save a revision, with what changed between two.

use crate::api::status::{
    draft_release_note, get_release_note, release_note_diff, PublishReleaseNote, SaveReleaseNote,
};
use crate::domain::markdown;
use crate::domain::release_note::SECTIONS;
use crate::error::AppError;
use crate::model::status::ReleaseNoteView;
use crate::ui::components::form::saves;
use crate::ui::components::loaded::loaded;
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[component]
pub fn ReleaseNotePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok()));
    let save = ServerAction::<SaveReleaseNote>::new();
    let save_saves = saves(save);
    let publish = ServerAction::<PublishReleaseNote>::new();
    let publish_saves = saves(publish);
    let note = Resource::new(
        move || (id(), save_saves.get(), publish_saves.get()),
        |(id, ..)| async move {
            match id {
                Some(id) => get_release_note(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page-loading">"Loading…"</p> }>
            {move || loaded(async move {
                let n = note.await?;
                Ok::<_, AppError>(view! { <Editor n save publish /> })
            })}
        </Suspense>
    }
}

#[component]
fn Editor(
    n: ReleaseNoteView,
    save: ServerAction<SaveReleaseNote>,
    publish: ServerAction<PublishReleaseNote>,
) -> impl IntoView {
    let release = n.release_id;
    let base = n.revision;
    let sections = RwSignal::new(n.sections.clone());
    let message = RwSignal::new(None::<Result<String, String>>);
    let drafting = Action::new(move |_: &()| draft_release_note(release));
    Effect::new(move |_| match drafting.value().get() {
        Some(Ok(draft)) => {
            sections.set(draft);
            message.set(Some(Ok(
                "Draft generated from the release's change requests. Edit it, then save.".into(),
            )));
        }
        Some(Err(e)) => message.set(Some(Err(e.to_string()))),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = save.value().get() {
            message.set(Some(Err(e.to_string())));
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = publish.value().get() {
            message.set(Some(Err(e.to_string())));
        }
    });
    let preview = move || sections.with(|s| markdown::render(&s.to_markdown()));
    let published = n.published_revision;
    let status = match (published, n.published_at) {
        (Some(r), Some(at)) => format!("Published revision {r} on {}", format::datetime(at)),
        _ => "Not published".to_string(),
    };
    let can_edit = n.can_edit;
    view! {
        <Title text=format!("Release note · {} {}", n.service, n.version) />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href=format!("/releases/{release}")>{format!("{} {}", n.service, n.version)}</a>" / Release note"</p>
                <h1>{n.title.clone()}</h1>
                <p class="muted" data-testid="note-status">{format!("{status} · revision {}", n.revision)}</p>
            </div>
            <div class="row-actions">
                {published.is_some().then(|| view! { <a class="btn btn-ghost" href=format!("/changelog/{release}") target="_blank" rel="noopener">"Changelog ↗"</a> })}
                {can_edit.then(|| view! { <button type="button" class="btn btn-ghost" data-testid="generate-draft" on:click=move |_| { drafting.dispatch(()); }>"Generate draft"</button> })}
                {can_edit.then(|| view! { <button type="button" class="btn btn-primary" data-testid="save-note" on:click=move |_| { save.dispatch(SaveReleaseNote { release, base, sections: sections.get_untracked() }); }>"Save revision"</button> })}
                {n.can_publish.then(|| if published.is_some() {
                    view! { <button type="button" class="btn btn-danger" on:click=move |_| { publish.dispatch(PublishReleaseNote { release, publish: false, revision: base }); }>"Unpublish"</button> }.into_any()
                } else {
                    view! { <button type="button" class="btn btn-primary" data-testid="publish-note" disabled=base == 0 on:click=move |_| { publish.dispatch(PublishReleaseNote { release, publish: true, revision: base }); }>"Publish"</button> }.into_any()
                })}
            </div>
        </header>
        {move || message.get().map(|m| match m {
            Ok(text) => view! { <div class="alert alert-info" role="status">{text}</div> }.into_any(),
            Err(text) => view! { <div class="alert alert-error" role="alert">{text}</div> }.into_any(),
        })}
        <div class="note-editor">
            <section class="card">
                {SECTIONS.iter().map(|(key, heading)| {
                    let key: &'static str = key;
                    view! {
                        <label class="field">{*heading}
                            <textarea rows="5" data-section=key disabled=!can_edit
                                prop:value=move || sections.with(|s| s.get(key).to_string())
                                on:input=move |ev| {
                                    let text = event_target_value(&ev);
                                    sections.update(|s| if let Some(slot) = s.get_mut(key) { *slot = text; });
                                }
                            ></textarea>
                        </label>
                    }
                }).collect_view()}
            </section>
            <section class="card">
                <h2>"Preview"</h2>
                <div class="rendered" data-testid="note-preview" inner_html=preview></div>
            </section>
        </div>
        <Revisions n />
    }
}

#[component]
fn Revisions(n: ReleaseNoteView) -> impl IntoView {
    let release = n.release_id;
    let latest = n.revision;
    let from = RwSignal::new((latest - 1).max(0));
    let to = RwSignal::new(latest);
    // Loaded on request (not during the page's render), so the page has no
    // nested suspense to hydrate.
    let compare = Action::new(move |&(from, to): &(i32, i32)| release_note_diff(release, from, to));
    let revisions = n.revisions.clone();
    view! {
        <section class="card">
            <h2>"Revisions"</h2>
            {if revisions.is_empty() {
                view! { <p class="muted">"Nothing saved yet."</p> }.into_any()
            } else {
                let options = move || revisions.iter().map(|r| view! { <option value=r.revision.to_string()>{format!("#{} · {} · {}", r.revision, r.author, format::datetime(r.created_at))}</option> }).collect_view();
                view! {
                    <div class="filters">
                        <label>"Compare "
                            <select prop:value=move || from.get().to_string() on:change=move |ev| from.set(event_target_value(&ev).parse().unwrap_or(0))>
                                <option value="0">"(empty)"</option>
                                {options()}
                            </select>
                        </label>
                        <label>"with "
                            <select prop:value=move || to.get().to_string() on:change=move |ev| to.set(event_target_value(&ev).parse().unwrap_or(0))>
                                {options()}
                            </select>
                        </label>
                    </div>
                    <button type="button" class="btn btn-ghost btn-small" data-testid="compare" on:click=move |_| { compare.dispatch((from.get_untracked(), to.get_untracked())); }>"Show changes"</button>
                    {move || compare.value().get().map(|result| match result {
                        Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                        Ok(d) => view! {
                            <div class="note-diff" data-testid="note-diff">
                                {d.sections.iter().all(|s| !s.changed).then(|| view! { <p class="muted">"No differences."</p> })}
                                {d.sections.into_iter().filter(|s| s.changed).map(|s| view! {
                                    <h3>{s.heading}</h3>
                                    <pre>{s.lines.into_iter().map(|l| {
                                        let (class, mark) = match l.tag.as_str() { "insert" => ("ins", "+ "), "delete" => ("del", "- "), _ => ("same", "  ") };
                                        view! { <span class=class>{format!("{mark}{}\n", l.text)}</span> }
                                    }).collect_view()}</pre>
                                }).collect_view()}
                            </div>
                        }.into_any(),
                    })}
                }.into_any()
            }}
        </section>
    }
}
