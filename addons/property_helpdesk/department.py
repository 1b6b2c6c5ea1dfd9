# This file is part of the property-management suite.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.modules.property_base.common import CheckValuesMixin


class Department(CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.department'
    __string__ = "Service Department"
    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    head = fields.Many2One('company.employee', "Head", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    employees = fields.Many2Many('property.department-company.employee',
        'department', 'employee', "Employees",
        domain=[('company', '=', Eval('company', -1))],
        help="The staff who can be assigned the department's tickets and "
        "work orders.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


class DepartmentEmployee(CheckValuesMixin, ModelSQL):
    __name__ = 'property.department-company.employee'
    __string__ = "Department - Employee"
    department = fields.Many2One('property.department', "Department",
        required=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    property_departments = fields.Many2Many(
        'property.department-company.employee', 'employee', 'department',
        "Service Departments", readonly=True,
        help="The departments whose tickets and work orders the employee "
        "can be given.")


class Site(metaclass=PoolMeta):
    __name__ = 'property.site'
    supervisor = fields.Many2One('company.employee',
        "Customer Service Supervisor", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="Receives level 2 information (of the information levels).")
