# This file is part of the property-management suite.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class PropertyHrTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Property HR module"
    module = 'property_hr'
    extras = ['property_helpdesk']


del ModuleTestCase
