//! SQLite persistence. One connection behind a mutex: the reference server is small, and
//! SQLite serialises writers anyway. WAL with `synchronous=FULL` so that every write we
//! acknowledge survives a `kill -9`.

use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use qufabric_model::{GroupIssued, Role};

mod account;
mod groups;
mod invites;
mod providers;
mod refresh_tokens;
mod requests;
mod sessions;
mod signing_keys;
mod users;

pub use account::AccountRow;
pub use invites::InviteRecord;
pub use refresh_tokens::{RefreshUse, TakenRefresh};
pub use requests::CodeUse;
pub use users::RoleSource;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: the whole initial schema.
    "CREATE TABLE account (
        id TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        domain TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        password_hash TEXT,
        role TEXT NOT NULL,
        auto_groups TEXT NOT NULL DEFAULT '[]',
        idp_id TEXT,
        idp_subject TEXT,
        is_blocked INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_login TEXT
    );
    CREATE UNIQUE INDEX users_local_email ON users(lower(email)) WHERE idp_id IS NULL;
    CREATE UNIQUE INDEX users_external ON users(idp_id, idp_subject) WHERE idp_id IS NOT NULL;
    CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        issued TEXT NOT NULL
    );
    CREATE TABLE identity_providers (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        issuer TEXT NOT NULL,
        client_id TEXT NOT NULL,
        client_secret TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE personal_access_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        pkcs8_pem TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE auth_requests (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE auth_codes (
        code_hash TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE idp_sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        connector_id TEXT NOT NULL,
        groups TEXT NOT NULL DEFAULT '[]',
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        session_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );",
    // 2: the upstream ID token of a brokered session, for sign-out at the provider.
    "ALTER TABLE idp_sessions ADD COLUMN upstream_id_token TEXT;",
    // 3: whether QuFabric's Logout URL is registered at the provider (sign-out may return).
    "ALTER TABLE identity_providers ADD COLUMN logout_url_registered INTEGER NOT NULL DEFAULT 0;",
    // 4: used codes stay (briefly) to recognise a replay; refresh tokens know the code
    // they descend from (their family), so a replay can revoke them all.
    "ALTER TABLE auth_codes ADD COLUMN used INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE refresh_tokens ADD COLUMN family TEXT NOT NULL DEFAULT '';",
    // 5: a used refresh token stays until it would have expired, so presenting it again is
    // recognised as reuse; every token of a family shares the family's absolute deadline.
    "ALTER TABLE refresh_tokens ADD COLUMN used INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE refresh_tokens ADD COLUMN family_expires_at INTEGER NOT NULL DEFAULT 0;
     UPDATE refresh_tokens SET family_expires_at = expires_at;",
    // 6: a provider's own scopes and claim mapping (JSON); NULL means the kind's defaults.
    "ALTER TABLE identity_providers ADD COLUMN scopes TEXT;
     ALTER TABLE identity_providers ADD COLUMN claim_mapping TEXT;",
    // 7: a newcomer waiting for an administrator's approval (`extra.user_approval_required`).
    "ALTER TABLE users ADD COLUMN pending_approval INTEGER NOT NULL DEFAULT 0;",
    // 8: invites of local users: the link's token is kept only as its hash.
    "CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        auto_groups TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        created_by TEXT NOT NULL DEFAULT ''
    );
    CREATE UNIQUE INDEX invites_email ON invites(lower(email));",
    // 9: what set a user's role (NULL, 'hand', or the role rule as JSON).
    "ALTER TABLE users ADD COLUMN role_source TEXT;",
    // 10: the provider the login screen goes on to by itself (one at most).
    "ALTER TABLE identity_providers ADD COLUMN login_default INTEGER NOT NULL DEFAULT 0;",
    // 11: the groups allowed through a provider (JSON; NULL: anyone it lets through).
    "ALTER TABLE identity_providers ADD COLUMN allowed_groups TEXT;",
];

#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
}

/// A failure of the store. The message is for logs; callers answer 500.
#[derive(Debug)]
pub struct StoreError(pub String);

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError(error.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError(error.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A user row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub auto_groups: Vec<String>,
    pub idp_id: Option<String>,
    pub idp_subject: Option<String>,
    pub is_blocked: bool,
    pub last_login: Option<String>,
    /// Arrived through a provider while the account required approval: blocked until an
    /// owner or admin approves (or rejects, which deletes the row).
    pub pending_approval: bool,
    /// What set the role: the role rules leave a role set by hand.
    pub role_source: RoleSource,
}

impl UserRecord {
    /// A user who signs in with email and password at the embedded IdP.
    pub fn is_local(&self) -> bool {
        self.idp_id.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub id: String,
    pub name: String,
    pub issued: GroupIssued,
}

#[derive(Clone, PartialEq, Eq)]
pub struct ProviderRecord {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub logout_url_registered: bool,
    /// The login screen goes on to this provider by itself (one at most).
    pub login_default: bool,
    /// Scopes (`None`: the kind's defaults) and the claims read.
    pub options: qufabric_model::provider_options::ProviderOptions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: String,
    pub connector_id: String,
    pub groups: Vec<String>,
    pub expires_at: i64,
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// RFC 3339 UTC timestamp without external time crates.
pub fn now_rfc3339() -> String {
    rfc3339(now_unix())
}

/// A Unix time as RFC 3339 in UTC (`2026-12-02T08:00:00Z`).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn role_from_db(value: &str) -> Role {
    Role::parse(value).unwrap_or(Role::User)
}

fn issued_from_db(value: &str) -> GroupIssued {
    match value {
        "jwt" => GroupIssued::Jwt,
        "integration" => GroupIssued::Integration,
        _ => GroupIssued::Api,
    }
}

pub fn issued_to_db(issued: GroupIssued) -> &'static str {
    match issued {
        GroupIssued::Jwt => "jwt",
        GroupIssued::Integration => "integration",
        _ => "api",
    }
}

const USER_COLUMNS: &str = "id, email, name, password_hash, role, auto_groups, idp_id, idp_subject, is_blocked, last_login, pending_approval, role_source";

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRecord> {
    let role: String = row.get(4)?;
    let groups: String = row.get(5)?;
    Ok(UserRecord {
        id: row.get(0)?,
        email: row.get(1)?,
        name: row.get(2)?,
        password_hash: row.get(3)?,
        role: role_from_db(&role),
        auto_groups: serde_json::from_str(&groups).unwrap_or_default(),
        idp_id: row.get(6)?,
        idp_subject: row.get(7)?,
        is_blocked: row.get::<_, i64>(8)? != 0,
        last_login: row.get(9)?,
        pending_approval: row.get::<_, i64>(10)? != 0,
        role_source: RoleSource::from_db(row.get::<_, Option<String>>(11)?.as_deref()),
    })
}

/// Restrict `path` to the server's own user (no-op where permissions are not Unix ones).
fn private(path: &Path, mode: u32) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| StoreError(format!("cannot restrict {}: {e}", path.display())))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

impl Store {
    /// Open (or create) `<data_dir>/qufabric.db` and bring its schema up to date.
    pub fn open(data_dir: &Path) -> StoreResult<Store> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StoreError(format!("cannot create {}: {e}", data_dir.display())))?;
        // The database holds the IdP's signing key, password hashes and client secrets:
        // only the server's own user may read it.
        private(data_dir, 0o700)?;
        let path = data_dir.join("qufabric.db");
        let connection = Connection::open(&path)?;
        private(&path, 0o600)?;
        let store = Self::from_connection(connection)?;
        for companion in ["qufabric.db-wal", "qufabric.db-shm"] {
            let companion = data_dir.join(companion);
            if companion.exists() {
                private(&companion, 0o600)?;
            }
        }
        Ok(store)
    }

    /// An in-memory store, for tests.
    pub fn in_memory() -> StoreResult<Store> {
        Self::from_connection(Connection::open_in_memory()?)
    }

    fn from_connection(connection: Connection) -> StoreResult<Store> {
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        let store = Store {
            connection: Arc::new(Mutex::new(connection)),
        };
        store.migrate()?;
        Ok(store)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (each statement is
        // atomic), so a poisoned lock is still usable.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn migrate(&self) -> StoreResult<()> {
        let mut connection = self.lock();
        let applied: i64 = connection.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
            let tx = connection.transaction()?;
            tx.execute_batch(migration)?;
            tx.pragma_update(None, "user_version", (index + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    fn user(id: &str, role: Role) -> UserRecord {
        UserRecord {
            id: id.into(),
            email: format!("{id}@example.com"),
            name: id.into(),
            password_hash: None,
            role,
            auto_groups: vec![],
            idp_id: None,
            idp_subject: None,
            is_blocked: false,
            pending_approval: false,
            role_source: Default::default(),
            last_login: None,
        }
    }

    #[test]
    fn first_owner_only_once() {
        let store = Store::in_memory().unwrap();
        store.account("acc", &Map::new()).unwrap();
        assert!(!store.owner_exists().unwrap());
        assert!(store.create_first_owner(&user("a", Role::Owner)).unwrap());
        assert!(!store.create_first_owner(&user("b", Role::Owner)).unwrap());
        assert!(store.owner_exists().unwrap());
        assert_eq!(store.account("other", &Map::new()).unwrap().created_by, "a");
    }

    #[test]
    fn codes_and_refresh_tokens_are_single_use() {
        let store = Store::in_memory().unwrap();
        store.put_code("h", &serde_json::json!({"x": 1})).unwrap();
        assert_eq!(
            store.use_code("h", 60).unwrap(),
            CodeUse::Fresh(serde_json::json!({"x": 1}))
        );
        assert_eq!(store.use_code::<Value>("h", 60).unwrap(), CodeUse::Replayed);
        assert_eq!(
            store.use_code::<Value>("other", 60).unwrap(),
            CodeUse::Unknown
        );
        let now = now_unix();
        let empty = serde_json::json!({});
        store
            .put_refresh_token("r", "s", "f", &empty, now + 60, now + 3600)
            .unwrap();
        let RefreshUse::Fresh(taken) = store.use_refresh_token::<Value>("r").unwrap() else {
            panic!("the first use is fresh");
        };
        assert_eq!(taken.family_expires_at, now + 3600);
        assert_eq!(
            store.use_refresh_token::<Value>("r").unwrap(),
            RefreshUse::Reused {
                session_hash: "s".into(),
                family: "f".into()
            }
        );
        assert_eq!(
            store.use_refresh_token::<Value>("never").unwrap(),
            RefreshUse::Unknown
        );
    }

    #[test]
    fn no_refresh_token_outlives_its_family() {
        let store = Store::in_memory().unwrap();
        let now = now_unix();
        let empty = serde_json::json!({});
        // Idle lifetime an hour, but the family ended a second ago.
        store
            .put_refresh_token("late", "s", "f", &empty, now + 3600, now - 1)
            .unwrap();
        assert_eq!(
            store.use_refresh_token::<Value>("late").unwrap(),
            RefreshUse::Unknown
        );
    }

    #[test]
    fn data_survives_reopening() {
        let dir = std::env::temp_dir().join(format!("qf-store-{}", std::process::id()));
        {
            let store = Store::open(&dir).unwrap();
            store.account("acc", &Map::new()).unwrap();
            store.insert_user(&user("kept", Role::Owner)).unwrap();
        }
        let store = Store::open(&dir).unwrap();
        assert_eq!(
            store.user("kept").unwrap().map(|u| u.role),
            Some(Role::Owner)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn timestamps_look_like_rfc3339() {
        let stamp = now_rfc3339();
        assert_eq!(stamp.len(), 20);
        assert!(stamp.ends_with('Z'));
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
