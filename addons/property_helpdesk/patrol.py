# This file is part of the property-management suite.

from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.property_base.common import CheckValuesMixin, clock, now
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.workflow import WorkflowGuardMixin


class Patrol(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin, Workflow,
        ModelSQL, ModelView):
    __name__ = 'property.patrol'
    __string__ = "Patrol"
    # 巡楼/巡查: the building manager walks a route and checks each item.
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('state') != 'draft'})
    building = fields.Many2One('property.building', "Building",
        ondelete='RESTRICT',
        domain=[('site', '=', Eval('site', -1))],
        states={'readonly': Eval('state') != 'draft'})
    inspector = fields.Many2One('company.employee', "Inspector",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    date = fields.DateTime("Date", required=True,
        states={'readonly': Eval('state') != 'draft'})
    route = fields.Char("Route",
        states={'readonly': Eval('state') != 'draft'})
    lines = fields.One2Many('property.patrol.line', 'patrol', "Checks",
        states={'readonly': Eval('state') != 'draft'})
    failed = fields.Function(fields.Integer("Failed Checks"), 'get_failed')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return now()

    @staticmethod
    def default_inspector():
        return Transaction().context.get('employee')

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.date:%Y-%m-%d %H:%M}'

    def get_failed(self, name):
        return sum(1 for l in self.lines if l.result == 'fail')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, patrols):
        pass


class PatrolLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.patrol.line'
    __string__ = "Patrol Check"
    patrol = fields.Many2One('property.patrol', "Patrol", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    item = fields.Char("Item", required=True,
        help="What is checked, e.g. \"Lift lobby lights, floor 1-18\".")
    category = fields.Many2One('property.ticket.category', "Category",
        ondelete='RESTRICT',
        states={'required': Eval('result') == 'fail'})
    result = fields.Selection([
            ('ok', "OK"),
            ('fail', "Problem"),
            ], "Result", required=True)
    note = fields.Char("Finding")
    ticket = fields.Many2One('property.ticket', "Ticket", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]
        cls._buttons.update({
                'create_ticket': {
                    'invisible': ((Eval('result') != 'fail')
                        | Bool(Eval('ticket'))),
                    'depends': ['result', 'ticket'],
                    },
                })

    @staticmethod
    def default_result():
        return 'ok'

    @classmethod
    @ModelView.button
    def create_ticket(cls, lines):
        "Turn a failed check into a common-area repair ticket"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        to_create = []
        for line in lines:
            if line.result != 'fail' or line.ticket or not line.category:
                continue
            patrol = line.patrol
            to_create.append((line, {
                        'company': patrol.site.company.id,
                        'site': patrol.site.id,
                        'channel': 'patrol',
                        'kind': 'repair_common',
                        'category': line.category.id,
                        'level': line.category.default_level,
                        'description': ' - '.join(filter(None, [
                                    patrol.building.rec_name
                                    if patrol.building else None,
                                    line.item, line.note])),
                        'first_receiver': patrol.inspector.id,
                        'received_at': clock(),
                        }))
        return Ticket.open_for(to_create)
