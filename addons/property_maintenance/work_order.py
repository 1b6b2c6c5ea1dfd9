# This file is part of the property-management suite.
"""Work orders of the helpdesk for the equipment: repairs name the
equipment repaired, planned maintenance jobs come from the plans with
their checklist, their due date and whether they were done on time"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, office_date)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval


class WorkOrder(metaclass=PoolMeta):
    __name__ = 'property.work_order'
    kind = fields.Selection([
            ('repair', "Repair"),
            ('planned', "Planned Maintenance"),
            ], "Kind", required=True, sort=False,
        states={'readonly': Eval('state') != 'draft'})
    equipment = fields.Many2One('property.equipment', "Equipment",
        ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'planned',
            })
    plan = fields.Many2One('property.maintenance.plan', "Plan",
        readonly=True, ondelete='RESTRICT')
    contractor = fields.Many2One('party.party', "Contractor",
        ondelete='RESTRICT',
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    due_date = fields.Date("Due Date", readonly=True,
        help="The date the planned job is due.")
    on_time = fields.Function(fields.Boolean("Done on Time",
            states={'invisible': Eval('kind') != 'planned'}),
        'get_on_time')
    escalated_at = fields.DateTime("Escalated at", readonly=True,
        help="When the overdue job was escalated.")
    checks = fields.One2Many('property.work_order.check', 'work_order',
        "Checklist",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._maintained_fields = tuple(cls._maintained_fields) + (
            'plan', 'due_date', 'escalated_at')
        # A planned job has no ticket: it comes from its plan
        cls.ticket.required = False
        cls.ticket.states = dict(cls.ticket.states)
        cls.ticket.states['required'] = Eval('kind', 'repair') == 'repair'
        cls.ticket.states['invisible'] = Eval('kind') == 'planned'
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.equipment, Index.Range())),
                Index(t, (t.plan, Index.Range())),
                Index(t, (t.due_date, Index.Range()),
                    where=(t.kind == 'planned')
                    & t.state.in_(['draft', 'dispatched'])),
                })

    @staticmethod
    def default_kind():
        return 'repair'

    @fields.depends('equipment', '_parent_equipment.site')
    def on_change_with_site(self, name=None):
        site = super().on_change_with_site(name=name)
        if not site and self.equipment:
            site = self.equipment.site
        return site

    @classmethod
    def search_site(cls, name, clause):
        return ['OR',
            [('ticket', '!=', None)] + super().search_site(name, clause),
            [('ticket', '=', None),
                ('equipment.' + clause[0], *clause[1:])],
            ]

    def get_rec_name(self, name):
        if self.ticket:
            return super().get_rec_name(name)
        equipment = self.equipment.rec_name if self.equipment else ''
        return f'{equipment} {self.due_date or ""}/{self.id}'.strip()

    @fields.depends('equipment', 'contractor',
        '_parent_equipment.contractor')
    def on_change_equipment(self):
        if self.equipment and not self.contractor:
            self.contractor = self.equipment.contractor

    @classmethod
    def get_on_time(cls, orders, name):
        result = {}
        for order in orders:
            if order.kind != 'planned' or not order.due_date:
                result[order.id] = None
            elif order.state == 'done' and order.done_at:
                result[order.id] = (
                    office_date(order.done_at) <= order.due_date)
            else:
                result[order.id] = False
        return result

    @classmethod
    def _validate(cls, orders, field_names=None):
        super()._validate(orders, field_names=field_names)
        for order in orders:
            if order.kind == 'repair' and not order.ticket:
                raise ValidationError(gettext(
                        'property_maintenance.msg_work_order_no_ticket',
                        work_order=order.rec_name))
            if order.kind == 'planned' and not order.equipment:
                raise ValidationError(gettext(
                        'property_maintenance.msg_work_order_no_equipment',
                        work_order=order.rec_name))

    @classmethod
    @ModelView.button
    def finish(cls, orders):
        # A planned job is done once every item of its checklist is
        # checked (有保养、有检查、有记录: seed 001)
        for order in orders:
            unchecked = [c.name for c in order.checks if not c.result]
            if order.state == 'dispatched' and unchecked:
                raise ValidationError(gettext(
                        'property_maintenance.msg_work_order_unchecked',
                        work_order=order.rec_name,
                        items=', '.join(unchecked)))
        super().finish(orders)

    @classmethod
    def overdue(cls, date):
        "The planned jobs not done by their due date, not yet escalated"
        return cls.search([
                ('kind', '=', 'planned'),
                ('state', 'in', ['draft', 'dispatched']),
                ('due_date', '<', date),
                ('escalated_at', '=', None),
                ], order=[('due_date', 'ASC'), ('id', 'ASC')])

    @classmethod
    def escalate_overdue(cls, date=None):
        """Scheduled action: planned jobs past their due date escalate, as
        tickets do: each is marked once and its site's subscribers (the
        managers) are notified"""
        pool = Pool()
        Cron = pool.get('ir.cron')
        if date is None:
            date = pool.get('ir.date').today()
        orders = cls.overdue(date)
        if not orders:
            return []
        cls.write(orders, {'escalated_at': clock()})
        Cron.notify_sites('tryton-warning',
            'property_maintenance.act_work_order_overdue',
            'property_maintenance.msg_work_order_overdue', orders,
            variables=lambda orders: {
                'work_orders': ', '.join(o.rec_name for o in orders[:5])},
            site=lambda o: o.site)
        return orders


class WorkOrderCheck(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.work_order.check'
    __string__ = "Work Order Check"
    work_order = fields.Many2One('property.work_order', "Work Order",
        required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    name = fields.Char("Item", required=True)
    result = fields.Selection([
            (None, ""),
            ('ok', "OK"),
            ('fail', "Problem"),
            ], "Result", sort=False)
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.work_order, Index.Range())))
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]

    @classmethod
    def validate(cls, checks):
        super().validate(checks)
        for check in checks:
            if check.result == 'fail' and not check.note:
                raise ValidationError(gettext(
                        'property_maintenance.msg_check_fail_note',
                        item=check.name))
