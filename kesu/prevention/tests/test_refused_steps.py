"""Issue 17 §2 for prevention: a refused signal or assessment step comes back on its page (422) with the form as it
was typed and the refusal next to the field, not as a message after a redirect."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.core.tests.panels import said
from kesu.prevention import services

pytestmark = pytest.mark.django_db
R = Role


def test_a_refused_signal_step_comes_back_with_what_was_typed(groups, customer, client):
    signal = services.signal_create(actor=groups[R.AFTER_SALES], company=groups.company, data={
        "source": "call_centre", "customer": customer, "warning_class": "b", "observed": "客户来电：液压泵漏油。"})
    client.force_login(groups[R.REGIONAL_MANAGER])
    url = reverse("prevention:transition", args=[signal.pk, "diagnose"])
    services.signal_transition(actor=groups[R.REGIONAL_MANAGER], signal=signal, name="identify",
                               identification="电话核实，属实")
    signal.refresh_from_db()
    refused = client.post(url, {"diagnose-causes": "物流安排不当，未及时告知", "diagnose-development": "",
                                "version": signal.version}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 422 and len(said(refused)) == 1
    page = refused.content.decode()
    assert "物流安排不当，未及时告知" in page and 'id="transition-diagnose"' in page
    signal.refresh_from_db()
    assert signal.status == "diagnosing"
    done = client.post(url, {"diagnose-causes": "物流安排不当", "diagnose-development": "可能升级",
                             "version": signal.version})
    assert done.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "preventing"


def test_a_refused_preventive_action_comes_back_with_what_was_typed(groups, customer, client):
    signal = services.signal_create(actor=groups[R.AFTER_SALES], company=groups.company, data={
        "source": "call_centre", "customer": customer, "warning_class": "b", "observed": "客户来电：液压泵漏油。"})
    follower = groups[R.REGIONAL_MANAGER]
    services.signal_transition(actor=follower, signal=signal, name="identify", identification="属实")
    services.signal_transition(actor=follower, signal=signal, name="diagnose", causes="物流", development="升级")
    client.force_login(follower)
    refused = client.post(reverse("prevention:action_add", args=[signal.pk]), {
        "description": "区域经理当面拜访客户说明原因", "owner": follower.pk, "working_days": "999"})
    assert refused.status_code == 422 and len(said(refused)) == 1
    assert "区域经理当面拜访客户说明原因" in refused.content.decode()
    assert not signal.actions.exists()
