//! Keys derived from the site secret, one per purpose, so a value signed
//! for one use can never be replayed as another.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// 32 bytes derived from `secret` for `purpose` (HMAC-SHA256).
pub fn derive(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// SHA-256 of `bytes`: what is stored of a session or setup token, so a
/// copy of the database cannot be used to sign in.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    Sha256::digest(bytes).into()
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn purposes_get_distinct_keys() {
        assert_ne!(super::derive(b"s", "a"), super::derive(b"s", "b"));
        assert_eq!(super::derive(b"s", "a"), super::derive(b"s", "a"));
    }
}
