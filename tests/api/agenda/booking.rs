//! Booking, replacing and deleting; the double bookings the exclusion constraints refuse,
//! also when the bookings race; what frees a slot.

use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use super::{book, booking, count, read, replace, try_book, user_id, with};
use crate::helpers::{Reply, individual, spawn_app};

#[tokio::test]
async fn an_appointment_is_booked_read_replaced_and_deleted_in_the_studios_time_zone() {
    let app = spawn_app().await;
    let s = app.studio("acme").await; // Peru: America/Lima, UTC-5
    let client = app.create_client(&s, individual("Ana Quispe")).await;
    let admin = user_id(&app, &s, &s.token).await;
    let body = json!({
        "kind": "session", "title": "Sesión familiar", "client_id": client, "staff_id": admin,
        "resource": "Estudio 1", "starts_at": "2030-06-03T14:00:00Z", "ends_at": "2030-06-03T15:30:00Z",
        "location": "Av. Larco 123", "notes": "Llevar fondo blanco"
    });
    let reply = try_book(&app, &s, body.clone()).await;
    reply.assert(201);
    let made = &reply.body;
    let id = made["id"].as_str().unwrap();
    assert_eq!(reply.headers["location"], format!("/api/appointments/{id}").as_str());
    assert_eq!(made["status"], "scheduled", "booked as scheduled by default");
    assert_eq!(made["starts_at"], "2030-06-03T09:00:00-05:00", "told in the studio's time zone");
    assert_eq!(made["ends_at"], "2030-06-03T10:30:00-05:00");
    assert_eq!(made["client_name"], "Ana Quispe");
    assert_eq!(made["staff_id"], admin.as_str());
    assert_eq!(made["resource"], "Estudio 1");
    assert_eq!(&read(&app, &s, &format!("/api/appointments/{id}")).await, made);

    let changed = json!({"title": "Sesión familiar (8 personas)", "status": "confirmed", "resource": "Estudio 2"});
    let mut new_body = body.clone();
    new_body.as_object_mut().unwrap().extend(changed.as_object().unwrap().clone());
    let put = replace(&app, &s, &made["id"], new_body).await;
    put.assert(200);
    assert_eq!(put.body["title"], "Sesión familiar (8 personas)");
    assert_eq!((&put.body["status"], &put.body["resource"]), (&json!("confirmed"), &json!("Estudio 2")));
    let kept = replace(&app, &s, &made["id"], with(body, "notes", json!(null))).await;
    assert_eq!(kept.assert(200).body["status"], "confirmed", "a replacement without status keeps it");
    assert_eq!(kept.body["notes"], Value::Null);
    assert_eq!(count(&app, &s).await, 1);

    app.as_studio(&s, Method::DELETE, &format!("/api/appointments/{id}")).send().await.assert(204);
    app.as_studio(&s, Method::GET, &format!("/api/appointments/{id}")).send().await.assert_problem(404, "not_found");
    let actions: Vec<String> =
        app.audit_actions("acme").await.into_iter().filter(|a| a.starts_with("appointment.")).collect();
    assert_eq!(actions, ["appointment.created", "appointment.updated", "appointment.updated", "appointment.deleted"]);
}

/// Sends every body at once; answers in the same order.
async fn all_at_once(app: &crate::helpers::TestApp, s: &crate::helpers::Studio, bodies: Vec<Value>) -> Vec<Reply> {
    join_all(bodies.into_iter().map(|b| app.as_studio(s, Method::POST, "/api/appointments").json(b).send())).await
}

/// Exactly one reply won (201); every other is a 409 `schedule_conflict` naming it on `field`.
fn one_wins_and_the_rest_name_it(replies: &[Reply], field: &str) -> Value {
    let winners: Vec<&Reply> = replies.iter().filter(|r| r.status.as_u16() == 201).collect();
    assert_eq!(winners.len(), 1, "exactly one wins: {:?}", replies.iter().map(|r| &r.body).collect::<Vec<_>>());
    let winner = winners[0].body.clone();
    for loser in replies.iter().filter(|r| r.status.as_u16() != 201) {
        loser.assert_problem(409, "schedule_conflict");
        let context = &loser.body["context"];
        assert_eq!(context["field"], field, "{}", loser.body);
        assert_eq!(context["appointment_id"], winner["id"], "the loser names the winner: {}", loser.body);
        assert_eq!((&context["starts_at"], &context["ends_at"]), (&winner["starts_at"], &winner["ends_at"]));
        assert!(loser.body["detail"].as_str().unwrap().contains(winner["title"].as_str().unwrap()));
    }
    winner
}

#[tokio::test]
async fn overlapping_bookings_of_one_staff_member_sent_at_once_one_wins_and_the_others_name_it() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let staff = user_id(&app, &s, &app.user_with_role(&s, "staff").await).await;
    // Pairs on three days, then eight at once: every booking of a round overlaps every other.
    for (day, racers) in [(3, 2), (4, 2), (5, 2), (6, 8)] {
        let bodies = (0..racers)
            .map(|i| {
                let (start, end) = (
                    format!("2030-06-0{day}T10:{:02}:00-05:00", i * 2),
                    format!("2030-06-0{day}T11:{:02}:00-05:00", i * 2),
                );
                with(booking(&format!("Sesión {i}"), &start, &end), "staff_id", json!(staff))
            })
            .collect();
        one_wins_and_the_rest_name_it(&all_at_once(&app, &s, bodies).await, "staff_id");
    }
    assert_eq!(count(&app, &s).await, 4, "one per round, nothing of the losers written");
}

#[tokio::test]
async fn overlapping_bookings_of_one_resource_sent_at_once_one_wins_whatever_its_spelling() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let spellings = ["Estudio 1", "estudio 1", "ESTUDIO   1", "Estudio 1 "];
    for day in [3, 4] {
        let bodies = spellings
            .iter()
            .map(|name| {
                let body =
                    booking(name, &format!("2030-06-0{day}T15:00:00-05:00"), &format!("2030-06-0{day}T16:00:00-05:00"));
                with(body, "resource", json!(name))
            })
            .collect();
        one_wins_and_the_rest_name_it(&all_at_once(&app, &s, bodies).await, "resource");
    }
    assert_eq!(count(&app, &s).await, 2);
}

#[tokio::test]
async fn back_to_back_bookings_do_not_clash_and_cancelled_or_missed_ones_free_their_slot() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let admin = user_id(&app, &s, &s.token).await;
    let at = |title: &str, from: &str, to: &str| {
        let body = booking(title, &format!("2030-06-03T{from}:00-05:00"), &format!("2030-06-03T{to}:00-05:00"));
        with(with(body, "staff_id", json!(admin)), "resource", json!("Estudio 1"))
    };
    let first = book(&app, &s, at("Primera", "10:00", "11:00")).await;
    book(&app, &s, at("Segunda", "11:00", "12:00")).await; // starts as the first ends
    book(&app, &s, at("Antes", "09:00", "10:00")).await; // ends as the first starts
    let clash = try_book(&app, &s, at("Encima", "10:59", "11:01")).await;
    clash.assert_problem(409, "schedule_conflict");
    assert_eq!(clash.body["context"]["appointment_id"], first["id"], "the earliest in the way is named");

    replace(&app, &s, &first["id"], with(at("Primera", "10:00", "11:00"), "status", json!("cancelled")))
        .await
        .assert(200);
    book(&app, &s, at("En lugar de la primera", "10:00", "11:00")).await;
    // A missed appointment (long past) frees its slot too.
    let past = |title: &str| {
        with(
            with(booking(title, "2025-06-02T10:00:00-05:00", "2025-06-02T11:00:00-05:00"), "staff_id", json!(admin)),
            "resource",
            json!("Estudio 1"),
        )
    };
    book(&app, &s, with(past("No vino"), "status", json!("no_show"))).await;
    book(&app, &s, with(past("Atendida"), "status", json!("done"))).await;
    try_book(&app, &s, past("Otra")).await.assert_problem(409, "schedule_conflict");
    // Cancelled bookings never clash with each other.
    book(&app, &s, with(at("Cancelada 1", "10:00", "11:00"), "status", json!("cancelled"))).await;
    book(&app, &s, with(at("Cancelada 2", "10:00", "11:00"), "status", json!("cancelled"))).await;
}

#[tokio::test]
async fn reactivating_or_moving_an_appointment_into_a_taken_slot_is_a_conflict_that_changes_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let admin = user_id(&app, &s, &s.token).await;
    let at = |title: &str, from: &str, to: &str| {
        with(
            booking(title, &format!("2030-06-03T{from}:00-05:00"), &format!("2030-06-03T{to}:00-05:00")),
            "staff_id",
            json!(admin),
        )
    };
    let cancelled = book(&app, &s, with(at("Cancelada", "10:00", "11:00"), "status", json!("cancelled"))).await;
    let taker = book(&app, &s, at("Nueva", "10:30", "11:30")).await;
    let later = book(&app, &s, at("Tarde", "15:00", "16:00")).await;

    let back =
        replace(&app, &s, &cancelled["id"], with(at("Cancelada", "10:00", "11:00"), "status", json!("scheduled")))
            .await;
    back.assert_problem(409, "schedule_conflict");
    assert_eq!(back.body["context"]["appointment_id"], taker["id"]);
    assert_eq!(back.body["context"]["starts_at"], "2030-06-03T10:30:00-05:00");
    let moved = replace(&app, &s, &later["id"], at("Tarde", "11:00", "12:00")).await;
    moved.assert_problem(409, "schedule_conflict");
    assert_eq!(moved.body["context"]["appointment_id"], taker["id"]);

    let path = |a: &Value| format!("/api/appointments/{}", a["id"].as_str().unwrap());
    assert_eq!(read(&app, &s, &path(&cancelled)).await["status"], "cancelled", "still cancelled");
    assert_eq!(read(&app, &s, &path(&later)).await["starts_at"], "2030-06-03T15:00:00-05:00", "not moved");
    let updates = app.audit_actions("acme").await.into_iter().filter(|a| a == "appointment.updated").count();
    assert_eq!(updates, 0, "a refused change leaves no audit row");
    // Moving within its own slot is no clash with itself; reactivating into a free slot works.
    replace(&app, &s, &taker["id"], at("Nueva", "10:45", "11:45")).await.assert(200);
    let free =
        replace(&app, &s, &cancelled["id"], with(at("Cancelada", "08:00", "09:00"), "status", json!("confirmed")))
            .await;
    assert_eq!(free.assert(200).body["status"], "confirmed");
}

#[tokio::test]
async fn done_and_no_show_wait_for_the_appointment_to_start() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let future = booking("Mañana", "2030-06-03T10:00:00-05:00", "2030-06-03T11:00:00-05:00");
    for status in ["done", "no_show"] {
        let early = try_book(&app, &s, with(future.clone(), "status", json!(status))).await;
        early.assert_problem(422, "validation_failed");
        assert_eq!(early.fields(), ["status"]);
    }
    let made = book(&app, &s, future.clone()).await;
    let early = replace(&app, &s, &made["id"], with(future, "status", json!("no_show"))).await;
    assert_eq!(early.assert_problem(422, "validation_failed").fields(), ["status"]);
    let past = booking("Ayer", "2026-01-05T10:00:00-05:00", "2026-01-05T11:00:00-05:00");
    let made = book(&app, &s, past.clone()).await;
    assert_eq!(
        replace(&app, &s, &made["id"], with(past, "status", json!("done"))).await.assert(200).body["status"],
        "done"
    );
}
