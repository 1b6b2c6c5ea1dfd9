# This file is part of the property-management suite.
"""Violations outside a renovation (违章处理): an illegal attic, a balcony
enclosure, a sign on the façade, garbage left against the rules, found on
the daily round against a home or a common area, with its rectification
notice (违章整改通知单) and its escalation to the site manager"""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.site import UnitSiteMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

# Seed 001 装修管理 巡楼 (practices 10, 16, 17, 23, 28) and the 2012 summary
# of the customer service department (私搭乱建小阁楼、安外置阳台罩):
# practices found on the round outside any renovation job.
KINDS = [
    ('attic', "Illegal Attic or Structure"),
    ('balcony', "Balcony Enclosure"),
    ('facade', "Sign, Light or Advert on the Façade"),
    ('garbage', "Garbage Against the Rules"),
    ('passage', "Common Passage or Roof Occupied"),
    ('green', "Green Space Damaged"),
    ('other', "Other"),
    ]
VIOLATION_STATES = [
    ('open', "Found"),
    ('notified', "Notice Issued"),
    ('escalated', "Escalated"),
    ('rectified', "Rectified"),
    ('cancelled', "Cancelled"),
    ]
# The suite's default: seven days to rectify after the notice.
NOTICE_DAYS = 7


class Violation(UnitSiteMixin, StampMixin, WorkflowGuardMixin,
        CheckValuesMixin, StateAuditMixin, Workflow, ModelSQL, ModelView):
    "Everyday Violation"
    __name__ = 'property.violation'
    __string__ = "Violation"
    _maintained_fields = ('number', 'recorded_by', 'notice_date',
        'deadline', 'escalated_at', 'escalated_by', 'rectified_date')
    _states = {'readonly': Eval('state') != 'open'}
    number = fields.Char("Number", readonly=True,
        help="Given when the rectification notice is issued.")
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    unit = fields.Many2One('property.unit', "Home", ondelete='RESTRICT',
        domain=[('site', '=', Eval('site', -1))], states=_states,
        help="The home the violation belongs to; leave empty for a "
        "common area.")
    location = fields.Char("Common Area", strip=True, states=_states,
        help="Where in the estate, when it is not a home: a roof, a "
        "passage, a lawn.")
    party = fields.Many2One('party.party', "Responsible", ondelete='RESTRICT',
        states=_states,
        help="The owner or resident asked to rectify, when known.")
    kind = fields.Selection(KINDS, "Violation", required=True,
        states=_states)
    kind_string = kind.translated('kind')
    date = fields.Date("Found on", required=True, states=_states)
    description = fields.Text("Description", required=True, states=_states)
    recorded_by = fields.Many2One('res.user', "Recorded by", readonly=True,
        ondelete='RESTRICT')
    notice_days = fields.Integer("Days to Rectify", required=True,
        domain=[('notice_days', '>', 0)], states=_states,
        help="The time the rectification notice gives.")
    notice_date = fields.Date("Notice Issued on", readonly=True)
    deadline = fields.Date("Deadline", readonly=True)
    escalated_at = fields.DateTime("Escalated at", readonly=True)
    escalated_by = fields.Many2One('res.user', "Escalated by", readonly=True,
        ondelete='RESTRICT')
    rectified_date = fields.Date("Rectified on", readonly=True)
    notes = fields.Text("Notes")
    state = fields.Selection(VIOLATION_STATES, "State", readonly=True,
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
                    where=t.state.in_(['open', 'notified', 'escalated'])),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'notified'),
            ('notified', 'escalated'),
            ('open', 'rectified'),
            ('notified', 'rectified'),
            ('escalated', 'rectified'),
            ('open', 'cancelled'),
            ('notified', 'cancelled'),
            }
        cls._buttons.update({
                'notify': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-print',
                    'depends': ['state'],
                    },
                'escalate': {
                    'invisible': Eval('state') != 'notified',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'rectify': {
                    'invisible': ~Eval('state').in_(
                        ['open', 'notified', 'escalated']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['open', 'notified']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_kind():
        return 'other'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_notice_days():
        return NOTICE_DAYS

    @fields.depends('location')
    def on_change_unit(self):
        super().on_change_unit()
        if self.unit:
            self.location = None

    def get_rec_name(self, name):
        where = self.unit.rec_name if self.unit else self.location
        return f'{self.number or "-"} {self.kind_string} {where}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('number', 'unit.code', 'location',
                'party.name'))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['recorded_by'] = Transaction().user or None
        return values

    @classmethod
    def validate(cls, violations):
        super().validate(violations)
        for violation in violations:
            violation.check_place()

    def check_place(self):
        # Seed 001 装修管理/违章处理: found on a home or on a common part
        # of the estate (公共部位、场地, 天台, 绿地); one of the two.
        if bool(self.unit) == bool(self.location):
            raise ValidationError(gettext(
                    'property_frontdesk.msg_violation_place',
                    violation=self.rec_name))

    @classmethod
    def copy(cls, violations, default=None):
        default = dict(default or {})
        for name in cls._maintained_fields:
            default.setdefault(name, None)
        return super().copy(violations, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('notified')
    def notify(cls, violations):
        """Issue the rectification notice (违章整改通知单, seed 001: 出具
        《违章整改通知单》限期整改), numbered, with its deadline"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        today = pool.get('ir.date').today()
        sequence = Sequence(ModelData.get_id(
                'property_frontdesk', 'sequence_violation'))
        for violation in sorted(violations, key=lambda v: v.id):
            violation.number = sequence.get()
            violation.notice_date = today
            violation.deadline = today + dt.timedelta(
                days=violation.notice_days)
        cls.save(violations)

    @classmethod
    @ModelView.button
    @Workflow.transition('escalated')
    def escalate(cls, violations):
        """Report to the site manager a notice left unrectified past its
        deadline (seed 001: 重要事件要向管理处主任报告)"""
        today = Pool().get('ir.date').today()
        for violation in violations:
            if violation.deadline >= today:
                raise UserError(gettext(
                        'property_frontdesk.msg_violation_not_overdue',
                        violation=violation.rec_name,
                        deadline=violation.deadline))
        cls.stamp(violations, by='escalated_by', at='escalated_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('rectified')
    def rectify(cls, violations):
        cls.write(violations, {
                'rectified_date': Pool().get('ir.date').today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, violations):
        pass

    @classmethod
    def escalate_overdue(cls):
        """Scheduled action: escalate the notices past their deadline and
        tell the subscribed managers"""
        pool = Pool()
        Cron = pool.get('ir.cron')
        today = pool.get('ir.date').today()
        overdue = cls.search([
                ('state', '=', 'notified'),
                ('deadline', '<', today),
                ])
        if overdue:
            cls.escalate(overdue)
            Cron.notify_sites(
                'tryton-warning', 'property_frontdesk.act_violation_form',
                'property_frontdesk.msg_violation_escalated_reminder',
                overdue)
        return overdue


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('property.violation|escalate_overdue',
                "Escalate Overdue Violation Notices"))
        cls._notifications.add('property.violation|escalate_overdue')


class ViolationNotice(HTMLReport):
    "Rectification Notice (违章整改通知单)"
    __name__ = 'property.violation.notice'

    @classmethod
    def execute(cls, ids, data):
        Violation = Pool().get('property.violation')
        for violation in Violation.browse(ids):
            if not violation.notice_date:
                raise UserError(gettext(
                        'property_frontdesk.msg_violation_print_no_notice',
                        violation=violation.rec_name))
        return super().execute(ids, data)
