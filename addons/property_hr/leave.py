# This file is part of the property-management suite.
"""Leave and absence (请销假, seeds 001 and 002): an employee asks for leave,
the superior approves it, the employee is taken off the roster for its
days and reports back (销假) on return"""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, office_today)
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

KINDS = [
    ('annual', "Annual Leave"),
    ('sick', "Sick Leave"),
    ('personal', "Personal Leave"),
    ('marriage', "Marriage Leave"),
    ('bereavement', "Bereavement Leave"),
    ('maternity', "Maternity Leave"),
    ('compensatory', "Time Off in Lieu"),
    ]
# The leaves that take the employee off the roster
TAKEN = ['approved', 'returned']


def on_leave_domain(date):
    "The domain of the leaves that keep their employee away on the date"
    return [
        ('state', 'in', TAKEN),
        ('start', '<=', date),
        ('end', '>=', date),
        ['OR', ('returned_on', '=', None), ('returned_on', '>', date)],
        ]


class Leave(CheckValuesMixin, StampMixin, WorkflowGuardMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.leave'
    __string__ = "Leave"
    _maintained_fields = ('approved_by', 'approved_at')
    _states = {'readonly': Eval('state') != 'draft'}
    employee = fields.Many2One('company.employee', "Employee", required=True,
        ondelete='RESTRICT', states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    start = fields.Date("From", required=True, states=_states)
    end = fields.Date("To", required=True, states=_states,
        help="The last day of the leave.")
    reason = fields.Text("Reason", required=True, states=_states)
    days = fields.Function(fields.Integer("Days"), 'get_days')
    superior = fields.Function(fields.Many2One('company.employee',
            "Superior", help="The employee's supervisor, who approves."),
        'get_superior')
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_at = fields.DateTime("Approved at", readonly=True)
    returned_on = fields.Date("Back on",
        states={'readonly': Eval('state') != 'approved'},
        help="The day the employee is back at work (销假); today when left "
        "empty.")
    roster_lines = fields.One2Many('property.roster.line', 'leave',
        "Shifts Taken Off", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('requested', "Requested"),
            ('approved', "Approved"),
            ('refused', "Refused"),
            ('returned', "Returned"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.employee, Index.Range()),
                (t.start, Index.Range())))
        cls._order = [('start', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'approved'),
            ('requested', 'refused'),
            ('requested', 'draft'),
            ('approved', 'returned'),
            ('draft', 'cancelled'),
            ('requested', 'cancelled'),
            }
        cls._buttons.update({
                'request': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
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
                'draft': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'requested']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'personal'

    @classmethod
    def default_employee(cls):
        User = Pool().get('res.user')
        employee = User(Transaction().user).employee \
            if Transaction().user else None
        return employee.id if employee else None

    @fields.depends('employee', 'site', '_parent_employee.property_sites')
    def on_change_employee(self):
        if self.employee and not self.site and self.employee.property_sites:
            self.site = self.employee.property_sites[0]

    def get_rec_name(self, name):
        return (f'{self.employee.rec_name} {self.start}'
            + (f'–{self.end}' if self.end != self.start else ''))

    def get_days(self, name):
        if self.start and self.end:
            return (self.end - self.start).days + 1

    def get_superior(self, name):
        supervisor = self.employee.supervisor
        return supervisor.id if supervisor else None

    @classmethod
    def validate_fields(cls, leaves, field_names):
        super().validate_fields(leaves, field_names)
        if field_names & {'start', 'end', 'returned_on'}:
            for leave in leaves:
                if leave.end < leave.start:
                    raise ValidationError(gettext(
                            'property_hr.msg_leave_dates',
                            leave=leave.rec_name))
                if leave.returned_on and not (
                        leave.start <= leave.returned_on
                        <= leave.end + dt.timedelta(days=1)):
                    raise ValidationError(gettext(
                            'property_hr.msg_leave_return_date',
                            leave=leave.rec_name, date=leave.returned_on))

    def taken_until(self):
        "The last day the employee is away"
        if self.returned_on:
            return min(self.end, self.returned_on - dt.timedelta(days=1))
        return self.end

    def check_superior(self):
        "Only the employee's superior approves the leave (请假由上级批准)"
        User = Pool().get('res.user')
        if Transaction().user == 0:
            return
        if not self.employee.supervisor:
            raise UserError(gettext('property_hr.msg_leave_no_superior',
                    employee=self.employee.rec_name))
        if self.employee.supervisor.id not in User.get_employees():
            raise UserError(gettext('property_hr.msg_leave_not_superior',
                    leave=self.rec_name,
                    superior=self.employee.supervisor.rec_name))

    def check_overlap(self):
        "Two approved leaves of an employee do not overlap"
        others = self.search([
                ('employee', '=', self.employee.id),
                ('id', '!=', self.id),
                ('state', 'in', TAKEN),
                ('start', '<=', self.end),
                ('end', '>=', self.start),
                ])
        for other in others:
            if other.taken_until() >= self.start:
                raise UserError(gettext('property_hr.msg_leave_overlap',
                        leave=self.rec_name, other=other.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, leaves):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, leaves):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, leaves):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, leaves):
        for leave in leaves:
            leave.check_superior()

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, leaves):
        """The superior approves: the employee's shifts of those days are
        taken off the roster, which must still be staffed"""
        pool = Pool()
        Line = pool.get('property.roster.line')
        Roster = pool.get('property.roster')
        to_take = []
        for leave in leaves:
            leave.check_superior()
            leave.check_overlap()
            lines = Line.search([
                    ('employee', '=', leave.employee.id),
                    ('date', '>=', leave.start),
                    ('date', '<=', leave.end),
                    ('leave', '=', None),
                    ])
            if lines:
                to_take.append((lines, leave))
        rosters = list({l.roster for lines, _ in to_take for l in lines
                if l.roster.state == 'published'})
        Roster.check_no_new_gaps(rosters, 'property_hr.msg_leave_gap',
            off=[l.id for lines, _ in to_take for l in lines],
            change=', '.join(l.rec_name for l in leaves))
        cls.stamp(leaves, by='approved_by', at='approved_at')
        for lines, leave in to_take:
            Line.write(lines, {'leave': leave.id})

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def resume(cls, leaves):
        """The employee reports back (销假): the shifts from that day on are
        theirs again"""
        Line = Pool().get('property.roster.line')
        for leave in leaves:
            if not leave.returned_on:
                today = office_today(leave.employee.company)
                leave.returned_on = max(leave.start,
                    min(today, leave.end + dt.timedelta(days=1)))
        cls.save(leaves)
        for leave in leaves:
            lines = Line.search([
                    ('leave', '=', leave.id),
                    ('date', '>=', leave.returned_on),
                    ])
            if lines:
                Line.write(lines, {'leave': None})
