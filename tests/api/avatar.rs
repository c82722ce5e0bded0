//! Avatars: checked by content, bounded in size, stored under the studio's own folder with
//! a generated name, and unreachable from another studio.

use reqwest::Method;
use reqwest::multipart::{Form, Part};

use crate::helpers::{Reply, Studio, TestApp, Via, spawn_app};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9";
const WEBP: &[u8] = b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0";

async fn upload(app: &TestApp, studio: &Studio, bytes: Vec<u8>, file_name: &str, claimed_type: &str) -> Reply {
    let part = Part::bytes(bytes).file_name(file_name.to_owned()).mime_str(claimed_type).unwrap();
    let response = app
        .http
        .put(format!("{}/api/auth/profile/avatar", app.base_url))
        .header("X-Tenant", &studio.slug)
        .bearer_auth(&studio.token)
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    Reply { status, headers, body }
}

#[tokio::test]
async fn jpeg_png_and_webp_are_accepted_and_served_back() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    for (bytes, content_type) in [(JPEG, "image/jpeg"), (WEBP, "image/webp"), (PNG, "image/png")] {
        // The claimed type and name do not matter; the bytes do.
        let reply = upload(&app, &s, bytes.to_vec(), "../../../etc/passwd", "application/octet-stream").await;
        reply.assert(200);
        assert_eq!(reply.body["has_avatar"], true);
        let got = app
            .http
            .get(format!("{}/api/auth/profile/avatar", app.base_url))
            .header("X-Tenant", "acme")
            .bearer_auth(&s.token)
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), 200);
        assert_eq!(got.headers()["content-type"], content_type);
        assert_eq!(got.bytes().await.unwrap().as_ref(), bytes);
    }
    // One file left (replaced ones are removed), with a generated name, in the studio's folder.
    let folder = app.state.settings.storage.data_dir.join("tenants").join(&s.id).join("avatars");
    let files: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with(".png") && uuid::Uuid::parse_str(&files[0][..36]).is_ok(), "{files:?}");
    assert!(app.audit_actions("acme").await.contains(&"user.avatar_changed".to_owned()));
}

#[tokio::test]
async fn a_renamed_text_file_and_an_oversized_image_are_refused() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let text = upload(&app, &s, b"just some text, not a picture".to_vec(), "photo.png", "image/png").await;
    text.assert_problem(422, "validation_failed");
    assert_eq!(text.fields(), ["file"]);
    let svg = upload(&app, &s, b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), "a.svg", "image/svg+xml").await;
    svg.assert_problem(422, "validation_failed");
    let mut big = PNG.to_vec();
    big.resize(2 * 1024 * 1024 + 1, 0);
    let oversized = upload(&app, &s, big, "big.png", "image/png").await;
    assert_eq!(oversized.status.as_u16(), 413, "{}", oversized.body);
    let mut huge = PNG.to_vec();
    huge.resize(5 * 1024 * 1024, 0);
    let far_too_big = upload(&app, &s, huge, "huge.png", "image/png").await;
    assert_eq!(far_too_big.status.as_u16(), 413);
    app.as_studio(&s, Method::GET, "/api/auth/profile/avatar").send().await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn another_studio_cannot_reach_an_avatar() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    upload(&app, &a, PNG.to_vec(), "me.png", "image/png").await.assert(200);
    // B's own route shows B's (absent) avatar; A's token does not work at B.
    app.as_studio(&b, Method::GET, "/api/auth/profile/avatar").send().await.assert_problem(404, "not_found");
    app.call(Method::GET, "/api/auth/profile/avatar")
        .via(Via::Header("beta".into()))
        .token(&a.token)
        .send()
        .await
        .assert_problem(401, "unauthorized");
    assert!(!app.state.settings.storage.data_dir.join("tenants").join(&b.id).exists());
}
