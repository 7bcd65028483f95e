from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# The scenario API registers here.

urlpatterns = [*router.urls]
