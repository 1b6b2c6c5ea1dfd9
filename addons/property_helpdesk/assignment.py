# This file is part of the property-management suite.
"""Next-day assignment of the unprocessed work (seed 004 服务标准: 属物业
责任的所有问题应在当日完成,未完成的公示在《日未处理工作盘点表》上,次日由
管理员分配给责任人): each morning every ticket left on the daily list of
unprocessed work gets a responsible person for the day."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The states of a ticket still to be processed (the list's)
UNPROCESSED_STATES = ['open', 'assigned', 'in_progress']


def on_unprocessed_list(ticket, date):
    "Whether the ticket is on the daily unprocessed-work list of the date"
    return bool(ticket.state in UNPROCESSED_STATES
        and ticket.property_responsibility
        and ticket.target_date and ticket.target_date < date)


class Assignment(CheckValuesMixin, ModelSQL, ModelView):
    "Unprocessed Work Assignment"
    __name__ = 'property.ticket.assignment'
    __string__ = "Next-Day Assignment"
    ticket = fields.Many2One('property.ticket', "Ticket", required=True,
        ondelete='CASCADE',
        domain=[
            ('state', 'in', UNPROCESSED_STATES),
            ('property_responsibility', '=', True),
            ])
    site = fields.Many2One('property.site', "Site", readonly=True,
        ondelete='RESTRICT')
    date = fields.Date("Date", required=True,
        help="The morning the item is assigned for.")
    responsible = fields.Many2One('company.employee', "Responsible",
        required=True, ondelete='RESTRICT')
    note = fields.Char("Instructions")
    assigned_by = fields.Many2One('res.user', "Assigned by", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('ticket_date_unique', Unique(t, t.ticket, t.date),
                'property_helpdesk.msg_assignment_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.ticket.rec_name} {self.date}'

    @classmethod
    def create(cls, vlist):
        Ticket = Pool().get('property.ticket')
        vlist = [v.copy() for v in vlist]
        user = Transaction().user
        for values in vlist:
            # the ticket's site and who assigned it are the suite's
            values['assigned_by'] = user or None
            if values.get('ticket') is not None:
                values['site'] = Ticket(values['ticket']).site.id
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for records, values in zip(actions, actions):
            values = {k: v for k, v in values.items()
                if k not in {'site', 'assigned_by'}}
            if 'ticket' in values:
                values['site'] = Pool().get('property.ticket')(
                    values['ticket']).site.id
            args.extend((records, values))
        super().write(*args)

    @classmethod
    def validate_fields(cls, assignments, field_names):
        super().validate_fields(assignments, field_names)
        if field_names and not {'ticket', 'date'} & set(field_names):
            return
        for assignment in assignments:
            if not on_unprocessed_list(assignment.ticket, assignment.date):
                raise ValidationError(gettext(
                        'property_helpdesk.msg_assignment_not_on_list',
                        ticket=assignment.ticket.rec_name,
                        date=assignment.date))


class Ticket(metaclass=PoolMeta):
    __name__ = 'property.ticket'
    assignments = fields.One2Many('property.ticket.assignment', 'ticket',
        "Next-day Assignments", readonly=True)
    to_assign = fields.Function(fields.Boolean("To Assign Today",
            help="On the daily list of unprocessed work without a responsible "
                 "for today (次日由管理员分配给责任人)."),
        'get_to_assign', searcher='search_to_assign')

    def get_to_assign(self, name):
        today = Pool().get('ir.date').today()
        return (on_unprocessed_list(self, today)
            and not any(a.date == today for a in self.assignments))

    @classmethod
    def search_to_assign(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause
        Assignment = Pool().get('property.ticket.assignment')
        assigned = [a.ticket.id for a in Assignment.search(
                [('date', '=', today)])]
        if (operator == '=') == bool(value):
            return [
                ('state', 'in', UNPROCESSED_STATES),
                ('property_responsibility', '=', True),
                ('target_date', '<', today),
                ('id', 'not in', assigned),
                ]
        return ['OR',
            ('state', 'not in', UNPROCESSED_STATES),
            ('property_responsibility', '!=', True),
            ('target_date', '=', None),
            ('target_date', '>=', today),
            ('id', 'in', assigned),
            ]

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('assignments', None)
        return super().copy(tickets, default=default)
