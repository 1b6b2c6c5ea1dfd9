# This file is part of the property-management suite.
"""The office's daily, weekly and monthly reports of a site (seed 004,
信息管理: 通过日报、周报、月报等表格化管理,全面真实反应信息归纳、处理情况;
seed 001, 客服主管: 每月向客服经理提交上月工作报告。每星期根据客服主任的每日
报告提交一份周报告): the period's figures counted from the records of the
office (new owners, tenants, renovations, key handovers, repairs,
complaints), each on its office date, with the KPIs of the month against
the company's targets and the author's summary; printed with the monthly
service report's template."""
import datetime as dt
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.property_base.common import (
    CheckValuesMixin, office_today)
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .report import MonthlyServiceReport

PERIODS = [
    ('daily', "Daily Report"),
    ('weekly', "Weekly Report"),
    ('monthly', "Monthly Report"),
    ]


def period_first(period, date):
    """The first office date of the period of the kind that holds date: the
    day, the Monday of its week, the first of its month"""
    if period == 'weekly':
        return date - dt.timedelta(days=date.weekday())
    if period == 'monthly':
        return date.replace(day=1)
    return date


def period_last(period, first):
    "The last office date of the period that starts on first"
    if period == 'weekly':
        return first + dt.timedelta(days=6)
    if period == 'monthly':
        return first + relativedelta(months=1, days=-1)
    return first


class OfficeReport(CheckValuesMixin, ModelSQL, ModelView):
    "Office Report"
    __name__ = 'property.helpdesk.office_report'
    __string__ = "Office Report"
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    period = fields.Selection(PERIODS, "Period", required=True, sort=False)
    period_string = period.translated('period')
    date = fields.Date("From", required=True,
        help="The first day of the period: a date given is taken to the "
        "Monday of its week or the first of its month.")
    end_date = fields.Function(fields.Date("To"), 'on_change_with_end_date')
    author = fields.Many2One('company.employee', "Prepared by",
        ondelete='RESTRICT')
    summary = fields.Text("Summary",
        help="The period's work, the problems found and what is planned.")
    new_owners = fields.Function(fields.Integer("New Owners Moved in"),
        'get_figures')
    tenants = fields.Function(fields.Integer("Tenants Registered"),
        'get_figures')
    renovations = fields.Function(fields.Integer("Renovations",
            help="Renovation applications, when renovations are managed "
            "in the suite."), 'get_figures')
    keys = fields.Function(fields.Integer("Keys Handed over"),
        'get_figures')
    repairs = fields.Function(fields.Integer("Repairs"), 'get_figures')
    complaints = fields.Function(fields.Integer("Complaints"),
        'get_figures')
    tickets = fields.Function(fields.Integer("All Tickets"), 'get_figures')
    kpi = fields.Function(fields.Many2One('property.helpdesk.kpi',
            "KPIs of the Month"), 'get_kpi')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_period_date_unique', Unique(t, t.site, t.period, t.date),
                'property_helpdesk.msg_office_report_unique'),
            ]
        cls._order = [('date', 'DESC'), ('period', 'ASC'), ('id', 'DESC')]

    @staticmethod
    def default_period():
        return 'daily'

    @staticmethod
    def default_date():
        return office_today()

    @staticmethod
    def default_author():
        return Transaction().context.get('employee')

    @fields.depends('period', 'date')
    def on_change_with_end_date(self, name=None):
        if self.period and self.date:
            return period_last(self.period,
                period_first(self.period, self.date))

    @fields.depends('period', 'date')
    def on_change_period(self):
        if self.period and self.date:
            self.date = period_first(self.period, self.date)

    @fields.depends(methods=['on_change_period'])
    def on_change_date(self):
        self.on_change_period()

    def get_rec_name(self, name):
        period = self.period_string
        return f'{period} {self.site.rec_name} {self.date}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # a report covers a whole day, week (Monday to Sunday) or month
        if values.get('date'):
            period = values.get('period')
            if period is None and mode == 'create':
                period = cls.default_period()
            if period:
                values['date'] = period_first(period, values['date'])
        return values

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for records, values in zip(actions, actions):
            if 'period' in values and 'date' not in values:
                # each record's own date taken to the new period's start
                for record in records:
                    args.extend(([record], {**values,
                                'date': period_first(values['period'],
                                    record.date)}))
                continue
            if 'date' in values and 'period' not in values:
                for record in records:
                    args.extend(([record], {**values,
                                'date': period_first(record.period,
                                    values['date'])}))
                continue
            args.extend((records, values))
        super().write(*args)

    def report_period(self):
        "The period as the service report's template reads it"
        return SimpleNamespace(site=self.site, kind=self.period,
            first=self.date, last=self.end_date, kpi=self.kpi,
            summary=self.summary, author=self.author)

    @classmethod
    def get_figures(cls, reports, names):
        result = {name: {} for name in names}
        for report in reports:
            figures = MonthlyServiceReport.figures(report.report_period())
            for name in names:
                result[name][report.id] = getattr(figures, name)
        return result

    @classmethod
    def get_kpi(cls, reports, name):
        "The KPI row of the site for the month of the period's last day"
        KPI = Pool().get('property.helpdesk.kpi')
        result = {}
        with without_check_access():
            for report in reports:
                kpis = KPI.search([
                        ('site', '=', report.site.id),
                        ('month', '=', report.end_date.replace(day=1)),
                        ], limit=1)
                result[report.id] = kpis[0].id if kpis else None
        return result


class OfficeReportPrint(MonthlyServiceReport):
    "Office Report"
    __name__ = 'property.helpdesk.office_report'

    @classmethod
    def period(cls, report):
        return report.report_period()
