# This file is part of the property-management suite.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('property.maintenance.plan|create_jobs',
                    "Create Planned Maintenance Jobs"),
                ('property.work_order|escalate_overdue',
                    "Escalate Overdue Maintenance Jobs"),
                ('property.equipment.certificate|remind_expiring',
                    "Remind Expiring Certificates"),
                ('property.fire.check|create_monthly',
                    "Create Monthly Fire Equipment Checks"),
                ('property.patrol.plan|check_rounds',
                    "Alert Missing Patrol Rounds"),
                ('property.maintenance.kpi|compute',
                    "Compute Engineering KPIs"),
                ])
        cls._notifications.add('property.work_order|escalate_overdue')
        cls._notifications.add(
            'property.equipment.certificate|remind_expiring')
        cls._notifications.add('property.patrol.plan|check_rounds')
