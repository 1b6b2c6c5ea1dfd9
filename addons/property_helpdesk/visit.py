# This file is part of the property-management suite.

from decimal import ROUND_HALF_UP, Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.property_base.common import (
    CheckValuesMixin, now, office_date)
from trytond.modules.property_base.workflow import external_call
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

METHODS = [
    ('phone', "Phone"),
    ('door', "Door-to-door"),
    ('letter', "Letter"),
    ]
SATISFACTION = [
    (1, "Very dissatisfied"),
    (2, "Dissatisfied"),
    (3, "Neutral"),
    (4, "Satisfied"),
    (5, "Very satisfied"),
    ]
SCORES = [(None, "")] + [(str(v), s) for v, s in SATISFACTION]
# What a repair visit asks (seed 001 回访制度 6: 服务态度、工作效率、工作
# 质量、维修效果)
SCORE_FIELDS = ['attitude', 'efficiency', 'quality', 'result']
# A visit scored this low sends the job back (返修)
SENT_BACK_BELOW = 3


class ReturnVisit(CheckValuesMixin, site_from('ticket'), ModelSQL, ModelView):
    __name__ = 'property.return_visit'
    __string__ = "Return Visit"
    ticket = fields.Many2One('property.ticket', "Ticket", required=True,
        ondelete='CASCADE',
        domain=[('state', 'in', ['resolved', 'visited'])])
    date = fields.DateTime("Date", required=True)
    method = fields.Selection(METHODS, "Method", required=True)
    visitor = fields.Many2One('company.employee', "Visitor",
        ondelete='RESTRICT')
    attitude = fields.Selection(SCORES, "Attitude", sort=False,
        states={'readonly': Eval('id', -1) >= 0},
        help="The staff's service attitude (服务态度).")
    efficiency = fields.Selection(SCORES, "Efficiency", sort=False,
        states={'readonly': Eval('id', -1) >= 0},
        help="How fast the job was done (工作效率).")
    quality = fields.Selection(SCORES, "Quality", sort=False,
        states={'readonly': Eval('id', -1) >= 0},
        help="The quality of the work (工作质量).")
    result = fields.Selection(SCORES, "Result", sort=False,
        states={'readonly': Eval('id', -1) >= 0},
        help="Whether the problem is solved (维修效果).")
    satisfaction = fields.Integer("Satisfaction", required=True,
        states={'readonly': Eval('id', -1) >= 0},
        help="From 1 (very dissatisfied) to 5 (very satisfied); the "
        "average of the four scores when they are given. 1 or 2 sends "
        "the job back.")
    comments = fields.Text("Comments")
    owner_signed = fields.Boolean("Owner Signed", readonly=True,
        states={'invisible': Eval('method') != 'door'},
        help="Who signed and the signature are recorded.")
    signed_by = fields.Char("Signed by",
        states={
            'invisible': Eval('method') != 'door',
            'required': Eval('method') == 'door',
            },
        help="A door-to-door visit is signed by the owner (上门回访必须要有业主签字).")
    signature = fields.Binary("Signature", filename='signature_name',
        states={
            'invisible': Eval('method') != 'door',
            'required': Eval('method') == 'door',
            },
        help="The signature drawn, or the signed visit form scanned.")
    signature_name = fields.Char("Signature File",
        states={'invisible': True})
    responsible = fields.Many2One('company.employee', "Responsible",
        readonly=True, ondelete='RESTRICT',
        help="The employee who answers for the job visited and is "
        "credited with the visit's satisfaction: the ticket's assignee, "
        "else the technician of its last work order, else its first "
        "receiver.")
    sent_back = fields.Boolean("Sent Back", readonly=True,
        help="Scored 1 or 2: the job went back to its department and "
        "the ticket waits for a new visit.")
    new_issue = fields.Text("New Issue Raised",
        help="A new request made during the visit; it becomes a ticket.")
    new_ticket = fields.Many2One('property.ticket', "New Ticket",
        readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'create_ticket': {
                    'invisible': (~Bool(Eval('new_issue'))
                        | Bool(Eval('new_ticket'))),
                    'depends': ['new_issue', 'new_ticket'],
                    },
                })

    @staticmethod
    def default_date():
        return now()

    @staticmethod
    def default_method():
        return 'phone'

    @staticmethod
    def default_visitor():
        return Transaction().context.get('employee')

    @staticmethod
    def default_sent_back():
        return False

    @staticmethod
    def default_owner_signed():
        return False

    @fields.depends(*SCORE_FIELDS, 'satisfaction')
    def on_change_with_satisfaction(self):
        derived = self.derived_satisfaction()
        return derived if derived is not None else self.satisfaction

    def derived_satisfaction(self):
        "The mean of the four scores, rounded half up; None if not all given"
        scores = [getattr(self, n) for n in SCORE_FIELDS]
        if any(s is None for s in scores):
            return None
        mean = Decimal(sum(int(s) for s in scores)) / len(scores)
        return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def get_responsible(self):
        ticket = self.ticket
        if ticket.assignee:
            return ticket.assignee
        for order in sorted(ticket.work_orders, key=lambda w: -w.id):
            if order.technician and order.state != 'cancelled':
                return order.technician
        return ticket.first_receiver

    def get_rec_name(self, name):
        return (f'{self.ticket.rec_name} '
            f'{office_date(self.date, self.ticket.company):%Y-%m-%d}')

    @property
    def satisfaction_label(self):
        return dict(SATISFACTION).get(self.satisfaction)

    @classmethod
    def check_ticket_state(cls, tickets):
        for ticket in tickets:
            if ticket.state not in {'resolved', 'visited'}:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_visit_ticket_unresolved',
                        ticket=ticket.rec_name, state=ticket.state_string))

    _maintained_fields = ('responsible', 'sent_back', 'owner_signed')

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Ticket = pool.get('property.ticket')
        if external_call():
            for values in vlist:
                for name in cls._maintained_fields:
                    if values.get(name):
                        raise AccessError(gettext(
                                'property_base.msg_workflow_maintained_field',
                                field=cls._fields[name].string,
                                model=cls.__string__))
        # Checked before the insert so that the clerk reads the reason and
        # not the generic domain error.
        cls.check_ticket_state(Ticket.browse(
                [v['ticket'] for v in vlist if v.get('ticket')]))
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            derived = cls(**{n: values.get(n) for n in SCORE_FIELDS}
                ).derived_satisfaction()
            if derived is not None:
                values['satisfaction'] = derived
            values['owner_signed'] = bool(
                values.get('signed_by') and values.get('signature'))
        visits = super().create(vlist)
        for visit in visits:
            visit.responsible = visit.get_responsible()
            visit.sent_back = visit.satisfaction < SENT_BACK_BELOW
        cls.save(visits)
        cls.send_back([v for v in visits if v.sent_back])
        Ticket.visit([v.ticket for v in visits
                if not v.sent_back and v.ticket.state == 'resolved'])
        return visits

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for visits, values in zip(actions, actions):
            if external_call() and set(values) & (
                    set(cls._maintained_fields) | set(SCORE_FIELDS)
                    | {'satisfaction', 'ticket'}):
                raise AccessError(gettext(
                        'property_helpdesk.msg_visit_scores_recorded'))
        super().write(*args)
        actions = iter(args)
        for visits, values in zip(actions, actions):
            if {'signed_by', 'signature'} & set(values):
                for visit in visits:
                    signed = bool(visit.signed_by and visit.signature)
                    if visit.owner_signed != signed:
                        super().write([visit], {'owner_signed': signed})

    @classmethod
    def send_back(cls, visits):
        """A visit scored 1 or 2: the job goes back to the responsible
        department, its finished work orders reopened (a rework each), and
        the ticket waits for a new visit before it can close"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        WorkOrder = pool.get('property.work_order')
        tickets = {v.ticket for v in visits}
        orders = [w for t in tickets for w in t.work_orders
            if w.state == 'done']
        with_orders = {w.ticket for w in orders}
        if orders:
            WorkOrder.reopen(orders)
        to_reopen = [t for t in Ticket.browse([t.id for t in tickets])
            if t.state in {'resolved', 'visited'}]
        # a job with someone assigned goes back to them, else to the desk
        # to be dispatched again
        Ticket.reopen([t for t in to_reopen if t.assignee])
        Ticket.send_back([t for t in to_reopen if not t.assignee])
        # Without a work order (a complaint the office handled itself) the
        # ticket counts the rework
        without = Ticket.browse([t.id for t in tickets
                if t not in with_orders])
        for ticket in without:
            ticket.rework_count = (ticket.rework_count or 0) + 1
        Ticket.save(without)

    @classmethod
    def _validate(cls, visits, field_names=None):
        # Before the generic required error of the signature fields: the
        # clerk reads the rule
        for visit in visits:
            if visit.method == 'door' and not (
                    visit.signed_by and visit.signature):
                raise ValidationError(gettext(
                        'property_helpdesk.msg_visit_door_signature',
                        ticket=visit.ticket.rec_name))
        super()._validate(visits, field_names=field_names)

    @classmethod
    def validate_fields(cls, visits, field_names):
        super().validate_fields(visits, field_names)
        for visit in visits:
            if visit.satisfaction not in dict(SATISFACTION):
                raise ValidationError(gettext(
                        'property_helpdesk.msg_visit_satisfaction',
                        value=visit.satisfaction))
            scores = [getattr(visit, n) for n in SCORE_FIELDS]
            if any(s is not None for s in scores) \
                    and any(s is None for s in scores):
                raise ValidationError(gettext(
                        'property_helpdesk.msg_visit_scores_incomplete',
                        ticket=visit.ticket.rec_name))

    @classmethod
    @ModelView.button
    def create_ticket(cls, visits):
        "Turn the new issue raised during the visit into a ticket"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        for visit in visits:
            if not visit.new_issue or visit.new_ticket:
                continue
            old = visit.ticket
            ticket, = Ticket.create([{
                        'company': old.company.id,
                        'site': old.site.id,
                        'unit': old.unit.id if old.unit else None,
                        'reporter': old.reporter.id if old.reporter else None,
                        'contact_phone': old.contact_phone,
                        'channel': 'phone' if visit.method == 'phone'
                        else 'walk_in',
                        'kind': old.kind if old.kind != 'complaint'
                        else 'enquiry',
                        'category': old.category.id,
                        'description': visit.new_issue,
                        'first_receiver': (visit.visitor.id
                            if visit.visitor else None),
                        }])
            visit.new_ticket = ticket
        cls.save(visits)
