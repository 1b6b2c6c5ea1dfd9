# This file is part of the property-management suite.
from sql import Cast, Column, Literal, Null
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp, DateTrunc, Extract

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool


def month_column(ticket):
    """The first day of the month a ticket was received (the KPI month): of
    its office date, in the company's time zone"""
    if backend.name == 'postgresql':
        # As the indexes of property.ticket on it are written; of a
        # timestamp, as date_trunc of a date would be of a timestamp with
        # time zone, which depends on the session (not indexable)
        return Cast(DateTrunc('month',
                Cast(ticket.received_date, 'TIMESTAMP')), 'DATE')
    return fields.Date("Month").sql_cast(
        DateTrunc('month', ticket.received_date))


def _integer(value):
    # Typed: PostgreSQL matches an expression with the indexed one only
    # with the same operators (a bare parameter may come as a smallint).
    return Cast(Literal(value), 'INTEGER')


def kpi_id(key, month):
    """The id of the KPI row of key (a site or company id) and month: the
    key times 10,000 plus the months since 1900 (till the year 2733)"""
    return Cast(key * _integer(10000)
        + (Extract('YEAR', month) - _integer(1900)) * _integer(12)
        + Extract('MONTH', month), 'INTEGER')


def _rate(numerator, denominator):
    return (round(100.0 * float(numerator) / float(denominator), 1)
        if denominator else None)


class KPI(ModelSQL, ModelView):
    "Service KPI"
    __name__ = 'property.helpdesk.kpi'
    # One row per site and month of reception, computed by the database
    # from the stored deadlines, dates and visits (no per-read recompute).
    site = fields.Many2One('property.site', "Site")
    month = fields.Date("Month")
    tickets = fields.Integer("Tickets")
    repairs = fields.Integer("Repairs")
    complaints = fields.Integer("Complaints")
    replied = fields.Integer("Replied")
    replied_on_time = fields.Integer("Replied on Time")
    resolved = fields.Integer("Resolved")
    done_on_time = fields.Integer("Done on Time")
    reworked = fields.Integer("Reworked")
    repeats = fields.Integer("Repeats")
    repairs_resolved = fields.Integer("Repairs Resolved")
    repairs_visited = fields.Integer("Repairs Visited")
    complaints_resolved = fields.Integer("Complaints Resolved")
    complaints_visited = fields.Integer("Complaints Visited")
    visits = fields.Integer("Visits")
    satisfied = fields.Integer("Satisfied Visits")

    reply_rate = fields.Function(fields.Float("Replied on Time (%)",
            digits=(5, 1)), 'get_rate')
    done_rate = fields.Function(fields.Float("Done on Time (%)",
            digits=(5, 1), help="Target 98 %."), 'get_rate')
    rework_rate = fields.Function(fields.Float("Rework (%)",
            digits=(5, 1), help="Target at most 5 %."), 'get_rate')
    repair_visit_rate = fields.Function(fields.Float(
            "Repairs Visited (%)", digits=(5, 1), help="Target 100 %."),
        'get_rate')
    complaint_visit_rate = fields.Function(fields.Float(
            "Complaints Visited (%)", digits=(5, 1), help="Target 60 %."),
        'get_rate')
    satisfaction_rate = fields.Function(fields.Float("Satisfaction (%)",
            digits=(5, 1), help="Target 95 %."), 'get_rate')
    repeat_rate = fields.Function(fields.Float("Repeats (%)",
            digits=(5, 1)), 'get_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('site', 'ASC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        table = pool.get('property.ticket').__table__()
        visit = pool.get('property.return_visit').__table__()
        order = pool.get('property.work_order').__table__()
        # One row per ticket with its visits and rework, joined and grouped
        # by ticket: a filter on the site and month (or on the id) reaches
        # the ticket table, and only the visits and work orders of the
        # tickets of that site and month are looked up, by their index on
        # ticket, instead of grouping all the visits and work orders of the
        # database first. Both are joined: the visits are counted distinct.
        columns = [Column(table, name) for name in [
                'id', 'company', 'site', 'kind', 'replied_at',
                'reply_deadline', 'resolved_at', 'done_breached',
                'is_repeat']]
        ticket = table.join(visit, 'LEFT',
            condition=visit.ticket == table.id
            ).join(order, 'LEFT',
            condition=order.ticket == table.id
            ).select(
            *columns,
            # The month is computed in a sub-query: PostgreSQL does not
            # match the parameters of date_trunc between SELECT and GROUP BY
            month_column(table).as_('month'),
            Count(visit.id, distinct=True).as_('visits'),
            Count(Case((visit.satisfaction >= 4, visit.id)), distinct=True
                ).as_('satisfied'),
            Max(order.rework_count).as_('rework'),
            where=~table.state.in_(['draft', 'cancelled']),
            group_by=columns + [table.received_date])

        def count(condition):
            # Cast: PostgreSQL sums integers into numerics
            return Cast(Sum(Case((condition, 1), else_=0)), 'INTEGER')
        repair = ticket.kind.in_(['repair_unit', 'repair_common'])
        complaint = ticket.kind == 'complaint'
        resolved = ticket.resolved_at != Null
        visited = ticket.visits > 0
        group_columns = cls._group_columns(ticket)
        return ticket.select(
            # The id is made of the row's key (not of an aggregate) so that
            # reading rows by id filters the tickets before grouping them
            kpi_id(dict(group_columns)[cls._id_column], ticket.month
                ).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            *(column.as_(name) for name, column in group_columns),
            ticket.month.as_('month'),
            Count(ticket.id).as_('tickets'),
            count(repair).as_('repairs'),
            count(complaint).as_('complaints'),
            count(ticket.replied_at != Null).as_('replied'),
            count((ticket.replied_at != Null)
                & (ticket.replied_at <= ticket.reply_deadline)
                ).as_('replied_on_time'),
            count(resolved).as_('resolved'),
            count(resolved & (ticket.done_breached == Literal(False))
                ).as_('done_on_time'),
            count(Coalesce(ticket.rework, 0) > 0).as_('reworked'),
            count(ticket.is_repeat == Literal(True)).as_('repeats'),
            count(repair & resolved).as_('repairs_resolved'),
            count(repair & resolved & visited).as_('repairs_visited'),
            count(complaint & resolved).as_('complaints_resolved'),
            count(complaint & resolved & visited).as_('complaints_visited'),
            Cast(Sum(Coalesce(ticket.visits, 0)), 'INTEGER').as_('visits'),
            Cast(Sum(Coalesce(ticket.satisfied, 0)), 'INTEGER'
                ).as_('satisfied'),
            group_by=[ticket.month] + [column
                for _, column in group_columns
                if not isinstance(column, Literal)])

    # The group column the id is made of, with the month
    _id_column = 'site'

    @classmethod
    def _group_columns(cls, ticket):
        "The columns (name, expression) a row stands for, besides the month"
        return [('site', ticket.site)]

    @classmethod
    def get_rate(cls, kpis, names):
        result = {n: {} for n in names}
        for kpi in kpis:
            values = {
                'reply_rate': (kpi.replied_on_time, kpi.tickets),
                'done_rate': (kpi.done_on_time, kpi.resolved),
                'rework_rate': (kpi.reworked, kpi.resolved),
                'repair_visit_rate': (
                    kpi.repairs_visited, kpi.repairs_resolved),
                'complaint_visit_rate': (
                    kpi.complaints_visited, kpi.complaints_resolved),
                'satisfaction_rate': (kpi.satisfied, kpi.visits),
                'repeat_rate': (kpi.repeats, kpi.tickets),
                }
            for name in names:
                result[name][kpi.id] = _rate(*values[name])
        return result


class CompanyKPI(KPI):
    "Company Service KPI"
    __name__ = 'property.helpdesk.kpi.company'
    # The same figures for all the sites of a company together: rates of
    # several sites cannot be added up in a graph.
    company = fields.Many2One('company.company', "Company")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.site.states = {'invisible': True}
        cls._order = [('month', 'DESC'), ('company', 'ASC'), ('id', 'DESC')]

    _id_column = 'company'

    @classmethod
    def _group_columns(cls, ticket):
        return [('company', ticket.company), ('site', Literal(None))]
