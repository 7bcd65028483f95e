"""The parts of a CashBox: queues, SCUs, helpers, terminals, signing devices and links.

Adding and editing happen inline on the CashBox page with htmx (the form comes as a fragment,
is posted back, and once saved the page's sections are swapped), and each form is also a page
of its own that works without JavaScript.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cashboxes import catalog, services
from cashboxes.forms import HelperForm, LinkForm, QueueForm, ScuForm, ScuPackageForm, SigningDeviceForm, TerminalForm
from cashboxes.models import CashBox, Helper, Queue, QueueScuLink, Scu, SigningDevice, Terminal
from cashboxes.views.common import sections_response
from portal.tenancy import CHANGE, VIEW
from portal.views.base import TenantActionView, TenantObjectMixin


class PartFormView(TenantObjectMixin, View):
    """Add a part to the CashBox the URL names (`model = CashBox`), or edit the part it names.

    htmx: the form as a fragment; once saved, the refreshed sections of the CashBox page. Plain
    requests: a page with the form (400 with the messages when a rule says no), then a redirect.
    """

    model = None
    form_class = None
    sections = ()  # sections of the CashBox page to refresh after saving; the first holds the form
    object_action = CHANGE
    template_name = "cashboxes/part_form.html"
    add_title = edit_title = ""
    saved_message = gettext_lazy("%(name)s saved.")

    @property
    def adding(self):
        return self.model is CashBox

    def get(self, request, pk):
        self.load()
        return self.render(self.get_form())

    def post(self, request, pk):
        self.load()
        return self.submit()

    def submit(self):
        request = self.request
        form = self.get_form(request.POST)
        if form.is_valid() and form.save_with_rules():
            messages.success(request, self.saved_message % {"name": form.instance})
            return sections_response(request, self.cashbox.pk, self.sections)
        # htmx swaps only 2xx answers: the fragment with its messages comes back as 200.
        return self.render(form, status=200 if request.htmx else 400)

    def load(self):
        self.object = self.get_object()
        self.cashbox = self.object if self.adding else self.cashbox_of(self.object)

    def cashbox_of(self, part):
        return part.cashbox

    def new_part(self, cashbox):
        raise NotImplementedError

    def form_kwargs(self):
        return {"cashbox": self.cashbox}

    def get_form(self, data=None):
        instance = self.new_part(self.cashbox) if self.adding else self.object
        # Ids named after the part: several forms may be open on the CashBox page at once.
        auto_id = f"{self.sections[0]}_%s"
        return self.form_class(data, instance=instance, user=self.request.user, auto_id=auto_id, **self.form_kwargs())

    def title(self):
        if self.adding:
            return self.add_title
        return self.edit_title % {"name": self.object}

    def render(self, form, status=200, **extra):
        detail = reverse("cashbox-detail", args=[self.cashbox.pk])
        context = {
            "form": form,
            "cashbox": self.cashbox,
            "title": self.title(),
            "action": self.request.get_full_path(),
            "section": self.sections[0],
            "cancel_url": f"{detail}#{self.sections[0]}",
            "detail_url": detail,
            "adding": self.adding,
            **extra,
        }
        template = f"{self.template_name}#form" if self.request.htmx else self.template_name
        return render(self.request, template, context, status=status)


class PartActionView(TenantActionView):
    """A POST on one part (take out of operation, delete); answers like PartFormView."""

    sections = ()
    done_message = ""

    def cashbox_id(self, part):
        return part.cashbox_id

    def act(self, request, part):
        cashbox_id = self.cashbox_id(part)
        name = str(part)
        try:
            self.perform(part)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except ProtectedError:
            messages.error(request, _("%(name)s is still in use (linked or referenced); remove that first.") % {"name": name})
        else:
            messages.success(request, self.done_message % {"name": name})
        return sections_response(request, cashbox_id, self.sections)

    def perform(self, part):
        raise NotImplementedError


class RetireView(PartActionView):
    done_message = gettext_lazy("%(name)s is out of operation.")

    def perform(self, part):
        services.take_out_of_operation(part)


class DeleteView(PartActionView):
    done_message = gettext_lazy("%(name)s deleted.")

    def perform(self, part):
        services.delete(part)


# ------------------------------------------------------------------ queues

QUEUE_SECTIONS = ("queues", "links", "terminals")


class QueueCreateView(PartFormView):
    model = CashBox
    form_class = QueueForm
    sections = QUEUE_SECTIONS
    add_title = gettext_lazy("New queue")

    def new_part(self, cashbox):
        return Queue(operator_id=cashbox.operator_id, cashbox=cashbox)


class QueueUpdateView(PartFormView):
    model = Queue
    form_class = QueueForm
    sections = QUEUE_SECTIONS
    edit_title = gettext_lazy("Queue %(name)s")

    def get_queryset(self):
        return super().get_queryset().select_related("cashbox__outlet")


class QueueRetireView(RetireView):
    model = Queue
    sections = QUEUE_SECTIONS


class QueueDeleteView(DeleteView):
    model = Queue
    sections = QUEUE_SECTIONS


# ------------------------------------------------------------------ SCUs

SCU_SECTIONS = ("scus", "links", "devices")


class ScuCreateView(PartFormView):
    """Two steps: the signing option (of the outlet's country), then its parameters."""

    model = CashBox
    form_class = ScuForm
    sections = SCU_SECTIONS
    add_title = gettext_lazy("New SCU")

    def new_part(self, cashbox):
        return Scu(operator_id=cashbox.operator_id, cashbox=cashbox)

    def choose(self, data, bind):
        """The package form of step one; sets self.option when it names a signing option."""
        country = catalog.country(self.cashbox.outlet.country)
        chooser = ScuPackageForm(data if bind else None, country=country, platform=self.cashbox.platform, auto_id="scus_%s")
        self.option = country.option_for_package(chooser.cleaned_data["package"]) if chooser.is_valid() else None
        return chooser

    def form_kwargs(self):
        return {"cashbox": self.cashbox, "option": self.option}

    def get(self, request, pk):
        self.load()
        chooser = self.choose(request.GET, bind="package" in request.GET)
        if self.option is None:
            return self.render(None, chooser=chooser)
        return self.render(self.get_form())

    def post(self, request, pk):
        self.load()
        chooser = self.choose(request.POST, bind=True)
        if self.option is None:
            return self.render(None, chooser=chooser, status=200 if request.htmx else 400)
        return self.submit()

    def render(self, form, status=200, **extra):
        return super().render(form, status=status, option=self.option, **extra)


class ScuUpdateView(PartFormView):
    model = Scu
    form_class = ScuForm
    sections = SCU_SECTIONS
    edit_title = gettext_lazy("SCU %(name)s")

    def get_queryset(self):
        return super().get_queryset().select_related("cashbox__outlet", "signing_device")

    def load(self):
        super().load()
        self.option = self.object.signing_option
        if self.option is None:
            raise Http404

    def form_kwargs(self):
        return {"cashbox": self.cashbox, "option": self.option}

    def render(self, form, status=200, **extra):
        return super().render(form, status=status, option=self.option, **extra)


class ScuRetireView(RetireView):
    model = Scu
    sections = SCU_SECTIONS


class ScuDeleteView(DeleteView):
    model = Scu
    sections = SCU_SECTIONS


# ------------------------------------------------------------------ helpers

HELPER_SECTIONS = ("helpers",)


class HelperCreateView(PartFormView):
    model = CashBox
    form_class = HelperForm
    sections = HELPER_SECTIONS
    add_title = gettext_lazy("New helper")

    def new_part(self, cashbox):
        return Helper(operator_id=cashbox.operator_id, cashbox=cashbox)


class HelperUpdateView(PartFormView):
    model = Helper
    form_class = HelperForm
    sections = HELPER_SECTIONS
    edit_title = gettext_lazy("Helper %(name)s")

    def get_queryset(self):
        return super().get_queryset().select_related("cashbox__outlet")


class HelperRetireView(RetireView):
    model = Helper
    sections = HELPER_SECTIONS


class HelperDeleteView(DeleteView):
    model = Helper
    sections = HELPER_SECTIONS


# ------------------------------------------------------------------ terminals

TERMINAL_SECTIONS = ("terminals",)


class TerminalCreateView(PartFormView):
    model = CashBox
    form_class = TerminalForm
    sections = TERMINAL_SECTIONS
    add_title = gettext_lazy("New terminal")

    def new_part(self, cashbox):
        return Terminal(operator_id=cashbox.operator_id)


class TerminalUpdateView(PartFormView):
    model = Terminal
    form_class = TerminalForm
    sections = TERMINAL_SECTIONS
    edit_title = gettext_lazy("Terminal %(name)s")

    def get_queryset(self):
        return super().get_queryset().select_related("queue__cashbox__outlet")

    def cashbox_of(self, terminal):
        return terminal.queue.cashbox


class TerminalDeleteView(DeleteView):
    model = Terminal
    sections = TERMINAL_SECTIONS

    def cashbox_id(self, terminal):
        return terminal.queue.cashbox_id


# ------------------------------------------------------------------ signing devices

DEVICE_SECTIONS = ("devices", "scus")


def device_cashbox(request, device):
    """The CashBox page a device's form returns to: `?cashbox=` when it is in the device's outlet,
    else the machine it is plugged into, else the outlet's first CashBox."""
    cashboxes = CashBox.objects.for_user(request.user, VIEW).filter(outlet_id=device.outlet_id).select_related("outlet")
    try:
        wanted = uuid.UUID(request.GET.get("cashbox", ""))
    except ValueError:
        wanted = None
    found = (wanted and cashboxes.filter(pk=wanted).first()) or (
        device.host_cashbox_id and cashboxes.filter(pk=device.host_cashbox_id).first()
    )
    found = found or cashboxes.first()
    if found is None:
        raise Http404
    return found


class DeviceCreateView(PartFormView):
    model = CashBox
    form_class = SigningDeviceForm
    sections = DEVICE_SECTIONS
    add_title = gettext_lazy("New signing device")

    def new_part(self, cashbox):
        return SigningDevice(operator_id=cashbox.operator_id, outlet=cashbox.outlet)

    def form_kwargs(self):
        return {"outlet": self.cashbox.outlet}


class DeviceUpdateView(PartFormView):
    model = SigningDevice
    form_class = SigningDeviceForm
    sections = DEVICE_SECTIONS
    edit_title = gettext_lazy("Signing device %(name)s")

    def get_queryset(self):
        return super().get_queryset().select_related("outlet")

    def cashbox_of(self, device):
        return device_cashbox(self.request, device)

    def form_kwargs(self):
        return {"outlet": self.object.outlet}


class DeviceDeleteView(DeleteView):
    model = SigningDevice
    sections = DEVICE_SECTIONS

    def cashbox_id(self, device):
        return device_cashbox(self.request, device).pk


# ------------------------------------------------------------------ links

LINK_SECTIONS = ("links", "queues", "scus")


class LinkCreateView(PartFormView):
    model = CashBox
    form_class = LinkForm
    sections = LINK_SECTIONS
    add_title = gettext_lazy("Link a queue to an SCU")
    saved_message = gettext_lazy("Linked %(name)s.")

    def new_part(self, cashbox):
        return QueueScuLink(operator_id=cashbox.operator_id)

    def get_form(self, data=None):
        form = super().get_form(data)
        if data is None and self.request.GET.get("queue"):
            form.initial["queue"] = self.request.GET["queue"]
        return form


class LinkUpdateView(PartFormView):
    model = QueueScuLink
    form_class = LinkForm
    sections = LINK_SECTIONS
    edit_title = gettext_lazy("Link %(name)s")

    def get_queryset(self):
        return super().get_queryset().select_related("queue__cashbox__outlet", "scu")

    def cashbox_of(self, link):
        return link.queue.cashbox


class LinkDeleteView(DeleteView):
    model = QueueScuLink
    sections = LINK_SECTIONS
    done_message = gettext_lazy("Link %(name)s removed.")

    def get_queryset(self):
        return super().get_queryset().select_related("queue", "scu")

    def cashbox_id(self, link):
        return link.queue.cashbox_id
