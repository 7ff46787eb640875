"""The pull-request path: GitHub workflows and the pre-commit hook run the same commands as
the README (`make test`, `make site`, `fichotheque check`)."""

from __future__ import annotations

import re

import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as True.
    value = workflow.get("on", workflow.get(True))
    return value if isinstance(value, dict) else {name: None for name in value}


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def runs(workflow: dict) -> list[str]:
    return [step["run"].strip() for step in steps(workflow) if "run" in step]


def uses(workflow: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]


def make_targets() -> dict[str, str]:
    """Each Makefile target and its recipe."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = {}
    for m in re.finditer(r"^([a-z-]+):[^\n]*\n((?:\t[^\n]*\n)*)", text, re.M):
        targets[m.group(1)] = m.group(2)
    return targets


def test_pull_requests_run_the_tests_and_build_the_site():
    workflow = load(WORKFLOWS / "pr.yml")
    assert "pull_request" in triggers(workflow)
    assert uses(workflow)[:2] == ["actions/checkout", "actions/setup-python"]
    setup = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python"))
    assert str(setup["with"]["python-version"]) == "3.11"
    commands = runs(workflow)
    assert "make test" in commands and "make site" in commands
    assert commands.index("make test") < commands.index("make site")
    upload = next(s for s in steps(workflow) if s.get("uses", "").startswith(
        "actions/upload-artifact"))
    assert upload["with"]["path"].rstrip("/") == "site"
    # No secret and no write access for code coming from a fork.
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in triggers(workflow)


def test_main_is_built_and_deployed_to_pages():
    workflow = load(WORKFLOWS / "pages.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert "make site" in runs(workflow)
    assert "actions/upload-pages-artifact" in uses(workflow)
    assert "actions/deploy-pages" in uses(workflow)
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"


def test_workflow_commands_exist_in_the_makefile_and_ci_entry_point():
    targets = make_targets()
    for name in ("pr.yml", "pages.yml"):
        for command in runs(load(WORKFLOWS / name)):
            if command.startswith("make "):
                assert command.split()[1] in targets, command
    assert "fichotheque check" in targets["test"] and "pytest" in targets["test"]
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")


def test_pre_commit_hook_checks_the_fiches():
    config = load(ROOT / ".pre-commit-config.yaml")
    [repo] = [r for r in config["repos"] if r["repo"] == "local"]
    [hook] = [h for h in repo["hooks"] if h["id"] == "fichotheque-check"]
    assert hook["language"] == "system" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("fiches/securite/mots-de-passe.md")
    assert files.search("fiches/securite/images/capture.png")
    assert not files.search("src/fichotheque/content/lint/linter.py")
    entry = hook["entry"].split()
    if entry[0] == "make":
        assert re.search(r"fichotheque check\b", make_targets()[entry[1]])
    else:
        assert entry[-2:] == ["fichotheque", "check"] or entry[-1].endswith("fichotheque")


def test_pull_request_template_is_a_french_checklist():
    text = (ROOT / ".github/PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert text.count("- [ ]") >= 5
    assert "fichotheque check" in text and "licence" in text


def test_workflows_keep_the_build_cache_between_runs():
    """`.cache/` (PDFs, lint results, badge images) comes back, keyed by what shapes it."""
    for name in ("pr.yml", "pages.yml"):
        workflow = load(WORKFLOWS / name)
        cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache"))
        assert cache["with"]["path"] == ".cache"
        assert "hashFiles('fiches/**'" in cache["with"]["key"]
        assert cache["with"]["restore-keys"]  # an older cache is reused, then completed
        names = [s.get("uses", s.get("run", "")) for s in steps(workflow)]
        assert names.index(cache["uses"]) < names.index("make site")
