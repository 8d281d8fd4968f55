//! The GETs pages show, shared: a request already in flight for the same page's asker is
//! joined rather than repeated (so the layout can start a page's lists with the signed-in
//! user's and the page takes those answers), and the last answer of each list is kept in
//! [`AnswerStore`] for the next mount (the rules are in the model crate).
//!
//! Kept in a thread-local table, not the reactive arena: answers outlive the element or
//! page that asked, and a request ending after its element went must not touch a
//! disposed signal.

use std::cell::RefCell;
use std::collections::HashMap;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use qufabric_model::answers::{outdated_by, AnswerStore};

use super::transport::Method;
use super::{Api, ApiError};
#[cfg(feature = "embed")]
use leptos::prelude::GetValue;

type Answer = Result<String, ApiError>;

struct Flight {
    id: u64,
    answer: Shared<LocalBoxFuture<'static, Answer>>,
    /// Started ahead of its page: kept until the page takes it (see [`Sharing::Ahead`]).
    ahead: bool,
}

#[derive(Default)]
struct Cache {
    store: AnswerStore,
    /// By (asker, path): the asker is one API client, an element's (its link's number)
    /// or the standalone app's (numbered from [`STANDALONE`] up).
    flights: HashMap<(u32, String), Flight>,
    next_flight: u64,
    next_standalone: u32,
}

/// The numbers of standalone clients, apart from the elements' links.
const STANDALONE: u32 = 1 << 31;

/// A number for a new standalone API client (one per mounted app).
pub(super) fn standalone_asker() -> u32 {
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache.next_standalone = cache.next_standalone.wrapping_add(1);
        STANDALONE | cache.next_standalone
    })
}

impl Api {
    /// Whose answers a request gets, for the answers kept between mounts: the standalone
    /// session's person, or an element's API origin with the host's authorization
    /// function. `None` (nothing kept) while neither is known.
    pub(super) fn cache_scope(&self) -> Option<String> {
        #[cfg(feature = "embed")]
        if let Some(host) = self.host {
            let origin = self.config.try_get_value()?.api_url("");
            return crate::host::authorization_id(host).map(|id| format!("{origin} #{id}"));
        }
        let tokens = self.session.tokens_untracked_if_alive()?;
        Some(format!("{} {}", tokens.claims.iss, tokens.claims.sub))
    }

    pub(super) fn asker(&self) -> u32 {
        self.asker
    }

    /// The standalone app without a session: asking who is signed in needs no request.
    pub(super) fn needs_session_first(&self) -> bool {
        #[cfg(feature = "embed")]
        if self.host.is_some() {
            return false;
        }
        self.session.tokens_untracked_if_alive().is_none()
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// The answer kept for `path` from an earlier load by the same person.
pub(super) fn kept(api: &Api, path: &str) -> Option<String> {
    let scope = api.cache_scope()?;
    CACHE.with(|c| c.borrow().store.kept(&scope, path).map(str::to_string))
}

/// How a GET may be shared.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Sharing {
    /// Started ahead for a page that is not drawn yet: its answer waits, even once it
    /// has arrived, for the page's first load to take it.
    Ahead,
    /// A page's first load: takes a request of the same asker in flight, or one started
    /// ahead for it, instead of making its own.
    Join,
    /// A new request (a reload after a write must not take an answer that may predate it).
    Fresh,
}

/// GET `path`'s text, shared as `sharing` says.
pub(super) async fn get(api: Api, path: String, sharing: Sharing) -> Answer {
    let key = (api.asker(), path.clone());
    if sharing == Sharing::Join {
        let joined = CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            let flight = cache.flights.get(&key)?;
            let answer = flight.answer.clone();
            // An answer started ahead is taken once: the page's later loads ask again.
            if flight.ahead {
                cache.flights.remove(&key);
            }
            Some(answer)
        });
        if let Some(answer) = joined {
            return answer.await;
        }
    }
    let ticket = api
        .cache_scope()
        .map(|scope| CACHE.with(|c| c.borrow().store.ticket(&scope, &path)));
    let id = CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache.next_flight += 1;
        cache.next_flight
    });
    let flight_key = key.clone();
    // An answer already on screen is asked again once the frame showing it is painted:
    // starting a request costs the main thread about a millisecond.
    let behind = sharing != Sharing::Fresh && kept(&api, &path).is_some();
    let answer = async move {
        if behind {
            after_paint().await;
        }
        let answer = api.call_for_text(Method::Get, &path, None).await;
        CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            let ours = cache.flights.get(&flight_key).is_some_and(|f| f.id == id);
            if ours && sharing != Sharing::Ahead {
                cache.flights.remove(&flight_key);
            }
            // (A 401 has already made the client forget the scope: see `lost`.)
            if let (Ok(text), Some(ticket)) = (&answer, ticket) {
                cache.store.settle(ticket, text.clone());
            }
        });
        answer
    }
    .boxed_local()
    .shared();
    CACHE.with(|c| {
        c.borrow_mut().flights.insert(
            key,
            Flight {
                id,
                answer: answer.clone(),
                ahead: sharing == Sharing::Ahead,
            },
        )
    });
    answer.await
}

/// Resolves after the next frame is painted.
async fn after_paint() {
    let (done, painted) = futures::channel::oneshot::channel::<()>();
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(
            move || {
                let _ = done.send(());
            },
            std::time::Duration::ZERO,
        )
    });
    let _ = painted.await;
}

/// `asker` wrote to `write_path` through `scope`: drop what that may have changed, and
/// let no later load join a request for it that started before.
pub(super) fn written(asker: u32, scope: Option<String>, write_path: &str) {
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache
            .flights
            .retain(|(a, path), _| *a != asker || !outdated_by(write_path, path));
        if let Some(scope) = scope {
            cache.store.written(&scope, write_path);
        }
    });
}

/// The authorization of `asker` ended (a 401): nothing of its scope is shown again.
pub(super) fn lost(asker: u32, scope: Option<String>) {
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache.flights.retain(|(a, _), _| *a != asker);
        if let Some(scope) = scope {
            cache.store.forget_scope(&scope);
        }
    });
}

/// An element went: its requests were aborted, so nothing may join them.
#[cfg(feature = "embed")]
pub fn element_closed(asker: u32) {
    CACHE.with(|c| c.borrow_mut().flights.retain(|(a, _), _| *a != asker));
}

/// Nothing kept is shown again (the host page set new authorization; a test's new visit).
pub fn forget_all() {
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache.store.forget_all();
        cache.flights.clear();
    });
}
