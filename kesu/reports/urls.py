"""Analysis and management review pages (issue 7). Each views module lists its own patterns."""

from .views import analyses, dashboard, department

app_name = "reports"
urlpatterns = [*analyses.urlpatterns, *dashboard.urlpatterns, *department.urlpatterns]
