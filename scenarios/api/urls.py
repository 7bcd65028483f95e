from rest_framework.routers import SimpleRouter

from scenarios.api import views

router = SimpleRouter()
router.register("scenarios/plans", views.PlanViewSet, basename="plan")
router.register("scenarios", views.ScenarioViewSet, basename="scenario")

urlpatterns = [*router.urls]
