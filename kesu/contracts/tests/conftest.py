import pytest

from kesu.complaints.tests.factories import People


@pytest.fixture(autouse=True)
def _english_messages(english):
    # These domain tests read refusal messages in their source language.
    yield


@pytest.fixture
def people(company_a):
    return People(company_a)
