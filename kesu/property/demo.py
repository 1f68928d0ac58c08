"""Demo data of this module: one step of kesu.demo.STEPS."""

from kesu.demo.base import DemoContext


def create_property(ctx: DemoContext) -> None:
    """Nothing yet."""
