//! The calendar and the list: local days and offsets across Chile's daylight-saving change,
//! filters, order, pages, and the ranges they refuse.

use reqwest::Method;
use serde_json::json;

use super::{book, booking, read, replace, starts, user_id, with};
use crate::contracts::studio_in;
use crate::helpers::{individual, spawn_app};

#[tokio::test]
async fn the_santiago_calendar_shows_each_side_of_the_april_dst_change_with_its_own_offset() {
    let app = spawn_app().await;
    let s = studio_in(&app, "santiago", "America/Santiago").await;
    // Chile leaves summer time (-03) for winter time (-04) as Sunday 2026-04-05 begins: the
    // clock goes from 24:00 back to 23:00, so 23:30 of Saturday happens twice.
    let saturday = book(&app, &s, booking("Sábado", "2026-04-04T09:00:00-03:00", "2026-04-04T10:00:00-03:00")).await;
    let late_first = book(&app, &s, booking("23:30 (1ª)", "2026-04-05T02:30:00Z", "2026-04-05T03:00:00Z")).await;
    let late_again = book(&app, &s, booking("23:30 (2ª)", "2026-04-05T03:30:00Z", "2026-04-05T04:00:00Z")).await;
    let past_midnight = book(&app, &s, booking("00:30", "2026-04-05T04:30:00Z", "2026-04-05T05:00:00Z")).await;
    let sunday = book(&app, &s, booking("Domingo", "2026-04-05T13:00:00Z", "2026-04-05T14:00:00Z")).await;
    assert_eq!(saturday["starts_at"], "2026-04-04T09:00:00-03:00");
    assert_eq!(late_first["starts_at"], "2026-04-04T23:30:00-03:00");
    assert_eq!(late_again["starts_at"], "2026-04-04T23:30:00-04:00", "the repeated half hour, second time");
    assert_eq!(past_midnight["starts_at"], "2026-04-05T00:30:00-04:00");
    assert_eq!(sunday["starts_at"], "2026-04-05T09:00:00-04:00", "09:00 on Sunday is -04");

    let saturday_only = read(&app, &s, "/api/appointments/calendar?from=2026-04-04&to=2026-04-04").await;
    assert_eq!(saturday_only["timezone"], "America/Santiago");
    assert_eq!(
        starts(&saturday_only["appointments"]),
        ["2026-04-04T09:00:00-03:00", "2026-04-04T23:30:00-03:00", "2026-04-04T23:30:00-04:00"],
        "Saturday has 25 hours and keeps both 23:30s"
    );
    let sunday_only = read(&app, &s, "/api/appointments/calendar?from=2026-04-05&to=2026-04-05").await;
    assert_eq!(starts(&sunday_only["appointments"]), ["2026-04-05T00:30:00-04:00", "2026-04-05T09:00:00-04:00"]);
    let both = read(&app, &s, "/api/appointments/calendar?from=2026-04-04&to=2026-04-05").await;
    assert_eq!(both["count"], 5);
    // The list reads `from`/`to` as the same local days.
    let listed = read(&app, &s, "/api/appointments?from=2026-04-05&to=2026-04-05").await;
    assert_eq!(starts(&listed["results"]), starts(&sunday_only["appointments"]));
}

#[tokio::test]
async fn the_calendar_keeps_one_staff_member_or_resource_and_leaves_cancelled_appointments_out() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let admin = user_id(&app, &s, &s.token).await;
    let staff = user_id(&app, &s, &app.user_with_role(&s, "staff").await).await;
    let at = |title: &str, day: u32, who: &str, room: &str| {
        let body =
            booking(title, &format!("2030-06-{day:02}T10:00:00-05:00"), &format!("2030-06-{day:02}T11:00:00-05:00"));
        with(with(body, "staff_id", json!(who)), "resource", json!(room))
    };
    book(&app, &s, at("A", 3, &admin, "Estudio 1")).await;
    book(&app, &s, at("B", 3, &staff, "Estudio 2")).await;
    book(&app, &s, at("C", 4, &staff, "Estudio 1")).await;
    let cancelled = book(&app, &s, at("D", 5, &admin, "Estudio 2")).await;
    replace(&app, &s, &cancelled["id"], with(at("D", 5, &admin, "Estudio 2"), "status", json!("cancelled")))
        .await
        .assert(200);
    book(&app, &s, at("Fuera de rango", 10, &admin, "Estudio 1")).await;

    let titles = |calendar: &serde_json::Value| -> Vec<String> {
        calendar["appointments"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_owned()).collect()
    };
    let range = "/api/appointments/calendar?from=2030-06-03&to=2030-06-09";
    assert_eq!(titles(&read(&app, &s, range).await), ["A", "B", "C"]);
    assert_eq!(titles(&read(&app, &s, &format!("{range}&staff={staff}")).await), ["B", "C"]);
    assert_eq!(titles(&read(&app, &s, &format!("{range}&resource=estudio%201")).await), ["A", "C"]);
    assert_eq!(
        titles(&read(&app, &s, &format!("{range}&staff={admin}&resource=Estudio%202")).await),
        Vec::<String>::new()
    );
    let listed = read(&app, &s, "/api/appointments?from=2030-06-03&to=2030-06-09&status=cancelled").await;
    assert_eq!(listed["count"], 1, "the list still has the cancelled one");
}

#[tokio::test]
async fn an_appointment_begun_the_day_before_shows_on_every_day_it_reaches_and_no_other() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    // The longest an appointment may last, starting the morning before the day asked for.
    book(&app, &s, booking("Cobertura de 24 horas", "2030-06-02T10:00:00-05:00", "2030-06-03T10:00:00-05:00")).await;
    book(&app, &s, booking("Hasta medianoche", "2030-06-02T22:00:00-05:00", "2030-06-03T00:00:00-05:00")).await;
    book(&app, &s, booking("Mañana", "2030-06-03T09:00:00-05:00", "2030-06-03T09:30:00-05:00")).await;
    let titles = |listed: &serde_json::Value| -> Vec<String> {
        listed.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_owned()).collect()
    };
    let monday = read(&app, &s, "/api/appointments/calendar?from=2030-06-03&to=2030-06-03").await;
    assert_eq!(titles(&monday["appointments"]), ["Cobertura de 24 horas", "Mañana"], "one ending at midnight is not");
    let listed = read(&app, &s, "/api/appointments?from=2030-06-03&to=2030-06-03").await;
    assert_eq!(titles(&listed["results"]), titles(&monday["appointments"]));
    let sunday = read(&app, &s, "/api/appointments/calendar?from=2030-06-02&to=2030-06-02").await;
    assert_eq!(titles(&sunday["appointments"]), ["Cobertura de 24 horas", "Hasta medianoche"]);
}

#[tokio::test]
async fn calendar_and_list_ranges_must_be_ordered_plausible_and_the_calendar_at_most_62_days() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let refused = [
        ("from=2030-06-10&to=2030-06-03", "to"),
        ("from=2030-01-01&to=2030-04-10", "to"),
        ("from=2030-01-01&to=2030-03-04", "to"),
        ("from=1900-01-01&to=2030-01-02", "from"),
        ("from=2030-01-01&to=3000-01-01", "to"),
    ];
    for (query, field) in refused {
        let reply = app.as_studio(&s, Method::GET, &format!("/api/appointments/calendar?{query}")).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), [field], "{query}");
    }
    read(&app, &s, "/api/appointments/calendar?from=2030-01-01&to=2030-03-03").await; // 62 days
    for query in [
        "from=2030-02-30&to=2030-03-01",
        "from=2030-01-01",
        "to=2030-01-01",
        "from=ayer&to=hoy",
        "from=2030-01-01&to=2030-01-02&staff=nadie",
    ] {
        let reply = app.as_studio(&s, Method::GET, &format!("/api/appointments/calendar?{query}")).send().await;
        reply.assert_problem(400, "invalid_parameter");
    }
    // The list takes any ordered, plausible range (it has pages).
    read(&app, &s, "/api/appointments?from=2030-01-01&to=2030-12-31").await;
    let reversed = app.as_studio(&s, Method::GET, "/api/appointments?from=2030-06-10&to=2030-06-03").send().await;
    assert_eq!(reversed.assert_problem(422, "validation_failed").fields(), ["to"]);
    let absurd = app.as_studio(&s, Method::GET, "/api/appointments?from=1900-01-01").send().await;
    assert_eq!(absurd.assert_problem(422, "validation_failed").fields(), ["from"]);
}

#[tokio::test]
async fn the_list_filters_pages_and_orders_by_start() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Luis Fernández")).await;
    let staff = user_id(&app, &s, &app.user_with_role(&s, "staff").await).await;
    // Booked latest first, so the order is the list's own.
    for day in (1..=25).rev() {
        let mut body = booking(
            &format!("Sesión {day}"),
            &format!("2030-07-{day:02}T10:00:00-05:00"),
            &format!("2030-07-{day:02}T11:00:00-05:00"),
        );
        if day % 5 == 0 {
            body =
                with(with(with(body, "kind", json!("delivery")), "client_id", json!(client)), "staff_id", json!(staff));
        }
        if day % 2 == 0 {
            body = with(body, "resource", json!("Estudio 1"));
        }
        book(&app, &s, body).await;
    }
    let first = read(&app, &s, "/api/appointments?page_size=10").await;
    assert_eq!(first["count"], 25);
    assert_eq!(first["results"][0]["title"], "Sesión 1");
    assert_eq!(first["results"][9]["title"], "Sesión 10");
    assert_eq!(first["next"], "/api/appointments?page=2&page_size=10");
    let third = read(&app, &s, "/api/appointments?page=3&page_size=10").await;
    assert_eq!(third["results"].as_array().unwrap().len(), 5);
    let count = |body: serde_json::Value| body["count"].as_i64().unwrap();
    assert_eq!(count(read(&app, &s, "/api/appointments?kind=delivery").await), 5);
    assert_eq!(count(read(&app, &s, &format!("/api/appointments?client={client}")).await), 5);
    assert_eq!(count(read(&app, &s, &format!("/api/appointments?staff={staff}&resource=ESTUDIO%201")).await), 2);
    assert_eq!(count(read(&app, &s, "/api/appointments?from=2030-07-10&to=2030-07-12").await), 3);
    assert_eq!(count(read(&app, &s, "/api/appointments?to=2030-07-03").await), 3);
    assert_eq!(count(read(&app, &s, "/api/appointments?search=sesi%C3%B3n%202").await), 7, "2 and 20–25");
    assert_eq!(count(read(&app, &s, "/api/appointments?status=scheduled").await), 25);
    assert_eq!(count(read(&app, &s, "/api/appointments?status=cancelled").await), 0);
    for query in ["status=postponed", "kind=party", "client=nadie", "from=2030-13-01", "page_size=abc"] {
        let reply = app.as_studio(&s, Method::GET, &format!("/api/appointments?{query}")).send().await;
        reply.assert_problem(400, "invalid_parameter");
    }
    let too_long =
        app.as_studio(&s, Method::GET, &format!("/api/appointments?resource={}", "x".repeat(81))).send().await;
    assert!(too_long.status.is_client_error(), "{}", too_long.body);
}
