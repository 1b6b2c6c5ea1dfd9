# This file is part of the property-management suite.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class PropertyHelpdeskTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Property Helpdesk module"
    module = 'property_helpdesk'


del ModuleTestCase
