//! Tabs of one session (one refresh at a time within a tab, and under a Web Lock: see
//! `turns`). A duplicated tab copies sessionStorage, so two tabs can hold the
//! same refresh token; the server treats a second use of a refresh token as theft and ends
//! the whole session. So:
//! - refreshes run one at a time: in this tab through a queue of promises, across tabs
//!   under a Web Lock (where the browser offers one: secure contexts);
//! - a tab that renewed tells the others over a `BroadcastChannel`, and they adopt the
//!   newer tokens of their own session (same `sid`);
//! - a tab that gets the lock asks the others first whether one holds newer tokens, since
//!   the announcement and the lock can reach it in either order;
//! - where there is no Web Lock (plain-http LAN addresses are not secure contexts), tabs
//!   about to renew the same session settle it over the channel: each question carries a
//!   number drawn at random; a tab already renewing, or asking with a lower number, answers
//!   "renewing", and the asker waits for that tab's announcement instead of spending the
//!   same refresh token.
//!
//! Nothing here touches localStorage: tokens only pass between open tabs.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{BroadcastChannel, MessageEvent};

use super::tokens::Tokens;

const CHANNEL_NAME: &str = "qufabric.session";
/// How long a tab that got the lock waits for another tab to offer newer tokens. Open
/// tabs answer within a few milliseconds; this is paid once per renewal.
const ASK_WAIT_MS: i32 = 150;
/// How long a tab told "renewing" waits for that tab's new tokens before renewing itself
/// (a token request's own time limit is shorter).
const OTHER_RENEWAL_WAIT_MS: i32 = 12_000;

/// What tabs say to each other: a question (`newer_than_ms`) or tokens (an announcement
/// after a renewal, or an answer to a question).
#[derive(Default, Serialize, Deserialize)]
struct TabMessage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newer_than_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tokens: Option<Tokens>,
    /// The session the question is about (answers carry it in their tokens).
    #[serde(default)]
    sid: Option<String>,
    /// The asker's number: of two tabs asking at once, the lower renews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claim: Option<u32>,
    /// An answer: this tab is renewing that session; wait for its announcement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    renewing: Option<String>,
}

/// This tab's renewal under way: its session, the number it drew, and whether it is
/// still asking the others (before it spends the refresh token).
struct Renewal {
    sid: String,
    claim: u32,
    asking: bool,
}

/// The open channel with the listener that must live as long as it.
type Listening = (BroadcastChannel, Closure<dyn FnMut(MessageEvent)>);

thread_local! {
    /// The channel and its listener, kept for the life of the page.
    static CHANNEL: RefCell<Option<Listening>> = const { RefCell::new(None) };
    /// Resolves the wait of a tab that asked, once it adopted newer tokens.
    static ADOPTED: RefCell<Option<Function>> = const { RefCell::new(None) };
    /// This tab's renewal, while one is under way.
    static RENEWAL: RefCell<Option<Renewal>> = const { RefCell::new(None) };
    /// Resolves the wait of a tab that asked, once another said it is renewing.
    static TOLD_TO_WAIT: RefCell<Option<Function>> = const { RefCell::new(None) };
    /// The last question of another tab that this one was not renewing for: its session
    /// and when it came. A tab that asks right after it lets that tab go first.
    static SEEN_ASKER: RefCell<Option<(String, f64)>> = const { RefCell::new(None) };
}

/// Listen to the other tabs. `current` gives this tab's tokens, `adopt` takes newer ones
/// of the same session (true when it did). Without `BroadcastChannel` (very old browsers)
/// tabs simply do not share; each still refreshes one at a time.
pub fn listen(
    current: impl Fn() -> Option<Tokens> + 'static,
    adopt: impl Fn(Tokens) -> bool + 'static,
) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL_NAME) else {
        return;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        let Ok(message) = serde_json::from_str::<TabMessage>(&text) else {
            return;
        };
        if let Some(tokens) = message.tokens {
            if adopt(tokens) {
                if let Some(resolve) = ADOPTED.with(|a| a.borrow_mut().take()) {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            }
        } else if let Some(newer_than_ms) = message.newer_than_ms {
            let newer = current().filter(|ours| {
                ours.claims.sid.is_some()
                    && ours.claims.sid == message.sid
                    && ours.expires_at_ms > newer_than_ms
            });
            if let Some(ours) = newer {
                post(&TabMessage {
                    tokens: Some(ours),
                    ..TabMessage::default()
                });
            } else if let Some(sid) = renewing_before(message.sid.as_deref(), message.claim) {
                post(&TabMessage {
                    renewing: Some(sid),
                    ..TabMessage::default()
                });
            } else if let Some(sid) = message.sid {
                SEEN_ASKER.with(|s| *s.borrow_mut() = Some((sid, crate::browser::now_ms())));
            }
        } else if let Some(sid) = message.renewing {
            let ours = RENEWAL.with(|r| r.borrow().as_ref().map(|r| r.sid == sid && r.asking));
            if ours == Some(true) {
                if let Some(resolve) = TOLD_TO_WAIT.with(|t| t.borrow_mut().take()) {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(WAIT));
                }
            }
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let before = CHANNEL.with(|c| c.borrow_mut().replace((channel, on_message)));
    if let Some((before, _)) = before {
        before.close();
    }
}

/// What a told-to-wait promise resolves with.
const WAIT: &str = "wait";

/// This tab's session id, when it renews `sid` ahead of an asker with number `claim`:
/// it already spends its token, or it drew the lower number.
fn renewing_before(sid: Option<&str>, claim: Option<u32>) -> Option<String> {
    RENEWAL.with(|r| {
        let r = r.borrow();
        let r = r.as_ref()?;
        let ahead = !r.asking || claim.is_none_or(|theirs| r.claim < theirs);
        (Some(r.sid.as_str()) == sid && ahead).then(|| r.sid.clone())
    })
}

/// The renewal of this tab ended (renewed, adopted, or failed).
pub fn renewal_done() {
    RENEWAL.with(|r| r.borrow_mut().take());
    TOLD_TO_WAIT.with(|t| t.borrow_mut().take());
}

/// A promise that resolves (with nothing) after `ms`.
fn after(ms: i32) -> Promise {
    Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    })
}

fn post(message: &TabMessage) {
    let Ok(text) = serde_json::to_string(message) else {
        return;
    };
    CHANNEL.with(|c| {
        if let Some((channel, _)) = c.borrow().as_ref() {
            let _ = channel.post_message(&JsValue::from_str(&text));
        }
    });
}

/// Tell the other tabs this one renewed.
pub fn announce(tokens: &Tokens) {
    post(&TabMessage {
        tokens: Some(tokens.clone()),
        ..TabMessage::default()
    });
}

/// Ask the other tabs for tokens of this session newer than `ours`; true when one
/// answered and they were adopted.
pub async fn ask_for_newer(current: impl Fn() -> Option<Tokens>, ours: &Tokens) -> bool {
    let listening = CHANNEL.with(|c| c.borrow().is_some());
    let Some(sid) = ours.claims.sid.clone().filter(|_| listening) else {
        return false;
    };
    let claim = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    RENEWAL.with(|r| {
        *r.borrow_mut() = Some(Renewal {
            sid: sid.clone(),
            claim,
            asking: true,
        })
    });
    let adopted = Promise::new(&mut |resolve, _| {
        ADOPTED.with(|a| *a.borrow_mut() = Some(resolve));
    });
    let told_to_wait = Promise::new(&mut |resolve, _| {
        TOLD_TO_WAIT.with(|t| *t.borrow_mut() = Some(resolve));
    });
    post(&TabMessage {
        newer_than_ms: Some(ours.expires_at_ms),
        sid: Some(sid.clone()),
        claim: Some(claim),
        ..TabMessage::default()
    });
    // Another tab asked about this session just before: it goes first.
    let other_asked_first = SEEN_ASKER
        .with(|s| s.borrow_mut().take())
        .is_some_and(|(seen, at)| {
            seen == sid && crate::browser::now_ms() - at < f64::from(2 * ASK_WAIT_MS)
        });
    let first = if other_asked_first {
        Some(WAIT.to_string())
    } else {
        JsFuture::from(Promise::race(&Array::of3(
            &adopted,
            &after(ASK_WAIT_MS),
            &told_to_wait,
        )))
        .await
        .ok()
        .and_then(|v| v.as_string())
    };
    if first.as_deref() == Some(WAIT) {
        // Another tab renews this session: its announcement brings the tokens.
        let _ = JsFuture::from(Promise::race(&Array::of2(
            &adopted,
            &after(OTHER_RENEWAL_WAIT_MS),
        )))
        .await;
    }
    ADOPTED.with(|a| a.borrow_mut().take());
    TOLD_TO_WAIT.with(|t| t.borrow_mut().take());
    // From here on this tab spends its token (other askers are told to wait).
    RENEWAL.with(|r| {
        if let Some(r) = r.borrow_mut().as_mut() {
            r.asking = false;
        }
    });
    let adopted = current().is_some_and(|now| now.expires_at_ms != ours.expires_at_ms);
    if adopted {
        renewal_done();
    }
    adopted
}
