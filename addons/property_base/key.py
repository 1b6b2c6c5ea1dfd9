# This file is part of the property-management suite.

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Check, Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from .audit import StateAuditMixin
from .common import CheckValuesMixin, clock
from .site import site_from
from .workflow import WorkflowGuardMixin

KEY_STATES = [
    ('office', "In Office"),
    ('handed_over', "Handed Over"),
    ('lost', "Lost"),
    ]
LOG_ACTIONS = [
    ('received', "Received"),
    ('handed_over', "Handed over"),
    ('returned', "Returned"),
    ('lost', "Lost"),
    ]


class Key(CheckValuesMixin, site_from('unit'), WorkflowGuardMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.key'
    __string__ = "Unit Key Set"
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True,
        help="What the set opens, e.g. \"Entrance door\".")
    tag = fields.Char("Tag", help="The number on the key tag in the cabinet.")
    copies = fields.Integer("Copies", required=True)
    holder = fields.Many2One('party.party', "Holder", ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'office',
            },
        help="Who receives the keys at the next handover.")
    state = fields.Selection(KEY_STATES, "State", readonly=True,
        required=True, sort=False)
    logs = fields.One2Many('property.key.log', 'key', "Handover Log",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('copies_positive', Check(t, t.copies > 0),
                'property_base.msg_key_copies_positive'),
            ]
        cls._sql_indexes.add(Index(t, (t.unit, Index.Range())))
        cls._order = [('unit', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('office', 'handed_over'),
            ('handed_over', 'office'),
            ('office', 'lost'),
            ('handed_over', 'lost'),
            ('lost', 'office'),
            }
        cls._buttons.update({
                'hand_over': {
                    'invisible': Eval('state') != 'office',
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': ~Eval('state').in_(['handed_over', 'lost']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'lose': {
                    'invisible': Eval('state') == 'lost',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'office'

    @staticmethod
    def default_copies():
        return 2

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} {self.name}'

    @classmethod
    def create(cls, vlist):
        keys = super().create(vlist)
        cls._log(keys, 'received')
        return keys

    @classmethod
    def _log(cls, keys, action, party=None, notes=None):
        Log = Pool().get('property.key.log')
        now = clock()
        Log.save([Log(key=k, action=action, date=now,
                    party=party if party is not None else k.holder,
                    user=Transaction().user, copies=k.copies, notes=notes)
                for k in keys])

    @classmethod
    @ModelView.button
    @Workflow.transition('handed_over')
    def hand_over(cls, keys):
        for key in keys:
            if not key.holder:
                raise UserError(gettext(
                        'property_base.msg_key_no_holder', key=key.rec_name))
        cls._log(keys, 'handed_over',
            notes=Transaction().context.get('key_log_notes'))

    @classmethod
    @ModelView.button
    @Workflow.transition('office')
    def return_(cls, keys):
        cls._log(keys, 'returned',
            notes=Transaction().context.get('key_log_notes'))
        cls.write(keys, {'holder': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('lost')
    def lose(cls, keys):
        cls._log(keys, 'lost')

    @classmethod
    def hand_over_to(cls, keys, party, reason=None):
        "Hand the keys over to party, e.g. when a move-in completes"
        if keys:
            cls.write(keys, {'holder': party.id})
            with Transaction().set_context(key_log_notes=reason):
                cls.hand_over(keys)

    @classmethod
    def take_back(cls, keys, reason=None):
        if keys:
            with Transaction().set_context(key_log_notes=reason):
                cls.return_(keys)


class KeyLog(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.key.log'
    __string__ = "Key Handover"
    key = fields.Many2One('property.key', "Key", required=True,
        ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    action = fields.Selection(LOG_ACTIONS, "Action", required=True)
    party = fields.Many2One('party.party', "Party", ondelete='RESTRICT')
    user = fields.Many2One('res.user', "Recorded by", ondelete='RESTRICT')
    copies = fields.Integer("Copies")
    notes = fields.Char("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
