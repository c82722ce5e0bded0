//! A frame quote's input, its answer (every intermediate figure, and the order item it
//! becomes), and the materials it prices.

use poem_openapi::Object;
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::studio::inventory::model::{MaterialCategory, Unit};
use crate::studio::money::{Money, Percent, Quantity};
use crate::studio::settings::model::PriceRounding;

/// What to frame, and with what.
#[derive(Debug, Clone, Object)]
pub struct FrameQuoteInput {
    /// The artwork's width in centimetres (at most one decimal: millimetres), 1–300.
    pub artwork_width_cm: Quantity,
    /// The artwork's height in centimetres, 1–300.
    pub artwork_height_cm: Quantity,
    /// The mat (paspartú) border on each side, in centimetres, 0–30. Default 0.
    pub mat_border_cm: Option<Quantity>,
    /// A material of category `mouldings`.
    pub moulding_id: Uuid,
    /// A `design` material of kind `glazing`, counted in square metres.
    pub glazing_id: Option<Uuid>,
    /// A `design` material of kind `backing` or `foam_board`, in square metres.
    pub backing_id: Option<Uuid>,
    /// A `design` material of kind `mat_board`, in square metres (needs a mat border).
    pub mat_id: Option<Uuid>,
    /// The order item's description; default: one made from the sizes and materials.
    pub description: Option<String>,
}

/// A frame's measures in whole millimetres, after the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measures {
    pub artwork_width_mm: i64,
    pub artwork_height_mm: i64,
    pub mat_border_mm: i64,
}

/// Centimetres with at most one decimal, as whole millimetres within `min_mm..=max_mm`.
fn millimetres(checks: &mut Checks, field: &str, cm: Quantity, min_mm: i64, max_mm: i64) -> i64 {
    let mm = cm.0 * Decimal::TEN;
    match i64::try_from(mm.trunc()).ok().filter(|_| mm.fract().is_zero()) {
        Some(mm) if (min_mm..=max_mm).contains(&mm) => mm,
        Some(_) => checks.failed(field, format!("must be from {} to {} cm", min_mm / 10, max_mm / 10)).unwrap_or(0),
        None => checks.failed(field, "must have at most one decimal (millimetres)").unwrap_or(0),
    }
}

impl FrameQuoteInput {
    /// Checks the measures (what needs the materials is checked by the service).
    pub fn validate(&self) -> ApiResult<(Measures, Option<String>)> {
        let mut checks = Checks::new();
        let artwork_width_mm = millimetres(&mut checks, "artwork_width_cm", self.artwork_width_cm, 10, 3000);
        let artwork_height_mm = millimetres(&mut checks, "artwork_height_cm", self.artwork_height_cm, 10, 3000);
        let mat = self.mat_border_cm.unwrap_or_default();
        let mat_border_mm = millimetres(&mut checks, "mat_border_cm", mat, 0, 300);
        if self.mat_id.is_some() && mat_border_mm == 0 {
            checks.fail("mat_id", "a mat board needs a mat border");
        }
        let description = checks.optional("description", self.description.as_deref(), 300);
        checks.finish()?;
        Ok((Measures { artwork_width_mm, artwork_height_mm, mat_border_mm }, description))
    }
}

/// A material as a quote prices it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PricedMaterial {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub category: MaterialCategory,
    pub unit: Unit,
    pub unit_cost: Money,
    pub stock: Quantity,
    pub attributes: Value,
}

/// What a quote's line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum, serde::Serialize)]
#[oai(rename = "QuoteLineRole", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Moulding,
    Glazing,
    Backing,
    Mat,
}

/// One material of a quote: how much, what it costs, what it sells for.
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(rename = "FrameQuoteLine")]
pub struct QuoteLine {
    pub role: Role,
    pub material_id: Uuid,
    pub sku: String,
    pub name: String,
    pub unit: Unit,
    /// Metres of moulding, or square metres (rounded up to 0.001 m²) of the rest.
    pub quantity: Quantity,
    /// The material's average unit cost.
    pub unit_cost: Money,
    /// quantity × unit_cost, to the cent.
    pub cost: Money,
    /// The studio's markup for this kind of material, in percent.
    pub markup_percent: Quantity,
    /// cost × (1 + markup), to the cent.
    pub price: Money,
    /// Whether the stock covers it now (a moulding: whether the rack has pieces for the cuts).
    pub in_stock: bool,
}

/// A priced frame, with every figure that led to the price.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct FrameQuote {
    pub artwork_width_mm: i64,
    pub artwork_height_mm: i64,
    pub mat_border_mm: i64,
    /// Artwork + 2 × mat border.
    pub outer_width_mm: i64,
    pub outer_height_mm: i64,
    pub moulding_width_mm: i64,
    /// 2 × (outer width + outer height).
    pub perimeter_mm: i64,
    /// 8 × the moulding's width: each of the four sides is cut two widths longer for its mitres.
    pub mitre_allowance_mm: i64,
    /// The studio's waste allowance, in percent.
    pub waste_allowance_percent: Percent,
    /// (perimeter + mitres) × the waste allowance, rounded up to the millimetre.
    pub waste_allowance_mm: i64,
    /// perimeter + mitres + waste allowance.
    pub moulding_length_mm: i64,
    /// The four cuts (two widths, two heights, each with its mitres and a share of the
    /// allowance), adding up to `moulding_length_mm`.
    pub cuts_mm: Vec<i64>,
    /// outer width × outer height: the glazing, backing and mat board.
    pub area_mm2: i64,
    pub lines: Vec<QuoteLine>,
    /// The sum of the lines' costs.
    pub material_cost: Money,
    /// The sum of the lines' prices.
    pub materials_price: Money,
    pub labour_fixed: Money,
    pub labour_per_metre: Money,
    /// labour_fixed + labour_per_metre × metres of moulding, to the cent.
    pub labour: Money,
    /// materials_price + labour.
    pub subtotal: Money,
    pub rounding_step: Money,
    pub rounding: PriceRounding,
    /// The subtotal rounded to the studio's step: the frame's price.
    pub price: Money,
    /// The quote as an order item (kind `frame`), ready to post to an order.
    pub frame_item: FrameItem,
}

/// A frame quote as an order item: what an order stores, with the quote's figures kept in
/// `specs` as they were when quoted.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct FrameItem {
    /// Always `frame`.
    pub kind: String,
    pub description: String,
    /// Always 1: one frame.
    pub quantity: i32,
    pub unit_price: Money,
    /// The snapshot: the quote's measures, lines, labour and price, the studio's settings
    /// that made them, and `consumption` — the `used` lines a production registration of
    /// this frame posts, so it takes exactly the quoted moulding from stock.
    pub specs: Value,
}

/// One material a production registration of the frame uses.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Consumption {
    pub material_id: Uuid,
    pub quantity: Quantity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cuts_mm: Option<Vec<i64>>,
}
