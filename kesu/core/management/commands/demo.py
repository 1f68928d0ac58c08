"""Generate demo and scale data (``kesu demo --scale N --seed S``); see kesu/demo/__init__.py."""

from __future__ import annotations

import datetime
import time

from django.core.management import BaseCommand, CommandError

from kesu import demo


class Command(BaseCommand):
    help = (
        "Generate a demo group with customers, parts, contracts and shipments. "
        "--scale N gives 50·N+10 customers, about 5,000·N shipment lines and 5,000·N complaints."
    )
    # From call_command only (kesu up): a callable told after each step, for its progress bar.
    stealth_options = ("progress",)

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Size factor (default 1; 200 ≈ 1,000,000 shipment lines and 1,000,000 complaints).")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Random seed (same seed, same data).")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="Date the history ends (YYYY-MM-DD; default today).")

    def handle(self, *args, scale: int = 1, seed: int = demo.DEFAULT_SEED, today=None, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        verbosity = options.get("verbosity", 1)
        verbose = verbosity >= 1
        # Step timings matter for scale runs, not for the small first-start demo.
        log = self.stdout.write if verbosity >= 2 or (verbose and scale > 1) else None
        started = time.monotonic()
        try:
            ctx = demo.generate(scale=scale, seed=seed, today=today, log=log, progress=options.get("progress"))
        except demo.DemoAlreadyLoaded as exc:
            raise CommandError(
                "The demo group 中科精工集团 (code ZKJG) is already in this database; nothing was added. "
                "To generate data at another scale, use an empty database "
                "(for example another KESU_DATA_DIR or KESU_DATABASE_URL)."
            ) from exc
        if not verbose:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data generated in {time.monotonic() - started:.1f} s:"))
        if log is not None:  # the rows per table, for scale runs
            for label, count in sorted(ctx.counts.items()):
                self.stdout.write(f"  {label:<28} {count:>10,}")
            self.stdout.write("By module:")
        for label, count in demo.summary():
            self.stdout.write(f"  {label:<30} {count:>10,}")
        self.stdout.write(f"Demo logins (password: {ctx.password}):")
        main = ctx.companies[0].short_name
        for username, role, company in ctx.logins:
            if company == main:
                self.stdout.write(f"  {username:<12} {role}")
        others = ", ".join(f"{prefix}… ({name})" for prefix, name in _subsidiary_prefixes(ctx))
        self.stdout.write(f"  Subsidiaries: the same names with a prefix: {others}")


def _subsidiary_prefixes(ctx) -> list[tuple[str, str]]:
    from kesu.demo.organization import SUBSIDIARY_PREFIX

    return [(SUBSIDIARY_PREFIX[c.code], c.short_name) for c in ctx.companies[1:]]
