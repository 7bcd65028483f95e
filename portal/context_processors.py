from portal.tenancy import scope_for


def tenancy(request):
    """The active organization and the others the user may switch to, for the layout."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    scope = scope_for(user)
    return {
        "active_organization": scope.organization,
        "active_membership": scope.membership,
        "my_memberships": user.memberships.select_related("organization"),
    }
