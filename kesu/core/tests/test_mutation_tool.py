"""The mutation tool's own decisions (scripts/mutation.py, scripts/mutation_fork.py; issue 25)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))

import mutation  # noqa: E402
import mutation_fork  # noqa: E402

SOURCE = '''from __future__ import annotations


def plain(x: int | None = 3) -> int | None:
    return x + 1


class Table:
    limit = 100

    @staticmethod
    def check(value, default=5):
        if value >= Table.limit:
            return "over"
        return "fine"
'''


def test_a_mutant_in_a_function_body_is_swapped_into_that_function_and_one_at_import_is_not():
    tree = ast.parse(SOURCE)
    assert mutation_fork._enclosing_function(tree, 5, 11) == ("plain", 4)  # x + 1
    assert mutation_fork._enclosing_function(tree, 13, 17) == ("Table.check", 11)  # >= (decorator line first)
    assert mutation_fork._enclosing_function(tree, 4, 27) is None  # the default 3: evaluated at import
    assert mutation_fork._enclosing_function(tree, 9, 12) is None  # a class attribute
    assert mutation_fork._enclosing_function(tree, 12, 30) is None  # default=5 of the method


def test_mutants_inside_annotations_are_found_only_when_annotations_are_not_evaluated():
    spans = mutation._annotation_spans(SOURCE)
    assert ((4, 13), (4, 23)) in spans  # x: int | None
    assert ((4, 32), (4, 42)) in spans  # -> int | None
    assert not any(low <= (5, 13) < high for low, high in spans)  # the body's "+" is not in one
    assert mutation._annotation_spans(SOURCE.replace("from __future__ import annotations\n", "")) == []


def test_a_survivor_counts_as_explained_only_with_its_operator_and_line(monkeypatch):
    monkeypatch.setitem(mutation.SETTINGS, "kesu/x.py", {"tests": [], "survivor": [
        {"operator": "core/ReplaceBinaryOperator_BitOr_*", "line": "def f() -> int | None:", "reason": "annotation"},
    ]})
    assert mutation.explained("kesu/x.py", "core/ReplaceBinaryOperator_BitOr_Add", "  def f() -> int | None:  ")
    assert mutation.explained("kesu/x.py", "core/ReplaceComparisonOperator_Eq_NotEq", "def f() -> int | None:") is None
    assert mutation.explained("kesu/x.py", "core/ReplaceBinaryOperator_BitOr_Add", "def g() -> int | None:") is None
    assert mutation.explained("kesu/other.py", "core/ReplaceBinaryOperator_BitOr_Add", "def f() -> int | None:") is None


def test_every_rule_module_has_tests_that_exist():
    assert len(mutation.MODULES) >= 18
    for module, tests in mutation.MODULES.items():
        assert (ROOT / module).is_file(), module
        paths = [t for t in tests if t.endswith(".py")]
        assert paths and all((ROOT / t).is_file() for t in paths), module


@pytest.mark.slow
def test_the_score_of_survey_scoring_is_measured_and_checked():
    run = subprocess.run([sys.executable, "scripts/mutation.py", "--check", "kesu/surveys/scoring.py"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    row = next(line for line in run.stdout.splitlines() if line.startswith("| kesu/surveys/scoring.py"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert int(cells[1]) >= 80 and cells[1] == cells[2] and cells[3] == "0", row


def test_the_tests_run_against_a_swapped_function_are_those_that_called_it_nested_code_included(tmp_path):
    path = tmp_path / "rules.py"
    path.write_text(SOURCE + "\n\ndef outer(values):\n    return [Table.check(v) for v in values]\n")
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - the test's own module
    calls = mutation_fork._Calls(str(path))
    with calls:
        namespace["outer"]([1, 200])
    assert calls.names == {"outer", "Table.check"}  # the comprehension inside outer counts as outer
    with calls:
        namespace["plain"](1)
    assert calls.names == {"plain"}
    with calls:
        len("nothing of the module")
    assert calls.names == set()
    items = ["first", "second", "third"]

    class Swap:
        function = "Table.check"

    controls = {(1,): True}
    assert mutation_fork._callers(Swap(), items, [{"plain"}, {"outer", "Table.check"}, set()], 10, controls) == [
        "second"]
    controls[(1,)] = False  # the caller fails alone, unmutated: every test runs
    assert mutation_fork._callers(Swap(), items, [{"plain"}, {"outer", "Table.check"}, set()], 10, controls) == items
    Swap.function = None  # a mutant at import
    assert mutation_fork._callers(Swap(), items, [{"plain"}, {"Table.check"}, set()], 10, {}) == items
    Swap.function = "outer"  # no test calls it: every test, for cosmic-ray to judge
    assert mutation_fork._callers(Swap(), items, [{"plain"}, set(), set()], 10, {}) == items
