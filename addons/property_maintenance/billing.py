# This file is part of the property-management suite.
"""With property_billing: the materials used on a paid-service work order
(有偿服务) are billed to the home with the service, as charges the billing
run puts on the home's fee notice"""
from trytond.model import fields
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
        Charge = Pool().get('property.fee.charge')
        charges = list(super().create_charges(orders) or [])
        to_save = []
        for order in orders:
            for material in order.materials_issued:
                if not material.cost or material.charges:
                    continue
                charge = order.paid_service_charge(material.cost,
                    origin=material, description=(
                        f'{material.product.rec_name} '
                        f'× {material.quantity:g}'))
                if charge:
                    to_save.append(charge)
        Charge.save(to_save)
        return charges + to_save
