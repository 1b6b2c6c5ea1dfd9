# This file is part of the property-management suite.
"""Prepayment alerts (预存不足提醒, seed 001: "水电费预交费用不足"): the
payers whose prepaid balance is below next month's expected fees

Who is alerted: a payer who pays by prepayment, that is who has prepaid
at least once (a prepayment posted on their receivable account). A payer
who never prepaid has no "low prepaid balance": they pay their bills when
they come and are followed by the dunning instead. A payer who prepaid and
has used it all (balance 0) is alerted as soon as a fee is expected.

What is expected: the fees the billing run of next month would bill them,
priced by the run's own methods (Run.get_fees: the most specific rate of
each fee type, proration, vacant discounts, unbilled charges, readings
already taken). A metered fee (water, power) has no reading of next month
yet: it is expected at the amount last billed for the home and fee type.
An alert is raised when balance < expected (exactly the expected amount
is enough). The scheduled action recomputes the month's alerts and
notifies its subscribers (finance, front desk) of the alerts of their
sites."""
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .prepayment import PREPAID_DOMAIN

# a payer paying by prepayment: a prepayment ever posted to them
PREPAYER_DOMAIN = [
    ('account.type.receivable', '=', True),
    ('move.state', '=', 'posted'),
    ('move_origin', '=', None),
    ('credit', '>', 0),
    ]


class PrepaymentAlert(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.prepayment.alert'
    __string__ = "Prepayment Alert"
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True, ondelete='CASCADE')
    site = fields.Many2One('property.site', "Site", required=True,
        readonly=True, ondelete='CASCADE')
    month = fields.Date("Month", required=True, readonly=True,
        help="The month whose expected fees the balance does not cover.")
    party = fields.Many2One('party.party', "Payer", required=True,
        readonly=True, ondelete='CASCADE',
        context={'company': Eval('company', -1)}, depends={'company'})
    unit = fields.Many2One('property.unit', "Home", required=True,
        readonly=True, ondelete='CASCADE',
        help="The payer's home with the largest expected fees.")
    homes = fields.Char("Homes", readonly=True,
        help="Every home of the payer whose fees are expected.")
    balance = fields.Numeric("Prepaid Balance", digits=(16, 2),
        readonly=True)
    expected = fields.Numeric("Expected Fees", digits=(16, 2),
        readonly=True)
    shortfall = fields.Numeric("Shortfall", digits=(16, 2), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('shortfall', 'DESC'),
            ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.month:%Y-%m} {self.party.rec_name}'

    @classmethod
    def prepaid_balances(cls, company, parties=None):
        """{party id: prepaid balance} of the payers paying by prepayment
        (PREPAYER_DOMAIN) of the company, 0 when all is used"""
        MoveLine = Pool().get('account.move.line')
        domain = [('move.company', '=', company.id)]
        if parties is not None:
            domain.append(('party', 'in', [p.id for p in parties]))
        balances = {l.party.id: Decimal(0)
            for l in MoveLine.search(domain + PREPAYER_DOMAIN)}
        for line in MoveLine.search(domain + PREPAID_DOMAIN):
            balances[line.party.id] += line.credit - line.debit
        return balances

    @classmethod
    def expected_fees(cls, company, month, units):
        """{(party id, unit id): amount} the billing run of the month
        would bill on the units, a metered fee without a reading yet at
        its last billed amount"""
        pool = Pool()
        Run = pool.get('property.billing.run')
        Line = pool.get('property.billing.line')
        run = Run(company=company, month=month)
        metered = {f: p for f, p in run.get_fee_periods().items()
            if f.method == 'metered'}
        expected = defaultdict(Decimal)
        for sub in grouped_slice(units, 200):
            sub = list(sub)
            fees, _ = run.get_fees(sub)
            priced = set()
            for values, _ in fees:
                party = values['party']
                party = getattr(party, 'id', party)
                expected[(party, values['unit'])] += values['amount']
                priced.add((values['unit'], values['fee_type']))
            if not metered:
                continue
            last = {}
            for line in Line.search([
                        ('unit', 'in', [u.id for u in sub]),
                        ('fee_type', 'in', [f.id for f in metered]),
                        ('service_key', '<=',
                            max(p[0] for p in metered.values())),
                        ], order=[('service_key', 'ASC'), ('id', 'ASC')]):
                last[(line.unit.id, line.fee_type.id)] = line
            for (unit, fee_type), line in last.items():
                if ((unit, fee_type) in priced
                        or line.service_key == metered[line.fee_type][0]):
                    # priced by the run, or next month billed already
                    continue
                expected[(line.party.id, unit)] += line.amount
        return expected

    @classmethod
    def compute(cls, company, month):
        "The unsaved alerts of the company for the month"
        pool = Pool()
        Unit = pool.get('property.unit')
        Party = pool.get('party.party')
        balances = cls.prepaid_balances(company)
        if not balances:
            return []
        units = Unit.search([('site.company', '=', company.id)],
            order=[('id', 'ASC')])
        expected = cls.expected_fees(company, month, units)
        by_party = defaultdict(list)
        for (party, unit), amount in expected.items():
            if party in balances and amount > 0:
                by_party[party].append((amount, unit))
        alerts = []
        for party, homes in by_party.items():
            total = sum(a for a, _ in homes)
            balance = balances[party]
            if balance >= total:
                continue
            homes.sort(key=lambda h: (-h[0], h[1]))
            units = Unit.browse([u for _, u in homes])
            alerts.append(cls(company=company, site=units[0].site,
                    month=month, party=Party(party), unit=units[0],
                    homes=', '.join(u.rec_name for u in units),
                    balance=balance, expected=total,
                    shortfall=total - balance))
        return alerts

    @classmethod
    def raise_monthly(cls, date=None):
        """Scheduled action: the alerts of next month (in the office's
        time zone) recomputed for every company, the subscribers notified
        of those of their sites"""
        pool = Pool()
        Date = pool.get('ir.date')
        Company = pool.get('company.company')
        Cron = pool.get('ir.cron')
        if date is None:
            date = Date.today()
        month = date.replace(day=1) + relativedelta(months=1)
        alerts = []
        for company in Company.search([]):
            with Transaction().set_context(company=company.id):
                cls.delete(cls.search([
                            ('company', '=', company.id),
                            ('month', '=', month),
                            ]))
                alerts.extend(cls.compute(company, month))
        cls.save(alerts)
        if alerts:
            Cron.notify_sites('tryton-warning',
                'property_billing.act_prepayment_alert_form',
                'property_billing.msg_prepayment_alerts', alerts)
        return alerts
