# This file is part of the property-management suite.
"""Collection follow-up (催缴): collectors, follow-up calls, visits and
letters with the payers' promises, the long-standing debtors, payers on
hold and the collection rate of each collector

Seed 001 has the office "设立专职收费员,将工资与收费率直接挂钩" (dedicated
fee collectors, their pay tied to the collection rate) and follows the
debtors by telephone (对拖欠物业费的业主进行了电话提示的催缴工作); "停办一切服务
项目" for the payers who will not pay is the hold flag the front desk sees.

- A collector (an employee) is assigned to a building or to a debtor of a
  site; a debtor's collector is his own assignment, else the one of the
  building of his home.
- A follow-up (call, visit, letter) records the outcome and the payer's
  promise (date and amount). The daily scheduled action looks, in the
  office's time zone, at the promises whose date has passed: kept when
  the payer paid the promised amount since the follow-up (or owes nothing
  any more), else broken, and a new follow-up "to do" is put on the
  collector's list.
- Long-standing debtors: the posted fee invoices still unpaid and billed
  more than N months ago (N: the billing policy's, 3 by default, a
  default of ours), by payer and site, with the collector.
- The collection rate of a collector: of the fees billed in a month to his
  debtors, the share collected by the end of that month (a default of
  ours, see CollectorRate); it feeds his appraisal when property_hr is
  activated."""
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql import Literal, Null
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, multivalue_default)
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from .report import _RateMixin, collected_lines, invoice_payments

# Long-standing debts: billed more than this many months ago and still
# unpaid (a default of ours, set per company in the billing policy)
DEBT_MONTHS = 3

KINDS = [
    ('call', "Phone Call"),
    ('visit', "Home Visit"),
    ('letter', "Letter"),
    ]
OUTCOMES = [
    (None, ""),
    ('promised', "Promised to Pay"),
    ('refused', "Refused to Pay"),
    ('disputed', "Disputes the Fees"),
    ('unreachable', "Not Reached"),
    ('paid', "Paid"),
    ]
PROMISE_STATES = [
    (None, ""),
    ('pending', "Pending"),
    ('kept', "Kept"),
    ('broken', "Broken"),
    ]


def amounts_due(company, site, parties):
    """{party id: what the posted fee invoices of the site still ask the
    party to pay}"""
    Invoice = Pool().get('account.invoice')
    with without_check_access():
        invoices = Invoice.search([
                ('company', '=', company.id),
                ('type', '=', 'out'),
                ('state', '=', 'posted'),
                ('property_site', '=', site.id),
                ('party', 'in', [p.id for p in parties]),
                ])
        to_pay = Invoice.get_amount_to_pay(invoices, 'amount_to_pay')
    result = {p.id: Decimal(0) for p in parties}
    for invoice in invoices:
        result[invoice.party.id] += to_pay[invoice.id]
    return result


def payers_on_hold(parties):
    "{party id: reason} of the parties a hold is kept on"
    Hold = Pool().get('property.collection.hold')
    result = {}
    if not parties:
        return result
    with without_check_access():
        for hold in Hold.search([
                    ('party', 'in', [p.id for p in parties]),
                    ('state', '=', 'held'),
                    ], order=[('id', 'ASC')]):
            result.setdefault(hold.party.id, hold.reason)
    return result


def hold_warning(parties):
    "The warning the front desk reads for payers on hold, or None"
    holds = payers_on_hold(parties)
    if not holds:
        return None
    return '; '.join(gettext('property_billing.msg_payer_on_hold',
            party=p.rec_name, reason=holds[p.id])
        for p in parties if p.id in holds)


class Configuration(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration'
    debt_months = fields.MultiValue(fields.Integer(
            "Long-standing Debt Months", required=True,
            help="A payer is listed among the long-standing debtors when a "
            "fee invoice billed more than this many months ago is still "
            "unpaid (the suite's default: 3)."))

    @classmethod
    def multivalue_model(cls, field):
        if field == 'debt_months':
            return Pool().get('property.billing.configuration.policy')
        return super().multivalue_model(field)

    default_debt_months = multivalue_default('debt_months')


class ConfigurationPolicy(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration.policy'
    debt_months = fields.Integer("Long-standing Debt Months")

    @staticmethod
    def default_debt_months():
        return DEBT_MONTHS

    @classmethod
    def validate_fields(cls, values, field_names):
        super().validate_fields(values, field_names)
        for value in values:
            if value.debt_months is not None and value.debt_months < 1:
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_debt_months'))


class Collector(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.collection.collector'
    __string__ = "Collector Assignment"
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    employee = fields.Many2One('company.employee', "Collector",
        required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="The employee who follows the fees of the building or of the "
        "debtor (专职收费员).")
    building = fields.Many2One('property.building', "Building",
        ondelete='CASCADE',
        domain=[('site', '=', Eval('site', -1))],
        states={'readonly': Bool(Eval('party'))},
        help="The collector follows every payer of the building's homes.")
    party = fields.Many2One('party.party', "Debtor", ondelete='CASCADE',
        states={'readonly': Bool(Eval('building'))},
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The collector follows this payer, whatever the building of "
        "his homes.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('building_unique', Unique(t, t.building),
                'property_billing.msg_collector_building_unique'),
            ('party_unique', Unique(t, t.site, t.party),
                'property_billing.msg_collector_party_unique'),
            ]
        cls._order = [('site', 'ASC'), ('building', 'ASC NULLS LAST'),
            ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        target = self.party or self.building
        return f'{self.employee.rec_name} ({target.rec_name if target else ""})'

    @classmethod
    def validate_fields(cls, collectors, field_names):
        super().validate_fields(collectors, field_names)
        for collector in collectors:
            if bool(collector.building) == bool(collector.party):
                raise ValidationError(gettext(
                        'property_billing.msg_collector_target',
                        collector=collector.employee.rec_name))

    @classmethod
    def collector_of(cls, party, site, unit=None):
        """The collector of the debtor at the site: his own assignment,
        else the one of the unit's building (else of his first home's)"""
        Unit = Pool().get('property.unit')
        with without_check_access():
            own = cls.search([('site', '=', site.id),
                    ('party', '=', party.id)], limit=1)
            if own:
                return own[0].employee
            if unit:
                units = [unit]
            else:
                units = Unit.search([('site', '=', site.id),
                        ('owners', '=', party.id)], order=[('id', 'ASC')])
            for unit in units:
                if not unit.building:
                    continue
                by_building = cls.search([
                        ('building', '=', unit.building.id)], limit=1)
                if by_building:
                    return by_building[0].employee
        return None


class FollowUp(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin,
        StampMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.collection.followup'
    __string__ = "Collection Follow-up"
    _maintained_fields = ('amount_due', 'promise_state', 'reminder_of',
        'done_by', 'done_at')
    _states = {'readonly': Eval('state') != 'todo'}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('company', '=', Eval('company', -1))])
    party = fields.Many2One('party.party', "Debtor", required=True,
        ondelete='RESTRICT', states=_states,
        context={'company': Eval('company', -1)}, depends={'company'})
    unit = fields.Many2One('property.unit', "Home", ondelete='RESTRICT',
        states=_states, domain=[('site', '=', Eval('site', -1))])
    collector = fields.Many2One('company.employee', "Collector",
        required=True, ondelete='RESTRICT', states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The debtor's collector by default.")
    kind = fields.Selection(KINDS, "Action", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    outcome = fields.Selection(OUTCOMES, "Outcome", states=_states,
        help="What the payer answered; needed to mark it done.")
    promised_date = fields.Date("Promised Date",
        states={
            'readonly': Eval('state') != 'todo',
            'required': Eval('outcome') == 'promised',
            'invisible': Eval('outcome') != 'promised',
            },
        domain=[If(Bool(Eval('promised_date')),
                ('promised_date', '>=', Eval('date')), ())],
        help="The day the payer promised to pay by.")
    promised_amount = fields.Numeric("Promised Amount", digits=(16, 2),
        states={
            'readonly': Eval('state') != 'todo',
            'required': Eval('outcome') == 'promised',
            'invisible': Eval('outcome') != 'promised',
            })
    notes = fields.Text("Notes", states=_states)
    amount_due = fields.Numeric("Amount Due", digits=(16, 2), readonly=True,
        help="What the debtor owed at the site when the follow-up was "
        "recorded.")
    promise_state = fields.Selection(PROMISE_STATES, "Promise",
        readonly=True,
        help="Checked by the daily scheduled action once the promised "
        "date has passed.")
    reminder_of = fields.Many2One('property.collection.followup',
        "Reminder of", readonly=True, ondelete='SET NULL',
        help="The follow-up whose promise was broken.")
    done_by = fields.Many2One('res.user', "Done by", readonly=True,
        ondelete='RESTRICT')
    done_at = fields.DateTime("Done at", readonly=True)
    state = fields.Selection([
            ('todo', "To Do"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('todo', 'done'), ('todo', 'cancelled')}
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'todo',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'todo',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'todo'

    @staticmethod
    def default_kind():
        return 'call'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('party', 'site', 'unit', 'collector')
    def on_change_party(self):
        Collector = Pool().get('property.collection.collector')
        if self.unit and not self.site:
            self.site = self.unit.site
        if self.party and self.site and not self.collector:
            self.collector = Collector.collector_of(
                self.party, self.site, self.unit)

    @fields.depends(methods=['on_change_party'])
    def on_change_unit(self):
        self.on_change_party()

    def get_rec_name(self, name):
        return f'{self.date} {self.party.rec_name}'

    @classmethod
    def validate_fields(cls, followups, field_names):
        super().validate_fields(followups, field_names)
        for followup in followups:
            if (followup.promised_date and followup.date
                    and followup.promised_date < followup.date):
                raise UserError(gettext(
                        'property_billing.msg_followup_promise_before',
                        followup=followup.rec_name,
                        promised=followup.promised_date,
                        date=followup.date))
            if (followup.promised_amount is not None
                    and followup.promised_amount <= 0):
                raise UserError(gettext(
                        'property_billing.msg_followup_promise_amount',
                        followup=followup.rec_name))

    @classmethod
    def create(cls, vlist):
        """Only on a debtor: the amount he owes at the site is recorded, a
        payer who owes nothing there is refused"""
        pool = Pool()
        Company = pool.get('company.company')
        Site = pool.get('property.site')
        Party = pool.get('party.party')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # checked before anything is written (validate_fields checks
            # the changes made later)
            date = values.get('date') or cls.default_date()
            if values.get('promised_date') and values['promised_date'] < date:
                raise UserError(gettext(
                        'property_billing.msg_followup_promise_before',
                        followup=f'{date} {Party(values["party"]).rec_name}',
                        promised=values['promised_date'], date=date))
            company = values.get('company') or cls.default_company()
            if not (company and values.get('site') and values.get('party')):
                continue
            party = Party(values['party'])
            due = amounts_due(Company(company), Site(values['site']),
                [party])[party.id]
            if due <= 0:
                raise UserError(gettext(
                        'property_billing.msg_followup_nothing_due',
                        party=party.rec_name,
                        site=Site(values['site']).rec_name))
            values['amount_due'] = due
        return super().create(vlist)

    @classmethod
    def copy(cls, followups, default=None):
        default = default.copy() if default is not None else {}
        for name in ['amount_due', 'promise_state', 'reminder_of',
                'done_by', 'done_at', 'outcome', 'promised_date',
                'promised_amount']:
            default.setdefault(name, None)
        return super().copy(followups, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, followups):
        "Done, with its outcome; a promise is then awaited"
        for followup in followups:
            if not followup.outcome:
                raise UserError(gettext(
                        'property_billing.msg_followup_outcome',
                        followup=followup.rec_name))
        promised = [f for f in followups if f.promised_date]
        cls.stamp(followups, by='done_by', at='done_at')
        if promised:
            cls.write(promised, {'promise_state': 'pending'})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, followups):
        pass

    def paid_since(self):
        "What the debtor paid the company from the follow-up's date on"
        MoveLine = Pool().get('account.move.line')
        lines = MoveLine.search([
                ('move.company', '=', self.company.id),
                ('move.state', '=', 'posted'),
                ('party', '=', self.party.id),
                ('account.type.receivable', '=', True),
                ('date', '>=', self.date),
                ('credit', '>', 0),
                ])
        return sum((l.credit - l.debit for l in lines), Decimal(0))

    @classmethod
    def remind_promises(cls, date=None):
        """Scheduled action: the promises whose date has passed (the day
        after it, in the office's time zone) are kept or broken; a broken
        one puts a new call on the collector's list, "to do" today"""
        pool = Pool()
        Date = pool.get('ir.date')
        Company = pool.get('company.company')
        Cron = pool.get('ir.cron')
        todos = []
        for company in Company.search([]):
            with Transaction().set_context(company=company.id):
                today = date or Date.today()
                kept, broken = [], []
                for followup in cls.search([
                            ('company', '=', company.id),
                            ('state', '=', 'done'),
                            ('promise_state', '=', 'pending'),
                            ('promised_date', '<', today),
                            ], order=[('id', 'ASC')]):
                    due = amounts_due(company, followup.site,
                        [followup.party])[followup.party.id]
                    if (due <= 0 or followup.paid_since()
                            >= followup.promised_amount):
                        kept.append(followup)
                    else:
                        broken.append(followup)
                if kept:
                    cls.write(kept, {'promise_state': 'kept'})
                if broken:
                    cls.write(broken, {'promise_state': 'broken'})
                    todos.extend(cls.create([{
                                    'company': company.id,
                                    'site': f.site.id,
                                    'party': f.party.id,
                                    'unit': f.unit.id if f.unit else None,
                                    'collector': f.collector.id,
                                    'kind': 'call',
                                    'date': today,
                                    'reminder_of': f.id,
                                    } for f in broken]))
        if todos:
            Cron.notify_sites('tryton-warning',
                'property_billing.act_collection_followup_form',
                'property_billing.msg_collection_reminders', todos)
        return todos


class Hold(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin,
        StampMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.collection.hold'
    __string__ = "Payer on Hold"
    _maintained_fields = ('held_by', 'held_at', 'released_by',
        'released_at')
    _states = {'readonly': Eval('state') != 'held'}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The office that holds the payer.")
    party = fields.Many2One('party.party', "Payer", required=True,
        ondelete='RESTRICT', states=_states,
        context={'company': Eval('company', -1)}, depends={'company'})
    reason = fields.Text("Reason", required=True, states=_states,
        help="Why the office holds the payer: what the front desk reads "
        "on the home, the payer and his new tickets.")
    held_by = fields.Many2One('res.user', "Held by", readonly=True,
        ondelete='RESTRICT')
    held_at = fields.DateTime("Held at", readonly=True)
    released_by = fields.Many2One('res.user', "Released by", readonly=True,
        ondelete='RESTRICT')
    released_at = fields.DateTime("Released at", readonly=True)
    state = fields.Selection([
            ('held', "Held"),
            ('released', "Released"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {('held', 'released')}
        cls._buttons.update({
                'release': {
                    'invisible': Eval('state') != 'held',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'held'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return self.party.rec_name

    @classmethod
    def create(cls, vlist):
        holds = super().create(vlist)
        cls.stamp(holds, by='held_by', at='held_at')
        return holds

    @classmethod
    def copy(cls, holds, default=None):
        default = default.copy() if default is not None else {}
        for name in ['held_by', 'held_at', 'released_by', 'released_at']:
            default.setdefault(name, None)
        return super().copy(holds, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('released')
    def release(cls, holds):
        cls.stamp(holds, by='released_by', at='released_at')


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    collection_hold = fields.Function(fields.Char("Collection Hold",
            states={'invisible': ~Eval('collection_hold')},
            help="Finance holds this payer (催缴): the reason."),
        'get_collection_hold')

    @classmethod
    def get_collection_hold(cls, parties, name):
        holds = payers_on_hold(parties)
        return {p.id: holds.get(p.id) for p in parties}


class Unit(metaclass=PoolMeta):
    __name__ = 'property.unit'
    payer_hold = fields.Function(fields.Char("Payer on Hold",
            states={'invisible': ~Eval('payer_hold')},
            help="A payer of the home that finance holds (催缴)."),
        'get_payer_hold')

    def hold_payers(self):
        "The home's payers: its current owners and tenants"
        payers = list(self.owners)
        payers += [r.party for r in self.current_residents
            if r.role == 'tenant' and r.party not in payers]
        return payers

    @classmethod
    def get_payer_hold(cls, units, name):
        return {u.id: hold_warning(u.hold_payers()) for u in units}


class Debtor(ModelSQL, ModelView):
    __name__ = 'property.collection.debtor'
    __string__ = "Long-standing Debtor"
    company = fields.Many2One('company.company', "Company")
    site = fields.Many2One('property.site', "Site")
    party = fields.Many2One('party.party', "Debtor",
        context={'company': Eval('company', -1)}, depends={'company'})
    oldest_date = fields.Date("Oldest Unpaid Bill")
    invoices = fields.Integer("Unpaid Bills")
    amount_sum = fields.Numeric("Amount Sum")
    amount = fields.Function(fields.Numeric("Amount Overdue",
            digits=(16, 2),
            help="The unpaid part of the fee invoices billed before the "
            "cut-off date."), 'get_amount')
    months = fields.Function(fields.Integer("Months Overdue"),
        'get_months')
    collector = fields.Function(fields.Many2One('company.employee',
            "Collector"), 'get_collector')
    hold = fields.Function(fields.Char("On Hold"), 'get_hold')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('amount_sum', 'DESC'), ('id', 'ASC')]

    @classmethod
    def cutoff(cls):
        "The last invoice date of a long-standing debt, today"
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('property.billing.configuration')
        months = Configuration.get_value('debt_months') or DEBT_MONTHS
        return Date.today() - relativedelta(months=months)

    @classmethod
    def table_query(cls):
        pool = Pool()
        invoice = pool.get('account.invoice').__table__()
        payments = invoice_payments()
        outstanding = (invoice.total_amount_cache
            - Coalesce(payments.amount, 0))
        query = invoice.join(payments, 'LEFT',
            condition=payments.invoice == invoice.id)
        return query.select(
            Min(invoice.id).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            invoice.company.as_('company'),
            invoice.property_site.as_('site'),
            invoice.party.as_('party'),
            Min(invoice.invoice_date).as_('oldest_date'),
            Count(invoice.id).as_('invoices'),
            Sum(outstanding).as_('amount_sum'),
            where=((invoice.type == 'out')
                & (invoice.state == 'posted')
                & (invoice.property_site != Null)
                & (invoice.invoice_date <= cls.cutoff())
                & (outstanding > 0)),
            group_by=[invoice.company, invoice.property_site,
                invoice.party])

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.party.rec_name}'

    def get_amount(self, name):
        return Decimal(str(self.amount_sum or 0)).quantize(Decimal('0.01'))

    def get_months(self, name):
        today = Pool().get('ir.date').today()
        delta = relativedelta(today, self.oldest_date)
        return delta.years * 12 + delta.months

    def get_collector(self, name):
        Collector = Pool().get('property.collection.collector')
        collector = Collector.collector_of(self.party, self.site)
        return collector.id if collector else None

    @classmethod
    def get_hold(cls, debtors, name):
        holds = payers_on_hold([d.party for d in debtors])
        return {d.id: holds.get(d.party.id) for d in debtors}


class CollectorRate(_RateMixin, ModelSQL, ModelView):
    """The collection rate of each collector and month (收费率)

    Seed 001 ties the dedicated collectors' pay to the collection rate
    (设立专职收费员,将工资与收费率直接挂钩) and quotes rates per phase of
    the estate (一期收费率从55%提高到58%) without saying how the rate is
    counted. Our definition, a default of ours: of the fees billed for the
    month (the billing lines of the fee month) to the collector's debtors,
    the share collected by the end of that month: payments dated in the
    month or before, by the office's date (the counter and the pay wizard
    date a payment in the company's time zone). A payment after the
    month's end counts for no month: it does not raise the closed month's
    rate, so the rate a collector's pay was computed on stays as it was.
    (The rates per site and fee type count what is collected so far: the
    office follows them against the targets until the fees are in.)"""
    __name__ = 'property.collection.rate.collector'
    __string__ = "Collection Rate by Collector"
    company = fields.Many2One('company.company', "Company")
    month = fields.Date("Month")
    collector = fields.Many2One('company.employee', "Collector")
    billed = fields.Function(fields.Numeric("Billed", digits=(16, 2),
            help="The fees billed for the month to the collector's "
            "debtors."), 'get_rate')
    collected = fields.Function(fields.Numeric("Collected", digits=(16, 2),
            help="What was paid of those fees by the end of the month "
            "(the office's date of the payment); later payments are not "
            "counted."), 'get_rate')
    outstanding = fields.Function(fields.Numeric("Outstanding",
            digits=(16, 2),
            help="Billed less collected by the end of the month."),
        'get_rate')
    rate = fields.Function(fields.Float("Collection Rate (%)",
            digits=(5, 1),
            help="Collected by the end of the month over billed for the "
            "month (收费率), as the suite counts it by default: a payment "
            "after the month's end does not raise it."), 'get_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('collector', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        """The billed fees of the month with their part collected by the
        month's end, of the debtors of each collector: the payer's own
        assignment at the site, else the building's"""
        pool = Pool()
        Assignment = pool.get('property.collection.collector')
        query, line, collected, where = collected_lines(by_month_end=True)
        own = Assignment.__table__()
        building = Assignment.__table__()
        query = query.join(own, 'LEFT',
            condition=(own.party == line.party) & (own.site == line.site)
            ).join(building, 'LEFT',
                condition=(building.building == line.building)
                & (building.party == Null))
        employee = Coalesce(own.employee, building.employee)
        return query.select(
            Min(line.id).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            line.company.as_('company'),
            line.month.as_('month'),
            Max(employee).as_('collector'),
            Sum(line.amount).as_('billed_sum'),
            Sum(collected).as_('collected_sum'),
            where=where & (employee != Null),
            group_by=[line.company, line.month, employee])

    @classmethod
    def rates(cls, employees, month):
        "{employee id: rate (%) of the month} of the collectors billed"
        result = defaultdict(lambda: None)
        with without_check_access():
            for row in cls.search([
                        ('collector', 'in', [e.id for e in employees]),
                        ('month', '=', month),
                        ]):
                result[row.collector.id] = row.rate
        return result


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        method = 'property.collection.followup|remind_promises'
        cls.method.selection.append((method, "Collection Promises"))
        cls._notifications.add(method)


class Appraisal(metaclass=PoolMeta):
    "With property_hr: the collection rate feeds the collector's appraisal"
    __name__ = 'property.appraisal'

    @classmethod
    def get_sources(cls):
        return super().get_sources() + [('collection_rate',
                gettext('property_billing.msg_source_collection_rate'))]

    def source_score(self, source):
        if source == 'collection_rate':
            CollectorRate = Pool().get('property.collection.rate.collector')
            rate = CollectorRate.rates([self.employee], self.month)[
                self.employee.id]
            return Decimal(str(rate)) if rate is not None else None
        return super().source_score(source)
