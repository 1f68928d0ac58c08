"""The six kinds of customer master data, declared once for pages, API, import and export."""

from __future__ import annotations

from kesu.accounts.models import SalesRegion, User
from kesu.core.resources import Resource

from . import filters, forms, selectors
from .models import Contact, Contract, ContractLine, Customer, Part, Shipment, Supplier

customer = Resource(
    name="customer", model=Customer, form_class=forms.CustomerForm, filterset_class=filters.CustomerFilter,
    list_columns=["code", "name", "short_name", "customer_type", "status", "importance", "region", "owner", "sales_rank"],
    search_fields=["code", "name", "short_name", "region"],
    natural_key=["code"],
    columns=["code", "name", "short_name", "customer_type", "status", "region", "sales_region", "owner",
             "importance", "sales_rank", "address", "phone", "notes"],
    select_related=["owner", "sales_region", "company"],
    fk_codes={"owner": (User, "username"), "sales_region": (SalesRegion, "code")},
    detail_template="customers/customer_detail.html",
    detail_context=selectors.customer_detail_context,
)

contact = Resource(
    name="contact", model=Contact, form_class=forms.ContactForm, filterset_class=filters.ContactFilter,
    list_columns=["name", "customer", "title", "department", "phone", "mobile", "email", "is_primary"],
    search_fields=["name", "email", "phone", "mobile", "customer__name", "customer__code"],
    natural_key=["customer", "name"],
    columns=["customer", "name", "title", "department", "phone", "mobile", "email", "language", "is_primary", "notes"],
    select_related=["customer", "company"],
    fk_codes={"customer": (Customer, "code")},
    detail_template="customers/contact_detail.html",
    detail_context=selectors.contact_detail_context,
)

part = Resource(
    name="part", model=Part, form_class=forms.PartForm, filterset_class=filters.PartFilter,
    list_columns=["part_no", "name", "model", "specification", "unit", "warranty_months", "customer", "is_active"],
    search_fields=["part_no", "name", "model", "specification", "customer_part_no"],
    natural_key=["part_no"],
    columns=["part_no", "name", "model", "specification", "unit", "warranty_months", "customer",
             "customer_part_no", "is_active"],
    select_related=["customer", "company"],
    fk_codes={"customer": (Customer, "code")},
)

contract = Resource(
    name="contract", model=Contract, form_class=forms.ContractForm, filterset_class=filters.ContractFilter,
    list_columns=["number", "customer", "kind", "status", "signed_on", "currency", "owner", "customer_po"],
    search_fields=["number", "customer_po", "customer__name", "customer__code"],
    natural_key=["number"],
    columns=["number", "customer", "kind", "status", "signed_on", "currency", "owner", "customer_po", "notes"],
    select_related=["customer", "owner", "company"],
    fk_codes={"customer": (Customer, "code"), "owner": (User, "username")},
    detail_template="customers/contract_detail.html",
    detail_context=selectors.contract_detail_context,
)

contract_line = Resource(
    name="contractline", model=ContractLine, form_class=forms.ContractLineForm,
    filterset_class=filters.ContractLineFilter,
    list_columns=["contract", "line_no", "part", "quantity", "unit_price", "due_date"],
    search_fields=["contract__number", "part__part_no", "part__name"],
    natural_key=["contract", "line_no"],
    columns=["contract", "line_no", "part", "quantity", "unit_price", "due_date"],
    select_related=["contract", "part", "company"],
    fk_codes={"contract": (Contract, "number"), "part": (Part, "part_no")},
    api_path="contract-lines",
)

shipment = Resource(
    name="shipment", model=Shipment, form_class=forms.ShipmentForm, filterset_class=filters.ShipmentFilter,
    list_columns=["delivery_no", "line_no", "customer", "part", "quantity", "due_date", "ship_date",
                  "receipt_date", "is_split", "extra_freight_cost"],
    search_fields=["delivery_no", "customer__name", "customer__code", "part__part_no", "part__name"],
    natural_key=["delivery_no", "line_no"],
    columns=["delivery_no", "line_no", "customer", "contract_line", "part", "quantity", "due_date", "ship_date",
             "receipt_date", "is_split", "extra_freight_cost", "currency"],
    select_related=["customer", "part", "contract_line__contract", "company"],
    fk_codes={"customer": (Customer, "code"), "part": (Part, "part_no")},
    # Spreadsheets name the line "contract number/line"; ShipmentForm resolves that on import.
    export_values={"contract_line": lambda s: s.contract_line.reference if s.contract_line_id else ""},
)

supplier = Resource(
    name="supplier", model=Supplier, form_class=forms.SupplierForm, filterset_class=filters.SupplierFilter,
    list_columns=["code", "name", "short_name", "contact_name", "phone", "email", "is_active"],
    search_fields=["code", "name", "short_name", "contact_name"],
    natural_key=["code"],
    columns=["code", "name", "short_name", "contact_name", "phone", "email", "address", "is_active"],
    select_related=["company"],
)

ALL = [customer, contact, part, contract, contract_line, shipment, supplier]
