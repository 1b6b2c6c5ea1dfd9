# This file is part of the property-management suite.
"""What the community adds when property_helpdesk is activated too: a
visit's finding becomes a ticket in one click (channel: owner visit), and
the visit plans count the helpdesk's holidays out of the working days"""
from trytond.model import ModelView, fields
from trytond.modules.property_base.common import clock
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval

FINDING_KINDS = [
    ('repair_unit', "Repair (in unit)"),
    ('repair_common', "Repair (common area)"),
    ('suggestion', "Suggestion"),
    ('enquiry', "Enquiry"),
    ]


class Ticket(metaclass=PoolMeta):
    __name__ = 'property.ticket'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if ('visit', "Owner Visit") not in cls.channel.selection:
            cls.channel.selection.append(('visit', "Owner Visit"))


class Visit(metaclass=PoolMeta):
    __name__ = 'property.visit'
    finding_kind = fields.Selection(FINDING_KINDS, "Finding Kind",
        states={'readonly': Bool(Eval('ticket'))},
        help="The kind of ticket the finding becomes.")
    finding_category = fields.Many2One('property.ticket.category',
        "Finding Category", ondelete='RESTRICT',
        states={'readonly': Bool(Eval('ticket'))})
    ticket = fields.Many2One('property.ticket', "Ticket", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'create_ticket': {
                    'invisible': (~Eval('findings')
                        | Bool(Eval('ticket'))),
                    'readonly': ~Eval('finding_category'),
                    'depends': ['findings', 'ticket', 'finding_category'],
                    },
                })

    @staticmethod
    def default_finding_kind():
        return 'repair_unit'

    @classmethod
    @ModelView.button
    def create_ticket(cls, visits):
        """Open a ticket for each visit's finding, received by the visitor
        (the first receiver), for the home visited"""
        Ticket = Pool().get('property.ticket')
        to_create = []
        for visit in visits:
            if (not visit.findings or visit.ticket
                    or not visit.finding_category):
                continue
            category = visit.finding_category
            to_create.append((visit, {
                        'company': visit.site.company.id,
                        'site': visit.site.id,
                        'unit': visit.unit.id,
                        'reporter': visit.party.id if visit.party else None,
                        'channel': 'visit',
                        'kind': visit.finding_kind or 'repair_unit',
                        'category': category.id,
                        'level': category.default_level,
                        'description': visit.findings,
                        'first_receiver': (visit.visitor.employee.id
                            if visit.visitor.employee else None),
                        'received_at': clock(),
                        }))
        return Ticket.open_for(to_create)


class Plan(metaclass=PoolMeta):
    __name__ = 'property.visit.plan'

    @classmethod
    def holidays(cls, company):
        Holiday = Pool().get('property.helpdesk.holiday')
        return super().holidays(company) | {h.date for h in Holiday.search(
                    [('company', '=', company.id)])}
