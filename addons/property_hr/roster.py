# This file is part of the property-management suite.
import datetime as dt
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.exceptions import UserError
from trytond.modules.property_base.common import (
    MonthMixin, clock, to_office)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.modules.property_base.workflow import WorkflowGuardMixin

# Next month's roster is published by the 25th (seed 002).
PUBLISH_DAY = 25
LATE_MINUTES = 5


class Shift(ModelSQL, ModelView):
    "Shift"
    __name__ = 'property.shift'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    start = fields.Time("Start", required=True)
    end = fields.Time("End", required=True,
        help="Before the start for a night shift ending the next day.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'property_hr.msg_shift_code_unique'),
            ]
        cls._order.insert(0, ('start', 'ASC'))

    def interval(self, date):
        start = dt.datetime.combine(date, self.start)
        end = dt.datetime.combine(date, self.end)
        if end <= start:
            end += dt.timedelta(days=1)
        return start, end


class Roster(WorkflowGuardMixin, MonthMixin, Workflow, ModelSQL, ModelView):
    "Roster"
    __name__ = 'property.roster'
    _maintained_fields = ('published_at', 'published_by')
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    post = fields.Many2One('property.post', "Post", required=True,
        ondelete='RESTRICT', states=_states)
    month = fields.Date("Month", required=True, states=_states,
        help="The first day of the month rostered.")
    deadline = fields.Function(fields.Date("Publish by"), 'get_deadline')
    lines = fields.One2Many('property.roster.line', 'roster', "Shifts",
        states=_states)
    published_at = fields.DateTime("Published at", readonly=True)
    published_by = fields.Many2One('res.user', "Published by", readonly=True)
    absences = fields.Function(fields.Integer("Absences"), 'get_attendance')
    lateness = fields.Function(fields.Integer("Late Arrivals"),
        'get_attendance')
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_post_month_unique', Unique(t, t.site, t.post, t.month),
                'property_hr.msg_roster_unique'),
            ]
        cls._order = [('month', 'DESC'), ('site', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'published'), ('published', 'draft')}
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_month(cls):
        today = Pool().get('ir.date').today()
        return today.replace(day=1) + relativedelta(months=1)

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.post.rec_name} {self.month:%Y-%m}'

    def get_deadline(self, name):
        return (self.month - relativedelta(months=1)).replace(
            day=PUBLISH_DAY)

    @classmethod
    def get_attendance(cls, rosters, names):
        result = {n: {r.id: 0 for r in rosters} for n in names}
        for roster in rosters:
            for line in roster.lines:
                if line.attendance == 'absent' and 'absences' in names:
                    result['absences'][roster.id] += 1
                if line.attendance == 'late' and 'lateness' in names:
                    result['lateness'][roster.id] += 1
        return result

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, rosters):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        today = pool.get('ir.date').today()
        manager = ModelData.get_id('property_base', 'group_property_manager')
        is_manager = (Transaction().user == 0
            or manager in User.get_groups())
        for roster in rosters:
            if today > roster.deadline and not is_manager:
                raise UserError(gettext('property_hr.msg_roster_late',
                        roster=roster.rec_name, deadline=roster.deadline))
        cls.write(rosters, {
                'published_at': clock(),
                'published_by': Transaction().user,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, rosters):
        pass

    @classmethod
    def remind_publication(cls, date=None):
        """Scheduled action: from the 20th, remind the supervisors of the
        sites whose roster of next month is not published"""
        pool = Pool()
        Site = pool.get('property.site')
        Cron = pool.get('ir.cron')
        if date is None:
            date = pool.get('ir.date').today()
        if date.day < PUBLISH_DAY - 5:
            return []
        month = date.replace(day=1) + relativedelta(months=1)
        published = {r.site for r in cls.search([
                    ('month', '=', month), ('state', '=', 'published')])}
        missing = [s for s in Site.search([]) if s not in published]
        deadline = month - relativedelta(months=1, day=PUBLISH_DAY)
        Cron.notify_sites('tryton-warning', 'property_hr.act_roster_form',
            'property_hr.msg_roster_reminder', missing,
            variables=lambda sites: {
                'sites': ', '.join(s.rec_name for s in sites),
                'deadline': deadline},
            site=lambda s: s)
        return missing


class RosterLine(ModelSQL, ModelView):
    "Roster Shift"
    __name__ = 'property.roster.line'
    roster = fields.Many2One('property.roster', "Roster", required=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    shift = fields.Many2One('property.shift', "Shift", required=True,
        ondelete='RESTRICT')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT')
    attendance = fields.Function(fields.Selection([
                (None, ""),
                ('planned', "Planned"),
                ('present', "Present"),
                ('late', "Late"),
                ('absent', "Absent"),
                ], "Attendance"), 'get_attendance')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.employee, Index.Range()),
                (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('shift', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.date} {self.shift.rec_name} {self.employee.rec_name}'

    @property
    def interval(self):
        return self.shift.interval(self.date)

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        cls.check_lines(lines)

    @classmethod
    def check_lines(cls, lines):
        by_employee = defaultdict(list)
        for line in lines:
            roster = line.roster
            if line.date.replace(day=1) != roster.month:
                raise ValidationError(gettext(
                        'property_hr.msg_roster_line_month',
                        line=line.rec_name, roster=roster.rec_name))
            line.employee.check_qualified(roster.post, line.date)
            by_employee[line.employee.id].append(line)
        for employee_id, employee_lines in by_employee.items():
            dates = [l.date for l in employee_lines]
            others = cls.search([
                    ('employee', '=', employee_id),
                    ('date', '>=', min(dates) - dt.timedelta(days=1)),
                    ('date', '<=', max(dates) + dt.timedelta(days=1)),
                    ])
            for line in employee_lines:
                start, end = line.interval
                for other in others:
                    if other.id == line.id:
                        continue
                    other_start, other_end = other.interval
                    if start < other_end and other_start < end:
                        raise ValidationError(gettext(
                                'property_hr.msg_roster_overlap',
                                employee=line.employee.rec_name,
                                line=line.rec_name, other=other.rec_name))

    @classmethod
    def get_attendance(cls, lines, name):
        "Compare the roster with the attendance clocked in (attendance)"
        pool = Pool()
        Attendance = pool.get('attendance.line')
        now = clock()
        result = {}
        if not lines:
            return result
        clocked = defaultdict(list)
        dates = [l.date for l in lines]
        for attendance in Attendance.search([
                    ('employee', 'in', list({l.employee.id for l in lines})),
                    ('type', '=', 'in'),
                    ('date', '>=', min(dates)),
                    ('date', '<=', max(dates)),
                    ]):
            clocked[(attendance.employee.id, attendance.date)].append(
                attendance)
        for line in lines:
            start, _ = line.interval
            # The shifts are in office time, the clock-ins stored in UTC
            company = line.employee.company
            ins = sorted(to_office(a.at, company)
                for a in clocked[(line.employee.id, line.date)])
            if ins:
                late = ins[0] > start + dt.timedelta(minutes=LATE_MINUTES)
                result[line.id] = 'late' if late else 'present'
            elif start > to_office(now, company):
                result[line.id] = 'planned'
            else:
                result[line.id] = 'absent'
        return result


class RosterSwap(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Shift Swap"
    __name__ = 'property.roster.swap'
    _maintained_fields = ('decided_by',)
    line = fields.Many2One('property.roster.line', "Shift", required=True,
        ondelete='CASCADE', states={'readonly': Eval('state') != 'requested'})
    employee = fields.Many2One('company.employee', "Replacement",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'requested'})
    reason = fields.Char("Reason",
        states={'readonly': Eval('state') != 'requested'})
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    state = fields.Selection([
            ('requested', "Requested"),
            ('approved', "Approved"),
            ('refused', "Refused"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'approved'), ('requested', 'refused')}
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'requested'

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, swaps):
        "The replacement takes the shift (checked like any roster line)"
        Line = Pool().get('property.roster.line')
        for swap in swaps:
            Line.write([swap.line], {'employee': swap.employee.id})
        cls.write(swaps, {'decided_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, swaps):
        cls.write(swaps, {'decided_by': Transaction().user})
