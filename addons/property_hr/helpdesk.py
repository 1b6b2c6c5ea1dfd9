# This file is part of the property-management suite.
"What property_hr adds when property_helpdesk is activated too"
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.modules.property_base.common import start_of_office_day
from trytond.modules.property_hr.appraisal import source_names
from trytond.pool import Pool, PoolMeta

# The points a repeat report takes off the first receiver's score of the
# month (同一问题业主二次以上报修投诉，第一接报人责任, seed 001 交接班程序:
# the seed says who answers for it, the points are the suite's default)
REPEAT_POINTS = 10


class Ticket(metaclass=PoolMeta):
    __name__ = 'property.ticket'

    def check_assignee(self):
        super().check_assignee()
        # No training, no post: nor tickets (不培训不上岗).
        if self.assignee and self.assignee.property_post:
            self.assignee.check_qualified()


class WorkOrder(metaclass=PoolMeta):
    __name__ = 'property.work_order'

    @classmethod
    def _validate(cls, work_orders, field_names=None):
        for order in work_orders:
            if order.technician and order.technician.property_post:
                order.technician.check_qualified()
        super()._validate(work_orders, field_names=field_names)


class Appraisal(metaclass=PoolMeta):
    __name__ = 'property.appraisal'

    @classmethod
    def get_sources(cls):
        return super().get_sources() + source_names([
                'helpdesk_on_time', 'helpdesk_visit', 'helpdesk_satisfaction',
                'helpdesk_repeats'])

    def source_score(self, source):
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Visit = pool.get('property.return_visit')
        # Tickets and visits are dated with a time (stored in UTC): the
        # month is the office's
        company = self.employee.company
        start = start_of_office_day(self.month, company)
        end = start_of_office_day(
            self.month + relativedelta(months=1), company)
        if source == 'helpdesk_on_time':
            tickets = Ticket.search([
                    ('assignee', '=', self.employee.id),
                    ('resolved_at', '>=', start),
                    ('resolved_at', '<', end),
                    ])
            if tickets:
                return Decimal(100) * sum(
                    1 for t in tickets if not t.done_breached) / len(tickets)
            return None
        if source == 'helpdesk_repeats':
            # The repeats of the month charged to the employee as first
            # receiver of the first report, out of 100; nothing to score
            # in a month without a report taken or a repeat charged
            repeats = Ticket.search_count([
                    ('repeat_responsible', '=', self.employee.id),
                    ('is_repeat', '=', True),
                    ('state', '!=', 'cancelled'),
                    ('received_at', '>=', start),
                    ('received_at', '<', end),
                    ])
            received = Ticket.search_count([
                    ('first_receiver', '=', self.employee.id),
                    ('state', '!=', 'cancelled'),
                    ('received_at', '>=', start),
                    ('received_at', '<', end),
                    ])
            if repeats or received:
                return Decimal(max(0, 100 - REPEAT_POINTS * repeats))
            return None
        if source in {'helpdesk_visit', 'helpdesk_satisfaction'}:
            # A visit's satisfaction is credited to the employee who
            # answers for the job visited, not to the visitor
            visits = Visit.search([
                    ('responsible', '=', self.employee.id),
                    ('date', '>=', start),
                    ('date', '<', end),
                    ])
            if source == 'helpdesk_visit':
                due = Ticket.search([
                        ('assignee', '=', self.employee.id),
                        ('visit_required', '=', True),
                        ('resolved_at', '>=', start),
                        ('resolved_at', '<', end),
                        ])
                visited = [t for t in due if t.visits]
                if due:
                    return Decimal(100) * len(visited) / len(due)
                return None
            if visits:
                return Decimal(100) * sum(
                    1 for v in visits if v.satisfaction >= 4) / len(visits)
            return None
        return super().source_score(source)
