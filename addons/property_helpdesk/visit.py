# This file is part of the property-management suite.

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import now, office_date
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


class ReturnVisit(ModelSQL, ModelView):
    "Return Visit"
    __name__ = 'property.return_visit'
    ticket = fields.Many2One('property.ticket', "Ticket", required=True,
        ondelete='CASCADE',
        domain=[('state', 'in', ['resolved', 'visited'])])
    site = fields.Function(fields.Many2One('property.site', "Site"),
        'on_change_with_site', searcher='search_site')
    date = fields.DateTime("Date", required=True)
    method = fields.Selection(METHODS, "Method", required=True)
    visitor = fields.Many2One('company.employee', "Visitor",
        ondelete='RESTRICT')
    satisfaction = fields.Integer("Satisfaction", required=True,
        help="From 1 (very dissatisfied) to 5 (very satisfied).")
    comments = fields.Text("Comments")
    owner_signed = fields.Boolean("Owner Signed",
        states={'invisible': Eval('method') != 'door'},
        help="A door-to-door visit is signed by the owner (seed 001).")
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
    def default_satisfaction():
        return 5

    @fields.depends('ticket', '_parent_ticket.site')
    def on_change_with_site(self, name=None):
        return self.ticket.site if self.ticket else None

    @classmethod
    def search_site(cls, name, clause):
        return [('ticket.' + clause[0], *clause[1:])]

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

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Ticket = pool.get('property.ticket')
        # Checked before the insert so that the clerk reads the reason and
        # not the generic domain error.
        cls.check_ticket_state(Ticket.browse(
                [v['ticket'] for v in vlist if v.get('ticket')]))
        visits = super().create(vlist)
        Ticket.visit([v.ticket for v in visits
                if v.ticket.state == 'resolved'])
        return visits

    @classmethod
    def validate_fields(cls, visits, field_names):
        super().validate_fields(visits, field_names)
        for visit in visits:
            if visit.satisfaction not in dict(SATISFACTION):
                raise ValidationError(gettext(
                        'property_helpdesk.msg_visit_satisfaction',
                        value=visit.satisfaction))

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
