# This file is part of the property-management suite.
"The unit at a glance: its renovation"
from collections import defaultdict

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, check_access, record_cache_size)

from .application import OPEN_STATES


class Unit(metaclass=PoolMeta):
    __name__ = 'property.unit'
    renovations = fields.Function(fields.Many2Many(
            'property.decoration.application', None, None, "Renovation",
            help="The unit's renovation applications not yet closed, the "
            "latest first."),
        'get_renovations')

    @classmethod
    def get_renovations(cls, units, name):
        "The open applications of all the units, in a search per slice"
        pool = Pool()
        Application = pool.get('property.decoration.application')
        ModelAccess = pool.get('ir.model.access')
        result = defaultdict(list)
        # (Tryton runs the getters without the user's rights: the client
        # would fail on an application the user may not read)
        with check_access():
            if ModelAccess.check(
                    Application.__name__, 'read', raise_exception=False):
                for ids in grouped_slice([u.id for u in units],
                        record_cache_size(Transaction())):
                    for application in Application.search([
                                ('unit', 'in', list(ids)),
                                ('state', 'in', OPEN_STATES),
                                ], order=[('date', 'DESC'), ('id', 'DESC')]):
                        result[application.unit.id].append(application.id)
        return {u.id: result.get(u.id, []) for u in units}
