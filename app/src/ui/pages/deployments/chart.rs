//! A trigger's readings as an SVG line chart: the threshold as a dashed
//! line, breaching stretches shaded, unreadable (inconclusive) readings as
//! grey ticks on the axis.

use crate::model::TriggerView;
use leptos::prelude::*;

const W: f64 = 560.0;
const H: f64 = 150.0;
const PAD_L: f64 = 44.0;
const PAD_R: f64 = 8.0;
const PAD_T: f64 = 10.0;
const PAD_B: f64 = 20.0;

/// A short label for an axis value.
fn tick(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Where the chart's points go, computed once per render.
pub struct Geometry {
    pub points: Vec<(f64, f64, bool)>,
    pub inconclusive: Vec<f64>,
    pub threshold_y: f64,
    pub top: f64,
    /// x ranges of breaching runs
    pub breaches: Vec<(f64, f64)>,
}

pub fn geometry(trigger: &TriggerView) -> Geometry {
    let readings = &trigger.readings;
    let threshold = trigger.spec.threshold;
    let max_value = readings
        .iter()
        .filter_map(|r| r.value)
        .fold(0.0_f64, f64::max);
    let top = (threshold * 1.5).max(max_value * 1.1).max(1e-9);
    let n = readings.len().max(2) as f64 - 1.0;
    let x = |i: usize| PAD_L + (W - PAD_L - PAD_R) * i as f64 / n;
    let y = |v: f64| PAD_T + (H - PAD_T - PAD_B) * (1.0 - (v / top).clamp(0.0, 1.0));
    let mut points = Vec::new();
    let mut inconclusive = Vec::new();
    let mut breaches = Vec::new();
    let mut run: Option<f64> = None;
    let step = (W - PAD_L - PAD_R) / n / 2.0;
    for (i, r) in readings.iter().enumerate() {
        match r.value {
            Some(v) => points.push((x(i), y(v), r.breached)),
            None => inconclusive.push(x(i)),
        }
        match (r.breached, run) {
            (true, None) => run = Some((x(i) - step).max(PAD_L)),
            (false, Some(start)) => {
                breaches.push((start, x(i) - step));
                run = None;
            }
            _ => {}
        }
    }
    if let Some(start) = run {
        breaches.push((
            start,
            (x(readings.len().saturating_sub(1)) + step).min(W - PAD_R),
        ));
    }
    Geometry {
        points,
        inconclusive,
        threshold_y: y(threshold),
        top,
        breaches,
    }
}

#[component]
pub fn TriggerChart(trigger: TriggerView) -> impl IntoView {
    let g = geometry(&trigger);
    let spec = trigger.spec.clone();
    let latest = trigger.readings.last().cloned();
    let line: String = g
        .points
        .iter()
        .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let label = format!(
        "{} {} {} for {} s → {}",
        spec.metric,
        spec.operator.label(),
        spec.threshold,
        spec.sustained_seconds,
        spec.action.label().to_lowercase()
    );
    let now = match &latest {
        Some(r) => match (r.value, &r.error) {
            (Some(v), _) => format!("now {}", tick(v)),
            (None, Some(e)) => format!("inconclusive: {e}"),
            (None, None) => "inconclusive".into(),
        },
        None => "no readings yet".into(),
    };
    let breaching = latest.as_ref().is_some_and(|r| r.breached);
    let fired = trigger
        .readings
        .iter()
        .filter(|r| r.fired.is_some())
        .count();
    let bottom = H - PAD_B;
    view! {
        <figure class="chart" data-testid="trigger-chart" data-metric=spec.metric.clone() data-breaching=breaching.to_string()>
            <figcaption>
                <strong>{label}</strong>
                <span class=if breaching { "chart-now breaching" } else { "chart-now" }>{now}</span>
                {(fired > 0).then(|| view! { <span class="badge badge-red">{format!("fired {fired}×")}</span> })}
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=format!("{} readings against the threshold {}", spec.metric, spec.threshold)>
                <line class="axis" x1=PAD_L y1=PAD_T x2=PAD_L y2=bottom />
                <line class="axis" x1=PAD_L y1=bottom x2=W - PAD_R y2=bottom />
                <text class="tick" x=PAD_L - 4.0 y=PAD_T + 4.0 text-anchor="end">{tick(g.top)}</text>
                <text class="tick" x=PAD_L - 4.0 y=bottom text-anchor="end">"0"</text>
                {g.breaches.iter().map(|(x1, x2)| view! {
                    <rect class="breach" x=*x1 y=PAD_T width=(x2 - x1).max(2.0) height=bottom - PAD_T />
                }).collect_view()}
                <line class="threshold" x1=PAD_L y1=g.threshold_y x2=W - PAD_R y2=g.threshold_y />
                <text class="tick threshold-label" x=W - PAD_R y=g.threshold_y - 3.0 text-anchor="end">{format!("threshold {}", tick(spec.threshold))}</text>
                <polyline class="series" points=line />
                {g.points.iter().filter(|p| p.2).map(|(x, y, _)| view! { <circle class="breach-point" cx=*x cy=*y r="2.5" /> }).collect_view()}
                {g.inconclusive.iter().map(|x| view! { <line class="inconclusive" x1=*x y1=bottom - 6.0 x2=*x y2=bottom /> }).collect_view()}
            </svg>
        </figure>
    }
}
