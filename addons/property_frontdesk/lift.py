# This file is part of the property-management suite.
"""Lift bookings (电梯预约): renovation materials and removals go up and
down in a lift booked at the desk, one booking at a time per lift, and
only once the lift's protection is in place"""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain, to_office)
from trytond.modules.property_base.site import UnitSiteMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pyson import Eval

PURPOSES = [
    ('renovation', "Renovation Materials"),
    ('removal', "Removal"),
    ('goods', "Large Goods"),
    ]
BOOKING_STATES = [
    ('draft', "Draft"),
    ('booked', "Booked"),
    ('in_use', "In Use"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
# the bookings that hold their lift
HOLDING = {'booked', 'in_use'}


class LiftBooking(UnitSiteMixin, StampMixin, WorkflowGuardMixin,
        CheckValuesMixin, StateAuditMixin, Workflow, ModelSQL, ModelView):
    "Lift Booking"
    __name__ = 'property.lift.booking'
    __string__ = "Lift Booking"
    _maintained_fields = ('booked_by', 'protection_checked_by', 'started_at',
        'finished_at')
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    building = fields.Many2One('property.building', "Building",
        required=True, ondelete='RESTRICT', states=_states,
        domain=[('site', '=', Eval('site', -1))])
    lift = fields.Char("Lift", required=True, strip=True, states=_states,
        help="The lift of the building booked, as the building names it: "
        "the goods lift, lift 2.")
    unit = fields.Many2One('property.unit', "Home", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('building', '=', Eval('building', -1))])
    purpose = fields.Selection(PURPOSES, "Purpose", required=True,
        states=_states)
    purpose_string = purpose.translated('purpose')
    contact = fields.Char("Contact", states=_states,
        help="Who carries the goods: the decoration company, the movers.")
    start = fields.DateTime("From", required=True, states=_states)
    end = fields.DateTime("To", required=True, states=_states,
)
    booked_by = fields.Many2One('res.user', "Booked by", readonly=True,
        ondelete='RESTRICT')
    protection = fields.Boolean("Lift Protection in Place",
        states={'readonly': ~Eval('state').in_(['draft', 'booked'])},
        help="The lift's walls and floor are covered before the goods go in "
             "(no renovation materials in an unprotected lift).")
    protection_checked_by = fields.Many2One('res.user',
        "Protection Checked by", readonly=True, ondelete='RESTRICT')
    started_at = fields.DateTime("Started at", readonly=True)
    finished_at = fields.DateTime("Finished at", readonly=True)
    notes = fields.Text("Notes")
    state = fields.Selection(BOOKING_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.building, Index.Equality()),
                    (t.start, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft', 'booked', 'in_use'])),
                })
        cls._order = [('start', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'booked'),
            ('booked', 'in_use'),
            ('in_use', 'done'),
            ('draft', 'cancelled'),
            ('booked', 'cancelled'),
            ('booked', 'draft'),
            }
        cls._buttons.update({
                'book': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'start_use': {
                    'invisible': Eval('state') != 'booked',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'finish': {
                    'invisible': Eval('state') != 'in_use',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'booked',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'booked']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_purpose():
        return 'renovation'

    @staticmethod
    def default_protection():
        return False

    @fields.depends('unit', 'building', '_parent_unit.building')
    def on_change_unit(self):
        super().on_change_unit()
        if self.unit:
            self.building = self.unit.building

    def get_rec_name(self, name):
        start = to_office(self.start)
        return (f'{self.building.rec_name} {self.lift} '
            f'{start:%Y-%m-%d %H:%M} {self.unit.rec_name}')

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('lift', 'unit.code', 'contact'))

    @classmethod
    def validate_fields(cls, bookings, field_names):
        super().validate_fields(bookings, field_names)
        if not field_names or field_names & {'start', 'end'}:
            for booking in bookings:
                if booking.end <= booking.start:
                    raise ValidationError(gettext(
                            'property_frontdesk.msg_lift_booking_dates',
                            booking=booking.rec_name))

    def overlapping(self):
        "The other bookings holding the same lift at the same time"
        lift = self.lift.strip().lower()
        return [b for b in self.search([
                    ('id', '!=', self.id),
                    ('building', '=', self.building.id),
                    ('state', 'in', list(HOLDING)),
                    ('start', '<', self.end),
                    ('end', '>', self.start),
                    ])
            if b.lift.strip().lower() == lift]

    @classmethod
    @ModelView.button
    @Workflow.transition('booked')
    def book(cls, bookings):
        # Seed 001 装修管理 25: no renovation materials in the lift at
        # will; the desk books the lift, one booking at a time (the
        # suite's reading), so two loads never wait for it together.
        cls.lock()
        for booking in bookings:
            others = booking.overlapping() + [b for b in bookings
                if b != booking and b.building == booking.building
                and b.lift.strip().lower() == booking.lift.strip().lower()
                and b.start < booking.end and booking.start < b.end]
            if others:
                raise UserError(gettext(
                        'property_frontdesk.msg_lift_booking_overlap',
                        booking=booking.rec_name,
                        other=others[0].rec_name))
        cls.stamp(bookings, by='booked_by')

    @classmethod
    @ModelView.button
    @Workflow.transition('in_use')
    def start_use(cls, bookings):
        # Seed 001 装修管理 25, 26: the lift's protection is in place before
        # the materials go in.
        for booking in bookings:
            if not booking.protection:
                raise UserError(gettext(
                        'property_frontdesk.msg_lift_booking_no_protection',
                        booking=booking.rec_name))
        cls.stamp(bookings, by='protection_checked_by', at='started_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def finish(cls, bookings):
        cls.stamp(bookings, at='finished_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, bookings):
        cls.write(bookings, {'booked_by': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, bookings):
        pass
