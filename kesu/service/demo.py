"""Demo data of this module: one step of kesu.demo.STEPS."""

from kesu.demo.base import DemoContext


def create_service(ctx: DemoContext) -> None:
    """Nothing yet."""
