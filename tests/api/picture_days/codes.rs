//! Access codes: 8 characters of the alphabet, unique across a studio's contracts, never
//! twice over a large roster.

use std::collections::HashSet;

use reqwest::Method;

use super::{HEADER, active_contract, csv_text, import, students};
use crate::helpers::spawn_app;

const ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Every access code of a contract's roster, page by page.
async fn codes(app: &crate::helpers::TestApp, s: &crate::helpers::Studio, contract: &str) -> Vec<String> {
    let mut codes = Vec::new();
    let mut next = Some(format!("/api/contracts/{contract}/roster?page_size=100"));
    while let Some(path) = next {
        let page = app.as_studio(s, Method::GET, &path).send().await;
        page.assert(200);
        codes.extend(
            page.body["results"].as_array().unwrap().iter().map(|s| s["access_code"].as_str().unwrap().to_owned()),
        );
        next = page.body["next"].as_str().map(str::to_owned);
    }
    codes
}

#[tokio::test]
async fn codes_are_eight_symbols_of_the_alphabet_unique_across_contracts_and_over_2000_students() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let big = active_contract(&app, &s, None, "0", "10").await;
    let small = active_contract(&app, &s, None, "0", "10").await;
    let report = import(&app, &s, &big, csv_text(&HEADER, &students(2_000), ';').into_bytes(), "big.csv").await;
    report.assert(200);
    assert_eq!(report.body["created"], 2_000);
    // The same student ids in another contract are other students, with other codes.
    import(&app, &s, &small, csv_text(&HEADER, &students(50), ',').into_bytes(), "small.csv").await.assert(200);

    let mut all = codes(&app, &s, &big).await;
    assert_eq!(all.len(), 2_000);
    all.extend(codes(&app, &s, &small).await);
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), 2_050, "no code twice in the studio");
    for code in &all {
        assert_eq!(code.len(), 8, "{code}");
        assert!(code.chars().all(|c| ALPHABET.contains(c)), "{code}");
    }
    // The database holds the rule too: one code per studio.
    let mut conn = app.raw().await;
    let taken = sqlx::query("UPDATE t_acme.roster_students SET access_code = $1 WHERE contract_id = $2")
        .bind(&all[0])
        .bind(uuid::Uuid::parse_str(&small).unwrap())
        .execute(&mut conn)
        .await;
    assert!(taken.is_err(), "the unique index refuses a second holder of a code");
}
