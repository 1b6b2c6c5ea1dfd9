# This file is part of the property-management suite.
"""Fire equipment check rounds and patrol plans

Seed 004: the fire equipment is checked by the order staff and maintained
by the repair team (消防设施设备的检查由秩序维护员进行检查,维修保养由维修班进行
保养); seed 001: the estate is patrolled several times a day
(每日进行多次小区内全方位巡视) along a standard (按《巡查标准规程》每日巡查)."""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, start_of_office_day, to_office)
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.workflow import WorkflowGuardMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .equipment import FIRE_KINDS

# The suite's default: day rounds are those started from 08:00 to 19:59
# office time, night rounds the others (of the night that starts that day)
DAY_START, NIGHT_START = 8, 20


class FireCheck(WorkflowGuardMixin, StateAuditMixin, CheckValuesMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.fire.check'
    __string__ = "Fire Equipment Check"
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    month = fields.Date("Month", required=True, states=_states)
    inspector = fields.Many2One('company.employee', "Inspector",
        ondelete='RESTRICT', states=_states,
        help="The order staff (秩序维护员) who checks.")
    lines = fields.One2Many('property.fire.check.line', 'check', "Checks",
        states=_states)
    failed = fields.Function(fields.Integer("Failed"), 'get_failed')
    done_at = fields.DateTime("Done at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    _maintained_fields = ('done_at',)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('site', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'fill': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @staticmethod
    def default_inspector():
        return Transaction().context.get('employee')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('month'):
            values['month'] = values['month'].replace(day=1)
        return values

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.month:%Y-%m}'

    def get_failed(self, name):
        return sum(1 for l in self.lines if l.result == 'fail')

    @classmethod
    @ModelView.button
    def fill(cls, checks):
        """One line per extinguisher, hydrant and alarm panel of the site
        in service, that the round has not listed yet"""
        pool = Pool()
        Equipment = pool.get('property.equipment')
        Line = pool.get('property.fire.check.line')
        lines = []
        for check in checks:
            listed = {l.equipment for l in check.lines}
            for equipment in Equipment.search([
                        ('site', '=', check.site.id),
                        ('category.kind', 'in', list(FIRE_KINDS)),
                        ('state', '!=', 'retired'),
                        ]):
                if equipment not in listed:
                    lines.append(Line(check=check, equipment=equipment))
        Line.save(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, checks):
        "Done: every item checked, the failed ones become repair tickets"
        Line = Pool().get('property.fire.check.line')
        for check in checks:
            unchecked = [l.equipment.rec_name for l in check.lines
                if not l.result]
            if unchecked:
                raise ValidationError(gettext(
                        'property_maintenance.msg_fire_check_unchecked',
                        check=check.rec_name,
                        items=', '.join(unchecked[:5])))
        cls.write(checks, {'done_at': clock()})
        Line.create_tickets([l for c in checks for l in c.lines
                if l.result == 'fail'])

    @classmethod
    def create_monthly(cls, date=None):
        """Scheduled action: the month's round of every site with fire
        equipment, filled with its items, once per month"""
        pool = Pool()
        Equipment = pool.get('property.equipment')
        if date is None:
            date = pool.get('ir.date').today()
        month = date.replace(day=1)
        sites = {e.site for e in Equipment.search([
                    ('category.kind', 'in', list(FIRE_KINDS)),
                    ('state', '!=', 'retired')])}
        done = {c.site for c in cls.search([('month', '=', month)])}
        checks = cls.create([{'site': s.id, 'month': month}
                for s in sorted(sites - done, key=lambda s: s.id)])
        cls.fill(checks)
        return checks


class FireCheckLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.fire.check.line'
    __string__ = "Fire Equipment Check Item"
    check = fields.Many2One('property.fire.check', "Round", required=True,
        ondelete='CASCADE')
    equipment = fields.Many2One('property.equipment', "Equipment",
        required=True, ondelete='RESTRICT')
    result = fields.Selection([
            (None, ""),
            ('ok', "OK"),
            ('fail', "Problem"),
            ], "Result", sort=False)
    category = fields.Many2One('property.ticket.category', "Category",
        ondelete='RESTRICT',
        states={'required': Eval('result') == 'fail'},
        help="The repair ticket's category when the item fails.")
    note = fields.Char("Finding")
    ticket = fields.Many2One('property.ticket', "Ticket", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.check, Index.Range())),
                Index(t, (t.equipment, Index.Range())),
                })
        cls._order = [('equipment', 'ASC'), ('id', 'ASC')]

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        for line in lines:
            if line.equipment.site != line.check.site:
                raise ValidationError(gettext(
                        'property_maintenance.msg_fire_check_site',
                        equipment=line.equipment.rec_name,
                        check=line.check.rec_name))

    @classmethod
    def create_tickets(cls, lines):
        "Each failed item becomes a common-area repair ticket"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        to_create = []
        for line in lines:
            if line.result != 'fail' or line.ticket:
                continue
            check = line.check
            to_create.append((line, {
                        'company': check.site.company.id,
                        'site': check.site.id,
                        'channel': 'patrol',
                        'kind': 'repair_common',
                        'category': line.category.id,
                        'level': line.category.default_level,
                        'description': ' - '.join(filter(None, [
                                    line.equipment.rec_name,
                                    line.equipment.location,
                                    line.note])),
                        'first_receiver': (check.inspector.id
                            if check.inspector else None),
                        'received_at': clock(),
                        }))
        return Ticket.open_for(to_create)


class Equipment(metaclass=PoolMeta):
    __name__ = 'property.equipment'
    fire_checks = fields.One2Many('property.fire.check.line', 'equipment',
        "Fire Checks", readonly=True)


class PatrolPlan(DeactivableMixin, CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.patrol.plan'
    __string__ = "Patrol Plan"
    name = fields.Char("Name", required=True)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    rounds_day = fields.Integer("Rounds per Day", required=True,
        help="Rounds started from 08:00 to 20:00.")
    rounds_night = fields.Integer("Rounds per Night", required=True,
        help="Rounds started from 20:00 to 08:00.")
    points = fields.One2Many('property.patrol.point', 'plan', "Route",
        help="The check points in the order they are walked.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('site', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_rounds_day():
        return 2

    @staticmethod
    def default_rounds_night():
        return 1

    @classmethod
    def validate(cls, plans):
        super().validate(plans)
        for plan in plans:
            if plan.rounds_day < 0 or plan.rounds_night < 0:
                raise ValidationError(gettext(
                        'property_maintenance.msg_patrol_plan_rounds',
                        plan=plan.rec_name))

    @classmethod
    def rounds(cls, date):
        """(plan, 'day' or 'night', rounds done, rounds planned) of each
        active plan for the day and the night starting on the office date"""
        pool = Pool()
        Patrol = pool.get('property.patrol')
        plans = cls.search([])
        start = start_of_office_day(date)
        end = start_of_office_day(date + dt.timedelta(days=2))
        done = defaultdict(int)
        for patrol in Patrol.search([
                    ('plan', 'in', [p.id for p in plans]),
                    ('state', '=', 'done'),
                    ('date', '>=', start), ('date', '<', end),
                    ]):
            local = to_office(patrol.date)
            if local.hour < DAY_START:
                night = local.date() - dt.timedelta(days=1)
                key = (patrol.plan.id, night, 'night')
            elif local.hour < NIGHT_START:
                key = (patrol.plan.id, local.date(), 'day')
            else:
                key = (patrol.plan.id, local.date(), 'night')
            done[key] += 1
        return [(plan, period, done[plan.id, date, period], planned)
            for plan in plans
            for period, planned in [('day', plan.rounds_day),
                ('night', plan.rounds_night)]]

    @classmethod
    def check_rounds(cls, date=None):
        """Scheduled action (in the morning): alert the subscribers of the
        plans whose day or night before had fewer rounds than planned"""
        pool = Pool()
        Cron = pool.get('ir.cron')
        if date is None:
            date = pool.get('ir.date').today() - dt.timedelta(days=1)
        missing = [(plan, period, done, planned)
            for plan, period, done, planned in cls.rounds(date)
            if done < planned]
        plans = list({p for p, *_ in missing})
        Cron.notify_sites('tryton-warning',
            'property_maintenance.act_patrol_plan_form',
            'property_maintenance.msg_patrol_rounds_missing', plans,
            variables=lambda plans: {
                'date': date,
                'rounds': ', '.join(f'{p.rec_name} ({period} {done}/{n})'
                    for p, period, done, n in missing if p in plans)})
        return missing


class PatrolPoint(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.patrol.point'
    __string__ = "Patrol Check Point"
    plan = fields.Many2One('property.patrol.plan', "Plan", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    name = fields.Char("Check Point", required=True)
    items = fields.Text("Standard Items",
        help="What is checked at this point, one item a line.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.sequence or ""}. {self.name}'.lstrip('. ')


class Patrol(metaclass=PoolMeta):
    __name__ = 'property.patrol'
    plan = fields.Many2One('property.patrol.plan', "Patrol Plan",
        ondelete='RESTRICT',
        domain=[('site', '=', Eval('site', -1))],
        states={'readonly': Eval('state') != 'draft'})

    @fields.depends('plan', 'lines', 'route', '_parent_plan.points',
        '_parent_plan.name')
    def on_change_plan(self):
        "The route's points, in their order, with their standard items"
        Line = Pool().get('property.patrol.line')
        if not self.plan:
            return
        self.route = self.plan.name
        lines = []
        for point in self.plan.points:
            for item in (point.items or point.name).splitlines():
                if item.strip():
                    lines.append(Line(point=point, sequence=point.sequence,
                            item=f'{point.name}: {item.strip()}',
                            result='ok'))
        self.lines = lines


class PatrolLine(metaclass=PoolMeta):
    __name__ = 'property.patrol.line'
    point = fields.Many2One('property.patrol.point', "Check Point",
        ondelete='RESTRICT')

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        for line in lines:
            if line.point and line.point.plan != line.patrol.plan:
                raise ValidationError(gettext(
                        'property_maintenance.msg_patrol_point_not_on_route',
                        point=line.point.name,
                        patrol=line.patrol.rec_name))
