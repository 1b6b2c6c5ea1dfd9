# This file is part of the property-management suite.
"With property_helpdesk: decoration complaints are linked to the job"
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .application import OPEN_STATES

class Category(metaclass=PoolMeta):
    __name__ = 'property.ticket.category'
    renovation = fields.Boolean("Renovation",
        help="Tickets of the category about a unit are linked to the "
        "unit's open renovation.")

    @staticmethod
    def default_renovation():
        return False


class Ticket(metaclass=PoolMeta):
    __name__ = 'property.ticket'
    decoration = fields.Many2One('property.decoration.application',
        "Renovation", ondelete='RESTRICT',
        domain=[('unit', '=', Eval('unit', -1))],
        help="The renovation job the ticket is about.")

    @fields.depends('decoration', methods=['_decoration_job'])
    def on_change_unit(self):
        super().on_change_unit()
        self.decoration = self._decoration_job()

    @fields.depends(methods=['on_change_unit'])
    def on_change_category(self):
        super().on_change_category()
        self.on_change_unit()

    @fields.depends('unit', 'category', 'decoration')
    def _decoration_job(self):
        "The open renovation of the unit, for a decoration ticket"
        Application = Pool().get('property.decoration.application')
        if self.decoration:
            return self.decoration
        if (not self.unit or not self.category
                or not self.category.renovation):
            return None
        jobs = Application.search([
                ('unit', '=', self.unit.id),
                ('state', 'in', OPEN_STATES),
                ], limit=1)
        return jobs[0] if jobs else None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and not values.get('decoration')
                and values.get('unit') and values.get('category')):
            pool = Pool()
            Category = pool.get('property.ticket.category')
            Unit = pool.get('property.unit')
            ticket = cls(unit=Unit(values['unit']),
                category=Category(values['category']), decoration=None)
            job = ticket._decoration_job()
            if job:
                values['decoration'] = job.id
        return values

    @classmethod
    def validate(cls, tickets):
        super().validate(tickets)
        for ticket in tickets:
            if ticket.decoration and ticket.decoration.unit != ticket.unit:
                raise ValidationError(gettext(
                        'property_decoration.msg_ticket_job_unit',
                        ticket=ticket.rec_name,
                        application=ticket.decoration.rec_name))


class Application(metaclass=PoolMeta):
    __name__ = 'property.decoration.application'
    tickets = fields.One2Many('property.ticket', 'decoration', "Tickets",
        readonly=True)
