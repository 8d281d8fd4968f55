//! SQLite persistence. One connection behind a mutex: the reference server is small, and
//! SQLite serialises writers anyway. WAL with `synchronous=FULL` so that every write we
//! acknowledge survives a `kill -9`.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use qufabric_model::{GroupIssued, Role};

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
];

/// What presenting an authorization code found.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeUse {
    /// First use: the grant it stands for.
    Fresh(Value),
    /// Used before: someone replays it.
    Replayed,
    /// Unknown or expired.
    Unknown,
}

/// A refresh token just taken (rotation: each one is good once).
#[derive(Debug, Clone, PartialEq)]
pub struct TakenRefresh {
    pub session_hash: String,
    /// The authorization code the token descends from.
    pub family: String,
    /// The family's absolute deadline (unix seconds): no rotation outlives it.
    pub family_expires_at: i64,
    pub body: Value,
}

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq)]
pub enum RefreshUse {
    /// First use: the grant it stands for (the token is now spent).
    Fresh(TakenRefresh),
    /// Spent before: someone holds a copy (stolen, or a client retrying a lost answer).
    Reused {
        session_hash: String,
        family: String,
    },
    /// Never issued, or expired.
    Unknown,
}

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
    let secs = now_unix();
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

const USER_COLUMNS: &str = "id, email, name, password_hash, role, auto_groups, idp_id, idp_subject, is_blocked, last_login";

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

    // ----- account -----

    /// The one account, created with default settings on first use.
    pub fn account(&self, new_id: &str, defaults: &Map<String, Value>) -> StoreResult<AccountRow> {
        let connection = self.lock();
        connection.execute(
            "INSERT OR IGNORE INTO account (id, settings, domain, created_at)
             SELECT ?1, ?2, 'qufabric.local', ?3 WHERE NOT EXISTS (SELECT 1 FROM account)",
            params![new_id, serde_json::to_string(defaults)?, now_rfc3339()],
        )?;
        let row = connection.query_row(
            "SELECT id, settings, domain, created_at, created_by FROM account LIMIT 1",
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                ))
            },
        )?;
        Ok(AccountRow {
            id: row.0,
            settings: serde_json::from_str(&row.1)?,
            domain: row.2,
            created_at: row.3,
            created_by: row.4,
        })
    }

    pub fn save_settings(
        &self,
        account_id: &str,
        settings: &Map<String, Value>,
    ) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE account SET settings = ?2 WHERE id = ?1",
            params![account_id, serde_json::to_string(settings)?],
        )?;
        Ok(changed == 1)
    }

    // ----- users -----

    pub fn owner_exists(&self) -> StoreResult<bool> {
        Ok(self.lock().query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'owner')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Create the first owner, atomically refusing when one exists already.
    pub fn create_first_owner(&self, user: &UserRecord) -> StoreResult<bool> {
        let mut connection = self.lock();
        let tx = connection.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'owner')",
            [],
            |r| r.get(0),
        )?;
        if exists {
            return Ok(false);
        }
        insert_user(&tx, user)?;
        tx.execute("UPDATE account SET created_by = ?1", params![user.id])?;
        tx.commit()?;
        Ok(true)
    }

    pub fn insert_user(&self, user: &UserRecord) -> StoreResult<()> {
        insert_user(&self.lock(), user)?;
        Ok(())
    }

    pub fn user(&self, id: &str) -> StoreResult<Option<UserRecord>> {
        Ok(self
            .lock()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                params![id],
                user_from_row,
            )
            .optional()?)
    }

    pub fn local_user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        Ok(self
            .lock()
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE idp_id IS NULL AND lower(email) = lower(?1)"
                ),
                params![email],
                user_from_row,
            )
            .optional()?)
    }

    /// A user who signs in through `idp_id`, by the provider's subject.
    pub fn external_user(&self, idp_id: &str, subject: &str) -> StoreResult<Option<UserRecord>> {
        Ok(self
            .lock()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE idp_id = ?1 AND idp_subject = ?2"),
                params![idp_id, subject],
                user_from_row,
            )
            .optional()?)
    }

    pub fn update_profile(&self, id: &str, email: &str, name: &str) -> StoreResult<()> {
        self.lock().execute(
            "UPDATE users SET email = ?2, name = ?3 WHERE id = ?1",
            params![id, email, name],
        )?;
        Ok(())
    }

    pub fn users(&self) -> StoreResult<Vec<UserRecord>> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY created_at, id"
        ))?;
        let rows = statement.query_map([], user_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn update_user(
        &self,
        id: &str,
        role: Role,
        auto_groups: &[String],
        is_blocked: bool,
    ) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE users SET role = ?2, auto_groups = ?3, is_blocked = ?4 WHERE id = ?1",
            params![
                id,
                role.as_str(),
                serde_json::to_string(auto_groups)?,
                is_blocked as i64
            ],
        )?;
        Ok(changed == 1)
    }

    /// Set a user's auto groups and nothing else (JWT group sync).
    pub fn set_auto_groups(&self, id: &str, auto_groups: &[String]) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE users SET auto_groups = ?2 WHERE id = ?1",
            params![id, serde_json::to_string(auto_groups)?],
        )?;
        Ok(changed == 1)
    }

    pub fn touch_login(&self, id: &str) -> StoreResult<()> {
        self.lock().execute(
            "UPDATE users SET last_login = ?2 WHERE id = ?1",
            params![id, now_rfc3339()],
        )?;
        Ok(())
    }

    // ----- personal access tokens -----

    pub fn insert_pat(
        &self,
        id: &str,
        user_id: &str,
        token_hash: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        self.lock().execute(
            "INSERT INTO personal_access_tokens (id, user_id, token_hash, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, user_id, token_hash, expires_at],
        )?;
        Ok(())
    }

    /// The user a PAT belongs to, when it exists and has not expired.
    pub fn pat_user(&self, token_hash: &str) -> StoreResult<Option<String>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT user_id FROM personal_access_tokens WHERE token_hash = ?1 AND expires_at > ?2",
                params![token_hash, now_unix()],
                |r| r.get(0),
            )
            .optional()?)
    }

    // ----- groups -----

    pub fn groups(&self) -> StoreResult<Vec<GroupRecord>> {
        let connection = self.lock();
        let mut statement =
            connection.prepare("SELECT id, name, issued FROM groups ORDER BY name, id")?;
        let rows = statement.query_map([], |row| {
            let issued: String = row.get(2)?;
            Ok(GroupRecord {
                id: row.get(0)?,
                name: row.get(1)?,
                issued: issued_from_db(&issued),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn insert_group(&self, group: &GroupRecord) -> StoreResult<()> {
        self.lock().execute(
            "INSERT INTO groups (id, name, issued) VALUES (?1, ?2, ?3)",
            params![group.id, group.name, issued_to_db(group.issued)],
        )?;
        Ok(())
    }

    // ----- identity providers -----

    pub fn providers(&self) -> StoreResult<Vec<ProviderRecord>> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT id, type, name, issuer, client_id, client_secret, logout_url_registered FROM identity_providers ORDER BY created_at, id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(ProviderRecord {
                id: row.get(0)?,
                kind: row.get(1)?,
                name: row.get(2)?,
                issuer: row.get(3)?,
                client_id: row.get(4)?,
                client_secret: row.get(5)?,
                logout_url_registered: row.get::<_, i64>(6)? != 0,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn insert_provider(&self, provider: &ProviderRecord) -> StoreResult<()> {
        self.lock().execute(
            "INSERT INTO identity_providers (id, type, name, issuer, client_id, client_secret, created_at, logout_url_registered)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                provider.id,
                provider.kind,
                provider.name,
                provider.issuer,
                provider.client_id,
                provider.client_secret,
                now_rfc3339(),
                provider.logout_url_registered as i64
            ],
        )?;
        Ok(())
    }

    pub fn provider(&self, id: &str) -> StoreResult<Option<ProviderRecord>> {
        Ok(self.providers()?.into_iter().find(|p| p.id == id))
    }

    pub fn update_provider(&self, provider: &ProviderRecord) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE identity_providers SET name = ?2, issuer = ?3, client_id = ?4, client_secret = ?5, logout_url_registered = ?6 WHERE id = ?1",
            params![provider.id, provider.name, provider.issuer, provider.client_id, provider.client_secret, provider.logout_url_registered as i64],
        )?;
        Ok(changed == 1)
    }

    pub fn delete_provider(&self, id: &str) -> StoreResult<bool> {
        let changed = self
            .lock()
            .execute("DELETE FROM identity_providers WHERE id = ?1", params![id])?;
        Ok(changed == 1)
    }

    // ----- signing key -----

    pub fn signing_key(&self) -> StoreResult<Option<(String, String)>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT kid, pkcs8_pem FROM signing_keys ORDER BY created_at LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn insert_signing_key(&self, kid: &str, pem: &str) -> StoreResult<()> {
        self.lock().execute(
            "INSERT INTO signing_keys (kid, pkcs8_pem, created_at) VALUES (?1, ?2, ?3)",
            params![kid, pem, now_rfc3339()],
        )?;
        Ok(())
    }

    // ----- embedded IdP state: pending requests, codes, sessions, refresh tokens -----

    pub fn put_auth_request(&self, id: &str, body: &Value) -> StoreResult<()> {
        let connection = self.lock();
        // Pending requests older than an hour are abandoned sign-ins.
        connection.execute(
            "DELETE FROM auth_requests WHERE created_at < ?1",
            params![now_unix() - 3600],
        )?;
        connection.execute(
            "INSERT INTO auth_requests (id, body, created_at) VALUES (?1, ?2, ?3)",
            params![id, serde_json::to_string(body)?, now_unix()],
        )?;
        Ok(())
    }

    pub fn auth_request(&self, id: &str) -> StoreResult<Option<Value>> {
        let body: Option<String> = self
            .lock()
            .query_row(
                "SELECT body FROM auth_requests WHERE id = ?1 AND created_at >= ?2",
                params![id, now_unix() - 3600],
                |r| r.get(0),
            )
            .optional()?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    pub fn delete_auth_request(&self, id: &str) -> StoreResult<()> {
        self.lock()
            .execute("DELETE FROM auth_requests WHERE id = ?1", params![id])?;
        Ok(())
    }

    pub fn put_code(&self, code_hash: &str, body: &Value) -> StoreResult<()> {
        let connection = self.lock();
        connection.execute(
            "DELETE FROM auth_codes WHERE created_at < ?1",
            params![now_unix() - 600],
        )?;
        connection.execute(
            "INSERT INTO auth_codes (code_hash, body, created_at) VALUES (?1, ?2, ?3)",
            params![code_hash, serde_json::to_string(body)?, now_unix()],
        )?;
        Ok(())
    }

    /// Use a code: marked used in the same statement, so a second use is recognised as a
    /// replay (used codes are swept with the others after ten minutes).
    pub fn use_code(&self, code_hash: &str, max_age_secs: i64) -> StoreResult<CodeUse> {
        let connection = self.lock();
        let body: Option<String> = connection
            .query_row(
                "UPDATE auth_codes SET used = 1 WHERE code_hash = ?1 AND used = 0 AND created_at >= ?2 RETURNING body",
                params![code_hash, now_unix() - max_age_secs],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(body) = body {
            return Ok(serde_json::from_str(&body)
                .map(CodeUse::Fresh)
                .unwrap_or(CodeUse::Unknown));
        }
        let used: Option<i64> = connection
            .query_row(
                "SELECT used FROM auth_codes WHERE code_hash = ?1 AND used = 1",
                params![code_hash],
                |r| r.get(0),
            )
            .optional()?;
        Ok(if used.is_some() {
            CodeUse::Replayed
        } else {
            CodeUse::Unknown
        })
    }

    /// Revoke every refresh token that descends from one authorization code.
    pub fn revoke_family(&self, family: &str) -> StoreResult<()> {
        self.lock().execute(
            "DELETE FROM refresh_tokens WHERE family = ?1",
            params![family],
        )?;
        Ok(())
    }

    pub fn put_session(&self, id_hash: &str, session: &SessionRecord) -> StoreResult<()> {
        self.lock().execute(
            "INSERT INTO idp_sessions (id_hash, user_id, connector_id, groups, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id_hash,
                session.user_id,
                session.connector_id,
                serde_json::to_string(&session.groups)?,
                session.expires_at
            ],
        )?;
        Ok(())
    }

    pub fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT user_id, connector_id, groups, expires_at FROM idp_sessions WHERE id_hash = ?1 AND expires_at > ?2",
                params![id_hash, now_unix()],
                |row| {
                    let groups: String = row.get(2)?;
                    Ok(SessionRecord {
                        user_id: row.get(0)?,
                        connector_id: row.get(1)?,
                        groups: serde_json::from_str(&groups).unwrap_or_default(),
                        expires_at: row.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Remember the provider's ID token of a brokered session (the `id_token_hint` of a
    /// later sign-out at the provider).
    pub fn set_upstream_id_token(&self, id_hash: &str, token: &str) -> StoreResult<()> {
        self.lock().execute(
            "UPDATE idp_sessions SET upstream_id_token = ?2 WHERE id_hash = ?1",
            params![id_hash, token],
        )?;
        Ok(())
    }

    /// The connector and upstream ID token of a session, expired or not.
    pub fn session_upstream(&self, id_hash: &str) -> StoreResult<Option<(String, Option<String>)>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT connector_id, upstream_id_token FROM idp_sessions WHERE id_hash = ?1",
                params![id_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The session a refresh token was issued under (the token stays usable).
    pub fn refresh_token_session(&self, token_hash: &str) -> StoreResult<Option<String>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT session_hash FROM refresh_tokens WHERE token_hash = ?1",
                params![token_hash],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// End every IdP session of a user, with the refresh tokens issued under them.
    pub fn end_user_sessions(&self, user_id: &str) -> StoreResult<()> {
        let connection = self.lock();
        connection.execute(
            "DELETE FROM refresh_tokens WHERE session_hash IN (SELECT id_hash FROM idp_sessions WHERE user_id = ?1)",
            params![user_id],
        )?;
        connection.execute(
            "DELETE FROM idp_sessions WHERE user_id = ?1",
            params![user_id],
        )?;
        Ok(())
    }

    /// End a session and every refresh token issued under it.
    pub fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        let connection = self.lock();
        connection.execute(
            "DELETE FROM idp_sessions WHERE id_hash = ?1",
            params![id_hash],
        )?;
        connection.execute(
            "DELETE FROM refresh_tokens WHERE session_hash = ?1",
            params![id_hash],
        )?;
        Ok(())
    }

    /// Store a refresh token of `family`; it expires at `expires_at` or at the family's
    /// deadline, whichever comes first. Tokens past their expiry are swept here.
    pub fn put_refresh_token(
        &self,
        token_hash: &str,
        session_hash: &str,
        family: &str,
        body: &Value,
        expires_at: i64,
        family_expires_at: i64,
    ) -> StoreResult<()> {
        let connection = self.lock();
        connection.execute(
            "DELETE FROM refresh_tokens WHERE expires_at <= ?1",
            params![now_unix()],
        )?;
        connection.execute(
            "INSERT INTO refresh_tokens (token_hash, session_hash, family, body, expires_at, family_expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                token_hash,
                session_hash,
                family,
                serde_json::to_string(body)?,
                expires_at.min(family_expires_at),
                family_expires_at
            ],
        )?;
        Ok(())
    }

    /// Spend a refresh token (rotation: each one is good once). A spent token presented
    /// again is reported as reuse, for as long as it would have been valid.
    pub fn use_refresh_token(&self, token_hash: &str) -> StoreResult<RefreshUse> {
        let connection = self.lock();
        let now = now_unix();
        let fresh: Option<(String, String, i64, String)> = connection
            .query_row(
                "UPDATE refresh_tokens SET used = 1
                 WHERE token_hash = ?1 AND used = 0 AND expires_at > ?2 AND family_expires_at > ?2
                 RETURNING session_hash, family, family_expires_at, body",
                params![token_hash, now],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if let Some((session_hash, family, family_expires_at, body)) = fresh {
            return Ok(match serde_json::from_str(&body) {
                Ok(body) => RefreshUse::Fresh(TakenRefresh {
                    session_hash,
                    family,
                    family_expires_at,
                    body,
                }),
                Err(_) => RefreshUse::Unknown,
            });
        }
        let spent: Option<(String, String)> = connection
            .query_row(
                "SELECT session_hash, family FROM refresh_tokens WHERE token_hash = ?1 AND used = 1",
                params![token_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match spent {
            Some((session_hash, family)) => RefreshUse::Reused {
                session_hash,
                family,
            },
            None => RefreshUse::Unknown,
        })
    }
}

fn insert_user(connection: &Connection, user: &UserRecord) -> rusqlite::Result<usize> {
    connection.execute(
        "INSERT INTO users (id, email, name, password_hash, role, auto_groups, idp_id, idp_subject, is_blocked, created_at, last_login)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            user.id,
            user.email,
            user.name,
            user.password_hash,
            user.role.as_str(),
            serde_json::to_string(&user.auto_groups).unwrap_or_else(|_| "[]".into()),
            user.idp_id,
            user.idp_subject,
            user.is_blocked as i64,
            now_rfc3339(),
            user.last_login,
        ],
    )
}

/// The account row as stored.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: String,
    pub settings: Map<String, Value>,
    pub domain: String,
    pub created_at: String,
    pub created_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(store.use_code("h", 60).unwrap(), CodeUse::Replayed);
        assert_eq!(store.use_code("other", 60).unwrap(), CodeUse::Unknown);
        let now = now_unix();
        let empty = serde_json::json!({});
        store
            .put_refresh_token("r", "s", "f", &empty, now + 60, now + 3600)
            .unwrap();
        let RefreshUse::Fresh(taken) = store.use_refresh_token("r").unwrap() else {
            panic!("the first use is fresh");
        };
        assert_eq!(taken.family_expires_at, now + 3600);
        assert_eq!(
            store.use_refresh_token("r").unwrap(),
            RefreshUse::Reused {
                session_hash: "s".into(),
                family: "f".into()
            }
        );
        assert_eq!(
            store.use_refresh_token("never").unwrap(),
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
            store.use_refresh_token("late").unwrap(),
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
