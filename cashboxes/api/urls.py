from django.urls import path
from rest_framework.routers import SimpleRouter

from cashboxes.api import views

router = SimpleRouter()
# The viewsets of the configuration register here.

urlpatterns = [
    path("catalog/", views.CatalogView.as_view(), name="catalog"),
    *router.urls,
]
