# This file is part of the property-management suite.
"The helpdesk's parts of the home boards: open and overdue tickets per site"
from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case
from sql.functions import CurrentTimestamp

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.modules.property_base.common import clock

from .ticket import OPEN_STATES


class TicketSiteLoad(ModelSQL, ModelView):
    __name__ = 'property.ticket.site.load'
    __string__ = "Open Tickets per Site"
    site = fields.Many2One('property.site', "Site")
    open = fields.Integer("Open")
    overdue = fields.Integer("Overdue",
        help="Open tickets whose next deadline has passed.")
    to_reply = fields.Integer("To Reply",
        help="Open tickets not yet replied to.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('site', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        """One row per site (its id the site's), from the open tickets
        alone: the partial index of the open tickets reads them without the
        closed ones, however many those are"""
        Ticket = Pool().get('property.ticket')
        ticket = Ticket.__table__()
        deadline, = Ticket.order_next_deadline({None: (ticket, None)})
        return ticket.select(
            ticket.site.as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            ticket.site.as_('site'),
            Count(ticket.id).as_('open'),
            Sum(Case((deadline < clock(), 1), else_=0)).as_('overdue'),
            Sum(Case((ticket.replied_at == Null, 1), else_=0)
                ).as_('to_reply'),
            where=ticket.state.in_(OPEN_STATES) & (ticket.site != Null),
            group_by=[ticket.site])
