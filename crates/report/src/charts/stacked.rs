//! A horizontal bar stacked from slices, drawn in pixels so that every slice can be seen and
//! read: a slice of one recipient among thousands keeps a minimum width, each slice carries its
//! count (and its share where that fits), a slice too narrow for its label gets it on a line
//! below the bar, and the bar's total stands at its end.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, FONT};

/// The narrowest a slice with anyone in it is drawn, in pixels.
pub const MIN_SLICE: i32 = 3;
/// Height of a bar, and of the line of labels below it, in pixels.
pub const BAR: i32 = 26;
pub const CALLOUT: i32 = 18;

pub struct Slice {
    pub count: u64,
    pub colour: RGBColor,
    /// Hatched: a problem (recipients nobody texted), not just another colour.
    pub hatched: bool,
}

/// Where a bar goes: its left end, pixels per recipient, and the right end its labels may reach.
pub struct Place {
    pub left: i32,
    pub top: i32,
    pub scale: f64,
    pub right_limit: i32,
}

/// Widths in pixels of slices of `counts` at `scale` pixels each: proportional, but none with a
/// count narrower than `min`. What the narrow ones gain is taken from the wide ones, so the bar
/// keeps its length unless it is too short to hold every slice at `min`. Cumulative edges are
/// rounded, so the widths add up to the rounded bar.
pub fn widths(counts: &[u64], scale: f64, min: i32) -> Vec<i32> {
    let min = f64::from(min);
    let raw: Vec<f64> = counts.iter().map(|&c| c as f64 * scale).collect();
    let shown = |i: usize| counts[i] > 0;
    let lacking: f64 = (0..raw.len())
        .filter(|&i| shown(i))
        .map(|i| (min - raw[i]).max(0.0))
        .sum();
    let spare: f64 = raw.iter().map(|&w| (w - min).max(0.0)).sum();
    // Each wide slice gives up the same share of what it has beyond `min`.
    let give = if spare > 0.0 {
        (lacking / spare).min(1.0)
    } else {
        0.0
    };
    let sized: Vec<f64> = (0..raw.len())
        .map(|i| match raw[i] {
            _ if !shown(i) => 0.0,
            w if w <= min => min,
            w => w - (w - min) * give,
        })
        .collect();
    let mut edge = 0.0;
    sized
        .iter()
        .map(|w| {
            let from = edge;
            edge += w;
            (edge.round() - f64::round(from)) as i32
        })
        .collect()
}

/// Lefts of labels of `widths` that want to be centred at `centres`, kept in order, apart by
/// `gap` and within `lo..hi`; `None` for the labels that cannot fit at all (more labels than
/// room), from the right.
pub fn spread(centres: &[i32], widths: &[i32], gap: i32, lo: i32, hi: i32) -> Vec<Option<i32>> {
    let mut fit = centres.len();
    while fit > 0 && widths[..fit].iter().sum::<i32>() + gap * (fit as i32 - 1) > hi - lo {
        fit -= 1;
    }
    let mut lefts: Vec<i32> = Vec::with_capacity(fit);
    // Forward: no label left of the one before; backward: none past `hi` or the one after.
    for k in 0..fit {
        let wanted = (centres[k] - widths[k] / 2).max(lo);
        let after_previous = lefts.last().map_or(lo, |&l| l + widths[k - 1] + gap);
        lefts.push(wanted.max(after_previous));
    }
    let mut limit = hi;
    for k in (0..fit).rev() {
        lefts[k] = lefts[k].min(limit - widths[k]);
        limit = lefts[k] - gap;
    }
    let mut placed: Vec<Option<i32>> = lefts.into_iter().map(Some).collect();
    placed.resize(centres.len(), None);
    placed
}

/// Text drawn on `colour`: white on dark colours, black on light ones.
fn ink(colour: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = colour;
    let luma = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if luma < 150.0 { WHITE } else { BLACK }
}

/// `[from, to]` filled with `colour`, hatched with light diagonals when `hatched`.
pub fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    colour: RGBColor,
    hatched: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], colour.filled()))?;
    if !hatched {
        return Ok(());
    }
    let h = y1 - y0;
    let style = WHITE.mix(0.5).stroke_width(1);
    // Lines rising to the right every 6 pixels, each cut to the rectangle.
    let mut x = x0 - h;
    while x < x1 {
        let (from, to) = ((x0 - x).max(0), (x1 - x).min(h));
        if from < to {
            root.draw(&PathElement::new(
                vec![(x + from, y1 - from), (x + to, y1 - to)],
                style,
            ))?;
        }
        x += 6;
    }
    Ok(())
}

/// `n` with thousands separated: `7,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A share as a percentage: whole percents, with a decimal near the ends so that a few never
/// read 0 % and nearly all never 100 %.
pub fn share(part: u64, whole: u64) -> String {
    let p = part as f64 * 100.0 / whole.max(1) as f64;
    if (p > 0.0 && p < 1.0) || (p > 99.0 && p < 100.0) {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// Draws `slices` as one bar at `at`, each labelled with its count and its share of `whole`
/// inside when that fits, the count alone when only that fits, else below the bar; `total` at
/// the bar's end.
pub fn bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    at: &Place,
    slices: &[Slice],
    whole: u64,
    total: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let counts: Vec<u64> = slices.iter().map(|s| s.count).collect();
    let font = (FONT, 13).into_font();
    let centred = TextStyle::from(font.clone()).pos(Pos::new(HPos::Center, VPos::Center));
    let text_width = |t: &str| -> Result<i32, Box<dyn std::error::Error>> {
        Ok(root
            .estimate_text_size(t, &TextStyle::from(font.clone()))?
            .0 as i32)
    };
    let (top, bottom) = (at.top, at.top + BAR);
    let mut x = at.left;
    let mut below: Vec<(i32, String, &Slice)> = Vec::new();
    for (slice, w) in slices.iter().zip(widths(&counts, at.scale, MIN_SLICE)) {
        if w == 0 {
            continue;
        }
        swatch(root, (x, top), (x + w, bottom), slice.colour, slice.hatched)?;
        let full = format!("{} ({})", count(slice.count), share(slice.count, whole));
        let short = count(slice.count);
        let inside = [full, short.clone()]
            .into_iter()
            .map(|t| text_width(&t).map(|tw| (t, tw)))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .find(|(_, tw)| tw + 8 <= w);
        match inside {
            Some((text, tw)) => {
                let mid = (x + w / 2, (top + bottom) / 2);
                if slice.hatched {
                    // The label sits on a patch of plain colour, where no hatch line crosses it.
                    root.draw(&Rectangle::new(
                        [
                            (mid.0 - tw / 2 - 3, mid.1 - 8),
                            (mid.0 + tw / 2 + 3, mid.1 + 8),
                        ],
                        slice.colour.filled(),
                    ))?;
                }
                root.draw(&Text::new(
                    text,
                    mid,
                    centred.clone().color(&ink(slice.colour)),
                ))?;
            }
            None => below.push((x + w / 2, short, slice)),
        }
        x += w;
    }
    let end = TextStyle::from(font.clone()).pos(Pos::new(HPos::Left, VPos::Center));
    root.draw(&Text::new(
        total.to_string(),
        (x + 6, (top + bottom) / 2),
        end,
    ))?;
    callouts(root, at, &below, &font)
}

/// The labels of slices too narrow for them, on a line below the bar: each a key of its slice's
/// colour and the count, joined to its slice by a short line.
fn callouts<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    at: &Place,
    below: &[(i32, String, &Slice)],
    font: &FontDesc,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    const KEY: i32 = 10;
    let style = TextStyle::from(font.clone());
    let widths = below
        .iter()
        .map(|(_, t, _)| Ok(root.estimate_text_size(t, &style)?.0 as i32 + KEY + 4))
        .collect::<Result<Vec<i32>, Box<dyn std::error::Error>>>()?;
    let centres: Vec<i32> = below.iter().map(|(c, _, _)| *c).collect();
    let lefts = spread(&centres, &widths, 10, at.left, at.right_limit);
    let bar_bottom = at.top + BAR;
    let mid = bar_bottom + 4 + CALLOUT / 2;
    let left_text = TextStyle::from(font.clone()).pos(Pos::new(HPos::Left, VPos::Center));
    for (((centre, text, slice), width), left) in below.iter().zip(&widths).zip(lefts) {
        // A label that found no room is left out rather than printed over another; the
        // summary and the page's tables still give the count.
        let Some(left) = left else { continue };
        let label_centre = left + width / 2;
        root.draw(&PathElement::new(
            vec![(*centre, bar_bottom), (label_centre, mid - KEY / 2 - 1)],
            BLACK.mix(0.5),
        ))?;
        swatch(
            root,
            (left, mid - KEY / 2),
            (left + KEY, mid + KEY / 2),
            slice.colour,
            false,
        )?;
        root.draw(&Text::new(
            text.clone(),
            (left + KEY + 4, mid),
            left_text.clone(),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_recipient_among_thousands_keeps_the_minimum_width_and_the_bar_its_length() {
        let counts = [5561, 1, 0, 1240];
        let scale = 600.0 / 6802.0;
        let w = widths(&counts, scale, MIN_SLICE);
        assert_eq!(w[1], MIN_SLICE, "{w:?}");
        assert_eq!(w[2], 0, "an empty slice is not drawn");
        assert_eq!(w.iter().sum::<i32>(), 600, "{w:?}");
        assert!(w[0] > w[3] && w[3] > 100, "{w:?}");
    }

    #[test]
    fn a_bar_too_short_for_its_slices_grows_to_hold_them() {
        let w = widths(&[60, 1], 5.0 / 61.0, MIN_SLICE);
        assert_eq!(w, [MIN_SLICE, MIN_SLICE]);
    }

    #[test]
    fn labels_keep_their_order_apart_and_inside_the_line() {
        let lefts = spread(&[100, 102, 104], &[30, 30, 30], 10, 0, 500);
        let lefts: Vec<i32> = lefts.into_iter().map(Option::unwrap).collect();
        assert!(
            lefts[0] + 40 <= lefts[1] && lefts[1] + 40 <= lefts[2],
            "{lefts:?}"
        );
        // Near the right end they are pushed back left, still apart.
        let lefts = spread(&[495, 498], &[30, 30], 10, 0, 500);
        assert_eq!(lefts, [Some(430), Some(470)]);
        // More labels than room: the last ones are left out, none overlaps.
        let lefts = spread(&[10, 20, 30], &[30, 30, 30], 10, 0, 75);
        assert_eq!(lefts, [Some(0), Some(40), None]);
    }

    #[test]
    fn counts_and_shares_read_as_a_planner_writes_them() {
        assert_eq!(count(7000), "7,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(61), "61");
        assert_eq!(share(1240, 7000), "18%");
        assert_eq!(share(1, 250), "0.4%");
        assert_eq!(share(0, 10), "0%");
        assert_eq!(share(998, 1000), "99.8%");
    }
}
