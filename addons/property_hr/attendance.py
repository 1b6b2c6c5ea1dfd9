# This file is part of the property-management suite.
"""The monthly attendance report (考勤, seed 002 1.1.3: the attendance
clerk reports the attendance of the department on the 25th of each month):
per employee of a site and month, the shifts rostered, worked on time,
late, missed and on leave, the days on leave and the overtime"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, MonthMixin, to_office)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool
from trytond.pyson import Eval

from .leave import TAKEN

# Seed 002 1.1.3: the attendance is reported on the 25th of each month;
# the report of a month is due on the 25th of the month after it, once
# the month is over.
REPORT_DAY = 25
HOURS = Decimal('0.01')


class AttendanceReport(CheckValuesMixin, StampMixin, WorkflowGuardMixin,
        StateAuditMixin, MonthMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.attendance.report'
    __string__ = "Monthly Attendance Report"
    _maintained_fields = ('computed_at', 'reported_by', 'reported_at')
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    month = fields.Date("Month", required=True, states=_states,
        help="The first day of the month reported.")
    due_date = fields.Function(fields.Date("Due",
            help="The 25th of the month after."),
        'get_due_date')
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue')
    lines = fields.One2Many('property.attendance.report.line', 'report',
        "Employees", readonly=True)
    computed_at = fields.DateTime("Computed at", readonly=True)
    reported_by = fields.Many2One('res.user', "Reported by", readonly=True)
    reported_at = fields.DateTime("Reported at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('reported', "Reported"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_month_unique', Unique(t, t.site, t.month),
                'property_hr.msg_attendance_report_unique'),
            ]
        cls._order = [('month', 'DESC'), ('site', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'reported'), ('reported', 'draft')}
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'report': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'reported',
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
        return today.replace(day=1) - relativedelta(months=1)

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.month:%Y-%m}'

    @property
    def company(self):
        "The company of the site (the printed report's header)"
        return self.site.company

    def get_due_date(self, name):
        return (self.month + relativedelta(months=1)).replace(day=REPORT_DAY)

    def get_overdue(self, name):
        if self.state == 'reported':
            return to_office(self.reported_at, self.site.company).date() \
                > self.due_date
        return Pool().get('ir.date').today() > self.due_date

    def employees(self):
        "The employees of the site rostered or on leave in the month"
        pool = Pool()
        Line = pool.get('property.roster.line')
        Leave = pool.get('property.leave')
        end = self.month + relativedelta(months=1)
        employees = {l.employee for l in Line.search([
                    ('roster.site', '=', self.site.id),
                    ('date', '>=', self.month),
                    ('date', '<', end),
                    ])}
        employees |= {l.employee for l in Leave.search([
                    ('site', '=', self.site.id),
                    ('state', 'in', TAKEN),
                    ('start', '<', end),
                    ('end', '>=', self.month),
                    ])}
        return sorted(employees, key=lambda e: e.rec_name)

    def figures(self, employee):
        "The attendance of the employee at the site in the month"
        pool = Pool()
        Line = pool.get('property.roster.line')
        Leave = pool.get('property.leave')
        Attendance = pool.get('attendance.line')
        end = self.month + relativedelta(months=1)
        company = employee.company
        lines = Line.search([
                ('employee', '=', employee.id),
                ('roster.site', '=', self.site.id),
                ('date', '>=', self.month),
                ('date', '<', end),
                ])
        counts = defaultdict(int)
        for line in lines:
            counts[line.attendance] += 1
        leave_days = 0
        for leave in Leave.search([
                    ('employee', '=', employee.id),
                    ('site', '=', self.site.id),
                    ('state', 'in', TAKEN),
                    ('start', '<', end),
                    ('end', '>=', self.month),
                    ]):
            first = max(leave.start, self.month)
            last = min(leave.taken_until(), end - dt.timedelta(days=1))
            leave_days += max((last - first).days + 1, 0)
        # Overtime: clocked out after the end of a rostered shift, and
        # whole times clocked on a day without a shift of the employee
        clocked = Attendance.search([
                ('employee', '=', employee.id),
                ('date', '>=', self.month - dt.timedelta(days=1)),
                ('date', '<=', end),
                ], order=[('at', 'ASC'), ('id', 'ASC')])
        pairs, start = [], None
        for attendance in clocked:
            at = to_office(attendance.at, company)
            if attendance.type == 'in':
                start = at
            elif start is not None:
                pairs.append((start, at))
                start = None
        rostered = [l for l in Line.search([
                    ('employee', '=', employee.id),
                    ('date', '>=', self.month - dt.timedelta(days=1)),
                    ('date', '<=', end),
                    ]) if not l.leave]
        overtime = dt.timedelta()
        for begin, finish in pairs:
            if not (self.month <= begin.date() < end):
                continue
            shifts = [l.interval for l in rostered
                if l.interval[0] - dt.timedelta(hours=4) <= begin
                < l.interval[1]]
            if shifts:
                overtime += max(finish - max(e for _, e in shifts),
                    dt.timedelta())
            else:
                overtime += finish - begin
        hours = (Decimal(overtime.total_seconds()) / 3600).quantize(HOURS)
        return {
            'rostered': len(lines),
            'present': counts['present'],
            'late': counts['late'],
            'absent': counts['absent'],
            'leave_shifts': counts['leave'],
            'leave_days': leave_days,
            'overtime': hours,
            }

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, reports):
        pass

    @classmethod
    @ModelView.button
    def compute(cls, reports):
        "Fill the report from the rosters, the leaves and the clock-ins"
        pool = Pool()
        Line = pool.get('property.attendance.report.line')
        reports = [r for r in reports if r.state == 'draft']
        Line.delete([l for r in reports for l in r.lines])
        Line.create([dict(report=r.id, employee=e.id, **r.figures(e))
                for r in reports for e in r.employees()])
        cls.stamp(reports, at='computed_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('reported')
    def report(cls, reports):
        "Reported to the administration and personnel department"
        for report in reports:
            if not report.lines:
                raise ValidationError(gettext(
                        'property_hr.msg_attendance_report_empty',
                        report=report.rec_name))
        cls.stamp(reports, by='reported_by', at='reported_at')


class AttendanceReportLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.attendance.report.line'
    __string__ = "Monthly Attendance"
    report = fields.Many2One('property.attendance.report', "Report",
        required=True, ondelete='CASCADE', readonly=True)
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT', readonly=True)
    rostered = fields.Integer("Shifts Rostered", readonly=True)
    present = fields.Integer("On Time", readonly=True)
    late = fields.Integer("Late", readonly=True)
    absent = fields.Integer("Absent", readonly=True)
    leave_shifts = fields.Integer("Shifts on Leave", readonly=True)
    leave_days = fields.Integer("Days on Leave", readonly=True)
    overtime = fields.Numeric("Overtime (h)", digits=(6, 2), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('report', 'ASC'), ('id', 'ASC')]


class AttendanceReportPrint(HTMLReport):
    "Monthly Attendance Report (月度考勤表)"
    __name__ = 'property.attendance.report.print'
