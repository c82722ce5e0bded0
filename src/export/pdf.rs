//! A document as a PDF (printpdf, A4 portrait): every page is headed by the studio, the
//! report's title and period, and footed by "Página N de M"; the first page carries the
//! headline figures and the chart; then each table flows over as many pages as it needs,
//! its header row repeated on each. Numbers align right, in the studio's locale; amounts
//! are in the currency named on every page.

mod canvas;
mod chart;

use std::collections::BTreeSet;

use printpdf::{FontId, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, TextItem};

use self::canvas::{Align, Canvas, PAGE_HEIGHT, PAGE_WIDTH, black, faces, rgb};
use super::{Cell, Document, Table, currency_style, decimal_text};

const LEFT: f32 = 15.0;
const RIGHT: f32 = PAGE_WIDTH - 15.0;
/// Where content starts under the page's heading, and where it must stop above the foot.
const TOP: f32 = PAGE_HEIGHT - 32.0;
const BOTTOM: f32 = 20.0;
const ROW: f32 = 5.2;
const FONT: f32 = 7.8;

/// The text a cell shows in a table.
fn shown(cell: &Cell, doc: &Document) -> String {
    let (_, places) = currency_style(&doc.currency);
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Int(n) => decimal_text((*n).into(), 0, doc.numbers, true),
        Cell::Money(d) => decimal_text(*d, places, doc.numbers, true),
        Cell::Quantity(d) => decimal_text(*d, 3, doc.numbers, true),
        Cell::Percent(d) => format!("{} %", decimal_text(*d, 2, doc.numbers, true)),
        Cell::Days(d) => decimal_text(*d, 1, doc.numbers, true),
        Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
        Cell::Month(d) => super::month_name(*d),
        Cell::Empty => String::new(),
    }
}

/// Whether a cell's column reads right-aligned (numbers).
fn is_number(cell: &Cell) -> bool {
    !matches!(cell, Cell::Text(_) | Cell::Month(_) | Cell::Date(_) | Cell::Empty)
}

/// The pages being written.
struct Writer<'a> {
    doc: &'a Document,
    faces: &'static canvas::Faces,
    fonts: (printpdf::FontId, printpdf::FontId),
    pages: Vec<Vec<printpdf::Op>>,
    page: Canvas,
    y: f32,
}

impl<'a> Writer<'a> {
    fn canvas(&self) -> Canvas {
        Canvas::new(self.faces, self.fonts.0.clone(), self.fonts.1.clone())
    }

    /// Starts a page with its heading.
    fn new_page(&mut self) {
        let blank = self.canvas();
        let full = std::mem::replace(&mut self.page, blank);
        if !full.ops.is_empty() {
            self.pages.push(full.ops);
        }
        let doc = self.doc;
        let grey = rgb(90, 90, 90);
        let page = &mut self.page;
        page.text(LEFT, PAGE_HEIGHT - 16.0, 14.0, true, Align::Left, black(), &doc.studio);
        let subtitle = format!("{} · {}", doc.title, doc.period_text());
        page.text(LEFT, PAGE_HEIGHT - 22.0, 10.0, false, Align::Left, black(), &subtitle);
        let (symbol, _) = currency_style(&doc.currency);
        let mut right = vec![format!("Montos en {symbol} ({})", doc.currency)];
        right.extend(doc.legal_lines.iter().cloned());
        for (i, line) in right.iter().enumerate() {
            page.text(RIGHT, PAGE_HEIGHT - 16.0 - 4.2 * i as f32, 7.5, false, Align::Right, grey.clone(), line);
        }
        page.line((LEFT, PAGE_HEIGHT - 26.0), (RIGHT, PAGE_HEIGHT - 26.0), 0.8, rgb(46, 104, 160));
        self.y = TOP;
    }

    /// Makes room for `height` millimetres, on a new page if need be.
    fn room(&mut self, height: f32) -> bool {
        if self.y - height < BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    /// The headline figures, three to a row.
    fn summary(&mut self) {
        let doc = self.doc;
        let (symbol, _) = currency_style(&doc.currency);
        let column = (RIGHT - LEFT) / 3.0;
        for (i, (label, cell)) in doc.summary.iter().enumerate() {
            if i % 3 == 0 {
                self.room(13.0);
                self.y -= 13.0;
            }
            let x = LEFT + column * (i % 3) as f32;
            let value = match cell {
                Cell::Money(_) => format!("{symbol} {}", shown(cell, doc)),
                Cell::Empty => "—".to_owned(),
                _ => shown(cell, doc),
            };
            self.page.rect(x, self.y - 1.5, column - 3.0, 12.0, rgb(238, 243, 248));
            self.page.text(x + 2.0, self.y + 6.5, 7.2, false, Align::Left, rgb(90, 90, 90), label);
            self.page.text(x + 2.0, self.y + 1.0, 11.0, true, Align::Left, black(), &value);
        }
        self.y -= 6.0;
    }

    /// Column widths: each column's widest text, the spare width to the first column, or
    /// the text columns narrowed (and cut with `…`) when the table is too wide.
    fn widths(&self, table: &Table) -> Vec<f32> {
        let page = &self.page;
        let mut widths: Vec<f32> = table.headers.iter().map(|h| page.width(h, FONT, true) + 3.0).collect();
        for row in table.rows.iter().chain(table.total.iter()) {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = w.max(page.width(&shown(cell, self.doc), FONT, false) + 3.0);
            }
        }
        let available = RIGHT - LEFT;
        let total: f32 = widths.iter().sum();
        if total <= available {
            if let Some(first) = widths.first_mut() {
                *first += available - total;
            }
            return widths;
        }
        let text_columns: Vec<bool> = (0..widths.len())
            .map(|c| table.rows.iter().chain(table.total.iter()).all(|r| r.get(c).is_none_or(|cell| !is_number(cell))))
            .collect();
        let fixed: f32 = widths.iter().zip(&text_columns).filter(|(_, t)| !**t).map(|(w, _)| *w).sum();
        let flexible: f32 = total - fixed;
        let scale = ((available - fixed) / flexible.max(1.0)).max(0.2);
        widths.iter().zip(&text_columns).map(|(w, t)| if *t { w * scale } else { *w }).collect()
    }

    /// One row of cells (bold for headers and totals).
    fn row(&mut self, texts: &[(String, bool)], widths: &[f32], bold: bool) {
        let mut x = LEFT;
        for ((text, right), width) in texts.iter().zip(widths) {
            let fitted = self.page.fit(text, width - 2.0, FONT, bold);
            if *right {
                self.page.text(x + width - 1.5, self.y + 1.5, FONT, bold, Align::Right, black(), &fitted);
            } else {
                self.page.text(x + 1.5, self.y + 1.5, FONT, bold, Align::Left, black(), &fitted);
            }
            x += width;
        }
    }

    fn header_row(&mut self, table: &Table, widths: &[f32], numbers: &[bool]) {
        self.y -= ROW;
        self.page.rect(LEFT, self.y, RIGHT - LEFT, ROW, rgb(221, 231, 240));
        let texts: Vec<(String, bool)> =
            table.headers.iter().zip(numbers).map(|(h, n)| ((*h).to_owned(), *n)).collect();
        self.row(&texts, widths, true);
    }

    /// A titled table, flowing over pages.
    fn table(&mut self, table: &Table) {
        self.room(9.0 + ROW * 3.0);
        self.y -= 8.0;
        self.page.text(LEFT, self.y + 1.5, 10.5, true, Align::Left, black(), &table.title);
        let widths = self.widths(table);
        let numbers: Vec<bool> = (0..table.headers.len())
            .map(|c| table.rows.iter().chain(table.total.iter()).any(|r| r.get(c).is_some_and(is_number)))
            .collect();
        self.header_row(table, &widths, &numbers);
        if table.rows.is_empty() {
            self.y -= ROW;
            self.page.text(
                LEFT + 1.5,
                self.y + 1.5,
                FONT,
                false,
                Align::Left,
                rgb(110, 110, 110),
                "Sin datos en el período",
            );
        }
        let rows = table.rows.iter().map(|r| (r, false)).chain(table.total.iter().map(|t| (t, true)));
        for (index, (cells, total)) in rows.enumerate() {
            if self.room(ROW) {
                self.y -= 3.0;
                self.page.text(
                    LEFT,
                    self.y,
                    8.0,
                    true,
                    Align::Left,
                    rgb(90, 90, 90),
                    &format!("{} (cont.)", table.title),
                );
                self.header_row(table, &widths, &numbers);
            }
            self.y -= ROW;
            if total {
                self.page.line((LEFT, self.y + ROW), (RIGHT, self.y + ROW), 0.6, black());
            } else if index % 2 == 1 {
                self.page.rect(LEFT, self.y, RIGHT - LEFT, ROW, rgb(246, 246, 246));
            }
            let texts: Vec<(String, bool)> =
                cells.iter().zip(&numbers).map(|(c, n)| (shown(c, self.doc), *n)).collect();
            self.row(&texts, &widths, total);
        }
        self.y -= 4.0;
    }
}

/// The PDF file of `doc`.
pub fn write(doc: &Document) -> Result<Vec<u8>, String> {
    let faces = faces().ok_or("the embedded fonts could not be read")?;
    let mut pdf = PdfDocument::new(&format!("{} — {}", doc.title, doc.studio));
    // The fonts are added last, cut down to the characters the pages use.
    let fonts = (FontId::new(), FontId::new());
    let page = Canvas::new(faces, fonts.0.clone(), fonts.1.clone());
    let mut writer = Writer { doc, faces, fonts, pages: Vec::new(), page, y: TOP };
    writer.new_page();
    writer.summary();
    if let Some(chart) = &doc.chart {
        writer.room(chart::HEIGHT);
        chart::draw(&mut writer.page, doc, chart, LEFT, RIGHT, writer.y);
        writer.y -= chart::HEIGHT;
    }
    for table in &doc.tables {
        writer.table(table);
    }
    let blank = writer.canvas();
    let last = std::mem::replace(&mut writer.page, blank);
    writer.pages.push(last.ops);

    let count = writer.pages.len();
    let generated = format!("Generado el {}", doc.generated_at.format("%d/%m/%Y %H:%M"));
    let pages: Vec<PdfPage> = writer
        .pages
        .into_iter()
        .enumerate()
        .map(|(index, ops)| {
            let mut page = Canvas::new(faces, writer.fonts.0.clone(), writer.fonts.1.clone());
            page.ops = ops;
            let grey = rgb(110, 110, 110);
            page.line((LEFT, 14.0), (RIGHT, 14.0), 0.4, rgb(200, 200, 200));
            page.text(LEFT, 9.5, 7.5, false, Align::Left, grey.clone(), &generated);
            let number = format!("Página {} de {count}", index + 1);
            page.text(PAGE_WIDTH / 2.0, 9.5, 7.5, false, Align::Centre, grey.clone(), &number);
            page.text(RIGHT, 9.5, 7.5, false, Align::Right, grey, &doc.studio);
            PdfPage::new(printpdf::Mm(PAGE_WIDTH), printpdf::Mm(PAGE_HEIGHT), page.ops)
        })
        .collect();
    for (id, bold) in [(&writer.fonts.0, false), (&writer.fonts.1, true)] {
        let face = faces.subset(bold, &characters(&pages, id));
        pdf.resources.fonts.map.insert(id.clone(), PdfFont::new(face));
    }
    Ok(pdf.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new()))
}

/// Every character the pages write in font `id`.
fn characters(pages: &[PdfPage], id: &FontId) -> BTreeSet<char> {
    let mut chars = BTreeSet::new();
    for page in pages {
        let mut current = false;
        for op in &page.ops {
            match op {
                Op::SetFont { font: PdfFontHandle::External(font), .. } => current = font == id,
                Op::ShowText { items } if current => {
                    for item in items {
                        if let TextItem::Text(text) = item {
                            chars.extend(text.chars());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    chars
}
