# This file is part of the property-management suite.
"""Training rhythm per department (seed 004, 十二、6: 客户服务部、维修班、
环境维护部、每周组织1-2次业务培训,公共秩序部每周组织3-5次业务培训) and the
weeks of a month whose sessions fall short of it"""
import datetime as dt

from sql import Cast, Literal, Null, Select, Union
from sql.operators import Exists
from sql.aggregate import Count, Max
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import CheckValuesMixin, office_today
from trytond.pool import Pool
from trytond.transaction import Transaction

from .training import DEPARTMENTS

# The ids of the rows: (site * 1000 + rhythm) * 10 + week of the month
_WEEKS = 10
_RHYTHMS = 1000


class Rhythm(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.training.rhythm'
    __string__ = "Training Rhythm"
    department = fields.Selection(DEPARTMENTS, "Department", required=True)
    department_string = department.translated('department')
    min_per_week = fields.Integer("Minimum a Week", required=True)
    max_per_week = fields.Integer("Maximum a Week", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('department_unique', Unique(t, t.department),
                'property_hr.msg_training_rhythm_unique'),
            ]
        cls._order.insert(0, ('department', 'ASC'))

    def get_rec_name(self, name):
        return self.department_string

    @classmethod
    def validate_fields(cls, rhythms, field_names):
        super().validate_fields(rhythms, field_names)
        for rhythm in rhythms:
            if not (0 <= rhythm.min_per_week <= rhythm.max_per_week <= 21):
                raise ValidationError(gettext(
                        'property_hr.msg_training_rhythm_range',
                        department=rhythm.department_string))


def month_weeks(month):
    """The weeks (Monday, Sunday) of a month: those starting on a Monday of
    the month; a week running over the month end is the month's where it
    starts (the suite's default)"""
    month = month.replace(day=1)
    monday = month + dt.timedelta(days=(7 - month.weekday()) % 7)
    weeks = []
    while monday.month == month.month:
        weeks.append((monday, monday + dt.timedelta(days=6)))
        monday += dt.timedelta(days=7)
    return weeks


class ShortfallContext(ModelView):
    __name__ = 'property.training.shortfall.context'
    __string__ = "Training Shortfalls Filter"
    month = fields.Date("Month", required=True,
        help="Any day of the month to list.")

    @classmethod
    def default_month(cls):
        return office_today().replace(day=1)


class Shortfall(ModelSQL, ModelView):
    __name__ = 'property.training.shortfall'
    __string__ = "Training Shortfall"
    site = fields.Many2One('property.site', "Site", readonly=True)
    department = fields.Selection(DEPARTMENTS, "Department", readonly=True)
    week = fields.Date("Week from", readonly=True)
    week_end = fields.Date("Week to", readonly=True)
    minimum = fields.Integer("Minimum", readonly=True)
    maximum = fields.Integer("Maximum", readonly=True)
    sessions = fields.Integer("Sessions Held", readonly=True)
    short = fields.Boolean("Short", readonly=True,
        help="Fewer sessions than the department's minimum a week.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('week', 'ASC'), ('site', 'ASC'),
            ('department', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _month(cls):
        month = Transaction().context.get('month')
        if isinstance(month, dt.datetime):
            month = month.date()
        if not isinstance(month, dt.date):
            month = office_today()
        return month.replace(day=1)

    @classmethod
    def table_query(cls):
        pool = Pool()
        site = pool.get('property.site').__table__()
        rhythm = pool.get('property.training.rhythm').__table__()
        session = pool.get('property.training.session').__table__()
        date = fields.Date("Date")
        weeks = Union(*(
                # Typed: PostgreSQL types an untyped parameter of a UNION
                # as text
                Select([Cast(Literal(i), 'INTEGER').as_('idx'),
                    date.sql_cast(Literal(start)).as_('week'),
                    date.sql_cast(Literal(end)).as_('week_end')])
                for i, (start, end) in enumerate(
                    month_weeks(cls._month()))),
            all_=True)
        held = session.select(Count(session.id),
            where=(session.site == site.id)
            & (session.department == rhythm.department)
            & (session.date >= weeks.week)
            & (session.date <= weeks.week_end))
        query = site.join(rhythm, 'CROSS').join(weeks, 'CROSS')
        return query.select(
            ((site.id * _RHYTHMS + rhythm.id) * _WEEKS + weeks.idx
                ).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            site.id.as_('site'),
            rhythm.department.as_('department'),
            weeks.week.as_('week'),
            weeks.week_end.as_('week_end'),
            rhythm.min_per_week.as_('minimum'),
            rhythm.max_per_week.as_('maximum'),
            Coalesce(held, 0).as_('sessions'),
            (held < rhythm.min_per_week).as_('short'),
            )


def half_year(date):
    "The first and last day of the half year of the date"
    if date.month <= 6:
        return dt.date(date.year, 1, 1), dt.date(date.year, 6, 30)
    return dt.date(date.year, 7, 1), dt.date(date.year, 12, 31)


class ContestDueContext(ModelView):
    "Skill Contests Due Context"
    __name__ = 'property.training.contest_due.context'
    __string__ = "Skill Contests Due Filter"
    date = fields.Date("Date", required=True,
        help="The contests are due in the half year of this day.")

    @classmethod
    def default_date(cls):
        return office_today()


class ContestDue(ModelSQL, ModelView):
    """The departments of a site with no skill contest this half year
    (seed 004, 十二、4: 半年组织各部门岗位练兵、技术比武)"""
    __name__ = 'property.training.contest_due'
    __string__ = "Skill Contest Due"
    site = fields.Many2One('property.site', "Site", readonly=True)
    department = fields.Selection(DEPARTMENTS, "Department", readonly=True)
    half_from = fields.Date("Half Year from", readonly=True)
    half_to = fields.Date("Half Year to", readonly=True)
    last_contest = fields.Date("Last Contest", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('site', 'ASC'), ('department', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def _date(cls):
        "The day of the context (the list's), else the office's today"
        date = Transaction().context.get('date')
        if isinstance(date, dt.datetime):
            date = date.date()
        if not isinstance(date, dt.date):
            date = office_today()
        return date

    @classmethod
    def table_query(cls):
        pool = Pool()
        site = pool.get('property.site').__table__()
        rhythm = pool.get('property.training.rhythm').__table__()
        session = pool.get('property.training.session').__table__()
        course = pool.get('property.training.course').__table__()
        start, end = half_year(cls._date())
        date = fields.Date("Date")

        def contests():
            return session.join(course,
                condition=course.id == session.course)
        held = contests().select(Literal(1),
            where=(session.site == site.id)
            & (session.department == rhythm.department)
            & (course.kind == 'contest')
            & (session.date >= start) & (session.date <= end))
        last = contests().select(Max(session.date),
            where=(session.site == site.id)
            & (session.department == rhythm.department)
            & (course.kind == 'contest')
            & (session.date <= end))
        return site.join(rhythm, 'CROSS').select(
            (site.id * _RHYTHMS + rhythm.id).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            site.id.as_('site'),
            rhythm.department.as_('department'),
            date.sql_cast(Literal(start)).as_('half_from'),
            date.sql_cast(Literal(end)).as_('half_to'),
            # A sub-query cast would be sent as a parameter by PostgreSQL's
            # Cast: there the maximum is a date already
            (date.sql_cast(last) if backend.name == 'sqlite' else last
                ).as_('last_contest'),
            where=~Exists(held))
