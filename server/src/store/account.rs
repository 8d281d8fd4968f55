//! The one account and its settings.

use super::*;

impl Store {
    /// The one account, created with default settings on first use. The settings are
    /// written and read as the caller's type: a row that does not fit it is an error.
    pub fn account<S: Serialize + DeserializeOwned>(
        &self,
        new_id: &str,
        defaults: &S,
    ) -> StoreResult<AccountRow<S>> {
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

    pub fn save_settings<S: Serialize>(&self, account_id: &str, settings: &S) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE account SET settings = ?2 WHERE id = ?1",
            params![account_id, serde_json::to_string(settings)?],
        )?;
        Ok(changed == 1)
    }
}

/// The account row as stored.
#[derive(Debug, Clone)]
pub struct AccountRow<S> {
    pub id: String,
    pub settings: S,
    pub domain: String,
    pub created_at: String,
    pub created_by: String,
}
