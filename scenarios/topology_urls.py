"""Downloads of topology drawings (SVG)."""

urlpatterns = []
