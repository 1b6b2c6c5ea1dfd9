# This file is part of the property-management suite.
"""The service reports of a site (seed 001: 每月报告, 每星期...提交一份周报告,
客服主任的每日报告; seed 004: 日报、周报、月报): the period's figures of the
office, its tickets by category and the service KPIs of the month against
the company's targets, printed as a PDF. The monthly report of a KPI row
and the daily, weekly and monthly office reports share one template."""
from collections import defaultdict
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta

from trytond.modules.company import CompanyReport
from trytond.modules.property_base.common import start_of_office_day
from trytond.modules.property_base.printing import HTMLReport
from trytond.pool import Pool
from trytond.transaction import without_check_access

KIND_COLUMNS = {
    'repair_unit': 'repairs',
    'repair_common': 'repairs',
    'complaint': 'complaints',
    }


class MonthlyServiceReport(HTMLReport):
    "Monthly Service Report"
    __name__ = 'property.helpdesk.monthly_report'

    @classmethod
    def header_key(cls, record, data):
        # A KPI row or an office report is a site's: printed with the
        # site's company
        return super(CompanyReport, cls).header_key(record, data) + (
            ('company', record.site.company),
            )

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['period'] = cls.period
        context['figures'] = cls.figures
        context['categories'] = cls.categories
        context['rate'] = cls.format_rate
        context['causes'] = cls.causes
        return context

    @classmethod
    def period(cls, kpi):
        """The period the record reports on: its site, kind (daily, weekly,
        monthly), first and last office dates, the KPI row of its month
        (or None), its summary and author; a KPI row reports its month"""
        return SimpleNamespace(site=kpi.site, kind='monthly',
            first=kpi.month,
            last=kpi.month + relativedelta(months=1, days=-1),
            kpi=kpi, summary=None, author=None)

    @classmethod
    def causes(cls, period):
        """[(responsibility, complaints, not solved)] of the complaints of
        the site in the month of the period's KPIs"""
        Cause = Pool().get('property.helpdesk.complaint_cause')
        if not period.kpi:
            return []
        with without_check_access():
            rows = Cause.search([('site', '=', period.site.id),
                    ('month', '=', period.kpi.month)])
            return [(r.responsibility_string, r.complaints, r.unsolved)
                for r in rows]

    @staticmethod
    def format_rate(value):
        return '—' if value is None else f'{value:.1f} %'

    @classmethod
    def figures(cls, period):
        """The period's work of the office at the site: new owners moved
        in, tenants registered, renovations applied for (when the
        renovation addon is installed), keys handed over, with the tickets
        received (as the KPIs count them), each on its office date"""
        pool = Pool()
        Move = pool.get('property.move')
        Resident = pool.get('property.unit.resident')
        KeyLog = pool.get('property.key.log')
        Ticket = pool.get('property.ticket')
        company = period.site.company
        first, last = period.first, period.last
        start = start_of_office_day(first, company)
        end = start_of_office_day(last + relativedelta(days=1), company)
        site = period.site.id
        # The report counts what the office did, whoever prints it
        with without_check_access():
            moves_in = Move.search_count([
                    ('unit.site', '=', site), ('kind', '=', 'move_in'),
                    ('state', '=', 'done'),
                    ('date', '>=', first), ('date', '<=', last)])
            tenants = Resident.search_count([
                    ('unit.site', '=', site), ('role', '=', 'tenant'),
                    ('from_date', '>=', first), ('from_date', '<=', last)])
            keys = KeyLog.search_count([
                    ('key.unit.site', '=', site),
                    ('action', '=', 'handed_over'),
                    ('date', '>=', start), ('date', '<', end)])
            renovations = None
            try:
                Application = pool.get('property.decoration.application')
            except KeyError:
                pass
            else:
                renovations = Application.search_count([
                        ('unit.site', '=', site),
                        ('date', '>=', first), ('date', '<=', last)])
            counts = defaultdict(int)
            for ticket in Ticket.search(cls._tickets_domain(period)):
                counts[KIND_COLUMNS.get(ticket.kind, 'others')] += 1
        return SimpleNamespace(new_owners=moves_in, tenants=tenants,
            keys=keys, renovations=renovations,
            tickets=sum(counts.values()),
            repairs=counts['repairs'], complaints=counts['complaints'])

    @classmethod
    def _tickets_domain(cls, period):
        "The tickets of the period: those received on its office dates"
        return [
            ('site', '=', period.site.id),
            ('received_date', '>=', period.first),
            ('received_date', '<=', period.last),
            ('state', 'not in', ['draft', 'cancelled']),
            ]

    @classmethod
    def categories(cls, period):
        """[(category, repairs, complaints, others, total)] of the period's
        tickets of the site (those the KPIs count), by category name"""
        Ticket = Pool().get('property.ticket')
        rows = defaultdict(lambda: {'repairs': 0, 'complaints': 0,
                'others': 0})
        with without_check_access():
            for ticket in Ticket.search(cls._tickets_domain(period)):
                row = rows[ticket.category.name]
                row[KIND_COLUMNS.get(ticket.kind, 'others')] += 1
        return [(name, r['repairs'], r['complaints'], r['others'],
                sum(r.values()))
            for name, r in sorted(rows.items())]
