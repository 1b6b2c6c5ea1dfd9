# This file is part of the property-management suite.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('property.ticket|escalate', "Escalate Overdue Tickets"),
                ('property.ticket|list_visits_due',
                    "List Return Visits Due"),
                ])
        cls._notifications.add('property.ticket|escalate')
        cls._notifications.add('property.ticket|list_visits_due')
