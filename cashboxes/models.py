"""The fiscal configuration of an operator: outlets, CashBoxes and their components.

Every row belongs to one PosOperator (`operator`), which is what the tenancy gate looks at: the
operator's own people and its dealers (within the granted right) reach it. The write rules live
in `clean()` (so forms, serializers and services all apply them) and in cashboxes.rules.
"""

import base64
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cashboxes import catalog, keys, rules, versions
from cashboxes.choices import ComponentState, DeviceKind, LinkMode, MachineRole, Platform
from portal import crypto
from portal.choices import LinkStatus
from portal.models import DealerAssignment, OperatorLink, Organization, PosSystem
from portal.models.organizations import validate_country
from portal.tenancy import TenantModel


class OperatorOwned(TenantModel):
    """Base of every configuration model: owned by one operator, reached through the gate."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operator = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("PosOperator"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields that may not change once saved (checked by cashboxes.rules.check_fixed_fields).
    fixed_fields = ()

    class Meta:
        abstract = True

    @property
    def audit_organization_id(self):
        return self.operator_id

    @classmethod
    def tenant_q(cls, scope, action):
        return Q(operator_id__in=scope.data_ids(action))


class Outlet(OperatorOwned):
    number = models.PositiveIntegerField(_("outlet number"))
    name = models.CharField(_("name"), max_length=200)
    address_line1 = models.CharField(_("street"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    vat_id = models.CharField(_("VAT id"), max_length=30, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, help_text=_("France: 14 digits"))

    fixed_fields = ("number", "operator_id")

    class Meta:
        ordering = ["operator", "number"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        constraints = [models.UniqueConstraint(fields=["operator", "number"], name="outlet_number_unique_per_operator")]

    def __str__(self):
        return f"{self.number} {self.name}"

    def clean(self):
        rules.check_fixed_fields(self)
        rules.check_outlet_number(self)
        if (
            self.operator_id
            and Outlet.objects.filter(operator_id=self.operator_id, number=self.number).exclude(pk=self.pk).exists()
        ):
            # Checked here so the message is on the number (the constraint would put it on the form).
            raise ValidationError({"number": _("This PosOperator already has an outlet with this number.")})
        if not self._state.adding and self.cashboxes.exists():
            saved = Outlet._base_manager.filter(pk=self.pk).values_list("country", flat=True).first()
            if saved and saved != self.country:
                # Its queues took their country (and their SCUs their package) from it.
                raise ValidationError({"country": _("This outlet has CashBoxes, so its country cannot change.")})
        if self.country and not catalog.country(self.country):
            raise ValidationError({"country": _("The portal configures %(codes)s.") % {"codes": ", ".join(catalog.COUNTRIES)}})
        if self.siret and not (self.siret.isdigit() and len(self.siret) == 14):
            raise ValidationError({"siret": _("A SIRET has exactly 14 digits.")})
        if self.country == "FR" and not self.siret:
            raise ValidationError({"siret": _("An outlet in France needs its SIRET.")})


class CashBox(OperatorOwned):
    """The configuration of one middleware instance on one machine."""

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="cashboxes", verbose_name=_("outlet"))
    description = models.CharField(_("description"), max_length=200)
    machine_role = models.CharField(_("machine"), max_length=20, choices=MachineRole.choices, default=MachineRole.POS)
    hostname = models.CharField(
        _("host name or IP"), max_length=253, default="localhost", help_text=_("How other machines of the outlet reach this one")
    )
    platform = models.CharField(_("operating system"), max_length=10, choices=Platform.choices, default=Platform.WINDOWS)
    # The P-256 private key whose public point is the access token (cashboxes.keys), encrypted.
    private_key_encrypted = models.TextField(editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    published = models.ForeignKey(
        "CashBoxPublication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_fetch_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_fetch_address = models.GenericIPAddressField(_("fetched from"), null=True, blank=True, editable=False)

    fixed_fields = ("outlet_id", "operator_id")
    audit_secret_fields = ("private_key_encrypted",)
    # Written only with update() (signals, rebuild, the launcher): save() of an instance loaded
    # before such an update must not put back the stale values it was loaded with.
    managed_fields = ("revision", "published", "last_fetch_at", "last_fetch_address")

    class Meta:
        ordering = ["outlet__number", "description"]
        verbose_name = _("CashBox")
        verbose_name_plural = _("CashBoxes")

    def __str__(self):
        return self.description

    def clean(self):
        rules.check_fixed_fields(self)
        if self.outlet_id and self.operator_id and self.outlet.operator_id != self.operator_id:
            raise ValidationError({"outlet": _("This belongs to another PosOperator.")})
        if self.outlet_id and self.platform == Platform.ANDROID and self.outlet.country not in catalog.ANDROID_COUNTRIES:
            raise ValidationError(
                {"platform": _("The Android launcher serves Germany and Italy only; choose Windows, Linux or macOS.")}
            )
        if not rules.HOSTNAME.fullmatch(self.hostname or ""):
            raise ValidationError({"hostname": _("Enter a host name or an IP address, without scheme or port.")})

    def save(self, *args, **kwargs):
        if not self.private_key_encrypted:
            self.private_key_encrypted = keys.new_private_key()
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.managed_fields
            ]
        super().save(*args, **kwargs)

    @property
    def access_token(self):
        return keys.access_token(self.private_key_encrypted)

    @property
    def launcher(self):
        """What runs this machine's packages (catalog.launcher_for): Launcher 2.0, 1.x or Android."""
        return catalog.launcher_for(self.outlet.country, self.platform)

    @property
    def launcher_note(self):
        return catalog.launcher_note(self.launcher)

    @property
    def published_revision(self):
        return self.published.revision if self.published_id and self.published else 0

    @property
    def needs_rebuild(self):
        return self.published_id is None or self.published.revision < self.revision


class CashBoxPublication(models.Model):
    """A published (rebuilt) configuration: immutable. Launchers get the newest one."""

    id = models.BigAutoField(primary_key=True)
    cashbox = models.ForeignKey(CashBox, on_delete=models.CASCADE, related_name="publications")
    revision = models.PositiveIntegerField()
    timestamp_ticks = models.BigIntegerField()
    configuration_encrypted = models.TextField()  # the whole JSON, secrets included, encrypted
    configuration_masked = models.JSONField()  # the same with secrets masked, for people
    diff = models.JSONField(default=list)  # changes against the previous publication (masked)
    etag = models.CharField(max_length=64)
    published_by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-revision"]
        constraints = [models.UniqueConstraint(fields=["cashbox", "revision"], name="one_publication_per_revision")]

    def __str__(self):
        return f"{self.cashbox_id} r{self.revision}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A publication is immutable.")
        super().save(*args, **kwargs)

    @property
    def configuration(self):
        import json

        return json.loads(crypto.decrypt(self.configuration_encrypted))


class Component(OperatorOwned):
    """A queue, SCU or helper: runs in a CashBox, has a package, URLs and a state."""

    cashbox = models.ForeignKey(CashBox, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("CashBox"))
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", editable=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    package = models.CharField(_("package"), max_length=200)
    version = models.CharField(
        _("version"), max_length=50, blank=True, help_text=_("One released version; empty: the newest the portal knows")
    )
    urls = models.JSONField(_("URLs"), default=list, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    secrets_encrypted = models.TextField(blank=True, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=ComponentState.choices, default=ComponentState.CREATED)
    start_moment = models.DateTimeField(_("in operation since"), null=True, blank=True)
    stop_moment = models.DateTimeField(_("out of operation since"), null=True, blank=True)

    audit_secret_fields = ("secrets_encrypted",)

    class Meta:
        abstract = True

    @property
    def secrets(self):
        return crypto.decrypt_json(self.secrets_encrypted)

    def set_secrets(self, values):
        self.secrets_encrypted = crypto.encrypt_json({k: v for k, v in values.items() if v not in (None, "")})

    @property
    def ever_used(self):
        return self.start_moment is not None or self.state != ComponentState.CREATED

    def take_out_of_operation(self):
        self.state = ComponentState.OUT_OF_OPERATION
        self.stop_moment = self.stop_moment or timezone.now()

    def clean_fields(self, exclude=None):
        # Derived before the field checks: a component runs in its CashBox's outlet.
        if self.cashbox_id:
            self.outlet_id = self.cashbox.outlet_id
        super().clean_fields(exclude)

    def siblings(self):
        """The other components on the same machine (CashBox)."""
        cashbox = self.cashbox
        return [*cashbox.queues.all(), *cashbox.scus.all(), *cashbox.helpers.all()]

    def clean(self):
        rules.check_fixed_fields(self)
        if not self.cashbox_id:
            return
        rules.check_same_operator(self, cashbox=self.cashbox)
        self.outlet_id = self.cashbox.outlet_id  # a component runs in its CashBox's outlet
        rules.check_urls(self, self.cashbox)
        rules.check_ports(self, self.siblings())
        if not self._state.adding:
            old = type(self)._base_manager.filter(pk=self.pk).values_list("state", flat=True).first()
            rules.check_state_change(self, old)
        if self.state == ComponentState.IN_OPERATION and self.start_moment is None:
            self.start_moment = timezone.now()

    def check_version(self):
        """A concrete released version (cashboxes.versions); empty takes the newest known."""
        if not self.version:
            self.version = versions.newest(self.package)
        message = versions.problem(self.package, self.version)
        if message:
            raise ValidationError({"version": message})

    def delete(self, *args, **kwargs):
        rules.check_deletable(self)
        return super().delete(*args, **kwargs)


def pos_systems_of(operator_ids):
    """The PosSystems operators may name on their queues: those their active dealers sell, and
    their own when an operator makes its POS software itself."""
    dealers = OperatorLink.objects.filter(operator_id__in=operator_ids, status=LinkStatus.ACTIVE).values("dealer_id")
    sold = DealerAssignment.objects.filter(dealer_id__in=dealers, status=LinkStatus.ACTIVE).values("pos_system_id")
    return PosSystem.objects.filter(Q(id__in=sold) | Q(creator_id__in=operator_ids))


def default_pos_system(operator_id):
    """The PosSystem a new queue of the operator names: the only one it may name, else none."""
    systems = list(pos_systems_of([operator_id])[:2])
    return systems[0] if len(systems) == 1 else None


class Queue(Component):
    """The cash register in the legal sense."""

    country = models.CharField(_("country"), max_length=2, editable=False)
    # The register's POS software: init_masterData.PosSystems (DSFinV-K, the tax-office notification).
    pos_system = models.ForeignKey(
        PosSystem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("PosSystem"),
        help_text=_("The POS software of this register (its brand, model and version go into the master data)"),
    )
    cashbox_identification = models.CharField(_("CashBoxIdentification"), max_length=64)
    timeout_ms = models.PositiveIntegerField(_("timeout (ms)"), default=15000)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    commissioning_date = models.DateField(_("commissioning date"), null=True, blank=True)

    fixed_fields = ("cashbox_identification", "outlet_id", "operator_id", "country")

    class Meta:
        ordering = ["cashbox_identification"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "cashbox_identification"], name="cashbox_identification_unique_per_operator"
            )
        ]

    def __str__(self):
        return self.cashbox_identification

    @property
    def country_info(self):
        return catalog.country(self.country)

    def clean_fields(self, exclude=None):
        if self.cashbox_id and self._state.adding:
            self.country = self.cashbox.outlet.country  # fixed from the outlet
        super().clean_fields(exclude)

    def clean(self):
        super().clean()
        if not self.cashbox_id:
            return
        info = catalog.country(self.country)
        if info is None:
            raise ValidationError({"cashbox": _("The portal does not configure this outlet's country.")})
        package = info.queue_package(self.package)
        if package is None:
            raise ValidationError(
                {"package": _("Choose one of: %(packages)s.") % {"packages": ", ".join(q.package for q in info.queue_packages)}}
            )
        rules.check_platform(self, package.platforms)
        self.check_version()
        rules.check_identification(self)
        if self.country == "AT" and "EncryptionKeyBase64" not in self.secrets:
            # The AES key of the turnover counter: made once, then registered at FinanzOnline.
            self.set_secrets(dict(self.secrets, EncryptionKeyBase64=base64.b64encode(secrets.token_bytes(32)).decode()))
        clash = Queue.objects.filter(operator_id=self.operator_id, cashbox_identification=self.cashbox_identification)
        if clash.exclude(pk=self.pk).exists():
            raise ValidationError(
                {"cashbox_identification": _("Another queue of this PosOperator has this CashBoxIdentification.")}
            )
        rules.check_parameters(package.parameters + info.queue_parameters, self.parameters or {}, self.secrets)
        self.check_pos_system()
        if not self.urls:
            raise ValidationError({"urls": _("A queue needs at least one URL the POS system calls.")})

    @property
    def has_run(self):
        """Has a launcher started this queue? Its records are in the middleware's database from
        the first start on, and a later configuration changes only their stop moment, country and
        CashBox (middleware queue/src/fiskaltrust.Middleware.Storage.Base/BaseStorageBootStrapper.cs)."""
        if self.ever_used:
            return True
        fetched = self.cashbox.last_fetch_at if self.cashbox_id else None
        return bool(fetched and self.created_at and fetched > self.created_at)

    def check_pos_system(self):
        if self.pos_system_id is None:
            if self._state.adding:
                self.pos_system = default_pos_system(self.operator_id)
            return
        saved = (
            None if self._state.adding else Queue._base_manager.filter(pk=self.pk).values_list("pos_system_id", flat=True).first()
        )
        if saved != self.pos_system_id and not pos_systems_of([self.operator_id]).filter(pk=self.pos_system_id).exists():
            raise ValidationError({"pos_system": _("Choose a PosSystem that this PosOperator's dealers sell.")})


class Scu(Component):
    """A signature creation unit, driving a signing device."""

    signing_device = models.ForeignKey(
        "SigningDevice", null=True, blank=True, on_delete=models.PROTECT, related_name="scus", verbose_name=_("signing device")
    )
    # France: the key pair the queue signs with and the portal's own certificate for it (made once).
    private_key_encrypted = models.TextField(blank=True, editable=False)
    certificate = models.TextField(_("certificate"), blank=True, editable=False)

    fixed_fields = ("outlet_id", "operator_id", "package")
    audit_secret_fields = ("secrets_encrypted", "private_key_encrypted")

    @property
    def certificate_serial(self):
        return keys.certificate_serial(self.certificate) if self.certificate else ""

    class Meta:
        ordering = ["description", "created_at"]
        verbose_name = _("SCU")
        verbose_name_plural = _("SCUs")

    def __str__(self):
        return self.description or self.package.rsplit(".", 1)[-1]

    @property
    def signing_option(self):
        return catalog.signing_option_for_package(self.package)[1]

    def clean(self):
        super().clean()
        if not self.cashbox_id:
            return
        info = catalog.country(self.cashbox.outlet.country)
        option = info.option_for_package(self.package) if info else None
        if option is None:
            choices = ", ".join(o.package for o in info.signing_options) if info else "-"
            raise ValidationError({"package": _("Choose an SCU package of this country: %(packages)s.") % {"packages": choices}})
        if option.placement == catalog.COMPONENT:
            rules.check_platform(self, option.platforms)
            self.check_version()
        else:
            self.version = ""  # not a package of the machine: it has no version of its own
        if option.placement == catalog.COMPONENT and not self.urls:
            raise ValidationError({"urls": _("This SCU runs on the machine: give the URL its queues use.")})
        if option.placement != catalog.COMPONENT and self.urls:
            raise ValidationError({"urls": _("This SCU does not run on the machine, so it has no URL.")})
        rules.check_parameters(option.parameters, self.parameters or {}, self.secrets)
        rules.check_required_one_of(option, self.parameters)
        if option.own_certificate and not self.private_key_encrypted:
            self.private_key_encrypted, self.certificate = keys.new_signing_certificate(
                (self.parameters or {}).get("CompanyName", ""), self.cashbox.outlet.siret
            )
        if option.parameter("Siret") and (self.parameters or {}).get("Siret") != self.cashbox.outlet.siret:
            raise ValidationError(
                {"parameters.Siret": _("Siret must be the outlet's SIRET (%(siret)s).") % {"siret": self.cashbox.outlet.siret}}
            )
        device = self.signing_device
        if device is not None:
            rules.check_same_operator(self, signing_device=device)
            if device.kind != catalog.CLOUD and device.outlet_id != self.cashbox.outlet_id:
                raise ValidationError({"signing_device": _("Only the cloud part of a cloud TSE may be outside the outlet.")})
            if device.vendor != option.id:
                raise ValidationError({"signing_device": _("This device is not a %(label)s.") % {"label": option.label}})


class Helper(Component):
    fixed_fields = ("outlet_id", "operator_id", "package")

    class Meta:
        ordering = ["description", "created_at"]
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")

    def __str__(self):
        return self.description or self.package.rsplit(".", 1)[-1]

    def clean(self):
        super().clean()
        if self.package not in catalog.all_helper_packages():
            raise ValidationError(
                {"package": _("Choose one of: %(packages)s.") % {"packages": ", ".join(catalog.all_helper_packages())}}
            )
        if self.cashbox_id:
            rules.check_helper_launcher(self, self.cashbox)
        self.check_version()


class SigningDevice(OperatorOwned):
    """A TSE, smart card, HSM, RT printer or certificate: what signs."""

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="signing_devices", verbose_name=_("outlet"))
    kind = models.CharField(_("kind"), max_length=10, choices=DeviceKind.choices, blank=True)
    vendor = models.CharField(_("signing option"), max_length=50, help_text=_("The catalog's signing option"))
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    cloud_account = models.CharField(_("cloud account"), max_length=200, blank=True, help_text=_("e.g. the TSS id"))
    max_clients = models.PositiveIntegerField(_("client limit"), null=True, blank=True)
    bundle = models.BooleanField(
        _("bought in a bundle"),
        default=False,
        help_text=_("Swissbit cloud TSEs: one queue each when bought alone, up to 25 in a bundle"),
    )
    host_cashbox = models.ForeignKey(
        CashBox, null=True, blank=True, on_delete=models.SET_NULL, related_name="signing_devices", verbose_name=_("plugged into")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    fixed_fields = ("operator_id",)

    class Meta:
        ordering = ["description", "created_at"]
        verbose_name = _("signing device")
        verbose_name_plural = _("signing devices")

    def __str__(self):
        return self.description or f"{self.vendor} {self.serial or self.cloud_account}".strip()

    @property
    def signing_option(self):
        info = catalog.country(self.outlet.country) if self.outlet_id else None
        return info.signing_option(self.vendor) if info else None

    def clean_fields(self, exclude=None):
        option = self.signing_option
        if option:
            self.kind = option.kind  # the kind follows from the signing option
        super().clean_fields(exclude)

    def clean(self):
        rules.check_fixed_fields(self)
        if not self.outlet_id:
            return
        rules.check_same_operator(self, outlet=self.outlet, host_cashbox=self.host_cashbox)
        option = self.signing_option
        if option is None:
            info = catalog.country(self.outlet.country)
            choices = ", ".join(o.id for o in info.signing_options) if info else "-"
            raise ValidationError({"vendor": _("Choose a signing option of this country: %(ids)s.") % {"ids": choices}})
        if self.bundle and not option.bundle_max_clients:
            raise ValidationError({"bundle": _("Only Swissbit cloud TSEs are sold in bundles.")})
        if option.bundle_max_clients:
            # Follows from how it was bought (fiskaltrust's Swissbit cloud product description).
            self.max_clients = option.bundle_max_clients if self.bundle else option.max_clients
        elif self.max_clients is None and option.limit_known:
            self.max_clients = option.max_clients
        if self.host_cashbox_id and self.host_cashbox.outlet_id != self.outlet_id:
            raise ValidationError({"host_cashbox": _("The machine is in another outlet.")})


class QueueScuLink(OperatorOwned):
    """A queue uses an SCU. DE: exactly one. AT: several, with a mode."""

    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="scu_links", verbose_name=_("queue"))
    scu = models.ForeignKey(Scu, on_delete=models.PROTECT, related_name="queue_links", verbose_name=_("SCU"))
    mode = models.CharField(_("mode"), max_length=12, choices=LinkMode.choices, default=LinkMode.NORMAL)
    timeout_s = models.PositiveSmallIntegerField(_("timeout (s)"), null=True, blank=True)

    fixed_fields = ("operator_id",)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("queue-SCU link")
        verbose_name_plural = _("queue-SCU links")
        constraints = [models.UniqueConstraint(fields=["queue", "scu"], name="one_link_per_queue_and_scu")]

    def __str__(self):
        return f"{self.queue} → {self.scu}"

    def clean(self):
        rules.check_fixed_fields(self)
        if not (self.queue_id and self.scu_id):
            return
        queue, scu = self.queue, self.scu
        rules.check_same_operator(self, queue=queue, scu=scu)
        if queue.outlet_id != scu.outlet_id:
            raise ValidationError({"scu": _("The SCU is in another outlet; a queue uses an SCU of its own outlet.")})
        info = catalog.country(queue.country)
        if info.option_for_package(scu.package) is None:
            raise ValidationError({"scu": _("This SCU is not for %(country)s.") % {"country": info.name}})
        if self.timeout_s is not None and self.timeout_s > rules.MAX_LINK_TIMEOUT_S:
            # ftSignaturCreationUnitAT.Mode carries the timeout in bits 8-15.
            raise ValidationError({"timeout_s": _("At most %(n)d seconds.") % {"n": rules.MAX_LINK_TIMEOUT_S}})
        others = QueueScuLink.objects.filter(queue=queue).exclude(pk=self.pk)
        if info.scu_links == "one":
            if others.exists():
                raise ValidationError({"scu": _("In %(country)s a queue has exactly one SCU.") % {"country": info.name}})
            if self.mode != LinkMode.NORMAL:
                raise ValidationError({"mode": _("Backup and deactivated links exist only in Austria.")})
        device = scu.signing_device
        if device is not None and device.max_clients is not None:
            users = QueueScuLink.objects.filter(scu__signing_device=device).exclude(pk=self.pk).values("queue").distinct().count()
            if users + 1 > device.max_clients:
                raise ValidationError(
                    {
                        "scu": ngettext(
                            "%(device)s takes at most %(n)d queue as client.",
                            "%(device)s takes at most %(n)d queues as clients.",
                            device.max_clients,
                        )
                        % {"device": device, "n": device.max_clients}
                    }
                )


class Terminal(OperatorOwned):
    """An input device without its own cash-register function, posting to a queue."""

    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="terminals", verbose_name=_("queue"))
    name = models.CharField(_("name"), max_length=100)
    terminal_id = models.CharField(_("cbTerminalID"), max_length=50)

    fixed_fields = ("operator_id",)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["queue", "terminal_id"], name="terminal_id_unique_per_queue")]
        verbose_name = _("terminal")
        verbose_name_plural = _("terminals")

    def __str__(self):
        return f"{self.name} ({self.terminal_id})"

    def clean(self):
        rules.check_fixed_fields(self)
        if self.queue_id:
            rules.check_same_operator(self, queue=self.queue)
        if self.terminal_id and not self.terminal_id.isprintable():
            raise ValidationError({"terminal_id": _("Use printable characters only.")})
