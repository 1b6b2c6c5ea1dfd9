# This file is part of the property-management suite.
"""The three-level check of finished repairs (seed 004, 工程维修部 4、提高维修
质量: 日常维修坚持员工自检、班长检查、主管抽查的三级检查体制)

On a work order of a repair, once the job is finished on site:

1. the technician checks his own work (自检);
2. the head of his department, the team leader, checks it (班长检查);
3. the supervisor checks a share of the jobs (主管抽查): which ones is
   decided when the technician records his self-check, in the order of the
   self-checks of the company, with the helpdesk policy's share (the seed
   gives no share: 20 % is the suite's default): the first job and then
   one in every 100/share, so the choice is known and can be checked.

Each check records who made it and when; the work order is done only once
its required checks are recorded. A job sent back (rework) is checked
again."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import clock, office_date
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

# The tickets whose work orders are daily repairs (日常维修)
REPAIR_KINDS = {'repair_unit', 'repair_common'}
CHECK_FIELDS = ('check_number', 'spot_check',
    'self_checked_by', 'self_checked_at',
    'leader_checked_by', 'leader_checked_at',
    'spot_checked_by', 'spot_checked_at')


def spot_check_selected(number, share):
    """Whether the number-th self-checked job of a company is spot-checked
    with the share (%): the first job, then one in every 100/share"""
    if not share or not number:
        return False
    # ceil(number * share / 100) grows by one at each selected job
    return -(-number * share // 100) > -(-(number - 1) * share // 100)


class WorkOrder(metaclass=PoolMeta):
    __name__ = 'property.work_order'
    _check_states = {
        'invisible': ~Bool(Eval('check_required')),
        }
    check_required = fields.Function(fields.Boolean("Checks Required",
            help="A repair: the technician, the team leader and, for the jobs "
                 "selected, the supervisor check it before it is done (三级检查)."), 'get_check_required')
    check_number = fields.Integer("Check No.", readonly=True,
        states=_check_states,
        help="The order of the job's self-check among the company's: it "
        "decides the supervisor's spot check.")
    spot_check = fields.Boolean("Spot Check Selected", readonly=True,
        states=_check_states,
        help="The supervisor checks this job (主管抽查).")
    self_checked_by = fields.Many2One('company.employee', "Self-Checked by",
        readonly=True, ondelete='RESTRICT', states=_check_states)
    self_checked_at = fields.DateTime("Self-Checked at", readonly=True,
        states=_check_states)
    leader_checked_by = fields.Many2One('company.employee',
        "Team Leader Check by", readonly=True, ondelete='RESTRICT',
        states=_check_states)
    leader_checked_at = fields.DateTime("Team Leader Check at",
        readonly=True, states=_check_states)
    spot_checked_by = fields.Many2One('company.employee',
        "Spot Check by", readonly=True, ondelete='RESTRICT',
        states=_check_states)
    spot_checked_at = fields.DateTime("Spot Check at", readonly=True,
        states=_check_states)
    checked_on = fields.Function(fields.Date("Checked on",
            states=_check_states,
            help="The office day the last required check was recorded."),
        'get_checked_on')
    check_notes = fields.Text("Check Notes",
        states={
            'invisible': ~Bool(Eval('check_required')),
            'readonly': Eval('state') != 'dispatched',
            },
        help="What the checks found.")
    del _check_states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._maintained_fields += CHECK_FIELDS
        cls._buttons.update({
                'self_check': {
                    'invisible': ((Eval('state') != 'dispatched')
                        | ~Bool(Eval('check_required'))
                        | Bool(Eval('self_checked_at'))),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'check_required',
                        'self_checked_at'],
                    },
                'leader_check': {
                    'invisible': ((Eval('state') != 'dispatched')
                        | ~Bool(Eval('self_checked_at'))
                        | Bool(Eval('leader_checked_at'))),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'self_checked_at',
                        'leader_checked_at'],
                    },
                'supervisor_check': {
                    'invisible': ((Eval('state') != 'dispatched')
                        | ~Bool(Eval('spot_check'))
                        | ~Bool(Eval('leader_checked_at'))
                        | Bool(Eval('spot_checked_at'))),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'spot_check', 'leader_checked_at',
                        'spot_checked_at'],
                    },
                })

    @staticmethod
    def default_spot_check():
        return False

    def get_check_required(self, name):
        return bool(self.ticket and self.ticket.kind in REPAIR_KINDS)

    def get_checked_on(self, name):
        last = self.spot_checked_at or self.leader_checked_at
        if last and self.ticket:
            return office_date(last, self.ticket.company)

    def missing_checks(self):
        "The names of the checks the work order still needs"
        if not self.get_check_required(None):
            return []
        missing = []
        if not self.self_checked_at:
            missing.append(self.__class__.self_checked_by.string)
        if not self.leader_checked_at:
            missing.append(self.__class__.leader_checked_by.string)
        if self.spot_check and not self.spot_checked_at:
            missing.append(self.__class__.spot_checked_by.string)
        return missing

    @classmethod
    def _check_employee(cls, order):
        "The employee the user records the check as"
        employee = Transaction().context.get('employee')
        if not employee:
            raise ValidationError(gettext(
                    'property_helpdesk.msg_work_order_check_no_employee',
                    work_order=order.rec_name))
        return Pool().get('company.employee')(employee)

    @classmethod
    def _check_dispatched(cls, order):
        if order.state != 'dispatched' or not order.get_check_required(None):
            raise ValidationError(gettext(
                    'property_helpdesk.msg_work_order_check_state',
                    work_order=order.rec_name))

    @classmethod
    @ModelView.button
    def self_check(cls, orders):
        "The technician has checked his finished work (自检)"
        pool = Pool()
        Configuration = pool.get('property.helpdesk.configuration')
        now = clock()
        # (Two self-checks of one company at the same instant may take
        # the same number: the choice stays deterministic, the share
        # nearly exact; no lock of the work orders for it.)
        for order in orders:
            cls._check_dispatched(order)
            if order.self_checked_at:
                continue
            employee = cls._check_employee(order)
            if employee != order.technician:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_self_check',
                        work_order=order.rec_name,
                        technician=order.technician.rec_name))
            if not order.check_number:
                # a rework keeps its number and its selection
                company = order.ticket.company
                last = cls.search([
                        ('ticket.company', '=', company.id),
                        ('check_number', '!=', None),
                        ], order=[('check_number', 'DESC')], limit=1)
                order.check_number = (
                    last[0].check_number if last else 0) + 1
                share = Configuration.get_policy(company).spot_check_share
                order.spot_check = spot_check_selected(
                    order.check_number, share)
            order.self_checked_by = employee
            order.self_checked_at = now
            # saved one by one: the next order of the batch counts this one
            order.save()

    @classmethod
    @ModelView.button
    def leader_check(cls, orders):
        "The team leader, head of the department, has checked the job"
        now = clock()
        for order in orders:
            cls._check_dispatched(order)
            if order.leader_checked_at:
                continue
            if not order.self_checked_at:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_check_order',
                        work_order=order.rec_name,
                        check=cls.leader_checked_by.string,
                        before=cls.self_checked_by.string))
            employee = cls._check_employee(order)
            if employee != order.department.head:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_leader_check',
                        work_order=order.rec_name,
                        department=order.department.rec_name,
                        head=(order.department.head.rec_name
                            if order.department.head else '-')))
            order.leader_checked_by = employee
            order.leader_checked_at = now
        cls.save(orders)

    @classmethod
    @ModelView.button
    def supervisor_check(cls, orders):
        "The supervisor has checked a job selected for the spot check"
        now = clock()
        for order in orders:
            cls._check_dispatched(order)
            if order.spot_checked_at:
                continue
            if not order.spot_check:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_spot_not_selected',
                        work_order=order.rec_name))
            if not order.leader_checked_at:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_check_order',
                        work_order=order.rec_name,
                        check=cls.spot_checked_by.string,
                        before=cls.leader_checked_by.string))
            order.spot_checked_by = cls._check_employee(order)
            order.spot_checked_at = now
        cls.save(orders)

    @classmethod
    @ModelView.button
    def finish(cls, orders):
        for order in orders:
            missing = order.missing_checks()
            if missing:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_checks_missing',
                        work_order=order.rec_name,
                        checks=', '.join(missing)))
        super().finish(orders)

    @classmethod
    @ModelView.button
    def reopen(cls, orders):
        super().reopen(orders)
        # The job done again is checked again; its selection stays
        cls.write(orders, {
                'self_checked_by': None, 'self_checked_at': None,
                'leader_checked_by': None, 'leader_checked_at': None,
                'spot_checked_by': None, 'spot_checked_at': None,
                })

    @classmethod
    def copy(cls, orders, default=None):
        default = dict(default or {})
        for name in CHECK_FIELDS:
            default.setdefault(name, None)
        default.setdefault('spot_check', False)
        return super().copy(orders, default=default)
