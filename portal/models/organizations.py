"""Companies, people and the links between companies."""

import uuid

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import DealerRight, LinkStatus, MemberRight, Role
from portal.countries import COUNTRIES
from portal.tenancy import CHANGE, MANAGE, TenantModel


def validate_country(value):
    if value not in COUNTRIES:
        raise ValidationError(_("%(value)s is not an ISO 3166 alpha-2 country code."), params={"value": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email):
        # E-mail addresses are stored in lower case; people type them in any case.
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person. Logs in with the e-mail address."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    def __str__(self):
        return self.email


class Organization(TenantModel):
    """A company, with one or more roles."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    address_line1 = models.CharField(_("address line 1"), max_length=200)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    vat_id = models.CharField(_("VAT id"), max_length=30, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=30, blank=True)
    web = models.CharField(_("web site"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_pos_creator = models.BooleanField(_("PosCreator"), default=False)
    is_pos_dealer = models.BooleanField(_("PosDealer"), default=False)
    is_pos_operator = models.BooleanField(_("PosOperator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    @property
    def roles(self):
        flags = [
            (self.is_pos_creator, Role.POS_CREATOR),
            (self.is_pos_dealer, Role.POS_DEALER),
            (self.is_pos_operator, Role.POS_OPERATOR),
        ]
        return [str(role.value) for flag, role in flags if flag]

    @property
    def audit_organization_id(self):
        return self.id

    @classmethod
    def tenant_q(cls, scope, action):
        """Its own organization; a dealer's operators within their grant (master data); to view
        only: an operator's dealers, a creator's assigned dealers, a dealer's creators."""
        if action == MANAGE:
            return Q(id__in=scope.own_ids(MANAGE))
        q = Q(id__in=scope.own_ids(action)) | Q(id__in=scope.operator_ids(action))
        if action == CHANGE or scope.organization_id is None:
            return q
        org = scope.organization_id
        # Subqueries rather than joins, so that each organization comes once.
        dealers_of_operator = OperatorLink.objects.filter(
            operator_id=org, status__in=[LinkStatus.ACTIVE, LinkStatus.REQUESTED]
        ).values("dealer_id")
        operators_asking = OperatorLink.objects.filter(dealer_id=org, status=LinkStatus.REQUESTED).values("operator_id")
        dealers_of_creator = DealerAssignment.objects.filter(pos_system__creator_id=org).values("dealer_id")
        creators_of_dealer = PosSystem.objects.filter(assignments__dealer_id=org, assignments__status=LinkStatus.ACTIVE).values(
            "creator_id"
        )
        return (
            q
            | Q(id__in=dealers_of_operator)
            | Q(id__in=operators_asking)
            | Q(id__in=dealers_of_creator)
            | Q(id__in=creators_of_dealer)
        )


class Membership(TenantModel):
    """A user's place in an organization, with a right."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    right = models.CharField(_("right"), max_length=10, choices=MemberRight.choices, default=MemberRight.READ)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.right})"

    @property
    def audit_organization_id(self):
        return self.organization_id

    @classmethod
    def tenant_q(cls, scope, action):
        # Members are seen by everyone in the organization and managed by its admins only.
        needed = MANAGE if action != "view" else action
        return Q(organization_id__in=scope.own_ids(needed))


class PosSystem(TenantModel):
    """A POS software product of a PosCreator."""

    id = models.UUIDField(_("PosSystemId"), primary_key=True, default=uuid.uuid4, editable=False)
    creator = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="pos_systems")
    name = models.CharField(_("name"), max_length=200)
    brand = models.CharField(_("brand"), max_length=200)
    type = models.CharField(_("type"), max_length=100)
    software_version = models.CharField(_("software major version"), max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("PosSystem")

    def __str__(self):
        return f"{self.brand} {self.name}"

    @property
    def audit_organization_id(self):
        return self.creator_id

    @classmethod
    def tenant_q(cls, scope, action):
        q = Q(creator_id__in=scope.own_ids(action))
        if action == "view":
            # A dealer sees the PosSystems it sells.
            sold = DealerAssignment.objects.filter(dealer_id=scope.organization_id, status=LinkStatus.ACTIVE)
            q |= Q(id__in=sold.values("pos_system_id"))
        return q


class DealerAssignment(TenantModel):
    """A PosDealer registered for a PosSystem (requested by the dealer, or made by the creator)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pos_system = models.ForeignKey(PosSystem, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("PosSystem"))
    dealer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="dealer_assignments", verbose_name=_("PosDealer")
    )
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["pos_system", "dealer"], name="one_assignment_per_dealer")]

    def __str__(self):
        return f"{self.dealer} sells {self.pos_system}"

    @property
    def audit_organization_id(self):
        return self.pos_system.creator_id

    @classmethod
    def tenant_q(cls, scope, action):
        # The creator manages its assignments; the dealer sees its own (and may withdraw a request).
        return Q(pos_system__creator_id__in=scope.own_ids(action)) | Q(dealer_id__in=scope.own_ids(action))


class OperatorLink(TenantModel):
    """A PosDealer acting for a PosOperator, with the right the operator grants."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dealer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="operator_links", verbose_name=_("PosDealer"))
    operator = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="dealer_links", verbose_name=_("PosOperator")
    )
    right = models.CharField(_("right"), max_length=10, choices=DealerRight.choices, default=DealerRight.FULL)
    status = models.CharField(_("status"), max_length=10, choices=LinkStatus.choices, default=LinkStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["dealer", "operator"], name="one_link_per_pair")]

    def __str__(self):
        return f"{self.dealer} for {self.operator} ({self.right}, {self.status})"

    @property
    def audit_organization_id(self):
        return self.operator_id

    @classmethod
    def tenant_q(cls, scope, action):
        # The operator owns the grant (changes or revokes it); the dealer sees its links.
        q = Q(operator_id__in=scope.own_ids(action))
        if action == "view":
            q |= Q(dealer_id__in=scope.own_ids(action))
        return q
