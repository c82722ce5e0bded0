//! The files, read back as a person's tools would: the CSV parsed with the locale's
//! separator, the workbook opened with calamine (typed cells, formats, frozen header), the
//! PDF's text extracted with `pdftotext` and its first page rendered with `pdftoppm`.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use reqwest::Method;
use serde_json::json;

use super::fixture::{la_paz_sales, la_paz_workshop, studio_in};
use super::{Download, download};
use crate::helpers::spawn_app;

const PERIOD: &str = "from=2025-01-01&to=2025-02-28";

/// The CSV's records, after checking the BOM, read with `separator`.
fn csv_records(file: &Download, separator: u8) -> Vec<Vec<String>> {
    assert!(file.bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let mut reader = csv::ReaderBuilder::new().delimiter(separator).has_headers(false).from_reader(&file.bytes[3..]);
    let records: Vec<Vec<String>> =
        reader.records().map(|r| r.expect("RFC 4180").iter().map(str::to_owned).collect()).collect();
    let width = records[0].len();
    assert!(records.iter().all(|r| r.len() == width), "every record has the same number of fields");
    records
}

/// The records under a section's title, up to the next empty record.
fn section<'a>(records: &'a [Vec<String>], title: &str) -> &'a [Vec<String>] {
    let start = records.iter().position(|r| r[0] == title).unwrap_or_else(|| panic!("no section {title}")) + 1;
    let len = records[start..].iter().position(|r| r.iter().all(String::is_empty)).unwrap_or(records.len() - start);
    &records[start..start + len]
}

fn workbook(file: &Download) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(file.bytes.clone())).expect("an XLSX file calamine opens")
}

/// One part of the XLSX package, as text.
fn part(file: &Download, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(file.bytes.clone())).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// Writes the PDF, extracts its text (layout kept) and renders page 1 as PNG; returns the
/// text and the PNG's path.
fn read_pdf(file: &Download, name: &str) -> (String, PathBuf) {
    assert!(file.bytes.starts_with(b"%PDF-"), "a PDF file");
    let dir = std::env::temp_dir().join(format!("fotostudio-report-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf, &file.bytes).unwrap();
    let text = Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(text.status.success(), "pdftotext read the file: {}", String::from_utf8_lossy(&text.stderr));
    let png = dir.join(name);
    let render = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(render.status.success(), "pdftoppm rendered page 1: {}", String::from_utf8_lossy(&render.stderr));
    let png = png.with_extension("png");
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000, "a rendered page, not a blank one");
    (String::from_utf8(text.stdout).unwrap(), png)
}

/// Keeps a sample for reviewers where `REPORT_SAMPLE_DIR` says (scripts/report-sample.sh).
fn keep_sample(pdf: &Download, png: &Path) {
    if let Ok(dir) = std::env::var("REPORT_SAMPLE_DIR") {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        std::fs::write(dir.join("report-sample.pdf"), &pdf.bytes).unwrap();
        std::fs::copy(png, dir.join("report-sample.png")).unwrap();
    }
}

#[tokio::test]
async fn the_financial_report_downloads_as_a_csv_a_workbook_and_a_pdf_that_read_back() {
    let app = spawn_app().await;
    let s = studio_in(&app, "lapaz", "BO").await;
    la_paz_sales(&app, &s).await;

    // CSV, es-BO: `;` between fields, decimal comma.
    let csv = download(&app, "lapaz", &s.token, "csv", &format!("report=financial&{PERIOD}")).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        csv.header("content-disposition"),
        "attachment; filename=\"reporte-financiero-lapaz-2025-01-01_2025-02-28.csv\""
    );
    let records = csv_records(&csv, b';');
    assert_eq!(records[0][0], "Foto lapaz");
    let months = section(&records, "Ventas por mes");
    assert_eq!(
        months[0][..7],
        ["Mes", "Pedidos", "Ventas pedidos", "Impuesto", "Paquetes", "Ventas paquetes", "Total"]
    );
    assert_eq!(months[1][..7], ["2025-01", "2", "550,00", "63,27", "1", "80,00", "630,00"]);
    assert_eq!(months[3][0..1], ["Total"]);
    assert_eq!(months[3][6], "785,00");
    let kinds = section(&records, "Ventas por tipo de producto");
    assert_eq!(kinds[8][..5], ["Paquetes escolares", "2", "2", "160,00", ""]);
    let ageing = section(&records, "Cuentas por cobrar al 28/02/2025 por antigüedad");
    assert_eq!(ageing[5][..3], ["Total", "4", "465,00"]);

    // XLSX: a sheet per section, typed cells.
    let xlsx = download(&app, "lapaz", &s.token, "excel", &format!("report=financial&{PERIOD}")).await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(xlsx.header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(xlsx.header("content-disposition").ends_with(".xlsx\""));
    let mut book = workbook(&xlsx);
    assert_eq!(
        book.sheet_names(),
        [
            "Resumen",
            "Ventas por mes",
            "Ventas por tipo",
            "Cobros por medio",
            "Cobros por mes",
            "Por cobrar",
            "Pedidos con saldo"
        ]
    );
    let months = book.worksheet_range("Ventas por mes").unwrap();
    assert_eq!(months.get_value((0, 0)), Some(&Data::String("Mes".into())));
    assert!(matches!(months.get_value((1, 0)), Some(Data::DateTime(d)) if d.is_datetime() && d.as_f64() == 45658.0));
    assert_eq!(months.get_value((1, 1)), Some(&Data::Float(2.0)));
    assert_eq!(months.get_value((1, 6)), Some(&Data::Float(630.0)));
    assert_eq!(months.get_value((3, 6)), Some(&Data::Float(785.0)), "the total line");
    let open = book.worksheet_range("Pedidos con saldo").unwrap();
    assert!(matches!(open.get_value((1, 2)), Some(Data::DateTime(d)) if d.is_datetime() && d.as_f64() == 45566.0));
    assert_eq!(open.get_value((1, 6)), Some(&Data::Float(40.0)));
    let styles = part(&xlsx, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"&quot;Bs&quot; #,##0.00\""), "the boliviano's format: {styles}");
    assert!(styles.contains("<b/>"), "a bold header");
    let sheet = part(&xlsx, "xl/worksheets/sheet2.xml");
    assert!(sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""), "the header row is frozen");
    assert!(sheet.contains("<col ") && sheet.contains("customWidth=\"1\""), "columns are sized");

    // PDF: the studio, the period, the tables, the chart's months, page numbers.
    let pdf = download(&app, "lapaz", &s.token, "pdf", &format!("report=financial&{PERIOD}")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    assert_eq!(
        pdf.header("content-disposition"),
        "attachment; filename=\"reporte-financiero-lapaz-2025-01-01_2025-02-28.pdf\""
    );
    let (text, png) = read_pdf(&pdf, "financiero");
    for expected in [
        "Foto lapaz",
        "Reporte financiero · del 01/01/2025 al 28/02/2025",
        "Montos en Bs (BOB)",
        "Ventas por mes",
        "ene 2025",
        "feb 2025",
        "Paquetes escolares",
        "Cobros por medio de pago",
        "Más de 90 días",
        "Ana Mamani",
        "Página 1 de ",
    ] {
        assert!(text.contains(expected), "the PDF shows {expected:?}:\n{text}");
    }
    assert!(text.contains("785,00") && text.contains("465,00"), "amounts in the Bolivian locale:\n{text}");
    keep_sample(&pdf, &png);
}

#[tokio::test]
async fn a_santiago_workbook_writes_pesos_without_cents_and_a_peruvian_csv_uses_commas() {
    let app = spawn_app().await;
    let chile = studio_in(&app, "santiago", "CL").await;
    let xlsx = download(&app, "santiago", &chile.token, "excel", "report=financial").await;
    assert_eq!(xlsx.status, 200);
    assert!(part(&xlsx, "xl/styles.xml").contains("formatCode=\"&quot;$&quot; #,##0\""));
    let csv = download(&app, "santiago", &chile.token, "csv", "report=inventory").await;
    assert_eq!(csv_records(&csv, b';')[0][0], "Foto santiago");

    let peru = studio_in(&app, "lima", "PE").await;
    la_paz_workshop(&app, &peru).await;
    let csv = download(&app, "lima", &peru.token, "csv", &format!("report=inventory&{PERIOD}")).await;
    let records = csv_records(&csv, b',');
    let materials = section(&records, "Stock valorizado por material");
    assert_eq!(materials[2][4..7], ["80.000", "0.60", "48.00"], "es-PE: decimal point, comma between fields");
}

#[tokio::test]
async fn the_export_locale_setting_decides_the_csv_and_a_bad_value_changes_nothing() {
    let app = spawn_app().await;
    let s = studio_in(&app, "lima", "PE").await;
    let set = |value| app.as_studio(&s, Method::PUT, "/api/config/export_locale").json(json!({"value": value})).send();
    set(json!("es-CL")).await.assert(200);
    let csv = download(&app, "lima", &s.token, "csv", "report=production").await;
    assert_eq!(csv_records(&csv, b';')[0][0], "Foto lima");
    for bad in [json!("fr-FR"), json!(7), json!({"locale": "es-PE"})] {
        let reply = set(bad.clone()).await;
        assert!(reply.status.is_client_error(), "{bad}: {}", reply.status);
        assert!(reply.body.to_string().contains("export_locale"), "the problem names the setting: {}", reply.body);
    }
    let csv = download(&app, "lima", &s.token, "csv", "report=production").await;
    assert!(csv_records(&csv, b';').len() > 3, "still es-CL: nothing was written");
}

#[tokio::test]
async fn every_report_with_no_data_still_makes_valid_files() {
    let app = spawn_app().await;
    let s = studio_in(&app, "vacio", "PE").await;
    for report in ["financial", "inventory", "production"] {
        let query = format!("report={report}&from=2024-01-01&to=2024-12-31");
        let csv = download(&app, "vacio", &s.token, "csv", &query).await;
        assert_eq!(csv.status, 200, "{report}");
        assert!(csv_records(&csv, b',').len() > 5, "{report}");
        let xlsx = download(&app, "vacio", &s.token, "excel", &query).await;
        let mut book = workbook(&xlsx);
        let names = book.sheet_names();
        assert!(names.len() >= 4, "{report}: {names:?}");
        for name in names {
            let range = book.worksheet_range(&name).unwrap();
            assert!(range.get_value((0, 0)).is_some(), "{report}/{name} has its header row");
        }
        let pdf = download(&app, "vacio", &s.token, "pdf", &query).await;
        let (text, _) = read_pdf(&pdf, report);
        assert!(text.contains("Sin datos en el período") && text.contains("Página 1 de"), "{report}:\n{text}");
    }
}

#[tokio::test]
async fn the_workshop_reports_download_with_their_own_sections() {
    let app = spawn_app().await;
    let s = studio_in(&app, "lapaz", "BO").await;
    la_paz_workshop(&app, &s).await;
    let xlsx = download(&app, "lapaz", &s.token, "excel", &format!("report=inventory&{PERIOD}")).await;
    let mut book = workbook(&xlsx);
    let flow = book.worksheet_range("Movimientos por categoría").unwrap();
    assert_eq!(flow.get_value((2, 0)), Some(&Data::String("Pinturas".into())));
    assert_eq!(flow.get_value((2, 1)), Some(&Data::Float(250.0)));
    assert_eq!(flow.get_value((2, 3)), Some(&Data::Float(-75.0)));
    assert_eq!(flow.get_value((2, 7)), Some(&Data::Float(150.0)));
    let low = book.worksheet_range("Stock bajo").unwrap();
    assert_eq!(low.get_value((1, 6)), Some(&Data::Float(20.0)));

    let pdf = download(&app, "lapaz", &s.token, "pdf", &format!("report=production&{PERIOD}")).await;
    assert!(pdf.header("content-disposition").contains("reporte-produccion-lapaz-2025-01-01_2025-02-28.pdf"));
    let (text, _) = read_pdf(&pdf, "produccion");
    for expected in ["Reporte de producción", "Merma por categoría", "Pintura blanca", "75,00 %", "89,22 %", "Daño"]
    {
        assert!(text.contains(expected), "the PDF shows {expected:?}:\n{text}");
    }
    let xlsx = download(&app, "lapaz", &s.token, "excel", &format!("report=production&{PERIOD}")).await;
    let mut book = workbook(&xlsx);
    let materials = book.worksheet_range("Eficiencia por material").unwrap();
    assert_eq!(materials.get_value((1, 7)), Some(&Data::Float(0.75)), "a percentage cell holds the fraction");
}
