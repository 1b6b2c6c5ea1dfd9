# This file is part of the property-management suite.

import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin, clock
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)

STATES = [
    ('draft', "Draft"),
    ('dispatched', "Dispatched"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]


class WorkOrder(CheckValuesMixin, site_from('ticket'), StampMixin,
        WorkflowGuardMixin, StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.work_order'
    __string__ = "Work Order"
    _maintained_fields = ('dispatched_at', 'done_at', 'rework_count',
        'arrived_at', 'onsite_deadline', 'arrival_breached')
    _states = {
        'readonly': Eval('state') != 'draft',
        }
    ticket = fields.Many2One('property.ticket', "Ticket", required=True,
        ondelete='CASCADE', states=_states)
    department = fields.Many2One('property.department', "Department",
        required=True, ondelete='RESTRICT', states=_states)
    technician = fields.Many2One('company.employee', "Technician",
        ondelete='RESTRICT',
        # On the department itself, not a function field of its members:
        # Tryton validates a domain that depends on a function field at
        # every write (each dispatch and finish).
        domain=[If(Bool(Eval('department')),
                ('property_departments', '=', Eval('department', -1)), ())],
        states={
            'readonly': ~Eval('state').in_(['draft', 'dispatched']),
            'required': Eval('state') == 'dispatched',
            })
    unit = fields.Function(fields.Many2One('property.unit', "Unit"),
        'get_ticket_details')
    address = fields.Function(fields.Char("Address",
            help="Where to go: the site's address, the building and the "
            "door."),
        'get_ticket_details')
    reporter = fields.Function(fields.Many2One('party.party', "Reporter"),
        'get_ticket_details')
    reporter_phone = fields.Function(fields.Char("Phone",
            help="The number the reporter gave, else their number to "
            "call."),
        'get_ticket_details')
    description = fields.Text("Work to Do", required=True, states=_states)
    appointment_at = fields.DateTime("Appointment",
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The time agreed with the resident for work in the home "
             "(于业户约定上门服务时间): the technician is on site by then.")
    dispatched_at = fields.DateTime("Dispatched at", readonly=True)
    onsite_deadline = fields.DateTime("On Site by", readonly=True,
        help="The appointment, else the dispatch plus the policy's minutes to "
             "reach the site (准时到达现场).")
    arrived_at = fields.DateTime("Arrived at", readonly=True)
    arrival_breached = fields.Boolean("Late on Site", readonly=True,
        help="Not on site by the deadline: the technician who took the order "
             "answers for it (收单无正当理由不按时到现场，接单人责任).")
    done_at = fields.DateTime("Done at", readonly=True)
    report = fields.Text("Completion Report",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    materials = fields.Text("Materials",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    hours = fields.Numeric("Hours", digits=(6, 2),
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    paid_service = fields.Boolean("Paid Service",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])},
        help="The owner pays for the work (有偿服务).")
    amount = fields.Numeric("Amount", digits=(16, 2),
        states={
            'invisible': ~Eval('paid_service'),
            'required': Bool(Eval('paid_service')),
            'readonly': Eval('state').in_(['done', 'cancelled']),
            })
    rework_count = fields.Integer("Rework", readonly=True,
        help="How many times the finished job was reopened (返修).")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Range())))
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'dispatched'),
            ('dispatched', 'done'),
            ('done', 'dispatched'),
            ('draft', 'cancelled'),
            ('dispatched', 'cancelled'),
            }
        cls._buttons.update({
                'dispatch': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'arrive': {
                    'invisible': ((Eval('state') != 'dispatched')
                        | Bool(Eval('arrived_at'))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'arrived_at'],
                    },
                'finish': {
                    'invisible': Eval('state') != 'dispatched',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'done',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'dispatched']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_rework_count():
        return 0

    @staticmethod
    def default_paid_service():
        return False

    @staticmethod
    def default_arrival_breached():
        return False

    @fields.depends('ticket', 'department', 'description',
        '_parent_ticket.category', '_parent_ticket.description')
    def on_change_ticket(self):
        if self.ticket:
            if not self.department and self.ticket.category:
                self.department = self.ticket.category.department
            if not self.description:
                self.description = self.ticket.description

    def get_rec_name(self, name):
        return f'{self.ticket.rec_name}/{self.id}'

    @classmethod
    def get_ticket_details(cls, work_orders, names):
        """Where the technician goes and whom to call, from the tickets of
        all the orders read together"""
        Party = Pool().get('party.party')
        result = {n: {} for n in names}
        phones = {}
        if 'reporter_phone' in names:
            phones = Party.call_phones({w.ticket.reporter.id
                    for w in work_orders if w.ticket.reporter})
        for order in work_orders:
            ticket = order.ticket
            unit = ticket.unit
            reporter = ticket.reporter
            if 'unit' in names:
                result['unit'][order.id] = unit.id if unit else None
            if 'reporter' in names:
                result['reporter'][order.id] = (
                    reporter.id if reporter else None)
            if 'reporter_phone' in names:
                result['reporter_phone'][order.id] = (ticket.contact_phone
                    or (phones.get(reporter.id) if reporter else None))
            if 'address' in names:
                site = ticket.site
                parts = [site.address or site.name]
                if unit:
                    parts += [unit.building.name, unit.number]
                result['address'][order.id] = ' '.join(
                    p.strip() for p in parts if p and p.strip())
        return result

    @classmethod
    def _validate(cls, work_orders, field_names=None):
        # Before the generic domain error of the technician field. As
        # Tryton does for the fields, only when a field they check is
        # written: dispatching and finishing write dates and states.
        names = set(field_names) if field_names is not None else None

        def written(*checked):
            return names is None or bool(names.intersection(checked))
        technician = written('technician', 'department')
        amount = written('paid_service', 'amount')
        hours = written('hours')
        for order in work_orders:
            if (technician and order.technician and order.department
                    and order.technician not in order.department.employees):
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_technician',
                        employee=order.technician.rec_name,
                        department=order.department.rec_name))
            if amount and order.paid_service and (order.amount or 0) < 0:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_amount'))
            if hours and order.hours is not None and order.hours < 0:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_hours'))
        super()._validate(work_orders, field_names=field_names)

    @classmethod
    @ModelView.button
    @Workflow.transition('dispatched')
    def dispatch(cls, work_orders):
        pool = Pool()
        Ticket = pool.get('property.ticket')
        now = clock()
        for order in work_orders:
            if not order.technician:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_no_technician',
                        work_order=order.rec_name))
            if order.appointment_at and order.appointment_at < now:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_appointment_past',
                        work_order=order.rec_name))
            order.dispatched_at = now
            # A job without a ticket (a planned one) has no resident
            # waiting: only its appointment, if any, sets when to be there
            order.onsite_deadline = order.appointment_at or (
                now + dt.timedelta(minutes=order.ticket.get_policy(
                        ).onsite_minutes) if order.ticket else None)
        cls.save(work_orders)
        Ticket.start(list({w.ticket for w in work_orders
                    if w.ticket and w.ticket.state == 'assigned'}))

    @classmethod
    @ModelView.button
    def arrive(cls, work_orders):
        "The technician is on site"
        now = clock()
        for order in work_orders:
            if order.state != 'dispatched' or order.arrived_at:
                continue
            order.arrived_at = now
            order.arrival_breached = bool(order.arrival_breached
                or (order.onsite_deadline and now > order.onsite_deadline))
        cls.save(work_orders)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def finish(cls, work_orders):
        cls.stamp(work_orders, at='done_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('dispatched')
    def reopen(cls, work_orders):
        pool = Pool()
        Ticket = pool.get('property.ticket')
        for order in work_orders:
            order.rework_count = (order.rework_count or 0) + 1
            order.done_at = None
            # back to the home: a new visit of the technician
            order.arrived_at = None
            order.arrival_breached = False
            order.onsite_deadline = clock() + dt.timedelta(
                minutes=order.ticket.get_policy().onsite_minutes
                ) if order.ticket else None
        cls.save(work_orders)
        # The job is not done any more: neither is its ticket.
        Ticket.reopen(list({w.ticket for w in work_orders
                    if w.ticket and w.ticket.state in {'resolved', 'visited'}}))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, work_orders):
        pass


    @classmethod
    def late_on_site(cls, now):
        "The dispatched orders whose technician is not on site in time"
        return cls.search([
                ('state', '=', 'dispatched'),
                ('arrived_at', '=', None),
                ('arrival_breached', '=', False),
                ('onsite_deadline', '<', now),
                ])
