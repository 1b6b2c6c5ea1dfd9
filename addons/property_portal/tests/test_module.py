# This file is part of the property-management suite.
"""The owners' portal: invitations from the front desk, and the pages
through trytond's WSGI application as a phone's browser calls them"""
import datetime as dt
import io
import re
from decimal import Decimal
from http import HTTPStatus
from unittest.mock import patch
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from trytond.exceptions import UserError
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.property_frontdesk.tests.test_module import (
    as_user, front_office, let_to, own)
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, committed, create_staff, deliver_mail,
    office_clock,
    office_today, pdf_text, set_chinese, smtp_server, suite_extras,
    with_transaction)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, ModuleTestCase
from trytond.transaction import Transaction

PASSWORD = 'portal-Pa55word'
# the plumber's own mobile and e-mail (staff data no owner sees)
STAFF_MOBILE = '13900001111'
STAFF_EMAIL = 'qian.plumber@example.com'
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
    suppress_health_check=list(HealthCheck))
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(['', ' ', '0', '-1', '99999999999999999999', 'NaN',
            '２３', '\x00', '楼' * 2100, '🏠',
            "'; DROP TABLE property_ticket; --",
            '<script>alert(1)</script>', 'repair_unit', 'complaint', '²',
            '١٢']),
    st.integers(min_value=-2 ** 63, max_value=2 ** 63).map(str),
    )
PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01'
    b'\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f'
    b'\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82')


def person(name, type_, value):
    "A person with a contact mechanism to sign in with"
    party, = Pool().get('party.party').create([{'name': name,
                'contact_mechanisms': [('create', [{'type': type_,
                                'value': value}])]}])
    return party


class PropertyPortalTestCase(
        SuiteModuleTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Property Portal module"
    module = 'property_portal'
    extras = suite_extras('property_portal')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The pages commit as the server does: their data is committed
        # once for the class (the database is dropped at its end)
        # (the invitations' e-mails go to a loopback SMTP server)
        with smtp_server():
            cls.env = committed(cls.build_portal, user=1)
        cls.wang = PortalClient()
        cls.li = PortalClient()
        assert cls.wang.sign_in('wang@example.com').status_code == 303
        assert cls.li.sign_in('13800000002').status_code == 303

    @classmethod
    def build_portal(cls):
        """An estate with its fees billed for two months: 王芳 (1-301, with
        her family) paid the earlier one; 李伟 (1-302) owns the next door
        home; 张敏 (2-501) is invited too; a repair category and its
        technician"""
        from trytond.modules.company.tests import (
            create_employee, set_company)
        from trytond.modules.property_billing.tests.tools import (
            MONTH, bill, create_estate)
        pool = Pool()
        Party = pool.get('party.party')
        Resident = pool.get('property.unit.resident')
        Assignment = pool.get('property.fee.assignment')
        Run = pool.get('property.billing.run')
        Invoice = pool.get('account.invoice')
        Journal = pool.get('account.journal')
        Account = pool.get('account.account')
        Method = pool.get('account.invoice.payment.method')
        Department = pool.get('property.department')
        Category = pool.get('property.ticket.category')
        Invitation = pool.get('property.portal.invitation')
        Ticket = pool.get('property.ticket')
        Attachment = pool.get('ir.attachment')
        from trytond.modules.property_decoration.tests.tools import (
            setup_decoration)
        estate = create_estate("Portal Garden", 'PG')
        company = estate['company']
        decoration = setup_decoration(estate)
        wang, li, zhang, liu = estate['owners'][:4]
        set_chinese(('property_base', 'property_helpdesk',
                'property_billing', 'property_community',
                'property_decoration', 'property_portal'))
        for party, name, contacts in [
                (liu, "刘洋", [('email', 'liu@example.com')]),
                (wang, "王芳", [('email', 'Wang@Example.com'),
                        ('mobile', '13800000001')]),
                (li, "李伟", [('email', 'li@example.com'),
                        ('mobile', '138 0000 0002')]),
                (zhang, "张敏", [('mobile', '13800000003')])]:
            Party.write([party], {'name': name, 'contact_mechanisms': [
                        ('create', [{'type': t, 'value': v}
                                for t, v in contacts])]})
        family, = Party.create([{'name': "王小明"}])
        Resident.create([{'unit': estate['units'][0].id,
                    'party': family.id, 'role': 'family',
                    'relation': "son", 'from_date': MONTH}])
        with set_company(company):
            Assignment.create([{'fee_type': estate['fee_types']['PF'].id,
                        'site': estate['site'].id, 'rate': Decimal('1.85'),
                        'start_date': MONTH - dt.timedelta(days=400)}])
            earlier = (MONTH - dt.timedelta(days=1)).replace(day=1)
            for month in [earlier, MONTH]:
                run, = Run.create([{'company': company.id, 'month': month,
                            'invoice_date': month}])
                bill(run)
            cash, = Account.search([('code', '=', '1.1.1'),
                    ('company', '=', company.id)])
            journal, = Journal.search([('type', '=', 'cash')], limit=1)
            method, = Method.create([{'name': "Cash",
                        'company': company.id, 'journal': journal.id,
                        'credit_account': cash.id,
                        'debit_account': cash.id}])
            paid, = Invoice.search([('party', '=', wang.id),
                    ('property_month', '=', earlier)])
            paid.pay_invoice(paid.amount_to_pay, method, earlier)
            technician = create_employee(company, "钱师傅")
            # the staff's own contacts, which no owner may see
            Party.write([technician.party], {'contact_mechanisms': [
                        ('create', [
                                {'type': 'mobile', 'value': STAFF_MOBILE},
                                {'type': 'email', 'value': STAFF_EMAIL}])]})
            department, = Department.create([{'name': "Engineering",
                        'company': company.id,
                        'employees': [('add', [technician.id])]}])
            category, = Category.create([{'name': "Plumbing",
                        'code': 'PL', 'department': department.id}])
            ticket, = Ticket.create([{'company': company.id,
                        'site': estate['site'].id,
                        'unit': estate['units'][0].id, 'reporter': wang.id,
                        'channel': 'app', 'kind': 'repair_unit',
                        'category': category.id,
                        'description': "卫生间天花板渗水"}])
            Ticket.open([ticket])
            attachment, = Attachment.create([{'resource': str(ticket),
                        'name': 'photo-1.png', 'data': PNG}])
            # 赵磊 rents a room of 张敏's home: a resident, not an owner
            zhao, = Party.create([{'name': "赵磊",
                        'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': 'zhao@example.com'}])]}])
            Resident.create([{'unit': estate['units'][2].id,
                        'party': zhao.id, 'role': 'tenant',
                        'from_date': MONTH}])
            invitations = Invitation.invite([wang, li, zhang, liu, zhao])
            for invitation in invitations:
                invitation.accept(PASSWORD)
            clerk = create_staff("周敏", 'portal.clerk',
                'property_base.group_property_front_desk', company,
                [estate['site']], employee=create_employee(company, "周敏"))
            manager = create_staff("孙建国", 'portal.manager',
                'property_base.group_property_manager', company,
                [estate['site']])
            building = create_staff("陈立", 'portal.building',
                'property_base.group_property_building_manager', company,
                [estate['site']])
        invoices = {i.party.id: i for i in Invoice.search([
                    ('property_month', '=', MONTH)])}
        return {
            'company': company.id, 'site': estate['site'].id,
            'units': [u.id for u in estate['units']],
            'wang': wang.id, 'li': li.id, 'zhang': zhang.id,
            'wang_open': invoices[wang.id].id,
            'wang_paid': paid.id, 'li_open': invoices[li.id].id,
            'category': category.id, 'department': department.id,
            'technician': technician.id, 'wang_ticket': ticket.id,
            'wang_attachment': attachment.id,
            'wang_invoice_number': invoices[wang.id].number,
            'wang_paid_number': paid.number,
            'clerk': clerk.id, 'manager': manager.id,
            'buildings': [b.id for b in estate['buildings']],
            'contractor': decoration['contractor'].id,
            'building': building.id,
            }

    # -- invitations (in a rolled back transaction) -------------------------

    @with_transaction()
    def test_invite_creates_web_user_and_code(self):
        """The front desk invites an owner from the party: a web user of
        the party and a code; a new invitation ends the earlier code"""
        pool = Pool()
        Party = pool.get('party.party')
        Invitation = pool.get('property.portal.invitation')
        office = front_office()
        owner = person("陈静", 'mobile', '+86 139 1234 5678')
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            Party.portal_invite([Party(owner.id)])
            first, = Invitation.search([('party', '=', owner.id)])
            self.assertEqual(first.state, 'pending')
            self.assertEqual(first.unit, office['units'][0])
            self.assertEqual(first.invited_by, office['clerk'])
            self.assertRegex(first.code, r'^[A-Z2-9]{10}$')
            # a mobile number only: signs in with it
            self.assertEqual(first.web_user.email,
                '13912345678@mobile.portal.invalid')
            Party.portal_invite([Party(owner.id)])
            self.assertEqual(Invitation(first.id).state, 'expired')
            self.assertEqual(len(Invitation.search(
                        [('party', '=', owner.id)])), 2)
            # the clerk of the other site does not see it
        with as_user(office['other_clerk'], office['company']):
            self.assertEqual(Invitation.search(
                    [('party', '=', owner.id)]), [])
        WebUser = pool.get('web.user')
        self.assertEqual(WebUser.find_by_login('139-1234-5678'),
            first.web_user)
        self.assertEqual(WebUser.find_by_login('0086 13912345678'),
            first.web_user)
        self.assertIsNone(WebUser.find_by_login('13912345679'))

    @with_transaction()
    def test_invite_refused_without_home_or_contact(self):
        "Only owners and residents with an e-mail or mobile are invited"
        pool = Pool()
        Party = pool.get('party.party')
        Invitation = pool.get('property.portal.invitation')
        office = front_office()
        stranger = person("路人", 'email', 'lu@example.com')
        silent, = Party.create([{'name': "无联系"}])
        own(office['units'][1], silent)
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(UserError, 'neither owns'):
                Party.portal_invite([Party(stranger.id)])
            with self.assertRaisesRegex(UserError, 'no e-mail'):
                Party.portal_invite([Party(silent.id)])
        self.assertEqual(Invitation.search(
                [('party', 'in', [stranger.id, silent.id])]), [])

    @with_transaction()
    def test_invite_emails_the_link(self):
        """The front desk's Invite e-mails the invitation's link and code
        (through a real SMTP server) to a person with an e-mail, in the
        portal's Chinese, with the end of its validity in office time; a
        person with a mobile number only gets no mail, nor one invited
        without e-mail (signed up at the counter, as the demo's owners)"""
        from trytond.modules.property_base.common import to_office
        pool = Pool()
        Party = pool.get('party.party')
        Invitation = pool.get('property.portal.invitation')
        office = front_office()
        owner = person("何静", 'email', 'He.Jing@example.com')
        own(office['units'][0], owner)
        mobile = person("陈静", 'mobile', '13912345678')
        own(office['units'][1], mobile)
        counter = person("林静", 'email', 'lin.jing@example.com')
        let_to(office['units'][1], counter)
        with smtp_server() as received:
            with as_user(office['clerk'], office['company']):
                Party.portal_invite([Party(owner.id), Party(mobile.id)])
            # (the demo's path, run by the administrator)
            Invitation.invite([Party(counter.id)], send_email=False)
            deliver_mail()
        self.assertTrue(Invitation.search([('party', '=', counter.id)]))
        invitation, = Invitation.search([('party', '=', owner.id)])
        (to, message), = received
        self.assertEqual(to, ['he.jing@example.com'])
        self.assertEqual(message['Subject'], '业主门户邀请')
        body = message.get_body(('plain',)).get_content()
        link, = re.findall(r'https?://\S+', body)
        self.assertTrue(link.endswith(f'/{quote(DB_NAME)}/portal/invitation'
                f'?code={invitation.code}'), link)
        for expected in ['何静，您好', f'邀请码 {invitation.code}',
                to_office(invitation.expires_at).strftime('%Y-%m-%d %H:%M')]:
            self.assertIn(expected, body)

    @with_transaction()
    def test_homes_and_invitation_on_the_office_clock(self):
        """A home lived in until the month's end is still the resident's
        at 23:30 office time on its last day, no longer at 00:30 the next
        (UTC already the next day at 23:30); the invitation code is valid
        30 days (the suite's default) to the second"""
        from trytond.modules.property_portal.portal import home_units
        Invitation = Pool().get('property.portal.invitation')
        office = front_office()
        tenant = person("孙悦", 'email', 'sun@example.com')
        Pool().get('property.unit.resident').create([{
                    'unit': office['units'][1].id, 'party': tenant.id,
                    'role': 'tenant', 'from_date': dt.date(2026, 1, 1),
                    'to_date': dt.date(2026, 12, 31)}])
        with Transaction().set_context(company=office['company'].id):
            with office_clock(dt.datetime(2026, 12, 31, 23, 30)) as now:
                self.assertEqual(home_units(tenant), [office['units'][1]])
                invitation, = Invitation.invite([tenant])
                self.assertEqual(invitation.expires_at,
                    now + dt.timedelta(days=30))
            with office_clock(dt.datetime(2027, 1, 1, 0, 30)):
                self.assertEqual(home_units(tenant), [])
                with self.assertRaisesRegex(UserError, 'neither owns'):
                    Invitation.invite([tenant])
            code = invitation.code
            with office_clock(dt.datetime(2027, 1, 30, 23, 29, 59)):
                self.assertEqual(Invitation.find(code.lower()), invitation)
                self.assertEqual(Invitation(invitation.id).state, 'pending')
            with office_clock(dt.datetime(2027, 1, 30, 23, 30)):
                self.assertIsNone(Invitation.find(code))
                self.assertEqual(Invitation(invitation.id).state, 'expired')

    @with_transaction()
    def test_invitation_validity_configured(self):
        """The manager sets how long an invitation is valid (30 days, the
        suite's default): 7 days from 23:30 office time (15:30 UTC) end on
        the seventh day at 23:30 office time to the second; 0 or more than
        365 days are refused, nothing saved; the front desk reads it only"""
        from trytond.model.exceptions import AccessError
        pool = Pool()
        Configuration = pool.get('property.portal.configuration')
        Invitation = pool.get('property.portal.invitation')
        office = front_office()
        self.assertEqual(Configuration(1).invitation_days, 30)
        with as_user(office['manager'], office['company']):
            for days in [0, 366, -7]:
                with self.assertRaisesRegex(UserError, '1 (to|至) 365'):
                    Configuration.write([Configuration(1)],
                        {'invitation_days': days})
            Configuration.write([Configuration(1)], {'invitation_days': 7})
        with as_user(office['clerk'], office['company']):
            self.assertEqual(Configuration(1).invitation_days, 7)
            with self.assertRaises(AccessError):
                Configuration.write([Configuration(1)],
                    {'invitation_days': 60})
        owner = person("林涛", 'mobile', '13900001111')
        own(office['units'][0], owner)
        with Transaction().set_context(company=office['company'].id):
            with office_clock(dt.datetime(2026, 12, 31, 23, 30)):
                invitation, = Invitation.invite([owner])
            with office_clock(dt.datetime(2027, 1, 7, 23, 29, 59)):
                self.assertEqual(Invitation.find(invitation.code),
                    invitation)
            with office_clock(dt.datetime(2027, 1, 7, 23, 30)):
                self.assertIsNone(Invitation.find(invitation.code))
                self.assertEqual(Invitation(invitation.id).state, 'expired')

    # -- the pages, through the WSGI application ----------------------------

    def count(self, model, domain=None):
        return committed(lambda: Pool().get(model).search_count(domain or []))

    def page(self, client, path, status=HTTPStatus.OK):
        response = client.get(path)
        self.assertEqual(response.status_code, status,
            response.get_data(as_text=True)[:300])
        return response.get_data(as_text=True)

    def test_pages_chinese_by_default_english_switch(self):
        """The pages are in Chinese by default, with no text of the portal
        left in English; the switch gives English"""
        pool_texts = committed(lambda: [m.text for m in Pool().get(
                    'ir.message').search([('id', 'in', [
                                d.db_id for d in Pool().get(
                                    'ir.model.data').search([
                                        ('module', '=', 'property_portal'),
                                        ('model', '=', 'ir.message'),
                                        ('fs_id', 'like', 'msg_page_%')])])])])
        english = [t for t in pool_texts if '%' not in t and len(t) > 3]
        self.assertGreater(len(english), 60)
        client = PortalClient()
        html = self.page(client, 'signin')
        self.assertIn('lang="zh-CN"', html)
        self.assertIn('登录', html)
        client.sign_in('13800000003')
        for path in ['homes', 'bills', 'tickets', 'tickets/new', 'guests',
                'notices', 'meetings', 'surveys', 'statements',
                'renovations', 'renovations/new',
                f"homes/{self.env['units'][2]}/request", 'forgot',
                f"bills/statement/{self.env['zhang']}",
                'reset?token=x&email=y']:
            html = self.page(client, path)
            shown = re.sub(r'<[^>]+>', '\\n', html)
            for text in english:
                self.assertNotIn(text, shown, f"{path}: {text!r}")
        response = client.get('lang/en')
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER)
        html = self.page(client, 'homes')
        self.assertIn('lang="en"', html)
        self.assertIn('My homes', html)
        self.assertIn('Household', html)
        self.assertIn('Register a guest', self.page(client, 'guests'))
        self.assertIn('Add a family member or tenant', self.page(client,
                f"homes/{self.env['units'][2]}/request"))
        self.assertEqual(client.get('lang/xx').status_code,
            HTTPStatus.NOT_FOUND)

    def test_signin_by_email_or_mobile_cookie_and_signout(self):
        """An owner signs in with the e-mail or the mobile number of the
        party; the session is an HttpOnly SameSite=Lax cookie; signing out
        ends it"""
        client = PortalClient()
        response = client.sign_in('+86 138-0000-0003')
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER)
        self.assertTrue(response.location.endswith('/portal/homes'))
        cookie, = [c for c in response.headers.getlist('Set-Cookie')
            if c.startswith('portal_session=')]
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Lax', cookie)
        self.assertIn('张敏', self.page(client, 'homes'))
        response = client.post('signout', {})
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER)
        self.assertEqual(client.get('homes').status_code,
            HTTPStatus.SEE_OTHER)
        wrong = PortalClient()
        response = wrong.sign_in('13800000003', 'not-the-password')
        self.assertEqual(response.status_code, HTTPStatus.UNAUTHORIZED)
        self.assertIn('密码不正确', response.get_data(as_text=True))
        self.assertEqual(wrong.sign_in('13800000003', 'a\x00b').status_code,
            HTTPStatus.UNAUTHORIZED)
        self.assertEqual(wrong.get('homes').status_code,
            HTTPStatus.SEE_OTHER)

    def test_signout_everywhere(self):
        """Signing out ends the session of this phone only; signing out
        everywhere ends every session of the owner, another phone's too"""
        def sessions():
            return self.count('web.user.session',
                [('user.party', '=', self.env['zhang'])])
        before = sessions()
        phone, tablet, laptop = PortalClient(), PortalClient(), PortalClient()
        for client in [phone, tablet, laptop]:
            self.assertEqual(client.sign_in('13800000003').status_code,
                HTTPStatus.SEE_OTHER)
        self.assertEqual(sessions(), before + 3)
        self.assertEqual(phone.post('signout', {}).status_code,
            HTTPStatus.SEE_OTHER)
        self.assertEqual(phone.get('homes').status_code,
            HTTPStatus.SEE_OTHER)
        self.assertIn('张敏', self.page(tablet, 'homes'))
        response = tablet.post('signout', {'everywhere': '1'})
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER)
        self.assertTrue(response.location.endswith('/portal/signin'))
        for client in [tablet, laptop]:
            response = client.get('homes')
            self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER)
            self.assertTrue(response.location.endswith('/portal/signin'))
        self.assertEqual(sessions(), 0)
        # another owner's session is not touched
        self.assertIn('李伟', self.page(self.li, 'homes'))

    def test_invitation_code_sets_password_once(self):
        """The invited person sets a password with the code; a used,
        unknown or short one changes nothing"""
        def invite():
            from trytond.modules.company.tests import set_company
            pool = Pool()
            Invitation = pool.get('property.portal.invitation')
            Resident = pool.get('property.unit.resident')
            party = person("周婷", 'email', 'zhou@example.com')
            Resident.create([{'unit': self.env['units'][2],
                        'party': party.id, 'role': 'tenant'}])
            with set_company(pool.get('company.company')(
                        self.env['company'])):
                invitation, = Invitation.invite([party])
            return invitation.code
        code = committed(invite, user=1)
        client = PortalClient()
        html = self.page(client, f'invitation?code={code}')
        self.assertIn(code, html)
        for values, message in [
                ({'code': 'WRONGCODE0', 'password': 'long-enough-1',
                        'password2': 'long-enough-1'}, '邀请码无效'),
                ({'code': code, 'password': 'short',
                        'password2': 'short'}, '至少需要 8'),
                ({'code': code, 'password': 'long-enough-1',
                        'password2': 'long-enough-2'}, '不一致'),
                ({'code': code, 'password': 'long\x00enough',
                        'password2': 'long\x00enough'}, '不能使用的字符'),
                ({'code': code, 'password': 'ZHOU@example.com',
                        'password2': 'ZHOU@example.com'}, 'class="error"')]:
            response = client.post('invitation', values)
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
            self.assertIn(message, response.get_data(as_text=True))
        response = client.post('invitation', {'code': code.lower(),
                'password': 'long-enough-1', 'password2': 'long-enough-1'})
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn('密码已设置', response.get_data(as_text=True))
        response = client.post('invitation', {'code': code,
                'password': 'other-password', 'password2': 'other-password'})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        self.assertEqual(client.sign_in('zhou@example.com',
                'long-enough-1').status_code, HTTPStatus.SEE_OTHER)

    def test_signin_throttled(self):
        """Failed sign-ins wait longer each time (web_user's login delay)
        and are refused after the sixth, even with the right password"""
        client = PortalClient()
        # (the delays web_user asks for, not waited: its time module only)
        with patch('trytond.modules.web_user.user.time') as time:
            for _ in range(6):
                self.assertEqual(client.sign_in('liu@example.com',
                        'wrong-password').status_code,
                    HTTPStatus.UNAUTHORIZED)
            delays = [c.args[0] for c in time.sleep.call_args_list]
            response = client.sign_in('liu@example.com')
        self.assertEqual(delays, [0, 1, 3, 7, 15, 31])
        self.assertEqual(response.status_code, HTTPStatus.TOO_MANY_REQUESTS)
        self.assertIn('失败次数过多', response.get_data(as_text=True))
        self.assertEqual(client.get('homes').status_code,
            HTTPStatus.SEE_OTHER)

    def test_session_expiry(self):
        "A session older than web_user's timeout signs the owner out"
        client = PortalClient()
        client.sign_in('13800000003')
        self.page(client, 'homes')

        def age():
            Session = Pool().get('web.user.session')
            table = Session.__table__()
            cursor = Transaction().connection.cursor()
            old = dt.datetime.now() - Session.timeout() - dt.timedelta(
                minutes=1)
            cursor.execute(*table.update([table.create_date,
                        table.write_date], [old, old]))
        committed(age)
        response = client.get('homes')
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER)
        self.assertTrue(response.location.endswith('/portal/signin'))
        # (every client must sign in again: the other tests' too)
        self.wang.sign_in('wang@example.com')
        self.li.sign_in('13800000002')

    def test_csrf_refused(self):
        "A form sent without the page's CSRF token is refused, unchanged"
        before = self.count('property.ticket')
        values = {'unit': str(self.env['units'][0]), 'kind': 'repair_unit',
            'category': str(self.env['category']), 'description': "漏水"}
        for csrf in [None, '0' * 32]:
            data = dict(values)
            if csrf:
                data['csrf'] = csrf
            response = self.wang.post('tickets/new', data, csrf=False)
            self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)
            self.assertIn('表单未被接受', response.get_data(as_text=True))
        self.assertEqual(self.count('property.ticket'), before)
        response = self.wang.post('signout', {}, csrf=False)
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)
        self.page(self.wang, 'homes')

    def test_homes_and_household(self):
        "My homes: the home owned and the household living in it now"
        html = self.page(self.wang, 'homes')
        for expected in ['王芳', '王小明', '1-301', '产权房屋', '住户成员']:
            self.assertIn(expected, html)
        self.assertNotIn('1-302', html)
        self.assertNotIn('李伟', html)

    def test_bills_and_pdfs(self):
        """Bills: the open fee invoice with amount due, due date and
        payment reference, the paid one, the fee notice and receipt PDFs"""
        html = self.page(self.wang, 'bills')
        # the Bills tab of the pages' menu leads there
        tabs = html.split('<nav class="tabs">', 1)[1].split('</nav>', 1)[0]
        self.assertIn('/portal/bills"', tabs)
        for expected in [self.env['wang_invoice_number'],
                self.env['wang_paid_number'], '缴费参考号', '缴费截止日期']:
            self.assertIn(expected, html)
        response = self.wang.get(
            f"bills/{self.env['wang_open']}/notice.pdf")
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertEqual(response.mimetype, 'application/pdf')
        text = pdf_text(response.data)
        self.assertIn('缴费通知单', text)
        self.assertIn(self.env['wang_invoice_number'], text)
        response = self.wang.get(
            f"bills/{self.env['wang_paid']}/receipt.pdf")
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn('收据', pdf_text(response.data))
        # nothing paid yet: no receipt
        self.assertEqual(self.wang.get(
                f"bills/{self.env['wang_open']}/receipt.pdf").status_code,
            HTTPStatus.NOT_FOUND)

    def test_bill_how_to_pay_and_payment_provider(self):
        """An open bill shows how to pay and its payment reference as a QR
        code (read back from the page's image) while no provider of online
        payment is installed; a provider's module that extends
        `portal_payment_links` puts its own way to pay on the bill instead,
        with the amount and reference of the fee notice"""
        import base64
        from PIL import Image
        from pyzbar import pyzbar
        html = self.page(self.wang, 'bills')
        section = html.split(f'id="bill-{self.env["wang_open"]}"', 1)[
            1].split('</section>', 1)[0]
        reference = re.search(
            r'<dd class="reference">([^<]+)</dd>', section).group(1)
        self.assertIn('缴费参考号', section)
        uri = re.search(r'<img class="qr"[^>]* src="data:image/png;base64,'
            r'([^"]+)"', section).group(1)
        codes = pyzbar.decode(Image.open(io.BytesIO(base64.b64decode(uri))))
        self.assertEqual([c.data.decode('utf-8') for c in codes], [reference])
        self.assertNotIn('class="pay"', section)

        Invoice = Pool(DB_NAME).get('account.invoice')
        asked = []

        def provider(invoice, amounts):
            asked.append((invoice.id, amounts.reference, amounts.total))
            return [('微信支付', f'https://pay.example/{amounts.reference}'
                    f'?amount={amounts.total}')]
        with patch.object(Invoice, 'portal_payment_links', provider):
            html = self.page(self.wang, 'bills')
        section = html.split(f'id="bill-{self.env["wang_open"]}"', 1)[
            1].split('</section>', 1)[0]
        (asked_reference, total), = [(r, t) for i, r, t in asked
            if i == self.env['wang_open']]
        self.assertEqual(asked_reference, reference)
        self.assertIn(f'href="https://pay.example/{reference}?amount={total}"'
            '>微信支付</a>', section)
        self.assertNotIn('<img class="qr"', section)

    @with_transaction()
    def test_fee_notice_prints_pending_invitation(self):
        """The fee notice of a payer the front desk invited and who has not
        signed up yet prints the invitation's code under its QR code (the
        link of the invitation page), as finance prints it; the notice of
        a payer without a pending invitation prints none"""
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        Invitation = pool.get('property.portal.invitation')
        Report = pool.get('property.fee.notice', type='report')
        ModelData = pool.get('ir.model.data')
        company = pool.get('company.company')(self.env['company'])
        finance = create_staff("钱会计", 'notice.finance',
            'property_billing.group_property_finance', company,
            [pool.get('property.site')(self.env['site'])])
        User.write([finance], {'groups': [('add', [
                            ModelData.get_id('account', 'group_account')])]})
        # 李伟 lost his password: the front desk invites him again
        with as_user(User(self.env['clerk']), company):
            Party.portal_invite([Party(self.env['li'])])
        invitation, = Invitation.search([('party', '=', self.env['li']),
                ('accepted_at', '=', None)])

        def notice(invoice):
            with as_user(finance, company):
                _, content, _, _ = Report.execute([invoice], {
                        'model': 'account.invoice', 'id': invoice,
                        'ids': [invoice]})
            return pdf_text(bytes(content))
        text = notice(self.env['li_open'])
        for expected in ['业主门户邀请码', invitation.code, '有效期至']:
            self.assertIn(expected, text)
        self.assertNotIn('业主门户邀请码', notice(self.env['wang_open']))

    def test_privacy_second_owner_gets_nothing(self):
        """Another owner asking for the first owner's bills, PDFs, ticket,
        photo or rating gets 404 and none of the data"""
        env = self.env
        secrets = ["卫生间天花板渗水", '王芳', '王小明',
            f"bill-{env['wang_open']}", f"bill-{env['wang_paid']}",
            f"ticket-{env['wang_ticket']}"]
        for path in [f"bills/{env['wang_open']}/notice.pdf",
                f"bills/{env['wang_paid']}/receipt.pdf",
                f"tickets/{env['wang_ticket']}",
                f"tickets/{env['wang_ticket']}/attachments/"
                f"{env['wang_attachment']}",
                f"tickets/{env['li_open'] + 10 ** 6}",
                'bills', 'tickets', 'homes']:
            response = self.li.get(path)
            self.assertIn(response.status_code, {HTTPStatus.NOT_FOUND,
                    HTTPStatus.OK}, path)
            if '/' in path:
                self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND,
                    path)
            body = response.get_data(as_text=True)
            self.assertNotIn(b'%PDF', response.data)
            for secret in secrets:
                self.assertNotIn(secret, body, path)
        visits = self.count('property.return_visit')
        response = self.li.post(f"tickets/{env['wang_ticket']}/rate",
            {'satisfaction': '1', 'comment': "差"})
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
        self.assertEqual(self.count('property.return_visit'), visits)
        # and a ticket for the first owner's home is refused
        before = self.count('property.ticket')
        response = self.li.post('tickets/new', {
                'unit': str(env['units'][0]), 'kind': 'repair_unit',
                'category': str(env['category']), 'description': "x"})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        self.assertEqual(self.count('property.ticket'), before)

    def test_report_problem_follow_and_rate_return_visit_app(self):
        """An owner reports a leak with a photo and a PDF (channel App,
        opened with its deadlines); follows the clerk's dispatch and the
        resolution; confirms and rates it: the return visit by App"""
        env = self.env
        response = self.wang.post('tickets/new', {
                'unit': str(env['units'][0]), 'kind': 'repair_unit',
                'category': str(env['category']),
                'description': "厨房水管漏水",
                'photos': [(io.BytesIO(PNG), 'leak.png'),
                    (io.BytesIO(b'%PDF-1.4\n%...'), 'invoice.pdf')]},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER,
            response.get_data(as_text=True)[:300])
        ticket_id = int(response.location.rsplit('/', 1)[1])

        def check():
            Ticket = Pool().get('property.ticket')
            Attachment = Pool().get('ir.attachment')
            ticket = Ticket(ticket_id)
            self.assertEqual((ticket.channel, ticket.state,
                    ticket.reporter.id, ticket.unit.id), ('app', 'open',
                    env['wang'], env['units'][0]))
            self.assertTrue(ticket.reply_deadline)
            attachments = Attachment.search(
                [('resource', '=', str(ticket))])
            self.assertEqual(sorted(a.name for a in attachments),
                ['photo-1.png', 'photo-2.pdf'])
            return attachments[0].id
        attachment_id = committed(check)
        response = self.wang.get(
            f'tickets/{ticket_id}/attachments/{attachment_id}')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn(response.mimetype, {'image/png', 'application/pdf'})

        def dispatch_and_resolve():
            from trytond.modules.company.tests import set_company
            pool = Pool()
            Ticket = pool.get('property.ticket')
            ticket = Ticket(ticket_id)
            with set_company(pool.get('company.company')(env['company'])):
                ticket.assignee = env['technician']
                ticket.save()
                Ticket.assign([ticket])
                Ticket.start([ticket])
                ticket.resolution = "更换了水管接头"
                ticket.save()
                Ticket.resolve([ticket])
        committed(dispatch_and_resolve)
        html = self.page(self.wang, f'tickets/{ticket_id}')
        for expected in ['钱师傅', '更换了水管接头', '确认并评价']:
            self.assertIn(expected, html)
        # who is on it, by name only: never the staff's own data
        for staff_data in [STAFF_MOBILE, STAFF_EMAIL]:
            self.assertNotIn(staff_data, html)
        response = self.wang.post(f'tickets/{ticket_id}/rate',
            {'satisfaction': '9', 'comment': ''})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        response = self.wang.post(f'tickets/{ticket_id}/rate',
            {'satisfaction': '4', 'comment': "师傅很准时"})
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER)

        def visited():
            Ticket = Pool().get('property.ticket')
            ticket = Ticket(ticket_id)
            visit, = ticket.visits
            return (ticket.state, visit.method, visit.satisfaction,
                visit.comments)
        self.assertEqual(committed(visited),
            ('visited', 'app', 4, "师傅很准时"))
        self.assertIn('您的评价已记录', self.page(self.wang,
                f'tickets/{ticket_id}'))

    def test_report_common_area_problem(self):
        """An owner reports a problem of the common areas of their home's
        site (channel App, the site and no home): listed to its reporter,
        not to a neighbour of the same site; a repair in a home or another
        site's common areas are refused there with nothing saved"""
        env = self.env
        place = f"site-{env['site']}"
        html = self.page(self.wang, 'tickets/new')
        self.assertIn(f'value="{place}"', html)
        self.assertIn('公共区域', html)
        before = self.count('property.ticket')
        for unit, kind, message in [
                (place, 'repair_unit', '入户维修须选择房屋'),
                (f"site-{env['site'] + 10 ** 6}", 'repair_common', '房屋'),
                ('site-x', 'repair_common', '房屋')]:
            response = self.wang.post('tickets/new', {
                    'unit': unit, 'kind': kind,
                    'category': str(env['category']),
                    'description': "楼道灯不亮"})
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST,
                unit)
            self.assertIn(message, response.get_data(as_text=True))
        self.assertEqual(self.count('property.ticket'), before)
        response = self.wang.post('tickets/new', {
                'unit': place, 'kind': 'repair_common',
                'category': str(env['category']),
                'description': "1号楼电梯按钮失灵"})
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER,
            response.get_data(as_text=True)[:300])
        ticket_id = int(response.location.rsplit('/', 1)[1])

        def check():
            ticket = Pool().get('property.ticket')(ticket_id)
            return (ticket.site.id, ticket.unit, ticket.channel,
                ticket.reporter.id, ticket.state)
        self.assertEqual(committed(check),
            (env['site'], None, 'app', env['wang'], 'open'))
        self.assertIn(f'id="ticket-{ticket_id}"',
            self.page(self.wang, 'tickets'))
        html = self.page(self.wang, f'tickets/{ticket_id}')
        self.assertIn('1号楼电梯按钮失灵', html)
        self.assertIn('公共区域', html)
        self.assertNotIn(f'id="ticket-{ticket_id}"',
            self.page(self.li, 'tickets'))
        self.page(self.li, f'tickets/{ticket_id}', HTTPStatus.NOT_FOUND)

    def test_upload_checked_by_content(self):
        """Photos are checked by their content, not their name: text named
        .jpg, a seventh file or one over 10 MB is refused, nothing saved"""
        env = self.env
        before = (self.count('property.ticket'),
            self.count('ir.attachment'))
        for photos, message in [
                ([(io.BytesIO(b'<script>alert(1)</script>'), 'a.jpg')],
                    '只能上传照片'),
                ([(io.BytesIO(PNG), f'{n}.png') for n in range(7)],
                    '最多上传 6'),
                ([(io.BytesIO(b'\x89PNG\r\n\x1a\n' + b'0' * (10 * 2 ** 20)),
                            'big.png')], '超过 10 MB')]:
            response = self.li.post('tickets/new', {
                    'unit': str(env['units'][1]), 'kind': 'repair_unit',
                    'category': str(env['category']),
                    'description': "门锁坏了", 'photos': photos},
                content_type='multipart/form-data')
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
            self.assertIn(message, response.get_data(as_text=True))
        self.assertEqual((self.count('property.ticket'),
                self.count('ir.attachment')), before)

    @SETTINGS
    @given(st.fixed_dictionaries({}, optional={
                'unit': HOSTILE, 'kind': HOSTILE, 'category': HOSTILE,
                'description': HOSTILE}),
        st.lists(st.binary(max_size=64), max_size=2))
    def test_ticket_form_hostile_values(self, values, files):
        """Hostile values on the problem form: a ticket of the owner's
        home or a refusal in the owner's language that saves nothing,
        never a server error"""
        data = dict({'unit': str(self.env['units'][1]),
                'kind': 'repair_unit', 'category': str(self.env['category']),
                'description': "门铃不响"}, **values)
        if files:
            data['photos'] = [(io.BytesIO(f), f'f{n}.jpg')
                for n, f in enumerate(files)]
        before = self.count('property.ticket')
        response = self.li.post('tickets/new', data,
            content_type='multipart/form-data')
        self.assertIn(response.status_code, {HTTPStatus.SEE_OTHER,
                HTTPStatus.BAD_REQUEST}, response.get_data(as_text=True)[:300])
        if response.status_code == HTTPStatus.BAD_REQUEST:
            self.assertIn('class="error"', response.get_data(as_text=True))
            self.assertEqual(self.count('property.ticket'), before)
        else:
            ticket_id = int(response.location.rsplit('/', 1)[1])
            self.assertEqual(committed(lambda: (
                        Pool().get('property.ticket')(ticket_id).unit.id,
                        Pool().get('property.ticket')(ticket_id).channel)),
                (self.env['units'][1], 'app'))

    # -- password reset by e-mail -------------------------------------------

    def test_password_reset_by_email(self):
        """Forgot password: an e-mail through a real SMTP server with a
        one-time link; the page says the same for an unknown address or a
        mobile-only login (no mail); the link works once, not after its
        expiry; requests for one login are throttled"""
        def invite():
            from trytond.modules.company.tests import set_company
            pool = Pool()
            Invitation = pool.get('property.portal.invitation')
            party = person("钱芳", 'email', 'qian@example.com')
            pool.get('property.unit.resident').create([{
                        'unit': self.env['units'][3], 'party': party.id,
                        'role': 'family'}])
            with set_company(pool.get('company.company')(
                        self.env['company'])):
                invitation, = Invitation.invite([party])
                invitation.accept(PASSWORD)
        committed(invite, user=1)
        client = PortalClient()
        self.assertIn('忘记密码', self.page(client, 'signin'))
        # signed in on another phone with the old password
        other = PortalClient()
        self.assertEqual(other.sign_in('qian@example.com').status_code,
            HTTPStatus.SEE_OTHER)
        sent = '如果这是一个有电子邮箱的门户账户'
        # (the delays of web_user and of the page, not waited)
        with smtp_server() as received, \
                patch('trytond.modules.web_user.user.time'), \
                patch('trytond.modules.property_portal.routes.time') as time:
            for login in ['nobody@example.com', '13800000003',
                    'QIAN@example.com', 'qian@example.com']:
                response = client.post('forgot', {'login': login})
                self.assertEqual(response.status_code, HTTPStatus.OK, login)
                self.assertIn(sent, response.get_data(as_text=True))
            # one mail: none for the unknown address or the mobile-only
            # login, none again while the first link is valid
            (to, message), = received
            self.assertEqual(to, ['qian@example.com'])
            body = message.get_body(('plain', 'html')).get_content()
            link, = set(re.findall(r'http://localhost/[^\s"<>]+', body))
            self.assertIn(f'/{quote(DB_NAME)}/portal/reset?', link)
            path = link.split('/portal/', 1)[1]
            html = self.page(client, path.replace('&amp;', '&'))
            token = re.search(r'name="token" value="([0-9a-f]+)"',
                html).group(1)
            email = 'qian@example.com'
            values = {'token': token, 'email': email}
            for password, password2, status, message in [
                    ('new-secret-1', 'new-secret-2', 400, '不一致'),
                    ('short', 'short', 400, '至少需要 8'),
                    ('new-secret-1', 'new-secret-1', 200, '新密码已设置'),
                    # the link is used up
                    ('new-secret-3', 'new-secret-3', 400, '已失效')]:
                response = client.post('reset', dict(values,
                        password=password, password2=password2))
                self.assertEqual(response.status_code, status, message)
                self.assertIn(message, response.get_data(as_text=True))
            self.assertEqual(client.sign_in(email, 'new-secret-1')
                .status_code, HTTPStatus.SEE_OTHER)
            # the new password ended the other phone's session
            self.assertEqual(other.get('homes').status_code,
                HTTPStatus.SEE_OTHER)
            self.assertEqual(other.sign_in(email).status_code,
                HTTPStatus.UNAUTHORIZED)
            # a link past its expiry (web_user's, 24 h) does nothing
            response = client.post('forgot', {'login': email})
            self.assertEqual(len(received), 2)

            def expire():
                WebUser = Pool().get('web.user')
                user, = WebUser.search([('email', '=', email)])
                WebUser.write([user], {
                        'reset_password_token_expire':
                        dt.datetime.now() - dt.timedelta(seconds=1)})
                return user.reset_password_token
            token = committed(expire)
            response = client.post('reset', {'token': token, 'email': email,
                    'password': 'new-secret-4', 'password2': 'new-secret-4'})
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
            # the fifth request of the login is the last one taken
            for status in [HTTPStatus.OK, HTTPStatus.OK,
                    HTTPStatus.TOO_MANY_REQUESTS]:
                response = client.post('forgot', {'login': email})
                self.assertEqual(response.status_code, status)
            self.assertIn('请求次数过多', response.get_data(as_text=True))
            delays = [c.args[0] for c in time.sleep.call_args_list]
        # (a new link after the expired one, none while it is valid)
        self.assertEqual(len(received), 3)
        self.assertEqual(client.sign_in(email, 'new-secret-1').status_code,
            HTTPStatus.SEE_OTHER)
        self.assertEqual(delays[-4:], [1, 3, 7, 15])

    # -- family members and tenants -------------------------------------------

    def household_requests(self, domain):
        return committed(lambda: [(r.name, r.role, r.state)
                for r in Pool().get('property.portal.household_request')
                .search(domain, order=[('id', 'ASC')])])

    def as_clerk(self, func):
        "func(pool) run by the front desk clerk of the estate, committed"
        from trytond.modules.property_frontdesk.tests.test_module import (
            as_user)

        def run():
            pool = Pool()
            with as_user(pool.get('res.user')(self.env['clerk']),
                    pool.get('company.company')(self.env['company'])):
                return func(pool)
        return committed(run, user=1)

    def test_household_request_approved_or_refused(self):
        """An owner asks to add a family member and a tenant; bad values
        are refused and nothing is saved; the front desk approves the
        first (a resident of the home) and refuses the second with a
        reason; the owner sees both outcomes in the portal"""
        unit = self.env['units'][0]
        path = f'homes/{unit}/request'
        self.assertIn(path, self.page(self.wang, 'homes'))
        self.assertIn('家庭成员', self.page(self.wang, path))
        before = self.household_requests([])
        for values, message in [
                ({'role': 'tenant', 'name': "陈租客",
                        'phone': '13900000009'}, '起止日期'),
                ({'role': 'tenant', 'name': "陈租客", 'phone': '139',
                        'from_date': '2026-01-01',
                        'to_date': '2026-12-31'}, '电话号码无效'),
                ({'role': 'tenant', 'name': "陈租客",
                        'phone': '13900000009', 'from_date': '2026-12-31',
                        'to_date': '2026-01-01'}, '早于开始日期'),
                ({'role': 'tenant', 'name': "陈租客",
                        'phone': '13900000009', 'from_date': '2026-02-30',
                        'to_date': '2026-12-31'}, '日期无效'),
                ({'role': 'owner', 'name': "陈租客"}, '请选择家庭成员或租户'),
                ({'role': 'family', 'name': ' '}, '请填写该人员的姓名')]:
            response = self.wang.post(path, values)
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST,
                message)
            self.assertIn(message, response.get_data(as_text=True))
        self.assertEqual(self.household_requests([]), before)
        for values in [
                {'role': 'family', 'name': "王小红", 'relation': "女儿",
                    'phone': '139 0000 0008'},
                {'role': 'tenant', 'name': "陈租客", 'phone': '13900000009',
                    'from_date': '2027-01-01', 'to_date': '2027-12-31'}]:
            response = self.wang.post(path, values)
            self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER,
                response.get_data(as_text=True)[:300])
        mine = [('requested_by', '=', self.env['wang'])]
        self.assertEqual(self.household_requests(mine)[-2:], [
                ("王小红", 'family', 'requested'),
                ("陈租客", 'tenant', 'requested')])
        self.assertIn('待审核', self.page(self.wang, 'homes'))

        def decide(pool):
            Request = pool.get('property.portal.household_request')
            family, tenant = Request.search(mine, order=[('id', 'ASC')])[-2:]
            Request.approve([family])
            with self.assertRaisesRegex(UserError, 'reason|原因'):
                Request.refuse([tenant])
            Request.write([tenant], {'refusal_reason': "请先提交租赁合同"})
            Request.refuse([tenant])
            family = Request(family.id)
            resident = family.resident
            return (resident.unit.id, resident.role, resident.relation,
                resident.party.name, resident.party.mobile,
                family.decided_by.id, Request(tenant.id).state)
        self.assertEqual(self.as_clerk(decide), (unit, 'family', "女儿",
                "王小红", '139 0000 0008', self.env['clerk'], 'refused'))
        html = self.page(self.wang, 'homes')
        for expected in ['已批准', '已拒绝', '请先提交租赁合同']:
            self.assertIn(expected, html)
        # the new family member is one of the household now
        self.assertIn('<li>王小红 <span class="tag">', html)

    def test_household_request_owner_only(self):
        """Only an owner of the home asks: another owner and a resident
        who is not an owner get 404, and nothing is saved"""
        zhao = PortalClient()
        self.assertEqual(zhao.sign_in('zhao@example.com').status_code,
            HTTPStatus.SEE_OTHER)
        self.assertNotIn('/request', self.page(zhao, 'homes'))
        before = self.household_requests([])
        values = {'role': 'family', 'name': "外人"}
        for client, unit in [(self.li, self.env['units'][0]),
                (zhao, self.env['units'][2]),
                (self.li, self.env['units'][1] + 10 ** 6)]:
            for response in [client.get(f'homes/{unit}/request'),
                    client.post(f'homes/{unit}/request', values)]:
                self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
        self.assertEqual(self.household_requests([]), before)
        self.assertNotIn('王小红', self.page(self.li, 'homes'))

    # -- visitors -----------------------------------------------------------

    def test_guest_pass_qr_for_its_day_at_the_gate(self):
        """An owner registers a guest for today: a QR pass (its picture
        read back) and a link for the guest; the gate's Check Guest Pass
        accepts it that office day only (23:59:59 yes, 00:00 the next day
        no, nor the day before) and lets the guest in on the visitors'
        register; the renovation workers' Check Pass reads it too"""
        from pyzbar.pyzbar import decode
        from PIL import Image
        today = committed(lambda: Pool().get('ir.date').today(),
            context={'company': self.env['company']})
        unit = str(self.env['units'][0])
        for date, message in [(today - dt.timedelta(days=1), '今天到 30'),
                (today + dt.timedelta(days=31), '今天到 30')]:
            response = self.wang.post('guests', {'unit': unit,
                    'name': "陈先生", 'people': '2',
                    'date': date.isoformat()})
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
            self.assertIn(message, response.get_data(as_text=True))
        response = self.wang.post('guests', {'unit': unit,
                'name': "陈先生", 'phone': '13700000007', 'people': '2',
                'date': today.isoformat()})
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER,
            response.get_data(as_text=True)[:300])
        guest_id = int(response.location.rsplit('/', 1)[1])
        html = self.page(self.wang, f'guests/{guest_id}')
        png = re.search(r'src="data:image/png;base64,([^"]+)"', html)
        text, = [s.data.decode() for s in decode(Image.open(io.BytesIO(
                        __import__('base64').b64decode(png.group(1)))))]
        self.assertRegex(text, r'^G-[A-Z2-9]{12}$')
        self.assertIn(text, html)
        self.assertIn('陈先生', self.page(self.wang, 'guests'))
        # the guest opens the link without signing in
        link = re.search(r'href="http://localhost/[^"]*/portal/(pass/[^"]+)"',
            html).group(1)
        self.assertIn(text, self.page(PortalClient(), link))
        self.assertEqual(PortalClient().get('pass/G-ABCDEFGHJKLM')
            .status_code, HTTPStatus.NOT_FOUND)

        def check(pool):
            Guest = pool.get('property.portal.guest')
            results = []
            for moment in [dt.datetime.combine(today, dt.time(23, 59, 59)),
                    dt.datetime.combine(today + dt.timedelta(days=1),
                        dt.time(0, 0)),
                    dt.datetime.combine(today - dt.timedelta(days=1),
                        dt.time(23, 59, 59))]:
                with office_clock(moment):
                    valid, message, _ = Guest.check_pass(f' {text.lower()}\n')
                    results.append(valid)
            results.append(Guest.check_pass('G-ABCDEFGHJKLM')[0])
            # the renovation workers' Check Pass reads it too
            Worker = pool.get('property.decoration.worker')
            gate = [Worker.check_pass(text)[0]]
            with office_clock(dt.datetime.combine(
                        today + dt.timedelta(days=1), dt.time(0, 0))):
                gate.append(Worker.check_pass(text)[0])
            gate.append(Worker.check_pass('CR999999')[0])
            Wizard = pool.get('property.portal.check_guest_pass',
                type='wizard')
            session_id, _, _ = Wizard.create()
            Wizard.execute(session_id, {}, 'start')
            result = Wizard.execute(session_id, {'start': {'code': text}},
                'check')
            shown = result['view']['defaults']
            Wizard.execute(session_id, {'start': {'code': text}}, 'admit')
            Visitor = pool.get('property.visitor')
            visitor, = Visitor.search([('name', '=', "陈先生")])
            return (results, gate, shown['valid'], visitor.state,
                visitor.unit.id, visitor.people, visitor.let_in_by.id,
                bool(Guest(guest_id).admitted_at))
        self.assertEqual(self.as_clerk(check), ([True, False, False, False],
                [True, False, False], True, 'in', self.env['units'][0], 2, self.env['clerk'],
                True))

    def test_guests_of_a_resident_and_privacy(self):
        """A resident who is not an owner registers a guest too; another
        owner asking for the first one's guest pass gets 404"""
        zhao = PortalClient()
        zhao.sign_in('zhao@example.com')
        response = zhao.post('guests', {'unit': str(self.env['units'][2]),
                'name': "孙女士", 'people': '1',
                'date': self.page(zhao, 'guests').split(
                    'name="date" type="date" min="')[1][:10]})
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER)
        guest_id = int(response.location.rsplit('/', 1)[1])
        for client in [self.li, self.wang]:
            response = client.get(f'guests/{guest_id}')
            self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
            self.assertNotIn('孙女士', response.get_data(as_text=True))
            self.assertNotIn('孙女士', self.page(client, 'guests'))
        # a guest for a home that is not the visitor's is refused
        before = self.count('property.portal.guest')
        response = self.li.post('guests', {'unit': str(self.env['units'][2]),
                'name': "孙女士", 'people': '1', 'date': '2030-01-01'})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        self.assertEqual(self.count('property.portal.guest'), before)

    # -- the office side ----------------------------------------------------

    def test_ticket_list_tab_from_the_portal(self):
        """The front desk's ticket list has a tab of the tickets sent from
        the portal (channel App)"""
        def tab(pool):
            from trytond.pyson import PYSONDecoder
            ModelData = pool.get('ir.model.data')
            Domain = pool.get('ir.action.act_window.domain')
            Ticket = pool.get('property.ticket')
            domain = Domain(ModelData.get_id('property_portal',
                    'act_ticket_form_domain_portal'))
            tickets = Ticket.search(PYSONDecoder().decode(domain.domain))
            return (domain.act_window.res_model, domain.name,
                {t.channel for t in tickets},
                self.env['wang_ticket'] in [t.id for t in tickets])
        self.assertEqual(self.as_clerk(tab), ('property.ticket', "From the Portal",
                {'app'}, True))

    # -- CSRF and hostile values on the new forms -----------------------------

    def test_new_forms_csrf_refused(self):
        "Every new form sent without the page's CSRF token is refused"
        counts = [(m, self.count(m)) for m in [
                'property.portal.household_request',
                'property.portal.guest',
                'property.decoration.application']]
        for path, data in [
                ('forgot', {'login': 'wang@example.com'}),
                ('reset', {'token': 'x', 'email': 'wang@example.com',
                        'password': 'long-enough-1',
                        'password2': 'long-enough-1'}),
                (f"homes/{self.env['units'][0]}/request",
                    {'role': 'family', 'name': "王小红"}),
                ('guests', {'unit': str(self.env['units'][0]),
                        'name': "陈先生", 'people': '1',
                        'date': '2030-01-01'}),
                ('renovations/new', {'unit': str(self.env['units'][0]),
                        'planned_start': '2030-01-01',
                        'planned_end': '2030-02-01', 'scope': 'floors'})]:
            response = self.wang.post(path, data, csrf=False)
            self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN, path)
        self.assertEqual([(m, self.count(m)) for m, _ in counts], counts)

    @SETTINGS
    @given(st.sampled_from(['request', 'guests', 'forgot', 'reset',
                'renovations/new', 'signin', 'invitation']),
        st.fixed_dictionaries({}, optional={name: HOSTILE for name in [
                    'role', 'name', 'phone', 'relation', 'from_date',
                    'to_date', 'unit', 'people', 'date', 'login', 'token',
                    'email', 'password', 'password2', 'planned_start',
                    'planned_end', 'contractor', 'scope', 'description',
                    'scope_note_floors', 'doc_owner_identity', 'code']}))
    def test_new_forms_hostile_values(self, form, values):
        """Hostile values on the new forms, the sign-in and the invitation:
        a record of the owner's home or a refusal in the owner's language,
        never a server error"""
        path = {'request': f"homes/{self.env['units'][1]}/request"}.get(
            form, form)
        with patch('trytond.modules.web_user.user.time'), \
                patch('trytond.modules.property_portal.routes.time'):
            response = self.li.post(path, values)
        self.assertIn(response.status_code, {HTTPStatus.OK,
                HTTPStatus.SEE_OTHER, HTTPStatus.BAD_REQUEST,
                HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.UNAUTHORIZED},
            response.get_data(as_text=True)[:300])
        if response.status_code in {HTTPStatus.BAD_REQUEST,
                HTTPStatus.UNAUTHORIZED}:
            self.assertIn('class="error"', response.get_data(as_text=True))
        elif response.status_code == HTTPStatus.SEE_OTHER and form not in {
                'reset', 'signin'}:
            self.assertFalse(response.location.endswith('/signin'))


    # -- renovations (with property_decoration) -------------------------------

    def renovation_form(self, home, **values):
        "A renovation form of the home with every document of the checklist"
        today = office_today()
        data = {'unit': str(home),
            'planned_start': today.isoformat(),
            'planned_end': (today + dt.timedelta(days=45)).isoformat(),
            'contractor': str(self.env['contractor']),
            'scope': ['floors', 'kitchen_bath'],
            'scope_note_floors': "客厅铺木地板 35 m²",
            'description': "全屋翻新，不改动承重墙"}
        for kind in ['owner_authorisation', 'owner_identity',
                'worker_identity', 'business_licence', 'qualification',
                'drawings']:
            data[f'doc_{kind}'] = [(io.BytesIO(
                        PNG if kind != 'drawings' else b'%PDF-1.4\n%...'),
                    f'{kind}.png')]
        data.update(values)
        return data

    def test_renovation_refused_without_change(self):
        """Bad input on the renovation form (end before start, a start in
        the past, no scope, a required document missing, text named .jpg,
        a file over 10 MB, another owner's home) is refused in the owner's
        language, nothing saved; a resident who owns no home has no link
        to the renovations in the menu and gets 404"""
        env = self.env
        zhao = PortalClient()
        self.assertEqual(zhao.sign_in('zhao@example.com').status_code,
            HTTPStatus.SEE_OTHER)
        # the menu offers the renovations to owners only; the pages refuse
        # a resident who owns none with the portal's usual message
        renovations_link = 'href="/%s/portal/renovations"' % quote(DB_NAME)
        self.assertNotIn(renovations_link, self.page(zhao, 'homes'))
        self.assertIn(renovations_link, self.page(self.li, 'homes'))
        for path in ['renovations', 'renovations/new']:
            html = self.page(zhao, path, HTTPStatus.NOT_FOUND)
            self.assertIn('该页面不存在，或您无权查看。', html)
            self.assertNotIn(renovations_link, html)
        self.assertEqual(zhao.post('renovations/new', self.renovation_form(
                    env['units'][2]), content_type='multipart/form-data'
                ).status_code, HTTPStatus.NOT_FOUND)
        html = self.page(self.li, 'renovations/new')
        for expected in ['营业执照', '身份证', '装修项目', 'Jiayi Decoration']:
            self.assertIn(expected, html)
        today = office_today()
        before = (self.count('property.decoration.application'),
            self.count('ir.attachment'))
        unit = env['units'][1]
        for values, message in [
                ({'planned_end': (today - dt.timedelta(days=1)
                            ).isoformat()}, '计划完工日期早于开工日期'),
                ({'planned_start': (today - dt.timedelta(days=1)
                            ).isoformat()}, '开工日期不能早于今天'),
                ({'scope': []}, '请至少选择一项装修项目'),
                ({'doc_owner_identity': []}, '缺少申请资料：业主身份证复印件'),
                ({'doc_owner_identity': [(io.BytesIO(
                                    b'<script>alert(1)</script>'),
                                'id.jpg')]}, '只能上传照片'),
                ({'doc_drawings': [(io.BytesIO(b'%PDF-' + b'0' * (
                                        10 * 2 ** 20)), 'big.pdf')]},
                    '超过 10 MB'),
                ({'unit': str(env['units'][0])}, '请选择您的一处房屋'),
                ({'contractor': str(env['li'])}, '请从列表中选择装修单位')]:
            response = self.li.post('renovations/new',
                self.renovation_form(unit, **values),
                content_type='multipart/form-data')
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST,
                message)
            self.assertIn(message, response.get_data(as_text=True))
        # the works start today at the earliest, the office's today: at
        # 00:30 on 1 June at the office (UTC still 31 May) 31 May is past,
        # 1 June is not (refused only for the missing scope)
        with office_clock(dt.datetime(2027, 6, 1, 0, 30)):
            for start, message in [('2027-05-31', '开工日期不能早于今天'),
                    ('2027-06-01', '请至少选择一项装修项目')]:
                response = self.li.post('renovations/new',
                    self.renovation_form(unit, planned_start=start,
                        planned_end='2027-07-01', scope=[]),
                    content_type='multipart/form-data')
                self.assertEqual(response.status_code,
                    HTTPStatus.BAD_REQUEST, start)
                self.assertIn(message, response.get_data(as_text=True))
        self.assertEqual((self.count('property.decoration.application'),
                self.count('ir.attachment')), before)

    def test_renovation_applied_followed_permit_and_notices(self):
        """An owner applies for a renovation with the documents: submitted
        as one taken at the counter, channel portal; the office approves
        it and issues the permit, then a rectification notice; the owner
        follows each step and prints the permit and the notice; another
        owner gets 404 on all of it"""
        env = self.env
        response = self.wang.post('renovations/new',
            self.renovation_form(env['units'][0]),
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.SEE_OTHER,
            response.get_data(as_text=True)[:500])
        application_id = int(re.search(r'/renovations/(\d+)',
                response.location).group(1))

        def submitted():
            pool = Pool()
            Application = pool.get('property.decoration.application')
            Attachment = pool.get('ir.attachment')
            application = Application(application_id)
            attachments = Attachment.search(
                [('resource', '=', str(application))])
            return ((application.state, application.channel,
                    application.owner.id, application.unit.id,
                    application.contractor.id,
                    sorted(i.kind for i in application.scope_items),
                    all(d.received for d in application.documents
                        if d.required)),
                len(attachments), [a.id for a in attachments
                    if a.name == 'owner_identity-1.png'][0])
        state, files, attachment_id = committed(submitted)

        def tab(pool):
            # the front desk finds it under the tab From the Portal
            from trytond.pyson import PYSONDecoder
            Domain = pool.get('ir.action.act_window.domain')
            Application = pool.get('property.decoration.application')
            domain = Domain(pool.get('ir.model.data').get_id(
                    'property_portal', 'act_application_form_domain_portal'))
            return (domain.act_window.res_model, [a.id for a in
                    Application.search(PYSONDecoder().decode(
                            domain.domain))])
        self.assertEqual(self.as_clerk(tab),
            ('property.decoration.application', [application_id]))
        self.assertEqual(state, ('submitted', 'portal', env['wang'],
                env['units'][0], env['contractor'],
                ['floors', 'kitchen_bath'], True))
        self.assertEqual(files, 6)
        html = self.page(self.wang, f'renovations/{application_id}?sent=1')
        for expected in ['已提交', '您的申请已提交管理处', '客厅铺木地板',
                '业主身份证复印件']:
            self.assertIn(expected, html)
        self.assertIn(f'renovation-{application_id}',
            self.page(self.wang, 'renovations'))
        # a second application of the same home while this one is open
        response = self.wang.post('renovations/new',
            self.renovation_form(env['units'][0]),
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        self.assertIn('class="error"', response.get_data(as_text=True))

        def approve(pool):
            Application = pool.get('property.decoration.application')
            Application.approve([Application(application_id)])
            return Application(application_id).deposit_invoice.id
        deposit_invoice = self.as_staff('manager', approve)

        def pay_deposit():
            # the cashier takes the deposit (the administrator here)
            from trytond.modules.property_decoration.tests.tools import pay
            pool = Pool()
            Invoice = pool.get('account.invoice')
            Method = pool.get('account.invoice.payment.method')
            company = pool.get('company.company')(env['company'])
            method, = Method.search([('company', '=', company.id)],
                limit=1)
            pay({'company': company, 'cash': method},
                Invoice(deposit_invoice))
        committed(pay_deposit)

        def start(pool):
            Application = pool.get('property.decoration.application')
            Application.start([Application(application_id)])
            return Application(application_id).permit_number
        permit = self.as_clerk(start)
        html = self.page(self.wang, f'renovations/{application_id}')
        for expected in ['施工中', permit, '已批准', '许可证（PDF）']:
            self.assertIn(expected, html)
        response = self.wang.get(f'renovations/{application_id}/permit.pdf')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertEqual(response.mimetype, 'application/pdf')
        text = pdf_text(response.data)
        self.assertIn('装修许可证', text)
        self.assertIn(permit, text)

        def notice(pool):
            # the building manager's patrol finds drilling after hours and
            # issues the rectification notice
            Inspection = pool.get('property.decoration.inspection')
            Violation = pool.get('property.decoration.violation')
            Type = pool.get('property.decoration.violation.type')
            type_, = Type.search([('code', '=', 'V27')])
            inspection, = Inspection.create([{
                        'application': application_id,
                        'lines': [('create', [{'type': type_.id,
                                        'description': "21:00 后仍在电钻施工",
                                        }])]}])
            Inspection.confirm([inspection])
            violation, = Inspection(inspection.id).violations
            Violation.notify([violation])
            notice, = Violation(violation.id).notices
            return notice.id, notice.number
        notice_id, notice_number = self.as_staff('building', notice)
        html = self.page(self.wang, f'renovations/{application_id}')
        self.assertIn(notice_number, html)
        response = self.wang.get(
            f'renovations/{application_id}/notices/{notice_id}/notice.pdf')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn(notice_number, pdf_text(response.data))
        self.assertEqual(self.wang.get(f'renovations/{application_id}/'
                f'attachments/{attachment_id}').mimetype, 'image/png')
        # the second owner: none of it
        self.assertNotIn(f'renovation-{application_id}',
            self.page(self.li, 'renovations'))
        for path in [f'renovations/{application_id}',
                f'renovations/{application_id}/permit.pdf',
                f'renovations/{application_id}/attachments/{attachment_id}',
                f'renovations/{application_id}/notices/{notice_id}/'
                'notice.pdf']:
            response = self.li.get(path)
            self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND,
                path)
            self.assertNotIn(b'%PDF', response.data)
            self.assertNotIn(b'\x89PNG', response.data)
            self.assertNotIn(permit, response.get_data(as_text=True))
    def hostile_community(self):
        """An open meeting with one matter and an open survey of two
        questions of the estate's site, opened by the manager, for the
        hostile values (once for the class)"""
        cls = type(self)
        if getattr(cls, '_hostile_community', None) is None:
            today = office_today()

            def open_(pool):
                Assembly = pool.get('property.assembly')
                Survey = pool.get('property.survey')
                meeting, = Assembly.create([{'name': "临时业主大会",
                            'site': self.env['site'], 'record_date': today,
                            'matters': [('create', [{'sequence': 1,
                                            'kind': 'manager',
                                            'name': "增设电动车充电桩"}])],
                            }])
                Assembly.open([meeting])
                survey, = Survey.create([{'name': "绿化满意度调查",
                            'site': self.env['site'], 'start_date': today,
                            'end_date': today + dt.timedelta(days=30),
                            'sections': [('create', [{'sequence': 1,
                                            'kind': 'overall', 'name': "绿化",
                                            'questions': [('create', [
                                                        {'text': "草坪"},
                                                        {'text': "树木"}])]}])],
                            }])
                Survey.open([survey])
                return (meeting.id, meeting.matters[0].id, survey.id,
                    [q.id for q in survey.sections[0].questions])
            cls._hostile_community = self.as_staff('manager', open_)
        return cls._hostile_community

    @SETTINGS
    @given(st.sampled_from(['vote', 'survey']),
        st.fixed_dictionaries({}, optional={name: HOSTILE for name in [
                    'matter', 'choice', 'unit', 'q1', 'q2', 'comment']}))
    def test_vote_and_survey_forms_hostile_values(self, form, values):
        """Hostile values on the vote and the survey forms: the household's
        ballot or answer, or a refusal in the owner's language (Chinese)
        that saves nothing, never a server error"""
        meeting, matter, survey, questions = self.hostile_community()
        if form == 'vote':
            path = f'meetings/{meeting}/vote'
        else:
            path = f'surveys/{survey}/answer'
            # the questions' fields are named after their ids
            for name, question in zip(['q1', 'q2'], questions):
                if name in values:
                    values[f'q{question}'] = values.pop(name)

        def saved():
            pool = Pool()
            Ballot = pool.get('property.assembly.ballot')
            Answer = pool.get('property.survey.answer')
            return (
                [(b.choice, b.channel) for b in Ballot.search(
                        [('matter', '=', matter)])],
                [(a.unit.id, a.channel, a.comment,
                        sorted(l.score for l in a.lines))
                    for a in Answer.search([('survey', '=', survey)])])
        before = committed(saved)
        response = self.li.post(path, values)
        html = response.get_data(as_text=True)
        self.assertIn(response.status_code, {HTTPStatus.SEE_OTHER,
                HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND}, html[:300])
        after = committed(saved)
        if response.status_code == HTTPStatus.SEE_OTHER:
            ballots, answers = after
            if form == 'vote':
                self.assertEqual(len(ballots), 1)
                self.assertEqual(ballots[0][1], 'portal')
                self.assertEqual(ballots[0][0], values['choice'])
            else:
                self.assertEqual(before[1], [])
                (unit, channel, comment, scores), = answers
                self.assertEqual((unit, channel),
                    (self.env['units'][1], 'portal'))
                self.assertTrue(all(1 <= s <= 5 for s in scores), scores)
                self.assertNotIn('\x00', comment or '')
            return
        # refused: a message of the page in Chinese, nothing saved
        self.assertEqual(after, before)
        # (the page of a 404 says it in the same place)
        match = re.search(r'<p class="error"[^>]*>([^<]+)</p>', html)
        self.assertTrue(match, html[:500])
        self.assertRegex(match.group(1), '[\u4e00-\u9fff]')


    # -- notices and owners' votes (with property_community) -----------------

    def as_staff(self, key, func):
        "func(pool) run by the staff user env[key] of the estate, committed"
        def run():
            pool = Pool()
            with as_user(pool.get('res.user')(self.env[key]),
                    pool.get('company.company')(self.env['company'])):
                return func(pool)
        return committed(run, user=1)

    def test_notices_in_scope_and_read_receipts(self):
        """The notices on the board for an owner's homes, newest first, to
        the last day of their expiry in the office's time zone; another
        home's notice answers 404; the first opening records a read
        receipt, once; the manager sees on the notice who read it and how
        many households in scope"""
        env = self.env
        today = office_today()
        day = dt.timedelta(days=1)

        def draft(pool):
            Notice = pool.get('property.community.notice')
            return [n.id for n in Notice.create([{
                            'company': env['company'], 'title': title,
                            'body': f"{title}：详见物业服务中心。",
                            'kind': kind, 'scope': scope, **targets,
                            'publish_date': publish, 'expiry_date': expiry,
                            } for title, kind, scope, targets, publish, expiry
                        in [
                            ("一号楼停水通知", 'outage', 'buildings',
                                {'buildings': [('add', env['buildings'][:1])]},
                                today - day, today),
                            ("301室外墙管道维修", 'maintenance', 'units',
                                {'units': [('add', env['units'][:1])]},
                                today, None),
                            ("元旦社区联欢会", 'event', 'company', {},
                                today - 2 * day, None),
                            ("上月消防检查", 'safety', 'company', {},
                                today - 20 * day, today - day),
                            ("明日电梯保养", 'maintenance', 'company', {},
                                today + day, None)]])]
        water, pipe, party_, old, tomorrow = self.as_staff('clerk', draft)
        self.as_staff('manager', lambda pool: pool.get(
                'property.community.notice').publish(pool.get(
                    'property.community.notice').browse(
                    [water, pipe, party_, old, tomorrow])))
        late = dt.datetime.combine(today, dt.time(23, 59))
        with office_clock(late):
            html = self.page(self.wang, 'notices')
            listed = [int(i) for i in re.findall(r'id="notice-(\d+)"', html)]
            self.assertEqual(listed[:3], [pipe, water, party_])
            self.assertNotIn(old, listed)
            self.assertNotIn(tomorrow, listed)
            # 李伟 lives in the same building, not in 1-301; 张敏 in the
            # other building
            self.assertEqual([int(i) for i in re.findall(
                        r'id="notice-(\d+)"', self.page(self.li, 'notices'))
                    ][:2], [water, party_])
            for client, notice in [(self.li, pipe), (self.wang, old),
                    (self.wang, tomorrow)]:
                html = self.page(client, f'notices/{notice}',
                    HTTPStatus.NOT_FOUND)
                self.assertNotIn("管道维修", html)
        zhang = PortalClient()
        zhang.sign_in('13800000003')
        self.page(zhang, f'notices/{water}', HTTPStatus.NOT_FOUND)
        # the water cut's last day ends at midnight in Shanghai
        with office_clock(late + dt.timedelta(minutes=2)):
            self.page(self.wang, f'notices/{water}', HTTPStatus.NOT_FOUND)

        def receipts(pool):
            return [(r.party.id, r.unit.id, r.read_at)
                for r in pool.get('property.portal.notice.receipt').search(
                    [('notice', '=', water)])]
        self.assertEqual(self.as_staff('manager', receipts), [])
        with office_clock(dt.datetime.combine(today, dt.time(8, 0))) as first:
            html = self.page(self.wang, f'notices/{water}')
        self.assertIn("一号楼停水通知：详见物业服务中心。", html)
        with office_clock(dt.datetime.combine(today, dt.time(9, 0))):
            self.page(self.wang, f'notices/{water}')
            html = self.page(self.wang, 'notices')
        # the list marks the notices not read yet
        for notice, unread in [(water, False), (pipe, True)]:
            item = re.search(rf'id="notice-{notice}">(.*?)</li>', html,
                re.DOTALL).group(1)
            self.assertEqual('class="tag new"' in item, unread)
        self.assertEqual(self.as_staff('manager', receipts),
            [(env['wang'], env['units'][0], first)])

        def reading(pool):
            notice = pool.get('property.community.notice')(water)
            return (notice.households_read, notice.households,
                [r.party.name for r in notice.receipts])
        # 1-301 and 1-302 are in building 1; 1-301 has read it
        self.assertEqual(self.as_staff('manager', reading), (1, 2, ["王芳"]))

    @with_transaction()
    def test_ballot_channel_portal_only_from_the_portal(self):
        """The front desk keys in paper ballots: a ballot of the channel
        Portal sent from the web client is refused, nothing saved; the
        clerk's change of a portal ballot is a paper one again"""
        from trytond.model.exceptions import AccessError
        from trytond.modules.property_community.tests.test_module import (
            assembly_office, draft_meeting)
        pool = Pool()
        Assembly = pool.get('property.assembly')
        Ballot = pool.get('property.assembly.ballot')
        office = assembly_office()
        owners = office['owners']
        assembly = draft_meeting(office)
        matter = assembly.matters[0]
        with as_user(office['manager'], office['company']):
            Assembly.open([assembly])
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(AccessError, 'in the portal'):
                Ballot.create([{'matter': matter.id,
                            'party': owners['甲'].id, 'choice': 'for',
                            'channel': 'portal'}])
        self.assertEqual(Ballot.search([('matter', '=', matter.id)]), [])
        # as the portal's page casts it (as the server)
        with Transaction().set_user(0):
            ballot = Ballot.cast(matter, owners['乙'], 'for')
        self.assertEqual((ballot.channel, ballot.keyed_by), ('portal', None))
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(AccessError, 'in the portal'):
                Ballot.write([Ballot(ballot.id)], {'choice': 'abstain',
                        'channel': 'portal'})
            Ballot.write([Ballot(ballot.id)], {'choice': 'against'})
        ballot = Ballot(ballot.id)
        self.assertEqual((ballot.choice, ballot.channel, ballot.keyed_by),
            ('against', 'paper', office['clerk']))

    def test_vote_in_portal_changed_until_close_and_counted(self):
        """An owner of the electorate votes in the portal and changes the
        ballot (channel Portal, every version kept); a tenant, a matter of
        another meeting, a choice not offered and a form without its CSRF
        token are refused, nothing saved; after the manager closes the
        meeting, the count includes the portal ballots and no ballot is
        changed any more"""
        env = self.env
        today = office_today()

        def meetings(pool):
            Assembly = pool.get('property.assembly')
            open_, draft = Assembly.create([{
                        'name': name, 'site': env['site'],
                        'record_date': today,
                        'matters': [('create', [{'sequence': 1,
                                        'kind': 'manager', 'name': matter}])],
                        } for name, matter in [
                        ("2026年业主大会", "续聘物业服务企业"),
                        ("下次业主大会", "修订管理规约")]])
            Assembly.open([open_])
            return open_.id, open_.matters[0].id, draft.id, \
                draft.matters[0].id
        meeting, matter, draft, other = self.as_staff('manager', meetings)
        path = f'meetings/{meeting}'
        self.assertIn(path, self.page(self.wang, 'meetings'))
        self.assertNotIn(f'meetings/{draft}', self.page(self.wang, 'meetings'))
        self.page(self.wang, f'meetings/{draft}', HTTPStatus.NOT_FOUND)
        html = self.page(self.wang, path)
        self.assertIn("续聘物业服务企业", html)
        self.assertIn('name="choice"', html)

        def ballots(pool):
            Ballot = pool.get('property.assembly.ballot')
            return [(b.party.id, b.choice, b.channel, b.keyed_by)
                for b in Ballot.search([('matter', '=', matter)],
                    order=[('id', 'ASC')])]

        def versions(pool):
            "The choices of the ballot's versions kept in its history"
            from sql import Column
            Ballot = pool.get('property.assembly.ballot')
            history = Ballot.__table_history__()
            ballot, = Ballot.search([('matter', '=', matter)])
            cursor = Transaction().connection.cursor()
            cursor.execute(*history.select(history.choice,
                    where=history.id == ballot.id,
                    order_by=[Column(history, '__id')]))
            choices = [c for c, in cursor]
            # (the stamp of who and when is a version of its own)
            return [c for i, c in enumerate(choices)
                if not i or c != choices[i - 1]]

        def vote(client, choice, matter=matter, status=HTTPStatus.SEE_OTHER,
                **kwargs):
            response = client.post(f'{path}/vote',
                {'matter': str(matter), 'choice': choice}, **kwargs)
            self.assertEqual(response.status_code, status,
                response.get_data(as_text=True)[:300])
            return response.get_data(as_text=True)

        vote(self.wang, 'for')
        self.assertIn('您的表决票已保存', self.page(self.wang,
                f'{path}?voted=1'))
        vote(self.wang, 'against')
        self.assertEqual(committed(lambda: ballots(Pool())),
            [(env['wang'], 'against', 'portal', None)])
        # every version of the ballot is kept, as for the paper ones
        self.assertEqual(committed(lambda: versions(Pool())),
            ['for', 'against'])
        vote(self.li, 'for')
        # 张敏's paper ballot, keyed in by the front desk
        self.as_staff('clerk', lambda pool: pool.get(
                'property.assembly.ballot').create([{'matter': matter,
                        'party': env['zhang'], 'choice': 'for'}]))
        before = committed(lambda: ballots(Pool()))
        zhao = PortalClient()
        zhao.sign_in('zhao@example.com')
        html = self.page(zhao, path)
        self.assertIn('您不在表决名单中', html)
        self.assertNotIn('name="choice"', html)
        for client, values, message in [
                (zhao, {'matter': str(matter), 'choice': 'for'}, '没有表决权'),
                (self.wang, {'matter': str(other), 'choice': 'for'},
                    '该事项不属于本次业主大会'),
                (self.wang, {'matter': 'x', 'choice': 'for'},
                    '该事项不属于本次业主大会'),
                (self.wang, {'matter': str(matter), 'choice': 'maybe'},
                    '请选择同意、反对或弃权')]:
            response = client.post(f'{path}/vote', values)
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST,
                message)
            self.assertIn(message, response.get_data(as_text=True))
        response = self.wang.post(f'{path}/vote',
            {'matter': str(matter), 'choice': 'for'}, csrf=False)
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)
        self.assertEqual(committed(lambda: ballots(Pool())), before)

        def close(pool):
            Assembly = pool.get('property.assembly')
            Assembly.close([Assembly(meeting)])
            matter_ = pool.get('property.assembly.matter')(matter)
            return (matter_.result, matter_.voted_heads, matter_.for_heads,
                matter_.against_heads, matter_.against_area)
        # 3 of the 4 owners voted (2/3 of heads and of area); 2 of 3 for
        self.assertEqual(self.as_staff('manager', close),
            ('passed', 3, 2, 1, Decimal('89.37')))
        html = vote(self.wang, 'for', status=HTTPStatus.BAD_REQUEST)
        self.assertIn('不在表决期间', html)
        self.assertEqual(committed(lambda: ballots(Pool())), before)
        html = self.page(self.wang, path)
        self.assertNotIn('name="choice"', html)
        self.assertIn('通过', html)

    def test_survey_answered_once_in_portal(self):
        """The household answers the open survey of its site once in the
        portal (channel Portal) and reads its answer back; a second answer,
        a score out of the scale or missing, a closed survey (refused in
        the owner's language), a form without its CSRF token are refused,
        nothing saved; another's home and a draft survey answer 404"""
        env = self.env
        today = office_today()

        def surveys(pool):
            Survey = pool.get('property.survey')
            open_, closed, draft = Survey.create([{
                        'name': name, 'site': env['site'],
                        'start_date': today,
                        'end_date': today + dt.timedelta(days=30),
                        'sections': [('create', [{'sequence': 1,
                                        'kind': 'overall', 'name': "总体满意度",
                                        'questions': [('create', [
                                                    {'text': "物业服务总体"},
                                                    {'text': "楼道清洁"}])]}])],
                        } for name in ["业主满意度调查", "上次调查", "下次调查"]])
            Survey.open([open_, closed])
            Survey.close([closed])
            return (open_.id, [q.id for q in open_.sections[0].questions],
                closed.id, [q.id for q in closed.sections[0].questions],
                draft.id)
        survey, (q1, q2), closed, closed_questions, draft = self.as_staff(
            'manager', surveys)
        path = f'surveys/{survey}'
        html = self.page(self.wang, 'surveys')
        self.assertIn(path, html)
        self.assertIn(f'surveys/{closed}', html)
        self.assertNotIn(f'surveys/{draft}', html)
        self.page(self.wang, f'surveys/{draft}', HTTPStatus.NOT_FOUND)
        html = self.page(self.wang, path)
        self.assertIn(f'name="q{q1}"', html)
        self.assertIn('5 非常满意', html)

        def answers(pool):
            Answer = pool.get('property.survey.answer')
            return [(a.unit.id, a.party.id, a.channel, a.comment,
                    sorted((l.question.id, l.score) for l in a.lines))
                for a in Answer.search([], order=[('id', 'ASC')])]

        def answer(client, values, survey=survey,
                status=HTTPStatus.SEE_OTHER, **kwargs):
            response = client.post(f'surveys/{survey}/answer', values,
                **kwargs)
            self.assertEqual(response.status_code, status,
                response.get_data(as_text=True)[:300])
            return response.get_data(as_text=True)

        wang_home = str(env['units'][0])
        answer(self.wang, {'unit': wang_home, f'q{q1}': '5', f'q{q2}': '3',
                'comment': "楼道灯坏了"})
        self.assertEqual(committed(lambda: answers(Pool())), [
                (env['units'][0], env['wang'], 'portal', "楼道灯坏了",
                    [(q1, 5), (q2, 3)])])
        html = self.page(self.wang, f'{path}?answered=1')
        self.assertIn('您的答卷已保存', html)
        self.assertIn('您家已作答（业主门户）', html)
        self.assertNotIn(f'name="q{q1}"', html)
        before = committed(lambda: answers(Pool()))
        zhang = PortalClient()
        zhang.sign_in('13800000003')
        zhang.get('lang/en')
        zhang_home = str(env['units'][2])
        for client, values, message, survey_ in [
                (self.wang, {'unit': wang_home, f'q{q1}': '4',
                        f'q{q2}': '4'}, '已提交过调查', survey),
                (self.li, {'unit': str(env['units'][1]), f'q{q1}': '6',
                        f'q{q2}': '4'}, '超出范围', survey),
                (self.li, {'unit': str(env['units'][1]), f'q{q1}': '0',
                        f'q{q2}': '4'}, '超出范围', survey),
                (self.li, {'unit': str(env['units'][1]), f'q{q1}': '4'},
                    '请为问题“楼道清洁”评1至5分', survey),
                (self.li, {'unit': str(env['units'][1]), f'q{q1}': 'x',
                        f'q{q2}': '4'}, '请为问题“物业服务总体”评1至5分',
                    survey),
                (zhang, {'unit': zhang_home, f'q{q1}': '9', f'q{q2}': '4'},
                    'Your answer was not saved', survey),
                (zhang, {'unit': zhang_home, **{f'q{q}': '4'
                            for q in closed_questions}},
                    'is not open', closed)]:
            html = answer(client, values, survey=survey_,
                status=HTTPStatus.BAD_REQUEST)
            self.assertIn(message, html)
        # another's home, a draft survey: as if they did not exist
        answer(self.li, {'unit': wang_home, f'q{q1}': '4', f'q{q2}': '4'},
            status=HTTPStatus.NOT_FOUND)
        answer(self.li, {'unit': str(env['units'][1]), f'q{q1}': '4',
                f'q{q2}': '4'}, survey=draft, status=HTTPStatus.NOT_FOUND)
        answer(self.li, {'unit': str(env['units'][1]), f'q{q1}': '4',
                f'q{q2}': '4'}, status=HTTPStatus.FORBIDDEN, csrf=False)
        self.assertEqual(committed(lambda: answers(Pool())), before)
        self.assertNotIn("楼道灯坏了", self.page(self.li, path))

    def test_common_income_statements_of_own_site(self):
        """The owners read the published quarterly statements of their
        site's common income with the figures and print them; a draft and
        another site's statement are not shown (404 for the PDF)"""
        from trytond.modules.account.tests import get_fiscalyear
        env = self.env
        today = office_today()
        quarter = (today.month - 1) // 3
        year = today.year if quarter else today.year - 1
        quarter = quarter or 4
        day = dt.date(year, 3 * quarter, 15)

        def ledger(pool):
            "The administrator sets the site's ledger up, another site's"
            AccountType = pool.get('account.account.type')
            Account = pool.get('account.account')
            FiscalYear = pool.get('account.fiscalyear')
            Journal = pool.get('account.journal')
            Ledger = pool.get('property.community.ledger')
            Site = pool.get('property.site')
            Statement = pool.get('property.community.income.statement')
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            company = pool.get('company.company')(env['company'])
            with Transaction().set_context(company=company.id):
                if not FiscalYear.search([('company', '=', company.id),
                            ('start_date', '<=', day),
                            ('end_date', '>=', day)]):
                    fiscalyear = get_fiscalyear(company, day)
                    fiscalyear.save()
                    FiscalYear.create_period([fiscalyear])
                kind, = AccountType.create([{'name': "Balance",
                            'company': company.id, 'statement': 'balance'}])
                accounts = Account.create([{'name': n, 'code': c,
                            'type': kind.id, 'company': company.id}
                        for c, n in [('2241', "专项维修资金"),
                            ('100201', "维修资金专户"), ('2242', "公共收益"),
                            ('100202', "基本户")]])
            journal, = Journal.search([('type', '=', 'general')], limit=1)
            Ledger.create([{'site': env['site'], 'journal': journal.id,
                        'fund_account': accounts[0].id,
                        'fund_bank_account': accounts[1].id,
                        'income_account': accounts[2].id,
                        'income_bank_account': accounts[3].id}])
            finance = create_staff("钱会计", 'portal.finance',
                'property_billing.group_property_finance', company,
                [Site(env['site'])])
            User.write([finance], {'groups': [('add', [
                                ModelData.get_id('account',
                                    'group_account')])]})
            other, = Site.create([{'name': "Other Garden", 'code': 'OG',
                        'company': company.id}])
            theirs, = Statement.create([{'site': other.id, 'year': year,
                        'quarter': str(quarter)}])
            Statement.publish([theirs])
            return finance.id, theirs.id
        env['finance'], theirs = committed(lambda: ledger(Pool()), user=1)

        def post(pool):
            Income = pool.get('property.community.income')
            Statement = pool.get('property.community.income.statement')
            entries = Income.create([{'site': env['site'], 'kind': k,
                        'date': day, 'amount': Decimal(a),
                        'description': t} for k, a, t in [
                        ('advertising', '6000.00', "电梯广告"),
                        ('use', '1500.00', "绿化补种")]])
            Income.post(entries)
            mine, draft = Statement.create([{'site': env['site'],
                        'year': y, 'quarter': str(q)} for y, q in [
                        (year, quarter), (year - 1, 1)]])
            return mine.id, draft.id
        mine, draft = self.as_staff('finance', post)
        self.as_staff('manager', lambda pool: pool.get(
                'property.community.income.statement').publish([pool.get(
                        'property.community.income.statement')(mine)]))
        html = self.page(self.wang, 'statements')
        self.assertIn(f'statements/{mine}/statement.pdf', html)
        for expected in ['公共收益', '6,000.00', '1,500.00', '4,500.00',
                '上期结余']:
            self.assertIn(expected, html)
        for other in [theirs, draft]:
            self.assertNotIn(f'statements/{other}/', html)
            response = self.wang.get(f'statements/{other}/statement.pdf')
            self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
            self.assertNotIn(b'%PDF', response.data)
        response = self.wang.get(f'statements/{mine}/statement.pdf')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertEqual(response.mimetype, 'application/pdf')
        text = pdf_text(response.data)
        for expected in ['公共收益', '电梯广告', '6,000.00', '4,500.00']:
            self.assertIn(expected, text)


    # -- prepaid balance and statement of account (with property_billing) ---

    def test_prepaid_balance_and_statement_of_account(self):
        """The front desk takes 300.00 in advance from 张敏: her Bills page
        and her tenant's show it as her prepaid balance; she gets her
        statement of account for a period as a PDF (this year so far by
        default, on the office's calendar); her tenant and another owner
        asking for it get 404"""
        from trytond.modules.property_billing.tests.tools import MONTH
        env = self.env
        zhang_id = env['zhang']
        today = office_today()

        def receive(pool):
            "The clerk receives the money at the counter (its wizard)"
            Method = pool.get('account.invoice.payment.method')
            Wizard = pool.get('property.prepayment.receive', type='wizard')
            # (the decoration's set-up of the class has a "Cash" too)
            method = Method.search([('name', '=', "Cash")],
                order=[('id', 'ASC')], limit=1)[0]
            with Transaction().set_context(active_model='party.party',
                    active_id=zhang_id, active_ids=[zhang_id]):
                session_id, _, _ = Wizard.create()
                Wizard.execute(session_id, {'start': {
                            'company': env['company'],
                            'party': zhang_id, 'amount': Decimal('300.00'),
                            'payment_method': method.id, 'date': today,
                            }}, 'receive')
                Wizard.delete(session_id)
            return [i.number for i in pool.get('account.invoice').search([
                        ('party', '=', zhang_id)])]
        numbers = self.as_clerk(receive)
        self.assertEqual(len(numbers), 2)
        zhang, zhao = PortalClient(), PortalClient()
        zhang.sign_in('13800000003')
        zhao.sign_in('zhao@example.com')
        statement = f'bills/statement/{zhang_id}'
        html = self.page(zhang, 'bills')
        card = re.search(rf'id="payer-{zhang_id}".*?</section>', html,
            re.S).group(0)
        for expected in ['预存款余额', '张敏', '300.00', statement, '对账单']:
            self.assertIn(expected, card)
        # the tenant sees the payer of the home's bills, not her statement
        html = self.page(zhao, 'bills')
        card = re.search(rf'id="payer-{zhang_id}".*?</section>', html,
            re.S).group(0)
        self.assertIn('300.00', card)
        self.assertNotIn(statement, html)
        for client in [zhao, self.li]:
            for path in [statement, statement + '?from_date='
                    f'{MONTH.isoformat()}&to_date={today.isoformat()}']:
                response = client.get(path)
                self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
                self.assertNotIn(b'%PDF', response.data)
                self.assertNotIn('张敏', response.get_data(as_text=True))
        # the default period: this year so far, by the office's calendar
        # (Asia/Shanghai: 00:30 on 1 January is still 31 December in UTC)
        for clock, start, end in [
                (dt.datetime(2027, 1, 1, 0, 30), '2027-01-01', '2027-01-01'),
                (dt.datetime(2026, 12, 31, 23, 30), '2026-01-01',
                    '2026-12-31')]:
            with office_clock(clock):
                html = self.page(zhang, statement)
            self.assertIn(f'name="from_date" type="date" value="{start}"',
                html)
            self.assertIn(f'name="to_date" type="date" value="{end}"', html)
        first = (MONTH - dt.timedelta(days=1)).replace(day=1)
        response = zhang.get(statement, query_string={
                'from_date': first.isoformat(),
                'to_date': today.isoformat()})
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertEqual(response.mimetype, 'application/pdf')
        text = pdf_text(response.data)
        period = committed(lambda: [Pool().get('ir.lang').get(
                    'zh_CN').strftime(d) for d in [first, today]])
        for expected in ['业主对账单', '张敏', '300.00'] + period + numbers:
            self.assertIn(expected, text)
        self.assertNotIn('王芳', text)
        # bad periods: a translated message, 400, no PDF
        for query, message in [
                ({'from_date': '2026-02-30', 'to_date': '2026-03-01'},
                    '日期无效'),
                ({'from_date': '2026-03-01'}, '日期无效'),
                ({'from_date': "'; --", 'to_date': '楼' * 20}, '日期无效'),
                ({'from_date': '2026-03-02', 'to_date': '2026-03-01'},
                    '起始日期不能晚于截止日期'),
                ]:
            response = zhang.get(statement, query_string=query)
            self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST,
                query)
            self.assertNotIn(b'%PDF', response.data)
            self.assertIn(message, response.get_data(as_text=True), query)


class PortalClient:
    "A phone's browser on the portal: its own cookies"

    def __init__(self):
        from trytond.wsgi import app
        self.client = Client(app)
        self.base = f'/{quote(DB_NAME)}/portal'
        self.token = None

    def get(self, path, **kwargs):
        return self.client.get(f'{self.base}/{path}', **kwargs)

    def csrf(self):
        "The CSRF token of the forms, as read from the sign-in page"
        if self.token is None:
            html = self.get('signin').get_data(as_text=True)
            match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
            assert match, html[:500]
            self.token = match.group(1)
        return self.token

    def post(self, path, data, csrf=True, **kwargs):
        data = dict(data)
        if csrf:
            data['csrf'] = self.csrf()
        return self.client.post(f'{self.base}/{path}', data=data, **kwargs)

    def sign_in(self, login, password=PASSWORD):
        return self.post('signin', {'login': login, 'password': password})


del ModuleTestCase
