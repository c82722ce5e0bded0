//! Access codes: what a family types to order a student's photos. 8 characters of a
//! 32-symbol alphabet without the look-alikes 0/O and 1/I (40 bits), drawn from the
//! operating system's CSPRNG, unique in the studio (a unique index over every roster), and
//! typed case-insensitively, with spaces or dashes if the family likes.

use argon2::password_hash::rand_core::{OsRng, RngCore};

/// The symbols of a code: digits 2–9 and the letters without I and O. 32 of them, so one
/// random byte's low five bits pick one without bias.
pub const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// How long a code is.
pub const LENGTH: usize = 8;

/// A new random code.
pub fn generate() -> String {
    let mut bytes = [0u8; LENGTH];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char).collect()
}

/// A code as typed (`abcd-efgh`, ` ABCD EFGH `) in its stored form (`ABCDEFGH`), or `None`
/// when it cannot be a code (wrong length, a symbol outside the alphabet).
pub fn normalize(typed: &str) -> Option<String> {
    let code: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    let well_formed = code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b));
    well_formed.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_eight_symbols_of_the_alphabet_and_do_not_repeat() {
        let codes: HashSet<String> = (0..10_000).map(|_| generate()).collect();
        assert_eq!(codes.len(), 10_000);
        for code in &codes {
            assert_eq!(normalize(code).as_deref(), Some(code.as_str()));
        }
        // Every symbol turns up: the draw covers the whole alphabet.
        let seen: HashSet<char> = codes.iter().flat_map(|c| c.chars()).collect();
        assert_eq!(seen.len(), 32);
    }

    #[test]
    fn typed_codes_are_read_case_insensitively_with_spaces_and_dashes() {
        assert_eq!(normalize(" abcd-efgh ").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalize("2345 6789").as_deref(), Some("23456789"));
        for bad in ["ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGI", "ABCDEFGO", "ABCDEFG1", "ABCDÉFGH", ""] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }
}
