from kesu.core.resources import resource_urls

from .resources import ALL

app_name = "customers"
urlpatterns = [url for resource in ALL for url in resource_urls(resource)]
