//! The frame around every public page (header, stale notice, footer) and
//! the one inline stylesheet, with its phone layout for the uptime bars.

use super::{esc, when, Frame, BAR_DAYS, BAR_PITCH, NARROW_BAR_DAYS, NARROW_MAX_WIDTH_PX};
use std::fmt::Write;

const CSS: &str = r#"
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f5f7fa}
a{color:#2563eb;text-decoration:none}a:hover{text-decoration:underline}
.top{max-width:880px;margin:0 auto;padding:28px 20px 8px;display:flex;align-items:center;justify-content:space-between;gap:12px;flex-wrap:wrap}
.brand{font-size:22px;font-weight:700;color:#1f2933}.brand span{color:#64748b;font-weight:400}
.top nav{display:flex;gap:16px;align-items:center;flex-wrap:wrap}.btn{display:inline-block;background:#2563eb;color:#fff;border-radius:6px;padding:7px 14px;font-weight:600;border:0;font-size:14px;cursor:pointer}.btn:hover{background:#1d4ed8;text-decoration:none}
main{max-width:880px;margin:0 auto;padding:8px 20px 40px}
.stale{max-width:840px;margin:8px auto;padding:10px 14px;border-radius:8px;background:#fff7ed;border:1px solid #fdba74;color:#9a3412}
.banner{border-radius:8px;padding:18px 22px;color:#fff;font-size:20px;font-weight:600;margin:16px 0 24px}
.b-none{background:#16a34a}.b-minor{background:#ca8a04}.b-major{background:#ea580c}.b-critical{background:#dc2626}.b-maintenance{background:#2563eb}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:0 0 20px;overflow:hidden}
.card h2{margin:0;padding:14px 18px;font-size:16px;border-bottom:1px solid #e2e8f0;background:#f8fafc}
.incident{padding:14px 18px;border-bottom:1px solid #eef2f6}.incident:last-child{border-bottom:0}
.incident h3{margin:0 0 4px;font-size:16px}.meta{color:#64748b;font-size:13px}
.i-none h3 a,.i-maintenance h3 a{color:#1f2933}.i-minor h3 a{color:#b45309}.i-major h3 a{color:#c2410c}.i-critical h3 a{color:#b91c1c}.i-maint h3 a{color:#1d4ed8}
.group{padding:12px 18px 4px;font-weight:600;color:#475569;background:#fbfcfe;border-bottom:1px solid #eef2f6}
.component{padding:14px 18px;border-bottom:1px solid #eef2f6}.component:last-child{border-bottom:0}
.crow{display:flex;justify-content:space-between;gap:10px}.cname{font-weight:600}.cname a{color:#1f2933}
.st{font-size:14px;font-weight:600}.s-operational{color:#16a34a}.s-degraded_performance{color:#ca8a04}.s-partial_outage{color:#ea580c}.s-major_outage{color:#dc2626}.s-under_maintenance{color:#2563eb}
.barwrap{overflow:hidden;margin:8px 0 4px}svg.bars{display:block;width:100%;height:34px}.narrow{display:none}
.g{fill:#22c55e}.y{fill:#eab308}.o{fill:#f97316}.r{fill:#ef4444}.bl{fill:#3b82f6}.n{fill:#d4d9e0}
rect:hover{opacity:.7}
.legend{display:flex;justify-content:space-between;color:#94a3b8;font-size:12px}
.update{padding:10px 0;border-top:1px solid #eef2f6}.update:first-child{border-top:0}.update>strong{margin-right:6px}
.body p{margin:4px 0}.body pre{background:#f1f5f9;padding:8px;overflow:auto}
.day h4{margin:18px 0 6px;font-size:15px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
.muted{color:#64748b}.pager{display:flex;justify-content:space-between;margin:16px 0}
.months{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:18px;padding:16px 18px}
.cal{display:grid;grid-template-columns:repeat(7,1fr);gap:3px}.cal i{display:flex;align-items:center;justify-content:center;aspect-ratio:1;border-radius:3px;font-style:normal;font-size:11px;line-height:1;color:#1f2933}
.cal b{font-size:11px;font-weight:600;color:#94a3b8;text-align:center}
.cal .g,.key .g{background:#22c55e}.cal .y,.key .y{background:#eab308}.cal .o,.key .o{background:#f97316}.cal .r,.key .r{background:#ef4444;color:#fff}.cal .bl,.key .bl{background:#3b82f6;color:#fff}.cal .n,.key .n{background:#e2e8f0;color:#64748b}.cal .f{background:transparent;border:1px dashed #e2e8f0;color:#cbd5e1}.cal .x{background:transparent}
.key{display:flex;flex-wrap:wrap;gap:6px 16px;padding:0 18px 16px;font-size:12px;color:#64748b;margin:0;list-style:none}.key li{display:flex;align-items:center;gap:6px}.key i{display:inline-block;width:12px;height:12px;border-radius:3px}
form.sub{padding:16px 18px}form.sub label{display:block;margin:8px 0 4px;font-weight:600}form.sub input[type=email],form.sub input[type=url]{width:100%;padding:8px;border:1px solid #cbd5e1;border-radius:6px;font-size:15px}
.checks label{font-weight:400!important;display:flex!important;gap:6px;align-items:center}
.notice{padding:16px 18px}.note-body h2{font-size:16px;border:0;background:none;padding:8px 0 0}
code.secret{background:#f1f5f9;padding:4px 6px;border-radius:4px;word-break:break-all}
footer{max-width:880px;margin:0 auto;padding:0 20px 40px;color:#64748b;font-size:13px}
"#;

/// Wraps `content` in the page frame.
pub fn page(frame: &Frame, title: &str, content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 6000);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · {name} status</title>\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Incident history\" href=\"/history.atom\">\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Incident history\" href=\"/history.rss\">\
         <link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\"><style>{CSS}{narrow}</style></head><body>\
         <header class=\"top\"><a class=\"brand\" href=\"/status\">{name} <span>Status</span></a>\
         <nav><a href=\"/status/history\">History</a><a href=\"/changelog\">Changelog</a>\
         <a class=\"btn\" href=\"/status/subscribe\">Subscribe to updates</a></nav></header>",
        title = esc(title),
        name = esc(frame.name),
        narrow = narrow_css(),
    );
    if frame.stale {
        let _ = write!(
            out,
            "<div class=\"stale\" role=\"status\" data-stale=\"true\"><strong>Live updates are delayed.</strong> \
             This page shows the status as last updated at {}.</div>",
            when(frame.loaded_at)
        );
    }
    out.push_str("<main>");
    out.push_str(content);
    let _ = write!(
        out,
        "</main><footer>Last updated at {} · <a href=\"/history.atom\">Atom</a> · <a href=\"/history.rss\">RSS</a> · \
         <a href=\"/api/v2/summary.json\">JSON</a> · <a href=\"/status/badge.svg\">Badge</a> · Powered by Rookery</footer></body></html>",
        when(frame.loaded_at)
    );
    out
}

/// The phone layout: the bars' SVG is widened and shifted inside its
/// clipping wrapper so that only its last [`NARROW_BAR_DAYS`] days show,
/// and each `.wide` label gives way to its `.narrow` twin.
pub(super) fn narrow_css() -> String {
    let total = f64::from(BAR_DAYS * BAR_PITCH - 2);
    let hidden = f64::from((BAR_DAYS - NARROW_BAR_DAYS) * BAR_PITCH);
    let shown = total - hidden;
    format!(
        "@media (max-width:{NARROW_MAX_WIDTH_PX}px){{.wide{{display:none}}.narrow{{display:inline}}\
         svg.bars{{width:{:.3}%;margin-left:-{:.3}%}}}}",
        100.0 * total / shown,
        100.0 * hidden / shown
    )
}
