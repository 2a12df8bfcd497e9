"""`pairwise serve` refuses to start where it would be open to anyone, and says what is missing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.service.settings import is_loopback, read_tokens


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_refuses_a_public_address_without_tokens(host: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", host, "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert f"--host: '{host}' is reachable from other machines; give --tokens FILE" in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("my-server", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_bad_tokens_file_names_each_line(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("# tokens\nabc north\nonly-one-word\nabc south\nx y z\n")
    result = CliRunner().invoke(
        main, ["serve", "--host", "0.0.0.0", "--tokens", str(tokens), "--data", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert f"{tokens}:3: expected 'TOKEN TENANT' (two words)" in result.output
    assert f"{tokens}:4: this token is already given to another line" in result.output
    assert f"{tokens}:5: expected 'TOKEN TENANT' (two words)" in result.output
    empty = tmp_path / "empty"
    empty.write_text("# nobody yet\n")
    with pytest.raises(Exception, match="holds no token"):
        read_tokens(empty)
    assert read_tokens(_write(tmp_path, "t1 école-nord  # comment\n t2\tsud\n")) == {
        "t1": "école-nord",
        "t2": "sud",
    }


def _write(folder: Path, text: str) -> Path:
    path = folder / "tokens-ok"
    path.write_text(text, encoding="utf-8")
    return path


def test_says_how_to_install_the_service_when_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = importlib.util.find_spec

    def without_fastapi(name: str, *args: object) -> object:
        return None if name == "fastapi" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_fastapi)
    result = CliRunner().invoke(main, ["serve", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        "the service is not installed here (missing: fastapi): pip install 'pairwise[service]'"
        in (result.output)
    )
