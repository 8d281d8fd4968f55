//! The embedded IdP's state: pending authorization requests, codes, sessions and refresh
//! tokens (single use, families, reuse detection).

use super::*;

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

impl Store {
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
