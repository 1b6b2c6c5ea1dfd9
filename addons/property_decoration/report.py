# This file is part of the property-management suite.
"Monthly renovation statistics (装修月度统计)"
from sql import Cast, Literal, Null, Union, Window
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Coalesce, Greatest
from sql.functions import CurrentTimestamp, DateTrunc

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool


class Statistics(ModelSQL, ModelView):
    __name__ = 'property.decoration.statistics'
    __string__ = "Renovation Statistics"
    # One row per site and month, from the events of the jobs
    site = fields.Many2One('property.site', "Site")
    month = fields.Date("Month")
    applications = fields.Integer("Applications")
    started = fields.Integer("Started")
    completed = fields.Integer("Completed")
    in_progress = fields.Integer("In Progress at Month End")
    inspections = fields.Integer("Inspections")
    violations = fields.Integer("Violations")
    deposits_received = fields.Numeric("Deposits Received", digits=(16, 2))
    deposits_settled = fields.Numeric("Deposits Settled", digits=(16, 2))
    deposits_refunded = fields.Numeric("Deposits Refunded", digits=(16, 2))
    deposits_held = fields.Numeric("Deposits Held at Month End",
        digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('site', 'ASC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        application = pool.get('property.decoration.application').__table__()
        unit = pool.get('property.unit').__table__()
        inspection = pool.get('property.decoration.inspection').__table__()
        violation = pool.get('property.decoration.violation').__table__()
        acceptance = pool.get('property.decoration.acceptance').__table__()
        deduction = pool.get('property.decoration.deduction').__table__()
        zero = Literal(0)
        none = Cast(Literal(0), cls.deposits_received.sql_type().base)

        def month(column):
            return cls.month.sql_cast(DateTrunc('month', column))

        deducted = deduction.join(acceptance,
            condition=deduction.acceptance == acceptance.id
            ).select(acceptance.application.as_('application'),
                Sum(deduction.amount).as_('amount'),
                where=acceptance.state == 'accepted',
                group_by=[acceptance.application])
        job = application.join(unit, condition=application.unit == unit.id
            ).join(deducted, 'LEFT',
                condition=deducted.application == application.id)

        def event(key, date, applications=zero, started=zero,
                completed=zero, received=none, settled=none, refunded=none,
                where=None):
            return job.select(
                (application.id * 8 + key).as_('key'),
                unit.site.as_('site'),
                month(date).as_('month'),
                applications.as_('applications'),
                started.as_('started'),
                completed.as_('completed'),
                zero.as_('inspections'),
                zero.as_('violations'),
                received.as_('received'),
                settled.as_('settled'),
                refunded.as_('refunded'),
                where=where if where is not None else (date != Null))

        one = Literal(1)
        deposit = Coalesce(application.deposit, 0)
        events = [
            event(0, application.date, applications=one,
                where=application.state != 'draft'),
            event(1, application.actual_start, started=one,
                received=deposit),
            event(2, application.actual_end, completed=one),
            event(3, application.settled_date, settled=deposit,
                refunded=Greatest(
                    deposit - Coalesce(deducted.amount, 0), 0)),
            ]
        for key, table in [(4, inspection), (5, violation)]:
            source = table.join(application,
                condition=table.application == application.id
                ).join(unit, condition=application.unit == unit.id)
            events.append(source.select(
                    (table.id * 8 + key).as_('key'),
                    unit.site.as_('site'),
                    month(table.date).as_('month'),
                    zero.as_('applications'),
                    zero.as_('started'),
                    zero.as_('completed'),
                    (one if key == 4 else zero).as_('inspections'),
                    (one if key == 5 else zero).as_('violations'),
                    none.as_('received'),
                    none.as_('settled'),
                    none.as_('refunded'),
                    where=(table.state != 'cancelled') if key == 5
                    else (table.state == 'done')))
        union = Union(*events, all_=True)

        def total(name):
            return Cast(Sum(getattr(union, name)), 'INTEGER')
        grouped = union.select(
            Min(union.key).as_('id'),
            union.site.as_('site'),
            union.month.as_('month'),
            total('applications').as_('applications'),
            total('started').as_('started'),
            total('completed').as_('completed'),
            total('inspections').as_('inspections'),
            total('violations').as_('violations'),
            Sum(union.received).as_('deposits_received'),
            Sum(union.settled).as_('deposits_settled'),
            Sum(union.refunded).as_('deposits_refunded'),
            group_by=[union.site, union.month])
        # Running totals per site: jobs and deposits still open at month end
        window = Window([grouped.site], order_by=[grouped.month.asc])
        return grouped.select(
            grouped.id.as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            grouped.site, grouped.month,
            grouped.applications, grouped.started, grouped.completed,
            grouped.inspections, grouped.violations,
            grouped.deposits_received, grouped.deposits_settled,
            grouped.deposits_refunded,
            Cast(Sum(grouped.started - grouped.completed, window=window),
                'INTEGER').as_('in_progress'),
            Sum(grouped.deposits_received - grouped.deposits_settled,
                window=window).as_('deposits_held'),
            )


class ViolationStatistics(ModelSQL, ModelView):
    __name__ = 'property.decoration.violation.statistics'
    __string__ = "Violations by Practice"
    site = fields.Many2One('property.site', "Site")
    month = fields.Date("Month")
    type = fields.Many2One('property.decoration.violation.type',
        "Prohibited Practice")
    violations = fields.Integer("Violations")
    penalties = fields.Numeric("Deductions", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('violations', 'DESC'),
            ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        violation = pool.get('property.decoration.violation').__table__()
        application = pool.get('property.decoration.application').__table__()
        unit = pool.get('property.unit').__table__()
        # The month in a sub-query: PostgreSQL does not match the
        # parameters of date_trunc between SELECT and GROUP BY.
        source = violation.join(application,
            condition=violation.application == application.id
            ).join(unit, condition=application.unit == unit.id
            ).select(violation.id, violation.type, violation.penalty,
                unit.site,
                cls.month.sql_cast(DateTrunc('month', violation.date)
                    ).as_('month'),
                where=violation.state != 'cancelled')
        return source.select(
            Min(source.id).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            source.site, source.month, source.type,
            Cast(Count(source.id), 'INTEGER').as_('violations'),
            Sum(source.penalty).as_('penalties'),
            group_by=[source.site, source.month, source.type])
