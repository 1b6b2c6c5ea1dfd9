# This file is part of the property-management suite.
"Tests of the owner visits, mixed into the addon's test case"
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.property_base.tests.tools import (
    office_clock, with_transaction)
from trytond.modules.property_community.visit import working_days
from trytond.modules.property_frontdesk.tests.test_module import (
    as_user, front_office)
from trytond.pool import Pool


def visit(office, user, unit, when, **values):
    "The visit the user records, at when (office time)"
    Visit = Pool().get('property.visit')
    with as_user(user, office['company']):
        with office_clock(when) as utc:
            record, = Visit.create([{'site': office['site'].id,
                        'unit': unit.id, 'date': utc,
                        'topics': "物业服务意见", **values}])
    return record


class VisitTestMixin:
    "Owner visits (走访)"

    def test_visit_working_days(self):
        "The working days of a month: Monday to Friday but the holidays"
        self.assertEqual(len(working_days(dt.date(2026, 12, 1))), 23)
        self.assertEqual(len(working_days(dt.date(2027, 1, 1),
                    {dt.date(2027, 1, 1)})), 20)

    @with_transaction()
    def test_visit_quota_004(self):
        """Seed 004 走访制: the steward's 5 homes a working day (a holiday
        counted out), the manager's 5 a month; a visit late on the last
        evening of the month counts in it, one just after midnight in the
        next; the figure feeds the appraisal"""
        pool = Pool()
        Plan = pool.get('property.visit.plan')
        Holiday = pool.get('property.helpdesk.holiday')
        Appraisal = pool.get('property.appraisal')
        office = front_office()
        clerk, manager = office['clerk'], office['manager']
        unit, other = office['units']
        Holiday.create([{'company': office['company'].id,
                    'date': dt.date(2027, 1, 1), 'name': "元旦"}])
        with as_user(clerk, office['company']):
            # the manager plans the visits
            with self.assertRaises(AccessError):
                Plan.create([{'site': office['site'].id, 'user': clerk.id,
                            'month': dt.date(2026, 12, 1)}])
        with as_user(manager, office['company']):
            december, january, own = Plan.create([{
                        'site': office['site'].id, 'user': clerk.id,
                        'month': dt.date(2026, 12, 7)}, {
                        'site': office['site'].id, 'user': clerk.id,
                        'month': dt.date(2027, 1, 1)}, {
                        'site': office['site'].id, 'user': manager.id,
                        'month': dt.date(2026, 12, 1), 'kind': 'monthly'}])
            with self.assertRaisesRegex(ValidationError, 'at least one'):
                Plan.create([{'site': office['site'].id, 'user': clerk.id,
                            'month': dt.date(2027, 2, 1), 'quota': 0}])
        self.assertEqual(december.month, dt.date(2026, 12, 1))
        self.assertEqual((december.kind, december.quota), ('daily', 5))
        self.assertEqual((december.working_days, december.planned),
            (23, 115))
        # 元旦 is a holiday of the company
        self.assertEqual((january.working_days, january.planned), (20, 100))
        self.assertEqual(own.planned, 5)
        visit(office, clerk, unit, dt.datetime(2026, 12, 1, 9, 0))
        visit(office, clerk, other, dt.datetime(2026, 12, 31, 23, 30))
        visit(office, clerk, unit, dt.datetime(2027, 1, 1, 0, 10))
        visit(office, manager, other, dt.datetime(2026, 12, 15, 15, 0))
        december, january, own = Plan.browse([december, january, own])
        self.assertEqual((december.done, december.rate),
            (2, Decimal('1.74')))
        self.assertEqual((january.done, own.done, own.rate),
            (1, 1, Decimal('20.00')))
        with as_user(clerk, office['company']):
            self.assertEqual(len(Plan(december.id).visits), 2)
        # the appraisal's source: done over planned, out of 100
        appraisal = Appraisal(employee=manager.employee,
            month=dt.date(2026, 12, 1))
        self.assertIn('community_visits', dict(Appraisal.get_sources()))
        self.assertEqual(appraisal.source_score('community_visits'), 20)
        appraisal.employee = office['guard']
        self.assertIsNone(appraisal.source_score('community_visits'))

    @with_transaction()
    def test_visit_finding_becomes_ticket(self):
        """The clerk's finding on a visit becomes a ticket in one click,
        once: the home visited, the clerk its first receiver"""
        pool = Pool()
        Visit = pool.get('property.visit')
        Department = pool.get('property.department')
        Category = pool.get('property.ticket.category')
        office = front_office()
        clerk = office['clerk']
        unit = office['units'][0]
        department, = Department.create([{'name': "工程部",
                    'company': office['company'].id}])
        category, = Category.create([{'name': "给排水", 'code': 'PLB',
                    'department': department.id}])
        record = visit(office, clerk, unit, dt.datetime(2026, 12, 8, 10, 0),
            findings="卫生间地漏返味", finding_category=category.id)
        self.assertEqual(record.visitor, clerk)
        with as_user(clerk, office['company']):
            with office_clock(dt.datetime(2026, 12, 8, 10, 30)):
                ticket, = Visit.create_ticket([record])
            # once: the button is gone with the ticket
            with self.assertRaises(AccessButtonError):
                Visit.create_ticket([record])
        self.assertEqual(record.ticket, ticket)
        self.assertEqual((ticket.state, ticket.channel, ticket.unit,
                ticket.kind, ticket.first_receiver, ticket.description),
            ('open', 'visit', unit, 'repair_unit', clerk.employee,
                "卫生间地漏返味"))
        other_user = office['other_clerk']
        with as_user(other_user, office['company']):
            # staff of another site do not see the visit
            self.assertEqual(Visit.search([]), [])
            with self.assertRaises(AccessError):
                Visit.create_ticket([record])
