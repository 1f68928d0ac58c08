"""Mutation testing of Kesu's rule modules with cosmic-ray (issue 25; see docs/testing.md).

    python scripts/mutation.py kesu/surveys/scoring.py        # one module
    python scripts/mutation.py --all                          # every rule module (hours on two cores)
    python scripts/mutation.py --changed origin/main --check  # CI: the rule modules a submission changed

Each rule module is mutated with a small, fast test selection of its own (``MODULES``). The mutants are
applied to a copy of the work tree in a temporary folder, never to the checkout (other people's test runs
would see them). ``--check`` fails when a module has a surviving mutant not listed in ``EXPECTED`` with the
reason it is harmless; the counts per module are printed as a Markdown table for docs/testing.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# Rule module → the tests that state its rules (fast ones first; -x stops at the first failure).
MODULES: dict[str, list[str]] = {
    "kesu/surveys/scoring.py": ["-m", "not django_db", "kesu/surveys/tests/test_scoring_rules.py"],
    "kesu/core/numbering.py": ["kesu/complaints/tests/test_numbering.py"],
    "kesu/reports/kpis.py": ["kesu/reports/tests/test_kpi_rules.py"],
    "kesu/claims/workflow.py": ["kesu/claims/tests/test_rules_money.py", "kesu/claims/tests/test_workflow.py"],
    "kesu/claims/money.py": ["kesu/claims/tests/test_money.py"],
    "kesu/complaints/workflow.py": ["kesu/complaints/tests/test_rules_checks.py",
                                    "kesu/complaints/tests/test_workflow.py"],
    "kesu/capa/workflow.py": ["kesu/capa/tests/test_workflow.py", "kesu/capa/tests/test_rules.py"],
    "kesu/core/calendar.py": ["kesu/core/tests/test_calendar.py"],
    # The acceptance window is judged at intake; deadlines are scheduled and met in services/base.py.
    "kesu/complaints/services/intake.py": ["kesu/complaints/tests/test_acceptance.py"],
    "kesu/complaints/services/base.py": ["kesu/complaints/tests/test_deadlines.py"],
    "kesu/claims/services/supplier.py": ["kesu/claims/tests/test_rules_money.py"],
}

# Survivors known to be harmless, by module: (operator, the mutated line's text) → why.
ANNOTATION = "an annotation: the module has `from __future__ import annotations`, so it is never evaluated"
EXPECTED: dict[str, dict[tuple[str, str], str]] = {
    "kesu/surveys/scoring.py": {
        (f"core/ReplaceBinaryOperator_BitOr_{op}", "def mean(values) -> Decimal | None:"): ANNOTATION
        for op in ("Add", "Sub", "Mul", "Div", "FloorDiv", "Mod", "Pow", "RShift", "LShift", "BitAnd", "BitXor")
    },
}


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
        if not result:
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


def run_module(module: str, work: Path, timeout: float) -> tuple[int, int, list[tuple[str, str, int]]]:
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
    subprocess.run([PY, "-m", "cosmic_ray.cli", "exec", str(config), str(session)], cwd=work, check=True,
                   stdout=subprocess.DEVNULL)
    return _survivors(session, work)


def changed_modules(base: str) -> list[str]:
    names = subprocess.run(["git", "diff", "--name-only", f"{base}...HEAD"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    return [m for m in MODULES if m in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="rule modules (paths); default: none")
    parser.add_argument("--all", action="store_true", help="every rule module in MODULES")
    parser.add_argument("--changed", metavar="BASE", help="the rule modules changed since the git ref BASE")
    parser.add_argument("--check", action="store_true", help="fail on a survivor not listed in EXPECTED")
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
            total, killed, survived = run_module(module, work, args.timeout)
            score = f"{100 * killed / total:.1f} %" if total else "–"
            rows.append(f"| {module} | {total} | {killed} | {len(survived)} | {score} |")
            expected = EXPECTED.get(module, {})
            for operator, line, lineno in survived:
                reason = expected.get((operator, line))
                print(f"{module}:{lineno}: {operator}: {line}  →  {reason or 'NOT EXPLAINED'}")
                failed = failed or (args.check and reason is None)
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
