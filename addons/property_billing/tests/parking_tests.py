# This file is part of the property-management suite.
"""Parking and vehicles: the rules, each step by the group that does it

A mixin of the module's test case (PropertyBillingTestCase): the tests
share its activated database and its company with accounts."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import set_company
from trytond.modules.property_base.common import to_utc
from trytond.modules.property_base.tests.tools import (
    create_staff, office_clock, run_cron, with_transaction)
from trytond.modules.property_billing.fee import month_end, price_of
from trytond.modules.property_billing.parking import (
    normalise_plate, parking_fee)
from trytond.pool import Pool
from trytond.transaction import Transaction

from .tools import MONTH, _shared

D = Decimal


def refused(test, exception, func, *args):
    """func(*args) raises the exception; what it wrote is rolled back as
    the server rolls back a refused request"""
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT parking_refused')
    try:
        with test.assertRaises(exception) as context:
            func(*args)
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT parking_refused')
    Transaction().cache.clear()
    return context.exception.message


class ParkingTestMixin:

    def test_parking_tariff(self):
        """The gate's tariff (defaults of ours): free within the free
        minutes, each started hour, capped for each started 24 hours;
        plates kept upper case without spaces nor separators"""
        five, cap = D(5), D(30)
        self.assertEqual(parking_fee(15, five, cap, 15), D(0))
        self.assertEqual(parking_fee(16, five, cap, 15), D(5))
        self.assertEqual(parking_fee(60, five, cap, 15), D(5))
        self.assertEqual(parking_fee(61, five, cap, 15), D(10))
        self.assertEqual(parking_fee(6 * 60 + 1, five, cap, 15), D(30))
        self.assertEqual(parking_fee(24 * 60, five, cap, 15), D(30))
        self.assertEqual(parking_fee(24 * 60 + 1, five, cap, 15), D(35))
        for plate in ['沪a 12345', ' 沪A·12345 ', '沪A-12345', '沪A\u300012345']:
            self.assertEqual(normalise_plate(plate), '沪A12345')

    def _parking_estate(self, billed=False):
        """A site of two homes, their owners and three spaces (two let,
        one sold to the first owner); billed: with the parking fee type
        (the billing tests' estate takes longer to build)"""
        pool = Pool()
        Space = pool.get('property.parking.space')
        estate = self._parking_site()
        if billed:
            estate['fee_types'] = {'PK': self._parking_fee_type(
                    estate['company'])}
        with set_company(estate['company']):
            spaces = Space.create([
                    {'site': estate['site'].id, 'code': code, 'level': 'B1',
                        'kind': kind,
                        'owner': estate['owners'][0].id
                        if kind == 'sold' else None}
                    for code, kind in [('B1-10', 'let'), ('B1-2', 'let'),
                        ('B1-1', 'sold')]])
        estate['spaces'] = {s.code: s for s in spaces}
        return estate

    def _parking_site(self):
        pool = Pool()
        Company = pool.get('company.company')
        Site = pool.get('property.site')
        Building = pool.get('property.building')
        Unit = pool.get('property.unit')
        Party = pool.get('party.party')
        company = Company(_shared['company'])
        with set_company(company):
            site, = Site.create([{'name': "Garden Court", 'code': 'GC',
                        'company': company.id}])
            building, = Building.create([{'site': site.id, 'code': '1',
                        'name': "Building 1", 'floors': 18}])
            units = Unit.create([{'building': building.id, 'floor': 3,
                        'number': n, 'area': D(90)} for n in ['301', '302']])
            owners = Party.create([{'name': "Wang Fang"},
                    {'name': "Li Wei"}])
        return {'company': company, 'site': site, 'units': units,
            'owners': owners}

    def _parking_fee_type(self, company):
        "The parking fee type, its service product's revenue on the chart"
        pool = Pool()
        Account = pool.get('account.account')
        Category = pool.get('product.category')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        FeeType = pool.get('property.fee.type')
        with set_company(company):
            revenue, = Account.search([('type.revenue', '=', True),
                    ('closed', '!=', True),
                    ('company', '=', company.id)], limit=1)
            category, = Category.create([{'name': "Parking",
                        'accounting': True, 'account_revenue': revenue.id}])
            uom, = Uom.search([('symbol', '=', 'u')], limit=1)
            template, = Template.create([{'name': "Parking rent",
                        'type': 'service', 'default_uom': uom.id,
                        'account_category': category.id,
                        'products': [('create', [{}])]}])
            fee_type, = FeeType.create([{'code': 'PK', 'name': "Parking",
                        'company': company.id,
                        'product': template.products[0].id,
                        'method': 'fixed', 'kind': 'parking',
                        'target_rate': D(98)}])
        return fee_type

    def _other_site(self, company):
        Site = Pool().get('property.site')
        site, = Site.create([{'name': "River View", 'code': 'RV',
                    'company': company.id}])
        return site

    @with_transaction()
    def test_parking_rent_billed_by_run(self):
        """Finance lets a space from the 10th: the month's run bills the
        tenant the days from the 10th on the unit's invoice, once; a rent
        contract on a sold space and a second running contract on a let
        space are refused with nothing saved; spaces in natural order"""
        pool = Pool()
        Space = pool.get('property.parking.space')
        Contract = pool.get('property.parking.contract')
        Run = pool.get('property.billing.run')
        Line = pool.get('property.billing.line')
        estate = self._parking_estate(billed=True)
        company = estate['company']
        spaces = estate['spaces']
        u301, u302 = estate['units'][:2]
        wang, li = estate['owners'][:2]
        finance = self._finance(company)
        start = MONTH + dt.timedelta(days=9)
        with self._as(finance, company):
            self.assertEqual([s.code for s in Space.search([])],
                ['B1-1', 'B1-2', 'B1-10'])
            contract, = Contract.create([{'space': spaces['B1-10'].id,
                        'tenant': li.id, 'unit': u302.id,
                        'rent': D('300'), 'start_date': start}])
            self.assertEqual(contract.fee_type, estate['fee_types']['PK'])
            Contract.run([contract])
            message = refused(self, ValidationError, Contract.create,
                [{'space': spaces['B1-1'].id, 'tenant': wang.id,
                        'unit': u301.id, 'rent': D('300'),
                        'start_date': start}])
            self.assertEqual(message, gettext(
                    'property_billing.msg_parking_contract_sold_space',
                    space='B1-1'))
            second, = Contract.create([{'space': spaces['B1-10'].id,
                        'tenant': wang.id, 'unit': u301.id,
                        'rent': D('280'), 'start_date': MONTH}])
            message = refused(self, ValidationError, Contract.run, [second])
            self.assertEqual(message, gettext(
                    'property_billing.msg_parking_contract_running',
                    space='B1-10', other=contract.rec_name))
            self.assertEqual(Contract(second.id).state, 'draft')
            self.assertEqual(Contract.search_count([]), 2)
            run, = Run.create([{'company': company.id, 'month': MONTH,
                        'invoice_date': MONTH}])
            Run.process([run])
        run = self._work(finance, company, run)
        self.assertEqual(run.state, 'done')
        line, = Line.search([('run', '=', run.id)])
        days = (month_end(MONTH) - MONTH).days + 1
        price = price_of(D('300'), 1, D(days - 9) / D(days))
        self.assertEqual((line.parking_contract, line.party, line.unit),
            (contract, li, u302))
        self.assertEqual((line.days, line.service_days, line.service_start),
            (days - 9, days, start))
        self.assertEqual(line.amount, price.quantize(D('0.01')))
        self.assertEqual(line.fee_type.kind, 'parking')
        self.assertEqual(line.invoice.state, 'posted')
        self.assertEqual(line.invoice.total_amount, line.amount)
        # billed once: the run finds nothing more to bill of it
        with set_company(company):
            self.assertEqual(Contract.get_fees(run, [u302]), [])
        # the contract ends: the next month bills its days only
        with self._as(finance, company):
            Contract.write([contract],
                {'end_date': month_end(MONTH) + dt.timedelta(days=5)})
            Contract.end([contract])
        # (ended today, before the end date set, by the office's clock)
        contract = Contract(contract.id)
        self.assertEqual(contract.state, 'ended')
        self.assertLessEqual(contract.end_date, month_end(MONTH))

    @with_transaction()
    def test_parking_vehicle_plate_once(self):
        """The front desk registers a resident's car; the same plate
        written otherwise is refused while the first is registered, with
        nothing saved, and accepted once it is deactivated; the front desk
        of another site sees none of them"""
        pool = Pool()
        Vehicle = pool.get('property.parking.vehicle')
        estate = self._parking_estate()
        company = estate['company']
        u301, u302 = estate['units'][:2]
        wang, li = estate['owners'][:2]
        other = self._other_site(company)
        clerk = create_staff("clerk", 'clerk.parking',
            'property_base.group_property_front_desk', company,
            [estate['site']])
        stranger = create_staff("stranger", 'stranger.parking',
            'property_base.group_property_front_desk', company, [other])
        with self._as(clerk, company):
            car, = Vehicle.create([{'plate': '沪a 12345', 'party': wang.id,
                        'unit': u301.id,
                        'space': estate['spaces']['B1-1'].id}])
            self.assertEqual(car.plate, '沪A12345')
            self.assertEqual(car.site, estate['site'])
            message = refused(self, ValidationError, Vehicle.create,
                [{'plate': '沪A·12345', 'party': li.id, 'unit': u302.id}])
            self.assertEqual(message, gettext(
                    'property_billing.msg_parking_plate_registered',
                    plate='沪A12345', unit=u301.rec_name))
            self.assertEqual(Vehicle.search_count([]), 1)
            Vehicle.write([car], {'active': False})
            second, = Vehicle.create([{'plate': '沪A-12345',
                        'party': li.id, 'unit': u302.id}])
            self.assertEqual(Vehicle.search([]), [second])
        with self._as(stranger, company):
            self.assertEqual(Vehicle.search([]), [])

    def _parking_accounts(self, company):
        "The administrator sets the accounts of the gate's takings"
        pool = Pool()
        Journal = pool.get('account.journal')
        Account = pool.get('account.account')
        Method = pool.get('account.invoice.payment.method')
        Configuration = pool.get('property.billing.configuration')
        with set_company(company):
            cash, = Account.search([('code', '=', '1.1.1'),
                    ('company', '=', company.id)])
            revenue, = Account.search([('type.revenue', '=', True),
                    ('closed', '!=', True),
                    ('company', '=', company.id)], limit=1)
            journal, = Journal.search([('type', '=', 'cash')], limit=1)
            method, = Method.create([{'name': "Gate", 'company': company.id,
                        'journal': journal.id, 'credit_account': cash.id,
                        'debit_account': cash.id}])
            configuration = Configuration(1)
            configuration.parking_payment_method = method
            configuration.parking_revenue_account = revenue
            configuration.save()
        return cash, revenue

    @with_transaction()
    def test_parking_gate_posted_daily(self):
        """The gate records a stay leaving at 23:59 and one leaving at
        00:01 (Asia/Shanghai): the first is the takings of its day, the
        second of the next; finance posts the day, the scheduled action
        the next; a registered car parks free; out before in is refused;
        a posted entry cannot be changed"""
        pool = Pool()
        Entry = pool.get('property.parking.entry')
        Vehicle = pool.get('property.parking.vehicle')
        Posting = pool.get('property.parking.posting')
        estate = self._parking_estate()
        company = estate['company']
        site = estate['site']
        cash, revenue = self._parking_accounts(company)
        clerk = create_staff("gate", 'gate.parking',
            'property_base.group_property_front_desk', company, [site])
        finance = self._finance(company)
        day = MONTH + dt.timedelta(days=10)
        next_day = day + dt.timedelta(days=1)

        def at(date, hour, minute):
            return to_utc(dt.datetime.combine(date, dt.time(hour, minute)),
                company)
        with self._as(clerk, company):
            Vehicle.create([{'plate': '沪B88888',
                        'party': estate['owners'][0].id,
                        'unit': estate['units'][0].id}])
            late, night, resident = Entry.create([
                    {'site': site.id, 'plate': '苏e 55555',
                        'entered_at': at(day, 21, 0),
                        'left_at': at(day, 23, 59)},
                    {'site': site.id, 'plate': '浙A·11111',
                        'entered_at': at(day, 23, 0),
                        'left_at': at(next_day, 0, 1)},
                    {'site': site.id, 'plate': '沪B 88888',
                        'entered_at': at(day, 8, 0),
                        'left_at': at(day, 20, 0)},
                    ])
            message = refused(self, ValidationError, Entry.create,
                [{'site': site.id, 'plate': '皖C12345',
                        'entered_at': at(day, 10, 0),
                        'left_at': at(day, 9, 59)}])
            self.assertEqual(message, gettext(
                    'property_billing.msg_parking_entry_out_before_in',
                    plate='皖C12345'))
            self.assertEqual(Entry.search_count([]), 3)
            with self.assertRaises(AccessError):
                Posting.create([{'site': site.id, 'date': day}])
        # 2 h 59 min: 3 started hours; 1 h 1 min: 2 started hours
        self.assertEqual((late.fee, late.date, late.vehicle),
            (D(15), day, None))
        self.assertEqual((night.fee, night.date), (D(10), next_day))
        self.assertEqual((resident.fee, resident.vehicle.plate),
            (D(0), '沪B88888'))
        with office_clock(dt.datetime.combine(next_day, dt.time(8, 0))), \
                self._as(finance, company):
            posting, today = Posting.create([
                    {'site': site.id, 'date': day},
                    {'site': site.id, 'date': next_day}])
            Posting.post([posting])
            message = refused(self, UserError, Posting.post, [today])
            self.assertEqual(message, gettext(
                    'property_billing.msg_parking_posting_day_open',
                    posting=today.rec_name))
            Posting.delete([today])
        posting = Posting(posting.id)
        self.assertEqual((posting.state, posting.amount,
                posting.entry_count), ('posted', D(15), 2))
        self.assertEqual(posting.move.state, 'posted')
        self.assertEqual(posting.move.date, day)
        self.assertEqual(sorted((l.account, l.debit, l.credit)
                for l in posting.move.lines),
            sorted([(cash, D(15), D(0)), (revenue, D(0), D(15))]))
        self.assertEqual(Entry(late.id).posting, posting)
        self.assertIsNone(Entry(night.id).posting)
        with self._as(clerk, company):
            message = refused(self, ValidationError, Entry.write,
                [Entry(late.id)], {'plate': '苏E55556'})
        self.assertEqual(message, gettext(
                'property_billing.msg_parking_entry_posted',
                entry=Entry(late.id).rec_name))
        # the next night the scheduled action posts the day before
        with office_clock(dt.datetime.combine(
                    next_day + dt.timedelta(days=1), dt.time(0, 30))):
            postings = run_cron('property.parking.posting|post_daily')
        self.assertEqual([(p.date, p.amount) for p in postings],
            [(next_day, D(10))])
        self.assertEqual(Entry(night.id).posting, postings[0])

    @with_transaction()
    def test_parking_repeat_offenders(self):
        """Plates without a registration seen at the gate more than the
        policy's number of times (5, a default of ours) in the last 30
        days are listed for the front desk of their site"""
        pool = Pool()
        Entry = pool.get('property.parking.entry')
        Vehicle = pool.get('property.parking.vehicle')
        Offender = pool.get('property.parking.offender')
        estate = self._parking_estate()
        company = estate['company']
        site = estate['site']
        clerk = create_staff("gate", 'gate.offender',
            'property_base.group_property_front_desk', company, [site])
        stranger = create_staff("stranger", 'stranger.offender',
            'property_base.group_property_front_desk', company,
            [self._other_site(company)])
        now = dt.datetime.combine(MONTH + dt.timedelta(days=20),
            dt.time(12, 0))
        with office_clock(now) as utc, self._as(clerk, company):
            Vehicle.create([{'plate': '沪B88888',
                        'party': estate['owners'][0].id,
                        'unit': estate['units'][0].id}])

            def seen(plate, times, days_ago=0):
                Entry.create([{'site': site.id, 'plate': plate,
                            'entered_at': utc - dt.timedelta(
                                days=days_ago + i, hours=1),
                            'left_at': utc - dt.timedelta(days=days_ago + i)}
                        for i in range(times)])
            seen('苏E55555', 6)
            seen('浙A11111', 5)
            seen('沪B88888', 7)
            # seen often, but more than 30 days ago
            seen('皖C12345', 6, days_ago=31)
            offenders = Offender.search([])
            self.assertEqual([(o.plate, o.visits, o.site) for o in offenders],
                [('苏E55555', 6, site)])
        with office_clock(now), self._as(stranger, company):
            self.assertEqual(Offender.search([]), [])

    @with_transaction()
    def test_parking_end_credits_billed_days(self):
        """Finance ends a contract on the 20th of a 30-day month its run
        billed in full: the 10 days after are credited on a posted credit
        note (the run's proration) that pays part of the month's invoice;
        a contract ended before its month's run: nothing credited, the run
        bills its days up to the end; ending while the run drafts its
        invoice, or ending twice, is refused with nothing changed"""
        pool = Pool()
        Contract = pool.get('property.parking.contract')
        Run = pool.get('property.billing.run')
        Batch = pool.get('property.billing.run.batch')
        Line = pool.get('property.billing.line')
        Invoice = pool.get('account.invoice')
        estate = self._parking_estate(billed=True)
        company = estate['company']
        spaces = estate['spaces']
        u301, u302 = estate['units'][:2]
        wang, li = estate['owners'][:2]
        finance = self._finance(company)
        # a month of 30 days in the fiscal year of the tests' company
        month = dt.date(MONTH.year, 11, 1)
        twentieth = month.replace(day=20)
        transaction = Transaction()
        with office_clock(dt.datetime.combine(twentieth, dt.time(17, 0))):
            with self._as(finance, company):
                billed, left = Contract.create([
                        {'space': spaces[code].id, 'tenant': tenant.id,
                            'unit': unit.id, 'rent': D(300),
                            'start_date': month - dt.timedelta(days=40)}
                        for code, tenant, unit in [('B1-10', li, u302),
                            ('B1-2', wang, u301)]])
                Contract.run([billed, left])
                # its month not billed yet: ends today, nothing credited
                Contract.end([left])
                run, = Run.create([{'company': company.id, 'month': month,
                            'invoice_date': month}])
                Run.process([run])
            # the worker drafts the invoices; ended now, the contract
            # would leave a draft to correct: refused until they are posted
            with transaction.set_user(finance.id), \
                    transaction.set_context(company=company.id):
                Batch._draft(Batch.search([('run', '=', run.id)]))
            with self._as(finance, company):
                message = refused(self, ValidationError, Contract.end,
                    [billed])
            self.assertEqual(message, gettext(
                    'property_billing.msg_parking_contract_end_billing',
                    run=Run(run.id).rec_name, contract=billed.rec_name))
            self.assertEqual(Contract(billed.id).state, 'running')
            run = self._work(finance, company, run)
            with self._as(finance, company):
                Contract.end([billed])
                message = refused(self, ValidationError, Contract.end,
                    [billed])
        self.assertEqual(message, gettext(
                'property_billing.msg_parking_contract_end_state',
                contract=billed.rec_name, state="Ended"))
        left, billed = Contract(left.id), Contract(billed.id)
        self.assertEqual((left.state, left.end_date, left.credit_note),
            ('ended', twentieth, None))
        lines = {l.parking_contract: l for l in Line.search(
                [('run', '=', run.id)])}
        self.assertEqual((lines[left].days, lines[left].amount),
            (20, D('200.00')))
        self.assertEqual((lines[billed].days, lines[billed].amount),
            (30, D('300.00')))
        self.assertEqual((billed.state, billed.end_date),
            ('ended', twentieth))
        credit = billed.credit_note
        self.assertEqual(Invoice.search([('total_amount', '<', 0)]),
            [credit])
        self.assertEqual((credit.state, credit.party, credit.property_unit,
                credit.invoice_date, credit.total_amount),
            ('posted', li, u302, twentieth, D('-100.00')))
        line, = credit.lines
        invoice = lines[billed].invoice
        self.assertEqual((line.quantity, line.unit_price, line.origin,
                line.product), (-1, D('100.0000'), invoice.lines[0],
                invoice.lines[0].product))
        self.assertIn(f"({10}/{30} days)", line.description)
        # the tenant pays the 20 days, as the run bills a contract ended
        # on the 20th
        self.assertEqual(invoice.amount_to_pay, lines[left].amount)
        self.assertEqual(invoice.payment_lines, credit.lines_to_pay)
        # (its credit counted once: by the invoice it pays)
        self.assertEqual(credit.amount_to_pay, D(0))

    @with_transaction()
    def test_parking_free_day_posted(self):
        """A day whose stays were all free (within the free minutes) is
        posted too, at 0 and without a move, so that its entries are
        closed: a free stay leaving at 23:59 (Asia/Shanghai) is the day's,
        one leaving at 00:01 the next day's"""
        pool = Pool()
        Entry = pool.get('property.parking.entry')
        estate = self._parking_estate()
        company = estate['company']
        site = estate['site']
        clerk = create_staff("gate", 'gate.free',
            'property_base.group_property_front_desk', company, [site])
        day = MONTH + dt.timedelta(days=10)
        next_day = day + dt.timedelta(days=1)

        def at(date, hour, minute):
            return to_utc(dt.datetime.combine(date, dt.time(hour, minute)),
                company)
        with self._as(clerk, company):
            late, night = Entry.create([
                    {'site': site.id, 'plate': '苏E55555',
                        'entered_at': at(day, 23, 45),
                        'left_at': at(day, 23, 59)},
                    {'site': site.id, 'plate': '浙A11111',
                        'entered_at': at(day, 23, 50),
                        'left_at': at(next_day, 0, 1)},
                    ])
        self.assertEqual((late.fee, late.date), (D(0), day))
        self.assertEqual((night.fee, night.date), (D(0), next_day))
        with office_clock(dt.datetime.combine(next_day, dt.time(0, 30))):
            posting, = run_cron('property.parking.posting|post_daily')
        self.assertEqual((posting.date, posting.state, posting.amount,
                posting.entry_count, posting.move),
            (day, 'posted', D(0), 1, None))
        self.assertEqual(Entry(late.id).posting, posting)
        self.assertIsNone(Entry(night.id).posting)
        # the next night the day of the 00:01 stay is closed
        with office_clock(dt.datetime.combine(
                    next_day + dt.timedelta(days=1), dt.time(0, 30))):
            posting, = run_cron('property.parking.posting|post_daily')
        self.assertEqual(Entry(night.id).posting, posting)
