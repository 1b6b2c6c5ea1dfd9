# This file is part of the property-management suite.
"The visitors' register of the front desk (来客登记)"
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.site import UnitSiteMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin, acting_employee)
from trytond.pyson import Eval

DESTINATIONS = [
    ('home', "A Home"),
    ('office', "Management Office"),
    ('control_room', "Control Room"),
    ('archive_room', "Archive Room"),
    ]
# Seed 001 安全保密制度 3: outsiders enter the control room (监控室) and the
# archive room (档案室) only with a superior's approval, and registered.
RESTRICTED = {'control_room', 'archive_room'}
VISITOR_STATES = [
    ('draft', "Registered"),
    ('approved', "Approved"),
    ('in', "In"),
    ('left', "Left"),
    ('cancelled', "Cancelled"),
    ]


class Visitor(UnitSiteMixin, StampMixin, WorkflowGuardMixin,
        CheckValuesMixin, StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.visitor'
    __string__ = "Visitor"
    _maintained_fields = ('date', 'arrived_at', 'let_in_by', 'left_at',
        'approved_by', 'approved_at')
    _states = {'readonly': ~Eval('state').in_(['draft', 'approved'])}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    name = fields.Char("Visitor", required=True, strip=True, states=_states)
    phone = fields.Char("Phone", states=_states)
    people = fields.Integer("People", required=True, states=_states,
        domain=[('people', '>', 0)],
        help="How many come in together.")
    destination = fields.Selection(DESTINATIONS, "Visiting", required=True,
        states=_states)
    destination_string = destination.translated('destination')
    # Not a required field: a missing home is refused with the seed's
    # reason (check_home) rather than the generic message.
    unit = fields.Many2One('property.unit', "Home", ondelete='RESTRICT',
        domain=[('site', '=', Eval('site', -1))],
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('destination') != 'home',
            },
        help="The room number the visitor gives at the gate.")
    host = fields.Char("Host", states=_states,
        help="The resident or member of staff visited.")
    purpose = fields.Char("Purpose", required=True, states=_states)
    date = fields.Date("Date", readonly=True,
        help="The office day the visitor came in.")
    arrived_at = fields.DateTime("Arrived at", readonly=True)
    let_in_by = fields.Many2One('res.user', "Let in by", readonly=True,
        ondelete='RESTRICT')
    left_at = fields.DateTime("Left at", readonly=True)
    approved_by = fields.Many2One('company.employee', "Approved by",
        readonly=True, ondelete='RESTRICT',
        help="The manager who agreed to the entry (须经上级批准).")
    approved_at = fields.DateTime("Approved at", readonly=True)
    needs_approval = fields.Function(fields.Boolean("Needs Approval"),
        'on_change_with_needs_approval')
    notes = fields.Text("Notes")
    state = fields.Selection(VISITOR_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.site, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft', 'approved', 'in'])),
                })
        cls._order = [('arrived_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'approved'),
            ('draft', 'in'),
            ('approved', 'in'),
            ('in', 'left'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': ((Eval('state') != 'draft')
                        | ~Eval('needs_approval')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'needs_approval'],
                    },
                'admit': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'leave': {
                    'invisible': Eval('state') != 'in',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_destination():
        return 'home'

    @staticmethod
    def default_people():
        return 1

    @fields.depends('destination')
    def on_change_with_needs_approval(self, name=None):
        return self.destination in RESTRICTED

    @fields.depends('destination', 'unit')
    def on_change_destination(self):
        if self.destination != 'home':
            self.unit = None


    def get_rec_name(self, name):
        where = self.unit.rec_name if self.unit else self.destination_string
        return f'{self.name} → {where}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'unit.code', 'host'))

    @classmethod
    def validate(cls, visitors):
        super().validate(visitors)
        for visitor in visitors:
            visitor.check_home()

    def check_home(self):
        # Seed 000: a resident's guest gives the room number at the gate.
        if self.destination == 'home' and not self.unit:
            raise ValidationError(gettext(
                    'property_frontdesk.msg_visitor_no_home',
                    visitor=self.name))
        if self.destination != 'home' and self.unit:
            raise ValidationError(gettext(
                    'property_frontdesk.msg_visitor_home_not_visited',
                    visitor=self.name))

    @classmethod
    def _check_state(cls, visitors, states, message):
        for visitor in visitors:
            if visitor.state not in states:
                raise UserError(gettext(message, visitor=visitor.rec_name,
                        state=visitor.state_string))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, visitors):
        for visitor in visitors:
            if not visitor.needs_approval:
                raise UserError(gettext(
                        'property_frontdesk.msg_visitor_no_approval_needed',
                        visitor=visitor.rec_name))
        approver = acting_employee(
            'property_frontdesk.msg_visitor_approver_no_employee')
        cls.stamp(visitors, at='approved_at', approved_by=approver.id)

    @classmethod
    @ModelView.button
    @Workflow.transition('in')
    def admit(cls, visitors):
        for visitor in visitors:
            if visitor.needs_approval and not visitor.approved_by:
                raise UserError(gettext(
                        'property_frontdesk.msg_visitor_needs_approval',
                        visitor=visitor.rec_name))
        cls.stamp(visitors, by='let_in_by', at='arrived_at', on='date')

    @classmethod
    @ModelView.button
    @Workflow.transition('left')
    def leave(cls, visitors):
        cls.stamp(visitors, at='left_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, visitors):
        pass


class VisitorSlip(HTMLReport):
    "Visitor Registration (来客登记单)"
    __name__ = 'property.visitor.slip'
