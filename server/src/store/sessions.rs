//! The embedded IdP's sign-in sessions.

use super::*;

impl Store {
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

    /// End every IdP session of a user, with the refresh tokens issued under them.
    pub fn end_user_sessions(&self, user_id: &str) -> StoreResult<()> {
        end_user_sessions(&self.lock(), user_id)?;
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
}

/// Every IdP session of a user and the refresh tokens issued under them.
pub(super) fn end_user_sessions(connection: &Connection, user_id: &str) -> rusqlite::Result<()> {
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
