# This file is part of the property-management suite.
import json

from sql import Cast, Column, Literal, Null
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp, DateTrunc, Extract

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, office_date, reader_language)
from trytond.pool import Pool

from .configuration import CEILINGS, RESPONSIBILITIES, TARGETS


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


def rate_targets(rates):
    """A mixin giving each rate of rates (that the policy has a target for,
    configuration.TARGETS) its target, `<rate>_target`, and whether the
    rate meets it, `<rate>_ok` (both computed by get_target)"""
    attributes = {'__slots__': ()}
    for rate in rates:
        attributes[f'{rate}_target'] = fields.Function(
            fields.Integer("Target"), 'get_target')
        attributes[f'{rate}_ok'] = fields.Function(
            fields.Boolean("On Target"), 'get_target')
    return type('RateTargetsMixin', (), attributes)


class KPI(rate_targets(TARGETS), ModelSQL, ModelView):
    __name__ = 'property.helpdesk.kpi'
    __string__ = "Service KPI"
    # One row per site and month of reception, computed by the database
    # from the stored deadlines, dates and visits (no per-read recompute).
    site = fields.Many2One('property.site', "Site")
    month = fields.Date("Month")
    tickets = fields.Integer("Tickets")
    repairs = fields.Integer("Repairs")
    complaints = fields.Integer("Complaints")
    replied = fields.Integer("Replied")
    replied_on_time = fields.Integer("Replied on Time")
    feedback_due = fields.Integer("Feedback Due")
    fed_back_on_time = fields.Integer("Fed Back on Time")
    repairs_on_time = fields.Integer("Repairs Done on Time")
    complaints_on_time = fields.Integer("Complaints Handled on Time")
    repair_visits = fields.Integer("Repair Visits")
    repair_satisfied = fields.Integer("Satisfied Repair Visits")
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
    feedback_rate = fields.Function(fields.Float("Fed Back on Time (%)",
            digits=(5, 1),
            help="Work not done the same day fed back within 2 working days."), 'get_rate')
    repair_on_time_rate = fields.Function(fields.Float(
            "Repairs on Time (%)", digits=(5, 1)), 'get_rate')
    complaint_on_time_rate = fields.Function(fields.Float(
            "Complaints on Time (%)", digits=(5, 1)), 'get_rate')
    repair_satisfaction_rate = fields.Function(fields.Float(
            "Repair Satisfaction (%)", digits=(5, 1)), 'get_rate')
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
                'is_repeat', 'feedback_deadline', 'feedback_at',
                'feedback_breached', 'rework_count']]
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
        replied_on_time = ((ticket.replied_at != Null)
            & (ticket.replied_at <= ticket.reply_deadline))
        fed_back_on_time = ((ticket.feedback_at != Null)
            & (ticket.feedback_at <= ticket.feedback_deadline))

        def repair_sum(column):
            return Cast(Sum(Case((repair, Coalesce(column, 0)), else_=0)),
                'INTEGER')
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
            count(replied_on_time).as_('replied_on_time'),
            count(ticket.feedback_deadline != Null).as_('feedback_due'),
            count(fed_back_on_time).as_('fed_back_on_time'),
            count(repair & resolved
                & (ticket.done_breached == Literal(False))
                ).as_('repairs_on_time'),
            count(complaint & replied_on_time
                & (ticket.feedback_breached == Literal(False))
                & (ticket.done_breached == Literal(False))
                ).as_('complaints_on_time'),
            repair_sum(ticket.visits).as_('repair_visits'),
            repair_sum(ticket.satisfied).as_('repair_satisfied'),
            count(resolved).as_('resolved'),
            count(resolved & (ticket.done_breached == Literal(False))
                ).as_('done_on_time'),
            count((Coalesce(ticket.rework, 0) > 0)
                | (Coalesce(ticket.rework_count, 0) > 0)).as_('reworked'),
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
                'feedback_rate': (kpi.fed_back_on_time, kpi.feedback_due),
                'repair_on_time_rate': (
                    kpi.repairs_on_time, kpi.repairs_resolved),
                'complaint_on_time_rate': (
                    kpi.complaints_on_time, kpi.complaints),
                'repair_satisfaction_rate': (
                    kpi.repair_satisfied, kpi.repair_visits),
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

    def get_policy(self):
        Configuration = Pool().get('property.helpdesk.configuration')
        company = self.site.company if self.site else None
        return Configuration.get_policy(company) if company else None

    @classmethod
    def get_target(cls, kpis, names):
        "The company's target of each rate and whether the rate meets it"
        result = {n: {} for n in names}
        for kpi in kpis:
            policy = kpi.get_policy()
            for name in names:
                rate_name = name.rsplit('_', 1)[0]
                target = policy.target(rate_name) if policy else None
                if name.endswith('_target'):
                    result[name][kpi.id] = target
                    continue
                rate = getattr(kpi, rate_name)
                result[name][kpi.id] = kpi.on_target(rate_name, rate, target)
        return result

    @staticmethod
    def on_target(rate_name, rate, target):
        "Whether rate meets target; None when there is nothing to rate"
        if rate is None or target is None:
            return None
        if rate_name in CEILINGS:
            return rate <= target
        return rate >= target

    def below_target(self):
        "[(rate name, rate, target)] of the rates that miss their target"
        policy = self.get_policy()
        missed = []
        if not policy:
            return missed
        for rate_name in TARGETS:
            rate = getattr(self, rate_name)
            target = policy.target(rate_name)
            if self.on_target(rate_name, rate, target) is False:
                missed.append((rate_name, rate, target))
        return missed


class CompanyKPI(KPI):
    __name__ = 'property.helpdesk.kpi.company'
    __string__ = "Company Service KPI"
    # The same figures for all the sites of a company together: rates of
    # several sites cannot be added up in a graph.
    company = fields.Many2One('company.company', "Company")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.site.states = {'invisible': True}
        cls._order = [('month', 'DESC'), ('company', 'ASC'), ('id', 'DESC')]

    _id_column = 'company'

    def get_policy(self):
        Configuration = Pool().get('property.helpdesk.configuration')
        return (Configuration.get_policy(self.company) if self.company
            else None)

    @classmethod
    def _group_columns(cls, ticket):
        return [('company', ticket.company), ('site', Literal(None))]


class KPIWarning(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.helpdesk.kpi.warning'
    __string__ = "Service KPI Warning"
    # A rate of a site below its target during the month: the site manager
    # is warned once per rate and month (issue 24, targets of seeds 001/004)
    site = fields.Many2One('property.site', "Site", required=True,
        readonly=True, ondelete='CASCADE')
    month = fields.Date("Month", required=True, readonly=True)
    kpi = fields.Selection([
            ('repair_on_time_rate', "Repairs on Time (%)"),
            ('rework_rate', "Rework (%)"),
            ('complaint_on_time_rate', "Complaints on Time (%)"),
            ('complaint_visit_rate', "Complaints Visited (%)"),
            ('satisfaction_rate', "Satisfaction (%)"),
            ('repair_satisfaction_rate', "Repair Satisfaction (%)"),
            ], "KPI", required=True, readonly=True)
    kpi_string = kpi.translated('kpi')
    rate = fields.Float("Rate (%)", digits=(5, 1), readonly=True)
    target = fields.Integer("Target (%)", readonly=True)
    date = fields.DateTime("Warned at", required=True, readonly=True)
    notified = fields.Many2One('company.employee', "Warned",
        readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.month:%Y-%m} {self.kpi_string}'

    @classmethod
    def warn(cls, now=None):
        """Scheduled action: warn the manager of each site whose rate of
        the office's current month fell below its target, once per rate"""
        pool = Pool()
        KPI = pool.get('property.helpdesk.kpi')
        Site = pool.get('property.site')
        Cron = pool.get('ir.cron')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        if now is None:
            now = clock()
        warnings = []
        for site in Site.search([]):
            month = office_date(now, site.company).replace(day=1)
            kpis = KPI.search([('site', '=', site.id),
                    ('month', '=', month)])
            if not kpis:
                continue
            kpi, = kpis
            done = {w.kpi for w in cls.search([
                        ('site', '=', site.id), ('month', '=', month)])}
            for rate_name, rate, target in kpi.below_target():
                if rate_name in done:
                    continue
                warnings.append(cls(site=site, month=month, kpi=rate_name,
                        rate=rate, target=target, date=now,
                        notified=site.manager))
        cls.save(warnings)
        notifications = []
        for warning in warnings:
            if not warning.notified:
                continue
            for user in User.search(
                    [('employees', '=', warning.notified.id)]):
                # in the reader's language (the cron writes it): the
                # warning read again in it for its title and the rate's name
                with reader_language(user):
                    read = cls(warning.id)
                    label = read.rec_name
                    text = gettext('property_helpdesk.msg_kpi_warning',
                        site=read.site.rec_name, kpi=read.kpi_string,
                        rate=read.rate, target=read.target,
                        month=read.month.strftime('%Y-%m'))
                notifications.append(Notification(user=user,
                        label=label, description=text,
                        icon='tryton-warning', model=cls.__name__,
                        records=json.dumps([warning.id])))
        Notification.save(notifications)
        if warnings:
            Cron.notify_sites('tryton-warning',
                'property_helpdesk.act_kpi_warning_form',
                'property_helpdesk.msg_kpi_warnings', warnings,
                site=lambda w: w.site)
        return warnings


class ComplaintCause(ModelSQL, ModelView):
    __name__ = 'property.helpdesk.complaint_cause'
    __string__ = "Complaints by Responsibility"
    # The month's complaints of a site by who answers for them, and how
    # many could not be solved (with their root causes on the tickets)
    site = fields.Many2One('property.site', "Site")
    month = fields.Date("Month")
    responsibility = fields.Selection(
        [(None, "Not analysed")] + RESPONSIBILITIES[1:], "Responsibility")
    responsibility_string = responsibility.translated('responsibility')
    complaints = fields.Integer("Complaints")
    unsolved = fields.Integer("Not Solved")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('site', 'ASC'),
            ('complaints', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        ticket = Pool().get('property.ticket').__table__()
        query = ticket.select(
            ticket.site.as_('site'),
            month_column(ticket).as_('month'),
            ticket.responsibility.as_('responsibility'),
            ticket.outcome.as_('outcome'),
            where=(ticket.kind == 'complaint')
            & ~ticket.state.in_(['draft', 'cancelled']))
        key = Case(*((query.responsibility == value, _integer(i))
                for i, (value, _) in enumerate(RESPONSIBILITIES[1:], 1)),
            else_=_integer(0))
        return query.select(
            (kpi_id(query.site, query.month) * _integer(8) + key
                ).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            query.site.as_('site'),
            query.month.as_('month'),
            query.responsibility.as_('responsibility'),
            Count(query.site).as_('complaints'),
            Cast(Sum(Case((query.outcome == 'explained', 1), else_=0)),
                'INTEGER').as_('unsolved'),
            group_by=[query.site, query.month, query.responsibility])
