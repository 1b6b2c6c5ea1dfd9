# This file is part of the property-management suite.
from sql import Null

from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('property.ticket|escalate', "Escalate Overdue Tickets"),
                ('property.ticket|list_visits_due',
                    "List Return Visits Due"),
                ('property.helpdesk.kpi.warning|warn',
                    "Warn of Service KPIs below Target"),
                ('property.warranty|remind', "Remind of Warranties Ending"),
                ])
        cls._notifications.add('property.ticket|escalate')
        cls._notifications.add('property.ticket|list_visits_due')
        cls._notifications.add('property.helpdesk.kpi.warning|warn')
        cls._notifications.add('property.warranty|remind')


class Notification(metaclass=PoolMeta):
    __name__ = 'res.notification'

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if module != 'property_helpdesk':
            return
        # Escalation notices of earlier versions named their ticket in
        # action_value as a list, which broke every recipient's user menu
        # (Tryton expects a dictionary there): they name it as the
        # notification's record instead
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.model, table.records, table.action,
                    table.action_value],
                ['property.ticket', table.action_value, Null, Null],
                where=table.action_value.like('[%')))
