"""Hostile input on every route family: NUL in chunked bodies, invalid
UTF-8, deep JSON, oversized bodies, malformed server-function arguments,
multibyte and huge ids and numbers. Nothing may answer >= 500 or drop the
connection, and /healthz must still answer afterwards."""

from __future__ import annotations

import uuid

from common import FORM, JSON, expect
from context import Context, incident_filter, json_body, valid_cr

MULTIBYTE = "ab%C3%A9"  # "abé": slicing its first three bytes splits the é
HUGE = "99999999999999999999"  # > i64::MAX and > u64::MAX
INF = "1e400"  # overflows f64
I64_MAX = "9223372036854775807"
I64_MIN = "-9223372036854775808"

OVER_2MB = 2 * 1024 * 1024 + 512 * 1024


def deep_json(depth: int = 10_000) -> bytes:
    return b"[" * depth + b"]" * depth


def big_json() -> bytes:
    return b'{"title":"' + b"a" * OVER_2MB + b'"}'


def big_form() -> bytes:
    return b"email=" + b"a" * OVER_2MB


class Hostile:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.r = ctx.report

    # Headers of the three kinds of caller.
    def anon(self, ctype: str | None = None) -> list[tuple[str, str]]:
        hs = [self.ctx.same_origin]
        if ctype:
            hs.append(("Content-Type", ctype))
        return hs

    def api(self, ctype: str | None = JSON, token: str | None = None) -> list[tuple[str, str]]:
        hs = [self.ctx.bearer(token), ("Accept", "application/json")]
        if ctype:
            hs.append(("Content-Type", ctype))
        return hs

    def session(self, ctype: str | None = None) -> list[tuple[str, str]]:
        hs = self.ctx.signed_in()
        if ctype:
            hs.append(("Content-Type", ctype))
        return hs

    def send(self, name, method, path, headers, body=None, expected="4xx", chunked=False, timeout=None):
        reply = self.http.request(method, path, headers, body, chunked=chunked, timeout=timeout)
        if reply.error and expected == 413:
            # A server that answers 413 without reading the rest of the body
            # and closes may reset the connection before the client reads
            # the answer (a TCP race, not the server's fault): once more.
            first = reply.error
            reply = self.http.request(method, path, headers, body, chunked=chunked, timeout=timeout)
            if reply.error:
                reply.error = f"{reply.error}; the first try too: {first}"
        return expect(self.r, name, reply, expected)

    # ------------------------------------------------------------ families

    def sign_in_form(self) -> None:
        self.r.section("hostile input: sign-in form POST /login")
        # A throwaway address: these must not lock out the suite's account.
        who = "hostile-probe@example.com"
        self.send("POST /login, NUL byte, chunked -> 422", "POST", "/login", self.anon(FORM),
                  f"email={who}&password=a\x00b".encode(), 422, chunked=True)
        self.send("POST /login, NUL byte, Content-Length -> 422", "POST", "/login", self.anon(FORM),
                  f"email={who}&password=a\x00b".encode(), 422)
        self.send("POST /login, invalid UTF-8 -> 400", "POST", "/login", self.anon(FORM),
                  b"email=\xff\xfe%40example.com&password=\xc3\x28", 400)
        self.send("POST /login, body over 2 MB -> 413", "POST", "/login", self.anon(FORM), big_form(), 413)
        self.send("POST /login, body over 2 MB, chunked -> 413", "POST", "/login", self.anon(FORM), big_form(), 413, chunked=True)

    def server_functions(self) -> None:
        r, ctx = self.r, self.ctx
        r.section("hostile input: server functions")
        if not ctx.cookie:
            r.check("cookie session for the server-function checks", False, "no signed-in session")
            return
        needed = ["create_change_request", "list_incidents", "begin_deployment", "get_change_request",
                  "create_token", "list_jobs"]
        missing = [n for n in needed if not ctx.fn(n)]
        r.check("server functions used here located", not missing,
                f"not found: {', '.join(missing)}; their checks are skipped")
        sess_json, sess_form = self.session(JSON), self.session(FORM)
        if ctx.fn("create_change_request"):
            url = ctx.fn("create_change_request").url
            cr = valid_cr()
            nul_raw = json_body({"input": cr}).replace(b"security suite probe", b"nul \x00 raw")
            nul_esc = json_body({"input": valid_cr("nul \u0000 escaped")})
            self.send("create_change_request, raw NUL byte, chunked -> 422", "POST", url, sess_json, nul_raw, 422, chunked=True)
            self.send("create_change_request, \\u0000 in a string, chunked -> 422", "POST", url, sess_json, nul_esc, 422, chunked=True)
            self.send("create_change_request, \\u0000 in a string, Content-Length -> 422", "POST", url, sess_json, nul_esc, 422)
            self.send("create_change_request, invalid UTF-8 -> 400", "POST", url, sess_json,
                      json_body({"input": cr}).replace(b"security suite probe", b"\xff\xfe\xc3\x28"), 400)
            self.send("create_change_request, JSON nested 10,000 deep -> 400", "POST", url, sess_json, deep_json(), 400)
            self.send("create_change_request, body over 2 MB -> 413", "POST", url, sess_json, big_json(), 413)
            self.send("create_change_request, body over 2 MB, chunked -> 413", "POST", url, sess_json, big_json(), 413, chunked=True)
            self.send("create_change_request, {} -> 422", "POST", url, sess_json, b"{}", 422)
            self.send("create_change_request, input of the wrong type -> 422", "POST", url, sess_json, b'{"input": 5}', 422)
            huge = json_body({"input": cr}).replace(b'"30"', b"99999999999999999999")
            self.send("create_change_request, 99999999999999999999 where a string goes -> 4xx", "POST", url, sess_json, huge, "4xx")
        if ctx.fn("list_incidents"):
            url = ctx.fn("list_incidents").url
            self.send("list_incidents, unknown enum value (impact) -> 422", "POST", url, sess_json,
                      json_body(incident_filter(impact="catastrophic")), 422)
            self.send("list_incidents, {} -> 422", "POST", url, sess_json, b"{}", 422)
            for label, number in (("1e400", INF), ("99999999999999999999", HUGE)):
                body = json_body(incident_filter()).replace(b'"page": 1', b'"page": ' + number.encode())
                self.send(f"list_incidents, page {label} -> 4xx", "POST", url, sess_json, body, "4xx")
            body = json_body(incident_filter()).replace(b'"page": 1', b'"page": ' + I64_MAX.encode())
            self.send("list_incidents, page i64::MAX -> below 500", "POST", url, sess_json, body, "<500")
        if ctx.fn("begin_deployment"):
            body = json_body({"input": {"release": str(uuid.uuid4()), "environment": "dev", "strategy": "yolo"}})
            self.send("begin_deployment, unknown enum value (strategy) -> 422", "POST",
                      ctx.fn("begin_deployment").url, sess_json, body, 422)
        if ctx.fn("get_change_request"):
            url = ctx.fn("get_change_request").url
            for label, value in (("99999999999999999999", HUGE), ("1e400", INF), ("abé", MULTIBYTE)):
                self.send(f"get_change_request, number={label} -> 4xx", "POST", url, sess_form,
                          f"number={value}".encode(), "4xx")
            self.send("get_change_request, number=i64::MAX -> below 500", "POST", url, sess_form,
                      f"number={I64_MAX}".encode(), "<500")
            self.send("get_change_request, no arguments -> 4xx", "POST", url, sess_form, b"", "4xx")
        if ctx.fn("create_token"):
            url = ctx.fn("create_token").url
            self.send("create_token, raw NUL byte, chunked -> 422", "POST", url, sess_form, b"name=a\x00b", 422, chunked=True)
            self.send("create_token, %00, chunked -> 422", "POST", url, sess_form, b"name=a%00b", 422, chunked=True)
            self.send("create_token, invalid UTF-8 -> 400", "POST", url, sess_form, b"name=\xff\xfe", 400)
            self.send("create_token, body over 2 MB -> 413", "POST", url, sess_form, b"name=" + b"a" * OVER_2MB, 413)
        if ctx.fn("list_jobs"):
            url = ctx.fn("list_jobs").url
            for label, value in (("99999999999999999999", HUGE), ("1e400", INF)):
                self.send(f"list_jobs, page={label} -> 4xx", "POST", url, sess_form,
                          f"status=&page={value}".encode(), "4xx")
            for label, value in (("i64::MAX", I64_MAX), ("i64::MIN", I64_MIN)):
                self.send(f"list_jobs, page={label} -> below 500", "POST", url, sess_form,
                          f"status=&page={value}".encode(), "<500")
        self.send("POST /api/no_such_function123 -> 4xx", "POST", "/api/no_such_function123", sess_form, b"", "4xx")

    def rest_api(self) -> None:
        r, ctx = self.r, self.ctx
        r.section("hostile input: REST API /api/v1 (bearer token)")
        if not ctx.admin_token:
            r.check("admin token for the REST checks", False, "no --admin-token given")
            return
        api = self.api()
        cr = json_body(valid_cr())
        nul_raw = cr.replace(b"security suite probe", b"nul \x00 raw")
        nul_esc = json_body(valid_cr("nul \u0000 escaped"))
        for path in ("/api/v1/change-requests",):
            self.send(f"POST {path}, raw NUL byte, chunked -> 422", "POST", path, api, nul_raw, 422, chunked=True)
            self.send(f"POST {path}, \\u0000 in a string, chunked -> 422", "POST", path, api, nul_esc, 422, chunked=True)
            self.send(f"POST {path}, \\u0000 in a string, Content-Length -> 422", "POST", path, api, nul_esc, 422)
            # The JSON API answers unreadable bodies with its documented 422.
            self.send(f"POST {path}, invalid UTF-8 -> 422", "POST", path, api,
                      cr.replace(b"security suite probe", b"\xff\xfe\xc3\x28"), 422)
            self.send(f"POST {path}, invalid UTF-8, chunked -> 422", "POST", path, api,
                      cr.replace(b"security suite probe", b"\xff\xfe\xc3\x28"), 422, chunked=True)
            self.send(f"POST {path}, JSON nested 10,000 deep -> 422", "POST", path, api, deep_json(), 422)
            self.send(f"POST {path}, body over 2 MB -> 413", "POST", path, api, big_json(), 413)
            self.send(f"POST {path}, body over 2 MB, chunked -> 413", "POST", path, api, big_json(), 413, chunked=True)
        self.send("POST /api/v1/metrics, JSON nested 10,000 deep -> 422", "POST", "/api/v1/metrics", api, deep_json(), 422)
        self.send("POST /api/v1/metrics, value 1e400 -> 4xx", "POST", "/api/v1/metrics", api,
                  b'{"samples":[{"service":"web","environment":"dev","metric":"error_rate","value":1e400}]}', "4xx")
        self.send("POST /api/v1/metrics, value 99999999999999999999 -> below 500", "POST", "/api/v1/metrics", api,
                  b'{"samples":[{"service":"web","environment":"dev","metric":"error_rate","value":99999999999999999999}]}', "<500")
        target = uuid.uuid4()
        self.send("PUT /api/v1/deploy-targets/{id}/simulation, error_rate 1e400 -> 4xx", "PUT",
                  f"/api/v1/deploy-targets/{target}/simulation", api, b'{"error_rate":1e400,"latency_p95":1}', "4xx")
        self.send("PUT /api/v1/deploy-targets/{id}/simulation, invalid UTF-8 -> 422", "PUT",
                  f"/api/v1/deploy-targets/{target}/simulation", api, b'{"error_rate":"\xff","latency_p95":1}', 422)
        self.send("POST /api/v1/releases, changes [99999999999999999999] -> 4xx", "POST", "/api/v1/releases", api,
                  b'{"service":"web","version":"1.0.0","release_type":"minor","title":"t","description":"",'
                  b'"environments":["dev"],"planned_at":"","changes":[99999999999999999999]}', "4xx")
        self.send("POST /api/v1/releases, unknown fields of the wrong type -> 4xx", "POST", "/api/v1/releases", api,
                  b'{"service":["x"],"changes":"y"}', "4xx")
        self.send("POST /api/v1/change-requests, text/plain -> 4xx", "POST", "/api/v1/change-requests",
                  self.api("text/plain"), cr, "4xx")
        # Multibyte and huge ids.
        body = b'{"action":"submit","note":""}'
        for label, ident in (("abé", MULTIBYTE), ("ééé", "%C3%A9%C3%A9%C3%A9"), ("CR-é", "CR-%C3%A9"),
                             ("99999999999999999999", HUGE), ("1e400", INF), ("CR-99999999999999999999", "CR-" + HUGE),
                             ("-1", "-1"), ("i64::MIN", I64_MIN)):
            self.send(f"GET /api/v1/change-requests/{label} -> 404", "GET", f"/api/v1/change-requests/{ident}",
                      self.api(None), None, 404)
            self.send(f"POST /api/v1/change-requests/{label}/transitions -> 404", "POST",
                      f"/api/v1/change-requests/{ident}/transitions", api, body, 404)
        for label, ident in (("abé", MULTIBYTE), ("99999999999999999999", HUGE)):
            for method, path, b in (("GET", "/api/v1/releases/{}", None), ("GET", "/api/v1/releases/{}/gates", None),
                                    ("POST", "/api/v1/releases/{}/gates", b'{"environment":"dev","name":"ci","status":"passed"}'),
                                    ("GET", "/api/v1/deployments/{}", None), ("POST", "/api/v1/deployments/{}/pause", None),
                                    ("PUT", "/api/v1/deploy-targets/{}/simulation", b'{"error_rate":0,"latency_p95":0}')):
                p = path.format(ident)
                self.send(f"{method} {path.format(label)} -> 404", method, p, api if b else self.api(None), b, 404)
        self.send("POST /api/v1/deployments/{id}/abé (action) -> 404", "POST",
                  f"/api/v1/deployments/{uuid.uuid4()}/{MULTIBYTE}", self.api(None), None, 404)
        # Huge numbers in query strings.
        for path in ("/api/v1/change-requests", "/api/v1/releases", "/api/v1/deployments"):
            for label, value in (("99999999999999999999", HUGE), ("1e400", INF)):
                self.send(f"GET {path}?page={label} -> 4xx", "GET", f"{path}?page={value}", self.api(None), None, "4xx")
            for label, value in (("i64::MAX", I64_MAX), ("i64::MIN", I64_MIN)):
                self.send(f"GET {path}?page={label} -> below 500", "GET", f"{path}?page={value}", self.api(None), None, "<500")
        for label, value in (("i64::MAX", I64_MAX), ("i64::MIN", I64_MIN), ("99999999999999999999", HUGE)):
            self.send(f"GET /api/v1/change-requests?per_page={label} -> below 500", "GET",
                      f"/api/v1/change-requests?per_page={value}", self.api(None), None, "<500")
        self.send("GET /api/v1/change-requests?q=%FF (invalid UTF-8) -> below 500", "GET",
                  "/api/v1/change-requests?q=%FF%FE", self.api(None), None, "<500")
        self.send("GET /api/v1/change-requests?q=%00 -> 422", "GET", "/api/v1/change-requests?q=a%00b", self.api(None), None, 422)
        self.send("GET /api/v1/deployments?release=abé -> 4xx", "GET", f"/api/v1/deployments?release={MULTIBYTE}",
                  self.api(None), None, "4xx")
        self.send("GET /api/v1/abé (unknown path) -> 404", "GET", f"/api/v1/{MULTIBYTE}", self.api(None), None, 404)
        # Hostile credentials.
        for label, value in (("non-ASCII bytes", b"Bearer rk_\xff\xfe"), ("empty", b"Bearer "),
                             ("8 KB long", b"Bearer rk_" + b"a" * 8192), ("with %00", b"Bearer rk_%00"),
                             ("with a raw NUL byte", b"Bearer rk_a\x00b")):
            self.send(f"GET /api/v1/me, bearer token {label} -> 401", "GET", "/api/v1/me",
                      [("Authorization", value)], None, {400, 401, 431})
        if ctx.viewer_token:
            self.send("POST /api/v1/change-requests as a viewer -> 403", "POST", "/api/v1/change-requests",
                      self.api(token=ctx.viewer_token), cr, 403)

    def status_pages(self) -> None:
        self.r.section("hostile input: public status routes (signed out)")
        for path in ("/status/subscribe", "/status/subscribe/confirm", "/status/unsubscribe"):
            field = "url" if path == "/status/subscribe" else "token"
            pre = b"kind=webhook&" if path == "/status/subscribe" else b""
            self.send(f"POST {path}, raw NUL byte, chunked -> 422", "POST", path, self.anon(FORM),
                      pre + field.encode() + b"=https://hooks.example.com/a\x00b", 422, chunked=True)
            self.send(f"POST {path}, %00, chunked -> 422", "POST", path, self.anon(FORM),
                      pre + field.encode() + b"=https://hooks.example.com/a%00b", 422, chunked=True)
            self.send(f"POST {path}, invalid UTF-8 -> 400", "POST", path, self.anon(FORM),
                      pre + field.encode() + b"=\xff\xfe\xc3\x28", 400)
            self.send(f"POST {path}, body over 2 MB -> 413", "POST", path, self.anon(FORM), big_form(), 413)
            self.send(f"POST {path}, body over 2 MB, chunked -> 413", "POST", path, self.anon(FORM), big_form(), 413, chunked=True)
        self.send("POST /status/subscribe/confirm?token=%00 -> 422", "POST", "/status/subscribe/confirm?token=a%00b",
                  self.anon(FORM), b"", 422)
        self.send("POST /status/unsubscribe?token=abé -> 404", "POST", f"/status/unsubscribe?token={MULTIBYTE}",
                  self.anon(FORM), b"", 404)
        for path in ("/status/incidents/{}", "/status/maintenance/{}", "/status/components/{}/uptime",
                     "/status/components/{}.svg", "/changelog/{}", "/api/v2/{}"):
            for label, ident in (("abé", MULTIBYTE), ("99999999999999999999", HUGE)):
                self.send(f"GET {path.format(label)} -> 404", "GET", path.format(ident), [], None, 404)
        for label, value in (("99999999999999999999", HUGE), ("1e400", INF), ("abé", MULTIBYTE), ("-1", "-1")):
            self.send(f"GET /status/history?page={label} -> 404", "GET", f"/status/history?page={value}", [], None, 404)
        self.send("GET /status/history?page=%FF -> 4xx", "GET", "/status/history?page=%FF", [], None, "4xx")
        self.send("GET /status with a hostile If-Modified-Since -> below 500", "GET", "/status",
                  [("If-Modified-Since", "Sun, 99 Zzz 99999 99:99:99 GMT")], None, "<500")
        self.send("GET /status with If-None-Match of non-ASCII bytes -> below 500", "GET", "/status",
                  [("If-None-Match", b"\"\xff\xfe\"")], None, "<500")

    def calendar_feed(self) -> None:
        self.r.section("hostile input: calendar feed /calendar/feed/{token}.ics")
        for label, ident in (("abé", MULTIBYTE), ("99999999999999999999", HUGE), ("1e400", INF),
                             ("a 10,000-character token", "a" * 10_000), ("ééé", "%C3%A9%C3%A9%C3%A9")):
            self.send(f"GET /calendar/feed/{label}.ics -> 404", "GET", f"/calendar/feed/{ident}.ics", [], None,
                      {404, 414, 431})
        self.send("GET /calendar/feed/%00.ics -> 4xx", "GET", "/calendar/feed/a%00b.ics", [], None, "4xx")
        self.send("GET /calendar/feed/%FF.ics -> 4xx", "GET", "/calendar/feed/%FF%FE.ics", [], None, "4xx")

    def audit_csv(self) -> None:
        r = self.r
        r.section("hostile input: /audit.csv (signed in)")
        if not self.ctx.cookie:
            r.check("cookie session for the audit.csv checks", False, "no signed-in session")
            return
        hs = self.session()
        for label, value in (("page=99999999999999999999", f"page={HUGE}"), ("page=1e400", f"page={INF}"),
                             ("page=abé", f"page={MULTIBYTE}"), ("from=abé", f"from={MULTIBYTE}"),
                             ("from=99999-99-99", "from=99999-99-99"), ("to=1e400", f"to={INF}")):
            self.send(f"GET /audit.csv?{label} -> 400", "GET", f"/audit.csv?{value}", hs, None, 400)
        for label, value in (("page=i64::MAX", f"page={I64_MAX}"), ("page=i64::MIN", f"page={I64_MIN}"),
                             ("actor=%FF (invalid UTF-8)", "actor=%FF%FE"), ("actor=abé", f"actor={MULTIBYTE}")):
            self.send(f"GET /audit.csv?{label} -> below 500", "GET", f"/audit.csv?{value}", hs, None, "<500")
        self.send("GET /audit.csv?actor=%00 -> 422", "GET", "/audit.csv?actor=a%00b", hs, None, 422)
        self.send("GET /audit.csv signed out -> 401", "GET", "/audit.csv", [], None, 401)

    def deployment_events(self) -> None:
        r = self.r
        r.section("hostile input: /deployments/{id}/events (signed in)")
        if not self.ctx.cookie:
            r.check("cookie session for the deployment-events checks", False, "no signed-in session")
            return
        hs = self.session() + [("Accept", "text/event-stream")]
        for label, ident in (("abé", MULTIBYTE), ("99999999999999999999", HUGE), ("1e400", INF),
                             ("an unknown UUID", str(uuid.uuid4())), ("%00", "a%00b")):
            self.send(f"GET /deployments/{label}/events -> 4xx", "GET", f"/deployments/{ident}/events", hs, None,
                      "4xx", timeout=15)
        self.send("GET /deployments/abé/events signed out -> 4xx", "GET", f"/deployments/{MULTIBYTE}/events", [],
                  None, "4xx", timeout=15)

    def pages(self) -> None:
        r = self.r
        r.section("hostile input: Leptos pages (signed in)")
        if not self.ctx.cookie:
            r.check("cookie session for the page checks", False, "no signed-in session")
            return
        hs = self.session() + [("Accept", "text/html")]
        for path in ("/changes/{}", "/releases/{}", "/deployments/{}", "/incidents/{}", "/releases/{}/notes"):
            for label, ident in (("abé", MULTIBYTE), ("99999999999999999999", HUGE), ("1e400", INF)):
                self.send(f"GET {path.format(label)} -> below 500", "GET", path.format(ident), hs, None, "<500")
        for label, q in (("page=99999999999999999999", f"page={HUGE}"), ("page=i64::MIN", f"page={I64_MIN}")):
            self.send(f"GET /changes?{label} -> below 500", "GET", f"/changes?{q}", hs, None, "<500")
            self.send(f"GET /audit?{label} -> below 500", "GET", f"/audit?{q}", hs, None, "<500")
        self.send("GET /login?next=abé&error=%FF -> below 500", "GET", f"/login?next={MULTIBYTE}&error=%FF", [], None, "<500")
        self.send("GET /abé (unknown page) -> 4xx", "GET", f"/{MULTIBYTE}", [], None, "4xx")
        self.send("GET with a garbage session cookie -> below 500", "GET", "/",
                  [("Cookie", "rookery_session=%00%FF\"garbage"), ("Accept", "text/html")], None, "<500")

    def healthz(self) -> None:
        self.r.section("after the hostile input")
        expect(self.r, "GET /healthz still answers 200", self.http.healthy(), 200)
        expect(self.r, "GET /readyz still answers 200", self.http.get("/readyz", timeout=10), 200)


def run(ctx: Context) -> None:
    h = Hostile(ctx)
    h.sign_in_form()
    h.server_functions()
    h.rest_api()
    h.status_pages()
    h.calendar_feed()
    h.audit_csv()
    h.deployment_events()
    h.pages()
    h.healthz()
