"""UI routes of the rollout wizard."""

urlpatterns = []
