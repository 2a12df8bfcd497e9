"""The admin page: one static HTML file, its script and its style, shipped with the package (no
build step, nothing fetched from anywhere but this service)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

# inline styles: the report, shown in a sandboxed frame from `srcdoc`, inherits this policy

PAGE_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/page/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/page/app.css": ("app.css", "text/css; charset=utf-8"),
}


def _static(name: str) -> bytes:
    return resources.files("pairwise.service").joinpath("static", name).read_bytes()


def _route(path: str, name: str, media_type: str) -> None:
    @router.get(path, name=f"page:{name}")
    def serve() -> Response:
        return Response(
            _static(name),
            media_type=media_type,
            headers={"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-cache"},
        )


for _path, (_name, _media_type) in _FILES.items():
    _route(_path, _name, _media_type)
