"""A bounded Schemathesis run against /api/v1/openapi.json, once per token
(admin, viewer): no server errors, and status codes, content types and
bodies as the document says. Path `{id}`s are half the time ids of things
that exist, so detail bodies are checked too, not only 404s.

(Not named schemathesis.py: that would shadow the package.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from common import JSON, expect
from context import Context, json_body, valid_cr

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def _executable() -> str | None:
    beside = Path(sys.executable).parent / "schemathesis"
    if beside.exists():
        return str(beside)
    return shutil.which("schemathesis")


def _junit_failures(path: Path) -> list[str]:
    """`operation: first line of the failure` for each failed test case."""
    if not path.exists():
        return []
    out = []
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        return []
    for case in tree.iter("testcase"):
        for kind in ("failure", "error"):
            for el in case.findall(kind):
                lines = [line.strip() for line in (el.text or "").splitlines()]
                checks = list(dict.fromkeys(line[2:] for line in lines if re.match(r"- [A-Z]{2}\d{3} ", line)))
                statuses = [line for line in lines if re.match(r"\[\d{3}\] ", line)]
                curls = [line for line in lines if line.startswith("curl ")]
                what = "; ".join(checks) or (el.get("message") or kind)
                if statuses:
                    what += f"; first response {statuses[0].rstrip(':')}"
                if curls:
                    what += f"; e.g. {curls[0][:300]}"
                out.append(f"{case.get('name')}: {what}")
    return out


def _get_json(ctx: Context, path: str):
    reply = ctx.http.get(path, [ctx.bearer(), ("Accept", JSON)])
    if reply.status != 200:
        return None
    try:
        return json.loads(reply.body)
    except ValueError:
        return None


def known_ids(ctx: Context) -> dict[str, list[str]]:
    """Identifiers of things that exist (the Playwright journeys made most of
    them; one change request is filed if there is none), so detail
    operations answer 200 and their bodies are checked against the schema,
    not only the 404 of a random id."""
    ids: dict[str, list[str]] = {"change_request": [], "release": [], "deployment": []}
    page = _get_json(ctx, "/api/v1/change-requests?per_page=5") or {}
    if not page.get("items") and ctx.admin_token:
        ctx.http.request("POST", "/api/v1/change-requests",
                         [ctx.bearer(), ("Content-Type", JSON)], json_body(valid_cr("schemathesis seed")))
        page = _get_json(ctx, "/api/v1/change-requests?per_page=5") or {}
    for item in page.get("items") or []:
        if isinstance(item, dict) and item.get("number") is not None:
            ids["change_request"] += [str(item["number"]), f"CR-{item['number']}"]
            if item.get("id"):
                ids["change_request"].append(str(item["id"]))
    page = _get_json(ctx, "/api/v1/releases?per_page=5") or {}
    ids["release"] = [str(i["id"]) for i in page.get("items") or [] if isinstance(i, dict) and i.get("id")]
    page = _get_json(ctx, "/api/v1/deployments") or {}
    ids["deployment"] = [str(d["id"]) for d in (page.get("deployments") or [])[:5] if isinstance(d, dict) and d.get("id")]
    return ids


def write_config(path: Path, ids: dict[str, list[str]]) -> None:
    """A schemathesis.toml binding each `{id}` to known ids half the time."""
    prefixes = {"change_request": "/api/v1/change-requests/",
                "release": "/api/v1/releases/",
                "deployment": "/api/v1/deployments/"}
    lines = ["[dictionaries]"]
    for kind, values in ids.items():
        if values:
            lines.append(f"{kind}_ids = {{ values = {json.dumps(values)} }}")
    for kind, values in ids.items():
        if values:
            regex = "^" + re.escape(prefixes[kind]) + r"\{id\}"
            lines += ["", "[[operations]]",
                      f"include-path-regex = {json.dumps(regex)}",  # a JSON string is a TOML one
                      f'parameters = {{ "path.id" = {{ dictionary = "{kind}_ids", probability = 0.5 }} }}']
    path.write_text("\n".join(lines) + "\n")


def run_one(ctx: Context, label: str, token: str, max_examples: int, timeout: int, workdir: Path,
            config: Path | None) -> None:
    r = ctx.report
    exe = _executable()
    if not r.check(f"schemathesis ({label}): installed", exe is not None,
                   "no `schemathesis` beside this Python or on PATH; run scripts/bootstrap.sh --test "
                   "(it installs end2end/security/requirements.txt into .tools/venv)"):
        return
    report_dir = workdir / label
    report_dir.mkdir(parents=True, exist_ok=True)
    junit = report_dir / "junit.xml"
    cmd = [exe] + (["--config-file", str(config)] if config else []) + [
        "run", f"{ctx.http.base}/api/v1/openapi.json",
        "--url", ctx.http.base,
        "-H", f"Authorization: Bearer {token}",
        "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(max_examples),
        "--workers", "1",
        "--seed", "20261201",
        "--generation-database", "none",
        "--request-timeout", "15",
        "--no-shrink",
        "--no-color",
        "--report", "junit",
        "--report-junit-path", str(junit),
    ]
    shown = [c if not c.startswith("Authorization:") else "Authorization: Bearer ***" for c in cmd]
    print(f"      running: {' '.join(shown)}", flush=True)
    started = time.monotonic()
    env = dict(os.environ, NO_COLOR="1", SCHEMATHESIS_TELEMETRY="false")
    try:
        done = subprocess.run(cmd, cwd=report_dir, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b"")
        output = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
        print(output[-4000:])
        r.check(f"schemathesis ({label}): finished within {timeout} s", False,
                "the run was stopped; lower --schemathesis-max-examples or raise --schemathesis-timeout")
        return
    took = time.monotonic() - started
    output = (done.stdout or "") + (done.stderr or "")
    failures = _junit_failures(junit)
    ok = done.returncode == 0
    if not ok:
        # The whole report: it names each operation, the check, the request
        # to reproduce it (curl) and the response.
        print(output)
    else:
        tail = [line for line in output.splitlines() if line.strip()][-6:]
        for line in tail:
            print(f"      {line}")
    detail = f"exit status {done.returncode} after {took:.0f} s"
    if failures:
        detail += "; failing operations:\n        " + "\n        ".join(failures[:40])
    r.check(f"schemathesis ({label}): {CHECKS.replace(',', ', ')} ({took:.0f} s)", ok, detail)


def run(ctx: Context, max_examples: int = 50, timeout: int = 240) -> None:
    r = ctx.report
    r.section("Schemathesis against /api/v1/openapi.json")
    doc = ctx.http.get("/api/v1/openapi.json", [("Accept", "application/json")])

    def parses(reply):
        try:
            spec = json.loads(reply.body)
        except ValueError as e:
            return f"not JSON: {e}"
        if "openapi" not in spec or not spec.get("paths"):
            return "no `openapi` version or no paths"
        return None

    if not expect(r, "GET /api/v1/openapi.json is an OpenAPI document", doc, 200, parses):
        return
    with tempfile.TemporaryDirectory(prefix="rookery-schemathesis-") as tmp:
        config = None
        if ctx.admin_token:
            ids = known_ids(ctx)
            print("      known ids for {id}: " + ", ".join(f"{len(v)} {k}" for k, v in ids.items()))
            if any(ids.values()):
                config = Path(tmp) / "schemathesis.toml"
                write_config(config, ids)
        for label, token in (("admin token", ctx.admin_token), ("viewer token", ctx.viewer_token)):
            if not token:
                r.check(f"schemathesis ({label})", False, f"no {label} given (--admin-token / --viewer-token)")
                continue
            run_one(ctx, label.split()[0], token, max_examples, timeout, Path(tmp), config)
