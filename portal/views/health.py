"""A liveness probe: the process answers, nothing else is touched (no database, no session)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
