# This file is part of the property-management suite.
"""The monthly service report of a site (客服部月报, seeds 001 and 004: the
office reports its month to the manager): the month's figures of the
office, its tickets by category and the service KPIs against the
company's targets, printed as a PDF"""
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
        # A KPI row is a site's: printed with the site's company
        return super(CompanyReport, cls).header_key(record, data) + (
            ('company', record.site.company),
            )

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['figures'] = cls.figures
        context['categories'] = cls.categories
        context['rate'] = cls.format_rate
        context['causes'] = cls.causes
        return context

    @classmethod
    def causes(cls, kpi):
        """[(responsibility, complaints, not solved)] of the month's
        complaints of the site"""
        Cause = Pool().get('property.helpdesk.complaint_cause')
        with without_check_access():
            rows = Cause.search([('site', '=', kpi.site.id),
                    ('month', '=', kpi.month)])
            return [(r.responsibility_string, r.complaints, r.unsolved)
                for r in rows]

    @staticmethod
    def format_rate(value):
        return '—' if value is None else f'{value:.1f} %'

    @classmethod
    def _period(cls, kpi):
        "The month as stored datetimes (UTC) of the office's days"
        company = kpi.site.company
        return (start_of_office_day(kpi.month, company),
            start_of_office_day(kpi.month + relativedelta(months=1), company))

    @classmethod
    def figures(cls, kpi):
        """The month's work of the office at the site: new owners moved
        in, tenants registered, renovations applied for, keys handed over,
        with the tickets of the KPIs"""
        pool = Pool()
        Move = pool.get('property.move')
        Resident = pool.get('property.unit.resident')
        KeyLog = pool.get('property.key.log')
        start, end = cls._period(kpi)
        first = kpi.month
        last = first + relativedelta(months=1, days=-1)
        site = kpi.site.id
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
        return SimpleNamespace(new_owners=moves_in, tenants=tenants,
            keys=keys, renovations=renovations, tickets=kpi.tickets,
            repairs=kpi.repairs, complaints=kpi.complaints)

    @classmethod
    def categories(cls, kpi):
        """[(category, repairs, complaints, others, total)] of the month's
        tickets of the site (those the KPIs count), by category name"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        first = kpi.month
        last = first + relativedelta(months=1, days=-1)
        rows = defaultdict(lambda: {'repairs': 0, 'complaints': 0,
                'others': 0})
        with without_check_access():
            tickets = Ticket.search([
                    ('site', '=', kpi.site.id),
                    ('received_date', '>=', first),
                    ('received_date', '<=', last),
                    ('state', 'not in', ['draft', 'cancelled']),
                    ])
            for ticket in tickets:
                row = rows[ticket.category.name]
                row[KIND_COLUMNS.get(ticket.kind, 'others')] += 1
        return [(name, r['repairs'], r['complaints'], r['others'],
                sum(r.values()))
            for name, r in sorted(rows.items())]
