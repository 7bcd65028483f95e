from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from portal.countries import country_choices
from portal.models import ApiToken, Invitation, Membership, Organization, PosSystem
from portal.tenancy import VIEW


class CountryField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=lambda: [("", "---------")] + country_choices(_current_language()), **kwargs)


def _current_language():
    from django.utils import translation

    return translation.get_language() or "en"


class OrganizationForm(forms.ModelForm):
    country = CountryField(label=_("country"))

    class Meta:
        model = Organization
        fields = [
            "name",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "vat_id",
            "tax_number",
            "web",
            "phone",
        ]


class PosSystemForm(forms.ModelForm):
    class Meta:
        model = PosSystem
        fields = ["name", "brand", "type", "software_version"]


class InvitationForm(forms.ModelForm):
    """A PosOperator invitation; also validates each row of a CSV upload."""

    country = CountryField(label=_("country"))

    class Meta:
        model = Invitation
        fields = [
            "company_name",
            "email",
            "account_email",
            "contact_first_name",
            "contact_last_name",
            "contact_title",
            "contact_mobile_phone",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "vat_id",
            "tax_number",
            "web",
            "phone",
            "dealer_right",
        ]
        help_texts = {"email": _("The contact's e-mail: it becomes the login of the new account.")}


class DealerRegistrationForm(forms.Form):
    """A creator registers a dealer by e-mail; company data only needed for an unknown address."""

    email = forms.EmailField(label=_("dealer's e-mail"))
    company_name = forms.CharField(label=_("company name"), max_length=200, required=False)
    country = CountryField(label=_("country"), required=False)
    contact_first_name = forms.CharField(label=_("contact first name"), max_length=100, required=False)
    contact_last_name = forms.CharField(label=_("contact last name"), max_length=100, required=False)

    def company(self):
        data = {key: self.cleaned_data.get(key) for key in ("company_name", "country", "contact_first_name", "contact_last_name")}
        if not any(data.values()):
            return None
        missing = [key for key, value in data.items() if not value]
        for key in missing:
            self.add_error(key, _("Needed to invite a new dealer."))
        return None if missing else data


class AssignmentRequestForm(forms.Form):
    pos_system_id = forms.UUIDField(label=_("PosSystemId"), help_text=_("Ask the PosCreator for it."))


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    dealer_right = forms.ChoiceField(
        label=_("rights asked of the operators"), choices=Invitation._meta.get_field("dealer_right").choices, initial="full"
    )


class AcceptInvitationForm(forms.Form):
    address_line1 = forms.CharField(label=_("address line 1"), max_length=200)
    address_line2 = forms.CharField(label=_("address line 2"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("postal code"), max_length=20)
    city = forms.CharField(label=_("city"), max_length=100)
    password1 = forms.CharField(label=_("password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, invitation=None, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"))
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    right = forms.ChoiceField(label=_("right"), choices=Membership._meta.get_field("right").choices)


class MemberRightForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["right"]


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]


class TenantModelChoiceField(forms.ModelChoiceField):
    """A choice of related objects restricted by the tenancy gate."""

    def __init__(self, queryset, user, action=VIEW, **kwargs):
        super().__init__(queryset=queryset.for_user(user, action), **kwargs)
