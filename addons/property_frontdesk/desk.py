# This file is part of the property-management suite.
"""Items left at the desk (业主存放物品), equipment lent to the staff
(物品借用登记表) and cards (门禁卡、住户卡、员工卡)"""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, OverdueReminderMixin, clock, end_of_office_day,
    office_date, rec_name_domain, to_utc)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.site import site_from, user_site
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin, acting_employee)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

# Seed 001: 借用照相机在下午17:30前必须返还
CAMERA_RETURN_TIME = dt.time(17, 30)
# Seed 001 (乘车卡): 发卡时严格核对业主信息，限一户一卡
CARDS_PER_HOUSEHOLD = 1


class DeskItem(StampMixin, WorkflowGuardMixin, CheckValuesMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.desk.item'
    __string__ = "Item Left at the Desk"
    _maintained_fields = ('received_at', 'received_by', 'handed_over_at',
        'handed_over_by')
    _states = {'readonly': Eval('state') != 'kept'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    description = fields.Char("Item", required=True, strip=True,
        states=_states)
    quantity = fields.Integer("Quantity", required=True, states=_states,
        domain=[('quantity', '>', 0)])
    left_by = fields.Char("Left by", required=True, states=_states,
        help="Who left the item at the desk.")
    unit = fields.Many2One('property.unit', "Home", ondelete='RESTRICT',
        domain=[('site', '=', Eval('site', -1))], states=_states)
    for_whom = fields.Char("For", required=True, states=_states,
        help="Who collects the item.")
    received_at = fields.DateTime("Received at", readonly=True)
    received_by = fields.Many2One('res.user', "Received by", readonly=True,
        ondelete='RESTRICT')
    collector = fields.Char("Collected by", states=_states)
    signed = fields.Boolean("Signed", states=_states,
        help="The collector signed the register for the item.")
    handed_over_at = fields.DateTime("Handed over at", readonly=True)
    handed_over_by = fields.Many2One('res.user', "Handed over by",
        readonly=True, ondelete='RESTRICT')
    state = fields.Selection([
            ('kept', "Kept at the Desk"),
            ('handed_over', "Handed Over"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality(
                        cardinality='low')), where=t.state == 'kept'))
        cls._order = [('received_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('kept', 'handed_over')}
        cls._buttons.update({
                'hand_over': {
                    'invisible': Eval('state') != 'kept',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'kept'

    @staticmethod
    def default_quantity():
        return 1

    @staticmethod
    def default_signed():
        return False

    @classmethod
    def default_site(cls):
        return user_site()

    def get_rec_name(self, name):
        return f'{self.description} ×{self.quantity} → {self.for_whom}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('description', 'for_whom',
                'left_by'))

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            values['received_at'] = clock()
            values['received_by'] = Transaction().user or None
        return super().create(vlist)

    @classmethod
    @ModelView.button
    @Workflow.transition('handed_over')
    def hand_over(cls, items):
        for item in items:
            if not item.collector or not item.signed:
                raise UserError(gettext(
                        'property_frontdesk.msg_desk_item_not_signed',
                        item=item.rec_name))
        cls.stamp(items, by='handed_over_by', at='handed_over_at')


class Equipment(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.desk.equipment'
    __string__ = "Equipment for Loan"
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('radio', "Radio"),
            ('camera', "Camera"),
            ('tool', "Tool"),
            ('other', "Other"),
            ], "Kind", required=True)
    return_time = fields.Time("Return by",
        help="The time of the day a loan is due back; empty: by the end of "
             "the day. The camera by 17:30.")
    active = fields.Boolean("Active")

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_kind():
        return 'radio'

    @classmethod
    def default_site(cls):
        return user_site()

    @fields.depends('kind', 'return_time')
    def on_change_kind(self):
        if self.kind == 'camera' and not self.return_time:
            self.return_time = CAMERA_RETURN_TIME


class EquipmentLoan(site_from('equipment'), StampMixin,
        OverdueReminderMixin, WorkflowGuardMixin, CheckValuesMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.desk.loan'
    __string__ = "Equipment Loan"
    _overdue_action = 'property_frontdesk.act_desk_loan_overdue'
    _overdue_message = (
        'property_frontdesk.msg_equipment_overdue_reminder')
    _maintained_fields = ('lent_at', 'lent_by', 'due_at', 'returned_at',
        'received_by', 'reminded_on')
    _states = {'readonly': Eval('state') != 'out'}
    equipment = fields.Many2One('property.desk.equipment', "Equipment",
        required=True, ondelete='RESTRICT', states=_states)
    borrower = fields.Many2One('company.employee', "Borrower",
        required=True, ondelete='RESTRICT', states=_states)
    purpose = fields.Char("Purpose", states=_states)
    lent_at = fields.DateTime("Lent at", readonly=True)
    lent_by = fields.Many2One('res.user', "Lent by", readonly=True,
        ondelete='RESTRICT')
    due_at = fields.DateTime("Due at", readonly=True,
        help="The same office day: by the equipment's return time, else "
        "by the end of the day.")
    returned_at = fields.DateTime("Returned at", readonly=True)
    received_by = fields.Many2One('res.user', "Received by", readonly=True,
        ondelete='RESTRICT')
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue',
        searcher='search_overdue')
    state = fields.Selection([
            ('out', "Out"),
            ('returned', "Returned"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality(
                        cardinality='low')), where=t.state == 'out'))
        cls._order = [('lent_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('out', 'returned')}
        cls._buttons.update({
                'return_': {
                    'invisible': Eval('state') != 'out',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'out'

    def get_rec_name(self, name):
        return f'{self.equipment.name} → {self.borrower.rec_name}'

    def get_overdue(self, name):
        return self.state == 'out' and self.due_at < clock()

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause
        domain = [('state', '=', 'out'), ('due_at', '<', clock())]
        if (operator == '=') != bool(value):
            domain = ['NOT', domain]
        return domain

    @classmethod
    def validate(cls, loans):
        super().validate(loans)
        out = [l for l in loans if l.state == 'out']
        if not out:
            return
        others = cls.search([
                ('equipment', 'in', [l.equipment.id for l in out]),
                ('state', '=', 'out'),
                ])
        for loan in out:
            if any(o.equipment == loan.equipment and o.id != loan.id
                    for o in others):
                raise UserError(gettext(
                        'property_frontdesk.msg_equipment_already_out',
                        equipment=loan.equipment.rec_name))

    @classmethod
    def due(cls, equipment, lent_at):
        "Due back the same office day, by the equipment's return time"
        company = equipment.site.company
        day = office_date(lent_at, company)
        if equipment.return_time:
            return to_utc(dt.datetime.combine(day, equipment.return_time),
                company)
        return end_of_office_day(day, company)

    @classmethod
    def create(cls, vlist):
        Equipment = Pool().get('property.desk.equipment')
        vlist = [v.copy() for v in vlist]
        now = clock()
        for values in vlist:
            values['lent_at'] = now
            values['lent_by'] = Transaction().user or None
            if values.get('equipment'):
                values['due_at'] = cls.due(
                    Equipment(values['equipment']), now)
        return super().create(vlist)

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_(cls, loans):
        cls.stamp(loans, by='received_by', at='returned_at')



CARD_KINDS = [
    ('access', "Access Card"),
    ('resident', "Resident Card"),
    ('staff', "Staff Card"),
    ]


class Card(StampMixin, WorkflowGuardMixin, CheckValuesMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.card'
    __string__ = "Card"
    _maintained_fields = ('approved_by', 'issued_at', 'issued_by',
        'blocked_at', 'blocked_by')
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    kind = fields.Selection(CARD_KINDS, "Kind", required=True,
        states=_states)
    number = fields.Char("Card Number", required=True, strip=True,
        states=_states)
    unit = fields.Many2One('property.unit', "Household",
        ondelete='RESTRICT', states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') == 'staff',
            },
        domain=[('site', '=', Eval('site', -1))])
    holder = fields.Many2One('party.party', "Holder", ondelete='RESTRICT',
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') == 'staff',
            })
    employee = fields.Many2One('company.employee', "Employee",
        ondelete='RESTRICT', states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'staff',
            })
    identity_checked = fields.Boolean("Identity Checked", states=_states,
        help="The holder's identity was checked against the owner's file "
        "(严格核对业主信息).")
    approved_by = fields.Many2One('company.employee', "Approved by",
        readonly=True, ondelete='RESTRICT',
        help="The manager who agreed to a card beyond the household's "
        "number.")
    issued_at = fields.DateTime("Issued at", readonly=True)
    issued_by = fields.Many2One('res.user', "Issued by", readonly=True,
        ondelete='RESTRICT')
    blocked_at = fields.DateTime("Blocked at", readonly=True)
    blocked_by = fields.Many2One('res.user', "Blocked by", readonly=True,
        ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('issued', "Issued"),
            ('lost', "Lost (Blocked)"),
            ('returned', "Returned"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    kind_string = kind.translated('kind')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.unit, Index.Range())))
        cls._order = [('site', 'ASC'), ('number', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'issued'),
            ('issued', 'lost'),
            ('issued', 'returned'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': ((Eval('state') != 'draft')
                        | Eval('approved_by')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'approved_by'],
                    },
                'issue': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'report_lost': {
                    'invisible': Eval('state') != 'issued',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'issued',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'access'

    @staticmethod
    def default_identity_checked():
        return False

    @classmethod
    def default_site(cls):
        return user_site()

    def get_rec_name(self, name):
        return f'{self.kind_string} {self.number}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('number', 'holder.name',
                'unit.code', 'employee.party.name'))

    @classmethod
    def validate(cls, cards):
        super().validate(cards)
        for card in cards:
            if card.kind == 'staff' and not card.employee:
                raise UserError(gettext(
                        'property_frontdesk.msg_card_staff_no_employee',
                        card=card.rec_name))
            if card.kind != 'staff' and (not card.unit or not card.holder):
                raise UserError(gettext(
                        'property_frontdesk.msg_card_no_household',
                        card=card.rec_name))

    def household_cards(self):
        "The other cards of the kind of the household in use"
        return self.search([
                ('unit', '=', self.unit.id),
                ('kind', '=', self.kind),
                ('state', '=', 'issued'),
                ('id', '!=', self.id),
                ])

    @classmethod
    @ModelView.button
    def approve(cls, cards):
        approver = acting_employee(
            'property_frontdesk.msg_visitor_approver_no_employee')
        for card in cards:
            if card.state != 'draft':
                raise UserError(gettext(
                        'property_frontdesk.msg_card_not_draft',
                        card=card.rec_name, state=card.state_string))
        cls.stamp(cards, approved_by=approver.id)

    @classmethod
    @ModelView.button
    @Workflow.transition('issued')
    def issue(cls, cards):
        for card in cards:
            if card.kind == 'staff':
                continue
            if not card.identity_checked:
                raise UserError(gettext(
                        'property_frontdesk.msg_card_identity_not_checked',
                        card=card.rec_name))
            if not card.holder_lives_there():
                raise UserError(gettext(
                        'property_frontdesk.msg_card_holder_not_resident',
                        holder=card.holder.rec_name,
                        unit=card.unit.rec_name))
            limit = card.site.cards_per_household
            in_use = card.household_cards()
            if len(in_use) >= limit and not card.approved_by:
                raise UserError(gettext(
                        'property_frontdesk.msg_card_beyond_policy',
                        unit=card.unit.rec_name, kind=card.kind_string,
                        count=len(in_use), limit=limit))
        cls.stamp(cards, by='issued_by', at='issued_at')

    def holder_lives_there(self):
        "Whether the holder is an owner or a resident of the home today"
        today = Pool().get('ir.date').today()
        return (any(o.party == self.holder
                for o in self.unit.current_ownerships(today))
            or any(r.party == self.holder and r.is_current
                for r in self.unit.residents))

    @classmethod
    @ModelView.button
    @Workflow.transition('lost')
    def report_lost(cls, cards):
        # Seed 001: 挂失补卡等都做到了登记备案 - the lost card is blocked
        cls.stamp(cards, by='blocked_by', at='blocked_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_(cls, cards):
        cls.stamp(cards, by='blocked_by', at='blocked_at')


class Site(metaclass=PoolMeta):
    __name__ = 'property.site'
    cards_per_household = fields.Integer("Cards per Household",
        required=True, domain=[('cards_per_household', '>', 0)],
        help="The cards of a kind a household holds at once; one more needs "
             "the manager's approval (限一户一卡).")

    @staticmethod
    def default_cards_per_household():
        return CARDS_PER_HOUSEHOLD


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('property.desk.loan|remind_overdue',
                "Remind Overdue Equipment Loans"))
        cls._notifications.add('property.desk.loan|remind_overdue')


class ShiftHandover(metaclass=PoolMeta):
    "The items left at the desk handed over with the shift (001 交接班)"
    __name__ = 'property.shift.handover'
    desk_items = fields.Many2Many(
        'property.shift.handover-property.desk.item', 'handover', 'item',
        "Items Left at the Desk", readonly=True,
        help="The owners' items kept at the desk when the handover was "
        "recorded (甲方业主存放物品、数量).")

    @classmethod
    def create(cls, vlist):
        Item = Pool().get('property.desk.item')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('site') and 'desk_items' not in values:
                values['desk_items'] = [('add', [i.id for i in Item.search([
                                    ('site', '=', values['site']),
                                    ('state', '=', 'kept'),
                                    ])])]
        return super().create(vlist)


class ShiftHandoverDeskItem(CheckValuesMixin, ModelSQL):
    __name__ = 'property.shift.handover-property.desk.item'
    __string__ = "Shift Handover - Item Left at the Desk"
    handover = fields.Many2One('property.shift.handover', "Handover",
        required=True, ondelete='CASCADE')
    item = fields.Many2One('property.desk.item', "Item", required=True,
        ondelete='CASCADE')


class DeskItemSlip(HTMLReport):
    "Item Left at the Desk (业主存放物品登记单)"
    __name__ = 'property.desk.item.slip'


class EquipmentLoanSlip(HTMLReport):
    "Equipment Loan (物品借用登记表)"
    __name__ = 'property.desk.loan.slip'


class CardSlip(HTMLReport):
    "Card Issue Slip (门禁卡、住户卡、员工卡发放单)"
    __name__ = 'property.card.slip'
