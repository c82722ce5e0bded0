//! Drawing on PDF pages with printpdf: text in the embedded DejaVu Sans (regular and bold,
//! from `assets/fonts/`, subset into each file — nothing is fetched or looked up on the
//! machine), measured with the font's own advance widths so numbers align right; filled
//! rectangles and lines. Coordinates are millimetres from the page's bottom left corner.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem,
};

const REGULAR_TTF: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans.ttf"));
const BOLD_TTF: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans-Bold.ttf"));

/// An A4 page, portrait.
pub const PAGE_WIDTH: f32 = 210.0;
pub const PAGE_HEIGHT: f32 = 297.0;

/// The two faces, parsed once per process.
pub struct Faces {
    pub regular: ParsedFont,
    pub bold: ParsedFont,
}

impl Faces {
    /// The face, cut down to the glyphs of `chars` (and `.notdef`): what a PDF embeds. The
    /// whole face if the cut fails.
    pub fn subset(&self, bold: bool, chars: &BTreeSet<char>) -> ParsedFont {
        let (face, bytes) = if bold { (&self.bold, BOLD_TTF) } else { (&self.regular, REGULAR_TTF) };
        let mut glyphs: Vec<u16> =
            chars.iter().filter_map(|c| face.codepoint_to_glyph.get(&u32::from(*c)).copied()).collect();
        glyphs.retain(|g| *g != 0);
        glyphs.sort_unstable();
        glyphs.dedup();
        glyphs.insert(0, 0);
        let cut = || -> Option<ParsedFont> {
            let font = ReadScope::new(bytes).read::<FontData<'_>>().ok()?;
            let provider = font.table_provider(0).ok()?;
            let subset = allsorts::subset::subset(&provider, &glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()?;
            ParsedFont::from_bytes(&subset, 0, &mut Vec::new())
        };
        cut().unwrap_or_else(|| face.clone())
    }
}

/// The embedded faces (none only if the font files in the binary were broken).
pub fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let regular = ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new())?;
            let bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new())?;
            Some(Faces { regular, bold })
        })
        .as_ref()
}

/// An RGB colour from 0–255 components.
pub fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(Rgb::new(f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0, None))
}

pub fn black() -> Color {
    rgb(0, 0, 0)
}

/// Where text is anchored horizontally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Centre,
}

/// One page's drawing operations, with the faces to measure text by.
pub struct Canvas {
    faces: &'static Faces,
    regular: FontId,
    bold: FontId,
    pub ops: Vec<Op>,
}

impl Canvas {
    pub fn new(faces: &'static Faces, regular: FontId, bold: FontId) -> Canvas {
        Canvas { faces, regular, bold, ops: Vec::new() }
    }

    /// The width of `text` at `size` points, in millimetres.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.faces.bold } else { &self.faces.regular };
        let units: u32 = text
            .chars()
            .map(|c| {
                let glyph = face.codepoint_to_glyph.get(&u32::from(c)).copied().unwrap_or(0);
                u32::from(face.glyph_widths.get(&glyph).copied().unwrap_or(0))
            })
            .sum();
        let points = units as f32 * size / f32::from(face.units_per_em.max(1));
        points / 72.0 * 25.4
    }

    /// `text` cut to fit `width` millimetres, ending in `…` when cut.
    pub fn fit(&self, text: &str, width: f32, size: f32, bold: bool) -> String {
        if self.width(text, size, bold) <= width {
            return text.to_owned();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let cut: String = chars.iter().collect::<String>() + "…";
            if self.width(&cut, size, bold) <= width {
                return cut;
            }
        }
        String::new()
    }

    /// Writes `text` with its baseline at `y`, anchored at `x`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, align: Align, colour: Color, text: &str) {
        if text.is_empty() {
            return;
        }
        let left = match align {
            Align::Left => x,
            Align::Right => x - self.width(text, size, bold),
            Align::Centre => x - self.width(text, size, bold) / 2.0,
        };
        let font = if bold { self.bold.clone() } else { self.regular.clone() };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: colour },
            Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) },
            Op::SetTextCursor { pos: Point::new(Mm(left), Mm(y)) },
            Op::ShowText { items: vec![TextItem::Text(text.to_owned())] },
            Op::EndTextSection,
        ]);
    }

    /// A filled rectangle with its lower left corner at (`x`, `y`).
    pub fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, colour: Color) {
        let mm = |v: f32| Pt::from(Mm(v));
        self.ops.push(Op::SetFillColor { col: colour });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: mm(x),
                y: mm(y),
                width: mm(width),
                height: mm(height),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// A straight line.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), thickness: f32, colour: Color) {
        let point = |(x, y): (f32, f32)| LinePoint { p: Point::new(Mm(x), Mm(y)), bezier: false };
        self.ops.extend([
            Op::SetOutlineColor { col: colour },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine { line: Line { points: vec![point(from), point(to)], is_closed: false } },
        ]);
    }
}
