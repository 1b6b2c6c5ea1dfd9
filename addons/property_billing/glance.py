# This file is part of the property-management suite.
"The unit at a glance: what it owes, its last bills and its meters"
from collections import defaultdict
from decimal import Decimal

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, check_access, record_cache_size, without_check_access)

# How many of its last bills the unit's form lists: a default of the suite
# (half a year of monthly bills), the full list is a click away
RECENT_INVOICES = 6


def unit_invoices(unit_ids, domain=()):
    """The fee invoices of the units the user may read, by unit, the
    latest first: a search per slice of units. None for the staff who do
    not read invoices (engineering, archive keepers): the forms do not
    show them the fields."""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    ModelAccess = pool.get('ir.model.access')
    # (Tryton runs the getters without the user's rights: the client would
    # fail on an invoice the user may not read)
    with check_access():
        if not ModelAccess.check(
                Invoice.__name__, 'read', raise_exception=False):
            return None
        result = defaultdict(list)
        for ids in grouped_slice(unit_ids, record_cache_size(Transaction())):
            for invoice in Invoice.search([
                        ('property_unit', 'in', list(ids)),
                        ('type', '=', 'out'),
                        ] + list(domain),
                    order=[('property_month', 'DESC NULLS LAST'),
                        ('invoice_date', 'DESC'), ('id', 'DESC')]):
                result[invoice.property_unit.id].append(invoice)
    return result


class Unit(metaclass=PoolMeta):
    __name__ = 'property.unit'
    amount_due = fields.Function(fields.Numeric("Amount Due",
            digits=(16, 2),
            help="What the unit's posted fee invoices still ask to pay."),
        'get_amount_due')
    recent_invoices = fields.Function(fields.Many2Many(
            'account.invoice', None, None, "Recent Invoices",
            help="The unit's last fee invoices, the latest first."),
        'get_recent_invoices')
    meters = fields.One2Many('property.meter', 'unit', "Meters",
        readonly=True)

    @classmethod
    def get_amount_due(cls, units, name):
        Invoice = Pool().get('account.invoice')
        invoices = unit_invoices([u.id for u in units],
            [('state', '=', 'posted')])
        if invoices is None:
            return {u.id: None for u in units}
        with without_check_access():
            to_pay = Invoice.get_amount_to_pay(
                Invoice.browse([i.id for l in invoices.values() for i in l]),
                'amount_to_pay')
        return {u.id: sum((to_pay[i.id] for i in invoices.get(u.id, [])),
                Decimal(0)) for u in units}

    @classmethod
    def get_recent_invoices(cls, units, name):
        invoices = unit_invoices([u.id for u in units],
            [('state', 'in', ['posted', 'paid'])]) or {}
        return {u.id: [i.id for i in invoices.get(u.id, [])[
                    :RECENT_INVOICES]] for u in units}

    @classmethod
    def copy(cls, units, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('meters', None)
        return super().copy(units, default=default)
