#!/usr/bin/env python3
"""Black-box security checks against a running `rookery serve`.

    python end2end/security/run.py --url http://127.0.0.1:3100 \\
        --admin-token rk_... --viewer-token rk_... \\
        --email platform@example.com --password e2e-password-123

Signs in with the sign-in form (cookie session), finds the server
functions' URLs, then runs, in order:
  headers_csrf     security headers and CSP nonces on HTML pages; cross-site
                   refusal of cookie-authenticated writes; the content type
                   each server function declares (415 otherwise)
  hostile          NUL (chunked and not), invalid UTF-8, deep JSON, bodies
                   over 2 MB, malformed arguments, multibyte and huge ids on
                   every route family; never >= 500, never a dropped
                   connection; /healthz healthy afterwards
  schemathesis     a bounded Schemathesis run per token (needs the venv
                   from scripts/bootstrap.sh --test)

Prints one PASS/FAIL line per check; exits 1 if any failed, 2 on bad usage
or an unreachable server. `--only hostile,headers_csrf` runs a subset.
scripts/test.sh runs it after the Playwright journeys (e2e step)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

import headers_csrf  # noqa: E402
import hostile  # noqa: E402
import schemathesis_run  # noqa: E402
from common import Http, Report, discover_server_fns, sign_in  # noqa: E402
from context import Context  # noqa: E402

MODULES = ("headers_csrf", "hostile", "schemathesis")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:3100")
    p.add_argument("--admin-token", help="API token of an administrator")
    p.add_argument("--viewer-token", help="API token of a viewer")
    p.add_argument("--email", help="account to sign in with the sign-in form (an administrator)")
    p.add_argument("--password", help="its password")
    p.add_argument("--root", default=str(Path(__file__).resolve().parents[2]),
                   help="the repository (for app/src/server_fns/ and target/); default: this checkout")
    p.add_argument("--only", default=",".join(MODULES), help=f"comma-separated subset of {', '.join(MODULES)}")
    p.add_argument("--schemathesis-max-examples", type=int, default=50, help="per operation and phase (default 50)")
    p.add_argument("--schemathesis-timeout", type=int, default=240, help="seconds per token before the run is stopped (default 240)")
    args = p.parse_args(argv)

    only = {m.strip() for m in args.only.split(",") if m.strip()}
    unknown = only - set(MODULES)
    if unknown:
        p.error(f"--only: unknown module(s) {', '.join(sorted(unknown))}; choose from {', '.join(MODULES)}")

    http_ = Http(args.url)
    report = Report()
    health = http_.healthy()
    if health.status != 200:
        print(f"FAIL  {args.url}/healthz: {health.describe()}; is rookery serve running there?")
        return 2

    ctx = Context(http_, report, Path(args.root), args.admin_token, args.viewer_token, args.email, args.password)

    report.section("setup")
    if args.email and args.password:
        cookie, why = sign_in(http_, args.email, args.password)
        report.check(f"sign in as {args.email} with the sign-in form (303 and a rookery_session cookie)",
                     cookie is not None, why)
        ctx.cookie = cookie
    else:
        report.check("sign-in credentials given", False, "no --email/--password: cookie-session checks cannot run")
    if args.admin_token:
        me = http_.get("/api/v1/me", [ctx.bearer(), ("Accept", "application/json")])
        report.check("the admin token authenticates (GET /api/v1/me -> 200)", me.status == 200, me.describe())
    if args.viewer_token:
        me = http_.get("/api/v1/me", [ctx.bearer(args.viewer_token), ("Accept", "application/json")])
        report.check("the viewer token authenticates (GET /api/v1/me -> 200)", me.status == 200, me.describe())
    if only & {"headers_csrf", "hostile"}:
        fns, notes = discover_server_fns(http_, ctx.root)
        ctx.fns = {f.name: f for f in fns}
        ctx.fn_notes = notes
        located = sum(1 for f in fns if f.url)
        print(f"      server functions: {located} of {len(fns)} located"
              + (f" ({', '.join(sorted({f.how for f in fns if f.url}))})" if located else ""))
        for note in notes[:5]:
            print(f"      note: {note}")

    if "headers_csrf" in only:
        headers_csrf.run(ctx)
    if "hostile" in only:
        hostile.run(ctx)
    if "schemathesis" in only:
        schemathesis_run.run(ctx, args.schemathesis_max_examples, args.schemathesis_timeout)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
