"""Atomic writes: the old file survives any failure, and no temporary file is left behind."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.files import OutputError, write_atomic

INSTANCES = Path(__file__).resolve().parents[1] / "instances"


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
    with pytest.raises(OutputError, match="disk full"):
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


def test_a_symbolic_link_stays_a_link_and_its_target_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real" / "plan.json"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_atomic(link, "new\n")
    assert link.is_symlink()
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["plan.json"]


def test_a_dangling_link_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "missing.json")
    write_atomic(link, "new\n")
    assert link.is_symlink()
    assert (tmp_path / "missing.json").read_text() == "new\n"


def test_a_named_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "plan.fifo"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_atomic(pipe, "through the pipe\n")
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_device_that_fails_is_an_error_and_stays_a_device() -> None:
    with pytest.raises(OutputError, match="cannot write /dev/full"):
        write_atomic("/dev/full", "never fits\n")
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="it is a folder"):
        write_atomic(tmp_path, "x")


def test_solve_into_a_failing_device_exits_non_zero_and_never_says_written() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    result = CliRunner().invoke(
        main, ["solve", str(INSTANCES / "tiny-7.json"), "-o", "/dev/full", "--quiet"]
    )
    assert result.exit_code == 2
    assert "cannot write /dev/full" in result.stderr
    assert "written" not in result.stdout
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)
