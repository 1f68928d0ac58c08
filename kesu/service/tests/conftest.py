import pytest

from kesu.complaints.tests.factories import People


@pytest.fixture(autouse=True)
def _english_messages(english):
    yield


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def people_b(company_b):
    return People(company_b)
