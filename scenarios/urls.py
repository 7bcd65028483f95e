"""UI routes of the rollout wizard. Every one is in tests/test_tenancy_scenarios_ui.py."""

from django.urls import path

from scenarios import views

urlpatterns = [
    path("wizard/", views.WizardDraftListView.as_view(), name="wizard"),
    path("wizard/new/", views.WizardStartView.as_view(), name="wizard-start"),
    path("wizard/<uuid:pk>/outlet/", views.OutletStepView.as_view(), name="wizard-outlet"),
    path("wizard/<uuid:pk>/machines/", views.MachinesStepView.as_view(), name="wizard-machines"),
    path("wizard/<uuid:pk>/signing/", views.SigningStepView.as_view(), name="wizard-signing"),
    path("wizard/<uuid:pk>/scenarios/", views.ScenariosStepView.as_view(), name="wizard-scenarios"),
    path("wizard/<uuid:pk>/plan/", views.PlanStepView.as_view(), name="wizard-plan"),
    path("wizard/<uuid:pk>/apply/", views.ApplyStepView.as_view(), name="wizard-apply"),
    path("wizard/<uuid:pk>/delete/", views.WizardDraftDeleteView.as_view(), name="wizard-delete"),
]
