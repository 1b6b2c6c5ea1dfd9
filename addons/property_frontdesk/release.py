# This file is part of the property-management suite.
"Goods release slips (放行条): goods leave the estate with a numbered slip"
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company import CompanyReport
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, office_date, rec_name_domain)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.site import UnitSiteMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool
from trytond.pyson import Eval

SLIP_STATES = [
    ('draft', "Draft"),
    ('authorised', "Authorised"),
    ('released', "Released"),
    ('cancelled', "Cancelled"),
    ]


class ReleaseSlip(UnitSiteMixin, StampMixin, WorkflowGuardMixin,
        CheckValuesMixin, StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.release.slip'
    __string__ = "Goods Release Slip"
    _maintained_fields = ('number', 'issued_by', 'authorised_at',
        'released_at', 'released_by')
    _states = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True,
        help="Given when the slip is authorised.")
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    unit = fields.Many2One('property.unit', "Home", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('site', '=', Eval('site', -1))],
        help="The home the goods are taken out of.")
    date = fields.Date("Date", required=True, states=_states,
        help="The day the goods go out: the slip is valid on that day.")
    authoriser = fields.Many2One('party.party', "Authorised by",
        required=True, ondelete='RESTRICT', states=_states,
        help="The owner of the home, or its tenant with the owner's "
        "consent.")
    owner_consent = fields.Boolean("Owner's Consent", states=_states,
        help="The owner agreed that the tenant takes the goods out "
        "(a signed note or a call to the owner).")
    carrier = fields.Char("Carried by", required=True, states=_states,
        help="Who takes the goods out: a resident, a moving company.")
    vehicle = fields.Char("Vehicle", states=_states,
        help="The licence plate, if the goods leave by vehicle.")
    removal = fields.Boolean("Removal", states=_states,
        help="The residents move out (搬家): the removal is registered.")
    lines = fields.One2Many('property.release.slip.line', 'slip', "Goods",
        states=_states)
    issued_by = fields.Many2One('res.user', "Issued by", readonly=True,
        ondelete='RESTRICT')
    authorised_at = fields.DateTime("Authorised at", readonly=True)
    guard = fields.Many2One('company.employee', "Security Guard",
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'authorised'},
        help="The guard who checked the goods against the slip at the gate.")
    released_at = fields.DateTime("Released at", readonly=True)
    released_by = fields.Many2One('res.user', "Recorded by", readonly=True,
        ondelete='RESTRICT')
    notes = fields.Text("Notes")
    state = fields.Selection(SLIP_STATES, "State", readonly=True,
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
                    where=t.state.in_(['draft', 'authorised'])),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'authorised'),
            ('authorised', 'released'),
            ('draft', 'cancelled'),
            ('authorised', 'cancelled'),
            }
        cls._buttons.update({
                'authorise': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'release': {
                    'invisible': Eval('state') != 'authorised',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'authorised']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_owner_consent():
        return False

    @staticmethod
    def default_removal():
        return False


    def get_rec_name(self, name):
        return f'{self.number or "-"} {self.unit.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('number', 'unit.code', 'carrier'))

    def authorising_role(self):
        """The role in the home, on the slip's date, of who authorises it:
        'owner', 'tenant' or None"""
        unit = self.unit
        if any(o.party == self.authoriser
                for o in unit.current_ownerships(self.date)):
            return 'owner'
        for resident in unit.residents:
            if (resident.party == self.authoriser
                    and resident.role == 'tenant'
                    and (resident.from_date or self.date) <= self.date
                    and (resident.to_date is None
                        or self.date <= resident.to_date)):
                return 'tenant'

    def check_authoriser(self):
        # Seed 001 (开放行条): goods leave with a slip of the home's owner,
        # or of its tenant with the owner's consent (the suite's reading
        # of 租户迁入、迁出的有关手续), checked against the residents.
        role = self.authorising_role()
        if role is None:
            raise UserError(gettext(
                    'property_frontdesk.msg_release_not_resident',
                    party=self.authoriser.rec_name,
                    unit=self.unit.rec_name, date=self.date))
        if role == 'tenant' and not self.owner_consent:
            raise UserError(gettext(
                    'property_frontdesk.msg_release_no_owner_consent',
                    party=self.authoriser.rec_name,
                    unit=self.unit.rec_name))

    @classmethod
    def check_modification(cls, mode, slips, values=None, external=False):
        super().check_modification(
            mode, slips, values=values, external=external)
        if mode == 'delete':
            for slip in slips:
                if slip.number:
                    raise AccessError(gettext(
                            'property_frontdesk.msg_release_delete_numbered',
                            slip=slip.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('authorised')
    def authorise(cls, slips):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        for slip in slips:
            if not slip.lines:
                raise UserError(gettext(
                        'property_frontdesk.msg_release_no_goods',
                        slip=slip.rec_name))
            slip.check_authoriser()
        sequence = Sequence(ModelData.get_id(
                'property_frontdesk', 'sequence_release_slip'))
        for slip in sorted(slips, key=lambda s: s.id):
            slip.number = sequence.get()
        cls.save(slips)
        cls.stamp(slips, by='issued_by', at='authorised_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('released')
    def release(cls, slips):
        now = clock()
        today = office_date(now)
        for slip in slips:
            if not slip.guard:
                raise UserError(gettext(
                        'property_frontdesk.msg_release_no_guard',
                        slip=slip.rec_name))
            # The suite's default: a slip is good for its day only.
            if slip.date != today:
                raise UserError(gettext(
                        'property_frontdesk.msg_release_other_day',
                        slip=slip.rec_name, date=slip.date, today=today))
        cls.stamp(slips, by='released_by', at='released_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, slips):
        pass


class ReleaseSlipLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.release.slip.line'
    __string__ = "Goods Release Slip Line"
    slip = fields.Many2One('property.release.slip', "Slip", required=True,
        ondelete='CASCADE')
    description = fields.Char("Goods", required=True, strip=True)
    quantity = fields.Integer("Quantity", required=True,
        domain=[('quantity', '>', 0)])

    @staticmethod
    def default_quantity():
        return 1

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'write', 'delete'}:
            for line in lines:
                if line.slip.state != 'draft':
                    raise AccessError(gettext(
                            'property_frontdesk.msg_release_line_closed',
                            slip=line.slip.rec_name))

    @classmethod
    def create(cls, vlist):
        Slip = Pool().get('property.release.slip')
        slip_ids = {v.get('slip') for v in vlist if v.get('slip')}
        for slip in Slip.browse(list(slip_ids)):
            if slip.state != 'draft':
                raise AccessError(gettext(
                        'property_frontdesk.msg_release_line_closed',
                        slip=slip.rec_name))
        return super().create(vlist)


class ReleaseSlipReport(HTMLReport):
    "Goods Release Slip (放行条)"
    __name__ = 'property.release.slip.print'

    @classmethod
    def header_key(cls, record, data):
        # the office of the slip's site heads it
        return super(CompanyReport, cls).header_key(record, data) + (
            ('company', record.site.company),
            )

    @classmethod
    def execute(cls, ids, data):
        Slip = Pool().get('property.release.slip')
        for slip in Slip.browse(ids):
            if slip.state not in {'authorised', 'released'}:
                raise UserError(gettext(
                        'property_frontdesk.msg_release_print_draft',
                        slip=slip.rec_name))
        return super().execute(ids, data)
