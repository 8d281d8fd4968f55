//! Refreshes one at a time: in this tab through a queue of promises, across tabs under a
//! Web Lock where the browser offers one (secure contexts). Where it does not, the tabs
//! settle it over their channel (see `tabs`).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

const LOCK_NAME: &str = "qufabric.refresh";

pub type WorkFuture = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    /// The end of this tab's queue of refreshes.
    static QUEUE_TAIL: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// Run `work` when no other refresh runs, in this tab or (under a Web Lock) any other.
pub async fn one_at_a_time(work: WorkFuture) {
    let _turn = InTabTurn::wait().await;
    run_under_web_lock(work).await;
}

/// A place in this tab's queue; leaving it (also when the future is dropped) lets the
/// next one in.
struct InTabTurn {
    release: Option<Function>,
}

impl InTabTurn {
    async fn wait() -> InTabTurn {
        let mut release = None;
        let mine = Promise::new(&mut |resolve, _| release = Some(resolve));
        let before = QUEUE_TAIL.with(|tail| tail.borrow_mut().replace(mine));
        if let Some(before) = before {
            let _ = JsFuture::from(before).await;
        }
        InTabTurn { release }
    }
}

impl Drop for InTabTurn {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

/// `navigator.locks.request(LOCK_NAME, () => work)`, read through reflection because
/// web-sys keeps the Web Locks API behind an unstable flag. Without it, `work` runs as is.
async fn run_under_web_lock(work: WorkFuture) {
    let locks = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &JsValue::from_str("locks")).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks.as_ref().and_then(|l| {
        Reflect::get(l, &JsValue::from_str("request"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        work.await;
        return;
    };
    let slot = Rc::new(RefCell::new(Some(work)));
    let in_lock = slot.clone();
    let callback: Closure<dyn FnMut(JsValue) -> Promise> = Closure::new(move |_lock: JsValue| {
        let work = in_lock.borrow_mut().take();
        future_to_promise(async move {
            if let Some(work) = work {
                work.await;
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    let granted = request
        .call2(&locks, &JsValue::from_str(LOCK_NAME), callback.as_ref())
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok());
    match granted {
        Some(done) => {
            let _ = JsFuture::from(done).await;
        }
        None => {
            let work = slot.borrow_mut().take();
            if let Some(work) = work {
                work.await;
            }
        }
    }
    drop(callback);
}
