//! The release-note editor: the five sections side by side with a live
//! preview rendered in the browser by the same renderer and sanitizer the
//! server uses; every save a revision, with what changed between two.

use crate::domain::markdown;
use crate::domain::release_note::{NoteSections, SECTIONS};
use crate::error::AppError;
use crate::model::status_page::ReleaseNoteView;
use crate::server_fns::forms::{use_kept_form, KeptForm};
use crate::server_fns::status_page::{
    draft_release_note, get_release_note, release_note_diff, PublishReleaseNote, SaveReleaseNote,
};
use crate::ui::components::form::{errors_or_kept, saves, unplaced, FieldError};
use crate::ui::components::loaded::loads;
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::BTreeMap;
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
    // Without a script, *Generate draft* asks for the page with `?draft=1`
    // and the draft fills the editor; a refused save or publish comes back
    // with `?kept=`.
    let query = use_query_map();
    let drafted = Resource::new(
        move || (id(), query.with(|q| q.get("draft").is_some())),
        |(id, wanted)| async move {
            match id {
                Some(id) if wanted => draft_release_note(id).await.map(Some),
                _ => Ok(None),
            }
        },
    );
    let kept = use_kept_form();
    view! {
        <Suspense fallback=|| view! { <p class="page-loading">"Loading…"</p> }>
            {loads(move || async move {
                let n = note.await?;
                // Once the page saved or published by itself, it shows what
                // it loaded, not what the address asked for.
                let fresh = save.value().with_untracked(|v| v.is_none())
                    && publish.value().with_untracked(|v| v.is_none());
                let drafted = if fresh { drafted.await } else { Ok(None) };
                let kept = kept.await?.filter(|_| fresh);
                Ok::<_, AppError>(view! { <Editor n drafted kept save publish /> })
            })}
        </Suspense>
    }
}

#[component]
fn Editor(
    n: ReleaseNoteView,
    /// A draft asked for in the address (`?draft=1`), or why there is none.
    drafted: Result<Option<NoteSections>, AppError>,
    /// A refused plain post of a save (it carries `base`) or of publishing.
    kept: Option<KeptForm>,
    save: ServerAction<SaveReleaseNote>,
    publish: ServerAction<PublishReleaseNote>,
) -> impl IntoView {
    let release = n.release_id;
    let base = n.revision;
    let keys: Vec<&'static str> = SECTIONS.iter().map(|(key, _)| *key).collect();
    // A refused save's messages by section, shown beside each.
    let mut kept_save_errors = BTreeMap::new();
    let (initial, first_message): (NoteSections, Option<Result<String, String>>) =
        match (kept, drafted) {
            (Some(kept), _) => {
                // Those of no section go on top.
                let message = unplaced(&kept.errors, &keys).join(" ");
                let sections = if kept.fields.ticked("base") {
                    kept_save_errors = kept.errors.clone();
                    NoteSections::from_fields(&kept.fields)
                } else {
                    n.sections.clone()
                };
                (sections, (!message.is_empty()).then_some(Err(message)))
            }
            (None, Ok(Some(draft))) => (
                draft,
                Some(Ok(
                    "Draft generated from the release's change requests. Edit it, then save."
                        .into(),
                )),
            ),
            (None, Err(e)) => (n.sections.clone(), Some(Err(e.to_string()))),
            (None, Ok(None)) => (n.sections.clone(), None),
        };
    let sections = RwSignal::new(initial.clone());
    let message = RwSignal::new(first_message);
    let section_errors = errors_or_kept(save, kept_save_errors);
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
                {can_edit.then(|| view! {
                    <form method="get" action=format!("/releases/{release}/notes") style="display: contents">
                        <button type="submit" name="draft" value="1" class="btn btn-ghost" data-testid="generate-draft" on:click=move |ev| { ev.prevent_default(); drafting.dispatch(()); }>"Generate draft"</button>
                    </form>
                })}
                {can_edit.then(|| view! { <button type="submit" form="release-note-form" class="btn btn-primary" data-testid="save-note" on:click=move |ev| { ev.prevent_default(); save.dispatch(SaveReleaseNote { release, base, sections: sections.get_untracked() }); }>"Save revision"</button> })}
                {n.can_publish.then(|| if published.is_some() {
                    view! {
                        <form method="post" action=format!("/releases/{release}/notes/publish") style="display: contents">
                            <input type="hidden" name="publish" value="false" />
                            <input type="hidden" name="revision" value=base.to_string() />
                            <button type="submit" class="btn btn-danger" on:click=move |ev| { ev.prevent_default(); publish.dispatch(PublishReleaseNote { release, publish: false, revision: base }); }>"Unpublish"</button>
                        </form>
                    }.into_any()
                } else {
                    view! {
                        <form method="post" action=format!("/releases/{release}/notes/publish") style="display: contents">
                            <input type="hidden" name="publish" value="true" />
                            <input type="hidden" name="revision" value=base.to_string() />
                            <button type="submit" class="btn btn-primary" data-testid="publish-note" disabled=base == 0 on:click=move |ev| { ev.prevent_default(); publish.dispatch(PublishReleaseNote { release, publish: true, revision: base }); }>"Publish"</button>
                        </form>
                    }.into_any()
                })}
            </div>
        </header>
        {move || message.get().map(|m| match m {
            Ok(text) => view! { <div class="alert alert-info" role="status">{text}</div> }.into_any(),
            Err(text) => view! { <div class="alert alert-error" role="alert">{text}</div> }.into_any(),
        })}
        // The sections post with *Save revision* (in the header, so it
        // names this form) before hydration or without a script.
        <form id="release-note-form" class="note-editor" method="post" action=format!("/releases/{release}/notes")>
            <input type="hidden" name="base" value=base.to_string() />
            <section class="card">
                {SECTIONS.iter().map(|(key, heading)| {
                    let key: &'static str = key;
                    let typed = initial.get(key).to_string();
                    view! {
                        <label class="field">{*heading}
                            <textarea rows="5" name=key data-section=key disabled=!can_edit
                                prop:value=move || sections.with(|s| s.get(key).to_string())
                                on:input=move |ev| {
                                    let text = event_target_value(&ev);
                                    sections.update(|s| if let Some(slot) = s.get_mut(key) { *slot = text; });
                                }
                            >{crate::ui::components::form::textarea_text(&typed)}</textarea>
                            <FieldError errors=section_errors field=key />
                        </label>
                    }
                }).collect_view()}
            </section>
            <section class="card">
                <h2>"Preview"</h2>
                <div class="rendered" data-testid="note-preview" inner_html=preview></div>
            </section>
        </form>
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
