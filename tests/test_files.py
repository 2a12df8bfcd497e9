"""Atomic writes: the old file survives any failure, and no temporary file is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairwise.files import write_atomic


def test_write_creates_parent_folders_and_content(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "plan.json"
    write_atomic(target, "hello\n")
    assert target.read_text() == "hello\n"
    assert [p.name for p in target.parent.iterdir()] == ["plan.json"]


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.json"
    target.write_text("good plan\n")

    def broken_replace(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("pairwise.files.os.replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"new plan that never lands")
    assert target.read_text() == "good plan\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_atomic(target, "<html></html>")
    assert target.stat().st_mode & 0o044 == 0o044  # readable by others, like any new file


def test_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert target.stat().st_mode & 0o777 == 0o640
