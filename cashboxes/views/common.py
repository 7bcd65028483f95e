"""What the configuration pages share: the CashBox page's data and its refreshable sections."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django_htmx.http import reswap, retarget

from cashboxes import catalog
from cashboxes.models import CashBox, Queue, QueueScuLink, Scu, SigningDevice, Terminal
from portal.tenancy import CHANGE, VIEW

DETAIL = "cashboxes/cashbox_detail.html"
# The parts of the CashBox page an htmx request can ask for (by its HX-Target) or refresh.
SECTIONS = ("status", "access-token", "queues", "scus", "links", "devices", "helpers", "terminals")


class RuleFormMixin:
    """Create/Update views over a cashboxes.forms.RuleForm: the rules run in services.save()."""

    success_message = ""

    def get_crumbs(self):
        """(url, label) pairs above the form; the last one is where Cancel goes."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crumbs"] = self.get_crumbs()
        return context

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        if not form.save_with_rules():
            return self.form_invalid(form)
        self.object = form.instance
        if self.success_message:
            messages.success(self.request, self.success_message % {"name": self.object})
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def page_queryset(queryset):
    """CashBoxes with what their page shows of them, prefetched."""
    return queryset.select_related("outlet", "operator", "published").prefetch_related(
        Prefetch("queues", Queue.objects.prefetch_related(Prefetch("scu_links", QueueScuLink.objects.select_related("scu")))),
        Prefetch(
            "scus",
            Scu.objects.select_related("signing_device").prefetch_related(
                Prefetch("queue_links", QueueScuLink.objects.select_related("queue__cashbox"))
            ),
        ),
        "helpers",
    )


def page_context(request, cashbox):
    """Everything the CashBox page shows, in a fixed number of queries (`cashbox` from page_queryset)."""
    user = request.user
    info = catalog.country(cashbox.outlet.country)
    links = QueueScuLink.objects.filter(queue__cashbox=cashbox).select_related("queue", "scu__cashbox", "scu__signing_device")
    terminals = Terminal.objects.for_user(user, VIEW).filter(queue__cashbox=cashbox).select_related("queue")
    devices = (
        SigningDevice.objects.for_user(user, VIEW)
        .filter(outlet_id=cashbox.outlet_id)
        .select_related("host_cashbox")
        .annotate(scu_count=Count("scus"))
    )
    return {
        "cashbox": cashbox,
        "object": cashbox,
        "country": info,
        "launcher_label": catalog.LAUNCHER_LABELS[cashbox.launcher],
        # A published stop moment deactivates the queue at the next start even without the
        # out-of-operation receipt, and then the TSE client is never deregistered (brief 5).
        "queue_retire_confirm": gettext(
            "Take this queue out of operation? Send the out-of-operation receipt from the POS first: once published, "
            "the stop moment closes the queue at the next start without it, and its TSE client is never deregistered. "
            "This cannot be undone."
        ),
        "many_links": bool(info and info.scu_links == "many"),
        "queues": list(cashbox.queues.all()),
        "scus": list(cashbox.scus.all()),
        "helpers": list(cashbox.helpers.all()),
        "links": list(links),
        "terminals": list(terminals),
        "devices": list(devices),
        "device_query": f"?cashbox={cashbox.pk}",  # a device's form returns to this CashBox
        "can_change": CashBox.objects.allowed(user, cashbox, CHANGE),
    }


def load_page(request, pk):
    cashbox = get_object_or_404(page_queryset(CashBox.objects.for_user(request.user, VIEW)), pk=pk)
    return page_context(request, cashbox)


def sections_response(request, cashbox_pk, names):
    """The answer to a change made from the CashBox page.

    htmx: the first named section (swapped in place of itself), the others and the revision
    status out of band, and the messages. Without JavaScript: back to the page at that section.
    """
    first, *others = names
    if not request.htmx:
        return redirect(reverse("cashbox-detail", args=[cashbox_pk]) + f"#{first}")
    context = load_page(request, cashbox_pk)
    html = [render_to_string(f"{DETAIL}#{first}", context, request)]
    for name in [*others, "status", "messages"]:
        if name != first:
            html.append(render_to_string(f"{DETAIL}#{name}", {**context, "oob": True}, request))
    return reswap(retarget(HttpResponse("".join(html)), f"#{first}"), "outerHTML")
