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
use qufabric_model::answers::AnswerStore;

use super::transport::Method;
use super::{Api, ApiError};

type Answer = Result<String, ApiError>;

struct Flight {
    id: u64,
    answer: Shared<LocalBoxFuture<'static, Answer>>,
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

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// The answer kept for `path` from an earlier load by the same person.
pub(super) fn kept(api: &Api, path: &str) -> Option<String> {
    let scope = api.cache_scope()?;
    CACHE.with(|c| c.borrow().store.kept(&scope, path).map(str::to_string))
}

/// GET `path`'s text. With `join`, a request of the same asker already in flight is
/// awaited instead of a new one (a page's first load); without, a new request is made (a
/// reload after a write must not take an answer that may predate it).
pub(super) async fn get(api: Api, path: String, join: bool) -> Answer {
    let key = (api.asker(), path.clone());
    let joined = join
        .then(|| CACHE.with(|c| c.borrow().flights.get(&key).map(|f| f.answer.clone())))
        .flatten();
    if let Some(answer) = joined {
        return answer.await;
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
    let answer = async move {
        let answer = api.call_for_text(Method::Get, &path, None).await;
        CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            if cache.flights.get(&flight_key).is_some_and(|f| f.id == id) {
                cache.flights.remove(&flight_key);
            }
            // (A 401 has already made the client forget the scope: see `changed`.)
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
            },
        )
    });
    answer.await
}

/// `asker` wrote through `scope` (or its authorization ended): drop what the scope kept,
/// and let no later load join a request that started before.
pub(super) fn changed(asker: u32, scope: Option<String>) {
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
