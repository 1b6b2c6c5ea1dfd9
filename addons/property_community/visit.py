# This file is part of the property-management suite.
"""Owner visits (走访)

Seed 004 (二、走访制): 管理员每天走访5户；经理每月走访5户 — the office's
stewards (管理员) visit five homes a day, its manager five a month. A visit
plan of a person and month holds the quota: per working day (a steward,
clerk of the front desk or building manager) or per month (the manager).
The seed says "a day"; the suite counts the days the office works (Monday
to Friday without the company's holidays when the helpdesk, which keeps
them, is activated): a default, as is the quota, which the plan changes.

A visit records the home, who visited, when, the topics and the findings;
with the helpdesk activated, a finding becomes a ticket in one click
(helpdesk.py). The plans list is the monthly quota report: planned against
done, per person; with HR activated, the rate feeds the appraisal
(hr.py)."""
import calendar
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import (
    CheckValuesMixin, MonthMixin, clock, rec_name_domain,
    start_of_office_day)
from trytond.modules.property_base.site import UnitSiteMixin, user_site
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

PLAN_KINDS = [
    ('daily', "Per Working Day (Steward)"),
    ('monthly', "Per Month (Manager)"),
    ]
# Seed 004, 二、走访制: five homes a day for a steward, five a month for
# the manager
SEED_QUOTA = 5


def month_days(month):
    "The dates of the month of the date month"
    first = month.replace(day=1)
    last = calendar.monthrange(first.year, first.month)[1]
    return [first + dt.timedelta(days=i) for i in range(last)]


def working_days(month, holidays=()):
    "The working days of the month: Monday to Friday but the holidays"
    return [d for d in month_days(month)
        if d.weekday() < 5 and d not in holidays]


class Plan(CheckValuesMixin, MonthMixin, ModelSQL, ModelView):
    "Visit plan of a person for a month, and its quota report"
    __name__ = 'property.visit.plan'
    __string__ = "Owner Visit Plan"
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='CASCADE')
    user = fields.Many2One('res.user', "Visitor", required=True,
        ondelete='CASCADE',
        help="The member of staff who visits the homes.")
    month = fields.Date("Month", required=True)
    kind = fields.Selection(PLAN_KINDS, "Quota", required=True,
        help="The visiting rule (走访制): a steward visits 5 homes a day "
             "(counted on the office's working days), the manager 5 a month.")
    quota = fields.Integer("Homes", required=True,
        help="Homes to visit per working day or per month (the visiting rule: "
             "5).")
    working_days = fields.Function(fields.Integer("Working Days"),
        'get_figures')
    planned = fields.Function(fields.Integer("Planned"), 'get_figures')
    done = fields.Function(fields.Integer("Done"), 'get_figures')
    rate = fields.Function(fields.Numeric("Done (%)", digits=(5, 2)),
        'get_figures')
    visits = fields.Function(fields.Many2Many('property.visit', None, None,
            "Visits"), 'get_visits')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('user_site_month_unique', Unique(t, t.user, t.site, t.month),
                'property_community.msg_visit_plan_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.month, Index.Range()), (t.site, Index.Range())))
        cls._order = [('month', 'DESC'), ('site', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_site(cls):
        return user_site()

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @staticmethod
    def default_kind():
        return 'daily'

    @staticmethod
    def default_quota():
        return SEED_QUOTA

    @classmethod
    def validate_fields(cls, plans, field_names):
        super().validate_fields(plans, field_names)
        for plan in plans:
            if plan.quota is not None and plan.quota <= 0:
                raise ValidationError(gettext(
                        'property_community.msg_visit_quota_positive',
                        plan=plan.rec_name))

    def get_rec_name(self, name):
        return f'{self.user.rec_name} {self.month:%Y-%m}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('user.name', 'site.name'))

    @classmethod
    def holidays(cls, company):
        """The company's days off besides the weekends: none here, the
        helpdesk's holidays when it is activated (helpdesk.py)"""
        return set()

    def visit_domain(self):
        "The visits of the person at the site in the month, office time"
        company = self.site.company
        start = start_of_office_day(self.month, company)
        next_month = month_days(self.month)[-1] + dt.timedelta(days=1)
        return [
            ('visitor', '=', self.user.id),
            ('site', '=', self.site.id),
            ('date', '>=', start),
            ('date', '<', start_of_office_day(next_month, company)),
            ]

    def get_visits(self, name):
        Visit = Pool().get('property.visit')
        return [v.id for v in Visit.search(self.visit_domain())]

    @classmethod
    def get_figures(cls, plans, names):
        Visit = Pool().get('property.visit')
        result = {n: {} for n in names}
        holidays = {}
        for plan in plans:
            company = plan.site.company
            if company.id not in holidays:
                holidays[company.id] = cls.holidays(company)
            days = len(working_days(plan.month, holidays[company.id]))
            planned = (plan.quota * days if plan.kind == 'daily'
                else plan.quota)
            done = Visit.search(plan.visit_domain(), count=True)
            values = {
                'working_days': days,
                'planned': planned,
                'done': done,
                'rate': (Decimal(done * 100) / planned).quantize(
                    Decimal('0.01')) if planned else None,
                }
            for name in names:
                result[name][plan.id] = values[name]
        return result


class Visit(CheckValuesMixin, UnitSiteMixin, ModelSQL, ModelView):
    "A visit to an owner's home"
    __name__ = 'property.visit'
    __string__ = "Owner Visit"
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    unit = fields.Many2One('property.unit', "Home", required=True,
        ondelete='RESTRICT', domain=[('site', '=', Eval('site', -1))])
    party = fields.Many2One('party.party', "Met",
        ondelete='RESTRICT', help="The owner or resident met.")
    visitor = fields.Many2One('res.user', "Visitor", required=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True)
    topics = fields.Text("Topics",
        help="What was talked about: services, fees, suggestions...")
    findings = fields.Text("Findings",
        help="What needs doing: with the helpdesk, it becomes a ticket "
        "in one click.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.visitor, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_visitor():
        return Transaction().user or None

    @staticmethod
    def default_date():
        return clock()

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} {self.date:%Y-%m-%d}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('unit.code', 'visitor.name'))
