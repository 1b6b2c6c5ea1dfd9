# This file is part of the property-management suite.
"""With property_billing: the materials used on a paid-service work order
(有偿服务) are billed to the home with the service, as charges the billing
run puts on the home's fee notice"""
from trytond.model import fields
from trytond.modules.property_base.common import office_date
from trytond.pool import Pool, PoolMeta


class Charge(metaclass=PoolMeta):
    __name__ = 'property.fee.charge'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.work_order.material']


class WorkOrderMaterial(metaclass=PoolMeta):
    __name__ = 'property.work_order.material'
    charges = fields.One2Many('property.fee.charge', 'origin', "Charges",
        readonly=True)


class WorkOrder(metaclass=PoolMeta):
    __name__ = 'property.work_order'

    @classmethod
    def create_charges(cls, orders):
        """Besides the service, charge the payer of each finished paid
        work order once for each material issued on it, at the cost it
        left the storeroom at (the suite's default: materials are passed
        on at cost), with the paid service fee type"""
        pool = Pool()
        Charge = pool.get('property.fee.charge')
        Configuration = pool.get('property.billing.configuration')
        charges = list(super().create_charges(orders) or [])
        to_save = []
        for order in orders:
            ticket = order.ticket
            if (order.state != 'done' or not order.paid_service
                    or not ticket or not ticket.unit
                    or not ticket.reporter):
                continue
            company = ticket.unit.site.company
            fee_type = Configuration.get_value('service_fee_type', company)
            if not fee_type:
                continue
            done_at = order.done_at or ticket.create_date
            for material in order.materials_issued:
                if not material.cost or material.charges:
                    continue
                to_save.append(Charge(company=company, unit=ticket.unit,
                        fee_type=fee_type,
                        party=ticket.reporter,
                        date=office_date(done_at, company),
                        description=f'{material.product.rec_name} '
                        f'× {material.quantity:g} {ticket.rec_name}',
                        amount=material.cost,
                        origin=material))
        Charge.save(to_save)
        return charges + to_save
