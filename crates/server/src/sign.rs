//! Signed, expiring download links for batch results, and API-key owners.
//!
//! A link carries `expires` (Unix seconds) and `signature`, an HMAC-SHA256
//! of the job id, batch index and expiry under the server's secret, so a
//! client fetches a result without an `Authorization` header (as Upstage's
//! clients do) and nobody can forge or extend a link. The secret is made
//! once per data directory and kept in it, so links outlive a restart; or
//! it comes from the configuration, the same on every replica, so a link
//! one replica made verifies on all of them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Signer {
    key: [u8; 32],
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    pub fn new(key: [u8; 32]) -> Signer {
        Signer { key }
    }

    /// The key a configured secret (any length) stands for.
    pub fn key_from(secret: &str) -> [u8; 32] {
        Sha256::digest(secret.as_bytes()).into()
    }

    fn mac(&self, job: &str, batch: usize, expires: i64) -> Hmac<Sha256> {
        // A 32-byte key is always accepted.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(format!("{job}\n{batch}\n{expires}").as_bytes());
        mac
    }

    pub fn sign(&self, job: &str, batch: usize, expires: i64) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(job, batch, expires).finalize().into_bytes())
    }

    /// Whether `signature` is this server's for the link and it has not expired at `now`.
    pub fn verify(&self, job: &str, batch: usize, expires: i64, signature: &str, now: i64) -> bool {
        let Ok(sig) = URL_SAFE_NO_PAD.decode(signature) else { return false };
        now <= expires && self.mac(job, batch, expires).verify_slice(&sig).is_ok()
    }
}

/// Who owns the jobs an API key makes: a hash, so the key itself is never stored.
pub fn owner_of(api_key: Option<&str>) -> String {
    match api_key {
        None => "anonymous".into(),
        Some(k) => {
            let digest = Sha256::digest(k.as_bytes());
            digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_verifies_until_it_expires_and_cannot_be_altered() {
        let s = Signer::new([7; 32]);
        let sig = s.sign("job", 2, 100);
        assert!(s.verify("job", 2, 100, &sig, 99));
        assert!(!s.verify("job", 2, 100, &sig, 101), "expired");
        assert!(!s.verify("job", 3, 100, &sig, 99), "another batch");
        assert!(!s.verify("job", 2, 200, &sig, 99), "a longer life");
        assert!(!s.verify("job", 2, 100, &sig, 99) || Signer::new([8; 32]).sign("job", 2, 100) != sig);
        assert!(!s.verify("job", 2, 100, "garbage!", 99));
    }

    #[test]
    fn owners_are_hashes_of_keys() {
        assert_eq!(owner_of(None), "anonymous");
        assert_ne!(owner_of(Some("a")), owner_of(Some("b")));
        assert_eq!(owner_of(Some("a")).len(), 32);
    }
}
