# This file is part of the property-management suite.
"""What the community adds when property_hr is activated too: the owner
visits of the month (done against planned) as a source of the monthly
appraisal's scores, as the helpdesk's figures are"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta


class Appraisal(metaclass=PoolMeta):
    __name__ = 'property.appraisal'

    @classmethod
    def get_sources(cls):
        return super().get_sources() + [('community_visits', gettext(
                    'property_community.msg_source_community_visits'))]

    def source_score(self, source):
        if source == 'community_visits':
            return self.visit_score()
        return super().source_score(source)

    def visit_score(self):
        """The homes visited over the homes planned in the month by the
        employee's users, out of 100 (more visits than planned score 100);
        nothing to score without a plan"""
        Plan = Pool().get('property.visit.plan')
        plans = Plan.search([
                ('user.employees', '=', self.employee.id),
                ('month', '=', self.month.replace(day=1)),
                ])
        planned = sum(p.planned for p in plans)
        if not planned:
            return None
        done = sum(p.done for p in plans)
        return min(Decimal(100), Decimal(done * 100) / planned)
