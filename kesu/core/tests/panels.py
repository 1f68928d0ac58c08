"""Reading the "next step" panel of a detail page in tests (issue 16 §5), shared by every app's test_next_step."""

from __future__ import annotations


def panel_of(client, url: str):
    """The page's panel (its context object) and the page's HTML, after checking the page answered 200."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["next_step"], response.content.decode()


def step_names(actions) -> list[str]:
    """The names of the panel's steps, in the order shown."""
    return [action.name for action in actions]
