//! Rosters: every accepted file shape imports and reads back, re-imports update by student
//! id, a bad row or a bad file imports nothing, hand edits, and the class list file.

use reqwest::Method;
use serde_json::json;

use super::{HEADER, active_contract, csv_text, import, latin1, roster, students};
use crate::helpers::spawn_app;

/// An XLSX roster built the way a spreadsheet program saves one: student ids and phones as
/// numbers, a header in English with odd case, the table starting at B2.
fn xlsx(rows: &[[String; 7]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = ["STUDENT ID", "Name", "grade", "Class", "Guardian Name", "guardian_phone", "Guardian e-mail"];
    for (col, title) in header.iter().enumerate() {
        sheet.write_string(1, col as u16 + 1, *title).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        // Numeric ids and phones, as a spreadsheet stores what looks like a number.
        sheet.write_number(r, 1, row[0].trim_start_matches('A').parse::<f64>().unwrap() + 20_260_000.0).unwrap();
        for (col, cell) in row.iter().enumerate().skip(1) {
            if col == 5 {
                sheet.write_number(r, 6, 987_000_000.0 + i as f64).unwrap();
            } else {
                sheet.write_string(r, col as u16 + 1, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn utf8_and_latin1_csv_with_commas_or_semicolons_and_xlsx_all_import_and_read_back() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let rows = students(3);
    let utf8_bom = format!("\u{FEFF}{}", csv_text(&HEADER, &rows, ';'));
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("utf8-comma.csv", csv_text(&HEADER, &rows, ',').into_bytes()),
        ("utf8-bom-semicolon.csv", utf8_bom.into_bytes()),
        ("latin1-semicolon.csv", latin1(&csv_text(&HEADER, &rows, ';'))),
        ("latin1-comma.csv", latin1(&csv_text(&HEADER, &rows, ','))),
    ];
    for (name, bytes) in files {
        let contract = active_contract(&app, &s, None, "0", "10").await;
        let report = import(&app, &s, &contract, bytes, name).await;
        report.assert(200);
        assert_eq!(
            report.body,
            json!({"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "students": 3}),
            "{name}"
        );
        let listed = roster(&app, &s, &contract).await;
        assert_eq!(listed.len(), 3, "{name}");
        let first = &listed[0];
        assert_eq!(first["student_id"], "A0001", "{name}");
        assert_eq!(first["name"], "Peña Núñez, María José 1", "{name}: accents survive");
        assert_eq!(first["grade"], "5to");
        assert_eq!(first["section"], "A");
        assert_eq!(first["guardian_name"], "Rosa Núñez 1");
        assert_eq!(first["guardian_phone"], "+51 987 000001");
        assert_eq!(first["guardian_email"], "familia1@correo.pe");
        assert_eq!(first["access_code"].as_str().unwrap().len(), 8);
        assert_eq!(listed[2]["section"], "B", "class order: grade, section, name");
    }

    let contract = active_contract(&app, &s, None, "0", "10").await;
    let report = import(&app, &s, &contract, xlsx(&rows), "lista.xlsx").await;
    report.assert(200);
    assert_eq!(report.body["created"], 3);
    let listed = roster(&app, &s, &contract).await;
    assert_eq!(listed[0]["student_id"], "20260001", "a numeric id reads without its .0");
    assert_eq!(listed[0]["guardian_phone"], "987000000");
    assert_eq!(listed[0]["name"], "Peña Núñez, María José 1");
    assert_eq!(listed[2]["section"], "B");
    assert!(app.audit_actions("acme").await.iter().filter(|a| *a == "roster.imported").count() == 5);
}

#[tokio::test]
async fn reimporting_updates_students_by_student_id_and_keeps_their_codes() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let contract = active_contract(&app, &s, None, "0", "10").await;
    let mut rows = students(4);
    import(&app, &s, &contract, csv_text(&HEADER, &rows, ',').into_bytes(), "v1.csv").await.assert(200);
    let before = roster(&app, &s, &contract).await;

    rows[1][5] = "+51 999 111 222".to_owned();
    rows[3][3] = "C".to_owned();
    rows.push(students(5)[4].clone());
    let report = import(&app, &s, &contract, csv_text(&HEADER, &rows, ';').into_bytes(), "v2.csv").await;
    report.assert(200);
    assert_eq!(report.body, json!({"rows": 5, "created": 1, "updated": 2, "unchanged": 2, "students": 5}));
    let after = roster(&app, &s, &contract).await;
    assert_eq!(after.len(), 5, "no duplicates");
    for old in &before {
        let new = after.iter().find(|n| n["student_id"] == old["student_id"]).unwrap();
        assert_eq!(new["access_code"], old["access_code"], "codes stay");
        assert_eq!(new["id"], old["id"]);
    }
    let changed = after.iter().find(|n| n["student_id"] == "A0002").unwrap();
    assert_eq!(changed["guardian_phone"], "+51 999 111 222");

    // A file with fewer students removes nobody.
    let report = import(&app, &s, &contract, csv_text(&HEADER, &rows[..1], ',').into_bytes(), "v3.csv").await;
    assert_eq!(report.body["unchanged"], 1);
    assert_eq!(report.body["students"], 5);
}

#[tokio::test]
async fn a_file_with_one_bad_row_imports_nothing_and_names_its_line_and_column() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let contract = active_contract(&app, &s, None, "0", "10").await;
    let mut rows = students(9);
    rows[4][5] = "llamar a la mamá".to_owned();
    let reply = import(&app, &s, &contract, csv_text(&HEADER, &rows, ',').into_bytes(), "lista.csv").await;
    reply.assert_problem(422, "validation_failed");
    // Header on line 1, so the fifth student is on line 6.
    assert_eq!(reply.fields(), ["line 6, column guardian_phone"]);
    assert!(roster(&app, &s, &contract).await.is_empty(), "nothing half-imported");

    // The same on a roster that already has students: none of them changes.
    let good = students(3);
    import(&app, &s, &contract, csv_text(&HEADER, &good, ',').into_bytes(), "ok.csv").await.assert(200);
    let mut bad = students(4);
    bad[0][1] = "Otro Nombre".to_owned();
    bad[3][2] = String::new();
    let reply = import(&app, &s, &contract, csv_text(&HEADER, &bad, ';').into_bytes(), "bad.csv").await;
    assert_eq!(reply.fields(), ["line 5, column grade"]);
    let listed = roster(&app, &s, &contract).await;
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["name"], "Peña Núñez, María José 1", "the good row of a bad file changed nothing");
}

#[tokio::test]
async fn malformed_empty_header_only_incomplete_and_oversize_files_are_refused() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let contract = active_contract(&app, &s, None, "0", "10").await;
    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let no_grade = csv_text(&["codigo", "nombre", "seccion", "x", "y", "z", "w"], &students(2), ',');
    let many = csv_text(&HEADER, &students(5_001), ',');
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("binary junk", junk, 422, "file"),
        ("empty", Vec::new(), 422, "file"),
        ("header only", "codigo;nombre;grado\r\n".into(), 422, "file"),
        ("missing column", no_grade.into_bytes(), 422, "line 1, column grade"),
        ("a broken XLSX", b"PK\x03\x04not really a zip".to_vec(), 422, "file"),
        ("an old .xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest".to_vec(), 422, "file"),
        ("5001 students", many.into_bytes(), 422, "file"),
        ("over 2 MiB", vec![b'a'; 2 * 1024 * 1024 + 10], 413, ""),
    ];
    for (why, bytes, status, field) in cases {
        let reply = import(&app, &s, &contract, bytes, "roster.csv").await;
        assert_eq!(reply.status.as_u16(), status, "{why}: {}", reply.body);
        if status == 422 {
            assert_eq!(reply.fields().first().map(String::as_str), Some(field), "{why}: {}", reply.body);
        } else {
            assert_eq!(reply.code(), "payload_too_large", "{why}");
        }
    }
    // No `file` field at all.
    let response = app
        .http
        .post(format!("{}/api/contracts/{contract}/roster/import", app.base_url))
        .header("X-Tenant", "acme")
        .bearer_auth(&s.token)
        .multipart(reqwest::multipart::Form::new().text("archivo", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(roster(&app, &s, &contract).await.is_empty());
}

#[tokio::test]
async fn students_are_added_edited_and_removed_by_hand_and_audited() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let contract = active_contract(&app, &s, None, "0", "10").await;
    let base = format!("/api/contracts/{contract}/roster");
    let body = json!({"student_id": "B-17", "name": "Quispe Mamani, Ana", "grade": "3ro", "section": "A"});
    let added = app.as_studio(&s, Method::POST, &base).json(body.clone()).send().await;
    added.assert(201);
    assert_eq!(added.headers["location"], format!("{base}/B-17"));
    let code = added.body["access_code"].as_str().unwrap().to_owned();
    app.as_studio(&s, Method::POST, &base).json(body).send().await.assert_problem(409, "conflict");

    let changed = json!({"student_id": "B-17", "name": "Quispe Mamani, Ana Lucía", "grade": "3ro",
                         "guardian_email": "no-es-correo"});
    let refused = app.as_studio(&s, Method::PUT, &format!("{base}/B-17")).json(changed.clone()).send().await;
    assert_eq!(refused.fields(), ["guardian_email"]);
    let mut changed = changed;
    changed["guardian_email"] = json!("Rosa@Correo.pe");
    let put = app.as_studio(&s, Method::PUT, &format!("{base}/B-17")).json(changed).send().await;
    put.assert(200);
    assert_eq!(put.body["access_code"], code, "the code stays");
    assert_eq!(put.body["guardian_email"], "rosa@correo.pe");
    assert_eq!(put.body["section"], json!(null));

    app.as_studio(&s, Method::GET, &format!("{base}/B-17")).send().await.assert(200);
    app.as_studio(&s, Method::GET, &format!("{base}/nobody")).send().await.assert_problem(404, "not_found");
    app.as_studio(&s, Method::DELETE, &format!("{base}/B-17")).send().await.assert(204);
    app.as_studio(&s, Method::GET, &format!("{base}/B-17")).send().await.assert_problem(404, "not_found");
    let actions = app.audit_actions("acme").await;
    for action in ["roster_student.created", "roster_student.updated", "roster_student.deleted"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }

    // A closed contract's roster no longer changes.
    super::set_status(&app, &s, &contract, "completed").await;
    let late = json!({"student_id": "C1", "name": "Luis", "grade": "1ro"});
    app.as_studio(&s, Method::POST, &base).json(late).send().await.assert_problem(409, "contract_closed");
}

#[tokio::test]
async fn the_class_list_is_a_csv_file_that_parses_back_with_every_code() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (contract, listed) = super::contract_with_students(&app, &s, 30).await;
    let response = app
        .http
        .get(format!("{}/api/contracts/{contract}/roster?format=csv", app.base_url))
        .header("X-Tenant", "acme")
        .bearer_auth(&s.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let number = app.as_studio(&s, Method::GET, &format!("/api/contracts/{contract}")).send().await.body["number"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(response.headers()["content-disposition"], format!("attachment; filename=\"roster-{number}.csv\""));
    let bytes = response.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");

    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, ["grado", "seccion", "codigo", "nombre", "apoderado", "telefono", "correo", "codigo_acceso"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 30);
    for student in &listed {
        let line = records.iter().find(|r| r[2] == *student["student_id"].as_str().unwrap()).unwrap();
        assert_eq!(&line[7], student["access_code"].as_str().unwrap());
        assert_eq!(&line[3], student["name"].as_str().unwrap());
    }

    // One class only, and the file imports back unchanged.
    let section_b = app.as_studio(&s, Method::GET, &format!("/api/contracts/{contract}/roster?section=B")).send().await;
    assert_eq!(section_b.body["count"], 15);
    let again = import(&app, &s, &contract, bytes, "exported.csv").await;
    assert_eq!(again.body, json!({"rows": 30, "created": 0, "updated": 0, "unchanged": 30, "students": 30}));
}
