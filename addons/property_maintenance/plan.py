# This file is part of the property-management suite.
"""Planned maintenance (设施设备保养计划): plans per equipment or category
whose due jobs the scheduler creates as helpdesk work orders

Seed 004 asks the facilities' maintenance to be planned weekly, monthly
and quarterly and carried out (周、月、季度保养有计划,有落实), seed 001 a
monthly, quarterly and yearly upkeep of the common facilities with
records (月、季、年度公共设施设备的保养 ... 有保养、有检查、有记录)."""
import datetime as dt
import functools
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from sql import Literal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.modules.property_base.workflow import WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from . import bulk

FREQUENCIES = [
    (None, ""),
    ('days', "Every N Days"),
    ('weekly', "Weekly"),
    ('monthly', "Monthly"),
    ('quarterly', "Quarterly"),
    ('yearly', "Yearly"),
    ]
# Lifts are maintained at least every 15 days by their contractor (the
# national lift maintenance rules, TSG T5002): the suite's default for a
# lift's plan
LIFT_INTERVAL = 15


@functools.lru_cache(maxsize=1024)
def step(frequency, interval, n):
    "The offset of the n-th occurrence of a frequency from its anchor"
    if frequency == 'days':
        return relativedelta(days=(interval or 0) * n)
    return {
        'weekly': relativedelta(weeks=n),
        'monthly': relativedelta(months=n),
        'quarterly': relativedelta(months=3 * n),
        'yearly': relativedelta(years=n),
        }[frequency]


@functools.lru_cache(maxsize=100000)
def occurrence(anchor, frequency, interval, n):
    """The date of the n-th occurrence: counted from the anchor each time,
    so a plan anchored on 31 January falls on 28 February and then on 31
    March again (adding a month to the previous date would drift to the
    28th for good)"""
    return anchor + step(frequency, interval, n)


class Plan(WorkflowGuardMixin, CheckValuesMixin, DeactivableMixin,
        ModelSQL, ModelView):
    __name__ = 'property.maintenance.plan'
    __string__ = "Maintenance Plan"
    # Where the schedule stands: set by the plan itself and its scheduler
    _maintained_fields = ('anchor_date', 'occurrences')

    name = fields.Char("Name", required=True)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    equipment = fields.Many2One('property.equipment', "Equipment",
        ondelete='CASCADE',
        domain=[('site', '=', Eval('site', -1)),
            ('state', '!=', 'retired')],
        states={'required': ~Eval('category')},
        help="The equipment maintained; empty for all the equipment of the "
        "category on the site.")
    category = fields.Many2One('property.equipment.category', "Category",
        ondelete='RESTRICT',
        states={
            'required': ~Eval('equipment'),
            'readonly': Bool(Eval('equipment')),
            })
    frequency = fields.Selection(FREQUENCIES, "Frequency", sort=False)
    interval = fields.Integer("Every (Days)",
        states={
            'invisible': Eval('frequency') != 'days',
            'required': Eval('frequency') == 'days',
            })
    start_date = fields.Date("First Job", required=True)
    department = fields.Many2One('property.department', "Department",
        required=True, ondelete='RESTRICT',
        help="The department responsible for the jobs.")
    contractor = fields.Many2One('party.party', "Contractor",
        ondelete='RESTRICT',
        help="The contractor who does the jobs, e.g. the lift's "
        "maintenance company.")
    description = fields.Text("Work to Do")
    items = fields.One2Many('property.maintenance.plan.item', 'plan',
        "Checklist")
    anchor_date = fields.Date("Anchor", readonly=True,
        help="The date the occurrences are counted from.")
    occurrences = fields.Integer("Jobs Created", readonly=True)
    next_date = fields.Function(fields.Date("Next Job"), 'get_next_date')
    jobs = fields.One2Many('property.work_order', 'plan', "Jobs",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.site, Index.Range())))
        cls._order = [('site', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def initial_state(cls):
        # no workflow: only the maintained fields are guarded
        return None

    @staticmethod
    def default_occurrences():
        return 0

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('equipment', 'category', 'frequency', 'interval',
        'contractor', 'site', '_parent_equipment.category',
        '_parent_equipment.contractor', '_parent_equipment.site',
        methods=['_lift_default'])
    def on_change_equipment(self):
        if self.equipment:
            self.category = self.equipment.category
            self.site = self.equipment.site
            if not self.contractor:
                self.contractor = self.equipment.contractor
        self._lift_default()

    @fields.depends(methods=['_lift_default'])
    def on_change_category(self):
        self._lift_default()

    @fields.depends('category', 'frequency', 'interval')
    def _lift_default(self):
        if (self.category and self.category.kind == 'lift'
                and not self.frequency):
            self.frequency = 'days'
            self.interval = LIFT_INTERVAL

    def get_next_date(self, name):
        if not self.frequency or self.anchor_date is None:
            return None
        return occurrence(self.anchor_date, self.frequency, self.interval,
            self.occurrences or 0)

    @classmethod
    def validate(cls, plans):
        super().validate(plans)
        for plan in plans:
            if not plan.frequency:
                raise ValidationError(gettext(
                        'property_maintenance.msg_plan_no_frequency',
                        plan=plan.rec_name))
            if plan.frequency == 'days' and (plan.interval or 0) <= 0:
                raise ValidationError(gettext(
                        'property_maintenance.msg_plan_interval',
                        plan=plan.rec_name))
            if not plan.equipment and not plan.category:
                raise ValidationError(gettext(
                        'property_maintenance.msg_plan_no_equipment',
                        plan=plan.rec_name))
            if plan.equipment and plan.equipment.site != plan.site:
                raise ValidationError(gettext(
                        'property_maintenance.msg_plan_equipment_site',
                        plan=plan.rec_name,
                        equipment=plan.equipment.rec_name,
                        site=plan.site.rec_name))

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('start_date'):
                values['anchor_date'] = values['start_date']
                values['occurrences'] = 0
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        """A plan changed (frequency, interval, first date): its next job
        is the last job's date plus the new frequency, or the new first
        date when no job was created yet"""
        schedule = {'frequency', 'interval', 'start_date'}
        actions = iter(args)
        args = []
        for plans, values in zip(actions, actions):
            if not schedule & values.keys():
                args.extend([plans, values])
                continue
            for plan in plans:
                values_ = values.copy()
                if not plan.occurrences:
                    values_['anchor_date'] = values.get(
                        'start_date', plan.start_date)
                    values_['occurrences'] = 0
                else:
                    values_['anchor_date'] = occurrence(plan.anchor_date,
                        plan.frequency, plan.interval, plan.occurrences - 1)
                    values_['occurrences'] = 1
                args.extend([[plan], values_])
        super().write(*args)

    @classmethod
    def copy(cls, plans, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('jobs', None)
        default.setdefault('occurrences', 0)
        default.setdefault('anchor_date', None)
        return super().copy(plans, default=default)

    @classmethod
    def create_jobs(cls, date=None):
        """Scheduled action: create every job due by date (today at the
        office) as a planned-maintenance work order with the plan's
        checklist, one per piece of equipment the plan covers. A job left
        undone does not hold back the next ones: each occurrence is due on
        its own date (and escalates when overdue). Set-wise: the plans,
        their equipment and checklists are read with a few queries, the
        work orders and checks written in bulk. Returns the ids of the new
        work orders."""
        pool = Pool()
        Equipment = pool.get('property.equipment')
        Item = pool.get('property.maintenance.plan.item')
        WorkOrder = pool.get('property.work_order')
        Check = pool.get('property.work_order.check')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        if date is None:
            date = pool.get('ir.date').today()

        plan = cls.__table__()
        cursor.execute(*plan.select(plan.id, plan.site, plan.equipment,
                plan.category, plan.frequency, plan.interval,
                plan.anchor_date, plan.occurrences, plan.department,
                plan.contractor, plan.description, plan.name,
                where=(plan.active == Literal(True))
                & (plan.frequency != '') & (plan.anchor_date <= date)))
        plans = []
        for row in cursor:
            (id_, site, equipment, category, frequency, interval, anchor,
                count, *rest) = row
            if isinstance(anchor, str):  # SQLite
                anchor = dt.date.fromisoformat(anchor)
            if not frequency:
                continue
            dates = []
            count = count or 0
            while True:
                due = occurrence(anchor, frequency, interval, count)
                if due > date:
                    break
                dates.append(due)
                count += 1
            if dates:
                plans.append((id_, site, equipment, category, dates, count,
                        *rest))
        if not plans:
            return []

        # The equipment of the category plans, per site and category
        equipment = Equipment.__table__()
        covered = defaultdict(list)
        pairs = {(p[1], p[3]) for p in plans if not p[2]}
        if pairs:
            sites = list({s for s, _ in pairs})
            for sub in range(0, len(sites), 500):
                cursor.execute(*equipment.select(equipment.id,
                        equipment.site, equipment.category,
                        where=equipment.site.in_(sites[sub:sub + 500])
                        & (equipment.state != 'retired'),
                        order_by=[equipment.code, equipment.id]))
                for id_, site, category in cursor:
                    if (site, category) in pairs:
                        covered[site, category].append(id_)
        # The plans of retired equipment create nothing (no list of ids
        # sent: tens of thousands of parameters cost more than the rows)
        cursor.execute(*equipment.select(equipment.id,
                where=equipment.state == 'retired'))
        retired = {i for i, in cursor}
        # The checklists of the plans due, read at once
        item = Item.__table__()
        cursor.execute(*item.join(plan, condition=item.plan == plan.id
                ).select(item.plan, item.sequence, item.name,
                where=(plan.active == Literal(True))
                & (plan.frequency != '') & (plan.anchor_date <= date),
                order_by=[item.plan, item.sequence, item.id]))
        checklists = defaultdict(list)
        for plan_id, sequence, name in cursor:
            checklists[plan_id].append((sequence, name))

        rows = []
        for (id_, site, equipment_id, category, dates, count, department,
                contractor, description, name) in plans:
            targets = ([equipment_id] if equipment_id
                else covered.get((site, category), []))
            for due in dates:
                for target in targets:
                    if target in retired:
                        continue
                    rows.append({
                            'kind': 'planned',
                            'plan': id_,
                            'equipment': target,
                            'department': department,
                            'contractor': contractor,
                            'due_date': due,
                            'description': description or name,
                            'state': 'draft',
                            })
        order_ids = bulk.insert(WorkOrder, rows)
        bulk.insert(Check, [{'work_order': order_id, 'sequence': sequence,
                    'name': item_name}
                for order_id, row in zip(order_ids, rows)
                for sequence, item_name in checklists[row['plan']]])

        # Where each plan's schedule now stands
        counts = [(p[0], p[5]) for p in plans]
        if backend.name == 'postgresql':
            # one statement, the ids and counts as two arrays
            cursor.execute(
                f'UPDATE "{cls._table}" SET "occurrences" = data.count '
                'FROM (SELECT unnest(%s::integer[]) AS id, '
                'unnest(%s::integer[]) AS count) AS data '
                f'WHERE "{cls._table}".id = data.id',
                ([i for i, _ in counts], [c for _, c in counts]))
        else:
            updates = defaultdict(list)
            for id_, count in counts:
                updates[count].append(id_)
            for count, ids in updates.items():
                for sub in range(0, len(ids), 500):
                    cursor.execute(*plan.update([plan.occurrences],
                            [count], where=plan.id.in_(ids[sub:sub + 500])))
        for cache in transaction.cache.values():
            for name in [cls.__name__, WorkOrder.__name__]:
                cache.pop(name, None)
        # The ids, not instances: Tryton's instances of one batch check
        # every id of the batch, quadratic over tens of thousands of jobs
        return order_ids


class PlanItem(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.maintenance.plan.item'
    __string__ = "Maintenance Checklist Item"
    plan = fields.Many2One('property.maintenance.plan', "Plan",
        required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    name = fields.Char("Item", required=True,
        help="What is checked or done, e.g. \"Brakes and traction "
        "ropes\".")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]
