//! Test sign-in: an administrator signs in at a provider in a separate window and gets a
//! report of what the provider sent and what QuFabric would do with it, before telling
//! anyone to use it. The window is opened inside the click (before any await, so pop-up
//! blockers let it through); the server runs the real round trip and keeps the report;
//! this page reads it by the test's id (never through `window.opener`, which a provider's
//! Cross-Origin-Opener-Policy cuts off).

mod report;

pub use report::TestSignInReportView;

use leptos::prelude::*;

use crate::api::{use_api, Api, ApiError};
use crate::pages::{use_page_tasks, PageTasks};
use qufabric_model::test_sign_in::{TestSignInReport, TestStatus, TEST_MAX_AGE_SECS};
use qufabric_model::IdentityProvider;

/// How often the report is asked for while the window is out.
const POLL_MS: u32 = 1000;

/// sessionStorage key of the test under way in this tab, so that a reload while the
/// window is at the provider still gets the report.
const RUNNING_KEY: &str = "qufabric.test_sign_in";

/// A test under way, as kept in this tab.
#[derive(serde::Serialize, serde::Deserialize)]
struct Running {
    id: String,
    provider: IdentityProvider,
    started_ms: f64,
}

fn read_running() -> Option<Running> {
    let kept: Running = serde_json::from_str(&crate::browser::session_get(RUNNING_KEY)?).ok()?;
    let age_ms = crate::browser::now_ms() - kept.started_ms;
    (age_ms >= 0.0 && age_ms < (TEST_MAX_AGE_SECS * 1000) as f64).then_some(kept)
}

/// One test, from the click to its report.
#[derive(Debug, Clone, PartialEq)]
pub struct TestRun {
    pub provider: IdentityProvider,
    pub stage: Stage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// The window is open; the server is asked for a test.
    Starting,
    /// The window is at the provider.
    Waiting,
    Finished(Box<TestSignInReport>),
    /// The test could not run or ended without a report, and why.
    Failed(String),
}

/// A page's test sign-in: at most one at a time. `Copy`.
#[derive(Clone, Copy)]
pub struct TestSignIn {
    pub run: RwSignal<Option<TestRun>>,
    /// Bumped by every start and cancel: a poll of an older test stops.
    generation: StoredValue<u32>,
    window: StoredValue<Option<web_sys::Window>, LocalStorage>,
    tasks: PageTasks,
    api: Api,
}

/// The page's test sign-in; a test this tab started before a reload carries on.
pub fn use_test_sign_in() -> TestSignIn {
    let tester = TestSignIn {
        run: RwSignal::new(None),
        generation: StoredValue::new(0),
        window: StoredValue::new_local(None),
        tasks: use_page_tasks(),
        api: use_api(),
    };
    if let Some(running) = read_running() {
        tester.run.set(Some(TestRun {
            provider: running.provider,
            stage: Stage::Waiting,
        }));
        tester.tasks.spawn(async move {
            let stage = tester.poll(&running.id, 0).await;
            tester.finish(stage, 0);
        });
    }
    tester
}

/// A window of its own for the provider's pages. `None` when the browser blocked it.
fn open_test_window() -> Option<web_sys::Window> {
    web_sys::window()?
        .open_with_url_and_target_and_features(
            "",
            "qufabric-test-sign-in",
            "popup,width=520,height=720",
        )
        .ok()
        .flatten()
}

impl TestSignIn {
    /// Test `provider`. Call it from the click handler itself: the window must open before
    /// anything is awaited.
    pub fn start(&self, provider: IdentityProvider) {
        self.close_window();
        let generation = self.generation.get_value().wrapping_add(1);
        self.generation.set_value(generation);
        let Some(popup) = open_test_window() else {
            self.run.set(Some(TestRun {
                provider,
                stage: Stage::Failed(
                    "The browser blocked the test window. Allow pop-ups for this page and try again."
                        .into(),
                ),
            }));
            return;
        };
        self.window.set_value(Some(popup.clone()));
        self.run.set(Some(TestRun {
            provider: provider.clone(),
            stage: Stage::Starting,
        }));
        let this = *self;
        self.tasks.spawn(async move {
            let stage = this.follow(&popup, &provider, generation).await;
            this.finish(stage, generation);
        });
    }

    /// Show how test `generation` ended, unless another started or it was cancelled.
    fn finish(&self, stage: Stage, generation: u32) {
        if self.generation.try_get_value() != Some(generation) {
            return;
        }
        // A finished test leaves its window on QuFabric's "finished" page (the person
        // closes it); one that never got there is closed here.
        if let Stage::Failed(_) = stage {
            self.close_window();
            crate::browser::session_remove(RUNNING_KEY);
        }
        self.set_stage(stage);
    }

    /// Stop waiting for the test (the window closes; a report that comes later is not
    /// read).
    pub fn cancel(&self) {
        self.generation
            .set_value(self.generation.get_value().wrapping_add(1));
        self.close_window();
        crate::browser::session_remove(RUNNING_KEY);
        self.run.set(None);
    }

    fn close_window(&self) {
        if let Some(Some(window)) = self.window.try_get_value() {
            let _ = window.close();
        }
        self.window.try_set_value(None);
    }

    fn set_stage(&self, stage: Stage) {
        self.run.try_update(|run| {
            if let Some(run) = run {
                run.stage = stage;
            }
        });
    }

    /// The test from its start to its report (or why there is none).
    async fn follow(
        &self,
        popup: &web_sys::Window,
        provider: &IdentityProvider,
        generation: u32,
    ) -> Stage {
        let id = match self.api.start_test_sign_in(&provider.id).await {
            Ok(started) => started.id,
            Err(error) => return Stage::Failed(error.user_message()),
        };
        let address = test_window_address(&self.api.config().authority, &id);
        if popup.location().set_href(&address).is_err() {
            return Stage::Failed("The test window could not be opened at the provider.".into());
        }
        let running = Running {
            id: id.clone(),
            provider: provider.clone(),
            started_ms: crate::browser::now_ms(),
        };
        if let Ok(json) = serde_json::to_string(&running) {
            crate::browser::session_set(RUNNING_KEY, &json);
        }
        self.set_stage(Stage::Waiting);
        self.poll(&id, generation).await
    }

    /// Ask for test `id`'s report until it is there, the test expires, or another test
    /// takes its place.
    async fn poll(&self, id: &str, generation: u32) -> Stage {
        let polls = (TEST_MAX_AGE_SECS as u32 * 1000) / POLL_MS;
        for _ in 0..polls {
            gloo_timers::future::TimeoutFuture::new(POLL_MS).await;
            if self.generation.try_get_value() != Some(generation) {
                return Stage::Failed("Cancelled.".into());
            }
            match self.api.test_sign_in_report(id).await {
                Ok(report) if report.status == TestStatus::Waiting => {}
                Ok(report) => return Stage::Finished(Box::new(report)),
                Err(ApiError::NotFound(_)) => break,
                Err(error @ (ApiError::Unauthorized(_) | ApiError::Forbidden(_))) => {
                    return Stage::Failed(error.user_message())
                }
                // A lost answer while waiting: ask again at the next beat.
                Err(_) => {}
            }
        }
        Stage::Failed(
            "The test sign-in expired before it finished (ten minutes). Start it again.".into(),
        )
    }
}

/// Where the test window goes: the embedded IdP's test start, with the one-time id.
pub fn test_window_address(authority: &str, id: &str) -> String {
    format!(
        "{}/test-sign-in?{}",
        authority.trim_end_matches('/'),
        qufabric_model::oidc::form_body(&[("id", id)])
    )
}
