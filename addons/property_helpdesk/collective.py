# This file is part of the property-management suite.

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin, clock
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)


class CollectiveIssue(CheckValuesMixin, StampMixin, WorkflowGuardMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.collective_issue'
    __string__ = "Collective Issue"
    _maintained_fields = ('answered_at', 'answered_by')
    # 公开信: several owners raise the same problem; it is answered once
    # by an open letter kept with the return-visit records (seed 001).
    name = fields.Char("Subject", required=True,
        states={'readonly': Eval('state') != 'draft'})
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('state') != 'draft'})
    category = fields.Many2One('property.ticket.category', "Category",
        ondelete='RESTRICT', states={'readonly': Eval('state') != 'draft'})
    description = fields.Text("Problem",
        states={'readonly': Eval('state') != 'draft'})
    answer = fields.Text("Open Letter",
        states={'readonly': Eval('state') != 'draft'},
        help="The answer published to every owner concerned.")
    tickets = fields.One2Many('property.ticket', 'collective_issue',
        "Tickets", domain=[('site', '=', Eval('site', -1))],
        add_remove=[('site', '=', Eval('site', -1)),
            ('state', 'not in', ['closed', 'cancelled'])],
        states={'readonly': Eval('state') != 'draft'})
    answered_at = fields.DateTime("Answered at", readonly=True)
    answered_by = fields.Many2One('res.user', "Answered by", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('answered', "Answered"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {('draft', 'answered')}
        cls._buttons.update({
                'answer_all': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer_all(cls, issues):
        "Answer the open letter and resolve every ticket of the issue"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        to_resolve = []
        for issue in issues:
            if not issue.answer or not issue.tickets:
                raise UserError(gettext(
                        'property_helpdesk.msg_collective_incomplete',
                        issue=issue.rec_name))
            for ticket in issue.tickets:
                if ticket.state == 'draft':
                    Ticket.open([ticket])
                if ticket.state in {'open', 'assigned', 'in_progress'}:
                    to_resolve.append(ticket)
                ticket.resolution = issue.answer
                # the open letter is the reply to each owner (seed 001
                # 投诉回访规定 四: 公开信的形式答复业主)
                if not ticket.replied_at:
                    ticket.replied_at = clock()
                    ticket.reply_method = 'letter'
                    ticket.replied_by = Transaction().context.get('employee')
        Ticket.save([t for i in issues for t in i.tickets])
        Ticket.resolve(to_resolve)
        cls.stamp(issues, by='answered_by', at='answered_at')
