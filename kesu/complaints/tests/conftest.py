import pytest


@pytest.fixture(autouse=True)
def _english_messages(english):
    # These domain tests read refusal messages in their source language.
    yield
