# This file is part of the property-management suite.
from trytond.tests.test_tryton import ModuleTestCase


class PropertyBaseTestCase(ModuleTestCase):
    "Test Property Base module"
    module = 'property_base'


del ModuleTestCase
