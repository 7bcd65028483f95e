"""Capacity facts of the German rules: what a TSE signs, and the fair-use policy per outlet.
The validation rules (cashboxes.validation) and the scenario advisor (scenarios.advisor) both
use them.

Two counts of signatures that must not be confused:
- SIGNATURES_PER_REQUEST: the TSE's load, for throughput (how fast a TSE keeps up);
- fair_use_signatures_per_transaction(kind): what the fair-use policy counts towards its
  monthly limit, by TSE kind.
"""

from django.utils import formats

from cashboxes import catalog

# Throughput (domain brief 4.1, item 8): fiskaltrust's tests showed a TSE handles about 3
# signatures a second well, with delays above that.
TSE_SIGNATURES_PER_SECOND = 3.0
# Throughput (domain brief 4.1, item 8): "implicit flow = 2 signatures per request". For the
# load on a TSE only; fair use counts more, see FAIR_USE_SIGNATURES_PER_TRANSACTION.
SIGNATURES_PER_REQUEST = 2

# Fair use per outlet (domain brief 4.1, item 9): at most 25 active queues, at most 25 tills
# and terminals together, at most 150,000 TSE signatures a calendar month.
FAIR_USE_QUEUES = 25
FAIR_USE_DEVICES = 25
FAIR_USE_SIGNATURES_PER_MONTH = 150_000
# Fair use (domain brief 4.1, item 8; middleware-conformance section 4 "Fair use"): the policy
# counts 2-3 signatures per transaction with a cloud TSE and 3-8 with a hardware TSE, as
# (low, high) by kind. Warnings use the upper bound.
FAIR_USE_SIGNATURES_PER_TRANSACTION = {catalog.CLOUD: (2, 3), catalog.HARDWARE: (3, 8)}


def fair_use_signatures_per_transaction(kind):
    """The upper bound of the signatures fair use counts per transaction with a TSE of this
    catalog kind: CLOUD, HARDWARE, or NETWORK (a network TSE such as Epson's is a hardware TSE
    here). KeyError for a kind without TSE (VIRTUAL)."""
    if kind == catalog.NETWORK:
        kind = catalog.HARDWARE
    return FAIR_USE_SIGNATURES_PER_TRANSACTION[kind][1]


def number(value, decimals=0):
    """A number as the active language writes it (160,000 / 160.000; 4.5 / 4,5): for these
    figures in messages, and for the advisor's counts."""
    if decimals:
        return formats.number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)
    return formats.number_format(round(value), use_l10n=True, force_grouping=True)
