//! The caller's notifications.

use crate::error::AppError;
use crate::server_fns::forms::use_kept_form;
use crate::server_fns::notifications::{list_notifications, MarkNotificationsRead};
use crate::ui::components::form::{errors_or_kept, saves, FormErrors, NO_FIELDS};
use crate::ui::components::loaded::loads;
use crate::ui::components::page_header::PageHeader;
use crate::ui::components::pager::Pager;
use crate::ui::components::query_link::QueryLink;
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The caller's notifications, newest first; unread ones stand out until
/// opened or all are marked read. "Mark all read" posts to `/notifications`
/// without JavaScript too (`server_fns::forms`); opening one marks it read only
/// with the script (the link itself works either way).
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
        })
    };
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let mark_saves = saves(mark);
    let notes = Resource::new(
        move || (page(), mark_saves.get()),
        |(page, _)| list_notifications(page),
    );
    let kept = use_kept_form();
    view! {
        <Title text="Notifications" />
        <PageHeader eyebrow="Inbox" title="Notifications" lede="Change requests that need you, and news about yours.">
            <form class="inline-form" method="post" action="/notifications">
                <button type="submit" class="btn btn-ghost" on:click=move |ev| {
                    ev.prevent_default();
                    mark.dispatch(MarkNotificationsRead { id: None });
                }>"Mark all read"</button>
            </form>
        </PageHeader>
        <Suspense>
            {move || Suspend::new(async move {
                let kept = kept.await.ok().flatten();
                let errors = errors_or_kept(mark, kept.map(|k| k.errors).unwrap_or_default());
                view! { <FormErrors errors shown=NO_FIELDS /> }
            })}
        </Suspense>
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let list = notes.await?;
                    if list.items.is_empty() {
                        return Ok::<_, AppError>(view! { <p class="muted">"Nothing yet. You will hear here when a change request needs you."</p> }.into_any());
                    }
                    let pages = (list.total + list.per_page - 1) / list.per_page;
                    let current = list.page;
                    Ok(view! {
                        <p class="muted small">{format!("{} unread of {}", list.unread, list.total)}</p>
                        <ul class="notifications" data-testid="notifications">
                            {list.items.into_iter().map(|n| {
                                let id = n.id;
                                let unread = n.read_at.is_none();
                                view! {
                                    <li class:unread=unread>
                                        <a href=n.link.clone() on:click=move |_| { if unread { mark.dispatch(MarkNotificationsRead { id: Some(id) }); } }>
                                            <strong>{n.title.clone()}</strong>
                                        </a>
                                        {(!n.body.is_empty()).then(|| view! { <p class="small">{n.body.clone()}</p> })}
                                        <span class="muted small">{format::datetime(n.created_at)}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <Pager page=current more={current < pages} link={QueryLink::new("/notifications")} />
                    }.into_any())
                })}
            </Suspense>
        </section>
    }
}
