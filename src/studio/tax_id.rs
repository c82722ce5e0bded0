//! Tax ids of a studio's clients: a [`TaxIdType`] and a number, parsed into a
//! [`TaxId`] that is valid and canonical for its type ("parse, don't validate").
//!
//! The studios using this backend are in Peru, Chile and Bolivia, and their
//! invoices and receipts need the client's tax id in the form each tax
//! authority expects. We therefore check what can be checked offline and
//! store one canonical spelling, so the same client typed two ways (with or
//! without dots, dashes, a lower-case `k`) compares equal.
//!
//! | type       | country | rule (after normalisation)                        | canonical     |
//! |------------|---------|---------------------------------------------------|---------------|
//! | `ruc`      | Peru    | 11 digits, prefix 10/15/16/17/20, mod-11 check    | `20100070970` |
//! | `dni`      | Peru    | exactly 8 digits                                  | `46779354`    |
//! | `rut`      | Chile   | body of 1–8 digits + mod-11 check `0`–`9` or `K`  | `12345678-5`  |
//! | `ci`       | Bolivia | 5–10 digits, optional complement (`1E`, `LP`)     | `1234567-1E`  |
//! | `nit`      | Bolivia | 7–12 digits (no public check-digit rule applied)  | `1020703023`  |
//! | `passport` | any     | 5–20 characters `A`–`Z`, `0`–`9`, upper-cased     | `AB123456`    |
//! | `other`    | any     | 1–30 printable characters, trimmed                | as typed      |
//!
//! Normalisation: surrounding whitespace is trimmed for every type. RUC, DNI
//! and NIT drop spaces, dots and dashes. RUT drops dots and spaces, accepts
//! the check digit with or without a dash, drops leading zeros of the body
//! (some systems zero-pad) and upper-cases `k`. CI drops dots and spaces in
//! the digits; its complement (SEGIP's duplicate complement such as `1E`, or
//! a department extension such as `LP`, `SC`, `CB`) follows a dash, a space,
//! or directly a letter, and is upper-cased. Without a dash, an all-digit
//! group after a space is read as more digits, so write `1234567-12` for a
//! numeric complement.

use std::fmt;

/// The kind of tax id, with its wire name in serde (`"ruc"`, `"dni"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, poem_openapi::Enum, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum TaxIdType {
    /// Peru, Registro Único de Contribuyentes (SUNAT): 11 digits with check digit.
    Ruc,
    /// Peru, Documento Nacional de Identidad (RENIEC): 8 digits.
    Dni,
    /// Chile, Rol Único Tributario (SII): body and check digit `0`–`9`/`K`.
    Rut,
    /// Bolivia, cédula de identidad (SEGIP): digits and an optional complement.
    Ci,
    /// Bolivia, Número de Identificación Tributaria (SIN): 7–12 digits.
    Nit,
    /// A passport number from any country.
    Passport,
    /// Any other document, kept as free text.
    Other,
}

impl TaxIdType {
    /// Every type, in declaration order (e.g. for a select box).
    pub const ALL: [TaxIdType; 7] = [Self::Ruc, Self::Dni, Self::Rut, Self::Ci, Self::Nit, Self::Passport, Self::Other];

    /// The wire name, identical to the serde representation.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ruc => "ruc",
            Self::Dni => "dni",
            Self::Rut => "rut",
            Self::Ci => "ci",
            Self::Nit => "nit",
            Self::Passport => "passport",
            Self::Other => "other",
        }
    }

    /// Parses a wire name; surrounding whitespace and ASCII case are ignored.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s))
    }

    /// The name used in messages for people: "RUC", "passport number", ...
    pub fn label(self) -> &'static str {
        match self {
            Self::Ruc => "RUC",
            Self::Dni => "DNI",
            Self::Rut => "RUT",
            Self::Ci => "CI",
            Self::Nit => "NIT",
            Self::Passport => "passport number",
            Self::Other => "tax id",
        }
    }
}

impl fmt::Display for TaxIdType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tax id whose number is valid for its type, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxId {
    kind: TaxIdType,
    number: String,
}

impl TaxId {
    /// Normalises `number` for `kind`, then checks it (see the module docs).
    pub fn parse(kind: TaxIdType, number: &str) -> Result<TaxId, TaxIdError> {
        let number = match kind {
            TaxIdType::Ruc => parse_ruc(number)?,
            TaxIdType::Dni => digits(kind, number, 8..=8, "8 digits")?,
            TaxIdType::Nit => digits(kind, number, 7..=12, "7 to 12 digits")?,
            TaxIdType::Rut => parse_rut(number)?,
            TaxIdType::Ci => parse_ci(number)?,
            TaxIdType::Passport => parse_passport(number)?,
            TaxIdType::Other => parse_other(number)?,
        };
        Ok(TaxId { kind, number })
    }

    /// The type of this tax id.
    pub fn kind(&self) -> TaxIdType {
        self.kind
    }

    /// The number in canonical form.
    pub fn number(&self) -> &str {
        &self.number
    }
}

/// Why a number is not a valid tax id; each variant holds the type checked,
/// so `to_string()` gives a short English message for an API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxIdError {
    /// Nothing left after trimming (and removing separators).
    Empty { kind: TaxIdType },
    /// Too many or too few digits/characters; `expected` completes "a RUC has ...".
    WrongLength { kind: TaxIdType, expected: &'static str },
    /// A character other than a digit where only digits are allowed.
    NotDigits { kind: TaxIdType },
    /// The RUC or RUT check digit does not match the other digits.
    BadCheckDigit { kind: TaxIdType },
    /// A RUC that does not start with 10, 15, 16, 17 or 20.
    BadPrefix { kind: TaxIdType },
    /// A character the type never contains (e.g. `-` in a passport number).
    InvalidCharacters { kind: TaxIdType },
}

impl TaxIdError {
    /// The type whose rules were broken.
    pub fn kind(&self) -> TaxIdType {
        match *self {
            Self::Empty { kind }
            | Self::WrongLength { kind, .. }
            | Self::NotDigits { kind }
            | Self::BadCheckDigit { kind }
            | Self::BadPrefix { kind }
            | Self::InvalidCharacters { kind } => kind,
        }
    }
}

impl fmt::Display for TaxIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.kind().label();
        match self {
            Self::Empty { .. } => write!(f, "the {label} is empty"),
            Self::WrongLength { expected, .. } => write!(f, "a {label} has {expected}"),
            Self::NotDigits { kind: TaxIdType::Rut } => f.write_str("a RUT has only digits before the check digit"),
            Self::NotDigits { kind: TaxIdType::Ci } => f.write_str("a CI must start with digits"),
            Self::NotDigits { .. } => write!(f, "a {label} may only contain digits"),
            Self::BadCheckDigit { .. } => write!(f, "the {label} check digit does not match"),
            Self::BadPrefix { .. } => write!(f, "a {label} must start with 10, 15, 16, 17 or 20"),
            Self::InvalidCharacters { .. } => write!(f, "the {label} contains invalid characters"),
        }
    }
}

impl std::error::Error for TaxIdError {}

fn wrong_length(kind: TaxIdType, expected: &'static str) -> TaxIdError {
    TaxIdError::WrongLength { kind, expected }
}

/// Trims and removes whitespace, dots and dashes; then requires ASCII digits
/// only, with a length in `len`.
fn digits(
    kind: TaxIdType,
    raw: &str,
    len: std::ops::RangeInclusive<usize>,
    expected: &'static str,
) -> Result<String, TaxIdError> {
    let s: String = raw.chars().filter(|c| !(c.is_whitespace() || *c == '.' || *c == '-')).collect();
    if s.is_empty() {
        return Err(TaxIdError::Empty { kind });
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TaxIdError::NotDigits { kind });
    }
    if !len.contains(&s.len()) {
        return Err(wrong_length(kind, expected));
    }
    Ok(s)
}

/// Peru RUC (SUNAT). The first two digits give the taxpayer type: 10 natural
/// person with DNI, 15/16/17 other natural persons, 20 legal entity. The 11th
/// digit is a modulo-11 check digit over the first ten, as published by SUNAT
/// and implemented e.g. in python-stdnum `stdnum.pe.ruc`:
/// sum = Σ dᵢ·wᵢ with weights 5,4,3,2,7,6,5,4,3,2; r = 11 − (sum mod 11);
/// r = 10 → 0, r = 11 → 1, else r.
fn parse_ruc(raw: &str) -> Result<String, TaxIdError> {
    const KIND: TaxIdType = TaxIdType::Ruc;
    const WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let s = digits(KIND, raw, 11..=11, "11 digits")?;
    if !matches!(&s[..2], "10" | "15" | "16" | "17" | "20") {
        return Err(TaxIdError::BadPrefix { kind: KIND });
    }
    let b = s.as_bytes();
    let sum: u32 = b[..10].iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = match 11 - sum % 11 {
        10 => 0,
        11 => 1,
        r => r,
    };
    if u32::from(b[10] - b'0') != check {
        return Err(TaxIdError::BadCheckDigit { kind: KIND });
    }
    Ok(s)
}

/// Chile RUT/RUN (SII), "módulo 11": multiply the body's digits from the
/// right by 2,3,4,5,6,7,2,3,...; r = 11 − (sum mod 11); r = 11 → '0',
/// r = 10 → 'K', else the digit r. Canonical form `12345678-5`.
fn parse_rut(raw: &str) -> Result<String, TaxIdError> {
    const KIND: TaxIdType = TaxIdType::Rut;
    const EXPECTED: &str = "1 to 8 digits before the check digit";
    let s: String = raw.chars().filter(|c| !(c.is_whitespace() || *c == '.')).map(|c| c.to_ascii_uppercase()).collect();
    if s.is_empty() {
        return Err(TaxIdError::Empty { kind: KIND });
    }
    // The dash is optional, but if present it must stand right before the check digit.
    let (body, dv) = match s.split_once('-') {
        Some((body, dv)) if dv.chars().count() == 1 => (body, dv),
        Some(_) => return Err(TaxIdError::InvalidCharacters { kind: KIND }),
        None => s.split_at(s.len() - s.chars().last().map_or(0, char::len_utf8)),
    };
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TaxIdError::NotDigits { kind: KIND });
    }
    if !matches!(dv.as_bytes(), [b'0'..=b'9' | b'K']) {
        return Err(TaxIdError::InvalidCharacters { kind: KIND });
    }
    let body = body.trim_start_matches('0');
    if !(1..=8).contains(&body.len()) {
        return Err(wrong_length(KIND, EXPECTED));
    }
    let sum: u32 =
        body.bytes().rev().zip([2, 3, 4, 5, 6, 7].into_iter().cycle()).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = match 11 - sum % 11 {
        11 => '0',
        10 => 'K',
        r => char::from_digit(r, 10).unwrap_or('?'),
    };
    if !dv.starts_with(check) {
        return Err(TaxIdError::BadCheckDigit { kind: KIND });
    }
    Ok(format!("{body}-{check}"))
}

/// Bolivia CI (SEGIP): a number of 5 to 10 digits, optionally followed by a
/// complement (SEGIP adds one such as `1E` to tell apart duplicated numbers)
/// or the issuing department's extension (`LP`, `CB`, `SC`, `OR`, `PT`, `CH`,
/// `TJ`, `BE`, `PD`). No check digit is published, so we only check shape,
/// permissively: complement of up to 4 letters/digits. Canonical `1234567-1E`.
fn parse_ci(raw: &str) -> Result<String, TaxIdError> {
    const KIND: TaxIdType = TaxIdType::Ci;
    let s: String = raw.trim().chars().filter(|c| *c != '.').collect();
    if s.is_empty() {
        return Err(TaxIdError::Empty { kind: KIND });
    }
    // The number ends at a dash, or at the start of the first space-separated
    // group that holds something other than digits ("1234567 1E"), or right
    // before a letter glued to the digits ("1234567LP").
    let (number, complement) = match s.find(|c: char| !(c.is_ascii_digit() || c.is_whitespace())) {
        None => (s.as_str(), ""),
        Some(i) if s[i..].starts_with('-') => (&s[..i], &s[i + 1..]),
        Some(i) => {
            let group = s[..i].char_indices().rfind(|(_, c)| c.is_whitespace()).map_or(0, |(w, c)| w + c.len_utf8());
            let at = if group == 0 { i } else { group };
            (&s[..at], &s[at..])
        }
    };
    let number: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    let complement: String =
        complement.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    if number.is_empty() {
        return Err(TaxIdError::NotDigits { kind: KIND });
    }
    if !(5..=10).contains(&number.len()) {
        return Err(wrong_length(KIND, "5 to 10 digits"));
    }
    if !complement.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(TaxIdError::InvalidCharacters { kind: KIND });
    }
    match complement.len() {
        0 => Ok(number),
        1..=4 => Ok(format!("{number}-{complement}")),
        _ => Err(wrong_length(KIND, "a complement of at most 4 letters or digits")),
    }
}

/// Passport: trimmed, upper-cased, 5 to 20 characters `A`–`Z`, `0`–`9`.
fn parse_passport(raw: &str) -> Result<String, TaxIdError> {
    const KIND: TaxIdType = TaxIdType::Passport;
    let s = raw.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(TaxIdError::Empty { kind: KIND });
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(TaxIdError::InvalidCharacters { kind: KIND });
    }
    if !(5..=20).contains(&s.len()) {
        return Err(wrong_length(KIND, "5 to 20 letters or digits"));
    }
    Ok(s)
}

/// Other: trimmed free text of 1 to 30 characters, none a control character.
fn parse_other(raw: &str) -> Result<String, TaxIdError> {
    const KIND: TaxIdType = TaxIdType::Other;
    let s = raw.trim();
    if s.is_empty() {
        return Err(TaxIdError::Empty { kind: KIND });
    }
    if s.chars().any(char::is_control) {
        return Err(TaxIdError::InvalidCharacters { kind: KIND });
    }
    if s.chars().count() > 30 {
        return Err(wrong_length(KIND, "at most 30 characters"));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaxIdType::*;

    /// What a case expects: a canonical number, an error built for the case's
    /// type, or a `WrongLength` with this `expected`.
    enum Want {
        Is(&'static str),
        E(fn(TaxIdType) -> TaxIdError),
        Len(&'static str),
    }
    use Want::*;

    /// (type, input, expected, why) — `why` is printed when the case fails.
    type Case = (TaxIdType, &'static str, Want, &'static str);

    fn empty(kind: TaxIdType) -> TaxIdError {
        TaxIdError::Empty { kind }
    }
    fn not_digits(kind: TaxIdType) -> TaxIdError {
        TaxIdError::NotDigits { kind }
    }
    fn check(kind: TaxIdType) -> TaxIdError {
        TaxIdError::BadCheckDigit { kind }
    }
    fn prefix(kind: TaxIdType) -> TaxIdError {
        TaxIdError::BadPrefix { kind }
    }
    fn invalid(kind: TaxIdType) -> TaxIdError {
        TaxIdError::InvalidCharacters { kind }
    }

    fn run(cases: &[Case]) {
        for (kind, input, want, why) in cases {
            let got = TaxId::parse(*kind, input);
            let want = match want {
                Is(number) => Ok((*kind, number.to_string())),
                E(make) => Err(make(*kind)),
                Len(expected) => Err(wrong_length(*kind, expected)),
            };
            let got = got.map(|id| (id.kind(), id.number().to_string()));
            assert_eq!(got, want, "{why}: {kind:?} {input:?}");
        }
    }

    // Check digits below were computed by hand and cross-checked with a
    // separate script, e.g. 20100070970: 2·5+0·4+1·3+0·2+0·7+0·6+7·5+0·4+9·3+7·2
    // = 89, 89 mod 11 = 1, 11−1 = 10 → 0; 20131312955: 94 mod 11 = 6, 11−6 = 5;
    // 10467793549: 200 mod 11 = 2, 11−2 = 9; 20100000131: 22 mod 11 = 0, 11 → 1;
    // 15100000005: 28 mod 11 = 6 → 5; 16100000001: 32 mod 11 = 10 → 1;
    // 17123456785: 171 mod 11 = 6 → 5; 20512333797: 125 mod 11 = 4 → 7.
    #[test]
    #[rustfmt::skip]
    fn ruc() {
        run(&[
            (Ruc, "20100070970", Is("20100070970"), "real RUC, r = 10 gives check 0"),
            (Ruc, "20131312955", Is("20131312955"), "SUNAT's own RUC"),
            (Ruc, "10467793549", Is("10467793549"), "natural person: 10 + DNI + check"),
            (Ruc, "20512333797", Is("20512333797"), "python-stdnum doc example"),
            (Ruc, "20100000131", Is("20100000131"), "r = 11 gives check 1"),
            (Ruc, "15100000005", Is("15100000005"), "prefix 15"),
            (Ruc, "16100000001", Is("16100000001"), "prefix 16"),
            (Ruc, "17123456785", Is("17123456785"), "prefix 17"),
            (Ruc, " 20-100.070 970 ", Is("20100070970"), "spaces, dots, dashes stripped"),
            (Ruc, "20100070971", E(check), "last digit changed"),
            (Ruc, "10467793540", E(check), "last digit changed"),
            (Ruc, "20131312956", E(check), "last digit changed"),
            (Ruc, "30100070970", E(prefix), "prefix 30"),
            (Ruc, "11100070970", E(prefix), "prefix 11"),
            (Ruc, "2010007097", Len("11 digits"), "10 digits"),
            (Ruc, "201000709700", Len("11 digits"), "12 digits"),
            (Ruc, "2010007097A", E(not_digits), "a letter"),
            (Ruc, "RUC20100070970", E(not_digits), "letters before the digits"),
            (Ruc, "２0100070970", E(not_digits), "full-width digit"),
            (Ruc, "   ", E(empty), "blank"),
            (Ruc, " .-. ", E(empty), "only separators"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn dni_and_nit() {
        run(&[
            (Dni, "46779354", Is("46779354"), "8 digits"),
            (Dni, "00123456", Is("00123456"), "leading zeros are kept"),
            (Dni, " 46.779.354 ", Is("46779354"), "dots and spaces stripped"),
            (Dni, "4677935", Len("8 digits"), "7 digits"),
            (Dni, "467793541", Len("8 digits"), "9 digits"),
            (Dni, "4677935X", E(not_digits), "a letter"),
            (Dni, "", E(empty), "empty"),
            (Nit, "1020703023", Is("1020703023"), "10-digit company NIT"),
            (Nit, "1234567", Is("1234567"), "7 digits, the minimum"),
            (Nit, "123456789012", Is("123456789012"), "12 digits, the maximum"),
            (Nit, "1020-703.023", Is("1020703023"), "dashes and dots stripped"),
            (Nit, "123456", Len("7 to 12 digits"), "6 digits"),
            (Nit, "1234567890123", Len("7 to 12 digits"), "13 digits"),
            (Nit, "1020703O23", E(not_digits), "letter O for zero"),
            (Nit, " ", E(empty), "blank"),
        ]);
    }

    // RUT check digits, weights 2,3,4,5,6,7,2,3 from the right, e.g.
    // 12345678: 8·2+7·3+6·4+5·5+4·6+3·7+2·2+1·3 = 138, 138 mod 11 = 6, 11−6 = 5;
    // 76086428: 149 mod 11 = 6 → 5; 11111111: 32 mod 11 = 10 → 1;
    // 5126663: 107 mod 11 = 8 → 3; 12531909: 119 mod 11 = 9 → 2;
    // 12345670: 122 mod 11 = 1, 11−1 = 10 → K; 6: 12 mod 11 = 1 → K;
    // 12345613: 110 mod 11 = 0, 11 → 0.
    #[test]
    #[rustfmt::skip]
    fn rut() {
        const BODY: &str = "1 to 8 digits before the check digit";
        run(&[
            (Rut, "12.345.678-5", Is("12345678-5"), "dots and dash"),
            (Rut, "12345678-5", Is("12345678-5"), "dash only"),
            (Rut, "123456785", Is("12345678-5"), "no separators"),
            (Rut, "76.086.428-5", Is("76086428-5"), "company RUT"),
            (Rut, "11.111.111-1", Is("11111111-1"), "repeated digits"),
            (Rut, "5.126.663-3", Is("5126663-3"), "7-digit body"),
            (Rut, "12.531.909-2", Is("12531909-2"), "python-stdnum doc example"),
            (Rut, "12.345.670-K", Is("12345670-K"), "check digit K"),
            (Rut, "12345670-k", Is("12345670-K"), "lower-case k upper-cased"),
            (Rut, "12345670k", Is("12345670-K"), "lower-case k without dash"),
            (Rut, "6-K", Is("6-K"), "1-digit body"),
            (Rut, "12.345.613-0", Is("12345613-0"), "r = 11 gives check 0"),
            (Rut, " 12 345 678 - 5 ", Is("12345678-5"), "spaces stripped"),
            (Rut, "05.126.663-3", Is("5126663-3"), "zero padding dropped"),
            (Rut, "12.345.678-4", E(check), "wrong digit"),
            (Rut, "12345670-0", E(check), "0 instead of K"),
            (Rut, "12345678-K", E(check), "K instead of 5"),
            (Rut, "12.34A.678-5", E(not_digits), "letter in body"),
            (Rut, "12345678-X", E(invalid), "check char X"),
            (Rut, "1-2345678-5", E(invalid), "two dashes"),
            (Rut, "12345678-55", E(invalid), "two check chars"),
            (Rut, "12345678-", E(invalid), "dash without check char"),
            (Rut, "123.456.789-2", Len(BODY), "9-digit body"),
            (Rut, "0-0", Len(BODY), "body 0"),
            (Rut, "5", Len(BODY), "no body"),
            (Rut, " .. ", E(empty), "only dots"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn ci() {
        const DIGITS: &str = "5 to 10 digits";
        run(&[
            (Ci, "1234567", Is("1234567"), "plain 7 digits"),
            (Ci, "12345", Is("12345"), "5 digits, the minimum"),
            (Ci, "1234567890", Is("1234567890"), "10 digits, the maximum"),
            (Ci, "1.234.567", Is("1234567"), "dots stripped"),
            (Ci, "12 345 67", Is("1234567"), "spaces inside digits stripped"),
            (Ci, "1234567-1E", Is("1234567-1E"), "dash complement"),
            (Ci, "1234567 1e", Is("1234567-1E"), "space complement, upper-cased"),
            (Ci, "1234567 - 1E", Is("1234567-1E"), "spaced dash"),
            (Ci, "1234567LP", Is("1234567-LP"), "department glued to digits"),
            (Ci, "1234567 sc", Is("1234567-SC"), "department after a space"),
            (Ci, "1234567-12", Is("1234567-12"), "numeric complement after a dash"),
            (Ci, "1234567-", Is("1234567"), "empty complement dropped"),
            (Ci, "1234567\u{a0}1E", Is("1234567-1E"), "no-break space separator"),
            (Ci, "1234", Len(DIGITS), "4 digits"),
            (Ci, "12345678901", Len(DIGITS), "11 digits"),
            (Ci, "1234567 12345", Len(DIGITS), "digits after a space join the number"),
            (Ci, "1234567-ABCDE", Len("a complement of at most 4 letters or digits"), "long"),
            (Ci, "LP 1234567", E(not_digits), "department first"),
            (Ci, "1234567-1É", E(invalid), "accent in complement"),
            (Ci, "1234567-1E-LP", E(invalid), "second dash"),
            (Ci, " ", E(empty), "blank"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn passport_and_other() {
        const PASSPORT: &str = "5 to 20 letters or digits";
        run(&[
            (Passport, " ab123456 ", Is("AB123456"), "trimmed and upper-cased"),
            (Passport, "12345", Is("12345"), "5 characters"),
            (Passport, "ABCDEFGHIJ0123456789", Is("ABCDEFGHIJ0123456789"), "20 characters"),
            (Passport, "AB12", Len(PASSPORT), "4 characters"),
            (Passport, "ABCDEFGHIJ01234567890", Len(PASSPORT), "21 characters"),
            (Passport, "AB-123456", E(invalid), "dash"),
            (Passport, "AB 123456", E(invalid), "inner space"),
            (Passport, "ÑB123456", E(invalid), "non-ASCII letter"),
            (Passport, "", E(empty), "empty"),
            (Other, "  CE 001234567 ", Is("CE 001234567"), "trimmed, inner space kept"),
            (Other, "x", Is("x"), "1 character"),
            (Other, "Carné extranjería Nº 12", Is("Carné extranjería Nº 12"), "non-ASCII"),
            (Other, "AB\u{7}12", E(invalid), "bell control character"),
            (Other, "AB\n12", E(invalid), "newline"),
            (Other, " \t ", E(empty), "blank"),
        ]);
        let thirty = "é".repeat(30);
        assert!(
            TaxId::parse(Other, &thirty).is_ok(),
            "30 characters, counted not as bytes"
        );
        let e = TaxId::parse(Other, &"x".repeat(31));
        assert_eq!(
            e,
            Err(wrong_length(Other, "at most 30 characters")),
            "31 characters"
        );
    }

    #[test]
    fn equal_after_normalisation() {
        let a = TaxId::parse(Rut, "12.345.670-k").unwrap();
        assert_eq!(a, TaxId::parse(Rut, "12345670K").unwrap());
        assert_ne!(TaxId::parse(Dni, "46779354"), TaxId::parse(Nit, "46779354"));
    }

    #[test]
    fn error_messages() {
        let cases = [
            (Ruc, "2010007097", "a RUC has 11 digits"),
            (Ruc, "20100070971", "the RUC check digit does not match"),
            (Ruc, "30100070970", "a RUC must start with 10, 15, 16, 17 or 20"),
            (Dni, "abc", "a DNI may only contain digits"),
            (Rut, "12345678-4", "the RUT check digit does not match"),
            (Rut, "1A-5", "a RUT has only digits before the check digit"),
            (Rut, "123456789-2", "a RUT has 1 to 8 digits before the check digit"),
            (Ci, "LP 1234567", "a CI must start with digits"),
            (Ci, "1234", "a CI has 5 to 10 digits"),
            (Nit, "", "the NIT is empty"),
            (Passport, "AB-1234", "the passport number contains invalid characters"),
            (Passport, "AB1", "a passport number has 5 to 20 letters or digits"),
            (Other, "a\u{0}", "the tax id contains invalid characters"),
        ];
        for (kind, input, want) in cases {
            let e = TaxId::parse(kind, input).unwrap_err();
            assert_eq!(e.to_string(), want, "{kind:?} {input:?}");
            assert_eq!(e.kind(), kind, "error knows its type");
        }
    }

    #[test]
    fn type_names() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let names = TaxIdType::ALL.map(TaxIdType::as_str);
        assert_eq!(names, ["ruc", "dni", "rut", "ci", "nit", "passport", "other"]);
        for t in TaxIdType::ALL {
            assert_eq!(TaxIdType::parse(t.as_str()), Some(t), "round trip {t}");
            let de: StrDeserializer<'_, Error> = t.as_str().into_deserializer();
            assert_eq!(TaxIdType::deserialize(de), Ok(t), "serde wire name of {t}");
        }
        assert_eq!(TaxIdType::parse(" RUC "), Some(Ruc), "case and spaces ignored");
        assert_eq!(TaxIdType::parse("cuit"), None, "unknown type");
        assert_eq!(TaxIdType::parse(""), None, "empty");
    }
}
