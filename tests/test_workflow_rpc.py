# This file is part of the property-management suite.
"""Workflow states change only through the workflow, over the real RPC

As each staff group, over the server's JSON-RPC (the WSGI application, as
the web client calls it; helpers of test_rpc_fuzz), on every workflow model
of the suite (the models with a stored state, found in the pool, so that a
new one joins by itself):

- creating a record in a state other than its initial one is refused;
- writing its state, or a field the suite maintains itself (the model's
  ``_maintained_fields``), is refused, with a user error naming the field;
- every button is allowed exactly to the groups docs/ACCESS.md and the
  button's groups allow, and refused with a user error to the others;
- never a server error.

And the bypasses found by hand (issue 17): a ticket created closed, closed
by a write, its reply deadline moved, its reply time backdated, its level
lowered, its number rewritten; an occupied home set back to vacant; a link
to a record that does not exist (SQLite had no foreign keys)."""
import datetime as dt
import functools
import unittest

import test_security
from test_rpc_fuzz import PASSWORD, JsonRpc
from trytond.model import fields
from trytond.modules.property_base.tests.tools import committed
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, drop_db
from trytond.transaction import Transaction

# The messages of a refusal, as the English client shows them
WORKFLOW = ['cannot be created in state', 'changes only with its buttons',
    'is maintained by the application', 'cannot be changed in state']
# Tryton's refusals of the access rights and of the buttons' groups
DENIED = ['You are not allowed to', 'Calling button']
ACCESS = DENIED + ['cannot be created in state',
    'changes only with its buttons', 'is maintained by the application']
MISSING = 'does not exist'
MISSING_ID = 999999


def workflow_models():
    "{name: class} of the suite's models with a stored state"
    pool = Pool()
    IrModel = pool.get('ir.model')
    names = {m.name for m in IrModel.search(
            [('module', 'in', test_security.MODULES)])}
    result = {}
    for name in sorted(names):
        Model = pool.get(name)
        field = Model._fields.get('state')
        if (isinstance(field, fields.Selection)
                and not isinstance(field, fields.Function)
                and hasattr(Model, 'create')
                and not callable(getattr(Model, 'table_query', None))):
            result[name] = Model
    return result


def message(reply):
    "The text of an error reply"
    error = reply['error']
    if isinstance(error[1], (list, tuple)) and error[1]:
        return str(error[1][0])
    return str(error[1])


class WorkflowRpcTestCase(JsonRpc, unittest.TestCase):
    "Test that the workflow cannot be bypassed over RPC"

    @classmethod
    def setUpClass(cls):
        # The calls commit: a database of their own, dropped at the end
        drop_db()
        activate_module(test_security.MODULES)
        cls.env = committed(cls.build)
        cls.start_client()
        cls.auth = {login: cls.login(login) for login in cls.env['users']}

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @classmethod
    def build(cls):
        pool = Pool()
        User = pool.get('res.user')
        Ticket = pool.get('property.ticket')
        first, second, _ = test_security.SecurityTestCase.estate(None)
        company = first['company']
        users = {}
        for xml_id, group in test_security.suite_groups():
            login = 'wf.' + xml_id.split('.', 1)[1].replace(
                'group_property_', '')
            User.create([{'name': login, 'login': login,
                        'password': PASSWORD,
                        'groups': [('add', [group.id])],
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'property_sites': [('add', [first['site'].id])],
                        }])
            users[login] = xml_id
        ticket, = Ticket.search([('site', '=', first['site'].id)])
        # A level-1 complaint in progress (as the buttons leave it)
        progress, = Ticket.copy([ticket])
        Ticket.open([progress])
        table = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.state, table.level],
                ['in_progress', '1'], where=table.id == progress.id))
        with Transaction().set_context(company=company.id):
            cls.workflow_records(first, ticket)
        return {
            'company': company.id,
            'site': first['site'].id,
            'unit': first['units'][0].id,
            'owner': first['owners'][0].id,
            'category': ticket.category.id,
            'draft_ticket': ticket.id,
            'ticket': progress.id,
            'users': users,
            }

    @staticmethod
    def workflow_records(estate, ticket):
        """A record in its initial state of each workflow model the estate
        has none of, for their buttons to be pressed by every group"""
        pool = Pool()
        get = pool.get
        company = estate['company']
        site = estate['site']
        unit, other_unit = estate['units'][:2]
        owner = estate['owners'][0]
        Party = get('party.party')
        Employee = get('company.employee')
        staff, relief = Employee.create([{'party': p.id,
                    'company': company.id}
                for p in Party.create([{'name': "Zhou Min"},
                        {'name': "Wu Ting"}])])
        archive, = get('property.archive').create([{'name': "Owner file",
                    'number': 'A-1', 'site': site.id}])
        get('property.archive.loan').create([{'archive': archive.id,
                    'borrower': staff.id}])
        get('property.key').create([{'name': "Front door",
                    'unit': unit.id}])
        get('property.move').create([{'party': owner.id,
                    'unit': unit.id, 'kind': 'move_out'}])
        get('property.vacant.inspection').create([{'unit': unit.id}])
        meter, = get('property.meter').create([{'number': 'W-1',
                    'unit': unit.id,
                    'fee_type': estate['fee_types']['WA'].id}])
        Reading = get('property.meter.reading')
        Reading.create([{'meter': meter.id, 'value': 12}])
        # and one flagged, far above the meter's average, to be reviewed
        other_meter, = get('property.meter').create([{'number': 'W-2',
                    'unit': other_unit.id,
                    'fee_type': estate['fee_types']['WA'].id}])
        today = get('ir.date').today()
        for days, value in [(90, 10), (60, 20), (30, 30), (0, 1000)]:
            Reading.create([{'meter': other_meter.id, 'value': value,
                        'date': today - dt.timedelta(days=days)}])
        # a shared meter's month flagged for its loss, to be reviewed
        water = estate['fee_types']['WA']
        shared_water, = get('property.fee.type').create([{'code': 'SW',
                    'name': "Shared water", 'company': company.id,
                    'product': water.product.id, 'method': 'metered',
                    'timing': 'arrears'}])
        shared, = get('property.meter.shared').create([{
                    'company': company.id, 'building': unit.building.id,
                    'number': 'M-1', 'fee_type': water.id,
                    'share_fee_type': shared_water.id}])
        get('property.meter.shared.month').create([{'meter': shared.id,
                    'service_start': today.replace(day=1),
                    'service_end': today, 'master_consumption': 10,
                    'sub_consumption': 5, 'common_consumption': 5,
                    'loss': 50, 'state': 'flagged'}])
        # The renovations at the stage of their inspections and acceptance
        # (as the buttons leave them)
        Application = get('property.decoration.application')
        application, = Application.search([('unit', '=', other_unit.id)])
        completed, = Application.create([{'company': company.id,
                    'unit': estate['units'][2].id,
                    'owner': estate['owners'][2].id,
                    'planned_start': application.planned_start,
                    'planned_end': application.planned_end}])
        table = Application.__table__()
        cursor = Transaction().connection.cursor()
        for job, state in [(application, 'in_progress'),
                (completed, 'completed')]:
            cursor.execute(*table.update([table.state, table.actual_start],
                    [state, job.planned_start], where=table.id == job.id))
        # forget the states read before the update
        transaction = Transaction()
        transaction.counter += 1
        for cache in transaction.cache.values():
            cache.pop(Application.__name__, None)
        get('property.decoration.acceptance').create([
                {'application': completed.id}])
        get('property.decoration.inspection').create([
                {'application': application.id}])
        kind, = get('property.decoration.violation.type').create([
                {'code': 'NOI', 'name': "Noise out of hours"}])
        violation, = get('property.decoration.violation').create([
                {'application': application.id, 'type': kind.id}])
        today = get('ir.date').today()
        get('property.decoration.notice').create([
                {'violation': violation.id, 'date': today,
                    'deadline': today, 'sanction': 'education'}])
        get('property.collective_issue').create([{'name': "Lift 2 stops",
                    'site': site.id}])
        get('property.shift.handover').create([
                {'site': site.id, 'from_employee': staff.id,
                    'to_employee': relief.id}])
        get('property.patrol').create([{'site': site.id,
                    'inspector': staff.id}])
        get('property.incident').create([{'site': site.id,
                    'location': "Lobby", 'title': "A visitor slipped",
                    'description': "Wet floor", 'reporter': staff.id}])
        get('property.meeting').create([{'site': site.id,
                    'kind': 'daily_summary', 'chair': staff.id,
                    'minutes': "The day's repairs are all dispatched",
                    'attendees': [('create', [{'employee': relief.id}])]}])
        builder, = Party.create([{'name': "Builder"}])
        get('property.defect').create([{'site': site.id, 'unit': unit.id,
                    'description': "Leaking bathroom", 'party': builder.id}])
        category, = get('property.equipment.category').create([
                {'code': 'PUMP', 'name': "Water pump", 'kind': 'water_pump'}])
        get('property.equipment').create([{'site': site.id, 'code': 'P-1',
                    'name': "Domestic water pump", 'category': category.id}])
        get('property.fire.check').create([{'site': site.id,
                    'month': get('ir.date').today()}])
        get('property.work_order').create([{'ticket': ticket.id,
                    'department': ticket.category.department.id,
                    'description': "Replace the pipe"}])
        post, = get('property.post').create([{'code': 'FD',
                    'name': "Front desk"}])
        template, = get('property.appraisal.template').create([
                {'name': "Front desk", 'post': post.id}])
        get('property.appraisal').create([{'employee': staff.id,
                    'site': site.id, 'template': template.id}])
        course, = get('property.training.course').create([
                {'code': 'SRV', 'name': "Service etiquette"}])
        get('property.assessment').create([{'course': course.id,
                    'site': site.id}])
        get('property.training.plan').create([{'name': "December",
                    'month': today.replace(day=1), 'site': site.id}])
        shift, = get('property.shift').create([{'code': 'D',
                    'name': "Day", 'start': dt.time(8), 'end': dt.time(17)}])
        Roster = get('property.roster')
        month = Roster.default_month()
        roster, = Roster.create([{'post': post.id, 'site': site.id,
                    'month': month, 'lines': [('create', [{
                                    'employee': staff.id, 'shift': shift.id,
                                    'date': month}])]}])
        get('property.roster.swap').create([{'line': roster.lines[0].id,
                    'employee': relief.id}])
        get('property.leave').create([{'employee': staff.id,
                    'site': site.id, 'kind': 'personal', 'start': month,
                    'end': month, 'reason': "Family matter"}])
        get('property.attendance.report').create([{'site': site.id,
                    'month': today.replace(day=1)}])
        get('property.quality.check').create([{'site': site.id,
                    'date': today, 'checker': relief.id,
                    'lines': [('create', [{'employee': staff.id,
                                    'item': 'uniform'}])]}])
        get('property.reward_penalty').create([{'employee': staff.id,
                    'site': site.id, 'date': today, 'kind': 'penalty',
                    'description': "Late", 'points': 2}])
        # a mentor qualified for a post requiring no course
        Employee.write([relief], {'property_post': post.id})
        get('property.mentorship').create([{'employee': staff.id,
                    'mentor': relief.id, 'site': site.id, 'start': today}])
        # A late fee (滞纳金) charged on a fee invoice of the unit, and the
        # manager's waiver of a part of it
        from decimal import Decimal
        ModelData = get('ir.model.data')
        Level = get('account.dunning.level')
        FeeLevel = get('account.dunning.fee.dunning_level')
        fee_invoice, = get('account.invoice').search([
                ('property_unit', '=', unit.id), ('state', '=', 'posted')],
            limit=1)
        fee_product = estate['fee_types']['PF'].product
        late_product, = get('product.template').create([{
                    'name': "Late fee", 'type': 'service',
                    'default_uom': fee_product.default_uom.id,
                    'account_category': (
                        fee_product.template.account_category.id),
                    'products': [('create', [{}])]}])
        journal, = get('account.journal').search([
                ('type', '=', 'revenue')], limit=1)
        late_fee, = get('account.dunning.fee').create([{
                    'name': "Late fee",
                    'product': late_product.products[0].id,
                    'journal': journal.id,
                    'compute_method': 'property_late_fee'}])
        level, = Level.search([('procedure', '=', ModelData.get_id(
                        'property_billing', 'dunning_procedure_fee'))],
            limit=1)
        Level.write([level], {'fee': late_fee.id})
        dunning, = get('account.dunning').create([{
                    'company': company.id,
                    'line': fee_invoice.lines_to_pay[0].id,
                    'procedure': level.procedure.id, 'level': level.id}])
        charged, = FeeLevel.create([{'dunning': dunning.id,
                    'level': level.id, 'amount': Decimal('1.00'),
                    'currency': company.currency.id}])
        FeeLevel.process([charged])
        get('property.late_fee.waiver').create([{'company': company.id,
                    'fee': charged.id, 'amount': Decimal('0.50'),
                    'reason': "Hardship"}])
        # The front desk's registers
        get('property.visitor').create([{'site': site.id, 'name': "Li",
                    'destination': 'control_room', 'purpose': "Repair"}])
        get('property.release.slip').create([{'site': site.id,
                    'unit': unit.id, 'authoriser': owner.id,
                    'carrier': "Movers", 'lines': [('create', [
                                {'description': "Bed", 'quantity': 1}])]}])
        get('property.parcel').create([{'site': site.id, 'unit': unit.id}])
        get('property.desk.item').create([{'site': site.id,
                    'description': "Keys", 'left_by': "Owner",
                    'for_whom': "Decorator"}])
        equipment, = get('property.desk.equipment').create([
                {'site': site.id, 'name': "Camera", 'kind': 'camera'}])
        get('property.desk.loan').create([{'equipment': equipment.id,
                    'borrower': staff.id}])
        get('property.card').create([{'site': site.id, 'number': 'AC-1',
                    'unit': unit.id, 'holder': owner.id}])
        get('property.violation').create([{'site': site.id,
                    'unit': unit.id, 'kind': 'balcony',
                    'description': "Balcony enclosed"}])
        start = dt.datetime(2026, 12, 9, 1, 0)
        get('property.lift.booking').create([{'site': site.id,
                    'building': unit.building.id, 'unit': unit.id,
                    'lift': "Goods lift", 'start': start,
                    'end': start + dt.timedelta(hours=2)}])
        # The portal's: an owner's request to the front desk
        get('property.portal.household_request').create([{'unit': unit.id,
                    'requested_by': owner.id, 'role': 'family',
                    'name': "Wang Xiaohong"}])
        # The community's
        get('property.assembly').create([{'site': site.id,
                    'name': "Owners' meeting", 'record_date': today,
                    'matters': [('create', [{'name': "Keep the manager",
                                    'kind': 'manager'}])]}])
        get('property.community.notice').create([{'company': company.id,
                    'title': "Water cut", 'body': "No water on Monday",
                    'kind': 'outage', 'scope': 'sites',
                    'sites': [('add', [site.id])], 'publish_date': today}])
        # the fund and the common income (their posts refused: the site
        # has no ledgers here)
        get('property.community.fund.move').create([{'site': site.id,
                    'unit': unit.id, 'kind': 'interest', 'date': today,
                    'amount': 10}])
        get('property.community.income').create([{'site': site.id,
                    'kind': 'advertising', 'date': today, 'amount': 10}])
        get('property.community.income.statement').create([{
                    'site': site.id, 'year': today.year, 'quarter': '1'}])
        get('property.survey').create([{'site': site.id,
                    'name': "Satisfaction survey", 'start_date': today,
                    'end_date': today, 'sections': [('create', [{
                                    'kind': 'overall', 'name': "Overall",
                                    'questions': [('create', [
                                                {'text': "Satisfied?"}])],
                                    }])]}])
        # The collection follow-up's (催缴): a call to the payer of the
        # unit's unpaid fee invoice, a payer on hold
        get('property.collection.followup').create([{
                    'company': company.id, 'site': site.id,
                    'party': fee_invoice.party.id, 'unit': unit.id,
                    'collector': staff.id, 'kind': 'call'}])
        get('property.collection.hold').create([{'company': company.id,
                    'site': site.id, 'party': fee_invoice.party.id,
                    'reason': "Refuses to pay"}])
        # The parking's: a rent contract and a day's takings to post
        space, = get('property.parking.space').create([{'site': site.id,
                    'code': 'P-1'}])
        get('property.parking.contract').create([{'company': company.id,
                    'space': space.id, 'tenant': owner.id, 'unit': unit.id,
                    'fee_type': estate['fee_types']['PK'].id, 'rent': 300,
                    'start_date': today}])
        get('property.parking.posting').create([{'company': company.id,
                    'site': site.id, 'date': today}])

    def call(self, login, model, method, *args):
        return self.rpc(f'model.{model}.{method}',
            [*args, {'company': self.env['company']}], self.auth[login])

    def refused(self, reply, texts, what):
        "A user error whose text is one of texts"
        self.assertIn('error', reply, f"{what}: not refused")
        self.assertEqual(reply['error'][0], 'UserError',
            f"{what}: server error {reply['error']!r}")
        text = message(reply)
        self.assertTrue(any(t in text for t in texts),
            f"{what}: refused for another reason: {text}")
        return text

    def read(self, model, id_, name):
        return committed(lambda: getattr(Pool().get(model)(id_), name))

    # The bypasses found by hand ------------------------------------------

    def ticket_values(self, **values):
        return dict({'company': self.env['company'],
                'site': self.env['site'], 'unit': self.env['unit'],
                'reporter': self.env['owner'], 'channel': 'phone',
                'kind': 'complaint', 'complaint_type': 'effective',
                'category': self.env['category'],
                'description': "Noise at night"}, **values)

    def test_ticket_created_closed(self):
        "The front desk cannot create a ticket already closed"
        model = 'property.ticket'
        before = committed(lambda: Pool().get(model).search_count([]))
        reply = self.call('wf.front_desk', model, 'create',
            [self.ticket_values(state='closed')])
        text = self.refused(reply, WORKFLOW, "created closed")
        self.assertIn('Ticket', text)
        self.assertIn('Closed', text)
        self.assertEqual(
            committed(lambda: Pool().get(model).search_count([])), before)
        # in the initial state, it is created
        reply = self.call('wf.front_desk', model, 'create',
            [self.ticket_values(state='draft')])
        self.assertIn('result', reply, reply)

    def test_ticket_closed_by_write(self):
        """An in-progress level-1 ticket cannot be closed by a write,
        skipping the return visit"""
        reply = self.call('wf.front_desk', 'property.ticket', 'write',
            [self.env['ticket']], {'state': 'closed'})
        self.refused(reply, WORKFLOW, "closed by write")
        self.assertEqual(
            self.read('property.ticket', self.env['ticket'], 'state'),
            'in_progress')

    def test_nested_records(self):
        """Records created through a form's lines obey their workflow
        too: no work order created done from the ticket's form"""
        reply = self.call('wf.front_desk', 'property.ticket', 'write',
            [self.env['ticket']], {'work_orders': [['create', [{
                                'state': 'done',
                                'description': "Fixed, trust me"}]]]})
        text = self.refused(reply, WORKFLOW, "nested work order")
        self.assertIn('cannot be created in state', text)
        self.assertFalse(
            self.read('property.ticket', self.env['ticket'], 'work_orders'))

    def test_ticket_kpi_figures(self):
        """The clerk cannot move the reply deadline, backdate the reply,
        lower the level nor rewrite the number of a ticket"""
        model = 'property.ticket'
        ticket = self.env['ticket']
        for name, value in [
                ('reply_deadline', '2099-01-01 00:00:00'),
                ('replied_at', '2000-01-01 00:00:00'),
                ('level', '3'),
                ('number', 'ANYTHING'),
                ('reply_breached', False),
                ]:
            with self.subTest(field=name):
                before = self.read(model, ticket, name)
                if name.endswith(('_deadline', '_at')):
                    value = {'__class__': 'datetime', 'year': int(value[:4]),
                        'month': 1, 'day': 1, 'hour': 0, 'minute': 0,
                        'second': 0, 'microsecond': 0}
                reply = self.call('wf.front_desk', model, 'write',
                    [ticket], {name: value})
                text = self.refused(reply, WORKFLOW, name)
                field = committed(
                    lambda: Pool().get(model)._fields[name].string)
                self.assertIn(field, text)
                self.assertEqual(self.read(model, ticket, name), before)

    def test_unit_set_vacant(self):
        "An occupied home cannot be set back to vacant by a write"
        model = 'property.unit'
        unit = self.env['unit']
        self.assertEqual(self.read(model, unit, 'state'), 'occupied')
        for login in ['wf.front_desk', 'wf.manager', 'wf.admin']:
            reply = self.call(login, model, 'write', [unit],
                {'state': 'vacant'})
            self.refused(reply, WORKFLOW + ACCESS, login)
        self.assertEqual(self.read(model, unit, 'state'), 'occupied')

    def correct_level(self, login, ticket, level, reason):
        "Run the level correction wizard over RPC as the web client does"
        context = {'company': self.env['company'],
            'active_model': 'property.ticket', 'active_id': ticket,
            'active_ids': [ticket]}
        name = 'wizard.property.ticket.correct_level'
        reply = self.rpc(f'{name}.create', [context], self.auth[login])
        if 'error' in reply:
            return reply
        session = reply['result'][0]
        reply = self.rpc(f'{name}.execute', [session, {}, 'start', context],
            self.auth[login])
        if 'error' in reply:
            return reply
        reply = self.rpc(f'{name}.execute', [session,
                {'start': {'level': level, 'reason': reason}}, 'correct',
                context], self.auth[login])
        self.rpc(f'{name}.delete', [session, context], self.auth[login])
        return reply

    def test_manager_corrects_level(self):
        """The manager corrects a ticket's level with the wizard, kept in
        the trail of corrections; the front desk cannot"""
        model = 'property.ticket'

        def ticket():
            Ticket = Pool().get(model)
            with Transaction().set_context(company=self.env['company']):
                record, = Ticket.create([self.ticket_values(
                            kind='enquiry', complaint_type=None)])
                Ticket.open([record])
            return record.id
        ticket = committed(ticket)
        level = self.read(model, ticket, 'level')
        other = '2' if level != '2' else '3'
        reply = self.correct_level('wf.front_desk', ticket, other, "Mine")
        self.refused(reply, DENIED, "front desk corrects")
        self.assertEqual(self.read(model, ticket, 'level'), level)
        reply = self.correct_level('wf.manager', ticket, other,
            "Water in the lift shaft: office-level information")
        self.assertNotIn('error', reply, reply)
        self.assertEqual(self.read(model, ticket, 'level'), other)

        def corrections():
            Correction = Pool().get('property.field.correction')
            return [(c.field, c.old_value, c.new_value, c.user.login,
                    c.reason) for c in Correction.search(
                    [('record', '=', f'{model},{ticket}')])]
        self.assertEqual(committed(corrections), [('level', level, other,
                    'wf.manager',
                    "Water in the lift shaft: office-level information")])

    def test_buttons_still_work(self):
        "The clerk opens a draft ticket with its button"
        model = 'property.ticket'
        reply = self.call('wf.front_desk', model, 'create',
            [self.ticket_values(kind='enquiry', complaint_type=None)])
        ticket, = reply['result']
        reply = self.call('wf.front_desk', model, 'open', [ticket])
        self.assertNotIn('error', reply, reply)
        self.assertEqual(self.read(model, ticket, 'state'), 'open')
        self.assertTrue(self.read(model, ticket, 'reply_deadline'))

    def test_missing_reference(self):
        """A link to a record that does not exist is refused, on SQLite as
        on PostgreSQL, with a user error"""
        model = 'property.ticket'
        before = committed(lambda: Pool().get(model).search_count([]))
        reply = self.call('wf.front_desk', model, 'create',
            [self.ticket_values(reporter=MISSING_ID)])
        self.refused(reply, [MISSING], "missing reporter")
        reply = self.call('wf.front_desk', model, 'write',
            [self.env['draft_ticket']], {'unit': MISSING_ID})
        self.refused(reply, [MISSING], "missing unit")

        # by the suite's own code too (the first receiver is never sent
        # by the clients): PostgreSQL's foreign key, SQLite's check
        def create():
            from trytond.exceptions import UserError
            Ticket = Pool().get(model)
            with Transaction().set_context(company=self.env['company']):
                with self.assertRaises(UserError) as cm:
                    Ticket.create([self.ticket_values(
                                first_receiver=MISSING_ID)])
            self.assertIn(MISSING, cm.exception.message)
            # PostgreSQL's failed statement ends its transaction
            Transaction().rollback()
        committed(create)
        self.assertEqual(
            committed(lambda: Pool().get(model).search_count([])), before)

    def test_referenced_record_not_deleted(self):
        """A record that others link to with ondelete RESTRICT (the unit of
        a ticket) is not deleted, on SQLite as on PostgreSQL: Tryton's
        ModelSQL.delete looks the links up itself, since SQLite's tables
        have no foreign keys (its foreign_keys pragma is on, but Tryton's
        SQLite TableHandler.add_fk declares none)"""
        def delete():
            from trytond import backend
            from trytond.model.modelsql import ForeignKeyError
            pool = Pool()
            Ticket = pool.get('property.ticket')
            Unit = pool.get('property.unit')
            unit = Ticket(self.env['draft_ticket']).unit
            if backend.name == 'sqlite':
                cursor = Transaction().connection.cursor()
                cursor.execute('PRAGMA foreign_keys')
                self.assertEqual(cursor.fetchone()[0], 1)
                cursor.execute(
                    f'PRAGMA foreign_key_list("{Ticket._table}")')
                self.assertEqual(cursor.fetchall(), [])
            with self.assertRaises(ForeignKeyError):
                Unit.delete([unit])
            Transaction().rollback()
            self.assertEqual(Unit.search([('id', '=', unit.id)]), [unit])
        committed(delete)

    # Systematically ---------------------------------------------------------

    def test_every_workflow_model_is_guarded(self):
        """Every workflow model declares its maintained fields: all its
        stored fields that its form never lets staff edit"""
        def check():
            from trytond.modules.property_base.workflow import (
                WorkflowGuardMixin)
            models = workflow_models()
            self.assertGreaterEqual(len(models), 20)
            for name, Model in models.items():
                with self.subTest(model=name):
                    self.assertTrue(
                        issubclass(Model, WorkflowGuardMixin), name)
                    readonly = {n for n, f in Model._fields.items()
                        if f.readonly and not isinstance(f, (
                                fields.Function, fields.One2Many,
                                fields.Many2Many))
                        and n not in {'id', 'create_uid', 'create_date',
                            'write_uid', 'write_date', 'state'}}
                    self.assertLessEqual(
                        readonly, set(Model._maintained_fields), name)
        committed(check)

    def test_every_workflow_model_is_audited(self):
        """Every workflow model records who moved a record from which state
        to which, and when (late on New Year's Eve in the office), and shows
        it in the same "State Changes" tab of its form. Each model's move is
        made in a transaction of its own, rolled back: a renovation moved on
        first would leave its inspection no job in progress."""
        def names():
            models = workflow_models()
            self.assertGreaterEqual(len(models), 30)
            return list(models)

        def check(name):
            from lxml import etree
            from trytond.model import Workflow
            from trytond.modules.property_base.audit import StateAuditMixin
            from trytond.modules.property_base.tests.tools import (
                office_clock)
            pool = Pool()
            User = pool.get('res.user')
            View = pool.get('ir.ui.view')
            StateChange = pool.get('property.state.change')
            user, = User.search([('login', '=', 'wf.manager')])
            Model = pool.get(name)
            self.assertTrue(issubclass(Model, Workflow), name)
            self.assertTrue(issubclass(Model, StateAuditMixin), name)
            transitions = sorted(Model._transitions)
            records = Model.search([('state', 'in',
                        [f for f, _ in transitions])],
                order=[('id', 'ASC')], limit=1)
            self.assertTrue(records, f"no record of {name} to move")
            record, = records
            start = record.state
            to = next(t for f, t in transitions if f == start)
            # the transition as Workflow makes it, whatever the
            # model's buttons do besides
            move = Workflow.transition(to)(lambda cls, records: None)
            with Transaction().set_user(user.id), office_clock(
                    dt.datetime(2026, 12, 31, 23, 59)) as utc:
                move(Model, [record])
            record = Model(record.id)
            self.assertEqual(record.state, to)
            change = record.state_changes[0]
            self.assertEqual(
                (change.record, change.from_state, change.to_state,
                    change.user, change.date),
                (record, start, to, user, utc))
            self.assertEqual(StateChange.search([
                        ('record', '=', str(record)),
                        ('date', '=', utc),
                        ]), [change])
            for view in View.search([('model', '=', name),
                        ('type', '=', 'form'),
                        ('inherit', '=', None)]):
                self.assertTrue(etree.fromstring(view.arch).xpath(
                        '/form/notebook/page[@name="state_changes"]'
                        '/field[@name="state_changes"]'), view.name)
            Transaction().rollback()

        for name in committed(names):
            with self.subTest(model=name):
                committed(functools.partial(check, name))

    def plan(self):
        """For each workflow model: its initial and other states, maintained
        fields, buttons with their groups, a record; and the rights of each
        group from docs/ACCESS.md"""
        def collect():
            pool = Pool()
            Button = pool.get('ir.model.button')
            plan = {}
            for name, Model in workflow_models().items():
                states = [s for s, _ in Model._fields['state'].selection
                    if s]
                records = Model.search([], limit=1, order=[('id', 'ASC')])
                plan[name] = {
                    'initial': Model.initial_state(),
                    'states': states,
                    'maintained': list(Model._maintained_fields),
                    'buttons': {b: set(Button.get_groups(name, b))
                        for b in sorted(Model._buttons)},
                    'record': records[0].id if records else MISSING_ID,
                    }
            groups = {xml_id: group.id
                for xml_id, group in test_security.suite_groups()}
            return plan, groups
        return committed(collect)

    def test_workflow_over_rpc(self):
        """As each staff group, on every workflow model: no create in
        another state, no write of the state nor of a maintained field, the
        buttons as the access rights say"""
        plan, group_ids = self.plan()
        rights = test_security.read_doc()
        for login, xml_id in sorted(self.env['users'].items()):
            for model, info in plan.items():
                right = rights.get(model, {}).get(xml_id, '')
                record = info['record']
                other = [s for s in info['states'] if s != info['initial']]
                with self.subTest(login=login, model=model, call='create'):
                    reply = self.call(login, model, 'create',
                        [{'state': other[0]}])
                    self.refused(reply, ACCESS if 'C' not in right
                        else WORKFLOW, f"{login} create {model}")
                for name in ['state'] + info['maintained']:
                    with self.subTest(login=login, model=model, field=name):
                        value = other[-1] if name == 'state' else None
                        reply = self.call(login, model, 'write',
                            [record], {name: value})
                        self.refused(reply, ACCESS if 'W' not in right
                            else WORKFLOW, f"{login} write {model}.{name}")
                self.assertNotEqual(record, MISSING_ID,
                    f"no record of {model}: add one to workflow_records()")
                for button, groups in info['buttons'].items():
                    with self.subTest(login=login, model=model,
                            button=button):
                        allowed = (group_ids[xml_id] in groups if groups
                            else 'W' in right)
                        if 'R' not in right:
                            allowed = False
                        reply = self.call(login, model, button, [record])
                        if not allowed:
                            self.refused(reply, DENIED,
                                f"{login} {model}.{button}")
                        elif 'error' in reply:
                            # the office's rules may refuse it (a button
                            # not in this state, a missing value), never
                            # the access rights nor the server
                            self.assertEqual(reply['error'][0], 'UserError',
                                f"{login} {model}.{button}: server error "
                                f"{reply['error']!r}")
                            self.assertNotIn('Calling button', message(reply),
                                f"{login} {model}.{button}")
