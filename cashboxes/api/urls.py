from django.urls import path
from rest_framework.routers import SimpleRouter

from cashboxes.api import views

router = SimpleRouter()
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("cashboxes", views.CashBoxViewSet, basename="cashbox")
router.register("queues", views.QueueViewSet, basename="queue")
router.register("scus", views.ScuViewSet, basename="scu")
router.register("signature-devices", views.SigningDeviceViewSet, basename="signingdevice")
router.register("helpers", views.HelperViewSet, basename="helper")
router.register("terminals", views.TerminalViewSet, basename="terminal")
router.register("queue-scu-links", views.QueueScuLinkViewSet, basename="queuesculink")

urlpatterns = [
    path("catalog/", views.CatalogView.as_view(), name="catalog"),
    path("organizations/<uuid:pk>/validate/", views.OrganizationValidateView.as_view(), name="organization-validate"),
    path(
        "organizations/<uuid:pk>/validate-operators/",
        views.OrganizationValidateOperatorsView.as_view(),
        name="organization-validate-operators",
    ),
    *router.urls,
]
