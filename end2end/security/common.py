"""Shared pieces of the black-box security suite: a raw HTTP/1.1 client
(so chunked bodies, invalid UTF-8 and odd headers go on the wire exactly as
written), the PASS/FAIL recorder, cookie sign-in and server-function
discovery. Standard library only, so the header, CSRF and hostile-input
checks run even where the venv for Schemathesis is missing."""

from __future__ import annotations

import http.client
import re
import select
import socket
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

# ---------------------------------------------------------------- reporting


class Report:
    """Prints one PASS/FAIL line per check and remembers the failures."""

    def __init__(self) -> None:
        self.passed = 0
        self.failures: list[str] = []
        self.section_name = ""

    def section(self, name: str) -> None:
        self.section_name = name
        print(f"\n== {name}", flush=True)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        label = f"[{self.section_name}] {name}" if self.section_name else name
        if ok:
            self.passed += 1
            print(f"PASS  {name}", flush=True)
        else:
            self.failures.append(f"{label}: {detail}" if detail else label)
            print(f"FAIL  {name}" + (f"\n      {detail}" if detail else ""), flush=True)
        return ok

    def summary(self) -> int:
        print()
        if self.failures:
            print("Failed checks:")
            for f in self.failures:
                print(f"  - {f}")
        print(f"security checks: {self.passed} passed, {len(self.failures)} failed", flush=True)
        return 1 if self.failures else 0


# ---------------------------------------------------------------- raw HTTP


@dataclass
class Reply:
    status: int | None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None  # set when no (complete) response arrived
    elapsed: float = 0.0

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def header_all(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    def text(self, limit: int = 300) -> str:
        snippet = self.body[:limit].decode("utf-8", "replace").replace("\n", "\\n")
        return snippet + ("..." if len(self.body) > limit else "")

    def describe(self) -> str:
        if self.error:
            return f"no response ({self.error})"
        ctype = self.header("content-type") or "-"
        return f"HTTP {self.status} ({ctype}) {self.text(200)!r}"


class Http:
    """One server: every request on a fresh connection (Connection: close)."""

    def __init__(self, base_url: str, timeout: float = 20.0) -> None:
        parts = urllib.parse.urlsplit(base_url.rstrip("/"))
        if parts.scheme != "http" or not parts.hostname:
            raise SystemExit(f"--url must be an http:// URL, got {base_url!r}")
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.hostname
        self.port = parts.port or 80
        self.origin = self.base  # what a same-origin page's Origin header says
        self.timeout = timeout

    def request(
        self,
        method: str,
        path: str,
        headers: Iterable[tuple[str, str | bytes]] = (),
        body: bytes | None = None,
        chunked: bool = False,
        timeout: float | None = None,
        chunk_size: int = 64 * 1024,
    ) -> Reply:
        """Sends `body` as written: with Content-Length, or with
        `Transfer-Encoding: chunked` and no Content-Length. Stops sending as
        soon as the server answers (a 413 before the whole body is read) and
        reads that answer; only a connection that closes without a complete
        response is an error."""
        started = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
        send_error = None
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            names = set()
            for name, value in headers:
                names.add(name.lower())
                conn.putheader(name, value)
            if "connection" not in names:
                conn.putheader("Connection", "close")
            if body is not None:
                if chunked:
                    conn.putheader("Transfer-Encoding", "chunked")
                elif "content-length" not in names:
                    conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            if body is not None:
                send_error = self._send_body(conn.sock, body, chunked, chunk_size)
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            return Reply(None, error=f"sending failed: {type(e).__name__}: {e}",
                         elapsed=time.monotonic() - started)
        try:
            response = conn.getresponse()
            data = response.read()
            reply = Reply(response.status, list(response.getheaders()), data,
                          elapsed=time.monotonic() - started)
        except (OSError, http.client.HTTPException) as e:
            detail = f"{type(e).__name__}: {e}"
            if send_error:
                detail += f" (after {send_error})"
            reply = Reply(None, error=detail or type(e).__name__,
                          elapsed=time.monotonic() - started)
        finally:
            conn.close()
        return reply

    @staticmethod
    def _send_body(sock: socket.socket, body: bytes, chunked: bool, size: int) -> str | None:
        pieces = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
        for piece in pieces:
            # An early answer (413, 400) means the server stopped reading.
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                return "the server answered before the whole body was sent"
            try:
                if chunked:
                    if piece:
                        sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
                else:
                    sock.sendall(piece)
            except OSError as e:
                return f"{type(e).__name__} while sending the body"
        if chunked:
            try:
                sock.sendall(b"0\r\n\r\n")
            except OSError as e:
                return f"{type(e).__name__} while ending the chunked body"
        return None

    # Conveniences -----------------------------------------------------

    def get(self, path: str, headers: Iterable[tuple[str, str | bytes]] = (), **kw) -> Reply:
        return self.request("GET", path, headers, **kw)

    def healthy(self) -> Reply:
        return self.get("/healthz", timeout=10)


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def form(fields: dict[str, str] | list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


# ---------------------------------------------------------------- expectations


def status_in(reply: Reply, expected) -> bool:
    """`expected`: an int, a collection of ints, '4xx', '<500' or a callable."""
    if reply.status is None:
        return False
    if callable(expected):
        return bool(expected(reply.status))
    if expected == "4xx":
        return 400 <= reply.status < 500
    if expected == "<500":
        return reply.status < 500
    if isinstance(expected, int):
        return reply.status == expected
    return reply.status in expected


def describe_expected(expected) -> str:
    if isinstance(expected, int):
        return str(expected)
    if isinstance(expected, str):
        return expected
    if callable(expected):
        return getattr(expected, "__doc__", None) or "a matching status"
    return " or ".join(str(e) for e in sorted(expected))


def expect(report: Report, name: str, reply: Reply, expected, also: Callable[[Reply], str | None] | None = None) -> bool:
    """Records whether `reply` has the expected status (and never >= 500,
    never a dropped connection). `also` may return a further complaint."""
    if reply.error:
        return report.check(name, False, f"expected {describe_expected(expected)}, but the connection closed with no response: {reply.error}")
    problem = None
    if reply.status >= 500:
        problem = f"server error: expected {describe_expected(expected)}, got {reply.describe()}"
    elif not status_in(reply, expected):
        problem = f"expected {describe_expected(expected)}, got {reply.describe()}"
    elif also is not None:
        extra = also(reply)
        if extra:
            problem = extra
    return report.check(name, problem is None, problem or "")


# ---------------------------------------------------------------- sessions


SESSION_COOKIE = "rookery_session"


def session_cookie_from(reply: Reply) -> str | None:
    for value in reply.header_all("set-cookie"):
        first = value.split(";", 1)[0].strip()
        if first.startswith(SESSION_COOKIE + "="):
            cookie = first[len(SESSION_COOKIE) + 1:]
            if cookie:
                return cookie
    return None


def sign_in(http_: Http, email: str, password: str) -> tuple[str | None, str]:
    """POST /login as the sign-in form does (same-origin Origin). Returns the
    session cookie value, or None and why not."""
    reply = http_.request(
        "POST", "/login",
        [("Content-Type", FORM), ("Origin", http_.origin), ("Accept", "text/html")],
        form({"email": email, "password": password}),
    )
    if reply.error:
        return None, f"POST /login: {reply.error}"
    location = reply.header("location") or ""
    cookie = session_cookie_from(reply)
    if reply.status != 303 or location.startswith("/login") or not cookie:
        return None, f"POST /login as {email}: HTTP {reply.status}, Location {location!r}, cookie {'set' if cookie else 'missing'}"
    return cookie, ""


def cookie_header(cookie: str) -> tuple[str, str]:
    return ("Cookie", f"{SESSION_COOKIE}={cookie}")


# ---------------------------------------------------------------- server functions


@dataclass
class ServerFn:
    name: str
    module: str  # e.g. "status_page" for app/src/server_fns/status_page.rs, "forms" for forms/mod.rs
    json: bool  # declared `#[server(input = Json)]`
    url: str | None = None
    how: str = ""  # how the URL was found


_SERVER_FN = re.compile(
    r"#\[server(?:\((?P<args>[^)\]]*)\))?\]\s*pub\s+async\s+fn\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\(",
)


def read_server_fns(root: Path) -> list[ServerFn]:
    """Every `#[server]` function under app/src/server_fns/ with its module
    path below `server_fns` and its input encoding."""
    fns = []
    base = root / "app" / "src" / "server_fns"
    for source in sorted(base.rglob("*.rs")):
        parts = list(source.relative_to(base).with_suffix("").parts)
        if parts[-1] == "mod":
            parts.pop()
        if not parts:
            continue
        text = source.read_text(encoding="utf-8")
        for m in _SERVER_FN.finditer(text):
            args = (m.group("args") or "").replace(" ", "")
            fns.append(ServerFn(m.group("name"), "::".join(parts), "input=Json" in args))
    return fns


_P1 = 0x9E3779B185EBCA87
_P2 = 0xC2B2AE3D27D4EB4F
_P3 = 0x165667B19E3779F9
_P4 = 0x85EBCA77C2B2AE63
_P5 = 0x27D4EB2F165667C5
_M = (1 << 64) - 1


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _M


def _round(acc: int, lane: int) -> int:
    return (_rotl((acc + lane * _P2) & _M, 31) * _P1) & _M


def xxh64(data: bytes, seed: int = 0) -> int:
    """XXH64, as server_fn's macro hashes `CARGO_MANIFEST_DIR:module_path`."""
    n = len(data)
    i = 0
    if n >= 32:
        v = [(seed + _P1 + _P2) & _M, (seed + _P2) & _M, seed & _M, (seed - _P1) & _M]
        while i + 32 <= n:
            for j in range(4):
                v[j] = _round(v[j], int.from_bytes(data[i + 8 * j:i + 8 * j + 8], "little"))
            i += 32
        h = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & _M
        for lane in v:
            h = ((h ^ _round(0, lane)) * _P1 + _P4) & _M
    else:
        h = (seed + _P5) & _M
    h = (h + n) & _M
    while i + 8 <= n:
        h ^= _round(0, int.from_bytes(data[i:i + 8], "little"))
        h = (_rotl(h, 27) * _P1 + _P4) & _M
        i += 8
    if i + 4 <= n:
        h ^= (int.from_bytes(data[i:i + 4], "little") * _P1) & _M
        h = (_rotl(h, 23) * _P2 + _P3) & _M
        i += 4
    while i < n:
        h ^= (data[i] * _P5) & _M
        h = (_rotl(h, 11) * _P1) & _M
        i += 1
    h ^= h >> 33
    h = (h * _P2) & _M
    h ^= h >> 29
    h = (h * _P3) & _M
    h ^= h >> 32
    return h


def _bundle_paths(root: Path) -> list[Path]:
    paths = sorted((root / "target" / "site" / "pkg").glob("*.wasm"))
    binary = root / "target" / "release" / "rookery"
    if binary.exists():
        paths.append(binary)
    return paths


def discover_server_fns(http_: Http, root: Path) -> tuple[list[ServerFn], list[str]]:
    """Finds each server function's URL `/api/<name><hash>`.

    Candidates come from the hash server_fn computes (xxh64 of
    "<root>/app:app::server_fns::<module>") and from the paths spelled out in the
    wasm bundle and the server binary; each is confirmed with a GET, which a
    registered POST-only server function answers with 405 (an unknown path
    gets the 404 page). Returns the functions and notes on any not found."""
    fns = read_server_fns(root)
    notes: list[str] = []
    if not fns:
        return [], [f"no #[server] functions found under {root / 'app/src/server_fns'}"]
    blobs = []
    for p in _bundle_paths(root):
        try:
            blobs.append(p.read_bytes())
        except OSError as e:
            notes.append(f"could not read {p}: {e}")
    if not blobs:
        notes.append(f"no bundle to read paths from ({root}/target/site/pkg/*.wasm, {root}/target/release/rookery); using computed hashes only")
    for fn in fns:
        computed = str(xxh64(f"{root}/app:app::server_fns::{fn.module}".encode()))
        candidates = [(f"/api/{fn.name}{computed}", "computed hash")]
        pattern = re.compile(rb"/api/" + re.escape(fn.name.encode()) + rb"(\d{1,20})")
        for blob in blobs:
            for m in pattern.finditer(blob):
                digits = m.group(1).decode()
                # Strings sit back to back in a binary: a hash may run into
                # the digits that follow it. Try the shorter spellings too.
                for cut in range(len(digits), min(len(digits), 15) - 1, -1):
                    url = f"/api/{fn.name}{digits[:cut]}"
                    if all(url != c for c, _ in candidates):
                        candidates.append((url, "bundle"))
        for url, how in candidates:
            reply = http_.get(url, [("Accept", "application/json")])
            # 405 (POST only) is the expected answer; anything but the 404
            # of an unknown path means something is registered there.
            if reply.status is not None and reply.status != 404:
                fn.url, fn.how = url, how
                break
        if fn.url is None:
            notes.append(f"server function {fn.name} (app::server_fns::{fn.module}): every GET answered 404 among {len(candidates)} candidate(s)")
    return fns, notes


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
