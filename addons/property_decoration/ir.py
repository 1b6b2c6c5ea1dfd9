# This file is part of the property-management suite.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('property.decoration.inspection|uninspected',
                    "List Renovations Not Inspected Today"),
                ('property.decoration.notice|escalate',
                    "Escalate Overdue Rectification Notices"),
                ])
        cls._notifications.update({
                'property.decoration.inspection|uninspected',
                'property.decoration.notice|escalate',
                })
