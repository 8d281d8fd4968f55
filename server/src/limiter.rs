//! The login limiter: slows down password guessing against local accounts.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Slows down password guessing, per client and account: after
/// [`LoginLimiter::FREE_FAILURES`] wrong passwords in a row from one client (its address,
/// see `forwarded`) for one account, that client is answered 429 for that account for a
/// lock time that doubles with each failure (30 s, 60 s, … up to 15 min). Others' failures
/// never lock a client out, so a known owner cannot be kept out by strangers. A correct
/// password resets the count. The map is bounded: past [`LoginLimiter::MAX_ENTRIES`] the
/// entries that lock nobody go first, then the oldest.
#[derive(Default)]
pub struct LoginLimiter {
    entries: Mutex<HashMap<String, LimiterEntry>>,
}

struct LimiterEntry {
    failures: u32,
    locked_until: Option<Instant>,
    last: Instant,
}

impl LoginLimiter {
    pub const FREE_FAILURES: u32 = 5;
    pub const MAX_ENTRIES: usize = 10_000;

    fn key(client: Option<std::net::IpAddr>, email: &str) -> String {
        let client = client.map(|ip| ip.to_string()).unwrap_or_default();
        format!("{client} {}", email.trim().to_lowercase())
    }

    /// `Some(wait)` while this client is locked out of this account.
    pub fn locked_for(&self, client: Option<std::net::IpAddr>, email: &str) -> Option<Duration> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let until = entries.get(&Self::key(client, email))?.locked_until?;
        until.checked_duration_since(Instant::now())
    }

    pub fn record_failure(&self, client: Option<std::net::IpAddr>, email: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if entries.len() >= Self::MAX_ENTRIES {
            entries.retain(|_, e| e.locked_until.is_some_and(|until| until > now));
            if entries.len() >= Self::MAX_ENTRIES {
                let mut ages: Vec<Instant> = entries.values().map(|e| e.last).collect();
                ages.sort();
                let cut = ages[ages.len() / 2];
                entries.retain(|_, e| e.last > cut);
            }
        }
        let entry = entries
            .entry(Self::key(client, email))
            .or_insert(LimiterEntry {
                failures: 0,
                locked_until: None,
                last: now,
            });
        entry.failures = entry.failures.saturating_add(1);
        entry.last = now;
        if entry.failures >= Self::FREE_FAILURES {
            let doublings = (entry.failures - Self::FREE_FAILURES).min(5);
            let lock = Duration::from_secs(30u64 << doublings).min(Duration::from_secs(900));
            entry.locked_until = Some(now + lock);
        }
    }

    pub fn record_success(&self, client: Option<std::net::IpAddr>, email: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&Self::key(client, email));
    }

    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_locks_one_client_after_free_failures_and_resets() {
        let limiter = LoginLimiter::default();
        let guesser = "203.0.113.1".parse().ok();
        let owner = "198.51.100.2".parse().ok();
        for _ in 0..LoginLimiter::FREE_FAILURES - 1 {
            limiter.record_failure(guesser, "A@x");
        }
        assert!(limiter.locked_for(guesser, "a@x").is_none());
        limiter.record_failure(guesser, "a@x");
        assert!(limiter.locked_for(guesser, "a@x").is_some());
        assert!(
            limiter.locked_for(owner, "a@x").is_none(),
            "others are not locked"
        );
        limiter.record_success(guesser, "a@x");
        assert!(limiter.locked_for(guesser, "a@x").is_none());
    }

    #[test]
    fn the_limiter_stays_bounded() {
        let limiter = LoginLimiter::default();
        for n in 0..(LoginLimiter::MAX_ENTRIES + 100) {
            limiter.record_failure(None, &format!("user{n}@x"));
        }
        assert!(limiter.len() <= LoginLimiter::MAX_ENTRIES);
    }
}
