//! Custom domain names: what an operator may attach to a studio.

/// Normalises (lower case, no trailing dot) and checks a host name. Subdomains of the base
/// domain are refused: they resolve by slug already.
pub fn parse(input: &str, base_domain: &str) -> Result<String, &'static str> {
    let domain = input.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.len() < 4 || domain.len() > 253 || !domain.contains('.') {
        return Err("must be a host name such as fotos.miestudio.pe");
    }
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if !labels_ok {
        return Err("must be a host name: letters, digits and hyphens between dots, no scheme or port");
    }
    if domain.parse::<std::net::IpAddr>().is_ok() {
        return Err("must be a host name, not an IP address");
    }
    let base = base_domain.to_ascii_lowercase();
    if domain == base || domain.ends_with(&format!(".{base}")) {
        return Err("subdomains of the platform's own domain resolve by slug already");
    }
    Ok(domain)
}

/// Whether `host` (as a request names it, port stripped) can be a host at all: a DNS name
/// of at most 253 characters in labels of 1–63 letters, digits, hyphens (and underscores,
/// which some internal names carry), or an IP literal. Checked before any lookup, so no
/// cache ever holds a key an attacker sized.
pub fn is_plausible_host(host: &str) -> bool {
    if host.starts_with('[') && host.ends_with(']') {
        return host[1..host.len() - 1].parse::<std::net::Ipv6Addr>().is_ok();
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::{is_plausible_host, parse};

    #[test]
    fn only_plausible_hosts_pass() {
        for good in ["acme.fotostudio.localhost", "localhost", "127.0.0.1", "[::1]", "fotos.acme.pe.", "a_b.internal"] {
            assert!(is_plausible_host(good), "{good}");
        }
        let long_label = format!("{}.pe", "a".repeat(64));
        let long_name = ["abcdefghij"; 26].join(".");
        for bad in ["", "a..pe", "acme .pe", "ac/me.pe", "[zz]", long_label.as_str(), long_name.as_str()] {
            assert!(!is_plausible_host(bad), "{bad:?}");
        }
    }

    #[test]
    fn domains_are_normalised_and_checked() {
        assert_eq!(parse("Fotos.MiEstudio.pe.", "fs.example"), Ok("fotos.miestudio.pe".to_owned()));
        for bad in ["https://x.pe", "x.pe:8080", "localhost", "-a.pe", "a..pe", "acme.fs.example", "10.0.0.1"] {
            assert!(parse(bad, "fs.example").is_err(), "{bad}");
        }
    }
}
