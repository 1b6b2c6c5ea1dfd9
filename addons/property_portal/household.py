# This file is part of the property-management suite.
"""An owner's request, sent from the portal, to add a family member or a
tenant to the household of a home: the front desk approves it (the
resident is registered as the suite registers residents) or refuses it
with a reason the owner reads in the portal"""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool
from trytond.pyson import Eval

REQUEST_ROLES = [
    ('family', "Family Member"),
    ('tenant', "Tenant"),
    ]
REQUEST_STATES = [
    ('requested', "Requested"),
    ('approved', "Approved"),
    ('refused', "Refused"),
    ]


class HouseholdRequest(StampMixin, WorkflowGuardMixin, CheckValuesMixin,
        StateAuditMixin, site_from('unit'), Workflow, ModelSQL, ModelView):
    __name__ = 'property.portal.household_request'
    __string__ = "Household Request"
    _maintained_fields = ('unit', 'requested_by', 'requested_at',
        'decided_by', 'decided_at', 'resident')
    _states = {'readonly': Eval('state') != 'requested'}
    unit = fields.Many2One('property.unit', "Home", required=True,
        readonly=True, ondelete='CASCADE')
    requested_by = fields.Many2One('party.party', "Requested by",
        required=True, readonly=True, ondelete='CASCADE',
        help="The owner of the home who asked in the portal.")
    requested_at = fields.DateTime("Requested at", readonly=True)
    role = fields.Selection(REQUEST_ROLES, "Role", required=True,
        states=_states)
    role_string = role.translated('role')
    name = fields.Char("Name", required=True, strip=True, states=_states)
    phone = fields.Char("Phone", states=_states)
    relation = fields.Char("Relation", states=_states,
        help="Relation to the owner, e.g. spouse, child, parent.")
    from_date = fields.Date("From Date", states=_states)
    to_date = fields.Date("To Date", states=_states)
    refusal_reason = fields.Text("Reason for Refusal", states=_states,
        help="Told to the owner in the portal.")
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    decided_at = fields.DateTime("Decided at", readonly=True)
    resident = fields.Many2One('property.unit.resident', "Resident",
        readonly=True, ondelete='SET NULL',
        help="The resident registered on approval.")
    state = fields.Selection(REQUEST_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.unit, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'requested'),
                })
        cls._order = [('requested_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'approved'),
            ('requested', 'refused'),
            }
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

    def get_rec_name(self, name):
        return f'{self.name} → {self.unit.rec_name}'

    @classmethod
    def validate(cls, requests):
        super().validate(requests)
        for request in requests:
            request.check_dates()

    def check_dates(self):
        # a tenant lives in the home for the dates of the lease
        if self.role == 'tenant' and not (self.from_date and self.to_date):
            raise ValidationError(gettext(
                    'property_portal.msg_request_tenant_dates',
                    request=self.rec_name))
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValidationError(gettext(
                    'property_portal.msg_request_dates_order',
                    request=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, requests):
        """Register each person as a resident of the home (a new person,
        with the mobile phone given)"""
        pool = Pool()
        Party = pool.get('party.party')
        Resident = pool.get('property.unit.resident')
        Date = pool.get('ir.date')
        today = Date.today()
        parties = Party.create([{
                    'name': r.name,
                    'contact_mechanisms': [('create', [{
                                    'type': 'mobile', 'value': r.phone}])]
                    if r.phone else [],
                    } for r in requests])
        residents = Resident.create([{
                    'unit': r.unit.id,
                    'party': p.id,
                    'role': r.role,
                    'relation': r.relation,
                    'from_date': r.from_date or today,
                    'to_date': r.to_date,
                    } for r, p in zip(requests, parties)])
        for request, resident in zip(requests, residents):
            request.resident = resident
        cls.save(requests)
        cls.stamp(requests, by='decided_by', at='decided_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        for request in requests:
            if not (request.refusal_reason or '').strip():
                raise UserError(gettext(
                        'property_portal.msg_request_refusal_reason',
                        request=request.rec_name))
        cls.stamp(requests, by='decided_by', at='decided_at')
