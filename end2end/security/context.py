"""What every check module gets: the server, the report, the credentials and
the signed-in session."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from common import FORM, JSON, Http, Report, ServerFn, cookie_header


@dataclass
class Context:
    http: Http
    report: Report
    root: Path
    admin_token: str | None
    viewer_token: str | None
    email: str | None
    password: str | None
    cookie: str | None = None  # the admin's rookery_session
    fns: dict[str, ServerFn] = field(default_factory=dict)
    fn_notes: list[str] = field(default_factory=list)

    @property
    def same_origin(self) -> tuple[str, str]:
        return ("Origin", self.http.origin)

    def signed_in(self, *extra: tuple[str, str]) -> list[tuple[str, str]]:
        """Headers of a request a page of ours sends: cookie and Origin."""
        assert self.cookie is not None
        return [cookie_header(self.cookie), self.same_origin, *extra]

    def bearer(self, token: str | None = None) -> tuple[str, str]:
        return ("Authorization", f"Bearer {token or self.admin_token}")

    def fn(self, name: str) -> ServerFn | None:
        found = self.fns.get(name)
        return found if found is not None and found.url else None

    def call_fn(self, name: str, body: bytes, content_type: str | None = None,
                headers: list[tuple[str, str]] | None = None, **kw):
        """POSTs to server function `name` signed in, in its declared
        encoding unless `content_type` says otherwise."""
        fn = self.fn(name)
        assert fn is not None and fn.url
        ctype = content_type if content_type is not None else (JSON if fn.json else FORM)
        hs = list(headers) if headers is not None else self.signed_in()
        if ctype:
            hs.append(("Content-Type", ctype))
        hs.append(("Accept", "application/json"))
        return self.http.request("POST", fn.url, hs, body, **kw)


def json_body(value) -> bytes:
    return json.dumps(value).encode()


# A change request that passes validation (so text reaches the database).
def valid_cr(title: str = "security suite probe") -> dict:
    return {
        "title": title,
        "description": "",
        "change_type": "enhancement",
        "priority": "low",
        "impact": "low",
        "risk": "low",
        "class": "normal",
        "environments": ["dev"],
        "services": [],
        "planned_start": "",
        "duration_minutes": "30",
        "maintenance": False,
        "implementation_plan": "Deploy it.",
        "rollback_plan": "Roll it back.",
        "testing_plan": "",
        "template": "",
    }


def incident_filter(**over) -> dict:
    base = {"q": "", "component": None, "impact": None, "visibility": "", "from": "", "to": "", "page": 1}
    base.update(over)
    return {"filter": base}
