"""Which role may view, add and change the records of this module (read by kesu.accounts.roles)."""

from kesu.accounts.roles import grant  # noqa: F401 - grant("service", [model names], action, roles)
