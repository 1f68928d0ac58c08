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


def said(response) -> list[str]:
    """What a page told the user after a post: the refusals on the form it gave back as filled (issue 17 §2: a
    refused step answers 422 with its form), else the page messages of the redirect. Field errors come without their
    label, as the API's ``msg`` does."""
    from django.contrib.messages import get_messages

    refused = getattr(response.wsgi_request, "_kesu_refused_forms", {})
    if refused:
        assert response.status_code == 422
        return [str(error) for form in refused.values() for errors in form.errors.values() for error in errors]
    return [str(message) for message in get_messages(response.wsgi_request)]


def later_part(client, url: str, part: str = "related"):
    """A part a detail page leaves to be fetched when shown (kesu.core.panels.parts_later), fetched as htmx does."""
    return client.get(url, {"part": part}, headers={"HX-Request": "true"})
