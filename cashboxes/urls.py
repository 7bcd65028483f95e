"""UI routes of the configuration. Every one is in tests/test_tenancy_cashboxes_ui.py."""

from django.urls import path

from cashboxes.views import cashboxes, jobs, outlets, parts

urlpatterns = [
    path("outlets/", outlets.OutletListView.as_view(), name="outlets"),
    path("outlets/new/", outlets.OutletCreateView.as_view(), name="outlet-create"),
    path("outlets/<uuid:pk>/edit/", outlets.OutletUpdateView.as_view(), name="outlet-edit"),
    path("outlets/<uuid:pk>/validate/", jobs.OutletValidateView.as_view(), name="outlet-validate"),
    path("outlets/<uuid:pk>/package/", jobs.OutletPackageView.as_view(), name="outlet-package"),
    path("cashboxes/<uuid:pk>/validate/", jobs.CashBoxValidateView.as_view(), name="cashbox-validate"),
    path("cashboxes/<uuid:pk>/package/", jobs.CashBoxPackageView.as_view(), name="cashbox-package"),
    path("cashboxes/", cashboxes.CashBoxListView.as_view(), name="cashboxes"),
    path("cashboxes/new/", cashboxes.CashBoxCreateView.as_view(), name="cashbox-create"),
    path("cashboxes/<uuid:pk>/", cashboxes.CashBoxDetailView.as_view(), name="cashbox-detail"),
    path("cashboxes/<uuid:pk>/edit/", cashboxes.CashBoxUpdateView.as_view(), name="cashbox-edit"),
    path("cashboxes/<uuid:pk>/rebuild/", cashboxes.CashBoxRebuildView.as_view(), name="cashbox-rebuild"),
    path("cashboxes/<uuid:pk>/configuration/", cashboxes.CashBoxConfigurationView.as_view(), name="cashbox-configuration"),
    path("cashboxes/<uuid:pk>/access-token/", cashboxes.AccessTokenRevealView.as_view(), name="cashbox-token-reveal"),
    path("cashboxes/<uuid:pk>/access-token/rotate/", cashboxes.AccessTokenRotateView.as_view(), name="cashbox-token-rotate"),
    path("cashboxes/<uuid:pk>/queues/new/", parts.QueueCreateView.as_view(), name="queue-create"),
    path("queues/<uuid:pk>/edit/", parts.QueueUpdateView.as_view(), name="queue-edit"),
    path("queues/<uuid:pk>/take-out-of-operation/", parts.QueueRetireView.as_view(), name="queue-retire"),
    path("queues/<uuid:pk>/delete/", parts.QueueDeleteView.as_view(), name="queue-delete"),
    path("cashboxes/<uuid:pk>/scus/new/", parts.ScuCreateView.as_view(), name="scu-create"),
    path("scus/<uuid:pk>/edit/", parts.ScuUpdateView.as_view(), name="scu-edit"),
    path("scus/<uuid:pk>/take-out-of-operation/", parts.ScuRetireView.as_view(), name="scu-retire"),
    path("scus/<uuid:pk>/delete/", parts.ScuDeleteView.as_view(), name="scu-delete"),
    path("cashboxes/<uuid:pk>/helpers/new/", parts.HelperCreateView.as_view(), name="helper-create"),
    path("helpers/<uuid:pk>/edit/", parts.HelperUpdateView.as_view(), name="helper-edit"),
    path("helpers/<uuid:pk>/take-out-of-operation/", parts.HelperRetireView.as_view(), name="helper-retire"),
    path("helpers/<uuid:pk>/delete/", parts.HelperDeleteView.as_view(), name="helper-delete"),
    path("cashboxes/<uuid:pk>/terminals/new/", parts.TerminalCreateView.as_view(), name="terminal-create"),
    path("terminals/<uuid:pk>/edit/", parts.TerminalUpdateView.as_view(), name="terminal-edit"),
    path("terminals/<uuid:pk>/delete/", parts.TerminalDeleteView.as_view(), name="terminal-delete"),
    path("cashboxes/<uuid:pk>/devices/new/", parts.DeviceCreateView.as_view(), name="device-create"),
    path("devices/<uuid:pk>/edit/", parts.DeviceUpdateView.as_view(), name="device-edit"),
    path("devices/<uuid:pk>/delete/", parts.DeviceDeleteView.as_view(), name="device-delete"),
    path("cashboxes/<uuid:pk>/links/new/", parts.LinkCreateView.as_view(), name="link-create"),
    path("links/<uuid:pk>/edit/", parts.LinkUpdateView.as_view(), name="link-edit"),
    path("links/<uuid:pk>/delete/", parts.LinkDeleteView.as_view(), name="link-delete"),
]
