# This file is part of the property-management suite.

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import CheckValuesMixin, now
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)

from .ticket import OPEN_STATES


class ShiftHandover(CheckValuesMixin, StampMixin, WorkflowGuardMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.shift.handover'
    __string__ = "Shift Handover"
    _maintained_fields = ('from_confirmed_at', 'to_confirmed_at')
    # 交接班: handed over face to face, both sign (seed 001).
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    date = fields.DateTime("Date", required=True, states=_states)
    from_employee = fields.Many2One('company.employee', "Handed over by",
        required=True, ondelete='RESTRICT', states=_states)
    to_employee = fields.Many2One('company.employee', "Taken over by",
        required=True, ondelete='RESTRICT', states=_states)
    items = fields.Text("Items Handed Over", states=_states,
        help="Keys, radios, owners' deposited items, with quantities.")
    notes = fields.Text("Notes", states=_states)
    tickets = fields.Many2Many('property.shift.handover-property.ticket',
        'handover', 'ticket', "Open Tickets", readonly=True,
        help="The site's open tickets when the handover was recorded.")
    from_confirmed_at = fields.DateTime("Confirmed by giver at",
        readonly=True)
    to_confirmed_at = fields.DateTime("Confirmed by taker at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'confirmed')}
        cls._buttons.update({
                'confirm_from': {
                    'invisible': ((Eval('state') != 'draft')
                        | Bool(Eval('from_confirmed_at'))),
                    'depends': ['state', 'from_confirmed_at'],
                    },
                'confirm_to': {
                    'invisible': ((Eval('state') != 'draft')
                        | Bool(Eval('to_confirmed_at'))),
                    'depends': ['state', 'to_confirmed_at'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return now()

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.date:%Y-%m-%d %H:%M}'

    @classmethod
    def validate(cls, handovers):
        super().validate(handovers)
        for handover in handovers:
            if handover.from_employee == handover.to_employee:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_handover_same_employee'))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Ticket = pool.get('property.ticket')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('site') and 'tickets' not in values:
                values['tickets'] = [('add', [t.id for t in Ticket.search([
                                    ('site', '=', values['site']),
                                    ('state', 'in', OPEN_STATES),
                                    ])])]
        return super().create(vlist)

    @classmethod
    @ModelView.button
    def confirm_from(cls, handovers):
        cls.stamp(handovers, at='from_confirmed_at')
        cls.confirm([h for h in handovers if h.to_confirmed_at])

    @classmethod
    @ModelView.button
    def confirm_to(cls, handovers):
        cls.stamp(handovers, at='to_confirmed_at')
        cls.confirm([h for h in handovers if h.from_confirmed_at])

    @classmethod
    @Workflow.transition('confirmed')
    def confirm(cls, handovers):
        pass


class ShiftHandoverTicket(CheckValuesMixin, ModelSQL):
    __name__ = 'property.shift.handover-property.ticket'
    __string__ = "Shift Handover - Ticket"
    handover = fields.Many2One('property.shift.handover', "Handover",
        required=True, ondelete='CASCADE')
    ticket = fields.Many2One('property.ticket', "Ticket", required=True,
        ondelete='CASCADE')
