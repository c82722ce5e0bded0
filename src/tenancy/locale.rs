//! Country and currency codes a studio may be provisioned with, and the defaults a country
//! implies (a studio in Bolivia bills in BOB on La Paz time unless told otherwise).

/// ISO 3166-1 alpha-2 country codes.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET \
FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR \
IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN \
MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY \
QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR \
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// ISO 4217 currency codes in circulation.
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP \
BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ \
GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD \
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR \
RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH \
UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

pub fn is_country(code: &str) -> bool {
    code.len() == 2 && COUNTRIES.split(' ').any(|c| c == code)
}

pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && CURRENCIES.split(' ').any(|c| c == code)
}

/// The currency and time zone a studio in `country` most likely uses.
pub fn defaults_for(country: &str) -> Option<(&'static str, &'static str)> {
    Some(match country {
        "PE" => ("PEN", "America/Lima"),
        "BO" => ("BOB", "America/La_Paz"),
        "CL" => ("CLP", "America/Santiago"),
        "EC" => ("USD", "America/Guayaquil"),
        "CO" => ("COP", "America/Bogota"),
        "AR" => ("ARS", "America/Argentina/Buenos_Aires"),
        "PY" => ("PYG", "America/Asuncion"),
        "UY" => ("UYU", "America/Montevideo"),
        "VE" => ("VES", "America/Caracas"),
        "BR" => ("BRL", "America/Sao_Paulo"),
        "MX" => ("MXN", "America/Mexico_City"),
        "US" => ("USD", "America/New_York"),
        "ES" => ("EUR", "Europe/Madrid"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_against_the_iso_lists() {
        assert!(is_country("PE") && is_country("BO") && !is_country("XX") && !is_country("pe"));
        assert!(is_currency("PEN") && is_currency("BOB") && !is_currency("ABC"));
        assert_eq!(defaults_for("BO"), Some(("BOB", "America/La_Paz")));
    }
}
