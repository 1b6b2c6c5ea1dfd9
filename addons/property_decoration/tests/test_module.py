# This file is part of the property-management suite.
import datetime as dt
from decimal import Decimal as D

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_staff, office_clock, open_notifications,
    pdf_fonts,
    pdf_images, pdf_pages, pdf_qrcodes, pdf_text, run_cron, set_chinese,
    with_transaction)
from trytond.modules.property_decoration.application import settlement
from trytond.modules.property_decoration.worker import mask_identity
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase
from trytond.transaction import Transaction

from trytond.modules.property_billing.tests.tools import (
    AccountedCompanyTestMixin, create_estate)

from .tools import (
    TODAY, accept, approve_and_start, create_env, deposit_of, in_company,
    inspect, new_job, pay, savepoint)


def count(model, domain=None):
    return Pool().get(model).search_count(domain or [])


class PropertyDecorationTestCase(AccountedCompanyTestMixin,
        SuiteModuleTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Property Decoration module"
    module = 'property_decoration'
    extras = ['property_helpdesk']

    # -- pure rules ----------------------------------------------------------

    def test_settlement_arithmetic(self):
        "Deductions are taken from the deposit, the rest refunded or invoiced"
        for deposit, deductions, expected in [
                (D(3000), D(500), (D(500), D(0), D(2500))),
                (D(3000), D(0), (D(0), D(0), D(3000))),
                (D(3000), D(3000), (D(3000), D(0), D(0))),
                (D(3000), D('3500.50'), (D(3000), D('500.50'), D(0))),
                (D(0), D(200), (D(0), D(200), D(0))),
                ]:
            with self.subTest(deposit=deposit, deductions=deductions):
                self.assertEqual(settlement(deposit, deductions), expected)

    def test_mask_identity(self):
        "A pass shows an identity number with its middle hidden"
        self.assertEqual(mask_identity('370102199003071234'),
            '370102********1234')
        self.assertEqual(mask_identity('A1234567'), 'A1****67')
        self.assertEqual(mask_identity(''), '')

    # -- the whole procedure -------------------------------------------------

    @with_transaction()
    def test_procedure(self):
        """Application → approval → deposit → permit and passes → inspection
        with a violation, notice and deduction → acceptance → refund"""
        pool = Pool()
        Application = pool.get('property.decoration.application')
        Violation = pool.get('property.decoration.violation')
        Worker = pool.get('property.decoration.worker')
        Move = pool.get('account.move')
        env = create_env()
        job = new_job(env)
        self.assertEqual(job.state, 'draft')
        self.assertTrue(job.number)
        # 89.37 m² × 2.00 per m²
        self.assertEqual(job.management_fee, D('178.74'))
        self.assertEqual(job.deposit, D(3000))

        job = approve_and_start(env, job)
        self.assertEqual(job.state, 'in_progress')
        self.assertTrue(job.permit_number)
        self.assertEqual(job.deposit_invoice.state, 'paid')
        self.assertEqual(job.deposit_balance, D(3000))
        owner = job.owner
        self.assertEqual(deposit_of(owner, env['deposit_account']), D(3000))
        self.assertEqual(
            sorted((c.fee_type.code, c.amount) for c in job.charges),
            [('DM', D('178.74')), ('DW', D(300))])

        with set_company(env['company']):
            worker, = Worker.create([{'application': job.id,
                        'name': "Zhao Gang",
                        'identity_number': '370102199003071234',
                        'trade': "Tiler"}])
        self.assertTrue(worker.pass_number)
        self.assertEqual(worker.valid_to, job.planned_end)
        valid, message = Worker.check_pass(worker.pass_number)
        self.assertTrue(valid, message)
        self.assertIn("Zhao Gang", message)

        inspection = inspect(env, job, [('V25', "Tiles in the lift")])
        violation, = inspection.violations
        self.assertEqual(violation.penalty, D(200))
        with set_company(env['company']):
            notice, = Violation.issue_notices([violation])
            self.assertEqual(notice.deadline, TODAY + dt.timedelta(days=3))
            Violation.rectify([violation])
        self.assertEqual(notice.__class__(notice.id).state, 'rectified')

        acceptance = accept(env, Application(job.id))
        self.assertEqual(acceptance.total_deductions, D(200))
        self.assertEqual(acceptance.refund, D(2800))
        with set_company(env['company']):
            acceptance.__class__.accept([acceptance])
            Application.settle([job])
        job = Application(job.id)
        self.assertEqual(job.state, 'settled')
        invoice = job.settlement_invoice
        self.assertEqual(invoice.state, 'posted')
        self.assertEqual(invoice.total_amount, D(-2800))
        self.assertEqual(job.deposit_balance, D(0))
        self.assertEqual(deposit_of(owner, env['deposit_account']), D(0))

        invoice = pay(env, invoice)  # the refund paid out in cash
        self.assertEqual(invoice.state, 'paid')
        with set_company(env['company']):
            Application.close([job])
        job = Application(job.id)
        self.assertEqual(job.state, 'closed')
        self.assertFalse(Worker.check_pass(worker.pass_number)[0])
        # Every move posted and balanced; the owner owes nothing
        for move in Move.search([]):
            self.assertEqual(move.state, 'posted')
            self.assertEqual(sum(l.debit for l in move.lines),
                sum(l.credit for l in move.lines))
        with in_company(env):
            owner = owner.__class__(owner.id)
            self.assertEqual(owner.receivable, D(0))
        self.assertEqual(
            [(c.from_state, c.to_state) for c in reversed(job.state_changes)],
            [(None, 'draft'), ('draft', 'submitted'),
                ('submitted', 'approved'), ('approved', 'in_progress'),
                ('in_progress', 'completed'), ('completed', 'settled'),
                ('settled', 'closed')])

    @with_transaction()
    def test_shortfall_invoiced(self):
        "Deductions above the deposit are invoiced to the owner"
        Application = Pool().get('property.decoration.application')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        acceptance = accept(env, job, deductions=[
                {'description': "Load-bearing wall restored",
                    'amount': D(3500)}], invoice_shortfall=True)
        self.assertEqual(acceptance.shortfall, D(500))
        with set_company(env['company']):
            acceptance.__class__.accept([acceptance])
            Application.settle([job])
        job = Application(job.id)
        self.assertEqual(job.settlement_invoice.total_amount, D(500))
        self.assertEqual(job.deposit_balance, D(0))
        with set_company(env['company']):
            with self.assertRaisesRegex(ValidationError, 'still has'):
                Application.close([job])
            pay(env, job.settlement_invoice)
            Application.close([job])
        self.assertEqual(Application(job.id).state, 'closed')

    @with_transaction()
    def test_nothing_deducted(self):
        "Without deductions the whole deposit is refunded"
        Application = Pool().get('property.decoration.application')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        acceptance = accept(env, job)
        with set_company(env['company']):
            acceptance.__class__.accept([acceptance])
            Application.settle([job])
        job = Application(job.id)
        self.assertEqual(job.settlement_invoice.total_amount, D(-3000))
        self.assertEqual(job.deposit_balance, D(0))

    # -- bad input -------------------------------------------------------------

    @with_transaction()
    def test_not_owner(self):
        "An applicant who does not own the unit is refused"
        env = create_env()
        before = count('property.decoration.application')
        with savepoint(), \
                self.assertRaisesRegex(ValidationError, 'does not own'):
            new_job(env, unit=0, owner=env['owners'][1])
        self.assertEqual(count('property.decoration.application'), before)

    @with_transaction()
    def test_second_open_application(self):
        "A unit has one open application at a time"
        Application = Pool().get('property.decoration.application')
        env = create_env()
        first = new_job(env)
        with savepoint(), \
                self.assertRaisesRegex(ValidationError, 'already has an open'):
            new_job(env)
        self.assertEqual(count('property.decoration.application'), 1)
        # once rejected, a new application is possible
        with set_company(env['company']):
            Application.submit([first])
            first = Application(first.id)
            first.rejection_reason = "Drawings unreadable"
            first.save()
            Application.reject([first])
        new_job(env)

    @with_transaction()
    def test_missing_document(self):
        "An application cannot be approved with a required document missing"
        Application = Pool().get('property.decoration.application')
        env = create_env()
        job = new_job(env, received=False)
        with set_company(env['company']):
            Application.submit([job])
            with self.assertRaisesRegex(ValidationError, 'missing'):
                Application.approve([job])
            job = Application(job.id)
            self.assertEqual(job.state, 'submitted')
            self.assertFalse(job.deposit_invoice)
            self.assertFalse(job.charges)
            # not required: approved without it
            for document in job.documents:
                document.received = document.kind != 'drawings'
                document.required = document.kind != 'drawings'
            job.documents = job.documents
            job.save()
            Application.approve([job])
        self.assertEqual(Application(job.id).state, 'approved')

    @with_transaction()
    def test_planned_end_before_start(self):
        "The planned end cannot be before the planned start"
        env = create_env()
        with savepoint(), \
                self.assertRaisesRegex(ValidationError, 'before its planned'):
            new_job(env, planned_start=TODAY,
                planned_end=TODAY - dt.timedelta(days=1))
        self.assertEqual(count('property.decoration.application'), 0)

    @with_transaction()
    def test_start_guards(self):
        "Works start only once approved and the deposit received"
        Application = Pool().get('property.decoration.application')
        env = create_env()
        job = new_job(env)
        with set_company(env['company']):
            with self.assertRaisesRegex(ValidationError, 'once the'):
                Application.start([job])
            Application.submit([job])
            with self.assertRaisesRegex(ValidationError, 'once the'):
                Application.start([job])
            Application.approve([job])
            with self.assertRaisesRegex(ValidationError, 'not been received'):
                Application.start([job])
        job = Application(job.id)
        self.assertEqual(job.state, 'approved')
        self.assertFalse(job.permit_number)

    @with_transaction()
    def test_inspection_not_in_progress(self):
        "Only a job in progress can be inspected"
        pool = Pool()
        Application = pool.get('property.decoration.application')
        env = create_env()
        job = new_job(env)
        with savepoint(), \
                self.assertRaisesRegex(ValidationError, 'only jobs in progress'):
            inspect(env, job)
        job = approve_and_start(env, Application(job.id))
        with set_company(env['company']):
            Application.complete([job])
        with savepoint(), \
                self.assertRaisesRegex(ValidationError, 'only jobs in progress'):
            inspect(env, job)
        self.assertEqual(count('property.decoration.inspection'), 0)

    @with_transaction()
    def test_deduction_above_deposit(self):
        "A deduction above the deposit needs the shortfall invoiced"
        pool = Pool()
        Application = pool.get('property.decoration.application')
        Acceptance = pool.get('property.decoration.acceptance')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        acceptance = accept(env, job, deductions=[
                {'description': "Façade restored", 'amount': D(3200)}])
        with set_company(env['company']):
            with self.assertRaisesRegex(ValidationError, 'exceed the deposit'):
                Acceptance.accept([acceptance])
            self.assertEqual(Acceptance(acceptance.id).state, 'draft')
            with self.assertRaisesRegex(ValidationError, 'no accepted'):
                Application.settle([job])
        job = Application(job.id)
        self.assertEqual(job.state, 'completed')
        self.assertFalse(job.settlement_invoice)
        self.assertEqual(job.deposit_balance, D(3000))

    @with_transaction()
    def test_deductions_need_approval(self):
        "Deductions are approved by the manager, again when changed"
        Acceptance = Pool().get('property.decoration.acceptance')
        Deduction = Pool().get('property.decoration.deduction')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        acceptance = accept(env, job, approve=False, deductions=[
                {'description': "Lift panel", 'amount': D(300)}])
        with set_company(env['company']):
            with self.assertRaisesRegex(ValidationError, 'approved by'):
                Acceptance.accept([acceptance])
            Acceptance.approve_deductions([acceptance])
            deduction, = Acceptance(acceptance.id).deductions
            Deduction.write([deduction], {'amount': D(350)})
            self.assertFalse(Acceptance(acceptance.id).deductions_approved_by)

    @with_transaction()
    def test_settle_with_open_violation(self):
        "A job with an unresolved violation cannot be settled"
        Application = Pool().get('property.decoration.application')
        Acceptance = Pool().get('property.decoration.acceptance')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        inspect(env, job, [('V12', "Hole in the shear wall")])
        acceptance = accept(env, job)
        with set_company(env['company']):
            Acceptance.accept([acceptance])
            with self.assertRaisesRegex(ValidationError, 'unresolved'):
                Application.settle([job])
        job = Application(job.id)
        self.assertEqual(job.state, 'completed')
        self.assertFalse(job.settlement_invoice)
        self.assertEqual(job.deposit_balance, D(3000))

    @with_transaction()
    def test_settle_twice(self):
        "A settled job is not settled, and its deposit not refunded, again"
        Application = Pool().get('property.decoration.application')
        Acceptance = Pool().get('property.decoration.acceptance')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        acceptance = accept(env, job)
        with set_company(env['company']):
            Acceptance.accept([acceptance])
            Application.settle([job])
            with self.assertRaisesRegex(ValidationError, 'not settled yet'):
                Application.settle([job])
        self.assertEqual(count('account.invoice',
                [('total_amount', '<', 0)]), 1)

    # -- sanctions, notices and passes ---------------------------------------

    @with_transaction()
    def test_sanction_approval(self):
        "Cutting utilities needs the manager's approval before the notice"
        Violation = Pool().get('property.decoration.violation')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        violation, = inspect(env, job, [('V05', "Cables on the floor")]
            ).violations
        with set_company(env['company']):
            violation.sanction = 'cut_utilities'
            violation.save()
            with self.assertRaisesRegex(ValidationError, 'approval'):
                Violation.issue_notices([violation])
            self.assertFalse(Violation(violation.id).notices)
            Violation.approve([violation])
            notice, = Violation.issue_notices([violation])
        self.assertEqual(notice.sanction, 'cut_utilities')

    @with_transaction()
    def test_escalation_stops_work(self):
        "An overdue notice escalates to a stop-work order blocking passes"
        pool = Pool()
        Violation = pool.get('property.decoration.violation')
        Notice = pool.get('property.decoration.notice')
        Worker = pool.get('property.decoration.worker')
        Application = pool.get('property.decoration.application')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        with set_company(env['company']):
            worker, = Worker.create([{'application': job.id,
                        'name': "Sun Li", 'identity_number': '1101011990'}])
        violation, = inspect(env, job, [('V27', "Drilling at 21:00")]
            ).violations
        self.assertEqual(violation.sanction, 'education')
        with set_company(env['company']):
            notice, = Violation.issue_notices([violation])
            self.assertEqual(Notice.escalate(date=notice.deadline), [])
            overdue = Notice.escalate(
                date=notice.deadline + dt.timedelta(days=1))
        self.assertEqual(overdue, [notice])
        self.assertEqual(Notice(notice.id).state, 'overdue')
        self.assertEqual(Violation(violation.id).sanction, 'stop_work')
        self.assertTrue(Application(job.id).stopped)
        valid, message = Worker.check_pass(worker.pass_number)
        self.assertFalse(valid)
        self.assertIn('stop-work', message)
        with set_company(env['company']):
            Violation.rectify([violation])
        self.assertFalse(Application(job.id).stopped)
        self.assertTrue(Worker.check_pass(worker.pass_number)[0])

    @with_transaction()
    def test_pass_check(self):
        "The gate learns whether a pass is valid today"
        Worker = Pool().get('property.decoration.worker')
        env = create_env()
        job = new_job(env)
        with set_company(env['company']):
            worker, = Worker.create([{'application': job.id,
                        'name': "Qian Jun", 'identity_number': '1101011990',
                        'valid_from': TODAY + dt.timedelta(days=1),
                        'valid_to': TODAY + dt.timedelta(days=30)}])
        self.assertIn('is "Draft"', Worker.check_pass(worker.pass_number)[1])
        approve_and_start(env, job)
        valid, message = Worker.check_pass(worker.pass_number)
        self.assertFalse(valid)
        self.assertIn('valid from', message)
        self.assertTrue(Worker.check_pass(worker.pass_number,
                TODAY + dt.timedelta(days=1))[0])
        self.assertIn('No pass', Worker.check_pass('CR999999')[1])

    @with_transaction()
    def test_check_pass_outside_working_hours_refused_001(self):
        """Seed 001 装修管理 27 (不按规定时间施工): at the gate, Check Pass
        refuses a worker outside the job's hours (08:00 to 18:00) on the
        office's clock: at 07:30 office time (still yesterday in UTC) the
        hours refuse, not the dates; 08:00 and 18:00 pass, 18:01 not"""
        pool = Pool()
        Worker = pool.get('property.decoration.worker')
        CheckPass = pool.get('property.decoration.check_pass', type='wizard')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        with set_company(env['company']):
            worker, = Worker.create([{'application': job.id,
                        'name': "Sun Li", 'identity_number': '1101011990'}])
        self.assertEqual(worker.valid_from, TODAY)
        for hour, minute, valid in [(7, 59, False), (8, 0, True),
                (18, 0, True), (18, 1, False), (23, 30, False)]:
            at = dt.datetime.combine(TODAY, dt.time(hour, minute))
            self.assertEqual(
                Worker.check_pass(worker.pass_number, at=at)[0], valid, at)
        with set_company(env['company']), office_clock(
                dt.datetime.combine(TODAY, dt.time(7, 30))):
            session_id, _, _ = CheckPass.create()
            result = CheckPass.execute(session_id,
                {'start': {'pass_number': worker.pass_number}}, 'check')
            CheckPass.delete(session_id)
        values = result['view']['defaults']
        self.assertFalse(values['valid'])
        self.assertIn('from 08:00 to 18:00, it is 07:30', values['message'])

    @with_transaction()
    def test_worker_identity_personal_data(self):
        """The front desk registers a worker with the full identity number
        but reads it back masked; the gate of one site knows no pass of
        another site's renovation"""
        pool = Pool()
        Worker = pool.get('property.decoration.worker')
        env = create_env()
        other = create_estate("River View", 'RV', company=env['company'])
        job = approve_and_start(env, new_job(env))
        far_job = approve_and_start(env, new_job(dict(env,
                    units=other['units'], owners=other['owners'])))
        with set_company(env['company']):
            far, = Worker.create([{'application': far_job.id,
                        'name': "Zhou Qiang",
                        'identity_number': '370102198805124321'}])
        clerk = create_staff("Clerk", 'clerk',
            'property_base.group_property_front_desk', env['company'],
            [env['site']])
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            # entered in full at the desk, from the form's field
            worker, = Worker.create([{'application': job.id,
                        'name': "Sun Li",
                        'identity_masked': '370102199003071234'}])
            record, = Worker.read([worker.id], ['identity_masked'])
            self.assertEqual(record['identity_masked'], '370102********1234')
            with self.assertRaises(AccessError):
                Worker.read([worker.id], ['identity_number'])
            fields = Worker.fields_view_get(view_type='form')['fields']
            self.assertNotIn('identity_number', fields)
            self.assertFalse(fields['identity_masked'].get('readonly'))
            with transaction.set_context(_check_access=False):
                # the gate's wizard runs without access checks
                self.assertTrue(Worker.check_pass(worker.pass_number)[0])
                valid, message = Worker.check_pass(far.pass_number)
            self.assertFalse(valid)
            self.assertIn('No pass', message)
        self.assertEqual(Worker(worker.id).identity_number,
            '370102199003071234')

    @with_transaction()
    def test_uninspected(self):
        "The scheduled action lists the jobs not inspected today"
        Inspection = Pool().get('property.decoration.inspection')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        other = approve_and_start(env, new_job(env, unit=1))
        with set_company(env['company']):
            self.assertEqual(set(Inspection.uninspected()), {job, other})
            inspect(env, job)
            self.assertEqual(Inspection.uninspected(), [other])

    @with_transaction()
    def test_reminders_opened_by_building_manager(self):
        """The building manager opens the uninspected-jobs and the
        overdue-notices reminders as themselves and finds the records"""
        pool = Pool()
        Violation = pool.get('property.decoration.violation')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        building = create_staff("Building Manager", 'building',
            'property_base.group_property_building_manager', env['company'],
            [env['site']])
        with set_company(env['company']):
            self.assertEqual(run_cron(
                    'property.decoration.inspection|uninspected',
                    subscribers=[building]), [job])
        (text, records), = open_notifications(building)
        self.assertEqual(records, [job])
        violation, = inspect(env, job, [('V27', "Drilling at 21:00")]
            ).violations
        with set_company(env['company']):
            notice, = Violation.issue_notices([violation])
            self.assertEqual(run_cron(
                    'property.decoration.notice|escalate',
                    date=notice.deadline + dt.timedelta(days=1),
                    subscribers=[building]), [notice])
        (text, records), = open_notifications(building)
        self.assertIn(notice, records)

    # -- catalogue, reports, helpdesk ------------------------------------------

    @with_transaction()
    def test_catalogue(self):
        "The 32 prohibited practices of the patrol standard are shipped"
        Type = Pool().get('property.decoration.violation.type')
        types = Type.search([])
        self.assertEqual(len(types), 32)
        self.assertEqual([t.code for t in types][:2], ['V04', 'V05'])
        self.assertEqual(types[-1].code, 'V35')
        with self.assertRaises(ValidationError):
            Type.create([{'code': 'X1', 'name': "Bad", 'penalty': D(-1)}])

    @with_transaction()
    def test_statistics(self):
        "The monthly statistics count the jobs, inspections and deposits"
        pool = Pool()
        Application = pool.get('property.decoration.application')
        Acceptance = pool.get('property.decoration.acceptance')
        Violation = pool.get('property.decoration.violation')
        Statistics = pool.get('property.decoration.statistics')
        ByType = pool.get('property.decoration.violation.statistics')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        approve_and_start(env, new_job(env, unit=1))
        new_job(env, unit=2)  # draft: not counted
        violation, = inspect(env, job, [('V23', "Waste in the stairs")]
            ).violations
        inspect(env, job, date=TODAY)
        with set_company(env['company']):
            Violation.rectify([violation])
        acceptance = accept(env, job)
        with set_company(env['company']):
            Acceptance.accept([acceptance])
            Application.settle([job])
        row, = Statistics.search([])
        self.assertEqual(row.site, env['site'])
        self.assertEqual(row.month, TODAY.replace(day=1))
        self.assertEqual((row.applications, row.started, row.completed,
                row.in_progress, row.inspections, row.violations),
            (2, 2, 1, 1, 2, 1))
        self.assertEqual(row.deposits_received, D(6000))
        self.assertEqual(row.deposits_settled, D(3000))
        self.assertEqual(row.deposits_refunded, D(2800))
        self.assertEqual(row.deposits_held, D(3000))
        by_type, = ByType.search([])
        self.assertEqual((by_type.type.code, by_type.violations,
                by_type.penalties), ('V23', 1, D(200)))

    # -- printed documents ---------------------------------------------------

    def _chinese_job(self, env):
        """A started job of 王芳 with a scope item, the suite's Chinese
        loaded; and the front desk clerk of the site"""
        pool = Pool()
        Party = pool.get('party.party')
        ScopeItem = pool.get('property.decoration.application.scope')
        set_chinese(['property_base', 'property_billing',
                'property_decoration'])
        Party.write([env['owners'][0]], {'name': "王芳"})
        job = new_job(env)
        with set_company(env['company']):
            ScopeItem.create([{'application': job.id, 'kind': 'electrical',
                        'description': "厨房电路改造", 'quantity': "12 m"}])
        job = approve_and_start(env, job)
        clerk = create_staff("Clerk", 'clerk',
            'property_base.group_property_front_desk', env['company'],
            [env['site']])
        return job, clerk

    def _print(self, name, record, user, company):
        "Print the document of the record as the user does over RPC"
        Report = Pool().get(name, type='report')
        transaction = Transaction()
        with transaction.set_user(user.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            oext, content, _, _ = Report.execute([record.id], {})
        self.assertEqual(oext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        self.assertTrue(any('CJK' in f['name'] and f['emb']
                for f in pdf_fonts(content)), pdf_fonts(content))
        return content

    @with_transaction()
    def test_permit_pdf(self):
        """The front desk prints the renovation permit as an A4 PDF in the
        owner's Chinese: permit number, home, owner, contractor, works
        period, hours, scope, workers with their passes and deposit"""
        pool = Pool()
        Worker = pool.get('property.decoration.worker')
        zh = pool.get('ir.lang').get('zh_CN')
        env = create_env()
        job, clerk = self._chinese_job(env)
        with set_company(env['company']):
            worker, = Worker.create([{'application': job.id,
                        'name': "赵刚", 'trade': "电工",
                        'identity_number': '110101199003071234'}])
        content = self._print('property.decoration.permit', job, clerk,
            env['company'])
        text = pdf_text(content)
        for expected in ['装修许可证', '许可证号', job.permit_number,
                job.number, '王芳', job.unit.rec_name,
                "Jiayi Decoration Co.", '91370100MA3C1234X',
                zh.strftime(job.planned_start), zh.strftime(job.planned_end),
                job.hours_from.strftime('%H:%M'),
                job.hours_to.strftime('%H:%M'),
                '厨房电路改造', '12 m', '赵刚', worker.pass_number,
                f'{job.deposit:,.2f}', zh.strftime(job.actual_start),
                env['company'].rec_name]:
            self.assertIn(expected, text)
        self.assertNotIn('Renovation Permit', text)
        self.assertEqual(pdf_pages(content), [(210, 297)])

    @with_transaction()
    def test_permit_not_issued(self):
        "No permit prints for a job whose permit is not issued"
        Permit = Pool().get('property.decoration.permit', type='report')
        env = create_env()
        job = new_job(env)
        with self.assertRaisesRegex(ValidationError, 'not issued'):
            Permit.execute([job.id], {})

    @with_transaction()
    def test_worker_pass_pdf(self):
        """The worker pass prints on an A6 card: photo, name, identity
        number masked, home and job, valid dates, and a QR code of the
        pass number that the gate's Check Pass reads as the scanner types
        it, with spaces and the line end around it"""
        pool = Pool()
        Worker = pool.get('property.decoration.worker')
        CheckPass = pool.get('property.decoration.check_pass', type='wizard')
        zh = pool.get('ir.lang').get('zh_CN')
        env = create_env()
        job, clerk = self._chinese_job(env)
        from .photo import PHOTO
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            worker, = Worker.create([{'application': job.id,
                        'name': "赵刚", 'trade': "电工", 'photo': PHOTO,
                        'identity_masked': '110101199003071234'}])
        content = self._print('property.decoration.worker.pass', worker,
            clerk, env['company'])
        text = pdf_text(content)
        for expected in ['装修出入证', worker.pass_number, '赵刚',
                '110101********1234', '电工', job.unit.rec_name, job.number,
                zh.strftime(worker.valid_from), zh.strftime(worker.valid_to),
                env['company'].rec_name]:
            self.assertIn(expected, text)
        self.assertNotIn('110101199003071234', text)
        # one A6 card, landscape, with the worker's photo on it
        self.assertEqual(pdf_pages(content), [(148, 105)])
        self.assertIn((24, 32), pdf_images(content))
        decoded = pdf_qrcodes(content)
        if decoded is None:
            self.skipTest("no QR decoder (pyzbar, libzbar0) installed")
        self.assertEqual(decoded, [worker.pass_number])
        # the gate: the scanner types the code, then Enter
        with transaction.set_user(clerk.id), \
                transaction.set_context(company=env['company'].id), \
                office_clock(dt.datetime.combine(TODAY, dt.time(10, 0))):
            for typed in [decoded[0], f'  {decoded[0]}\r\n',
                    f'\t{decoded[0]}\n']:
                session_id, _, _ = CheckPass.create()
                result = CheckPass.execute(session_id,
                    {'start': {'pass_number': typed}}, 'check')
                values = result['view']['defaults']
                self.assertTrue(values['valid'], values['message'])
                self.assertIn('赵刚', values['message'])
                CheckPass.delete(session_id)

    @with_transaction()
    def test_worker_pass_without_photo(self):
        "A pass prints without a photo, with the frame to stick one on"
        pool = Pool()
        Worker = pool.get('property.decoration.worker')
        env = create_env()
        job, clerk = self._chinese_job(env)
        with set_company(env['company']):
            worker, = Worker.create([{'application': job.id,
                        'name': "钱伟", 'identity_number': 'A1234567'}])
        content = self._print('property.decoration.worker.pass', worker,
            clerk, env['company'])
        text = pdf_text(content)
        self.assertIn('钱伟', text)
        self.assertIn('A1****67', text)
        self.assertEqual(pdf_images(content), [])

    @with_transaction()
    def test_notice_pdf(self):
        """The building manager prints the rectification notice in the
        owner's Chinese: number, date, owner and home, the violation, the
        sanction, the requirements and the deadline"""
        pool = Pool()
        Violation = pool.get('property.decoration.violation')
        Notice = pool.get('property.decoration.notice')
        zh = pool.get('ir.lang').get('zh_CN')
        env = create_env()
        job, clerk = self._chinese_job(env)
        building = create_staff("Building Manager", 'building',
            'property_base.group_property_building_manager', env['company'],
            [env['site']])
        violation, = inspect(env, job, [('V21', "阳台违规电焊")]).violations
        with set_company(env['company']):
            notice, = Violation.issue_notices([violation])
            Notice.write([notice], {'requirements': "立即停止动火作业\n补办动火证"})
        notice = Notice(notice.id)
        content = self._print('property.decoration.notice.report', notice,
            building, env['company'])
        text = pdf_text(content)
        for expected in ['违章整改通知单', notice.number, '王芳',
                job.unit.rec_name, "Jiayi Decoration Co.", '擅自动火作业',
                '阳台违规电焊', '立即停止动火作业', '补办动火证',
                zh.strftime(notice.date), zh.strftime(notice.deadline),
                '限期整改', env['company'].rec_name]:
            self.assertIn(expected, text)
        self.assertEqual(pdf_pages(content), [(210, 297)])

    @with_transaction()
    def test_documents_are_pdf(self):
        "Every document of the module is an HTML template printed as PDF"
        Action = Pool().get('ir.action.report')
        actions = Action.search([('module', '=', 'property_decoration')])
        self.assertEqual(len(actions), 3)
        for action in actions:
            self.assertEqual((action.template_extension, action.extension),
                ('html', 'pdf'), action.report_name)

    @with_transaction()
    def test_ticket_linked(self):
        "A renovation complaint about a unit is linked to its job"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Category = pool.get('property.ticket.category')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        category, = Category.search([('code', '=', 'DECO')])
        with set_company(env['company']):
            ticket, = Ticket.create([{'unit': job.unit.id,
                        'site': env['site'].id,
                        'kind': 'complaint', 'complaint_type': 'effective',
                        'category': category.id,
                        'reporter': env['owners'][1].id,
                        'description': "Drilling at night upstairs"}])
        self.assertEqual(ticket.decoration, job)
        self.assertEqual(job.__class__(job.id).tickets, (ticket,))


    @with_transaction()
    def test_ticket_form_keeps_unit(self):
        """A clerk who picks the unit, then changes the kind, keeps the
        unit, its site and the reporter: the client sends the fields the
        kind's on_change declares, and nothing else is touched"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Category = pool.get('property.ticket.category')
        env = create_env()
        unit = env['units'][0]
        category, = Category.search([('code', '=', 'DECO')])
        with set_company(env['company']):
            # the form after the unit was picked
            form = Ticket(kind='repair_unit', category=category,
                unit=unit)
            form.on_change_unit()
            self.assertEqual(form.site, unit.site)
            self.assertTrue(form.reporter)
            values = form._changed_values()
            values.update({'kind': 'complaint', 'category': category.id,
                    'unit': unit.id, 'description': "Noise"})
            for name in ['kind', 'category', 'complaint_type']:
                # what the client sends for this field's on_change
                sent = {f: values[f]
                    for f in Ticket._fields[name].on_change
                    if '.' not in f and f in values}
                record = Ticket(**sent)
                record.on_change([name])
                changes = record._changed_values()
                for field in ['unit', 'site', 'reporter']:
                    # sent back as it was, never wiped
                    self.assertEqual(changes.get(field, values[field]),
                        values[field], (name, field))

del ModuleTestCase
