"""A pytest plugin that tries cosmic-ray's mutants of one module in forked children of one test session.

Used by scripts/mutation.py (issue 25); not a test-time plugin. Starting Django and pytest for each mutant costs
seconds, while most rule tests take milliseconds, so this plugin starts the session once, runs the selected tests
unmutated (they must pass, and it notes which of the module's functions each test calls), and then for each
pending mutant of the cosmic-ray session forks: the child swaps the mutated function's code object into the live
function (every reference to it, workflow tables included, sees the mutant), runs the tests that called that
function (a test that never calls it cannot see the mutant) with ``-x`` semantics and exits 1 at the first
failure. A mutant at import (module or class level) runs every test.

Only a mutant *killed* here is written back to the cosmic-ray session. Everything else stays pending for
``cosmic-ray exec``, which applies it to the file and runs the tests in a fresh process as usual: mutants that
survive here (so every survivor the report shows is cosmic-ray's own verdict), mutants outside a function body
(module and class level, decorators, default values: they act at import), and any the swap cannot reproduce.

    python -m pytest -p mutation_fork --mutants SESSION.sqlite TESTS...   (scripts/ on PYTHONPATH)
"""

from __future__ import annotations

import ast
import os
import sys
import threading
import time
import types
from pathlib import Path

import pytest
from _pytest.runner import runtestprotocol


def pytest_addoption(parser):
    parser.addoption("--mutants", metavar="SESSION", help="a cosmic-ray session whose pending mutants to try")
    parser.addoption("--mutants-quick", action="store_true",
                     help="record a function-body mutant that survives here as survived, without cosmic-ray's rerun")


def _module_name(path: Path) -> str:
    return ".".join(path.with_suffix("").parts)


def _enclosing_function(tree: ast.Module, line: int, col: int) -> tuple[str, int] | None:
    """(qualified name, first line) of the outermost function whose *body* holds (line, col), if any.

    Only functions defined at module level or in (nested) classes count; a position in a decorator, a default
    value or an annotation is evaluated at import and so gives None.
    """

    def walk(body, prefix):
        for node in body:
            if isinstance(node, ast.ClassDef):
                found = walk(node.body, f"{prefix}{node.name}.")
                if found:
                    return found
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = node.body[0]
                if (first.lineno, first.col_offset) <= (line, col) <= (node.end_lineno, node.end_col_offset):
                    start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                    return f"{prefix}{node.name}", start
        return None

    return walk(tree.body, "")


def _function_name(code: types.CodeType) -> str:
    """The qualified name of the module-level or class-level function a code object belongs to (nested ones
    included: ``plan.<locals>.step`` and a comprehension inside ``plan`` are both ``plan``)."""
    return code.co_qualname.split(".<locals>.", 1)[0]


class _Calls:
    """Which of one file's functions run while it is on: a profile hook (every thread) recording their names."""

    def __init__(self, filename: str):
        self.filename = filename
        self.names: set[str] = set()

    def _hook(self, frame, event, arg):
        if event == "call" and frame.f_code.co_filename == self.filename:
            self.names.add(_function_name(frame.f_code))

    def __enter__(self):
        self.names = set()
        threading.setprofile(self._hook)
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc):
        sys.setprofile(None)
        threading.setprofile(None)


def _code_objects(code: types.CodeType):
    """Every code object compiled from the module, nested ones included."""
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield const
            yield from _code_objects(const)


def _live_functions(module: types.ModuleType, filename: str):
    """Every function object defined in the module's file, reachable from its globals and classes."""
    seen: set[int] = set()

    def unwrap(value):
        if isinstance(value, staticmethod | classmethod):
            value = value.__func__
        if isinstance(value, property):
            for part in (value.fget, value.fset, value.fdel):
                if part is not None:
                    yield from unwrap(part)
            return
        func = getattr(value, "func", None)  # functools.cached_property, partial
        if isinstance(func, types.FunctionType):
            yield from unwrap(func)
        while isinstance(value, types.FunctionType) or hasattr(value, "__wrapped__"):
            if isinstance(value, types.FunctionType) and value.__code__.co_filename == filename:
                yield value
            wrapped = getattr(value, "__wrapped__", None)
            if wrapped is None or wrapped is value:
                break
            value = wrapped

    def visit(namespace):
        for value in list(namespace.values()):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, type) and value.__module__ == module.__name__:
                yield from visit(vars(value))
            else:
                yield from unwrap(value)

    yield from visit(vars(module))


class _Mutant:
    """How to make one mutant live in a forked child: swap function code, or run the mutated module again.

    A mutant inside a function body is exact as a code swap. One at module or class level (a workflow table, a
    constant, a decorator) needs the whole mutated module run again in the module's namespace; names other
    modules imported before keep their old objects, so such a run can only miss, never invent, a failure —
    and a control run of the unmutated module the same way must pass first (``_reexec_is_sound``).
    """

    def __init__(self, spec, source: str, tree: ast.Module, filename: str):
        from cosmic_ray.mutating import mutate_code
        from cosmic_ray.plugins import get_operator

        self.swaps: list[tuple[types.FunctionType, types.CodeType]] = []
        self.reexec: types.CodeType | None = None
        self.function: str | None = None  # the qualified name of the function a swap changes
        self.source = source
        self.module = sys.modules[_module_name(spec.module_path)]
        self.mutated = mutate_code(source, get_operator(spec.operator_name)(**(spec.operator_args or {})),
                                   spec.occurrence)
        if self.mutated is None or self.mutated.count("\n") != source.count("\n"):
            return
        try:
            compiled = compile(self.mutated, filename, "exec", dont_inherit=True)
        except SyntaxError:
            return
        where = _enclosing_function(tree, *spec.start_pos)
        if where is None:
            self.reexec = compiled
            return
        new = [c for c in _code_objects(compiled) if (c.co_qualname, c.co_firstlineno) == where]
        live = [f for f in _live_functions(self.module, filename)
                if (f.__code__.co_qualname, f.__code__.co_firstlineno) == where]
        if len(new) == 1 and live and all(f.__code__.co_freevars == new[0].co_freevars for f in live):
            self.swaps = [(f, new[0]) for f in live]
            self.function = where[0]

    @property
    def usable(self) -> bool:
        return bool(self.swaps) or self.reexec is not None

    def diff(self) -> str:
        import difflib

        return "".join(difflib.unified_diff(self.source.splitlines(True), self.mutated.splitlines(True)))

    def apply(self) -> None:
        for func, new_code in self.swaps:
            func.__code__ = new_code
        if self.reexec is not None:
            exec(self.reexec, vars(self.module))  # noqa: S102 - the mutated module, in a throwaway child


def _run(items) -> bool:
    """Run the items in order; False at the first failure."""
    if items:  # tear down what the first item does not use (the parent ended set up for the whole list's first)
        items[0].session._setupstate.teardown_exact(items[0])
    for index, item in enumerate(items):
        nextitem = items[index + 1] if index + 1 < len(items) else None
        if any(report.failed for report in runtestprotocol(item, nextitem=nextitem, log=False)):
            return False
    return True


def _try(mutant: _Mutant, items, timeout: float) -> bool:
    """True when the forked run with the mutant swapped in fails (or hangs): the mutant is killed."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 3
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            mutant.apply()
            code = 0 if _run(items) else 1
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) == 1
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return True  # cosmic-ray counts a timeout as killed too
        time.sleep(0.005)


class _Unchanged:
    """No mutant at all (the control run)."""

    def apply(self) -> None:
        pass


def _reexec_is_sound(source: str, tree: ast.Module, filename: str, items, timeout: float) -> bool:
    """Whether the tests pass after running the unmutated module again in its own namespace (in a child)."""

    class Control:
        swaps = ()
        reexec = compile(source, filename, "exec", dont_inherit=True)
        module = sys.modules[_module_name(Path(os.path.relpath(filename)))]
        apply = _Mutant.apply

    return not _try(Control(), items, timeout)


def _callers(mutant: _Mutant, items, called: list[set[str]], timeout: float,
             controls: dict[tuple[int, ...], bool]) -> list:
    """The tests to run with ``mutant``: for a swapped function, those whose unmutated run called it (in order),
    provided they pass alone, unmutated, in a forked child (a test may lean on one run before it: then all
    of them); for a mutant at import, or with no test calling it, every test (cosmic-ray's verdict either way)."""
    chosen = tuple(i for i, names in enumerate(called) if mutant.function in names) if mutant.function else ()
    if not chosen or len(chosen) == len(items):
        return items
    if chosen not in controls:
        controls[chosen] = not _try(_Unchanged(), [items[i] for i in chosen], timeout)
    return [items[i] for i in chosen] if controls[chosen] else items


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    path = session.config.getoption("mutants")
    if not path:
        return None
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    items = session.items
    started = time.monotonic()
    # The unmutated run, noting the functions of the mutated module each test calls; the last item's teardown
    # keeps the session fixtures (the test database) for the children.
    with use_db(path, WorkDB.Mode.open) as db:
        mutated = {str(work.mutations[0].module_path.resolve()) for work in db.pending_work_items}
    calls = _Calls(mutated.pop() if len(mutated) == 1 else "")
    called: list[set[str]] = []
    for index, item in enumerate(items):
        nextitem = items[index + 1] if index + 1 < len(items) else items[0]
        with calls:
            failed = any(report.failed for report in runtestprotocol(item, nextitem=nextitem, log=False))
        if failed:
            pytest.exit(f"the unmutated code fails {item.nodeid}", returncode=3)
        called.append(calls.names)
    timeout = max(10.0, 10 * (time.monotonic() - started))
    # A control: the same tests, unmutated, in a forked child. They fail there when the first run used something
    # up (an upload read to its end, a generator, a module-level object changed), and every mutant would then be
    # "killed" falsely; stop rather than report such kills.
    if _try(_Unchanged(), items, timeout):
        pytest.exit("the tests fail when run again, unmutated, in a forked child (something the first run used "
                    "up?): make them independent of an earlier run", returncode=3)
    killed = tried = 0
    quick = session.config.getoption("mutants_quick")
    sources: dict[Path, tuple[str, ast.Module, str]] = {}
    sound: dict[Path, bool] = {}
    controls: dict[tuple[int, ...], bool] = {}
    with use_db(path, WorkDB.Mode.open) as db:
        for work in list(db.pending_work_items):
            if len(work.mutations) != 1:
                continue
            spec = work.mutations[0]
            if spec.module_path not in sources:
                text = spec.module_path.read_text(encoding="utf-8")
                sources[spec.module_path] = (text, ast.parse(text), str(spec.module_path.resolve()))
            mutant = _Mutant(spec, *sources[spec.module_path])
            if mutant.reexec is not None:
                if spec.module_path not in sound:
                    sound[spec.module_path] = _reexec_is_sound(*sources[spec.module_path], items, timeout)
                if not sound[spec.module_path]:
                    continue
            if not mutant.usable:
                continue
            tried += 1
            if _try(mutant, _callers(mutant, items, called, timeout, controls), timeout):
                killed += 1
                db.set_result(work.job_id, WorkResult(worker_outcome=WorkerOutcome.NORMAL,
                                                      test_outcome=TestOutcome.KILLED,
                                                      output="killed in a forked run (scripts/mutation_fork.py)"))
            elif quick and mutant.swaps:
                db.set_result(work.job_id, WorkResult(worker_outcome=WorkerOutcome.NORMAL,
                                                      test_outcome=TestOutcome.SURVIVED, diff=mutant.diff(),
                                                      output="survived a forked run (not rerun: --quick)"))
    if not all(sound.values()):
        print("\nrunning the unmutated module again fails its tests: module-level mutants go to cosmic-ray exec",
              file=sys.stderr)
    print(f"\nforked runs: {tried} mutants tried, {killed} killed; the rest is left to cosmic-ray exec",
          file=sys.stderr)
    return True
