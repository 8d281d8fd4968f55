//! The account and its settings, users, personal access tokens, groups, identity
//! providers and the signing key.

use super::*;

impl Store {
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
