//! Invites of local users (email and password at the embedded IdP). The link's token is
//! kept only as its hash; accepting one creates the user and removes the invite in one
//! transaction, so a link works once.

use super::*;

/// An invite as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    pub id: String,
    pub token_hash: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub auto_groups: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// The id of the user who made it.
    pub created_by: String,
}

const INVITE_COLUMNS: &str =
    "id, token_hash, email, name, role, auto_groups, created_at, expires_at, created_by";

fn invite_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<InviteRecord> {
    let role: String = row.get(4)?;
    let groups: String = row.get(5)?;
    Ok(InviteRecord {
        id: row.get(0)?,
        token_hash: row.get(1)?,
        email: row.get(2)?,
        name: row.get(3)?,
        role: role_from_db(&role),
        auto_groups: serde_json::from_str(&groups).unwrap_or_default(),
        created_at: row.get(6)?,
        expires_at: row.get(7)?,
        created_by: row.get(8)?,
    })
}

impl Store {
    /// Store an invite; `false` when one for the same email exists already.
    pub fn insert_invite(&self, invite: &InviteRecord) -> StoreResult<bool> {
        let inserted = self.lock().execute(
            "INSERT OR IGNORE INTO invites (id, token_hash, email, name, role, auto_groups, created_at, expires_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                invite.id,
                invite.token_hash,
                invite.email,
                invite.name,
                invite.role.as_str(),
                serde_json::to_string(&invite.auto_groups)?,
                invite.created_at,
                invite.expires_at,
                invite.created_by,
            ],
        )?;
        Ok(inserted == 1)
    }

    pub fn invites(&self) -> StoreResult<Vec<InviteRecord>> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "SELECT {INVITE_COLUMNS} FROM invites ORDER BY created_at, id"
        ))?;
        let rows = statement.query_map([], invite_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn invite_by_token(&self, token_hash: &str) -> StoreResult<Option<InviteRecord>> {
        Ok(self
            .lock()
            .query_row(
                &format!("SELECT {INVITE_COLUMNS} FROM invites WHERE token_hash = ?1"),
                params![token_hash],
                invite_from_row,
            )
            .optional()?)
    }

    /// A new link for an invite (the old one stops working); `false` without the invite.
    pub fn renew_invite(&self, id: &str, token_hash: &str, expires_at: i64) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE invites SET token_hash = ?2, expires_at = ?3 WHERE id = ?1",
            params![id, token_hash, expires_at],
        )?;
        Ok(changed == 1)
    }

    /// `false` without the invite.
    pub fn delete_invite(&self, id: &str) -> StoreResult<bool> {
        let changed = self
            .lock()
            .execute("DELETE FROM invites WHERE id = ?1", params![id])?;
        Ok(changed == 1)
    }

    /// The invite behind `token_hash` becomes `user`, once: `false` when the invite was
    /// used (or removed) meanwhile, or a local user with the email exists.
    pub fn accept_invite(&self, token_hash: &str, user: &UserRecord) -> StoreResult<bool> {
        let mut connection = self.lock();
        let tx = connection.transaction()?;
        let removed = tx.execute(
            "DELETE FROM invites WHERE token_hash = ?1",
            params![token_hash],
        )?;
        if removed != 1 {
            return Ok(false);
        }
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE idp_id IS NULL AND lower(email) = lower(?1))",
            params![user.email],
            |r| r.get(0),
        )?;
        if taken {
            return Ok(false);
        }
        super::users::insert_user(&tx, user)?;
        tx.commit()?;
        Ok(true)
    }
}
