"""Signals the core sends, so that other apps react without the core knowing them."""

from django.dispatch import Signal

# Sent when an invited organization has accepted and exists, with its first admin:
# sender=Organization, organization=..., user=...
organization_onboarded = Signal()
