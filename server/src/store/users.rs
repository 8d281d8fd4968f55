//! Users (local and from providers) and their personal access tokens.

use super::*;

impl Store {
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
            // Unblocking a person who waits for approval approves them.
            "UPDATE users SET role = ?2, auto_groups = ?3, is_blocked = ?4,
                pending_approval = pending_approval AND ?4 WHERE id = ?1",
            params![
                id,
                role.as_str(),
                serde_json::to_string(auto_groups)?,
                is_blocked as i64
            ],
        )?;
        Ok(changed == 1)
    }

    /// Let a person who waits for approval in: `false` when there is no such person (no
    /// row, or not waiting).
    pub fn approve_user(&self, id: &str) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE users SET is_blocked = 0, pending_approval = 0 WHERE id = ?1 AND pending_approval = 1",
            params![id],
        )?;
        Ok(changed == 1)
    }

    /// Remove a person who waits for approval, with their sessions and tokens (rejected:
    /// a new sign-in makes them wait again). `false` when there is no such person.
    pub fn reject_user(&self, id: &str) -> StoreResult<bool> {
        let mut connection = self.lock();
        let tx = connection.transaction()?;
        let waiting: bool = tx
            .query_row(
                "SELECT pending_approval FROM users WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false);
        if !waiting {
            return Ok(false);
        }
        remove_user(&tx, id)?;
        tx.commit()?;
        Ok(true)
    }

    /// Remove a user with their sessions, refresh tokens and personal access tokens;
    /// `false` without such a user.
    pub fn delete_user(&self, id: &str) -> StoreResult<bool> {
        let mut connection = self.lock();
        let tx = connection.transaction()?;
        let removed = remove_user(&tx, id)?;
        tx.commit()?;
        Ok(removed)
    }

    /// Record what set a user's role (a change by hand, or giving them back to the rules).
    pub fn set_role_source(&self, id: &str, source: &RoleSource) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE users SET role_source = ?2 WHERE id = ?1",
            params![id, source.to_db()],
        )?;
        Ok(changed == 1)
    }

    /// The role the rules decided, unless the row has become an owner's or been set by hand
    /// since it was read (the rules never override either).
    pub fn set_rule_role(&self, id: &str, role: Role, source: &RoleSource) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE users SET role = ?2, role_source = ?3
             WHERE id = ?1 AND role != 'owner' AND (role_source IS NULL OR role_source != 'hand')",
            params![id, role.as_str(), source.to_db()],
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
}

pub(super) fn insert_user(connection: &Connection, user: &UserRecord) -> rusqlite::Result<usize> {
    connection.execute(
        "INSERT INTO users (id, email, name, password_hash, role, auto_groups, idp_id, idp_subject, is_blocked, created_at, last_login, pending_approval, role_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
            user.pending_approval as i64,
            user.role_source.to_db(),
        ],
    )
}

/// Everything of a user goes: sessions and their refresh tokens, tokens, the row.
fn remove_user(connection: &Connection, id: &str) -> rusqlite::Result<bool> {
    super::sessions::end_user_sessions(connection, id)?;
    connection.execute(
        "DELETE FROM personal_access_tokens WHERE user_id = ?1",
        params![id],
    )?;
    Ok(connection.execute("DELETE FROM users WHERE id = ?1", params![id])? == 1)
}

/// What set a user's role, as the role rules need to know it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RoleSource {
    /// Neither the rules nor a person: the role a user starts with.
    #[default]
    Unset,
    /// Changed by hand on the Users page: kept until an owner gives the person back.
    Hand,
    /// Given by a role rule or the rules' default.
    Rule(qufabric_model::role_rules::RoleGiven),
}

impl RoleSource {
    /// Stored as NULL, `hand`, or the rule as JSON; anything unreadable reads as unset.
    pub(super) fn from_db(value: Option<&str>) -> RoleSource {
        match value {
            None => RoleSource::Unset,
            Some("hand") => RoleSource::Hand,
            Some(json) => serde_json::from_str(json).map_or(RoleSource::Unset, RoleSource::Rule),
        }
    }

    fn to_db(&self) -> Option<String> {
        match self {
            RoleSource::Unset => None,
            RoleSource::Hand => Some("hand".into()),
            RoleSource::Rule(given) => serde_json::to_string(given).ok(),
        }
    }
}
