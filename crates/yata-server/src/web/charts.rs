//! Charts as SVG made on the server: pure functions from numbers to
//! markup, nothing fetched, no script. Each chart is an `<svg role="img">`
//! with a `<title>` and an `aria-label`; the page shows the same numbers
//! in a table or text beside it. Colours are presentation attributes
//! (`fill`), which the Content-Security-Policy allows, not `style`.
//!
//! Labels and texts come from the caller (already translated); the
//! functions only place them.

use maud::{Markup, html};

/// Text colour, axis colour, and the series palette (each at least 3:1
/// against white, as WCAG asks of graphics).
const INK: &str = "#1b1f24";
const AXIS: &str = "#6b7480";
pub const PALETTE: [&str; 6] = [
    "#0b4f8a", "#a1141c", "#1d5e2a", "#7a4a00", "#5b2a86", "#00606b",
];

/// One line of a [`line_chart`].
#[derive(Debug, Clone)]
pub struct Series<'a> {
    pub name: &'a str,
    pub values: &'a [u64],
}

/// A number with at most one decimal, for coordinates.
fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn frame(title: &str, width: u32, height: u32, body: Markup) -> Markup {
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {width} {height}"))
            width=(width) height=(height) role="img" aria-label=(title)
            font-family="sans-serif" font-size="12" {
            title { (title) }
            (body)
        }
    }
}

fn empty_chart(title: &str, empty: &str) -> Markup {
    frame(
        title,
        320,
        60,
        html! { text x="10" y="35" fill=(INK) { (empty) } },
    )
}

/// Lines over the same x labels (weeks), one per series, with the y axis
/// from 0 to the largest value. `empty` is shown when there is nothing
/// to draw.
pub fn line_chart(title: &str, x_labels: &[String], series: &[Series<'_>], empty: &str) -> Markup {
    let points = x_labels.len();
    if points == 0 || series.iter().all(|s| s.values.is_empty()) {
        return empty_chart(title, empty);
    }
    let (width, height) = (520.0, 260.0);
    let (left, right, top, bottom) = (44.0, 16.0, 16.0 + 18.0 * series.len() as f64, 40.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let x = |i: usize| {
        if points == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (points - 1) as f64
        }
    };
    let y = |v: u64| top + plot_h * (1.0 - v as f64 / max as f64);
    let ticks: Vec<usize> = if points <= 3 {
        (0..points).collect()
    } else {
        vec![0, (points - 1) / 2, points - 1]
    };
    frame(
        title,
        width as u32,
        height as u32,
        html! {
            @for (k, s) in series.iter().enumerate() {
                rect x=(n(left)) y=(n(4.0 + 18.0 * k as f64)) width="12" height="12" fill=(PALETTE[k % PALETTE.len()]) {}
                text x=(n(left + 18.0)) y=(n(14.0 + 18.0 * k as f64)) fill=(INK) { (s.name) }
            }
            line x1=(n(left)) y1=(n(top + plot_h)) x2=(n(left + plot_w)) y2=(n(top + plot_h)) stroke=(AXIS) {}
            line x1=(n(left)) y1=(n(top)) x2=(n(left)) y2=(n(top + plot_h)) stroke=(AXIS) {}
            text x=(n(left - 6.0)) y=(n(top + plot_h + 4.0)) text-anchor="end" fill=(INK) { "0" }
            text x=(n(left - 6.0)) y=(n(top + 4.0)) text-anchor="end" fill=(INK) { (max) }
            @for i in &ticks {
                text x=(n(x(*i))) y=(n(height - 14.0)) text-anchor="middle" fill=(INK) { (x_labels[*i]) }
            }
            @for (k, s) in series.iter().enumerate() {
                @let colour = PALETTE[k % PALETTE.len()];
                @let pts: Vec<String> = s.values.iter().enumerate().take(points)
                    .map(|(i, v)| format!("{},{}", n(x(i)), n(y(*v)))).collect();
                polyline points=(pts.join(" ")) fill="none" stroke=(colour) stroke-width="2.5" {}
                @for (i, v) in s.values.iter().enumerate().take(points) {
                    circle cx=(n(x(i))) cy=(n(y(*v))) r="3.5" fill=(colour) {
                        title { (s.name) " " (x_labels[i]) ": " (v) }
                    }
                }
            }
        },
    )
}

/// Horizontal bars, one per `(label, value)` row, in the given order, the
/// longest bar the largest value, the value written after each bar.
pub fn bar_chart(title: &str, rows: &[(String, u64)], empty: &str) -> Markup {
    if rows.is_empty() {
        return empty_chart(title, empty);
    }
    let (label_w, bar_w, row_h) = (200.0, 260.0, 28.0);
    let width = label_w + bar_w + 60.0;
    let height = row_h * rows.len() as f64 + 8.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    frame(
        title,
        width as u32,
        height as u32,
        html! {
            @for (i, (label, value)) in rows.iter().enumerate() {
                @let y0 = 4.0 + row_h * i as f64;
                @let w = bar_w * *value as f64 / max as f64;
                text x=(n(label_w - 8.0)) y=(n(y0 + 18.0)) text-anchor="end" fill=(INK) { (label) }
                rect x=(n(label_w)) y=(n(y0 + 4.0)) width=(n(w)) height=(n(row_h - 8.0)) fill=(PALETTE[0]) {
                    title { (label) ": " (value) }
                }
                text x=(n(label_w + w + 6.0)) y=(n(y0 + 18.0)) fill=(INK) { (value) }
            }
        },
    )
}

/// The fill of a heat-map cell of `value` out of `max`: from a pale blue
/// to the header's dark blue, and the text colour that reads on it.
fn heat(value: u64, max: u64) -> (String, &'static str) {
    let t = if max == 0 {
        0.0
    } else {
        value as f64 / max as f64
    };
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    let fill = format!(
        "#{:02x}{:02x}{:02x}",
        lerp(0xf1, 0x0b),
        lerp(0xf5, 0x2f),
        lerp(0xfb, 0x55)
    );
    (fill, if t > 0.45 { "#ffffff" } else { INK })
}

/// A grid of counts: `cells[r][c]` for row `rows[r]` and column
/// `columns[c]`, coloured by value with the number written in each cell.
pub fn heat_map(
    title: &str,
    rows: &[String],
    columns: &[String],
    cells: &[Vec<u64>],
    empty: &str,
) -> Markup {
    if rows.is_empty() || columns.is_empty() {
        return empty_chart(title, empty);
    }
    // Column labels are slanted so long ones (Japanese figures' names) do
    // not run into each other.
    let (label_w, head_h, cell_w, cell_h) = (180.0, 120.0, 72.0, 30.0);
    let width = label_w + cell_w * columns.len() as f64 + 120.0;
    let height = head_h + cell_h * rows.len() as f64 + 4.0;
    let max = cells.iter().flatten().copied().max().unwrap_or(0);
    let value = |r: usize, c: usize| {
        cells
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or(0)
    };
    frame(
        title,
        width as u32,
        height as u32,
        html! {
            @for (c, col) in columns.iter().enumerate() {
                @let (cx, cy) = (label_w + cell_w * (c as f64 + 0.5), head_h - 8.0);
                text x=(n(cx)) y=(n(cy)) text-anchor="start" fill=(INK)
                    transform=(format!("rotate(-35 {} {})", n(cx), n(cy))) { (col) }
            }
            @for (r, row) in rows.iter().enumerate() {
                @let y0 = head_h + cell_h * r as f64;
                text x=(n(label_w - 8.0)) y=(n(y0 + 20.0)) text-anchor="end" fill=(INK) { (row) }
                @for c in 0..columns.len() {
                    @let v = value(r, c);
                    @let (fill, ink) = heat(v, max);
                    @let x0 = label_w + cell_w * c as f64;
                    rect x=(n(x0 + 1.0)) y=(n(y0 + 1.0)) width=(n(cell_w - 2.0)) height=(n(cell_h - 2.0)) fill=(fill) {
                        title { (row) " / " (columns[c]) ": " (v) }
                    }
                    text x=(n(x0 + cell_w / 2.0)) y=(n(y0 + 20.0)) text-anchor="middle" fill=(ink) { (v) }
                }
            }
        },
    )
}

/// One bar split into `(label, count)` parts in order (acknowledgement
/// progress: received, read, acting, done), with a legend of the counts.
pub fn stacked_bar(title: &str, parts: &[(String, u64)], empty: &str) -> Markup {
    let total: u64 = parts.iter().map(|p| p.1).sum();
    if total == 0 {
        return empty_chart(title, empty);
    }
    let (bar_w, bar_h) = (480.0, 28.0);
    let legend_h = 20.0;
    let width = bar_w + 8.0;
    let height = 8.0 + bar_h + 8.0 + legend_h * parts.len() as f64;
    let mut x = 4.0;
    let mut segments = Vec::new();
    for (k, (label, count)) in parts.iter().enumerate() {
        let w = bar_w * *count as f64 / total as f64;
        segments.push((k, label, *count, x, w));
        x += w;
    }
    frame(
        title,
        width as u32,
        height as u32,
        html! {
            @for (k, label, count, x0, w) in &segments {
                @if *count > 0 {
                    rect x=(n(*x0)) y="8" width=(n(*w)) height=(n(bar_h)) fill=(PALETTE[k % PALETTE.len()]) {
                        title { (label) ": " (count) }
                    }
                }
            }
            @for (k, label, count, _, _) in &segments {
                @let y0 = 8.0 + bar_h + 8.0 + legend_h * *k as f64;
                rect x="4" y=(n(y0)) width="12" height="12" fill=(PALETTE[k % PALETTE.len()]) {}
                text x="22" y=(n(y0 + 11.0)) fill=(INK) { (label) ": " (count) " / " (total) }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::*;

    /// Parses `svg` as XML (end tags checked against start tags), and
    /// returns every element name with its attributes and its text.
    /// An element: name, attributes, text.
    type Element = (String, Vec<(String, String)>, String);

    fn elements(svg: &str) -> Vec<Element> {
        let mut reader = Reader::from_str(svg);
        let mut out: Vec<Element> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        loop {
            match reader.read_event().expect("well-formed SVG") {
                Event::Start(e) | Event::Empty(e) => {
                    let name: String = e.local_name().as_ref().to_owned();
                    let attrs = e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            let local = a.key.local_name();
                            let key: &str = local.as_ref();
                            (
                                key.to_owned(),
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .unwrap()
                                    .into_owned(),
                            )
                        })
                        .collect();
                    out.push((name, attrs, String::new()));
                    stack.push(out.len() - 1);
                }
                Event::End(_) => {
                    stack.pop();
                }
                Event::Text(t) => {
                    if let Some(&i) = stack.last() {
                        out[i].2.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    let name: &str = r.as_ref();
                    let c = match name {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => panic!("unexpected entity {other}"),
                    };
                    if let Some(&i) = stack.last() {
                        out[i].2.push(c);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(stack.is_empty(), "unclosed elements");
        out
    }

    fn attr<'a>(e: &'a Element, name: &str) -> &'a str {
        e.1.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    #[test]
    fn line_chart_places_the_largest_value_at_the_top() {
        let weeks: Vec<String> = (1..=12).map(|w| format!("W{w}")).collect();
        let opened = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20];
        let fixed = [0; 12];
        let svg = line_chart(
            "Trend <&>",
            &weeks,
            &[
                Series {
                    name: "opened",
                    values: &opened,
                },
                Series {
                    name: "fixed",
                    values: &fixed,
                },
            ],
            "no data",
        )
        .into_string();
        let els = elements(&svg);
        assert_eq!(els[0].0, "svg");
        assert_eq!(attr(&els[0], "role"), "img");
        assert_eq!(attr(&els[0], "aria-label"), "Trend <&>");
        assert!(els.iter().any(|e| e.0 == "title" && e.2 == "Trend <&>"));
        let circles: Vec<_> = els.iter().filter(|e| e.0 == "circle").collect();
        assert_eq!(circles.len(), 24);
        // Series 1's last point (20, the maximum) is at the top of the plot,
        // its first (0) on the axis, as are all of series 2's.
        let top: f64 = attr(circles[11], "cy").parse().unwrap();
        let bottom: f64 = attr(circles[0], "cy").parse().unwrap();
        assert!(top < bottom);
        assert_eq!(attr(circles[12], "cy"), attr(circles[0], "cy"));
        assert!(
            els.iter().any(|e| e.0 == "text" && e.2 == "20"),
            "y axis max"
        );
        assert_eq!(els.iter().filter(|e| e.0 == "polyline").count(), 2);
    }

    #[test]
    fn bar_chart_bars_are_proportional_and_labelled() {
        let rows = vec![("3 days".to_owned(), 8), ("60 days".to_owned(), 2)];
        let els = elements(&bar_chart("By decision", &rows, "none").into_string());
        let rects: Vec<_> = els.iter().filter(|e| e.0 == "rect").collect();
        let w0: f64 = attr(rects[0], "width").parse().unwrap();
        let w1: f64 = attr(rects[1], "width").parse().unwrap();
        assert!((w0 / w1 - 4.0).abs() < 0.01, "{w0} {w1}");
        for text in ["3 days", "60 days", "8", "2"] {
            assert!(els.iter().any(|e| e.0 == "text" && e.2 == text), "{text}");
        }
    }

    #[test]
    fn heat_map_writes_every_number_and_darkens_with_the_value() {
        let rows = vec!["finance".to_owned(), "gas".to_owned()];
        let cols = vec!["overdue".to_owned(), "open".to_owned(), "kev".to_owned()];
        let cells = vec![vec![0, 5, 10], vec![1, 2]];
        let els = elements(&heat_map("Sectors", &rows, &cols, &cells, "none").into_string());
        let rects: Vec<_> = els.iter().filter(|e| e.0 == "rect").collect();
        assert_eq!(rects.len(), 6, "a missing cell counts as 0");
        assert_eq!(attr(rects[0], "fill"), "#f1f5fb");
        assert_eq!(attr(rects[2], "fill"), "#0b2f55");
        let numbers: Vec<&str> = els
            .iter()
            .filter(|e| e.0 == "text")
            .map(|e| e.2.as_str())
            .collect();
        for v in ["0", "5", "10", "1", "2", "finance", "kev"] {
            assert!(numbers.contains(&v), "{v}: {numbers:?}");
        }
    }

    #[test]
    fn stacked_bar_splits_the_width_by_count() {
        let parts = vec![
            ("received".to_owned(), 1),
            ("read".to_owned(), 0),
            ("acting".to_owned(), 1),
            ("done".to_owned(), 2),
        ];
        let els = elements(&stacked_bar("Progress", &parts, "none").into_string());
        let bars: Vec<_> = els
            .iter()
            .filter(|e| e.0 == "rect" && attr(e, "y") == "8")
            .collect();
        assert_eq!(bars.len(), 3, "no segment for zero");
        let widths: Vec<f64> = bars
            .iter()
            .map(|b| attr(b, "width").parse().unwrap())
            .collect();
        assert_eq!(widths, vec![120.0, 120.0, 240.0]);
        assert!(els.iter().any(|e| e.0 == "text" && e.2 == "done: 2 / 4"));
    }

    #[test]
    fn empty_data_says_so() {
        for svg in [
            line_chart("t", &[], &[], "no data yet"),
            bar_chart("t", &[], "no data yet"),
            heat_map("t", &[], &[], &[], "no data yet"),
            stacked_bar("t", &[("a".into(), 0)], "no data yet"),
        ] {
            let els = elements(&svg.into_string());
            assert!(els.iter().any(|e| e.0 == "text" && e.2 == "no data yet"));
        }
    }
}
