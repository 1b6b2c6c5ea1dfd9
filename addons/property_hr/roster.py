# This file is part of the property-management suite.
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.exceptions import UserError
from trytond.modules.property_base.common import (
    CheckValuesMixin, MonthMixin, clock, to_office, to_utc)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)

from .leave import on_leave_domain

# Next month's roster is published by the 25th of the month before: the
# suite's default for the roster deadline (no seed sets one; seed 002 1.1.3
# sets the 25th for the monthly attendance report, see attendance.py).
PUBLISH_DAY = 25


class Shift(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.shift'
    __string__ = "Shift"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    start = fields.Time("Start", required=True)
    end = fields.Time("End", required=True,
        help="Before the start for a night shift ending the next day.")
    break_start = fields.Time("Break from",
        help="The break (e.g. lunch) the staff of the shift take off duty.")
    break_end = fields.Time("Break to")
    hours = fields.Function(fields.Numeric("Hours", digits=(4, 2),
            help="The hours on duty: the shift without its break."),
        'get_hours')

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

    def break_interval(self, date):
        "The break of the shift worked on date, or None"
        if self.break_start is None or self.break_end is None:
            return None
        start, _ = self.interval(date)
        begin = dt.datetime.combine(date, self.break_start)
        if begin < start:
            begin += dt.timedelta(days=1)
        finish = dt.datetime.combine(begin.date(), self.break_end)
        if finish <= begin:
            finish += dt.timedelta(days=1)
        return begin, finish

    def duty_intervals(self, date):
        "The times on duty of the shift worked on date: around its break"
        start, end = self.interval(date)
        pause = self.break_interval(date)
        if not pause:
            return [(start, end)]
        return [(start, pause[0]), (pause[1], end)]

    def get_hours(self, name):
        seconds = sum((e - s).total_seconds()
            for s, e in self.duty_intervals(dt.date(2000, 1, 3)))
        return (Decimal(seconds) / 3600).quantize(Decimal('0.01'))

    @classmethod
    def validate_fields(cls, shifts, field_names):
        super().validate_fields(shifts, field_names)
        for shift in shifts:
            if (shift.break_start is None) != (shift.break_end is None):
                raise ValidationError(gettext(
                        'property_hr.msg_shift_break',
                        shift=shift.rec_name))
            pause = shift.break_interval(dt.date(2000, 1, 3))
            if pause:
                start, end = shift.interval(dt.date(2000, 1, 3))
                if not (start <= pause[0] < pause[1] <= end):
                    raise ValidationError(gettext(
                            'property_hr.msg_shift_break',
                            shift=shift.rec_name))


class Roster(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin, MonthMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.roster'
    __string__ = "Roster"
    _maintained_fields = ('published_at', 'published_by', 'gaps_accepted')
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
    gap_reason = fields.Text("Reason for Publishing with Gaps",
        states=_states,
        help="Why a manager publishes a roster that leaves a post "
        "under-staffed (服务台内严禁空岗).")
    gaps_accepted = fields.Text("Gaps Accepted", readonly=True,
        help="The staffing gaps the roster was published with.")
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

    def staffing_gaps(self, off=()):
        """The times the roster leaves its post under its minimum staffing:
        (date, start, end, on duty, minimum) in office time; a shift on
        approved leave or on its break does not count, nor those of off
        (ids of roster lines about to be taken off)"""
        pool = Pool()
        Staffing = pool.get('property.staffing')
        Line = pool.get('property.roster.line')
        rules = Staffing.search([
                ('site', '=', self.site.id),
                ('post', '=', self.post.id),
                ])
        if not rules:
            return []
        end_month = self.month + relativedelta(months=1)
        lines = Line.search([
                ('roster.site', '=', self.site.id),
                ('roster.post', '=', self.post.id),
                ('date', '>=', self.month - dt.timedelta(days=1)),
                ('date', '<', end_month),
                ('leave', '=', None),
                ])
        off = set(off)
        duties = [i for l in lines if l.id not in off
            for i in l.shift.duty_intervals(l.date)]
        gaps = []
        date = self.month
        while date < end_month:
            for rule in rules:
                if not rule.applies(date):
                    continue
                start, end = rule.window(date)
                points = {start, end} | {p for i in duties for p in i
                    if start < p < end}
                points = sorted(points)
                gap = None
                for begin, finish in zip(points, points[1:]):
                    count = sum(1 for s, e in duties if s <= begin < e)
                    if count < rule.minimum:
                        if gap and gap[2] == begin and gap[3] == count:
                            gap[2] = finish
                        else:
                            gap = [date, begin, finish, count, rule.minimum]
                            gaps.append(gap)
                    else:
                        gap = None
            date += dt.timedelta(days=1)
        return [tuple(g) for g in sorted(gaps)]

    def format_gaps(self, gaps, limit=3):
        text = '; '.join(gettext('property_hr.msg_staffing_gap',
                date=date, start=f'{start:%H:%M}', end=f'{end:%H:%M}',
                post=self.post.rec_name, count=count, minimum=minimum)
            for date, start, end, count, minimum in gaps[:limit])
        if len(gaps) > limit:
            text += ' ' + gettext('property_hr.msg_staffing_more_gaps',
                count=len(gaps) - limit)
        return text

    @classmethod
    def check_no_new_gaps(cls, rosters, message, off, **variables):
        """Refuse, before it is made, a change that takes the shifts off
        (ids of roster lines) and leaves a published roster under-staffed
        where it was not (an approved leave)"""
        for roster in rosters:
            before = set(roster.staffing_gaps())
            new = sorted(set(roster.staffing_gaps(off=off)) - before)
            if new:
                raise UserError(gettext(message,
                        roster=roster.rec_name,
                        gaps=roster.format_gaps(new), **variables))

    @classmethod
    def is_manager(cls):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        manager = ModelData.get_id('property_base', 'group_property_manager')
        return Transaction().user == 0 or manager in User.get_groups()

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, rosters):
        """Published by the deadline, by a supervisor; late or with a
        staffing gap only by a manager, the gap with a reason"""
        today = Pool().get('ir.date').today()
        is_manager = cls.is_manager()
        for roster in rosters:
            if today > roster.deadline and not is_manager:
                raise UserError(gettext('property_hr.msg_roster_late',
                        roster=roster.rec_name, deadline=roster.deadline))
            gaps = roster.staffing_gaps()
            roster.gaps_accepted = None
            if gaps:
                if not (roster.gap_reason or '').strip():
                    raise UserError(gettext('property_hr.msg_roster_gap',
                            roster=roster.rec_name,
                            gaps=roster.format_gaps(gaps)))
                if not is_manager:
                    raise UserError(gettext(
                            'property_hr.msg_roster_gap_manager',
                            roster=roster.rec_name,
                            gaps=roster.format_gaps(gaps)))
                roster.gaps_accepted = roster.format_gaps(
                    gaps, limit=len(gaps))
        for roster in rosters:
            roster.published_at = clock()
            roster.published_by = Transaction().user
        cls.save(rosters)

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


class RosterLine(CheckValuesMixin, WorkflowGuardMixin, ModelSQL, ModelView):
    __name__ = 'property.roster.line'
    __string__ = "Roster Shift"
    # No workflow of its own: only the leave is the suite's (its approval
    # takes the shift off the roster, the return puts it back)
    _maintained_fields = ('leave',)
    # (a published roster's shifts are read only, also when opened from
    # the roster calendar rather than from their roster)
    _states = {'readonly': Eval('roster_state', 'draft') != 'draft'}
    roster = fields.Many2One('property.roster', "Roster", required=True,
        ondelete='CASCADE', states=_states)
    date = fields.Date("Date", required=True, states=_states)
    shift = fields.Many2One('property.shift', "Shift", required=True,
        ondelete='RESTRICT', states=_states)
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT', states=_states)
    del _states
    roster_state = fields.Function(fields.Selection([
                ('draft', "Draft"),
                ('published', "Published"),
                ], "Roster State"), 'on_change_with_roster_state')
    leave = fields.Many2One('property.leave', "Leave", readonly=True,
        ondelete='SET NULL',
        help="The approved leave that takes the shift off the roster.")
    # the shift on the office's clock, for the roster's calendar
    start = fields.Function(fields.DateTime("Start"),
        'get_times', searcher='search_times')
    end = fields.Function(fields.DateTime("End"),
        'get_times', searcher='search_times')
    attendance = fields.Function(fields.Selection([
                (None, ""),
                ('planned', "Planned"),
                ('present', "Present"),
                ('late', "Late"),
                ('absent', "Absent"),
                ('leave', "On Leave"),
                ], "Attendance"), 'get_attendance')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.employee, Index.Range()),
                (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('shift', 'ASC'), ('id', 'ASC')]

    @classmethod
    def initial_state(cls):
        return None

    def get_rec_name(self, name):
        return f'{self.date} {self.shift.rec_name} {self.employee.rec_name}'

    @property
    def interval(self):
        return self.shift.interval(self.date)

    @fields.depends('roster', '_parent_roster.state')
    def on_change_with_roster_state(self, name=None):
        return self.roster.state if self.roster else 'draft'

    @classmethod
    def get_times(cls, lines, names):
        "The stored (UTC) start and end of the shifts worked at the office"
        result = {n: {} for n in names}
        for line in lines:
            times = dict(zip(['start', 'end'], line.interval))
            for name in names:
                result[name][line.id] = to_utc(
                    times[name], line.roster.site.company)
        return result

    @classmethod
    def search_times(cls, name, clause):
        """The lines whose shift starts (or ends) as the clause asks: on
        each shift's dates, as the calendar asks for a week or a month"""
        pool = Pool()
        Shift = pool.get('property.shift')
        _, operator, value = clause[:3]
        if operator not in {'<', '<=', '>', '>=', '=', '!='} \
                or not isinstance(value, dt.datetime):
            if operator in {'=', '!='} and value is None:
                # (a shift always has its times)
                return [('id', operator, None)]
            raise ValueError(f"{name} {operator} {value!r}")
        office = to_office(value)
        domain = ['OR']
        with without_check_access():
            shifts = Shift.search([])
        for shift in shifts:
            # the shift starts (ends) at its date + offset
            start, end = shift.interval(dt.date(2000, 1, 3))
            offset = ((start if name == 'start' else end)
                - dt.datetime(2000, 1, 3))
            limit = office - offset
            day, at_midnight = limit.date(), limit.time() == dt.time()
            if operator == '=':
                if not at_midnight:
                    continue
                date_clause = ('date', '=', day)
            elif operator == '!=':
                date_clause = (('date', '!=', day) if at_midnight
                    else ('id', '!=', None))
            elif operator == '<' and not at_midnight:
                date_clause = ('date', '<=', day)
            elif operator == '>=' and not at_midnight:
                date_clause = ('date', '>', day)
            else:
                date_clause = ('date', operator, day)
            domain.append([('shift', '=', shift.id), date_clause])
        return domain if len(domain) > 1 else [('id', '=', None)]

    @property
    def due_at(self):
        """When the employee must be at the post: before the shift by the
        post's arrival time (seed 001)"""
        start, _ = self.interval
        return start - dt.timedelta(minutes=self.roster.post.arrive_before)

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        cls.check_lines(lines)

    @classmethod
    def check_lines(cls, lines):
        Leave = Pool().get('property.leave')
        by_employee = defaultdict(list)
        for line in lines:
            roster = line.roster
            if line.date.replace(day=1) != roster.month:
                raise ValidationError(gettext(
                        'property_hr.msg_roster_line_month',
                        line=line.rec_name, roster=roster.rec_name))
            line.employee.check_qualified(roster.post, line.date)
            if not line.leave:
                leaves = Leave.search([
                        ('employee', '=', line.employee.id),
                        ] + on_leave_domain(line.date), limit=1)
                if leaves:
                    leave, = leaves
                    raise ValidationError(gettext(
                            'property_hr.msg_roster_line_on_leave',
                            line=line.rec_name, leave=leave.rec_name))
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
                    if other.id == line.id or other.leave or line.leave:
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
            if line.leave:
                result[line.id] = 'leave'
                continue
            start, _ = line.interval
            # The shifts are in office time, the clock-ins stored in UTC
            company = line.employee.company
            ins = sorted(to_office(a.at, company)
                for a in clocked[(line.employee.id, line.date)])
            if ins:
                late = ins[0] > line.due_at
                result[line.id] = 'late' if late else 'present'
            elif start > to_office(now, company):
                result[line.id] = 'planned'
            else:
                result[line.id] = 'absent'
        return result


class RosterSwap(CheckValuesMixin, StampMixin, WorkflowGuardMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.roster.swap'
    __string__ = "Shift Swap"
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
        """The replacement takes the shift, checked like any roster line;
        a replacement on leave that day would leave the post unstaffed
        (有人接替方可离开). The swap changes no count of staff on duty."""
        pool = Pool()
        Line = pool.get('property.roster.line')
        Leave = pool.get('property.leave')
        for swap in swaps:
            leaves = Leave.search([
                    ('employee', '=', swap.employee.id),
                    ] + on_leave_domain(swap.line.date), limit=1)
            if leaves:
                raise UserError(gettext('property_hr.msg_swap_on_leave',
                        employee=swap.employee.rec_name,
                        line=swap.line.rec_name, leave=leaves[0].rec_name))
        for swap in swaps:
            # a shift taken off for a leave is covered by the replacement
            Line.write([swap.line], {'employee': swap.employee.id,
                    'leave': None})
        cls.stamp(swaps, by='decided_by')

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, swaps):
        cls.stamp(swaps, by='decided_by')
