"""Security headers on HTML pages, the cross-site request rules for
cookie-authenticated writes, and the content types server functions accept."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

from common import FORM, JSON, cookie_header, expect, sign_in
from context import Context, incident_filter, json_body

# ---------------------------------------------------------------- headers


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def _directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out.setdefault(words[0].lower(), words[1:])
    return out


def _nonce(policy: str | None) -> str | None:
    if not policy:
        return None
    for token in _directives(policy).get("script-src", []):
        m = re.fullmatch(r"'nonce-([A-Za-z0-9+/_=-]+)'", token)
        if m:
            return m.group(1)
    return None


def check_page(ctx: Context, path: str, signed_in: bool, leptos: bool) -> None:
    r = ctx.report
    who = "signed in" if signed_in else "signed out"
    name = f"GET {path} ({who})"
    headers = [("Accept", "text/html")]
    if signed_in:
        if not ctx.cookie:
            r.check(f"{name}: security headers", False, "no signed-in session (see the sign-in failure above)")
            return
        headers.append(cookie_header(ctx.cookie))
    first = ctx.http.get(path, headers)
    second = ctx.http.get(path, headers)
    ok_page = expect(r, f"{name} answers an HTML page", first, 200,
                     lambda rep: None if (rep.header("content-type") or "").startswith("text/html")
                     else f"Content-Type is {rep.header('content-type')!r}, not text/html")
    if not ok_page:
        return
    policy = first.header("content-security-policy")
    if not r.check(f"{name}: Content-Security-Policy present", bool(policy), "no Content-Security-Policy header"):
        return
    d = _directives(policy)
    script_src = d.get("script-src", [])
    nonce = _nonce(policy)
    r.check(f"{name}: script-src has 'nonce-<value>'", nonce is not None,
            f"script-src is {' '.join(script_src)!r} (policy {policy!r})")
    r.check(f"{name}: script-src has 'wasm-unsafe-eval'", "'wasm-unsafe-eval'" in script_src,
            f"script-src is {' '.join(script_src)!r}")
    r.check(f"{name}: frame-ancestors 'none'", d.get("frame-ancestors") == ["'none'"],
            f"frame-ancestors is {d.get('frame-ancestors')!r}")
    parser = _Scripts()
    parser.feed(first.body.decode("utf-8", "replace"))
    scripts = parser.scripts
    wrong = [s for s in scripts if s.get("nonce") != nonce]
    if leptos:
        r.check(f"{name}: the page has <script> tags (hydration)", bool(scripts), "no <script> tag in the page")
    if scripts or leptos:
        r.check(f"{name}: every <script> carries the header's nonce", nonce is not None and not wrong,
                f"header nonce {nonce!r}; script nonces {[s.get('nonce') for s in scripts]!r}")
    nonce2 = _nonce(second.header("content-security-policy")) if second.status == 200 else None
    r.check(f"{name}: a second request gets a different nonce", nonce is not None and nonce2 is not None and nonce != nonce2,
            f"first {nonce!r}, second {nonce2!r} (HTTP {second.status})")
    for header, want in (("x-frame-options", "DENY"), ("x-content-type-options", "nosniff"),
                         ("referrer-policy", "strict-origin-when-cross-origin")):
        got = first.header(header)
        r.check(f"{name}: {header}: {want}", got is not None and got.strip().lower() == want.lower(),
                f"{header} is {got!r}")
    hsts = first.header("strict-transport-security")
    r.check(f"{name}: no Strict-Transport-Security over plain http", hsts is None, f"got {hsts!r}")


def run_headers(ctx: Context) -> None:
    ctx.report.section("security headers on HTML pages")
    check_page(ctx, "/login", signed_in=False, leptos=True)
    check_page(ctx, "/status", signed_in=False, leptos=False)
    check_page(ctx, "/changelog", signed_in=False, leptos=False)
    check_page(ctx, "/", signed_in=True, leptos=True)
    check_page(ctx, "/changes", signed_in=True, leptos=True)


# ---------------------------------------------------------------- CSRF

REFUSED = [
    ("Origin from another site", [("Origin", "https://evil.example")]),
    ("Origin: null", [("Origin", "null")]),
    ("Sec-Fetch-Site: cross-site", [("Sec-Fetch-Site", "cross-site")]),
    ("Sec-Fetch-Site: same-site", [("Sec-Fetch-Site", "same-site")]),
    ("Sec-Fetch-Site: cross-site despite a same-origin Origin", None),  # filled in below
    ("neither Origin nor Sec-Fetch-Site", []),
]


def _not_refused(status: int) -> bool:
    """not 403 (and below 500)"""
    return status != 403 and status < 500


def csrf_targets(ctx: Context) -> list[tuple[str, str, str | None, bytes]]:
    """(method, path, content type, body) of state-changing requests."""
    targets = []
    fn = ctx.fn("get_current_user")
    if fn:
        targets.append(("POST", fn.url, FORM, b""))
    fn = ctx.fn("list_incidents")
    if fn:
        targets.append(("POST", fn.url, JSON, json_body(incident_filter())))
    some = uuid.uuid4()
    targets += [
        ("POST", "/api/v1/change-requests", JSON, b"{}"),
        ("PUT", f"/api/v1/deploy-targets/{some}/simulation", JSON, b'{"error_rate":0,"latency_p95":0}'),
        ("DELETE", "/api/v1/change-requests/1", None, None),
        ("PATCH", f"/api/v1/releases/{some}", JSON, b"{}"),
        ("POST", "/status/subscribe", FORM, b"kind=none"),
    ]
    return targets


def run_csrf(ctx: Context) -> None:
    r = ctx.report
    r.section("cross-site refusal of cookie-authenticated writes")
    if not ctx.cookie:
        r.check("cookie session for the cross-site checks", False, "no signed-in session (see the sign-in failure above)")
        return
    if not ctx.fn("get_current_user") or not ctx.fn("list_incidents"):
        r.check("server functions get_current_user and list_incidents located", False,
                "their URLs were not found (see server function discovery); those targets are skipped")
    same = ctx.same_origin
    cookie = cookie_header(ctx.cookie)
    for method, path, ctype, body in csrf_targets(ctx):
        base = [cookie, ("Accept", "application/json")]
        if ctype:
            base.append(("Content-Type", ctype))
        for label, extra in REFUSED:
            if extra is None:
                extra = [same, ("Sec-Fetch-Site", "cross-site")]
            reply = ctx.http.request(method, path, base + extra, body)
            expect(r, f"{method} {path} with the cookie, {label} -> 403", reply, 403)
        for label, extra in (("same-origin Origin", [same]),
                             ("same-origin Origin and Sec-Fetch-Site: same-origin",
                              [same, ("Sec-Fetch-Site", "same-origin")])):
            reply = ctx.http.request(method, path, base + extra, body)
            expect(r, f"{method} {path} with the cookie, {label} -> passes", reply, _not_refused)
        if path.startswith("/api/v1/") and ctx.admin_token:
            reply = ctx.http.request(method, path, base + [ctx.bearer()], body)
            expect(r, f"{method} {path} with cookie and bearer token, no Origin -> passes (bearer exempt)", reply, _not_refused)
            nocookie = [h for h in base if h[0] != "Cookie"] + [ctx.bearer()]
            reply = ctx.http.request(method, path, nocookie, body)
            expect(r, f"{method} {path} with a bearer token only, no Origin -> passes", reply, _not_refused)
    # Signed out (no cookie) and no browser headers: nothing ambient to abuse.
    reply = ctx.http.request("POST", "/status/subscribe", [("Content-Type", FORM)], b"kind=none")
    expect(r, "POST /status/subscribe without cookie or Origin -> passes", reply, _not_refused)
    # Safe methods pass cross-site (links from elsewhere keep working).
    reply = ctx.http.get("/changes", [cookie, ("Sec-Fetch-Site", "cross-site"), ("Accept", "text/html")])
    expect(r, "GET /changes with the cookie, Sec-Fetch-Site: cross-site -> 200", reply, 200)

    # Sign-out on a session of its own, so the main one survives.
    if not (ctx.email and ctx.password):
        return
    other, why = sign_in(ctx.http, ctx.email, ctx.password)
    if not r.check("second session for the sign-out checks", other is not None, why):
        return
    for label, extra in (("Origin from another site", [("Origin", "https://evil.example")]),
                         ("neither Origin nor Sec-Fetch-Site", [])):
        reply = ctx.http.request("POST", "/logout", [cookie_header(other), ("Content-Type", FORM)] + extra, b"")
        expect(r, f"POST /logout with the cookie, {label} -> 403", reply, 403)
    still = ctx.http.get("/", [cookie_header(other), ("Accept", "text/html")])
    expect(r, "the session survives refused sign-outs", still, 200)
    reply = ctx.http.request("POST", "/logout", [cookie_header(other), same, ("Content-Type", FORM)], b"")
    expect(r, "POST /logout with a same-origin Origin -> 303 to the sign-in page", reply, 303,
           lambda rep: None if (rep.header("location") or "").startswith("/login") else f"Location {rep.header('location')!r}")


# ---------------------------------------------------------------- server-fn content types

def run_content_types(ctx: Context) -> None:
    r = ctx.report
    r.section("server functions accept only their declared content type")
    if ctx.fn_notes:
        for note in ctx.fn_notes:
            print(f"      note: {note}")
    located = [f for f in ctx.fns.values() if f.url]
    if not r.check("server function URLs located", bool(located),
                   "none of the #[server] functions in app/src/server_fns/ answered at /api/<name><hash>; "
                   "build the site (cargo leptos build --release) so target/site/pkg/*.wasm and target/release/rookery exist"):
        return
    missing = [f.name for f in ctx.fns.values() if not f.url]
    r.check("every #[server] function's URL located", not missing, f"not found: {', '.join(missing)}")
    if not ctx.cookie:
        r.check("cookie session for the content-type checks", False, "no signed-in session")
        return
    # Positive controls: the declared type works.
    if ctx.fn("list_incidents"):
        body = json_body(incident_filter())
        expect(r, "JSON server function list_incidents with application/json -> 200",
               ctx.call_fn("list_incidents", body), 200)
        expect(r, "JSON server function list_incidents with application/json; charset=utf-8 -> 200",
               ctx.call_fn("list_incidents", body, "application/json; charset=utf-8"), 200)
        for ctype in (FORM, "text/plain", "multipart/form-data; boundary=x", ""):
            label = ctype or "no Content-Type"
            expect(r, f"JSON server function list_incidents with {label} -> 415",
                   ctx.call_fn("list_incidents", body, ctype), 415)
    if ctx.fn("get_current_user"):
        expect(r, "form server function get_current_user with application/x-www-form-urlencoded -> 200",
               ctx.call_fn("get_current_user", b""), 200)
        # (A call with neither body nor Content-Type has nothing to misread
        # and may pass; one with a body must say what it is.)
        for ctype, body in ((JSON, b"{}"), ("text/plain", b""), ("multipart/form-data; boundary=x", b"--x--\r\n"), ("", b"x=1")):
            label = ctype or "a body and no Content-Type"
            expect(r, f"form server function get_current_user with {label} -> 415",
                   ctx.call_fn("get_current_user", body, ctype), 415)
    # Every server function refuses text/plain (what a cross-site <form> can send).
    refused, wrong = 0, []
    for fn in located:
        reply = ctx.call_fn(fn.name, b"x", "text/plain")
        if reply.status == 415:
            refused += 1
        else:
            wrong.append(f"{fn.name}: {reply.describe()[:80]}")
        # and a JSON function refuses the form type, a form function JSON
        other = FORM if fn.json else JSON
        reply = ctx.call_fn(fn.name, b"{}" if other == JSON else b"", other)
        if reply.status != 415:
            wrong.append(f"{fn.name} with {other}: {reply.describe()[:80]}")
    r.check(f"all {len(located)} located server functions answer 415 to text/plain and to the other encoding",
            not wrong, f"{len(wrong)} did not: " + "; ".join(wrong[:12]) + (" ..." if len(wrong) > 12 else ""))


def run(ctx: Context) -> None:
    run_headers(ctx)
    run_csrf(ctx)
    run_content_types(ctx)
