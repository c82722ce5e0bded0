//! The studio's configuration (`/api/config`): every key round-trips and resets, bad values
//! are named and write nothing, the studio's details change its catalog entry and every
//! instance sees a change at once, backups restore exactly (and a bad one writes nothing),
//! every change is audited, roles, and isolation between studios.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Studio, TestApp, Via, spawn_app, spawn_second_instance};

/// A value other than the default for the keys this suite knows; keys added later round-trip
/// with their current value.
fn sample(key: &str) -> Option<Value> {
    Some(match key {
        "tax_rate" => json!("16.50"),
        "prices_include_tax" => json!(false),
        "min_deposit_percent" => json!("30.00"),
        "contract_expiry_days" => json!(45),
        "reminder_lead_hours" => json!(48),
        "low_stock_threshold" => json!(12),
        "rounding_rule" => json!("ten_cents"),
        "export_locale" => json!("es-CL"),
        "studio_legal_name" => json!("Foto Acme S.A.C."),
        "studio_address" => json!("Av. Larco 345, Miraflores, Lima"),
        "studio_tax_id" => json!({"type": "ruc", "number": "20100070970"}),
        "studio_phone" => json!("+51 1 445 6789"),
        "studio_email" => json!("hola@acme.pe"),
        _ => return None,
    })
}

async fn setting(app: &TestApp, s: &Studio, key: &str) -> Value {
    let reply = app.as_studio(s, Method::GET, &format!("/api/config/{key}")).send().await;
    reply.assert(200);
    reply.body
}

async fn put(app: &TestApp, s: &Studio, key: &str, value: Value) -> crate::helpers::Reply {
    app.as_studio(s, Method::PUT, &format!("/api/config/{key}")).json(json!({"value": value})).send().await
}

/// Rows in the studio's settings table.
async fn stored_rows(app: &TestApp, slug: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM t_{}.settings", slug.replace('-', "_"));
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut app.raw().await).await.unwrap()
}

#[tokio::test]
async fn every_key_round_trips_resets_and_is_audited() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let list = app.as_studio(&s, Method::GET, "/api/config").send().await;
    list.assert(200);
    let keys = list.body.as_array().unwrap().clone();
    assert!(keys.len() >= 13, "{keys:?}");
    for entry in &keys {
        let key = entry["key"].as_str().unwrap();
        assert_eq!(entry["is_default"], true, "{key} starts at its default");
        assert!(!entry["description"].as_str().unwrap().is_empty(), "{key} says what it means");
        let value = sample(key).unwrap_or_else(|| entry["value"].clone());
        let reply = put(&app, &s, key, value.clone()).await;
        reply.assert(200);
        assert_eq!(reply.body["value"], value, "{key}");
        let read = setting(&app, &s, key).await;
        assert_eq!((&read["value"], &read["is_default"]), (&value, &json!(false)), "{key}");
    }
    assert_eq!(stored_rows(&app, "acme").await, keys.len() as i64);
    // The defaults of Peru.
    let tax = setting(&app, &s, "tax_rate").await;
    assert_eq!(tax["default_value"], "18.00");
    let reset = app.as_studio(&s, Method::DELETE, "/api/config/tax_rate").send().await;
    reset.assert(200);
    assert_eq!((&reset.body["value"], &reset.body["is_default"]), (&json!("18.00"), &json!(true)));
    let cleared = put(&app, &s, "studio_phone", Value::Null).await;
    assert_eq!(cleared.assert(200).body["value"], Value::Null, "null clears an optional key");

    let actions = app.audit_actions("acme").await;
    assert_eq!(actions.iter().filter(|a| *a == "setting.updated").count(), keys.len() + 1);
    assert!(actions.iter().any(|a| a == "setting.reset"));
    let trail = app.as_studio(&s, Method::GET, "/api/audit?entity_id=tax_rate").send().await;
    let newest = &trail.assert(200).body["results"][0];
    assert_eq!(newest["action"], "setting.reset");
    assert_eq!(newest["changes"], json!({"before": {"tax_rate": "16.50"}, "after": {"tax_rate": "18.00"}}));
}

#[tokio::test]
async fn bad_values_are_refused_naming_the_key_and_write_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let cases = [
        ("contract_expiry_days", json!("soon")),
        ("contract_expiry_days", json!(0)),
        ("reminder_lead_hours", json!(10_000)),
        ("low_stock_threshold", json!(-1)),
        ("tax_rate", json!(18.5)),
        ("tax_rate", json!("150")),
        ("min_deposit_percent", json!("12.345")),
        ("prices_include_tax", json!("yes")),
        ("export_locale", json!("fr-FR")),
        ("rounding_rule", json!("sometimes")),
        ("studio_tax_id", json!({"type": "ruc", "number": "20100070971"})),
        ("studio_tax_id", json!({"type": "dni", "number": "46779354"})),
        ("studio_email", json!("nope")),
        ("studio_phone", json!("call me")),
        ("studio_address", json!("x".repeat(301))),
    ];
    for (key, value) in cases {
        let reply = put(&app, &s, key, value.clone()).await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), [key], "{key} = {value}");
    }
    put(&app, &s, "no_such_key", json!(1)).await.assert_problem(404, "not_found");
    app.as_studio(&s, Method::GET, "/api/config/no_such_key").send().await.assert_problem(404, "not_found");
    app.as_studio(&s, Method::DELETE, "/api/config/no_such_key").send().await.assert_problem(404, "not_found");
    let not_json = app.as_studio(&s, Method::PUT, "/api/config/tax_rate").send().await;
    assert!(not_json.status.is_client_error(), "{}", not_json.status);

    let system = |body: Value| app.as_studio(&s, Method::PUT, "/api/config/system").json(body).send();
    let reply = system(json!({"timezone": "Mars/Olympus_Mons"})).await;
    assert_eq!(reply.assert_problem(422, "validation_failed").fields(), ["timezone"]);
    let reply = system(json!({"currency": "XYZ", "tax_rate": "150", "name": " "})).await;
    assert_eq!(reply.assert(422).fields(), ["name", "currency", "tax_rate"]);
    system(json!({"tax_rate": 18.5})).await.assert_problem(400, "invalid_body");

    assert_eq!(stored_rows(&app, "acme").await, 0, "nothing was written");
    let details = app.as_studio(&s, Method::GET, "/api/config/system").send().await;
    assert_eq!((&details.body["currency"], &details.body["timezone"]), (&json!("PEN"), &json!("America/Lima")));
    assert!(!app.audit_actions("acme").await.iter().any(|a| a.starts_with("setting")));
}

/// Polls `check` for up to two seconds (a catalog change reaches other instances by
/// notification).
async fn eventually(mut check: impl AsyncFnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn the_studios_details_change_its_catalog_entry_and_every_instance_sees_changes_at_once() {
    let first = spawn_app().await;
    let s = first.studio("acme").await;
    let second = spawn_second_instance(&first).await;
    // The second instance has the studio cached, and reads the alerts once.
    second.as_studio(&s, Method::GET, "/api/config/system").send().await.assert(200);
    let alerts = second.as_studio(&s, Method::GET, "/api/config/alerts").send().await;
    assert_eq!(alerts.assert(200).body["low_stock_threshold"], 5);

    let reply = first
        .as_studio(&s, Method::PUT, "/api/config/system")
        .json(json!({
            "name": "Foto Acme", "currency": "usd", "timezone": "America/La_Paz",
            "tax_rate": "13", "studio_address": "Calle Comercio 100, La Paz",
            "studio_tax_id": {"type": "nit", "number": "1020703023"}
        }))
        .send()
        .await;
    reply.assert(200);
    assert_eq!(reply.body["currency"], "USD");
    assert_eq!(reply.body["tax_rate"], "13.00");
    assert_eq!(reply.body["country"], "PE", "the country stays the operators'");
    let current = first.as_studio(&s, Method::GET, "/api/tenants/current").send().await;
    assert_eq!((&current.body["name"], &current.body["timezone"]), (&json!("Foto Acme"), &json!("America/La_Paz")));

    put(&first, &s, "low_stock_threshold", json!(2)).await.assert(200);
    let alerts = second.as_studio(&s, Method::GET, "/api/config/alerts").send().await;
    assert_eq!(alerts.body["low_stock_threshold"], 2, "a key is read from the studio's table on every use");
    let seen = eventually(async || {
        let details = second.as_studio(&s, Method::GET, "/api/config/system").send().await;
        details.body["currency"] == "USD" && details.body["timezone"] == "America/La_Paz"
    })
    .await;
    assert!(seen, "the second instance sees the catalog change within a second or two");
    let details = second.as_studio(&s, Method::GET, "/api/config/system").send().await;
    assert_eq!(details.body["studio_address"], "Calle Comercio 100, La Paz");

    let trail = first.as_studio(&s, Method::GET, "/api/audit/action/settings.system_updated").send().await;
    let changes = &trail.assert(200).body["results"][0]["changes"];
    assert_eq!(changes["before"]["currency"], "PEN");
    assert_eq!(changes["after"]["currency"], "USD");
    assert_eq!(changes["after"]["studio_tax_id"], json!({"type": "nit", "number": "1020703023"}));
    assert!(changes["before"].get("prices_include_tax").is_none(), "only what changed");
}

#[tokio::test]
async fn a_backup_restores_the_configuration_it_was_taken_from() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    put(&app, &s, "export_locale", json!("en-US")).await.assert(200);
    put(&app, &s, "studio_tax_id", json!({"type": "ruc", "number": "20100070970"})).await.assert(200);
    let list_before = app.as_studio(&s, Method::GET, "/api/config").send().await.body;
    let backup = app.as_studio(&s, Method::GET, "/api/config/backup").send().await;
    backup.assert(200);
    assert_eq!(backup.body["format"], 1);
    assert_eq!(backup.body["studio"]["currency"], "PEN");
    assert_eq!(backup.body["settings"].as_object().unwrap().len(), 2, "only what the studio set");

    put(&app, &s, "export_locale", json!("es-BO")).await.assert(200);
    put(&app, &s, "contract_expiry_days", json!(90)).await.assert(200);
    let system = json!({"currency": "BOB", "timezone": "America/La_Paz"});
    app.as_studio(&s, Method::PUT, "/api/config/system").json(system).send().await.assert(200);

    let restored = app.as_studio(&s, Method::PUT, "/api/config/backup").json(backup.body.clone()).send().await;
    restored.assert(200);
    assert_eq!(restored.body["settings"], backup.body["settings"]);
    assert_eq!(restored.body["studio"], backup.body["studio"]);
    let list_after = app.as_studio(&s, Method::GET, "/api/config").send().await.body;
    assert_eq!(list_after, list_before, "values and default flags as they were");
    assert!(app.audit_actions("acme").await.iter().any(|a| a == "settings.restored"));
}

#[tokio::test]
async fn a_restore_with_one_bad_key_writes_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    put(&app, &s, "low_stock_threshold", json!(7)).await.assert(200);
    let mut backup = app.as_studio(&s, Method::GET, "/api/config/backup").send().await.body;
    backup["settings"] = json!({"low_stock_threshold": 1, "export_locale": "xx-XX", "no_such_key": true});
    backup["studio"]["currency"] = json!("BOB");
    let reply = app.as_studio(&s, Method::PUT, "/api/config/backup").json(backup.clone()).send().await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.fields(), ["export_locale", "no_such_key"]);
    backup["settings"] = json!({});
    backup["format"] = json!(2);
    let reply = app.as_studio(&s, Method::PUT, "/api/config/backup").json(backup).send().await;
    assert_eq!(reply.assert(422).fields(), ["format"]);

    assert_eq!(setting(&app, &s, "low_stock_threshold").await["value"], 7);
    let details = app.as_studio(&s, Method::GET, "/api/config/system").send().await;
    assert_eq!(details.body["currency"], "PEN");
    assert!(!app.audit_actions("acme").await.iter().any(|a| a == "settings.restored"));
}

#[tokio::test]
async fn admins_change_managers_and_accountants_read_and_staff_read_only_the_studios_details() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let as_role = async |role: &str| Studio { token: app.user_with_role(&s, role).await, ..s.clone() };
    let (manager, accountant, staff) = (as_role("manager").await, as_role("accountant").await, as_role("staff").await);
    for reader in [&manager, &accountant] {
        for path in ["/api/config", "/api/config/system", "/api/config/alerts", "/api/config/tax_rate"] {
            app.as_studio(reader, Method::GET, path).send().await.assert(200);
        }
        put(&app, reader, "tax_rate", json!("10")).await.assert_problem(403, "forbidden");
        app.as_studio(reader, Method::GET, "/api/config/backup").send().await.assert_problem(403, "forbidden");
        let system = app.as_studio(reader, Method::PUT, "/api/config/system").json(json!({"name": "X"}));
        system.send().await.assert_problem(403, "forbidden");
    }
    app.as_studio(&staff, Method::GET, "/api/config/system").send().await.assert(200);
    for path in ["/api/config", "/api/config/alerts", "/api/config/tax_rate"] {
        app.as_studio(&staff, Method::GET, path).send().await.assert_problem(403, "forbidden");
    }
    app.as_studio(&staff, Method::DELETE, "/api/config/tax_rate").send().await.assert_problem(403, "forbidden");
    assert_eq!(stored_rows(&app, "acme").await, 0);
}

#[tokio::test]
async fn a_studios_configuration_never_shows_in_nor_changes_another() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("bravo").await;
    put(&app, &a, "studio_address", json!("Av. Acme 1")).await.assert(200);
    let system = json!({"name": "Acme Renamed", "currency": "USD"});
    app.as_studio(&a, Method::PUT, "/api/config/system").json(system).send().await.assert(200);

    let theirs = app.as_studio(&b, Method::GET, "/api/config/system").send().await;
    assert_eq!(theirs.body["studio_address"], Value::Null);
    assert_eq!((&theirs.body["name"], &theirs.body["currency"]), (&json!("Estudio bravo"), &json!("PEN")));
    assert_eq!(app.as_studio(&b, Method::GET, "/api/config/backup").send().await.body["settings"], json!({}));
    // B's token at A's studio, by header and by host.
    let at_a = |method: Method, path: &str| app.call(method, path).token(&b.token);
    at_a(Method::GET, "/api/config/system").via(Via::Header("acme".into())).send().await.assert(401);
    let host = Via::Host("acme.fotostudio.localhost".into());
    at_a(Method::PUT, "/api/config/studio_address")
        .via(host)
        .json(json!({"value": "B was here"}))
        .send()
        .await
        .assert(401);
    let restore = json!({"format": 1, "settings": {"studio_address": "B was here"}});
    at_a(Method::PUT, "/api/config/backup").via(Via::Header("acme".into())).json(restore).send().await.assert(401);
    assert_eq!(setting(&app, &a, "studio_address").await["value"], "Av. Acme 1");
    // B's own change stays B's.
    put(&app, &b, "studio_address", json!("Av. Bravo 2")).await.assert(200);
    assert_eq!(setting(&app, &a, "studio_address").await["value"], "Av. Acme 1");
}

#[tokio::test]
async fn the_contract_expiry_setting_is_the_expiring_lists_default() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let school = app.create_client(&s, json!({"kind": "school", "name": "Colegio Los Andes"})).await;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Lima).date_naive();
    let ends_on = today + chrono::Days::new(40);
    let body = json!({
        "school_id": school, "title": "Promoción", "academic_year": chrono::Datelike::year(&today),
        "starts_on": (today - chrono::Days::new(10)).to_string(), "ends_on": ends_on.to_string()
    });
    let created = app.as_studio(&s, Method::POST, "/api/contracts").json(body).send().await;
    let id = created.assert(201).body["id"].as_str().unwrap().to_owned();
    let activate = app.as_studio(&s, Method::POST, &format!("/api/contracts/{id}/status"));
    activate.json(json!({"status": "active"})).send().await.assert(200);
    let expiring =
        async || app.as_studio(&s, Method::GET, "/api/contracts/expiring").send().await.body["count"].clone();
    assert_eq!(expiring().await, 0, "30 days by default");
    put(&app, &s, "contract_expiry_days", json!(45)).await.assert(200);
    assert_eq!(expiring().await, 1, "45 days once the studio says so");
}
