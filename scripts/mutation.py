"""Mutation testing of Kesu's rule modules with cosmic-ray (issue 25; see docs/testing.md).

    python scripts/mutation.py kesu/surveys/scoring.py        # one module
    python scripts/mutation.py --all                          # every rule module (hours on two cores)
    python scripts/mutation.py --changed origin/main --check  # CI: the rule modules a submission changed

Each rule module has a file in scripts/mutants/ naming the tests that state its rules and the survivors known
to be harmless. The mutants are tried on a copy of the work tree in a temporary folder, never on the checkout
(other people's test runs would see them): first in forked children of one test session
(scripts/mutation_fork.py), then by cosmic-ray itself for what is left. ``--check`` fails when a module has a
surviving mutant its file does not explain; the counts per module are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

MUTANTS = ROOT / "scripts" / "mutants"
ANNOTATION = "an annotation: the module has `from __future__ import annotations`, so it is never evaluated"


def _settings() -> dict[str, dict]:
    """Rule module → its settings file scripts/mutants/<dotted module>.toml: ``tests`` (the pytest arguments
    that state its rules) and ``survivor`` entries (operator pattern, the mutated line, why it is harmless)."""
    found = {}
    for path in sorted(MUTANTS.glob("*.toml")):
        with path.open("rb") as file:
            found[path.stem.replace(".", "/") + ".py"] = tomllib.load(file)
    return found


SETTINGS = _settings()
MODULES: dict[str, list[str]] = {module: entry["tests"] for module, entry in SETTINGS.items()}


def explained(module: str, operator: str, line: str) -> str | None:
    """Why a surviving mutant is harmless, when its module's settings say so."""
    for entry in SETTINGS.get(module, {}).get("survivor", []):
        if fnmatch.fnmatchcase(operator, entry["operator"]) and entry["line"].strip() == line.strip():
            return entry["reason"]
    return None


def _copy_tree(into: Path) -> None:
    """The work tree as it stands (tracked and new files, not ignored ones) copied to ``into``."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _survivors(session: Path, cwd: Path) -> tuple[int, int, list[tuple[str, str, int]]]:
    dump = subprocess.run([PY, "-m", "cosmic_ray.cli", "dump", str(session)], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout
    total, killed, survived = 0, 0, []
    for line in dump.splitlines():
        item, result = json.loads(line)
        if not result or result.get("worker_outcome") == "skipped":
            continue
        total += 1
        if result.get("test_outcome") == "survived":
            mutation = item["mutations"][0]
            removed = [t[1:].strip() for t in (result.get("diff") or "").splitlines()
                       if t.startswith("-") and not t.startswith("---")]
            survived.append((mutation["operator_name"], removed[0] if removed else "", mutation["start_pos"][0]))
        else:
            killed += 1  # killed or incompetent (the mutant did not even import): caught either way
    return total, killed, survived


def _annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the module's annotations are, when ``from __future__ import annotations`` keeps them unevaluated."""
    tree = ast.parse(source)
    if not any(isinstance(node, ast.ImportFrom) and node.module == "__future__"
               and any(alias.name == "annotations" for alias in node.names) for node in tree.body):
        return []
    found = []
    for node in ast.walk(tree):
        annotations = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            annotations.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            annotations.append(node.returns)
        found += [((a.lineno, a.col_offset), (a.end_lineno, a.end_col_offset)) for a in annotations]
    return found


def _skip_annotations(session: Path, module: Path) -> int:
    """Mark the mutants inside annotations as skipped: they can change nothing (counted apart in the report)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans = _annotation_spans(module.read_text(encoding="utf-8"))
    skipped = 0
    with use_db(str(session), WorkDB.Mode.open) as db:
        for work in list(db.pending_work_items):
            start = tuple(work.mutations[0].start_pos)
            if any(low <= start < high for low, high in spans):
                db.set_result(work.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=ANNOTATION))
                skipped += 1
    return skipped


def run_module(module: str, work: Path, timeout: float,
               quick: bool = False) -> tuple[int, int, list[tuple[str, str, int]]]:
    tests = " ".join(f"'{t}'" if " " in t else t for t in MODULES[module])
    config = work / f"{module.replace('/', '_')}.toml"
    session = config.with_suffix(".sqlite")
    config.write_text(f"""[cosmic-ray]
module-path = "{module}"
timeout = {timeout}
excluded-modules = []
test-command = "{PY} -m pytest -x -q -p no:randomly {tests}"

[cosmic-ray.distributor]
name = "local"
""")
    subprocess.run([PY, "-m", "cosmic_ray.cli", "init", str(config), str(session)], cwd=work, check=True)
    _skip_annotations(session, work / module)
    # Most mutants are decided in forked children of one test session (seconds saved per mutant); what survives
    # there, or cannot be swapped in, is run by cosmic-ray itself in a fresh process.
    forked = subprocess.run([PY, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "mutation_fork", "--mutants",
                             str(session), *(["--mutants-quick"] if quick else []), *MODULES[module]], cwd=work,
                            env={**os.environ, "PYTHONPATH": str(work / "scripts")})
    if forked.returncode != 0:  # the tests failed unmutated, or again in a forked child: no forked verdicts
        print(f"{module}: no forked runs (see above); every mutant goes to cosmic-ray exec", file=sys.stderr)
    subprocess.run([PY, "-m", "cosmic_ray.cli", "exec", str(config), str(session)], cwd=work, check=True,
                   stdout=subprocess.DEVNULL)
    return _survivors(session, work)


def changed_modules(base: str) -> list[str]:
    """The rule modules whose code or settings file changed since the git ref ``base``."""
    names = set(subprocess.run(["git", "diff", "--name-only", f"{base}...HEAD"], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.split())
    return [m for m in MODULES
            if m in names or f"scripts/mutants/{m.removesuffix('.py').replace('/', '.')}.toml" in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="rule modules (paths); default: none")
    parser.add_argument("--all", action="store_true", help="every rule module in MODULES")
    parser.add_argument("--changed", metavar="BASE", help="the rule modules changed since the git ref BASE")
    parser.add_argument("--check", action="store_true", help="fail on a survivor not explained in scripts/mutants/")
    parser.add_argument("--quick", action="store_true",
                        help="take a survivor of the forked run as survived without cosmic-ray's own rerun")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant's test run")
    args = parser.parse_args(argv)
    modules = list(MODULES) if args.all else list(args.modules)
    if args.changed:
        modules += [m for m in changed_modules(args.changed) if m not in modules]
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"not a rule module with a test selection: {', '.join(unknown)}")
    if not modules:
        print("No rule module to mutate.")
        return 0
    failed = False
    rows = ["| module | mutants | killed | survived | score |", "|---|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory(prefix="kesu-mutation-") as tmp:
        work = Path(tmp)
        _copy_tree(work)
        for module in modules:
            total, killed, survived = run_module(module, work, args.timeout, args.quick)
            score = f"{100 * killed / total:.1f} %" if total else "–"
            rows.append(f"| {module} | {total} | {killed} | {len(survived)} | {score} |")
            for operator, line, lineno in survived:
                reason = explained(module, operator, line)
                print(f"{module}:{lineno}: {operator}: {line}  →  {reason or 'NOT EXPLAINED'}")
                failed = failed or (args.check and reason is None)
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
