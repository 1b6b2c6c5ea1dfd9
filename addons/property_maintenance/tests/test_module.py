# This file is part of the property-management suite.
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_employee, set_company)
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_company, create_staff, office_clock,
    office_today, open_notifications, run_cron, suite_extras,
    with_transaction)
from trytond.modules.property_helpdesk.tests.tools import check_work_orders
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase
from trytond.transaction import Transaction

TODAY = office_today()


def create_maintenance():
    """Two sites, a building, the engineering department with a
    technician, categories for lifts and water pumps, two lifts and a
    pump on the first site"""
    pool = Pool()
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Department = pool.get('property.department')
    Category = pool.get('property.equipment.category')
    Equipment = pool.get('property.equipment')
    Party = pool.get('party.party')
    company = create_company()
    site, other_site = Site.create([
            {'name': "Garden Court", 'code': 'GC', 'company': company.id},
            {'name': "River View", 'code': 'RV', 'company': company.id},
            ])
    building, = Building.create([{'site': site.id, 'code': '1',
                'name': "Building 1", 'floors': 18}])
    technician = create_employee(company, "Zhao Deming")
    department, = Department.create([{'name': "Engineering",
                'company': company.id,
                'employees': [('add', [technician.id])]}])
    lift, pump = Category.create([
            {'code': 'LIFT', 'name': "Lift", 'kind': 'lift',
                'certified': True},
            {'code': 'PUMP', 'name': "Water pump", 'kind': 'water_pump'},
            ])
    contractor, = Party.create([{'name': "Otis Lift Service"}])
    lift1, lift2, pump1 = Equipment.create([
            {'site': site.id, 'building': building.id, 'code': 'L1-1',
                'name': "Lift 1-1", 'category': lift.id,
                'contractor': contractor.id, 'criticality': 'critical'},
            {'site': site.id, 'building': building.id, 'code': 'L1-2',
                'name': "Lift 1-2", 'category': lift.id,
                'contractor': contractor.id, 'criticality': 'critical'},
            {'site': site.id, 'location': "B1 pump room", 'code': 'P-1',
                'name': "Domestic water pump 1", 'category': pump.id},
            ])
    return dict(company=company, site=site, other_site=other_site,
        building=building, technician=technician, department=department,
        lift=lift, pump=pump, contractor=contractor, lift1=lift1,
        lift2=lift2, pump1=pump1)


def certify(equipment, issue, expiry, number='DT-1'):
    Certificate = Pool().get('property.equipment.certificate')
    certificate, = Certificate.create([{'equipment': equipment.id,
                'name': "Periodic inspection certificate",
                'authority': "Special Equipment Inspection Institute",
                'number': number, 'issue_date': issue,
                'expiry_date': expiry}])
    return certificate


def create_plan(env, **values):
    Plan = Pool().get('property.maintenance.plan')
    plan, = Plan.create([dict({'name': "Pump monthly service",
                    'site': env['site'].id,
                    'equipment': env['pump1'].id,
                    'frequency': 'monthly',
                    'start_date': dt.date(2027, 1, 31),
                    'department': env['department'].id,
                    'items': [('create', [
                                {'sequence': 1, 'name': "Bearings"},
                                {'sequence': 2, 'name': "Seals"}])],
                    }, **values)])
    return plan


def jobs_due(*args):
    "The work orders the scheduler creates (it returns their ids)"
    WorkOrder = Pool().get('property.work_order')
    return WorkOrder.browse(run_cron(
            'property.maintenance.plan|create_jobs', *args))


def jobs(plan):
    WorkOrder = Pool().get('property.work_order')
    return [o.due_date for o in WorkOrder.search([('plan', '=', plan.id)],
            order=[('due_date', 'ASC'), ('id', 'ASC')])]


def create_storeroom(env, stock=10):
    """The site's storeroom is Tryton's warehouse, stocked by an inventory
    with bearings at 12.50 each"""
    pool = Pool()
    Location = pool.get('stock.location')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Inventory = pool.get('stock.inventory')
    warehouse, = Location.search([('type', '=', 'warehouse')])
    env['site'].storeroom = warehouse
    env['site'].save()
    unit, = Uom.search([('name', '=', "Unit")])
    template, = Template.create([{'name': "Bearing 6205", 'type': 'goods',
                'default_uom': unit.id,
                'products': [('create', [{}])]}])
    product, = template.products
    product.cost_price = Decimal('12.50')
    product.save()
    inventory, = Inventory.create([{
                'location': warehouse.storage_location.id,
                'lines': [('create', [{'product': product.id,
                                'quantity': stock}])]}])
    Inventory.confirm([inventory])
    env.update(warehouse=warehouse, product=product)
    return product


def dispatched_job(env):
    pool = Pool()
    WorkOrder = pool.get('property.work_order')
    create_plan(env, start_date=TODAY)
    job, = jobs_due()
    WorkOrder.write([job], {'technician': env['technician'].id})
    WorkOrder.dispatch([job])
    return job


def create_fire_equipment(env):
    "An extinguisher, a hydrant and an alarm panel on the first site"
    pool = Pool()
    Category = pool.get('property.equipment.category')
    Equipment = pool.get('property.equipment')
    TicketCategory = pool.get('property.ticket.category')
    ext, hyd, fap = Category.create([
            {'code': 'EXT', 'name': "Extinguisher",
                'kind': 'fire_extinguisher'},
            {'code': 'HYD', 'name': "Hydrant", 'kind': 'fire_hydrant'},
            {'code': 'FAP', 'name': "Alarm panel", 'kind': 'fire_alarm'},
            ])
    equipment = Equipment.create([
            {'site': env['site'].id, 'code': 'MHQ-1', 'name': "Extinguisher",
                'category': ext.id, 'location': "Floor 3"},
            {'site': env['site'].id, 'code': 'XHS-1', 'name': "Hydrant",
                'category': hyd.id, 'location': "Lobby"},
            {'site': env['site'].id, 'code': 'BJ-1', 'name': "Alarm panel",
                'category': fap.id},
            ])
    category, = TicketCategory.create([{'code': 'FIRE',
                'name': "Fire equipment",
                'department': env['department'].id}])
    env.update(fire=equipment, fire_category=category)
    return equipment


def create_patrol_plan(env):
    PatrolPlan = Pool().get('property.patrol.plan')
    plan, = PatrolPlan.create([{'name': "Garden Court route",
                'site': env['site'].id, 'rounds_day': 2, 'rounds_night': 1,
                'points': [('create', [
                            {'sequence': 1, 'name': "South gate",
                                'items': "Barrier\nGuard post"},
                            {'sequence': 2, 'name': "Pump room",
                                'items': "Door locked"},
                            ])]}])
    return plan


def patrol(env, plan, when, state='done'):
    "A round of the plan at an office time, with its route's points"
    pool = Pool()
    Patrol = pool.get('property.patrol')
    from trytond.modules.property_base.tests.tools import office_to_utc
    record = Patrol(site=env['site'], inspector=env['technician'],
        date=office_to_utc(when), plan=plan)
    record.on_change_plan()
    record.save()
    if state == 'done':
        Patrol.do([record])
    return record


class PropertyMaintenanceTestCase(
        SuiteModuleTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Property Maintenance module"
    module = 'property_maintenance'
    extras = suite_extras('property_maintenance')

    # 1. Equipment register

    @with_transaction()
    def test_equipment_register(self):
        "Equipment is registered per site with its details and history"
        pool = Pool()
        Equipment = pool.get('property.equipment')
        env = create_maintenance()
        lift = env['lift1']
        self.assertEqual(lift.state, 'in_service')
        self.assertEqual(lift.kind, 'lift')
        self.assertEqual(Equipment.search([('rec_name', 'ilike', '%1-2%')]),
            [env['lift2']])
        self.assertEqual(Equipment.search([('kind', '=', 'water_pump')]),
            [env['pump1']])
        # the code is unique per site, not across sites
        Equipment.create([{'site': env['other_site'].id, 'code': 'P-1',
                    'name': "Pump", 'category': env['pump'].id}])
        with self.assertRaisesRegex(UserError, 'unique on its site'):
            Equipment.create([{'site': env['site'].id, 'code': 'P-1',
                        'name': "Pump", 'category': env['pump'].id}])

    @with_transaction()
    def test_equipment_warranty_before_install(self):
        "A warranty ending before the installation is refused"
        env = create_maintenance()
        pump = env['pump1']
        pump.install_date = dt.date(2026, 5, 1)
        pump.warranty_end = dt.date(2026, 4, 30)
        with self.assertRaisesRegex(ValidationError, 'cannot end before'):
            pump.save()

    @with_transaction()
    def test_equipment_workflow(self):
        "Out of service, back in service, retired; each change audited"
        pool = Pool()
        Equipment = pool.get('property.equipment')
        env = create_maintenance()
        pump = env['pump1']
        Equipment.stop([pump])
        self.assertEqual(pump.state, 'out_of_service')
        Equipment.restore([pump])
        Equipment.retire([pump])
        self.assertEqual(pump.state, 'retired')
        self.assertEqual([(c.from_state, c.to_state)
                for c in reversed(pump.state_changes)], [
                (None, 'in_service'), ('in_service', 'out_of_service'),
                ('out_of_service', 'in_service'), ('in_service', 'retired')])

    @with_transaction()
    def test_equipment_history_of_work_orders(self):
        "The equipment lists its planned jobs and repairs"
        env = create_maintenance()
        plan = create_plan(env, start_date=TODAY)
        orders = jobs_due(TODAY)
        self.assertEqual(list(env['pump1'].work_orders), list(orders))
        self.assertEqual(orders[0].site, env['site'])

    @with_transaction()
    def test_building_manager_reads_only(self):
        """A building manager reads the equipment of the own site only,
        and cannot change it; engineering of the site maintains it"""
        pool = Pool()
        Equipment = pool.get('property.equipment')
        env = create_maintenance()
        other, = Equipment.create([{'site': env['other_site'].id,
                    'code': 'X-1', 'name': "Pump", 'category': env['pump'].id}])
        building = create_staff("Zheng Qiang", 'building',
            'property_base.group_property_building_manager', env['company'],
            [env['site']])
        engineer = create_staff("Zhao Deming", 'engineer',
            'property_helpdesk.group_property_engineering', env['company'],
            [env['site']], env['technician'])
        transaction = Transaction()
        for user in [building, engineer]:
            with transaction.set_user(user.id), transaction.set_context(
                    _check_access=True, company=env['company'].id):
                self.assertEqual({e.site for e in Equipment.search([])},
                    {env['site']})
                with self.assertRaises(UserError):
                    Equipment.read([other.id], ['code'])
        with transaction.set_user(building.id), transaction.set_context(
                _check_access=True, company=env['company'].id):
            with self.assertRaises(UserError):
                Equipment.write([env['pump1']], {'location': "Roof"})
            with self.assertRaises(UserError):
                Equipment.stop([env['pump1']])
        with transaction.set_user(engineer.id), transaction.set_context(
                _check_access=True, company=env['company'].id):
            Equipment.write([Equipment(env['pump1'].id)],
                {'location': "B2 pump room"})
            Equipment.stop([Equipment(env['pump1'].id)])
            # retiring is the manager's decision
            with self.assertRaises(UserError):
                Equipment.retire([Equipment(env['pump1'].id)])

    # 2. Statutory certificates

    @with_transaction()
    def test_certificate_expiring_before_issued(self):
        "A certificate expiring before (or when) it was issued is refused"
        env = create_maintenance()
        for expiry in [dt.date(2026, 3, 31), dt.date(2026, 4, 1)]:
            with self.subTest(expiry=expiry):
                with self.assertRaisesRegex(ValidationError,
                        'before or on the day it was issued'):
                    certify(env['lift1'], dt.date(2026, 4, 1), expiry)

    @with_transaction()
    def test_lift_expired_certificate_out_of_service(self):
        """A lift whose certificate expired shows out of service until
        the renewed certificate is recorded"""
        pool = Pool()
        Equipment = pool.get('property.equipment')
        env = create_maintenance()
        lift1, lift2, pump = env['lift1'], env['lift2'], env['pump1']
        # no certificate at all: a lift does not run
        self.assertEqual(lift1.availability, 'out_of_service')
        certify(lift1, TODAY.replace(year=TODAY.year - 1),
            TODAY - dt.timedelta(days=1))
        certify(lift2, TODAY.replace(year=TODAY.year - 1), TODAY)
        lift1, lift2, pump = Equipment.browse([lift1, lift2, pump])
        self.assertEqual(lift1.availability, 'out_of_service')
        self.assertEqual(lift1.state, 'in_service')
        # valid to the end of its expiry day
        self.assertEqual(lift2.availability, 'in_service')
        # no certificate needed for a pump
        self.assertEqual(pump.availability, 'in_service')
        self.assertEqual(Equipment.search(
                [('availability', '=', 'out_of_service')]), [lift1])
        self.assertEqual(Equipment.search(
                [('availability', '=', 'in_service')]), [lift2, pump])
        self.assertEqual(Equipment.search(
                [('availability', '!=', 'out_of_service')]), [lift2, pump])
        old, = lift1.certificates
        renewed = certify(lift1, TODAY, TODAY.replace(year=TODAY.year + 1),
            number='DT-2')
        lift1 = Equipment(lift1.id)
        self.assertEqual(lift1.availability, 'in_service')
        self.assertEqual(lift1.certificate_expiry, renewed.expiry_date)
        self.assertEqual(
            [(c.number, c.status) for c in lift1.certificates],
            [('DT-2', 'valid'), ('DT-1', 'renewed')])

    @with_transaction()
    def test_certificate_reminder_30_days(self):
        """The manager is reminded of the certificates expiring within 30
        days or expired, of the own sites, as the client opens it"""
        pool = Pool()
        Equipment = pool.get('property.equipment')
        env = create_maintenance()
        year_ago = TODAY.replace(year=TODAY.year - 1)
        expired = certify(env['lift1'], year_ago, TODAY - dt.timedelta(1))
        expiring = certify(env['lift2'], year_ago,
            TODAY + dt.timedelta(days=30), number='DT-9')
        other, = Equipment.create([{'site': env['other_site'].id,
                    'code': 'L9', 'name': "Lift", 'category': env['lift'].id}])
        certify(other, year_ago, TODAY + dt.timedelta(days=31), number='X')
        manager = create_staff("Sun Jianguo", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']])
        reminded = run_cron(
            'property.equipment.certificate|remind_expiring',
            subscribers=[manager])
        self.assertEqual(reminded, [expired, expiring])
        (text, records), = open_notifications(manager)
        self.assertTrue(text.startswith("2 statutory certificates"), text)
        self.assertEqual(sorted(records), sorted([expired, expiring]))
        # renewed: no more reminded
        certify(env['lift1'], TODAY, TODAY.replace(year=TODAY.year + 1),
            number='DT-3')
        self.assertEqual(run_cron(
                'property.equipment.certificate|remind_expiring'),
            [expiring])

    # 3. Planned maintenance

    @with_transaction()
    def test_plan_without_frequency(self):
        "A plan with no frequency is refused"
        env = create_maintenance()
        with self.assertRaisesRegex(ValidationError, 'needs a frequency'):
            create_plan(env, frequency=None)
        with self.assertRaisesRegex(ValidationError, 'positive number'):
            create_plan(env, frequency='days', interval=0)

    @with_transaction()
    def test_plan_lift_every_15_days(self):
        "A lift's plan runs every 15 days unless told otherwise"
        Plan = Pool().get('property.maintenance.plan')
        env = create_maintenance()
        plan = Plan(site=env['site'], equipment=env['lift1'])
        plan.on_change_equipment()
        self.assertEqual((plan.frequency, plan.interval), ('days', 15))
        self.assertEqual(plan.contractor, env['contractor'])
        plan = Plan(site=env['site'], equipment=env['pump1'])
        plan.on_change_equipment()
        self.assertIsNone(plan.frequency)

    @with_transaction()
    def test_scheduling_month_end(self):
        """A monthly plan first due on 31 January falls on the last day of
        the shorter months and on the 31st again after them"""
        env = create_maintenance()
        plan = create_plan(env, start_date=dt.date(2027, 1, 31))
        self.assertEqual(jobs_due(dt.date(2027, 1, 30)), [])
        with office_clock(dt.datetime(2027, 1, 31, 0, 30)):
            jobs_due()
        self.assertEqual(jobs(plan), [dt.date(2027, 1, 31)])
        jobs_due(dt.date(2027, 5, 31))
        self.assertEqual(jobs(plan), [dt.date(2027, 1, 31),
                dt.date(2027, 2, 28), dt.date(2027, 3, 31),
                dt.date(2027, 4, 30), dt.date(2027, 5, 31)])
        # run again the same day: nothing twice
        jobs_due(dt.date(2027, 5, 31))
        self.assertEqual(len(jobs(plan)), 5)
        plan = plan.__class__(plan.id)
        self.assertEqual(plan.next_date, dt.date(2027, 6, 30))
        # a leap year's February
        leap = create_plan(env, name="Leap", start_date=dt.date(2028, 1, 31),
            frequency='quarterly')
        jobs_due(dt.date(2028, 12, 31))
        self.assertEqual(jobs(leap), [dt.date(2028, 1, 31),
                dt.date(2028, 4, 30), dt.date(2028, 7, 31),
                dt.date(2028, 10, 31)])

    @with_transaction()
    def test_scheduling_late_evening_office_day(self):
        """The scheduler's today is the office's: at 23:30 on 14 January
        (15:30 UTC) the job due on the 15th is not created yet, at 07:30 on
        the 15th (still the 14th in UTC) it is"""
        env = create_maintenance()
        plan = create_plan(env, name="Lift", equipment=env['lift1'].id,
            frequency='days', interval=15, start_date=dt.date(2026, 12, 31))
        with office_clock(dt.datetime(2027, 1, 14, 23, 30)):
            jobs_due()
        self.assertEqual(jobs(plan), [dt.date(2026, 12, 31)])
        with office_clock(dt.datetime(2027, 1, 15, 7, 30)):
            jobs_due()
        self.assertEqual(jobs(plan),
            [dt.date(2026, 12, 31), dt.date(2027, 1, 15)])

    @with_transaction()
    def test_job_with_checklist(self):
        """A due job is a planned-maintenance work order of the helpdesk
        with the plan's checklist; it is done once every item is checked,
        on time or late"""
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        env = create_maintenance()
        plan = create_plan(env, start_date=dt.date(2026, 11, 30),
            contractor=env['contractor'].id)
        job, = jobs_due(dt.date(2026, 11, 30))
        self.assertEqual((job.kind, job.state, job.ticket, job.department,
                job.contractor, job.equipment, job.due_date), (
                'planned', 'draft', None, env['department'],
                env['contractor'], env['pump1'], dt.date(2026, 11, 30)))
        self.assertEqual([c.name for c in job.checks], ["Bearings", "Seals"])
        job.technician = env['technician']
        job.save()
        WorkOrder.dispatch([job])
        with self.assertRaisesRegex(ValidationError, 'Bearings, Seals'):
            WorkOrder.finish([job])
        WorkOrder.write([job], {'checks': [('write', [c.id for c in job.checks],
                        {'result': 'ok'})]})
        # done at 23:30 office time on its due day: on time
        with office_clock(dt.datetime(2026, 11, 30, 23, 30)):
            WorkOrder.finish([job])
        self.assertEqual(job.state, 'done')
        self.assertTrue(job.on_time)
        # the next one, done the morning after it was due: late
        job, = jobs_due(dt.date(2026, 12, 30))
        WorkOrder.write([job], {'technician': env['technician'].id,
                'checks': [('write', [c.id for c in job.checks],
                        {'result': 'ok'})]})
        WorkOrder.dispatch([job])
        with office_clock(dt.datetime(2026, 12, 31, 7, 30)):
            WorkOrder.finish([job])
        self.assertFalse(job.on_time)

    @with_transaction()
    def test_job_left_undone_escalates(self):
        """A job left undone does not hold back the next one and escalates
        once when overdue, notified to the site's manager"""
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        env = create_maintenance()
        plan = create_plan(env, name="Lift", equipment=env['lift1'].id,
            frequency='days', interval=15,
            start_date=TODAY - dt.timedelta(days=20))
        first, = jobs_due(TODAY - dt.timedelta(days=20))
        second, = jobs_due()
        self.assertEqual(second.due_date, TODAY - dt.timedelta(days=5))
        manager = create_staff("Sun Jianguo", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']])
        escalated = run_cron('property.work_order|escalate_overdue',
            subscribers=[manager])
        self.assertEqual(escalated, [first, second])
        self.assertTrue(first.escalated_at)
        (text, records), = open_notifications(manager)
        self.assertTrue(text.startswith("2 planned maintenance jobs"), text)
        self.assertEqual(sorted(records), sorted([first, second]))
        # once only
        self.assertEqual(run_cron('property.work_order|escalate_overdue'),
            [])
        # not yet due, not escalated: the job due today
        self.assertEqual(WorkOrder.overdue(TODAY), [])

    @with_transaction()
    def test_plan_changed(self):
        """A plan changed after jobs were made: the next job is the last
        job's date plus the new frequency; before any job, the new first
        date"""
        env = create_maintenance()
        plan = create_plan(env, start_date=dt.date(2027, 1, 31))
        jobs_due(dt.date(2027, 2, 28))
        self.assertEqual(jobs(plan),
            [dt.date(2027, 1, 31), dt.date(2027, 2, 28)])
        plan.frequency = 'weekly'
        plan.save()
        self.assertEqual(plan.next_date, dt.date(2027, 3, 7))
        jobs_due(dt.date(2027, 3, 14))
        self.assertEqual(jobs(plan)[2:],
            [dt.date(2027, 3, 7), dt.date(2027, 3, 14)])
        other = create_plan(env, name="Later", start_date=dt.date(2027, 6, 1))
        other.start_date = dt.date(2027, 7, 1)
        other.save()
        self.assertEqual(other.next_date, dt.date(2027, 7, 1))

    @with_transaction()
    def test_category_plan_covers_site_equipment(self):
        """A plan of a category makes a job for each piece of the site's
        equipment of that category that is not retired"""
        pool = Pool()
        Equipment = pool.get('property.equipment')
        env = create_maintenance()
        Equipment.retire([env['lift2']])
        plan = create_plan(env, name="Lifts", equipment=None,
            category=env['lift'].id, frequency='days', interval=15,
            start_date=dt.date(2027, 1, 1))
        orders = jobs_due(dt.date(2027, 1, 1))
        self.assertEqual([o.equipment for o in orders], [env['lift1']])
        self.assertEqual(plan.__class__(plan.id).occurrences, 1)

    @with_transaction()
    def test_maintained_fields_guarded(self):
        "The schedule of a plan and the due date of a job are the suite's"
        pool = Pool()
        Plan = pool.get('property.maintenance.plan')
        WorkOrder = pool.get('property.work_order')
        env = create_maintenance()
        plan = create_plan(env, start_date=TODAY)
        job, = jobs_due()
        engineer = create_staff("Zhao Deming", 'engineer',
            'property_helpdesk.group_property_engineering', env['company'],
            [env['site']], env['technician'])
        transaction = Transaction()
        with transaction.set_user(engineer.id), transaction.set_context(
                _check_access=True, company=env['company'].id):
            with self.assertRaisesRegex(UserError, 'maintained'):
                Plan.write([Plan(plan.id)], {'occurrences': 0})
            with self.assertRaisesRegex(UserError, 'maintained'):
                WorkOrder.write([WorkOrder(job.id)],
                    {'due_date': TODAY + dt.timedelta(days=9)})
            # the engineer sees and works the job of the own site
            self.assertEqual(WorkOrder.search([('kind', '=', 'planned')]),
                [job])

    # 4. Materials from real stock

    @with_transaction()
    def test_materials_issued_as_stock_moves(self):
        """A job's materials are issued from the site's storeroom as done
        stock moves; their cost is on the work order"""
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        Product = pool.get('product.product')
        env = create_maintenance()
        with set_company(env['company']):
            product = create_storeroom(env)
            job = dispatched_job(env)
            WorkOrder.write([job], {'materials_issued': [('create', [
                                {'product': product.id, 'quantity': 4}])]})
            WorkOrder.issue_materials([job])
            material, = job.materials_issued
            move = material.move
            self.assertEqual((move.state, move.quantity, move.origin,
                    move.from_location, move.to_location.type),
                ('done', 4, material, env['warehouse'].storage_location,
                    'production'))
            self.assertEqual(job.materials_cost, Decimal('50.00'))
            with Transaction().set_context(
                    locations=[env['warehouse'].id]):
                self.assertEqual(Product(product.id).quantity, 6)
            # issued once only
            WorkOrder.issue_materials([job])
            self.assertEqual(len(pool.get('stock.move').search(
                        [('origin', '=', str(material))])), 1)

    @with_transaction()
    def test_issue_more_than_in_stock(self):
        """Issuing more than the storeroom holds is refused by Tryton's
        assignation (the request is rolled back): the material stays
        unissued"""
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        env = create_maintenance()
        with set_company(env['company']):
            product = create_storeroom(env, stock=3)
            job = dispatched_job(env)
            WorkOrder.write([job], {'materials_issued': [('create', [
                                {'product': product.id, 'quantity': 5}])]})
            with self.assertRaisesRegex(UserError,
                    'Not enough "Bearing 6205".*3'):
                WorkOrder.issue_materials([job])
            material, = job.materials_issued
            self.assertIsNone(material.move)

    @with_transaction()
    def test_paid_service_materials_billed(self):
        """The materials issued on a paid-service work order (有偿服务) are
        charged to the home's payer with the service when it is finished,
        at their cost (the suite's default), once; the billing run bills
        the charges"""
        pool = Pool()
        Unit = pool.get('property.unit')
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        FeeType = pool.get('property.fee.type')
        Configuration = pool.get('property.billing.configuration')
        TicketCategory = pool.get('property.ticket.category')
        Ticket = pool.get('property.ticket')
        WorkOrder = pool.get('property.work_order')
        Charge = pool.get('property.fee.charge')
        env = create_maintenance()
        with set_company(env['company']):
            product = create_storeroom(env)
            unit_uom, = Uom.search([('name', '=', "Unit")])
            template, = Template.create([{'name': "Paid service",
                        'type': 'service', 'default_uom': unit_uom.id,
                        'products': [('create', [{}])]}])
            fee_type, = FeeType.create([{'code': 'SV',
                        'name': "Paid service",
                        'company': env['company'].id,
                        'product': template.products[0].id,
                        'method': 'one_off', 'kind': 'service'}])
            config = Configuration(1)
            config.service_fee_type = fee_type
            config.save()
            home, = Unit.create([{'building': env['building'].id,
                        'floor': 3, 'number': '301',
                        'area': Decimal('89.37')}])
            owner, = Party.create([{'name': "Wang Fang"}])
            category, = TicketCategory.create([{'code': 'PLB',
                        'name': "Plumbing",
                        'department': env['department'].id}])
            ticket, = Ticket.create([{'company': env['company'].id,
                        'site': env['site'].id, 'unit': home.id,
                        'reporter': owner.id, 'channel': 'phone',
                        'kind': 'repair_unit', 'category': category.id,
                        'description': "Noisy pump in the kitchen"}])
            order, = WorkOrder.create([{'ticket': ticket.id,
                        'department': env['department'].id,
                        'technician': env['technician'].id,
                        'description': "Replace the bearing",
                        'paid_service': True, 'amount': Decimal('80')}])
            WorkOrder.dispatch([order])
            WorkOrder.write([order], {'materials_issued': [('create', [
                                {'product': product.id, 'quantity': 2}])]})
            WorkOrder.issue_materials([order])
            # finished at 07:30 office time (the day before in UTC): the
            # charges are of the office's day
            with office_clock(dt.datetime.combine(TODAY, dt.time(7, 30))):
                check_work_orders([order])
                WorkOrder.finish([order])
            material, = order.materials_issued
            service, = Charge.search([('origin', '=', str(order))])
            charge, = Charge.search([('origin', '=', str(material))])
            self.assertEqual((service.amount, charge.amount),
                (Decimal('80'), Decimal('25.00')))
            self.assertEqual((charge.unit, charge.party, charge.fee_type,
                    charge.date), (home, owner, fee_type, TODAY))
            self.assertIn("Bearing 6205 × 2", charge.description)
            self.assertEqual(list(material.charges), [charge])
            # charged once: a billing run's catch-up charges nothing more
            self.assertEqual(WorkOrder.create_charges([order]), [])
            self.assertEqual(Charge.search([], count=True), 2)

    @with_transaction()
    def test_reorder_list_from_minimums(self):
        "A product below its minimum quantity is on the reorder list"
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        Minimum = pool.get('property.stock.minimum')
        env = create_maintenance()
        with set_company(env['company']):
            product = create_storeroom(env, stock=10)
            minimum, = Minimum.create([{'warehouse': env['warehouse'].id,
                        'product': product.id, 'minimum': 8}])
            self.assertEqual((minimum.quantity, minimum.reorder),
                (10, False))
            self.assertEqual(Minimum.search([('reorder', '=', True)]), [])
            job = dispatched_job(env)
            WorkOrder.write([job], {'materials_issued': [('create', [
                                {'product': product.id, 'quantity': 3}])]})
            WorkOrder.issue_materials([job])
            minimum = Minimum(minimum.id)
            self.assertEqual((minimum.quantity, minimum.reorder), (7, True))
            self.assertEqual(Minimum.search([('reorder', '=', True)]),
                [minimum])

    # 5. Fire equipment checks and patrol plans

    @with_transaction()
    def test_fire_check_round_failed_item_ticket_004(self):
        """The month's fire check round lists every extinguisher, hydrant
        and alarm panel of the site (checked by the order staff, seed
        004); a failed item becomes a repair ticket"""
        pool = Pool()
        FireCheck = pool.get('property.fire.check')
        env = create_maintenance()
        ext, hyd, fap = create_fire_equipment(env)
        check, = run_cron('property.fire.check|create_monthly', TODAY)
        self.assertEqual(check.month, TODAY.replace(day=1))
        self.assertEqual({l.equipment for l in check.lines}, {ext, hyd, fap})
        # once a month
        self.assertEqual(run_cron('property.fire.check|create_monthly',
                TODAY), [])
        with self.assertRaisesRegex(ValidationError, 'every item'):
            FireCheck.do([check])
        for line in check.lines:
            line.result = 'ok'
            if line.equipment == ext:
                line.result = 'fail'
                line.category = env['fire_category']
                line.note = "Pressure gauge in the red"
        check.lines = check.lines
        check.save()
        FireCheck.do([check])
        failed, = [l for l in check.lines if l.result == 'fail']
        ticket = failed.ticket
        self.assertEqual((ticket.state, ticket.kind, ticket.channel,
                ticket.site), ('open', 'repair_common', 'patrol', env['site']))
        self.assertIn("Pressure gauge in the red", ticket.description)
        self.assertEqual(list(ext.fire_checks), [failed])

    @with_transaction()
    def test_patrol_point_not_on_route(self):
        "A patrol recording a check point of another route is refused"
        pool = Pool()
        PatrolPlan = pool.get('property.patrol.plan')
        Line = pool.get('property.patrol.line')
        env = create_maintenance()
        plan = create_patrol_plan(env)
        other, = PatrolPlan.create([{'name': "Car park",
                    'site': env['site'].id,
                    'points': [('create', [{'name': "Ramp"}])]}])
        record = patrol(env, plan, dt.datetime(2026, 12, 1, 9), state='draft')
        self.assertEqual([(l.point.name, l.item) for l in record.lines], [
                ("South gate", "South gate: Barrier"),
                ("South gate", "South gate: Guard post"),
                ("Pump room", "Pump room: Door locked")])
        with self.assertRaisesRegex(ValidationError, 'not on the route'):
            Line.create([{'patrol': record.id, 'point': other.points[0].id,
                        'item': "Ramp", 'result': 'ok'}])

    @with_transaction()
    def test_patrol_rounds_missing_alert(self):
        """A day or a night without its planned rounds raises an alert for
        the site's subscribers; the night runs to 08:00 the next morning"""
        env = create_maintenance()
        plan = create_patrol_plan(env)
        day = dt.date(2026, 12, 31)
        patrol(env, plan, dt.datetime(2026, 12, 31, 8, 0))
        patrol(env, plan, dt.datetime(2026, 12, 31, 19, 59))
        # a round not finished does not count
        patrol(env, plan, dt.datetime(2026, 12, 31, 22, 0), state='draft')
        manager = create_staff("Sun Jianguo", 'manager',
            'property_base.group_property_manager', env['company'],
            [env['site']])
        missing = run_cron('property.patrol.plan|check_rounds', day,
            subscribers=[manager])
        self.assertEqual(missing, [(plan, 'night', 0, 1)])
        (text, records), = open_notifications(manager)
        self.assertTrue(text.startswith("1 patrol plan"), text)
        self.assertEqual(records, [plan])
        # the night round at 07:30 on New Year's day is the night of the
        # 31st
        patrol(env, plan, dt.datetime(2027, 1, 1, 7, 30))
        self.assertEqual(run_cron('property.patrol.plan|check_rounds', day),
            [])

    # 6. KPIs

    @with_transaction()
    def test_kpi_equipment_intact_95_004(self):
        """A site's engineering KPIs of a month, taken every morning to the
        day before: equipment intact (a lift past its certificate is not)
        against seed 004's 95 %, lift availability, planned jobs done on
        time, patrol rounds done against planned (extra rounds make up for
        none missing); on the 1st the past month is completed to its end,
        the night of its last day included"""
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        KPI = pool.get('property.maintenance.kpi')
        env = create_maintenance()
        certify(env['lift1'], dt.date(2026, 2, 28), dt.date(2027, 2, 27))
        certify(env['lift2'], dt.date(2026, 6, 1), dt.date(2027, 6, 1),
            number='DT-2')
        create_plan(env, frequency='days', interval=10,
            start_date=dt.date(2027, 2, 1))
        first, second, third = jobs_due(dt.date(2027, 2, 28))
        self.assertEqual([j.due_date for j in (first, second, third)],
            [dt.date(2027, 2, 1), dt.date(2027, 2, 11), dt.date(2027, 2, 21)])
        WorkOrder.write([first, second], {
                'technician': env['technician'].id,
                'checks': [('write', [c.id for j in (first, second)
                            for c in j.checks], {'result': 'ok'})]})
        WorkOrder.dispatch([first, second])
        # late evening of its due day: on time; the morning after: late
        with office_clock(dt.datetime(2027, 2, 1, 23, 30)):
            WorkOrder.finish([first])
        with office_clock(dt.datetime(2027, 2, 12, 7, 0)):
            WorkOrder.finish([second])
        plan = create_patrol_plan(env)
        for hour in [9, 10, 11]:
            patrol(env, plan, dt.datetime(2027, 2, 1, hour))
        # the night of 28 February, walked at 07:30 on 1 March
        patrol(env, plan, dt.datetime(2027, 3, 1, 7, 30))

        kpi, = run_cron('property.maintenance.kpi|compute',
            dt.date(2027, 2, 15))
        self.assertEqual((kpi.site, kpi.month, kpi.date),
            (env['site'], dt.date(2027, 2, 1), dt.date(2027, 2, 14)))
        self.assertEqual((kpi.equipment, kpi.intact, kpi.intact_rate,
                kpi.intact_target, kpi.intact_ok), (3, 3, 100.0, 95, True))
        self.assertEqual(kpi.lift_availability, 100.0)
        self.assertEqual((kpi.jobs_due, kpi.jobs_on_time, kpi.on_time_rate),
            (2, 1, 50.0))
        self.assertEqual((kpi.rounds_planned, kpi.rounds_done),
            (14 * 3, 2))

        # on 1 March: February to its end, in the same row
        kpi, = run_cron('property.maintenance.kpi|compute',
            dt.date(2027, 3, 1))
        self.assertEqual(KPI.search([]), [kpi])
        self.assertEqual(kpi.date, dt.date(2027, 2, 28))
        self.assertEqual((kpi.equipment, kpi.intact, kpi.intact_rate,
                kpi.intact_ok), (3, 2, 66.7, False))
        self.assertEqual((kpi.lifts, kpi.lifts_in_service,
                kpi.lift_availability), (2, 1, 50.0))
        self.assertEqual((kpi.jobs_due, kpi.jobs_on_time, kpi.on_time_rate,
                kpi.on_time_target, kpi.on_time_ok), (3, 1, 33.3, 95, False))
        self.assertEqual((kpi.rounds_planned, kpi.rounds_done,
                kpi.rounds_rate), (28 * 3, 3, 3.6))

        # read by the engineering of the site, written by no one
        engineer = create_staff("Zhao Deming", 'engineer',
            'property_helpdesk.group_property_engineering', env['company'],
            [env['site']], env['technician'])
        other = create_staff("Qian Li", 'other',
            'property_helpdesk.group_property_engineering', env['company'],
            [env['other_site']])
        transaction = Transaction()
        with transaction.set_user(engineer.id), transaction.set_context(
                _check_access=True, company=env['company'].id):
            self.assertEqual(KPI.search([]), [kpi])
            with self.assertRaises(UserError):
                KPI.write([KPI(kpi.id)], {'intact': 3})
        with transaction.set_user(other.id), transaction.set_context(
                _check_access=True, company=env['company'].id):
            self.assertEqual(KPI.search([]), [])


del ModuleTestCase
