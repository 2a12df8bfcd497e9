"""`pairwise validate` and `pairwise check` on the command line: output and exit codes 0, 1, 2."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pairwise.cli.app import main
from tests.helpers import fixture_path

ROSTER = str(fixture_path("check_small"))
PLAN = str(fixture_path("check_small_plan"))


def run(*arguments: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(arguments), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def edited(tmp_path: Path, source: str, change: dict[str, object]) -> str:
    document = json.loads(Path(source).read_text())
    document.update(change)
    path = tmp_path / Path(source).name
    path.write_text(json.dumps(document))
    return str(path)


# --- validate ----------------------------------------------------------------------------------


def test_validate_prints_what_the_roster_holds() -> None:
    code, out, _ = run("validate", ROSTER)
    assert code == 0
    assert "5 (4 participating)" in out
    assert "fall" in out and "spring" in out
    assert out.rstrip().endswith("valid")


def test_validate_reads_standard_input() -> None:
    code, out, _ = run("validate", "-", stdin=Path(ROSTER).read_text())
    assert code == 0 and "valid" in out


def test_validate_names_every_bad_field(tmp_path: Path) -> None:
    # shape problems (unknown fields, wrong types) are all reported together, and so are
    # cross-reference problems; the second kind is looked for once the shape is right
    document = json.loads(Path(ROSTER).read_text())
    document["teachers"][0]["teaches"][0] = "mon-9"
    document["teachers"][2]["evaluator"] = "zz"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    code, out, err = run("validate", str(path))
    assert code == 2
    assert "teachers[0].teaches[0]: unknown period 'mon-9'" in err
    assert "teachers[2].evaluator: unknown teacher 'zz'" in err
    assert "2 problems" in err
    assert "Traceback" not in out + err

    document = json.loads(Path(ROSTER).read_text())
    document["teachers"][1]["teachs"] = document["teachers"][1].pop("teaches")
    document["policy"]["rotaton"] = "cycle"
    path.write_text(json.dumps(document))
    code, out, err = run("validate", str(path))
    assert code == 2
    assert "teachers[1].teachs: unknown field 'teachs'; did you mean 'teaches'?" in err
    assert "policy.rotaton: unknown field 'rotaton'; did you mean 'rotation'?" in err


def test_validate_bad_files(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "broken.json").write_text('{"format": "pairwise/roster@1",')
    (tmp_path / "bytes.json").write_bytes(b"\xff\xfe\x00garbage")
    for name, words in [
        ("missing.json", "no such file"),
        ("empty.json", "is empty"),
        ("broken.json", "not valid JSON at line 1"),
        ("bytes.json", "is not UTF-8 text"),
    ]:
        code, out, err = run("validate", str(tmp_path / name))
        assert code == 2, name
        assert words in err, (name, err)
        assert "Traceback" not in out + err


# --- check -------------------------------------------------------------------------------------


def test_check_valid_plan() -> None:
    code, out, _ = run("check", ROSTER, PLAN)
    assert code == 0
    assert "plan is valid" in out
    assert "team_repeat" in out and "-60" in out  # the terms table


def test_check_plan_from_standard_input() -> None:
    code, out, _ = run("check", ROSTER, "-", stdin=Path(PLAN).read_text())
    assert code == 0 and "plan is valid" in out


def test_check_broken_plan_exits_1(tmp_path: Path) -> None:
    document = json.loads(Path(PLAN).read_text())
    document["visits"] = document["visits"][1:]  # a's fall visit to b is gone
    document["objective"] = 0
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    code, out, _ = run("check", ROSTER, str(path))
    assert code == 1
    assert "rule 4: P1 (a and b) in cycle fall makes 1 visit" in out
    assert "mismatch: objective is stated as 0 but recomputes to -75" in out
    assert "plan breaks 1 rule (4), misstates 1 value" in out


def test_check_json_report(tmp_path: Path) -> None:
    code, out, _ = run("check", ROSTER, PLAN, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True and report["objective"] == -75 and report["violations"] == []
    plan = edited(tmp_path, PLAN, {"objective": 5})
    code, out, _ = run("check", ROSTER, plan, "--json")
    assert code == 1
    assert json.loads(out)["mismatches"] == ["objective is stated as 5 but recomputes to -75"]


def test_check_bad_input_exits_2(tmp_path: Path) -> None:
    plan = edited(tmp_path, PLAN, {"status": "great", "visitz": []})
    code, _, err = run("check", ROSTER, plan)
    assert code == 2
    assert "status: must be 'optimal', 'feasible' or 'infeasible'" in err
    assert "visitz: unknown field 'visitz'; did you mean 'visits'?" in err
    code, _, err = run("check", str(tmp_path / "nothing.json"), PLAN)
    assert code == 2 and "no such file" in err


def test_check_both_from_standard_input_is_a_usage_error() -> None:
    code, _, _ = run("check", "-", "-")
    assert code == 2


def test_check_takes_a_plan_that_states_only_its_sessions(tmp_path: Path) -> None:
    document = json.loads(Path(PLAN).read_text())
    for name in ("status", "objective", "bound", "gap", "seconds", "seed", "terms", "metrics"):
        document.pop(name, None)
    for partnership in document["partnerships"]:
        partnership.pop("score", None)
        partnership.pop("reasons", None)
    for visit in document["visits"] + document["sabbatical_visits"]:
        visit.pop("start", None)
        visit.pop("end", None)
    path = tmp_path / "by-hand.json"
    path.write_text(json.dumps(document))
    code, out, err = run("check", ROSTER, str(path))
    assert code == 0, out + err
    assert "plan is valid" in out
    # the objective row: nothing stated, the computed value shown
    assert [line for line in out.splitlines() if "objective" in line and "-75" in line]
    export = run("export", ROSTER, str(path), "--to", str(tmp_path / "out"))
    assert export[0] == 0, export
    assert "not stated" in (tmp_path / "out" / "report.html").read_text()


def test_check_says_when_its_two_files_look_swapped() -> None:
    code, _, err = run("check", PLAN, ROSTER)
    assert code == 2
    assert "these look swapped" in err and f"pairwise check {ROSTER} {PLAN}" in err


def test_a_roster_given_as_the_plan_is_named_a_roster(tmp_path: Path) -> None:
    code, _, err = run("check", ROSTER, ROSTER)
    assert code == 2
    assert "format: this is a roster ('pairwise/roster@1'), not a plan" in err
