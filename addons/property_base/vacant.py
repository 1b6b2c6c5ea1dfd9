# This file is part of the property-management suite.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .audit import StateAuditMixin
from .common import CheckValuesMixin, MonthMixin
from .site import site_from
from .workflow import WorkflowGuardMixin

INSPECTION_STATES = [
    ('planned', "Planned"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]


class VacantInspection(CheckValuesMixin, site_from('unit'), WorkflowGuardMixin,
        StateAuditMixin, MonthMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.vacant.inspection'
    __string__ = "Vacant Unit Inspection"
    _maintained_fields = ('done_by',)
    _month_fields = ('period',)
    _states = {
        'readonly': Eval('state') != 'planned',
        }
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='CASCADE', states=_states)
    period = fields.Date("Month", required=True, states=_states,
        help="First day of the month the inspection belongs to.")
    date = fields.Date("Inspection Date", states=_states)
    inspector = fields.Many2One('company.employee', "Inspector",
        ondelete='RESTRICT', states=_states)
    doors_windows = fields.Boolean("Doors and windows closed and intact",
        states=_states)
    water_electricity = fields.Boolean("Water and power switched off",
        states=_states)
    no_leak = fields.Boolean("No leaks or damp", states=_states)
    clean = fields.Boolean("Clean, no pests", states=_states)
    findings = fields.Text("Findings", states=_states)
    owner_care = fields.Text("Owner Care", states=_states,
        help="The month's contact with the owner who has not moved in: call "
             "or visit, what they asked for (关爱未入住业主).")
    done_by = fields.Many2One('res.user', "Done by", readonly=True)
    state = fields.Selection(INSPECTION_STATES, "State", readonly=True,
        required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('unit_period_unique', Unique(t, t.unit, t.period),
                'property_base.msg_vacant_inspection_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.period, Index.Range())))
        cls._order = [('period', 'DESC'), ('unit', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {
            ('planned', 'done'),
            ('planned', 'cancelled'),
            ('cancelled', 'planned'),
            }
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'planned',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'plan': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'planned'

    @classmethod
    def default_period(cls):
        return Pool().get('ir.date').today().replace(day=1)

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} {self.period:%Y-%m}'

    @classmethod
    def check_modification(cls, mode, inspections, values=None,
            external=False):
        super().check_modification(
            mode, inspections, values=values, external=external)
        if mode == 'delete':
            for inspection in inspections:
                if inspection.state == 'done':
                    raise AccessError(gettext(
                            'property_base.msg_vacant_inspection_delete_done',
                            inspection=inspection.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, inspections):
        today = Pool().get('ir.date').today()
        for inspection in inspections:
            if not inspection.date:
                inspection.date = today
            inspection.done_by = Transaction().user
        cls.save(inspections)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, inspections):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, inspections):
        pass

    @classmethod
    def create_monthly(cls, date=None):
        """Scheduled action: plan this month's inspection of every vacant
        unit (空置房台帐: each vacant unit is checked once a month), never
        handed over or handed over to an owner who has not moved in (no
        resident lives there: seed 004 关爱未入住业主)"""
        pool = Pool()
        Unit = pool.get('property.unit')
        Cron = pool.get('ir.cron')
        if date is None:
            date = pool.get('ir.date').today()
        period = date.replace(day=1)
        units = Unit.search([
                ('state', 'in', ['vacant', 'handed_over']),
                ('id', 'not in', [i.unit.id for i in cls.search([
                                ('period', '=', period),
                                ])]),
                ], order=[('site', 'ASC'), ('code', 'ASC')])
        units = [u for u in units if u.state == 'vacant'
            or not any(r.is_current for r in u.residents)]
        inspections = [cls(unit=u, period=period,
                date=period + dt.timedelta(days=14)) for u in units]
        cls.save(inspections)
        if inspections:
            Cron.notify_sites(
                'tryton-info', 'property_base.act_vacant_inspection_form',
                'property_base.msg_vacant_inspections_created', inspections)
        return inspections
