//! The lists and statuses pages load when they are drawn, one constructor per endpoint.
//! Each page that needs the providers calls the same function, so the bundle carries one
//! copy of the resource machinery per endpoint, not one per page (about 2 KB each; see the
//! README's size table).

use leptos::prelude::*;
use qufabric_model::{Account, Group, IdentityProvider, InstanceStatus, User};

use super::{Api, ApiError};

type Load<T> = LocalResource<Result<T, ApiError>>;

impl Api {
    pub fn load_instance(self) -> Load<InstanceStatus> {
        LocalResource::new(move || async move { self.instance().await })
    }

    pub fn load_providers(self) -> Load<Vec<IdentityProvider>> {
        LocalResource::new(move || async move { self.providers().await })
    }

    pub fn load_users(self) -> Load<Vec<User>> {
        LocalResource::new(move || async move { self.users().await })
    }

    pub fn load_accounts(self) -> Load<Vec<Account>> {
        LocalResource::new(move || async move { self.accounts().await })
    }

    pub fn load_groups(self) -> Load<Vec<Group>> {
        LocalResource::new(move || async move { self.groups().await })
    }
}
