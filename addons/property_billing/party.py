# This file is part of the property-management suite.
from trytond.pool import Pool, PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def default_dunning_procedure(cls, **pattern):
        """Owners are dunned with the fee collection procedure (催缴)
        unless accounting sets another default"""
        procedure = super().default_dunning_procedure(**pattern)
        if procedure is None:
            ModelData = Pool().get('ir.model.data')
            procedure = ModelData.get_id(
                'property_billing', 'dunning_procedure_fee')
        return procedure
