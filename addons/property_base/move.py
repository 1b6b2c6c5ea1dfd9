# This file is part of the property-management suite.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from .common import CheckValuesMixin, clock, office_today, start_of_office_day
from .printing import HTMLReport
from .audit import StateAuditMixin
from .site import site_from
from .workflow import StampMixin, WorkflowGuardMixin

MOVE_KINDS = [
    ('move_in', "Move-in"),
    ('move_out', "Move-out"),
    ('tenant_in', "Tenant Move-in"),
    ('tenant_out', "Tenant Move-out"),
    ]
MOVE_STATES = [
    ('draft', "Draft"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
# The checklist of the office procedure (seed 001, 收楼工作 / 入住手续):
# (step, required)
MOVE_IN_STEPS = [
    ('delivery_certificate', True),
    ('registration_form', True),
    ('documents_filed', True),
    ('household_registered', True),
    ('service_agreement', True),
    ('resident_handbook', True),
    ('initial_fees', True),
    ('meter_readings', True),
    ('house_inspection', True),
    ('keys_handed_over', True),
    ('decoration_briefing', False),
    ]
MOVE_OUT_STEPS = [
    ('fees_settled', True),
    ('meter_readings', True),
    ('house_inspection', True),
    ('keys_returned', True),
    ('residents_deregistered', True),
    ('archive_updated', False),
    ]
# A tenant moving into an owner's handed-over home, and out of it (seed 001
# 租户入住/退租: 落实租户迁入、迁出的有关手续)
TENANT_IN_STEPS = [
    ('lease_seen', True),
    ('owner_consent', True),
    ('registration_form', True),
    ('household_registered', True),
    ('deposit', False),
    ('keys_cards', True),
    ]
TENANT_OUT_STEPS = [
    ('fees_settled', True),
    ('house_inspection', True),
    ('keys_cards_returned', True),
    ('residents_deregistered', True),
    ]
CHECKLISTS = {
    'move_in': MOVE_IN_STEPS,
    'move_out': MOVE_OUT_STEPS,
    'tenant_in': TENANT_IN_STEPS,
    'tenant_out': TENANT_OUT_STEPS,
    }
STEPS = [
    ('delivery_certificate', "Delivery certificate checked"),
    ('registration_form', "Identity verified and registration form filled"),
    ('documents_filed', "Identity, photo and deed copies filed"),
    ('household_registered', "Household members registered"),
    ('service_agreement', "Preliminary service agreement signed"),
    ('resident_handbook', "Resident handbook handed over and signed"),
    ('initial_fees', "Initial fees paid"),
    ('meter_readings', "Meter readings recorded"),
    ('house_inspection', "House inspected and defects recorded"),
    ('keys_handed_over', "Keys handed over"),
    ('decoration_briefing', "Decoration rules explained"),
    ('fees_settled', "Outstanding fees settled"),
    ('keys_returned', "Keys returned"),
    ('residents_deregistered', "Residents deregistered"),
    ('archive_updated', "Owner archive updated"),
    ('lease_seen', "Lease seen"),
    ('owner_consent', "Owner's consent obtained"),
    ('deposit', "Deposit received, if any"),
    ('keys_cards', "Keys or cards handed over"),
    ('keys_cards_returned', "Keys and cards returned"),
    ]


class Move(CheckValuesMixin, site_from('unit'), StampMixin, WorkflowGuardMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.move'
    __string__ = "Move-in / Move-out"
    _maintained_fields = ('completed_at', 'completed_by')
    _states = {
        'readonly': Eval('state') != 'draft',
        }

    # The checklist follows the kind and is created with the move.
    kind = fields.Selection(MOVE_KINDS, "Kind", required=True,
        states={
            'readonly': (Eval('state') != 'draft') | (Eval('id', -1) >= 0),
            })
    # No domain on the unit state: the rule is checked by check_unit_state
    # so that the clerk gets the precise reason.
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT', states=_states)
    party = fields.Many2One('party.party', "Party", required=True,
        ondelete='RESTRICT', states=_states,
        help="The owner receiving the unit, the tenant moving in, or the "
        "person moving out.")
    date = fields.Date("Date", required=True, states=_states)
    lines = fields.One2Many('property.move.line', 'move', "Checklist",
        states=_states,
        help="The steps of the office procedure, listed when the move is "
        "saved; tick each one as it is done.")
    progress = fields.Function(fields.Float("Progress", digits=(1, 2)),
        'get_progress')
    completed_by = fields.Many2One('res.user', "Completed by", readonly=True)
    completed_at = fields.DateTime("Completed at", readonly=True)
    notes = fields.Text("Notes")
    state = fields.Selection(MOVE_STATES, "State", readonly=True,
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
                    where=t.state == 'draft'),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'complete': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_kind():
        return 'move_in'

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @fields.depends('unit', 'kind', 'party', '_parent_unit.ownerships')
    def on_change_unit(self):
        if self.unit and not self.party and self.kind == 'move_in':
            owners = self.unit.current_ownerships()
            if owners:
                self.party = owners[0].party

    @classmethod
    def checklist(cls, kind):
        Line = Pool().get('property.move.line')
        steps = CHECKLISTS.get(kind, MOVE_IN_STEPS)
        return [Line(sequence=i, step=step, required=required, done=False)
            for i, (step, required) in enumerate(steps, 1)]

    def get_rec_name(self, name):
        kind = dict(self.fields_get(['kind'])['kind']['selection'])[self.kind]
        return f'{kind} {self.unit.rec_name} {self.date}'

    def get_progress(self, name):
        required = [l for l in self.lines if l.required]
        if not required:
            return 1.0
        return sum(1 for l in required if l.done) / len(required)

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('lines'):
                values['lines'] = [('create', [
                            {'sequence': l.sequence, 'step': l.step,
                                'required': l.required}
                            for l in cls.checklist(
                                values.get('kind', cls.default_kind()))])]
        return super().create(vlist)

    @classmethod
    def validate(cls, moves):
        super().validate(moves)
        for move in moves:
            if move.state == 'draft':
                move.check_unit_state()

    def check_unit_state(self):
        if self.kind == 'move_in' and self.unit.state != 'vacant':
            raise UserError(gettext(
                    'property_base.msg_move_in_unit_not_vacant',
                    unit=self.unit.rec_name,
                    state=self.unit.state_string))
        if self.kind == 'move_out' and self.unit.state == 'vacant':
            raise UserError(gettext(
                    'property_base.msg_move_out_unit_vacant',
                    unit=self.unit.rec_name))
        if (self.kind in {'tenant_in', 'tenant_out'}
                and self.unit.state == 'vacant'):
            raise UserError(gettext(
                    'property_base.msg_tenant_move_unit_vacant',
                    unit=self.unit.rec_name))

    def check_mover(self):
        """An owner's move-in is for an owner of the home on its date; a
        tenant's move-in for someone who is not"""
        owners = {o.party for o in self.unit.current_ownerships(self.date)}
        if self.kind == 'move_in' and self.party not in owners:
            raise UserError(gettext(
                    'property_base.msg_move_in_not_owner',
                    party=self.party.rec_name, unit=self.unit.rec_name,
                    date=self.date))
        if self.kind == 'tenant_in' and self.party in owners:
            raise UserError(gettext(
                    'property_base.msg_tenant_in_owner',
                    party=self.party.rec_name, unit=self.unit.rec_name))

    @classmethod
    def check_modification(cls, mode, moves, values=None, external=False):
        super().check_modification(
            mode, moves, values=values, external=external)
        if mode == 'delete':
            for move in moves:
                if move.state == 'done':
                    raise AccessError(gettext(
                            'property_base.msg_move_delete_done',
                            move=move.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, moves):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, moves):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def complete(cls, moves):
        pool = Pool()
        Unit = pool.get('property.unit')
        Resident = pool.get('property.unit.resident')
        Key = pool.get('property.key')
        for move in moves:
            move.check_unit_state()
            missing = [l.step_string for l in move.lines
                if l.required and not l.done]
            if missing:
                raise UserError(gettext(
                        'property_base.msg_move_open_steps',
                        move=move.rec_name,
                        steps=', '.join(missing)))
            move.check_mover()
        # Stamped first: the validation of a draft move still sees the
        # unit in the state the checks above accepted.
        cls.stamp(moves, by='completed_by', at='completed_at')
        move_ins = [m for m in moves if m.kind == 'move_in']
        move_outs = [m for m in moves if m.kind == 'move_out']
        tenant_ins = [m for m in moves if m.kind == 'tenant_in']
        tenant_outs = [m for m in moves if m.kind == 'tenant_out']

        residents, to_close = [], []
        for move in move_ins:
            Unit.hand_over([move.unit], move.date)
            if not any(r.party == move.party and r.is_current
                    for r in move.unit.residents):
                owner_ids = {o.party.id
                    for o in move.unit.current_ownerships(move.date)}
                residents.append(Resident(
                        unit=move.unit, party=move.party,
                        role='owner' if move.party.id in owner_ids
                        else 'tenant',
                        from_date=move.date))
            Key.hand_over_to(
                [k for k in move.unit.keys if k.state == 'office'],
                move.party, move.rec_name)
        for move in move_outs:
            for resident in move.unit.residents:
                if resident.is_current or (resident.from_date
                        and resident.from_date <= move.date
                        and not resident.to_date):
                    resident.to_date = max(
                        move.date, resident.from_date or move.date)
                    to_close.append(resident)
            Key.take_back(
                [k for k in move.unit.keys if k.state == 'handed_over'],
                move.rec_name)
            if move.unit.state in {'occupied', 'let'}:
                Unit.empty([move.unit])
        for move in tenant_ins:
            if not any(r.party == move.party and r.role == 'tenant'
                    and r.is_current for r in move.unit.residents):
                residents.append(Resident(unit=move.unit, party=move.party,
                        role='tenant', from_date=move.date))
            if move.unit.state in {'handed_over', 'occupied'}:
                Unit.let([move.unit])
        for move in tenant_outs:
            for resident in move.unit.residents:
                if (resident.party == move.party
                        and resident.role == 'tenant'
                        and not resident.to_date):
                    resident.to_date = max(
                        move.date, resident.from_date or move.date)
                    to_close.append(resident)
            others = [r for r in move.unit.residents
                if r.role == 'tenant' and r.party != move.party
                and r.is_current]
            if move.unit.state == 'let' and not others:
                Unit.empty([move.unit])
        Resident.save(residents + to_close)
        cls.notify_completed(moves)

    @classmethod
    def notify_completed(cls, moves=None):
        """Tell the departments that follow the homes' moves that these are
        done: the users subscribed to the notification "Moves Completed"
        (seed 001 [4]: 业主迁入及迁离的通知需要转发的部门有: 物业保安部、
        物业工程部、物业财务部), each of the moves of their own sites.
        Run as a scheduled action, it tells of the moves completed since
        yesterday's office date."""
        pool = Pool()
        Cron = pool.get('ir.cron')
        if moves is None:
            yesterday = office_today() - dt.timedelta(days=1)
            moves = cls.search([
                    ('state', '=', 'done'),
                    ('completed_at', '>=', start_of_office_day(yesterday)),
                    ])
        with Transaction().set_context(
                _cron='property.move|notify_completed'):
            Cron.notify_sites(
                'tryton-info', 'property_base.act_move_form',
                'property_base.msg_move_completed_notice', moves,
                variables=lambda ms: {
                    'moves': ', '.join(m.rec_name for m in ms)})
        return moves


class MoveLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.move.line'
    __string__ = "Move Checklist Step"
    move = fields.Many2One(
        'property.move', "Move", required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    step = fields.Selection(STEPS, "Step", required=True, readonly=True)
    required = fields.Boolean("Required", readonly=True)
    done = fields.Boolean("Done")
    done_by = fields.Many2One('res.user', "Done by", readonly=True)
    done_at = fields.DateTime("Done at", readonly=True)
    step_string = step.translated('step')
    notes = fields.Char("Notes",
        help="E.g. the meter readings, the defects found, the key count.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]

    @staticmethod
    def default_required():
        return True

    @staticmethod
    def default_done():
        return False

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # Record who ticked each step and when (手续办理单 signature).
        if 'done' in values:
            if values['done']:
                values.setdefault('done_by', Transaction().user)
                values.setdefault('done_at', clock())
            else:
                values['done_by'] = values['done_at'] = None
        return values

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'write', 'delete'}:
            for line in lines:
                if line.move.state != 'draft':
                    raise AccessError(gettext(
                            'property_base.msg_move_line_closed',
                            move=line.move.rec_name))


class HandoverForm(HTMLReport):
    """Handover Form (手续办理单) of a move: its checklist, who signed each
    step and when, in the office's time"""
    __name__ = 'property.move.handover_form'
