import pytest

from kesu.complaints.tests.factories import People


@pytest.fixture(autouse=True)
def _english_messages(english):
    yield


@pytest.fixture
def people(company_a):
    return People(company_a)
