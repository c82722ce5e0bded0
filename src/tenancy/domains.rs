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

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn domains_are_normalised_and_checked() {
        assert_eq!(parse("Fotos.MiEstudio.pe.", "fs.example"), Ok("fotos.miestudio.pe".to_owned()));
        for bad in ["https://x.pe", "x.pe:8080", "localhost", "-a.pe", "a..pe", "acme.fs.example", "10.0.0.1"] {
            assert!(parse(bad, "fs.example").is_err(), "{bad}");
        }
    }
}
