# This file is part of the property-management suite.
import datetime as dt
from decimal import Decimal
from email.utils import getaddresses
from unittest.mock import patch

from lxml import etree
from sql import Column, Table

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_employee, set_company)
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_company, create_staff, deliver_mail,
    office_clock, office_to_utc, open_board, open_notifications, open_relates,
    pdf_fonts, pdf_images,
    pdf_text, run_cron, set_chinese, set_chinese_of, smtp_server,
    with_transaction)
from trytond.modules.property_helpdesk.tests.tools import check_work_orders
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import ModuleTestCase
from trytond.transaction import Transaction

# A Friday, so that deadlines cross a weekend
FRIDAY = dt.datetime(2026, 11, 20, 10, 30)


def create_helpdesk():
    "A site with a unit, an engineering department and categories"
    pool = Pool()
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Unit = pool.get('property.unit')
    Department = pool.get('property.department')
    Category = pool.get('property.ticket.category')
    Party = pool.get('party.party')
    company = create_company()
    manager = create_employee(company, "Manager Sun")
    supervisor = create_employee(company, "Supervisor Li")
    technician = create_employee(company, "Plumber Zhao")
    clerk = create_employee(company, "Clerk Zhou")
    manager.party.contact_mechanisms = [
        {'type': 'email', 'value': 'sun@example.com'}]
    manager.party.save()
    site, other_site = Site.create([{
                'name': "Garden Court", 'code': 'GC', 'company': company.id,
                'manager': manager.id, 'supervisor': supervisor.id,
                }, {
                'name': "River View", 'code': 'RV', 'company': company.id,
                'manager': manager.id,
                }])
    building, other_building = Building.create([
            {'site': site.id, 'code': 'A1', 'name': "A1", 'floors': 18},
            {'site': other_site.id, 'code': 'V', 'name': "V", 'floors': 3},
            ])
    unit, other_unit = Unit.create([
            {'building': building.id, 'number': '1201',
                'area': Decimal(90)},
            {'building': other_building.id, 'number': '101',
                'area': Decimal(300)},
            ])
    engineering, = Department.create([{'name': "Engineering",
                'company': company.id,
                'employees': [('add', [technician.id])]}])
    plumbing, = Category.create([{'name': "Plumbing", 'code': 'PLB',
                'department': engineering.id}])
    owner, = Party.create([{'name': "王伟"}])
    return dict(company=company, site=site, other_site=other_site,
        unit=unit, other_unit=other_unit, engineering=engineering,
        plumbing=plumbing, technician=technician, clerk=clerk,
        manager=manager, supervisor=supervisor, owner=owner)


def create_ticket(env, **values):
    Ticket = Pool().get('property.ticket')
    defaults = {
        'company': env['company'].id, 'site': env['site'].id,
        'unit': env['unit'].id, 'reporter': env['owner'].id,
        'channel': 'phone', 'kind': 'repair_unit',
        'category': env['plumbing'].id,
        'description': "Kitchen sink leaking",
        'received_at': FRIDAY,
        }
    defaults.update(values)
    ticket, = Ticket.create([defaults])
    return ticket


def sample_photo(size=(32, 24)):
    "A small PNG as a camera would send it"
    from io import BytesIO
    from PIL import Image
    buffer = BytesIO()
    Image.new('RGB', size, (200, 40, 40)).save(buffer, format='PNG')
    return buffer.getvalue()


class PropertyHelpdeskTestCase(
        SuiteModuleTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Property Helpdesk module"
    module = 'property_helpdesk'

    @with_transaction()
    def test_working_days(self):
        "Deadlines count working days, skipping weekends and holidays"
        pool = Pool()
        Configuration = pool.get('property.helpdesk.configuration')
        company = create_company()
        Holiday = pool.get('property.helpdesk.holiday')
        policy = Configuration.get_policy(company)
        end = dt.time(23, 59, 59)
        # Friday + 1 working day is Monday, till its end at the office
        self.assertEqual(policy.add_working_days(FRIDAY, 1),
            office_to_utc(dt.datetime.combine(dt.date(2026, 11, 23), end)))
        # Same day
        self.assertEqual(policy.add_working_days(FRIDAY, 0),
            office_to_utc(dt.datetime.combine(dt.date(2026, 11, 20), end)))
        # A report on Saturday counts from Monday
        saturday = FRIDAY + dt.timedelta(days=1)
        self.assertEqual(policy.add_working_days(saturday, 0).date(),
            dt.date(2026, 11, 23))
        self.assertEqual(policy.add_working_days(saturday, 3).date(),
            dt.date(2026, 11, 26))
        # With Monday and Tuesday off, Friday + 1 is Wednesday
        Holiday.create([
                {'company': company.id, 'date': dt.date(2026, 11, 23),
                    'name': "Holiday"},
                {'company': company.id, 'date': dt.date(2026, 11, 24),
                    'name': "Holiday"},
                ])
        policy = Configuration.get_policy(company)
        self.assertEqual(policy.add_working_days(FRIDAY, 1).date(),
            dt.date(2026, 11, 25))
        self.assertEqual(policy.add_working_days(FRIDAY, 5).date(),
            dt.date(2026, 12, 1))

    @with_transaction()
    def test_policy_migrated_to_company_values(self):
        """A database of the policy of one row per company keeps its values:
        the update copies them to the company values of the singleton, the
        holidays to their company, and sets the old table aside"""
        pool = Pool()
        Configuration = pool.get('property.helpdesk.configuration')
        Sequence = pool.get('property.helpdesk.configuration.sequence')
        Policy = pool.get('property.helpdesk.configuration.policy')
        Holiday = pool.get('property.helpdesk.holiday')
        IrSequence = pool.get('ir.sequence')
        company = create_company()
        other = create_company("Other Estate Co")
        sequence, = IrSequence.copy(
            [Configuration(1).get_multivalue('ticket_sequence',
                    company=company.id)], default={'name': "Old numbers"})
        # the tables as the previous version left them
        cursor = Transaction().connection.cursor()
        for model in [Configuration, Sequence, Policy, Holiday]:
            cursor.execute(f'DROP TABLE {model._table}')
        serial = ('INTEGER PRIMARY KEY AUTOINCREMENT'
            if backend.name == 'sqlite'
            else 'INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
        columns = ['reply_days_verbal', 'reply_days_letter', 'feedback_days',
            'done_days', 'visit_days', 'complaint_visit_rate',
            'target_repair_on_time', 'target_rework',
            'target_complaint_on_time', 'target_visit_satisfaction',
            'target_repair_satisfaction', 'onsite_minutes', 'repeat_window',
            'level1_minutes', 'level2_minutes']
        cursor.execute(f'CREATE TABLE {Configuration._table} ('
            f'id {serial}, company INTEGER NOT NULL, '
            'ticket_sequence INTEGER NOT NULL, '
            + ', '.join(f'{c} INTEGER NOT NULL' for c in columns)
            + ', create_uid INTEGER, create_date TIMESTAMP, '
            'write_uid INTEGER, write_date TIMESTAMP)')
        cursor.execute(f'CREATE TABLE {Holiday._table} ('
            f'id {serial}, configuration INTEGER NOT NULL, '
            'date DATE NOT NULL, name VARCHAR NOT NULL, '
            'create_uid INTEGER, create_date TIMESTAMP, '
            'write_uid INTEGER, write_date TIMESTAMP)')
        values = [2, 4, 3, 7, 2, 70, 97, 4, 99, 90, 91, 20, 14, 6, 12]
        old = Table(Configuration._table)
        cursor.execute(*old.insert(
                [Column(old, c) for c in ['company', 'ticket_sequence']
                    + columns],
                [[company.id, sequence.id] + values]))
        cursor.execute(*old.select(old.id))
        row, = cursor.fetchone()
        holiday = Table(Holiday._table)
        cursor.execute(*holiday.insert(
                [holiday.configuration, holiday.date, holiday.name],
                [[row, dt.date(2026, 11, 23), "Holiday"]]))

        for model in [Configuration, Sequence, Policy, Holiday]:
            model.__register__('property_helpdesk')
        for model in [Sequence, Policy]:
            model._values_cache().clear()

        policy = Configuration.get_policy(company)
        self.assertEqual([getattr(policy, c) for c in columns], values)
        self.assertEqual(policy.ticket_sequence, sequence)
        self.assertEqual(policy.holiday_dates, {dt.date(2026, 11, 23)})
        # a company without a row has the defaults
        policy = Configuration.get_policy(other)
        self.assertEqual((policy.reply_days_verbal, policy.repeat_window),
            (1, 30))
        self.assertEqual(policy.holiday_dates, set())
        holiday, = Holiday.search([])
        self.assertEqual(holiday.company, company)
        self.assertTrue(backend.TableHandler.table_exist(
                Configuration._table + '_company'))
        # the singleton is written as any other
        with set_company(company):
            Configuration.write([Configuration(1)], {'done_days': 8})
        self.assertEqual(Configuration.get_policy(company).done_days, 8)

    @with_transaction()
    def test_working_days_office_clock(self):
        """Deadlines count the office's days (Asia/Shanghai) and end at
        23:59:59 office time, stored as UTC"""
        pool = Pool()
        Configuration = pool.get('property.helpdesk.configuration')
        company = create_company()
        Holiday = pool.get('property.helpdesk.holiday')
        Holiday.create([
                {'company': company.id, 'date': dt.date(2026, 12, 7),
                    'name': "Holiday"},
                {'company': company.id, 'date': dt.date(2027, 1, 1),
                    'name': "New Year's Day"},
                ])
        policy = Configuration.get_policy(company)

        def due(office, days):
            "The office's deadline of a report at an office time"
            return policy.add_working_days(office_to_utc(office), days)

        def end_of(date):
            "23:59:59 at the office on date, as stored (UTC)"
            return office_to_utc(dt.datetime.combine(date, dt.time(23, 59, 59)))
        monday = dt.date(2026, 11, 23)
        # Friday 17:00: next working day is Monday, till 23:59:59 office
        # time, which is Monday 15:59:59 UTC
        self.assertEqual(due(dt.datetime(2026, 11, 20, 17), 1),
            dt.datetime(2026, 11, 23, 15, 59, 59))
        # Friday 07:30 (Thursday 23:30 UTC) counts from Friday
        self.assertEqual(due(dt.datetime(2026, 11, 20, 7, 30), 1),
            end_of(monday))
        self.assertEqual(due(dt.datetime(2026, 11, 20, 7, 30), 0),
            end_of(dt.date(2026, 11, 20)))
        self.assertEqual(
            policy.working_date(office_to_utc(
                    dt.datetime(2026, 11, 20, 7, 30)), 0),
            dt.date(2026, 11, 20))
        # Thursday 23:30 is Thursday too
        self.assertEqual(due(dt.datetime(2026, 11, 19, 23, 30), 1),
            end_of(dt.date(2026, 11, 20)))
        # Saturday 07:30 (Friday in UTC) is a day off: counts from Monday
        self.assertEqual(due(dt.datetime(2026, 11, 21, 7, 30), 0),
            end_of(monday))
        # Friday evening before a holiday Monday: due Tuesday
        self.assertEqual(due(dt.datetime(2026, 12, 4, 20, 0), 1),
            end_of(dt.date(2026, 12, 8)))
        self.assertEqual(due(dt.datetime(2026, 12, 4, 23, 30), 0),
            end_of(dt.date(2026, 12, 4)))
        # The last day of a month and the first of the next
        self.assertEqual(due(dt.datetime(2026, 11, 30, 23, 30), 1),
            end_of(dt.date(2026, 12, 1)))
        self.assertEqual(due(dt.datetime(2026, 12, 1, 7, 30), 0),
            end_of(dt.date(2026, 12, 1)))
        # 31 December: New Year's Day is off, then a weekend
        self.assertEqual(due(dt.datetime(2026, 12, 31, 23, 30), 1),
            end_of(dt.date(2027, 1, 4)))
        self.assertEqual(due(dt.datetime(2027, 1, 1, 7, 30), 0),
            end_of(dt.date(2027, 1, 4)))

    @with_transaction()
    def test_deadlines_and_breaches_office_clock(self):
        """A phone complaint at Friday 17:00 office time is due Monday at
        office midnight and breached from then, not at 08:00 the next day"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        # Registered with the office's clock at Friday 17:00
        with office_clock(dt.datetime(2026, 11, 20, 17, 0)) as utc:
            ticket = create_ticket(env, kind='complaint',
                complaint_type='effective',
                received_at=Ticket.default_received_at())
            self.assertEqual(ticket.received_at, utc)
            Ticket.open([ticket])
        self.assertEqual(ticket.reply_deadline,
            dt.datetime(2026, 11, 23, 15, 59, 59))
        self.assertEqual(ticket.target_date, dt.date(2026, 11, 20))
        # Monday 23:59 at the office: still in time
        with office_clock(dt.datetime(2026, 11, 23, 23, 59)):
            self.assertEqual(Ticket.escalate(), [])
        # Tuesday 00:00:30 at the office (Monday 16:00:30 UTC): breached
        with office_clock(dt.datetime(2026, 11, 24, 0, 0, 30)):
            escalation, = Ticket.escalate()
        self.assertEqual(escalation.reason, 'reply_overdue')
        self.assertTrue(ticket.reply_breached)

        # Friday 07:30 at the office (Thursday 23:30 UTC) counts from
        # Friday: due Monday, not that same Friday
        early = create_ticket(env,
            received_at=office_to_utc(dt.datetime(2026, 11, 20, 7, 30)))
        Ticket.open([early])
        self.assertEqual(early.target_date, dt.date(2026, 11, 20))
        self.assertEqual(early.reply_deadline,
            dt.datetime(2026, 11, 23, 15, 59, 59))

    @with_transaction()
    def test_visits_due_office_clock(self):
        "The visit deadline counts from the office's day of the resolution"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        policy = create_ticket(env).get_policy()
        ticket = create_ticket(env,
            received_at=office_to_utc(dt.datetime(2026, 12, 30, 9, 0)))
        Ticket.open([ticket])
        Ticket.write([ticket], {'assignee': env['technician'].id})
        Ticket.assign([ticket])
        Ticket.start([ticket])
        # Resolved on 31 December at 23:30 office time
        with office_clock(dt.datetime(2026, 12, 31, 23, 30)) as utc:
            Ticket.resolve([ticket])
        self.assertEqual(ticket.resolved_at, utc)
        self.assertEqual(ticket.visit_deadline, office_to_utc(
                dt.datetime.combine(policy.working_date(utc, policy.visit_days),
                    dt.time(23, 59, 59))))
        self.assertEqual(
            policy.working_date(utc, 0), dt.date(2026, 12, 31))
        deadline_day = policy.working_date(utc, policy.visit_days)
        # Not overdue on its last evening, overdue from the office midnight
        with office_clock(dt.datetime.combine(
                    deadline_day, dt.time(23, 30))):
            due, overdue = Ticket.list_visits_due()
            self.assertEqual((due, overdue), ([ticket], []))
        with office_clock(dt.datetime.combine(
                    deadline_day + dt.timedelta(days=1), dt.time(7, 30))):
            due, overdue = Ticket.list_visits_due()
            self.assertEqual((due, overdue), ([ticket], [ticket]))

    @with_transaction()
    def test_open_sets_deadlines(self):
        "Opening a ticket stores its deadlines from the company policy"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        ticket = create_ticket(env)
        self.assertTrue(ticket.number)
        self.assertEqual(
            ticket.get_policy().ticket_sequence.company, env['company'])
        self.assertTrue(ticket.visit_required)
        Ticket.open([ticket])
        self.assertEqual(ticket.state, 'open')
        self.assertEqual(ticket.target_date, dt.date(2026, 11, 20))
        self.assertEqual(ticket.reply_deadline.date(), dt.date(2026, 11, 23))
        self.assertEqual(ticket.feedback_deadline.date(),
            dt.date(2026, 11, 24))
        self.assertEqual(ticket.done_deadline.date(), dt.date(2026, 11, 27))
        letter = create_ticket(env, channel='letter', kind='complaint',
            complaint_type='help')
        Ticket.open([letter])
        self.assertEqual(letter.reply_deadline.date(), dt.date(2026, 11, 25))
        # a communicative complaint is visited too (seed 001 投诉处理)
        self.assertTrue(letter.visit_required)
        self.assertEqual(
            [(h.from_state, h.to_state) for h in ticket.state_changes],
            [('draft', 'open'), (None, 'draft')])

    @with_transaction()
    def test_ticket_history_migrated(self):
        """The ticket's own history of a database from before the suite's
        one trail moves into the state changes, who and when kept"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        StateChange = pool.get('property.state.change')
        env = create_helpdesk()
        ticket = create_ticket(env)
        cursor = Transaction().connection.cursor()
        cursor.execute('CREATE TABLE property_ticket_history ('
            'id INTEGER, ticket INTEGER, date TIMESTAMP, "user" INTEGER, '
            'from_state VARCHAR, to_state VARCHAR, create_uid INTEGER, '
            'create_date TIMESTAMP)')
        when = dt.datetime(2025, 12, 31, 23, 59, 30)
        cursor.execute('INSERT INTO property_ticket_history VALUES '
            '(1, %s, %s, 1, NULL, %s, 1, %s), (2, %s, %s, 1, %s, %s, 1, %s)'
            .replace('%s', '?' if backend.name == 'sqlite' else '%s'),
            (ticket.id, when, 'draft', when,
                ticket.id, when, 'draft', 'open', when))
        StateChange.delete(StateChange.search([
                    ('record', '=', str(ticket))]))
        Ticket._migrate_history()
        self.assertEqual([(c.from_state, c.to_state, c.user.id, c.date)
                for c in Ticket(ticket.id).state_changes],
            [('draft', 'open', 1, when), (None, 'draft', 1, when)])
        self.assertFalse(backend.TableHandler.table_exist(
                'property_ticket_history'))

    @with_transaction()
    def test_repeats(self):
        "A second report is a repeat at level 2, the third goes to level 1"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        first = create_ticket(env)
        Ticket.open([first])
        self.assertFalse(first.is_repeat)
        second = create_ticket(env,
            received_at=FRIDAY + dt.timedelta(days=10))
        Ticket.open([second])
        self.assertTrue(second.is_repeat)
        self.assertEqual((second.repeat_of, second.level), (first, '2'))
        escalation, = second.escalations
        self.assertEqual((escalation.reason, escalation.notified),
            ('repeat', env['supervisor']))
        third = create_ticket(env,
            received_at=FRIDAY + dt.timedelta(days=20))
        Ticket.open([third])
        self.assertEqual((third.repeat_of, third.level), (second, '1'))
        self.assertEqual(third.escalations[0].notified, env['manager'])
        # Outside the 30-day window it is a new problem
        later = create_ticket(env,
            received_at=FRIDAY + dt.timedelta(days=60))
        Ticket.open([later])
        self.assertFalse(later.is_repeat)
        self.assertEqual(later.level, '3')
        # Another category is another problem
        other = create_ticket(env, category=Pool().get(
                'property.ticket.category').create([{
                        'name': "Lift", 'code': 'LFT'}])[0].id,
            received_at=FRIDAY + dt.timedelta(days=21))
        Ticket.open([other])
        self.assertFalse(other.is_repeat)

    @with_transaction()
    def test_escalation(self):
        "Overdue tickets go one level up and the responsible is informed"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        ticket = create_ticket(env)
        Ticket.open([ticket])
        # Not yet overdue on Monday morning
        monday = dt.datetime(2026, 11, 23, 9, 0)
        self.assertEqual(Ticket.escalate(monday), [])
        # Tuesday: the reply (due Monday) is overdue
        tuesday = dt.datetime(2026, 11, 24, 9, 0)
        with patch('trytond.modules.property_base.mail.'
                'send_message_transactional') as send:
            escalation, = Ticket.escalate(tuesday)
            self.assertFalse(send.called)  # the company has no address
        self.assertTrue(ticket.reply_breached)
        self.assertEqual(ticket.level, '2')
        self.assertEqual((escalation.reason, escalation.notified),
            ('reply_overdue', env['supervisor']))
        self.assertTrue(escalation.notified_at)
        # Escalated once only
        self.assertEqual(Ticket.escalate(tuesday), [])
        # The next Monday the work is overdue too: level 1, manager mailed
        # (through Tryton's notification_email, in his language) from the
        # company's address
        env['company'].party.contact_mechanisms = [
            {'type': 'email', 'value': 'office@example.com'}]
        env['company'].party.save()
        set_chinese(('property_base', 'property_helpdesk'))
        manager = pool.get('company.employee')(env['manager']).party
        manager.lang, = pool.get('ir.lang').search([('code', '=', 'zh_CN')])
        manager.save()
        # with the feedback, due Tuesday (seed 004: 两天内必须反馈)
        with smtp_server() as received:
            escalations = Ticket.escalate(dt.datetime(2026, 11, 30, 9, 0))
            deliver_mail()
        self.assertEqual(ticket.level, '1')
        self.assertEqual([e.reason for e in escalations],
            ['feedback_overdue', 'done_overdue'])
        # one e-mail for each escalation, received by the SMTP server
        self.assertEqual(len(received), 2)
        for (recipients, message), reason in zip(received, [
                    "反馈逾期", "完成超时"]):
            self.assertEqual(recipients, ['sun@example.com'])
            self.assertEqual(getaddresses([message['To']]),
                [(manager.name, 'sun@example.com')])
            self.assertEqual(message['From'], 'office@example.com')
            self.assertEqual(message['Subject'], ticket.rec_name)
            self.assertEqual(message.get_content().strip(),
                f"服务单 {ticket.rec_name}，级别 1（{reason}）："
                f"{(ticket.description or '')[:120]}")
        # logged as Tryton's notifications log their e-mails
        self.assertEqual({e.resource.id for e in pool.get(
                    'ir.email').search([])}, {e.id for e in escalations})
        self.assertTrue(ticket.done_breached)
        self.assertTrue(ticket.feedback_breached)

    @with_transaction()
    def test_escalation_notification_opened_by_recipient(self):
        """The manager informed of an escalation opens the notification in
        the client: it lists, and the ticket it names opens for them"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Notification = pool.get('res.notification')
        env = create_helpdesk()
        ticket = create_ticket(env)
        Ticket.open([ticket])
        supervisor = create_staff("Supervisor Li", 'supervisor',
            'property_base.group_property_manager', env['company'],
            [env['site']], env['supervisor'])
        # the supervisor reads 中文: the notification the scheduled action
        # writes (in the server's English) is written in his language
        set_chinese_of('property_helpdesk',
            'model:ir.message,text:msg_ticket_escalation_notice',
            'selection:property.ticket.escalation,reason:')
        supervisor.language = pool.get('ir.lang').get('zh_CN')
        supervisor.save()
        escalation, = Ticket.escalate(dt.datetime(2026, 11, 24, 9, 0))
        self.assertEqual(escalation.notified, env['supervisor'])
        self.assertEqual(escalation.reason_string, "Reply overdue")
        transaction = Transaction()
        with transaction.set_user(supervisor.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            # what the client asks for the notification menu
            notification, = Notification.get()
            self.assertEqual(notification['description'],
                f"服务单 {ticket.number}，级别 2（答复超时）："
                "Kitchen sink leaking")
            self.assertEqual(notification['model'], 'property.ticket')
            self.assertEqual(notification['records'], [ticket.id])
            self.assertIsNone(notification['action'])
            # and what it reads to open the ticket's form
            record, = Ticket.read(notification['records'],
                ['number', 'level'])
            self.assertEqual(record['level'], '2')
            with transaction.set_context(_check_access=False):
                # (its RPC does not check access: one marks one's own)
                Notification.mark_read(Notification.browse(
                        [notification['id']]))
            self.assertEqual(Notification.get_count(), 0)

    @with_transaction()
    def test_reminders_opened_by_recipients(self):
        """The front desk of a site opens the visits-due reminder and the
        manager the escalations, each as themselves: the notice counts
        the records of their own sites, which its window shows them"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        tickets = [create_ticket(env, kind='enquiry'),
            create_ticket(env, kind='enquiry', site=env['other_site'].id,
                unit=env['other_unit'].id)]
        Ticket.open(tickets)
        clerk = create_staff("Clerk Zhou", 'clerk',
            'property_base.group_property_front_desk', env['company'],
            [env['site']], env['clerk'])
        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site'], env['other_site']])
        escalations = run_cron('property.ticket|escalate',
            dt.datetime(2026, 11, 24, 9, 0), subscribers=[manager])
        self.assertEqual(len(escalations), 2)
        (text, records), = open_notifications(manager)
        self.assertEqual(sorted(records), sorted(tickets))
        self.assertTrue(text.startswith("2 "), text)

        Ticket.write(tickets, {'visit_required': True})
        Ticket.resolve(tickets)
        due, overdue = run_cron('property.ticket|list_visits_due',
            subscribers=[clerk, manager])
        self.assertEqual(sorted(due), sorted(tickets))

        (text, records), = open_notifications(clerk)
        self.assertEqual(records, tickets[:1])
        self.assertIn("1 return visit due", text)
        (text, records), = open_notifications(manager)
        self.assertEqual(sorted(records), sorted(tickets))
        self.assertIn("2 return visits due", text)

    @with_transaction()
    def test_old_escalation_notifications_repaired(self):
        "Notices stored with a list as action value open their ticket"
        pool = Pool()
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        env = create_helpdesk()
        ticket = create_ticket(env)
        table = Notification.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.insert(
                [table.user, table.label, table.action, table.action_value,
                    table.unread],
                [[Transaction().user, ticket.rec_name,
                        ModelData.get_id('property_helpdesk',
                            'act_ticket_form'),
                        f'[{ticket.id}]', True]]))
        Notification.__register__('property_helpdesk')
        notification, = Notification.get()
        self.assertEqual((notification['model'], notification['records'],
                notification['action']),
            ('property.ticket', [ticket.id], None))

    @with_transaction()
    def test_ticket_unit_of_other_site(self):
        "A ticket for a unit of another site is refused"
        env = create_helpdesk()
        with self.assertRaisesRegex(ValidationError, 'does not belong'):
            create_ticket(env, unit=env['other_unit'].id)

    @with_transaction()
    def test_assignee_outside_department(self):
        "Assigning to an employee outside the responsible department"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        ticket = create_ticket(env)
        Ticket.open([ticket])
        with self.assertRaisesRegex(ValidationError, 'not in the department'):
            Ticket.write([ticket], {'assignee': env['clerk'].id})

    @with_transaction()
    def test_resolve_with_open_work_orders(self):
        "A ticket whose work orders are not finished cannot be resolved"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        WorkOrder = pool.get('property.work_order')
        env = create_helpdesk()
        ticket = create_ticket(env)
        Ticket.open([ticket])
        Ticket.write([ticket], {'assignee': env['technician'].id})
        Ticket.assign([ticket])
        # dispatching is not the reply to the reporter
        self.assertIsNone(ticket.replied_at)
        order, = WorkOrder.create([{'ticket': ticket.id,
                    'department': env['engineering'].id,
                    'technician': env['technician'].id,
                    'description': "Replace the trap"}])
        WorkOrder.dispatch([order])
        self.assertEqual(ticket.state, 'in_progress')
        with self.assertRaisesRegex(UserError, 'not finished'):
            Ticket.resolve([ticket])
        self.assertEqual(ticket.state, 'in_progress')
        check_work_orders([order])
        WorkOrder.finish([order])
        Ticket.resolve([ticket])
        self.assertEqual(ticket.state, 'resolved')
        # Reopening the job counts as rework and reopens the ticket
        WorkOrder.reopen([order])
        self.assertEqual((order.rework_count, order.state), (1, 'dispatched'))
        self.assertEqual(ticket.state, 'in_progress')

    @with_transaction()
    def test_technician_outside_department(self):
        "A work order goes to a member of its department"
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        env = create_helpdesk()
        ticket = create_ticket(env)
        with self.assertRaisesRegex(ValidationError, 'not a member'):
            WorkOrder.create([{'ticket': ticket.id,
                        'department': env['engineering'].id,
                        'technician': env['clerk'].id,
                        'description': "Fix"}])
        order, = WorkOrder.create([{'ticket': ticket.id,
                    'department': env['engineering'].id,
                    'technician': env['technician'].id,
                    'description': "Fix"}])
        with self.assertRaisesRegex(ValidationError, 'not a member'):
            WorkOrder.write([order], {'technician': env['clerk'].id})

        # The technician field offers the department's members: its
        # domain as the client evaluates it for this work order
        Employee = pool.get('company.employee')
        domain = PYSONDecoder({'department': env['engineering'].id}).decode(
            PYSONEncoder().encode(WorkOrder.technician.domain))
        self.assertEqual(Employee.search(domain), [env['technician']])

    def _resolved(self, env, **values):
        Ticket = Pool().get('property.ticket')
        ticket = create_ticket(env, **values)
        Ticket.open([ticket])
        Ticket.resolve([ticket])
        return ticket

    @with_transaction()
    def test_close_without_required_visit(self):
        "A ticket that needs a visit cannot close without one"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Visit = pool.get('property.return_visit')
        env = create_helpdesk()
        ticket = self._resolved(env)
        with self.assertRaisesRegex(UserError, 'requires a return visit'):
            Ticket.close([ticket])
        self.assertEqual(ticket.state, 'resolved')
        Visit.create([{'ticket': ticket.id, 'satisfaction': 5}])
        self.assertEqual(ticket.state, 'visited')
        Ticket.close([ticket])
        self.assertEqual(ticket.state, 'closed')
        # An enquiry needs no visit
        enquiry = self._resolved(env, kind='enquiry')
        Ticket.close([enquiry])
        self.assertEqual(enquiry.state, 'closed')

    @with_transaction()
    def test_visit_unresolved_ticket(self):
        "A visit on a ticket that is not resolved is refused"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Visit = pool.get('property.return_visit')
        env = create_helpdesk()
        ticket = create_ticket(env)
        Ticket.open([ticket])
        with self.assertRaisesRegex(ValidationError, 'only a resolved'):
            Visit.create([{'ticket': ticket.id, 'satisfaction': 4}])
        self.assertEqual(Visit.search([]), [])

    @with_transaction()
    def test_visit_satisfaction_scale(self):
        "Satisfaction outside the five levels is refused"
        pool = Pool()
        Visit = pool.get('property.return_visit')
        env = create_helpdesk()
        for value, ticket in zip([0, 6, -1], [self._resolved(env,
                        received_at=FRIDAY + dt.timedelta(days=40 * i))
                    for i in range(3)]):
            with self.subTest(value=value):
                with self.assertRaisesRegex(ValidationError, 'from 1'):
                    Visit.create([{'ticket': ticket.id,
                                'satisfaction': value}])

    @with_transaction()
    def test_visit_new_issue_becomes_ticket(self):
        "A new issue raised in a visit becomes a new ticket"
        pool = Pool()
        Visit = pool.get('property.return_visit')
        env = create_helpdesk()
        ticket = self._resolved(env)
        visit, = Visit.create([{'ticket': ticket.id, 'satisfaction': 4,
                    'new_issue': "Bathroom fan noisy"}])
        Visit.create_ticket([visit])
        self.assertEqual(visit.new_ticket.description, "Bathroom fan noisy")
        self.assertEqual(visit.new_ticket.unit, ticket.unit)

    @with_transaction()
    def test_first_receiver_never_changes(self):
        "The first receiver is recorded once"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        ticket = create_ticket(env, first_receiver=env['clerk'].id)
        with self.assertRaisesRegex(UserError, 'never changes'):
            Ticket.write([ticket], {'first_receiver': env['manager'].id})

    @with_transaction()
    def test_patrol_failed_check_creates_ticket(self):
        "A failed patrol check becomes a common-area ticket in one click"
        pool = Pool()
        Patrol = pool.get('property.patrol')
        PatrolLine = pool.get('property.patrol.line')
        env = create_helpdesk()
        patrol, = Patrol.create([{'site': env['site'].id,
                    'inspector': env['clerk'].id,
                    'lines': [('create', [
                                {'item': "Lobby lights", 'result': 'ok'},
                                {'item': "Basement pump",
                                    'result': 'fail', 'note': "Leaking",
                                    'category': env['plumbing'].id},
                                ])]}])
        ticket, = PatrolLine.create_ticket(list(patrol.lines))
        self.assertEqual((ticket.kind, ticket.channel, ticket.state),
            ('repair_common', 'patrol', 'open'))
        self.assertEqual(patrol.failed, 1)
        self.assertEqual(PatrolLine.create_ticket(list(patrol.lines)), [])

    @with_transaction()
    def test_collective_issue(self):
        "Several owners' tickets answered at once by an open letter"
        pool = Pool()
        Issue = pool.get('property.collective_issue')
        env = create_helpdesk()
        tickets = [create_ticket(env, kind='complaint',
                complaint_type='consultation', unit=None,
                description="Why is the lift out of order?")
            for _ in range(3)]
        issue, = Issue.create([{'name': "Lift A1 out of order",
                    'site': env['site'].id,
                    'tickets': [('add', [t.id for t in tickets])]}])
        with self.assertRaisesRegex(UserError, 'open letter'):
            Issue.answer_all([issue])
        Issue.write([issue], {'answer': "The lift is repaired on Monday."})
        Issue.answer_all([issue])
        self.assertEqual({t.state for t in tickets}, {'resolved'})
        self.assertEqual({t.resolution for t in tickets},
            {"The lift is repaired on Monday."})

    @with_transaction()
    def test_shift_handover_lists_open_tickets(self):
        "The handover lists the open tickets and needs both signatures"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Handover = pool.get('property.shift.handover')
        env = create_helpdesk()
        ticket = create_ticket(env)
        Ticket.open([ticket])
        handover, = Handover.create([{'site': env['site'].id,
                    'from_employee': env['clerk'].id,
                    'to_employee': env['manager'].id,
                    'items': "2 radios, key cabinet key"}])
        self.assertEqual(list(handover.tickets), [ticket])
        Handover.confirm_from([handover])
        self.assertEqual(handover.state, 'draft')
        Handover.confirm_to([handover])
        self.assertEqual(handover.state, 'confirmed')

    @with_transaction()
    def test_kpi(self):
        "The KPIs count tickets per site and month"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Visit = pool.get('property.return_visit')
        KPI = pool.get('property.helpdesk.kpi')
        env = create_helpdesk()
        repair = self._resolved(env)
        Visit.create([{'ticket': repair.id, 'satisfaction': 5}])
        complaint = self._resolved(env, kind='complaint',
            complaint_type='effective', unit=None)
        Ticket.close([self._resolved(env, kind='enquiry', unit=None)])
        kpi, = KPI.search([])
        self.assertEqual(kpi.site, env['site'])
        self.assertEqual(kpi.month, dt.date(2026, 11, 1))
        self.assertEqual((kpi.tickets, kpi.repairs, kpi.complaints),
            (3, 1, 1))
        self.assertEqual(kpi.repair_visit_rate, 100.0)
        self.assertEqual(kpi.complaint_visit_rate, 0.0)
        self.assertEqual(kpi.satisfaction_rate, 100.0)
        self.assertTrue(complaint.visit_required)
        company_kpi, = pool.get('property.helpdesk.kpi.company').search([])
        self.assertEqual((company_kpi.company, company_kpi.tickets),
            (env['company'], 3))
        self.assertEqual(company_kpi.repair_visit_rate, 100.0)

    @with_transaction()
    def test_kpi_office_month(self):
        "A ticket counts in the KPI month of the office's date it came"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        KPI = pool.get('property.helpdesk.kpi')
        CompanyKPI = pool.get('property.helpdesk.kpi.company')
        env = create_helpdesk()
        tickets = [create_ticket(env, received_at=office_to_utc(office))
            for office in [
                dt.datetime(2026, 11, 30, 23, 30),  # 15:30 UTC
                dt.datetime(2026, 12, 1, 7, 30),  # 30 Nov 23:30 UTC
                dt.datetime(2026, 12, 31, 23, 30),
                dt.datetime(2027, 1, 1, 7, 30),  # 31 Dec 23:30 UTC
                ]]
        Ticket.open(tickets)
        self.assertEqual([t.received_date for t in tickets], [
                dt.date(2026, 11, 30), dt.date(2026, 12, 1),
                dt.date(2026, 12, 31), dt.date(2027, 1, 1)])
        for Model in [KPI, CompanyKPI]:
            self.assertEqual(
                [(k.month, k.tickets) for k in Model.search([])],
                [(dt.date(2027, 1, 1), 1), (dt.date(2026, 12, 1), 2),
                    (dt.date(2026, 11, 1), 1)])
        # a corrected reception time moves the ticket to its month
        Ticket.write([tickets[1]], {'received_at': office_to_utc(
                    dt.datetime(2026, 11, 30, 18, 0))})
        self.assertEqual(tickets[1].received_date, dt.date(2026, 11, 30))
        self.assertEqual([(k.month, k.tickets) for k in KPI.search([])],
            [(dt.date(2027, 1, 1), 1), (dt.date(2026, 12, 1), 1),
                (dt.date(2026, 11, 1), 2)])
        # reading a row by its id finds the same figures
        kpi = KPI(KPI.search([('month', '=', dt.date(2026, 11, 1))])[0].id)
        self.assertEqual(kpi.tickets, 2)
        # every site x month row (and company x month row) has its own id,
        # never NULL, that reads back the same row (bench of issue 21)
        Ticket.open([create_ticket(env, site=env['other_site'].id,
                    unit=env['other_unit'].id, received_at=received)
                for received in [tickets[0].received_at,
                    tickets[2].received_at]])
        for Model, key, count in [
                (KPI, 'site', 5), (CompanyKPI, 'company', 3)]:
            rows = Model.search_read([], fields_names=[key, 'month',
                    'tickets'])
            ids = [r['id'] for r in rows]
            self.assertEqual(len(rows), count)
            self.assertNotIn(None, ids)
            self.assertEqual(len(set(ids)), len(ids))
            self.assertEqual(len({(r[key], r['month']) for r in rows}),
                len(rows))
            self.assertEqual(sorted(Model.read(ids,
                        [key, 'month', 'tickets']), key=lambda r: r['id']),
                sorted(rows, key=lambda r: r['id']))

    @with_transaction()
    def test_front_desk_works_on_own_site_only(self):
        "Front desk takes tickets of its site and sees no other site's"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        env = create_helpdesk()
        other = create_ticket(env, site=env['other_site'].id,
            unit=env['other_unit'].id)
        clerk, = User.create([{'name': "Clerk", 'login': 'clerk',
                    'groups': [('add', [ModelData.get_id(
                                    'property_base',
                                    'group_property_front_desk')])],
                    'companies': [('add', [env['company'].id])],
                    'company': env['company'].id,
                    'employees': [('add', [env['clerk'].id])],
                    'employee': env['clerk'].id,
                    'property_sites': [('add', [env['site'].id])],
                    }])
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id, employee=env['clerk'].id):
            ticket = create_ticket(env)
            self.assertEqual(ticket.first_receiver, env['clerk'])
            Ticket.open([ticket])
            self.assertEqual(Ticket.search([]), [ticket])
            with self.assertRaises(UserError):
                Ticket.read([other.id], ['number'])

    # Ticket entry in one go and the lists (issue 21) ---------------------

    @with_transaction()
    def test_ticket_entry_in_one_go(self):
        """A front desk clerk of one site gets it as the ticket's site, one
        of two sites chooses; "Save and Open" at the top of the form saves
        and opens the new ticket in one click"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Button = pool.get('ir.model.button')
        env = create_helpdesk()
        group = 'property_base.group_property_front_desk'
        clerk = create_staff("Clerk", 'clerk1', group, env['company'],
            sites=[env['site']], employee=env['clerk'])
        clerk2 = create_staff("Clerk 2", 'clerk2', group, env['company'],
            sites=[env['site'], env['other_site']])
        transaction = Transaction()
        with transaction.set_user(clerk2.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            self.assertIsNone(Ticket.default_get(['site'])['site'])
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id, employee=env['clerk'].id):
            values = Ticket.default_get(list(Ticket._fields))
            self.assertEqual(values['site'], env['site'].id)
            values.update({'unit': env['unit'].id,
                    'reporter': env['owner'].id,
                    'category': env['plumbing'].id,
                    'description': "Kitchen sink leaking"})
            values = {k: v for k, v in values.items()
                if k in Ticket._fields and not k.endswith('.')
                and not hasattr(Ticket._fields[k], 'getter')}
            # the client saves the new record, then runs the button
            ticket, = Ticket.create([values])
            Ticket.open([ticket])
            self.assertEqual(ticket.state, 'open')
            self.assertTrue(ticket.number)
            self.assertTrue(ticket.reply_deadline)
        button, = Button.search([('model', '=', 'property.ticket'),
                ('name', '=', 'open')])
        self.assertEqual(button.string, "Save and Open")
        # the workflow buttons come before the fields and the tabs
        arch = Ticket.fields_view_get(view_type='form')['arch']
        self.assertLess(arch.index('name="open"'), arch.index('name="unit"'))
        self.assertLess(arch.index('name="open"'), arch.index('<notebook'))
        # each deadline says what it is
        for name in ['target_date', 'reply_deadline', 'feedback_deadline',
                'next_reply_deadline', 'done_deadline', 'visit_deadline']:
            with self.subTest(deadline=name):
                self.assertTrue(Ticket._fields[name].help)

    @with_transaction()
    def test_category_suggested_from_unit_and_kind(self):
        """The unit's most frequent category for the kind is proposed,
        else the category of the site's latest tickets of the kind, else
        the clerk's choice stays"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Category = pool.get('property.ticket.category')
        env = create_helpdesk()
        electrical, noise = Category.create([
                {'name': "Electrical", 'code': 'ELE',
                    'department': env['engineering'].id},
                {'name': "Noise", 'code': 'NOI', 'default_level': '2'}])
        create_ticket(env)
        create_ticket(env, category=electrical.id)
        create_ticket(env, category=electrical.id)
        # another unit's complaint at the site
        Unit = pool.get('property.unit')
        neighbour, = Unit.create([{'building': env['unit'].building.id,
                    'number': '1202', 'area': Decimal(90)}])
        create_ticket(env, unit=neighbour.id, kind='complaint',
            complaint_type='effective', category=noise.id)

        def entered(**values):
            ticket = Ticket(company=env['company'], site=None, unit=None,
                reporter=env['owner'], contact_phone='13800000000',
                kind='repair_unit', complaint_type=None, category=None,
                level='3', anonymous=False, visit_required=True)
            for name, value in values.items():
                setattr(ticket, name, value)
            return ticket

        ticket = entered(unit=env['unit'])
        ticket.on_change_unit()
        self.assertEqual(ticket.site, env['site'])
        self.assertEqual(ticket.category, electrical)
        ticket.kind = 'complaint'
        ticket.on_change_kind()
        self.assertEqual(ticket.category, noise)
        self.assertEqual(ticket.level, '2')
        # nothing of the kind at the site: the clerk's choice stays
        ticket = entered(unit=env['other_unit'], category=env['plumbing'])
        ticket.on_change_unit()
        self.assertEqual(ticket.site, env['other_site'])
        self.assertEqual(ticket.category, env['plumbing'])

    @with_transaction()
    def test_next_deadline_and_time_left_office_clock(self):
        """The list shows the next deadline still to meet and the time
        left, counted from the office's clock; a phone report on Friday
        evening before a Monday holiday is due for reply on Tuesday at the
        office's midnight, and its row turns red once a deadline passed"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Holiday = pool.get('property.helpdesk.holiday')
        env = create_helpdesk()
        Holiday.create([{'company': env['company'].id,
                    'date': dt.date(2026, 11, 23), 'name': "Holiday"}])
        with office_clock(dt.datetime(2026, 11, 20, 18, 0)) as utc:
            ticket = create_ticket(env, received_at=utc)
            self.assertIsNone(ticket.next_deadline)
            Ticket.open([ticket])
            ticket = Ticket(ticket.id)
            self.assertEqual(ticket.next_deadline, office_to_utc(
                    dt.datetime(2026, 11, 24, 23, 59, 59)))
            self.assertEqual(ticket.time_left,
                dt.timedelta(days=4, hours=5, minutes=59, seconds=59))
            self.assertFalse(ticket.overdue)
            # replied on the evening with a reply promised for Thursday
            # noon: next is the feedback (2 working days), Wednesday
            self._contact(ticket, env['clerk'], next_reply=office_to_utc(
                    dt.datetime(2026, 11, 26, 12, 0)))
        with office_clock(dt.datetime(2026, 11, 25, 23, 59, 59)):
            ticket = Ticket(ticket.id)
            self.assertEqual(ticket.next_deadline, office_to_utc(
                    dt.datetime(2026, 11, 25, 23, 59, 59)))
            self.assertEqual(ticket.time_left, dt.timedelta(0))
            self.assertFalse(ticket.overdue)
        with office_clock(dt.datetime(2026, 11, 26, 0, 0, 30)):
            ticket = Ticket(ticket.id)
            self.assertEqual(ticket.time_left, dt.timedelta(seconds=-31))
            self.assertTrue(ticket.overdue)
            arch = Ticket.fields_view_get(view_type='tree')['arch']
            visual = etree.fromstring(arch).get('visual')
            for overdue, expected in [(True, 'danger'), (False, '')]:
                self.assertEqual(PYSONDecoder({'overdue': overdue}).decode(
                        visual), expected)
        # the list sorts by it: a letter (3 days to reply) after the
        # ticket due on Wednesday, a draft (no deadline) last
        letter = create_ticket(env, channel='letter',
            property_responsibility=False,
            received_at=office_to_utc(dt.datetime(2026, 11, 20, 18, 0)))
        Ticket.open([letter])
        draft = create_ticket(env)
        self.assertEqual(Ticket.search([], order=[
                    ('next_deadline', 'ASC NULLS LAST'), ('id', 'ASC')]),
            [ticket, letter, draft])
        self.assertEqual(Ticket.search([], order=[
                    ('time_left', 'DESC NULLS LAST'), ('id', 'ASC')]),
            [letter, ticket, draft])
        # resolved: the return visit is the next deadline
        with office_clock(dt.datetime(2026, 11, 26, 9, 0)):
            Ticket.resolve([ticket])
            ticket = Ticket(ticket.id)
            self.assertEqual(ticket.next_deadline, ticket.visit_deadline)
            self.assertFalse(ticket.overdue)

    @with_transaction()
    def test_lists_open_on_work_to_do(self):
        "The ticket and work order lists open on their open work"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action.act_window')
        for xml_id, first in [('act_ticket_form', "To Dispatch"),
                ('act_work_order_form', "Dispatched")]:
            action = Action(ModelData.get_id('property_helpdesk', xml_id))
            with self.subTest(action=xml_id):
                tabs = sorted(action.act_window_domains,
                    key=lambda d: d.sequence)
                self.assertEqual(tabs[0].name, first)

    # The service desk as the seed manuals run it (issue 24) -------------

    def _contact(self, ticket, employee, method='phone', next_reply=None,
            summary="Told the owner the plumber comes tomorrow"):
        Contact = Pool().get('property.ticket.contact')
        contact, = Contact.create([{'ticket': ticket.id,
                    'employee': employee.id, 'method': method,
                    'summary': summary, 'next_reply_by': next_reply}])
        return contact

    @with_transaction()
    def test_reply_records_method_and_who_001(self):
        """The reply is a contact with the reporter, with its method and
        who made it; dispatching is not the reply (001 投诉处理 7)"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Contact = pool.get('property.ticket.contact')
        env = create_helpdesk()
        with office_clock(dt.datetime(2026, 11, 20, 10, 30)):
            ticket = create_ticket(env,
                received_at=Ticket.default_received_at())
            Ticket.open([ticket])
            Ticket.write([ticket], {'assignee': env['technician'].id})
            Ticket.assign([ticket])
        self.assertIsNone(ticket.replied_at)
        # While the job is open the next reply is promised
        with office_clock(dt.datetime(2026, 11, 20, 11, 0)) as utc:
            with self.assertRaisesRegex(ValidationError, 'next reply'):
                self._contact(ticket, env['clerk'])
            with self.assertRaisesRegex(ValidationError, 'after the'):
                self._contact(ticket, env['clerk'],
                    next_reply=utc - dt.timedelta(hours=1))
            reply = self._contact(ticket, env['clerk'], method='visit',
                next_reply=utc + dt.timedelta(hours=3))
        self.assertEqual((reply.kind, reply.date), ('reply', utc))
        self.assertEqual((ticket.replied_at, ticket.replied_by,
                ticket.reply_method), (utc, env['clerk'], 'visit'))
        self.assertEqual(ticket.next_reply_deadline,
            utc + dt.timedelta(hours=3))
        # the reply made the same day is no feedback of unfinished work
        self.assertIsNone(ticket.feedback_at)
        with office_clock(dt.datetime(2026, 11, 20, 13, 0)):
            progress = self._contact(ticket, env['technician'],
                next_reply=utc + dt.timedelta(days=1))
        self.assertEqual(progress.kind, 'progress')
        # the reply stays the first contact's
        self.assertEqual((ticket.replied_by, ticket.reply_method),
            (env['clerk'], 'visit'))

    @with_transaction()
    def test_feedback_within_two_days_escalated_004(self):
        """Work not done the same day is fed back within 2 working days
        (004 日未处理工作盘点表: 两天内必须反馈): a missed feedback is
        escalated once and counted in the KPIs"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        KPI = pool.get('property.helpdesk.kpi')
        env = create_helpdesk()
        with office_clock(dt.datetime(2026, 11, 20, 10, 30)) as friday:
            late, told = [create_ticket(env, unit=None,
                    kind='repair_common',
                    received_at=Ticket.default_received_at())
                for _ in range(2)]
            Ticket.open([late, told])
            for ticket in [late, told]:
                self._contact(ticket, env['clerk'],
                    next_reply=friday + dt.timedelta(days=7))
        # due Tuesday at the office's midnight
        self.assertEqual(late.feedback_deadline,
            office_to_utc(dt.datetime(2026, 11, 24, 23, 59, 59)))
        # Monday morning at 07:30, the owner is told of the progress
        with office_clock(dt.datetime(2026, 11, 23, 7, 30)) as monday:
            self._contact(told, env['technician'],
                next_reply=monday + dt.timedelta(days=5))
        self.assertEqual(told.feedback_at, monday)
        self.assertFalse(told.feedback_breached)
        # Tuesday 23:30: still in time
        with office_clock(dt.datetime(2026, 11, 24, 23, 30)):
            self.assertEqual(Ticket.escalate(), [])
        # Wednesday 00:00:30: the feedback of the other is overdue
        with office_clock(dt.datetime(2026, 11, 25, 0, 0, 30)):
            escalations = Ticket.escalate()
        self.assertEqual([(e.ticket, e.reason) for e in escalations],
            [(late, 'feedback_overdue')])
        self.assertTrue(late.feedback_breached)
        self.assertEqual(late.level, '2')
        with office_clock(dt.datetime(2026, 11, 25, 8, 0)):
            self.assertEqual(Ticket.escalate(), [])
        kpi, = KPI.search([])
        self.assertEqual((kpi.feedback_due, kpi.fed_back_on_time,
                kpi.feedback_rate), (2, 1, 50.0))

    @with_transaction()
    def test_promised_reply_escalated_001(self):
        """The next reply promised at a contact is a deadline of its own,
        escalated when missed (001: 须承诺何时再给他进一步的回复)"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        ticket = create_ticket(env, kind='complaint',
            complaint_type='venting', property_responsibility=False)
        Ticket.open([ticket])
        with office_clock(dt.datetime(2026, 11, 20, 16, 0)):
            self._contact(ticket, env['clerk'], next_reply=office_to_utc(
                    dt.datetime(2026, 11, 23, 12, 0)))
        with office_clock(dt.datetime(2026, 11, 23, 11, 59)):
            self.assertEqual(Ticket.escalate(), [])
        with office_clock(dt.datetime(2026, 11, 23, 12, 1)):
            escalation, = Ticket.escalate()
        self.assertEqual(escalation.reason, 'next_reply_overdue')
        self.assertTrue(ticket.next_reply_breached)
        # a new contact is a new promise
        with office_clock(dt.datetime(2026, 11, 23, 14, 0)) as utc:
            self._contact(ticket, env['clerk'],
                next_reply=utc + dt.timedelta(days=1))
        self.assertFalse(ticket.next_reply_breached)
        self.assertEqual(ticket.next_reply_deadline,
            utc + dt.timedelta(days=1))

    @with_transaction()
    def test_effective_complaint_is_level_2_004(self):
        """An effective complaint is office-level information, level 2,
        whatever the client sends (004 信息分级 二级)"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        ticket = create_ticket(env, kind='complaint',
            complaint_type='effective', level='3')
        self.assertEqual(ticket.level, '2')
        Ticket.write([ticket], {'level': '3'})
        self.assertEqual(ticket.level, '2')
        # a level 1 complaint stays level 1
        urgent = create_ticket(env, kind='complaint',
            complaint_type='effective', level='1')
        self.assertEqual(urgent.level, '1')
        venting = create_ticket(env, kind='complaint',
            complaint_type='venting', level='3')
        self.assertEqual(venting.level, '3')

    @with_transaction()
    def test_every_handled_complaint_visited_anonymous_resolution_001(self):
        """Every handled complaint gets a return visit (001 处理完投诉一定要
        回访), except an anonymous one, whose result is written on the
        ticket (投诉回访规定 七)"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        help_ = create_ticket(env, kind='complaint', complaint_type='help')
        self.assertTrue(help_.visit_required)
        Ticket.write([help_], {'visit_required': False})
        self.assertTrue(help_.visit_required)
        Ticket.open([help_])
        Ticket.resolve([help_])
        with self.assertRaisesRegex(UserError, 'requires a return visit'):
            Ticket.close([help_])
        anonymous = create_ticket(env, kind='complaint',
            complaint_type='effective', unit=None, reporter=None,
            anonymous=True)
        self.assertFalse(anonymous.visit_required)
        Ticket.open([anonymous])
        Ticket.resolve([anonymous])
        with self.assertRaisesRegex(UserError, 'anonymous'):
            Ticket.close([anonymous])
        self.assertEqual(anonymous.state, 'resolved')
        Ticket.write([anonymous], {'resolution': "Dog owner warned",
                'cause': "Dog left in the garden", 'responsibility': 'owner',
                'outcome': 'solved'})
        Ticket.close([anonymous])
        self.assertEqual(anonymous.state, 'closed')

    @with_transaction()
    def test_door_visit_signed_and_scored_001(self):
        """A door-to-door visit is signed by the owner (001 投诉回访规定 二)
        and a visit scores attitude, efficiency, quality and result (回访
        制度 6), the satisfaction derived"""
        pool = Pool()
        Visit = pool.get('property.return_visit')
        env = create_helpdesk()
        ticket = self._resolved(env)
        scores = {'attitude': '5', 'efficiency': '4', 'quality': '4',
            'result': '4'}
        with self.assertRaisesRegex(ValidationError, 'signature'):
            Visit.create([{'ticket': ticket.id, 'method': 'door',
                        'signed_by': "王伟", **scores}])
        with self.assertRaisesRegex(ValidationError, 'all four'):
            Visit.create([{'ticket': ticket.id, 'method': 'phone',
                        'attitude': '5', 'satisfaction': 5}])
        visit, = Visit.create([{'ticket': ticket.id, 'method': 'door',
                    'signed_by': "王伟", 'signature': b'\x89PNG signature',
                    'signature_name': 'signature.png',
                    'satisfaction': 1, **scores}])
        # 4.25 rounds to 4, whatever satisfaction the client sent
        self.assertEqual(visit.satisfaction, 4)
        self.assertTrue(visit.owner_signed)
        self.assertFalse(visit.sent_back)
        self.assertEqual(ticket.state, 'visited')

    @with_transaction()
    def test_low_scored_visit_sends_job_back_001(self):
        """A visit scored 1 or 2 sends the job back to its department, a
        rework counted, and the ticket cannot close before a new visit
        (001: 返修率; 回访: 件件有着落)"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        WorkOrder = pool.get('property.work_order')
        Visit = pool.get('property.return_visit')
        KPI = pool.get('property.helpdesk.kpi')
        env = create_helpdesk()
        ticket = create_ticket(env)
        Ticket.open([ticket])
        Ticket.write([ticket], {'assignee': env['technician'].id})
        Ticket.assign([ticket])
        order, = WorkOrder.create([{'ticket': ticket.id,
                    'department': env['engineering'].id,
                    'technician': env['technician'].id,
                    'description': "Replace the trap"}])
        WorkOrder.dispatch([order])
        check_work_orders([order])
        WorkOrder.finish([order])
        Ticket.resolve([ticket])
        low, = Visit.create([{'ticket': ticket.id, 'method': 'phone',
                    'visitor': env['clerk'].id, 'attitude': '3',
                    'efficiency': '2', 'quality': '1', 'result': '1'}])
        self.assertEqual((low.satisfaction, low.sent_back), (2, True))
        self.assertEqual((order.state, order.rework_count),
            ('dispatched', 1))
        self.assertEqual(ticket.state, 'in_progress')
        # the job done again is checked again
        self.assertIsNone(order.self_checked_at)
        check_work_orders([order])
        WorkOrder.finish([order])
        Ticket.resolve([ticket])
        with self.assertRaisesRegex(UserError, 'requires a return visit'):
            Ticket.close([ticket])
        Visit.create([{'ticket': ticket.id, 'satisfaction': 5}])
        Ticket.close([ticket])
        self.assertEqual(ticket.state, 'closed')
        kpi, = KPI.search([])
        self.assertEqual((kpi.reworked, kpi.rework_rate), (1, 100.0))
        self.assertIs(kpi.rework_rate_ok, False)

        # A complaint the office handled itself: the ticket counts it
        complaint = self._resolved(env, kind='complaint',
            complaint_type='effective')
        Visit.create([{'ticket': complaint.id, 'satisfaction': 1}])
        # nobody was assigned: back to the desk, to be dispatched again
        self.assertEqual((complaint.state, complaint.rework_count),
            ('open', 1))

    @with_transaction()
    def test_repeat_first_receiver_answers_001(self):
        """A repeat report is the first receiver's responsibility (001 交接
        班程序: 同一问题业主二次以上报修投诉，第一接报人责任), who is told"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env = create_helpdesk()
        first = create_ticket(env, first_receiver=env['clerk'].id)
        Ticket.open([first])
        second = create_ticket(env, first_receiver=env['manager'].id,
            received_at=FRIDAY + dt.timedelta(days=3))
        Ticket.open([second])
        third = create_ticket(env, first_receiver=env['supervisor'].id,
            received_at=FRIDAY + dt.timedelta(days=4))
        Ticket.open([third])
        self.assertEqual(second.repeat_responsible, env['clerk'])
        self.assertEqual(third.repeat_responsible, env['clerk'])
        self.assertIn(env['clerk'], [e.notified for e in second.escalations])
        self.assertEqual({e.reason for e in second.escalations}, {'repeat'})

    @with_transaction()
    def test_visit_credited_to_responsible_employee(self):
        """The satisfaction of a visit is credited to the employee who
        answers for the job, not to the visitor"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Visit = pool.get('property.return_visit')
        env = create_helpdesk()
        ticket = create_ticket(env, first_receiver=env['clerk'].id)
        Ticket.open([ticket])
        Ticket.write([ticket], {'assignee': env['technician'].id})
        Ticket.assign([ticket])
        Ticket.resolve([ticket])
        visit, = Visit.create([{'ticket': ticket.id, 'satisfaction': 5,
                    'visitor': env['supervisor'].id}])
        self.assertEqual(visit.responsible, env['technician'])
        # no assignee: the first receiver answers
        enquiry = self._resolved(env, kind='complaint',
            complaint_type='help', first_receiver=env['clerk'].id)
        visit, = Visit.create([{'ticket': enquiry.id, 'satisfaction': 4,
                    'visitor': env['supervisor'].id}])
        self.assertEqual(visit.responsible, env['clerk'])

    @with_transaction()
    def test_service_targets_per_company_001_004(self):
        """The service targets of the seeds (001: 报修及时率98%, 返修率
        ≤5%, 投诉回访率≥60%; 004: 投诉处理及时率100%, 回访满意率95%, 维修
        满意度95%) are the company's, shown beside each KPI with an
        on-target flag; a rate below target warns the site manager once"""
        pool = Pool()
        Configuration = pool.get('property.helpdesk.configuration')
        Ticket = pool.get('property.ticket')
        Visit = pool.get('property.return_visit')
        KPI = pool.get('property.helpdesk.kpi')
        Warning_ = pool.get('property.helpdesk.kpi.warning')
        env = create_helpdesk()
        policy = Configuration.get_policy(env['company'])
        self.assertEqual([policy.target(n) for n in [
                    'repair_on_time_rate', 'rework_rate',
                    'complaint_on_time_rate', 'complaint_visit_rate',
                    'satisfaction_rate', 'repair_satisfaction_rate']],
            [98, 5, 100, 60, 95, 95])
        # Two repairs: one on time and well rated, one late, rated 3
        on_time = create_ticket(env)
        Ticket.open([on_time])
        with office_clock(dt.datetime(2026, 11, 20, 15, 0)):
            Ticket.resolve([on_time])
        Visit.create([{'ticket': on_time.id, 'satisfaction': 5}])
        late = create_ticket(env, received_at=FRIDAY + dt.timedelta(days=1))
        Ticket.open([late])
        with office_clock(dt.datetime(2026, 12, 1, 9, 0)):
            Ticket.resolve([late])
        Visit.create([{'ticket': late.id, 'satisfaction': 3}])
        kpi, = KPI.search([])
        self.assertEqual((kpi.repair_on_time_rate,
                kpi.repair_on_time_rate_target, kpi.repair_on_time_rate_ok),
            (50.0, 98, False))
        self.assertEqual((kpi.rework_rate, kpi.rework_rate_ok), (0.0, True))
        self.assertEqual((kpi.repair_satisfaction_rate,
                kpi.repair_satisfaction_rate_ok), (50.0, False))
        # no complaint: nothing to rate, no flag
        self.assertIsNone(kpi.complaint_on_time_rate)
        self.assertIsNone(kpi.complaint_on_time_rate_ok)
        # the company lowers its repair target: the flag follows
        with set_company(env['company']):
            Configuration.write([Configuration(1)],
                {'target_repair_on_time': 50})
        self.assertTrue(KPI(kpi.id).repair_on_time_rate_ok)
        with set_company(env['company']):
            Configuration.write([Configuration(1)],
                {'target_repair_on_time': 98})

        # The early warning during the month, to the site manager, who
        # reads 中文: the warnings are written in his language
        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']], env['manager'])
        set_chinese_of('property_helpdesk',
            'model:ir.message,text:msg_kpi_warning',
            'selection:property.helpdesk.kpi.warning,kpi:')
        manager.language = pool.get('ir.lang').get('zh_CN')
        manager.save()
        with office_clock(dt.datetime(2026, 11, 30, 23, 30)):
            warnings = run_cron('property.helpdesk.kpi.warning|warn',
                subscribers=[manager])
        self.assertEqual(sorted(w.kpi for w in warnings), [
                'repair_on_time_rate', 'repair_satisfaction_rate',
                'satisfaction_rate'])
        self.assertEqual({(w.site, w.month, w.notified) for w in warnings},
            {(env['site'], dt.date(2026, 11, 1), env['manager'])})
        texts = [text for text, _ in open_notifications(manager)]
        self.assertIn("Garden Court，2026-11：维修及时率(%) 为 50.0 %，"
            "低于目标 98 %。", texts)
        self.assertIn("3 项服务指标低于目标。", texts)
        self.assertFalse([t for t in texts if 'target' in t], texts)
        # once per rate and month
        with office_clock(dt.datetime(2026, 11, 30, 23, 45)):
            self.assertEqual(Warning_.warn(), [])
        # the next month (office date) has no ticket yet: no warning
        with office_clock(dt.datetime(2026, 12, 1, 0, 30)):
            self.assertEqual(Warning_.warn(), [])
        with self.assertRaisesRegex(ValidationError, 'from 0 to 100'):
            with set_company(env['company']):
                Configuration.write([Configuration(1)],
                    {'target_rework': 101})

    @with_transaction()
    def test_monthly_service_report_pdf(self):
        """The monthly service report of a site prints as a PDF in
        Chinese: the month's figures, the tickets by category and the KPIs
        against their targets, with a CJK font embedded"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Visit = pool.get('property.return_visit')
        KPI = pool.get('property.helpdesk.kpi')
        Category = pool.get('property.ticket.category')
        env = create_helpdesk()
        set_chinese(('property_base', 'property_helpdesk'))
        Category.write([env['plumbing']], {'name': "给排水"})
        lift, = Category.create([{'name': "电梯", 'code': 'LFT'}])
        repair = self._resolved(env)
        Visit.create([{'ticket': repair.id, 'satisfaction': 5}])
        self._resolved(env, kind='complaint', complaint_type='effective',
            category=lift.id, unit=None)
        self._resolved(env, kind='enquiry', category=lift.id, unit=None)
        # another month's ticket is not in the report
        self._resolved(env, received_at=FRIDAY + dt.timedelta(days=30))
        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']], env['manager'])
        kpi, = KPI.search([('month', '=', dt.date(2026, 11, 1))])
        Report = pool.get('property.helpdesk.monthly_report',
            type='report')
        transaction = Transaction()
        with transaction.set_user(manager.id), transaction.set_context(
                _check_access=True, company=env['company'].id,
                language='zh_CN'):
            oext, content, _, name = Report.execute([kpi.id], {})
        self.assertEqual(oext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        text = pdf_text(content)
        for expected in ['客服月报', 'Garden Court', '2026-11', '本月工作',
                '按类别统计工单', '服务指标与目标', '维修及时率', '返修率',
                '按责任方统计投诉', '未分析',
                '投诉处理及时率', '投诉回访率', '回访满意率', '维修服务满意率']:
            self.assertIn(expected, text)
        # each KPI row: rate, target, flag (pdftotext may drop spaces)
        kpis = {line.split()[0]: ''.join(line.split()[1:])
            for line in text.splitlines() if '%' in line}
        self.assertEqual(kpis['维修及时率'], '0.0%≥98%否')
        self.assertEqual(kpis['返修率'], '0.0%≤5%是')
        self.assertEqual(kpis['投诉处理及时率'], '0.0%≥100%否')
        self.assertEqual(kpis['投诉回访率'], '0.0%≥60%否')
        self.assertEqual(kpis['回访满意率'], '100.0%≥95%是')
        self.assertEqual(kpis['维修服务满意率'], '100.0%≥95%是')
        rows = {line.split()[0]: line.split()[1:] for line in
            text.splitlines() if line.strip().startswith(('给排水', '电梯'))}
        # category: repairs, complaints, other, total
        self.assertEqual(rows['给排水'], ['1', '0', '0', '1'])
        self.assertEqual(rows['电梯'], ['0', '1', '1', '2'])
        self.assertTrue(any('CJK' in f['name'] and f['emb']
                for f in pdf_fonts(content)), pdf_fonts(content))

    @with_transaction()
    def test_on_site_by_appointment_001(self):
        """The technician is on site by the time agreed with the resident,
        else within the policy's minutes of the dispatch; late, the ticket
        is escalated once (001: 准时到达现场, 不按时到现场接单人责任)"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        WorkOrder = pool.get('property.work_order')
        env = create_helpdesk()
        with office_clock(dt.datetime(2026, 11, 20, 9, 0)):
            ticket = create_ticket(env,
                received_at=Ticket.default_received_at())
            Ticket.open([ticket])
            Ticket.write([ticket], {'assignee': env['technician'].id})
            Ticket.assign([ticket])
        values = {'ticket': ticket.id, 'department': env['engineering'].id,
            'technician': env['technician'].id, 'description': "Fix"}
        appointment = office_to_utc(dt.datetime(2026, 11, 20, 14, 0))
        with office_clock(dt.datetime(2026, 11, 20, 15, 0)):
            past, = WorkOrder.create([dict(values,
                        appointment_at=appointment)])
            with self.assertRaisesRegex(ValidationError, 'already past'):
                WorkOrder.dispatch([past])
        with office_clock(dt.datetime(2026, 11, 20, 10, 0)) as ten:
            booked, = WorkOrder.create([dict(values,
                        appointment_at=appointment)])
            walk, = WorkOrder.create([values])
            WorkOrder.dispatch([booked, walk])
        self.assertEqual(booked.onsite_deadline, appointment)
        self.assertEqual(walk.onsite_deadline,
            ten + dt.timedelta(minutes=30))
        with office_clock(dt.datetime(2026, 11, 20, 10, 20)):
            WorkOrder.arrive([walk])
        self.assertFalse(walk.arrival_breached)
        with office_clock(dt.datetime(2026, 11, 20, 13, 59)):
            self.assertEqual(Ticket.escalate(), [])
        with office_clock(dt.datetime(2026, 11, 20, 14, 5)):
            escalation, = Ticket.escalate()
            self.assertEqual(Ticket.escalate(), [])
        self.assertEqual((escalation.reason, escalation.ticket),
            ('arrival_overdue', ticket))
        self.assertTrue(booked.arrival_breached)
        with office_clock(dt.datetime(2026, 11, 20, 14, 20)) as arrived:
            WorkOrder.arrive([booked])
        self.assertEqual(booked.arrived_at, arrived)
        self.assertTrue(booked.arrival_breached)

    @with_transaction()
    def test_complaint_cause_and_responsibility_001(self):
        """Each complaint's cause and who is responsible are recorded
        before it closes, with a root cause for one that could not be
        solved (001 住户投诉处理作业规程 3 and 8), counted per month"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Visit = pool.get('property.return_visit')
        Cause = pool.get('property.helpdesk.complaint_cause')
        env = create_helpdesk()
        leak = self._resolved(env, kind='complaint',
            complaint_type='effective')
        Visit.create([{'ticket': leak.id, 'satisfaction': 4}])
        with self.assertRaisesRegex(UserError, 'cause, who is responsible'):
            Ticket.close([leak])
        Ticket.write([leak], {'cause': "Drain of 1301 cracked",
                'responsibility': 'developer', 'outcome': 'explained'})
        with self.assertRaisesRegex(UserError, 'root cause'):
            Ticket.close([leak])
        self.assertEqual(leak.state, 'visited')
        Ticket.write([leak], {'root_cause': "Under the developer's "
                "warranty; the developer has not sent anyone yet"})
        Ticket.close([leak])
        self.assertEqual(leak.state, 'closed')
        noise = self._resolved(env, kind='complaint',
            complaint_type='venting', unit=None)
        Ticket.write([noise], {'cause': "Guard absent at night",
                'responsibility': 'service', 'outcome': 'solved'})
        self._resolved(env, kind='complaint', complaint_type='help',
            unit=None)
        self.assertEqual(
            {(c.site, c.month, c.responsibility, c.complaints, c.unsolved)
                for c in Cause.search([])}, {
                (env['site'], dt.date(2026, 11, 1), 'developer', 1, 1),
                (env['site'], dt.date(2026, 11, 1), 'service', 1, 0),
                (env['site'], dt.date(2026, 11, 1), None, 1, 0)})
        # read by id, as the client does
        row, = Cause.search([('responsibility', '=', 'developer')])
        self.assertEqual(Cause(row.id).unsolved, 1)


    def _incident(self, env, occurred_at, **values):
        Incident = Pool().get('property.incident')
        incident, = Incident.create([{'site': env['site'].id,
                    'location': "B2 car park, column 17",
                    'title': "Water pipe burst",
                    'description': "The main pipe burst and flooded B2.",
                    'persons': "Mr Li (car owner)",
                    'reporter': env['supervisor'].id,
                    'occurred_at': office_to_utc(occurred_at),
                    **values}])
        return incident

    @with_transaction()
    def test_incident_report_filed_same_day_001(self):
        """处理紧急事故,填写事故报告单 (seed 001, 客服主管工作内容 3): an
        incident report says what, where, who and the actions taken, with
        the photos taken on site; level 1 by default, its filing tells the
        manager; filed the same office day (23:55 is the same day), or
        after midnight with the reason it is late (the suite's default);
        a filed report's photos are kept as they were"""
        pool = Pool()
        Incident = pool.get('property.incident')
        Photo = pool.get('property.incident.photo')
        env = create_helpdesk()
        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']], env['manager'])
        evening = dt.datetime(2026, 11, 20, 23, 50)
        with office_clock(dt.datetime(2026, 11, 20, 23, 55)):
            with self.assertRaisesRegex(ValidationError, 'future'):
                self._incident(env, dt.datetime(2026, 11, 21, 0, 5))
            incident = self._incident(env, evening, photos=[('create', [
                            {'photo': sample_photo(),
                                'photo_name': 'b2.png',
                                'caption': "B2 flooded"}])])
            self.assertEqual((incident.level, incident.state),
                ('1', 'draft'))
            with self.assertRaisesRegex(UserError, 'actions taken'):
                Incident.file([incident])
            self.assertEqual(incident.state, 'draft')
            Incident.write([incident], {
                    'actions': "Closed the valve, called the plumber."})
            Incident.file([incident])
        self.assertEqual((incident.state, incident.late), ('filed', False))
        self.assertEqual(incident.filed_at,
            office_to_utc(dt.datetime(2026, 11, 20, 23, 55)))
        self.assertEqual(incident.filed_by.id, Transaction().user)
        # the manager is told (level 1) and opens the report
        (text, records), = open_notifications(manager)
        self.assertIn('B2 car park', text)
        self.assertEqual(records, [incident])
        with self.assertRaisesRegex(UserError, 'cannot be changed'):
            Photo.write(list(incident.photos), {'caption': "Other"})
        with self.assertRaisesRegex(UserError, 'cannot be changed'):
            Photo.create([{'incident': incident.id,
                        'photo': sample_photo()}])

        # filed ten minutes after midnight: late, the reason first
        other = self._incident(env, evening, level='3',
            actions="Mopped up.")
        with office_clock(dt.datetime(2026, 11, 21, 0, 10)):
            with self.assertRaisesRegex(UserError, 'reason it is late'):
                Incident.file([other])
            self.assertEqual((other.state, other.filed_at), ('draft', None))
            Incident.write([other], {'late_reason': "Handled till 1 am."})
            Incident.file([other])
        self.assertEqual((other.state, other.late), ('filed', True))
        # level 3: nobody else is told
        self.assertEqual(open_notifications(manager), [])

    @with_transaction()
    def test_incident_report_pdf(self):
        """The incident report prints in Chinese with the photos taken on
        site"""
        pool = Pool()
        Incident = pool.get('property.incident')
        env = create_helpdesk()
        set_chinese(('property_base', 'property_helpdesk'))
        with office_clock(dt.datetime(2026, 11, 20, 15, 0)):
            incident = self._incident(env, dt.datetime(2026, 11, 20, 14, 30),
                title="地下车库水管爆裂", actions="关闭总阀, 通知维修班",
                photos=[('create', [{'photo': sample_photo((48, 36)),
                                'caption': "积水情况"}])])
            Incident.file([incident])
        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']], env['manager'])
        Report = pool.get('property.incident.report', type='report')
        transaction = Transaction()
        with transaction.set_user(manager.id), transaction.set_context(
                _check_access=True, company=env['company'].id,
                language='zh_CN'):
            oext, content, _, name = Report.execute([incident.id], {})
        self.assertEqual(oext, 'pdf')
        text = pdf_text(content)
        for expected in ['事故报告单', '地下车库水管爆裂', 'B2 car park',
                '14:30', '关闭总阀', '积水情况', '处理措施']:
            self.assertIn(expected, text)
        self.assertIn((48, 36), pdf_images(content))

    def _meeting_staff(self, env):
        "The manager, the supervisor and the clerk, each with a login"
        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']], env['manager'])
        supervisor = create_staff("Supervisor Li", 'supervisor',
            'property_base.group_property_building_manager', env['company'],
            [env['site']], env['supervisor'])
        clerk = create_staff("Clerk Zhou", 'clerk',
            'property_base.group_property_front_desk', env['company'],
            [env['site']], env['clerk'])
        return manager, supervisor, clerk

    @with_transaction()
    def test_meeting_times_from_office_clock_001(self):
        """Seed 001 部门工作流程: 07:50 开晨会, 16:40 就当天问题开总结会; a
        meeting created without a date or time takes its kind's office time
        on the office's date (07:30 in Shanghai is still the evening before
        in UTC), the weekly meeting the Friday of the week (the suite's
        default)"""
        Meeting = Pool().get('property.meeting')
        env = create_helpdesk()
        # Friday 20 November, 07:30 office time = Thursday 23:30 UTC
        with office_clock(dt.datetime(2026, 11, 20, 7, 30)) as utc:
            self.assertEqual(utc.date(), dt.date(2026, 11, 19))
            summary, morning = Meeting.create([
                    {'site': env['site'].id, 'kind': 'daily_summary',
                        'chair': env['supervisor'].id},
                    {'site': env['site'].id, 'kind': 'morning',
                        'chair': env['supervisor'].id}])
            self.assertEqual((Meeting.default_date(), Meeting.default_time()),
                (dt.date(2026, 11, 20), dt.time(16, 40)))
        self.assertEqual((summary.date, summary.time),
            (dt.date(2026, 11, 20), dt.time(16, 40)))
        self.assertEqual((morning.date, morning.time),
            (dt.date(2026, 11, 20), dt.time(7, 50)))
        # Sunday 22 November late in the evening: the week's Friday is past,
        # Monday just after midnight: the coming Friday
        for now, friday in [
                (dt.datetime(2026, 11, 22, 23, 50), dt.date(2026, 11, 20)),
                (dt.datetime(2026, 11, 23, 0, 5), dt.date(2026, 11, 27))]:
            with office_clock(now):
                weekly, = Meeting.create([{'site': env['site'].id,
                            'kind': 'weekly', 'chair': env['manager'].id}])
                form = Meeting(kind='weekly')
                form.on_change_kind()
            self.assertEqual((weekly.date, weekly.time, form.date, form.time),
                (friday, dt.time(16, 40), friday, dt.time(16, 40)))
            self.assertTrue(weekly.signatures_required)
        self.assertFalse(summary.signatures_required)

    @with_transaction()
    def test_weekly_meeting_signed_by_all_attendees_001(self):
        """Seed 001 客服部会议制度: the weekly meeting's minutes are recorded
        with its attendees, decisions and actions (an action becomes a
        ticket), signed by every attendee with their own login, then
        reviewed by the manager; unsigned it cannot be reviewed (the
        suite's default), the state changes are audited"""
        pool = Pool()
        Meeting = pool.get('property.meeting')
        Attendee = pool.get('property.meeting.attendee')
        Action = pool.get('property.meeting.action')
        env = create_helpdesk()
        manager, supervisor, clerk = self._meeting_staff(env)
        transaction = Transaction()

        def as_user(user):
            return transaction.set_user(user.id), transaction.set_context(
                _check_access=True, company=env['company'].id,
                employee=user.employee.id)

        friday = dt.datetime(2026, 11, 20, 17, 5)
        with office_clock(friday):
            user, context = as_user(supervisor)
            with user, context:
                meeting, = Meeting.create([{'site': env['site'].id,
                            'kind': 'weekly',
                            'attendees': [('create', [
                                        {'employee': env['supervisor'].id},
                                        {'employee': env['clerk'].id}])],
                            'actions': [('create', [{
                                            'description': "A1 lobby door "
                                            "closer broken",
                                            'responsible':
                                            env['technician'].id,
                                            'due_date': dt.date(2026, 11, 23),
                                            }])],
                            }])
                self.assertEqual(meeting.chair, env['supervisor'])
                with self.assertRaisesRegex(UserError, 'Write the minutes'):
                    Meeting.hold([meeting])
                self.assertEqual(meeting.state, 'draft')
                Meeting.write([meeting], {
                        'minutes': "本周报修 12 单, 投诉 2 单",
                        'decisions': "A1 门禁下周一修复"})
                Meeting.hold([meeting])
                self.assertEqual((meeting.state, meeting.held_at),
                    ('held', office_to_utc(friday)))
                # the action without category is not a ticket yet
                action, = meeting.actions
                with self.assertRaisesRegex(UserError, 'category'):
                    Action.create_ticket([action])
                Action.write([action], {'category': env['plumbing'].id})
                ticket, = Action.create_ticket([action])
                self.assertEqual((ticket.channel, ticket.kind, ticket.state,
                        ticket.first_receiver, ticket.site),
                    ('meeting', 'repair_common', 'open', env['supervisor'],
                        env['site']))
                self.assertEqual(Action(action.id).ticket, ticket)
                # the minutes and the attendees are fixed once held
                with self.assertRaises(AccessError):
                    Meeting.write([meeting], {'minutes': "Other"})
                # nobody signs for another, nor writes a signature
                mine, clerks = meeting.attendees
                with self.assertRaisesRegex(UserError, 'cannot be changed'):
                    Attendee.delete([clerks])
                with self.assertRaisesRegex(UserError, 'Only Clerk Zhou'):
                    Attendee.sign([clerks])
                with self.assertRaises(AccessError):
                    Attendee.write([clerks], {'signed_at': friday})
                Attendee.sign([mine])
            user, context = as_user(manager)
            with user, context:
                with self.assertRaisesRegex(UserError, 'Clerk Zhou not'):
                    Meeting.do_review([meeting])
                self.assertEqual(Meeting(meeting.id).state, 'held')
            user, context = as_user(clerk)
            with user, context:
                Attendee.sign([clerks])
                # the review is the manager's
                with self.assertRaises(AccessButtonError):
                    Meeting.do_review([meeting])
            user, context = as_user(manager)
            with user, context:
                Meeting.write([meeting], {'review': "门禁维修周一跟进"})
                Meeting.do_review([meeting])
        meeting = Meeting(meeting.id)
        self.assertEqual((meeting.state, meeting.reviewed_by, meeting.unsigned),
            ('reviewed', manager, 0))
        self.assertEqual(sorted((c.from_state or '', c.to_state)
                for c in meeting.state_changes),
            [('', 'draft'), ('draft', 'held'), ('held', 'reviewed')])
        # a daily summary needs no signatures
        with office_clock(dt.datetime(2026, 11, 23, 16, 55)):
            summary, = Meeting.create([{'site': env['site'].id,
                        'kind': 'daily_summary',
                        'chair': env['supervisor'].id,
                        'minutes': "当天报修已全部处理",
                        'attendees': [('create', [
                                    {'employee': env['clerk'].id}])]}])
            Meeting.hold([summary])
            user, context = as_user(manager)
            with user, context:
                Meeting.do_review([summary])
                self.assertEqual(Meeting(summary.id).state, 'reviewed')
                with self.assertRaisesRegex(UserError, 'minutes are kept'):
                    Meeting.delete([summary])

    @with_transaction()
    def test_office_reports_daily_weekly_monthly_004(self):
        """Seed 004 信息管理 (日报、周报、月报) and seed 001 (每日报告, 周报告,
        每月报告): the office's reports count the period's tickets on their
        office date: a repair at 23:30 on Sunday belongs to that week, one
        at 00:05 on Monday to the next; 23:50 on 30 November to November,
        00:05 on 1 December to December; printed with the monthly service
        report's template"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Report = pool.get('property.helpdesk.office_report')
        env = create_helpdesk()
        set_chinese(('property_base', 'property_helpdesk'))
        received = [dt.datetime(2026, 11, 22, 23, 30),  # Sunday
            dt.datetime(2026, 11, 23, 0, 5),  # Monday
            dt.datetime(2026, 11, 30, 23, 50),  # month end, Monday
            dt.datetime(2026, 12, 1, 0, 5)]
        tickets = [create_ticket(env, received_at=office_to_utc(r))
            for r in received]
        complaint = create_ticket(env, kind='complaint',
            complaint_type='effective', unit=None,
            received_at=office_to_utc(dt.datetime(2026, 11, 22, 9, 0)))
        Ticket.open(tickets + [complaint])
        # a draft ticket is not counted
        create_ticket(env,
            received_at=office_to_utc(dt.datetime(2026, 11, 22, 10, 0)))
        with office_clock(dt.datetime(2026, 11, 23, 0, 20)):
            # Monday just after midnight: today's daily report, and the week
            # and month of a date in them
            daily, sunday, weekly, monthly, december = Report.create([
                    {'site': env['site'].id},
                    {'site': env['site'].id, 'date': dt.date(2026, 11, 22)},
                    {'site': env['site'].id, 'period': 'weekly',
                        'date': dt.date(2026, 11, 19),
                        'summary': "本周报修处理及时"},
                    {'site': env['site'].id, 'period': 'monthly',
                        'date': dt.date(2026, 11, 17)},
                    {'site': env['site'].id, 'period': 'monthly',
                        'date': dt.date(2026, 12, 31)}])
        self.assertEqual((daily.date, daily.end_date),
            (dt.date(2026, 11, 23), dt.date(2026, 11, 23)))
        self.assertEqual((weekly.date, weekly.end_date),
            (dt.date(2026, 11, 16), dt.date(2026, 11, 22)))
        self.assertEqual((monthly.date, monthly.end_date),
            (dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
        counts = {r.id: (r.repairs, r.complaints, r.tickets)
            for r in Report.browse([daily, sunday, weekly, monthly,
                    december])}
        self.assertEqual(counts, {
                daily.id: (1, 0, 1),
                sunday.id: (1, 1, 2),
                weekly.id: (1, 1, 2),
                monthly.id: (3, 1, 4),
                december.id: (1, 0, 1)})
        self.assertEqual(weekly.kpi.month, dt.date(2026, 11, 1))
        self.assertEqual(december.kpi.month, dt.date(2026, 12, 1))

        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']], env['manager'])
        Print = pool.get('property.helpdesk.office_report', type='report')
        transaction = Transaction()
        with transaction.set_user(manager.id), transaction.set_context(
                _check_access=True, company=env['company'].id,
                language='zh_CN'):
            oext, content, _, _ = Print.execute([weekly.id], {})
        self.assertEqual(oext, 'pdf')
        text = pdf_text(content)
        for expected in ['客服周报', '2026-11-16 – 2026-11-22', '本周工作',
                '本周报修处理及时', '服务指标与目标', '本月截至', '2026-11']:
            self.assertIn(expected, text)
        # the week's figures: owners, tenants, renovations (not installed),
        # keys, repairs, complaints, all tickets
        figures = text.split('全部工单')[1].split()[:7]
        self.assertEqual(figures, ['0', '0', '—', '0', '1', '1', '2'])
        # one report of a period per site (last: the database refuses it,
        # as PostgreSQL aborts the transaction)
        with self.assertRaisesRegex(ValidationError, 'already has'):
            Report.create([{'site': env['site'].id, 'period': 'weekly',
                        'date': dt.date(2026, 11, 22)}])

    @with_transaction()
    def test_developer_defects_chased_and_visited_001(self):
        """工程遗留问题处理工作 (seed 001): a defect of a unit found at the
        handover inspection goes to the builder (a party, not our staff)
        with the date it promised; the building manager chases it (overdue
        the day after), checks the quality of the repair and calls the
        owner before closing it; a poor repair goes back to the builder"""
        pool = Pool()
        Defect = pool.get('property.defect')
        Party = pool.get('party.party')
        env = create_helpdesk()
        builder, = Party.create([{'name': "中建三局二公司"}])
        with office_clock(dt.datetime(2026, 11, 20, 9, 0)):
            defect, = Defect.create([{'unit': env['unit'].id,
                        'site': env['site'].id, 'source': 'handover',
                        'description': "卫生间防水渗漏至楼下",
                        'party': builder.id}])
            self.assertEqual((defect.found_on, defect.state),
                (dt.date(2026, 11, 20), 'open'))
            with self.assertRaisesRegex(UserError, 'promised'):
                Defect.send([defect])
            self.assertEqual((defect.state, defect.sent_on), ('open', None))
            Defect.write([defect], {'promised_date': dt.date(2026, 11, 25)})
            Defect.send([defect])
            self.assertEqual((defect.state, defect.sent_on),
                ('sent', dt.date(2026, 11, 20)))
        with office_clock(dt.datetime(2026, 11, 25, 23, 59)):
            self.assertFalse(Defect(defect.id).overdue)
        with office_clock(dt.datetime(2026, 11, 26, 0, 1)):
            self.assertTrue(Defect(defect.id).overdue)
            Defect.write([defect], {'progress': [('create', [{
                                'employee': env['clerk'].id,
                                'method': 'phone',
                                'note': "施工单位答复周五进场"}])]})
            with self.assertRaisesRegex(UserError, 'quality check'):
                Defect.repaired([defect])
            Defect.write([defect], {'quality': "闭水试验未通过"})
            Defect.repaired([defect])
            # the check failed: back to the builder
            Defect.send([defect])
            self.assertEqual((defect.state, defect.repaired_on),
                ('sent', None))
            Defect.write([defect], {'quality': "闭水试验 48 小时无渗漏"})
            Defect.repaired([defect])
            self.assertEqual(defect.repaired_on, dt.date(2026, 11, 26))
            with self.assertRaisesRegex(UserError, 'called or visited'):
                Defect.close([defect])
            self.assertEqual(defect.state, 'repaired')
            Defect.write([defect], {'visit_method': 'phone',
                    'visit_result': "业主确认已无渗漏, 满意"})
            Defect.close([defect])
        self.assertEqual((defect.state, defect.closed_on),
            ('closed', dt.date(2026, 11, 26)))
        self.assertEqual(len(defect.progress), 1)
        self.assertEqual([(c.from_state, c.to_state)
                for c in reversed(defect.state_changes)], [
                (None, 'open'), ('open', 'sent'), ('sent', 'repaired'), ('repaired', 'sent'),
                ('sent', 'repaired'), ('repaired', 'closed')])

    @with_transaction()
    def test_warranty_reminder_month_before_expiry(self):
        """The warranty of a building component ends on a date; the office
        is told a month before (the suite's default), once"""
        pool = Pool()
        Warranty = pool.get('property.warranty')
        Party = pool.get('party.party')
        env = create_helpdesk()
        builder, = Party.create([{'name': "中建三局二公司"}])
        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']], env['manager'])
        with self.assertRaisesRegex(ValidationError, 'end before'):
            Warranty.create([{'site': env['site'].id, 'component': "屋面",
                        'party': builder.id, 'start': dt.date(2026, 1, 1),
                        'end': dt.date(2025, 12, 31)}])
        roof, pipes = Warranty.create([{'site': env['site'].id,
                    'component': "屋面防水", 'party': builder.id,
                    'start': dt.date(2021, 12, 21),
                    'end': dt.date(2026, 12, 20)}, {
                    'site': env['site'].id, 'component': "给排水管道",
                    'party': builder.id, 'start': dt.date(2024, 12, 21),
                    'end': dt.date(2026, 12, 21)}])
        self.assertEqual(roof.remind_on, dt.date(2026, 11, 20))
        method = 'property.warranty|remind'
        # late evening of the day before, office time: not yet
        with office_clock(dt.datetime(2026, 11, 19, 23, 30)):
            self.assertEqual(run_cron(method, subscribers=[manager]), [])
        with office_clock(dt.datetime(2026, 11, 19, 23, 59)):
            self.assertEqual(run_cron(method), [])
        # 07:30 office time on the day (still the 19th, 23:30, in UTC)
        with office_clock(dt.datetime(2026, 11, 20, 7, 30)):
            self.assertEqual(run_cron(method), [roof])
        with office_clock(dt.datetime(2026, 11, 20, 8, 0)):
            self.assertEqual(run_cron(method), [])
            # the manager opens the warranties ending within a month
            (text, records), = open_notifications(manager)
        self.assertEqual(roof.reminded_on, dt.date(2026, 11, 20))
        self.assertIn('1 warranty ends within a month', text)
        self.assertEqual(records, [roof])
        with office_clock(dt.datetime(2026, 11, 21, 9, 0)):
            self.assertEqual(run_cron(method), [pipes])

    @with_transaction()
    def test_unprocessed_work_assigned_next_day_004(self):
        """未完成的公示在《日未处理工作盘点表》上,次日由管理员分配给责任人
        (seed 004): a job of the property left unfinished on its day is
        to be assigned the next morning (not at 23:59 of its day), once a
        day, each morning again while it stays unfinished; a job not on
        the list is not assigned"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Assignment = pool.get('property.ticket.assignment')
        env = create_helpdesk()
        ticket = create_ticket(env)
        Ticket.open([ticket])
        self.assertEqual(ticket.target_date, dt.date(2026, 11, 20))

        def to_assign():
            return Ticket.search([('to_assign', '=', True)])
        with office_clock(dt.datetime(2026, 11, 20, 23, 30)):
            self.assertEqual(to_assign(), [])
            self.assertFalse(Ticket(ticket.id).to_assign)
        with office_clock(dt.datetime(2026, 11, 20, 23, 59)):
            self.assertEqual(to_assign(), [])
        # 07:30 the next morning, office time (still the 20th, 23:30, in
        # UTC): on the list
        with office_clock(dt.datetime(2026, 11, 21, 7, 30)):
            self.assertEqual(to_assign(), [ticket])
            self.assertTrue(Ticket(ticket.id).to_assign)
        monday = dt.date(2026, 11, 23)
        with office_clock(dt.datetime(2026, 11, 23, 8, 30)):
            self.assertEqual(to_assign(), [ticket])
            self.assertTrue(Ticket(ticket.id).to_assign)
            assignment, = Assignment.create([{'ticket': ticket.id,
                        'responsible': env['technician'].id,
                        'note': "今天上午必须上门"}])
            self.assertEqual((assignment.date, assignment.site,
                    assignment.assigned_by.id),
                (monday, env['site'], Transaction().user))
            self.assertEqual(to_assign(), [])
            self.assertIn(ticket, Ticket.search([('to_assign', '=', False)]))
            # today's job is not on the list before tomorrow
            fresh = create_ticket(env, description="Lobby light",
                received_at=office_to_utc(dt.datetime(2026, 11, 23, 8, 0)),
                site=env['other_site'].id, unit=env['other_unit'].id)
            Ticket.open([fresh])
            with self.assertRaisesRegex(ValidationError, 'not on the list'):
                Assignment.create([{'ticket': fresh.id,
                            'responsible': env['technician'].id}])
        with office_clock(dt.datetime(2026, 11, 24, 0, 1)):
            self.assertEqual(set(to_assign()), {fresh, ticket})
        # once a day (last: the database refuses it, as PostgreSQL aborts
        # the transaction)
        with self.assertRaisesRegex(ValidationError, 'already has'):
            Assignment.create([{'ticket': ticket.id, 'date': monday,
                        'responsible': env['clerk'].id}])

    # Work orders: the check of finished repairs, the paid services -----

    def _dispatched(self, env, **values):
        "A repair of the ticket's technician, dispatched"
        WorkOrder = Pool().get('property.work_order')
        ticket = create_ticket(env, **values)
        order, = WorkOrder.create([{'ticket': ticket.id,
                    'department': env['engineering'].id,
                    'technician': env['technician'].id,
                    'description': "Replace the trap"}])
        WorkOrder.dispatch([order])
        return order

    @with_transaction()
    def test_repair_three_level_check_004(self):
        """A finished repair is done only once the technician's self-check,
        the team leader's check and, for a job selected, the supervisor's
        spot check are recorded with who and when (seed 004: 日常维修坚持
        员工自检、班长检查、主管抽查的三级检查体制); each check counts on the
        office day it is made, late evening and after midnight"""
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        Department = pool.get('property.department')
        env = create_helpdesk()
        leader = create_employee(env['company'], "Leader Qian")
        Department.write([env['engineering']], {'head': leader.id,
                'employees': [('add', [leader.id])]})
        context = Transaction().set_context
        with office_clock(dt.datetime(2026, 12, 31, 22, 0)):
            order = self._dispatched(env)
        self.assertTrue(order.check_required)
        with self.assertRaisesRegex(ValidationError,
                'before its checks are recorded'):
            WorkOrder.finish([order])
        with context(employee=leader.id), self.assertRaisesRegex(
                ValidationError, 'comes after'):
            WorkOrder.leader_check([order])
        with context(employee=env['clerk'].id), self.assertRaisesRegex(
                ValidationError, 'made by its technician'):
            WorkOrder.self_check([order])
        with context(employee=None), self.assertRaisesRegex(
                ValidationError, 'name of an employee'):
            WorkOrder.self_check([order])
        with office_clock(dt.datetime(2026, 12, 31, 23, 10)) as at, \
                context(employee=env['technician'].id):
            WorkOrder.self_check([order])
        self.assertEqual((order.self_checked_by, order.self_checked_at),
            (env['technician'], at))
        # the company's first self-checked job is spot-checked
        self.assertEqual((order.check_number, order.spot_check), (1, True))
        with context(employee=env['technician'].id), \
                self.assertRaisesRegex(ValidationError, 'head of the'):
            WorkOrder.leader_check([order])
        # 23:30 at the office is 15:30 UTC: the check counts on the 31st
        with office_clock(dt.datetime(2026, 12, 31, 23, 30)) as at, \
                context(employee=leader.id):
            WorkOrder.leader_check([order])
        self.assertEqual((order.leader_checked_by, order.leader_checked_at),
            (leader, at))
        self.assertEqual(WorkOrder(order.id).checked_on,
            dt.date(2026, 12, 31))
        with self.assertRaisesRegex(ValidationError, 'Spot Check by'):
            WorkOrder.finish([order])
        # 00:30 on New Year's Day at the office is still the 31st in UTC
        with office_clock(dt.datetime(2027, 1, 1, 0, 30)) as at, \
                context(employee=env['manager'].id):
            WorkOrder.supervisor_check([order])
            self.assertEqual(at.date(), dt.date(2026, 12, 31))
            WorkOrder.finish([order])
        self.assertEqual((order.spot_checked_by, order.spot_checked_at,
                order.state), (env['manager'], at, 'done'))
        self.assertEqual(WorkOrder(order.id).checked_on, dt.date(2027, 1, 1))

        # A job sent back is checked again; it keeps its number and choice
        WorkOrder.reopen([order])
        self.assertEqual((order.self_checked_at, order.leader_checked_at,
                order.spot_checked_at, order.check_number, order.spot_check),
            (None, None, None, 1, True))
        with self.assertRaisesRegex(ValidationError, 'Self-Checked by'):
            WorkOrder.finish([order])

        # The next job is not selected (20 %: the first, then the 6th...)
        second = self._dispatched(env)
        with context(employee=env['technician'].id):
            WorkOrder.self_check([second])
        self.assertEqual((second.check_number, second.spot_check),
            (2, False))
        with context(employee=env['manager'].id), self.assertRaisesRegex(
                ValidationError, 'not selected'):
            WorkOrder.supervisor_check([second])
        with context(employee=leader.id):
            WorkOrder.leader_check([second])
        WorkOrder.finish([second])
        self.assertEqual(second.state, 'done')

        # Only repairs are checked: the work order of a complaint is not
        complaint = self._dispatched(env, kind='complaint',
            complaint_type='effective')
        self.assertFalse(complaint.check_required)
        WorkOrder.finish([complaint])
        self.assertEqual(complaint.state, 'done')
        with context(employee=env['technician'].id), \
                self.assertRaisesRegex(ValidationError, 'while its repair'):
            WorkOrder.self_check([complaint])

    @with_transaction()
    def test_spot_check_share_004(self):
        """The supervisor spot-checks the policy's share of the repairs
        (seed 004: 主管抽查; the 20 % are the suite's default): the first
        job and then one in every 100/share, in the order of the
        self-checks, per company"""
        from trytond.modules.property_helpdesk.check import (
            spot_check_selected)
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        Configuration = pool.get('property.helpdesk.configuration')

        def chosen(share, count=12):
            return [n for n in range(1, count + 1)
                if spot_check_selected(n, share)]
        self.assertEqual(chosen(20), [1, 6, 11])
        self.assertEqual(chosen(50), [1, 3, 5, 7, 9, 11])
        self.assertEqual(chosen(30), [1, 4, 7, 11])
        self.assertEqual(chosen(0), [])
        self.assertEqual(chosen(100), list(range(1, 13)))

        env = create_helpdesk()
        config = Configuration(1)
        self.assertEqual(config.get_multivalue('spot_check_share',
                company=env['company'].id), 20)
        with self.assertRaisesRegex(ValidationError, '0 to 100'):
            config.spot_check_share = 120
            config.save()
        with Transaction().set_context(company=env['company'].id):
            config = Configuration(1)
            config.spot_check_share = 50
            config.save()
        orders = [self._dispatched(env) for _ in range(3)]
        with Transaction().set_context(employee=env['technician'].id):
            WorkOrder.self_check(orders)
        self.assertEqual([(o.check_number, o.spot_check) for o in orders],
            [(1, True), (2, False), (3, True)])

    @with_transaction()
    def test_paid_service_listed_price_001(self):
        """A paid work order takes the price of the service listed for its
        site (seed 001 便民服务: 有偿服务按收费标准收费), whatever the form
        sends; only the property manager sets a price of his own"""
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        PaidService = pool.get('property.paid_service')
        env = create_helpdesk()
        company = env['company']
        tap, site_tap, far = PaidService.create([
                {'company': company.id, 'code': 'S01',
                    'name': "更换水龙头", 'price': Decimal('50')},
                {'company': company.id, 'site': env['site'].id,
                    'code': 'S01', 'name': "更换水龙头 (花园)",
                    'price': Decimal('60')},
                {'company': company.id, 'site': env['other_site'].id,
                    'name': "疏通下水道", 'price': Decimal('80')},
                ])
        self.assertEqual(PaidService.search([('rec_name', '=', 'S01')],
                order=[('price', 'ASC')]), [tap, site_tap])
        ticket = create_ticket(env)
        order, = WorkOrder.create([{'ticket': ticket.id,
                    'department': env['engineering'].id,
                    'technician': env['technician'].id,
                    'description': "Change two taps",
                    'paid_service': True, 'service': site_tap.id,
                    'quantity': Decimal(2), 'amount': Decimal(1)}])
        self.assertEqual((order.amount, order.listed_amount),
            (Decimal('120.00'), Decimal('120.00')))
        # the listed amount, whatever is written
        WorkOrder.write([order], {'amount': Decimal(5)})
        self.assertEqual(order.amount, Decimal('120.00'))
        WorkOrder.write([order], {'quantity': Decimal(1)})
        self.assertEqual(order.amount, Decimal('60.00'))
        # the form computes the same
        draft = WorkOrder(paid_service=True, service=tap,
            quantity=Decimal(3))
        draft.on_change_service()
        self.assertEqual(draft.amount, Decimal('150.00'))

        # The manager's price; over RPC the clerk may not set one
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        clerk, = User.create([{'name': "Clerk", 'login': 'clerk',
                    'groups': [('add', [ModelData.get_id('property_base',
                                    'group_property_front_desk')])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'property_sites': [('add', [env['site'].id])],
                    }])
        transaction = Transaction()
        with transaction.set_user(clerk.id), transaction.set_context(
                _check_access=True, company=company.id):
            with self.assertRaises(UserError):
                WorkOrder.write([WorkOrder(order.id)], {
                        'price_override': True, 'amount': Decimal(30)})
            # what the form sends with the listed service is replaced
            WorkOrder.write([WorkOrder(order.id)], {
                    'quantity': Decimal(2), 'amount': Decimal(7)})
            self.assertEqual(WorkOrder(order.id).amount, Decimal('120.00'))
            # a clerk of Garden Court reads the company's and the site's
            # prices, not those of River View
            self.assertEqual(set(PaidService.search([])), {tap, site_tap})
        WorkOrder.write([order], {'price_override': True,
                'amount': Decimal(100)})
        self.assertEqual((order.amount, order.listed_amount),
            (Decimal(100), Decimal('120.00')))
        WorkOrder.write([order], {'price_override': False})
        self.assertEqual(order.amount, Decimal('120.00'))
        # (last: each write is refused once made)
        with self.assertRaisesRegex(ValidationError, 'must be positive'):
            WorkOrder.write([order], {'quantity': Decimal(0)})
        with self.assertRaisesRegex(ValidationError, 'not listed'):
            WorkOrder.write([order], {'service': far.id})
        with self.assertRaisesRegex(ValidationError, 'cannot be negative'):
            PaidService.write([tap], {'price': Decimal('-1')})

    def _board_tickets(self):
        """Garden Court: a ticket of the morning and one of three weeks ago,
        both open and not replied to; River View: one of three weeks ago"""
        Ticket = Pool().get('property.ticket')
        env = create_helpdesk()
        fresh = create_ticket(env)
        old = create_ticket(env, received_at=FRIDAY - dt.timedelta(days=21))
        elsewhere = create_ticket(env, site=env['other_site'].id,
            unit=env['other_unit'].id,
            received_at=FRIDAY - dt.timedelta(days=21))
        Ticket.open([fresh, old, elsewhere])
        return env, fresh, old, elsewhere

    @with_transaction()
    def test_estate_board_open_and_overdue_tickets(self):
        "The manager's board counts the open and overdue tickets of the site"
        env, fresh, old, elsewhere = self._board_tickets()
        manager = create_staff("Manager", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']])
        with office_clock(FRIDAY + dt.timedelta(hours=2)):
            board = open_board('property_base.act_estate_board', manager)
        row, = board['property_helpdesk.act_ticket_site_load']
        self.assertEqual((row.site, row.open, row.overdue, row.to_reply),
            (env['site'], 2, 1, 2))
        self.assertEqual(board['property_helpdesk.act_ticket_overdue'], [old])
        # the estate's own figures are on the same board
        self.assertIn('property_base.act_site_occupancy', board)

    @with_transaction()
    def test_front_desk_board_tickets_to_reply_and_overdue(self):
        """The front desk's board: its site's tickets to reply, soonest due
        first, and a ticket overdue from the second after its deadline"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        env, fresh, old, elsewhere = self._board_tickets()
        clerk = create_staff("Clerk", 'clerk',
            'property_base.group_property_front_desk', env['company'],
            [env['site']])
        self.assertEqual([a.id for a in clerk.actions],
            [pool.get('ir.model.data').get_id(
                    'property_base', 'act_front_desk_board')])
        # the office's time of the fresh ticket's reply deadline
        deadline = fresh.reply_deadline + dt.timedelta(hours=8)
        with office_clock(deadline):
            board = open_board('property_base.act_front_desk_board', clerk)
        self.assertEqual(board['property_helpdesk.act_ticket_to_reply'],
            [old, fresh])
        self.assertEqual(board['property_helpdesk.act_ticket_overdue'], [old])
        self.assertEqual(board['property_helpdesk.act_visit_due'], [])
        self.assertEqual(board['property_base.act_move_in_open'], [])
        with office_clock(deadline + dt.timedelta(seconds=1)):
            board = open_board('property_base.act_front_desk_board', clerk)
            self.assertEqual(board['property_helpdesk.act_ticket_overdue'],
                [old, fresh])
            # the database finds the tickets the list shows in red
            tickets = Ticket.search([])
            self.assertEqual(Ticket.search([('overdue', '=', True)]),
                [t for t in tickets if t.overdue])
            self.assertEqual(Ticket.search([('overdue', '=', False)]),
                [t for t in tickets if not t.overdue])


    @with_transaction()
    def test_unit_owner_and_work_order_at_a_glance(self):
        """The unit's and the owner's forms list their open tickets, read
        in one query for many units and within the clerk's sites; the
        technician's work order shows the unit, its address, the reporter
        and the number to call"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        WorkOrder = pool.get('property.work_order')
        Unit = pool.get('property.unit')
        Party = pool.get('party.party')
        Site = pool.get('property.site')
        env = create_helpdesk()
        owner, unit, other_unit = env['owner'], env['unit'], env['other_unit']
        Site.write([env['site']], {'address': "上海市浦东新区花园路88号"})
        Party.write([owner], {'contact_mechanisms': [('create', [
                            {'type': 'mobile', 'value': '13900000002'}])]})
        leak = create_ticket(env)
        drip = create_ticket(env, description="Tap dripping",
            received_at=FRIDAY + dt.timedelta(hours=1),
            contact_phone='021-1234')
        done = create_ticket(env, description="Door bell")
        far = create_ticket(env, site=env['other_site'].id,
            unit=other_unit.id)
        Ticket.open([leak, far, done])
        Ticket.cancel([done])
        orders = WorkOrder.create([{'ticket': t.id,
                    'department': env['engineering'].id,
                    'technician': env['technician'].id,
                    'description': "Look"} for t in [leak, drip, far]])
        clerk = create_staff("Clerk Zhou", 'clerk',
            'property_base.group_property_front_desk', env['company'],
            [env['site']], env['clerk'])
        plumber = create_staff("Plumber Zhao", 'plumber',
            'property_helpdesk.group_property_engineering', env['company'],
            [env['site']], env['technician'])
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            read = Unit.read([unit.id], ['open_tickets'])
            self.assertEqual(list(read[0]['open_tickets']),
                [drip.id, leak.id])
            # the far site's ticket stays out of the clerk's lists
            self.assertEqual(list(Party.read([owner.id], ['open_tickets'])[0][
                        'open_tickets']), [drip.id, leak.id])
            self.assertEqual(
                sorted(open_relates('party.party', [owner])[
                        'property_helpdesk.act_ticket_party_relate']),
                sorted([leak, drip, done]))
            self.assertEqual(
                sorted(open_relates('property.unit', [unit])[
                        'property_helpdesk.act_ticket_unit_relate']),
                sorted([leak, drip, done]))
        # the manager of both sites: their units in one search
        manager = create_staff("Manager Sun", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site'], env['other_site']])
        with transaction.set_user(manager.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            with patch.object(Ticket, 'search',
                    side_effect=Ticket.search) as search:
                both = Unit.get_open_tickets(
                    Unit.browse([unit.id, other_unit.id]), 'open_tickets')
            self.assertEqual(search.call_count, 1)
            self.assertEqual(both, {unit.id: [drip.id, leak.id],
                    other_unit.id: [far.id]})
            self.assertEqual(list(Party.read([owner.id], ['open_tickets'])[
                        0]['open_tickets']), [drip.id, far.id, leak.id])
        with transaction.set_user(plumber.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            read = {r['id']: r for r in WorkOrder.read(
                    [o.id for o in orders[:2]],
                    ['unit', 'address', 'reporter', 'reporter_phone'])}
            self.assertEqual(read[orders[0].id], {'id': orders[0].id,
                    'unit': unit.id,
                    'address': "上海市浦东新区花园路88号 A1 1201",
                    'reporter': owner.id, 'reporter_phone': '13900000002'})
            self.assertEqual(read[orders[1].id]['reporter_phone'], '021-1234')
            # the unit's form as the technician sees it: its tickets, no
            # residents (engineering does not read them), no error
            unit_read, = Unit.read([unit.id],
                ['open_tickets', 'current_residents'])
            self.assertEqual(list(unit_read['open_tickets']),
                [drip.id, leak.id])
            self.assertEqual(list(unit_read['current_residents']), [])
            with self.assertRaises(UserError):
                WorkOrder.read([orders[2].id], ['address'])


del ModuleTestCase
