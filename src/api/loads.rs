//! The lists and statuses pages load when they are drawn, one constructor per endpoint.
//!
//! A [`Load`] shows the answer kept from an earlier mount at once (the same person's;
//! see [`super::cache`]) and asks again in the background; its first request joins one
//! already in flight for the same page (started with the signed-in user's, see
//! [`Api::start_page_loads`]). The generic part is only the decoding, so the bundle
//! carries one copy of the request machinery, not one per answer type.

use leptos::prelude::*;
use qufabric_model::answers::{endpoints, page_loads};
use qufabric_model::{Account, Group, IdentityProvider, InstanceStatus, User, UserInvite};
use serde::de::DeserializeOwned;

use super::cache::{self, Sharing};
use super::{decode, Api, ApiError};
use crate::tasks::OwnedTasks;

/// What a page shows of one GET: `None` until the first answer (or a kept one).
pub struct Load<T: Send + Sync + 'static> {
    api: Api,
    path: StoredValue<String>,
    value: RwSignal<Option<Result<T, ApiError>>>,
    tasks: OwnedTasks,
}

impl<T: Send + Sync + 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Load<T> {}

impl<T: DeserializeOwned + Clone + PartialEq + Send + Sync + 'static> Load<T> {
    fn new(api: Api, path: String) -> Load<T> {
        let kept = cache::kept(&api, &path).and_then(|text| decode::<T>(&text).ok());
        let load = Load {
            api,
            path: StoredValue::new(path),
            value: RwSignal::new(kept.map(Ok)),
            tasks: OwnedTasks::here(),
        };
        load.fetch(Sharing::Join);
        load
    }

    /// A load that needs no request: its answer is already known.
    fn settled(api: Api, answer: Result<T, ApiError>) -> Load<T> {
        Load {
            api,
            path: StoredValue::new(String::new()),
            value: RwSignal::new(Some(answer)),
            tasks: OwnedTasks::here(),
        }
    }

    /// Ask again (after a write, or on Retry): always a new request, whose answer replaces
    /// what is shown when it arrives.
    pub fn refetch(&self) {
        self.fetch(Sharing::Fresh);
    }

    fn fetch(self, sharing: Sharing) {
        let Some(path) = self.path.try_get_value().filter(|p| !p.is_empty()) else {
            return;
        };
        let value = self.value;
        let api = self.api;
        self.tasks.spawn(async move {
            let answer = cache::get(api, path, sharing).await;
            let answer = Some(answer.and_then(|text| decode::<T>(&text)));
            // An answer equal to the one shown (a revalidation) changes nothing: what
            // depends on it is not rebuilt, so a form being typed in stays as it is.
            let changed = value.try_with_untracked(|shown| *shown != answer);
            if changed == Some(true) {
                value.try_set(answer);
            }
        });
    }

    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.value.get()
    }

    pub fn get_untracked(&self) -> Option<Result<T, ApiError>> {
        self.value.get_untracked()
    }

    pub fn with<R>(&self, f: impl FnOnce(&Option<Result<T, ApiError>>) -> R) -> R {
        self.value.with(f)
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&Option<Result<T, ApiError>>) -> R) -> R {
        self.value.with_untracked(f)
    }
}

impl Api {
    /// Start the GETs of the settings page at `page` now, for the page's own loads to join
    /// (called with the signed-in user's request, so a page makes one wave, not two).
    pub fn start_page_loads(self, page: &str) {
        if self.needs_session_first() {
            return;
        }
        let origin = self.config.with_value(|c| c.page_origin.clone());
        let tasks = OwnedTasks::here();
        for path in page_loads(page, &origin) {
            tasks.spawn(async move {
                let _ = cache::get(self, path, Sharing::Ahead).await;
            });
        }
    }

    /// Who is signed in. In the standalone app without a session it is known without
    /// asking: nobody.
    pub fn load_current_user(self) -> Load<User> {
        if self.needs_session_first() {
            return Load::settled(self, Err(ApiError::Unauthorized("not signed in".into())));
        }
        Load::new(self, endpoints::CURRENT_USER.into())
    }

    pub fn load_instance(self) -> Load<InstanceStatus> {
        let origin = self.config.with_value(|c| c.page_origin.clone());
        Load::new(self, endpoints::instance(&origin))
    }

    pub fn load_providers(self) -> Load<Vec<IdentityProvider>> {
        Load::new(self, endpoints::PROVIDERS.into())
    }

    /// The provider being edited; `None` (no request) for a new one.
    pub fn load_provider(self, id: Option<&str>) -> Load<Option<IdentityProvider>> {
        match id {
            Some(id) => Load::new(self, endpoints::provider(id)),
            None => Load::settled(self, Ok(None)),
        }
    }

    pub fn load_users(self) -> Load<Vec<User>> {
        Load::new(self, endpoints::USERS.into())
    }

    pub fn load_invites(self) -> Load<Vec<UserInvite>> {
        Load::new(self, endpoints::INVITES.into())
    }

    pub fn load_accounts(self) -> Load<Vec<Account>> {
        Load::new(self, endpoints::ACCOUNTS.into())
    }

    pub fn load_groups(self) -> Load<Vec<Group>> {
        Load::new(self, endpoints::GROUPS.into())
    }
}
