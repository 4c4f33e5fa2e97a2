//! The audit chain (审计日志): each event stores the hash of the previous one, so changing or
//! removing any event breaks every link after it.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first event of the chain links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an audit event that the chain covers, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFields<'a> {
    pub id: i64,
    /// RFC 3339 with microseconds in UTC, as written.
    pub at: &'a str,
    pub actor_user_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
    pub request_id: &'a str,
    pub ip: &'a str,
}

/// sha256 over the previous hash and the event's fields, hex-encoded. Each field is written
/// with its length so that moving text from one field to the next changes the hash.
pub fn event_hash(prev_hash: &str, f: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    put(prev_hash);
    put(&f.id.to_string());
    put(f.at);
    put(&f.actor_user_id.map(|v| v.to_string()).unwrap_or_default());
    put(f.actor_name);
    put(f.action);
    put(f.entity);
    put(f.entity_id);
    put(f.before_json.unwrap_or("\u{0}null"));
    put(f.after_json.unwrap_or("\u{0}null"));
    put(f.request_id);
    put(f.ip);
    hex::encode(h.finalize())
}

/// A stored event as the verifier reads it.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: String,
    pub ip: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEvent {
    pub fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            id: self.id,
            at: &self.at,
            actor_user_id: self.actor_user_id,
            actor_name: &self.actor_name,
            action: &self.action,
            entity: &self.entity,
            entity_id: &self.entity_id,
            before_json: self.before_json.as_deref(),
            after_json: self.after_json.as_deref(),
            request_id: &self.request_id,
            ip: &self.ip,
        }
    }
}

/// The first broken link found while walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The event's stored `prev_hash` is not the hash of the event before it (an event was
    /// removed, inserted or reordered).
    PrevHashMismatch {
        id: i64,
        expected: String,
        found: String,
    },
    /// The event's content no longer matches its stored hash (the row was edited).
    ContentChanged { id: i64 },
}

impl ChainBreak {
    pub fn event_id(&self) -> i64 {
        match self {
            ChainBreak::PrevHashMismatch { id, .. } | ChainBreak::ContentChanged { id } => *id,
        }
    }
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::PrevHashMismatch {
                id,
                expected,
                found,
            } => write!(
                f,
                "audit event {id}: prev_hash {found} does not match the previous event's hash {expected} (an event before it was removed, inserted or changed)"
            ),
            ChainBreak::ContentChanged { id } => write!(
                f,
                "audit event {id}: its content does not match its hash (the row was changed after it was written)"
            ),
        }
    }
}

/// Incremental verifier: feed events in id order; it remembers the last good hash so a long
/// chain can be walked in pages.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    last_hash: String,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            last_hash: GENESIS_HASH.to_string(),
            checked: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, e: &StoredEvent) -> Result<(), ChainBreak> {
        if e.prev_hash != self.last_hash {
            return Err(ChainBreak::PrevHashMismatch {
                id: e.id,
                expected: self.last_hash.clone(),
                found: e.prev_hash.clone(),
            });
        }
        if event_hash(&e.prev_hash, &e.fields()) != e.hash {
            return Err(ChainBreak::ContentChanged { id: e.id });
        }
        self.last_hash = e.hash.clone();
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredEvent> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|id| {
                let mut e = StoredEvent {
                    id,
                    at: format!("2026-01-01T00:00:{id:02}.000000Z"),
                    actor_user_id: Some(1),
                    actor_name: "admin".into(),
                    action: "update".into(),
                    entity: "user".into(),
                    entity_id: id.to_string(),
                    before_json: Some(r#"{"a":1}"#.into()),
                    after_json: Some(r#"{"a":2}"#.into()),
                    request_id: "r".into(),
                    ip: "127.0.0.1".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = event_hash(&prev, &e.fields());
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(events: &[StoredEvent]) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in events {
            v.check(e)?;
        }
        Ok(v.checked)
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn edited_row_is_named() {
        let mut c = chain(5);
        c[2].after_json = Some(r#"{"a":3}"#.into());
        assert_eq!(verify(&c), Err(ChainBreak::ContentChanged { id: 3 }));
    }

    #[test]
    fn removed_row_breaks_the_next_link() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c).unwrap_err().event_id(), 3);
    }

    #[test]
    fn shifting_text_between_fields_changes_the_hash() {
        let c = chain(1);
        let mut e = c[0].clone();
        e.actor_name = "admi".into();
        e.action = "nupdate".into();
        assert_ne!(event_hash(GENESIS_HASH, &e.fields()), c[0].hash);
        let mut n = c[0].clone();
        n.before_json = None;
        assert_ne!(event_hash(GENESIS_HASH, &n.fields()), c[0].hash);
    }
}
