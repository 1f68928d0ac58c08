"""Roles (design §1) as Django groups with permission sets.

Departments and positions are data a company defines; each position carries
one of these roles, and the role's group gives the permissions. The table is
the single place that says which role may do what with which model.
"""

from __future__ import annotations

from importlib import import_module

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SALESPERSON = "salesperson", _("Salesperson")
    SALES_ASSISTANT = "sales_assistant", _("Sales assistant")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    SALES_DIRECTOR = "sales_director", _("Sales director")
    QA = "qa", _("Quality assurance")
    ENGINEERING = "engineering", _("Engineering")
    PRODUCTION = "production", _("Production")
    PURCHASING = "purchasing", _("Purchasing")
    FINANCE = "finance", _("Finance")
    VICE_GM = "vice_gm", _("Vice general manager")
    GM = "gm", _("General manager")
    GENERAL_OFFICE = "general_office", _("General office")
    AFTER_SALES = "after_sales", _("After-sales service")


SALES = {Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR}
MANAGEMENT = {Role.GM, Role.VICE_GM}
ALL = set(Role)

MASTER_DATA = ["customer", "contact", "part", "contract", "contractline", "shipment", "supplier"]

# (app_label, model, action) → roles. "view" of master data is for every staff role.
GRANTS: dict[tuple[str, str, str], set[Role]] = {}


def grant(app: str, model_names: list[str], action: str, roles: set[Role]) -> None:
    """Let ``roles`` (and the administrator) take ``action`` (view, add, change, delete) on the named models."""
    for name in model_names:
        GRANTS[(app, name, action)] = set(roles) | {Role.ADMIN}


_grant = grant


_grant("customers", MASTER_DATA, "view", ALL)
_grant("customers", ["customer", "contact"], "add", SALES | {Role.GENERAL_OFFICE})
_grant("customers", ["customer", "contact"], "change", SALES | {Role.GENERAL_OFFICE})
_grant("customers", ["customer", "contact"], "delete", {Role.SALES_DIRECTOR})
_grant("customers", ["contract", "contractline", "shipment"], "add", SALES)
_grant("customers", ["contract", "contractline", "shipment"], "change", SALES)
_grant("customers", ["contract", "contractline", "shipment"], "delete", {Role.SALES_DIRECTOR})
_grant("customers", ["part"], "add", {Role.ENGINEERING, Role.QA, Role.SALES_ASSISTANT})
_grant("customers", ["part"], "change", {Role.ENGINEERING, Role.QA, Role.SALES_ASSISTANT})
_grant("customers", ["part"], "delete", {Role.ENGINEERING})
_grant("customers", ["supplier"], "add", {Role.PURCHASING, Role.QA})
_grant("customers", ["supplier"], "change", {Role.PURCHASING, Role.QA})
_grant("customers", ["supplier"], "delete", {Role.PURCHASING})
_grant("core", ["companycalendarday"], "view", ALL)
_grant("core", ["companycalendarday"], "add", {Role.GENERAL_OFFICE})
_grant("core", ["companycalendarday"], "change", {Role.GENERAL_OFFICE})
_grant("core", ["companycalendarday"], "delete", {Role.GENERAL_OFFICE})
_grant("core", ["calendaryear", "statutoryday"], "view", ALL)
_grant("core", ["calendaryear", "statutoryday"], "add", set())
_grant("core", ["calendaryear", "statutoryday"], "change", set())
_grant("core", ["auditentry"], "view", MANAGEMENT | {Role.QA, Role.SALES_DIRECTOR, Role.GENERAL_OFFICE})
# Complaints (issue 3): the workflow table in kesu/complaints/workflow.py decides
# who may take each step; these model permissions gate the pages and the API.
_grant("complaints", ["complaint", "timelineentry", "deadline", "remedyproposal", "dispositionline",
                      "adhocmeeting", "statuschange", "escalation", "complaintcategory"], "view", ALL)
_grant("complaints", ["complaint"], "add", SALES | {Role.QA, Role.AFTER_SALES})
_grant("complaints", ["complaint"], "change", SALES | {Role.QA, Role.AFTER_SALES})
_grant("complaints", ["complaintcategory", "complaintsettings", "customerdeadlineoverride"], "change",
       {Role.QA, Role.SALES_DIRECTOR, Role.GENERAL_OFFICE})
# Corrective actions (issue 4): the workflow table in kesu/capa/workflow.py decides each step.
_CAPA_WORKERS = {Role.QA, Role.ENGINEERING, Role.PRODUCTION, Role.PURCHASING, Role.AFTER_SALES} | SALES
_grant("capa", ["correctiveaction", "actionstep", "actionlink", "teammember", "containmentrow", "whyrow",
                "actionitem", "actionchange", "actionescalation", "nonconformingreport"], "view", ALL)
_grant("capa", ["correctiveaction"], "add", _CAPA_WORKERS | MANAGEMENT)
_grant("capa", ["correctiveaction"], "change", _CAPA_WORKERS)
_grant("capa", ["nonconformingreport"], "add", {Role.QA})
_grant("capa", ["nonconformingreport"], "change", _CAPA_WORKERS)
_grant("capa", ["capasettings", "customercaparule"], "change", {Role.QA, Role.GM})
# Claims (issue 5): the workflow tables in kesu/claims/workflow.py decide each step; who sees amounts is
# decided in kesu/claims/permissions.py.
_CLAIM_READERS = SALES | MANAGEMENT | {Role.FINANCE, Role.QA, Role.ENGINEERING, Role.PRODUCTION, Role.PURCHASING}
_grant("claims", ["claim", "claimitem", "claimdocument", "negotiationround", "claimchange"], "view", _CLAIM_READERS)
_grant("claims", ["claim"], "add", SALES)
_grant("claims", ["claim"], "change", SALES | MANAGEMENT | {Role.FINANCE})
_grant("claims", ["supplierclaim", "supplierclaimchange"], "view", MANAGEMENT | {Role.PURCHASING, Role.FINANCE,
                                                                                 Role.QA} | SALES)
_grant("claims", ["supplierclaim"], "add", MANAGEMENT | {Role.PURCHASING})
_grant("claims", ["supplierclaim"], "change", MANAGEMENT | {Role.PURCHASING, Role.FINANCE})
_grant("claims", ["costentry"], "view", SALES | MANAGEMENT | {Role.FINANCE})
_grant("claims", ["costentry"], "add", SALES | MANAGEMENT | {Role.FINANCE})
_grant("claims", ["claimsettings", "exchangerate"], "view", SALES | MANAGEMENT | {Role.FINANCE, Role.PURCHASING})
_grant("claims", ["claimsettings", "exchangerate"], "change", MANAGEMENT | {Role.FINANCE})
_grant("claims", ["exchangerate"], "add", MANAGEMENT | {Role.FINANCE})
# Satisfaction surveys (issue 6): who runs campaigns and enters answers is in kesu/surveys/permissions.py.
_grant("surveys", ["surveytemplate", "templatesection", "templateitem", "campaign", "recipient", "invitation",
                   "answer", "answeritem", "improvement", "competitorrating", "surveysettings"], "view", ALL)
_grant("surveys", ["surveytemplate", "surveysettings"], "change", {Role.GENERAL_OFFICE, Role.SALES_DIRECTOR, Role.QA})
_grant("surveys", ["surveytemplate"], "add", {Role.GENERAL_OFFICE, Role.SALES_DIRECTOR, Role.QA})
_grant("surveys", ["campaign"], "add", {Role.GENERAL_OFFICE, Role.SALES_DIRECTOR, Role.SALES_ASSISTANT})
_grant("surveys", ["campaign"], "change", {Role.GENERAL_OFFICE, Role.SALES_DIRECTOR, Role.SALES_ASSISTANT})
_grant("surveys", ["answer", "competitorrating"], "add", SALES | {Role.GENERAL_OFFICE, Role.AFTER_SALES})
_grant("surveys", ["improvement"], "add", {Role.GENERAL_OFFICE, Role.QA, Role.SALES_DIRECTOR, Role.ENGINEERING,
                                           Role.PRODUCTION})
_grant("surveys", ["improvement"], "change", {Role.GENERAL_OFFICE, Role.QA, Role.SALES_DIRECTOR, Role.ENGINEERING,
                                              Role.PRODUCTION})
# Analysis and management review (issue 7): who reads analyses and writes reports is in kesu/reports/permissions.py.
_grant("reports", ["kpitarget", "monthlysnapshot", "trendalert", "departmentreport", "reportchange",
                   "reportsettings"], "view", ALL)
_grant("reports", ["kpitarget", "reportsettings"], "change", MANAGEMENT | {Role.QA, Role.GENERAL_OFFICE})
_grant("reports", ["kpitarget"], "add", MANAGEMENT | {Role.QA, Role.GENERAL_OFFICE})
_grant("reports", ["departmentreport"], "change", SALES | MANAGEMENT | {Role.AFTER_SALES, Role.QA})
for _model in ["company", "department", "position", "salesregion", "user"]:
    _grant("accounts", [_model], "view", ALL)
    for _action in ("add", "change", "delete"):
        _grant("accounts", [_model], _action, set())

# The modules added after the first ones keep their grants beside their code (kesu/<app>/grants.py, each calling
# grant()); they are read here so that this table stays the one answer to "who may do what".
for _module in ("kesu.property.grants", "kesu.contracts.grants", "kesu.service.grants", "kesu.prevention.grants"):
    import_module(_module)


def group_name(role: str) -> str:
    return f"role:{role}"


def sync_roles() -> None:
    """Create one group per role and give it exactly the permissions in GRANTS."""
    from django.contrib.auth.models import Group, Permission

    wanted: dict[str, set[int]] = {role.value: set() for role in Role}
    perms = {
        (p.content_type.app_label, p.codename): p.pk
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={app for app, _m, _a in GRANTS}
        )
    }
    for (app, model_name, action), roles in GRANTS.items():
        pk = perms.get((app, f"{action}_{model_name}"))
        if pk is None:
            continue  # model not migrated yet (partial migrate); next migrate fills it in
        for role in roles:
            wanted[role.value].add(pk)
    for role, pks in wanted.items():
        group, _created = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set(pks)


def sync_roles_after_migrate(sender, **kwargs) -> None:
    # post_migrate fires once per app and each app's permissions appear only
    # in its own turn, so sync after each; it is a handful of queries.
    sync_roles()
