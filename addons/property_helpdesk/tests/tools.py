# This file is part of the property-management suite.
"Helpers for the tests of the modules that finish repair work orders"
from trytond.pool import Pool
from trytond.transaction import Transaction


def check_work_orders(orders, supervisor=None):
    """Record the three-level check of the finished repairs (seed 004:
    员工自检、班长检查、主管抽查) as the staff who make it: the technician,
    the head of the department (the technician himself heads a department
    that has no head yet), and for a job selected the supervisor (default:
    the head)"""
    WorkOrder = Pool().get('property.work_order')
    for order in WorkOrder.browse(orders):
        if not order.check_required:
            continue
        department = order.department
        if not department.head:
            department.head = order.technician
            department.save()
        with Transaction().set_context(employee=order.technician.id):
            WorkOrder.self_check([order])
        with Transaction().set_context(employee=department.head.id):
            WorkOrder.leader_check([order])
        order = WorkOrder(order.id)
        if order.spot_check:
            employee = supervisor or department.head
            with Transaction().set_context(employee=employee.id):
                WorkOrder.supervisor_check([order])
