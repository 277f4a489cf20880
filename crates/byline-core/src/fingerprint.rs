//! A fast, stable content hash (FNV-1a) for cache validators and
//! cache-busting URLs: the same bytes give the same value on every build
//! and platform. Not for anything that must resist an attacker.

/// FNV-1a of `bytes`.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_the_reference_values() {
        assert_eq!(super::fingerprint(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fingerprint(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
