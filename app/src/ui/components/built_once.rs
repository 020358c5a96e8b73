//! A view the server builds once per response, however often the Suspense
//! around it walks it.
//!
//! A server-side Suspense walks its children up to three times (once to find
//! the resources they read, once more to check for resources read behind
//! those, and once to render), and a reactive closure is called on every
//! walk. The router's `Outlet` is such a closure: each call builds the page
//! anew, with new resources that all load and all go into the hydration
//! data. The calendar's HTML carried every resource three times (233 KB, of
//! which 135 KB hydration data). Wrapped in `BuiltOnce`, the page is built on
//! the first walk, kept, and the later walks and the render use that copy.
//!
//! Only the server uses it: in the browser the `Outlet` must stay reactive
//! (it changes the page on navigation), and a hydrating browser builds each
//! view once anyway. The HTML is the closure's own, without markers, so the
//! server and the browser render the same tree.

use leptos::prelude::*;
use leptos::tachys::html::attribute::{any_attribute::AnyAttribute, Attribute};
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::any_view::{AnyViewState, AnyViewWithAttrs};
use leptos::tachys::view::{Position, PositionState, RenderHtml};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

type Building = Pin<Box<dyn Future<Output = AnyView> + Send>>;

pub struct BuiltOnce(Stage);

enum Stage {
    /// Not built yet, or built but waiting on something asynchronous (a lazy
    /// route's view).
    Building(Building),
    Built(AnyView),
}

impl BuiltOnce {
    pub fn new<V>(view: V) -> Self
    where
        V: RenderHtml + 'static,
        V::AsyncOutput: Send + 'static,
    {
        Self(Stage::Building(Box::pin(async move {
            view.resolve().await.into_any()
        })))
    }

    /// The built view, waiting for it if it is not built yet.
    async fn view(self) -> AnyView {
        match self.0 {
            Stage::Building(building) => building.await,
            Stage::Built(view) => view,
        }
    }

    /// The built view without waiting: only the render, which comes after
    /// the Suspense around it has resolved, asks for it.
    fn view_now(self) -> AnyView {
        match self.0 {
            Stage::Building(mut building) => {
                poll_now(&mut building).unwrap_or_else(|| ().into_any())
            }
            Stage::Built(view) => view,
        }
    }
}

/// Polls once, without a waker to call back: the Suspense around the view
/// walks it again when the resources it waits for have loaded.
fn poll_now(building: &mut Building) -> Option<AnyView> {
    match building
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(view) => Some(view),
        Poll::Pending => None,
    }
}

impl Render for BuiltOnce {
    type State = AnyViewState;

    fn build(self) -> Self::State {
        self.view_now().build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.view_now().rebuild(state)
    }
}

impl AddAnyAttr for BuiltOnce {
    type Output<SomeNewAttr: Attribute> = AnyViewWithAttrs;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        self.view_now().add_any_attr(attr)
    }
}

impl RenderHtml for BuiltOnce {
    type AsyncOutput = AnyView;
    type Owned = Self;

    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {
        if let Stage::Building(building) = &mut self.0 {
            match poll_now(building) {
                Some(view) => self.0 = Stage::Built(view),
                None => return,
            }
        }
        if let Stage::Built(view) = &mut self.0 {
            view.dry_resolve();
        }
    }

    async fn resolve(self) -> Self::AsyncOutput {
        self.view().await
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.view_now()
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.view_now().to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        )
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.view_now().hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        self
    }
}
