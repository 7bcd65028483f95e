"""The shared configuration fixture builds through every write rule."""

from cashboxes.models import CashBox, Queue


def test_each_operator_gets_its_own_estate(configs, cast):
    assert CashBox.objects.filter(operator=cast.operator_org).count() == 3
    assert Queue.objects.filter(operator=cast.operator2_org).count() == 2
    assert configs.a.queue.scu_links.get().scu == configs.a.scu
