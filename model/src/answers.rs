//! What the dashboard loads for each page, and the answers it keeps between mounts.
//!
//! A settings page's requests start together with the signed-in user's (one wave, not
//! two): the layout, which asks who is signed in, also starts the lists of the page at
//! its address ([`page_loads`]), and the page's own loads join those requests.
//!
//! The elements of one host page share one WebAssembly instance, so the last answer of
//! each list is kept ([`AnswerStore`]), keyed by who asked (the API origin and the host's
//! authorization, or the standalone session's person): a new mount shows it at once and
//! asks again in the background. A write, a 401 or new authorization drops what was kept,
//! and an answer to a request that started before such a change is not kept, so no mount
//! ever shows a list older than its own last write.

use std::collections::HashMap;

/// The management API's paths the pages load (one place, for the client and the table).
pub mod endpoints {
    pub const CURRENT_USER: &str = "/api/users/current";
    pub const USERS: &str = "/api/users";
    /// The invites not yet accepted (412 without local sign-in).
    pub const INVITES: &str = "/api/users/invites";
    pub const ACCOUNTS: &str = "/api/accounts";
    pub const GROUPS: &str = "/api/groups";
    pub const PROVIDERS: &str = "/api/identity-providers";

    /// The public instance status for a page at `page_origin` (the server answers whether
    /// that origin may sign in).
    pub fn instance(page_origin: &str) -> String {
        format!(
            "/api/instance?{}",
            crate::oidc::form_body(&[("origin", page_origin)])
        )
    }

    /// One identity provider; `id` comes from the address, so it is encoded.
    pub fn provider(id: &str) -> String {
        format!("{PROVIDERS}/{}", encode_segment(id))
    }

    /// Percent-encode one path segment (ids come from the server or the address, and are
    /// outside data either way).
    pub fn encode_segment(segment: &str) -> String {
        let mut out = String::with_capacity(segment.len());
        for byte in segment.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                out.push(byte as char);
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }
}

/// The settings pages by address (the standalone app's paths; an element maps its own
/// sub-path onto them).
pub const PROVIDERS_PAGE: &str = "/settings/identity-providers";
pub const GROUPS_PAGE: &str = "/settings/groups";
pub const USERS_PAGE: &str = "/settings/users";

/// The GET requests the settings page at `page` (a path, no query) makes when it is drawn,
/// besides the signed-in user. Started with the user's request by whoever asks who is
/// signed in; each page then loads exactly these (its component test says so).
pub fn page_loads(page: &str, page_origin: &str) -> Vec<String> {
    use endpoints::*;
    let page = page.trim_end_matches('/');
    if page == PROVIDERS_PAGE {
        return vec![PROVIDERS.into(), instance(page_origin), USERS.into()];
    }
    if page == GROUPS_PAGE {
        return vec![
            ACCOUNTS.into(),
            GROUPS.into(),
            USERS.into(),
            PROVIDERS.into(),
        ];
    }
    if page == USERS_PAGE {
        // The account: its "Require approval for new users" switch; the invites (a 412
        // says this server has no local users).
        return vec![
            USERS.into(),
            PROVIDERS.into(),
            ACCOUNTS.into(),
            INVITES.into(),
        ];
    }
    match page
        .strip_prefix(PROVIDERS_PAGE)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some("new") => vec![instance(page_origin), PROVIDERS.into()],
        Some(id) if !id.is_empty() && !id.contains('/') => {
            vec![instance(page_origin), PROVIDERS.into(), provider(id)]
        }
        _ => Vec::new(),
    }
}

/// Whether a write (anything but a GET) to `write_path` may have changed the answer to a
/// GET of `answer_path`: an answer of the same collection (`/api/identity-providers`,
/// `/api/users`, …), and the instance status, which publishes the login providers and the
/// sign-in settings. The issuer check is a POST that changes nothing.
pub fn outdated_by(write_path: &str, answer_path: &str) -> bool {
    let answer = collection(answer_path);
    changes_anything(write_path) && (answer == collection(write_path) || answer == INSTANCE)
}

/// Whether a write to `write_path` may change any answer (not the issuer check, not a
/// path outside the API).
fn changes_anything(write_path: &str) -> bool {
    !collection(write_path).is_empty() && write_path != CHECK_ISSUER
}

/// The discovery check: a POST that only reads.
pub const CHECK_ISSUER: &str = "/api/identity-providers/check-issuer";
const INSTANCE: &str = "/api/instance";

/// `/api/<collection>` of a path (query dropped); empty for a path outside the API.
fn collection(path: &str) -> &str {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let Some(rest) = path.strip_prefix("/api/") else {
        return "";
    };
    let end = rest.find('/').map_or(path.len(), |i| "/api/".len() + i);
    &path[..end]
}

/// What a request's answer may become, taken when the request starts: kept only if
/// nothing that could change it was written, and nothing was forgotten, since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    scope: String,
    path: String,
    generation: (u64, u64, u64),
}

/// The last answer of each list, by scope (who asked) and path.
#[derive(Debug, Default)]
pub struct AnswerStore {
    answers: HashMap<(String, String), String>,
    /// Bumped for a scope when its authorization ended.
    scopes: HashMap<String, u64>,
    /// Bumped for a scope's collection on each write that may change it.
    collections: HashMap<(String, String), u64>,
    /// Bumped when everything is forgotten (the host's authorization was replaced).
    epoch: u64,
}

impl AnswerStore {
    /// The answer kept for `path` in `scope`, to show while it is asked again.
    pub fn kept(&self, scope: &str, path: &str) -> Option<&str> {
        self.answers
            .get(&(scope.to_string(), path.to_string()))
            .map(String::as_str)
    }

    /// Taken when a request for `path` starts.
    pub fn ticket(&self, scope: &str, path: &str) -> Ticket {
        Ticket {
            scope: scope.to_string(),
            path: path.to_string(),
            generation: self.generation(scope, path),
        }
    }

    /// The request of `ticket` was answered with `text`: kept, unless something that may
    /// change it happened while it ran (then the answer may predate a write, and is only
    /// for its asker). Whether it was kept.
    pub fn settle(&mut self, ticket: Ticket, text: String) -> bool {
        if ticket.generation != self.generation(&ticket.scope, &ticket.path) {
            return false;
        }
        self.answers.insert((ticket.scope, ticket.path), text);
        true
    }

    /// `scope` wrote to `write_path`: what that may have changed is not shown again, and
    /// no answer to a request for it that started before is kept.
    pub fn written(&mut self, scope: &str, write_path: &str) {
        self.answers
            .retain(|(s, path), _| s != scope || !outdated_by(write_path, path));
        if !changes_anything(write_path) {
            return;
        }
        for collection in [collection(write_path), INSTANCE] {
            *self
                .collections
                .entry((scope.to_string(), collection.to_string()))
                .or_default() += 1;
        }
    }

    /// The authorization of `scope` ended (a 401): nothing kept there is shown again.
    pub fn forget_scope(&mut self, scope: &str) {
        self.answers.retain(|(s, _), _| s != scope);
        *self.scopes.entry(scope.to_string()).or_default() += 1;
    }

    /// Forget everything (the host page replaced its authorization).
    pub fn forget_all(&mut self) {
        self.answers.clear();
        self.epoch += 1;
    }

    fn generation(&self, scope: &str, path: &str) -> (u64, u64, u64) {
        let collection = (scope.to_string(), collection(path).to_string());
        (
            self.epoch,
            self.scopes.get(scope).copied().unwrap_or_default(),
            self.collections
                .get(&collection)
                .copied()
                .unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://qufabric.example.com";

    #[test]
    fn an_answer_is_kept_for_its_scope_only() {
        let mut store = AnswerStore::default();
        let ticket = store.ticket("alice", "/api/groups");
        assert!(store.settle(ticket, "[1]".into()));
        assert_eq!(store.kept("alice", "/api/groups"), Some("[1]"));
        assert_eq!(store.kept("bob", "/api/groups"), None);
        assert_eq!(store.kept("alice", "/api/users"), None);
        // A newer answer replaces it.
        let ticket = store.ticket("alice", "/api/groups");
        store.settle(ticket, "[2]".into());
        assert_eq!(store.kept("alice", "/api/groups"), Some("[2]"));
    }

    fn keep(store: &mut AnswerStore, scope: &str, path: &str, text: &str) {
        let ticket = store.ticket(scope, path);
        assert!(store.settle(ticket, text.into()));
    }

    #[test]
    fn an_answer_to_a_request_started_before_a_write_is_not_kept() {
        let mut store = AnswerStore::default();
        let providers = "/api/identity-providers";
        let instance = endpoints::instance(ORIGIN);
        keep(&mut store, "alice", providers, "[old]");
        keep(&mut store, "alice", &instance, "{}");
        keep(&mut store, "alice", "/api/users", "[alice]");
        let before_write = store.ticket("alice", providers);
        let users_before = store.ticket("alice", "/api/users");
        let other_scope = store.ticket("bob", providers);
        store.written("alice", "/api/identity-providers/pocketid-1");
        assert_eq!(
            store.kept("alice", providers),
            None,
            "a write drops what it changed"
        );
        assert_eq!(
            store.kept("alice", &instance),
            None,
            "the login providers it publishes too"
        );
        assert_eq!(
            store.kept("alice", "/api/users"),
            Some("[alice]"),
            "not what it cannot change"
        );
        assert!(!store.settle(before_write, "[stale]".into()));
        assert_eq!(store.kept("alice", providers), None);
        assert!(store.settle(users_before, "[alice]".into()));
        // Another scope is not touched by it.
        assert!(store.settle(other_scope, "[bob]".into()));
        // A request started after the write is kept.
        keep(&mut store, "alice", providers, "[new]");
        assert_eq!(store.kept("alice", providers), Some("[new]"));
    }

    #[test]
    fn the_issuer_check_changes_nothing() {
        let mut store = AnswerStore::default();
        keep(&mut store, "alice", "/api/identity-providers", "[]");
        let in_flight = store.ticket("alice", "/api/identity-providers");
        store.written("alice", CHECK_ISSUER);
        assert_eq!(store.kept("alice", "/api/identity-providers"), Some("[]"));
        assert!(store.settle(in_flight, "[]".into()));
    }

    #[test]
    fn a_write_outdates_its_collection_and_the_instance_status() {
        let instance = endpoints::instance(ORIGIN);
        let cases = [
            ("/api/identity-providers", "/api/identity-providers/x", true),
            ("/api/identity-providers/x", "/api/identity-providers", true),
            (
                "/api/identity-providers/x/test-sign-in",
                "/api/identity-providers",
                true,
            ),
            ("/api/identity-providers/x", instance.as_str(), true),
            ("/api/accounts/a1", instance.as_str(), true),
            ("/api/accounts/a1", "/api/accounts", true),
            ("/api/users/u1", "/api/users/current", true),
            ("/api/users/u1", "/api/users", true),
            ("/api/accounts/a1", "/api/users", false),
            ("/api/identity-providers/x", "/api/groups", false),
            ("/api/users/u1", "/api/identity-providers", false),
            (CHECK_ISSUER, "/api/identity-providers", false),
            ("/oauth2/token", "/api/users", false),
        ];
        for (write, answer, outdated) in cases {
            assert_eq!(outdated_by(write, answer), outdated, "{write} → {answer}");
        }
    }

    #[test]
    fn a_lost_authorization_forgets_its_scope() {
        let mut store = AnswerStore::default();
        keep(&mut store, "alice", "/api/users", "[]");
        keep(&mut store, "bob", "/api/users", "[]");
        let in_flight = store.ticket("alice", "/api/groups");
        store.forget_scope("alice");
        assert_eq!(store.kept("alice", "/api/users"), None);
        assert_eq!(store.kept("bob", "/api/users"), Some("[]"));
        assert!(!store.settle(in_flight, "[]".into()));
    }

    #[test]
    fn forgetting_everything_outdates_every_request_in_flight() {
        let mut store = AnswerStore::default();
        let kept = store.ticket("alice", "/api/users");
        store.settle(kept, "[]".into());
        let in_flight = store.ticket("bob", "/api/users");
        store.forget_all();
        assert_eq!(store.kept("alice", "/api/users"), None);
        assert!(!store.settle(in_flight, "[]".into()));
    }

    #[test]
    fn each_settings_page_names_what_it_loads() {
        let instance = endpoints::instance(ORIGIN);
        assert_eq!(
            instance,
            "/api/instance?origin=https%3A%2F%2Fqufabric.example.com"
        );
        assert_eq!(
            page_loads("/settings/identity-providers", ORIGIN),
            ["/api/identity-providers", instance.as_str(), "/api/users"]
        );
        assert_eq!(
            page_loads("/settings/identity-providers/", ORIGIN),
            page_loads("/settings/identity-providers", ORIGIN)
        );
        assert_eq!(
            page_loads("/settings/identity-providers/new", ORIGIN),
            [instance.as_str(), "/api/identity-providers"]
        );
        assert_eq!(
            page_loads("/settings/identity-providers/pocket id", ORIGIN),
            [
                instance.as_str(),
                "/api/identity-providers",
                "/api/identity-providers/pocket%20id"
            ]
        );
        assert_eq!(
            page_loads("/settings/groups", ORIGIN),
            [
                "/api/accounts",
                "/api/groups",
                "/api/users",
                "/api/identity-providers"
            ]
        );
        assert_eq!(
            page_loads("/settings/users", ORIGIN),
            [
                "/api/users",
                "/api/identity-providers",
                "/api/accounts",
                "/api/users/invites"
            ]
        );
        for elsewhere in [
            "/",
            "/login",
            "/settings",
            "/settings/identity-providers/a/b",
        ] {
            assert!(page_loads(elsewhere, ORIGIN).is_empty(), "{elsewhere}");
        }
    }
}
