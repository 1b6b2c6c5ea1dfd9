# This file is part of the property-management suite.
"The unit and the owner at a glance: their open tickets"
from collections import defaultdict

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, check_access, record_cache_size)

from .ticket import OPEN_STATES

# what the unit's and the owner's forms show as still to do
PENDING_STATES = ['draft'] + OPEN_STATES


def pending_tickets(field, ids):
    """The ids of the pending tickets the user may read by their field
    (unit or reporter) in ids, newest first: a search per slice of ids.
    Nothing for the staff who do not read tickets (finance): the forms
    do not show them the field."""
    pool = Pool()
    Ticket = pool.get('property.ticket')
    ModelAccess = pool.get('ir.model.access')
    result = defaultdict(list)
    # (Tryton runs the getters without the user's rights: the client would
    # fail on a ticket the user may not read)
    with check_access():
        if not ModelAccess.check(
                Ticket.__name__, 'read', raise_exception=False):
            return result
        for sub_ids in grouped_slice(ids, record_cache_size(Transaction())):
            for ticket in Ticket.search([
                        (field, 'in', list(sub_ids)),
                        ('state', 'in', PENDING_STATES),
                        ], order=[('received_at', 'DESC'), ('id', 'DESC')]):
                result[getattr(ticket, field).id].append(ticket.id)
    return result
    for sub_ids in grouped_slice(ids, record_cache_size(Transaction())):
        for ticket in Ticket.search([
                    (field, 'in', list(sub_ids)),
                    ('state', 'in', PENDING_STATES),
                    ], order=[('received_at', 'DESC'), ('id', 'DESC')]):
            result[getattr(ticket, field).id].append(ticket.id)
    return result


class Unit(metaclass=PoolMeta):
    __name__ = 'property.unit'
    open_tickets = fields.Function(fields.Many2Many(
            'property.ticket', None, None, "Open Tickets",
            help="The unit's tickets not yet resolved, newest first."),
        'get_open_tickets')

    @classmethod
    def get_open_tickets(cls, units, name):
        tickets = pending_tickets('unit', [u.id for u in units])
        return {u.id: tickets.get(u.id, []) for u in units}


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    open_tickets = fields.Function(fields.Many2Many(
            'property.ticket', None, None, "Open Tickets",
            help="The tickets the party reported not yet resolved."),
        'get_open_tickets')

    @classmethod
    def get_open_tickets(cls, parties, name):
        tickets = pending_tickets('reporter', [p.id for p in parties])
        return {p.id: tickets.get(p.id, []) for p in parties}
