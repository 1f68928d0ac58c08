"""Pages of customer master data: eight per kind (list, create, detail, edit, delete, export, import, report).

The views are the generic ones of kesu.core.resources, driven by the declarations in resources.py.
"""

from kesu.core.resources import urls_for

from .resources import ALL

app_name = "customers"
urlpatterns = [url for resource in ALL for url in urls_for(resource)]
