//! The chart of `cargo xtask bench`: listing time against concurrency at
//! 20 ms latency, for the `wharf` CLI and crate, the official SDKs and the
//! latency floor, drawn from the driver's `sdk-compare.json`.

use plotters::prelude::*;
use serde_json::Value;
use std::path::Path;

/// The concurrencies the driver measures, and the latency the chart shows.
const CONCURRENCIES: [u32; 4] = [1, 4, 16, 64];
const LATENCY_MS: f64 = 20.0;
const PAGES: u32 = 200;

/// One line of the chart: its legend, its colour, and (log2 concurrency,
/// seconds) points.
type Series = (String, RGBColor, Vec<(f64, f64)>);

/// Reads `json` and writes the SVG chart to `svg`.
pub fn draw(json: &Path, svg: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(json).map_err(|e| format!("{}: {e}", json.display()))?;
    let data: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))?;
    let listing = &data["listing"];
    // The fastest round, as in the report: load only ever adds time.
    let best = |key: &str, field: &str| -> Result<f64, String> {
        listing[key]
            .as_array()
            .ok_or_else(|| format!("{key} missing from {}", json.display()))?
            .iter()
            .filter_map(|row| row[field].as_f64())
            .reduce(f64::min)
            .ok_or_else(|| format!("{key} has no {field}"))
    };
    // x is log2 of the concurrency, so 1, 4, 16 and 64 are evenly spaced.
    let x = |c: u32| f64::from(c).log2();
    let floor: Vec<(f64, f64)> = CONCURRENCIES
        .iter()
        .map(|&c| {
            (
                x(c),
                LATENCY_MS / 1000.0 * f64::from(1 + (PAGES - 1).div_ceil(c)),
            )
        })
        .collect();
    let mut series: Vec<Series> = Vec::new();
    for (provider, sdk, colours) in [
        ("swr", "huaweicloudsdkswr", [RED, BLUE, CYAN]),
        ("uhub", "ucloud-sdk-python3", [MAGENTA, GREEN, BLACK]),
    ] {
        let sdk_time = best(&format!("20ms sdk {provider}"), "list")?;
        series.push((
            format!("{sdk} (one request at a time)"),
            colours[0],
            CONCURRENCIES.iter().map(|&c| (x(c), sdk_time)).collect(),
        ));
        for (who, label, colour) in [
            ("wharf", "wharf CLI", colours[1]),
            ("crate", "wharf crate", colours[2]),
        ] {
            let mut points = Vec::new();
            for &c in &CONCURRENCIES {
                points.push((x(c), best(&format!("20ms {who} {provider} c{c}"), "wall")?));
            }
            series.push((format!("{label}, {provider}"), colour, points));
        }
    }

    let root = SVGBackend::new(svg, (900, 600)).into_drawing_area();
    let fail = |e: &dyn std::fmt::Display| format!("chart: {e}");
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Listing 20,000 items at 20 ms latency, page 100",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(65)
        .build_cartesian_2d(-0.3f64..6.3f64, (0.05f64..10.0f64).log_scale())
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .x_desc("concurrency (requests in flight)")
        .y_desc("wall time, seconds (log scale)")
        .x_labels(7)
        .x_label_formatter(&|v| format!("{}", 2f64.powf(*v).round()))
        .draw()
        .map_err(|e| fail(&e))?;
    chart
        .draw_series(LineSeries::new(floor.clone(), BLACK.stroke_width(1)))
        .map_err(|e| fail(&e))?
        .label("latency floor")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK));
    for (label, colour, points) in series {
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
            .map_err(|e| fail(&e))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(|e| fail(&e))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}
