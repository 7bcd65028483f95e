"""UI routes of the configuration."""

urlpatterns = []
