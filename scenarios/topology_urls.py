"""Downloads of topology drawings (SVG). Every route is in tests/test_tenancy_topology.py."""

from django.urls import path

from scenarios import topology_views

urlpatterns = [
    path("plans/<uuid:pk>/topology.svg", topology_views.PlanTopologyView.as_view(), name="plan-topology"),
    path("outlets/<uuid:pk>/topology.svg", topology_views.OutletTopologyView.as_view(), name="outlet-topology"),
]
