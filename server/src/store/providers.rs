//! The external identity providers.

use super::*;
use qufabric_model::claims::ClaimMapping;
use qufabric_model::provider_options::ProviderOptions;

/// The scopes column: NULL for the kind's defaults.
fn scopes_column(options: &ProviderOptions) -> Option<String> {
    options
        .scopes
        .as_ref()
        .and_then(|scopes| serde_json::to_string(scopes).ok())
}

/// The claim mapping column: NULL while it is the default.
fn mapping_column(options: &ProviderOptions) -> Option<String> {
    (options.claims != ClaimMapping::default())
        .then(|| serde_json::to_string(&options.claims).ok())
        .flatten()
}

impl Store {
    pub fn providers(&self) -> StoreResult<Vec<ProviderRecord>> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT id, type, name, issuer, client_id, client_secret, logout_url_registered, scopes, claim_mapping, login_default, allowed_groups FROM identity_providers ORDER BY created_at, id",
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
                login_default: row.get::<_, i64>(9)? != 0,
                options: ProviderOptions {
                    scopes: row
                        .get::<_, Option<String>>(7)?
                        .and_then(|json| serde_json::from_str(&json).ok()),
                    claims: row
                        .get::<_, Option<String>>(8)?
                        .and_then(|json| serde_json::from_str(&json).ok())
                        .unwrap_or_default(),
                    allowed_groups: row
                        .get::<_, Option<String>>(10)?
                        .and_then(|json| serde_json::from_str(&json).ok())
                        .unwrap_or_default(),
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn insert_provider(&self, provider: &ProviderRecord) -> StoreResult<()> {
        self.insert_providers(std::slice::from_ref(provider))
    }

    /// Providers in one transaction (one, or the benchmark's seed).
    pub fn insert_providers(&self, providers: &[ProviderRecord]) -> StoreResult<()> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        for provider in providers {
            transaction.execute(
                "INSERT INTO identity_providers (id, type, name, issuer, client_id, client_secret, created_at, logout_url_registered, scopes, claim_mapping, login_default, allowed_groups)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    provider.id,
                    provider.kind,
                    provider.name,
                    provider.issuer,
                    provider.client_id,
                    provider.client_secret,
                    now_rfc3339(),
                    provider.logout_url_registered as i64,
                    scopes_column(&provider.options),
                    mapping_column(&provider.options),
                    provider.login_default as i64,
                    allowed_column(&provider.options)
                ],
            )?;
            if provider.login_default {
                unmark_others(&transaction, &provider.id)?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    pub fn provider(&self, id: &str) -> StoreResult<Option<ProviderRecord>> {
        Ok(self.providers()?.into_iter().find(|p| p.id == id))
    }

    pub fn update_provider(&self, provider: &ProviderRecord) -> StoreResult<bool> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        let changed = transaction.execute(
            "UPDATE identity_providers SET name = ?2, issuer = ?3, client_id = ?4, client_secret = ?5, logout_url_registered = ?6, scopes = ?7, claim_mapping = ?8, login_default = ?9, allowed_groups = ?10 WHERE id = ?1",
            params![
                provider.id,
                provider.name,
                provider.issuer,
                provider.client_id,
                provider.client_secret,
                provider.logout_url_registered as i64,
                scopes_column(&provider.options),
                mapping_column(&provider.options),
                provider.login_default as i64,
                allowed_column(&provider.options)
            ],
        )?;
        if changed == 1 && provider.login_default {
            unmark_others(&transaction, &provider.id)?;
        }
        transaction.commit()?;
        Ok(changed == 1)
    }

    pub fn delete_provider(&self, id: &str) -> StoreResult<bool> {
        let changed = self
            .lock()
            .execute("DELETE FROM identity_providers WHERE id = ?1", params![id])?;
        Ok(changed == 1)
    }
}

/// One default provider at most: marking `id` unmarks every other.
fn unmark_others(connection: &Connection, id: &str) -> rusqlite::Result<usize> {
    connection.execute(
        "UPDATE identity_providers SET login_default = 0 WHERE id != ?1",
        params![id],
    )
}

/// The allowed groups as stored: NULL for none.
fn allowed_column(options: &ProviderOptions) -> Option<String> {
    (!options.allowed_groups.is_empty())
        .then(|| serde_json::to_string(&options.allowed_groups).ok())
        .flatten()
}
