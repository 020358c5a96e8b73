//! A view whose HTML the server keeps for the data it was made from.
//!
//! The calendar's month grid is 42 days × every entry: building its view,
//! walking it for resources and writing it out was about a third of the
//! server's time per calendar request (perf, `make bench` data), and every
//! request of the month, for everyone, wrote the same 50 KB again. A view
//! that reads no resource and no signal is a function of its input, so the
//! server keeps the HTML it wrote next to the input, and writes that HTML
//! again for an equal input.
//!
//! The key is the input itself, compared with `==`, not a time or a write
//! counter: the HTML can never be older than the data the page sends for
//! hydration, so the browser, which builds the same view from that data,
//! always finds the same tree. The browser does not keep anything: there
//! [`kept_html`] is the view itself.

use leptos::prelude::*;

/// The HTML kept for one view: the last few inputs and what they rendered.
pub struct HtmlCache<K> {
    #[cfg(feature = "ssr")]
    kept: std::sync::Mutex<Vec<std::sync::Arc<Kept<K>>>>,
    #[cfg(not(feature = "ssr"))]
    kept: std::marker::PhantomData<K>,
}

/// How many inputs each view keeps (months and filters people look at).
#[cfg(feature = "ssr")]
const KEPT: usize = 8;

impl<K> HtmlCache<K> {
    pub const fn new() -> Self {
        Self {
            #[cfg(feature = "ssr")]
            kept: std::sync::Mutex::new(Vec::new()),
            #[cfg(not(feature = "ssr"))]
            kept: std::marker::PhantomData,
        }
    }
}

impl<K> Default for HtmlCache<K> {
    fn default() -> Self {
        Self::new()
    }
}

/// `build(key)`, written from `cache` on the server when `key` equals an
/// input it has rendered before. `build` must read no resource or signal:
/// only `key` may decide what it shows.
#[cfg(not(feature = "ssr"))]
pub fn kept_html<K, V>(_cache: &'static HtmlCache<K>, key: K, build: fn(K) -> V) -> V
where
    V: IntoView,
{
    build(key)
}

/// `build(key)`, written from `cache` on the server when `key` equals an
/// input it has rendered before. `build` must read no resource or signal:
/// only `key` may decide what it shows.
#[cfg(feature = "ssr")]
pub fn kept_html<K, V>(cache: &'static HtmlCache<K>, key: K, build: fn(K) -> V) -> impl IntoView
where
    K: PartialEq + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    ssr::KeptHtml {
        cache,
        key,
        build: move |key| build(key).into_any(),
    }
}

/// One rendered input. The HTML depends on where it starts and on the
/// render's flags too, so those are part of the match.
#[cfg(feature = "ssr")]
struct Kept<K> {
    key: K,
    start: leptos::tachys::view::Position,
    escape: bool,
    mark_branches: bool,
    html: String,
    end: leptos::tachys::view::Position,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{HtmlCache, Kept, KEPT};
    use leptos::prelude::*;
    use leptos::tachys::html::attribute::{any_attribute::AnyAttribute, Attribute};
    use leptos::tachys::hydration::Cursor;
    use leptos::tachys::view::add_attr::AddAnyAttr;
    use leptos::tachys::view::any_view::{AnyViewState, AnyViewWithAttrs};
    use leptos::tachys::view::{Position, PositionState, RenderHtml};
    use std::sync::{Arc, PoisonError};

    pub struct KeptHtml<K: 'static, B> {
        pub(super) cache: &'static HtmlCache<K>,
        pub(super) key: K,
        pub(super) build: B,
    }

    impl<K: PartialEq> HtmlCache<K> {
        fn find(
            &self,
            key: &K,
            start: Position,
            escape: bool,
            mark_branches: bool,
        ) -> Option<Arc<Kept<K>>> {
            let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            kept.iter()
                .find(|k| {
                    k.start == start
                        && k.escape == escape
                        && k.mark_branches == mark_branches
                        && k.key == *key
                })
                .cloned()
        }

        fn keep(&self, kept: Kept<K>) {
            let mut all = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            if all.len() >= KEPT {
                all.remove(0);
            }
            all.push(Arc::new(kept));
        }
    }

    impl<K, B> KeptHtml<K, B>
    where
        B: FnOnce(K) -> AnyView,
    {
        fn view(self) -> AnyView {
            (self.build)(self.key)
        }
    }

    impl<K, B> Render for KeptHtml<K, B>
    where
        B: FnOnce(K) -> AnyView,
    {
        type State = AnyViewState;

        fn build(self) -> Self::State {
            self.view().build()
        }

        fn rebuild(self, state: &mut Self::State) {
            self.view().rebuild(state)
        }
    }

    impl<K, B> AddAnyAttr for KeptHtml<K, B>
    where
        K: Send,
        B: FnOnce(K) -> AnyView + Send,
    {
        type Output<SomeNewAttr: Attribute> = AnyViewWithAttrs;

        fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
        where
            Self::Output<NewAttr>: RenderHtml,
        {
            self.view().add_any_attr(attr)
        }
    }

    impl<K, B> RenderHtml for KeptHtml<K, B>
    where
        K: PartialEq + Clone + Send + Sync + 'static,
        B: FnOnce(K) -> AnyView + Send + 'static,
    {
        type AsyncOutput = Self;
        type Owned = Self;

        const MIN_LENGTH: usize = 0;

        /// Nothing to wait for: the view reads no resource.
        fn dry_resolve(&mut self) {}

        async fn resolve(self) -> Self::AsyncOutput {
            self
        }

        fn to_html_with_buf(
            self,
            buf: &mut String,
            position: &mut Position,
            escape: bool,
            mark_branches: bool,
            extra_attrs: Vec<AnyAttribute>,
        ) {
            let start = *position;
            let keepable = extra_attrs.is_empty();
            if keepable {
                if let Some(kept) = self.cache.find(&self.key, start, escape, mark_branches) {
                    buf.push_str(&kept.html);
                    *position = kept.end;
                    return;
                }
            }
            let (cache, key) = (self.cache, self.key.clone());
            let mut html = String::new();
            self.view()
                .to_html_with_buf(&mut html, position, escape, mark_branches, extra_attrs);
            buf.push_str(&html);
            if keepable {
                cache.keep(Kept {
                    key,
                    start,
                    escape,
                    mark_branches,
                    html,
                    end: *position,
                });
            }
        }

        fn hydrate<const FROM_SERVER: bool>(
            self,
            cursor: &Cursor,
            position: &PositionState,
        ) -> Self::State {
            self.view().hydrate::<FROM_SERVER>(cursor, position)
        }

        fn into_owned(self) -> Self::Owned {
            self
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn count(n: u32) -> impl IntoView {
        view! { <ul>{(0..n).map(|i| view! { <li>{i}" of "{n}</li> }).collect_view()}</ul> }
    }

    #[test]
    fn an_equal_input_is_written_from_the_kept_html_and_reads_the_same() {
        static CACHE: HtmlCache<u32> = HtmlCache::new();
        let fresh = count(3).to_html();
        assert_eq!(kept_html(&CACHE, 3, count).to_html(), fresh);
        assert_eq!(CACHE.kept.lock().unwrap().len(), 1);
        assert_eq!(kept_html(&CACHE, 3, count).to_html(), fresh);
        assert_eq!(
            CACHE.kept.lock().unwrap().len(),
            1,
            "the second render used the kept HTML"
        );
    }

    #[test]
    fn another_input_is_rendered_anew_and_the_oldest_input_goes_first() {
        static CACHE: HtmlCache<u32> = HtmlCache::new();
        for n in 0..(KEPT as u32 + 2) {
            assert_eq!(kept_html(&CACHE, n, count).to_html(), count(n).to_html());
        }
        let kept = CACHE.kept.lock().unwrap();
        assert_eq!(kept.len(), KEPT);
        assert_eq!(kept[0].key, 2);
    }
}
