# This file is part of the property-management suite.
"""Contacts with the reporter while a ticket is handled: the reply, and
every progress call or visit with the date of the next reply promised

Seed 001 投诉处理 (住户投诉处理作业规程 4 and 7): the reply to a complaint is
made by phone (verbal complaints) or by letter, within 1 or 3 working days;
the owner is told of the progress while the work goes on, and when no
solution is found yet, is told when the next reply will come (须承诺何时再给
他进一步的回复). Seed 004 (日未处理工作盘点表): work not done the same day is
fed back within 2 days."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, office_date)
from trytond.modules.property_base.workflow import external_call
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .ticket import CONTACT_METHODS, OPEN_STATES

KINDS = [
    ('reply', "Reply"),
    ('progress', "Progress"),
    ]


class Contact(CheckValuesMixin, site_from('ticket'), ModelSQL, ModelView):
    __name__ = 'property.ticket.contact'
    __string__ = "Contact with the Reporter"
    # Recorded once, when made: the times of the reply and of the feedback
    # (the KPIs) are the times of recording, never backdated
    _maintained_fields = ('date', 'kind')
    ticket = fields.Many2One('property.ticket', "Ticket", required=True,
        ondelete='CASCADE',
        domain=[('state', 'in', OPEN_STATES + ['resolved'])],
        states={'readonly': Eval('id', -1) >= 0})
    date = fields.DateTime("Date", readonly=True)
    kind = fields.Selection(KINDS, "Kind", readonly=True,
        help="The first contact of a ticket is its reply, the next ones "
        "report the progress.")
    method = fields.Selection(CONTACT_METHODS, "Method", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    employee = fields.Many2One('company.employee', "Contacted by",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    summary = fields.Text("What Was Said", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    next_reply_by = fields.DateTime("Next Reply Promised by",
        states={'readonly': Eval('id', -1) >= 0},
        help="When the reporter will hear again while the job is open: "
        "it becomes the ticket's deadline, escalated when missed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_method():
        return 'phone'

    @staticmethod
    def default_employee():
        return Transaction().context.get('employee')

    def get_rec_name(self, name):
        return f'{self.ticket.rec_name} {self.date or ""}'

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Ticket = pool.get('property.ticket')
        if external_call():
            for values in vlist:
                for name in cls._maintained_fields:
                    if values.get(name) is not None:
                        raise AccessError(gettext(
                                'property_base.msg_workflow_maintained_field',
                                field=cls._fields[name].string,
                                model=cls.__string__))
        now = clock()
        vlist = [v.copy() for v in vlist]
        tickets = Ticket.browse({v['ticket'] for v in vlist
                if v.get('ticket')})
        replied = {t.id for t in tickets if t.replied_at}
        for values in vlist:
            values['date'] = now
            ticket = values.get('ticket')
            values['kind'] = 'progress' if ticket in replied else 'reply'
            replied.add(ticket)
        contacts = super().create(vlist)
        cls.update_tickets(contacts)
        return contacts

    @classmethod
    def write(cls, *args):
        # A contact is recorded once, as it was made
        if external_call() and any(args[1::2]):
            raise AccessError(gettext(
                    'property_helpdesk.msg_contact_recorded'))
        super().write(*args)

    @classmethod
    def validate_fields(cls, contacts, field_names):
        super().validate_fields(contacts, field_names)
        for contact in contacts:
            contact.check_next_reply()

    def check_next_reply(self):
        # An open job: the reporter is told when the next reply comes
        if (self.ticket.state in OPEN_STATES
                and not self.next_reply_by):
            raise ValidationError(gettext(
                    'property_helpdesk.msg_contact_next_reply_required',
                    ticket=self.ticket.rec_name))
        if self.next_reply_by and self.date \
                and self.next_reply_by <= self.date:
            raise ValidationError(gettext(
                    'property_helpdesk.msg_contact_next_reply_past',
                    ticket=self.ticket.rec_name))

    @classmethod
    def update_tickets(cls, contacts):
        """The first contact is the ticket's reply; a contact on an office
        day after the report is the feedback; the last promise is the
        ticket's next reply deadline"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        tickets = {}
        for contact in sorted(contacts, key=lambda c: (c.date, c.id)):
            ticket = tickets.setdefault(contact.ticket.id, contact.ticket)
            if contact.kind == 'reply' and not ticket.replied_at:
                ticket.replied_at = contact.date
                ticket.replied_by = contact.employee
                ticket.reply_method = contact.method
            if (ticket.feedback_deadline and not ticket.feedback_at
                    and office_date(contact.date, ticket.company)
                    > ticket.received_date):
                ticket.feedback_at = contact.date
                ticket.feedback_breached = (
                    contact.date > ticket.feedback_deadline)
            ticket.next_reply_deadline = contact.next_reply_by
            ticket.next_reply_breached = False
        Ticket.save(list(tickets.values()))
