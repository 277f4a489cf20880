//! Commenter avatars drawn on the server. The avatar URL carries a keyed
//! hash of the email (HMAC with the site's secret), never the email or an
//! unsalted hash of it, which would be a tracking identifier across sites.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Length of an avatar key in hex characters.
pub const KEY_LEN: usize = 32;

/// The avatar key for an email address (case-insensitive).
pub fn avatar_key(secret: &[u8], email: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(b"avatar:");
    mac.update(email.trim().to_lowercase().as_bytes());
    let digest = mac.finalize().into_bytes();
    digest[..KEY_LEN / 2].iter().map(|b| format!("{b:02x}")).collect()
}

/// A 5×5 mirrored identicon as SVG, drawn from the key's bits, or `None`
/// when the key is not [`KEY_LEN`] lowercase hex characters.
pub fn identicon_svg(key: &str) -> Option<String> {
    if key.len() != KEY_LEN || !key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    let bytes: Vec<u8> = (0..KEY_LEN / 2)
        .map(|i| u8::from_str_radix(&key[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect();
    let hue = u16::from_be_bytes([bytes[0], bytes[1]]) % 360;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 5 5\" width=\"80\" height=\"80\" shape-rendering=\"crispEdges\">\
         <rect width=\"5\" height=\"5\" fill=\"hsl({hue} 30% 94%)\"/><g fill=\"hsl({hue} 55% 42%)\">"
    );
    for row in 0..5u32 {
        for col in 0..3u32 {
            let bit = row * 3 + col;
            let on = bytes[2 + (bit / 8) as usize] >> (bit % 8) & 1 == 1;
            if on {
                svg.push_str(&format!("<rect x=\"{col}\" y=\"{row}\" width=\"1\" height=\"1\"/>"));
                if col < 2 {
                    svg.push_str(&format!(
                        "<rect x=\"{}\" y=\"{row}\" width=\"1\" height=\"1\"/>",
                        4 - col
                    ));
                }
            }
        }
    }
    svg.push_str("</g></svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_the_secret_and_not_on_case() {
        let a = avatar_key(b"secret-one", "Ann@Example.com");
        assert_eq!(a, avatar_key(b"secret-one", "ann@example.com "));
        assert_ne!(a, avatar_key(b"secret-two", "ann@example.com"));
        assert_eq!(a.len(), KEY_LEN);
        assert!(!a.contains("ann"));
    }

    #[test]
    fn identicons_are_deterministic_svg() {
        let key = avatar_key(b"s", "a@b.co");
        let svg = identicon_svg(&key).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg, identicon_svg(&key).unwrap());
        assert_eq!(identicon_svg("not-hex"), None);
        assert_eq!(identicon_svg(&"G".repeat(KEY_LEN)), None);
    }
}
